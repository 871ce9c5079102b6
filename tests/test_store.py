"""The event store: round trips, dedup, atomic saves, filters, schema versions, opening targets.

Tests taking the ``store`` or ``new_store`` fixture run against SQLite and PostgreSQL (conftest.py; PostgreSQL
needs CONFLICTLENS_TEST_POSTGRES_URL and is skipped, saying so, without it). Schema-file tests are SQLite's; the
PostgreSQL versions of them are at the end.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conflictlens.errors import StoreError
from conflictlens.records import ClaimKind, Event, Extraction, Stance
from conflictlens.store import EventFilter, Migration, SQLiteStore, Store, open_store
from conflictlens.store import sqlite as store_module
from factories import (
    make_actor,
    make_claim,
    make_document,
    make_event,
    make_extraction,
    make_place,
    make_rich_event,
    make_time,
)

STORE_BACKENDS = ("sqlite", "postgres")  # conftest.py runs each test using a store fixture on both


# ---------------------------------------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------------------------------------


def test_rich_event_round_trips_equal(store: Store) -> None:
    doc = make_document()
    event = make_rich_event(doc)
    assert store.save(make_extraction(doc, events=[event]))
    (stored,) = store.events()
    assert stored == event
    assert stored.place is not None and stored.place.latitude == pytest.approx(30.18414)
    assert stored.toll.status is Stance.CLAIMED
    assert stored.assoc_actor_2[0].inter == 7


def test_document_round_trips_equal(store: Store) -> None:
    doc = make_document(external_id="feed-42")
    store.save(make_extraction(doc))
    assert store.document(doc.id) == doc
    assert store.document("0" * 64) is None


def test_claims_are_stored_per_event_and_per_document(store: Store) -> None:
    doc = make_document()
    event = make_rich_event(doc)
    total = make_claim(doc, kind=ClaimKind.RESPONSIBILITY, figure=None, quote="claimed responsibility")
    store.save(make_extraction(doc, events=[event], claims=[total]))
    assert store.claims(event_id=event.id) == list(event.claims)
    assert store.claims(doc_id=doc.id) == [*event.claims, total]
    assert store.claims(doc_id="f" * 64) == []


# ---------------------------------------------------------------------------------------------------------
# Dedup and documents without events
# ---------------------------------------------------------------------------------------------------------


def test_documents_by_id_reads_many_at_once_and_leaves_out_unknown_ids(store: Store) -> None:
    docs = [make_document(f"Report number {i} about a clash near Quetta.") for i in range(3)]
    for doc in docs:
        store.save(make_extraction(doc))
    wanted = [docs[0].id, docs[2].id, docs[0].id, "0" * 64]
    found = store.documents_by_id(wanted)
    assert found == {docs[0].id: docs[0], docs[2].id: docs[2]}
    assert store.documents_by_id([]) == {}


def test_same_document_is_stored_once(store: Store) -> None:
    doc = make_document()
    first = make_extraction(doc)
    assert store.save(first) is True
    other_events = make_extraction(doc, events=[make_event(doc, 1), make_event(doc, 2)])
    assert store.save(first) is False
    assert store.save(other_events) is False
    assert store.stats()["documents"] == 1
    assert store.events() == list(first.events)


def test_dedup_is_checked_again_under_the_write_lock(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = make_document()
    assert store.save(make_extraction(doc))
    # Another process stored the document between the quick check and the transaction.
    monkeypatch.setattr(type(store), "has_document", lambda self, doc_id: False)
    assert store.save(make_extraction(doc)) is False
    assert store.stats()["documents"] == 1


def test_document_without_events_is_kept_with_its_reason(store: Store) -> None:
    doc = make_document("A quiet day: the council met and approved the budget.")
    extraction = make_extraction(doc, events=[])
    assert extraction.problem is not None
    assert store.save(extraction)
    assert store.has_document(doc.id)
    assert store.problem(doc.id) == extraction.problem.reason
    assert store.save(extraction) is False
    stats = store.stats()
    assert stats["documents"] == 1 and stats["documents_without_events"] == 1 and stats["events"] == 0


def test_dedup_holds_across_reopening_a_file(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    doc = make_document()
    with open_store(path) as s:
        assert s.save(make_extraction(doc))
    with open_store(path) as s:
        assert s.has_document(doc.id)
        assert s.save(make_extraction(doc)) is False
        assert len(s.events()) == 1


# ---------------------------------------------------------------------------------------------------------
# Atomicity
# ---------------------------------------------------------------------------------------------------------


def _assert_empty(store: Store) -> None:
    stats = store.stats()
    assert (stats["documents"], stats["events"], stats["claims"]) == (0, 0, 0)


def test_unserialisable_event_stores_nothing_of_the_document(store: Store) -> None:
    doc = make_document()
    good = make_rich_event(doc, 1)
    bad = make_rich_event(doc, 2, place=make_place(doc, latitude=float("nan")))
    with pytest.raises(StoreError, match="cannot be stored as JSON"):
        store.save(make_extraction(doc, events=[good, bad]))
    assert not store.has_document(doc.id)
    _assert_empty(store)


def test_failure_after_first_rows_rolls_back_everything(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = make_document()
    inserted: list[object] = []
    real_insert = type(store)._insert_claim

    def insert_then_fail(conn: Any, row: tuple[object, ...]) -> None:
        if inserted:
            raise RuntimeError("disk unplugged")
        real_insert(conn, row)
        inserted.append(row)

    monkeypatch.setattr(type(store), "_insert_claim", staticmethod(insert_then_fail))
    with pytest.raises(RuntimeError, match="disk unplugged"):
        store.save(make_extraction(doc))
    assert inserted, "the failure must come after rows were written"
    _assert_empty(store)

    monkeypatch.setattr(type(store), "_insert_claim", staticmethod(real_insert))
    assert store.save(make_extraction(doc)), "the store stays usable and the document is not marked as seen"


def test_database_error_becomes_store_error_and_rolls_back(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = make_document()
    real_insert = type(store)._insert_event
    driver_error = type(store)._errors[0]

    def fail_on_second(conn: Any, row: tuple[object, ...]) -> None:
        if str(row[0]).endswith("-2"):
            raise driver_error("database or disk is full")
        real_insert(conn, row)

    monkeypatch.setattr(type(store), "_insert_event", staticmethod(fail_on_second))
    with pytest.raises(StoreError, match="nothing of it was stored"):
        store.save(make_extraction(doc, events=[make_rich_event(doc, 1), make_rich_event(doc, 2)]))
    _assert_empty(store)


def test_event_of_another_document_is_refused(store: Store) -> None:
    doc, other = make_document(), make_document("Another report about a different clash.")
    extraction = Extraction(document=doc, events=(make_event(other),), claims=())
    with pytest.raises(StoreError, match="belongs to document"):
        store.save(extraction)
    _assert_empty(store)


def test_interrupted_batch_run_again_gives_the_same_store(
    new_store: Callable[[], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = [make_document(f"Report number {i}: gunmen attacked a post.") for i in range(3)]
    batch = [make_extraction(d, events=[make_rich_event(d, 1), make_rich_event(d, 2)]) for d in docs]

    with new_store() as clean:
        for extraction in batch:
            clean.save(extraction)
        expected = (clean.events(), clean.stats(), clean.claims())

    with new_store() as interrupted:
        backend = type(interrupted)
        real_insert = backend._insert_event

        def crash_in_second_document(conn: Any, row: tuple[object, ...]) -> None:
            if row[1] == docs[1].id and str(row[0]).endswith("-2"):
                raise KeyboardInterrupt
            real_insert(conn, row)

        monkeypatch.setattr(backend, "_insert_event", staticmethod(crash_in_second_document))
        with pytest.raises(KeyboardInterrupt):
            for extraction in batch:
                interrupted.save(extraction)
        monkeypatch.setattr(backend, "_insert_event", staticmethod(real_insert))
        saved = [interrupted.save(extraction) for extraction in batch]
        assert saved == [False, True, True]
        assert (interrupted.events(), interrupted.stats(), interrupted.claims()) == expected


# ---------------------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------------------

DOC_A = make_document("Report A: a clash near Quetta and a protest in Lahore.")
DOC_B = make_document("Report B: a suicide bombing in Kabul.")
DOC_C = make_document("Report C: a riot in Suva and an undated raid.")


def _located(doc: Any, n: int, place: dict[str, Any], date: dt.date | None, **fields: Any) -> Event:
    return make_event(
        doc,
        n,
        place=make_place(doc, **place),
        time=make_time(doc, date) if date else None,
        **fields,
    )


FILTER_EVENTS = {
    "quetta_clash": _located(
        DOC_A,
        1,
        {"name": "Quetta"},
        dt.date(2024, 3, 3),
        notes="ELF fighters attacked a police checkpoint near Quetta.",
        actor1=make_actor(DOC_A, "ELF: Example Liberation Front", inter=2),
        actor2=make_actor(DOC_A, "Police Forces of Pakistan (2018-)", inter=1),
    ),
    "lahore_protest": _located(
        DOC_A,
        2,
        {"name": "Lahore", "admin1": "Punjab", "admin2": "Lahore", "latitude": 31.558, "longitude": 74.351},
        dt.date(2024, 3, 10),
        event_type="Protests",
        sub_event_type="Peaceful protest",
        notes="About 50% of the city's lawyers marched for judicial independence.",
        actor1=make_actor(DOC_A, "Protesters (Pakistan)", inter=6),
        assoc_actor_1=(make_actor(DOC_A, "Lawyers (Pakistan)", inter=6),),
    ),
    "kabul_bombing": _located(
        DOC_B,
        1,
        {
            "name": "Kabul",
            "country": "Afghanistan",
            "iso3": "AFG",
            "admin1": "Kabul",
            "admin2": "Kabul",
            "latitude": 34.528,
            "longitude": 69.172,
        },
        dt.date(2024, 2, 20),
        event_type="Explosions/Remote violence",
        sub_event_type="Suicide bomb",
        notes="A suicide bomber struck a market.",
        actor1=make_actor(DOC_B, "Islamic State (Afghanistan)", inter=2),
    ),
    "suva_riot": _located(
        DOC_C,
        1,
        {
            "name": "Suva",
            "country": "Fiji",
            "iso3": "FJI",
            "admin1": "Central",
            "admin2": "Rewa",
            "latitude": -18.141,
            "longitude": 178.441,
        },
        dt.date(2024, 1, 5),
        event_type="Riots",
        sub_event_type="Violent demonstration",
        notes="Rioters threw stones at shops.",
        actor1=make_actor(DOC_C, "Rioters (Fiji)", inter=5),
    ),
    "undated_raid": make_event(DOC_C, 2, notes="Unknown gunmen raided a village at an unknown date."),
}


@pytest.fixture
def filled(store: Store) -> Store:
    by_doc: dict[str, list[Event]] = {}
    for event in FILTER_EVENTS.values():
        by_doc.setdefault(event.doc_id, []).append(event)
    for doc in (DOC_A, DOC_B, DOC_C):
        assert store.save(make_extraction(doc, events=by_doc[doc.id]))
    return store


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"since": "2024-03-01"}, {"quetta_clash", "lahore_protest"}),
        ({"until": dt.date(2024, 2, 28)}, {"kabul_bombing", "suva_riot"}),
        ({"since": "2024-02-01", "until": "2024-03-05"}, {"quetta_clash", "kabul_bombing"}),
        ({"country": "pakistan"}, {"quetta_clash", "lahore_protest"}),
        ({"country": "afg"}, {"kabul_bombing"}),
        ({"admin1": "PUNJAB"}, {"lahore_protest"}),
        ({"event_type": "Protests"}, {"lahore_protest"}),
        ({"sub_event_type": "Suicide bomb"}, {"kabul_bombing"}),
        ({"actor": "liberation"}, {"quetta_clash"}),
        ({"actor": "police forces"}, {"quetta_clash"}),
        ({"actor": "lawyers"}, {"lahore_protest"}),
        ({"bbox": (66.0, 29.0, 68.0, 31.0)}, {"quetta_clash"}),
        ({"bbox": (170.0, -20.0, -170.0, -10.0)}, {"suva_riot"}),
        ({"text": "CHECKPOINT"}, {"quetta_clash"}),
        ({"text": "suva"}, {"suva_riot"}),
        ({"text": "%"}, {"lahore_protest"}),
        ({"text": "_"}, set()),
        ({"doc_id": DOC_B.id}, {"kabul_bombing"}),
        # Substrings go through the trigram index from three characters on, inside words and across spaces.
        ({"text": "heckpoin"}, {"quetta_clash"}),
        ({"text": "THREW STONES AT"}, {"suva_riot"}),
        ({"actor": "LIBERATION"}, {"quetta_clash"}),
        ({"actor": "wyers (pak"}, {"lahore_protest"}),
        ({"actor": "ers"}, {"lahore_protest", "suva_riot"}),
        ({"text": "50"}, {"lahore_protest"}),
        ({"country": "PAKISTAN"}, {"quetta_clash", "lahore_protest"}),
        ({"country": "fji"}, {"suva_riot"}),
        ({"admin1": "central"}, {"suva_riot"}),
        ({"country": "PAK", "event_type": "Battles"}, {"quetta_clash"}),
    ],
)
def test_each_filter_keeps_only_matching_events(filled: Store, filters: dict[str, Any], expected: set[str]) -> None:
    names = {event.id: name for name, event in FILTER_EVENTS.items()}
    found = {names[e.id] for e in filled.events(**filters)}
    assert found == expected
    assert found != set(FILTER_EVENTS), "a filter must exclude something"
    assert filled.count_events(**filters) == len(expected)


def test_events_are_ordered_by_date_then_id_undated_last(filled: Store) -> None:
    ids = [e.id for e in filled.events()]
    order = ["suva_riot", "kabul_bombing", "quetta_clash", "lahore_protest", "undated_raid"]
    assert ids == [FILTER_EVENTS[name].id for name in order]
    assert [e.id for e in filled.events(limit=2, offset=1)] == ids[1:3]
    assert [e.id for e in filled.events(offset=3)] == ids[3:]
    assert filled.events(limit=0) == []
    assert filled.count_events() == len(ids)


def test_counts_by_date_match_the_events_of_each_day_under_a_filter(filled: Store) -> None:
    for filters in ({}, {"since": "2024-03-01"}, {"text": "gunmen"}, {"country": "Atlantis"}):
        expected: dict[dt.date | None, int] = {}
        for event in filled.events(**filters):
            day = event.time.event_date if event.time else None
            expected[day] = expected.get(day, 0) + 1
        assert filled.count_events_by_date(**filters) == expected
    assert None in filled.count_events_by_date()  # the undated raid


def test_undated_events_come_last_in_every_filter_and_page(store: Store) -> None:
    doc = make_document()
    late, undated, early = (
        make_event(doc, 1, time=make_time(doc, dt.date(2024, 5, 1))),
        make_event(doc, 2, notes="Gunmen raided a village; no date was given."),
        make_event(doc, 3, time=make_time(doc, dt.date(2023, 1, 1))),
    )
    store.save(make_extraction(doc, events=[late, undated, early]))
    assert [e.id for e in store.events()] == [early.id, late.id, undated.id]
    assert [e.id for e in store.events(text="gunmen")] == [early.id, late.id, undated.id]
    assert [e.id for e in store.events(limit=1, offset=2)] == [undated.id]
    assert [e.id for e in store.events(since="2000-01-01")] == [early.id, late.id]
    assert [e.id for e in store.events(until="9999-12-31")] == [early.id, late.id]


def test_text_search_takes_quotes_and_query_syntax_literally(store: Store) -> None:
    doc = make_document()
    quoted = make_event(doc, 1, notes='The group called it "Operation Herof" OR NOT a raid*.')
    plain = make_event(doc, 2, notes="Operation Herof began at night.")
    store.save(make_extraction(doc, events=[quoted, plain]))
    assert [e.id for e in store.events(text='"operation herof"')] == [quoted.id]
    assert [e.id for e in store.events(text='herof" OR NOT')] == [quoted.id]
    assert [e.id for e in store.events(text="raid*")] == [quoted.id]
    assert [e.id for e in store.events(text="NEAR(")] == []


def test_same_day_events_are_ordered_by_id(store: Store) -> None:
    doc = make_document()
    events = [make_event(doc, n, time=make_time(doc)) for n in (3, 1, 2)]
    store.save(make_extraction(doc, events=events))
    assert [e.id for e in store.events()] == sorted(e.id for e in events)


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"since": "2024-03-10", "until": "2024-03-01"}, "after until"),
        ({"since": "last week"}, "YYYY-MM-DD"),
        ({"bbox": (60.0, 35.0, 70.0, 25.0)}, "min_lat <= max_lat"),
        ({"bbox": (200.0, 0.0, 210.0, 10.0)}, r"\[-180, 180\]"),
        ({"limit": -1}, "zero or more"),
    ],
)
def test_bad_filters_say_what_to_fix(store: Store, filters: dict[str, Any], message: str) -> None:
    with pytest.raises(StoreError, match=message):
        store.events(**filters)


def test_date_and_country_filters_use_indexes(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    try:
        for where in (EventFilter(since=dt.date(2024, 1, 1)), EventFilter(country="Pakistan")):
            condition, params = where.where()
            plan = conn.execute(f"EXPLAIN QUERY PLAN SELECT id FROM events WHERE {condition}", params).fetchall()
            assert any(re.search("USING (COVERING )?INDEX", str(step[-1])) for step in plan), plan
    finally:
        conn.close()


def test_filtered_pages_are_read_from_indexes(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    try:
        expected = {
            "ix_events_order": EventFilter(),
            "ix_events_country": EventFilter(country="Nigeria", since=dt.date(2024, 1, 1)),
            "ix_events_type": EventFilter(event_type="Protests", since=dt.date(2024, 1, 1)),
            "ix_events_lat_lon": EventFilter(bbox=(65.0, 28.0, 70.0, 32.0)),
            "events_fts": EventFilter(actor="river"),
        }
        for index, where in expected.items():
            condition, params = where.where()
            sql = f"EXPLAIN QUERY PLAN SELECT id FROM events WHERE {condition} ORDER BY date_order, id LIMIT 50"
            steps = [str(step[-1]) for step in conn.execute(sql, params)]
            assert any(index in step for step in steps), steps
            assert "SCAN events" not in steps, f"a full table scan: {steps}"
            if index in ("ix_events_order", "ix_events_country", "ix_events_type"):
                assert not any("TEMP B-TREE" in step for step in steps), (
                    f"the page is sorted, not read in order: {steps}"
                )
    finally:
        conn.close()


def test_documents_are_listed_in_ingestion_order(store: Store) -> None:
    docs = [
        make_document(f"Report {i}.", ingested_at=dt.datetime(2024, 3, 4, 12, 30 - i, tzinfo=dt.UTC)) for i in range(3)
    ]
    for doc in docs:
        store.save(make_extraction(doc))
    assert store.documents() == docs[::-1]
    assert store.documents(limit=1, offset=1) == [docs[1]]


# ---------------------------------------------------------------------------------------------------------
# Schema versions and migrations
# ---------------------------------------------------------------------------------------------------------


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        return version
    finally:
        conn.close()


def test_new_file_is_at_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    with SQLiteStore(path) as s:
        assert s.schema_version() == store_module.SCHEMA_VERSION == len(store_module.MIGRATIONS)
        assert s.meta()["schema_version"] == str(store_module.SCHEMA_VERSION)
        assert s.stats()["schema_version"] == store_module.SCHEMA_VERSION
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
    assert _user_version(path) == store_module.SCHEMA_VERSION


def test_newer_schema_is_refused_with_the_version_needed(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    expected = rf"schema version 7.*reads schema version {store_module.SCHEMA_VERSION} or older.*Upgrade"
    with pytest.raises(StoreError, match=expected):
        open_store(path)


def _add_flag_column(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE events ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0")


def test_older_schema_is_migrated_in_order_keeping_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.db"
    doc = make_document()
    with open_store(path) as s:
        s.save(make_extraction(doc))
    following = store_module.SCHEMA_VERSION + 1
    step = Migration(following, "events.reviewed flag", _add_flag_column)
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, step))
    with SQLiteStore(path) as s:
        assert s.schema_version() == following
        assert s.meta()["schema_version"] == str(following)
        assert s.events() == [make_rich_event(doc)]
    conn = sqlite3.connect(path)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    finally:
        conn.close()
    assert "reviewed" in columns


def test_v2_store_migrates_to_v3_and_its_events_are_searchable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.db"
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:2])
        with SQLiteStore(path) as old:
            for doc in (DOC_A, DOC_B, DOC_C):
                old.save(make_extraction(doc, events=[e for e in FILTER_EVENTS.values() if e.doc_id == doc.id]))
            assert old.schema_version() == 2
    with SQLiteStore(path) as s:
        assert s.schema_version() == 3 and s.meta()["schema_version"] == "3"
        names = {event.id: name for name, event in FILTER_EVENTS.items()}
        assert [names[e.id] for e in s.events()] == [
            "suva_riot",
            "kabul_bombing",
            "quetta_clash",
            "lahore_protest",
            "undated_raid",
        ]
        assert {names[e.id] for e in s.events(actor="liberation")} == {"quetta_clash"}
        assert {names[e.id] for e in s.events(text="threw stones")} == {"suva_riot"}
        assert {names[e.id] for e in s.events(country="PAKISTAN", since="2024-03-05")} == {"lahore_protest"}
        assert {names[e.id] for e in s.events(admin1="punjab")} == {"lahore_protest"}
        # Rows written after the migration are indexed by the triggers.
        doc = make_document("Report D: a later clash.")
        s.save(make_extraction(doc, events=[make_event(doc, 1, notes="Troops clashed with rebels near Abeche.")]))
        assert [e.doc_id for e in s.events(text="abeche")] == [doc.id]


def test_failed_migration_leaves_the_file_at_its_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.db"
    open_store(path).close()

    def half_done(conn: sqlite3.Connection) -> None:
        _add_flag_column(conn)
        conn.execute("ALTER TABLE no_such_table ADD COLUMN x INTEGER")

    following = store_module.SCHEMA_VERSION + 1
    broken = Migration(following, "broken", half_done)
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, broken))
    with pytest.raises(StoreError, match=f"schema version {following}"):
        open_store(path)
    assert _user_version(path) == store_module.SCHEMA_VERSION
    conn = sqlite3.connect(path)
    try:
        assert "reviewed" not in {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    finally:
        conn.close()


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.close()
    with pytest.raises(StoreError, match="not a conflictlens store"):
        open_store(path)


def test_non_database_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are not the events you are looking for\n" * 100)
    with pytest.raises(StoreError, match="not a conflictlens store"):
        open_store(path)


# ---------------------------------------------------------------------------------------------------------
# Opening and closing
# ---------------------------------------------------------------------------------------------------------


def test_open_store_accepts_paths_and_sqlite_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    doc = make_document()
    targets: list[str | Path] = [
        tmp_path / "a.db",
        str(tmp_path / "b.db"),
        "sqlite:///relative/c.db",
        f"sqlite:///{tmp_path / 'd.db'}",  # four slashes: an absolute path
    ]
    for target in targets:
        with open_store(target) as s:
            assert isinstance(s, SQLiteStore)
            s.save(make_extraction(doc))
    for name in ("a.db", "b.db", "relative/c.db", "d.db"):
        assert (tmp_path / name).is_file(), name


def test_memory_stores_are_private() -> None:
    doc = make_document()
    with open_store(":memory:") as first, open_store("sqlite:///:memory:") as second:
        first.save(make_extraction(doc))
        assert not second.has_document(doc.id)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("mysql://db/conflict", "unknown store URL scheme 'mysql'"),
        ("  ", "no store given"),
    ],
)
def test_unsupported_targets_are_refused(target: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_store(target)


def test_postgres_url_without_psycopg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "conflictlens.store.postgres", raising=False)
    for url in ("postgresql://user@db/conflict", "postgres://db/conflict"):
        with pytest.raises(StoreError, match=r"needs psycopg 3.*pip install 'conflictlens\[postgres\]'"):
            open_store(url)


def test_unreachable_postgres_server_is_a_store_error() -> None:
    pytest.importorskip("psycopg")
    # Port 1 on this machine: nothing listens there, so the connection is refused at once.
    with pytest.raises(StoreError, match=r"cannot connect to the PostgreSQL store postgresql://u:\*\*\*@127.0.0.1:1/x"):
        open_store("postgresql://u:secret@127.0.0.1:1/x")


def test_closed_store_says_to_reopen() -> None:
    with open_store(":memory:") as s:
        pass
    with pytest.raises(StoreError, match="closed"):
        s.events()
    with pytest.raises(StoreError, match="closed"):
        s.save(make_extraction())


# ---------------------------------------------------------------------------------------------------------
# Incidents, on both backends
# ---------------------------------------------------------------------------------------------------------


def test_incidents_are_kept_and_filtered_on_every_backend(store: Store) -> None:
    from conflictlens.incidents import HistoryKind, attach_document

    first = make_document("Report one: gunmen attacked a checkpoint in Quetta.")
    second = make_document("Report two: militants stormed a police post in Quetta.", source="Other Wire")
    at = dt.datetime(2024, 3, 5, 12, tzinfo=dt.UTC)
    for doc in (first, second):
        store.save(make_extraction(doc, events=[make_rich_event(doc)]))
        attach_document(store, doc.id, now=at)
    (incident,) = store.incidents()
    assert sorted(incident.event_ids) == sorted(e.id for d in (first, second) for e in [make_rich_event(d)])
    assert store.incident(incident.id) == incident
    assert store.incidents(country="PAKISTAN") == [incident]
    assert store.incidents(country="Kenya") == []
    assert store.incidents(changed_since=at + dt.timedelta(hours=1)) == []
    kinds = [h.kind for h in store.incident_history(incident_id=incident.id)]
    assert HistoryKind.CREATED in kinds and HistoryKind.MERGED in kinds
    assert store.unattached_event_ids() == []
    assert store.incidents_of_events([make_rich_event(first).id]) == [incident]


# ---------------------------------------------------------------------------------------------------------
# PostgreSQL: opening, schema versions, migrations
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def pg_target(store_target: Callable[[], str]) -> str:
    """A fresh PostgreSQL schema's URL (skipped without a test server)."""
    return store_target()


