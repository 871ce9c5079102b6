"""The shared store: the conflictlens tables in a PostgreSQL database, through psycopg 3.

Open it with :func:`conflictlens.store.open_store` and a ``postgresql://user:password@host/dbname`` URL. The
tables, the migrations and their version numbers are SQLite's (:mod:`.sqlite`), spelled for PostgreSQL; the
schema version lives in the ``meta`` table, and migrations take an advisory lock so that two processes opening
a store at once apply each step once. Version 3's sort and filter keys are stored generated columns; the actor
and free-text substring filters are ``ILIKE`` served by pg_trgm GIN indexes (the extension is created by the
migration; it is trusted, so the database owner may create it).

Tables go into the connection's current schema: add ``?options=-csearch_path%3Dname`` to the URL to keep a
store in schema ``name`` (the tests give each test its own schema this way).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from .. import __version__
from ..errors import StoreError
from .base import UNDATED_ORDER, Dialect, Migration, apply_all
from .sql import SqlStore
from .sqlite import _SCHEMA_V1, _SCHEMA_V2, FILTER_INDEXES_V3

log = logging.getLogger(__name__)

# The advisory lock key that serialises migrations (any constant; this one spells "clens").
MIGRATION_LOCK = 0x636C656E73
CONNECT_TIMEOUT_SECONDS = 10


def _postgres_ddl(statement: str) -> str:
    """SQLite's version 1 and 2 statements in PostgreSQL's spelling. Ids sort bytewise ("C"), as in SQLite."""
    return (
        statement.replace(" REAL", " DOUBLE PRECISION")
        .replace("id TEXT PRIMARY KEY", 'id TEXT COLLATE "C" PRIMARY KEY')
        .replace("seq INTEGER PRIMARY KEY AUTOINCREMENT", "seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
    )


def _keys(table: str) -> tuple[str, ...]:
    """Version 3's sort and filter keys of ``table`` as stored generated columns, and its page index."""
    return (
        f'ALTER TABLE {table} ADD COLUMN date_order TEXT COLLATE "C" GENERATED ALWAYS AS '
        f"(COALESCE(event_date, '{UNDATED_ORDER}')) STORED",
        f"ALTER TABLE {table} ADD COLUMN country_key TEXT GENERATED ALWAYS AS (LOWER(country)) STORED",
        f"ALTER TABLE {table} ADD COLUMN admin1_key TEXT GENERATED ALWAYS AS (LOWER(admin1)) STORED",
        f"CREATE INDEX ix_{table}_order ON {table} (date_order, id)",
    )


_SUBSTRING_COLUMNS = ("actor1", "actor2", "assoc_actors", "notes", "location")

_SCHEMA_V3 = (
    *_keys("events"),
    *_keys("incidents"),
    *FILTER_INDEXES_V3,
)


def _create_schema_v3(conn: _Connection) -> None:
    apply_all(_SCHEMA_V3)(conn)
    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = _value(conn.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"))
    for column in _SUBSTRING_COLUMNS:
        conn.execute(f"CREATE INDEX ix_events_trgm_{column} ON events USING gin ({column} {schema}.gin_trgm_ops)")


# The same versions as SQLite's MIGRATIONS, step for step.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "documents, events, claims and meta tables with their indexes",
        apply_all([_postgres_ddl(s) for s in _SCHEMA_V1]),
    ),
    Migration(
        2, "incidents, incident_events and incident_history tables", apply_all([_postgres_ddl(s) for s in _SCHEMA_V2])
    ),
    Migration(3, "date_order sort key, filter indexes ending in it, pg_trgm indexes for substrings", _create_schema_v3),
)


