"""The places stage: the toponyms of a report, each resolved to one GeoNames place.

Requires a spaCy ``Doc`` of ``document.text`` (tokens, entities); assigns ``Extraction.places``.

1. **Mentions.** spaCy's GPE, LOC and FAC entities, less leading articles and trailing possessives ("the
   Bela area" -> "Bela", the whole phrase kept as the mention), widened over neighbouring capitalised words
   when that makes a longer known name ("Santa Cruz" -> "Santa Cruz Xoxocotlan"). The small English model
   misses or mislabels many toponyms ("Bela" ORG, "Aleppo" NORP, "Joao Pessoa" PERSON), so runs of
   capitalised words outside those entities are taken too when the gazetteer knows them by name and
   (a) the words around them read like a place: "in X", "near X", "the city of X", "residents of X",
   "X town", "X district", "X residents", ", X" or "(X" right after a place, a dateline "X --", or a verb
   like "shelled X" for a town of the document's countries; (b) they have a reading inside the place written
   right after them ("X, Sindh", "X in Balochistan"); or (c) they repeat a name already taken as a place.
   A country or admin1 named by an ORG entity ("control over Balochistan") needs no cue. The place an
   organisation is named after is a toponym too ("Quetta Police", "The Washington Post") when it is a
   country, admin1 or capital, a large town, or a town or district of the document's countries.
   Demonyms and nationality words ("Pakistani", "Baloch", "pro-Russian") are not places; they count as
   context (and, with ``include_demonyms``, are reported as country-level places, the convention of
   geoparsing corpora).
2. **Context.** Countries and admin1 units named in the document (and those implied by its demonyms and by
   names only one country has) vote; a candidate inside a voted country or admin1 gains. A name never
   votes for its own reading, and a name inside another name ("the US dollar", "The New York Times") does
   not vote at all. A country written as the owner of troops or officials ("U.S. troops", "UK
   officials") votes like a demonym and, like a name inside another name, is a toponym but not where
   anything happened (``Place.located`` is False).
3. **Resolution.** Each distinct name (with its place-type word) is resolved once per document (one sense
   per discourse) by a score adding: how it matched (our alias table > the place's own name > a short form
   > an alternate name), its feature (countries, admin1 units, capitals and towns over districts, streams
   or hotels), a population prior, the context, the words around it ("Bolan district" wants an admin2) and
   the place written right after it ("Tripoli, Lebanon"). The context is then recomputed from the first
   round's choices and the names are resolved again. A name the text places inside another ("Caracoli,
   Malambo, Atlantico", "Famale (Dessa, Tillaberi)", "Ara in As-Sweida") but none of whose readings lies
   there is a place the gazetteer lacks: it gets no reading, so the event falls to its container, and it
   does not vote. A list ("Kidal, Gao, Timbuktu") is not such a chain.

Unresolvable mentions (no gazetteer entry) are dropped: a place without coordinates helps neither the
event map nor the geoparsing score's resolution half, and most such entities are not places at all
("Operation Herof").

Each :class:`~conflictlens.records.Place` has evidence whose first span is the toponym itself
(``document.text[start:end]`` is the name as written) and whose second span, when it differs, is the whole
mention ("the Bela area", "Bolan district"); ``geo_precision`` follows ACLED (1 town, 2 near a town or
part of a district, 3 admin1, region or country). :func:`event_location` picks the place of an event from
the places of its sentence; :func:`country_context` names the document's main country.
"""

from __future__ import annotations

import bisect
import csv
import functools
import importlib.resources
import itertools
import math
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .gazetteer import (
    ARABIC_ARTICLES,
    COUNTRY_CODES,
    KIND_ALIAS,
    KIND_ALTERNATE,
    KIND_NAME,
    KIND_SHORT,
    KIND_VARIANT,
    Candidate,
    Gazetteer,
    GazPlace,
    name_key,
)
from .records import Document, Evidence, Place, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Entity labels whose names often begin with a place ("Quetta Police", "The Washington Post").
EMBEDDING_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"})
# Head words of names that contain a place without saying that anything happened there: outlets ("The New York
# Times", "Voice of America") and streets or roads ("Oxford Street" in Belfast, "Baghdad Road" near Baquba).
NON_LOCATING_WORDS = frozenset(
    {
        "times",
        "post",
        "tribune",
        "herald",
        "journal",
        "gazette",
        "chronicle",
        "telegraph",
        "observer",
        "daily",
        "news",
        "radio",
        "television",
        "tv",
        "voice",
        "press",
        "street",
        "st",
        "road",
        "rd",
        "avenue",
        "boulevard",
        "lane",
        "highway",
        "motorway",
        "expressway",
    }
)
# The last word of a company's name: a toponym in "Gafsa Phosphate Company" or "Kerman Coal Mine Company" says
# where the company comes from, not where its workers protested.
COMPANY_WORDS = frozenset(
    {"company", "companies", "corporation", "corp", "inc", "incorporated", "ltd", "limited", "plc", "llc"}
    | {"enterprises", "industries", "holdings"}
)
# Words that end a street's name in any case: "Raju street", "Kazanci Yokusu street" are no towns.
STREET_WORDS = frozenset({"street", "avenue", "boulevard", "lane"})
MAX_STREET_NAME_WORDS = 1  # capitalised words between a toponym and the street word ("Kazanci Yokusu street")
# Capitalised words between a toponym and the company word ("Kerman Coal Mine Company": three).
MAX_COMPANY_NAME_WORDS = 3
# Words after a country's name that make it the owner of what follows, not a place: "U.S. troops", "UK officials".
OWNED_WORDS = frozenset(
    {"forces", "force", "troops", "soldiers", "military", "army", "air", "navy", "naval", "marines", "service"}
    | {"servicemen", "embassy", "consulate", "officials", "diplomats", "envoy", "ambassador", "intelligence"}
    | {"security", "government", "administration", "drone", "drones", "airstrike", "airstrikes", "warplanes"}
    | {"jets", "aircraft", "special", "coalition-led", "district", "department", "secretary"}
)
# Currency words after a country's name: "the US dollar exchange rate" says nothing about where.
CURRENCY_WORDS = frozenset(
    {"dollar", "dollars", "pound", "pounds", "euro", "euros", "rupee", "rupees", "yuan", "rouble", "ruble", "lira"}
    | {"dinar", "dinars", "riyal", "rial", "franc", "francs", "shilling", "shillings", "naira", "peso", "pesos"}
)
# Entity labels that are never toponyms (dates, numbers): their capitalised words ("May") are skipped.
NON_PLACE_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})

# -- scoring weights. Calibrated together on the geoparsing and ACLED dev suites (benchmarks/geoparse_check.py):
# population, country and admin1 context weights by a small grid (population 0.5-1.5 per power of ten, country
# 3-5, admin1 2-3; Acc@161 km and ACLED Acc@25 km both best near 1.0 / 4 / 2). The context must outweigh a
# tenfold population difference (Bela, India 74k vs Bela, Pakistan 29k), and a place's own name a larger place
# that merely lists the name as an alternate.
KIND_WEIGHT = {KIND_ALIAS: 3.0, KIND_NAME: 2.0, KIND_SHORT: 1.5, KIND_ALTERNATE: 0.0, KIND_VARIANT: 0.0}
WEAK_KINDS = frozenset({KIND_ALTERNATE, KIND_VARIANT})  # names a place is not called by first
FEATURE_WEIGHT = {"PCLI": 3.0, "CONT": 3.0, "ADM1": 2.0, "PPLC": 3.0, "ADM2": 0.5}
POPULATED_WEIGHT = 1.0  # any other P (populated place) feature
OTHER_ADMIN_WEIGHT = 0.3  # ADM3, ADM4, ADMD ...
OTHER_FEATURE_WEIGHT = -1.0  # streams, hotels, mountains: only when nothing else fits
POPULATION_WEIGHT = 1.0  # per power of ten of population
COUNTRY_CONTEXT_WEIGHT = 4.0  # times the country's share of the document's votes
ADMIN1_CONTEXT_WEIGHT = 2.0  # the candidate lies in (or is) an admin1 the document names
HINT_WEIGHT = 5.0  # "X district" and an ADM2 candidate, "X province" and an ADM1 ...
CONTAINER_WEIGHT = 6.0  # "Tripoli, Lebanon", "San Rafael, Bulacan": what the text says outweighs population and context
SEAT_PENALTY = 2.0  # an admin unit named after its seat loses to the town when the text says neither
NO_POINT_PENALTY = 5.0  # a candidate without coordinates (an admin2 with no town) only wins when alone
MAX_CANDIDATES = 60  # per name; the rest are the long tail of "Springfield"s and never win

# -- context votes
COUNTRY_MENTION_VOTE = 1.0
ADMIN_MENTION_VOTE = 1.0
DEMONYM_VOTE = 0.5  # "Pakistani soldiers" says less about where than "in Pakistan"
PLACE_VOTE = 1.0  # a town votes for its country and admin1 in the second round
# A town outside spaCy's place entities is read as a toponym only if it is this large or lies in a country
# with at least MIN_LOCAL_COUNTRY_SHARE of the document's votes, or if no other place has its name and a
# locative cue stands before it ("near Hnutove": 6 more acled rows within 25 km, geoparsing unchanged).
CUED_MIN_POPULATION = 1_000
MIN_LOCAL_COUNTRY_SHARE = 0.25
# A small town in a country no other name of the document votes for is dropped when another country has at least
# this share of the votes (the document is about that country): a namesake of a place the gazetteer lacks. Chosen
# on the acled and geoparsing dev suites from 0.34 / 0.5 / 0.67: 0.34 and 0.5 within 0.001 of each other on every
# metric, 0.67 lower; 0.5 keeps a foreign town when the report's own country is less than half of its names.
FOREIGN_CONTEXT_SHARE = 0.5
# A town an organisation is named after counts as a toponym if it is this large, or this large and in one of
# the document's countries (smaller towns share their names with too many surnames and brands).
EMBEDDED_MIN_POPULATION = 100_000
EMBEDDED_LOCAL_MIN_POPULATION = 5_000
# "in the southern countryside of X", "in northern X", "in the north-western X": a side of a province or district
# (not "the east part of X", which is mostly a part of a city)
_BEARING = r"(north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
NAMED_PART_RE = re.compile(
    rf"\b(?:{_BEARING}\s+(?:rural\s+)?countryside\s+of\s+(?:the\s+)?|(?:in|of|across)\s+(?:the\s+)?{_BEARING}\s+)$",
    re.IGNORECASE,
)
NAMED_PART_LOOKBACK = 60  # characters before a place searched for the phrase
# A side of a unit with fewer towns than this in the gazetteer gives no point of its own (chosen, not tuned)
MIN_TOWNS_IN_PART = 3
# Places whose event point is their seat's (:func:`at_seat`): countries and first-level units
SEAT_FEATURE_CODES = frozenset({"ADM1", *COUNTRY_CODES})
MAX_CHUNK_TOKENS = 6  # longer capitalised runs are headlines or titles; only their parts are tried
# "(Gaalkacyo, Mudug)": a district and a province; longer lists in brackets are lists of places, not containers
MAX_CONTAINERS_IN_BRACKETS = 2
# "Garsoor section (Gaalkacyo, Mudug)": lower-case words between a name and the brackets that locate it
MAX_WORDS_BEFORE_BRACKETS = 2
MAX_ACRONYM_CHARS = 4  # "BLA", "JWS": all-capital words this short name organisations, not places

