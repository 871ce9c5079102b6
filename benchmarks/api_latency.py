"""Latency of typical filtered API queries over a store of synthetic events (issue 5: p95 under 100 ms).

Builds a store of synthetic events (records built directly, no spaCy): one event per report, dated uniformly
over three years, spread over four countries with their own boxes, event types and actor groups; then sends
typical GET /events queries (each also counts its matches, for ``total``) through the in-process client and
prints p50/p95 per query, in wall-clock time and in CPU time of this process (the server runs in it too; CPU
time is what a query costs when the machine is not shared).

    python benchmarks/api_latency.py [--events 100000] [--repeats 30] [--db postgresql://user@host/dbname]

Without ``--db`` the store is a SQLite file in a temporary folder. With a PostgreSQL URL the store is built in
a new schema of that database (the user must be allowed to create one), dropped at the end. PostgreSQL does
its work in the server process, so for it only the wall-clock figures count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import statistics
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conflictlens.api import create_app
from conflictlens.records import Actor, Document, Event, EventTime, Evidence, Extraction, Place, Toll
from conflictlens.store import Store, open_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette 1.x prefers httpx2 for its test client
    from fastapi.testclient import TestClient

FIRST_DAY = dt.date(2022, 1, 1)
DAYS = 3 * 365
# (country, iso3, (lat range), (lon range)): boxes roughly the size of each country
COUNTRIES = (
    ("Pakistan", "PAK", (24.0, 37.0), (61.0, 77.0)),
    ("Nigeria", "NGA", (4.0, 14.0), (3.0, 14.0)),
    ("Sudan", "SDN", (9.0, 22.0), (22.0, 38.0)),
    ("Colombia", "COL", (-4.0, 12.0), (-79.0, -67.0)),
)
TYPES = (
    ("Battles", "Armed clash"),
    ("Violence against civilians", "Attack"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Violent demonstration"),
)
GROUPS = ("Night Squad", "River Front", "Military Forces", "Police Forces", "Protesters", "Rioters")
CHUNK = 2000  # rows per write transaction while building the store

QUERIES: dict[str, dict[str, str]] = {
    "first page, no filter": {},
    "country + 3 months": {"country": "Nigeria", "since": "2023-01-01", "until": "2023-03-31"},
    "event type + since": {"event_type": "Protests", "since": "2024-06-01"},
    "bbox (map view)": {"bbox": "65,28,70,32"},
    "actor substring": {"actor": "river"},
    "free text": {"q": "town 42 "},
    "country, page 10": {"country": "Sudan", "offset": "1000", "limit": "100"},
    "geojson 1000 in bbox": {"bbox": "3,4,14,14", "limit": "1000", "format": "geojson"},
}


def synthetic_report(rng: random.Random, n: int) -> Extraction:
    country, iso3, lats, lons = COUNTRIES[n % len(COUNTRIES)]
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    lat, lon = rng.uniform(*lats), rng.uniform(*lons)
    event_type, sub_type = rng.choice(TYPES)
    group = rng.choice(GROUPS)
    text = f"Report {n}: {group} in town {n % 997} of {country} on {day}."
    doc_id = hashlib.sha256(str(n).encode("ascii")).hexdigest()
    doc = Document(id=doc_id, text=text, origin=f"synthetic#{n}", source=f"Outlet {n % 50}", published=day)
    ev = Evidence(doc.id, (), "synthetic")
    place = Place(f"Town {n % 997}", country, iso3, f"Province {int(lat) % 5}", None, lat, lon, None, "PPL", 0, 1, ev)
    event = Event(
        id=f"{doc.id[:16]}-1",
        doc_id=doc.id,
        event_type=event_type,
        sub_event_type=sub_type,
        type_evidence=ev,
        notes=text,
        actor1=Actor(group, 2, group, ev),
        place=place,
        time=EventTime(day, day, day, 1, ev),
        toll=Toll(),
    )
    return Extraction(doc, (event,), ())


def fill(store: Store, count: int, seed: int = 5) -> None:
    """Insert ``count`` synthetic reports in bulk transactions (the store's own row builder)."""
    from conflictlens.store import _rows_of

    rng = random.Random(seed)
    for lo in range(0, count, CHUNK):
        extractions = [synthetic_report(rng, n) for n in range(lo, min(count, lo + CHUNK))]
        with store._transaction() as conn:
            for x in extractions:
                rows = _rows_of(x)
                store._insert_document(conn, rows.document)
                for row in rows.events:
                    store._insert_event(conn, row)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--db", help="a postgresql:// URL to measure PostgreSQL instead of a SQLite file")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        bench_target(args.db, Path(tmp)) as target,
        open_store(target) as store,
    ):
        print(f"store: {store!r}")
        t0 = time.perf_counter()
        fill(store, args.events)
        print(f"filled {args.events} events in {time.perf_counter() - t0:.1f} s")
        if args.db:
            vacuum_analyze(target)
        measure(store, args.repeats)


def vacuum_analyze(url: str) -> None:
    """What PostgreSQL's autovacuum does within minutes of a bulk load: planner statistics, and the visibility
    map that lets counts be answered from an index alone."""
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - t0:.1f} s")


@contextmanager
def bench_target(url: str | None, folder: Path) -> Iterator[str]:
    """A SQLite file in ``folder``, or a new schema of the PostgreSQL database at ``url`` (dropped afterwards)."""
    if url is None:
        yield str(folder / "bench.db")
        return
    import psycopg

    schema = f"api_latency_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def measure(store: Store, repeats: int) -> None:
    with TestClient(create_app(store)) as client:  # runs the app's start-up, as uvicorn does
        _measure(client, repeats)


def _measure(client: TestClient, repeats: int) -> None:
    print(f"{'query':28} {'total':>7} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8}")
    for name, params in QUERIES.items():
        wall, cpu, total = [], [], 0
        for _ in range(repeats):
            t1, c1 = time.perf_counter(), time.process_time()
            response = client.get("/events", params=params)
            wall.append((time.perf_counter() - t1) * 1000)
            cpu.append((time.process_time() - c1) * 1000)
            response.raise_for_status()
            total = response.json()["total"]
        print(
            f"{name:28} {total:>7} {statistics.median(wall):>8.1f} {percentile(wall, 0.95):>8.1f} "
            f"{statistics.median(cpu):>8.1f} {percentile(cpu, 0.95):>8.1f}"
        )


if __name__ == "__main__":
    main()
