"""muc4: MUC-4 (1992) TST3 news documents against the original answer-key templates.

Reference date: the dateline's date ("SAN SALVADOR, 9 JAN 90 (RADIO ...) --") is passed as the publication
date; it is part of the input text, as a wire's date is. No scored metric is a date.

Our side of a template is a *violent event*: an event of type Battles, Explosions/Remote violence or Violence
against civilians, or the sub-event Looting/property destruction (arson). Matching rules (docs/evaluation.md):
- relevance: a document is predicted relevant when it has at least one violent event.
- perpetrator organisations: per document, the multiset of actor1 names of violent events ("Unidentified ..."
  actors are the system saying it does not know, and are not predictions) against the multiset of
  perpetrator-organisation fills of the document's templates. A prediction matches a fill when a normalised
  name equals any ` / ` alternative (either side of "ACRONYM: Name"). Fills marked ``? `` and fills of
  (OPTIONAL) templates are not required for recall; a prediction matching one is not a false positive.
  One-to-one maximum matching; micro P/R/F1 over all documents (predictions on irrelevant documents are
  false positives).
- claim status: for each required organisation fill with a confidence, the status we give that organisation
  (a responsibility claim by it -> CLAIMED OR ADMITTED; an allegation against it -> SUSPECTED OR ACCUSED,
  BY AUTHORITIES when the accuser is a state organ; otherwise REPORTED AS FACT when a violent event has it as
  actor1). No such event and no claim: abstention, wrong.
- killed: required templates are matched one-to-one to violent events by agreement on incident type,
  perpetrator and location (ties: nearer position in the document); the event's fatalities minus its killed
  attackers (MUC counts human targets, not perpetrators) must equal the template's ``killed``, or the value
  with optional fills listed in template_notes.md. A template left without an event is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records import Claim, ClaimKind, Event, Extraction, Stance
from ..taxonomy import BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS
from .common import (
    ErrorLog,
    GoldRow,
    PRCounts,
    Tally,
    event_summary,
    field,
    greedy_assign,
    is_unidentified,
    names_match,
    normalize_name,
    read_rows,
    set_metric,
)
from .suite import Suite, Unit

METRICS = ("relevance_f1", "perpetrator_org_f1", "claim_status_accuracy", "killed_exact")

VIOLENT_EVENT_TYPES = frozenset({BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS})
VIOLENT_SUB_EVENT_TYPES = frozenset({"Looting/property destruction"})  # arson in MUC's terms
INCIDENT_TYPE_OF_SUB_EVENT = {  # suite README, incident-type mapping
    "Attack": "ATTACK",
    "Armed clash": "ATTACK",
    "Remote explosive/landmine/IED": "BOMBING",
    "Suicide bomb": "BOMBING",
    "Grenade": "BOMBING",
    "Abduction/forced disappearance": "KIDNAPPING",
    "Looting/property destruction": "ARSON",
}
CLAIMED = "CLAIMED OR ADMITTED"
REPORTED = "REPORTED AS FACT"
SUSPECTED = "SUSPECTED OR ACCUSED"
SUSPECTED_BY_AUTHORITIES = "SUSPECTED OR ACCUSED BY AUTHORITIES"
# State organs as ACLED-style canonical names write them ("Military Forces of El Salvador", "Government of
# Peru", "Police Forces of Colombia") or as reporters do ("the army", "the defense ministry").
AUTHORITY_RE = re.compile(
    r"^(military|police) forces of|^government of|"
    r"\b(armed forces|army|police|ministry|authorities|government)\b"
)
DATELINE_RE = re.compile(r"\b(\d{1,2}) (JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]* (\d{2})\b", re.I)
DATELINE_CHARS = 200  # the dateline is the document's first line
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
NOTES_FILE_GLOB = "template_notes*.md"
TEMPLATE_REF_RE = re.compile(r"^- (\S+)#(\d+)\b(.*)$")
OPTIONAL_FILL_KILLED_RE = re.compile(r"^\s*killed (\d+) \(with optional fills: (\d+)\)")
ALIGN_FEATURES = 3  # incident type, perpetrator, location: the agreement score of a template-event pair


@dataclass(frozen=True)
class Fill:
    """One slot fill: its ` / ` alternatives, and whether the key marks it optional (``? ``)."""

    alternatives: tuple[str, ...]
    optional: bool

    @classmethod
    def parse(cls, text: str) -> Fill:
        optional = text.startswith("?")
        body = text.lstrip("?").strip()
        return cls(tuple(a.strip() for a in body.split(" / ") if a.strip()), optional)


@dataclass(frozen=True)
class Template:
    index: int  # 1-based within the document's templates
    incident_types: tuple[str, ...]
    incident_location: str | None
    perp_organizations: tuple[Fill, ...]
    perp_confidence: tuple[tuple[str, ...], ...]  # aligned with perp_organizations; () when not given
    killed: int | None
    killed_accepted: frozenset[int]  # killed, plus the value with optional fills where the notes list one
    optional: bool  # an (OPTIONAL) template: missing it is not a recall error


@dataclass(frozen=True)
class MucGold:
    id: str
    text: str
    relevant: bool
    templates: tuple[Template, ...]
    dateline: dt.date | None


@dataclass(frozen=True)
class TemplateNotes:
    optional: frozenset[tuple[str, int]]
    killed_with_optional_fills: dict[tuple[str, int], int]


def read_template_notes(data_dir: Path) -> TemplateNotes:
    """The (OPTIONAL) templates and optional-fill killed values from the suite's template_notes.md."""
    optional: set[tuple[str, int]] = set()
    killed_alt: dict[tuple[str, int], int] = {}
    for path in sorted(data_dir.glob(NOTES_FILE_GLOB)):
        section = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                section = line[3:].lower()
                continue
            match = TEMPLATE_REF_RE.match(line)
            if not match:
                continue
            ref = (match.group(1), int(match.group(2)))
            if section.startswith("templates marked (optional)"):
                optional.add(ref)
            elif section.startswith("optional fills change"):
                killed = OPTIONAL_FILL_KILLED_RE.match(match.group(3))
                if killed:
                    killed_alt[ref] = int(killed.group(2))
    return TemplateNotes(frozenset(optional), killed_alt)


