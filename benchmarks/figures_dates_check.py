"""Dev check of the figures and time stages against the gold suites (read at run time, nothing copied).

Run from the repository root::

    python benchmarks/figures_dates_check.py                 # all suites
    python benchmarks/figures_dates_check.py --suite acled --limit 500 --errors 20

It prints, per suite:

- acled: exact-date accuracy of the first non-historical date of each note against ``event_date``, once with
  no publication date (the note's own year is the reference) and once with a simulated publication date
  (gold date + 3 days); ``fatalities`` exact / within 1 of the sum of killed figures (0 when none), on all
  notes and on notes without ACLED coding conventions ("coded as 10", "split between 3 events").
- satp: ``killed.total`` and ``injured.total`` exact (injured skipped where not coded).
- gtd: ``nkill`` / ``nwound`` exact and the date of the ``MM/DD/YYYY:`` prefix.

The totals use :func:`conflictlens.figures.total_by_category` after leaving out figures in sentences that
carry a historical date ("In 2009, two other members were killed"); satp summaries get their gold date as
the publication date (the suite's README allows it as the reference), acled and gtd get none. The real
aggregation per event lives in the events stage. ``--errors N`` prints N mismatches per measure, to look
for patterns across many records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conflictlens.dates import find_dates
from conflictlens.figures import find_figures, total_by_category
from conflictlens.nlp import load_pipeline
from conflictlens.records import Category, Side

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"
SIMULATED_PUBLICATION_LAG = dt.timedelta(days=3)
# ACLED notes that state a coding convention instead of a count from the text.
ACLED_CONVENTION = re.compile(r"coded as|split (up )?(between|across|among)|fatalities (are|were) split", re.IGNORECASE)


@dataclass
class Tally:
    name: str
    total: int = 0
    exact: int = 0
    within_one: int = 0

    def add(self, predicted: object, gold: object) -> bool:
        """Count one record (skipped when gold is None); "within 1" is kept for integers only."""
        if gold is None:
            return True
        self.total += 1
        ok = predicted == gold
        self.exact += ok
        if isinstance(predicted, int) and isinstance(gold, int):
            self.within_one += abs(predicted - gold) <= 1
        return ok

    def line(self) -> str:
        if not self.total:
            return f"{self.name}: no records"
        line = f"{self.name}: exact {self.exact / self.total:.3f} ({self.exact}/{self.total})"
        return line + (f", within 1 {self.within_one / self.total:.3f}" if self.within_one else "")


def read_suite(suite: str, limit: int | None) -> list[dict[str, Any]]:
    path = GOLD / suite / "dev.jsonl"
    if not path.exists():
        sys.exit(f"{path} not found: the gold suites live in ../shared/gold relative to the repository")
    with path.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    if limit:
        records = random.Random(0).sample(records, min(limit, len(records)))
    return records


def parsed(records: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Any]]:
    nlp = load_pipeline()
    yield from zip(records, nlp.pipe((r["text"] for r in records), batch_size=64), strict=True)


def killed_and_injured(doc: Any, doc_id: str, published: dt.date | None = None) -> tuple[int, int, list[Any]]:
    """Totals of a document's figures, leaving out sentences that are dated history ("In 2009, two ...")."""
    history = [m.span for m in find_dates(doc, doc_id, published) if m.historical]
    figures = [f for f in find_figures(doc, doc_id) if not _in_dated_history(doc, f, history)]
    killed = total_by_category(figures, Category.KILLED, doc.text) or 0
    injured = total_by_category(figures, Category.INJURED, doc.text) or 0
    return killed, injured, figures


def _in_dated_history(doc: Any, figure: Any, history: list[Any]) -> bool:
    start = figure.evidence.spans[0].start
    sentence = doc.char_span(start, figure.evidence.spans[0].end, alignment_mode="expand").sent
    return any(sentence.start_char <= h.start < sentence.end_char for h in history)


def first_event_date(doc: Any, doc_id: str, published: dt.date | None) -> dt.date | None:
    for mention in find_dates(doc, doc_id, published):
        if not mention.historical and mention.time is not None:
            return mention.time.event_date
    return None


def show(errors: list[str], n: int) -> None:
    for line in errors[:n]:
        print("   ", line)


