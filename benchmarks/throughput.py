"""Throughput and memory of the pipeline on wire-length reports.

Runs the pipeline over the gold texts (read at run time from ../shared/gold; nothing is copied) whose length is
a wire report's (300-800 words), on one core, and prints: documents per second, median milliseconds per
document, the split between spaCy's parse and the stages after it, and peak memory (max RSS). Times are CPU
time of the process, so a machine shared with other work gives the same figures.

    python benchmarks/throughput.py [--limit 200] [--gold ../shared/gold]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

WIRE_WORDS = (300, 800)
SUITES_WITH_ARTICLES = ("geoparsing", "muc4", "wikievents", "acled2015", "satp")


def wire_length_texts(gold: Path, limit: int) -> list[str]:
    texts: list[str] = []
    for suite in SUITES_WITH_ARTICLES:
        for file in sorted((gold / suite).glob("*.jsonl")):
            with file.open(encoding="utf-8") as fh:
                for line in fh:
                    text = json.loads(line)["text"]
                    if WIRE_WORDS[0] <= len(text.split()) <= WIRE_WORDS[1]:
                        texts.append(text)
                    if len(texts) >= limit:
                        return texts
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=200, help="documents to run (default 200)")
    parser.add_argument("--gold", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "gold")
    args = parser.parse_args()

    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: the figure is per core
    from conflictlens.ingest import document_from_text
    from conflictlens.nlp import load_pipeline
    from conflictlens.pipeline import BATCH_SIZE, extract_from_parse

    if not args.gold.is_dir():
        print(f"gold data not found at {args.gold}; pass --gold DIR", file=sys.stderr)
        return 2
    texts = wire_length_texts(args.gold, args.limit)
    documents = [document_from_text(t, origin=f"bench#{i}") for i, t in enumerate(texts)]
    nlp = load_pipeline()
    # Warm up: the first parse and the first gazetteer query pay one-off costs.
    extract_from_parse(nlp(documents[0].text), documents[0])

    # Parse in batches as Pipeline.extract_many does; spaCy parses a whole batch at once, so the parse is
    # timed as the run's time less the stages after it, and the stages are timed per document. Times are CPU
    # time of this process (time.process_time), so other work on a shared machine does not inflate them;
    # wall time is printed beside them.
    stages_ms: list[float] = []
    events = 0
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    for document, doc in zip(documents, nlp.pipe((d.text for d in documents), batch_size=BATCH_SIZE), strict=True):
        t1 = time.process_time()
        result = extract_from_parse(doc, document)
        stages_ms.append((time.process_time() - t1) * 1000)
        events += len(result.events)
    cpu = time.process_time() - cpu_start
    wall = time.perf_counter() - wall_start
    stages_total = sum(stages_ms) / 1000
    parse_total = cpu - stages_total
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    words = statistics.median(len(t.split()) for t in texts)
    n = len(documents)
    print(f"documents:                   {n} (median {words:.0f} words, {WIRE_WORDS[0]}-{WIRE_WORDS[1]})")
    print(f"events found:                {events}")
    print(f"documents/second (1 core):   {n / cpu:.1f} (CPU time; wall clock {n / wall:.1f})")
    print(f"mean CPU ms/document:        {cpu / n * 1000:.1f}")
    print(f"  spaCy parse (mean ms):     {parse_total / n * 1000:.1f}")
    print(f"  later stages (mean ms):    {stages_total / n * 1000:.1f}")
    print(f"  later stages (median ms):  {statistics.median(stages_ms):.1f}")
    print(f"  later stages / parse:      {stages_total / parse_total:.2f}")
    print(f"peak memory (max RSS):       {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
