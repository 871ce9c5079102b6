"""Incidents: the reports of one happening merged, with every source's claims side by side.

One attack is reported by many outlets, days apart, with different figures. An :class:`Incident` groups the
events (one per document) that describe the same happening, keeps a ledger of every claim of every member
(:class:`LedgerEntry`: source document, outlet, claimant, stance, quote) and derives fatalities low / best /
high across sources and a status. The rules are in docs/incidents.md.

Clustering is a pure function of the set of events, so batch (:func:`cluster`) and incremental
(:func:`attach`) runs give the same incidents in any input order:

1. Two events *link* (:func:`link_score`) when they come from different documents, neither date is history
   for its own report, their date windows overlap (widened by each side's time precision), their places are
   near (a distance that depends on each side's geo precision, or the same province for province-level
   places), their types are compatible, and a score over type, actors, wording and distance reaches
   :data:`LINK_THRESHOLD`.
2. Within a connected group of linked events, links are taken strongest first (ties by event ids) and two
   groups merge only when they share no document: two events of one report were split on purpose by the
   events stage and never join.
3. An incident's id is a hash of its earliest member (by event date, the report's publication date, event
   id), so adding a later report keeps the id.

:func:`attach` re-clusters only the connected group of the new events (found with the store's date and place
index), writes the incidents that changed and records what happened in the history (created, attached,
merged, split, revised), with timestamps and reasons.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from rapidfuzz import fuzz

from . import taxonomy as tx
from .actors import canonical_name
from .errors import ConflictlensError
from .records import Category, Event, Place, SideCounts, Stance, to_dict

if TYPE_CHECKING:
    from .store import Store

# --------------------------------------------------------------------------------------------------------
# Tuned constants
# --------------------------------------------------------------------------------------------------------

# Days a date window is widened on each side, by ACLED time precision (1 day, 2 week, 3 month). A day: reports
# written across midnight or in another time zone put the same attack a day apart; a week/month date already
# spans its period, the slack only absorbs "last week" read from a publication a few days late.
DATE_SLACK_DAYS = {1: 1, 2: 3, 3: 7}
# The widest window any stored event can have beyond its event_date (a month-precision date ends ~31 days
# after its first day, plus its slack): how far back the candidate query looks.
MAX_WINDOW_DAYS = 31 + max(DATE_SLACK_DAYS.values())
# Distance within which two places can be the same happening, by ACLED geo precision (1 town, 2 near a town
# or part of a district). 25 km covers a town and its outskirts ("near Turbat" vs "Turbat"); 75 km a
# district. Precision 3 (province) compares the province (admin1) instead. The larger radius of the two wins.
RADIUS_KM = {1: 25.0, 2: 75.0}
PROVINCE_PRECISION = 3
# An event dated more than this many days before its own report's publication is a look-back (an old attack
# mentioned in passing), the same bound the time stage uses for history (dates.HISTORY_DAYS).
HISTORY_DAYS = 30
# Event types that describe the same happening from different angles: a camp assault with suicide bombers is
# "Battles" in one report and "Explosions/Remote violence" in another.
COMPATIBLE_TYPES = frozenset({frozenset({tx.BATTLES, tx.EXPLOSIONS})})
# Weights of the link score (sum 1). Type and place are already gated, so they weigh less than the
# evidence that tells two nearby same-day attacks apart: who took part and what the reports say happened.
# Chosen on hand-written report sets (tests/test_incidents.py): the same camp assault told by an attacker's
# claim, an army statement, a third outlet and a follow-up scores 0.70-0.89 pairwise; a roadside bomb in the
# same town on the same day scores about 0.5 against each of them (different actors, different words).
WEIGHT_TYPE = 0.2
WEIGHT_ACTORS = 0.3
WEIGHT_WORDS = 0.3
WEIGHT_DISTANCE = 0.2
# Actor overlap credited when one side names no actor besides generic ones ("unidentified gunmen"): neutral,
# neither for nor against.
UNKNOWN_ACTOR_SCORE = 0.5
# Score at which two events link; between the two groups above with margin on both sides.
LINK_THRESHOLD = 0.6
# Two sources' figures corroborate each other when they differ by at most this share of the larger one.
AGREEMENT_SHARE = 0.10

_GENERIC_ACTOR_PREFIXES = ("unidentified", "civilians", "protesters", "rioters")
_EARTH_RADIUS_KM = 6371.0


# --------------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------------


class IncidentStatus(enum.StrEnum):
    SINGLE_SOURCE = "single_source"  # one report
    CORROBORATED = "corroborated"  # 2+ reports whose figures agree within AGREEMENT_SHARE
    DISPUTED = "disputed"  # reports (or claimants) whose figures disagree
    CONFIRMED = "confirmed_officially"  # the best figure is confirmed by an official or neutral source


class HistoryKind(enum.StrEnum):
    CREATED = "created"
    ATTACHED = "attached"  # a report was added
    MERGED = "merged"  # this incident absorbed another
    MERGED_INTO = "merged_into"  # this id was absorbed by ``other_id`` (it no longer exists)
    SPLIT = "split"  # members of this incident now belong to ``other_id`` too
    REVISED = "revised"  # tolls or status changed


@dataclass(frozen=True)
class Member:
    """An event with what clustering needs of its report."""

    event: Event
    published: dt.date | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class LedgerEntry:
    """One claim of one member event, with its source."""

    event_id: str
    doc_id: str
    outlet: str | None
    published: dt.date | None
    kind: str
    stance: Stance
    claimant: str | None  # the person and/or organisation, "Jeeyand Baloch (BLA: Baloch Liberation Army)"
    category: str | None = None
    low: int | None = None
    high: int | None = None
    side: str | None = None
    quote: str = ""


@dataclass(frozen=True)
class SourceEstimate:
    """One claimant's count of the killed in one report (figures of one claimant add up)."""

    doc_id: str
    outlet: str | None
    published: dt.date | None
    claimant: str | None
    stance: Stance
    killed: int


