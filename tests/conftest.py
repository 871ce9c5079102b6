"""Shared fixtures: paths to ../shared (skipped with a reason when absent) and the loaded pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLE = SHARED / "examples" / "operation-herof.txt"


@pytest.fixture(scope="session")
def pipeline():  # type: ignore[no-untyped-def]
    from conflictlens.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def example_text() -> str:
    if not EXAMPLE.is_file():
        pytest.skip(f"the shared example report is not at {EXAMPLE} (../shared beside the repository)")
    return EXAMPLE.read_text(encoding="utf-8")
