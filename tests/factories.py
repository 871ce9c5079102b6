"""Hand-built records for tests: a document, evidence spans, places, actors, times, figures, claims, events.

Every builder takes keyword overrides for any field, so a test states only what it is about::

    doc = make_document()
    event = make_rich_event(doc, n=2, notes="Another clash.")
    extraction = make_extraction(doc, events=[event])

Evidence points at real character spans of the document's text when the phrase is found there (and has no
span otherwise), so records built here pass the checks a stage makes on its evidence. The default report is
fictional text written for the tests; the place is real so that coordinates and country codes are plausible.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from conflictlens.records import (
    Actor,
    Category,
    Claim,
    ClaimKind,
    Document,
    Event,
    EventTime,
    Evidence,
    Extraction,
    Figure,
    Place,
    Problem,
    Qualifier,
    Side,
    SideCounts,
    Span,
    Stance,
    Toll,
)

DEFAULT_TEXT = (
    "QUETTA, March 4 (Example Wire) - Gunmen of the Night Squad attacked a police checkpoint near Quetta "
    "on Sunday, killing at least four policemen and wounding six others, a provincial government spokesman "
    "said. The Example Liberation Front claimed responsibility in a statement, saying its fighters had "
    "killed twelve soldiers during the two-and-a-half-hour assault. Official confirmation of that figure "
    "is awaited."
)
DEFAULT_PUBLISHED = dt.date(2024, 3, 4)
DEFAULT_EVENT_DATE = dt.date(2024, 3, 3)
DEFAULT_REASON = "test fixture"


def doc_id_for(text: str) -> str:
    """The document id the pipeline gives a text: the sha256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_document(text: str = DEFAULT_TEXT, **overrides: Any) -> Document:
    """A document whose id is the hash of ``text``; metadata defaults are a plausible syndicated report."""
    fields: dict[str, Any] = {
        "id": doc_id_for(text),
        "text": text,
        "origin": "tests:fixture",
        "title": "Gunmen attack police checkpoint near Quetta",
        "url": "https://news.example.org/quetta-checkpoint",
        "source": "Example Wire",
        "syndicator": "Example Feeds",
        "published": DEFAULT_PUBLISHED,
        "language": "en",
        "ingested_at": dt.datetime(2024, 3, 4, 12, 30, tzinfo=dt.UTC),
    }
    fields.update(overrides)
    return Document(**fields)


