"""The figures stage: how many people were killed, injured, detained or abducted, and whose they were.

``find_figures(doc, doc_id)`` reads a parsed spaCy ``Doc`` and returns one
:class:`~conflictlens.records.Figure` per counted mention, in text order. It works in three steps:

1. **Counts.** Digits ("68", "1,200"), number words ("seven", "twenty-two", "two hundred and fifty"), vague
   quantities ("a dozen", "dozens", "scores", "hundreds"), ranges ("10 to 15", "8-10", "between 10 and 15"),
   "both" / "another", an indefinite article where it counts one person ("a soldier was killed"), a singular
   definite person, pronoun or body ("the officer died", "shot him dead", "a body was found"), a named
   person ("gunmen shot dead Ram Singh") in a victim's position, and negations ("no one was hurt", "no
   casualties") which count zero. The words before a count give its
   :class:`~conflictlens.records.Qualifier` ("at least", "nearly", "about"). Dates, ages, times, amounts
   and compound adjectives ("9 May", "Ram Singh (45)", "20-hour") are not counts.
2. **Category.** The dependency parse links the count to what happened to the people it counts: the
   count's noun is the passive subject or the object of a casualty verb ("68 soldiers were killed",
   "killing 68 soldiers"), the subject of an intransitive one ("two people died", "lost their lives"), is
   modified by a casualty participle ("20 fighters killed", "3 dead"), or sits in a toll phrase ("the death
   toll rose to 12", "the deaths of 130"). When the parse leaves a count unattached, the noun phrase right
   after it is read instead, then a casualty word right after the count (or a casualty verb right before
   it), marked "nearby" in the reason. A count with no casualty word ("800 fighters were involved", "22
   vehicles", "12 hours", "2005") is not a figure, and neither are the killers ("three gunmen shot dead a
   shopkeeper"), attempts and negations ("attempted to assassinate", "were not injured"), alternatives
   ("killed, injured or captured") and the tolls of earlier events named as the reason for something else
   ("arrested for the blast in which eight policemen were killed", "a protest over the death of a man").
3. **Side.** The counted noun and its modifiers: state forces, civilians, attackers or unknown. A generic
   noun ("members", "fighters", "personnel") takes its modifier's side ("BLA fighters", "army personnel");
   civic roles and trades found only by their ending ("activist", "a tailor") are civilians.

``low`` is always the number as stated; ``high`` is the same number for exact, "about" and "at most"
figures, the upper end of a range, and ``None`` for open-ended ("at least", "over", "dozens") figures.

"Casualties" is ambiguous (killed *or* injured). Rule: "no casualties" counts zero killed and zero injured;
"N casualties" is not a figure of either category unless the noun is qualified ("N injured casualties").

:func:`total_by_category` adds a document's figures of one category without counting the same people
twice; the rule is documented there.

The word lists and windows were tuned together on the acled, satp and gtd dev suites, on patterns that
recur across records (``benchmarks/figures_dates_check.py`` prints the scores and the mismatches).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .records import Category, Evidence, Figure, Qualifier, Side, Span

if TYPE_CHECKING:  # pragma: no cover - typing only, keeps spaCy off the import path
    from spacy.tokens import Doc, Token


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ---------------------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------------------

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "lakh": 100_000, "million": 1_000_000}
NUMBER_WORDS = {**UNITS, **TENS, **SCALES}

# Vague plurals: the smallest number the word can mean, as an open-ended (AT_LEAST) figure.
# "dozens" is at least two dozen, "scores" at least two score, "hundreds" at least two hundred.
VAGUE_PLURALS = {"dozens": 24, "scores": 40, "tens": 20, "hundreds": 200, "thousands": 2_000}

_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
_DIGIT_RANGE = re.compile(r"^(\d+)[-–](\d+)$")
# A digit count above this is a year, an amount or an id, not people in one report (larger tolls are
# always written with a comma or a word: "1,200", "two thousand").
MAX_PLAIN_DIGITS = 1899

MONTH_WORDS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
# Qualifier phrases, matched on the lower-cased words right before a count (longest first).
QUALIFIER_PHRASES: tuple[tuple[tuple[str, ...], Qualifier], ...] = tuple(
    sorted(
        [
            (("at", "least"), Qualifier.AT_LEAST),
            (("not", "less", "than"), Qualifier.AT_LEAST),
            (("no", "fewer", "than"), Qualifier.AT_LEAST),
            (("no", "less", "than"), Qualifier.AT_LEAST),
            (("more", "than"), Qualifier.AT_LEAST),
            (("over",), Qualifier.AT_LEAST),
            (("above",), Qualifier.AT_LEAST),
            (("upwards", "of"), Qualifier.AT_LEAST),
            (("in", "excess", "of"), Qualifier.AT_LEAST),
            (("nearly",), Qualifier.AT_MOST),
            (("almost",), Qualifier.AT_MOST),
            (("up", "to"), Qualifier.AT_MOST),
            (("as", "many", "as"), Qualifier.AT_MOST),
            (("less", "than"), Qualifier.AT_MOST),
            (("fewer", "than"), Qualifier.AT_MOST),
            (("under",), Qualifier.AT_MOST),
            (("about",), Qualifier.ABOUT),
            (("around",), Qualifier.ABOUT),
            (("approximately",), Qualifier.ABOUT),
            (("approx",), Qualifier.ABOUT),
            (("roughly",), Qualifier.ABOUT),
            (("some",), Qualifier.ABOUT),
            (("an", "estimated"), Qualifier.ABOUT),
            (("estimated",), Qualifier.ABOUT),
        ],
        key=lambda item: -len(item[0]),
    )
)

MAX_QUALIFIER_WORDS = max(len(phrase) for phrase, _ in QUALIFIER_PHRASES)

# ---------------------------------------------------------------------------------------------------------
# What happened to the people counted
# ---------------------------------------------------------------------------------------------------------

# Transitive verbs whose object (or passive subject) is the victim.
VICTIM_OBJECT_VERBS: dict[str, Category] = {
    "kill": Category.KILLED, "kiled": Category.KILLED, "murder": Category.KILLED, "slay": Category.KILLED,
    "assassinate": Category.KILLED, "execute": Category.KILLED, "lynch": Category.KILLED,
    "behead": Category.KILLED, "decapitate": Category.KILLED, "massacre": Category.KILLED,
    "martyr": Category.KILLED, "martyre": Category.KILLED, "neutralise": Category.KILLED,
    "neutralize": Category.KILLED, "eliminate": Category.KILLED, "slaughter": Category.KILLED,
    "injure": Category.INJURED, "wound": Category.INJURED, "assault": Category.INJURED,
    "hurt": Category.INJURED, "maim": Category.INJURED,
    "hospitalise": Category.INJURED, "hospitalize": Category.INJURED,
    "arrest": Category.DETAINED, "detain": Category.DETAINED, "apprehend": Category.DETAINED,
    "capture": Category.DETAINED, "nab": Category.DETAINED, "hold": Category.DETAINED,
    "abduct": Category.ABDUCTED, "kidnap": Category.ABDUCTED, "seize": Category.ABDUCTED,
}  # fmt: skip
# Verbs whose subject is the victim ("two people died").
VICTIM_SUBJECT_VERBS: dict[str, Category] = {
    "die": Category.KILLED,
    "perish": Category.KILLED,
    "succumb": Category.KILLED,
}
# Nouns and adjectives that name the outcome itself ("2 fatalities", "3 dead", "the deaths of 130").
OUTCOME_WORDS: dict[str, Category] = {
    "dead": Category.KILLED, "death": Category.KILLED, "deaths": Category.KILLED,
    "fatality": Category.KILLED, "fatalities": Category.KILLED, "body": Category.KILLED,
    "bodies": Category.KILLED, "corpse": Category.KILLED, "corpses": Category.KILLED,
    "killed": Category.KILLED, "deceased": Category.KILLED, "toll": Category.KILLED,
    "killing": Category.KILLED, "killings": Category.KILLED, "martyrdom": Category.KILLED,
    "injured": Category.INJURED, "wounded": Category.INJURED, "injury": Category.INJURED,
    "injuries": Category.INJURED, "hurt": Category.INJURED,
    "arrested": Category.DETAINED, "arrest": Category.DETAINED, "arrests": Category.DETAINED,
    "detained": Category.DETAINED, "detainee": Category.DETAINED, "detainees": Category.DETAINED,
    "hostage": Category.ABDUCTED, "hostages": Category.ABDUCTED, "abducted": Category.ABDUCTED,
    "kidnapped": Category.ABDUCTED, "captive": Category.ABDUCTED, "captives": Category.ABDUCTED,
}  # fmt: skip
# Words that say a count is a whole toll, not one part of it (used by total_by_category).
TOTAL_WORDS = frozenset({"toll", "total", "altogether", "overall", "tally"})
# Verbs that move a toll to a new number: "the death toll rose to 12".
TOLL_VERBS = frozenset({"rise", "climb", "reach", "increase", "jump", "go", "mount", "stand", "touch", "hit"})
# Quantity nouns to look through: "a total of 12 people", "a group of 5 men".
QUANTITY_NOUNS = frozenset({"total", "number", "group", "batch", "team", "band", "gang", "family"})
# "killing 3" / "3 killed": how far a casualty word may stand from the count when the parse finds no link.
# Chosen small (one or two words) on acled/satp dev: wider windows picked up the verb of the next clause.
NEARBY_AFTER = 2
NEARBY_BEFORE = 2

# ---------------------------------------------------------------------------------------------------------
# Whose people
# ---------------------------------------------------------------------------------------------------------


STATE_WORDS = _words(
    """soldier soldiers troop troops trooper troopers personnel police policeman policemen policewoman
    policewomen cop cops constable constables officer officers jawan jawans army military paramilitary
    paramilitaries levies guard guards guardsman guardsmen commando commandos marine marines serviceman
    servicemen sepoy sepoys ranger rangers crpf bsf itbp ssb cisf cobra drg stf sog gendarme gendarmes
    gendarmerie security forces force sergeant corporal lieutenant captain colonel major inspector
    sub-inspector superintendent commandant havildar naik subedar sho asi fc peacekeeper peacekeepers fardc
    amisom spo spos militiaman homeguard homeguards"""
)
ATTACKER_WORDS = _words(
    """militant militants insurgent insurgents fighter fighters rebel rebels attacker attackers gunman
    gunmen terrorist terrorists fidayee fidayeen maoist maoists naxal naxals naxalite naxalites extremist
    extremists bomber bombers jihadist jihadists jihadi jihadis assailant assailants perpetrator
    perpetrators cadre cadres guerrilla guerrillas separatist separatists kidnapper kidnappers abductor
    abductors shooter shooters taliban shabaab cpi-maoist ltte"""
)
CIVILIAN_WORDS = _words(
    """civilian civilians people person persons villager villagers passenger passengers child children
    kid kids boy boys girl girls woman women man men student students worker workers labourer labourers
    laborer laborers protester protesters protestor protestors demonstrator demonstrators farmer farmers
    resident residents trader traders shopkeeper shopkeepers businessman businessmen journalist
    journalists reporter reporters doctor doctors nurse nurses teacher teachers driver drivers
    pedestrian pedestrians bystander bystanders pilgrim pilgrims worshipper worshippers tourist tourists
    refugee refugees migrant migrants herder herders fisherman fishermen miner miners infant infants
    baby babies teenager teenagers youth youths relative relatives wife husband son
    sons daughter daughters father mother brother brothers sister sisters elder elders priest priests
    imam cleric pastor individual individuals inhabitant inhabitants local locals employee employees
    contractor contractors engineer engineers voter voters teen teens minor minors tribesman tribesmen
    agent agents resident student merchant merchants servant servants migrant immigrant immigrants
    informant informants assistant assistants attendant attendants participant participants tenant tenants
    peasant peasants tribal tribals peon peons schoolboy schoolboys schoolgirl schoolgirls schoolchildren
    secretary president councillor councillors mukhiya
    sarpanch villager"""
)
# Person nouns that are neither side by themselves: their modifiers decide ("QSD member", "BLA fighter").
GENERIC_PERSON_WORDS = _words(
    """member members man men personnel fighter fighters force forces cadre cadres official officials
    leader leaders commander commanders element elements supporter supporters activist activists victim
    victims suspect suspects prisoner prisoners inmate inmates detainee detainees other others one
    individual individuals person persons people chief chiefs politician politicians worker workers"""
)
PERSON_WORDS = STATE_WORDS | ATTACKER_WORDS | CIVILIAN_WORDS | GENERIC_PERSON_WORDS
# Generic words that are civilians unless a modifier says otherwise ("Maoist supporters" are attackers).
CIVIC_ROLE_WORDS = _words("activist activists supporter supporters politician politicians official officials")
# Nouns a count can quantify that are never people: such a count is never a figure.
NON_PERSON_WORDS = _words(
    """hour hours day days week weeks month months year years minute minutes second seconds time times
    vehicle vehicles car cars truck trucks bus buses house houses home homes building buildings shop shops
    km kilometre kilometres kilometer kilometers mile miles metre metres meter meters kg round rounds
    bullet bullets shell shells rocket rockets mortar mortars missile missiles bomb bombs ied ieds
    weapon weapons rifle rifles gun guns pistol pistols grenade grenades detonator detonators
    cartridge cartridges village villages district districts event events incident incidents attack
    attacks case cases percent per cent acre acres hectare hectares camp camps post posts checkpoint
    checkpoints school schools phone phones motorcycle motorcycles bike bikes tonne tonnes litre litres
    rupees dollars euros page pages number border order water power quarter center centre corner shelter
    tower river matter letter paper computer container poster helicopter tractor sector factor monitor
    motor door floor error member-state headquarter headquarters encounter murder banner cover manner winter
    summer trigger hunger danger anger theater theatre charter transfer answer prayer corridor armour
    behaviour harbour colour favour honour terror horror reactor radar bunker bunkers hideout hideouts
    chamber cluster point points place places location locations area areas kilogram
    kilograms gram grams piece pieces round-trip times"""
)
# Endings that make a noun a word for people ("herdsmen", "loyalists", "supporters", "Shiites").
PERSON_SUFFIXES = ("men", "man", "ers", "ors", "ists", "ians", "ees", "ites", "ants", "ents", "ives")
# Casualty verbs that also take things as objects: their count must name people.
AMBIGUOUS_TRIGGERS = frozenset(
    {
        "execute",
        "hold",
        "capture",
        "seize",
        "eliminate",
        "neutralise",
        "neutralize",
        "take",
        "pick",
        "round",
        "nab",
        "claim",
        "carry",
        "conduct",
        "leave",
        "report",
        "find",
    }
)
# The same for one person ("a trader", "a councilor", "a pastoralist", "a trafficker").
SINGULAR_PERSON_SUFFIXES = ("man", "er", "or", "ist", "ian", "ee", "ite", "guard")
PEOPLE_WORDS_FOR_DEDUP = frozenset(
    {"people", "persons", "person", "individuals", "others", "victims", "victim", "him", "her", "he", "she",
     "body", "bodies", "corpse", ""}
)  # fmt: skip


@dataclass(frozen=True)
class _Count:
    """A count found in the text, before we know what it counts."""

    first: int  # token index where the mention starts (qualifier included)
    last: int  # token index of the last token of the count itself
    anchor: int  # token used for the parse: the number's own token, or the noun an article counts
    low: int
    high: int | None
    qualifier: Qualifier
    kind: str  # "number", "article", "definite", "name", "none"


@dataclass(frozen=True)
class _Outcome:
    category: Category
    trigger: Token | None
    how: str


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


def number_value(text: str) -> int | None:
    """The integer a number written in digits or English words means ("1,200", "twenty-two"), else None."""
    words = [w for w in re.split(r"[\s\-–]+", text.lower().strip()) if w and w != "and"]
    if not words:
        return None
    if len(words) == 1 and _DIGITS.match(words[0]):
        return int(words[0].replace(",", ""))
    if words[0] in ("a", "an") and len(words) > 1:
        words[0] = "one"
    dozens = words[-1] == "dozen"
    if dozens:
        words = words[:-1] or ["one"]
    if all(w in NUMBER_WORDS for w in words):
        return _words_value(words) * (12 if dozens else 1)
    return None


def find_figures(doc: Doc, doc_id: str) -> list[Figure]:
    """Every figure (people killed, injured, detained, abducted) mentioned in ``doc``, in text order."""
    text = doc.text  # Doc.text joins every token: read it once
    counts = _find_counts(doc, text)
    figures: list[Figure] = []
    counted_nouns: set[int] = set()
    for count in counts:
        figures.extend(_figures_from_count(doc, text, doc_id, count, counted_nouns))
    figures.sort(key=lambda f: (f.evidence.spans[0].start, f.category.value))
    return figures


def total_by_category(figures: Sequence[Figure], category: Category, text: str | None = None) -> int | None:
    """The number of people of ``category`` in a document's figures, each person counted once.

    ``None`` when no figure of that category was found (unknown, not zero). The rule, in order:

    1. *Parts of a figure just stated* are dropped ("killed five, including two children"): a figure whose
       preceding words, since the figure before it, hold "including", "among them", "of whom" or "of them".
       Needs ``text`` (the document text); without it this step is skipped.
    2. *Restatements* count once: figures with the same numbers whose sides agree (the same side, or one
       unknown) and whose nouns agree (the same noun, or one of them generic: "people", "persons", none).
       "killing 3 soldiers ... the three soldiers" and "two civilians were killed ... 2 fatalities".
    3. *Totals that restate parts*: a figure equal to the sum of two or more others replaces them
       ("two policemen and a civilian were killed, bringing the toll to three"); a toll or total figure
       ("the death toll rose to 12", "a total of 12") at least as large as all the others replaces them all.
    4. The low ends of what is left are added (ACLED's conservative reading of "at least", ranges).
    """
    chosen = [f for f in figures if f.category is category]
    if not chosen:
        return None
    chosen.sort(key=lambda f: f.evidence.spans[0].start)
    if text is not None:
        chosen = _drop_parts(chosen, text)
    chosen = _drop_restatements(chosen)
    chosen = _drop_summed_parts(chosen)
    return sum(f.low for f in chosen)


def is_total(figure: Figure) -> bool:
    """True when the figure is stated as a whole toll ("the death toll rose to 12", "a total of 12")."""
    return any(word in TOTAL_WORDS for span in figure.evidence.spans for word in span.text.lower().split())


# ---------------------------------------------------------------------------------------------------------
# Step 1: counts
# ---------------------------------------------------------------------------------------------------------


def _words_value(words: Sequence[str]) -> int:
    total, current = 0, 0
    for word in words:
        if word in SCALES:
            scale = SCALES[word]
            current = max(current, 1) * scale
            if scale >= 1000:
                total, current = total + current, 0
        else:
            current += NUMBER_WORDS[word]
    return total + current


# Words a count can start with (besides digits and person names); every other token is skipped at once.
COUNT_STARTERS = (
    NUMBER_WORDS.keys()
    | VAGUE_PLURALS.keys()
    | {"a", "an", "half", "no", "none", "nobody", "not", "both", "another", "dozen", "him", "her", "he", "she"}
    | {"the", "his", "its", "their", "our", "my", "your", "this", "that"}
)


@functools.lru_cache(maxsize=1)
def _starter_ids() -> frozenset[int]:
    from spacy.strings import get_string_id

    return frozenset(get_string_id(word) for word in COUNT_STARTERS)


def _find_counts(doc: Doc, text: str) -> list[_Count]:
    from spacy.attrs import DEP, IDX, LOWER
    from spacy.strings import get_string_id

    starters = _starter_ids()
    poss = get_string_id("poss")  # "Murmu's son": a possessive name before a person noun
    person_starts = {ent.start for ent in doc.ents if ent.label_ == "PERSON"}
    # Reading attribute columns is far cheaper than making a Token object for every word.
    counts: list[_Count] = []
    next_free = 0
    for i, (lower, idx, dep) in enumerate(doc.to_array([LOWER, IDX, DEP]).tolist()):
        if i < next_free or not (lower in starters or text[idx].isdigit() or i in person_starts or dep == poss):
            continue
        found = _count_at(doc, i)
        if found is not None:
            counts.append(found)
            next_free = found.last + 1
    return counts


def _count_at(doc: Doc, i: int) -> _Count | None:
    tok = doc[i]
    low = tok.lower_
    if low in ("no", "none", "nobody") or (low == "not" and i + 1 < len(doc) and doc[i + 1].lower_ == "a"):
        return _negation_at(doc, i)
    number = _number_at(doc, i)
    if number is not None:
        value, last, vague = number
        return _with_range_and_qualifier(doc, i, last, value, vague)
    if low in ("a", "an") and tok.dep_ == "det":
        return _article_at(doc, i)
    if low == "both" and tok.dep_ != "preconj":
        return _Count(i, i, i, 2, 2, Qualifier.EXACT, "number")
    if low == "another":
        if i + 1 < len(doc) and _number_at(doc, i + 1) is not None and doc[i + 1].lower_ != "one":
            return None  # "another three men": the number counts
        last = i + 1 if i + 1 < len(doc) and doc[i + 1].lower_ == "one" else i
        return _Count(i, last, last, 1, 1, Qualifier.EXACT, "number")
    if tok.dep_ in ("det", "poss") and tok.head.tag_ == "NN" and tok.head.i > i and low not in ("no", "every"):
        noun = tok.head
        if noun.lower_ not in ("people", "police", "one", "other") and (
            _is_person_noun(noun) or noun.lower_ in ("body", "corpse")
        ):
            return _Count(i, noun.i, noun.i, 1, 1, Qualifier.EXACT, "definite")
    if (low in ("him", "her") and tok.dep_ == "dobj") or (low in ("he", "she") and tok.dep_ == "nsubjpass"):
        return _Count(i, i, i, 1, 1, Qualifier.EXACT, "definite")  # "shot him dead", "he was abducted"
    if tok.ent_type_ == "PERSON" and tok.ent_iob_ == "B":
        ent_end = i
        while ent_end + 1 < len(doc) and doc[ent_end + 1].ent_iob_ == "I":
            ent_end += 1
        head = doc[ent_end]
        if head.dep_ != "compound":
            return _Count(i, ent_end, ent_end, 1, 1, Qualifier.EXACT, "name")
    return None


def _number_at(doc: Doc, i: int) -> tuple[int, int, bool] | None:
    """(value, last token index, vague) of a number starting at token ``i``."""
    tok = doc[i]
    low = tok.lower_
    if _DIGITS.match(low):
        if _is_not_a_count(doc, i):
            return None
        value = int(low.replace(",", ""))
        if "," not in low and value > MAX_PLAIN_DIGITS:
            return None
        return value, i, False
    if low in VAGUE_PLURALS:
        return VAGUE_PLURALS[low], i, True
    if low in ("a", "an", "half") and i + 1 < len(doc) and doc[i + 1].lower_ == "dozen":
        return 12, i + 1, False
    if low == "half" and i + 2 < len(doc) and doc[i + 1].lower_ == "a" and doc[i + 2].lower_ == "dozen":
        return 6, i + 2, False
    if low == "a" and i + 2 < len(doc) and doc[i + 1].lower_ == "couple" and doc[i + 2].lower_ == "of":
        return 2, i + 1, False
    if low in NUMBER_WORDS and low not in SCALES:
        if low == "one" and _one_is_not_a_count(doc, i):
            return None
        words = [low]
        j = i
        while j + 1 < len(doc):
            nxt = doc[j + 1].lower_
            if nxt in NUMBER_WORDS:
                words.append(nxt)
                j += 1
            elif (
                nxt in ("-", "and")
                and j + 2 < len(doc)
                and doc[j + 2].lower_ in NUMBER_WORDS
                and (nxt == "-" or words[-1] in SCALES)
            ):
                j += 1
            else:
                break
        if j + 1 < len(doc) and doc[j + 1].lower_ == "dozen":
            return _words_value(words) * 12, j + 1, False
        if _is_not_a_count(doc, j):
            return None
        return _words_value(words), j, False
    if low == "dozen" and (i == 0 or doc[i - 1].lower_ not in ("a", "half")):
        return 12, i, False
    return None


def _one_is_not_a_count(doc: Doc, i: int) -> bool:
    """ "one another", "no one", "one of its most significant operations" is still checked later."""
    prev = doc[i - 1].lower_ if i else ""
    nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
    return prev in ("no", "any", "every", "some", "each", "the", "this", "that") or nxt in ("another", "day")


def _is_not_a_count(doc: Doc, last: int) -> bool:
    """A number that is part of a date, an age, a time, an amount or a compound adjective ("20-hour")."""
    tok = doc[last]
    nxt = doc[last + 1] if last + 1 < len(doc) else None
    prev = doc[last - 1] if last > 0 else None
    if tok.ent_type_ in ("MONEY", "PERCENT", "ORDINAL"):
        return True
    if (nxt is not None and nxt.lower_.rstrip(".") in MONTH_WORDS and nxt.text[:1].isupper()) or (
        prev is not None and prev.lower_.rstrip(".") in MONTH_WORDS and prev.text[:1].isupper()
    ):
        return True  # "8 May", "May 8"
    if nxt is not None and nxt.text in ("-", "–") and last + 2 < len(doc):
        after = doc[last + 2].lower_
        if after not in NUMBER_WORDS and not _DIGITS.match(after):
            return True  # "20-hour", "45-year-old", "12-member"
    if nxt is not None and nxt.lower_ in ("%", "pm", "am", "p.m.", "a.m.", "percent", "per", "o'clock"):
        return True
    if prev is not None and prev.lower_ in ("aged", "age", "no", "no.", "number", "#", "$", "rs", "rs."):
        return True
    if prev is not None and prev.text == "(" and nxt is not None and nxt.text == ")":
        return True  # "Ram Singh (45)": an age
    if (
        prev is not None
        and prev.text == ","
        and last >= 2
        and doc[last - 2].pos_ == "PROPN"
        and nxt is not None
        and nxt.text == ","
    ):
        return True  # "Ram Singh, 45, was": an age
    return bool(prev is not None and prev.text in (":", "/", ".") and not prev.whitespace_)


def _with_range_and_qualifier(doc: Doc, start: int, last: int, value: int, vague: bool) -> _Count | None:
    high: int | None = value
    qualifier = Qualifier.AT_LEAST if vague else Qualifier.EXACT
    if vague:
        high = None
    range_match = _DIGIT_RANGE.match(doc[start].text) if start == last else None
    if range_match:
        value, high, qualifier = int(range_match.group(1)), int(range_match.group(2)), Qualifier.RANGE
    first = start
    # ranges: "10 to 15", "10-15", "10 or 12", "between 10 and 15"
    if not vague and last + 2 < len(doc) and doc[last + 1].lower_ in ("to", "-", "–", "or"):
        second = _number_at(doc, last + 2)
        if second is not None and not second[2] and second[0] > value:
            high, last, qualifier = second[0], second[1], Qualifier.RANGE
    between = start > 0 and doc[start - 1].lower_ == "between" and qualifier is Qualifier.EXACT
    if between and last + 2 < len(doc) and doc[last + 1].lower_ == "and":
        second = _number_at(doc, last + 2)
        if second is not None and second[0] > value:
            high, last, qualifier, first = second[0], second[1], Qualifier.RANGE, start - 1
    if qualifier in (Qualifier.EXACT, Qualifier.AT_LEAST):
        found = _qualifier_before(doc, start)
        if found is not None:
            words, stated = found
            first = start - words
            if not (vague and stated is not Qualifier.AT_LEAST):
                qualifier = stated
                high = None if qualifier is Qualifier.AT_LEAST else value
    anchor = _anchor_token(doc, start, last)
    if doc[start].lower_ == "half":
        anchor = last
    return _Count(first, last, anchor, value, high, qualifier, "number")


def _qualifier_before(doc: Doc, start: int) -> tuple[int, Qualifier] | None:
    before = tuple(doc[k].lower_ for k in range(max(0, start - MAX_QUALIFIER_WORDS), start))
    for phrase, qualifier in QUALIFIER_PHRASES:
        if len(before) >= len(phrase) and before[len(before) - len(phrase) :] == phrase:
            return len(phrase), qualifier
    return None


def _anchor_token(doc: Doc, start: int, last: int) -> int:
    """The token of ``doc[start:last+1]`` whose head lies outside it (the one the parse attaches)."""
    for k in range(last, start - 1, -1):
        head = doc[k].head.i
        if head < start or head > last or head == k:
            return k
    return last


def _name_in_victim_slot(noun: Token) -> bool:
    """A named person counts only as the subject or object of the casualty word itself, or "death of X"."""
    if noun.dep_ in ("nsubjpass", "nsubj", "dobj"):
        return True
    if noun.dep_ == "conj":
        return noun.head.ent_type_ == "PERSON" or noun.head.lower_ in PERSON_WORDS
    return noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lower_ in OUTCOME_WORDS


def _restates_head(noun: Token) -> bool:
    """ "Ram Singh, a villager": an apposition that renames one person, not "two officers, a bystander"."""
    head = noun.head
    return (
        noun.dep_ == "appos"
        and head.tag_ != "NNS"
        and (head.ent_type_ == "PERSON" or head.lower_ in PERSON_WORDS or head.pos_ == "PRON")
        and not _is_place(head)
    )


def _is_place(tok: Token) -> bool:
    """A place name, or any name in a place phrase ("in Varzea Grande, Mato Grosso": NER may call it a person)."""
    if tok.ent_type_ in ("GPE", "LOC", "FAC"):
        return True
    if tok.pos_ != "PROPN":
        return False
    while tok.dep_ in ("conj", "appos") and tok.head != tok:
        tok = tok.head
    return tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPOSITIONS


LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "inside", "around", "across", "from", "to"})


def _is_person_noun(noun: Token) -> bool:
    """A singular noun for one person: a known person word or a person-forming suffix ("councilor")."""
    low = noun.lower_
    if low in PERSON_WORDS:
        return True
    return low not in NON_PERSON_WORDS and noun.ent_type_ == "" and low.endswith(SINGULAR_PERSON_SUFFIXES)


# Dependencies only a noun takes: "killed a civilian" with "civilian" mis-tagged as an adjective.
_NOMINAL_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "pobj", "appos", "conj"})


def _article_at(doc: Doc, i: int) -> _Count | None:
    noun = doc[i].head
    tagged_as_noun = noun.tag_ in ("NN", "NNP") or (noun.tag_ == "JJ" and noun.dep_ in _NOMINAL_DEPS)
    if noun.i <= i or not (tagged_as_noun or noun.lower_ == "personnel"):
        return None
    if not (_is_person_noun(noun) or noun.lower_ in ("body", "corpse")):
        return None
    if any(c.dep_ in ("nummod", "quantmod") for c in noun.children):
        return None  # "an additional 62 personnel": the number counts, not the article
    if any(t.lower_ in ("number", "few", "couple", "lot", "total", "group") for t in doc[i + 1 : noun.i]):
        return None
    return _Count(i, noun.i, noun.i, 1, 1, Qualifier.EXACT, "article")


def _negation_at(doc: Doc, i: int) -> _Count | None:
    tok = doc[i]
    low = tok.lower_
    if low in ("none", "nobody"):
        return _Count(i, i, i, 0, 0, Qualifier.EXACT, "none")
    if i + 1 >= len(doc):
        return None
    nxt = doc[i + 1]
    if low == "no" and nxt.lower_ == "one":
        return _Count(i, i + 1, i + 1, 0, 0, Qualifier.EXACT, "none")
    if low == "not" and nxt.lower_ == "a" and i + 2 < len(doc) and doc[i + 2].lower_ in ("single", "soul"):
        return _Count(i, i + 2, i + 2, 0, 0, Qualifier.EXACT, "none")
    if low == "no":
        # "no casualties", "no injuries", "no reported deaths", "no soldiers were killed"
        j = i + 1
        while j < len(doc) and j <= i + 3 and doc[j].pos_ in ("ADJ", "VERB") and doc[j].tag_ != "VBN":
            j += 1
        if j < len(doc) and doc[j].lower_ in ("reported",):
            j += 1
        if j < len(doc) and (
            doc[j].lower_ in PERSON_WORDS
            or doc[j].lower_ in OUTCOME_WORDS
            or doc[j].lower_ in ("casualty", "casualties", "loss", "lives")
        ):
            return _Count(i, j, j, 0, 0, Qualifier.EXACT, "none")
    return None


# ---------------------------------------------------------------------------------------------------------
# Step 2: what a count counts
# ---------------------------------------------------------------------------------------------------------


def _figures_from_count(doc: Doc, text: str, doc_id: str, count: _Count, counted: set[int]) -> list[Figure]:
    anchor = doc[count.anchor]
    noun = _counted_noun(anchor, count)
    if noun is None:
        return []
    if count.kind in ("article", "definite", "name") and (noun.i in counted or _restates_head(noun)):
        return []
    if count.kind == "name" and not _name_in_victim_slot(noun):
        return []
    if count.kind == "none":
        outcomes = _zero_outcomes(doc, noun)
    else:
        outcome, noun = _outcome_of(noun, count) if _may_count_people(noun, count) else (None, noun)
        outcomes = [outcome] if outcome is not None else []
    if not outcomes:
        return []
    trigger = outcomes[0].trigger
    if trigger is not None and trigger.lemma_.lower() in AMBIGUOUS_TRIGGERS and not _looks_like_people(noun):
        return []  # "executed an operation", "held a meeting", "seized 12 rifles"
    if trigger is not None and count.kind != "none" and _is_unrealised(trigger):
        return []  # "attempted to assassinate", "were not injured"
    if trigger is not None and _is_either_or(trigger):
        return []  # "3 militants were killed, injured or captured": which of them is not said
    if trigger is not None and _is_background(trigger):
        return []  # "arrested for the blast in which eight policemen were killed": another, earlier event
    if count.kind != "none" and trigger is not None:
        outcomes += _chained_outcomes(trigger, {o.category for o in outcomes})
    counted.add(noun.i)
    side = _side_of(doc, noun, count)
    words, end = _victim_words(doc, count, noun)
    start_char = doc[count.first].idx
    mention = Span(start_char, end, text[start_char:end])
    out = []
    for outcome in outcomes:
        spans = [mention]
        if outcome.trigger is not None and not (start_char <= outcome.trigger.idx < end):
            t = outcome.trigger
            spans.append(Span(t.idx, t.idx + len(t.text), t.text))
        reason = f"{outcome.category.value}: {outcome.how}"
        out.append(
            Figure(
                low=count.low,
                high=count.high,
                qualifier=count.qualifier,
                category=outcome.category,
                side=side,
                evidence=Evidence(doc_id, tuple(spans), reason),
                victim_words=words,
            )
        )
    return out


def _counted_noun(anchor: Token, count: _Count) -> Token | None:
    """The noun a count quantifies: its head for "68 soldiers", itself for "killing 3" / "3 were hurt"."""
    if count.kind != "number":
        return anchor
    if anchor.dep_ in ("nummod", "quantmod", "det", "amod", "compound") and anchor.head.i > anchor.i:
        head = anchor.head
        between = anchor.doc[anchor.i + 1 : head.i]
        if head.lower_ in OUTCOME_WORDS and any(t.dep_ == "cc" for t in between):
            return anchor  # "the deaths of 130 Pakistani and numerous injuries": 130 does not count injuries
        while head.dep_ in ("compound", "nmod") and head.head.i > head.i and head.head.pos_ in ("NOUN", "PROPN"):
            head = head.head  # "Four Railway Protection Force (RPF) personnel"
        return head
    return anchor


def _of_object(tok: Token) -> Token | None:
    """The noun in "one of the soldiers", "dozens of people"."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def _looks_like_people(tok: Token) -> bool:
    """A noun that names people: a known person word, a people or person name, a pronoun, or a
    person-forming suffix ("herdsmen", "supporters", "loyalists", "Hazaras" is caught as NORP)."""
    low = tok.lower_
    if low in PERSON_WORDS or tok.ent_type_ in ("NORP", "PERSON") or tok.pos_ == "PRON":
        return True
    if low in NON_PERSON_WORDS:
        return False
    return low.endswith(PERSON_SUFFIXES) or (tok.pos_ == "NUM" and _of_object(tok) is None)


def _may_count_people(noun: Token, count: _Count) -> bool:
    low = noun.lower_
    if low in NON_PERSON_WORDS or noun.lemma_.lower() in NON_PERSON_WORDS:
        return False
    if noun.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "GPE", "LOC", "FAC") and not (
        _looks_like_people(noun)
    ):
        return count.kind == "number" and noun.i == count.anchor and noun.ent_type_ not in ("DATE", "TIME")
    if count.kind == "article":
        return _is_person_noun(noun) or low in ("body", "corpse")
    if noun.i != count.anchor and noun.lower_ not in QUANTITY_NOUNS:
        return True
    of_obj = _of_object(noun)
    return of_obj is None or _looks_like_people(of_obj)