@dataclass(frozen=True)
class Incident:
    id: str
    event_date: dt.date | None
    event_type: str
    sub_event_type: str
    place: Place | None
    actors: tuple[str, ...]
    event_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    fatalities: int  # ACLED's conservative figure: the best estimate (0 when no figure)
    fatalities_low: int | None
    fatalities_best: int | None
    fatalities_high: int | None
    status: IncidentStatus
    killed: SideCounts = field(default_factory=SideCounts)  # per side, from the report giving the best
    estimates: tuple[SourceEstimate, ...] = ()
    ledger: tuple[LedgerEntry, ...] = ()

    @property
    def n_sources(self) -> int:
        return len(self.doc_ids)


@dataclass(frozen=True)
class HistoryEntry:
    incident_id: str
    at: dt.datetime
    kind: HistoryKind
    reason: str
    other_id: str | None = None


# --------------------------------------------------------------------------------------------------------
# Linking two events
# --------------------------------------------------------------------------------------------------------


def date_window(event: Event) -> tuple[dt.date, dt.date] | None:
    """The days an event may have happened on, widened by its precision's slack (None: undated)."""
    if event.time is None:
        return None
    slack = dt.timedelta(days=DATE_SLACK_DAYS.get(event.time.time_precision, max(DATE_SLACK_DAYS.values())))
    return event.time.date_start - slack, event.time.date_end + slack


def is_look_back(member: Member) -> bool:
    """The event's date is history for its own report (an old attack mentioned in passing)."""
    t = member.event.time
    return t is not None and member.published is not None and (member.published - t.date_end).days > HISTORY_DAYS


def distance_km(a: Place, b: Place) -> float | None:
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def place_closeness(a: Place, b: Place) -> float | None:
    """1 at the same spot falling to 0 at the allowed radius; None when too far (or not comparable)."""
    if a.geo_precision >= PROVINCE_PRECISION or b.geo_precision >= PROVINCE_PRECISION:
        same = bool(a.admin1) and (a.admin1 or "").casefold() == (b.admin1 or "").casefold()
        return 0.5 if same and a.iso3 == b.iso3 else None
    km = distance_km(a, b)
    if km is None:
        return None
    radius = max(RADIUS_KM.get(a.geo_precision, 25.0), RADIUS_KM.get(b.geo_precision, 25.0))
    return None if km > radius else 1.0 - km / radius


def compatible_event_types(event_type: str) -> tuple[str, ...]:
    """The event types an event of this type can merge with (itself included), sorted."""
    partners = {t for pair in COMPATIBLE_TYPES if event_type in pair for t in pair}
    return tuple(sorted(partners | {event_type}))


def type_compatibility(a: Event, b: Event) -> float | None:
    if a.sub_event_type == b.sub_event_type:
        return 1.0
    if a.event_type == b.event_type:
        return 0.8
    if frozenset({a.event_type, b.event_type}) in COMPATIBLE_TYPES:
        return 0.6
    return None


