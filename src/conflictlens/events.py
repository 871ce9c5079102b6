"""The events stage: detect event mentions, type them, split an article into events, attach the rest.

An *event* is one distinct action, place and day. The stage works sentence by sentence:

1. a sentence whose words name an action of ACLED's taxonomy (the trigger lexicon below) is a candidate;
   sentences that speak of history, of the future, of appeals or of accusations are not;
2. the candidate takes the places, actors, figures, dates and durations found in its sentence by the earlier
   stages; a candidate that only adds a toll ("they killed 68 soldiers") to the event of the sentence before
   it in the same paragraph is folded into that event;
3. one action in a coordinated list of places ("on the A (X), B (Y) and C frontlines") is one candidate per
   place, the clause's toll divided among them; candidates of the same event type, place and day merge; a
   place-less figure that restates the sum of the events' figures ("over 130 soldiers were killed") is a
   document-level total claim, not an event;
4. each event gets its actors (actor1 the perpetrator, actor2 the target), its toll with the weakest stance
   of the claims behind it, UCDP's type of violence and a neutral one-line note.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import TypeVar

from . import taxonomy as tx
from .figures import total_by_category
from .places import at_seat, in_named_part
from .records import (
    Actor,
    Category,
    Claim,
    Event,
    EventTime,
    Evidence,
    Place,
    Side,
    SideCounts,
    Span,
    Stance,
    Toll,
)

T = TypeVar("T")

# --- trigger lexicon ---------------------------------------------------------------------------------
TRIGGERS_FILE = "event_triggers.tsv"


@functools.lru_cache(maxsize=1)
def load_triggers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The trigger lexicon (data/event_triggers.tsv): (sub-event type, pattern) rows in priority order."""
    text = (resources.files("conflictlens") / "data" / TRIGGERS_FILE).read_text(encoding="utf-8")
    rows: list[tuple[str, re.Pattern[str]]] = []
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for n, line in enumerate(lines[1:], start=2):
        sub, _, pattern = line.partition("\t")
        if sub not in tx.EVENT_TYPE_OF or not pattern:
            raise ValueError(f"{TRIGGERS_FILE} row {n}: {sub!r} is not an ACLED sub-event type or has no pattern")
        rows.append((sub, re.compile(pattern, re.IGNORECASE)))
    return tuple(rows)


def _specificity() -> dict[str, int]:
    """Lower is more specific: a sub-event type's first row in the lexicon."""
    order: dict[str, int] = {}
    for n, (sub, _) in enumerate(load_triggers()):
        order.setdefault(sub, n)
    return order


# A sentence that is about the future, an appeal, a warning or a threat reports no event.
NOT_AN_EVENT_RE = re.compile(
    r"\b(?:will|would|shall|could|might|plan(?:s|ned)? to|threaten\w* to|vow\w* to|pledg\w*|appeal\w*|"
    r"urg(?:ed|es)|called (?:on|for)|warn\w*|anniversary|videos?|footage|policy|intends? to|aim(?:s|ed)? to|"
    r"in order to|prepar\w+)\b",
    re.IGNORECASE,
)
# Words of a sentence that makes a killing into an armed clash rather than violence against civilians.
ARMED_TARGET_RE = re.compile(
    r"\b(?:soldiers?|troops|army|military|security (?:forces|personnel)|police\w*|personnel|camp|checkpoints?|"
    r"post|base|convoy|patrol|jawans|paramilitar\w+|levies|forces|militants?|insurgents?|rebels?|fighters?|"
    r"guerrillas?|maoists?|naxal\w*|terrorists?|gunmen|attackers?|cadres?|officers?|constables?|commandos?)\b",
    re.IGNORECASE,
)
CIVILIAN_TARGET_RE = re.compile(
    r"\b(?:civilians?|villagers?|passengers?|residents?|people|children|women|farmers?|students?|teachers?|"
    r"worshippers?|shopkeepers?|traders?|workers?|journalists?|man|woman|boy|girl|family|families|"
    r"individuals|tribesmen|pilgrims?|doctors?|nurses?|labou?rers?|civilian vehicles?|bus(?:es)?|"
    r"houses?|homes?|market)\b",
    re.IGNORECASE,
)
NEAR_RE = re.compile(
    r"\b(?:near|outskirts of|close to|vicinity of|km (?:from|north|south|east|west)|area of|"
    r"areas? of|on the road)\b",
    re.IGNORECASE,
)
TOTAL_RE = re.compile(r"\b(?:total|in all|overall|altogether|combined|toll rose|bringing the)\b", re.IGNORECASE)

KILL_ONLY_TYPES = frozenset({"Armed clash"})
# A summary figure is a total when it reaches this share of the events' figures it restates (a total is often
# rounded down: "over 130" for 68 + 62 + 7); 0.9 keeps totals and never swallowed an event in the sample set.
TOTAL_COVERAGE = 0.9
# ... and at most this much above it: a much larger figure is a competing claim, not a sum ("15 killed" said by
# the attackers against the police's 4 + 2).
TOTAL_EXCESS = 1.15
GENERIC_KILL_RE = re.compile(r"\b(?:killed|killing|kills|dead|died|martyr\w*|shot dead|gunned down)\b", re.I)


@dataclass(frozen=True)
class DateFact:
    """What the events stage needs of a date mention (built from the time stage's output)."""

    span: Span
    time: EventTime | None
    historical: bool


@dataclass(frozen=True)
class DurationFact:
    span: Span
    hours: float


@dataclass(frozen=True)
class StageOutputs:
    """Everything the earlier stages found in one document."""

    doc_id: str
    text: str
    sentences: tuple[Span, ...]
    paragraph_starts: tuple[int, ...]  # character offsets where paragraphs start
    places: tuple[Place, ...]
    actors: tuple[Actor, ...]
    figure_claims: tuple[Claim, ...]
    dates: tuple[DateFact, ...]
    durations: tuple[DurationFact, ...]
    published_time: EventTime | None = None
    main_country: str | None = None


@dataclass
class _Candidate:
    sub_event_type: str
    trigger: Span
    sentence: int
    places: list[Place] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    time: EventTime | None = None
    duration: DurationFact | None = None
    own_place: bool = True
    reasons: list[str] = field(default_factory=list)
    more_triggers: list[Span] = field(default_factory=list)  # triggers of merged mentions
    clause_text: str = ""
    clause_start: int = 0
    main_country: str | None = None  # the document's main country (places.country_context)
    # a list item whose reading an earlier item of its list shares ("Bab Ghaliq (Qaatabah, ...), and Jabal Murays
    # (Qaatabah, ...)"): its name keeps it a place, and an event, of its own
    listed_as: str | None = None


def build_events(so: StageOutputs) -> tuple[list[Event], list[Claim]]:
    """The events of one document, and the document-level figure claims that belong to no single event."""
    in_sentence = _Index(so)
    candidates: list[_Candidate] = []
    history_sentences = {in_sentence.of(d.span.start) for d in so.dates if d.historical}
    for i, sent in enumerate(so.sentences):
        candidates.extend(_candidates_for_sentence(i, sent, so, in_sentence, history_sentences))
    candidates = _without_bodies_of_reported_violence(candidates, so)
    candidates = _fold_continuations(candidates, so)
    _upgrade_violent_crowds(candidates, so)
    candidates = _fold_into_unit_events(candidates)
    candidates = [one for c in candidates for one in _split_by_listed_places(c)]
    default_place = _default_place(so.places)
    default_time = _default_time(so)
    for c in candidates:
        _fill_defaults(c, default_place, default_time)
    candidates, totals = _split_off_totals(candidates)
    candidates = _merge_same_happening(candidates)
    leftover = [
        c
        for c in so.figure_claims
        if in_sentence.of(c.evidence.spans[0].start) not in history_sentences
        and not any(c in cand.claims for cand in candidates)
        and all(c.evidence.spans[0] != t.evidence.spans[0] for t in totals)
    ]
    events = [_to_event(n, c, so) for n, c in enumerate(candidates)]
    return events, totals + leftover


class _Index:
    """Maps character offsets to sentence numbers, and collects each stage's findings per sentence."""

    def __init__(self, so: StageOutputs) -> None:
        self.starts = [s.start for s in so.sentences]
        self.main_country = so.main_country
        self.places = self._group([p for p in so.places if p.located], lambda p: p.evidence.spans[0].start)
        self.actors = self._group(so.actors, lambda a: a.evidence.spans[0].start)
        self.claims = self._group(so.figure_claims, lambda c: c.evidence.spans[0].start)
        self.dates = self._group(so.dates, lambda d: d.span.start)
        self.durations = self._group(so.durations, lambda d: d.span.start)

    def of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def _group(self, items: Iterable[T], key: Callable[[T], int]) -> dict[int, list[T]]:
        grouped: dict[int, list[T]] = {}
        for item in items:
            grouped.setdefault(self.of(key(item)), []).append(item)
        return grouped