pg_only = pytest.mark.parametrize("store_target", ["postgres"], indirect=True)


@pg_only
def test_postgres_url_opens_a_postgres_store_at_the_current_schema(pg_target: str) -> None:
    from conflictlens.store.postgres import MIGRATIONS, PostgresStore

    doc = make_document()
    with open_store(pg_target) as s:
        assert isinstance(s, PostgresStore)
        assert s.schema_version() == len(MIGRATIONS) == store_module.SCHEMA_VERSION
        assert s.meta()["schema_version"] == str(store_module.SCHEMA_VERSION)
        assert s.save(make_extraction(doc))
    with open_store(pg_target) as s:  # reopening: no migration runs again, the document is kept
        assert s.has_document(doc.id)
        assert s.save(make_extraction(doc)) is False


@pg_only
def test_postgres_store_of_a_newer_schema_is_refused(pg_target: str) -> None:
    open_store(pg_target).close()
    with psycopg_connection(pg_target) as conn:
        conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match=rf"schema version 7.*reads schema version {store_module.SCHEMA_VERSION}"):
        open_store(pg_target)


@pg_only
def test_postgres_database_with_other_tables_is_refused(pg_target: str) -> None:
    with psycopg_connection(pg_target) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(StoreError, match=r"not a conflictlens store.*customers"):
        open_store(pg_target)