def named_actors(event: Event) -> frozenset[str]:
    """Canonical names of the event's actors, without generic ones."""
    actors = [event.actor1, event.actor2, *event.assoc_actor_1, *event.assoc_actor_2]
    names = {canonical_name(a.name) for a in actors if a is not None}
    return frozenset(n for n in names if not n.startswith(_GENERIC_ACTOR_PREFIXES))


def actor_overlap(a: Event, b: Event) -> float:
    """Jaccard overlap of named actors; neutral when either side names none."""
    na, nb = named_actors(a), named_actors(b)
    if not na or not nb:
        return UNKNOWN_ACTOR_SCORE
    return len(na & nb) / len(na | nb)


def report_words(event: Event) -> str:
    """What the report says happened: its claims' sentences and trigger words. The notes are a template
    (date, actors, place) that repeats what the other scores already compare, so they are the fallback only."""
    quotes = dict.fromkeys(c.quote for c in event.claims if c.quote)
    triggers = dict.fromkeys(s.text for s in event.type_evidence.spans)
    words = " ".join([*quotes, *triggers]).strip()
    return words or event.notes


def wording_similarity(a: Event, b: Event) -> float:
    """rapidfuzz token_set_ratio of the two reports' words, 0-1 (shared wording counts, extra words little)."""
    return float(fuzz.token_set_ratio(report_words(a), report_words(b))) / 100.0


def link_score(a: Member, b: Member) -> float | None:
    """How strongly two events look like the same happening; None when a hard rule keeps them apart."""
    ea, eb = a.event, b.event
    if ea.doc_id == eb.doc_id or ea.place is None or eb.place is None:
        return None
    wa, wb = date_window(ea), date_window(eb)
    if wa is None or wb is None or wa[0] > wb[1] or wb[0] > wa[1]:
        return None
    if is_look_back(a) or is_look_back(b):
        return None
    kind = type_compatibility(ea, eb)
    near = place_closeness(ea.place, eb.place)
    if kind is None or near is None:
        return None
    score = (
        WEIGHT_TYPE * kind
        + WEIGHT_ACTORS * actor_overlap(ea, eb)
        + WEIGHT_WORDS * wording_similarity(ea, eb)
        + WEIGHT_DISTANCE * near
    )
    return score if score >= LINK_THRESHOLD else None


# --------------------------------------------------------------------------------------------------------
# Clustering
# --------------------------------------------------------------------------------------------------------


def _order_key(member: Member) -> tuple[str, str, str]:
    t = member.event.time
    return (
        t.event_date.isoformat() if t else "9999-12-31",
        member.published.isoformat() if member.published else "9999-12-31",
        member.event.id,
    )


def incident_id_for(members: Iterable[Member]) -> str:
    """The id of the incident these members form: a hash of the earliest member's event id."""
    first = min(members, key=_order_key)
    return "inc-" + hashlib.sha256(first.event.id.encode("utf-8")).hexdigest()[:16]


def _links(members: Sequence[Member]) -> list[tuple[float, str, str]]:
    """Every linked pair (score, id, id), found with a sweep over date windows."""
    dated = [(w, m) for m in members if (w := date_window(m.event)) is not None]
    dated.sort(key=lambda x: (x[0][0], x[1].event.id))
    links: list[tuple[float, str, str]] = []
    for i, (wa, a) in enumerate(dated):
        for wb, b in dated[i + 1 :]:
            if wb[0] > wa[1]:
                break
            score = link_score(a, b)
            if score is not None:
                x, y = sorted((a.event.id, b.event.id))
                links.append((score, x, y))
    return links


def group_members(members: Sequence[Member]) -> list[list[Member]]:
    """The members partitioned into incidents: strongest links first, never two events of one document."""
    by_id = {m.event.id: m for m in members}
    parent = {i: i for i in by_id}
    docs = {i: {m.event.doc_id} for i, m in by_id.items()}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, x, y in sorted(_links(members), key=lambda link: (-link[0], link[1], link[2])):
        rx, ry = root(x), root(y)
        if rx == ry or docs[rx] & docs[ry]:
            continue
        keep, drop = sorted((rx, ry))
        parent[drop] = keep
        docs[keep] |= docs.pop(drop)
    groups: dict[str, list[Member]] = defaultdict(list)
    for i in sorted(by_id):
        groups[root(i)].append(by_id[i])
    return sorted(groups.values(), key=lambda g: min(_order_key(m) for m in g))