# Words after a toponym that say what kind of place it is, and the features they want.
HINT_WORDS: dict[str, frozenset[str]] = {
    "district": frozenset({"ADM2", "ADM3"}),
    "districts": frozenset({"ADM2", "ADM3"}),
    "agency": frozenset({"ADM2"}),
    "county": frozenset({"ADM2"}),
    "lga": frozenset({"ADM2"}),
    "municipality": frozenset({"ADM2", "ADM3"}),
    "tehsil": frozenset({"ADM3"}),
    "subdivision": frozenset({"ADM3"}),  # Cameroon, Côte d'Ivoire: "Mbouda subdivision (Bamboutos, Ouest)"
    "commune": frozenset({"ADM2", "ADM3", "ADM4"}),  # Burundi, Mali: admin2 or below
    "payam": frozenset({"ADM3"}),  # South Sudan: "Kongor payam"
    "regency": frozenset({"ADM2"}),  # Indonesia: "Keerom Regency"
    "province": frozenset({"ADM1"}),
    "governorate": frozenset({"ADM1"}),
    "state": frozenset({"ADM1"}),
    "region": frozenset({"ADM1", "ADM2"}),
    "oblast": frozenset({"ADM1"}),
    "prefecture": frozenset({"ADM1", "ADM2"}),
    "department": frozenset({"ADM1", "ADM2"}),
    "division": frozenset({"ADM1", "ADM2"}),
    "city": frozenset({"PPL", "PPLA", "PPLA2", "PPLC"}),
    "town": frozenset({"PPL", "PPLA", "PPLA2", "PPLA3"}),
    "village": frozenset({"PPL", "PPLA4", "PPLX"}),
}
# The hints of a name written before an admin unit of its own name ("Durango, Durango", "Colon (Colon)"): not
# feature codes but marks that the name is a place inside that unit (the town or district it is named after), an
# admin1 or admin2 unit as the unit's own hint says ("Merida, Merida state"); the unit after it gets ADMIN_HINT
# if it has none, and a mark that it holds a town of its name. Each mention stays apart from every other
# "Durango" of the text.
IN_NAMESAKE_ADMIN1 = "in an admin1 unit of its own name"
IN_NAMESAKE_ADMIN2 = "in an admin2 unit of its own name"
HOLDS_NAMESAKE = "holds a place of its own name"
NAMESAKE_MARKS = frozenset({IN_NAMESAKE_ADMIN1, IN_NAMESAKE_ADMIN2, HOLDS_NAMESAKE})
ADMIN_HINT = frozenset({"ADM1", "ADM2", "ADM3"})
# Words after a toponym that keep the place but are not part of its name ("the Bela area").
AREA_WORDS = frozenset(
    {
        "area",
        "areas",
        "outskirts",
        "vicinity",
        "suburbs",
        "environs",
        "countryside",
        "frontline",
        "border",
        "neighbourhood",
        "neighborhood",
    }
)
# Lower-case words between a locative cue and the name: "in central Thessaloniki", "in rural Idlib".
REGION_ADJECTIVES = frozenset(
    {
        "central",
        "downtown",
        "rural",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    }
)
# Words before "of" that make what follows a place ("the city of Idleb", "the outskirts of Bela").
PLACE_NOUNS = frozenset(
    {
        *HINT_WORDS,
        "outskirts",
        "vicinity",
        "area",
        "suburbs",
        "capital",
        "countryside",
        "town",
        "village",
        "city",
        "port",
        "island",
        "coast",
        "south",
        "north",
        "east",
        "west",
        "mayor",
        "governor",
        "residents",
        "inhabitants",
        "people",
        "citizens",
        "municipality",
        "commune",
        "locality",
        "villages",
        "towns",
        "neighbourhood",
        "neighborhood",
        "quarter",
        "forest",
        "forests",
        "valley",
        "hills",
        "mountains",
    }
)
# Words before a toponym that make the event "near" it (ACLED precision 2).
NEAR_CUES = frozenset(
    {
        "near",
        "outside",
        "outskirts",
        "vicinity",
        "around",
        "nearby",
        "close",
        "km",
        "miles",
        "kilometres",
        "kilometers",
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    }
)
# Capitalised words of dates that are never places (spaCy sometimes puts a town inside a DATE entity).
CALENDAR_WORDS = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "christmas",
        "easter",
        "ramadan",
        "eid",
        "today",
        "yesterday",
        "tomorrow",
        "noon",
        "midnight",
    }
)
# Words before a capitalised name that make it read as a place.
LOCATIVE_CUES = frozenset({"in", "at", "near", "into", "across", "throughout", "outside", "around", "inside"})
# Verbs whose object is usually a place ("shelled Kagara"); a cue only for towns of the document's countries.
PLACE_VERBS = frozenset(
    {
        "attacked",
        "shelled",
        "bombed",
        "stormed",
        "captured",
        "seized",
        "entered",
        "besieged",
        "raided",
        "overran",
        "recaptured",
        "liberated",
        "evacuated",
        "reached",
        "struck",
        "hit",
        "targeted",
        "encircled",
        "surrounded",
        "fled",
        "visited",
    }
)
# Lower-case words inside place names ("Rio de Janeiro", "Dera Ismail Khan" has none, "Radman al Awad").
NAME_PARTICLES = frozenset(
    {
        "de",
        "del",
        "da",
        "do",
        "dos",
        "das",
        "di",
        "la",
        "las",
        "los",
        "le",
        "el",
        "al",
        "ad",
        "ar",
        "as",
        "an",
        "ash",
        "at",
        "az",
        "bin",
        "ibn",
        "sur",
        "en",
        "y",
        "and",
        "e",  # Persian ezafe: "Kut e Abdollah", "Mazar e Sharif"
        # the Arabic article as French and Levantine transliterations write it: "Deir-ez-Zor", "Ain er Roummaneh"
        "ez",
        "es",
        "ed",
        "er",
        "ech",
        "esh",
    }
)
# Lower-case words an entity is widened over when that makes a longer known name: "Port" + "of" + "Spain".
INNER_WORDS = NAME_PARTICLES | {"of"}
# Words after a capitalised name that make it a place: "Alexandria woman", "Quetta police".
PEOPLE_AFTER_PLACE = frozenset(
    {
        "woman",
        "man",
        "women",
        "men",
        "resident",
        "residents",
        "native",
        "natives",
        "boy",
        "girl",
        "teen",
        "teenager",
        "family",
        "families",
        "police",
        "officials",
        "mayor",
        "villagers",
        "townspeople",
        "farmers",
        "locals",
        "refugee",  # "the Tulkarm refugee camp"
    }
)
# Lower-case words after a name, or after a route "X-Y", that make it the town a road, bridge or junction is named
# after: "blocked the Halba highway", "on the Damboa - Maiduguri road". The event is near that town, not in it.
ROUTE_WORDS = frozenset(
    {"road", "highway", "motorway", "expressway", "roundabout", "bridge", "junction", "crossroads", "checkpoint"}
)
MAX_ROUTE_TOKENS = 6  # tokens from the end of a name to the route word: "-", "Ghale", "Ganj", "road"
DATELINE_DASHES = frozenset({"--", "—", "–", "-", ":"})
# Lower-case articles that may begin a place name ("al Bab"); not "as", "at", "an", which are English words.
LEADING_ARTICLES = frozenset({"al", "el", "ad", "ar", "ash", "az", "al-", "el-"})
# Single words that are places somewhere but mostly mean something else in running text.
GENERIC_NAMES = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "central",
        "centre",
        "center",
        "metro",
        "university",
        "gulf",
        "western",
        "eastern",
        "northern",
        "southern",
        "commerce",
        "hope",
        "earth",
        "city",
        "state",
        "national",
        "union",
        "republic",
        "capital",
        "mission",
        "liberty",
        "independence",
        "unity",
        "progress",
        "victory",
        "police",
        "army",
        "president",
        "minister",
        "government",
        "parliament",
        "court",
        "ministry",
        "council",
        "district",
        "tall",  # Arabic "hill": "Tall Sakhr", "Tall Toukan", "Tal Tamer"
        "tell",
        "tal",
        "wadi",  # Arabic "valley": "Wadi al-Rabi" is no Wadi in Karnataka
        "coast",
        "airport",  # "the Airport police station" is no town in Hawaii
        "area",  # "Area road work": an alternate name of Mundelein, Illinois
    }
)
ARTICLES = frozenset({"the", "The", "THE"})
_CONTAINER_GAP = re.compile(r"\s*[,(]\s*|\s+in\s+")
# After these words "of" writes the container too: "the Baglar neighbourhood of Bagcilar, Istanbul", "the Maden
# district of Elazig", "the Sironch area of Gadchiroli District". Not after "town" or "city": "the Aley town of
# Ain er Roummaneh" names the town last.
PART_WORDS = frozenset({"neighbourhood", "neighborhood", "district", "suburb", "suburbs", "village", "quarter", "area"})
_UNIT_CONTAINER_GAP = re.compile(r"\s+of\s+(?:the\s+)?")
_DEMONYM_PREFIX = re.compile(r"^(?:pro|anti|ex|non)\s+")  # "pro-Ukrainian" counts as "Ukrainian"
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
_QUOTES = str.maketrans({"‘": "'", "’": "'", "ʻ": "'", "ʼ": "'", "ʿ": "'", "ʾ": "'"})

PRECISION_TOWN = 1
PRECISION_NEAR = 2
PRECISION_REGION = 3


@dataclass(frozen=True, slots=True)
class Demonym:
    word: str
    country_iso2: str | None
    geonameid: int | None


@dataclass(slots=True)
class _Mention:
    """One toponym occurrence: the name's character range and the whole mention's."""

    start: int
    end: int
    text: str
    mention_start: int
    mention_end: int
    hint: frozenset[str] = frozenset()
    near: bool = False
    key: str = ""
    candidates: tuple[Candidate, ...] = ()
    demonym: Demonym | None = None
    located: bool = True  # False inside an outlet's, a street's or a currency's name (_inside_other_name)
    owner: bool = False  # a country named as the owner of troops or officials ("U.S. troops"): like a demonym


_Votes = defaultdict[str, float]
_UnitVotes = defaultdict[tuple[str, str], float]


