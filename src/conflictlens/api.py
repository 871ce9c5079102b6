"""The HTTP API: events, incidents and documents read from a store, and ingest of a report (FastAPI).

``create_app(store_target)`` builds the app; ``conflictlens serve`` runs it under uvicorn. Reading is public
unless a read token is configured; writing needs the operator's write token and is refused when none is set.
Every error is JSON ``{"error": ..., "detail": ...}``; no stack trace leaves the server.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import hmac
import io
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from .errors import ConflictlensError
from .export import event_row, write_events
from .records import Claim, Document, Event, Evidence, to_dict
from .store import EventFilters, Store, open_store
from .web import DashboardConfig, add_dashboard

log = logging.getLogger(__name__)

# One report is at most a few hundred kilobytes of text; 2 MB leaves room for HTML pages with markup and
# still refuses uploads that would tie up a worker in the pipeline.
DEFAULT_MAX_BODY_BYTES = 2_000_000
# Page size when the client gives none, and the most one request may ask for (keeps responses < ~10 MB).
DEFAULT_LIMIT = 100
MAX_LIMIT = 5_000
FORMATS = ("json", "geojson", "csv")
# The timeline has at most this many bars: a day each when the events span up to 200 days, else a week, a month
# or a year each. 200 bars fill a dashboard's width at 4 px or more, and each bar is one indexed count query.
TIMELINE_MAX_BINS = 200
TIMELINE_UNITS = ("day", "week", "month", "year")


class ApiError(Exception):
    """An error with an HTTP status, rendered as ``{"error", "detail"}``."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail = status, error, detail


class ReportIn(BaseModel):
    """A report to ingest: ``text`` or ``html``, with optional metadata."""

    text: str | None = None
    html: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None


def _fast_json(body: Any, media_type: str = "application/json") -> Response:
    """A JSON response serialised by orjson: pages of up to a thousand events, where the standard library's
    encoder was a tenth of the request's time."""
    return Response(orjson.dumps(body), media_type=media_type)


