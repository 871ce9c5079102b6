"""Exports: ACLED column order, CSV/JSON/JSON Lines/GeoJSON/Parquet contents, streams and paths."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conflictlens import export as export_module
from conflictlens.export import (
    ACLED_COLUMNS,
    COLUMNS,
    EXTRA_COLUMNS,
    ExportError,
    country_codes,
    disorder_type,
    event_row,
    write_events,
)
from conflictlens.records import Event, from_dict
from factories import make_actor, make_document, make_event, make_place, make_rich_event, make_time

# ACLED's export header as its codebook lists it; the export must start with exactly these.
ACLED_HEADER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]

DOC = make_document()
RICH = make_rich_event(DOC, 1, notes='Fighters said "no surrender", then withdrew; 4 killed.')
PROTEST = make_event(
    DOC,
    2,
    event_type="Protests",
    sub_event_type="Peaceful protest",
    notes="Traders protested against a new tax.",
    actor1=make_actor(DOC, "Protesters (Pakistan)", inter=6),
    place=make_place(DOC, "Lahore", admin1="Punjab", admin2="Lahore", latitude=31.558, longitude=74.351),
    time=make_time(DOC, dt.date(2024, 3, 5)),
)
UNPLACED = make_event(DOC, 3, notes="A clash at an unknown place.")
EVENTS = [RICH, PROTEST, UNPLACED]
DOCUMENTS = {DOC.id: DOC}


def _read_parquet(path: Path) -> pa.Table:
    # Read from a path, single-threaded: pyarrow 26 can abort at interpreter exit after threaded reads of
    # in-memory buffers.
    return pq.read_table(path, use_threads=False)


# ---------------------------------------------------------------------------------------------------------
# Columns and the flat row
# ---------------------------------------------------------------------------------------------------------


def test_acled_columns_are_acleds_header_in_order() -> None:
    assert list(ACLED_COLUMNS) == ACLED_HEADER
    assert COLUMNS == ACLED_COLUMNS + EXTRA_COLUMNS
    assert len(set(COLUMNS)) == len(COLUMNS), "no column twice"


def test_event_row_has_every_column_in_order() -> None:
    assert list(event_row(RICH, DOC)) == list(COLUMNS)
    assert list(event_row(UNPLACED)) == list(COLUMNS)


def test_event_row_follows_acled_conventions() -> None:
    row = event_row(RICH, DOC)
    assert row["event_date"] == dt.date(2024, 3, 3) and row["year"] == 2024
    assert row["disorder_type"] == "Political violence"
    assert row["actor1"] == "ELF: Example Liberation Front" and row["actor1_unit"] == "Night Squad"
    assert (row["inter1"], row["inter2"], row["interaction"]) == (2, 1, 12)
    assert row["iso"] == 586 and row["region"] == "South Asia" and row["iso3"] == "PAK"
    assert row["source"] == "Example Wire via Example Feeds"
    assert row["timestamp"] == int(dt.datetime(2024, 3, 4, 12, 30, tzinfo=dt.UTC).timestamp())
    assert row["civilian_targeting"] == "Civilian targeting"  # an associated target is civilians
    assert (row["killed_state_forces"], row["injured_state_forces"], row["killed_civilians"]) == (4, 6, None)
    assert row["fatalities_high"] == 12 and row["toll_status"] == "claimed"
    assert row["claimants"] == (
        "Government of Pakistan (2018-); Spokesman of the front (ELF: Example Liberation Front); "
        "ELF: Example Liberation Front"
    )


def test_single_actor_event_has_inter2_zero_and_interaction_ten_times_inter1() -> None:
    row = event_row(PROTEST)
    assert (row["inter1"], row["inter2"], row["interaction"]) == (6, 0, 60)
    assert row["actor2"] is None and row["civilian_targeting"] is None
    assert row["disorder_type"] == "Demonstrations"
    assert row["source"] is None, "no document given: no source"


def test_associated_actors_are_joined_like_acled() -> None:
    event = make_rich_event(
        DOC,
        assoc_actor_1=(make_actor(DOC, "Gunmen", inter=2), make_actor(DOC, "Militia (Pro-ELF)", inter=3)),
    )
    assert event_row(event)["assoc_actor_1"] == "Gunmen; Militia (Pro-ELF)"


@pytest.mark.parametrize(
    ("event_type", "sub_event_type", "expected"),
    [
        ("Battles", "Armed clash", "Political violence"),
        ("Explosions/Remote violence", "Air/drone strike", "Political violence"),
        ("Violence against civilians", "Abduction/forced disappearance", "Political violence"),
        ("Protests", "Peaceful protest", "Demonstrations"),
        ("Protests", "Excessive force against protesters", "Political violence; Demonstrations"),
        ("Riots", "Violent demonstration", "Demonstrations"),
        ("Riots", "Mob violence", "Political violence"),
        ("Strategic developments", "Arrests", "Strategic developments"),
        ("Not a type", "Nor a sub-type", None),
    ],
)
def test_disorder_type(event_type: str, sub_event_type: str, expected: str | None) -> None:
    assert disorder_type(event_type, sub_event_type) == expected


@pytest.mark.parametrize(
    ("iso3", "country", "numeric", "region"),
    [
        ("AFG", None, 4, "South Asia"),
        ("IRN", None, 364, "Middle East"),
        ("SYR", None, 760, "Middle East"),
        ("GEO", None, 268, "Caucasus and Central Asia"),
        ("KAZ", None, 398, "Caucasus and Central Asia"),
        ("SDN", None, 729, "Northern Africa"),
        ("NGA", None, 566, "Western Africa"),
        ("COD", None, 180, "Middle Africa"),
        ("MEX", None, 484, "Central America"),
        ("UKR", None, 804, "Europe"),
        ("MMR", None, 104, "Southeast Asia"),
        ("PNG", None, 598, "Oceania"),
        (None, "Pakistan", 586, "South Asia"),
        (None, "Atlantis", None, None),
        (None, None, None, None),
    ],
)
def test_country_codes(iso3: str | None, country: str | None, numeric: int | None, region: str | None) -> None:
    codes = country_codes(iso3, country)
    assert (codes.iso_numeric, codes.region) == (numeric, region)


# ---------------------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------------------


def test_csv_header_is_acled_then_extras_and_rows_read_back() -> None:
    out = io.StringIO()
    summary = write_events(EVENTS, "csv", out, documents=DOCUMENTS)
    assert summary.written == 3
    out.seek(0)
    reader = csv.DictReader(out)
    assert reader.fieldnames == ACLED_HEADER + list(EXTRA_COLUMNS)
    rows = list(reader)
    assert [r["event_id_cnty"] for r in rows] == [e.id for e in EVENTS]
    rich, protest, unplaced = rows
    assert rich["notes"] == RICH.notes, "quotes, commas and semicolons survive"
    assert rich["event_date"] == "2024-03-03" and rich["iso"] == "586" and rich["latitude"] == "30.18414"
    assert rich["source"] == "Example Wire via Example Feeds"
    assert protest["inter2"] == "0" and protest["actor2"] == ""
    assert unplaced["latitude"] == "" and unplaced["event_date"] == "" and unplaced["fatalities"] == "0"


def test_csv_to_path_and_binary_stream_match_text_stream(tmp_path: Path) -> None:
    text = io.StringIO()
    write_events(EVENTS, "csv", text, documents=DOCUMENTS)
    binary = io.BytesIO()
    write_events(EVENTS, "csv", binary, documents=DOCUMENTS)
    assert not binary.closed, "a caller's stream stays open"
    path = tmp_path / "events.csv"
    write_events(EVENTS, "csv", path, documents=DOCUMENTS)
    assert binary.getvalue().decode("utf-8") == text.getvalue()
    assert path.read_bytes() == binary.getvalue()


# ---------------------------------------------------------------------------------------------------------
# JSON and JSON Lines
# ---------------------------------------------------------------------------------------------------------


def test_json_is_a_list_of_records_that_rebuild_the_events(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    summary = write_events(iter(EVENTS), "json", path)
    assert summary.written == 3
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    assert [from_dict(Event, item) for item in data] == EVENTS


def test_json_of_no_events_is_an_empty_list() -> None:
    out = io.StringIO()
    write_events([], "json", out)
    assert json.loads(out.getvalue()) == []


def test_jsonl_has_one_event_per_line() -> None:
    out = io.BytesIO()
    write_events(EVENTS, "jsonl", out)
    lines = out.getvalue().decode("utf-8").splitlines()
    assert [from_dict(Event, json.loads(line)) for line in lines] == EVENTS


def test_nan_is_refused_rather_than_written_as_invalid_json() -> None:
    bad = make_rich_event(DOC, place=make_place(DOC, latitude=float("nan")))
    with pytest.raises(ExportError, match=bad.id):
        write_events([bad], "jsonl", io.StringIO())


# ---------------------------------------------------------------------------------------------------------
# GeoJSON
# ---------------------------------------------------------------------------------------------------------


def test_geojson_points_are_lon_lat_with_flat_properties(caplog: pytest.LogCaptureFixture) -> None:
    out = io.StringIO()
    with caplog.at_level(logging.WARNING, logger="conflictlens.export"):
        summary = write_events(EVENTS, "geojson", out, documents=DOCUMENTS)
    collection = json.loads(out.getvalue())
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["id"] for f in features] == [RICH.id, PROTEST.id]
    for feature, event in zip(features, (RICH, PROTEST), strict=True):
        assert event.place is not None
        assert feature["type"] == "Feature"
        assert feature["geometry"] == {
            "type": "Point",
            "coordinates": [event.place.longitude, event.place.latitude],
        }
        assert list(feature["properties"]) == list(COLUMNS)
    assert features[0]["properties"]["event_date"] == "2024-03-03"
    assert features[0]["properties"]["source"] == "Example Wire via Example Feeds"
    assert (summary.written, summary.skipped_without_coordinates) == (2, 1)
    assert "left out 1 event" in caplog.text and UNPLACED.id in caplog.text


def test_geojson_leaves_out_impossible_coordinates() -> None:
    swapped = make_rich_event(DOC, 4, place=make_place(DOC, latitude=167.0, longitude=30.2))
    out = io.StringIO()
    summary = write_events([swapped], "geojson", out)
    assert json.loads(out.getvalue()) == {"type": "FeatureCollection", "features": []}
    assert summary.skipped_without_coordinates == 1


# ---------------------------------------------------------------------------------------------------------
# Parquet
# ---------------------------------------------------------------------------------------------------------


def test_parquet_reads_back_with_typed_nullable_columns(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    summary = write_events(EVENTS, "parquet", path, documents=DOCUMENTS)
    assert summary.written == 3
    table = _read_parquet(path)
    assert table.column_names == list(COLUMNS)
    schema = table.schema
    assert schema.field("event_date").type == pa.date32()
    assert schema.field("published").type == pa.date32()
    assert schema.field("fatalities").type == pa.int32()
    assert schema.field("inter2").type == pa.int32()
    assert schema.field("timestamp").type == pa.int64()
    assert schema.field("latitude").type == pa.float64()
    assert schema.field("notes").type == pa.string()
    rows = table.to_pylist()
    assert rows[0] == event_row(RICH, DOC)
    assert rows[2]["event_date"] is None and rows[2]["latitude"] is None and rows[2]["killed_civilians"] is None


def test_parquet_to_binary_stream_and_in_row_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_module, "PARQUET_BATCH_ROWS", 2)
    events = [make_event(DOC, n, time=make_time(DOC, dt.date(2024, 1, n))) for n in range(1, 6)]
    stream = io.BytesIO()
    assert write_events(events, "parquet", stream).written == 5
    path = tmp_path / "from-stream.parquet"
    path.write_bytes(stream.getvalue())
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert _read_parquet(path).column("event_date").to_pylist() == [dt.date(2024, 1, n) for n in range(1, 6)]


def test_parquet_refuses_a_text_stream() -> None:
    with pytest.raises(ExportError, match="binary"):
        write_events(EVENTS, "parquet", io.StringIO())


# ---------------------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------------------


def test_unknown_format_lists_the_formats() -> None:
    with pytest.raises(ExportError, match="choose one of json, jsonl, csv, geojson, parquet"):
        write_events(EVENTS, "xlsx", io.StringIO())


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_missing_folder_is_an_export_error(tmp_path: Path, fmt: str) -> None:
    with pytest.raises(ExportError, match="cannot write"):
        write_events(EVENTS, fmt, tmp_path / "no-such-folder" / f"events.{fmt}")