@dataclass(slots=True)
class _Context:
    """Votes for countries and admin1 units, and which name cast them (a name never votes for itself)."""

    countries: _Votes = field(default_factory=lambda: defaultdict(float))
    admin1: _UnitVotes = field(default_factory=lambda: defaultdict(float))
    by_name: dict[str, tuple[_Votes, _UnitVotes]] = field(default_factory=dict)
    total: float = 0.0
    # the part of the votes cast by demonyms ("Turkish forces" say whose forces, not always where)
    by_demonyms: _Votes = field(default_factory=lambda: defaultdict(float))
    demonym_total: float = 0.0

    def vote(self, key: str, country: str | None, admin1: str | None, weight: float, *, demonym: bool = False) -> None:
        if not country:
            return
        own = self.by_name.setdefault(key, (defaultdict(float), defaultdict(float)))
        self.countries[country] += weight
        self.total += weight
        if demonym:
            self.by_demonyms[country] += weight
            self.demonym_total += weight
        own[0][country] += weight
        if admin1:
            self.admin1[(country, admin1)] += weight
            own[1][(country, admin1)] += weight

    def main_country(self) -> str | None:
        """The country with the most votes, if it has at least MIN_LOCAL_COUNTRY_SHARE of them."""
        if not self.countries:
            return None
        best = max(self.countries, key=lambda iso2: (self.countries[iso2], iso2))
        return best if self.country_share(best) >= MIN_LOCAL_COUNTRY_SHARE else None

    def country_share(self, iso2: str | None, exclude: str = "", *, names_only: bool = False) -> float:
        """The share of the votes (less those cast by ``exclude``) that go to ``iso2``; ``names_only`` counts
        only the votes of place names, not of demonyms."""
        if not iso2:
            return 0.0
        own = self.by_name.get(exclude)
        own_votes, own_total = (own[0].get(iso2, 0.0), sum(own[0].values())) if own else (0.0, 0.0)
        votes, total = self.countries.get(iso2, 0.0) - own_votes, self.total - own_total
        if names_only:
            votes, total = votes - self.by_demonyms.get(iso2, 0.0), total - self.demonym_total
        return votes / total if total > 1e-9 else 0.0

    def in_admin1(self, place: GazPlace, exclude: str = "") -> bool:
        if not (place.country_iso2 and place.admin1):
            return False
        unit = (place.country_iso2, place.admin1)
        own = self.by_name.get(exclude)
        return self.admin1.get(unit, 0.0) - (own[1].get(unit, 0.0) if own else 0.0) > 1e-9


@dataclass(frozen=True, slots=True)
class _Choice:
    place: GazPlace
    kind: int
    reason: str


# --------------------------------------------------------------------------------------------------
# Public API


def resolve_places(
    doc: Doc,
    document: Document,
    *,
    gazetteer: Gazetteer | None = None,
    include_demonyms: bool = False,
) -> list[Place]:
    """One :class:`Place` per toponym mention of ``document``, in text order.

    ``doc`` must be the spaCy parse of ``document.text`` (its character offsets are the evidence offsets).
    ``include_demonyms`` also reports nationality words ("Russian") as country-level places.
    """
    text = document.text
    if not _parses(doc, text):
        raise ValueError(
            f"{document.origin}: the spaCy Doc is not a parse of this document's text; "
            "parse document.text itself so that evidence offsets point into it"
        )
    gaz = gazetteer or Gazetteer.default()
    ents = list(doc.ents)
    tokens = _Tokens.of(doc, text, ents)
    mentions = _entity_mentions(tokens, ents, gaz)
    _mark_located(tokens, mentions)
    cued = _cued_mentions(tokens, ents, gaz, _initial_context(mentions, gaz), mentions)
    _mark_located(tokens, cued)
    mentions += cued
    mentions.sort(key=lambda m: m.start)

    _mark_namesake_pairs(mentions, text)
    containers = _containers(mentions, text)
    readings = _readings(mentions)
    choices = _without_outsiders(_resolve_names(mentions, _initial_context(mentions, gaz)), containers, readings)
    context = _context_from_choices(mentions, choices, gaz)
    choices = _resolve_names(mentions, context, containers, choices, readings)

    places: list[Place] = []
    for mention in mentions:
        if mention.demonym is not None:
            target = _demonym_place(mention.demonym, gaz) if include_demonyms else None
            if target is not None:
                reason = f"{mention.text}: demonym of {target.name}"
                places.append(_to_place(mention, _Choice(target, KIND_NAME, reason), document))
            continue
        choice = choices.get((mention.key, mention.hint))
        if choice is not None:
            places.append(_to_place(mention, choice, document))
    return places


def _mark_located(tk: _Tokens, mentions: Sequence[_Mention]) -> None:
    for mention in mentions:
        mention.owner = _country_as_owner(tk, mention)
        mention.located = not (mention.owner or _inside_other_name(tk, mention))


def country_context(places: Iterable[Place]) -> str | None:
    """The document's main country (its name as in ``Place.country``): the country most of its places lie
    in, the first mentioned one on a tie; ``None`` without places."""
    votes: Counter[str] = Counter()
    first: dict[str, int] = {}
    for index, place in enumerate(places):
        if place.country and place.located:
            votes[place.country] += 1
            first.setdefault(place.country, index)
    if not votes:
        return None
    return max(votes, key=lambda name: (votes[name], -first[name]))


def event_location(places: Sequence[Place], start: int = 0, end: int | None = None) -> Place | None:
    """The most specific place mentioned within ``[start, end)`` of the text (e.g. an event's sentence):
    places with coordinates first, then places in the document's main country (:func:`country_context`), then
    the lowest ``geo_precision``, then the earliest mention. ``None`` if no place is mentioned there.

    A town abroad among places of one country is more often a namesake resolved wrongly ("Arada" in
    Honduras beside "Tripoli") than the event's place."""
    inside = [p for p in places if p.located and p.evidence.spans and _within(p.evidence.spans[0], start, end)]
    if not inside:
        return None
    main = country_context(places)
    return min(
        inside, key=lambda p: (p.latitude is None, p.country != main, p.geo_precision, p.evidence.spans[0].start)
    )


def in_named_part(place: Place, text: str, gazetteer: Gazetteer | None = None) -> Place | None:
    """The part of a province or district the words before ``place`` name, or ``None``: "in the southern
    countryside of Idleb", "in northern Raqqa", "in the north-western countryside of Hama". The point is the
    median of the unit's towns on that side of its centre; the place becomes the unit (a town that is its
    province's seat names the province: "the countryside of Idleb" is not Idlib city), at ``geo_precision`` 3
    for a province and 2 for a district. "The east part of Cali" is a part of a city, not read here.

    Measured when added: acled location_within_25km 0.6953 -> 0.7030 (35 rows nearer, one farther), geoparsing,
    satp and wikievents unchanged."""
    if not place.evidence.spans or place.geonameid is None:
        return None
    start = place.evidence.spans[0].start
    match = NAMED_PART_RE.search(text[max(0, start - NAMED_PART_LOOKBACK) : start])
    if match is None:
        return None
    gaz = gazetteer or Gazetteer.default()
    unit = _unit_of_part(place.geonameid, place.feature_code, gaz)
    if unit is None or unit.latitude is None or unit.longitude is None:
        return None
    bearing = (match.group(1) or match.group(2)).lower().replace("-", "")
    towns = [t for t in gaz.town_points(unit.geonameid) if _lies_towards(t, (unit.latitude, unit.longitude), bearing)]
    if len(towns) < MIN_TOWNS_IN_PART:
        return None
    latitude = statistics.median(lat for lat, _lon in towns)
    longitude = statistics.median(lon for _lat, lon in towns)
    reason = (
        f"{place.evidence.reason}; {match.group(0).strip()!r} {place.mention or place.name}: the median of the "
        f"{len(towns)} towns of {unit.name} {bearing} of its centre"
    )
    return replace(
        place,
        name=unit.name,
        admin2=unit.admin2 if unit.feature_code == "ADM2" else None,
        latitude=round(latitude, 5),
        longitude=round(longitude, 5),
        geonameid=unit.geonameid,
        feature_code=unit.feature_code,
        population=unit.population,
        geo_precision=3 if unit.feature_code == "ADM1" else 2,
        evidence=replace(place.evidence, reason=reason),
    )


def _unit_of_part(geonameid: int, feature_code: str | None, gaz: Gazetteer) -> GazPlace | None:
    """The unit whose part is named: the place itself if it is a province or district, the province if the place
    is its seat."""
    if feature_code in ("ADM1", "ADM2"):
        return gaz.place(geonameid)
    unit = gaz.admin1_unit(geonameid)
    if unit is None:
        return None
    seat = gaz.seat(unit.geonameid)
    return unit if seat is not None and seat.geonameid == geonameid else None


def _lies_towards(point: tuple[float, float], centre: tuple[float, float], bearing: str) -> bool:
    north, east = point[0] - centre[0], point[1] - centre[1]
    return (
        ("north" not in bearing or north > 0)
        and ("south" not in bearing or north < 0)
        and ("east" not in bearing or east > 0)
        and ("west" not in bearing or east < 0)
    )


def at_seat(place: Place, gazetteer: Gazetteer | None = None) -> Place:
    """An event's place that is a whole country or province, at the point of its seat (the capital; for a
    province, its most populous town when the gazetteer lacks GeoNames' seat codes), as ACLED codes an event
    it can only place in a province (``geo_precision`` 3). The name, units and precision stay the unit's; the
    evidence says where the point comes from. Other places are returned unchanged.

    Measured on the acled dev notes: location_within_25km 0.681 -> 0.686 (province-level events move to ACLED's
    point), location_within_161km 0.847 -> 0.845 (events in villages the gazetteer lacks, which the unit's
    centre had been nearer by chance)."""
    if place.geonameid is None or place.feature_code not in SEAT_FEATURE_CODES:
        return place
    seat = (gazetteer or Gazetteer.default()).seat(place.geonameid)
    if seat is None or seat.latitude is None or seat.longitude is None:
        return place
    reason = f"{place.evidence.reason}; at the point of its seat, {seat.name}"
    return replace(
        place, latitude=seat.latitude, longitude=seat.longitude, evidence=replace(place.evidence, reason=reason)
    )


@functools.lru_cache(maxsize=1)
def load_demonyms() -> dict[str, Demonym]:
    """The demonym table (``data/place_demonyms.tsv``), keyed by :func:`~conflictlens.gazetteer.name_key`."""
    source = importlib.resources.files("conflictlens") / "data" / "place_demonyms.tsv"
    table: dict[str, Demonym] = {}
    with source.open(encoding="utf-8") as handle:
        rows = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            word, gid = row["demonym"].strip(), row["geonameid"].strip()
            table[name_key(word)] = Demonym(word, row["country"].strip().upper() or None, int(gid) if gid else None)
    return table


# --------------------------------------------------------------------------------------------------
# Mentions


@dataclass(frozen=True, slots=True)
class _Tokens:
    """The token attributes this stage reads, copied out of the Doc once (spaCy builds a Token object on
    every ``doc[i]``, which would dominate the stage's cost)."""

    text: str
    words: list[str]
    lower: list[str]
    idx: list[int]
    space: list[str]  # trailing whitespace
    stop: list[bool]
    punct: list[bool]
    sent_start: list[bool]
    label: list[str]  # the entity label of each token, "" outside entities
    entity: list[tuple[int, int]]  # the [start, end) token range of each token's entity, (i, i + 1) outside
    name_like: list[bool]  # capitalised, with a letter, not a date word, not before a line break

    @classmethod
    def of(cls, doc: Doc, text: str, ents: Sequence[SpacySpan]) -> _Tokens:
        from spacy.attrs import IDX, IS_PUNCT, IS_STOP, SENT_START

        n = len(doc)
        label = [""] * n
        entity = [(i, i + 1) for i in range(n)]
        for ent in ents:
            for i in range(ent.start, ent.end):
                label[i] = ent.label_
                entity[i] = (ent.start, ent.end)
        columns = doc.to_array([IDX, IS_STOP, IS_PUNCT, SENT_START]).tolist() if n else []
        idx = [row[0] for row in columns]
        words = [t.text for t in doc]
        lower = [w.lower() for w in words]
        space = [text[idx[i] + len(words[i]) : idx[i + 1]] for i in range(n - 1)]
        if n:
            space.append(text[idx[-1] + len(words[-1]) :])
        name_like = [
            w[:1].isupper()
            and "\n" not in space[i]
            and not (label[i] in NON_PLACE_LABELS and (lower[i] in CALENDAR_WORDS or label[i] not in ("DATE", "TIME")))
            and any(ch.isalpha() for ch in w)
            for i, w in enumerate(words)
        ]
        return cls(
            text=text,
            words=words,
            lower=lower,
            idx=idx,
            space=space,
            stop=[bool(row[1]) for row in columns],
            punct=[bool(row[2]) for row in columns],
            sent_start=[row[3] == 1 for row in columns],
            label=label,
            entity=entity,
            name_like=name_like,
        )

    def __len__(self) -> int:
        return len(self.words)

    def end(self, i: int) -> int:
        return self.idx[i] + len(self.words[i])