def parse_dateline(text: str) -> dt.date | None:
    match = DATELINE_RE.search(text[:DATELINE_CHARS])
    if not match:
        return None
    day, month, year = int(match.group(1)), MONTHS.index(match.group(2)[:3].upper()) + 1, int(match.group(3))
    try:
        return dt.date(1900 + year, month, day)
    except ValueError:
        return None


def _template(row: GoldRow, doc_id: str, index: int, data: dict[str, Any], notes: TemplateNotes) -> Template:
    ref = (doc_id, index)
    killed = data.get("killed")
    if killed is not None and (not isinstance(killed, int) or isinstance(killed, bool)):
        from ..errors import EvaluationError

        raise EvaluationError(f"{row.origin}: template {index} killed should be an int or null, got {killed!r}.")
    accepted = {killed} if killed is not None else set()
    if killed is not None and ref in notes.killed_with_optional_fills:
        accepted.add(notes.killed_with_optional_fills[ref])
    confidences = [str(c) for c in data.get("perp_confidence") or []]
    return Template(
        index=index,
        incident_types=tuple(t.strip() for t in str(data.get("incident_type") or "").split(" / ") if t.strip()),
        incident_location=data.get("incident_location"),
        perp_organizations=tuple(Fill.parse(str(o)) for o in data.get("perp_organizations") or []),
        perp_confidence=tuple(Fill.parse(c).alternatives for c in confidences),
        killed=killed,
        killed_accepted=frozenset(accepted),
        optional=ref in notes.optional,
    )


def load(data_dir: Path) -> list[Unit[MucGold]]:
    notes = read_template_notes(data_dir)
    units: list[Unit[MucGold]] = []
    for row in read_rows(data_dir):
        doc_id = field(row, "id", str)
        text = field(row, "text", str)
        templates = tuple(
            _template(row, doc_id, i, t, notes) for i, t in enumerate(field(row, "templates", list), start=1)
        )
        gold = MucGold(doc_id, text, bool(field(row, "relevant", bool)), templates, parse_dateline(text))
        units.append(Unit((gold,), doc_id, text, gold.dateline))
    return units