def _outcome_of(noun: Token, count: _Count) -> tuple[_Outcome | None, Token]:
    """What happened to the people counted, and the noun that told us (it may differ from ``noun``)."""
    found = _outcome_from_parse(noun, count)
    if found is not None or count.kind == "name":
        return found, noun
    if count.kind in ("article", "definite"):  # only a casualty verb right before: "shot dead a trader"
        return _outcome_nearby(noun, count, noun, after_too=False), noun
    if noun.dep_ == "nsubj" and _has_object(noun.head):
        return None, noun  # the agent of "three cadres shot dead a constable": no fallback either
    # A count the parser left unattached ("14 Al shabaab militants were killed" with 14 as the root):
    # read the noun phrase right after it instead.
    after = _noun_after(count, noun.doc)
    if after is not None and after != noun:
        found = _outcome_from_parse(after, count)
        if found is not None:
            return _Outcome(found.category, found.trigger, f"{found.how}, noun after the count"), after
    return _outcome_nearby(noun, count, after), noun


def _outcome_from_parse(noun: Token, count: _Count) -> _Outcome | None:
    own = OUTCOME_WORDS.get(noun.lower_)
    if own is not None and noun.i != count.anchor and noun.lower_ not in ("toll", "killing", "arrest"):
        return _Outcome(own, noun, f"'{noun.text}' counted")
    if noun.lower_ in ("body", "corpse") and count.kind in ("article", "definite"):
        return _Outcome(Category.KILLED, noun, f"'{noun.text}': one body")  # "a body was found"
    return _outcome_from_modifiers(noun) or _outcome_from_position(noun, depth=0)