def _entity_mentions(tk: _Tokens, ents: Sequence[SpacySpan], gaz: Gazetteer) -> list[_Mention]:
    """GPE/LOC/FAC entities the gazetteer knows, and demonyms (NORP or otherwise labelled)."""
    demonyms = load_demonyms()
    found: list[_Mention] = []
    for ent in ents:
        if ent.label_ not in PLACE_LABELS and ent.label_ != "NORP":
            continue
        first, last = _trim(tk, ent.start, ent.end - 1)
        if first > last:
            continue
        if ent.label_ != "NORP":
            first, last = _extend_left(tk, first, last, gaz), _extend_name(tk, first, last, gaz)
        mention = _mention(tk, first, last)
        if found and found[-1].start <= mention.start < found[-1].end:
            continue  # the entity before was widened over this one: "Port" + "of" + "Spain city"
        while found and found[-1].end > mention.start:
            found.pop()  # this one was widened over the entity before
        demonym = demonyms.get(mention.key) or demonyms.get(_DEMONYM_PREFIX.sub("", mention.key))
        if demonym is not None:
            mention.demonym = demonym
            found.append(mention)
            continue
        if ent.label_ == "NORP" or mention.key in GENERIC_NAMES:
            continue
        mention.candidates = tuple(gaz.candidates(mention.text)[:MAX_CANDIDATES])
        if all(c.kind == KIND_ALTERNATE for c in mention.candidates):
            # "Hays city" is only an alternate name of Hays, Kansas: "Hays" with "city" as a hint says more
            mention = _without_unit_word(mention, gaz)
        if mention.candidates:
            found.append(mention)
    return found


def _extend_name(tk: _Tokens, first: int, last: int, gaz: Gazetteer) -> int:
    """The entity's last token, moved right over capitalised words while that makes a longer known name
    (spaCy's "Santa Cruz" of "Santa Cruz Xoxocotlan")."""
    best = last
    j = last + 1
    while j < len(tk) and j - first < MAX_CHUNK_TOKENS and (tk.name_like[j] or tk.lower[j] in INNER_WORDS):
        if tk.name_like[j] and tk.space[j - 1] != "" and gaz.has_name(tk.text[tk.idx[first] : tk.end(j)]):
            best = j
        j += 1
    return best


def _extend_left(tk: _Tokens, first: int, last: int, gaz: Gazetteer) -> int:
    """The entity's first token, moved left over capitalised words and particles while that makes a longer
    known name (spaCy's "Antonio" of "Barra de Santo Antonio")."""
    best = first
    i = first - 1
    while i >= 0 and last - i < MAX_CHUNK_TOKENS and (tk.name_like[i] or tk.lower[i] in INNER_WORDS):
        if tk.name_like[i] and tk.space[i] != "" and gaz.has_name(tk.text[tk.idx[i] : tk.end(last)]):
            best = i
        i -= 1
    return best


def _trim(tk: _Tokens, first: int, last: int) -> tuple[int, int]:
    """Token range less leading articles and punctuation, trailing possessives and punctuation (a period
    stays when it ends an abbreviation); first > last when no name is left."""
    words = tk.words
    while first <= last and (words[first] in ARTICLES or tk.punct[first]):
        first += 1
    while first <= last and (words[last] in POSSESSIVES or (tk.punct[last] and words[last] != ".")):
        last -= 1
    if first <= last and words[last] == "." and (first == last or tk.space[last - 1]):
        last -= 1
    if first > last or not (words[first][:1].isupper() or (first < last and tk.lower[first] in LEADING_ARTICLES)):
        return 1, 0
    if not any(ch.isalpha() for i in range(first, last + 1) for ch in words[i]):
        return 1, 0
    return first, last


def _mention(tk: _Tokens, first: int, last: int) -> _Mention:
    start, end = tk.idx[first], tk.end(last)
    # "W.Va." tokenised as "W.Va" + ".": the period belongs to the abbreviation
    if "." in tk.words[last] and not tk.space[last] and last + 1 < len(tk) and tk.words[last + 1] == ".":
        end += 1
    mention_start, mention_end = start, end
    hint: frozenset[str] = frozenset()
    following = tk.lower[last + 1] if last + 1 < len(tk) else ""
    if following in HINT_WORDS or following in AREA_WORDS:
        # "the Bela area", "Bolan district": the mention is the phrase, the toponym the name in it
        hint = HINT_WORDS.get(following, frozenset())
        mention_end = tk.end(last + 1)
        if first > 0 and tk.lower[first - 1] == "the":
            mention_start = tk.idx[first - 1]
    name = tk.text[start:end]
    near = _near(tk, first) or _names_route(tk, first, last)
    return _Mention(start, end, name, mention_start, mention_end, hint, near, name_key(name))


def _without_unit_word(mention: _Mention, gaz: Gazetteer) -> _Mention:
    """ "Bolan District" unknown as such: try "Bolan", keeping "District" as a hint."""
    words = mention.text.split()
    if len(words) < 2 or words[-1].lower() not in HINT_WORDS:
        return mention
    name = " ".join(words[:-1])
    if name_key(name) in GENERIC_NAMES:  # "East county" of "Mundri East county"
        return mention
    candidates = tuple(gaz.candidates(name)[:MAX_CANDIDATES])
    if any(c.kind != KIND_ALTERNATE for c in candidates) or (candidates and not mention.candidates):
        mention.end = mention.start + len(name)
        mention.text, mention.key = name, name_key(name)
        mention.hint = HINT_WORDS[words[-1].lower()]
        mention.candidates = candidates
    return mention


def _near(tk: _Tokens, first: int) -> bool:
    words = tk.lower[max(0, first - 4) : first]
    after_area = any(a in AREA_WORDS and b == "of" for a, b in itertools.pairwise(words))
    return after_area or any(w in NEAR_CUES for w in words)


def _names_route(tk: _Tokens, first: int, last: int) -> bool:
    """Whether the name at tokens ``first``-``last`` names a road, bridge or junction: "the Halba highway", "the
    Tripoli-Beirut highway", "the Damboa - Maiduguri road" (each town of a route counts); not when it is the end
    of a longer name ("Moore's Ford bridge")."""
    if first > 0 and (tk.words[first - 1][:1].isupper() or tk.words[first - 1] in POSSESSIVES):
        return False
    for j in range(last + 1, min(last + 1 + MAX_ROUTE_TOKENS, len(tk))):
        if tk.lower[j] in ROUTE_WORDS and tk.words[j].islower():  # "London Bridge" is a name, not a route
            return True
        if not (tk.words[j] in ("-", "–") or tk.words[j][:1].isupper()):
            return False
    return False


def _cued_mentions(
    tk: _Tokens,
    ents: Sequence[SpacySpan],
    gaz: Gazetteer,
    context: _Context,
    known: Sequence[_Mention],
) -> list[_Mention]:
    """Toponyms outside spaCy's place entities: capitalised runs that read as places ("in X", "X district"),
    that lie inside the place named right after them ("X, Sindh", "X in Balochistan"), or that repeat a name
    already taken as a place; then places that organisations are named after."""
    taken = [False] * (len(tk.text) + 1)
    mentions = list(known)
    for mention in known:
        taken[mention.start : mention.end] = [True] * (mention.end - mention.start)
    found: list[_Mention] = []
    known_names: dict[tuple[int, int], bool] = {}  # token ranges already looked up, across the three rules
    for rule in (_CUE_RULE, _INSIDE_RULE, _REPEAT_RULE):
        ends = {m.end for m in mentions} | {m.mention_end for m in mentions}
        starts = {m.start: m for m in mentions}
        names = {m.key for m in mentions if m.demonym is None}
        for first, last in list(_capitalised_runs(tk, taken)):
            for mention in _places_in_run(tk, first, last, gaz, context, rule, ends, starts, names, known_names):
                found.append(mention)
                mentions.append(mention)
                ends.update((mention.end, mention.mention_end))
                taken[mention.start : mention.end] = [True] * (mention.end - mention.start)
    ends = {m.end for m in mentions} | {m.mention_end for m in mentions}
    unknown = [
        m for first, last in _capitalised_runs(tk, taken) if (m := _unknown_cued_run(tk, first, last, gaz, ends))
    ]
    if unknown:
        votes = _initial_context(mentions, gaz)  # the cued names found above vote too
        for mention in unknown:
            if _read_as_spelling_variant(mention, gaz, votes):
                found.append(mention)
                taken[mention.start : mention.end] = [True] * (mention.end - mention.start)
    for ent in ents:
        if ent.label_ in EMBEDDING_LABELS and not any(taken[tk.idx[i]] for i in range(ent.start, ent.end)):
            embedded = _embedded_mention(tk, ent.start, ent.end - 1, gaz, context)
            if embedded is not None:
                found.append(embedded)
    return found


_CUE_RULE, _INSIDE_RULE, _REPEAT_RULE = "cue", "inside", "repeat"


def _unknown_cued_run(tk: _Tokens, first: int, last: int, gaz: Gazetteer, ends: set[int]) -> _Mention | None:
    """A whole capitalised run that reads as a place ("in X", "X village") but that the gazetteer lacks as
    written: a candidate for :func:`_read_as_spelling_variant`."""
    first, last = _trim(tk, first, last)
    if first > last or last - first >= MAX_CHUNK_TOKENS or tk.stop[first]:
        return None
    if first == last and _is_acronym(tk.words[first]):
        return None
    mention = _mention(tk, first, last)
    if mention.key in GENERIC_NAMES or mention.key in load_demonyms():
        return None
    if not (mention.hint or _cue_before(tk, first, ends)):
        return None
    return None if gaz.has_name(mention.text) else mention


def _read_as_spelling_variant(mention: _Mention, gaz: Gazetteer, votes: _Context) -> bool:
    """Give an unknown cued name the readings of the places of the document's country spelled alike, in one of
    its provinces if its other names name any: "in Khaldeh" is Khaldah, "Joub Jannine" Joubb Jannine,
    "Chargaon mines in Kanker District" no Chirgaon of another state. Transliterations of one name differ in
    their vowels, doubled letters and article. Whether any was found."""
    country = votes.main_country()
    if country is None:
        return False
    candidates = gaz.spelling_variants(mention.text, country)[:MAX_CANDIDATES]
    if any(unit[0] == country for unit in votes.admin1):
        candidates = [c for c in candidates if votes.in_admin1(c.place)]
    mention.candidates = tuple(candidates)
    return bool(candidates)


