"""wikievents: document-level attacker, victim and place arguments (KAIROS ontology) against our events.

Gold items, per document: the distinct (normalised) strings of the arguments of Conflict.Attack.*, Life.Die.*
and Life.Injure.* events, by role: Attacker/Killer/Injurer -> attacker; Target/Victim -> victim;
Place -> place.
Predicted items, per document, one per event and role (so repeated actors count once per distinct string):
attacker = actor1 and associated actors of actor1; victim = actor2, its associated actors and the victim words
of the event's killed/injured figures; place = the event's place. Each item carries its words as written
(mention) and its canonical name; the item matches a gold string when either equals it after normalisation,
or when one side is a single word equal to the other side's last word (its head: "general" ~ "a Russian
major general"). No coreference: a pronoun or a differently worded mention of the same entity does not match.
P = matched predicted items / predicted items, R = matched gold strings / gold strings, micro over documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records import Category, Event, Extraction
from .common import ErrorLog, PRCounts, field, normalize_name, read_rows, set_metric
from .suite import Suite, Unit, single_units

METRICS = ("attacker_f1", "victim_f1", "place_f1")
EVENT_TYPE_PREFIXES = ("Conflict.Attack", "Life.Die", "Life.Injure")
ROLE_GROUPS = {
    "Attacker": "attacker",
    "Killer": "attacker",
    "Injurer": "attacker",
    "Target": "victim",
    "Victim": "victim",
    "Place": "place",
}
VICTIM_CATEGORIES = frozenset({Category.KILLED, Category.INJURED})


@dataclass(frozen=True)
class WikiGold:
    id: str
    text: str
    arguments: dict[str, frozenset[str]]  # role group -> distinct normalised argument strings


def load(data_dir: Path) -> list[Unit[WikiGold]]:
    golds: list[WikiGold] = []
    for row in read_rows(data_dir):
        groups: dict[str, set[str]] = {group: set() for group in set(ROLE_GROUPS.values())}
        for event in field(row, "events", list):
            if not str(event.get("type", "")).startswith(EVENT_TYPE_PREFIXES):
                continue
            for argument in event.get("arguments") or []:
                group = ROLE_GROUPS.get(str(argument.get("role")))
                text = normalize_name(str(argument.get("text", "")))
                if group and text:
                    groups[group].add(text)
        golds.append(
            WikiGold(field(row, "id", str), field(row, "text", str), {g: frozenset(s) for g, s in groups.items()})
        )
    # No date: the documents are undated web pages and no time field is scored.
    return single_units(golds, lambda g: g.id, lambda g: g.text, lambda g: None)


Item = tuple[str, ...]  # one predicted argument: normalised (mention, canonical name) alternatives


def _item(*words: str | None) -> Item | None:
    alternatives = tuple(dict.fromkeys(n for n in (normalize_name(w) for w in words if w) if n))
    return alternatives or None


def predicted_items(events: Iterable[Event]) -> dict[str, set[Item]]:
    items: dict[str, set[Item]] = {"attacker": set(), "victim": set(), "place": set()}
    for event in events:
        for actor in (event.actor1, *event.assoc_actor_1):
            if actor is not None and (item := _item(actor.mention, actor.name)):
                items["attacker"].add(item)
        for actor in (event.actor2, *event.assoc_actor_2):
            if actor is not None and (item := _item(actor.mention, actor.name)):
                items["victim"].add(item)
        for claim in event.claims:
            figure = claim.figure
            if figure is not None and figure.category in VICTIM_CATEGORIES and (item := _item(figure.victim_words)):
                items["victim"].add(item)
        if event.place is not None and (item := _item(event.place.mention, event.place.name)):
            items["place"].add(item)
    return items


def strings_match(predicted: str, gold: str) -> bool:
    """Equal, or one side a single word equal to the other side's last word (its head)."""
    if predicted == gold:
        return True
    p_words, g_words = predicted.split(), gold.split()
    return (len(g_words) == 1 and p_words[-1:] == g_words) or (len(p_words) == 1 and g_words[-1:] == p_words)


def set_counts(predicted: Iterable[Item], gold: Iterable[str]) -> PRCounts:
    predicted, gold = list(predicted), list(gold)
    matched_pred = sum(1 for item in predicted if any(strings_match(a, g) for a in item for g in gold))
    matched_gold = sum(1 for g in gold if any(strings_match(a, g) for item in predicted for a in item))
    return PRCounts(matched_pred, len(predicted), matched_gold, len(gold))


def score(pairs: Sequence[tuple[Unit[Any], Extraction]], log: ErrorLog) -> dict[str, float]:
    totals = {group: PRCounts() for group in ("attacker", "victim", "place")}
    for unit, extraction in pairs:
        gold: WikiGold = unit.golds[0]
        predicted = predicted_items(extraction.events)
        for group in totals:
            counts = set_counts(predicted[group], gold.arguments[group])
            totals[group] = totals[group] + counts
            if counts.matched_pred < counts.n_pred or counts.matched_gold < counts.n_gold:
                log.mismatch(
                    gold.id,
                    f"{group}_f1",
                    sorted(gold.arguments[group]),
                    sorted(list(i) for i in predicted[group]),
                    None,
                )
    metrics: dict[str, float] = {}
    for group, counts in totals.items():
        set_metric(metrics, f"{group}_f1", counts.f1)
    return metrics


SUITE = Suite(
    name="wikievents",
    metrics=METRICS,
    load=load,
    score=score,
    reference_date="none (no publication date in the records; no date is scored)",
)