# How many words a noun phrase after a count may have ("14 Al Shabaab militants", "3 TMF fighters").
MAX_NOUN_PHRASE_WORDS = 4


def _noun_after(count: _Count, doc: Doc) -> Token | None:
    """The last noun of the noun phrase right after a count."""
    last_noun = None
    j = count.last + 1
    while j < len(doc) and j - count.last <= MAX_NOUN_PHRASE_WORDS:
        tok = doc[j]
        if tok.pos_ in ("NOUN", "PROPN") or (tok.is_upper and tok.is_alpha):
            last_noun = tok
        elif tok.pos_ != "ADJ" and tok.text != "-":
            break
        j += 1
    return last_noun


def _outcome_from_modifiers(noun: Token) -> _Outcome | None:
    """ "20 fighters killed", "injured soldiers", "people who were killed", "3 dead"."""
    for child in noun.children:
        if child.dep_ in ("acl", "amod", "relcl", "appos") and child.i != noun.i:
            low = child.lower_
            if child.dep_ == "amod" and low in OUTCOME_WORDS and low not in ("toll", "killing"):
                return _Outcome(OUTCOME_WORDS[low], child, f"'{child.text}' describes the count")
            if child.dep_ == "acl" and child.tag_ == "VBN" and not any(g.dep_ == "dobj" for g in child.children):
                cat = _verb_category(child, "patient")
                if cat is not None:
                    return _Outcome(cat[0], cat[1], f"'{cat[1].text}' describes the count")
            if child.dep_ == "relcl":
                role = "patient" if any(c.dep_ == "nsubjpass" for c in child.children) else "agent_subject"
                cat = _verb_category(child, role)
                if cat is not None:
                    return _Outcome(cat[0], cat[1], f"relative clause '{cat[1].text}'")
    return None