def _capitalised_runs(tk: _Tokens, taken: list[bool]) -> Iterator[tuple[int, int]]:
    """Token ranges [first, last] of capitalised words, joined by name particles and hyphens."""
    first = -1
    for i in range(len(tk)):
        if _name_word(tk, i, taken):
            first = i if first < 0 else first
            continue
        after = _past_particles(tk, i + 1) if tk.lower[i] in NAME_PARTICLES else i + 1
        follows = after < len(tk) and _name_word(tk, after, taken) and not tk.sent_start[after]
        if first < 0 and follows and tk.lower[i] in LEADING_ARTICLES and not tk.space[i].count("\n"):
            first = i  # "al Bab", "el Fasher": the article starts the name
            continue
        if first < 0 and _article_joined(tk, i) and i + 2 < len(tk) and _name_word(tk, i + 2, taken):
            first = i  # "As-Sweida"
            continue
        joins = first >= 0 and follows
        if joins and (tk.lower[i] in NAME_PARTICLES or (tk.words[i] in ("-", "–") and not tk.space[i - 1])):
            continue
        if first >= 0 and _inside_hyphened_particle(tk, i, taken):
            continue
        if first >= 0:
            yield first, i - 1
        first = -1
    if first >= 0:
        yield first, len(tk) - 1


def _inside_hyphened_particle(tk: _Tokens, i: int, taken: list[bool]) -> bool:
    """Whether token ``i`` is the first hyphen or the particle of "-ez-" in "Deir-ez-Zor"."""
    hyphens = ("-", "–")
    start = i if tk.words[i] in hyphens else i - 1
    return (
        start >= 0
        and start + 3 < len(tk)
        and tk.words[start] in hyphens
        and tk.lower[start + 1] in NAME_PARTICLES
        and tk.words[start + 2] in hyphens
        and not (tk.space[start] or tk.space[start + 1] or tk.space[start + 2])
        and _name_word(tk, start + 3, taken)
    )


def _past_particles(tk: _Tokens, i: int) -> int:
    """The first token from ``i`` that is not a name particle ("de la" of "Buena Vista de la Salud")."""
    while i < len(tk) and tk.lower[i] in NAME_PARTICLES and "\n" not in tk.space[i - 1]:
        i += 1
    return i


def _name_word(tk: _Tokens, i: int, taken: list[bool]) -> bool:
    return tk.name_like[i] and not taken[tk.idx[i]]


def _places_in_run(
    tk: _Tokens,
    first: int,
    last: int,
    gaz: Gazetteer,
    context: _Context,
    rule: str,
    ends: set[int],
    starts: dict[int, _Mention],
    names: set[str],
    known_names: dict[tuple[int, int], bool],
) -> Iterator[_Mention]:
    """The longest sub-runs, left to right, that ``rule`` accepts as places."""
    i = first
    while i <= last:
        for j in range(min(last, i + MAX_CHUNK_TOKENS - 1), i - 1, -1):
            if (i, j) not in known_names:
                known_names[(i, j)] = (
                    (tk.lower[j] not in NAME_PARTICLES or (j > i and tk.words[j][:1].isupper()))  # "... Sur"
                    and not (
                        tk.stop[i]
                        and not tk.words[i].isupper()
                        and not _article_joined(tk, i)
                        and not _capitalised_article(tk, i)
                    )
                    and _trim(tk, i, j) == (i, j)
                    and gaz.has_name(tk.text[tk.idx[i] : tk.end(j)])
                )
            if not known_names[(i, j)]:
                continue
            mention = _mention(tk, i, j)
            if mention.key in GENERIC_NAMES or mention.key in load_demonyms():
                continue
            candidates = tuple(gaz.candidates(mention.text)[:MAX_CANDIDATES])
            if rule == _CUE_RULE:
                cut = _cuts_entity(tk, i, j, first, last)
                accepted = _accept_cued(tk, mention, i, j, candidates, context, ends, local_only=cut)
            elif rule == _INSIDE_RULE:
                accepted = _inside_following(tk, j, candidates, starts)
            else:
                accepted = mention.key in names
            if accepted:
                mention.candidates = candidates
                yield mention
                i = j
                break
        i += 1


def _article_joined(tk: _Tokens, i: int) -> bool:
    """ "As-Sweida", "An-Nasiriyah": a word that is English elsewhere, hyphened to the name as its article."""
    return tk.lower[i] in ARABIC_ARTICLES and i + 1 < len(tk) and tk.words[i + 1] == "-" and not tk.space[i]


def _is_acronym(word: str) -> bool:
    """ "BLA", "JWS", and plurals of acronyms: "LWEs", "IEDs" (not "Lwès", Haiti's Ouest)."""
    letters = word[:-1] if len(word) > 2 and word.endswith("s") else word
    return letters.isupper() and len(letters) <= MAX_ACRONYM_CHARS


def _capitalised_article(tk: _Tokens, i: int) -> bool:
    """ "An Nuqat al Khams", "At Tuhayta", "As Sawmaah": a capitalised English stop word inside a sentence that
    is the Arabic article before a capitalised name."""
    return (
        tk.lower[i] in ARABIC_ARTICLES
        and tk.words[i][:1].isupper()
        and not tk.sent_start[i]
        and i + 1 < len(tk)
        and tk.words[i + 1][:1].isupper()
    )


def _cuts_entity(tk: _Tokens, first: int, last: int, run_first: int, run_last: int) -> bool:
    """Whether [first, last] takes part of one spaCy entity's run of capitalised words ("Abu" of the GPE
    "Abu Salim", "Hamza" of the FAC "Hamza Camp"); leaving out a trailing unit word is fine ("Kankara" of
    "Kankara LGA"), and so is a cut at a comma or bracket inside an entity ("Paucarpata, Arequipa")."""
    cut_after = (
        last < run_last
        and tk.entity[last + 1] == tk.entity[last]
        and tk.lower[last + 1] not in HINT_WORDS
        and tk.lower[last + 1] not in AREA_WORDS
    )
    cut_before = first > run_first and tk.entity[first - 1] == tk.entity[first] and tk.words[first - 1] not in ARTICLES
    return cut_after or cut_before


def _accept_cued(
    tk: _Tokens,
    mention: _Mention,
    first: int,
    last: int,
    candidates: Sequence[Candidate],
    context: _Context,
    ends: set[int],
    *,
    local_only: bool = False,
) -> bool:
    """Whether a capitalised run outside the place entities reads as a known place. ``local_only``: it is part
    of another entity's name ("Gainesville" of "Gainesville Police"), so only a salient place or a town of
    the document's countries will do."""
    acronym = first == last and _is_acronym(tk.words[first])
    if acronym:  # "BLA", "JWS": organisations, unless our alias table says otherwise ("US", "UAE")
        return any(c.kind == KIND_ALIAS for c in candidates)
    salient = any(_is_salient(c.place) for c in candidates if c.kind in (KIND_ALIAS, KIND_NAME))
    named_unit = last > first and tk.lower[last] in HINT_WORDS  # "Butler County", "Sokoto State"
    locative = _cue_before(tk, first, ends)
    cue = (
        named_unit or bool(mention.hint) or mention.mention_end > mention.end or locative or _cue_after(tk, first, last)
    )
    # not "Falcón" of "Lidia Falcón", nor "Nelson" of "(Nelson Mandela Bay, Eastern Cape)": part of a person's name
    person_part = local_only and tk.label[first] == "PERSON"
    if salient and ((cue and not person_part) or (tk.label[first] == "ORG" and not local_only)):
        return True
    if not cue and _bracketed_container(tk, first, last):
        # a district or province in brackets after a name: an admin unit by its own name, not a namesake town
        # ("Marwan Barghouti (Fatah)", "Brian Meaney (Green)") nor a unit's short form ("Green" of Green County)
        # nor a bearing ("Inspector General of Police (South West)")
        bearing = all(tk.lower[i] in REGION_ADJECTIVES or tk.words[i] == "-" for i in range(first, last + 1))
        return not bearing and any(
            c.place.is_admin and c.kind in (KIND_NAME, KIND_ALIAS, KIND_ALTERNATE) for c in candidates
        )
    if not cue:
        # "militants attacked Turbat": a verb whose object is usually a place, for a town of the context
        return (
            first > 0
            and tk.lower[first - 1] in PLACE_VERBS
            and any(
                c.kind != KIND_ALTERNATE
                and c.place.feature_class in ("P", "A")
                and context.country_share(c.place.country_iso2) >= MIN_LOCAL_COUNTRY_SHARE
                for c in candidates
            )
        )
    return any(
        c.place.feature_class in ("P", "A")
        and (c.kind != KIND_ALTERNATE or c.place.feature_class == "A" or c.place.population >= CUED_MIN_POPULATION)
        and (not local_only or context.country_share(c.place.country_iso2) >= MIN_LOCAL_COUNTRY_SHARE)
        and (
            c.place.population >= CUED_MIN_POPULATION
            or c.place.feature_class == "A"
            or context.country_share(c.place.country_iso2) >= MIN_LOCAL_COUNTRY_SHARE
            or (len(candidates) == 1 and c.kind == KIND_NAME and locative and not local_only)  # "near Hnutove"
        )
        for c in candidates
    )


def _inside_following(tk: _Tokens, last: int, candidates: Sequence[Candidate], starts: dict[int, _Mention]) -> bool:
    """ "X, Sindh", "X (Sindh)", "X in Sindh": X has a reading inside the place named right after it (by an
    alternate spelling too, for a town of 1,000 or more: "Menbij in Aleppo" is Manbij)."""
    following = last + 1
    if following + 1 >= len(tk) or tk.lower[following] not in (",", "(", "in"):
        return False
    if _is_acronym(tk.words[last]):
        return False
    container = starts.get(tk.idx[following + 1])
    if container is None:
        return False
    units = {(c.place.country_iso2, c.place.admin1) for c in container.candidates if c.place.feature_code == "ADM1"}
    districts = {(c.place.country_iso2, c.place.admin2) for c in container.candidates if c.place.feature_code == "ADM2"}
    countries = {c.place.country_iso2 for c in container.candidates if c.place.is_country}
    return any(
        c.place.feature_class in ("P", "A")
        and (c.kind != KIND_ALTERNATE or c.place.population >= CUED_MIN_POPULATION)
        and (
            (c.place.country_iso2, c.place.admin1) in units
            or (c.place.country_iso2, c.place.admin2) in districts
            or c.place.country_iso2 in countries
        )
        for c in candidates
    )


def _cue_after(tk: _Tokens, first: int, last: int) -> bool:
    """ "X woman", "X residents", "X police", "the X highway"; or a dateline: "COLUMBUS -- The ..." at the start of
    a line."""
    following = tk.lower[last + 1] if last + 1 < len(tk) else ""
    if following in PEOPLE_AFTER_PLACE or _names_route(tk, first, last):
        return True
    line_start = first == 0 or "\n" in tk.space[first - 1] or tk.words[first - 1] in (".", "!", "?")
    return line_start and tk.words[last].isupper() and following in DATELINE_DASHES


