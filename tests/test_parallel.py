"""Parallel extraction: worker processes give the same extractions as one process, in input order, and read
the input only a bounded distance ahead of what they have returned."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conflictlens.errors import ConflictlensError
from conflictlens.ingest import document_from_text
from conflictlens.parallel import DOCUMENTS_PER_TASK, TASKS_IN_FLIGHT_PER_WORKER, extract_parallel, resolve_workers
from conflictlens.records import Document
from conflictlens.runner import RunSummary, extract_paths

TOWNS = ("Quetta", "Peshawar", "Kandahar", "Maiduguri", "Mogadishu", "Bannu", "Kirkuk")


def _documents(n: int) -> list[Document]:
    return [
        document_from_text(
            f"Gunmen killed {i + 2} policemen at a checkpoint in {TOWNS[i % len(TOWNS)]} on Monday, police said.",
            origin=f"report-{i}",
        )
        for i in range(n)
    ]


def test_workers_give_the_same_extractions_in_input_order(pipeline) -> None:  # type: ignore[no-untyped-def]
    documents = _documents(20)
    parallel = list(extract_parallel(documents, workers=2))
    assert [x.document.id for x in parallel] == [d.id for d in documents]
    assert parallel == list(pipeline.extract_many(documents))


def test_input_is_read_a_bounded_distance_ahead() -> None:
    workers = 2
    pulled = 0

    def counted(documents: list[Document]) -> Iterator[Document]:
        nonlocal pulled
        for document in documents:
            pulled += 1
            yield document

    bound = workers * TASKS_IN_FLIGHT_PER_WORKER * DOCUMENTS_PER_TASK
    ahead = []
    for returned, _ in enumerate(extract_parallel(counted(_documents(120)), workers=workers), start=1):
        ahead.append(pulled - returned)
    assert max(ahead) <= bound
    assert len(ahead) == 120


def test_extract_paths_with_workers_reports_unreadable_inputs_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Gunmen killed two policemen in Quetta on Monday.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("", encoding="utf-8")
    (tmp_path / "c.txt").write_text("A roadside bomb killed three soldiers in Bannu on Tuesday.", encoding="utf-8")
    summary = RunSummary()
    results = list(extract_paths([tmp_path], workers=2, summary=summary))
    assert [Path(r.document.origin).name for r in results] == ["a.txt", "c.txt"]
    assert summary.documents == 3 and summary.events == sum(len(r.events) for r in results) > 0
    assert [Path(p.origin).name for p in summary.problems if p.fatal] == ["b.txt"]


def test_worker_counts() -> None:
    assert resolve_workers(3) == 3
    assert resolve_workers(0) >= 1
    with pytest.raises(ConflictlensError, match="--workers -1"):
        resolve_workers(-1)


def test_run_local_engine_writes_every_event_to_parquet(tmp_path: Path) -> None:
    import pyarrow.parquet as pq
    from typer.testing import CliRunner

    from conflictlens.cli import app

    reports = tmp_path / "reports"
    reports.mkdir()
    for i, document in enumerate(_documents(6)):
        (reports / f"{i}.txt").write_text(document.text, encoding="utf-8")
    out = tmp_path / "events.parquet"
    result = CliRunner().invoke(app, ["run", str(reports), "--output", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    events = sum(len(x.events) for x in extract_paths([reports]))
    assert table.num_rows == events > 0
    assert f"{events} events" in result.output


def test_run_refuses_both_a_store_and_a_parquet_folder(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from conflictlens.cli import app

    result = CliRunner().invoke(app, ["run", str(tmp_path), "--db", "x.db", "--output", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "not both" in result.output
