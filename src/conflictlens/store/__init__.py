"""The event store: documents, their events and claims, and the incidents built from them.

:class:`Store` is the interface every backend implements. :class:`SQLiteStore` is the default (one file, WAL
mode, safe to read while another process writes); :class:`~conflictlens.store.postgres.PostgresStore` keeps the
same tables in a PostgreSQL database, for a store shared by several machines (it needs the ``postgres`` extra).
:func:`open_store` picks the backend from a target.

What is stored:

- ``documents``: one row per distinct text (the id is the content hash), including documents that gave no
  events, with the reason, so that ingesting them again is skipped.
- ``events``: the columns people filter on (date, type, actors, place, fatalities) plus ``record``, the full
  event as JSON (:func:`conflictlens.records.to_dict`), which is what queries return.
- ``claims``: one row per claim (an event's claims and the document-level ones) with the claimant, stance and
  quantity as columns and the full claim as JSON.
- ``incidents``, ``incident_events``, ``incident_history``: see :mod:`conflictlens.incidents`.

A document is saved with all its events and claims in one transaction: either all of it is in the store or
none of it, so a batch interrupted at any point and run again gives the same store. Both backends version the
schema and apply the migrations a store lacks when it is opened (docs/storage.md).

Modules: :mod:`.base` (the interface, filters, rows), :mod:`.sql` (the SQL both backends run), :mod:`.sqlite`,
:mod:`.postgres`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import StoreError
from .base import (
    ASSOC_ACTOR_SEPARATOR,
    UNDATED_ORDER,
    BBox,
    Dialect,
    EventFilter,
    EventFilters,
    Migration,
    Store,
)
from .base import _rows_of as _rows_of  # the benchmarks fill stores in bulk with the row builder
from .sqlite import MEMORY, MIGRATIONS, SCHEMA_VERSION, SQLiteStore

SQLITE_SCHEME = "sqlite://"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
POSTGRES_EXTRA = "pip install 'conflictlens[postgres]' (or: pip install 'psycopg[binary]')"


def open_store(target: str | Path) -> Store:
    """Open (creating if needed) the store at ``target``.

    ``target`` is a file path, ``"sqlite:///relative/path.db"``, ``"sqlite:////absolute/path.db"``,
    ``":memory:"`` (a private in-memory store, for tests), or a ``postgresql://user:password@host/dbname`` URL
    (libpq's URL form; ``?options=-csearch_path%3Dname`` keeps the tables in schema ``name``).
    """
    if isinstance(target, Path):
        return SQLiteStore(target)
    text = target.strip()
    if not text:
        raise StoreError("no store given: pass a file path such as events.db, or ':memory:'")
    if text.startswith(POSTGRES_SCHEMES):
        return _postgres_store(text)
    if text.startswith(SQLITE_SCHEME):
        path = text[len(SQLITE_SCHEME) :]
        path = path[1:] if path.startswith("/") else path  # sqlite:///x.db -> x.db, sqlite:////x.db -> /x.db
        return SQLiteStore(path or MEMORY)
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreError(
            f"unknown store URL scheme {scheme!r} in {text!r}: use a file path, sqlite:///path or postgresql://..."
        )
    return SQLiteStore(text)


def _postgres_store(url: str) -> Store:
    try:
        from .postgres import PostgresStore
    except ImportError as exc:
        raise StoreError(
            f"a PostgreSQL store needs psycopg 3, which is not installed ({exc}): {POSTGRES_EXTRA}"
        ) from exc
    return PostgresStore(url)


__all__ = [
    "ASSOC_ACTOR_SEPARATOR",
    "MEMORY",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "UNDATED_ORDER",
    "BBox",
    "Dialect",
    "EventFilter",
    "EventFilters",
    "Migration",
    "SQLiteStore",
    "Store",
    "open_store",
]