def _cue_before(tk: _Tokens, first: int, places_before: set[int]) -> bool:
    """ "in X", "the city of X", or "(X", ", X", "and X" right after a place."""
    i = first - 1
    while i >= 0 and (
        tk.lower[i] in REGION_ADJECTIVES or (tk.words[i] == "-" and i > 0 and tk.lower[i - 1] in REGION_ADJECTIVES)
    ):
        i -= 1  # "in central Thessaloniki", "in north-western Syria"
    if i >= 0 and tk.lower[i] == "the":
        i -= 1
    if i < 0:
        return False
    before = tk.lower[i]
    if before in LOCATIVE_CUES:
        return True
    if before == "of" and i > 0 and tk.lower[i - 1] in PLACE_NOUNS:
        return True
    if before in (",", "(", "and", "or") and i > 0:
        i = _past_item_containers(tk, i)
        end = tk.end(i - 1)
        if end in places_before or (tk.words[i - 1] == "." and end - 1 in places_before):
            return True
        return _in_parenthetical_after_place_phrase(tk, i) or _after_place_phrase(tk, i)
    return False


def _past_item_containers(tk: _Tokens, i: int) -> int:
    """The list separator at ``i`` moved back over the previous item's bracketed containers (and the comma
    before "and" that follows them): in "the A (X), B (Y), and C frontlines" B and C come right after a place
    as "and X" does. Not over a bare comma before "and": "of Swansea, and Donald L. Smith" lists people."""
    comma_and = tk.lower[i] in ("and", "or") and i > 2 and tk.words[i - 1] == "," and tk.words[i - 2] == ")"
    if comma_and:
        return i - 2
    if tk.words[i] in (",", "and", "or") and i > 1 and tk.words[i - 1] == ")":
        return i - 1
    return i


def _after_place_phrase(tk: _Tokens, comma: int) -> bool:
    """ "in Barangay Basak, Guihulngan": a comma after a name that reads as a place ("in X") is followed by its
    container even when the gazetteer does not know X itself."""
    if tk.words[comma] != ",":
        return False
    j = comma - 1
    while j >= 0 and (tk.name_like[j] or tk.lower[j] in NAME_PARTICLES) and comma - j <= MAX_CHUNK_TOKENS:
        j -= 1
    return 0 <= j < comma - 1 and tk.lower[j] in LOCATIVE_CUES and not tk.sent_start[j + 1]


def _in_parenthetical_after_place_phrase(tk: _Tokens, i: int) -> bool:
    """ "in Al Hishah (Misrata)", "in Wadi Daiqah area (Al Mahad, Abyan)": a parenthesis after a name that reads
    as a place ("in X", "X area") holds its containers even when the gazetteer does not know X itself."""
    opening = i
    while opening >= 0 and tk.words[opening] != "(" and i - opening <= MAX_CHUNK_TOKENS:
        if tk.words[opening] == ")" or tk.sent_start[opening]:
            return False
        opening -= 1
    if opening <= 0 or tk.words[opening] != "(":
        return False
    j = opening - 1
    while j >= 0 and (tk.lower[j] in AREA_WORDS or tk.lower[j] in PLACE_NOUNS):
        j -= 1  # "Wadi Daiqah area (", "Al Haqban village ("
    run_end = j
    while j >= 0 and (tk.name_like[j] or tk.lower[j] in NAME_PARTICLES or tk.lower[j] in LEADING_ARTICLES):
        j -= 1
    if j == run_end or j < 0:
        return False
    if tk.lower[j] in LOCATIVE_CUES:
        return True
    return tk.lower[j] == "of" and j > 0 and tk.lower[j - 1] in PLACE_NOUNS


def _bracketed_container(tk: _Tokens, first: int, last: int) -> bool:
    """Whether [first, last] is a whole item of brackets that hold nothing but one or two names and follow a
    name: "Garsoor section (Gaalkacyo, Mudug)", "Ajaylat (An Nuqat al Khams)", the way ACLED notes and many
    wires write the district and province of a village the reader will not know."""
    if (
        first == 0
        or last + 1 >= len(tk)
        or tk.words[first - 1] not in ("(", ",")
        or tk.words[last + 1] not in (",", ")")
    ):
        return False
    opening = first - 1
    while opening >= 0 and tk.words[opening] != "(":
        if tk.words[opening] == ")" or first - opening > MAX_CONTAINERS_IN_BRACKETS * (MAX_CHUNK_TOKENS + 1):
            return False
        opening -= 1
    return opening > 0 and _holds_names_only(tk, opening) and _name_before(tk, opening)


def _holds_names_only(tk: _Tokens, opening: int) -> bool:
    """The brackets opened at ``opening`` close after at most ``MAX_CONTAINERS_IN_BRACKETS`` comma-separated
    capitalised names, and nothing else ("(Reuters)" passes this test and fails the gazetteer's)."""
    items, words, i = 0, 0, opening + 1
    while i < len(tk) and tk.words[i] != ")":
        if tk.words[i] == ",":
            if words == 0:
                return False
            items, words = items + 1, 0
        elif tk.name_like[i] or tk.lower[i] in NAME_PARTICLES or tk.lower[i] in ARABIC_ARTICLES or tk.words[i] == "-":
            words += 1
            if words > MAX_CHUNK_TOKENS or (words == 1 and not tk.words[i][:1].isupper()):
                return False
        else:
            return False
        i += 1
    if i >= len(tk) or words == 0 or items + 1 > MAX_CONTAINERS_IN_BRACKETS:
        return False
    # "June V. (Watson) Schell": a name goes on after them; "Mutraw (Hpapun) District" is a unit's name
    return not (i + 1 < len(tk) and tk.name_like[i + 1] and tk.lower[i + 1] not in HINT_WORDS)


def _name_before(tk: _Tokens, opening: int) -> bool:
    """A capitalised name ends at most ``MAX_WORDS_BEFORE_BRACKETS`` lower-case words before ``opening``:
    "Ajaylat (", "Garsoor section (", "Kolofata subdivision ("."""
    j = opening - 1
    while j >= 0 and opening - 1 - j < MAX_WORDS_BEFORE_BRACKETS and tk.words[j].isalpha() and tk.words[j].islower():
        j -= 1
    return j >= 0 and tk.name_like[j]


def _inside_other_name(tk: _Tokens, mention: _Mention) -> bool:
    """Whether the toponym is part of an outlet's, a street's or a company's name: "New York" of "The New York
    Times", "Oxford" of "Oxford Street", "India" of "The Times of India", "Gafsa" of "Gafsa Phosphate Company";
    or names a currency ("the US dollar")."""
    first = bisect.bisect_left(tk.idx, mention.start)
    last = bisect.bisect_left(tk.idx, mention.end) - 1
    after = last + 1
    if after < len(tk) and tk.words[after][:1].isupper() and tk.lower[after] in NON_LOCATING_WORDS:
        return True
    if after < len(tk) and tk.lower[after] in CURRENCY_WORDS:
        return True
    if _name_ends_in(tk, after, COMPANY_WORDS, MAX_COMPANY_NAME_WORDS):
        return True
    if _name_ends_in(tk, after, STREET_WORDS, MAX_STREET_NAME_WORDS, any_case=True):
        return True
    before = first - 2
    return (
        before >= 0
        and tk.lower[first - 1] == "of"
        and tk.words[before][:1].isupper()
        and tk.lower[before] in NON_LOCATING_WORDS
    )


def _name_ends_in(tk: _Tokens, i: int, words: frozenset[str], between: int, *, any_case: bool = False) -> bool:
    """Whether one of ``words`` follows from token ``i`` after at most ``between`` capitalised words, itself
    capitalised unless ``any_case``: "Phosphate Company" (a company), "Yokusu street" (a street)."""
    for j in range(i, min(i + between + 1, len(tk))):
        capitalised = tk.words[j][:1].isupper()
        if tk.lower[j].rstrip(".") in words and (capitalised or any_case):
            return True
        if not capitalised:
            return False
    return False


def _country_as_owner(tk: _Tokens, mention: _Mention) -> bool:
    """Whether a country's name is written as the owner of the troops, officials or aircraft after it ("U.S.
    troops", "US Air Force", "UK military base"): like "American troops", it says whose, not where."""
    after = bisect.bisect_left(tk.idx, mention.end)
    return (
        after < len(tk)
        and tk.lower[after] in OWNED_WORDS
        and any(c.place.is_country and c.kind != KIND_ALTERNATE for c in mention.candidates)
    )


def _is_salient(place: GazPlace) -> bool:
    """Countries, continents, admin1 units and capitals: names rarely meant as anything else."""
    return place.is_country or place.feature_code in ("ADM1", "CONT", "PPLC")


def _embedded_mention(tk: _Tokens, first: int, last: int, gaz: Gazetteer, context: _Context) -> _Mention | None:
    """The longest leading run of an entity's words (or the words after its last "of") that names a salient
    place, or a large or local town: "Quetta Police" -> Quetta, "University of California" -> California."""
    if tk.words[first] in ARTICLES:
        first += 1
    runs = [(first, j) for j in range(last - 1, first - 1, -1)]
    ofs = [i for i in range(first, last) if tk.lower[i] == "of"]
    if ofs:
        runs.insert(0, (ofs[-1] + 1, last))
    for i, j in runs:
        if not all(tk.words[k][:1].isupper() for k in range(i, j + 1)):
            continue
        if i == j and tk.lower[i] in GENERIC_NAMES:
            continue
        name = tk.text[tk.idx[i] : tk.end(j)]
        candidates = tuple(gaz.candidates(name)[:MAX_CANDIDATES])
        if any(_embeds(c, context) for c in candidates):
            mention = _mention(tk, i, j)
            mention.candidates = candidates
            return mention
    return None


def _embeds(candidate: Candidate, context: _Context) -> bool:
    if candidate.kind not in (KIND_ALIAS, KIND_NAME):
        return False
    place = candidate.place
    if _is_salient(place):
        return True
    if place.feature_class == "A":  # "Laurel County Sheriff's Office": a district named with its unit word
        return context.country_share(place.country_iso2) >= MIN_LOCAL_COUNTRY_SHARE
    if place.feature_class != "P":
        return False
    return place.population >= EMBEDDED_MIN_POPULATION or (
        context.country_share(place.country_iso2) >= MIN_LOCAL_COUNTRY_SHARE
        and place.population >= EMBEDDED_LOCAL_MIN_POPULATION
    )


# --------------------------------------------------------------------------------------------------
# Context


def _initial_context(mentions: Sequence[_Mention], gaz: Gazetteer) -> _Context:
    """Votes from names that are a country or an admin1 unit by their own name (or by any name, before a
    province word), from demonyms, and from names every candidate of which lies in one country."""
    context = _Context()
    seen: set[str] = set()
    for mention in mentions:
        if mention.key in seen or not _votes(mention):
            continue
        seen.add(mention.key)
        if mention.demonym is not None:
            _vote_demonym(context, mention.key, mention.demonym, gaz)
            continue
        strong = [c for c in mention.candidates if c.kind in (KIND_ALIAS, KIND_NAME, KIND_SHORT)]
        countries = [c.place for c in strong if c.place.is_country]
        admin1 = [c.place for c in strong if c.place.feature_code == "ADM1"]
        if not admin1 and "ADM1" in mention.hint:  # "Aleppo province": Ḩalab, by an alternate name
            admin1 = [c.place for c in mention.candidates if c.place.feature_code == "ADM1"]
        if countries:
            context.vote(mention.key, countries[0].country_iso2, None, _country_vote(mention))
        elif len(admin1) == 1 and not _outweighed_abroad(admin1[0], strong):
            context.vote(mention.key, admin1[0].country_iso2, admin1[0].admin1, ADMIN_MENTION_VOTE)
        else:
            places = {c.place.country_iso2 for c in (strong or mention.candidates)}
            if len(places) == 1:
                context.vote(mention.key, next(iter(places)), None, PLACE_VOTE)
    return context