# ---------------------------------------------------------------------------------------------- our side


def violent_events(extraction: Extraction) -> list[Event]:
    return [
        e for e in extraction.events
        if e.event_type in VIOLENT_EVENT_TYPES or e.sub_event_type in VIOLENT_SUB_EVENT_TYPES
    ]  # fmt: skip


def perpetrator_predictions(events: Iterable[Event]) -> list[tuple[str, ...]]:
    """One prediction per violent event with a known actor1: its canonical name and its words as written."""
    return [
        (e.actor1.name, e.actor1.mention) for e in events if e.actor1 is not None and not is_unidentified(e.actor1.name)
    ]


def fill_matches(prediction: Sequence[str], fill: Fill) -> bool:
    return any(names_match(p, alt) for p in prediction for alt in fill.alternatives)


def max_matching(
    predictions: Sequence[Sequence[str]], fills: Sequence[Fill], already: dict[int, int] | None = None
) -> dict[int, int]:
    """Maximum one-to-one matching fill index -> prediction index (Kuhn's augmenting paths).

    ``already`` is a matching to extend: fills matched there stay matched (possibly to another prediction).
    """
    match_of_pred: dict[int, int] = {p: f for f, p in (already or {}).items()}

    def augment(f: int, seen: set[int]) -> bool:
        for p, prediction in enumerate(predictions):
            if p in seen or not fill_matches(prediction, fills[f]):
                continue
            seen.add(p)
            if p not in match_of_pred or augment(match_of_pred[p], seen):
                match_of_pred[p] = f
                return True
        return False

    for f in range(len(fills)):
        if f not in (already or {}):
            augment(f, set())
    return {f: p for p, f in match_of_pred.items()}


def perpetrator_counts(predictions: Sequence[Sequence[str]], templates: Sequence[Template]) -> PRCounts:
    """Template-level perpetrator-organisation counts for one document (see the module docstring)."""
    required: list[Fill] = []
    optional: list[Fill] = []
    for template in templates:
        for fill in template.perp_organizations:
            (optional if fill.optional or template.optional else required).append(fill)
    fills = [*required, *optional]
    matched_required = max_matching(predictions, required)
    matched_all = max_matching(predictions, fills, matched_required)
    n_required_matched = sum(1 for f in matched_all if f < len(required))
    return PRCounts(len(matched_all), len(predictions), n_required_matched, len(required))


def all_claims(extraction: Extraction) -> list[Claim]:
    return [*extraction.claims, *(c for e in extraction.events for c in e.claims)]


def _mentions(fill: Fill, text: str) -> bool:
    folded = f" {normalize_name(text)} "
    return any(f" {normalize_name(alt)} " in folded for alt in fill.alternatives if normalize_name(alt))


def claim_status(extraction: Extraction, events: Sequence[Event], fill: Fill) -> str | None:
    """The status we give the organisation of ``fill``; None when we say nothing about it."""
    claims = all_claims(extraction)
    for claim in claims:
        if (
            claim.kind is ClaimKind.RESPONSIBILITY
            and claim.stance is Stance.CLAIMED
            and claim.claimant_org
            and fill_matches((claim.claimant_org,), fill)
        ):
            return CLAIMED
    for claim in claims:
        accused = claim.kind is ClaimKind.ALLEGATION or claim.stance is Stance.ALLEGED
        if accused and claim.quote and _mentions(fill, claim.quote):
            accuser = normalize_name(claim.claimant_org or claim.claimant_person or "")
            return SUSPECTED_BY_AUTHORITIES if AUTHORITY_RE.search(accuser) else SUSPECTED
    if any(e.actor1 is not None and fill_matches((e.actor1.name, e.actor1.mention), fill) for e in events):
        return REPORTED
    return None


def predicted_killed(event: Event) -> int:
    """Fatalities minus killed attackers: MUC counts human targets, not perpetrators."""
    return max(0, event.toll.fatalities - (event.toll.killed.attackers or 0))


