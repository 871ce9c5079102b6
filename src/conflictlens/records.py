"""Typed, immutable records that every pipeline stage works towards.

The schema follows ../shared/DESIGN.md: a :class:`Document` yields :class:`Event` records, each tied to its
actors, place, time, toll and :class:`Claim` records; every extracted field carries :class:`Evidence` (the
document id, the character spans it came from, and a short reason).

Records are frozen dataclasses. ``to_dict`` gives a JSON-ready mapping (dates as ISO strings) and is the one
serialisation used by the store, the exports and the CLI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class Stance(enum.StrEnum):
    """How a claimant stands behind a statement (DESIGN.md, Claim)."""

    CLAIMED = "claimed"  # stated by a party to the fight about its own action or its enemy's losses
    CONFIRMED = "confirmed"  # confirmed by an official / neutral source
    DENIED = "denied"
    UNCONFIRMED = "unconfirmed"  # explicitly awaiting confirmation
    ALLEGED = "alleged"  # an accusation against another party
    REPORTED = "reported"  # stated by the reporter or a neutral source, no attribution


class ClaimKind(enum.StrEnum):
    FIGURE = "figure"  # a number of people killed / injured / detained / abducted
    RESPONSIBILITY = "responsibility"  # "the BLA claimed the attack"
    ALLEGATION = "allegation"  # "X accused Y of ..."


class Category(enum.StrEnum):
    """What a figure counts."""

    KILLED = "killed"
    INJURED = "injured"
    DETAINED = "detained"
    ABDUCTED = "abducted"


class Side(enum.StrEnum):
    """Whose people a figure counts, relative to the event's actors."""

    ATTACKERS = "attackers"  # the perpetrators / non-state fighters of actor1
    STATE_FORCES = "state_forces"  # military, police, paramilitary
    CIVILIANS = "civilians"
    UNKNOWN = "unknown"


class Qualifier(enum.StrEnum):
    EXACT = "exact"
    AT_LEAST = "at_least"  # "at least", "over", "more than", "dozens"
    AT_MOST = "at_most"  # "up to", "nearly", "less than"
    ABOUT = "about"  # "about", "around", "approximately", "some"
    RANGE = "range"  # "10 to 15"


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of a document's text."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")


@dataclass(frozen=True)
class Evidence:
    """Where a field came from and how it was decided."""

    doc_id: str
    spans: tuple[Span, ...]
    reason: str


@dataclass(frozen=True)
class Document:
    """One report. ``id`` is the sha256 of ``text``, so the same story is stored once."""

    id: str
    text: str
    origin: str  # where it was read from (path, "stdin", "jsonl:path#line"); named in every error
    title: str | None = None
    url: str | None = None
    source: str | None = None  # the outlet, e.g. "AsiaNet News"
    syndicator: str | None = None  # the feed that carried it, e.g. "MENAFN"
    published: dt.date | None = None
    language: str | None = None
    ingested_at: dt.datetime | None = None
    external_id: str | None = None  # an id given by the input (JSONL "id")

    @property
    def outlet(self) -> str | None:
        """The source as DESIGN.md writes it: "AsiaNet News via MENAFN"."""
        if self.source and self.syndicator:
            return f"{self.source} via {self.syndicator}"
        return self.source or self.syndicator


@dataclass(frozen=True)
class Place:
    """A resolved place (GeoNames-backed where the gazetteer knows it)."""

    name: str  # the location as ACLED writes it ("Bela")
    country: str | None
    iso3: str | None
    admin1: str | None
    admin2: str | None
    latitude: float | None
    longitude: float | None
    geonameid: int | None
    feature_code: str | None  # GeoNames feature code: PPL, ADM1, ADM2, PCLI, ...
    population: int
    geo_precision: int  # ACLED: 1 town, 2 near a town / part of a district, 3 region or province
    evidence: Evidence
    mention: str = ""  # the words as written ("the Bela area")
    # False when the name is only part of another name ("The New York Times", "Oxford Street" in Belfast) or a
    # country written as the owner of troops or officials ("U.S. troops"): a toponym all the same, but not where
    # anything in the sentence happened
    located: bool = True


@dataclass(frozen=True)
class Actor:
    """A normalised actor with the unit as written and its ACLED inter code."""

    name: str  # canonical, ACLED style: "BLA: Baloch Liberation Army", "Military Forces of Pakistan"
    inter: int  # ACLED inter code: 1 state forces ... 8 external/other
    mention: str  # the words as written
    evidence: Evidence
    unit: str | None = None  # "Majeed Brigade"
    country: str | None = None
    known: bool = True  # False for an actor recognised but not in the actor list


@dataclass(frozen=True)
class EventTime:
    event_date: dt.date
    date_start: dt.date
    date_end: dt.date
    time_precision: int  # ACLED: 1 day, 2 week, 3 month
    evidence: Evidence
    duration_hours: float | None = None


@dataclass(frozen=True)
class Figure:
    """A number of people with what it counts and whose they are."""

    low: int
    high: int | None  # None: open ended ("at least 130")
    qualifier: Qualifier
    category: Category
    side: Side
    evidence: Evidence
    victim_words: str = ""  # what the number counts as written ("Pakistani soldiers")

    @property
    def best(self) -> int:
        return self.low if self.high is None else (self.low + self.high) // 2