def _outweighed_abroad(unit: GazPlace, candidates: Sequence[Candidate]) -> bool:
    """Whether a place of another country, called by the same name, is bigger than the admin1 unit: "Sao
    Vicente" is an island of Cabo Verde but more often the Brazilian city, so it votes for neither."""
    return any(c.place.country_iso2 != unit.country_iso2 and c.place.population > unit.population for c in candidates)


def _votes(mention: _Mention) -> bool:
    """Whether the name counts as context: not a name inside another name ("the US dollar")."""
    return mention.located or mention.owner


def _country_vote(mention: _Mention) -> float:
    """A country named as a place, or as the owner of troops ("U.S. troops"), which says as little as "American"."""
    return DEMONYM_VOTE if mention.owner else COUNTRY_MENTION_VOTE


def _vote_demonym(context: _Context, key: str, demonym: Demonym, gaz: Gazetteer) -> None:
    if demonym.geonameid is not None:
        place = gaz.place(demonym.geonameid)
        if place is not None and place.feature_code == "ADM1":
            context.vote(key, place.country_iso2, place.admin1, DEMONYM_VOTE, demonym=True)
            return
    context.vote(key, demonym.country_iso2, None, DEMONYM_VOTE, demonym=True)


def _context_from_choices(mentions: Sequence[_Mention], choices: _Choices, gaz: Gazetteer) -> _Context:
    context = _Context()
    seen: set[str] = set()
    for mention in mentions:
        if mention.key in seen or not _votes(mention):
            continue
        seen.add(mention.key)
        if mention.demonym is not None:
            _vote_demonym(context, mention.key, mention.demonym, gaz)
            continue
        choice = choices.get((mention.key, mention.hint))
        if choice is None:
            continue
        place = choice.place
        if place.is_country:
            context.vote(mention.key, place.country_iso2, None, _country_vote(mention))
        else:
            weight = ADMIN_MENTION_VOTE if place.feature_code == "ADM1" else PLACE_VOTE
            context.vote(mention.key, place.country_iso2, place.admin1, weight)
    return context


# --------------------------------------------------------------------------------------------------
# Resolution

_Parts = dict[str, float]
_Choices = dict[tuple[str, frozenset[str]], _Choice]  # by name key and place-type words


@dataclass(frozen=True, slots=True)
class _Enclosure:
    """ "X, Y", "X (Y", "X in Y": Y written as the place X lies in. ``then`` is the name written after Y in the same
    way, if any: Y is then a link of a chain ("Caracoli, Malambo, Atlantico") or an item of a list ("Kidal,
    Gao, Timbuktu"); ``bracket``: Y is in brackets, which lists only containers ("Famale (Dessa, Tillaberi)");
    ``stated``: "X neighbourhood of Y" says in words that X lies in Y, which no list does."""

    outer: str
    then: str | None
    bracket: bool
    stated: bool = False


@dataclass(frozen=True, slots=True)
class _Container:
    """A place the text says for certain a name lies in: its chosen reading first, then its other readings."""

    readings: tuple[GazPlace, ...]
    stated: bool  # in words ("X neighbourhood of Y"), not by a comma or a bracket


def _containers(mentions: Sequence[_Mention], text: str) -> dict[str, list[_Enclosure]]:
    """For each name, the names written right after it as its container: "X, Y", "X (Y", "X in Y", "X
    neighbourhood of Y"."""
    out: dict[str, list[_Enclosure]] = defaultdict(list)
    named = [m for m in mentions if m.demonym is None]
    for index, (inner, outer) in enumerate(itertools.pairwise(named)):
        gap = text[inner.mention_end : outer.start]
        part_word = text[inner.end : inner.mention_end].strip().lower()
        stated = part_word in PART_WORDS and _UNIT_CONTAINER_GAP.fullmatch(gap) is not None
        if inner.key == outer.key or not (stated or _CONTAINER_GAP.fullmatch(gap)):
            continue
        if _demonym_between(mentions, inner, outer):
            continue
        after = named[index + 2] if index + 2 < len(named) else None
        then = after.key if after and _CONTAINER_GAP.fullmatch(text[outer.mention_end : after.start]) else None
        bracket = "(" in gap or ("(" in text[: inner.start].rsplit(")", 1)[-1] and "," in gap)
        out[inner.key].append(_Enclosure(outer.key, then, bracket, stated))
    return out


def _mark_namesake_pairs(mentions: Sequence[_Mention], text: str) -> None:
    """ "Durango, Durango", "Sikasso (Sikasso, Mali)": the first is the town (or district) inside the admin unit
    of the same name that the second names. Each gets a hint that says so, and so its own reading."""
    named = [m for m in mentions if m.demonym is None]
    for inner, outer in itertools.pairwise(named):
        if inner.key != outer.key or not _CONTAINER_GAP.fullmatch(text[inner.mention_end : outer.start]):
            continue
        if inner.hint and not inner.hint.isdisjoint(ADMIN_HINT):
            continue  # "Nihm district, Nihm": a list or a repeat, not a place inside its namesake
        outer.hint = (outer.hint or ADMIN_HINT) | {HOLDS_NAMESAKE}
        inner.hint = inner.hint | {
            mark for code, mark in (("ADM1", IN_NAMESAKE_ADMIN1), ("ADM2", IN_NAMESAKE_ADMIN2)) if code in outer.hint
        }


def _in_namesake_unit(place: GazPlace, key: str, hint: frozenset[str]) -> bool:
    """Whether ``place`` lies in an admin unit named ``key`` of the level ``hint`` marks, and is not that unit."""
    if place.is_country or (place.is_admin and name_key(place.name) == key):
        return False
    units = (place.admin1 if IN_NAMESAKE_ADMIN1 in hint else None, place.admin2 if IN_NAMESAKE_ADMIN2 in hint else None)
    return any(unit and name_key(unit) == key for unit in units)


def _demonym_between(mentions: Sequence[_Mention], inner: _Mention, outer: _Mention) -> bool:
    return any(m.demonym is not None and inner.start < m.start < outer.start for m in mentions)


def _encloses(enclosure: _Enclosure, earlier: dict[str, GazPlace]) -> bool:
    """Whether the text says for certain that the name lies in ``enclosure.outer``: in brackets, or not one item
    of a list (nothing is written after it, or what is written after it contains it in turn)."""
    if enclosure.bracket or enclosure.stated or enclosure.then is None:
        return True
    outer, then = earlier.get(enclosure.outer), earlier.get(enclosure.then)
    return outer is not None and then is not None and _in_same_unit(outer, then)


def _in_same_unit(place: GazPlace, container: GazPlace) -> bool:
    """Loosely inside: in the container's country, and in its admin1 unless the container is the country."""
    if container.feature_code == "CONT":
        return True
    if place.country_iso2 != container.country_iso2:
        return False
    return container.is_country or place.geonameid == container.geonameid or place.admin1 == container.admin1


def _inside(place: GazPlace, container: GazPlace) -> bool:
    if place.geonameid == container.geonameid or place.country_iso2 != container.country_iso2:
        return False
    if container.is_country:
        return True
    if container.feature_code == "ADM2":
        return place.admin2 == container.admin2
    if container.feature_code == "ADM1" or container.feature_class == "P":
        return place.admin1 == container.admin1  # a town "in" a city: a neighbourhood or a suburb of it
    return False


def _contents(containers: dict[str, list[_Enclosure]], earlier: dict[str, GazPlace]) -> dict[str, list[GazPlace]]:
    """For each name, the resolved places written right before it as lying in it."""
    out: dict[str, list[GazPlace]] = defaultdict(list)
    for inner, enclosures in containers.items():
        if inner in earlier:
            for enclosure in enclosures:
                out[enclosure.outer].append(earlier[inner])
    return out


# How coarse a place is: a container is coarser than what it contains.
_LEVELS = {"ADM2": 2, "ADM1": 1}


def _level(place: GazPlace) -> int:
    return 0 if place.is_country else _LEVELS.get(place.feature_code, 3)


def _holds(place: GazPlace, contents: Sequence[GazPlace]) -> bool:
    """Whether an admin unit or country holds a coarser-than-town place written before it: "Majzar district
    (Marib)" names the governorate of Marib, not its town."""
    return (place.is_admin or place.is_country) and any(
        _level(place) < _level(inner) and _inside(inner, place) for inner in contents
    )


def _resolve_names(
    mentions: Sequence[_Mention],
    context: _Context,
    containers: dict[str, list[_Enclosure]] | None = None,
    previous: _Choices | None = None,
    readings: dict[str, list[GazPlace]] | None = None,
) -> _Choices:
    first_of: dict[tuple[str, frozenset[str]], _Mention] = {}
    for mention in mentions:
        if mention.demonym is None:
            first_of.setdefault((mention.key, mention.hint), mention)
    earlier = _places_by_key(previous or {})
    contents = _contents(containers or {}, earlier)
    choices: _Choices = {}
    for (key, hint), mention in first_of.items():
        around = [earlier[e.outer] for e in (containers or {}).get(key, ()) if e.outer in earlier]
        certain = _certain_containers(key, containers or {}, earlier, readings or {})
        choice = _choose(
            key,
            mention.text,
            mention.candidates,
            hint,
            context,
            around,
            certain,
            contents.get(key, ()),
            settled=previous is not None,
            written_inside=bool((containers or {}).get(key)),
        )
        if choice is not None:
            choices[(key, hint)] = choice
    return choices


def _choose(
    key: str,
    name: str,
    candidates: Sequence[Candidate],
    hint: frozenset[str],
    context: _Context,
    containers: Sequence[GazPlace] = (),
    certain_containers: Sequence[_Container] = (),
    contents: Sequence[GazPlace] = (),
    *,
    settled: bool = False,
    written_inside: bool = False,
) -> _Choice | None:
    """The best-scored candidate. ``settled``: the context comes from the document's resolved names (the second
    round), so a small town of a country nothing else points to gives way to the best reading in the document's
    own country, or to none (:func:`_foreign_namesake`). ``certain_containers``: places the text says the name
    lies in; with no reading there, the name is a place the gazetteer lacks ("Caracoli, Malambo, Atlantico"
    is not the Caracoli of Antioquia) and gets none."""
    if not candidates:
        return None
    towns = {(c.place.country_iso2, c.place.admin1) for c in candidates if c.place.feature_class == "P"}
    scored = sorted(
        ((_score(c, key, hint, context, towns, containers, contents), c) for c in candidates),
        key=lambda item: (-item[0][0], -item[1].place.population, item[1].place.geonameid),
    )
    if settled and _foreign_namesake(scored[0][1].place, key, context, candidates):
        scored = [item for item in scored if context.country_share(item[1].place.country_iso2, exclude=key) > 0]
        if not scored:
            return None
    if settled and not written_inside and _province_namesake(scored[0][1].place, key, context, candidates):
        scored = [item for item in scored if context.in_admin1(item[1].place, exclude=key)]
        if not scored:
            return None
    scored = [item for item in scored if not _outside_containers(item[1].place, item[1].kind, certain_containers)]
    if not scored:
        return None
    (_best_score, best_parts), best = scored[0]
    runner_up = scored[1][0][1] if len(scored) > 1 else None
    return _Choice(best.place, best.kind, _reason(name, best, best_parts, runner_up, len(scored)))