class _Connection:
    """A psycopg connection that takes ``?`` placeholders, as the shared SQL is written."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> psycopg.Cursor[Any]:
        return self._conn.execute(_placeholders(sql), list(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(_placeholders(sql), [list(r) for r in rows])


def _value(cursor: psycopg.Cursor[Any]) -> Any:
    """The first column of the one row a statement returns."""
    row = cursor.fetchone()
    if row is None:
        raise StoreError(
            "a catalogue query returned no row: the database is not a PostgreSQL server conflictlens knows"
        )
    return row[0]


def _placeholders(sql: str) -> str:
    """``?`` to ``%s``. The shared SQL has no literal ``?`` or ``%`` (LIKE patterns are parameters)."""
    return sql.replace("?", "%s")


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"://([^:/@]*):[^@/]*@", r"://\1:***@", url)


class PostgresStore(SqlStore):
    """The store in a PostgreSQL database (``postgresql://...``); one connection, one transaction per write."""

    _DIALECT = Dialect.POSTGRES
    _errors = (psycopg.Error,)
    _ROW_KEY = "id"
    _END_AND_PRECISION = "record::jsonb #>> '{time,date_end}', (record::jsonb #>> '{time,time_precision}')::int"

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = redact(url)
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] | None = self._connect()
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStore({self.path!r})"

    # -- connection and schema ------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to the PostgreSQL store {self.path}: {exc}. Check the server is running and the "
                "URL's host, port, user, password and database name"
            ) from exc

    @property
    def _db(self) -> psycopg.Connection[Any]:
        if self._conn is None:
            raise StoreError(f"the store {self.path} is closed; open it again with open_store()")
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[_Connection]:
        """BEGIN ... COMMIT, rolled back on any exception (re-raised)."""
        with self._lock, self._db.transaction():
            yield _Connection(self._db)

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        try:
            with self._lock:
                cursor = _Connection(self._db).execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        except psycopg.Error as exc:
            raise StoreError(f"reading the store {self.path} failed: {exc}") from exc

    @staticmethod
    def _page(limit: int | None, offset: int) -> tuple[str, list[object]]:
        if limit is None and not offset:
            return "", []
        return " LIMIT ? OFFSET ?", [limit, offset]  # LIMIT NULL is no limit

    def _lock_document(self, conn: Any, doc_id: str) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (doc_id,))

    def schema_version(self) -> int:
        """The schema version of the store (0 for a database without conflictlens tables)."""
        with self._lock:
            return self._version(_Connection(self._db))

    @staticmethod
    def _version(conn: _Connection) -> int:
        if not _value(conn.execute("SELECT to_regclass('meta') IS NOT NULL")):
            return 0
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        """Refuse a newer or foreign database and apply the migrations the store lacks, one transaction each."""
        latest = len(MIGRATIONS)
        found = self._checked_version(latest)
        for migration in MIGRATIONS[found:]:
            self._apply(migration)

    def _checked_version(self, latest: int) -> int:
        try:
            with self._lock:
                conn = _Connection(self._db)
                found = self._version(conn)
                tables = [
                    r[0]
                    for r in conn.execute(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                    ).fetchall()
                ]
        except psycopg.Error as exc:
            raise StoreError(f"cannot read the store {self.path}: {exc}") from exc
        if found > latest:
            raise StoreError(
                f"{self.path} has store schema version {found}, written by a newer conflictlens; this "
                f"conflictlens ({__version__}) reads schema version {latest} or older. Upgrade conflictlens "
                f"(pip install -U conflictlens) to open it: it needs schema version {found}"
            )
        if found == 0 and tables:
            raise StoreError(
                f"{self.path} is a PostgreSQL database but not a conflictlens store (its schema has tables "
                f"{', '.join(sorted(tables))} and no schema version); give an empty database, or a schema of "
                "its own with ?options=-csearch_path%3Dname"
            )
        return found

    def _apply(self, migration: Migration) -> None:
        try:
            with self._transaction() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
                if self._version(conn) >= migration.version:  # another process migrated while we waited
                    return
                migration.apply(conn)
                for key, value in (
                    ("schema_version", str(migration.version)),
                    ("written_by", f"conflictlens {__version__}"),
                ):
                    conn.execute(
                        "INSERT INTO meta (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (key, value),
                    )
        except psycopg.Error as exc:
            raise StoreError(
                f"{self.path}: migrating the store to schema version {migration.version} ({migration.summary}) "
                f"failed: {exc}. The store is unchanged at the version before; check the user may create tables "
                "and extensions (pg_trgm) in this database"
            ) from exc
        log.info("store %s migrated to schema version %d: %s", self.path, migration.version, migration.summary)

    def meta(self) -> dict[str, str]:
        """The ``meta`` table: schema_version, written_by."""
        return {k: v for k, v in self._query("SELECT key, value FROM meta ORDER BY key")}

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


__all__ = ["MIGRATIONS", "PostgresStore"]
