"""What every store backend shares: the :class:`Store` interface, the filters and the rows.

:class:`EventFilter` renders the filters as SQL for either dialect (SQLite or PostgreSQL, :class:`Dialect`),
with ``?`` placeholders (the PostgreSQL backend turns them into ``%s``). The row builders turn records into the
tuples both backends insert, and the ``*_from_json`` functions turn stored records back.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime as dt
import enum
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypedDict, TypeVar, Unpack

import orjson  # stored records are read a page at a time: about twice as fast as json.loads

from ..errors import StoreError
from ..records import Claim, Document, Event, Evidence, Extraction, Place, from_dict, to_dict

if TYPE_CHECKING:
    from ..incidents import HistoryEntry, Incident, Member

BBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat), as GeoJSON writes it

# Events without a date sort after every dated one: their ``date_order`` is this day, which no report gives.
UNDATED_ORDER = "9999-12-31"


@dataclass(frozen=True)
class Migration:
    """One step of the schema: ``apply`` brings a store at version ``version - 1`` to ``version``."""

    version: int
    summary: str
    apply: Callable[[Any], None]  # given the backend's connection, inside the step's transaction


def apply_all(statements: Sequence[str]) -> Callable[[Any], None]:
    """A migration step that runs ``statements`` in order on the backend's connection."""

    def apply(conn: Any) -> None:
        for statement in statements:
            conn.execute(statement)

    return apply


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
    """The SQL flavour a filter is rendered in (placeholders are ``?`` in both)."""

    SQLITE = "sqlite"
    POSTGRES = "postgresql"


@dataclass(frozen=True)
class EventFilter:
    """The filters of :meth:`Store.events`, checked, and rendered as a portable SQL ``WHERE`` clause.

    Text filters ignore case (in country and admin1 names SQLite folds ASCII letters only). ``country`` matches the
    name or, for three letters, its ISO3 code; ``actor`` is a substring of actor1, actor2 or an associated actor;
    ``text`` a substring of the notes or the location (both taken literally: no wildcards or query syntax);
    ``bbox`` is ``(min_lon, min_lat, max_lon, max_lat)`` and may cross the antimeridian (``min_lon > max_lon``).
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
        p = "?"
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
    p = "?"
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
    event: Event = from_dict(Event, orjson.loads(record))
    return event


def _claim_from_json(record: str) -> Claim:
    claim: Claim = from_dict(Claim, orjson.loads(record))
    return claim


# --------------------------------------------------------------------------------------------------------
# The interface
# --------------------------------------------------------------------------------------------------------


class EventFilters(TypedDict, total=False):
    """The filters :meth:`Store.events` and :meth:`Store.count_events` take, each optional (see
    :class:`EventFilter` for what each matches)."""

    since: dt.date | str | None
    until: dt.date | str | None
    country: str | None
    admin1: str | None
    event_type: str | None
    sub_event_type: str | None
    actor: str | None
    bbox: BBox | None
    text: str | None
    doc_id: str | None


def _event_filter(
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
) -> EventFilter:
    return EventFilter(
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

    def documents_by_id(self, doc_ids: Iterable[str]) -> dict[str, Document]:
        """The stored documents among ``doc_ids``, by id (ids not stored are left out)."""
        found = {doc_id: self.document(doc_id) for doc_id in set(doc_ids)}
        return {doc_id: doc for doc_id, doc in found.items() if doc is not None}

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

    @abc.abstractmethod
    def _count_events_by_date(self, where: EventFilter) -> dict[dt.date | None, int]:
        """How many events matching ``where`` fall on each event date (``None`` for undated ones)."""

    def events(self, *, limit: int | None = None, offset: int = 0, **filters: Unpack[EventFilters]) -> list[Event]:
        """Stored events matching every filter given (see :class:`EventFilters`), by date then id."""
        if (limit is not None and limit < 0) or offset < 0:
            raise StoreError(f"limit={limit} offset={offset}: both must be zero or more")
        return self._select_events(_event_filter(**filters), limit, offset)

    def count_events(self, **filters: Unpack[EventFilters]) -> int:
        """How many stored events match the filters (the same as :meth:`events` takes)."""
        return self._count_events(_event_filter(**filters))

    def count_events_by_date(self, **filters: Unpack[EventFilters]) -> dict[dt.date | None, int]:
        """How many stored events matching the filters fall on each day (``None``: undated), counted in one
        query: a timeline over the whole store without loading an event."""
        return self._count_events_by_date(_event_filter(**filters))

    # -- incidents (conflictlens.incidents) ----------------------------------------------------------

    @abc.abstractmethod
    def incident_candidates(self, event: Event) -> list[Member]:
        """Stored events whose date window and place could make them the same happening as ``event``."""

    @abc.abstractmethod
    def stored_members(self, event_ids: Sequence[str]) -> list[Member]:
        """Stored events with their report's publication date and outlet."""

    @abc.abstractmethod
    def unattached_event_ids(self) -> list[tuple[str, str]]:
        """(event id, document id) of stored events that belong to no incident yet."""

    @abc.abstractmethod
    def incidents_of_events(self, event_ids: Sequence[str]) -> list[Incident]:
        """The incidents these events belong to."""

    @abc.abstractmethod
    def replace_incidents(
        self, removed: Sequence[str], incidents: Sequence[Incident], history: Sequence[HistoryEntry], at: dt.datetime
    ) -> None:
        """Delete ``removed``, write ``incidents`` (their members re-pointed) and append ``history``, atomically."""

    @abc.abstractmethod
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

    @abc.abstractmethod
    def incident(self, incident_id: str) -> Incident | None:
        """One stored incident, or None."""

    @abc.abstractmethod
    def incident_history(
        self, *, incident_id: str | None = None, since: dt.datetime | None = None
    ) -> list[HistoryEntry]:
        """History entries, oldest first, of one incident or of all changed at or after ``since``."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _near_by_columns(place: Place, columns: Sequence[Any]) -> bool:
    """Whether a stored event's place (latitude, longitude, geo_precision, admin1, iso3) is near ``place``."""
    from ..incidents import place_closeness

    latitude, longitude, precision, admin1, iso3 = columns
    other = Place("", None, iso3, admin1, None, latitude, longitude, None, None, 0, precision or 3, _NO_EVIDENCE)
    return place_closeness(place, other) is not None


_NO_EVIDENCE = Evidence("", (), "")


def _overlaps_by_columns(window: tuple[dt.date, dt.date], columns: Sequence[Any]) -> bool:
    """Whether a stored event's date window (event_date, date_end, time_precision) overlaps ``window``."""
    from ..incidents import DATE_SLACK_DAYS

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
    from ..incidents import Incident

    incident: Incident = from_dict(Incident, orjson.loads(record))
    return incident


T = TypeVar("T")

# SQLite allows 999 parameters in old builds; IN lists are sent in chunks below that.
_CHUNK = 500


def _chunks(items: list[T]) -> Iterator[list[T]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _marks(n: int) -> str:
    return ", ".join("?" * n)