@pg_only
def test_postgres_v2_store_migrates_to_v3_keeping_and_indexing_events(
    pg_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conflictlens.store import postgres

    with monkeypatch.context() as patch:
        patch.setattr(postgres, "MIGRATIONS", postgres.MIGRATIONS[:2])
        with open_store(pg_target) as old:
            for doc in (DOC_A, DOC_B, DOC_C):
                old.save(make_extraction(doc, events=[e for e in FILTER_EVENTS.values() if e.doc_id == doc.id]))
            assert old.schema_version() == 2
    with open_store(pg_target) as s:
        assert s.schema_version() == 3
        names = {event.id: name for name, event in FILTER_EVENTS.items()}
        assert [names[e.id] for e in s.events()][-1] == "undated_raid"
        assert {names[e.id] for e in s.events(country="PAKISTAN", since="2024-03-05")} == {"lahore_protest"}
        assert {names[e.id] for e in s.events(actor="liberation")} == {"quetta_clash"}
    with psycopg_connection(pg_target) as conn:
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")}
    assert {"ix_events_order", "ix_events_country", "ix_events_trgm_notes", "ix_events_trgm_actor1"} <= indexes


@pg_only
def test_failed_postgres_migration_leaves_the_store_at_its_version(
    pg_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conflictlens.store import postgres

    open_store(pg_target).close()

    def half_done(conn: Any) -> None:
        conn.execute("ALTER TABLE events ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0")
        conn.execute("ALTER TABLE no_such_table ADD COLUMN x INTEGER")

    following = store_module.SCHEMA_VERSION + 1
    monkeypatch.setattr(postgres, "MIGRATIONS", (*postgres.MIGRATIONS, Migration(following, "broken", half_done)))
    with pytest.raises(StoreError, match=f"schema version {following}.*unchanged"):
        open_store(pg_target)
    monkeypatch.setattr(postgres, "MIGRATIONS", postgres.MIGRATIONS[:-1])
    with open_store(pg_target) as s, psycopg_connection(pg_target) as conn:
        assert s.schema_version() == store_module.SCHEMA_VERSION
        columns = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'events' AND table_schema = current_schema()"
            )
        }
    assert "reviewed" not in columns


def psycopg_connection(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)