@dataclass(frozen=True)
class Claim:
    """Who states what about an event, with what stance."""

    kind: ClaimKind
    stance: Stance
    evidence: Evidence
    claimant_person: str | None = None
    claimant_org: str | None = None  # canonical actor name when known
    figure: Figure | None = None
    quote: str = ""  # the statement's words (the speaker's language stays here)


@dataclass(frozen=True)
class SideCounts:
    attackers: int | None = None
    state_forces: int | None = None
    civilians: int | None = None
    unknown: int | None = None

    def total(self) -> int | None:
        values = [v for v in (self.attackers, self.state_forces, self.civilians, self.unknown) if v is not None]
        return sum(values) if values else None


@dataclass(frozen=True)
class Toll:
    """The human toll of one event. ``fatalities`` is ACLED's conservative figure."""

    fatalities: int = 0
    fatalities_low: int | None = None
    fatalities_best: int | None = None
    fatalities_high: int | None = None
    killed: SideCounts = field(default_factory=SideCounts)
    injured: SideCounts = field(default_factory=SideCounts)
    detained: SideCounts = field(default_factory=SideCounts)
    abducted: SideCounts = field(default_factory=SideCounts)
    status: Stance = Stance.REPORTED  # the weakest stance among the figures that make up the toll


@dataclass(frozen=True)
class Event:
    """One distinct action, place and day reported by one document."""

    id: str  # f"{doc_id[:16]}-{n}"
    doc_id: str
    event_type: str
    sub_event_type: str
    type_evidence: Evidence
    notes: str
    actor1: Actor | None = None
    assoc_actor_1: tuple[Actor, ...] = ()
    actor2: Actor | None = None
    assoc_actor_2: tuple[Actor, ...] = ()
    place: Place | None = None
    time: EventTime | None = None
    toll: Toll = field(default_factory=Toll)
    claims: tuple[Claim, ...] = ()
    type_of_violence: int | None = None  # UCDP: 1 state-based, 2 non-state, 3 one-sided

    @property
    def interaction(self) -> int:
        """ACLED's interaction code: the two inter codes, smaller first (10 * a + b)."""
        a = self.actor1.inter if self.actor1 else 0
        b = self.actor2.inter if self.actor2 else 0
        lo, hi = sorted((a, b))
        return lo * 10 + hi if lo else hi * 10 if hi else 0


@dataclass(frozen=True)
class Problem:
    """Why a document gave no events or could not be read: named, with a reason a person can act on."""

    origin: str
    reason: str
    doc_id: str | None = None
    fatal: bool = False  # True: the document could not be read at all


@dataclass(frozen=True)
class Extraction:
    """What the pipeline made of one document."""

    document: Document
    events: tuple[Event, ...]
    claims: tuple[Claim, ...]  # document-level claims (totals, responsibility, allegations)
    places: tuple[Place, ...] = ()  # every resolved toponym, for geoparsing
    actors: tuple[Actor, ...] = ()
    problem: Problem | None = None  # set when there are no events, with the reason


def to_dict(record: Any) -> Any:
    """A JSON-ready copy of a record: enums as values, dates as ISO strings, tuples as lists."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        out = {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
        if isinstance(record, Event):
            out["interaction"] = record.interaction
        if isinstance(record, Document):
            out["outlet"] = record.outlet
        return out
    if isinstance(record, enum.Enum):
        return record.value
    if isinstance(record, dt.date | dt.datetime):
        return record.isoformat()
    if isinstance(record, Mapping):
        return {str(k): to_dict(v) for k, v in record.items()}
    if isinstance(record, list | tuple):
        return [to_dict(v) for v in record]
    return record


@functools.cache
def _type_hints(cls: type[Any]) -> dict[str, Any]:
    """``typing.get_type_hints`` of a record class, cached: resolving the string annotations is slow."""
    import typing

    return typing.get_type_hints(cls)


def from_dict(cls: Any, data: Any) -> Any:
    """Rebuild a record of type ``cls`` from :func:`to_dict` output (the inverse, for the store)."""
    return _converter(cls)(data)


def _identity(value: Any) -> Any:
    return value


@functools.cache
def _converter(tp: Any) -> Callable[[Any], Any]:
    """A function that turns :func:`to_dict` output back into ``tp``, built once per type: stores read thousands
    of records per page, and working out each field's type on every read cost more than reading the rows."""
    import types
    import typing

    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _converter(options[0]) if len(options) == 1 else _identity
    if origin is tuple:
        item = _converter(typing.get_args(tp)[0])
        return lambda value: None if value is None else tuple(item(v) for v in value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _record_builder(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return lambda value: None if value is None else tp(value)
    if tp is dt.datetime:
        return lambda value: None if value is None else dt.datetime.fromisoformat(value)
    if tp is dt.date:
        return lambda value: None if value is None else dt.date.fromisoformat(value)
    return _identity


def _record_builder(cls: Any) -> Callable[[Any], Any]:
    hints = _type_hints(cls)
    fields = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls) if f.init]

    def build(data: Any) -> Any:
        if data is None:
            return None
        return cls(**{name: convert(data[name]) for name, convert in fields if name in data})

    return build