def _places_by_key(choices: _Choices) -> dict[str, GazPlace]:
    return {key: choice.place for (key, _hint), choice in choices.items()}


def _readings(mentions: Sequence[_Mention]) -> dict[str, list[GazPlace]]:
    """Each name's admin units and countries by its own name or an alias: a container written "Buenos Aires" may
    be the province as well as the city."""
    out: dict[str, list[GazPlace]] = {}
    for mention in mentions:
        units = [c.place for c in mention.candidates if c.kind not in WEAK_KINDS and c.place.feature_class == "A"]
        out.setdefault(mention.key, units)
    return out


def _certain_containers(
    key: str,
    containers: dict[str, list[_Enclosure]],
    earlier: dict[str, GazPlace],
    readings: dict[str, list[GazPlace]],
) -> list[_Container]:
    """The places the text says the name lies in."""
    return [
        _Container((earlier[e.outer], *readings.get(e.outer, ())), e.stated)
        for e in containers.get(key, ())
        if e.outer in earlier and _encloses(e, earlier)
    ]


def _without_outsiders(
    choices: _Choices, containers: dict[str, list[_Enclosure]], readings: dict[str, list[GazPlace]]
) -> _Choices:
    """The first round's choices less those outside the places the text says they lie in: "Ara" read as the
    Indian town must not vote for India in "in Ara in As-Sweida"."""
    earlier = _places_by_key(choices)
    return {
        (key, hint): choice
        for (key, hint), choice in choices.items()
        if not _outside_containers(choice.place, choice.kind, _certain_containers(key, containers, earlier, readings))
    }


def _outside_containers(place: GazPlace, kind: int, containers: Sequence[_Container]) -> bool:
    """Whether the text says the name lies in ``containers`` and ``place`` is in none of their readings, so the
    name is a place the gazetteer lacks. Unless the text says so in words ("X neighbourhood of Y"), a country,
    admin1 or capital called by its own name, or a city beside a town, is kept: what is written after it is more
    likely one item of a list ("Kabul, Helmand", "Lyon, Toulouse") than a place it lies in. A mid-sized namesake
    beside a province is not ("La Victoria, Lambayeque")."""
    if not containers or any(_in_same_unit(place, c) for container in containers for c in container.readings):
        return False
    if kind in WEAK_KINDS or any(container.stated for container in containers):
        return True
    city = place.population >= EMBEDDED_MIN_POPULATION and all(
        container.readings[0].feature_class == "P" for container in containers
    )
    return not (_is_salient(place) or city)


def _foreign_namesake(place: GazPlace, key: str, context: _Context, candidates: Sequence[Candidate] = ()) -> bool:
    """A small town of a country no other name of the document votes for, in a document most of whose names
    point to another country: "the village of Daman" in a report on Deir ez-Zor is a Syrian village, not Daman in
    India (on the acled dev notes, 207 event places were in another country than the report's)."""
    if _is_salient(place) or place.population >= EMBEDDED_MIN_POPULATION:
        return False
    if place.population >= EMBEDDED_LOCAL_MIN_POPULATION and len({c.place.country_iso2 for c in candidates}) == 1:
        return False  # no namesake at all: "a hotel in Kilkis" in a report on migrants from Afghanistan
    if context.country_share(place.country_iso2, exclude=key) > 0:
        return False
    # other place names must point elsewhere: "Turkish forces shelled Tell Abiad" says whose forces, and Tell
    # Abiad, which has no namesake, stays in Syria
    others = (
        context.country_share(c, exclude=key, names_only=True) for c in context.countries if c != place.country_iso2
    )
    return max(others, default=0.0) >= FOREIGN_CONTEXT_SHARE


def _province_namesake(place: GazPlace, key: str, context: _Context, candidates: Sequence[Candidate]) -> bool:
    """A small town of a province no other name of the document votes for, in a document whose other names vote
    for provinces of the same country, and not written inside a place of its own (the caller checks): "clashes
    in Papua province ... in Bate village" is a Papuan village the gazetteer lacks, not Bate in East Java; in
    a report on Rio de Janeiro, "Penha" is a Rio neighbourhood it lacks, not the town in Santa Catarina. The
    within-country form of :func:`_foreign_namesake`.

    Measured when added: acled location_within_25km 0.687 -> 0.691; geoparsing toponym_f1 0.745 -> 0.753 (fewer
    people and things read as small towns elsewhere), accuracy_25km 0.710 -> 0.720, median error 1.9 -> 1.6 km;
    satp location_within_25km 0.270 -> 0.276."""
    if place.feature_class != "P" or _is_salient(place) or place.population >= EMBEDDED_MIN_POPULATION:
        return False
    if place.population >= EMBEDDED_LOCAL_MIN_POPULATION and len(candidates) == 1:
        return False  # no namesake: the text's province or the gazetteer's is wrong, not the town
    if context.in_admin1(place, exclude=key):
        return False
    own = context.by_name.get(key)
    return any(
        country == place.country_iso2 and votes - (own[1].get((country, admin1), 0.0) if own else 0.0) > 1e-9
        for (country, admin1), votes in context.admin1.items()
    )


def _score(
    candidate: Candidate,
    key: str,
    hint: frozenset[str],
    context: _Context,
    towns: set[tuple[str | None, str | None]],
    containers: Sequence[GazPlace] = (),
    contents: Sequence[GazPlace] = (),
) -> tuple[float, _Parts]:
    place = candidate.place
    in_admin1 = context.in_admin1(place, exclude=key) and not place.is_country
    inside = any(_inside(place, container) for container in containers)
    in_namesake = _in_namesake_unit(place, key, hint)
    # the unit of "Colon (Colon)" is the Colon province that has a town Colon, not the one that has none
    holds_namesake = HOLDS_NAMESAKE in hint and place.is_admin and (place.country_iso2, place.admin1) in towns
    holds = _holds(place, contents)
    parts: _Parts = {
        "the place named after it": CONTAINER_WEIGHT if inside else 0.0,
        "the unit of its name after it": CONTAINER_WEIGHT if in_namesake else 0.0,
        "the town of its name before it": CONTAINER_WEIGHT if holds_namesake else 0.0,
        "the place named before it": CONTAINER_WEIGHT if holds else 0.0,
        "match": KIND_WEIGHT[candidate.kind],
        "feature": _feature_weight(place),
        "population": POPULATION_WEIGHT * math.log10(place.population + 1),
        "country context": COUNTRY_CONTEXT_WEIGHT * context.country_share(place.country_iso2, exclude=key),
        "province context": ADMIN1_CONTEXT_WEIGHT if in_admin1 else 0.0,
        "place-type words": HINT_WEIGHT if hint and place.feature_code in hint else 0.0,
    }
    if place.is_admin and not (hint - NAMESAKE_MARKS) and (place.country_iso2, place.admin1) in towns:
        parts["feature"] -= SEAT_PENALTY  # "Quetta" is the town, "Quetta district" the district
    if place.latitude is None:
        parts["feature"] -= NO_POINT_PENALTY
    return sum(parts.values()), parts


def _feature_weight(place: GazPlace) -> float:
    if place.feature_code in FEATURE_WEIGHT:
        return FEATURE_WEIGHT[place.feature_code]
    if place.is_country:
        return FEATURE_WEIGHT["PCLI"]
    if place.feature_class == "P":
        return POPULATED_WEIGHT
    if place.feature_class == "A":
        return OTHER_ADMIN_WEIGHT
    return OTHER_FEATURE_WEIGHT


def _reason(name: str, best: Candidate, parts: _Parts, runner_up: _Parts | None, count: int) -> str:
    place = best.place
    where = ", ".join(dict.fromkeys(x for x in (place.admin1, place.country_name) if x and x != place.name))
    head = f"{name}: {place.feature_code}" + (f" in {where}" if where else "")
    if best.kind == KIND_ALIAS:
        head += f" ({place.name}, via the alias table)"
    elif best.kind == KIND_VARIANT:
        head += f" ({place.name}, the gazetteer's spelling)"
    elif name_key(name) != name_key(place.name):
        head += f" ({place.name})"
    if runner_up is None:
        return f"{head}, the only candidate"
    margins = {k: parts[k] - runner_up.get(k, 0.0) for k in parts}
    deciding = max(margins, key=lambda k: margins[k])
    return f"{head}, chosen over {count - 1} candidate{'s' if count > 2 else ''} by {deciding}"


def _demonym_place(demonym: Demonym, gaz: Gazetteer) -> GazPlace | None:
    if demonym.geonameid is not None:
        return gaz.place(demonym.geonameid)
    return gaz.country(demonym.country_iso2) if demonym.country_iso2 else None


# --------------------------------------------------------------------------------------------------
# Records


def _to_place(mention: _Mention, choice: _Choice, document: Document) -> Place:
    place = choice.place
    text = document.text
    spans = [Span(mention.start, mention.end, text[mention.start : mention.end])]
    if (mention.mention_start, mention.mention_end) != (mention.start, mention.end):
        spans.append(
            Span(mention.mention_start, mention.mention_end, text[mention.mention_start : mention.mention_end])
        )
    return Place(
        name=_ascii(place.name),
        country=place.country_name,
        iso3=place.country_iso3,
        admin1=_ascii(place.admin1) if place.admin1 else None,
        admin2=_ascii(place.admin2) if place.admin2 else None,
        latitude=place.latitude,
        longitude=place.longitude,
        geonameid=place.geonameid,
        feature_code=place.feature_code,
        population=place.population,
        geo_precision=_precision(place, mention),
        evidence=Evidence(document.id, tuple(spans), choice.reason),
        mention=text[mention.mention_start : mention.mention_end],
        located=mention.located,
    )


def _precision(place: GazPlace, mention: _Mention) -> int:
    if place.is_country or place.feature_code in ("ADM1", "CONT") or place.feature_class == "L":
        return PRECISION_REGION
    if place.feature_class == "P":
        # "Ghatshila subdivision" read as the town it is named after: the event is somewhere in the unit
        unit_only = bool(mention.hint & ADMIN_HINT) and not any(code.startswith("PPL") for code in mention.hint)
        return PRECISION_NEAR if mention.near or unit_only else PRECISION_TOWN
    return PRECISION_NEAR


def _ascii(text: str) -> str:
    """GeoNames' name without diacritics, as ACLED writes it: "Khārān District" -> "Kharan District"."""
    folded = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _parses(doc: Doc, text: str) -> bool:
    """Whether ``doc`` is a parse of ``text``, checked on its length and a sample of tokens (``doc.text``
    is rebuilt from the tokens on every access and would cost more than the whole stage)."""
    if len(doc) == 0:
        return not text.strip()
    last = doc[-1]
    if last.idx + len(last.text_with_ws) != len(text):
        return False
    step = max(1, len(doc) // 32)
    return all(text[doc[i].idx : doc[i].idx + len(doc[i].text)] == doc[i].text for i in range(0, len(doc), step))


def _within(span: Span, start: int, end: int | None) -> bool:
    return span.start >= start and (end is None or span.end <= end)
