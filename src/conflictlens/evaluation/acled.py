"""acled (2020, modern taxonomy) and acled2015 (old taxonomy): ACLED notes against ACLED's coding.

Input is the note (`text`) with no publication date: ACLED notes state their own date ("On 9 May 2020,
..."), and acled2015 gives none, so a weekday-only note cannot be dated (the README says so).

Matching (docs/evaluation.md, "acled"):
- Rows with identical notes form one unit (ACLED split one report into several located events).
- A unit of one row is answered by the pipeline's first event. Other events of the note are not scored.
- A unit of k > 1 rows is matched one-to-one to the predicted events by ascending great-circle distance
  between gold and predicted coordinates (events without coordinates last, in their order); rows left
  without an event abstain.
- An abstention (no answering event) is wrong for every metric, including a gold fatality count of 0: the
  event is missing from our database, so none of its fields were given.
- ``admin1_accuracy`` and ``actor1_match`` count rows whose gold value is not null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records import Event, Extraction
from ..taxonomy import OLD_EVENT_TYPE
from .common import (
    NEAR_KM,
    REGION_KM,
    UNRESOLVED_ERROR_KM,
    ErrorLog,
    GoldRow,
    Tally,
    admin_match,
    event_summary,
    evidence_json,
    field,
    greedy_assign,
    macro_f1,
    names_match,
    optional_float,
    place_error_km,
    read_rows,
    record_checks,
    set_metric,
)
from .suite import Suite, Unit

COMMON_METRICS = (
    "event_type_accuracy",
    "fatalities_exact",
    "fatalities_within_1",
    "location_within_25km",
    "location_within_161km",
    "admin1_accuracy",
    "actor1_match",
    "date_exact",
)
METRICS_2020 = ("event_type_accuracy", "sub_event_macro_f1", *COMMON_METRICS[1:])
METRICS_2015 = COMMON_METRICS

# The pre-2019 scheme's "Non-violent transfer of territory" is its own event type; in the modern taxonomy
# it is a Strategic developments sub-event, so it is mapped by sub-event type before the coarse map.
OLD_TYPE_BY_SUB_EVENT = {"Non-violent transfer of territory": "Non-violent transfer of territory"}
OLD_BATTLE_PREFIX = "Battle"  # "Battle-No change of territory", "Battle-Government regains territory", ...


@dataclass(frozen=True)
class AcledGold:
    id: str
    text: str
    event_date: dt.date | None
    time_precision: int | None
    event_type: str
    sub_event_type: str | None  # always None in acled2015
    actor1: str | None
    actor2: str | None
    country: str | None
    admin1: str | None
    admin2: str | None
    location: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    fatalities: int


def parse_row(row: GoldRow) -> AcledGold:
    return AcledGold(
        id=field(row, "id", str),
        text=field(row, "text", str),
        event_date=_iso_date(row, field(row, "event_date", str, optional=True)),
        time_precision=field(row, "time_precision", int, optional=True),
        event_type=field(row, "event_type", str),
        sub_event_type=field(row, "sub_event_type", str, optional=True),
        actor1=field(row, "actor1", str, optional=True),
        actor2=field(row, "actor2", str, optional=True),
        country=field(row, "country", str, optional=True),
        admin1=field(row, "admin1", str, optional=True),
        admin2=field(row, "admin2", str, optional=True),
        location=field(row, "location", str, optional=True),
        latitude=optional_float(row, "latitude"),
        longitude=optional_float(row, "longitude"),
        geo_precision=field(row, "geo_precision", int, optional=True),
        fatalities=field(row, "fatalities", int),
    )


def _iso_date(row: GoldRow, text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        from ..errors import EvaluationError

        raise EvaluationError(f"{row.origin}: event_date {text!r} is not YYYY-MM-DD.") from None


def load(data_dir: Path) -> list[Unit[AcledGold]]:
    """Rows grouped by identical note text, in order of first appearance."""
    groups: dict[str, list[AcledGold]] = {}
    for row in read_rows(data_dir):
        gold = parse_row(row)
        groups.setdefault(gold.text, []).append(gold)
    return [Unit(tuple(golds), golds[0].id, text, None) for text, golds in groups.items()]


def answering_events(golds: Sequence[AcledGold], extraction: Extraction) -> list[Event | None]:
    """The predicted event that answers each gold row (None: abstention), per the module's matching rule."""
    events = extraction.events
    if len(golds) == 1:
        return [events[0] if events else None]
    costs: list[list[float | None]] = []
    for gold in golds:
        row: list[float | None] = []
        for index, event in enumerate(events):
            if gold.latitude is None or gold.longitude is None:
                row.append(UNRESOLVED_ERROR_KM + index)
                continue
            error = place_error_km(event.place, gold.latitude, gold.longitude)
            # Unplaced events come after every placed one, in their own order.
            row.append(error + index if error >= UNRESOLVED_ERROR_KM else error)
        costs.append(row)
    assignment = greedy_assign(costs)
    return [events[assignment[i]] if i in assignment else None for i in range(len(golds))]


