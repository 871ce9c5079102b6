"""The event store: documents, their events and claims, kept in one embedded SQLite file.

:class:`Store` is the interface every backend implements; :class:`SQLiteStore` is the default (one file, WAL
mode, safe to read while another process writes). :func:`open_store` picks the backend from a target: a path,
``"sqlite:///path"``, ``":memory:"``, or (later) ``"postgresql://..."``.

What is stored:

- ``documents``: one row per distinct text (the id is the content hash), including documents that gave no
  events, with the reason, so that ingesting them again is skipped.
- ``events``: the columns people filter on (date, type, actors, place, fatalities) plus ``record``, the full
  event as JSON (:func:`conflictlens.records.to_dict`), which is what queries return.
- ``claims``: one row per claim (an event's claims and the document-level ones) with the claimant, stance and
  quantity as columns and the full claim as JSON.

A document is saved with all its events and claims in one transaction: either all of it is in the store or
none of it, so a batch interrupted at any point and run again gives the same store.

The schema is versioned (``PRAGMA user_version``, mirrored in the ``meta`` table). Opening an older file runs
the :data:`MIGRATIONS` it lacks, in order, each in its own transaction; opening a file written by a newer
conflictlens is refused. Queries are plain, parameterised SQL that PostgreSQL also accepts, so a PostgreSQL
backend can share :class:`EventFilter` and the table layout.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime as dt
import enum
import json
import logging
import math
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from . import __version__
from .errors import StoreError
from .records import Claim, Document, Event, Evidence, Extraction, Place, from_dict, to_dict

if TYPE_CHECKING:
    from .incidents import HistoryEntry, Incident, Member

log = logging.getLogger(__name__)

MEMORY = ":memory:"
SQLITE_SCHEME = "sqlite://"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# How long a writer waits for another process's write lock before giving up. Saving one document takes
# milliseconds, so 30 s only runs out when another process holds the file far longer than any save should.
BUSY_TIMEOUT_SECONDS = 30.0

BBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat), as GeoJSON writes it


# --------------------------------------------------------------------------------------------------------
# Schema and migrations
# --------------------------------------------------------------------------------------------------------

_SCHEMA_V1 = (
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        origin TEXT NOT NULL,
        title TEXT,
        url TEXT,
        source TEXT,
        syndicator TEXT,
        published TEXT,
        language TEXT,
        ingested_at TEXT,
        external_id TEXT,
        text TEXT NOT NULL,
        n_events INTEGER NOT NULL,
        problem TEXT
    )""",
    """CREATE TABLE events (
        id TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents (id),
        event_date TEXT,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        actor1 TEXT,
        actor2 TEXT,
        assoc_actors TEXT,
        inter1 INTEGER,
        inter2 INTEGER,
        country TEXT,
        iso3 TEXT,
        admin1 TEXT,
        admin2 TEXT,
        location TEXT,
        latitude REAL,
        longitude REAL,
        geo_precision INTEGER,
        fatalities INTEGER NOT NULL,
        notes TEXT NOT NULL,
        record TEXT NOT NULL
    )""",
    """CREATE TABLE claims (
        id TEXT PRIMARY KEY,
        event_id TEXT REFERENCES events (id),
        doc_id TEXT NOT NULL REFERENCES documents (id),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        stance TEXT NOT NULL,
        claimant_person TEXT,
        claimant_org TEXT,
        category TEXT,
        quantity_low INTEGER,
        quantity_high INTEGER,
        quote TEXT NOT NULL,
        record TEXT NOT NULL
    )""",
    "CREATE INDEX ix_documents_ingested_at ON documents (ingested_at)",
    "CREATE INDEX ix_events_doc_id ON events (doc_id)",
    "CREATE INDEX ix_events_event_date ON events (event_date)",
    # Expression indexes, so the case-insensitive filters (LOWER(col) = LOWER(?)) use them.
    "CREATE INDEX ix_events_country ON events (LOWER(country))",
    "CREATE INDEX ix_events_iso3 ON events (iso3)",
    "CREATE INDEX ix_events_admin1 ON events (LOWER(admin1))",
    "CREATE INDEX ix_events_type ON events (event_type, sub_event_type)",
    "CREATE INDEX ix_events_sub_event_type ON events (sub_event_type)",
    # Actor filters are substring searches (no index helps); these serve exact lookups and grouping by actor.
    "CREATE INDEX ix_events_actor1 ON events (actor1)",
    "CREATE INDEX ix_events_actor2 ON events (actor2)",
    "CREATE INDEX ix_events_lat_lon ON events (latitude, longitude)",
    "CREATE INDEX ix_claims_doc_id ON claims (doc_id, seq)",
    "CREATE INDEX ix_claims_event_id ON claims (event_id)",
)