def _error(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):  # scalars kept as they are without a call: pages hold thousands of rows
        return {k: v if v is None or isinstance(v, str | int | float) else _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _check_token(request: Request, expected: str, what: str) -> None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise ApiError(401, "unauthorized", f"{what} needs 'Authorization: Bearer <token>'")
    given = header[len("bearer ") :].strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(403, "forbidden", f"the token given does not allow {what}")


def _parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    parts = text.split(",")
    try:
        numbers = tuple(float(p) for p in parts)
    except ValueError:
        numbers = ()
    if len(numbers) != 4:
        raise ApiError(400, "bad_request", f"bbox={text!r}: give four numbers min_lon,min_lat,max_lon,max_lat")
    return numbers[0], numbers[1], numbers[2], numbers[3]


def _evidence_spans(field: str, evidence: Evidence) -> list[dict[str, Any]]:
    return [
        {"field": field, "start": s.start, "end": s.end, "text": s.text, "reason": evidence.reason}
        for s in evidence.spans
    ]


def _claim_spans(prefix: str, claims: tuple[Claim, ...] | list[Claim]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, claim in enumerate(claims):
        out += _evidence_spans(f"{prefix}claims[{i}]", claim.evidence)
        if claim.figure is not None:
            out += _evidence_spans(f"{prefix}claims[{i}].figure", claim.figure.evidence)
    return out


def event_spans(event: Event) -> list[dict[str, Any]]:
    """Every evidence span of an event, each named by the field it supports (``actor1``, ``place``, ...)."""
    spans = _evidence_spans("event_type", event.type_evidence)
    for name in ("actor1", "actor2", "place", "time"):
        record = getattr(event, name)
        if record is not None:
            spans += _evidence_spans(name, record.evidence)
    for side in ("assoc_actor_1", "assoc_actor_2"):
        for i, actor in enumerate(getattr(event, side)):
            spans += _evidence_spans(f"{side}[{i}]", actor.evidence)
    for name, value in vars(event.toll).items() if hasattr(event.toll, "__dict__") else []:
        evidence = getattr(value, "evidence", None)
        if isinstance(evidence, Evidence):
            spans += _evidence_spans(f"toll.{name}", evidence)
    spans += _claim_spans("", event.claims)
    return [{"event_id": event.id, **s} for s in spans]


def _event_json(event: Event, document: Document | None) -> dict[str, Any]:
    return _jsonable(event_row(event, document))


def _geojson(rows: list[tuple[Event, dict[str, Any]]]) -> dict[str, Any]:
    features = []
    for event, row in rows:
        place = event.place
        if place is None or place.latitude is None or place.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                "properties": row,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _bin_start(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())  # Mondays
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _next_bin(start: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return start + dt.timedelta(days=1)
    if unit == "week":
        return start + dt.timedelta(days=7)
    if unit == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start.replace(year=start.year + 1)


def timeline_bins(first: dt.date, last: dt.date, max_bins: int = TIMELINE_MAX_BINS) -> tuple[str, list[dt.date]]:
    """The finest unit (day, week, month, year) giving at most ``max_bins`` bins over ``[first, last]``, and the
    start of each bin, in order (a year each when even years are more than ``max_bins``)."""
    for unit in TIMELINE_UNITS:
        starts = [_bin_start(first, unit)]
        while (following := _next_bin(starts[-1], unit)) <= last and len(starts) <= max_bins:
            starts.append(following)
        if len(starts) <= max_bins or unit == TIMELINE_UNITS[-1]:
            return unit, starts
    raise AssertionError("unreachable: the last unit always returns")


def event_timeline(store: Store, filters: EventFilters, max_bins: int = TIMELINE_MAX_BINS) -> dict[str, Any]:
    """Counts of the events matching ``filters`` (keyword arguments of :meth:`Store.count_events`) per bin of
    :func:`timeline_bins` over their own date extent, from one count per day in the store: no event is loaded."""
    by_day = store.count_events_by_date(**filters)
    undated = by_day.pop(None, 0)
    if not by_day:
        return {"unit": "day", "first": None, "last": None, "bins": [], "undated": undated}
    days = sorted(day for day in by_day if day is not None)
    first, last = days[0], days[-1]
    unit, starts = timeline_bins(first, last, max_bins)
    counts = [0] * len(starts)
    for day in days:
        counts[bisect.bisect_right(starts, day) - 1] += by_day[day]
    bins = [
        {"start": start.isoformat(), "end": (_next_bin(start, unit) - dt.timedelta(days=1)).isoformat(), "count": n}
        for start, n in zip(starts, counts, strict=True)
    ]
    return {"unit": unit, "first": first.isoformat(), "last": last.isoformat(), "bins": bins, "undated": undated}


def event_filters(
    since: dt.date | None = None,
    until: dt.date | None = None,
    country: str | None = None,
    admin1: str | None = None,
    event_type: str | None = None,
    actor: str | None = None,
    bbox: str | None = Query(None, description="min_lon,min_lat,max_lon,max_lat"),
    q: str | None = Query(None, description="free text in the notes or location"),
) -> EventFilters:
    """The event filters shared by GET /events and GET /timeline, as keyword arguments of ``Store.events``."""
    return {
        "since": since,
        "until": until,
        "country": country,
        "admin1": admin1,
        "event_type": event_type,
        "actor": actor,
        "bbox": _parse_bbox(bbox),
        "text": q,
    }


EventFilterQuery = Annotated[EventFilters, Depends(event_filters)]


@contextlib.asynccontextmanager
async def _freeze_startup_objects(app: FastAPI) -> AsyncIterator[None]:
    """Objects alive when the server starts (the store, the app, imported modules) leave the garbage collector's
    generations: a page of a thousand events makes tens of thousands of short-lived records, and the full
    collections that triggers rescanned the whole heap each time, which was the slow tail (p95) of such pages."""
    gc.freeze()
    yield


def create_app(
    store_target: str | Store,
    *,
    write_token: str | None = None,
    read_token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    dashboard: DashboardConfig | None = None,
) -> FastAPI:
    """The API app over one store (a path/URL for :func:`open_store`, or an open :class:`Store`).

    ``write_token``: the bearer token ingest needs (None refuses all writes). ``read_token``: when set,
    reading needs it too (the write token also reads). ``dashboard``: the web dashboard's settings (by default
    read from the environment, see :meth:`DashboardConfig.from_environment`); the dashboard is served at ``/``.
    """
    dashboard = dashboard if dashboard is not None else DashboardConfig.from_environment()
    store = store_target if isinstance(store_target, Store) else open_store(store_target)
    pipeline_lock = threading.Lock()
    extract_lock = threading.Lock()
    pipeline_holder: dict[str, Any] = {}
    app = FastAPI(
        title="conflictlens",
        version="1",
        description="Conflict events extracted from news reports.",
        lifespan=_freeze_startup_objects,
    )
    app.state.store = store

    def pipeline() -> Any:
        with pipeline_lock:
            if "p" not in pipeline_holder:
                from .pipeline import Pipeline

                pipeline_holder["p"] = Pipeline()
            return pipeline_holder["p"]

    def require_read(request: Request) -> None:
        if read_token is None:
            return
        if write_token is not None and request.headers.get("authorization", "").strip() == f"Bearer {write_token}":
            return
        _check_token(request, read_token, "reading")

    def require_write(request: Request) -> None:
        if write_token is None:
            raise ApiError(403, "forbidden", "writing is disabled: the operator has configured no write token")
        _check_token(request, write_token, "writing")

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > max_body_bytes:
            return _error(413, "payload_too_large", f"the body is over {max_body_bytes} bytes; send a shorter report")
        if request.method in ("POST", "PUT", "PATCH"):
            body = await request.body()  # cached by Starlette for the handler
            if len(body) > max_body_bytes:
                return _error(
                    413, "payload_too_large", f"the body is over {max_body_bytes} bytes; send a shorter report"
                )
        return await call_next(request)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.error, exc.detail)

    @app.exception_handler(ConflictlensError)
    async def domain_error(request: Request, exc: ConflictlensError) -> JSONResponse:
        return _error(400, "bad_request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors())
        return _error(422, "invalid_request", problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _error(500, "internal_error", "the server failed on this request; the operator's log has details")

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "stats": store.stats()}

    @app.get("/timeline", dependencies=[Depends(require_read)])
    def timeline(filters: EventFilterQuery) -> dict[str, Any]:
        """Event counts per day (or week, month, year when they span longer) with the filters of GET /events."""
        return event_timeline(store, filters)

    @app.get("/events", dependencies=[Depends(require_read)])
    def list_events(
        filters: EventFilterQuery,
        limit: int = Query(DEFAULT_LIMIT, ge=0, le=MAX_LIMIT),
        offset: int = Query(0, ge=0),
        format: str = Query("json", pattern="^(json|geojson|csv)$"),
    ) -> Response:
        events = store.events(**filters, limit=limit, offset=offset)
        total = store.count_events(**filters)
        documents = store.documents_by_id(e.doc_id for e in events)
        if format == "csv":
            out = io.StringIO()
            write_events(events, "csv", out, documents={k: v for k, v in documents.items() if v is not None})
            return Response(out.getvalue(), media_type="text/csv", headers={"X-Total-Count": str(total)})
        rows = [(e, event_row(e, documents.get(e.doc_id))) for e in events]  # orjson writes the dates itself
        if format == "geojson":
            body = _geojson(rows) | {"total": total, "limit": limit, "offset": offset}
            return _fast_json(body, "application/geo+json")
        return _fast_json({"total": total, "limit": limit, "offset": offset, "events": [r for _, r in rows]})

    @app.get("/events/{event_id}", dependencies=[Depends(require_read)])
    def one_event(event_id: str) -> dict[str, Any]:
        members = store.stored_members([event_id])
        if not members:
            raise ApiError(404, "not_found", f"no event {event_id!r}; list events with GET /events")
        event = members[0].event
        return {
            "event": _event_json(event, store.document(event.doc_id)),
            "record": _jsonable(to_dict(event)),
            "spans": event_spans(event),
            "incident_id": _incident_of(event_id),
        }

    def _incident_of(event_id: str) -> str | None:
        from .incidents import update_incidents

        found = store.incidents_of_events([event_id])
        if not found:
            update_incidents(store)
            found = store.incidents_of_events([event_id])
        return found[0].id if found else None

    @app.get("/incidents", dependencies=[Depends(require_read)])
    def list_incidents(
        since: dt.date | None = None,
        until: dt.date | None = None,
        country: str | None = None,
        admin1: str | None = None,
        event_type: str | None = None,
        limit: int = Query(DEFAULT_LIMIT, ge=0, le=MAX_LIMIT),
    ) -> dict[str, Any]:
        from .incidents import update_incidents

        update_incidents(store)
        found = store.incidents(
            since=since, until=until, country=country, admin1=admin1, event_type=event_type, limit=limit
        )
        return {"count": len(found), "incidents": [_jsonable(to_dict(i)) for i in found]}

    @app.get("/incidents/{incident_id}", dependencies=[Depends(require_read)])
    def one_incident(incident_id: str) -> dict[str, Any]:
        from .incidents import resolve_incident_id, update_incidents

        update_incidents(store)
        resolved = resolve_incident_id(store, incident_id)
        incident = store.incident(resolved) if resolved else None
        if incident is None:
            raise ApiError(404, "not_found", f"no incident {incident_id!r}; list incidents with GET /incidents")
        events = [m.event for m in store.stored_members(list(incident.event_ids))]
        return {
            "incident": _jsonable(to_dict(incident)),
            "ledger": _jsonable(to_dict(incident.ledger)),
            "evidence": [s for e in events for s in event_spans(e)],
        }

    @app.get("/documents/{doc_id}", dependencies=[Depends(require_read)])
    def one_document(doc_id: str) -> dict[str, Any]:
        document = store.document(doc_id)
        if document is None:
            raise ApiError(404, "not_found", f"no document {doc_id!r}")
        events = store.events(doc_id=doc_id)
        spans = [s for e in events for s in event_spans(e)]
        spans += [{"event_id": None, **s} for s in _claim_spans("document.", store.claims(doc_id=doc_id))]
        return {
            "document": _jsonable(to_dict(document)),
            "event_ids": [e.id for e in events],
            "spans": spans,
        }

    @app.post("/documents", status_code=201, dependencies=[Depends(require_write)])
    def ingest(report: ReportIn) -> JSONResponse:
        from .ingest import document_from_html, document_from_text

        if (report.text is None) == (report.html is None):
            raise ApiError(400, "bad_request", "send exactly one of 'text' or 'html'")
        if report.text is not None:
            document = document_from_text(
                report.text,
                origin="api",
                published=report.published,
                source=report.source,
                url=report.url,
                title=report.title,
            )
        else:
            assert report.html is not None
            document = document_from_html(
                report.html, origin="api", published=report.published, source=report.source, url=report.url
            )
        if store.has_document(document.id):
            ids = [e.id for e in store.events(doc_id=document.id)]
            return JSONResponse({"id": document.id, "duplicate": True, "event_ids": ids}, status_code=200)
        with extract_lock:  # one spaCy run at a time: the model is shared
            extraction = pipeline().extract(document)
        store.save(extraction)
        return JSONResponse(
            {
                "id": document.id,
                "duplicate": False,
                "event_ids": [e.id for e in extraction.events],
                "problem": extraction.problem.reason if extraction.problem else None,
            },
            status_code=201,
        )

    add_dashboard(app, dashboard)
    return app


__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "ApiError",
    "ReportIn",
    "create_app",
    "event_spans",
    "event_timeline",
    "timeline_bins",
]
