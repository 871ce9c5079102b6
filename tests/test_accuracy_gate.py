"""The accuracy gate: every gold suite scored against the floors committed in evaluation/floors.json.

Runs where ../shared/gold exists beside the repository (skips with the reason otherwise). Each suite is run
on the sample floors.json records (whole dev files, or a seeded sample for the slow suites); the whole gate
is sized to finish within 15 minutes on 2 cores. It fails when a metric falls below its floor (above its
ceiling for *_km errors) or when a gold file differs from the one the floors were measured on.

To re-measure after an improvement: ``python -m conflictlens.evaluation.floors --propose --write``; floors
only go up, and lowering one needs ``--allow-lower`` and a written reason in the commit.
Set CONFLICTLENS_SKIP_ACCURACY_GATE=1 to leave the gate out of a quick local run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from conflictlens.evaluation import SUITES, evaluate
from conflictlens.evaluation.common import file_digests
from conflictlens.evaluation.floors import committed_floors, digest_changes, violations

GOLD_ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "gold"
SKIP_ENV = "CONFLICTLENS_SKIP_ACCURACY_GATE"
REMEASURE = "python -m conflictlens.evaluation.floors --propose --write"

pytestmark = [
    pytest.mark.skipif(
        not GOLD_ROOT.is_dir(),
        reason=f"gold suites not found at {GOLD_ROOT} (../shared/gold beside the repository); "
        "the accuracy gate runs where they exist",
    ),
    pytest.mark.skipif(os.environ.get(SKIP_ENV) == "1", reason=f"{SKIP_ENV}=1 leaves the accuracy gate out"),
]

FLOORS = committed_floors()


@pytest.fixture(scope="module")
def pipeline() -> Any:
    from conflictlens.pipeline import Pipeline

    return Pipeline()


def test_every_suite_has_committed_floors() -> None:
    missing = sorted(set(SUITES) - set(FLOORS))
    assert not missing, f"no floors committed for {', '.join(missing)}: measure them with `{REMEASURE}`"


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_suite_meets_its_floors(suite: str, pipeline: Any) -> None:
    data_dir = GOLD_ROOT / suite
    if not data_dir.is_dir():
        pytest.skip(f"{data_dir} is absent: suite {suite} cannot be scored here")
    spec = FLOORS.get(suite)
    if spec is None:
        pytest.fail(f"no floors committed for {suite}: measure them with `{REMEASURE}`")
    changes = digest_changes(spec.files, file_digests(data_dir))
    assert not changes, (
        f"{suite}: the gold data differ from the files the floors were measured on "
        f"({'; '.join(changes)}). Floors from other data mean nothing: re-measure with `{REMEASURE} {suite}` "
        "and say in the commit why the gold changed."
    )
    report = evaluate(suite, data_dir, limit=spec.limit, seed=spec.seed, pipeline=pipeline)
    problems = violations(report.metrics, spec.floors)
    assert not problems, (
        f"{suite} (n={report.n}) fell below its committed floors: {'; '.join(problems)}. "
        f"Find the cause with `conflictlens eval {suite} --data {data_dir} --errors errors.jsonl`."
    )
