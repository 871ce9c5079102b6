"""gtd: Global Terrorism Database summaries (United States, 2013-2016) against GTD's coding.

A summary is one incident. Killed and wounded are the incident's totals: the sum over every predicted event
of the document (GTD counts include perpetrators, and so do our fatalities). The group is the first event's
actor1. A summary with no event abstains and is wrong on these three metrics. ``claimed`` is a
document-level flag: 1 when any claim of the document (its own or an event's) is a responsibility claim with
stance "claimed". GTD's "Unknown" group is matched by no actor1 or an "Unidentified ..." actor1.
No reference date is passed: the summary starts with its date ("MM/DD/YYYY:").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records import ClaimKind, Event, Extraction, Stance
from .common import (
    Check,
    ErrorLog,
    Tally,
    event_summary,
    evidence_json,
    field,
    first_event,
    is_unidentified,
    names_match,
    optional_float,
    read_rows,
    record_checks,
    tally_metrics,
)
from .suite import Suite, Unit, single_units

METRICS = ("nkill_exact", "nwound_exact", "claimed_accuracy", "group_match")
GTD_UNKNOWN_GROUP = "Unknown"


@dataclass(frozen=True)
class GtdGold:
    id: str
    text: str
    city: str | None
    province: str | None
    latitude: float | None
    longitude: float | None
    nkill: int | None
    nwound: int | None
    claimed: int | None
    gname: str | None
    attacktype: str | None


def load(data_dir: Path) -> list[Unit[GtdGold]]:
    golds = [
        GtdGold(
            id=field(row, "id", str),
            text=field(row, "text", str),
            city=field(row, "city", str, optional=True),
            province=field(row, "province", str, optional=True),
            latitude=optional_float(row, "latitude"),
            longitude=optional_float(row, "longitude"),
            nkill=field(row, "nkill", int, optional=True),
            nwound=field(row, "nwound", int, optional=True),
            claimed=field(row, "claimed", int, optional=True),
            gname=field(row, "gname", str, optional=True),
            attacktype=field(row, "attacktype", str, optional=True),
        )
        for row in read_rows(data_dir)
    ]
    return single_units(golds, lambda g: g.id, lambda g: g.text, lambda g: None)


def claimed_flag(extraction: Extraction) -> int:
    claims = [*extraction.claims, *(c for e in extraction.events for c in e.claims)]
    return int(any(c.kind is ClaimKind.RESPONSIBILITY and c.stance is Stance.CLAIMED for c in claims))


def group_matches(event: Event, gname: str) -> bool:
    name = event.actor1.name if event.actor1 else None
    if gname == GTD_UNKNOWN_GROUP:
        return is_unidentified(name)
    return names_match(name, gname) or (event.actor1 is not None and names_match(event.actor1.mention, gname))


def score(pairs: Sequence[tuple[Unit[Any], Extraction]], log: ErrorLog) -> dict[str, float]:
    tallies = {key: Tally() for key in METRICS}
    for unit, extraction in pairs:
        gold: GtdGold = unit.golds[0]
        events = extraction.events
        event = first_event(extraction)
        checks: dict[str, Check] = {}
        if gold.nkill is not None:
            killed = sum(e.toll.fatalities for e in events) if events else None
            checks["nkill_exact"] = (killed == gold.nkill, gold.nkill, killed, None)
        if gold.nwound is not None:
            wounded = sum(e.toll.injured.total() or 0 for e in events) if events else None
            checks["nwound_exact"] = (wounded == gold.nwound, gold.nwound, wounded, None)
        if gold.claimed is not None:
            flag = claimed_flag(extraction)
            checks["claimed_accuracy"] = (flag == gold.claimed, gold.claimed, flag, None)
        if gold.gname is not None:
            actor = event.actor1 if event else None
            checks["group_match"] = (
                event is not None and group_matches(event, gold.gname),
                gold.gname,
                None if actor is None else {"name": actor.name, "mention": actor.mention},
                evidence_json(actor.evidence) if actor else None,
            )
        record_checks(tallies, log, gold.id, checks, event=event_summary(event), events=len(events))
    return tally_metrics(tallies, METRICS)


SUITE = Suite(
    name="gtd",
    metrics=METRICS,
    load=load,
    score=score,
    reference_date="none: the summary begins with its own date",
)
