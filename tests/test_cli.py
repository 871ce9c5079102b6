"""The command line, driven in-process: demo, extract, ingest (twice), events, export, bad input in a batch."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conflictlens.cli import app

REPORT = (
    "Gunmen attacked a police station in Quetta on Monday, killing three policemen and wounding two others, "
    "officials said. No group claimed responsibility.\n\n"
    "In Karachi, hundreds of students protested on Tuesday against fee increases."
)
PUBLISHED = "2024-05-08"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "quetta.txt").write_text(REPORT, encoding="utf-8")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "sport.txt").write_text(
        "The home side won the cup final 3-1 on Saturday after a late goal from their captain, and fans "
        "celebrated in the streets until the early hours.",
        encoding="utf-8",
    )
    return folder


def test_every_command_has_help(runner: CliRunner) -> None:
    for command in (["extract"], ["ingest"], ["events"], ["export"], ["demo"], ["eval"], ["gazetteer", "import"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert "Usage" in result.output


def test_extract_json_prints_events_without_a_store(runner: CliRunner, tmp_path: Path, reports: Path) -> None:
    result = runner.invoke(app, ["extract", str(reports / "quetta.txt"), "--published", PUBLISHED, "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    events = payload[0]["events"]
    types = {e["sub_event_type"] for e in events}
    assert "Peaceful protest" in types
    attack = next(e for e in events if e["place"]["name"] == "Quetta")
    assert attack["time"]["event_date"] == "2024-05-06"
    assert attack["toll"]["killed"]["state_forces"] == 3
    assert not list(tmp_path.glob("*.sqlite"))


def test_extract_csv_has_acled_columns(runner: CliRunner, reports: Path) -> None:
    result = runner.invoke(app, ["extract", str(reports / "quetta.txt"), "--published", PUBLISHED, "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and list(rows[0])[:3] == ["event_id_cnty", "event_date", "year"]
    assert {r["location"] for r in rows} >= {"Quetta", "Karachi"}


def test_ingest_names_bad_documents_and_goes_on(runner: CliRunner, tmp_path: Path, reports: Path) -> None:
    db = tmp_path / "events.sqlite"
    result = runner.invoke(app, ["ingest", str(reports), "--db", str(db), "--published", PUBLISHED])
    assert result.exit_code == 0, result.output
    out = result.output.replace("\n", "")  # rich wraps long paths at the terminal width
    assert "empty.txt" in out and "binary.txt" in out
    assert "sport.txt" in out and "no events" in out
    assert "4 documents read: 2 stored" in out


def test_ingest_twice_stores_each_document_once(runner: CliRunner, tmp_path: Path, reports: Path) -> None:
    db = tmp_path / "events.sqlite"
    args = ["ingest", str(reports / "quetta.txt"), "--db", str(db), "--published", PUBLISHED]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert "1 stored, 0 already stored" in first.output
    assert "0 stored, 1 already stored" in second.output

    from conflictlens.store import open_store

    with open_store(db) as store:
        assert store.stats()["documents"] == 1
        events = store.events()
        incidents = store.incidents_of_events([e.id for e in events])
        assert events and len({i.id for i in incidents}) == len(events)  # ingest attaches each event as it stores


def test_events_and_export_filter_the_store(runner: CliRunner, tmp_path: Path, reports: Path) -> None:
    db = tmp_path / "events.sqlite"
    runner.invoke(app, ["ingest", str(reports / "quetta.txt"), "--db", str(db), "--published", PUBLISHED])
    listed = runner.invoke(app, ["events", "--db", str(db), "--type", "Protests", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert [e["sub_event_type"] for e in json.loads(listed.stdout)] == ["Peaceful protest"]

    out = tmp_path / "events.geojson"
    exported = runner.invoke(app, ["export", "--db", str(db), "--format", "geojson", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert len(features) >= 2
    lon, lat = features[0]["geometry"]["coordinates"]
    assert 60 < lon < 70 and 24 < lat < 31  # Pakistan, longitude first


def test_parquet_export_needs_a_file(runner: CliRunner, tmp_path: Path, reports: Path) -> None:
    db = tmp_path / "events.sqlite"
    runner.invoke(app, ["ingest", str(reports / "quetta.txt"), "--db", str(db)])
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "parquet"])
    assert result.exit_code != 0
    assert "--output" in result.output


def test_events_on_a_missing_store_says_how_to_make_one(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "nope.sqlite")])
    assert result.exit_code == 2
    assert "conflictlens ingest" in result.output


def test_demo_stores_and_shows_the_sample(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    result = runner.invoke(app, ["demo", "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Armed clash" in result.output and "Claims" in result.output
    from conflictlens.store import open_store

    with open_store(db) as store:
        assert store.count_events() >= 3
    again = runner.invoke(app, ["demo", "--db", str(db)], env={"COLUMNS": "200"})
    assert again.exit_code == 0 and "already stored" in again.output
