"""Resuming: `conflictlens ingest` killed with SIGKILL at several moments and started again ends with the same
store as an uninterrupted run (same documents, events, claims and incidents, no duplicates), with 1 or 2
workers; input files a run finished are not read again (the journal). The reports are the fictional ones of
tests/scale_reports.py, split over five JSON Lines files.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import conflictlens
from conflictlens.ingest import read_documents
from conflictlens.journal import JOURNAL_SUFFIX
from conflictlens.records import Document
from conflictlens.runner import ingest_paths
from conflictlens.store import open_store
from scale_reports import canonical_dump, report_lines, write_report_files

SRC = Path(conflictlens.__file__).resolve().parents[1]
RUN_TIMEOUT_S = 120
# Stored-document counts at which successive runs are killed: the first document, mid-way, near the end.
KILL_AT = (1, 12, 26)


INPUT_FILES = 5  # so that killed runs leave some input files finished (journalled) and some not


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_report_files(tmp_path_factory.mktemp("reports"), INPUT_FILES)


def _command(reports: list[Path], db: Path, workers: int) -> list[str]:
    entry = "from conflictlens.cli import main; main()"
    return [sys.executable, "-c", entry, "ingest", *map(str, reports), "--db", str(db), "--workers", str(workers)]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}


def _ingest(reports: list[Path], db: Path, workers: int) -> None:
    done = subprocess.run(_command(reports, db, workers), env=_env(), capture_output=True, timeout=RUN_TIMEOUT_S)
    assert done.returncode == 0, done.stderr.decode()


def _stored_documents(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet, or the schema is being written
        return 0


def _group_gone(pgid: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _ingest_killed_at(reports: list[Path], db: Path, workers: int, stored: int) -> int:
    """Run ingest and SIGKILL it once the store holds ``stored`` documents; the count it had when killed."""
    process = subprocess.Popen(
        _command(reports, db, workers),
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while _stored_documents(db) < stored and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL, f"the run ended ({process.returncode}) before it was killed"
        assert _group_gone(process.pid, within_s=10), "worker processes outlived their killed parent"
    finally:
        if process.poll() is None:
            process.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # only this test's own process group
    return _stored_documents(db)


def _dump(db: Path) -> dict[str, Any]:
    with open_store(db) as store:
        return canonical_dump(store)


@pytest.fixture(scope="module")
def uninterrupted(reports: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("uninterrupted") / "events.sqlite"
    _ingest(reports, db, workers=1)
    return _dump(db)


def test_uninterrupted_run_stores_each_report_once_and_groups_incidents(uninterrupted: dict[str, Any]) -> None:
    distinct_texts = {line["text"] for line in report_lines()}
    assert len(uninterrupted["documents"]) == len(distinct_texts)
    assert len({e["id"] for e in uninterrupted["events"]}) == len(uninterrupted["events"])
    assert max(len(i["doc_ids"]) for i in uninterrupted["incidents"]) == 3
    assert sum(1 for d in uninterrupted["documents"] if d["problem"]) == 2  # the off-topic ones


def test_two_workers_store_the_same_as_one(reports: list[Path], tmp_path: Path, uninterrupted: dict[str, Any]) -> None:
    db = tmp_path / "events.sqlite"
    _ingest(reports, db, workers=2)
    assert _dump(db) == uninterrupted


@pytest.mark.parametrize("workers", [1, 2])
def test_killed_runs_resumed_end_with_the_same_store(
    workers: int, reports: list[Path], tmp_path: Path, uninterrupted: dict[str, Any]
) -> None:
    db = tmp_path / "events.sqlite"
    counts = [_ingest_killed_at(reports, db, workers, stored) for stored in KILL_AT]
    assert counts == sorted(counts) and counts[0] >= KILL_AT[0], counts  # each run was killed (asserted inside)
    _ingest(reports, db, workers)
    assert _dump(db) == uninterrupted
    _ingest(reports, db, workers)  # a further run changes nothing
    assert _dump(db) == uninterrupted


def test_events_saved_but_not_attached_are_attached_by_the_next_run(
    pipeline, reports: list[Path], tmp_path: Path, uninterrupted: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    """The window a kill can hit between a document's save and its incident attachment."""
    db = tmp_path / "events.sqlite"
    documents = [d for d in read_documents(reports) if isinstance(d, Document)]
    with open_store(db) as store:
        for document in documents[::2]:  # killed after saving each of these, before attaching any
            store.save(pipeline.extract(document))
        assert store.unattached_event_ids()
    with open_store(db) as store:
        summary = ingest_paths(reports, store, pipeline=pipeline)
        saved = {d.id for d in documents[::2]}
        assert summary.duplicates == sum(d.id in saved for d in documents)  # skipped, not extracted again
        assert not store.unattached_event_ids()
        assert json.dumps(canonical_dump(store), sort_keys=True) == json.dumps(uninterrupted, sort_keys=True)


def test_finished_input_files_are_not_read_again_unless_they_change(
    pipeline, reports: list[Path], tmp_path: Path, uninterrupted: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    copies = []
    for path in reports:
        copies.append(tmp_path / path.name)
        copies[-1].write_bytes(path.read_bytes())
    db = tmp_path / "events.sqlite"
    with open_store(db) as store:
        first = ingest_paths(copies, store, pipeline=pipeline)
    assert first.inputs_skipped == 0 and first.stored == len(uninterrupted["documents"])
    journal = (tmp_path / (db.name + JOURNAL_SUFFIX)).read_text(encoding="utf-8")
    assert len([line for line in journal.splitlines() if line.strip()]) == INPUT_FILES
    with copies[1].open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "Gunmen killed four policemen in Quetta on Monday.", "published": "2024-03-05"}))
    with open_store(db) as store:
        second = ingest_paths(copies, store, pipeline=pipeline)
    assert second.inputs_skipped == INPUT_FILES - 1
    assert (second.documents, second.stored, second.duplicates) == (len(report_lines()) + 1, 1, len(report_lines()))
    for leftover in tmp_path.glob(db.name + "*"):  # the store is deleted; its journal stays behind
        if not leftover.name.endswith(JOURNAL_SUFFIX):
            leftover.unlink()
    with open_store(db) as store:
        third = ingest_paths(copies, store, pipeline=pipeline)
    assert third.inputs_skipped == 0 and third.stored == len(uninterrupted["documents"]) + 1
