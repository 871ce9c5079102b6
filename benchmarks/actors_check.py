"""Development check of the actors stage against the gold suites (read at run time, nothing copied).

For every note of ../shared/gold/{acled,acled2015}/dev.jsonl it runs :func:`conflictlens.actors.find_actors`
and reports, with names compared through :func:`conflictlens.actors.canonical_name`:

- ``actor1 found``: the gold actor1 is among the actors recognised in the note;
- ``actor2 found``: the same for actor2 (rows that have one);
- ``first armed = actor1``: on rows whose gold actor1 is armed (inter 1, 2, 3, 4 or 8), the first armed actor
  recognised equals it;
- the most common misses, by name pattern ("Protesters (X)", "Military Forces of X", "named group").

For gtd it compares ``gname`` (rows other than "Unknown") with the recognised actors.

Run from the repository root: ``python benchmarks/actors_check.py [--limit N] [--no-country]``.
``--no-country`` lets the stage guess the country from the text instead of passing the gold country
(which the places stage would otherwise provide).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conflictlens import taxonomy as tx
from conflictlens.actors import canonical_name, find_actors, full_name, resolve_country
from conflictlens.nlp import load_pipeline
from conflictlens.records import Actor, Document

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"
ARMED = {1, 2, 3, 4, 8}


def read_jsonl(path: Path, limit: int | None) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def names_of(actor: Actor) -> set[str]:
    return {canonical_name(actor.name), canonical_name(full_name(actor))}


def pattern_of(name: str) -> str:
    """The naming pattern of a gold actor: the country replaced by X, named groups lumped together."""
    name = re.sub(r"\s*\(\d{4}-\d{0,4}\)", "", name)
    for prefix in ("Military Forces of", "Police Forces of", "Government of"):
        if name.startswith(prefix):
            return f"{prefix} X" + (" + unit" if len(name.split()) > 4 else "")
    m = re.match(r"^(.*?)\s*\(([^()]+)\)$", name)
    if m and m.group(1) in ("Protesters", "Rioters", "Civilians", "Unidentified Armed Group", "Unidentified Gang"):
        return f"{m.group(1)} (X)"
    if re.search(r"Communal|Ethnic|Tribal|Clan", name):
        return "communal/ethnic/clan militia"
    if name.endswith("Militia"):
        return "party militia"
    return "named group"


def parsed(rows: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Any]]:
    nlp = load_pipeline()
    texts = (r["text"] for r in rows)
    yield from zip(rows, nlp.pipe(texts, batch_size=64), strict=True)


def run_actors(row: dict[str, Any], doc: Any, country: str | None) -> list[Actor]:
    text = row["text"]
    document = Document(id=hashlib.sha256(text.encode()).hexdigest(), text=text, origin=row["id"])
    return find_actors(doc, document, country)


def check_acled(suite: str, limit: int | None, use_country: bool) -> dict[str, Any]:
    rows = read_jsonl(GOLD / suite / "dev.jsonl", limit)
    found1 = found2 = rows2 = armed_rows = armed_first = 0
    misses: Counter[str] = Counter()
    wrong_first: Counter[str] = Counter()
    seconds = 0.0
    for row, doc in parsed(rows):
        country = resolve_country(row["country"]) if use_country else None
        start = time.perf_counter()
        actors = run_actors(row, doc, country)
        seconds += time.perf_counter() - start
        names = set().union(*(names_of(a) for a in actors)) if actors else set()
        gold1 = canonical_name(row["actor1"] or "")
        if gold1 in names:
            found1 += 1
        else:
            misses[pattern_of(row["actor1"] or "")] += 1
        if row.get("actor2"):
            rows2 += 1
            found2 += canonical_name(row["actor2"]) in names
        if row.get("inter1") in ARMED:
            armed_rows += 1
            first = next((a for a in actors if a.inter in ARMED), None)
            if first is not None and gold1 in names_of(first):
                armed_first += 1
            else:
                got = pattern_of(first.name) if first else "none"
                wrong_first[f"{pattern_of(row['actor1'])} -> {got}"] += 1
    n = len(rows)
    return {
        "suite": suite,
        "rows": n,
        "country": "gold" if use_country else "guessed",
        "actor1 found": round(found1 / n, 3),
        "actor2 found": round(found2 / max(rows2, 1), 3),
        "first armed = actor1": round(armed_first / max(armed_rows, 1), 3),
        "armed rows": armed_rows,
        "ms per note": round(1000 * seconds / n, 2),
        "actor1 misses by pattern": misses.most_common(10),
        "first armed actor wrong (gold -> ours)": wrong_first.most_common(10),
    }


def check_gtd(limit: int | None) -> dict[str, Any]:
    rows = [r for r in read_jsonl(GOLD / "gtd" / "dev.jsonl", limit) if r.get("gname") not in (None, "Unknown")]
    found = first_equal = 0
    for row, doc in parsed(rows):
        actors = run_actors(row, doc, "United States")
        gold = canonical_name(row["gname"])
        names = [n for a in actors for n in names_of(a)]
        found += gold in names
        first = next((a for a in actors if a.inter in ARMED - {tx.INTER_STATE_FORCES}), None)
        first_equal += first is not None and gold in names_of(first)
    n = max(len(rows), 1)
    return {
        "suite": "gtd (gname known)",
        "rows": len(rows),
        "gname found": round(found / n, 3),
        "first non-state armed = gname": round(first_equal / n, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="read at most N rows per suite")
    parser.add_argument("--no-country", action="store_true", help="do not pass the gold country")
    parser.add_argument("--suite", action="append", choices=["acled", "acled2015", "gtd"])
    args = parser.parse_args(argv)
    if not GOLD.is_dir():
        print(f"gold data not found at {GOLD}", file=sys.stderr)
        return 2
    for suite in args.suite or ["acled", "acled2015", "gtd"]:
        result = check_gtd(args.limit) if suite == "gtd" else check_acled(suite, args.limit, not args.no_country)
        for key, value in result.items():
            print(f"{key}: {json.dumps(value, ensure_ascii=False)}")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