def old_coarse_type(event_type: str) -> str:
    """acled2015 gold event type, coarsened: every "Battle-*" becomes "Battle"."""
    return OLD_BATTLE_PREFIX if event_type.startswith(OLD_BATTLE_PREFIX) else event_type


def predicted_old_type(event: Event) -> str:
    """Our modern type mapped to the pre-2019 scheme (suite README, acled2015 scoring recipe)."""
    return OLD_TYPE_BY_SUB_EVENT.get(event.sub_event_type) or OLD_EVENT_TYPE.get(event.event_type, event.event_type)


def make_scorer(
    metric_keys: tuple[str, ...],
    gold_type: Callable[[AcledGold], str],
    predicted_type: Callable[[Event], str],
) -> Callable[[Sequence[tuple[Unit[Any], Extraction]], ErrorLog], dict[str, float]]:
    def score(pairs: Sequence[tuple[Unit[Any], Extraction]], log: ErrorLog) -> dict[str, float]:
        tallies = {key: Tally() for key in metric_keys if key != "sub_event_macro_f1"}
        sub_pairs: list[tuple[str, str | None]] = []
        for unit, extraction in pairs:
            golds: tuple[AcledGold, ...] = unit.golds
            for gold, event in zip(golds, answering_events(golds, extraction), strict=True):
                results = _row_results(gold, event, gold_type, predicted_type)
                record_checks(
                    tallies,
                    log,
                    gold.id,
                    results,
                    group_size=len(golds),
                    event=event_summary(event),
                    problem=extraction.problem.reason if extraction.problem else None,
                )
                if "sub_event_macro_f1" in metric_keys and gold.sub_event_type is not None:
                    sub_pairs.append((gold.sub_event_type, event.sub_event_type if event else None))
        metrics: dict[str, float] = {}
        for key in metric_keys:
            if key == "sub_event_macro_f1":
                set_metric(metrics, key, macro_f1(sub_pairs))
            else:
                set_metric(metrics, key, tallies[key].value)
        return metrics

    return score


Result = tuple[bool, Any, Any, Any]


def _row_results(
    gold: AcledGold,
    event: Event | None,
    gold_type: Callable[[AcledGold], str],
    predicted_type: Callable[[Event], str],
) -> dict[str, Result]:
    """Each metric's (correct?, gold value, predicted value, evidence) for one row and its answering event."""
    results: dict[str, Result] = {}
    results["event_type_accuracy"] = (
        event is not None and predicted_type(event) == gold_type(gold),
        gold_type(gold),
        predicted_type(event) if event else None,
        evidence_json(event.type_evidence) if event else None,
    )
    fatalities = event.toll.fatalities if event else None
    results["fatalities_exact"] = (fatalities == gold.fatalities, gold.fatalities, fatalities, None)
    results["fatalities_within_1"] = (
        fatalities is not None and abs(fatalities - gold.fatalities) <= 1,
        gold.fatalities,
        fatalities,
        None,
    )
    if gold.latitude is not None and gold.longitude is not None:
        error = place_error_km(event.place if event else None, gold.latitude, gold.longitude)
        place = event.place if event else None
        where = {
            "gold": [gold.location, gold.admin1, gold.country, gold.latitude, gold.longitude],
            "error_km": round(error, 1),
        }
        predicted_place = (
            None if place is None else [place.name, place.admin1, place.country, place.latitude, place.longitude]
        )
        evidence = evidence_json(place.evidence) if place else None
        results["location_within_25km"] = (error <= NEAR_KM, where, predicted_place, evidence)
        results["location_within_161km"] = (error <= REGION_KM, where, predicted_place, evidence)
    if gold.admin1 is not None:
        predicted_admin1 = event.place.admin1 if event and event.place else None
        results["admin1_accuracy"] = (
            admin_match(predicted_admin1, gold.admin1),
            gold.admin1,
            predicted_admin1,
            None,
        )
    if gold.actor1 is not None:
        actor = event.actor1 if event else None
        results["actor1_match"] = (
            names_match(actor.name if actor else None, gold.actor1),
            gold.actor1,
            actor.name if actor else None,
            evidence_json(actor.evidence) if actor else None,
        )
    if gold.event_date is not None:
        when = event.time if event else None
        results["date_exact"] = (
            when is not None and when.event_date == gold.event_date,
            gold.event_date.isoformat(),
            when.event_date.isoformat() if when else None,
            evidence_json(when.evidence) if when else None,
        )
    return results


def _modern_type(gold: AcledGold) -> str:
    return gold.event_type


def _event_type(event: Event) -> str:
    return event.event_type


ACLED = Suite(
    name="acled",
    metrics=METRICS_2020,
    load=load,
    score=make_scorer(METRICS_2020, _modern_type, _event_type),
    reference_date="none: ACLED notes state their own date",
)

ACLED2015 = Suite(
    name="acled2015",
    metrics=METRICS_2015,
    load=load,
    score=make_scorer(METRICS_2015, lambda gold: old_coarse_type(gold.event_type), predicted_old_type),
    reference_date="none: the suite gives no publication date (weekday-only notes cannot be dated)",
)