def cluster(members: Iterable[Member]) -> list[Incident]:
    """Batch clustering: the incidents these events form (the same in any input order)."""
    unique = {m.event.id: m for m in members}
    return [build_incident(g) for g in group_members(list(unique.values()))]


# --------------------------------------------------------------------------------------------------------
# Ledger and tolls
# --------------------------------------------------------------------------------------------------------

# Credibility of a stance for the best estimate, higher first. A party's claim (claimed / alleged /
# unconfirmed) ranks below every reported or confirmed figure, so it becomes best only when no neutral or
# official figure exists.
_CREDIBILITY = {
    Stance.CONFIRMED: 4,
    Stance.REPORTED: 3,
    Stance.UNCONFIRMED: 2,
    Stance.CLAIMED: 1,
    Stance.ALLEGED: 1,
    Stance.DENIED: 0,
}


def _claimant(person: str | None, org: str | None) -> str | None:
    if person and org:
        return f"{person} ({org})"
    return person or org


def ledger_of(members: Sequence[Member]) -> tuple[LedgerEntry, ...]:
    entries = []
    for m in sorted(members, key=_order_key):
        for claim in m.event.claims:
            f = claim.figure
            entries.append(
                LedgerEntry(
                    event_id=m.event.id,
                    doc_id=m.event.doc_id,
                    outlet=m.outlet,
                    published=m.published,
                    kind=claim.kind.value,
                    stance=claim.stance,
                    claimant=_claimant(claim.claimant_person, claim.claimant_org),
                    category=f.category.value if f else None,
                    low=f.low if f else None,
                    high=f.high if f else None,
                    side=f.side.value if f else None,
                    quote=claim.quote,
                )
            )
    return tuple(entries)


def estimates_of(members: Sequence[Member]) -> tuple[SourceEstimate, ...]:
    """Per report, each claimant's killed (their figures add up; one claimant's stance is its weakest)."""
    out: list[SourceEstimate] = []
    for m in sorted(members, key=_order_key):
        sums: dict[tuple[str | None, Stance], int] = defaultdict(int)
        for claim in m.event.claims:
            f = claim.figure
            if f is None or f.category is not Category.KILLED or claim.stance is Stance.DENIED:
                continue
            sums[(_claimant(claim.claimant_person, claim.claimant_org), claim.stance)] += f.best
        if not sums and m.event.toll.fatalities_best is not None:
            sums[(None, m.event.toll.status)] = m.event.toll.fatalities_best
        for (claimant, stance), killed in sorted(sums.items(), key=lambda kv: (kv[0][0] or "", kv[0][1].value)):
            out.append(SourceEstimate(m.event.doc_id, m.outlet, m.published, claimant, stance, killed))
    return tuple(out)


def best_estimate(estimates: Sequence[SourceEstimate]) -> SourceEstimate | None:
    """The most credible stance; then the latest report (tolls are revised as bodies are counted); then the
    lower figure."""
    if not estimates:
        return None
    return max(
        estimates,
        key=lambda e: (_CREDIBILITY[e.stance], e.published or dt.date.min, -e.killed, e.doc_id),
    )


def _agree(a: int, b: int) -> bool:
    return abs(a - b) <= AGREEMENT_SHARE * max(a, b)


def status_of(estimates: Sequence[SourceEstimate], best: SourceEstimate | None, n_docs: int) -> IncidentStatus:
    """Confirmed when the best figure is; else disputed when any figure differs from the best by more than
    AGREEMENT_SHARE; else single source (one report) or corroborated (2+ reports, no figure disagreeing)."""
    if best is not None and best.stance is Stance.CONFIRMED:
        return IncidentStatus.CONFIRMED
    if best is not None and any(not _agree(e.killed, best.killed) for e in estimates):
        return IncidentStatus.DISPUTED
    return IncidentStatus.SINGLE_SOURCE if n_docs <= 1 else IncidentStatus.CORROBORATED


def _representative(members: Sequence[Member]) -> Member:
    """The member whose place and type stand for the incident: the most precise place, then the earliest."""
    return min(
        members,
        key=lambda m: (m.event.place.geo_precision if m.event.place else 9, _order_key(m)),
    )