def _outcome_from_position(noun: Token, depth: int) -> _Outcome | None:
    """What happened to the noun, read from its place in the parse."""
    for c in noun.children:
        if c.dep_ == "conj" and c.lower_ in _ELLIPTIC_OUTCOMES:
            return _Outcome(OUTCOME_WORDS[c.lower_], c, f"'{c.text}' shared")  # "2 rebel and 1 military fatality"
    h = noun
    while h.dep_ in ("conj", "appos") and h.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON") and h.head != h:
        if _is_place(h.head) and not _is_place(h) and h.dep_ == "appos":
            # "On 5 May, in Varzea Grande, Mato Grosso, a man was killed": the parser hangs the victim on
            # the place; the sentence's passive casualty verb with no subject of its own is what happened.
            return _orphan_patient(h)
        h = h.head
    while h.dep_ == "pobj" and h.head.lower_ == "of" and h.head.head.lemma_.lower() in QUANTITY_NOUNS:
        h = h.head.head  # "a total of 12 people were killed"
    dep, head = h.dep_, h.head
    if dep == "nsubjpass" or (dep == "nsubj" and head.tag_ == "VBN" and not _has_object(head)):
        cat = _verb_category(head, "patient")
    elif dep == "nsubj":
        cat = _verb_category(head, "agent_subject")
    elif dep in ("dobj", "dative", "oprd"):
        cat = _verb_category(head, "object", obj=h)
    elif dep == "pobj":
        return _outcome_from_preposition(h, head, depth)
    elif dep == "attr" and head.lemma_ == "be":
        return _toll_subject(head)
    else:
        cat = None
    if cat is None:
        return None
    return _Outcome(cat[0], cat[1], f"'{cat[1].text}' ({dep})")


