"""satp: SATP incident summaries (India, Maoist conflict) against the GWU team's coding.

A summary is one incident, which the pipeline may split into several events. Counts are therefore the
incident's totals: the sum over all predicted events of the document. Location and perpetrator are the
first event's. A summary with no event abstains and is wrong on every metric (even when the gold count is 0).

Reference date: the gold ``date`` is passed as the publication date, as the suite README allows (summaries
rarely carry the year). No scored metric is a date, so this only lets relative dates resolve.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EvaluationError
from ..records import Event, Extraction, SideCounts
from ..taxonomy import INTER_STATE_FORCES
from .common import (
    NEAR_KM,
    Check,
    ErrorLog,
    GoldRow,
    Tally,
    event_summary,
    evidence_json,
    field,
    first_event,
    normalize_name,
    optional_float,
    place_error_km,
    read_rows,
    record_checks,
    tally_metrics,
)
from .suite import Suite, Unit, single_units

METRICS = (
    "killed_total_exact",
    "killed_by_side_exact",
    "injured_total_exact",
    "location_within_25km",
    "perpetrator_accuracy",
)
SIDES = ("civilians", "security", "maoists", "officials", "other")
MAOIST = "Maoist"
SECURITY = "Security"
UNKNOWN = "Unknown"
# Left-wing extremist names as they appear in actor names: CPI-Maoist and its fronts and splinters, which the
# SATP coders file under "Maoist". Matched as whole words of the normalised actor name.
MAOIST_NAME_RE = re.compile(
    r"\b(maoists?|naxal\w*|cpi maoist|cpi ml|plga|plfi|tpc|jjmp|tritiya prastuti committee|"
    r"peoples liberation guerrilla army|peoples liberation front of india|jharkhand jan mukti parishad)\b"
)


@dataclass(frozen=True)
class SatpCounts:
    civilians: int | None
    security: int | None
    maoists: int | None
    officials: int | None
    other: int | None
    total: int | None

    def sides_coded(self) -> bool:
        return all(getattr(self, side) is not None for side in SIDES)


@dataclass(frozen=True)
class SatpGold:
    id: str
    text: str
    date: dt.date | None
    state: str | None
    district: str | None
    location: str | None
    latitude: float | None
    longitude: float | None
    perpetrator: str | None
    killed: SatpCounts
    injured: SatpCounts
    actions: tuple[str, ...]


def _counts(row: GoldRow, key: str) -> SatpCounts:
    value = field(row, key, dict)
    values: dict[str, int | None] = {}
    for side in (*SIDES, "total"):
        number = value.get(side)
        if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
            raise EvaluationError(f"{row.origin}: {key}.{side} should be an int or null, got {number!r}.")
        values[side] = number
    return SatpCounts(**values)


def _date(row: GoldRow) -> dt.date | None:
    text = field(row, "date", str, optional=True)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None  # a few source dates are data-entry errors; the date is only a reference, never scored


def load(data_dir: Path) -> list[Unit[SatpGold]]:
    golds = [
        SatpGold(
            id=field(row, "id", str),
            text=field(row, "text", str),
            date=_date(row),
            state=field(row, "state", str, optional=True),
            district=field(row, "district", str, optional=True),
            location=field(row, "location", str, optional=True),
            latitude=optional_float(row, "latitude"),
            longitude=optional_float(row, "longitude"),
            perpetrator=field(row, "perpetrator", str, optional=True),
            killed=_counts(row, "killed"),
            injured=_counts(row, "injured"),
            actions=tuple(field(row, "actions", list)),
        )
        for row in read_rows(data_dir)
    ]
    return single_units(golds, lambda g: g.id, lambda g: g.text, lambda g: g.date)


def summed_sides(counts: Sequence[SideCounts]) -> dict[str, int]:
    """Per-side totals over events (None counts as 0), keyed by our side names."""
    keys = ("attackers", "state_forces", "civilians", "unknown")
    return {key: sum(getattr(c, key) or 0 for c in counts) for key in keys}


def gold_sides(counts: SatpCounts) -> dict[str, int]:
    """SATP's five sides in our four: security -> state forces; civilians and government officials ->
    civilians; Maoists and other armed groups -> attackers (the non-state fighters); nothing is unknown."""
    return {
        "attackers": (counts.maoists or 0) + (counts.other or 0),
        "state_forces": counts.security or 0,
        "civilians": (counts.civilians or 0) + (counts.officials or 0),
        "unknown": 0,
    }


def perpetrator_class(event: Event) -> str:
    """Maoist / Security / Unknown from the event's actor1 (no actor1 is Unknown)."""
    actor = event.actor1
    if actor is None:
        return UNKNOWN
    if MAOIST_NAME_RE.search(normalize_name(actor.name)) or MAOIST_NAME_RE.search(normalize_name(actor.mention)):
        return MAOIST
    if actor.inter == INTER_STATE_FORCES:
        return SECURITY
    return UNKNOWN


def score(pairs: Sequence[tuple[Unit[Any], Extraction]], log: ErrorLog) -> dict[str, float]:
    tallies = {key: Tally() for key in METRICS}
    for unit, extraction in pairs:
        gold: SatpGold = unit.golds[0]
        events = extraction.events
        event = first_event(extraction)
        found = bool(events)
        checks: dict[str, Check] = {}
        if gold.killed.total is not None:
            killed = sum(e.toll.fatalities for e in events) if found else None
            checks["killed_total_exact"] = (
                killed == gold.killed.total,
                gold.killed.total,
                killed,
                _figure_evidence(events),
            )
        if gold.killed.sides_coded():
            predicted_sides = summed_sides([e.toll.killed for e in events]) if found else None
            expected = gold_sides(gold.killed)
            checks["killed_by_side_exact"] = (predicted_sides == expected, expected, predicted_sides, None)
        if gold.injured.total is not None:
            injured = sum(e.toll.injured.total() or 0 for e in events) if found else None
            checks["injured_total_exact"] = (injured == gold.injured.total, gold.injured.total, injured, None)
        if gold.latitude is not None and gold.longitude is not None:
            place = event.place if event else None
            error = place_error_km(place, gold.latitude, gold.longitude)
            checks["location_within_25km"] = (
                error <= NEAR_KM,
                {"location": gold.location, "district": gold.district, "state": gold.state},
                None
                if place is None
                else {
                    "name": place.name,
                    "admin2": place.admin2,
                    "admin1": place.admin1,
                    "error_km": round(error, 1),
                },
                evidence_json(place.evidence) if place else None,
            )
        if gold.perpetrator is not None:
            predicted = perpetrator_class(event) if event else None
            checks["perpetrator_accuracy"] = (
                predicted == gold.perpetrator,
                gold.perpetrator,
                predicted,
                {"actor1": event.actor1.name, "mention": event.actor1.mention} if event and event.actor1 else None,
            )
        record_checks(tallies, log, gold.id, checks, event=event_summary(event), events=len(events))
    return tally_metrics(tallies, METRICS)


def _figure_evidence(events: Sequence[Event]) -> Mapping[str, Any] | None:
    spans = [
        {"text": span.text, "reason": claim.evidence.reason}
        for event in events
        for claim in event.claims
        if claim.figure is not None
        for span in claim.figure.evidence.spans
    ]
    return {"figures": spans} if spans else None


SUITE = Suite(
    name="satp",
    metrics=METRICS,
    load=load,
    score=score,
    reference_date="the gold incident date (README: usable as the reference date; no date is scored)",
)
