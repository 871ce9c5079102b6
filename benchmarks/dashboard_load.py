"""First load time of the web dashboard over a store of synthetic events (issue 5).

Fills a SQLite store with api_latency.py's synthetic events (its ``fill``), serves the app with uvicorn on a
localhost port and opens the dashboard in Debian's Chromium through Playwright, each time in a fresh browser
context (empty cache). Prints the time from navigation to the page's ready state (country outlines, map
markers, timeline and first table page drawn) and, from the browser's resource timing, how long each API
request of the page took.

    python benchmarks/dashboard_load.py [--events 100000] [--repeats 5] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import sync_playwright

from conflictlens.api import create_app
from conflictlens.store import SQLiteStore
from conflictlens.web import HEADLESS_CHROMIUM_ARGS, DashboardConfig

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_latency import fill, percentile  # the same synthetic store as the API benchmark

READY = "body[data-state=ready][data-basemap=ready]"  # events and country outlines drawn
API_PATHS = ("/events", "/timeline", "/dashboard/config")


def serve(store: SQLiteStore) -> tuple[uvicorn.Server, threading.Thread, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(store, dashboard=DashboardConfig()), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{sock.getsockname()[1]}"


def api_timings(page: Any) -> list[tuple[str, float]]:
    """(request name, duration in ms) of the page's API requests, from the browser's resource timing."""
    entries = page.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname + "
        "(new URL(e.name).searchParams.get('format') === 'geojson' ? ' (map)' : ''), e.duration])"
    )
    return [(name, duration) for name, duration in entries if name.split(" ")[0] in API_PATHS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        fill(store, args.events)
        print(f"filled {args.events} events in {time.perf_counter() - t0:.1f} s")
        server, thread, url = serve(store)
        loads: list[float] = []
        requests: dict[str, list[float]] = defaultdict(list)
        markers = rows = 0
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=args.chromium, args=list(HEADLESS_CHROMIUM_ARGS))
            for _ in range(args.repeats):
                context = browser.new_context(viewport={"width": 1280, "height": 1000})
                page = context.new_page()
                t1 = time.perf_counter()
                page.goto(url + "/")
                page.wait_for_selector(READY, timeout=120_000)
                loads.append((time.perf_counter() - t1) * 1000)
                markers = page.locator("path.event-marker").count()
                rows = page.locator("#events-table tbody tr").count()
                for name, duration in api_timings(page):
                    requests[name].append(duration)
                context.close()
            browser.close()
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
    print(f"dashboard first load ({markers} markers, {rows} table rows), {args.repeats} fresh contexts:")
    print(f"  p50 {statistics.median(loads):.0f} ms   p95 {percentile(loads, 0.95):.0f} ms   max {max(loads):.0f} ms")
    print(f"{'API request of the page':28} {'p50 ms':>8} {'p95 ms':>8}")
    for name, timings in sorted(requests.items()):
        print(f"{name:28} {statistics.median(timings):>8.1f} {percentile(timings, 0.95):>8.1f}")


if __name__ == "__main__":
    main()
