"""case2021: CASE 2021 Shared Task 2 snippets, ACLED sub-event classification plus abstention.

Matching: a snippet has one label, answered by the pipeline's first event (``first_event``); no event is an
abstention, which is a miss on an ACLED row and the right answer on a non-ACLED row. Scores follow the
suite README: sub-event micro- and macro-F1 (macro over the sub-event types present in the gold rows) and
event-type accuracy on ACLED rows; the share of non-ACLED rows that get no event at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records import Extraction
from .common import (
    ErrorLog,
    Tally,
    event_summary,
    field,
    first_event,
    macro_f1,
    micro_f1,
    read_rows,
    set_metric,
)
from .suite import Suite, Unit, single_units

METRICS = ("sub_event_micro_f1", "sub_event_macro_f1", "event_type_accuracy", "non_acled_abstain_rate")


@dataclass(frozen=True)
class CaseGold:
    id: str
    text: str
    label: str
    sub_event_type: str | None  # None for the five non-ACLED classes
    event_type: str | None
    non_acled_class: str | None


def load(data_dir: Path) -> list[Unit[CaseGold]]:
    golds = [
        CaseGold(
            id=field(row, "id", str),
            text=field(row, "text", str),
            label=field(row, "label", str),
            sub_event_type=field(row, "sub_event_type", str, optional=True),
            event_type=field(row, "event_type", str, optional=True),
            non_acled_class=field(row, "non_acled_class", str, optional=True),
        )
        for row in read_rows(data_dir)
    ]
    # No date: snippets are undated and no field is scored against time.
    return single_units(golds, lambda g: g.id, lambda g: g.text, lambda g: None)


def score(pairs: Sequence[tuple[Unit[Any], Extraction]], log: ErrorLog) -> dict[str, float]:
    sub_pairs: list[tuple[str, str | None]] = []
    event_type = Tally()
    abstain = Tally()
    for unit, extraction in pairs:
        gold: CaseGold = unit.golds[0]
        event = first_event(extraction)
        if gold.sub_event_type is None:
            abstained = not extraction.events
            abstain = abstain.add(abstained)
            if not abstained:
                log.mismatch(
                    gold.id,
                    "non_acled_abstain_rate",
                    gold.non_acled_class,
                    event_summary(event),
                    _type_evidence(extraction),
                )
            continue
        predicted_sub = event.sub_event_type if event else None
        predicted_type = event.event_type if event else None
        sub_pairs.append((gold.sub_event_type, predicted_sub))
        event_type = event_type.add(predicted_type == gold.event_type)
        if predicted_sub != gold.sub_event_type:
            log.mismatch(
                gold.id,
                "sub_event_type",
                gold.sub_event_type,
                predicted_sub,
                _type_evidence(extraction),
                problem=extraction.problem.reason if extraction.problem else None,
            )
        if predicted_type != gold.event_type:
            log.mismatch(gold.id, "event_type_accuracy", gold.event_type, predicted_type, None)
    metrics: dict[str, float] = {}
    set_metric(metrics, "sub_event_micro_f1", micro_f1(sub_pairs) if sub_pairs else None)
    set_metric(metrics, "sub_event_macro_f1", macro_f1(sub_pairs))
    set_metric(metrics, "event_type_accuracy", event_type.value)
    set_metric(metrics, "non_acled_abstain_rate", abstain.value)
    return metrics


def _type_evidence(extraction: Extraction) -> Any:
    event = first_event(extraction)
    if event is None:
        return None
    return {"spans": [s.text for s in event.type_evidence.spans], "reason": event.type_evidence.reason}


SUITE = Suite(
    name="case2021",
    metrics=METRICS,
    load=load,
    score=score,
    reference_date="none (snippets are undated; no time field is scored)",
)
