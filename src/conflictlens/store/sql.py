"""The SQL both backends run: :class:`SqlStore` implements :class:`Store` over a small set of hooks.

A backend (:mod:`.sqlite`, :mod:`.postgres`) gives the connection, transactions, its error types and the few
spellings that differ. Statements here use ``?`` placeholders; the PostgreSQL backend turns them into ``%s``.
"""

from __future__ import annotations

import abc
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import StoreError
from ..records import Claim, Document, Event, Extraction
from .base import (
    _CLAIM_COLUMNS,
    _DOCUMENT_COLUMNS,
    _EVENT_COLUMNS,
    _INCIDENT_COLUMNS,
    UNDATED_ORDER,
    Dialect,
    EventFilter,
    Store,
    _as_date,
    _chunks,
    _claim_from_json,
    _document_from_row,
    _event_from_json,
    _incident_from_json,
    _incident_row,
    _marks,
    _near_by_columns,
    _overlaps_by_columns,
    _rows_of,
    _utc,
)

if TYPE_CHECKING:
    from ..incidents import HistoryEntry, Incident, Member


class SqlStore(Store):
    """A store over a SQL database with the conflictlens schema; subclasses connect and migrate."""

    path: str  # where the store is, for messages (a PostgreSQL URL without its password)
    _DIALECT: ClassVar[Dialect]
    _errors: ClassVar[tuple[type[Exception], ...]]  # the driver's errors, turned into StoreError
    _ROW_KEY: ClassVar[str]  # the cheapest key of an events row (SQLite: rowid)
    _CANDIDATES_INDEX: ClassVar[str] = ""  # an index hint for the incident candidates' box query
    _UNINDEXED: ClassVar[str] = ""  # a prefix that keeps a column's index out of a query plan
    _END_AND_PRECISION: ClassVar[str]  # SQL reading time.date_end and time.time_precision from the record

    @abc.abstractmethod
    def _transaction(self) -> AbstractContextManager[Any]:
        """A write transaction yielding a connection with ``execute``/``executemany`` (``?`` placeholders)."""

    @abc.abstractmethod
    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        """The rows of one read statement; StoreError on failure."""

    @abc.abstractmethod
    def schema_version(self) -> int:
        """The schema version of the open store."""

    @staticmethod
    @abc.abstractmethod
    def _page(limit: int | None, offset: int) -> tuple[str, list[object]]:
        """The LIMIT/OFFSET clause and its parameters ("" when neither is set)."""

    # -- writing --------------------------------------------------------------------------------------

    def save(self, extraction: Extraction) -> bool:
        doc = extraction.document
        if self.has_document(doc.id):  # fast path for re-ingestion; checked again under the write lock
            return False
        rows = _rows_of(extraction)
        try:
            with self._transaction() as conn:
                self._lock_document(conn, doc.id)
                if self._has_document(conn, doc.id):
                    return False
                self._insert_document(conn, rows.document)
                for row in rows.events:
                    self._insert_event(conn, row)
                for row in rows.claims:
                    self._insert_claim(conn, row)
        except self._errors as exc:
            raise StoreError(
                f"{doc.origin}: could not save document {doc.id[:12]}... ({exc}); nothing of it was stored. "
                f"Check the store {self.path} is writable and has space, then run again"
            ) from exc
        return True

    def _lock_document(self, conn: Any, doc_id: str) -> None:
        """Make the transaction the only writer of ``doc_id`` until it ends (SQLite's BEGIN IMMEDIATE already
        makes it the only writer)."""

    @staticmethod
    def _has_document(conn: Any, doc_id: str) -> bool:
        return conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    @staticmethod
    def _insert_document(conn: Any, row: tuple[object, ...]) -> None:
        conn.execute(f"INSERT INTO documents ({_DOCUMENT_COLUMNS}, n_events, problem) VALUES ({_marks(len(row))})", row)

    @staticmethod
    def _insert_event(conn: Any, row: tuple[object, ...]) -> None:
        conn.execute(f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES ({_marks(len(row))})", row)

    @staticmethod
    def _insert_claim(conn: Any, row: tuple[object, ...]) -> None:
        conn.execute(f"INSERT INTO claims ({_CLAIM_COLUMNS}) VALUES ({_marks(len(row))})", row)

    def has_document(self, doc_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM documents WHERE id = ?", (doc_id,)))

    def document(self, doc_id: str) -> Document | None:
        rows = self._query(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        return _document_from_row(rows[0]) if rows else None

    def documents_by_id(self, doc_ids: Iterable[str]) -> dict[str, Document]:
        found: dict[str, Document] = {}
        for chunk in _chunks(sorted(set(doc_ids))):
            sql = f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id IN ({_marks(len(chunk))})"
            found.update((doc.id, doc) for doc in map(_document_from_row, self._query(sql, chunk)))
        return found

    def documents(self, limit: int | None = None, offset: int = 0) -> list[Document]:
        sql = (
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents "
            "ORDER BY CASE WHEN ingested_at IS NULL THEN 1 ELSE 0 END, ingested_at, id"
        )
        page, page_params = self._page(limit, offset)
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
        condition, params = where.where(self._DIALECT)
        page, page_params = self._page(limit, offset)
        # The page's ids first, from the indexes alone; then only those rows' records are read.
        sql = (
            f"SELECT record FROM events WHERE id IN (SELECT id FROM events WHERE {condition} "
            f"ORDER BY date_order, id{page}) ORDER BY date_order, id"
        )
        return [_event_from_json(r[0]) for r in self._query(sql, [*params, *page_params])]

    def _count_events(self, where: EventFilter) -> int:
        condition, params = where.where(self._DIALECT)
        count: int = self._query(f"SELECT COUNT(*) FROM events WHERE {condition}", params)[0][0]
        return count

    def _count_events_by_date(self, where: EventFilter) -> dict[dt.date | None, int]:
        condition, params = where.where(self._DIALECT)
        # date_order (the date, or UNDATED_ORDER) ends every filter index, so the count reads no table row
        rows = self._query(f"SELECT date_order, COUNT(*) FROM events WHERE {condition} GROUP BY date_order", params)
        return {(None if day == UNDATED_ORDER else dt.date.fromisoformat(day)): count for day, count in rows}

    # -- incidents ------------------------------------------------------------------------------------

    _MEMBER_SQL = (
        "SELECT e.record, d.published, d.source, d.syndicator FROM events e JOIN documents d ON d.id = e.doc_id "
    )

    def _members(self, sql: str, params: Sequence[object]) -> list[Member]:
        from ..incidents import Member

        members = []
        for record, published, source, syndicator in self._query(self._MEMBER_SQL + sql, params):
            outlet = f"{source} via {syndicator}" if source and syndicator else source or syndicator
            members.append(
                Member(_event_from_json(record), dt.date.fromisoformat(published) if published else None, outlet)
            )
        return members

    def incident_candidates(self, event: Event) -> list[Member]:
        from ..incidents import MAX_WINDOW_DAYS, PROVINCE_PRECISION, RADIUS_KM, compatible_event_types, date_window

        window = date_window(event)
        place = event.place
        if window is None or place is None:
            return []
        first = (window[0] - dt.timedelta(days=MAX_WINDOW_DAYS)).isoformat()
        last = (window[1] + dt.timedelta(days=MAX_WINDOW_DAYS - 31)).isoformat()
        types = compatible_event_types(event.event_type)
        type_marks = _marks(len(types))
        found: list[Any] = []  # row keys (SQLite: rowids, which the index entries carry: no table row is read)
        if place.geo_precision < PROVINCE_PRECISION and place.latitude is not None and place.longitude is not None:
            radius = max(RADIUS_KM.values())
            dlat = radius / 111.0
            dlon = radius / (111.0 * max(0.05, math.cos(math.radians(place.latitude))))
            # Town-level events: answered from the covering index alone (date range, box, type). INDEXED BY:
            # left alone, SQLite may pick the (latitude, longitude) index and scan a latitude band of all dates.
            rows = self._query(
                f"SELECT {self._ROW_KEY}, latitude, longitude, geo_precision FROM events {self._CANDIDATES_INDEX}"
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
            sql = f"SELECT {self._ROW_KEY}, latitude, longitude, geo_precision, admin1, iso3 FROM events "
            sql += "WHERE geo_precision = ? AND "
            params: list[object] = [PROVINCE_PRECISION]
        else:
            sql = f"SELECT {self._ROW_KEY}, latitude, longitude, geo_precision, admin1, iso3 FROM events WHERE "
            params = []
        if place.admin1:
            rows = self._query(
                sql + "event_date BETWEEN ? AND ? AND admin1_key = LOWER(?) AND "
                f"{self._UNINDEXED}event_type IN ({type_marks})",
                [*params, first, last, place.admin1, *types],
            )
            found += [r[0] for r in rows if _near_by_columns(place, r[1:])]
        return self.stored_members(self._overlapping(found, window, event.doc_id)) if found else []

    def _overlapping(self, keys: Sequence[Any], window: tuple[dt.date, dt.date], doc_id: str) -> list[str]:
        """Ids of the events at row ``keys`` of another document whose date window overlaps ``window``, read from the
        columns and two JSON fields: rebuilding a whole record is the slow part, so it is left to survivors."""
        out: list[str] = []
        for chunk in _chunks(sorted(set(keys))):
            rows = self._query(
                f"SELECT id, doc_id, event_date, {self._END_AND_PRECISION} FROM events "
                f"WHERE {self._ROW_KEY} IN ({_marks(len(chunk))})",
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
        except self._errors as exc:
            raise StoreError(
                f"could not write incidents to the store {self.path} ({exc}); nothing was changed. Check the store "
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
        page, page_params = self._page(limit, 0)
        sql = f"SELECT record FROM incidents WHERE {condition} ORDER BY date_order, id" + page
        return [_incident_from_json(r[0]) for r in self._query(sql, [*params, *page_params])]

    def incident(self, incident_id: str) -> Incident | None:
        rows = self._query("SELECT record FROM incidents WHERE id = ?", (incident_id,))
        return _incident_from_json(rows[0][0]) if rows else None

    def incident_history(
        self, *, incident_id: str | None = None, since: dt.datetime | None = None
    ) -> list[HistoryEntry]:
        from ..incidents import HistoryEntry, HistoryKind

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