def check_acled(records: list[dict[str, Any]], n_errors: int) -> None:
    date_none, date_pub = Tally("date (published=None)"), Tally("date (published=gold+3d)")
    fat_all, fat_clean = Tally("fatalities, all notes"), Tally("fatalities, no coding conventions")
    errs: dict[str, list[str]] = {"date": [], "fat": []}
    for rec, doc in parsed(records):
        gold_date = dt.date.fromisoformat(rec["event_date"])
        got = first_event_date(doc, rec["id"], None)
        if not date_none.add(got.toordinal() if got else None, gold_date.toordinal()):
            errs["date"].append(f"{rec['id']} gold {gold_date} got {got}: {rec['text'][:160]}")
        got_pub = first_event_date(doc, rec["id"], gold_date + SIMULATED_PUBLICATION_LAG)
        date_pub.add(got_pub.toordinal() if got_pub else None, gold_date.toordinal())
        killed, _, figures = killed_and_injured(doc, rec["id"])
        fat_all.add(killed, rec["fatalities"])
        if not ACLED_CONVENTION.search(rec["text"]) and not fat_clean.add(killed, rec["fatalities"]):
            shown = "; ".join(f"{f.evidence.spans[0].text}={f.low} {f.category.value}" for f in figures)
            errs["fat"].append(f"{rec['id']} gold {rec['fatalities']} got {killed} [{shown}]: {rec['text'][:300]}")
    for tally in (date_none, date_pub, fat_all, fat_clean):
        print("  ", tally.line())
    show(errs["date"], n_errors)
    show(errs["fat"], n_errors)


def check_satp(records: list[dict[str, Any]], n_errors: int) -> None:
    killed_t, injured_t = Tally("killed.total"), Tally("injured.total")
    sides_t = Tally("killed per side (security, maoists+other, civilians+officials), fatal incidents")
    errs: list[str] = []
    for rec, doc in parsed(records):
        published = dt.date.fromisoformat(rec["date"]) if rec["date"] else None
        killed, injured, figures = killed_and_injured(doc, rec["id"], published)
        ok = killed_t.add(killed, rec["killed"]["total"])
        ok = injured_t.add(injured, rec["injured"]["total"]) and ok
        if rec["killed"]["total"]:
            sides_t.add(_killed_by_side(figures, doc.text), _gold_killed_by_side(rec["killed"]))
        if not ok:
            shown = "; ".join(f"{f.evidence.spans[0].text}={f.low} {f.category.value}" for f in figures)
            errs.append(
                f"{rec['id']} gold k{rec['killed']['total']} i{rec['injured']['total']} "
                f"got k{killed} i{injured} [{shown}]: {rec['text'][:300]}"
            )
    print("  ", killed_t.line())
    print("  ", injured_t.line())
    print("  ", sides_t.line())
    show(errs, n_errors)


def _killed_by_side(figures: list[Any], text: str) -> tuple[int, int, int]:
    killed = [f for f in figures if f.category is Category.KILLED]

    def side_total(side: Side) -> int:
        return total_by_category([f for f in killed if f.side is side], Category.KILLED, text) or 0

    return side_total(Side.STATE_FORCES), side_total(Side.ATTACKERS), side_total(Side.CIVILIANS)


def _gold_killed_by_side(gold: dict[str, int | None]) -> tuple[int, int, int]:
    def n(key: str) -> int:
        return gold.get(key) or 0

    return n("security"), n("maoists") + n("other"), n("civilians") + n("officials")


def check_gtd(records: list[dict[str, Any]], n_errors: int) -> None:
    nkill, nwound, date_t = Tally("nkill"), Tally("nwound"), Tally("date")
    errs: list[str] = []
    for rec, doc in parsed(records):
        killed, injured, figures = killed_and_injured(doc, rec["id"])
        ok = nkill.add(killed, rec["nkill"])
        ok = nwound.add(injured, rec["nwound"]) and ok
        if rec["date"]:
            got = first_event_date(doc, rec["id"], None)
            date_t.add(got.toordinal() if got else None, dt.date.fromisoformat(rec["date"]).toordinal())
        if not ok:
            shown = "; ".join(f"{f.evidence.spans[0].text}={f.low} {f.category.value}" for f in figures)
            errs.append(
                f"{rec['id']} gold k{rec['nkill']} w{rec['nwound']} got k{killed} w{injured} [{shown}]: "
                f"{rec['text'][:300]}"
            )
    for tally in (nkill, nwound, date_t):
        print("  ", tally.line())
    show(errs, n_errors)


CHECKS: dict[str, Callable[[list[dict[str, Any]], int], None]] = {
    "acled": check_acled,
    "satp": check_satp,
    "gtd": check_gtd,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(CHECKS), action="append")
    parser.add_argument("--limit", type=int, default=None, help="a seeded sample of this many records")
    parser.add_argument("--errors", type=int, default=0, help="mismatches to print per measure")
    args = parser.parse_args(argv)
    for suite in args.suite or list(CHECKS):
        records = read_suite(suite, args.limit)
        start = time.perf_counter()
        print(f"{suite} ({len(records)} records)")
        CHECKS[suite](records, args.errors)
        print(f"   {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
