"""The Ray engine on a local Ray instance (2 CPUs): the store it fills and the Parquet events it writes equal
the local engine's for the same reports (the fictional ones of tests/scale_reports.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conflictlens.runner import extract_to_parquet, ingest_paths
from conflictlens.store import open_store
from scale_reports import canonical_dump, report_lines

ray = pytest.importorskip("ray", reason="the Ray engine's tests need Ray: pip install -e '.[test]'")
pq = pytest.importorskip("pyarrow.parquet")

from conflictlens.distributed import ray_ingest, ray_to_parquet  # noqa: E402 - after the Ray check

# Ray's own modules warn about their deprecated settings while they set their defaults.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*")

REPORTS = 14  # the first 12 lines hold four incidents told three ways; the rest single reports


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = [*report_lines()[:REPORTS], report_lines()[0]]  # and the first again: stored once
    path = tmp_path_factory.mktemp("reports") / "reports.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _sorted_rows(table: Any) -> list[dict[str, Any]]:
    return sorted(table.to_pylist(), key=lambda row: row["event_id_cnty"])


def test_ray_engine_fills_the_store_as_the_local_engine_does(
    local_ray: None, pipeline, reports: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with open_store(tmp_path / "local.sqlite") as store:
        local_summary = ingest_paths([reports], store, pipeline=pipeline)
        expected = canonical_dump(store)
    with open_store(tmp_path / "ray.sqlite") as store:
        summary = ray_ingest([reports], store, actors=2)
        assert canonical_dump(store) == expected
    assert (summary.documents, summary.stored, summary.duplicates) == (
        local_summary.documents,
        local_summary.stored,
        local_summary.duplicates,
    )
    assert any(len(incident["doc_ids"]) == 3 for incident in expected["incidents"])


def test_ray_engine_writes_the_events_parquet_the_local_engine_writes(
    local_ray: None, pipeline, reports: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    extract_to_parquet([reports], tmp_path / "local.parquet", pipeline=pipeline)
    written = ray_to_parquet([reports], tmp_path / "ray.parquet", actors=2)
    local = _sorted_rows(pq.read_table(tmp_path / "local.parquet"))
    distributed = _sorted_rows(pq.read_table(tmp_path / "ray.parquet"))
    assert written == len(distributed) > 0
    for row in (*local, *distributed):
        row.pop("timestamp")  # when each document was read
    assert distributed == local