def span_of(text: str, phrase: str, occurrence: int = 0) -> Span:
    """The span of the ``occurrence``-th appearance of ``phrase`` in ``text``; ValueError when absent."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(phrase, start + 1)
        if start < 0:
            raise ValueError(f"{phrase!r} does not occur {occurrence + 1} time(s) in the text")
    return Span(start, start + len(phrase), phrase)


def make_evidence(doc: Document, *phrases: str, reason: str = DEFAULT_REASON) -> Evidence:
    """Evidence in ``doc`` for each phrase found in its text (phrases not in the text are left out)."""
    spans = tuple(span_of(doc.text, p) for p in phrases if p and p in doc.text)
    return Evidence(doc_id=doc.id, spans=spans, reason=reason)


def make_place(doc: Document, name: str = "Quetta", **overrides: Any) -> Place:
    """A town-level place (Quetta, Balochistan, Pakistan by default)."""
    fields: dict[str, Any] = {
        "name": name,
        "country": "Pakistan",
        "iso3": "PAK",
        "admin1": "Balochistan",
        "admin2": "Quetta",
        "latitude": 30.18414,
        "longitude": 67.00141,
        "geonameid": 1167528,
        "feature_code": "PPLA",
        "population": 733675,
        "geo_precision": 1,
        "evidence": make_evidence(doc, name, reason=f"place: {name!r} found in the gazetteer"),
        "mention": name,
    }
    fields.update(overrides)
    return Place(**fields)


def make_actor(
    doc: Document,
    name: str = "Police Forces of Pakistan",
    inter: int = 1,
    mention: str | None = None,
    **overrides: Any,
) -> Actor:
    """A normalised actor; ``mention`` defaults to the name, evidence to where the mention occurs."""
    words = mention if mention is not None else name
    fields: dict[str, Any] = {
        "name": name,
        "inter": inter,
        "mention": words,
        "evidence": make_evidence(doc, words, reason=f"actor: {words!r} -> {name!r}"),
        "country": "Pakistan",
    }
    fields.update(overrides)
    return Actor(**fields)


def make_time(doc: Document, event_date: dt.date = DEFAULT_EVENT_DATE, **overrides: Any) -> EventTime:
    """A single-day time (precision 1) on ``event_date``."""
    fields: dict[str, Any] = {
        "event_date": event_date,
        "date_start": event_date,
        "date_end": event_date,
        "time_precision": 1,
        "evidence": make_evidence(doc, "Sunday", reason="date: 'Sunday' resolved against publication date"),
    }
    fields.update(overrides)
    return EventTime(**fields)


def make_figure(
    doc: Document,
    low: int = 4,
    high: int | None = None,
    phrase: str = "at least four policemen",
    **overrides: Any,
) -> Figure:
    """A number of people (killed state forces by default)."""
    fields: dict[str, Any] = {
        "low": low,
        "high": high,
        "qualifier": Qualifier.AT_LEAST,
        "category": Category.KILLED,
        "side": Side.STATE_FORCES,
        "evidence": make_evidence(doc, phrase, reason="figure: number with what it counts"),
        "victim_words": "policemen",
    }
    fields.update(overrides)
    return Figure(**fields)


def make_claim(doc: Document, **overrides: Any) -> Claim:
    """A figure claim reported by an official spokesman (override kind, stance, claimant, figure, quote)."""
    quote = "killing at least four policemen and wounding six others"
    fields: dict[str, Any] = {
        "kind": ClaimKind.FIGURE,
        "stance": Stance.CONFIRMED,
        "evidence": make_evidence(doc, quote, "spokesman said", reason="claim: attributed by 'said'"),
        "claimant_person": None,
        "claimant_org": "Government of Pakistan (2018-)",
        "figure": make_figure(doc),
        "quote": quote,
    }
    fields.update(overrides)
    return Claim(**fields)


def event_id_for(doc: Document, n: int) -> str:
    """The event id the pipeline gives the ``n``-th event of a document."""
    return f"{doc.id[:16]}-{n}"


def make_event(doc: Document, n: int = 1, **overrides: Any) -> Event:
    """A minimal event: type, notes and evidence only (no actors, place, time or toll)."""
    fields: dict[str, Any] = {
        "id": event_id_for(doc, n),
        "doc_id": doc.id,
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "type_evidence": make_evidence(doc, "attacked", reason="type: 'attacked' with armed actors"),
        "notes": "Gunmen attacked a police checkpoint.",
    }
    fields.update(overrides)
    return Event(**fields)


def make_rich_event(doc: Document, n: int = 1, **overrides: Any) -> Event:
    """An event with every field set: actors with units and associates, place, time, per-side toll, claims."""
    attackers = make_actor(
        doc, "ELF: Example Liberation Front", inter=2, mention="Example Liberation Front", unit="Night Squad"
    )
    rebel_claim = make_claim(
        doc,
        stance=Stance.CLAIMED,
        claimant_person="Spokesman of the front",
        claimant_org=attackers.name,
        figure=make_figure(
            doc, 12, phrase="killed twelve soldiers", qualifier=Qualifier.EXACT, victim_words="soldiers"
        ),
        quote="its fighters had killed twelve soldiers",
        evidence=make_evidence(doc, "killed twelve soldiers", reason="claim: party to the fight"),
    )
    responsibility = make_claim(
        doc,
        kind=ClaimKind.RESPONSIBILITY,
        stance=Stance.CLAIMED,
        claimant_org=attackers.name,
        figure=None,
        quote="claimed responsibility",
        evidence=make_evidence(doc, "claimed responsibility", reason="claim: responsibility"),
    )
    fields: dict[str, Any] = {
        "notes": (
            "On 3 March 2024, ELF fighters attacked a police checkpoint near Quetta (Balochistan), "
            "killing 4 police officers and injuring 6."
        ),
        "actor1": attackers,
        "assoc_actor_1": (make_actor(doc, "Gunmen", inter=2, mention="Gunmen"),),
        "actor2": make_actor(doc, "Police Forces of Pakistan (2018-)", inter=1, mention="police checkpoint"),
        "assoc_actor_2": (make_actor(doc, "Civilians (Pakistan)", inter=7, mention="policemen"),),
        "place": make_place(doc, mention="near Quetta", geo_precision=2),
        "time": make_time(doc, duration_hours=2.5),
        "toll": Toll(
            fatalities=4,
            fatalities_low=4,
            fatalities_best=4,
            fatalities_high=12,
            killed=SideCounts(state_forces=4),
            injured=SideCounts(state_forces=6),
            detained=SideCounts(),
            abducted=SideCounts(attackers=None, civilians=0),
            status=Stance.CLAIMED,
        ),
        "claims": (make_claim(doc), rebel_claim, responsibility),
        "type_of_violence": 1,
    }
    fields.update(overrides)
    return make_event(doc, n, **fields)


def make_problem(doc: Document, reason: str = "no conflict event found in the text") -> Problem:
    """Why a document gave no events."""
    return Problem(origin=doc.origin, reason=reason, doc_id=doc.id)


def make_extraction(
    doc: Document | None = None,
    events: Iterable[Event] | None = None,
    claims: Iterable[Claim] = (),
    problem: Problem | None = None,
) -> Extraction:
    """What the pipeline made of ``doc``: one rich event by default; with ``events=[]`` a problem is set."""
    document = doc or make_document()
    event_list = tuple(events) if events is not None else (make_rich_event(document),)
    if not event_list and problem is None:
        problem = make_problem(document)
    return Extraction(document=document, events=event_list, claims=tuple(claims), problem=problem)


def with_changes(record: Any, **changes: Any) -> Any:
    """A copy of a frozen record with some fields changed (``dataclasses.replace``, typed loosely)."""
    return dataclasses.replace(record, **changes)
