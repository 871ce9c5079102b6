"""The shared example report gives what operation-herof.expected.md describes (../shared/examples)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from conflictlens.records import Category, ClaimKind, Event, Extraction, Side, Stance

AUGUST_25 = dt.date(2024, 8, 25)
EXAMPLE_PUBLISHED = "2024-08-27"  # the document date operation-herof.expected.md says to use
LOADED_WORDS = ("martyr", "occupying", "occupier", "enemy", "fidayee", "death squad", "liberation war")


@pytest.fixture(scope="module")
def result(pipeline, example_text) -> Extraction:  # type: ignore[no-untyped-def]
    return pipeline.extract_text(example_text, published=EXAMPLE_PUBLISHED, origin="operation-herof.txt")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def _killed(event: Event, side: Side) -> int | None:
    return getattr(event.toll.killed, side.value)


def _event_at(result: Extraction, name: str) -> Event:
    found = [e for e in result.events if e.place is not None and name in f"{e.place.name} {e.place.admin2}"]
    assert found, f"no event at {name}: {[(e.sub_event_type, e.place and e.place.name) for e in result.events]}"
    return found[0]


def test_the_camp_attack_at_bela(result: Extraction) -> None:
    event = _event_at(result, "Bela")
    assert event.place is not None and event.place.geo_precision == 1
    assert event.place.admin1 == "Balochistan" and event.place.country == "Pakistan"
    assert event.place.admin2 is not None and "Lasbela" in event.place.admin2
    assert event.place.latitude is not None and event.place.longitude is not None
    assert _km(event.place.latitude, event.place.longitude, 26.23, 66.31) < 25
    assert event.sub_event_type in ("Suicide bomb", "Armed clash")
    assert event.time is not None and event.time.event_date == AUGUST_25
    assert event.actor1 is not None and event.actor1.name.startswith("BLA")
    assert event.actor1.unit == "Majeed Brigade"
    assert event.actor2 is not None and event.actor2.name == "Military Forces of Pakistan"
    assert _killed(event, Side.STATE_FORCES) == 68
    assert _killed(event, Side.ATTACKERS) == 7


def test_every_figure_of_the_camp_attack_is_a_bla_claim(result: Extraction) -> None:
    event = _event_at(result, "Bela")
    figure_claims = [c for c in event.claims if c.figure is not None]
    assert figure_claims
    for claim in figure_claims:
        assert claim.stance in (Stance.CLAIMED, Stance.UNCONFIRMED)
        assert claim.claimant_org is not None and claim.claimant_org.startswith("BLA")
    soldiers = next(c for c in figure_claims if c.figure is not None and c.figure.low == 68)
    assert soldiers.claimant_person == "Jeeyand Baloch"
    assert event.toll.status in (Stance.CLAIMED, Stance.UNCONFIRMED)


def test_the_highway_roadblocks_across_balochistan(result: Extraction) -> None:
    highway = [e for e in result.events if _killed(e, Side.STATE_FORCES) == 62]
    assert len(highway) == 1
    event = highway[0]
    assert event.place is not None and event.place.name == "Balochistan" and event.place.geo_precision == 3
    assert event.time is not None and event.time.event_date == AUGUST_25
    assert event.actor1 is not None and event.actor1.name.startswith("BLA")
    assert event.actor1.unit in ("Fatah Squad", "STOS", "Special Tactical Operations Squad")


def test_the_clash_in_bolan(result: Extraction) -> None:
    event = _event_at(result, "Kachhi")
    assert event.place is not None and event.place.admin1 == "Balochistan"
    assert event.sub_event_type == "Armed clash"
    assert _killed(event, Side.ATTACKERS) == 1
    assert event.time is not None and event.time.event_date == AUGUST_25


def test_police_and_levies_detained(result: Extraction) -> None:
    detained = [e for e in result.events if e.toll.detained.total() == 22]
    assert len(detained) == 1
    event = detained[0]
    assert event.sub_event_type in ("Abduction/forced disappearance", "Other")
    assert event.actor1 is not None and event.actor1.name.startswith("BLA")
    assert event.place is not None and event.place.admin1 == "Balochistan"


def test_the_130_total_is_an_unconfirmed_bla_claim_not_an_event(result: Extraction) -> None:
    for event in result.events:
        assert (event.toll.killed.total() or 0) < 130
    totals = [c for c in result.claims if c.figure is not None and c.figure.low == 130]
    assert totals, "the 130 total is kept as a document-level claim"
    for claim in totals:
        assert claim.figure is not None and claim.figure.category is Category.KILLED
        assert claim.stance is Stance.UNCONFIRMED
        assert claim.claimant_org is not None and claim.claimant_org.startswith("BLA")
        assert any("awaited" in span.text for span in claim.evidence.spans)


def test_history_is_not_an_event_date(result: Extraction) -> None:
    for event in result.events:
        assert event.time is not None
        assert event.time.event_date.year == 2024


def test_responsibility_is_claimed_by_the_bla(result: Extraction) -> None:
    responsibility = [c for c in result.claims if c.kind is ClaimKind.RESPONSIBILITY]
    assert any(c.claimant_org and c.claimant_org.startswith("BLA") for c in responsibility)


def test_the_accusation_is_an_allegation_not_an_event(result: Extraction) -> None:
    allegations = [c for c in result.claims if c.kind is ClaimKind.ALLEGATION]
    assert any("accused" in c.quote for c in allegations)
    for event in result.events:
        assert "accused" not in event.type_evidence.spans[0].text


def test_loaded_words_appear_only_inside_quoted_evidence(result: Extraction) -> None:
    for event in result.events:
        lowered = event.notes.lower()
        assert not [w for w in LOADED_WORDS if w in lowered], event.notes
        if event.actor1 is not None:
            assert not [w for w in LOADED_WORDS if w in event.actor1.name.lower()]


def test_evidence_spans_point_at_the_words(result: Extraction) -> None:
    text = result.document.text
    for event in result.events:
        for claim in event.claims:
            for span in claim.evidence.spans:
                assert text[span.start : span.end] == span.text
        if event.place is not None:
            for span in event.place.evidence.spans:
                assert text[span.start : span.end] == span.text


def test_syndication_gives_outlet_and_syndicator(result: Extraction) -> None:
    assert result.document.source == "AsiaNet News"
    assert result.document.syndicator == "MENAFN"
    assert not result.document.text.startswith("(MENAFN")
