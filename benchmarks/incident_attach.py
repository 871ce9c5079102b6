"""How long attaching one new event to the incidents takes as the store grows (issue 4: under 5 ms).

Builds a SQLite store of synthetic events (records built directly, no spaCy): one event per report, dated
uniformly over three years and placed uniformly over a 13 x 16 degree box (about Pakistan's size), each in its
own incident; then times :func:`conflictlens.incidents.attach` for new reports at 10,000 and at 100,000
stored events, and prints milliseconds per attach and the growth. Every tenth new report restates an
existing event (same place and day, other outlet), so the timing includes real merges.

    python benchmarks/incident_attach.py [--sizes 10000 100000] [--attaches 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import statistics
import tempfile
import time
from pathlib import Path

from conflictlens.incidents import Member, attach, build_incident
from conflictlens.records import (
    Actor,
    Category,
    Claim,
    ClaimKind,
    Document,
    Event,
    EventTime,
    Evidence,
    Extraction,
    Figure,
    Place,
    Qualifier,
    Side,
    Stance,
    Toll,
)
from conflictlens.store import SQLiteStore

FIRST_DAY = dt.date(2022, 1, 1)
DAYS = 3 * 365
LAT = (24.0, 37.0)
LON = (61.0, 77.0)
GROUPS = ("BLA: Baloch Liberation Army", "TTP: Tehreek-i-Taliban Pakistan", "Military Forces of Pakistan")
CHUNK = 2000  # rows per write transaction while building the store


def doc_id(n: int) -> str:
    return hashlib.sha256(str(n).encode("ascii")).hexdigest()


def synthetic_report(rng: random.Random, n: int, *, like: Event | None = None) -> Extraction:
    """One report with one event; ``like``: the same happening told by another outlet."""
    day = like.time.event_date if like and like.time else FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    place0 = like.place if like else None
    lat = place0.latitude if place0 and place0.latitude is not None else rng.uniform(*LAT)
    lon = place0.longitude if place0 and place0.longitude is not None else rng.uniform(*LON)
    killed = rng.randrange(1, 40)
    group = rng.choice(GROUPS)
    text = f"Report {n}: fighters of {group} attacked a post near town {n % 997} on {day}, killing {killed}."
    doc = Document(id=doc_id(n), text=text, origin=f"synthetic#{n}", source=f"Outlet {n % 50}", published=day)
    ev = Evidence(doc.id, (), "synthetic")
    place = Place(
        f"Town {n % 997}", "Pakistan", "PAK", f"Province {int(lat) % 5}", None, lat, lon, None, "PPL", 0, 1, ev
    )
    actor = Actor(group, 2, group, ev)
    figure = Figure(killed, None, Qualifier.EXACT, Category.KILLED, Side.STATE_FORCES, ev)
    claim = Claim(ClaimKind.FIGURE, Stance.REPORTED, ev, claimant_org=group, figure=figure, quote=text)
    event = Event(
        id=f"{doc.id[:16]}-1",
        doc_id=doc.id,
        event_type="Battles",
        sub_event_type="Armed clash",
        type_evidence=ev,
        notes=text,
        actor1=actor,
        place=place,
        time=EventTime(day, day, day, 1, ev),
        toll=Toll(killed, killed, killed, killed),
        claims=(claim,),
    )
    return Extraction(doc, (event,), ())


def grow(store: SQLiteStore, rng: random.Random, start: int, stop: int) -> None:
    """Add reports ``start..stop`` with one incident each, in bulk transactions."""
    from conflictlens.store import _rows_of  # the store's own row builder: bulk insert for the benchmark

    at = dt.datetime.now(dt.UTC)
    for lo in range(start, stop, CHUNK):
        extractions = [synthetic_report(rng, n) for n in range(lo, min(stop, lo + CHUNK))]
        with store._transaction() as conn:
            for x in extractions:
                rows = _rows_of(x)
                store._insert_document(conn, rows.document)
                for row in rows.events:
                    store._insert_event(conn, row)
                for row in rows.claims:
                    store._insert_claim(conn, row)
        incidents = [
            build_incident([Member(x.events[0], x.document.published, x.document.outlet)]) for x in extractions
        ]
        store.replace_incidents([], incidents, [], at)


def time_attaches(store: SQLiteStore, rng: random.Random, first_n: int, count: int, stored: int) -> list[float]:
    """Milliseconds of each attach of ``count`` new reports (every tenth restating a stored event)."""
    timings = []
    for i in range(count):
        like = None
        if i % 10 == 0:
            (like,) = store.events(doc_id=doc_id(rng.randrange(stored)))
        extraction = synthetic_report(rng, first_n + i, like=like)
        store.save(extraction)
        t0 = time.perf_counter()
        attach(store, [extraction.events[0].id])
        timings.append((time.perf_counter() - t0) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--attaches", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(4)
    results: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(Path(tmp) / "bench.sqlite") as store:
        stored = 0
        next_n = 10_000_000  # ids of the timed reports, apart from the stored ones
        for size in sorted(args.sizes):
            t0 = time.perf_counter()
            grow(store, rng, stored, size)
            stored = size
            built = time.perf_counter() - t0
            timings = time_attaches(store, rng, next_n, args.attaches, stored)
            next_n += args.attaches
            mean = statistics.fmean(timings)
            p95 = statistics.quantiles(timings, n=20)[-1]
            results.append((size, mean))
            print(
                f"{size:>7} stored events (built in {built:.0f} s): attach {mean:.2f} ms mean, "
                f"{statistics.median(timings):.2f} ms median, {p95:.2f} ms p95 over {args.attaches} new reports"
            )
    if len(results) > 1:
        (small, a), (large, b) = results[0], results[-1]
        print(f"growth {small} -> {large} events: x{b / a:.2f} per attach")


if __name__ == "__main__":
    main()
