"""Documents per second of a whole ingest run (read, extract, store, attach to incidents) with 1 and 2 local
workers and on Ray with 2 CPUs, and the hours 300,000 articles (a day of global news) would take here.

The texts are the wire-length gold texts (300-800 words, read at run time from ../shared/gold as
benchmarks/throughput.py does; nothing is copied into the repository), written to a temporary JSON Lines file
and ingested into a fresh temporary SQLite store by each engine. Each run's wall time includes starting its
workers (loading spaCy in each), and local runs print the CPU seconds of this process (reading, storing,
attaching to incidents, and the extraction itself with 1 worker) and of the worker processes, and from them
the hours the run would take with its cores unshared (CPU-bound: CPU time a document / cores). Ray's cluster
start (ray.init) is timed apart, since a cluster is started once and reused. The load average is printed
before and after: on a shared machine the figures move with it.

    python benchmarks/scale.py [--limit 200] [--gold ../shared/gold] [--no-ray]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import wire_length_texts  # the sibling benchmark's text selection

ARTICLES_PER_DAY = 300_000


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its ended children (the local workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _timed(label: str, run: Callable[[Path], int], n: int, folder: Path, *, cores: int, cpu: bool = True) -> None:
    db = folder / f"{label.replace(' ', '-').replace(',', '')}.sqlite"
    own_before, children_before = _cpu_seconds()
    start = time.perf_counter()
    stored = run(db)
    wall = time.perf_counter() - start
    own_after, children_after = _cpu_seconds()
    own, children = own_after - own_before, children_after - children_before
    rate = n / wall
    hours = ARTICLES_PER_DAY / rate / 3600
    line = f"{label:<18} {wall:6.1f} s  {rate:5.1f} docs/s  {hours:5.1f} h for {ARTICLES_PER_DAY:,} ({stored} stored)"
    print(line)
    if cpu:  # the Ray actors are the raylet's children, not ours: their CPU time is not seen here
        per_doc = (own + children) / n
        unshared = ARTICLES_PER_DAY * per_doc / cores / 3600
        print(
            f"{'':<18} CPU s: this process {own:.1f}, workers {children:.1f}; {per_doc * 1000:.0f} ms CPU a document,"
            f" so {unshared:.1f} h for {ARTICLES_PER_DAY:,} with {cores} unshared core(s)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=200, help="documents to run (default 200)")
    parser.add_argument("--gold", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "gold")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray engine")
    args = parser.parse_args()
    if not args.gold.is_dir():
        print(f"gold data not found at {args.gold}; pass --gold DIR", file=sys.stderr)
        return 2

    from conflictlens.runner import ingest_paths
    from conflictlens.store import open_store

    texts = wire_length_texts(args.gold, args.limit)
    n = len(texts)
    print(f"documents: {n} wire-length gold texts; {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reports = folder / "reports.jsonl"
        reports.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")

        def local(workers: int) -> Callable[[Path], int]:
            def run(db: Path) -> int:
                with open_store(db) as store:
                    return ingest_paths([reports], store, workers=workers).stored

            return run

        _timed("local, 1 worker", local(1), n, folder, cores=1)
        _timed("local, 2 workers", local(2), n, folder, cores=2)
        if not args.no_ray:
            _run_ray(reports, n, folder)
    print(f"after: {_load()}")
    return 0


def _run_ray(reports: Path, n: int, folder: Path) -> None:
    import ray

    from conflictlens.distributed import ray_ingest
    from conflictlens.store import open_store

    start = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    print(f"ray.init (2 CPUs): {time.perf_counter() - start:.1f} s, not counted below")
    ray.data.DataContext.get_current().enable_progress_bars = False

    def run(db: Path) -> int:
        with open_store(db) as store:
            return ray_ingest([reports], store, actors=2).stored

    try:
        _timed("ray, 2 CPUs", run, n, folder, cores=2, cpu=False)
    finally:
        ray.shutdown()


if __name__ == "__main__":
    raise SystemExit(main())