CLAUSE_BREAK_RE = re.compile(r",?\s+(?:while|whereas)\s+|;\s+|,\s+but\s+(?=\w+\s+\w+\s+(?:was|were|had|has)\b)")


def _clauses(sent: Span) -> list[Span]:
    """A sentence split where a new clause reports another happening ("..., while one fighter was killed in Bolan")."""
    out: list[Span] = []
    start = 0
    for m in CLAUSE_BREAK_RE.finditer(sent.text):
        out.append(Span(sent.start + start, sent.start + m.start(), sent.text[start : m.start()]))
        start = m.end()
    out.append(Span(sent.start + start, sent.end, sent.text[start:]))
    return [c for c in out if c.text.strip()]


def _candidates_for_sentence(i: int, sent: Span, so: StageOutputs, idx: _Index, history: set[int]) -> list[_Candidate]:
    if i in history and not any(not d.historical for d in idx.dates.get(i, [])):
        return []
    if _is_accusation(sent.text) or _is_inside_quote_only(sent):
        return []
    found = []
    for clause in _clauses(sent):
        candidate = _candidate_for_clause(i, clause, sent, idx)
        if candidate is not None and not _is_not_political(candidate, sent.text):
            found.append(candidate)
    return found


def _within(span_start: int, clause: Span) -> bool:
    return clause.start <= span_start < clause.end


def _candidate_for_clause(i: int, clause: Span, sent: Span, idx: _Index) -> _Candidate | None:
    match = _first_trigger(clause.text)
    if match is None:
        return None
    sub, m = match
    if _is_not_an_event(clause.text, m):
        return None
    actors = [a for a in idx.actors.get(i, []) if _within(a.evidence.spans[0].start, clause)]
    if _is_handout_without_armed_group(sub, m.group(0), actors):
        return None
    trigger = Span(clause.start + m.start(), clause.start + m.end(), m.group(0))
    sub = _refine(sub, sent.text)
    dates = [d for d in idx.dates.get(i, []) if not d.historical and d.time is not None]
    candidate = _Candidate(
        sub_event_type=sub,
        trigger=trigger,
        sentence=i,
        places=_without_origins(
            [p for p in idx.places.get(i, []) if _within(p.evidence.spans[0].start, clause)], clause
        ),
        actors=actors,
        claims=[c for c in idx.claims.get(i, []) if _within(c.evidence.spans[0].start, clause)],
        time=dates[0].time if dates else None,
        duration=next(iter(idx.durations.get(i, [])), None),
        reasons=[f"'{m.group(0)}' in sentence {i + 1} -> {sub}"],
        clause_text=clause.text,
        clause_start=clause.start,
        main_country=idx.main_country,
    )
    candidate.own_place = bool(candidate.places)
    return candidate


# Handing out food or aid (a trigger row of its own) is an event only when an armed non-state group does it:
# ACLED codes cartels' and gangs' food handouts as a change to the group's activity (9 acled dev notes, all of
# them such handouts); a charity's, a government's or a protest's demand for them is no event.
HANDOUT_RE = re.compile(r"\b(?:food|groceries|boxes|packages|pantries|supplies|aid)$", re.IGNORECASE)


def _is_handout_without_armed_group(sub: str, trigger: str, actors: Sequence[Actor]) -> bool:
    return (
        sub == "Change to group/activity"
        and HANDOUT_RE.search(trigger) is not None
        and not any(a.inter in NON_STATE_ARMED for a in actors)
    )