def _orphan_patient(noun: Token) -> _Outcome | None:
    root = noun
    while root.head != root:
        root = root.head
    if root.pos_ not in ("VERB", "AUX") or any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
        return None
    if not (root.tag_ == "VBN" or any(c.dep_ == "auxpass" for c in root.children)):
        return None
    cat = _verb_category(root, "patient")
    return _Outcome(cat[0], cat[1], f"'{cat[1].text}' (its subject)") if cat is not None else None


def _outcome_from_preposition(h: Token, prep: Token, depth: int) -> _Outcome | None:
    owner = prep.head
    word = prep.lower_
    if word == "of":
        own = OUTCOME_WORDS.get(owner.lower_)
        if own is not None:
            return _Outcome(own, owner, f"'{owner.text} of'")
        if owner.lower_ in ("lives", "life"):
            return _Outcome(Category.KILLED, owner, "'lives of'")
    if word == "to" and owner.lemma_.lower() in TOLL_VERBS:
        return _toll_subject(owner)
    if word in ("including", "among") and depth < 2:
        # "killed 5 people, including 2 children": the part shares the whole's outcome
        whole = owner
        if whole.pos_ in ("NOUN", "PROPN", "NUM", "PRON"):
            found = _outcome_from_modifiers(whole) or _outcome_from_position(whole, depth + 1)
            if found is not None:
                return _Outcome(found.category, found.trigger, f"part of a figure, {found.how}")
        cat = _verb_category(whole, "object") if whole.pos_ in ("VERB", "AUX") else None
        if cat is not None:
            return _Outcome(cat[0], cat[1], f"part of a figure, '{cat[1].text}'")
    if word == "with" and prep.i > 0 and prep.nbor(-1).lower_ in ("along", "together") and depth < 2:
        verb = prep.head
        for _ in range(3):
            if verb.pos_ in ("VERB", "AUX") or verb.head == verb:
                break
            verb = verb.head
        cat = _verb_category(verb, "patient") if verb.pos_ in ("VERB", "AUX") else None
        if cat is not None:
            return _Outcome(cat[0], cat[1], f"'along with' '{cat[1].text}'")  # "killed along with seven Maoists"
    if word == "by" and prep.dep_ == "agent":
        return None
    return None


