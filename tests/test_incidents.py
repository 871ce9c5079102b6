"""Incidents: reports of one happening merge (batch and incremental, any order), the claims ledger, tolls,
status, history and the v1 -> v2 store migration.

The reports below are fictional text written for these tests. They are extracted once per module (spaCy is
the slow part); clustering is then tested on the resulting events.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conflictlens.cli import app
from conflictlens.incidents import (
    HistoryKind,
    IncidentStatus,
    Member,
    attach_document,
    build_incident,
    cluster,
    history_of_change,
    link_score,
    update_incidents,
    write_incidents,
)
from conflictlens.records import Document, Extraction, Stance
from conflictlens.store import SQLiteStore, open_store
from conflictlens.store import sqlite as store_module
from factories import doc_id_for, make_extraction

# Five reports of one army camp assault (attacker's claim, army statement, third outlet quoting both,
# follow-up raising the toll), two other attacks in the same province on the same day, and a later report
# that mentions the assault in passing.
BLA_CLAIM = "bla-claim"
ARMY = "army-statement"
THIRD = "third-outlet"
FOLLOW_UP = "follow-up"
GWADAR = "gwadar-shooting"
IED = "turbat-bomb"
LATER = "later-mention"

REPORTS: dict[str, tuple[str, dt.date, str]] = {
    BLA_CLAIM: (
        "Frontier Times",
        dt.date(2024, 5, 13),
        "Militants of the Baloch Liberation Army attacked an army camp in Turbat, Balochistan, on Sunday night. "
        "In a statement, BLA spokesman Jeeyand Baloch claimed that its fighters killed 130 Pakistani soldiers "
        "in the assault on the camp.",
    ),
    ARMY: (
        "Daily Courier",
        dt.date(2024, 5, 13),
        "Fourteen soldiers were killed when terrorists stormed a military camp in Turbat in Balochistan province "
        "on Sunday, the army's media wing ISPR said in a statement on Monday. It said security forces repulsed "
        "the attack on the camp.",
    ),
    THIRD: (
        "Coastal Herald",
        dt.date(2024, 5, 14),
        "The attack on the army camp in Turbat on Sunday left 14 soldiers dead, according to the ISPR. The "
        "Baloch Liberation Army, which claimed the assault, said 130 soldiers were killed in the attack on the "
        "camp. Officials rejected the figure.",
    ),
    FOLLOW_UP: (
        "Frontier Times",
        dt.date(2024, 5, 16),
        "The number of soldiers killed in Sunday's militant attack on the army camp in Turbat has risen to 18, "
        "the ISPR said on Thursday, after four wounded soldiers died in hospital.",
    ),
    GWADAR: (
        "Daily Courier",
        dt.date(2024, 5, 12),
        "Gunmen shot dead three labourers at a construction site in Gwadar, Balochistan, on Sunday, police said. "
        "No group claimed the killings.",
    ),
    IED: (
        "Daily Courier",
        dt.date(2024, 5, 13),
        "Two policemen were killed when a roadside bomb struck a police van in Turbat, Balochistan, on Sunday "
        "morning, police said. Nobody claimed responsibility for the blast.",
    ),
    LATER: (
        "Coastal Herald",
        dt.date(2024, 6, 20),
        "Police arrested two suspects in Quetta on Thursday. Security has been tight in Balochistan since "
        "militants attacked an army camp in Turbat on May 12, killing 18 soldiers.",
    ),
}
ASSAULT = (BLA_CLAIM, ARMY, THIRD, FOLLOW_UP)
NOW = dt.datetime(2024, 6, 21, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def extractions(pipeline) -> dict[str, Extraction]:  # type: ignore[no-untyped-def]
    out = {}
    for key, (outlet, published, text) in REPORTS.items():
        doc = Document(id=doc_id_for(text), text=text, origin=key, source=outlet, published=published)
        out[key] = pipeline.extract(doc)
    return out


def members_of(extractions: dict[str, Extraction], *keys: str) -> list[Member]:
    return [
        Member(e, x.document.published, x.document.outlet) for key in keys for x in [extractions[key]] for e in x.events
    ]


def incident_with(incidents, event_id):  # type: ignore[no-untyped-def]
    return next(i for i in incidents if event_id in i.event_ids)


def partition(incidents) -> set[tuple[str, frozenset[str]]]:  # type: ignore[no-untyped-def]
    return {(i.id, frozenset(i.event_ids)) for i in incidents}


# ---------------------------------------------------------------------------------------------------------
# Clustering, ledger, tolls
# ---------------------------------------------------------------------------------------------------------


def test_reports_of_one_attack_form_one_incident_with_low_best_high(extractions: dict[str, Extraction]) -> None:
    members = members_of(extractions, *REPORTS)
    incidents = cluster(members)
    assault_ids = {e.id for k in ASSAULT for e in extractions[k].events}
    assert len(assault_ids) == len(ASSAULT)  # one event per report of the assault
    incident = incident_with(incidents, next(iter(assault_ids)))
    assert set(incident.event_ids) == assault_ids
    assert incident.n_sources == len(ASSAULT)
    # Army 14, attackers' claim 130, follow-up 18: the party's 130 is the high, never the best.
    assert (incident.fatalities_low, incident.fatalities_best, incident.fatalities_high) == (14, 18, 130)
    assert incident.fatalities == incident.fatalities_best
    assert incident.status is IncidentStatus.DISPUTED
    assert incident.killed.total() == 18


def test_ledger_keeps_every_claim_with_source_outlet_and_quote(extractions: dict[str, Extraction]) -> None:
    members = members_of(extractions, *ASSAULT)
    incident = build_incident(members)
    claims = [(m.event.doc_id, c.quote) for m in members for c in m.event.claims]
    assert sorted((e.doc_id, e.quote) for e in incident.ledger) == sorted(claims)
    bla = [e for e in incident.ledger if e.low == 130 and e.doc_id == extractions[BLA_CLAIM].document.id]
    assert len(bla) == 1
    assert bla[0].stance is Stance.CLAIMED and bla[0].outlet == "Frontier Times"
    assert "Jeeyand Baloch" in (bla[0].claimant or "") and "claimed" in bla[0].quote
    assert {e.outlet for e in incident.ledger} == {"Frontier Times", "Daily Courier", "Coastal Herald"}


def test_party_claim_is_best_only_when_no_neutral_figure_exists(extractions: dict[str, Extraction]) -> None:
    alone = build_incident(members_of(extractions, BLA_CLAIM))
    assert alone.fatalities_best == 130
    with_army = build_incident(members_of(extractions, BLA_CLAIM, ARMY))
    assert (with_army.fatalities_low, with_army.fatalities_best, with_army.fatalities_high) == (14, 14, 130)
    assert with_army.status is IncidentStatus.DISPUTED


def test_two_reports_agreeing_are_corroborated(extractions: dict[str, Extraction]) -> None:
    army = members_of(extractions, ARMY)[0]
    echo_doc = dataclasses.replace(extractions[ARMY].document, id="e" * 64, source="Echo Wire")
    echo = Member(dataclasses.replace(army.event, id="echo-1", doc_id=echo_doc.id), army.published, "Echo Wire")
    incident = build_incident([army, echo])
    assert incident.status is IncidentStatus.CORROBORATED
    assert build_incident([army]).status is IncidentStatus.SINGLE_SOURCE


def test_a_confirmed_figure_is_best_and_marks_the_incident_confirmed(extractions: dict[str, Extraction]) -> None:
    army, follow_up = members_of(extractions, ARMY)[0], members_of(extractions, FOLLOW_UP)[0]
    confirmed = tuple(dataclasses.replace(c, stance=Stance.CONFIRMED) for c in army.event.claims)
    army_confirmed = dataclasses.replace(army, event=dataclasses.replace(army.event, claims=confirmed))
    incident = build_incident([army_confirmed, follow_up, *members_of(extractions, BLA_CLAIM)])
    assert incident.status is IncidentStatus.CONFIRMED
    assert (incident.fatalities_low, incident.fatalities_best, incident.fatalities_high) == (14, 14, 130)


def test_different_attacks_same_day_same_province_stay_apart(extractions: dict[str, Extraction]) -> None:
    incidents = cluster(members_of(extractions, *REPORTS))
    assault = incident_with(incidents, extractions[BLA_CLAIM].events[0].id)
    for other in (GWADAR, IED):
        (event,) = extractions[other].events
        assert event.place is not None and event.place.admin1 == "Balochistan"
        assert event.time is not None and event.time.event_date == dt.date(2024, 5, 12)
        assert event.id not in assault.event_ids
        assert incident_with(incidents, event.id).event_ids == (event.id,)


def test_old_attack_mentioned_in_passing_does_not_merge(extractions: dict[str, Extraction]) -> None:
    incidents = cluster(members_of(extractions, *REPORTS))
    assault = incident_with(incidents, extractions[BLA_CLAIM].events[0].id)
    assert not set(assault.doc_ids) & {extractions[LATER].document.id}
    # Even an event dated on the assault's day does not merge when it is history for its own report.
    follow_up = members_of(extractions, FOLLOW_UP)[0]
    army = members_of(extractions, ARMY)[0]
    assert link_score(army, follow_up) is not None
    look_back = dataclasses.replace(follow_up, published=dt.date(2024, 6, 20))
    assert link_score(army, look_back) is None


def test_two_events_of_one_document_never_merge(extractions: dict[str, Extraction]) -> None:
    army = members_of(extractions, ARMY)[0]
    bla = members_of(extractions, BLA_CLAIM)[0]
    same_doc = Member(dataclasses.replace(bla.event, doc_id=army.event.doc_id, id="twin-2"), army.published)
    assert link_score(army, bla) is not None
    assert link_score(army, same_doc) is None
    # A third report linked to both does not pull them together either.
    third = members_of(extractions, THIRD)[0]
    incidents = cluster([army, same_doc, third])
    assert len(incidents) == 2


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(list(REPORTS)))
def test_batch_and_incremental_in_any_order_give_the_same_incidents(
    extractions: dict[str, Extraction], order: list[str]
) -> None:
    expected = partition(cluster(members_of(extractions, *REPORTS)))
    assert partition(cluster(members_of(extractions, *order))) == expected
    with open_store(":memory:") as store:
        for key in order:
            store.save(extractions[key])
            attach_document(store, extractions[key].document.id, now=NOW)
        assert partition(store.incidents()) == expected


# ---------------------------------------------------------------------------------------------------------
# Store: history, stable ids, migration
# ---------------------------------------------------------------------------------------------------------


def _add(store: store_module.Store, extraction: Extraction, at: dt.datetime) -> None:
    store.save(extraction)
    attach_document(store, extraction.document.id, now=at)


def test_id_stays_when_a_report_is_added_and_history_says_why(extractions: dict[str, Extraction]) -> None:
    t1, t2, t3 = (NOW + dt.timedelta(hours=h) for h in (0, 1, 2))
    with open_store(":memory:") as store:
        _add(store, extractions[BLA_CLAIM], t1)
        (first,) = store.incidents()
        _add(store, extractions[ARMY], t2)
        _add(store, extractions[FOLLOW_UP], t3)
        (incident,) = store.incidents()
        assert incident.id == first.id
        assert incident.fatalities_best == 18
        history = store.incident_history(incident_id=incident.id)
        kinds = [h.kind for h in history]
        assert kinds[0] is HistoryKind.CREATED and kinds.count(HistoryKind.ATTACHED) == 2
        revisions = [h for h in history if h.kind is HistoryKind.REVISED]
        assert revisions and "14/14/130 -> 14/18/130" in revisions[-1].reason
        assert [h.at for h in history] == sorted(h.at for h in history)
        assert {h.at for h in store.incident_history(since=t3)} == {t3}
        assert [i.id for i in store.incidents(changed_since=t3)] == [incident.id]
        assert store.incidents(changed_since=t3 + dt.timedelta(seconds=1)) == []
        assert store.incident(incident.id) == incident


def test_an_earlier_report_arriving_late_merges_and_records_the_old_id(extractions: dict[str, Extraction]) -> None:
    with open_store(":memory:") as store:
        _add(store, extractions[FOLLOW_UP], NOW)
        (late_first,) = store.incidents()
        _add(store, extractions[ARMY], NOW + dt.timedelta(hours=1))
        (incident,) = store.incidents()
        assert incident.id != late_first.id  # the earliest report names the incident, in any order
        moved = store.incident_history(incident_id=late_first.id)
        assert moved[-1].kind is HistoryKind.MERGED_INTO and moved[-1].other_id == incident.id
        assert store.incident(late_first.id) is None


def test_store_v1_is_migrated_to_v2_keeping_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.db"
    extraction = make_extraction()
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
        with SQLiteStore(path) as s:
            s.save(extraction)
            assert s.schema_version() == 1
    with SQLiteStore(path) as s:
        assert s.schema_version() == store_module.SCHEMA_VERSION
        assert s.events() == list(extraction.events)
        assert s.incidents() == []
        result = attach_document(s, extraction.document.id, now=NOW)
        assert [i.event_ids for i in s.incidents()] == [i.event_ids for i in result.incidents]
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    assert {"incidents", "incident_events", "incident_history"} <= tables


# ---------------------------------------------------------------------------------------------------------
# API output and the command line
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture()
def stored(tmp_path: Path, extractions: dict[str, Extraction]) -> Path:
    """A store file holding every report, with the follow-up attached before the reports it follows."""
    path = tmp_path / "events.db"
    with open_store(path) as store:
        _add(store, extractions[FOLLOW_UP], NOW)
        for key in REPORTS:
            store.save(extractions[key])
    return path


def test_update_incidents_attaches_what_is_pending(stored: Path, extractions: dict[str, Extraction]) -> None:
    with open_store(stored) as store:
        pending = len(store.unattached_event_ids())
        assert pending == len(REPORTS) - 1
        assert update_incidents(store, now=NOW) == pending
        assert store.unattached_event_ids() == []
        assert partition(store.incidents()) == partition(cluster(members_of(extractions, *REPORTS)))


def test_write_incidents_csv_and_geojson(extractions: dict[str, Extraction]) -> None:
    incidents = cluster(members_of(extractions, *REPORTS))
    out = io.StringIO()
    write_incidents(incidents, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["id"] for r in rows] == [i.id for i in incidents]
    assault = next(r for r in rows if r["n_sources"] == str(len(ASSAULT)))
    assert (assault["fatalities_low"], assault["fatalities_best"], assault["fatalities_high"]) == ("14", "18", "130")
    out = io.StringIO()
    write_incidents(incidents, "geojson", out)
    features = json.loads(out.getvalue())["features"]
    assert len(features) == len(incidents)
    assert all(f["geometry"]["type"] == "Point" for f in features)


def test_cli_incidents_and_incident(stored: Path, extractions: dict[str, Extraction]) -> None:
    runner = CliRunner()
    old_id = build_incident(members_of(extractions, FOLLOW_UP)).id
    result = runner.invoke(app, ["incidents", "--db", str(stored), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assault = next(r for r in rows if r["n_sources"] == str(len(ASSAULT)))
    assert assault["status"] == IncidentStatus.DISPUTED.value and assault["fatalities"] == "18"
    assert old_id not in {r["id"] for r in rows}

    shown = runner.invoke(app, ["incident", old_id, "--db", str(stored), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["id"] == assault["id"]  # the follow-up's first id now points at the merged incident
    assert any("130 soldiers" in e["quote"] and e["stance"] == "claimed" for e in data["ledger"])
    assert data["history"][0]["kind"] == HistoryKind.CREATED.value

    table = runner.invoke(app, ["incident", assault["id"], "--db", str(stored)], env={"COLUMNS": "240"})
    assert table.exit_code == 0 and "Claims ledger" in table.stdout and "Jeeyand Baloch" in table.stdout

    changed = runner.invoke(
        app, ["incidents", "--db", str(stored), "--changed-since", NOW.isoformat(), "--format", "json"]
    )
    payload = json.loads(changed.stdout)
    assert {i["id"] for i in payload["changed"]} == {r["id"] for r in rows}
    assert [(r["incident_id"], r["other_id"]) for r in payload["removed"]] == [(old_id, assault["id"])]

    missing = runner.invoke(app, ["incident", "inc-0000000000000000", "--db", str(stored)])
    assert missing.exit_code == 1


def test_history_records_a_split_and_a_revision(extractions: dict[str, Extraction]) -> None:
    army, follow_up = members_of(extractions, ARMY)[0], members_of(extractions, FOLLOW_UP)[0]
    bla, third = members_of(extractions, BLA_CLAIM)[0], members_of(extractions, THIRD)[0]
    before = build_incident([army, follow_up])
    after = [build_incident([army, third]), build_incident([follow_up, bla])]
    members = {m.event.id: m for m in (army, follow_up, bla, third)}
    history = history_of_change({before.id: before}, after, members, NOW)
    splits = [h for h in history if h.kind is HistoryKind.SPLIT]
    assert [(h.incident_id, h.other_id) for h in splits] == [
        (before.id, i.id) for i in sorted(after, key=lambda i: i.id) if i.id != before.id
    ]
    kept = next(i for i in after if i.id == before.id)
    revised = [h for h in history if h.kind is HistoryKind.REVISED and h.incident_id == kept.id]
    assert revised and f"-> {kept.fatalities_low}/{kept.fatalities_best}/{kept.fatalities_high}" in revised[0].reason