# "from X" before a place: where people or goods came from ("citizens who had come from Lima", "the body's
# arrival from Istanbul"), not where the clause's action happened; "from X to Y" is a route, and the event's.
ORIGIN_BEFORE_RE = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
ROUTE_AFTER_RE = re.compile(r"^\s+to\s", re.IGNORECASE)
CONTAINER_AFTER_RE = re.compile(r"^\s*[,(]\s*$")  # "from Redeyef (Gafsa)": the bracket is an origin too
# "arrested two cadres from Jhatira village", "recovered arms from X": taken from a place is done there (South
# Asian English usage; reading these as origins lost 15 satp rows within 25 km).
TAKEN_FROM_RE = re.compile(
    r"\b(?:arrest|apprehend|nab|detain|abduct|kidnap|rescu|recover|seiz|confiscat|pick(?:ed)? up|round(?:ed)? up|"
    r"evacuat|loot|stole|snatch)\w*\b[^.]{0,200}\bfrom\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "15 kilometres from Midnapore": a distance from a place locates the event by it.
DISTANCE_FROM_RE = re.compile(r"\b(?:kms?|kilomet(?:er|re)s?|miles?)\s+from\s+(?:the\s+)?$", re.IGNORECASE)


def _without_origins(places: list[Place], clause: Span) -> list[Place]:
    """The clause's places less those written as an origin ("from X", and its containers), unless only
    origins are named."""
    here: list[Place] = []
    previous_end, previous_origin = -1, False
    for place in places:
        start, end = place.evidence.spans[0].start - clause.start, place.evidence.spans[0].end - clause.start
        origin = _is_origin(clause.text[:start], clause.text[end:]) or (
            previous_origin and CONTAINER_AFTER_RE.match(clause.text[previous_end:start]) is not None
        )
        if not origin:
            here.append(place)
        previous_end, previous_origin = end, origin
    return here or places


def _is_origin(before: str, after: str) -> bool:
    """ "goods from Turkey", "fighters from Deir-ez-Zor"; not "from Beirut to Tripoli", "arrested from X", "5 km
    from X"."""
    return (
        ORIGIN_BEFORE_RE.search(before) is not None
        and TAKEN_FROM_RE.search(before) is None
        and DISTANCE_FROM_RE.search(before) is None
        and ROUTE_AFTER_RE.match(after) is None
    )


def _first_trigger(text: str) -> tuple[str, re.Match[str]] | None:
    for sub, pattern in load_triggers():
        m = pattern.search(text)
        if m is not None:
            return sub, m
    return None


def _is_not_an_event(text: str, trigger: re.Match[str]) -> bool:
    """Future, appeal, threat or media words before the trigger in the same clause ("threatened to burn him"
    after "beat him" does not undo the beating)."""
    window = text[max(0, trigger.start() - 80) : trigger.end()]
    return NOT_AN_EVENT_RE.search(window) is not None and not re.search(
        r"\b(?:killed|died|dead|injured|wounded|arrested|detained|abducted)\b", text, re.I
    )


# "accused the army of": someone accuses someone. Not "accused of" ("civilians accused of spying", "a minister
# who was accused of fraud"), which describes a person in a sentence that may well report an event.
ACCUSATION_RE = re.compile(
    r"\b(?:accus(?:ed|es|ing)|blam(?:ed|es|ing))\s+(?!(?:of|for)\b)(?:\w+\W+){1,10}?(?:of|for)\b", re.IGNORECASE
)


PARTICIPLE_ACCUSATIONS = ("accusing", "blaming")


# Deaths and blasts that are not political violence: disasters, accidents, weapons tests and sanctions.
NON_POLITICAL_RE = re.compile(
    r"\b(?:earthquakes?|quakes?|tsunamis?|floods?|flooding|flash floods|landslides?|mudslides?|cyclones?|"
    r"hurricanes?|typhoons?|tornado\w*|storms?|volcan\w+|eruptions?|wildfires?|bushfires?|avalanches?|"
    r"heatwave|(?:gas|chemical|toxic) leaks?|leak(?:ed)?|boilers?|tankers? (?:exploded|caught fire)|"
    r"(?:factory|plant|mine|warehouse|refinery|pipeline) (?:explosion|blast|fire)|fire broke out|caught fire|"
    r"collaps\w+|(?:car|bus|train|plane|road|air) (?:crash|accident)|crash(?:ed)?|derail\w*|accidents?|"
    r"stampede|drown\w*|ammonium nitrate|poison(?:ing|ed)|spurious liquor|toxins?|sanctions?|"
    r"(?:missile|nuclear|weapons?) tests?|test[- ]fir\w+|"
    r"launch(?:ed|es)? (?:a |an )?(?:\w+ )?(?:missile|rocket|satellite)|"
    # deaths from disease: "eight people died of the yet unidentified disease", "symptoms exhibited by the dead"
    r"(?:died|dead|deaths?) (?:of|from) (?:[\w-]+ ){0,4}(?:diseases?|illness\w*|infections?|virus|bacteri\w+|"
    r"fever|cholera|malaria|measles|ebola|meningitis|dengue|covid\S*|coronavirus)|"
    r"symptoms (?:[\w-]+ ){0,3}(?:the )?(?:dead|deceased|victims))\b",
    re.IGNORECASE,
)
NON_POLITICAL_TYPES = frozenset(
    {
        "Armed clash",
        "Attack",
        "Remote explosive/landmine/IED",
        "Shelling/artillery/missile attack",
        "Chemical weapon",
        "Grenade",
        "Abduction/forced disappearance",
    }
)


def _is_not_political(candidate: _Candidate, sentence: str) -> bool:
    """A disaster, accident, weapons test or sanction with no armed actor named is not political violence."""
    if candidate.sub_event_type not in NON_POLITICAL_TYPES or not NON_POLITICAL_RE.search(sentence):
        return False
    return not any(a.inter in NON_STATE_ARMED for a in candidate.actors)


def _is_accusation(text: str) -> bool:
    """ "The BLA accused the army of ...": an accusation, not a report (not "activists accused of X"). An act
    reported before a participle accusation gives its motive and stands ("threw stones at a nurse, accusing her
    of ..."); a finite one is the sentence's own verb ("leaders of the city where the bombing took place accused
    the police of ...")."""
    m = ACCUSATION_RE.search(text)
    if m is None:
        return False
    return not m.group(0).lower().startswith(PARTICIPLE_ACCUSATIONS) or _first_trigger(text[: m.start()]) is None


def _is_inside_quote_only(sent: Span) -> bool:
    """Speeches of appeal and ideology in quotes carry no event unless they count casualties."""
    stripped = sent.text.strip()
    return bool(stripped) and stripped[0] in '“"' and not GENERIC_KILL_RE.search(stripped)


CLASH_RE = re.compile(
    r"\b(?:clash\w*|exchang\w+ (?:of )?(?:fire|artillery|gunfire)|gun ?fights?|fire ?fights?|fighting|fought|"
    r"skirmish\w*|responded to (?:[\w'-]+ ){0,3}fire)\b",
    re.IGNORECASE,
)


# Direct fire that makes shelling a clash. Heavy machine guns are not in it: ACLED codes them with the heavy
# weapons (on the acled dev notes, heavy machine guns without small arms were shelling 59 times, a clash 37 times,
# mostly where the note adds small arms or fire "in both directions of the frontline", 74 of 74 a clash).
# Sniper and recoilless rifles are not small arms: they go with the heavy weapons ("fired RPGs and B-10 recoilless
# rifles at residential areas" is shelling on the acled dev notes, 2 of 2).
DIRECT_FIRE_RE = re.compile(
    r"\b(?:small arms|(?<!sniper )(?<!recoilless )rifles?|automatic weapons|gunfire|"
    r"in both directions of the front\w*)\b",
    re.I,
)
GENERIC_VIOLENCE_RE = re.compile(
    r"\b(?:attack\w*|killed|killing|kills|dead|died|opened fire|shot (?:at|dead)|gunned down|raid\w*|assault\w*|"
    r"stormed)\b",
    re.IGNORECASE,
)


def _refine(sub: str, text: str) -> str:
    """Armed clash vs attack on civilians; shelling exchanged between two sides is a clash."""
    if sub == "Shelling/artillery/missile attack" and (CLASH_RE.search(text) or DIRECT_FIRE_RE.search(text)):
        return "Armed clash"  # ACLED: shelling exchanged, or mixed with direct fire, is a clash
    if (
        sub == "Armed clash"
        and GENERIC_VIOLENCE_RE.search(text)
        and not ARMED_TARGET_RE.search(text)
        and CIVILIAN_TARGET_RE.search(text)
    ):
        return "Attack"
    return sub


POLICE_VIOLENCE_RE = re.compile(
    r"\b(?:police|security forces|troops|soldiers)\b[^.]{0,40}\b(?:clash\w*|fired|beat)", re.I
)
PEACEFUL_CROWD = frozenset({"Peaceful protest", "Protest with intervention"})
# What a crowd does that makes its protest violent. Burning mattresses or property and attacking (active voice
# only: "were attacked" is done to the crowd) were added together: 7 acled dev notes turned into violent
# demonstrations, none wrongly.
CROWD_VIOLENCE_RE = re.compile(
    r"\b(?:threw (?:rocks|stones|bottles|objects)|hurled (?:rocks|stones)|pelted|"
    r"set (?:\w+ )?(?:on fire|ablaze|alight)|"
    r"set fire|torched|vandali[sz]\w*|scuffles?|clash\w*|smashed|damaged|stoned|with (?:stones|rocks)|"
    r"(?:burn\w*|lit|light\w*) (?:\w+ ){0,2}(?:tires|tyres)|(?:tires|tyres) (?:were|was) (?:burned|burnt|set|lit)|"
    r"setting fire|on fire|burn(?:ed|t|ing) (?:\w+ ){0,2}(?:mattresses|material|objects|debris|property)|"
    r"(?:were|was) (?:burned|burnt)|(?<!were )(?<!was )(?<!been )attacked)\b",
    re.IGNORECASE,
)


def _upgrade_violent_crowds(candidates: list[_Candidate], so: StageOutputs) -> None:
    """A protest whose crowd turns to violence in the same or the next sentence ("They threw rocks at buses")
    is a violent demonstration."""
    for c in candidates:
        if c.sub_event_type not in PEACEFUL_CROWD:
            continue
        for n in (c.sentence, c.sentence + 1):
            if n >= len(so.sentences) or not _same_paragraph(so, c.trigger.start, so.sentences[n].start):
                continue
            if CROWD_VIOLENCE_RE.search(so.sentences[n].text) and not POLICE_VIOLENCE_RE.search(so.sentences[n].text):
                c.reasons.append(f"the crowd turns violent in sentence {n + 1} -> Violent demonstration")
                c.sub_event_type = "Violent demonstration"
                break


# The found-body trigger row ("the body of a vendor was found", "The body was burned"): on its own it reports an
# attack, but after an event reported earlier in the paragraph it is that event's victim ("... was killed by
# Maoists. His body was found on the road"); as an event of its own it counted the victim twice (3 satp rows).
FOUND_BODY_RE = re.compile(r"\b(?:body|bodies|corpses?)\b", re.IGNORECASE)
FOUND_BODY_TYPE = "Attack"


def _without_bodies_of_reported_violence(candidates: list[_Candidate], so: StageOutputs) -> list[_Candidate]:
    """Found-body candidates that follow another event of the same paragraph are left out."""
    out: list[_Candidate] = []
    for c in candidates:
        found_body = c.sub_event_type == FOUND_BODY_TYPE and FOUND_BODY_RE.search(c.trigger.text) is not None
        if found_body and any(_same_paragraph(so, prev.trigger.start, c.trigger.start) for prev in out):
            continue
        out.append(c)
    return out


def _fold_continuations(candidates: list[_Candidate], so: StageOutputs) -> list[_Candidate]:
    """A sentence with no place of its own that follows an event's sentence in the same paragraph, and either
    only adds a toll ("they killed 68 soldiers") or reports the same kind of event ("Police dispersed the
    protesters"), continues that event; the more specific sub-event type of the two is kept."""
    out: list[_Candidate] = []
    for c in candidates:
        prev = out[-1] if out else None
        if (
            prev is not None
            and c.sentence in (prev.sentence, prev.sentence + 1)
            and not c.own_place
            and (
                c.sub_event_type in KILL_ONLY_TYPES
                or tx.event_type_of(c.sub_event_type) == tx.event_type_of(prev.sub_event_type)
            )
            and _same_paragraph(so, prev.trigger.start, c.trigger.start)
            and not TOTAL_RE.search(so.sentences[c.sentence].text)
        ):
            if (
                tx.event_type_of(c.sub_event_type) == tx.event_type_of(prev.sub_event_type)
                and _specificity()[c.sub_event_type] < _specificity()[prev.sub_event_type]
            ):
                prev.reasons.append(f"{c.sub_event_type} from sentence {c.sentence + 1}")
                prev.sub_event_type = c.sub_event_type
            prev.claims.extend(x for x in c.claims if x not in prev.claims)
            prev.actors.extend(a for a in c.actors if a not in prev.actors)
            prev.duration = prev.duration or c.duration
            prev.time = prev.time or c.time
            prev.more_triggers.append(c.trigger)
            prev.reasons.append(f"sentence {c.sentence + 1} continues it")
            continue
        out.append(c)
    return out


def _same_paragraph(so: StageOutputs, a: int, b: int) -> bool:
    return bisect.bisect_right(so.paragraph_starts, a) == bisect.bisect_right(so.paragraph_starts, b)


def _default_place(places: Sequence[Place]) -> Place | None:
    """The document's main place: the first place named, preferring anything finer than a country."""
    located = [p for p in places if p.located]
    finer = [p for p in located if p.feature_code not in COUNTRY_CODES]
    candidates = finer or located
    return candidates[0] if candidates else None


def _default_time(so: StageOutputs) -> EventTime | None:
    first = next((d.time for d in so.dates if not d.historical and d.time is not None), None)
    return first or so.published_time


COUNTRY_CODES = frozenset({"PCLI", "PCL", "PCLD", "PCLS", "PCLF", "PCLIX"})


def _fill_defaults(c: _Candidate, place: Place | None, time: EventTime | None) -> None:
    only_countries = bool(c.places) and all(p.feature_code in COUNTRY_CODES for p in c.places)
    if (
        only_countries
        and place is not None
        and place.feature_code not in COUNTRY_CODES
        and (
            any(p.iso3 == place.iso3 for p in c.places)
            or (c.main_country is not None and all(p.country != c.main_country for p in c.places))
        )
    ):
        # "to Pakistan" in a report about Balochistan: the finer main place says more; "Russia's soldiers" in a
        # report about Syria names the actor's country, not the event's place
        c.places = []
    if not c.places and place is not None:
        c.places = [
            replace(
                place,
                evidence=replace(
                    place.evidence,
                    reason=(f"no place named in the sentence; the document's main place: {place.evidence.reason}"),
                ),
            )
        ]
        c.own_place = False
    if c.time is None and time is not None:
        c.time = time


def _best_place(places: Sequence[Place], main_country: str | None = None) -> Place | None:
    """The event's place among its clause's: one with coordinates first (an admin2 unit the gazetteer has no
    point for is no place to map), then the document's main country (a namesake abroad is more often a wrong
    resolution than the event's place), then the most specific, then the first named."""
    if not places:
        return None
    return min(
        places,
        key=lambda p: (
            p.latitude is None,
            p.country != main_country if main_country else False,
            p.geo_precision,
            p.evidence.spans[0].start if p.evidence.spans else 0,
        ),
    )


def _key(c: _Candidate) -> tuple[str, int | None, str | None, str | None]:
    """Same action, place and day. Explosions are keyed by event type (one blast, many words for it)."""
    place = _best_place(c.places, c.main_country)
    event_type = tx.event_type_of(c.sub_event_type)
    return (
        event_type if event_type == tx.EXPLOSIONS else c.sub_event_type,
        place.geonameid if place else None,
        c.time.event_date.isoformat() if c.time else None,
        c.listed_as,
    )


def _merge_same_happening(candidates: list[_Candidate]) -> list[_Candidate]:
    """Candidates of the same event type, place and day are one event (the first sub-type wins)."""
    merged: dict[tuple[str, int | None, str | None, str | None], _Candidate] = {}
    for c in candidates:
        key = _key(c)
        if key in merged:
            target = merged[key]
            target.claims.extend(x for x in c.claims if x not in target.claims)
            target.actors.extend(a for a in c.actors if a not in target.actors)
            target.duration = target.duration or c.duration
            target.more_triggers.append(c.trigger)
            target.reasons.append(f"sentence {c.sentence + 1} reports the same event")
        else:
            merged[key] = c
    return list(merged.values())


# --- one event per listed place ----------------------------------------------------------------------
# ACLED codes one event per location: "clashes on the A (X), B (Y) and C frontlines" is three events. A list is
# items joined by commas and a final "and", each a capitalised name with an optional unit word ("B district")
# and its bracketed containers ("(Qaatabah, Ad Dali)"), after a locative cue; a plural unit word may close it
# ("A, B and C governorates"). "from A and B" (where forces came from) and "between A and B" (a route or a
# front line) have no locative cue, so they stay one event. The cue and unit words are those of the acled dev
# notes ACLED split by place, with their common English forms; read off the notes, not tuned.
LIST_NAME_PARTICLES = r"(?:al|as|ash|ad|an|ar|at|az|el|wa|de|del|da|do|di|du|la|le|of|bin|ibn)"
LIST_NAME = rf"[A-Z][\w'’.-]*(?:\s+(?:{LIST_NAME_PARTICLES}\s+)*[A-Z][\w'’.-]*)*"
LIST_UNIT = (
    r"(?:districts?|provinces?|governorates?|states?|regions?|count(?:y|ies)|villages?|towns?|cit(?:y|ies)|"
    r"areas?|fronts?|frontlines?|front lines?|neighbou?rhoods?|camps?|municipalit(?:y|ies))\b"
)
LIST_ITEM = rf"(?P<name>{LIST_NAME})(?:\s+{LIST_UNIT})?(?:\s*\((?P<containers>[^()]*)\))?"
LIST_CUE = (
    r"\b(?:in|on|at|near|across|around|inside|outside|throughout|"
    r"(?:villages|towns|areas|districts|provinces|regions|fronts|parts|outskirts|neighbou?rhoods) of)\s+"
    r"(?:the\s+)?(?:(?!(?:between|from|to)\b)[a-z][\w-]*\s+){0,2}?"
)
_ITEM_PLAIN = rf"{LIST_NAME}(?:\s+{LIST_UNIT})?(?:\s*\([^()]*\))?"  # LIST_ITEM without its groups
PLACE_LIST_RE = re.compile(
    rf"{LIST_CUE}(?P<list>{_ITEM_PLAIN}(?:\s*,\s*{_ITEM_PLAIN})*,?\s+and\s+{_ITEM_PLAIN})(?:\s+{LIST_UNIT})?"
)
# What may stand between a list and the containers written for all its items ("A and B villages in C, D").
LIST_CONTAINER_GAP_RE = re.compile(r"\s*(?:,|\(|\bin\b|\bof\b)\s*")
LIST_ITEM_RE = re.compile(LIST_ITEM)


@dataclass(frozen=True)
class _ListItem:
    """One item of a coordinated list of places: its name and the bracketed containers written after it."""

    name: Span
    extent: Span  # the name with its unit word and brackets
    containers: Span | None


@dataclass(frozen=True)
class _PlaceList:
    items: tuple[_ListItem, ...]
    end: int  # document offset where the list (with its closing unit word) ends


@dataclass(frozen=True)
class _ListedPlace:
    item: _ListItem
    place: Place


def _place_list(c: _Candidate) -> _PlaceList | None:
    """The first coordinated list of places in the candidate's clause."""
    m = PLACE_LIST_RE.search(c.clause_text)
    if m is None:
        return None
    base = c.clause_start + m.start("list")
    items = []
    for im in LIST_ITEM_RE.finditer(m.group("list")):
        containers = None
        if im.group("containers") is not None:
            containers = Span(base + im.start("containers"), base + im.end("containers"), im.group("containers"))
        items.append(
            _ListItem(
                name=Span(base + im.start("name"), base + im.end("name"), im.group("name")),
                extent=Span(base + im.start(), base + im.end(), im.group(0)),
                containers=containers,
            )
        )
    return _PlaceList(tuple(items), c.clause_start + m.end())


def _item_reading(item: _ListItem, places: Sequence[Place], main_country: str | None) -> Place | None:
    """The most specific reading of the item's whole name (a reading of only part of it, "San Pablo" in "San
    Pablo de X", is another place); failing that, of its innermost container, kept as the place of the item's
    words ("Bab Ghaliq (Qaatabah, Ad Dali)": a front the gazetteer lacks, in Qaatabah)."""
    own = [
        p for p in places if p.evidence.spans[0].start == item.name.start and p.evidence.spans[0].end >= item.name.end
    ]
    if own:
        return _best_place(own, main_country)
    if item.containers is None:
        return None
    inside = [p for p in places if item.containers.start <= p.evidence.spans[0].start < item.containers.end]
    container = _best_place(inside, main_country)
    if container is None:
        return None
    evidence = Evidence(
        container.evidence.doc_id,
        (item.name, *container.evidence.spans),
        f"{item.name.text!r} has no reading of its own; the container written after it: {container.evidence.reason}",
    )
    return replace(container, mention=item.name.text, evidence=evidence)


ADMIN_LEVEL_FIELDS = {"ADM1": "admin1", "ADM2": "admin2"}


def _contains(outer: Place, inner: Place) -> bool:
    """True when ``outer`` is a country or admin unit holding ``inner`` ("Kabul, Afghanistan")."""
    if outer.country is None or outer.country != inner.country or outer.geonameid == inner.geonameid:
        return False
    if outer.feature_code in COUNTRY_CODES:
        return True
    level = ADMIN_LEVEL_FIELDS.get(outer.feature_code or "")
    return level is not None and getattr(outer, level) is not None and getattr(outer, level) == getattr(inner, level)


def _is_unit(place: Place) -> bool:
    return place.feature_code in COUNTRY_CODES or place.feature_code in ADMIN_LEVEL_FIELDS


def _trailing_units(c: _Candidate, end: int) -> list[Place]:
    """The countries and admin units written right after a list, which hold all its items ("A and B villages
    in Chilpancingo, Guerrero": Guerrero)."""
    units: list[Place] = []
    for place in sorted(c.places, key=lambda p: p.evidence.spans[0].start):
        span = place.evidence.spans[0]
        if span.start < end:
            continue
        gap = c.clause_text[end - c.clause_start : span.start - c.clause_start]
        if not LIST_CONTAINER_GAP_RE.fullmatch(gap):
            break
        if _is_unit(place):
            units.append(place)
        end = span.end
    return units


def _listed_places(c: _Candidate) -> list[_ListedPlace]:
    """Each list item with its reading. An item that holds the item before it is that item's container
    ("Kabul, Afghanistan and Herat"), not an item of its own; an item without a reading, or whose reading lies
    outside a unit written after the whole list, is left out."""
    found = _place_list(c)
    if found is None:
        return []
    units = _trailing_units(c, found.end)
    listed: list[_ListedPlace] = []
    for item in found.items:
        place = _item_reading(item, c.places, c.main_country)
        if place is None or not all(_contains(u, place) for u in units):
            continue
        if listed and _contains(place, listed[-1].place):
            continue
        listed.append(_ListedPlace(item, place))
    return listed


def _share(total: int, k: int, n: int) -> int:
    """The k-th of n even shares of ``total``, the remainder going one by one to the first (ACLED's split)."""
    return total // n + (1 if k < total % n else 0)


def _divided_claim(claim: Claim, k: int, n: int) -> Claim:
    figure = claim.figure
    assert figure is not None
    low = _share(figure.low, k, n)
    high = None if figure.high is None else _share(figure.high, k, n)
    reason = f"{claim.evidence.reason}; {figure.low} divided among the {n} places listed, {low} for place {k + 1}"
    return replace(
        claim,
        figure=replace(figure, low=low, high=high),
        evidence=replace(claim.evidence, reason=reason),
    )


def _claims_for_item(claims: Sequence[Claim], listed: Sequence[_ListedPlace], k: int) -> list[Claim]:
    """The claims of the k-th listed place: a figure written inside one item's words stays with that item;
    every other figure of the clause is divided evenly among the items."""
    mine: list[Claim] = []
    for claim in claims:
        start = claim.evidence.spans[0].start
        owner = next((n for n, lp in enumerate(listed) if _within(start, lp.item.extent)), None)
        if owner is not None:
            if owner == k:
                mine.append(claim)
        elif claim.figure is not None:
            mine.append(_divided_claim(claim, k, len(listed)))
        else:
            mine.append(claim)
    return mine


def _finer_place_outside(c: _Candidate, listed: Sequence[_ListedPlace]) -> bool:
    """True when the clause names a place outside the list finer than every listed place: "arms for cadres
    operating in Bihar and Jharkhand were seized in Ranchi" happened in Ranchi; the list of provinces says where
    someone operates, not where the action took place."""
    coarsest_finer = min(lp.place.geo_precision for lp in listed)
    return any(
        p.geo_precision < coarsest_finer
        for p in c.places
        if not any(_within(p.evidence.spans[0].start, lp.item.extent) for lp in listed)
    )


def _split_by_listed_places(c: _Candidate) -> list[_Candidate]:
    """One candidate per place of a coordinated list in its clause, with the clause's toll divided among them."""
    listed = _listed_places(c) if c.own_place else []
    if len({lp.place.geonameid for lp in listed}) < 2 or _finer_place_outside(c, listed):
        return [c]
    return [
        replace(
            c,
            places=[lp.place],
            claims=_claims_for_item(c.claims, listed, k),
            actors=list(c.actors),
            more_triggers=list(c.more_triggers),
            reasons=[*c.reasons, f"place {k + 1} of {len(listed)} listed: {lp.item.name.text!r}"],
            listed_as=lp.item.name.text if any(e.place.geonameid == lp.place.geonameid for e in listed[:k]) else None,
        )
        for k, lp in enumerate(listed)
    ]


# Characters after a number in which a unit's name says whose figure it is ("seven fidayeen of the Majeed Brigade").
UNIT_WINDOW = 60


def _figure_units(c: _Candidate) -> set[str]:
    """Units named right after the candidate's killed figures."""
    units: set[str] = set()
    for claim in c.claims:
        if claim.figure is None:
            continue
        end = claim.figure.evidence.spans[0].end
        units.update(a.unit for a in c.actors if a.unit and end <= a.evidence.spans[0].start <= end + UNIT_WINDOW)
    return units


def _fold_into_unit_events(candidates: list[_Candidate]) -> list[_Candidate]:
    """A place-less clause counting a unit's dead ("all seven fidayeen of the Majeed Brigade ... embraced
    martyrdom") adds that toll to the event the unit carried out, not a new event."""
    kept: list[_Candidate] = []
    for c in candidates:
        units = _figure_units(c) if not c.own_place and c.sub_event_type in KILL_ONLY_TYPES else set()
        home = next((k for k in kept if k.own_place and units & {a.unit for a in k.actors if a.unit}), None)
        if home is not None:
            home.claims.extend(c.claims)
            home.reasons.append(f"clause {c.trigger.text!r} counts the toll of this event's unit")
            continue
        kept.append(c)
    return kept


def _killed_sum(claims: Sequence[Claim]) -> int:
    return sum(c.figure.low for c in claims if c.figure is not None and c.figure.category is Category.KILLED)


def _split_off_totals(candidates: list[_Candidate]) -> tuple[list[_Candidate], list[Claim]]:
    """A kill count that adds up the document's other events is a total claim, not an event.

    It must have no place of its own or only a province-level one (a lead or summary sentence), cover at
    least TOTAL_COVERAGE of the smaller killed figures of at least two other events, and exceed each of them.
    """
    totals: list[Claim] = []
    kept: list[_Candidate] = []
    for c in candidates:
        mine = _killed_sum(c.claims)
        place = _best_place(c.places, c.main_country)
        coarse = not c.own_place or (place is not None and place.geo_precision == 3)
        smaller = [k for k in (_killed_sum(o.claims) for o in candidates if o is not c) if 0 < k < mine]
        if (
            coarse
            and mine
            and len(smaller) >= 2
            and sum(smaller) * TOTAL_COVERAGE <= mine <= sum(smaller) * TOTAL_EXCESS
        ):
            totals.extend(
                replace(
                    cl,
                    evidence=replace(cl.evidence, reason=cl.evidence.reason + "; a total over the document's events"),
                )
                for cl in c.claims
                if all(cl.evidence.spans[0] != t.evidence.spans[0] for t in totals)
            )
            continue
        kept.append(c)
    return kept, totals


# --- the event record ---------------------------------------------------------------------------------

BEATEN_RE = re.compile(r"\b(?:beat|beaten|beating|tortur\w+|whipp\w+|flogg\w+)\b", re.IGNORECASE)

STANCE_WEAKNESS = (Stance.DENIED, Stance.ALLEGED, Stance.CLAIMED, Stance.UNCONFIRMED, Stance.REPORTED, Stance.CONFIRMED)


def _to_event(n: int, c: _Candidate, so: StageOutputs) -> Event:
    place = _best_place(c.places, c.main_country)
    if place is not None and c.own_place and NEAR_RE.search(so.sentences[c.sentence].text) and place.geo_precision == 1:
        place = replace(place, geo_precision=2)
    if place is not None:
        place = in_named_part(place, so.text) or at_seat(place)
    place = _with_site(place, c, so)
    actor1, assoc1, actor2, assoc2 = _assign_actors(c, so)
    sub_event_type = _type_by_crowd(_type_by_weapons(_type_by_actors(c), c, so), actor1, c)
    if sub_event_type == "Arrests" and BEATEN_RE.search(c.clause_text):
        # ACLED: people beaten or tortured as they are detained suffered an attack, the arrest is part of it
        sub_event_type = "Attack"
        c.reasons.append("detainees beaten -> Attack")
    if sub_event_type == "Arrests" and actor1 is not None and actor1.inter in NON_STATE_ARMED and actor1.mention:
        # ACLED: detention by a non-state group -- one the report names ("Two people were arrested" names none:
        # the arrest is the police's)
        sub_event_type = "Abduction/forced disappearance"
        c.reasons.append("detained by a non-state armed group -> Abduction/forced disappearance")
    time = c.time
    if time is not None and c.duration is not None:
        time = replace(time, duration_hours=c.duration.hours)
    toll = _toll(c.claims, so.text)
    event_type = tx.event_type_of(sub_event_type)
    return Event(
        id=f"{so.doc_id[:16]}-{n + 1}",
        doc_id=so.doc_id,
        event_type=event_type,
        sub_event_type=sub_event_type,
        type_evidence=Evidence(so.doc_id, (c.trigger, *c.more_triggers), "; ".join(c.reasons)),
        notes=_notes(sub_event_type, actor1, actor2, place, time, toll),
        actor1=actor1,
        assoc_actor_1=assoc1,
        actor2=actor2,
        assoc_actor_2=assoc2,
        place=place,
        time=time,
        toll=toll,
        claims=tuple(c.claims),
        type_of_violence=tx.ucdp_type_of_violence(
            event_type, actor1.inter if actor1 else None, actor2.inter if actor2 else None
        ),
    )


# A named site inside the event's town: a street, a road, a base or a building ("on Cavehill Road", "at the
# Rolando Cafe", "on the Rue Victor Hugo"). The gazetteer cannot resolve it, so it becomes the place's mention
# (the words as written) beside the resolved town that keeps the coordinates.
SITE_RE = re.compile(
    r"\b(?!(?:The|At|In|On|Near|Outside|And|Of|A|An|From|To|By)\b)(?:[A-Z][\w'’.-]*\s+){1,3}"
    r"(?:Road|Street|St|Avenue|Square|Lane|Boulevard|Airfield|Airport|Air Base|Base|Station|Market|Bazaar|Hotel|"
    r"Restaurant|Cafe|Café|Cafeteria|Mosque|Church|Temple|School|Hospital|Bridge|Stadium|Mall|Embassy|Checkpoint)\b"
    r"|\b(?:[Rr]ue|[Cc]alle|[Bb]oulevard) (?:(?:de|du|des|la|le|del)\s+)?(?:[A-Z][\w'’-]+)(?:\s[A-Z][\w'’-]+){0,2}"
)


# A site named by a common noun in the trigger's clause ("in the middle of the street", "throughout the village"),
# used when no named site is found.
COMMON_SITE_RE = re.compile(
    r"\b(?:in|at|near|on|outside|inside|throughout|of) the ((?:\w+ )?(?:village|street|station|market|city|town|"
    r"airfield|base|camp|checkpoint|restaurant|mosque|church|school|hospital|bridge|square))\b"
)


def _with_site(place: Place | None, c: _Candidate, so: StageOutputs) -> Place | None:
    """The event's place with the site named in its clause (else in its sentences, merged ones too) as the mention."""
    if place is None:
        return None
    starts = [s.start for s in so.sentences]
    numbers = [c.sentence] + [bisect.bisect_right(starts, t.start) - 1 for t in c.more_triggers]
    texts = [(c.clause_text, c.clause_start)] + [(so.sentences[n].text, so.sentences[n].start) for n in numbers]
    for text, start in texts:
        m = SITE_RE.search(text)
        if m is not None:
            span = Span(start + m.start(), start + m.end(), m.group(0))
            reason = f"{place.evidence.reason}; the site named in the sentence: {m.group(0)!r}"
            return _at_site(place, span, reason)
    m = COMMON_SITE_RE.search(c.clause_text)
    if m is not None:
        span = Span(c.clause_start + m.start(1), c.clause_start + m.end(1), m.group(1))
        return _at_site(place, span, f"{place.evidence.reason}; the site named in the clause: {m.group(1)!r}")
    return place


def _at_site(place: Place, site: Span, reason: str) -> Place:
    evidence = replace(place.evidence, spans=(*place.evidence.spans, site), reason=reason)
    return replace(place, mention=site.text, evidence=evidence)


NON_STATE_ARMED = frozenset({tx.INTER_REBELS, tx.INTER_POLITICAL_MILITIA, tx.INTER_IDENTITY_MILITIA})


# The words right after an attack verb that make its object civilian: "attacked the villages of ...".
CIVILIAN_OBJECT_RE = re.compile(
    r"\s+(?:\w+\s+){0,3}?(?:villages?|homes?|houses?|civilians?|residents?|worshippers?|markets?|farmers?|"
    r"passengers?|villagers?|churches|church|mosques?|schools?|students?|pilgrims?|traders?|shops?|refugees?|"
    r"fishermen|activists?|journalists?|supporters|(?:a|an) \w+(?:ian|ani|i|ese|ish)\b|"
    r"detainees?|prisoners?|"
    r"labou?rers?|(?:two|three|four|five|several|\d+) \w+(?:ians|anis|is)\b|"
    r"members? of (?:the )?\w+ (?:community|party)|"
    r"(?:a|an|the|two|three|\d+) (?:man|woman|men|women|boy|girl|child|children|family|couple|civilian)s?)\b",
    re.IGNORECASE,
)


# The victim as the subject of a passive trigger: "a man was shot by five masked gunmen", "two inmates were
# stabbed". A person noun right before "was/were" says the violence fell on people, not on an armed side.
CIVILIAN_SUBJECT_RE = re.compile(
    r"\b(?:a|an|the|his|her|their|one|two|three|four|five|six|several|\d+)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:man|men|woman|women|boy|girl|child|children|teenager|civilians?|residents?|villagers?|farmers?|"
    r"suspects?|inmates?|prisoners?|drivers?|vendors?|traders?|merchants?|businessman|couple|family|"
    r"son|daughter|wife|husband|brother|sister|father|mother|relatives?|persons?|people|individuals?|"
    r"bodies|body|heads?|remains|corpses?)"
    r"(?:\s+(?:[\w-]+\s+){0,6}?)?\s*(?:was|were|had been|has been|have been)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


def _passive_civilian_subject(c: _Candidate) -> bool:
    """Whether the trigger is passive with a person as its subject ("a man was shot")."""
    before = c.clause_text[: c.trigger.start - c.clause_start][-90:]
    return CIVILIAN_SUBJECT_RE.search(before) is not None


def _object_words(c: _Candidate) -> str:
    """The words of the trigger's clause after the trigger (its object, in an active sentence)."""
    return c.clause_text[c.trigger.end - c.clause_start :][:60]


SPEAKER_AFTER_RE = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:said|says|told|reported|stated|added|confirmed)\b", re.I)


def _is_speaker(actor: Actor, c: _Candidate) -> bool:
    """ "Police said ...": an actor named as the source of the report, not as a party to the event."""
    offset = actor.evidence.spans[0].end - c.clause_start
    return 0 <= offset <= len(c.clause_text) and SPEAKER_AFTER_RE.match(c.clause_text[offset : offset + 30]) is not None


# Heavy weapons that ACLED codes as shelling when no direct fire goes with them: on the acled dev notes, heavy
# machine guns or 12.7/14.5 mm guns without small arms or fire "in both directions" were shelling 73 times and a
# clash 7 times; "heavy and medium weapons" (or machine guns) were shelling in 5 notes of 5, and notes naming 23,
# 12.7 or 14.5 mm guns in 17 of 20.
HEAVY_WEAPONS_RE = re.compile(r"\b(?:heavy (?:and medium )?(?:machine ?guns?|weapons)|(?:23|12\.7|14\.5) ?mm)", re.I)
# Fire that heavy weapons make shelling, whoever it falls on: heavy weapons fired at villages or residential areas
# are shelling too (on the acled dev notes, 1 of the 206 notes naming heavy weapons was an attack).
GUNFIRE_TYPES = ("Armed clash", "Attack")
# Trigger words of an unspecified explosion ("observed 40 explosions"), not of a device (an IED, a car bomb).
GENERIC_EXPLOSION_RE = re.compile(r"^(?:explo(?:sion|ded)s?|blasts?)$", re.I)


def _event_text(c: _Candidate, so: StageOutputs) -> str:
    """The sentences of the event's trigger and of the mentions folded into it."""
    numbers = sorted(
        {c.sentence} | {bisect.bisect_right([s.start for s in so.sentences], t.start) - 1 for t in c.more_triggers}
    )
    return " ".join(so.sentences[n].text for n in numbers if 0 <= n < len(so.sentences))


# A grenade or a bomb answered with gunfire is a clash (ACLED: "Police responded with gunfire"): on the acled dev
# notes, grenades thrown at police or army posts that fired back were coded as armed clashes.
RETURNED_FIRE_TYPES = frozenset({"Grenade", "Remote explosive/landmine/IED"})  # a suicide bombing stays one
RETURNED_FIRE_RE = re.compile(
    r"\b(?:(?:responded|reacted|retaliated|replied) (?:\w+ ){0,2}with (?:gun)?fire|returned (?:the )?fire|fired back|"
    r"opened (?:gun)?fire (?:at|on|towards|in response)|exchange[sd]? (?:of )?(?:gun)?fire)\b",
    re.IGNORECASE,
)


def _fire_returned(c: _Candidate, so: StageOutputs) -> bool:
    """Whether the event's sentences, or the next one in its paragraph, say the target fired back."""
    text = _event_text(c, so)
    following = c.sentence + 1
    if following < len(so.sentences) and _same_paragraph(so, c.trigger.start, so.sentences[following].start):
        text += " " + so.sentences[following].text
    return RETURNED_FIRE_RE.search(text) is not None


def _type_by_weapons(sub: str, c: _Candidate, so: StageOutputs) -> str:
    """Shelling or unspecified explosions mixed with small-arms fire are a clash; fire from heavy machine guns
    without small arms is shelling, at armed men or at villages (ACLED's coding)."""
    generic_blast = sub == "Remote explosive/landmine/IED" and GENERIC_EXPLOSION_RE.match(c.trigger.text.strip())
    if sub in RETURNED_FIRE_TYPES and _fire_returned(c, so):
        c.reasons.append("the target fired back -> Armed clash")
        return "Armed clash"
    if sub not in ("Shelling/artillery/missile attack", *GUNFIRE_TYPES) and not generic_blast:
        return sub
    text = _event_text(c, so)
    direct = DIRECT_FIRE_RE.search(text) is not None
    if sub not in GUNFIRE_TYPES and direct:
        c.reasons.append("explosions mixed with small-arms fire -> Armed clash")
        return "Armed clash"
    if sub in GUNFIRE_TYPES and not direct and HEAVY_WEAPONS_RE.search(text) and not CLASH_RE.search(text):
        c.reasons.append("heavy machine-gun fire without small arms -> Shelling/artillery/missile attack")
        return "Shelling/artillery/missile attack"
    return sub


# Characters between an attack verb and a place named as its object ("attacked the village of Tieba", "attacked
# Namava"): room for "the village of ".
PLACE_OBJECT_WINDOW = 16
POSSESSIVE_AFTER_RE = re.compile(r"(?:\s+[A-Z]\w*)?['’]s\b")
PLACE_OBJECT_GAP_RE = re.compile(r"\s+(?:the\s+(?:\w+\s+)?(?:village|town|city|locality|hamlet|settlement)s?\s+of\s+)?")


def _attacks_a_place(c: _Candidate) -> bool:
    """ "Militants attacked Namava": a raid on a locality (ACLED: an attack on its people), not a clash -- on the
    acled dev notes, armed men attacking a named village were coded an attack 18 times and a clash 3 times."""
    if not c.trigger.text.lower().startswith("attack"):
        return False
    for p in c.places:
        span = p.evidence.spans[0]
        if not 0 <= span.start - c.trigger.end <= PLACE_OBJECT_WINDOW:
            continue
        gap = c.clause_text[c.trigger.end - c.clause_start : span.start - c.clause_start]
        after = c.clause_text[span.end - c.clause_start :]
        if PLACE_OBJECT_GAP_RE.fullmatch(gap) and not POSSESSIVE_AFTER_RE.match(after):
            return True  # the place itself is the object, not a possessive ("attacked Bay's militiamen")
    return False


def _type_by_actors(c: _Candidate) -> str:
    """Violence between two armed actors is a clash; one armed actor against civilians is an attack."""
    if c.sub_event_type not in ("Armed clash", "Attack"):
        return c.sub_event_type
    armed = {a.name for a in c.actors if a.inter in tx.ARMED_INTERS and not _is_speaker(a, c)}
    civilians = any(a.inter == tx.INTER_CIVILIANS for a in c.actors)
    victims = {cl.figure.side for cl in c.claims if cl.figure is not None}
    target = _object_words(c)
    explicit_clash = CLASH_RE.search(c.clause_text) is not None
    if (
        c.sub_event_type == "Armed clash"
        and not explicit_clash
        and (
            (len(armed) <= 1 and (civilians or victims == {Side.CIVILIANS}))
            or CIVILIAN_OBJECT_RE.match(target)
            or (len(armed) <= 1 and _passive_civilian_subject(c))
            or _attacks_a_place(c)
        )
    ):
        c.reasons.append("one armed actor against civilians -> Attack")
        return "Attack"
    if c.sub_event_type == "Attack" and len(armed) >= 2 and not civilians:
        c.reasons.append("two armed actors -> Armed clash")
        return "Armed clash"
    return c.sub_event_type


CROWD_INTERS = frozenset({tx.INTER_RIOTERS, tx.INTER_PROTESTERS})
ARMED_WORDS_RE = re.compile(
    r"\b(?:armed|gun\w*|shot|shoot\w*|rifles?|militants?|rebels?|fighters?|insurgents?|artillery)\b", re.IGNORECASE
)
PROTEST_WORDS_RE = re.compile(r"\b(?:protest\w*|demonstrat\w*|rall(?:y|ies|ied)|march\w*)\b", re.IGNORECASE)


def _type_by_crowd(sub_event_type: str, actor1: Actor | None, c: _Candidate) -> str:
    """A clash or an attack whose perpetrator is a crowd (rioters, protesters) and that names no weapon or armed
    group is a riot: ACLED's "Violent demonstration" when the crowd was demonstrating, else "Mob violence"."""
    if sub_event_type not in ("Armed clash", "Attack") or actor1 is None or actor1.inter not in CROWD_INTERS:
        return sub_event_type
    if ARMED_WORDS_RE.search(c.clause_text):  # "armed former members of ...", "clashed ... shot dead": not a crowd
        return sub_event_type
    riot = "Violent demonstration" if PROTEST_WORDS_RE.search(c.clause_text) else "Mob violence"
    c.reasons.append(f"the perpetrator is a crowd ({actor1.name}) -> {riot}")
    return riot


# The agent of a trigger: "by police", "by a joint team of Police and CRPF"; after a passive trigger also the
# other side of an encounter ("was killed in an encounter with Police").
AGENT_RE = re.compile(r"\bby\s+(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,3}?(?:of\s+(?:the\s+)?)?$", re.IGNORECASE)
PASSIVE_AGENT_RE = re.compile(
    r"\b(?:by|with)\s+(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,3}?(?:of\s+(?:the\s+)?)?$", re.IGNORECASE
)
PASSIVE_BEFORE_RE = re.compile(r"\b(?:was|were|been|being)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def _assign_actors(
    c: _Candidate, so: StageOutputs
) -> tuple[Actor | None, tuple[Actor, ...], Actor | None, tuple[Actor, ...]]:
    """actor1 = the perpetrator, actor2 = the target.

    The perpetrator is the first armed actor named before the trigger (English puts the subject first), else
    the first armed actor after "by", else the first armed actor of the clause, else the document's main armed
    group; of several mentions of that actor, one naming a unit is kept. The target is the first other actor.
    """
    protest = c.sub_event_type in tx.SUB_EVENT_TYPES[tx.PROTESTS] or c.sub_event_type in tx.SUB_EVENT_TYPES[tx.RIOTS]
    if protest:
        crowd = _unique([a for a in c.actors if a.inter in (tx.INTER_PROTESTERS, tx.INTER_RIOTERS)])
        police = _unique([a for a in c.actors if a.inter == tx.INTER_STATE_FORCES])
        return (crowd[0] if crowd else None), tuple(crowd[1:]), (police[0] if police else None), ()
    armed = _named_owners([a for a in c.actors if a.inter != tx.INTER_CIVILIANS], so.text)
    before = [a for a in armed if a.evidence.spans[0].start < c.trigger.start]
    passive = PASSIVE_BEFORE_RE.search(so.text[max(0, c.trigger.start - 30) : c.trigger.start]) is not None
    agent_re = PASSIVE_AGENT_RE if passive else AGENT_RE
    by_agent = [
        a
        for a in armed
        if a.evidence.spans[0].start > c.trigger.start
        and agent_re.search(so.text[max(0, a.evidence.spans[0].start - 40) : a.evidence.spans[0].start])
    ]
    if passive and not by_agent:
        # "Two cadres were arrested": the subject of a passive trigger is its target, and no agent is named
        ranked = [a for a in armed if a.evidence.spans[0].start > c.trigger.start]
    else:
        ranked = by_agent or before or armed  # "were arrested by police": the agent, not the subject
    chosen: Actor | None = ranked[0] if ranked else None
    if chosen is None and c.sub_event_type == "Arrests":
        chosen = _unnamed_police(c, so)
    elif chosen is None or _is_only_the_target(chosen, c, before, by_agent):
        chosen = _unidentified_perpetrator(c, so)
    actor1 = _with_unit(chosen, c.actors)
    others = _unique([a for a in c.actors if actor1 is None or a.name != actor1.name])
    actor2 = others[0] if others else None
    if actor2 is None and actor1 is not None and tx.event_type_of(c.sub_event_type) == tx.BATTLES:
        actor2 = _main_opponent(so, actor1)
    return (
        actor1,
        (),
        actor2,
        tuple(others[1:2]) if actor2 is not None and others[1:2] and others[1].inter == actor2.inter else (),
    )


OF_THE_RE = re.compile(r"\s+of\s+(?:the\s+)?")


def _named_owners(actors: list[Actor], text: str) -> list[Actor]:
    """Actors with an unnamed group ("suspected cadres", "armed men") replaced by the group named right after
    them as their owner: "suspected cadres of the CPI-Maoist" are the CPI-Maoist."""
    starts = {a.evidence.spans[0].start: a for a in actors if not _unidentified(a)}
    out: list[Actor] = []
    for actor in actors:
        owner = None
        if _unidentified(actor) and actor.mention:
            end = actor.evidence.spans[0].end
            gap = OF_THE_RE.match(text, end)
            owner = starts.get(gap.end()) if gap else None
        out.append(owner if owner is not None else actor)
    return out


def _unidentified(actor: Actor) -> bool:
    return actor.name.startswith("Unidentified ")


def _is_only_the_target(chosen: Actor, c: _Candidate, before: list[Actor], by_agent: list[Actor]) -> bool:
    """State forces named only after the trigger, as victims ("a bomb wounded three soldiers"), are the target."""
    if before or by_agent or chosen.inter != tx.INTER_STATE_FORCES:
        return False
    if tx.event_type_of(c.sub_event_type) not in (tx.BATTLES, tx.EXPLOSIONS, tx.VIOLENCE_AGAINST_CIVILIANS):
        return False
    return not any(a.inter in NON_STATE_ARMED for a in c.actors)


def _unnamed_police(c: _Candidate, so: StageOutputs) -> Actor:
    """ACLED's police of the country for an arrest whose report names no one making it ("were arrested")."""
    from .actors import POLICE

    country = next((p.country for p in c.places if p.country), so.main_country)
    reason = "an arrest with no one named making it: the state's police"
    return _generic_actor(POLICE, tx.INTER_STATE_FORCES, country, reason, c, so)


def _unidentified_perpetrator(c: _Candidate, so: StageOutputs) -> Actor | None:
    """ACLED's "Unidentified Armed Group (Country)" when the report names no perpetrator."""
    from .actors import UNIDENTIFIED

    country = next((p.country for p in c.places if p.country), None)
    main = _main_armed_actor(so)
    if main is not None and _named_in_paragraph(so, main, c.trigger.start):
        return main  # the report's armed group, named in this paragraph
    reason = "no perpetrator named; ACLED codes an unidentified armed group"
    return _generic_actor(UNIDENTIFIED, tx.INTER_POLITICAL_MILITIA, country, reason, c, so)


def _generic_actor(kind: str, inter: int, country: str | None, reason: str, c: _Candidate, so: StageOutputs) -> Actor:
    """An ACLED generic actor of ``kind`` the report does not name, evidenced by the event's trigger."""
    from .actors import generic_actor_name

    return Actor(
        name=generic_actor_name(kind, country),
        inter=inter,
        mention="",
        evidence=Evidence(so.doc_id, (c.trigger,), reason),
        country=country,
        known=False,
    )


def _named_in_paragraph(so: StageOutputs, actor: Actor, offset: int) -> bool:
    return any(a.name == actor.name and _same_paragraph(so, a.evidence.spans[0].start, offset) for a in so.actors)


def _unique(actors: Sequence[Actor]) -> list[Actor]:
    seen: dict[str, Actor] = {}
    for a in actors:
        seen.setdefault(a.name, a)
    return list(seen.values())


def _with_unit(actor: Actor | None, mentions: Sequence[Actor]) -> Actor | None:
    if actor is None or actor.unit:
        return actor
    return next((m for m in mentions if m.name == actor.name and m.unit), actor)


def _main_opponent(so: StageOutputs, actor1: Actor) -> Actor | None:
    """In a clash with an unnamed side ("the enemy forces"), the document's most named armed actor on the
    other side: state forces against a non-state group, and the reverse."""
    state = actor1.inter == tx.INTER_STATE_FORCES
    counts: dict[str, int] = {}
    first: dict[str, Actor] = {}
    for a in so.actors:
        if a.name != actor1.name and (a.inter == tx.INTER_STATE_FORCES) != state and a.inter in tx.ARMED_INTERS:
            counts[a.name] = counts.get(a.name, 0) + 1
            first.setdefault(a.name, a)
    return first[max(counts, key=lambda k: counts[k])] if counts else None


def _main_armed_actor(so: StageOutputs) -> Actor | None:
    counts: dict[str, int] = {}
    first: dict[str, Actor] = {}
    for a in so.actors:
        if a.inter in (tx.INTER_REBELS, tx.INTER_POLITICAL_MILITIA, tx.INTER_IDENTITY_MILITIA):
            counts[a.name] = counts.get(a.name, 0) + 1
            first.setdefault(a.name, a)
    if not counts:
        return None
    name = max(counts, key=lambda k: counts[k])
    return first[name]


CREDIBILITY = (
    Stance.CONFIRMED,
    Stance.REPORTED,
    Stance.UNCONFIRMED,
    Stance.CLAIMED,
    Stance.ALLEGED,
    Stance.DENIED,
)  # best first: which claimant's figures make the best estimate


def _toll(claims: Sequence[Claim], text: str | None = None) -> Toll:
    """The event's toll. Figures of one claimant add up (each person once); figures of different claimants
    are alternatives: low and high span them, and the best estimate (also ACLED's ``fatalities``) is the
    most credible claimant's -- a neutral or official figure over a party's claim, the lower on a tie."""
    with_figures = [c for c in claims if c.figure is not None]
    if not with_figures:
        return Toll()
    groups: dict[str | None, list[Claim]] = {}
    for claim in with_figures:
        groups.setdefault(claim.claimant_org, []).append(claim)
    tallies = [_tally(g, text) for g in groups.values()]
    killed_totals = [t.killed_total for t in tallies if t.killed_total is not None]
    best = min(tallies, key=lambda t: (CREDIBILITY.index(t.stance), t.killed_total or 0))
    any_killed = bool(killed_totals)
    highs = [t.killed_high for t in tallies if t.killed_total is not None]
    status = min((c.stance for c in with_figures), key=STANCE_WEAKNESS.index)
    if best.stance in (Stance.CONFIRMED, Stance.REPORTED) and len(groups) > 1:
        status = best.stance  # a neutral figure stands beside the parties' claims
    return Toll(
        fatalities=best.killed_total or 0,
        fatalities_low=min(killed_totals) if any_killed else None,
        fatalities_best=best.killed_total if any_killed else None,
        fatalities_high=None
        if not any_killed or any(h is None for h in highs)
        else max(h for h in highs if h is not None),
        killed=best.by_category[Category.KILLED],
        injured=best.by_category[Category.INJURED],
        detained=best.by_category[Category.DETAINED],
        abducted=best.by_category[Category.ABDUCTED],
        status=status,
    )


@dataclass(frozen=True)
class _Tally:
    stance: Stance  # the claimant's most credible stance
    killed_total: int | None
    killed_high: int | None
    by_category: dict[Category, SideCounts]


def _tally(claims: Sequence[Claim], text: str | None = None) -> _Tally:
    """One claimant's figures, each distinct mention counted once."""
    seen: set[tuple[int, Category, Side]] = set()
    sums: dict[Category, dict[Side, int]] = {cat: {} for cat in Category}
    high: int | None = 0
    for claim in sorted(claims, key=lambda c: c.evidence.spans[0].start):
        f = claim.figure
        assert f is not None
        key = (f.low, f.category, f.side)
        if key in seen and f.side is not Side.UNKNOWN:
            continue  # "killing 3 soldiers ... the three soldiers killed": one figure, stated twice
        seen.add(key)
        sides = sums[f.category]
        sides[f.side] = sides.get(f.side, 0) + f.low
        if f.category is Category.KILLED and high is not None:
            high = None if f.qualifier.value == "at_least" else high + (f.high if f.high is not None else f.low)
    # The total follows the figures stage's rule (restatements and parts counted once, totals over parts).
    killed = total_by_category([c.figure for c in claims if c.figure is not None], Category.KILLED, text)
    return _Tally(
        stance=min((c.stance for c in claims), key=CREDIBILITY.index),
        killed_total=killed,
        killed_high=high if killed is not None else None,
        by_category={cat: _side_counts(sides) for cat, sides in sums.items()},
    )


def _side_counts(sides: dict[Side, int]) -> SideCounts:
    return SideCounts(
        attackers=sides.get(Side.ATTACKERS),
        state_forces=sides.get(Side.STATE_FORCES),
        civilians=sides.get(Side.CIVILIANS),
        unknown=sides.get(Side.UNKNOWN),
    )


_NOTE_VERBS = {
    "Armed clash": "clashed with",
    "Attack": "attacked",
    "Suicide bomb": "carried out a suicide attack on",
    "Air/drone strike": "carried out an air or drone strike on",
    "Shelling/artillery/missile attack": "shelled",
    "Remote explosive/landmine/IED": "detonated an explosive device targeting",
    "Grenade": "threw a grenade at",
    "Abduction/forced disappearance": "abducted or detained",
    "Arrests": "arrested",
    "Looting/property destruction": "destroyed or looted property of",
}


def _notes(
    sub: str, actor1: Actor | None, actor2: Actor | None, place: Place | None, time: EventTime | None, toll: Toll
) -> str:
    """A neutral one-line summary in ACLED's style, built only from coded fields (no source wording)."""
    when = f"On {time.event_date.isoformat()}, " if time else ""
    who = actor1.name if actor1 else "An unidentified actor"
    verb = _NOTE_VERBS.get(sub)
    if verb and actor2 is not None:
        action = f"{verb} {actor2.name}"
    else:
        action = f"was involved in an event coded as {sub.lower()}"
    where = ""
    if place is not None:
        where = f" in {place.name}" + (
            f" ({place.admin1}, {place.country})"
            if place.admin1 and place.country and place.admin1 != place.name
            else ""
        )
    toll_note = ""
    if toll.fatalities_low:
        toll_note = f" Fatalities: {toll.fatalities} ({toll.status.value})."
    detained = toll.detained.total()
    if detained:
        toll_note += f" Detained: {detained} ({toll.status.value})."
    return f"{when}{who} {action}{where}.{toll_note}"
