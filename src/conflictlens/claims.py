"""The claims stage: who says what, with what stance.

For every sentence the stage finds an *attribution*: a reporting cue ("said", "claimed", "confirmed",
"denied", "accused", "according to") and its speaker (a person, an organisation, or a title such as "police" or
"officials"), and quoted speech is attributed to the speaker named in, or before, the quote. Each figure then
becomes a :class:`~conflictlens.records.Claim` whose stance follows these documented rules:

* a denial cue ("denied", "rejected") -> ``denied``; an accusation ("accused", "alleged", "blamed") ->
  ``alleged``;
* a figure stated by a party to the fight about the other side's losses -> ``claimed`` (a non-state armed
  group's statement is always ``claimed``; so is a state force's statement of the enemy's losses);
* "confirmed" by an official or neutral source -> ``confirmed``;
* any other attributed or unattributed statement -> ``reported``;
* an unattributed figure in a report that carries only one armed group's statements (a typical claim
  report) inherits that group's claim;
* "official confirmation is awaited", "could not be independently verified" and similar make every
  claimed figure of the document ``unconfirmed`` (the claimant is kept).

Responsibility claims ("claimed responsibility for", "claimed the attack") and allegations ("accused X of")
are claims of their own kinds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .records import Actor, Claim, ClaimKind, Evidence, Figure, Side, Span, Stance
from .taxonomy import INTER_CIVILIANS, INTER_IDENTITY_MILITIA, INTER_POLITICAL_MILITIA, INTER_REBELS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

REPORT_VERBS = frozenset(
    {
        "say",
        "tell",
        "state",
        "add",
        "announce",
        "report",
        "assert",
        "declare",
        "write",
        "post",
        "note",
        "explain",
        "insist",
        "warn",
        "quote",
        "disclose",
        "reveal",
        "inform",
        "maintain",
        "emphasize",
        "stress",
    }
)
CLAIM_VERBS = frozenset({"claim", "boast"})
CONFIRM_VERBS = frozenset({"confirm", "verify"})
DENY_VERBS = frozenset({"deny", "reject", "dismiss", "refute", "rebut"})
ALLEGE_VERBS = frozenset({"accuse", "allege", "blame"})
CUE_VERBS = REPORT_VERBS | CLAIM_VERBS | CONFIRM_VERBS | DENY_VERBS | ALLEGE_VERBS

# Titles that can speak for an organisation when no name is given.
SPEAKER_TITLES = frozenset(
    {
        "spokesman",
        "spokesperson",
        "spokeswoman",
        "official",
        "officials",
        "police",
        "army",
        "military",
        "ministry",
        "minister",
        "commander",
        "officer",
        "governor",
        "source",
        "sources",
        "resident",
        "residents",
        "witness",
        "witnesses",
        "hospital",
        "doctor",
        "doctors",
        "group",
        "militants",
        "rebels",
        "statement",
        "authorities",
        "administration",
        "chief",
        "superintendent",
        "spokespersons",
    }
)
OFFICIAL_TITLES = frozenset(
    {
        "official",
        "officials",
        "police",
        "ministry",
        "minister",
        "governor",
        "authorities",
        "administration",
        "hospital",
        "doctor",
        "doctors",
        "superintendent",
        "chief",
    }
)
ARMED_NON_STATE = frozenset({INTER_REBELS, INTER_POLITICAL_MILITIA, INTER_IDENTITY_MILITIA})

UNCONFIRMED_RE = re.compile(
    r"confirmation[^.]{0,60}\bawaited|awaiting[^.]{0,30}confirmation|(?:could|can)\s?not\s+(?:be\s+)?"
    r"(?:independently\s+)?(?:verif|confirm)|not\s+(?:been\s+)?(?:independently\s+)?(?:verified|confirmed)|"
    r"no\s+(?:official|independent)\s+confirmation|unverified|yet\s+to\s+(?:be\s+)?(?:confirm|verif)",
    re.IGNORECASE,
)
RESPONSIBILITY_RE = re.compile(
    r"\b(?:claim(?:ed|s|ing)?|took|take[sn]?|accept(?:ed|s)?|own(?:ed|s)?\s+up)\s+"
    r"(?:the\s+)?(?:responsibility|credit)\b|\bclaim(?:ed|s)?\s+(?:the|this|that)\s+(?:attack|bombing|"
    r"assault|killing|operation|blast|ambush|raid)|\bannounce[sd]?\s+the\s+successful\s+completion",
    re.IGNORECASE,
)
# "No group has claimed responsibility", "nobody claimed", "yet to claim": no responsibility claim.
NEGATED_CLAIM_RE = re.compile(
    r"\b(?:no|not|nobody|none|never|neither|without)\b(?:\s+\w+){0,4}\s*$|\byet to\s*$|\bnot yet\s*$",
    re.IGNORECASE,
)
QUOTE_OPEN = '"“”„«'
HEDGE_RE = re.compile(r"\b(?:reportedly|allegedly|purportedly|unconfirmed reports?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Attribution:
    """A reporting cue in one sentence and who speaks."""

    sentence: Span
    cue: str  # the cue's lemma ("say", "claim", "according to", "quote")
    stance_hint: Stance | None  # from the cue alone: denied, alleged, confirmed or claimed
    person: str | None
    org: Actor | None
    official: bool  # the speaker is an official or neutral title (police, officials, hospital)


def find_attributions(doc: Doc, actors: Sequence[Actor]) -> list[Attribution]:
    """One attribution per sentence that has a reporting cue or sits inside quoted speech."""
    out: list[Attribution] = []
    last: Attribution | None = None
    person_org: dict[str, Actor] = {}
    for sent in doc.sents:
        attribution = _sentence_attribution(sent, actors, person_org, last)
        if attribution is None and last is not None and _continues_quote(sent):
            attribution = replace(last, sentence=_span(sent), cue="quote")
        if attribution is not None:
            full = _full_name(attribution.person, person_org)
            if full != attribution.person:
                attribution = replace(attribution, person=full, org=attribution.org or person_org.get(full or ""))
            if attribution.person and attribution.org:
                person_org[attribution.person] = attribution.org
            out.append(attribution)
            last = attribution
    return out


def _full_name(person: str | None, known: dict[str, Actor]) -> str | None:
    """ "Khan" after "Ahmad Khan": the full name introduced earlier."""
    if person is None or " " in person:
        return person
    return next((k for k in known if k.endswith(" " + person)), person)


def _span(sent: SpacySpan) -> Span:
    return Span(sent.start_char, sent.end_char, sent.text)


def _continues_quote(sent: SpacySpan) -> bool:
    """A sentence that opens with a quotation mark, or lies between quote marks, continues a quote."""
    text = sent.text.lstrip()
    return bool(text) and text[0] in QUOTE_OPEN


def _sentence_attribution(
    sent: SpacySpan, actors: Sequence[Actor], person_org: dict[str, Actor], last: Attribution | None
) -> Attribution | None:
    cue_token = _cue_token(sent)
    according = re.search(r"\baccording to\b", sent.text, re.IGNORECASE)
    if cue_token is None and according is None:
        return None
    lemma = cue_token.lemma_.lower() if cue_token is not None else "according to"
    region = _speaker_region(sent, cue_token, according)
    person, title = _speaker(sent, region)
    if person is None and title is None and last is not None and _has_subject_pronoun(cue_token):
        person, org, official = last.person, last.org, last.official
    else:
        org = _speaker_org(sent, region, person, person_org, actors)
        official = title in OFFICIAL_TITLES if title else False
        if org is not None and org.inter == 1 and title in {"police", "army", "military"}:
            official = True
    return Attribution(
        sentence=_span(sent),
        cue=lemma,
        stance_hint=_stance_of_cue(lemma),
        person=person,
        org=org,
        official=official,
    )


# Cues that report speech by themselves; the other reporting verbs ("maintain", "note", "add") do only when
# they govern a clause or the sentence carries a quotation.
SPEECH_CUES = frozenset({"say", "tell", "claim", "deny", "confirm", "accuse", "allege", "announce", "report"})


def _cue_token(sent: SpacySpan) -> Token | None:
    """The reporting verb nearest the root of the sentence's parse ("..., he said" over "Noting that ...")."""
    quoted = any(ch in sent.text for ch in QUOTE_OPEN)
    cues = [
        t
        for t in sent
        if t.pos_ in ("VERB", "AUX")
        and t.dep_ != "acl"  # "three civilians accused of spying": the participle describes the victims
        and t.lemma_.lower() in CUE_VERBS
        and (t.lemma_.lower() in SPEECH_CUES or quoted or any(c.dep_ == "ccomp" for c in t.children))
    ]
    return min(cues, key=_depth) if cues else None


