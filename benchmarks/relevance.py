"""The relevance filter: what it keeps on the gold suites, what it drops, and how much time it saves.

Prints, reading ../shared/gold at run time (nothing is copied):
- recall: per suite, the share of documents with gold events that the filter keeps (acled, acled2015, satp, gtd:
  every record is an event; muc4: documents marked relevant; wikievents: documents with a Conflict.* or Life.*
  event; case2021: rows with an ACLED label);
- drop rate on documents labelled non-relevant (muc4 irrelevant documents, case2021 non-ACLED classes) and on
  the off-topic reports in benchmarks/data/off_topic.txt (written for this benchmark);
- speed: CPU seconds per document for the pipeline with and without the filter on the off-topic texts, and
  the ratio.

    python benchmarks/relevance.py [--gold ../shared/gold] [--repeat 3] [--show-dropped 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

OFF_TOPIC = Path(__file__).resolve().parent / "data" / "off_topic.txt"
Record = dict[str, Any]


def _wikievents_has_events(r: Record) -> bool:
    return any(e["type"].split(".")[0] in ("Conflict", "Life") for e in r["events"])


# suite -> which records have gold events
WITH_EVENTS: dict[str, Callable[[Record], bool]] = {
    "acled": lambda r: True,
    "acled2015": lambda r: True,
    "satp": lambda r: True,
    "gtd": lambda r: True,
    "muc4": lambda r: bool(r["relevant"]),
    "wikievents": _wikievents_has_events,
    "case2021": lambda r: r["sub_event_type"] is not None,
}
# suite -> which records are labelled non-relevant
NON_RELEVANT: dict[str, Callable[[Record], bool]] = {
    "muc4": lambda r: not r["relevant"],
    "case2021": lambda r: r["non_acled_class"] is not None,
}


def read_records(gold: Path, suite: str) -> Iterator[Record]:
    for file in sorted((gold / suite).glob("*.jsonl")):
        with file.open(encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)


def off_topic_texts() -> list[str]:
    blocks = OFF_TOPIC.read_text(encoding="utf-8").split("\n----\n")
    return [b.strip() for b in blocks[1:] if b.strip()]


def unique_texts(records: Iterator[Record], keep: Callable[[Record], bool]) -> list[tuple[str, str]]:
    """(id, text) of the records ``keep`` selects, one per distinct text (ACLED rows share notes)."""
    seen: set[str] = set()
    out = []
    for r in records:
        if keep(r) and r["text"] not in seen:
            seen.add(r["text"])
            out.append((str(r["id"]), r["text"]))
    return out


def report_recall(gold: Path, show_dropped: int) -> None:
    from conflictlens.relevance import is_relevant

    print("recall on documents with gold events (distinct texts):")
    total = kept_total = 0
    for suite, keep in WITH_EVENTS.items():
        if not (gold / suite).is_dir():
            print(f"  {suite:11s} not found under {gold}")
            continue
        docs = unique_texts(read_records(gold, suite), keep)
        dropped = [(i, t) for i, t in docs if not is_relevant(t)]
        kept = len(docs) - len(dropped)
        total += len(docs)
        kept_total += kept
        print(f"  {suite:11s} kept {kept:5d} / {len(docs):5d} = {kept / len(docs):.4f}")
        for doc_id, text in dropped[:show_dropped]:
            print(f"      dropped {doc_id}: {text[:150]!r}")
    print(f"  {'all':11s} kept {kept_total:5d} / {total:5d} = {kept_total / total:.4f}")
    print("drop rate on documents labelled non-relevant:")
    for suite, keep in NON_RELEVANT.items():
        if (gold / suite).is_dir():
            docs = unique_texts(read_records(gold, suite), keep)
            dropped = sum(not is_relevant(t) for _, t in docs)
            print(f"  {suite:11s} dropped {dropped:5d} / {len(docs):5d} = {dropped / len(docs):.4f}")
    texts = off_topic_texts()
    dropped = sum(not is_relevant(t) for t in texts)
    print(f"  {'off-topic':11s} dropped {dropped:5d} / {len(texts):5d} = {dropped / len(texts):.4f} ({OFF_TOPIC.name})")


def cpu_seconds_per_document(texts: list[str], *, relevance_filter: bool, repeat: int) -> float:
    """Best of ``repeat`` runs of Pipeline.extract_many over ``texts``, in CPU seconds per document."""
    from conflictlens.ingest import document_from_text
    from conflictlens.pipeline import Pipeline

    pipeline = Pipeline(relevance_filter=relevance_filter)
    documents = [document_from_text(t, origin=f"bench#{i}") for i, t in enumerate(texts)]
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _extraction in pipeline.extract_many(documents):
            pass
        best = min(best, time.process_time() - start)
    return best / len(documents)


def report_speed(gold: Path, repeat: int) -> None:
    from conflictlens.nlp import load_pipeline
    from conflictlens.pipeline import Pipeline

    Pipeline(relevance_filter=False).extract_text("Gunmen killed two policemen in Quetta.")  # warm-up: model, gazetteer
    load_pipeline()
    sets = {"off-topic reports": off_topic_texts()}
    for suite, keep in NON_RELEVANT.items():
        if (gold / suite).is_dir():
            sets[f"{suite} non-relevant"] = [t for _, t in unique_texts(read_records(gold, suite), keep)]
    print(f"speed, CPU ms per document (best of {repeat}; the machine's cores were shared):")
    for name, texts in sets.items():
        full = cpu_seconds_per_document(texts, relevance_filter=False, repeat=repeat)
        filtered = cpu_seconds_per_document(texts, relevance_filter=True, repeat=repeat)
        print(
            f"  {name:24s} n={len(texts):4d}  full extraction {full * 1000:8.2f}  with the filter "
            f"{filtered * 1000:8.3f}  ratio {full / filtered:8.1f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "gold")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per set; the best is kept (default 3)")
    parser.add_argument("--show-dropped", type=int, default=5, help="dropped gold documents to print per suite")
    parser.add_argument("--no-speed", action="store_true", help="only recall and drop rates")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if not args.gold.is_dir():
        print(f"gold data not found at {args.gold}; pass --gold DIR", file=sys.stderr)
        return 2
    report_recall(args.gold, args.show_dropped)
    if not args.no_speed:
        report_speed(args.gold, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