def _toll_subject(verb: Token) -> _Outcome | None:
    """ "the death toll rose to 12", "the toll was 12"."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ in ("toll", "tally", "number", "total"):
            injured = any(c.lower_ in ("injury", "injured", "wounded") for c in child.children)
            cat = Category.INJURED if injured else Category.KILLED
            if child.lower_ == "number" and not any(c.lower_ in OUTCOME_WORDS for c in child.subtree):
                return None
            return _Outcome(cat, child, f"'{child.text}' is the toll")
    return None


def _verb_category(verb: Token, role: str, obj: Token | None = None) -> tuple[Category, Token] | None:
    """The category a verb gives its victim in ``role``.

    ``role`` is "patient" (passive subject or participle: "68 soldiers were killed"), "object" ("killing
    68 soldiers") or "agent_subject" (active subject: "two people died", "lost their lives"; never the
    killer of "gunmen shot dead a trader").
    """
    lemma = verb.lemma_.lower()
    children = list(verb.children)
    child_words = {c.lower_ for c in children}
    if verb.pos_ == "AUX" or lemma == "be":
        for c in children:
            if c.dep_ in ("acomp", "attr") and c.lower_ in OUTCOME_WORDS and c.lower_ != "toll":
                return OUTCOME_WORDS[c.lower_], c  # "three were dead"
        return None
    found = _subject_victim(verb, lemma, child_words) if role == "agent_subject" else None
    if role != "agent_subject":
        found = _object_victim(verb, lemma, role, child_words, obj)
    if found is not None:
        return found
    # "were shot and killed", "abducted and later killed": a later verb that shares the subject
    for c in children:
        own_args = ("nsubj", "nsubjpass") if role == "agent_subject" else ("nsubj", "nsubjpass", "dobj")
        if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and not any(g.dep_ in own_args for g in c.children):
            # "X, believed to be members of Y, were killed": a passive conjunct makes the subject its patient
            passive = any(g.dep_ == "auxpass" for g in c.children)
            found = _verb_category(c, "patient" if passive and role != "object" else role, obj)
            if found is not None:
                return found
        if c.dep_ in ("xcomp", "oprd") and c.tag_ == "VBN" and role == "patient":
            found = _verb_category(c, "patient")
            if found is not None:
                return found
    return None


def _subject_victim(verb: Token, lemma: str, child_words: set[str]) -> tuple[Category, Token] | None:
    if lemma in VICTIM_SUBJECT_VERBS:
        return VICTIM_SUBJECT_VERBS[lemma], verb
    if lemma == "lose" and child_words & {"life", "lives"}:
        return Category.KILLED, verb
    if lemma == "embrace" and "martyrdom" in child_words:
        return Category.KILLED, verb
    if lemma in ("sustain", "suffer", "receive") and child_words & {"injuries", "injury", "wounds", "wound"}:
        return (Category.KILLED if "fatal" in child_words else Category.INJURED), verb
    return None


def _object_victim(
    verb: Token, lemma: str, role: str, child_words: set[str], obj: Token | None
) -> tuple[Category, Token] | None:
    if "fatally" in child_words:
        return Category.KILLED, verb  # "fatally shot", "fatally assaulted", "fatally wounded"
    next_word = verb.nbor(1).lower_ if verb.i + 1 < len(verb.doc) else ""
    if lemma == "shoot" and ("dead" in child_words or next_word == "dead" or _has_conj_verb(verb, "kill")):
        return Category.KILLED, verb
    if lemma == "gun" and "down" in child_words:
        return Category.KILLED, verb
    if _has_to_death(verb):
        return Category.KILLED, verb
    if lemma in ("find", "leave", "report", "declare", "confirm", "fear", "believe"):
        for c in verb.children:
            if c.dep_ in ("oprd", "acomp", "xcomp", "ccomp", "advcl", "dobj") and c.lower_ in _STATE_WORDS:
                return OUTCOME_WORDS[c.lower_], c  # "were found dead", "left 5 dead"
            if c.dep_ in ("oprd", "xcomp", "ccomp") and c.tag_ == "VBN":
                found = _verb_category(c, "patient")
                if found is not None:
                    return found
        if lemma == "leave" and obj is not None:
            for c in obj.children:
                if c.lower_ in _STATE_WORDS and c.dep_ in ("amod", "acl", "oprd"):
                    return OUTCOME_WORDS[c.lower_], c
    if lemma in ("take", "hold") and child_words & {"hostage", "captive", "hostages"}:
        return Category.ABDUCTED, verb
    if lemma == "take" and any(
        c.dep_ == "prep" and c.lower_ == "into" and any(g.lower_ == "custody" for g in c.children)
        for c in verb.children
    ):
        return Category.DETAINED, verb
    if lemma in ("pick", "round") and "up" in child_words:
        return Category.DETAINED, verb
    if lemma == "beat" and "up" in child_words:
        return Category.INJURED, verb
    cat = VICTIM_OBJECT_VERBS.get(lemma) or VICTIM_OBJECT_VERBS.get(verb.lower_)
    if cat is not None and not (lemma == "hold" and role == "object"):
        return cat, verb
    if role == "patient" and lemma in VICTIM_SUBJECT_VERBS:
        return VICTIM_SUBJECT_VERBS[lemma], verb
    return None


# Outcome nouns that a coordinated count shares: "2 rebel and 1 military fatality".
_ELLIPTIC_OUTCOMES = frozenset({"fatality", "fatalities", "death", "deaths", "dead", "injured", "wounded"})
# Outcome words that describe a state of people ("found dead", "left 5 injured").
_STATE_WORDS = frozenset({"dead", "killed", "injured", "wounded", "hurt", "deceased", "detained", "arrested"})
# Verbs that make the casualty verb under them unrealised: "attempted to assassinate", "tried to kill".
UNREALISED_HEADS = frozenset(
    {
        "attempt",
        "try",
        "plan",
        "plot",
        "threaten",
        "fail",
        "seek",
        "want",
        "vow",
        "intend",
        "aim",
        "conspire",
        "prepare",
        "order",
        "urge",
        "call",
    }
)


# Words under which a casualty is the reason for something else: an arrest, an accusation, a protest, a
# reprisal. Such a toll belongs to an earlier event ("arrested for their involvement in the blast in which
# eight policemen were killed", "accused of killing", "to protest the killing of 31 workers").
BACKGROUND_HEADS = frozenset(
    {"accuse", "accused", "involvement", "wanted", "mastermind", "charge", "convict", "sentence", "trial",
     "protest", "demonstrate", "demonstration", "rally", "condemn", "retaliation", "revenge", "avenge",
     "anniversary", "mourn", "funeral", "burial", "commemorate", "memory", "memorial"}
)  # fmt: skip
# How far up the parse a background word may stand above the casualty word.
BACKGROUND_DEPTH = 8


def _is_background(trigger: Token) -> bool:
    tok = trigger
    for _ in range(BACKGROUND_DEPTH):
        if tok.head == tok:
            return False
        tok = tok.head
        if tok.lemma_.lower() in BACKGROUND_HEADS or tok.lower_ in BACKGROUND_HEADS:
            return True
    return False


# How many words around a casualty verb are read for an alternative ("killed, injured or captured").
EITHER_OR_WINDOW = 4


def _is_either_or(trigger: Token) -> bool:
    doc = trigger.doc
    near = doc[max(0, trigger.i - EITHER_OR_WINDOW) : min(len(doc), trigger.i + EITHER_OR_WINDOW + 1)]
    if not any(t.lower_ == "or" for t in near):
        return False
    categories = {VICTIM_OBJECT_VERBS.get(t.lemma_.lower()) for t in near if t.pos_ == "VERB"} - {None}
    return len(categories) > 1


def _chained_outcomes(trigger: Token, seen: set[Category]) -> list[_Outcome]:
    """ "were abducted and later killed": one count, two outcomes."""
    if trigger.pos_ not in ("VERB", "AUX"):
        return []
    passive = trigger.tag_ == "VBN" or any(c.dep_ == "auxpass" for c in trigger.children)
    out = []
    for c in trigger.children:
        if c.dep_ != "conj" or c.pos_ != "VERB" or any(g.dep_ in ("nsubj", "nsubjpass", "dobj") for g in c.children):
            continue
        found = _verb_category(c, "patient" if passive else "object")
        if found is not None and found[0] not in seen:
            seen.add(found[0])
            out.append(_Outcome(found[0], found[1], f"'{found[1].text}' (the same people)"))
    return out


def _is_unrealised(trigger: Token) -> bool:
    """ "attempted to assassinate", "were not injured", "threatened to kill"."""
    if any(c.dep_ == "neg" for c in trigger.children):
        return True
    head = trigger
    for _ in range(2):
        if head.dep_ in ("xcomp", "conj") and head.head.lemma_.lower() in UNREALISED_HEADS:
            return True
        if head.dep_ == "pcomp" or head.dep_ == "pobj":
            break
        head = head.head
    return False


def _has_object(verb: Token) -> bool:
    """An active verb with its own object: its subject is the agent ("cadres shot dead a constable")."""
    return any(c.dep_ == "dobj" for c in verb.children)


def _has_conj_verb(verb: Token, lemma: str) -> bool:
    return any(c.dep_ == "conj" and c.lemma_.lower() == lemma for c in verb.children)


def _has_to_death(verb: Token) -> bool:
    """ "hacked to death", "beaten to death", "burnt to death"."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "to" and any(g.lower_ == "death" for g in c.children):
            return True
    return False