def _create_schema_v1(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA_V1:
        conn.execute(statement)


@dataclass(frozen=True)
class Migration:
    """One step of the schema: ``apply`` brings a store at version ``version - 1`` to ``version``."""

    version: int
    summary: str
    apply: Callable[[sqlite3.Connection], None]


# In order; the i-th migration brings the schema to version i + 1. Add a step, never edit a released one.
_SCHEMA_V2 = (
    # One row per incident; ``record`` is the full :class:`conflictlens.incidents.Incident` as JSON.
    """CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        event_date TEXT,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        country TEXT,
        iso3 TEXT,
        admin1 TEXT,
        location TEXT,
        latitude REAL,
        longitude REAL,
        fatalities INTEGER NOT NULL,
        fatalities_low INTEGER,
        fatalities_best INTEGER,
        fatalities_high INTEGER,
        status TEXT NOT NULL,
        n_sources INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        record TEXT NOT NULL
    )""",
    """CREATE TABLE incident_events (
        event_id TEXT PRIMARY KEY REFERENCES events (id),
        incident_id TEXT NOT NULL REFERENCES incidents (id)
    )""",
    """CREATE TABLE incident_history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id TEXT NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        other_id TEXT
    )""",
    "CREATE INDEX ix_incidents_event_date ON incidents (event_date)",
    "CREATE INDEX ix_incidents_updated_at ON incidents (updated_at)",
    "CREATE INDEX ix_incident_events_incident ON incident_events (incident_id)",
    "CREATE INDEX ix_incident_history_at ON incident_history (at)",
    "CREATE INDEX ix_incident_history_incident ON incident_history (incident_id, seq)",
    # The candidate queries of incident clustering: a date range and a box answered from one covering index,
    # and province-level events (geo precision 3) by date.
    "CREATE INDEX ix_events_incident_candidates ON events (event_date, latitude, longitude, geo_precision, event_type)",
    "CREATE INDEX ix_events_precision_date ON events (geo_precision, event_date)",
)


def _create_schema_v2(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA_V2:
        conn.execute(statement)


# Events without a date sort after every dated one: their ``date_order`` is this day, which no report gives.
UNDATED_ORDER = "9999-12-31"

# Version 3 makes the API's filtered, paged queries use indexes. ``date_order`` (the event date, undated last)
# is the sort key, so ``ORDER BY date_order, id`` reads an index in order instead of sorting every row;
# ``country_key``/``admin1_key`` are the names in lower case. They are plain columns kept by triggers (SQLite
# reads expression and virtual columns from the table row, not from the index, so those indexes do not cover
# a query). Each equality filter gets an index ending in (date_order, id), so a filtered page is one index
# range. Actor and free-text filters are substring searches answered by ``events_fts``, an FTS5 index with the
# trigram tokenizer over the events table's own columns (external content, keyed by rowid).
_KEYS = f"date_order = COALESCE(new.event_date, '{UNDATED_ORDER}'), country_key = LOWER(new.country), " + (
    "admin1_key = LOWER(new.admin1)"
)
_FTS_COLUMNS = "actor1, actor2, assoc_actors, notes, location"
_FTS_OLD = "'delete', old.rowid, old.actor1, old.actor2, old.assoc_actors, old.notes, old.location"
_FTS_NEW = "new.rowid, new.actor1, new.actor2, new.assoc_actors, new.notes, new.location"


def _key_columns(table: str) -> tuple[str, ...]:
    """The sort and filter keys of ``table`` (events or incidents), filled now and kept by triggers."""
    return (
        f"ALTER TABLE {table} ADD COLUMN date_order TEXT NOT NULL DEFAULT '{UNDATED_ORDER}'",
        f"ALTER TABLE {table} ADD COLUMN country_key TEXT",
        f"ALTER TABLE {table} ADD COLUMN admin1_key TEXT",
        f"UPDATE {table} SET {_KEYS.replace('new.', '')}",
        f"CREATE TRIGGER {table}_keys_insert AFTER INSERT ON {table} BEGIN "
        f"UPDATE {table} SET {_KEYS} WHERE rowid = new.rowid; END",
        f"CREATE TRIGGER {table}_keys_update AFTER UPDATE OF event_date, country, admin1 ON {table} BEGIN "
        f"UPDATE {table} SET {_KEYS} WHERE rowid = new.rowid; END",
        f"CREATE INDEX ix_{table}_order ON {table} (date_order, id)",
    )


_SCHEMA_V3 = (
    *_key_columns("events"),
    *_key_columns("incidents"),
    *(f"DROP INDEX ix_events_{name}" for name in ("country", "iso3", "admin1", "type", "sub_event_type", "lat_lon")),
    "CREATE INDEX ix_events_country ON events (country_key, date_order, id)",
    "CREATE INDEX ix_events_iso3 ON events (iso3, date_order, id)",
    "CREATE INDEX ix_events_admin1 ON events (admin1_key, date_order, id)",
    "CREATE INDEX ix_events_type ON events (event_type, date_order, id)",
    "CREATE INDEX ix_events_sub_event_type ON events (sub_event_type, date_order, id)",
    # A map view's box: the rows are found and ordered from this index alone.
    "CREATE INDEX ix_events_lat_lon ON events (latitude, longitude, date_order, id)",
    # Substring search: the trigram tokenizer matches any run of 3 or more characters, ignoring case.
    f"CREATE VIRTUAL TABLE events_fts USING fts5 ({_FTS_COLUMNS}, content = 'events', content_rowid = 'rowid', "
    "tokenize = 'trigram')",
    f"CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN "
    f"INSERT INTO events_fts (rowid, {_FTS_COLUMNS}) VALUES ({_FTS_NEW}); END",
    f"CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN "
    f"INSERT INTO events_fts (events_fts, rowid, {_FTS_COLUMNS}) VALUES ({_FTS_OLD}); END",
    f"CREATE TRIGGER events_fts_update AFTER UPDATE OF {_FTS_COLUMNS} ON events BEGIN "
    f"INSERT INTO events_fts (events_fts, rowid, {_FTS_COLUMNS}) VALUES ({_FTS_OLD}); "
    f"INSERT INTO events_fts (rowid, {_FTS_COLUMNS}) VALUES ({_FTS_NEW}); END",
    "INSERT INTO events_fts (events_fts) VALUES ('rebuild')",
)


def _create_schema_v3(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA_V3:
        conn.execute(statement)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "documents, events, claims and meta tables with their indexes", _create_schema_v1),
    Migration(2, "incidents, incident_events and incident_history tables", _create_schema_v2),
    Migration(3, "date_order sort key, filter indexes ending in it, events_fts trigram text index", _create_schema_v3),
)
SCHEMA_VERSION = len(MIGRATIONS)


def _latest_version() -> int:
    return len(MIGRATIONS)


# --------------------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------------------


def _as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.datetime | dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise StoreError(f"{name}={value!r} is not a date: give it as YYYY-MM-DD") from None


def _like_pattern(words: str) -> str:
    """A LIKE pattern matching ``words`` anywhere, with LIKE's wildcards taken literally."""
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Dialect(enum.Enum):
    """The SQL flavour a filter is rendered in; the value is its parameter placeholder."""

    SQLITE = "?"
    POSTGRES = "%s"

    @property
    def placeholder(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class EventFilter:
    """The filters of :meth:`Store.events`, checked, and rendered as a portable SQL ``WHERE`` clause.

    Text filters ignore case. ``country`` matches the country name or its ISO3 code; ``actor`` is a substring
    of actor1, actor2 or an associated actor; ``text`` a substring of the notes or the location; ``bbox`` is
    ``(min_lon, min_lat, max_lon, max_lat)`` and may cross the antimeridian (``min_lon > max_lon``).
    Events without a date never match ``since``/``until``; events without coordinates never match ``bbox``.
    """

    since: dt.date | None = None
    until: dt.date | None = None
    country: str | None = None
    admin1: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None
    bbox: BBox | None = None
    text: str | None = None
    doc_id: str | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise StoreError(f"since={self.since} is after until={self.until}: swap them")
        if self.bbox is not None:
            self._check_bbox(self.bbox)

    @staticmethod
    def _check_bbox(bbox: BBox) -> None:
        if len(bbox) != 4:
            raise StoreError(f"bbox={bbox!r} needs four numbers: (min_lon, min_lat, max_lon, max_lat)")
        min_lon, min_lat, max_lon, max_lat = bbox
        if not (-90 <= min_lat <= max_lat <= 90):
            raise StoreError(
                f"bbox={bbox!r}: latitudes must satisfy -90 <= min_lat <= max_lat <= 90; "
                "the order is (min_lon, min_lat, max_lon, max_lat)"
            )
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise StoreError(f"bbox={bbox!r}: longitudes must lie in [-180, 180]")

    def where(self, dialect: Dialect = Dialect.SQLITE) -> tuple[str, list[object]]:
        """The SQL condition (``"1 = 1"`` when no filter is set) and its parameters, in order.

        Dates compare on ``date_order`` (the event date; undated events carry :data:`UNDATED_ORDER`, kept out of
        ``since``), so a filter and the page order are one index range.
        """
        p = dialect.placeholder
        clauses: list[str] = []
        params: list[object] = []
        if self.since is not None:
            clauses.append(f"date_order >= {p}")
            params.append(self.since.isoformat())
        if self.until is not None:
            clauses.append(f"date_order <= {p}")
            params.append(self.until.isoformat())
        if self.since is not None or self.until is not None:
            clauses.append(f"date_order < {p}")
            params.append(UNDATED_ORDER)
        if self.country is not None:
            clauses.append(_country_clause(p, self.country))
            params += [self.country] * (2 if _could_be_iso3(self.country) else 1)
        if self.admin1 is not None:
            clauses.append(f"admin1_key = LOWER({p})")
            params.append(self.admin1)
        if self.event_type is not None:
            clauses.append(f"event_type = {p}")
            params.append(self.event_type)
        if self.sub_event_type is not None:
            clauses.append(f"sub_event_type = {p}")
            params.append(self.sub_event_type)
        for words, columns in ((self.actor, _ACTOR_COLUMNS), (self.text, _TEXT_COLUMNS)):
            if words is not None:
                clause, values = _substring_clause(dialect, columns, words)
                clauses.append(clause)
                params += values
        if self.bbox is not None:
            min_lon, min_lat, max_lon, max_lat = self.bbox
            clauses.append(_bbox_clause(p, crosses_antimeridian=min_lon > max_lon))
            params += [min_lat, max_lat, min_lon, max_lon]
        if self.doc_id is not None:
            clauses.append(f"doc_id = {p}")
            params.append(self.doc_id)
        return (" AND ".join(clauses) if clauses else "1 = 1"), params

    def only_substring(self) -> tuple[tuple[str, ...], str] | None:
        """(columns, words) when the filter is one actor or text search and nothing else, else None."""
        searches = [(c, w) for c, w in ((_ACTOR_COLUMNS, self.actor), (_TEXT_COLUMNS, self.text)) if w is not None]
        if len(searches) != 1 or dataclasses.replace(self, actor=None, text=None) != EventFilter():
            return None
        return searches[0]


_ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actors")
_TEXT_COLUMNS = ("notes", "location")

# The trigram index only finds runs of at least this many characters; shorter searches scan the table.
TRIGRAM = 3


def _could_be_iso3(country: str) -> bool:
    return len(country) == 3 and country.isalpha()


def _country_clause(p: str, country: str) -> str:
    """Country name (any case) or, for three letters, also the ISO3 code: a lone name is one index range."""
    if _could_be_iso3(country):
        return f"(country_key = LOWER({p}) OR iso3 = UPPER({p}))"
    return f"country_key = LOWER({p})"


def _substring_clause(dialect: Dialect, columns: Sequence[str], words: str) -> tuple[str, list[object]]:
    """Any of ``columns`` contains ``words``, ignoring case: through the trigram index (SQLite's events_fts, or
    PostgreSQL's pg_trgm indexes under ILIKE) when ``words`` is long enough, else a LIKE scan."""
    p = dialect.placeholder
    if dialect is Dialect.POSTGRES:
        return "(" + " OR ".join(f"{c} ILIKE {p} ESCAPE '\\'" for c in columns) + ")", [_like_pattern(words)] * len(
            columns
        )
    if len(words) >= TRIGRAM:
        # "+rowid": the page is read in date order from an index, each row checked against the matches, instead
        # of every match being looked up and sorted (10 times faster for a common word, 5 ms slower for a rare
        # one on 100,000 events).
        return f"+rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH {p})", [fts_query(columns, words)]
    likes = " OR ".join(f"LOWER({c}) LIKE LOWER({p}) ESCAPE '\\'" for c in columns)
    return f"({likes})", [_like_pattern(words)] * len(columns)


def fts_query(columns: Sequence[str], words: str) -> str:
    """An FTS5 query for ``words`` as one literal phrase (quotes doubled) in any of ``columns``."""
    return "{" + " ".join(columns) + "} : " + '"' + words.replace('"', '""') + '"'


def _bbox_clause(p: str, *, crosses_antimeridian: bool) -> str:
    """Latitude between two parameters; longitude between two, or outside them when the box crosses 180°."""
    joiner = "OR" if crosses_antimeridian else "AND"
    return f"(latitude BETWEEN {p} AND {p} AND (longitude >= {p} {joiner} longitude <= {p}))"


# --------------------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------------------

_DOCUMENT_COLUMNS = "id, origin, title, url, source, syndicator, published, language, ingested_at, external_id, text"
_EVENT_COLUMNS = (
    "id, doc_id, event_date, event_type, sub_event_type, actor1, actor2, assoc_actors, inter1, inter2, "
    "country, iso3, admin1, admin2, location, latitude, longitude, geo_precision, fatalities, notes, record"
)
_CLAIM_COLUMNS = (
    "id, event_id, doc_id, seq, kind, stance, claimant_person, claimant_org, category, quantity_low, "
    "quantity_high, quote, record"
)
ASSOC_ACTOR_SEPARATOR = "; "  # ACLED joins associated actors with "; "


def _to_json(data: Any) -> str:
    """Compact JSON of :func:`to_dict` output. NaN is refused: it is not JSON, and a NaN coordinate or
    figure is a bug upstream to surface here."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _document_row(extraction: Extraction) -> tuple[object, ...]:
    doc = extraction.document
    return (
        doc.id,
        doc.origin,
        doc.title,
        doc.url,
        doc.source,
        doc.syndicator,
        doc.published.isoformat() if doc.published else None,
        doc.language,
        doc.ingested_at.isoformat() if doc.ingested_at else None,
        doc.external_id,
        doc.text,
        len(extraction.events),
        extraction.problem.reason if extraction.problem else None,
    )


def _event_row(event: Event, data: dict[str, Any]) -> tuple[object, ...]:
    """The events row; ``data`` is ``to_dict(event)``."""
    place = event.place
    assoc = [a.name for a in (*event.assoc_actor_1, *event.assoc_actor_2)]
    return (
        event.id,
        event.doc_id,
        event.time.event_date.isoformat() if event.time else None,
        event.event_type,
        event.sub_event_type,
        event.actor1.name if event.actor1 else None,
        event.actor2.name if event.actor2 else None,
        ASSOC_ACTOR_SEPARATOR.join(assoc) or None,
        event.actor1.inter if event.actor1 else None,
        event.actor2.inter if event.actor2 else None,
        place.country if place else None,
        place.iso3 if place else None,
        place.admin1 if place else None,
        place.admin2 if place else None,
        place.name if place else None,
        place.latitude if place else None,
        place.longitude if place else None,
        place.geo_precision if place else None,
        event.toll.fatalities,
        event.notes,
        _to_json(data),
    )


def _claim_row(
    claim: Claim, data: dict[str, Any], claim_id: str, event_id: str | None, doc_id: str, seq: int
) -> tuple[object, ...]:
    """The claims row; ``data`` is ``to_dict(claim)``."""
    figure = claim.figure
    return (
        claim_id,
        event_id,
        doc_id,
        seq,
        claim.kind.value,
        claim.stance.value,
        claim.claimant_person,
        claim.claimant_org,
        figure.category.value if figure else None,
        figure.low if figure else None,
        figure.high if figure else None,
        claim.quote,
        _to_json(data),
    )


@dataclass(frozen=True)
class _Rows:
    """Everything one extraction writes, serialised before the transaction starts."""

    document: tuple[object, ...]
    events: list[tuple[object, ...]]
    claims: list[tuple[object, ...]]


def _check_belongs(extraction: Extraction) -> None:
    doc = extraction.document
    for event in extraction.events:
        if event.doc_id != doc.id:
            raise StoreError(
                f"{doc.origin}: event {event.id} belongs to document {event.doc_id[:12]}..., not to "
                f"{doc.id[:12]}...; build each Extraction from one document's events"
            )


def _rows_of(extraction: Extraction) -> _Rows:
    """The rows to insert; StoreError (naming the document) when a record cannot be serialised."""
    doc = extraction.document
    _check_belongs(extraction)
    try:
        events: list[tuple[object, ...]] = []
        claims: list[tuple[object, ...]] = []
        for event in extraction.events:
            event_data = to_dict(event)  # its claims' dicts are reused for the claims rows
            events.append(_event_row(event, event_data))
            for n, (claim, claim_data) in enumerate(zip(event.claims, event_data["claims"], strict=True)):
                claims.append(_claim_row(claim, claim_data, f"{event.id}-c{n}", event.id, doc.id, len(claims)))
        for n, claim in enumerate(extraction.claims):
            claims.append(_claim_row(claim, to_dict(claim), f"{doc.id[:16]}-d{n}", None, doc.id, len(claims)))
        return _Rows(_document_row(extraction), events, claims)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"{doc.origin}: a record of document {doc.id[:12]}... cannot be stored as JSON ({exc}); "
            "nothing of it was saved. This is a bug in the stage that built the record: please report it"
        ) from exc


def _document_from_row(row: Sequence[Any]) -> Document:
    doc_id, origin, title, url, source, syndicator, published, language, ingested_at, external_id, text = row
    return Document(
        id=doc_id,
        text=text,
        origin=origin,
        title=title,
        url=url,
        source=source,
        syndicator=syndicator,
        published=dt.date.fromisoformat(published) if published else None,
        language=language,
        ingested_at=dt.datetime.fromisoformat(ingested_at) if ingested_at else None,
        external_id=external_id,
    )


def _event_from_json(record: str) -> Event:
    event: Event = from_dict(Event, json.loads(record))
    return event


def _claim_from_json(record: str) -> Claim:
    claim: Claim = from_dict(Claim, json.loads(record))
    return claim


# --------------------------------------------------------------------------------------------------------
# The interface
# --------------------------------------------------------------------------------------------------------


class Store(abc.ABC):
    """Where extractions are kept. Use as a context manager, or call :meth:`close`."""

    @abc.abstractmethod
    def save(self, extraction: Extraction) -> bool:
        """Store a document with all its events and claims, atomically.

        Returns False, writing nothing, when the document (same content hash) is already stored.
        Raises StoreError when it cannot be written; then nothing of the document is stored.
        """

    @abc.abstractmethod
    def has_document(self, doc_id: str) -> bool:
        """Whether a document with this id (content hash) is stored."""

    @abc.abstractmethod
    def document(self, doc_id: str) -> Document | None:
        """The stored document, or None."""

    @abc.abstractmethod
    def documents(self, limit: int | None = None, offset: int = 0) -> list[Document]:
        """Stored documents, in ingestion order (then by id)."""

    @abc.abstractmethod
    def problem(self, doc_id: str) -> str | None:
        """Why a stored document gave no events (None when it gave events or is not stored)."""

    @abc.abstractmethod
    def claims(self, *, doc_id: str | None = None, event_id: str | None = None) -> list[Claim]:
        """Claims of a document (its events' and its document-level ones) or of one event, in stored order."""

    @abc.abstractmethod
    def stats(self) -> dict[str, int]:
        """Counts: documents, documents_without_events, events, claims, and the schema_version."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store; it cannot be used afterwards."""

    @abc.abstractmethod
    def _select_events(self, where: EventFilter, limit: int | None, offset: int) -> list[Event]:
        """Events matching ``where``, ordered by event_date (undated last), then id."""

    @abc.abstractmethod
    def _count_events(self, where: EventFilter) -> int:
        """How many events match ``where``."""

    def events(
        self,
        *,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        country: str | None = None,
        admin1: str | None = None,
        event_type: str | None = None,
        sub_event_type: str | None = None,
        actor: str | None = None,
        bbox: BBox | None = None,
        text: str | None = None,
        doc_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Event]:
        """Stored events matching every filter given (see :class:`EventFilter`), by date then id."""
        if (limit is not None and limit < 0) or offset < 0:
            raise StoreError(f"limit={limit} offset={offset}: both must be zero or more")
        where = EventFilter(
            _as_date(since, "since"),
            _as_date(until, "until"),
            country,
            admin1,
            event_type,
            sub_event_type,
            actor,
            bbox,
            text,
            doc_id,
        )
        return self._select_events(where, limit, offset)

    def count_events(
        self,
        *,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        country: str | None = None,
        admin1: str | None = None,
        event_type: str | None = None,
        sub_event_type: str | None = None,
        actor: str | None = None,
        bbox: BBox | None = None,
        text: str | None = None,
        doc_id: str | None = None,
    ) -> int:
        """How many stored events match the filters (the same as :meth:`events` takes)."""
        where = EventFilter(
            _as_date(since, "since"),
            _as_date(until, "until"),
            country,
            admin1,
            event_type,
            sub_event_type,
            actor,
            bbox,
            text,
            doc_id,
        )
        return self._count_events(where)

    # -- incidents (conflictlens.incidents); a backend without them says so --------------------------

    def _no_incidents(self) -> StoreError:
        return StoreError(f"{type(self).__name__} does not keep incidents yet; use a SQLite store")

    def incident_candidates(self, event: Event) -> list[Member]:
        """Stored events whose date window and place could make them the same happening as ``event``."""
        raise self._no_incidents()

    def stored_members(self, event_ids: Sequence[str]) -> list[Member]:
        """Stored events with their report's publication date and outlet."""
        raise self._no_incidents()

    def unattached_event_ids(self) -> list[tuple[str, str]]:
        """(event id, document id) of stored events that belong to no incident yet."""
        raise self._no_incidents()

    def incidents_of_events(self, event_ids: Sequence[str]) -> list[Incident]:
        """The incidents these events belong to."""
        raise self._no_incidents()

    def replace_incidents(
        self, removed: Sequence[str], incidents: Sequence[Incident], history: Sequence[HistoryEntry], at: dt.datetime
    ) -> None:
        """Delete ``removed``, write ``incidents`` (their members re-pointed) and append ``history``, atomically."""
        raise self._no_incidents()

    def incidents(
        self,
        *,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        country: str | None = None,
        admin1: str | None = None,
        event_type: str | None = None,
        changed_since: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[Incident]:
        """Stored incidents matching the filters, by date then id."""
        raise self._no_incidents()

    def incident(self, incident_id: str) -> Incident | None:
        raise self._no_incidents()

    def incident_history(
        self, *, incident_id: str | None = None, since: dt.datetime | None = None
    ) -> list[HistoryEntry]:
        """History entries, oldest first, of one incident or of all changed at or after ``since``."""
        raise self._no_incidents()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


# --------------------------------------------------------------------------------------------------------
# SQLite
# --------------------------------------------------------------------------------------------------------


class SQLiteStore(Store):
    """The embedded store: one SQLite file in WAL mode (or ``":memory:"``, for tests)."""

    def __init__(self, path: str | Path = MEMORY) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = self._connect()
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    # -- connection and schema ------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.path != MEMORY:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: no implicit transactions; every write below says BEGIN and COMMIT.
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot open the store {self.path}: {exc}. Give the path of a conflictlens store or of a "
                "new file in a folder you can write to"
            ) from exc
        return conn

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the store {self.path} is closed; open it again with open_store()")
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (re-raised)."""
        with self._lock:
            conn = self._db
            conn.execute("BEGIN IMMEDIATE")  # take the write lock now: check-then-insert stays atomic
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def schema_version(self) -> int:
        """The schema version of the open file."""
        with self._lock:
            version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        return version

    def _migrate(self) -> None:
        """Refuse a newer or foreign file, switch to WAL, and apply the migrations the file lacks."""
        found = self._found_version()
        latest = _latest_version()
        if found > latest:
            raise StoreError(
                f"{self.path} has store schema version {found}, written by a newer conflictlens; this "
                f"conflictlens ({__version__}) reads schema version {latest} or older. Upgrade conflictlens "
                f"(pip install -U conflictlens) to open it: it needs schema version {found}"
            )
        if self.path != MEMORY:
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")  # durable across crashes in WAL mode
            except sqlite3.Error as exc:
                raise StoreError(f"cannot write to the store {self.path} ({exc}); check it is writable") from exc
        for migration in MIGRATIONS[found:]:
            self._apply(migration)

    def _found_version(self) -> int:
        try:
            found = self.schema_version()
            if found == 0:
                self._refuse_foreign_database()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a conflictlens store ({exc}); give a new file name or a store's path"
            ) from exc
        return found

    def _refuse_foreign_database(self) -> None:
        tables = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        if tables:
            names = ", ".join(sorted(t[0] for t in tables))
            raise StoreError(
                f"{self.path} is a SQLite database but not a conflictlens store (it has tables {names} and "
                "no schema version); give a new file name or a store's path"
            )

    def _apply(self, migration: Migration) -> None:
        try:
            with self._transaction() as conn:
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                if current >= migration.version:  # another process migrated while we waited for the lock
                    return
                migration.apply(conn)
                conn.execute(f"PRAGMA user_version = {int(migration.version)}")
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    ("schema_version", str(migration.version)),
                )
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    ("written_by", f"conflictlens {__version__}"),
                )
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path}: migrating the store to schema version {migration.version} "
                f"({migration.summary}) failed: {exc}. The file is unchanged at the version before; check it "
                "is writable and not opened by an older conflictlens"
            ) from exc
        log.info("store %s migrated to schema version %d: %s", self.path, migration.version, migration.summary)

    def meta(self) -> dict[str, str]:
        """The ``meta`` table: schema_version, written_by."""
        with self._lock:
            rows = self._db.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
        return {k: v for k, v in rows}

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- writing --------------------------------------------------------------------------------------

    def save(self, extraction: Extraction) -> bool:
        doc = extraction.document
        if self.has_document(doc.id):  # fast path for re-ingestion; checked again under the write lock
            return False
        rows = _rows_of(extraction)
        try:
            with self._transaction() as conn:
                if self._has_document(conn, doc.id):
                    return False
                self._insert_document(conn, rows.document)
                for row in rows.events:
                    self._insert_event(conn, row)
                for row in rows.claims:
                    self._insert_claim(conn, row)
        except sqlite3.Error as exc:
            raise StoreError(
                f"{doc.origin}: could not save document {doc.id[:12]}... ({exc}); nothing of it was stored. "
                "Check the store file is writable and the disk has space, then run again"
            ) from exc
        return True

    @staticmethod
    def _has_document(conn: sqlite3.Connection, doc_id: str) -> bool:
        return conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    @staticmethod
    def _insert_document(conn: sqlite3.Connection, row: tuple[object, ...]) -> None:
        conn.execute(f"INSERT INTO documents ({_DOCUMENT_COLUMNS}, n_events, problem) VALUES ({_marks(len(row))})", row)

    @staticmethod
    def _insert_event(conn: sqlite3.Connection, row: tuple[object, ...]) -> None:
        conn.execute(f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES ({_marks(len(row))})", row)

    @staticmethod
    def _insert_claim(conn: sqlite3.Connection, row: tuple[object, ...]) -> None:
        conn.execute(f"INSERT INTO claims ({_CLAIM_COLUMNS}) VALUES ({_marks(len(row))})", row)

    # -- reading --------------------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"reading the store {self.path} failed: {exc}") from exc

    def has_document(self, doc_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM documents WHERE id = ?", (doc_id,)))

    def document(self, doc_id: str) -> Document | None:
        rows = self._query(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        return _document_from_row(rows[0]) if rows else None

    def documents(self, limit: int | None = None, offset: int = 0) -> list[Document]:
        sql = (
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents "
            "ORDER BY CASE WHEN ingested_at IS NULL THEN 1 ELSE 0 END, ingested_at, id"
        )
        page, page_params = _page(limit, offset)
        return [_document_from_row(r) for r in self._query(sql + page, page_params)]

    def problem(self, doc_id: str) -> str | None:
        rows = self._query("SELECT problem FROM documents WHERE id = ?", (doc_id,))
        return rows[0][0] if rows else None

    def claims(self, *, doc_id: str | None = None, event_id: str | None = None) -> list[Claim]:
        clauses, params = [], []
        if doc_id is not None:
            clauses.append("doc_id = ?")
            params.append(doc_id)
        if event_id is not None:
            clauses.append("event_id = ?")
            params.append(event_id)
        where = " AND ".join(clauses) if clauses else "1 = 1"
        rows = self._query(f"SELECT record FROM claims WHERE {where} ORDER BY doc_id, seq", params)
        return [_claim_from_json(r[0]) for r in rows]

    def stats(self) -> dict[str, int]:
        (row,) = self._query(
            "SELECT (SELECT COUNT(*) FROM documents), "
            "(SELECT COUNT(*) FROM documents WHERE n_events = 0), "
            "(SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM claims)"
        )
        documents, without_events, events, claims = row
        return {
            "documents": documents,
            "documents_without_events": without_events,
            "events": events,
            "claims": claims,
            "schema_version": self.schema_version(),
        }

    def _select_events(self, where: EventFilter, limit: int | None, offset: int) -> list[Event]:
        condition, params = where.where()
        page, page_params = _page(limit, offset)
        # The page's ids first, from the indexes alone; then only those rows' records are read.
        sql = (
            f"SELECT record FROM events WHERE id IN (SELECT id FROM events WHERE {condition} "
            f"ORDER BY date_order, id{page}) ORDER BY date_order, id"
        )
        return [_event_from_json(r[0]) for r in self._query(sql, [*params, *page_params])]

    def _count_events(self, where: EventFilter) -> int:
        search = where.only_substring()
        if search is not None and len(search[1]) >= TRIGRAM:  # the text index counts its matches itself
            rows = self._query("SELECT COUNT(*) FROM events_fts WHERE events_fts MATCH ?", [fts_query(*search)])
            matches: int = rows[0][0]
            return matches
        condition, params = where.where()
        count: int = self._query(f"SELECT COUNT(*) FROM events WHERE {condition}", params)[0][0]
        return count

    # -- incidents ------------------------------------------------------------------------------------

    _MEMBER_SQL = (
        "SELECT e.record, d.published, d.source, d.syndicator FROM events e JOIN documents d ON d.id = e.doc_id "
    )

    def _members(self, sql: str, params: Sequence[object]) -> list[Member]:
        from .incidents import Member

        members = []
        for record, published, source, syndicator in self._query(self._MEMBER_SQL + sql, params):
            outlet = f"{source} via {syndicator}" if source and syndicator else source or syndicator
            members.append(
                Member(_event_from_json(record), dt.date.fromisoformat(published) if published else None, outlet)
            )
        return members

    def incident_candidates(self, event: Event) -> list[Member]:
        from .incidents import MAX_WINDOW_DAYS, PROVINCE_PRECISION, RADIUS_KM, compatible_event_types, date_window

        window = date_window(event)
        place = event.place
        if window is None or place is None:
            return []
        first = (window[0] - dt.timedelta(days=MAX_WINDOW_DAYS)).isoformat()
        last = (window[1] + dt.timedelta(days=MAX_WINDOW_DAYS - 31)).isoformat()
        types = compatible_event_types(event.event_type)
        type_marks = _marks(len(types))
        found: list[int] = []  # rowids: the index entries carry them, so the box query reads no table row
        if place.geo_precision < PROVINCE_PRECISION and place.latitude is not None and place.longitude is not None:
            radius = max(RADIUS_KM.values())
            dlat = radius / 111.0
            dlon = radius / (111.0 * max(0.05, math.cos(math.radians(place.latitude))))
            # Town-level events: answered from the covering index alone (date range, box, type). INDEXED BY:
            # left alone, SQLite may pick the (latitude, longitude) index and scan a latitude band of all dates.
            rows = self._query(
                "SELECT rowid, latitude, longitude, geo_precision FROM events INDEXED BY ix_events_incident_candidates "
                "WHERE event_date BETWEEN ? AND ? AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ? "
                f"AND geo_precision < ? AND event_type IN ({type_marks})",
                [
                    first,
                    last,
                    place.latitude - dlat,
                    place.latitude + dlat,
                    place.longitude - dlon,
                    place.longitude + dlon,
                    PROVINCE_PRECISION,
                    *types,
                ],
            )
            found += [r[0] for r in rows if _near_by_columns(place, (r[1], r[2], r[3], None, None))]
            # Province-level events compare by province: found by (geo_precision, event_date).
            sql = "SELECT rowid, latitude, longitude, geo_precision, admin1, iso3 FROM events "
            sql += "WHERE geo_precision = ? AND "
            params: list[object] = [PROVINCE_PRECISION]
        else:
            sql = "SELECT rowid, latitude, longitude, geo_precision, admin1, iso3 FROM events WHERE "
            params = []
        if place.admin1:
            rows = self._query(
                sql + f"event_date BETWEEN ? AND ? AND admin1_key = LOWER(?) AND +event_type IN ({type_marks})",
                [*params, first, last, place.admin1, *types],
            )
            found += [r[0] for r in rows if _near_by_columns(place, r[1:])]
        return self.stored_members(self._overlapping(found, window, event.doc_id)) if found else []

    def _overlapping(self, rowids: Sequence[int], window: tuple[dt.date, dt.date], doc_id: str) -> list[str]:
        """Ids of the events at ``rowids`` of another document whose date window overlaps ``window``, read from the
        columns and two JSON fields: rebuilding a whole record is the slow part, so it is left to survivors."""
        out: list[str] = []
        for chunk in _chunks(sorted(set(rowids))):
            rows = self._query(
                "SELECT id, doc_id, event_date, json_extract(record, '$.time.date_end'), "
                f"json_extract(record, '$.time.time_precision') FROM events WHERE rowid IN ({_marks(len(chunk))})",
                chunk,
            )
            out += [r[0] for r in rows if r[1] != doc_id and _overlaps_by_columns(window, r[2:])]
        return out

    def stored_members(self, event_ids: Sequence[str]) -> list[Member]:
        out: list[Member] = []
        for chunk in _chunks(list(event_ids)):
            out += self._members(f"WHERE e.id IN ({_marks(len(chunk))})", chunk)
        return out

    def unattached_event_ids(self) -> list[tuple[str, str]]:
        rows = self._query(
            "SELECT e.id, e.doc_id FROM events e LEFT JOIN incident_events i ON i.event_id = e.id "
            "WHERE i.event_id IS NULL ORDER BY e.doc_id, e.id"
        )
        return [(r[0], r[1]) for r in rows]

    def incidents_of_events(self, event_ids: Sequence[str]) -> list[Incident]:
        ids: set[str] = set()
        for chunk in _chunks(list(event_ids)):
            rows = self._query(
                f"SELECT DISTINCT incident_id FROM incident_events WHERE event_id IN ({_marks(len(chunk))})", chunk
            )
            ids |= {r[0] for r in rows}
        found = [self.incident(i) for i in sorted(ids)]
        return [i for i in found if i is not None]

    def replace_incidents(
        self, removed: Sequence[str], incidents: Sequence[Incident], history: Sequence[HistoryEntry], at: dt.datetime
    ) -> None:
        rows = [_incident_row(inc, at) for inc in incidents]
        try:
            with self._transaction() as conn:
                for incident_id in [*removed, *(inc.id for inc in incidents)]:
                    conn.execute("DELETE FROM incident_events WHERE incident_id = ?", (incident_id,))
                    conn.execute("DELETE FROM incidents WHERE id = ?", (incident_id,))
                for inc, row in zip(incidents, rows, strict=True):
                    conn.execute(f"INSERT INTO incidents ({_INCIDENT_COLUMNS}) VALUES ({_marks(len(row))})", row)
                    conn.executemany(
                        "INSERT INTO incident_events (event_id, incident_id) VALUES (?, ?) "
                        "ON CONFLICT (event_id) DO UPDATE SET incident_id = excluded.incident_id",
                        [(e, inc.id) for e in inc.event_ids],
                    )
                conn.executemany(
                    "INSERT INTO incident_history (incident_id, at, kind, reason, other_id) VALUES (?, ?, ?, ?, ?)",
                    [(h.incident_id, h.at.isoformat(), h.kind.value, h.reason, h.other_id) for h in history],
                )
        except sqlite3.Error as exc:
            raise StoreError(
                f"could not write incidents to the store {self.path} ({exc}); nothing was changed. Check the file "
                "is writable and run again"
            ) from exc

    def incidents(
        self,
        *,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        country: str | None = None,
        admin1: str | None = None,
        event_type: str | None = None,
        changed_since: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[Incident]:
        base = EventFilter(_as_date(since, "since"), _as_date(until, "until"), country, admin1, event_type)
        condition, params = base.where()
        if changed_since is not None:
            condition += " AND updated_at >= ?"
            params.append(_utc(changed_since).isoformat())
        page, page_params = _page(limit, 0)
        sql = f"SELECT record FROM incidents WHERE {condition} ORDER BY date_order, id" + page
        return [_incident_from_json(r[0]) for r in self._query(sql, [*params, *page_params])]

    def incident(self, incident_id: str) -> Incident | None:
        rows = self._query("SELECT record FROM incidents WHERE id = ?", (incident_id,))
        return _incident_from_json(rows[0][0]) if rows else None

    def incident_history(
        self, *, incident_id: str | None = None, since: dt.datetime | None = None
    ) -> list[HistoryEntry]:
        from .incidents import HistoryEntry, HistoryKind

        clauses, params = [], []
        if incident_id is not None:
            clauses.append("incident_id = ?")
            params.append(incident_id)
        if since is not None:
            clauses.append("at >= ?")
            params.append(_utc(since).isoformat())
        where = " AND ".join(clauses) if clauses else "1 = 1"
        rows = self._query(
            f"SELECT incident_id, at, kind, reason, other_id FROM incident_history WHERE {where} ORDER BY seq", params
        )
        return [HistoryEntry(i, dt.datetime.fromisoformat(at), HistoryKind(k), r, o) for i, at, k, r, o in rows]


def _near_by_columns(place: Place, columns: Sequence[Any]) -> bool:
    """Whether a stored event's place (latitude, longitude, geo_precision, admin1, iso3) is near ``place``."""
    from .incidents import place_closeness

    latitude, longitude, precision, admin1, iso3 = columns
    other = Place("", None, iso3, admin1, None, latitude, longitude, None, None, 0, precision or 3, _NO_EVIDENCE)
    return place_closeness(place, other) is not None


_NO_EVIDENCE = Evidence("", (), "")


def _overlaps_by_columns(window: tuple[dt.date, dt.date], columns: Sequence[Any]) -> bool:
    """Whether a stored event's date window (event_date, date_end, time_precision) overlaps ``window``."""
    from .incidents import DATE_SLACK_DAYS

    event_date, date_end, precision = columns
    if not event_date:
        return False
    slack = dt.timedelta(days=DATE_SLACK_DAYS.get(precision, max(DATE_SLACK_DAYS.values())))
    start = dt.date.fromisoformat(event_date) - slack
    end = dt.date.fromisoformat(date_end or event_date) + slack
    return start <= window[1] and window[0] <= end


def _utc(moment: dt.datetime) -> dt.datetime:
    """Timestamps are stored in UTC ISO form so that they compare as text; a naive time is taken as UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


_INCIDENT_COLUMNS = (
    "id, event_date, event_type, sub_event_type, country, iso3, admin1, location, latitude, longitude, "
    "fatalities, fatalities_low, fatalities_best, fatalities_high, status, n_sources, updated_at, record"
)


def _incident_row(incident: Incident, at: dt.datetime) -> tuple[object, ...]:
    place = incident.place
    return (
        incident.id,
        incident.event_date.isoformat() if incident.event_date else None,
        incident.event_type,
        incident.sub_event_type,
        place.country if place else None,
        place.iso3 if place else None,
        place.admin1 if place else None,
        place.name if place else None,
        place.latitude if place else None,
        place.longitude if place else None,
        incident.fatalities,
        incident.fatalities_low,
        incident.fatalities_best,
        incident.fatalities_high,
        incident.status.value,
        incident.n_sources,
        _utc(at).isoformat(),
        _to_json(to_dict(incident)),
    )


def _incident_from_json(record: str) -> Incident:
    from .incidents import Incident

    incident: Incident = from_dict(Incident, json.loads(record))
    return incident


T = TypeVar("T")

# SQLite allows 999 parameters in old builds; IN lists are sent in chunks below that.
_CHUNK = 500


def _chunks(items: list[T]) -> Iterator[list[T]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _page(limit: int | None, offset: int) -> tuple[str, list[object]]:
    """SQLite's LIMIT/OFFSET clause (it needs LIMIT -1 for "no limit" before an OFFSET)."""
    if limit is None and not offset:
        return "", []
    return " LIMIT ? OFFSET ?", [-1 if limit is None else limit, offset]


# --------------------------------------------------------------------------------------------------------
# Opening
# --------------------------------------------------------------------------------------------------------


def open_store(target: str | Path) -> Store:
    """Open (creating if needed) the store at ``target``.

    ``target`` is a file path, ``"sqlite:///relative/path.db"``, ``"sqlite:////absolute/path.db"``,
    ``":memory:"`` (a private in-memory store, for tests), or a ``postgresql://`` URL (not built yet).
    """
    if isinstance(target, Path):
        return SQLiteStore(target)
    text = target.strip()
    if not text:
        raise StoreError("no store given: pass a file path such as events.db, or ':memory:'")
    if text.startswith(POSTGRES_SCHEMES):
        raise StoreError(
            "PostgreSQL support is not built yet; use a SQLite file for now (a path such as events.db or "
            "sqlite:///events.db)"
        )
    if text.startswith(SQLITE_SCHEME):
        path = text[len(SQLITE_SCHEME) :]
        path = path[1:] if path.startswith("/") else path  # sqlite:///x.db -> x.db, sqlite:////x.db -> /x.db
        return SQLiteStore(path or MEMORY)
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreError(f"unknown store URL scheme {scheme!r} in {text!r}: use a file path or sqlite:///path")
    return SQLiteStore(text)


__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "BBox",
    "EventFilter",
    "Migration",
    "SQLiteStore",
    "Store",
    "open_store",
]