def build_incident(members: Sequence[Member]) -> Incident:
    """The incident these members form, with its ledger, tolls and status."""
    ordered = sorted(members, key=_order_key)
    rep = _representative(ordered)
    estimates = estimates_of(ordered)
    best = best_estimate(estimates)
    killed = [e.killed for e in estimates]
    best_member = next((m for m in ordered if best is not None and m.event.doc_id == best.doc_id), None)
    actors = sorted({a.name for m in ordered for a in (m.event.actor1, m.event.actor2) if a is not None})
    doc_ids = tuple(dict.fromkeys(m.event.doc_id for m in ordered))
    return Incident(
        id=incident_id_for(ordered),
        event_date=ordered[0].event.time.event_date if ordered[0].event.time else None,
        event_type=rep.event.event_type,
        sub_event_type=rep.event.sub_event_type,
        place=rep.event.place,
        actors=tuple(actors),
        event_ids=tuple(m.event.id for m in ordered),
        doc_ids=doc_ids,
        fatalities=best.killed if best else 0,
        fatalities_low=min(killed) if killed else None,
        fatalities_best=best.killed if best else None,
        fatalities_high=max(killed) if killed else None,
        status=status_of(estimates, best, len(doc_ids)),
        killed=best_member.event.toll.killed if best_member else SideCounts(),
        estimates=estimates,
        ledger=ledger_of(ordered),
    )


# --------------------------------------------------------------------------------------------------------
# Incremental attach and history
# --------------------------------------------------------------------------------------------------------


def _connected_group(store: Store, seeds: Sequence[Member]) -> list[Member]:
    """The seeds and every stored event linked to them, transitively (via the store's candidate index)."""
    found = {m.event.id: m for m in seeds}
    queue = list(seeds)
    while queue:
        member = queue.pop()
        for other in store.incident_candidates(member.event):
            if other.event.id not in found and link_score(member, other) is not None:
                found[other.event.id] = other
                queue.append(other)
    return list(found.values())


def _toll_summary(incident: Incident) -> tuple[object, ...]:
    return (incident.fatalities_low, incident.fatalities_best, incident.fatalities_high, incident.status)


def _describe_sources(members: Iterable[Member]) -> str:
    names = sorted({f"{m.outlet or 'unknown outlet'} ({m.event.doc_id[:12]})" for m in members})
    return ", ".join(names)


def history_of_change(
    old: dict[str, Incident], new: Sequence[Incident], members: dict[str, Member], at: dt.datetime
) -> list[HistoryEntry]:
    """What happened to the incidents ``old`` (by id) when re-clustered into ``new``."""
    entries: list[HistoryEntry] = []
    old_of_event = {e: inc.id for inc in old.values() for e in inc.event_ids}
    new_ids = {inc.id for inc in new}
    for inc in new:
        sources = {old_of_event[e] for e in inc.event_ids if e in old_of_event}
        added = [members[e] for e in inc.event_ids if e not in old_of_event]
        previous = old.get(inc.id)
        if previous is None:
            reason = "first report: " + _describe_sources(members[e] for e in inc.event_ids)
            if sources:
                reason = f"formed from {', '.join(sorted(sources))}; its earliest report changed"
            entries.append(HistoryEntry(inc.id, at, HistoryKind.CREATED, reason))
        elif added:
            entries.append(HistoryEntry(inc.id, at, HistoryKind.ATTACHED, "report added: " + _describe_sources(added)))
        for absorbed in sorted(sources - {inc.id}):
            entries.append(HistoryEntry(inc.id, at, HistoryKind.MERGED, f"absorbed {absorbed}", absorbed))
            if absorbed not in new_ids:
                entries.append(HistoryEntry(absorbed, at, HistoryKind.MERGED_INTO, f"merged into {inc.id}", inc.id))
        if previous is not None and _toll_summary(previous) != _toll_summary(inc):
            before, after = _toll_summary(previous), _toll_summary(inc)
            reason = (
                f"killed low/best/high {before[0]}/{before[1]}/{before[2]} -> {after[0]}/{after[1]}/{after[2]}, "
                f"status {before[3]} -> {after[3]}"
            )
            entries.append(HistoryEntry(inc.id, at, HistoryKind.REVISED, reason))
    for old_inc in old.values():
        homes = sorted({inc.id for inc in new for e in inc.event_ids if e in set(old_inc.event_ids)})
        for home in homes:
            if len(homes) > 1 and home != old_inc.id:
                entries.append(
                    HistoryEntry(old_inc.id, at, HistoryKind.SPLIT, f"some of its reports now form {home}", home)
                )
    return entries


@dataclass(frozen=True)
class AttachResult:
    incidents: tuple[Incident, ...]  # the incidents written (new or changed)
    removed: tuple[str, ...]  # ids that no longer exist
    history: tuple[HistoryEntry, ...]