def _outcome_nearby(noun: Token, count: _Count, after: Token | None = None, after_too: bool = True) -> _Outcome | None:
    """When the parse gives no link: a casualty word right after the count, or a casualty verb before it."""
    doc = noun.doc
    sent_start, sent_end = _sentence_bounds(doc, count.first)
    end = max(noun.i, count.last, after.i if after is not None else 0)
    for k in range(end + 1, min(end + 1 + NEARBY_AFTER, sent_end) if after_too else end + 1):
        tok = doc[k]
        if tok.is_punct and tok.text not in ("-",):
            break
        cat = _nearby_category(tok, after=True)
        if cat is not None:
            return _Outcome(cat, tok, f"'{tok.text}' nearby")
        if _number_at(doc, k) is not None:
            break
    for k in range(count.first - 1, max(count.first - 1 - NEARBY_BEFORE, sent_start - 1), -1):
        tok = doc[k]
        if (tok.is_punct and tok.text not in (":",)) or tok.pos_ in ("ADP", "SCONJ", "CCONJ"):
            break  # "shot dead by three cadres": the count is on the other side of "by"
        cat = _nearby_category(tok, after=False)
        if cat is not None:
            return _Outcome(cat, tok, f"'{tok.text}' nearby")
    return None


def _sentence_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """Token range of the sentence holding token ``i`` (``Token.sent`` rescans the whole document)."""
    start = i
    while start > 0 and not doc[start].is_sent_start:
        start -= 1
    end = i + 1
    while end < len(doc) and not doc[end].is_sent_start:
        end += 1
    return start, end