def _depth(token: Token) -> int:
    depth = 0
    while token.head is not token and depth < 50:
        token = token.head
        depth += 1
    return depth


def _stance_of_cue(lemma: str) -> Stance | None:
    if lemma in DENY_VERBS:
        return Stance.DENIED
    if lemma in ALLEGE_VERBS:
        return Stance.ALLEGED
    if lemma in CONFIRM_VERBS:
        return Stance.CONFIRMED
    if lemma in CLAIM_VERBS:
        return Stance.CLAIMED
    return None


def _has_subject_pronoun(cue: Token | None) -> bool:
    return cue is not None and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("he", "she", "they", "it") for c in cue.children
    )


def _speaker_region(sent: SpacySpan, cue: Token | None, according: re.Match[str] | None) -> tuple[int, int]:
    """Character range of the speaker: the cue's subject, or the words after "according to"."""
    if according is not None:
        start = sent.start_char + according.end()
        return start, min(sent.end_char, start + 80)
    if cue is not None:
        subjects = [c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            tokens = [t for s in subjects for t in s.subtree]
            return min(t.idx for t in tokens), max(t.idx + len(t) for t in tokens)
        return cue.idx, cue.idx  # no subject: no speaker named
    return sent.start_char, sent.end_char


def _speaker(sent: SpacySpan, region: tuple[int, int]) -> tuple[str | None, str | None]:
    """The speaking person (a PERSON entity) and title word within the speaker region."""
    start, end = region
    persons = [e for e in sent.ents if e.label_ == "PERSON" and start <= e.start_char < end]
    person = persons[0].text if persons else None
    title = next((t.lower_ for t in sent if start <= t.idx < end and t.lower_ in SPEAKER_TITLES), None)
    return person, title


def _speaker_org(
    sent: SpacySpan,
    region: tuple[int, int],
    person: str | None,
    person_org: dict[str, Actor],
    actors: Sequence[Actor],
) -> Actor | None:
    """The organisation a speaker speaks for: named in the speaker region, known from before, or "its"."""
    if person and person in person_org:
        return person_org[person]
    start, end = region
    named = [a for a in actors if start <= a.evidence.spans[0].start < end and a.inter != INTER_CIVILIANS]
    if named:
        return named[0]
    # "its spokesman": the last armed group named before the sentence.
    if re.search(r"\b(?:its|their|the group's)\s+spokes", sent.text, re.IGNORECASE):
        before = [a for a in actors if a.evidence.spans[0].start < sent.start_char]
        armed = [a for a in before if a.inter in ARMED_NON_STATE]
        pool = armed or before
        return pool[-1] if pool else None
    return None


def is_unconfirmed_report(text: str) -> Span | None:
    """The words saying a figure awaits confirmation ("official confirmation ... is awaited"), if any."""
    match = UNCONFIRMED_RE.search(text)
    return Span(match.start(), match.end(), match.group(0)) if match else None


def figure_claims(
    figures: Sequence[Figure], attributions: Sequence[Attribution], text: str, doc_id: str
) -> list[Claim]:
    """One claim per figure, with claimant and stance by the rules in the module docstring."""
    unconfirmed = is_unconfirmed_report(text)
    sole_party = _sole_armed_claimant(attributions)
    claims: list[Claim] = []
    seen: set[tuple[int, int, str]] = set()
    for figure in figures:
        key = (figure.evidence.spans[0].start, figure.evidence.spans[0].end, figure.category.value)
        if key in seen:
            continue  # the same words read twice
        seen.add(key)
        start = figure.evidence.spans[0].start
        attribution = next((a for a in attributions if a.sentence.start <= start < a.sentence.end), None)
        claims.append(_figure_claim(figure, attribution, sole_party, text, doc_id))
    if unconfirmed is not None:
        claims = _mark_unconfirmed(claims, unconfirmed, text)
    return claims


def _paragraph_of(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end == -1 else end


def _mark_unconfirmed(claims: list[Claim], marker: Span, text: str) -> list[Claim]:
    """ "Confirmation is awaited" makes unconfirmed the claims it speaks of: those of the claimants whose claims
    stand in its paragraph (or, when none does, the paragraph before), wherever else they are in the report."""
    start, end = _paragraph_of(text, marker.start)
    near = [c for c in claims if c.stance is Stance.CLAIMED and start <= c.evidence.spans[0].start < end]
    if not near and start > 0:
        prev_start, _ = _paragraph_of(text, max(0, start - 2))
        near = [c for c in claims if c.stance is Stance.CLAIMED and prev_start <= c.evidence.spans[0].start < start]
    claimants = {c.claimant_org for c in near}
    return [
        replace(
            c,
            stance=Stance.UNCONFIRMED,
            evidence=replace(
                c.evidence,
                spans=(*c.evidence.spans, marker),
                reason=c.evidence.reason.replace("claimed:", "unconfirmed:", 1) + f"; '{marker.text}'",
            ),
        )
        if c.stance is Stance.CLAIMED and c.claimant_org in claimants
        else c
        for c in claims
    ]


def _sole_armed_claimant(attributions: Sequence[Attribution]) -> Attribution | None:
    """The one armed group speaking in a report where no official or other party speaks."""
    parties = {a.org.name for a in attributions if a.org is not None and a.org.inter in ARMED_NON_STATE}
    others = [a for a in attributions if a.official or (a.org is not None and a.org.inter not in ARMED_NON_STATE)]
    if len(parties) != 1 or others:
        return None
    party = [a for a in attributions if a.org is not None and a.org.inter in ARMED_NON_STATE]
    return next((a for a in party if a.person), party[0])  # the named spokesman, when there is one


def _figure_claim(
    figure: Figure,
    attribution: Attribution | None,
    sole_party: Attribution | None,
    text: str,
    doc_id: str,
) -> Claim:
    reason_parts: list[str] = []
    if attribution is None and sole_party is not None:
        attribution = sole_party
        reason_parts.append(
            f"unattributed figure in a report carrying only {sole_party.org and sole_party.org.name}'s statements"
        )
    stance = _figure_stance(figure, attribution)
    if attribution is not None:
        reason_parts.append(f"cue '{attribution.cue}'")
    spans = [figure.evidence.spans[0]]
    sentence = (
        attribution.sentence
        if attribution is not None and attribution.sentence.start <= spans[0].start < attribution.sentence.end
        else None
    )
    quote = sentence.text if sentence else _sentence_around(text, spans[0].start)
    if sentence is not None:
        spans.append(sentence)
    return Claim(
        kind=ClaimKind.FIGURE,
        stance=stance,
        evidence=Evidence(doc_id, tuple(spans), f"{stance.value}: " + "; ".join(reason_parts or ["no attribution"])),
        claimant_person=attribution.person if attribution else None,
        claimant_org=attribution.org.name if attribution and attribution.org else None,
        figure=figure,
        quote=quote,
    )


def _figure_stance(figure: Figure, attribution: Attribution | None) -> Stance:
    if attribution is None:
        return Stance.ALLEGED if figure.evidence.reason and HEDGE_RE.search(figure.evidence.reason) else Stance.REPORTED
    hint = attribution.stance_hint
    if hint in (Stance.DENIED, Stance.ALLEGED):
        return hint
    party = attribution.org is not None and attribution.org.inter in ARMED_NON_STATE
    state_on_enemy = (
        attribution.org is not None
        and attribution.org.inter == 1
        and figure.side is Side.ATTACKERS
        and not attribution.official
    )
    if party or state_on_enemy:
        return Stance.CLAIMED
    if hint is Stance.CONFIRMED:
        return Stance.CONFIRMED
    if hint is Stance.CLAIMED:
        return Stance.CLAIMED
    return Stance.REPORTED


def _sentence_around(text: str, index: int) -> str:
    start = max(text.rfind(". ", 0, index), text.rfind("\n", 0, index)) + 1
    end_candidates = [i for i in (text.find(". ", index), text.find("\n", index)) if i != -1]
    end = min(end_candidates) + 1 if end_candidates else len(text)
    return text[start:end].strip()


def responsibility_claims(doc: Doc, actors: Sequence[Actor], doc_id: str) -> list[Claim]:
    """Claims of responsibility: "X claimed responsibility for the attack"."""
    claims = []
    for sent in doc.sents:
        match = RESPONSIBILITY_RE.search(sent.text)
        if match is None or NEGATED_CLAIM_RE.search(sent.text[max(0, match.start() - 40) : match.start()]):
            continue
        speakers = [
            a
            for a in actors
            if sent.start_char <= a.evidence.spans[0].start < sent.end_char and a.inter != INTER_CIVILIANS
        ]
        org = speakers[0] if speakers else None
        cue = Span(sent.start_char + match.start(), sent.start_char + match.end(), match.group(0))
        claims.append(
            Claim(
                kind=ClaimKind.RESPONSIBILITY,
                stance=Stance.CLAIMED,
                evidence=Evidence(doc_id, (cue, _span(sent)), f"responsibility cue '{match.group(0)}'"),
                claimant_org=org.name if org else None,
                quote=sent.text.strip(),
            )
        )
    return claims


def allegation_claims(attributions: Sequence[Attribution], doc_id: str) -> list[Claim]:
    """Accusations ("the BLA accused the army of ..."): kept as allegations, never coded as events."""
    return [
        Claim(
            kind=ClaimKind.ALLEGATION,
            stance=Stance.ALLEGED,
            evidence=Evidence(doc_id, (a.sentence,), f"accusation cue '{a.cue}'"),
            claimant_person=a.person,
            claimant_org=a.org.name if a.org else None,
            quote=a.sentence.text.strip(),
        )
        for a in attributions
        if a.stance_hint is Stance.ALLEGED and a.cue in ALLEGE_VERBS
    ]