def _location_parts(location: str | None) -> set[str]:
    if not location:
        return set()
    parts = re.split(r"[:/]", re.sub(r"\([^)]*\)", " ", location))
    return {normalize_name(p) for p in parts if normalize_name(p)}


def alignment_score(template: Template, event: Event) -> int:
    """How many of incident type, perpetrator and location a template and an event agree on (0-3)."""
    score = int(INCIDENT_TYPE_OF_SUB_EVENT.get(event.sub_event_type) in template.incident_types)
    if event.actor1 is not None and any(
        fill_matches((event.actor1.name, event.actor1.mention), f) for f in template.perp_organizations
    ):
        score += 1
    place = event.place
    if place is not None:
        names = {normalize_name(n) for n in (place.name, place.mention, place.admin1, place.admin2, place.country) if n}
        score += int(bool(names & _location_parts(template.incident_location)))
    return score


def align_templates(templates: Sequence[Template], events: Sequence[Event]) -> dict[int, int]:
    """Template position -> event position, one-to-one (module docstring)."""
    costs: list[list[float | None]] = [
        [float((ALIGN_FEATURES - alignment_score(t, e)) * 1000 + abs(ti - ei)) for ei, e in enumerate(events)]
        for ti, t in enumerate(templates)
    ]
    return greedy_assign(costs)


def score(pairs: Sequence[tuple[Unit[Any], Extraction]], log: ErrorLog) -> dict[str, float]:
    relevance = PRCounts()
    perpetrators = PRCounts()
    status = Tally()
    killed = Tally()
    for unit, extraction in pairs:
        gold: MucGold = unit.golds[0]
        events = violent_events(extraction)
        predicted_relevant = bool(events)
        relevance = relevance + PRCounts(
            int(predicted_relevant and gold.relevant),
            int(predicted_relevant),
            int(predicted_relevant and gold.relevant),
            int(gold.relevant),
        )
        if predicted_relevant != gold.relevant:
            log.mismatch(
                gold.id,
                "relevance_f1",
                gold.relevant,
                predicted_relevant,
                [event_summary(e) for e in extraction.events],
                problem=extraction.problem.reason if extraction.problem else None,
            )
        predictions = perpetrator_predictions(events)
        counts = perpetrator_counts(predictions, gold.templates)
        perpetrators = perpetrators + counts
        if counts.matched_pred < counts.n_pred or counts.matched_gold < counts.n_gold:
            log.mismatch(
                gold.id,
                "perpetrator_org_f1",
                [list(f.alternatives) for t in gold.templates for f in t.perp_organizations],
                [list(p) for p in predictions],
                None,
            )
        required = [t for t in gold.templates if not t.optional]
        for template in required:
            for fill, confidence in zip(template.perp_organizations, template.perp_confidence, strict=False):
                if fill.optional or not confidence:
                    continue
                predicted = claim_status(extraction, events, fill)
                ok = predicted in confidence
                status = status.add(ok)
                if not ok:
                    log.mismatch(
                        gold.id,
                        "claim_status_accuracy",
                        {
                            "org": list(fill.alternatives),
                            "status": list(confidence),
                            "template": template.index,
                        },
                        predicted,
                        None,
                    )
        alignment = align_templates(required, events)
        for position, template in enumerate(required):
            if template.killed is None:
                continue
            event = events[alignment[position]] if position in alignment else None
            value = predicted_killed(event) if event else None
            ok = value in template.killed_accepted
            killed = killed.add(ok)
            if not ok:
                log.mismatch(
                    gold.id,
                    "killed_exact",
                    {"killed": sorted(template.killed_accepted), "template": template.index},
                    value,
                    event_summary(event),
                )
    metrics: dict[str, float] = {}
    set_metric(metrics, "relevance_f1", relevance.f1)
    set_metric(metrics, "perpetrator_org_f1", perpetrators.f1)
    set_metric(metrics, "claim_status_accuracy", status.value)
    set_metric(metrics, "killed_exact", killed.value)
    return metrics


SUITE = Suite(
    name="muc4",
    metrics=METRICS,
    load=load,
    score=score,
    reference_date="the dateline's date (the document's first line, part of the input text)",
)