def attach(store: Store, event_ids: Sequence[str], *, now: dt.datetime | None = None) -> AttachResult:
    """Attach stored events to incidents: re-cluster their connected group and write what changed."""
    at = now or dt.datetime.now(dt.UTC)
    seeds = store.stored_members(event_ids)
    group = _connected_group(store, seeds)
    old = {inc.id: inc for inc in store.incidents_of_events([m.event.id for m in group])}
    # Members of the old incidents that are no longer linked (they cannot be: incidents grow along links)
    # would be lost; keep them in the group so an incident is re-clustered whole.
    known = {m.event.id for m in group}
    missing = [e for inc in old.values() for e in inc.event_ids if e not in known]
    if missing:
        group += store.stored_members(missing)
    new = cluster(group)
    members = {m.event.id: m for m in group}
    history = history_of_change(old, new, members, at)
    changed = [inc for inc in new if old.get(inc.id) != inc]
    removed = sorted(set(old) - {inc.id for inc in new})
    store.replace_incidents(removed, changed, history, at)
    return AttachResult(tuple(changed), tuple(removed), tuple(history))


def attach_document(store: Store, doc_id: str, *, now: dt.datetime | None = None) -> AttachResult:
    """Attach every event of a stored document."""
    return attach(store, [e.id for e in store.events(doc_id=doc_id)], now=now)


def update_incidents(store: Store, *, now: dt.datetime | None = None) -> int:
    """Attach every stored event that belongs to no incident yet, report by report; how many were attached."""
    pending = store.unattached_event_ids()
    by_doc: dict[str, list[str]] = defaultdict(list)
    for event_id, doc_id in pending:
        by_doc[doc_id].append(event_id)
    for doc_id in sorted(by_doc):
        attach(store, by_doc[doc_id], now=now)
    return len(pending)


def resolve_incident_id(store: Store, incident_id: str) -> str | None:
    """The id an incident has now: itself, or where it was merged into (followed), or None if unknown."""
    seen: set[str] = set()
    current = incident_id
    while current not in seen:
        seen.add(current)
        if store.incident(current) is not None:
            return current
        moves = [h for h in store.incident_history(incident_id=current) if h.kind is HistoryKind.MERGED_INTO]
        if not moves or moves[-1].other_id is None:
            return None
        current = moves[-1].other_id
    return None


# --------------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------------

SUMMARY_COLUMNS = (
    "id",
    "event_date",
    "event_type",
    "sub_event_type",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "actors",
    "fatalities",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "status",
    "n_sources",
    "outlets",
)


def incident_summary(incident: Incident) -> dict[str, object]:
    """One flat row per incident (CSV columns, GeoJSON properties)."""
    place = incident.place
    outlets = dict.fromkeys(e.outlet for e in incident.ledger if e.outlet)
    return {
        "id": incident.id,
        "event_date": incident.event_date.isoformat() if incident.event_date else None,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "country": place.country if place else None,
        "admin1": place.admin1 if place else None,
        "location": place.name if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": place.geo_precision if place else None,
        "actors": "; ".join(incident.actors),
        "fatalities": incident.fatalities,
        "fatalities_low": incident.fatalities_low,
        "fatalities_best": incident.fatalities_best,
        "fatalities_high": incident.fatalities_high,
        "status": incident.status.value,
        "n_sources": incident.n_sources,
        "outlets": "; ".join(outlets),
    }


def write_incidents(incidents: Sequence[Incident], fmt: str, stream: TextIO) -> None:
    """Write incidents as ``json`` (full records), ``csv`` (summary rows) or ``geojson`` (points)."""
    if fmt == "json":
        json.dump([to_dict(i) for i in incidents], stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for incident in incidents:
            writer.writerow(incident_summary(incident))
    elif fmt == "geojson":
        features = []
        for incident in incidents:
            row = incident_summary(incident)
            lat, lon = row["latitude"], row["longitude"]
            geometry = None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}
            features.append({"type": "Feature", "id": incident.id, "geometry": geometry, "properties": row})
        json.dump({"type": "FeatureCollection", "features": features}, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    else:
        raise ConflictlensError(f"unknown incident format {fmt!r}: use json, csv or geojson")


__all__ = [
    "AttachResult",
    "HistoryEntry",
    "HistoryKind",
    "Incident",
    "IncidentStatus",
    "LedgerEntry",
    "Member",
    "SourceEstimate",
    "attach",
    "attach_document",
    "build_incident",
    "cluster",
    "compatible_event_types",
    "incident_summary",
    "link_score",
    "resolve_incident_id",
    "update_incidents",
    "write_incidents",
]