def _nearby_category(tok: Token, after: bool) -> Category | None:
    low = tok.lower_
    lemma = tok.lemma_.lower()
    if after:
        if low in OUTCOME_WORDS and low not in ("toll", "killing", "arrest", "martyrdom"):
            return OUTCOME_WORDS[low]
        if tok.tag_ == "VBN" and lemma in VICTIM_OBJECT_VERBS and lemma not in ("hold", "seize"):
            return VICTIM_OBJECT_VERBS[lemma]
        if lemma in VICTIM_SUBJECT_VERBS:
            return VICTIM_SUBJECT_VERBS[lemma]
        return None
    if low in ("fatalities", "deaths", "dead", "killed", "injured", "wounded", "casualties:"):
        return OUTCOME_WORDS.get(low)
    if tok.tag_ in ("VBG", "VBD") and lemma in VICTIM_OBJECT_VERBS and lemma not in ("hold", "seize", "capture"):
        return VICTIM_OBJECT_VERBS[lemma]
    return None


def _zero_outcomes(doc: Doc, noun: Token) -> list[_Outcome]:
    """ "no one was hurt" -> injured 0; "no casualties" -> killed 0 and injured 0."""
    low = noun.lower_
    if low in ("casualty", "casualties", "loss"):
        if low == "loss" and not any(c.lower_ in ("life", "lives") for c in noun.subtree):
            return []
        return [
            _Outcome(Category.KILLED, noun, f"'{noun.text}': none"),
            _Outcome(Category.INJURED, noun, f"'{noun.text}': none"),
        ]
    if low in OUTCOME_WORDS and low not in ("toll", "killing", "martyrdom"):
        cats = [OUTCOME_WORDS[low]]
        # "no damages or injuries", "no deaths or injuries"
        cats += [OUTCOME_WORDS[c.lower_] for c in noun.children if c.dep_ == "conj" and c.lower_ in OUTCOME_WORDS]
        if noun.dep_ == "conj" and noun.head.lower_ in OUTCOME_WORDS:
            cats.append(OUTCOME_WORDS[noun.head.lower_])
        return [_Outcome(c, noun, f"'{noun.text}': none") for c in dict.fromkeys(cats)]
    count = _Count(noun.i, noun.i, noun.i, 0, 0, Qualifier.EXACT, "none")
    found = _outcome_from_position(noun, depth=0) or _outcome_nearby(noun, count)
    if found is None:
        return []
    return [_Outcome(found.category, found.trigger, f"none: {found.how}")]


# ---------------------------------------------------------------------------------------------------------
# Step 3: whose people
# ---------------------------------------------------------------------------------------------------------


def _side_words(noun: Token) -> tuple[str, list[str]]:
    """The head word and its modifiers, lower-cased (the "of" object stands in for "one of the soldiers")."""
    target = noun
    of_obj = _of_object(noun)
    if of_obj is not None and (
        noun.lower_ in NUMBER_WORDS or noun.lower_ in VAGUE_PLURALS or noun.like_num or noun.lower_ in QUANTITY_NOUNS
    ):
        target = of_obj
    mods: list[str] = []
    for child in target.children:
        if child.dep_ in ("compound", "amod", "nmod", "poss", "appos"):
            mods.extend(t.lower_ for t in child.subtree)
    if target.ent_type_ and target.ent_iob_ != "O":
        mods.extend(t.lower_ for t in target.doc[target.i - 2 : target.i] if t.ent_type_ == target.ent_type_)
    return target.lower_, mods


def _word_side(word: str) -> Side | None:
    word = word.strip("'’").removesuffix("'s")
    if word in ATTACKER_WORDS:
        return Side.ATTACKERS
    if word in STATE_WORDS:
        return Side.STATE_FORCES
    if word in CIVILIAN_WORDS:
        return Side.CIVILIANS
    return None


def _side_of(doc: Doc, noun: Token, count: _Count) -> Side:
    head, mods = _side_words(noun)
    mod_side = next((s for s in (_word_side(m) for m in mods) if s is not None), None)
    head_side = _word_side(head)
    if head in GENERIC_PERSON_WORDS or head_side is None:
        return mod_side or head_side or _default_side(head)
    return head_side


def _default_side(head: str) -> Side:
    """The side of a person word no list and no modifier places: civilian for political and civic roles
    ("a Congress activist", "supporters") and for trades found by their ending ("a tailor", "a watchman")."""
    if head in CIVIC_ROLE_WORDS:
        return Side.CIVILIANS
    if (
        head not in GENERIC_PERSON_WORDS
        and head not in NON_PERSON_WORDS
        and (head.endswith(SINGULAR_PERSON_SUFFIXES) or head.endswith(PERSON_SUFFIXES))
    ):
        return Side.CIVILIANS
    return Side.UNKNOWN


def _victim_words(doc: Doc, count: _Count, noun: Token) -> tuple[str, int]:
    """The counted noun phrase as written and the end (char) of the whole mention."""
    last = doc[count.last]
    end = last.idx + len(last.text)
    if count.kind in ("article", "definite", "name"):
        return doc[count.first : noun.i + 1].text if count.kind != "name" else noun.text, end
    target = noun
    of_obj = _of_object(noun)
    if of_obj is not None and noun.i == count.anchor:
        target = of_obj
    if target.i <= count.last or target.lower_ in OUTCOME_WORDS:
        return "", end
    if target.i - count.last > 6:
        return target.text, end
    span = doc[count.last + 1 : target.i + 1]
    return span.text, span.end_char


# ---------------------------------------------------------------------------------------------------------
# total_by_category helpers
# ---------------------------------------------------------------------------------------------------------

_PART_CUE = re.compile(r"\b(including|among them|among whom|of whom|of them|among the dead|among those)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?]\s")


def _drop_parts(figures: list[Figure], text: str) -> list[Figure]:
    kept: list[Figure] = []
    previous: Figure | None = None
    previous_is_part = False
    for fig in figures:
        is_part = False
        if previous is not None:
            gap = text[previous.evidence.spans[0].end : fig.evidence.spans[0].start]
            same_sentence = not _SENTENCE_END.search(gap)
            listed_after_part = previous_is_part and re.fullmatch(r"[\s,]*(and)?[\s,]*", gap) is not None
            is_part = same_sentence and (_PART_CUE.search(gap) is not None or listed_after_part)
        if not is_part:
            kept.append(fig)
        previous, previous_is_part = fig, is_part
    return kept


def _head_word(fig: Figure) -> str:
    words = fig.victim_words.lower().split()
    return words[-1] if words else ""


def _same_people(a: Figure, b: Figure) -> bool:
    if (a.low, a.high) != (b.low, b.high):
        return False
    sides_agree = a.side is b.side or Side.UNKNOWN in (a.side, b.side)
    ha, hb = _head_word(a), _head_word(b)
    nouns_agree = ha == hb or ha in PEOPLE_WORDS_FOR_DEDUP or hb in PEOPLE_WORDS_FOR_DEDUP
    return sides_agree and (nouns_agree or a.low != 1)


def _drop_restatements(figures: list[Figure]) -> list[Figure]:
    kept: list[Figure] = []
    for fig in figures:
        if fig.low == 0 or not any(_same_people(fig, k) for k in kept):
            kept.append(fig)
    return kept


MAX_SUBSET_SEARCH = 12  # figures per category in one document; above this, sums are not searched (2^n)


def _drop_summed_parts(figures: list[Figure]) -> list[Figure]:
    remaining = list(figures)
    for total in sorted(figures, key=lambda f: -f.low):
        if total not in remaining or total.low == 0:
            continue
        others = [f for f in remaining if f is not total and f.low > 0]
        if is_total(total) and others and total.low >= sum(f.low for f in others):
            return [total, *(f for f in remaining if f.low == 0)]
        if len(others) > MAX_SUBSET_SEARCH:
            continue
        parts = _subset_with_sum(others, total.low)
        if parts:
            remaining = [f for f in remaining if not any(f is p for p in parts)]
    return remaining


def _subset_with_sum(figures: Iterable[Figure], target: int) -> tuple[Figure, ...] | None:
    pool = [f for f in figures if f.low <= target]
    for size in range(2, len(pool) + 1):
        for combo in itertools.combinations(pool, size):
            if sum(f.low for f in combo) == target:
                return combo
    return None
