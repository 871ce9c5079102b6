"""The embedded store: one SQLite file in WAL mode (safe to read while another process writes).

The schema is versioned with ``PRAGMA user_version``, mirrored in the ``meta`` table. Opening an older file runs
the :data:`MIGRATIONS` it lacks, in order, each in its own transaction; opening a file written by a newer
conflictlens is refused. docs/storage.md describes the tables and each version.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import StoreError
from .base import TRIGRAM, UNDATED_ORDER, Dialect, EventFilter, Migration, Store, apply_all, fts_query
from .sql import SqlStore

log = logging.getLogger(__name__)

MEMORY = ":memory:"

# How long a writer waits for another process's write lock before giving up. Saving one document takes
# milliseconds, so 30 s only runs out when another process holds the file far longer than any save should.
BUSY_TIMEOUT_SECONDS = 30.0


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


# Version 3's filter indexes, the same on both backends: each filter's column, then the page order, so a
# filtered page is read in order from one index. A map view's box is found and ordered from its index alone.
FILTER_INDEXES_V3 = (
    *(f"DROP INDEX ix_events_{name}" for name in ("country", "iso3", "admin1", "type", "sub_event_type", "lat_lon")),
    "CREATE INDEX ix_events_country ON events (country_key, date_order, id)",
    "CREATE INDEX ix_events_iso3 ON events (iso3, date_order, id)",
    "CREATE INDEX ix_events_admin1 ON events (admin1_key, date_order, id)",
    "CREATE INDEX ix_events_type ON events (event_type, date_order, id)",
    "CREATE INDEX ix_events_sub_event_type ON events (sub_event_type, date_order, id)",
    "CREATE INDEX ix_events_lat_lon ON events (latitude, longitude, date_order, id)",
)

_SCHEMA_V3 = (
    *_key_columns("events"),
    *_key_columns("incidents"),
    *FILTER_INDEXES_V3,
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


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "documents, events, claims and meta tables with their indexes", apply_all(_SCHEMA_V1)),
    Migration(2, "incidents, incident_events and incident_history tables", apply_all(_SCHEMA_V2)),
    Migration(
        3, "date_order sort key, filter indexes ending in it, events_fts trigram text index", apply_all(_SCHEMA_V3)
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def _latest_version() -> int:
    return len(MIGRATIONS)


# --------------------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------------------


class SQLiteStore(SqlStore):
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

    _DIALECT = Dialect.SQLITE
    _errors = (sqlite3.Error,)
    _ROW_KEY = "rowid"
    # Left alone, SQLite may pick the (latitude, longitude) index and scan a latitude band of all dates.
    _CANDIDATES_INDEX = "INDEXED BY ix_events_incident_candidates "
    _UNINDEXED = "+"
    _END_AND_PRECISION = "json_extract(record, '$.time.date_end'), json_extract(record, '$.time.time_precision')"

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

    # -- reading --------------------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"reading the store {self.path} failed: {exc}") from exc

    @staticmethod
    def _page(limit: int | None, offset: int) -> tuple[str, list[object]]:
        """SQLite's LIMIT/OFFSET clause (it needs LIMIT -1 for "no limit" before an OFFSET)."""
        if limit is None and not offset:
            return "", []
        return " LIMIT ? OFFSET ?", [-1 if limit is None else limit, offset]

    def _count_events(self, where: EventFilter) -> int:
        search = where.only_substring()
        if search is not None and len(search[1]) >= TRIGRAM:  # the text index counts its matches itself
            rows = self._query("SELECT COUNT(*) FROM events_fts WHERE events_fts MATCH ?", [fts_query(*search)])
            matches: int = rows[0][0]
            return matches
        return super()._count_events(where)


__all__ = ["BUSY_TIMEOUT_SECONDS", "MEMORY", "MIGRATIONS", "SCHEMA_VERSION", "SQLiteStore", "Store"]
