"""Dev check of the places stage against the gold suites (read at run time; nothing is copied).

    python benchmarks/geoparse_check.py                  # geoparsing + acled, all records
    python benchmarks/geoparse_check.py --suite acled --limit 500 --errors 20
    python benchmarks/geoparse_check.py --demonyms       # report nationality words as places too

geoparsing: toponym span P/R/F1 (exact match on the toponym span, ``Place.evidence.spans[0]``), then
Accuracy@161 km / @25 km, median error and GeoNames-id accuracy on the matched toponyms.
acled: the place we would pick as the event location (:func:`conflictlens.places.event_location` over the
first sentence, else the whole note) against the gold point: share within 25 km / 161 km (a record with no
place counts as a miss).

spaCy parses are cached as DocBin files under the conflictlens cache directory, so a rerun after a change to
the places stage costs only the resolution.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from conflictlens.gazetteer import Gazetteer, cache_dir
from conflictlens.nlp import available_model, load_pipeline
from conflictlens.places import event_location, resolve_places
from conflictlens.records import Document, Place

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"
EARTH_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def read_jsonl(path: Path, limit: int | None) -> list[dict[str, Any]]:
    if not path.is_file():
        sys.exit(f"gold file {path} not found: run from a checkout with ../shared/gold beside it")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def parsed(texts: Sequence[str], label: str) -> Iterator[Any]:
    """spaCy docs of ``texts``, from a DocBin cache keyed by the texts and the model."""
    from spacy.tokens import DocBin

    nlp = load_pipeline()
    digest = hashlib.sha256(("\x00".join(texts) + available_model()).encode()).hexdigest()[:16]
    path = cache_dir() / "bench" / f"{label}-{digest}.spacy"
    if path.is_file():
        yield from DocBin().from_disk(path).get_docs(nlp.vocab)
        return
    started = time.perf_counter()
    bin_ = DocBin(store_user_data=False)
    docs = []
    for doc in nlp.pipe(texts, batch_size=32):
        bin_.add(doc)
        docs.append(doc)
    print(f"parsed {len(texts)} {label} texts in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)
    bin_.to_disk(path)
    yield from docs


def document(text: str, origin: str) -> Document:
    return Document(id=hashlib.sha256(text.encode()).hexdigest(), text=text, origin=origin)


def check_geoparsing(limit: int | None, demonyms: bool, errors: int, gaz: Gazetteer) -> dict[str, float]:
    rows = read_jsonl(GOLD / "geoparsing" / "dev.jsonl", limit)
    tp = fp = fn = 0
    dists: list[float] = []
    id_hits = id_total = 0
    missed: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    wrong: list[str] = []
    seconds = 0.0
    for row, doc in zip(rows, parsed([r["text"] for r in rows], "geoparsing"), strict=True):
        started = time.perf_counter()
        places = resolve_places(doc, document(row["text"], row["id"]), gazetteer=gaz, include_demonyms=demonyms)
        seconds += time.perf_counter() - started
        predicted: dict[tuple[int, int], Place] = {}
        for place in places:
            span = place.evidence.spans[0]
            predicted.setdefault((span.start, span.end), place)
        gold = {(t["start"], t["end"]): t for t in row["toponyms"]}
        matched = predicted.keys() & gold.keys()
        tp += len(matched)
        fp += len(predicted) - len(matched)
        fn += len(gold) - len(matched)
        missed.update(gold[k]["name"] for k in gold.keys() - matched)
        spurious.update(predicted[k].evidence.spans[0].text for k in predicted.keys() - matched)
        for key in matched:
            place, toponym = predicted[key], gold[key]
            if place.latitude is None or place.longitude is None:
                km = 20037.5
            else:
                km = distance_km(place.latitude, place.longitude, toponym["latitude"], toponym["longitude"])
            dists.append(km)
            if toponym.get("geonameid") is not None:
                id_total += 1
                id_hits += place.geonameid == toponym["geonameid"]
            if km > 161 and len(wrong) < errors:
                wrong.append(f"  {toponym['name']!r} -> {place.name}, {place.admin1}, {place.country} "
                             f"({km:.0f} km off): {place.evidence.reason}")  # fmt: skip
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    figures = {
        "documents": len(rows),
        "toponym_precision": precision,
        "toponym_recall": recall,
        "toponym_f1": f1,
        "accuracy_161km": sum(d <= 161 for d in dists) / len(dists) if dists else 0.0,
        "accuracy_25km": sum(d <= 25 for d in dists) / len(dists) if dists else 0.0,
        "median_error_km": statistics.median(dists) if dists else 0.0,
        "geonameid_accuracy": id_hits / id_total if id_total else 0.0,
        "resolve_ms_per_doc": 1000 * seconds / max(1, len(rows)),
    }
    if errors:
        print("most missed gold toponyms:", missed.most_common(errors))
        print("most spurious predictions:", spurious.most_common(errors))
        print("resolution errors > 161 km:", *wrong, sep="\n")
    return figures


def check_acled(limit: int | None, errors: int, gaz: Gazetteer) -> dict[str, float]:
    rows = read_jsonl(GOLD / "acled" / "dev.jsonl", limit)
    within25 = within161 = located = 0
    by_precision: Counter[tuple[int, bool]] = Counter()
    wrong: list[str] = []
    seconds = 0.0
    for row, doc in zip(rows, parsed([r["text"] for r in rows], "acled"), strict=True):
        started = time.perf_counter()
        places = resolve_places(doc, document(row["text"], row["id"]), gazetteer=gaz)
        first = next(iter(doc.sents), None)
        choice = event_location(places, 0, first.end_char if first is not None else None)
        choice = choice or event_location(places)
        seconds += time.perf_counter() - started
        km = math.inf
        if choice is not None and choice.latitude is not None and choice.longitude is not None:
            located += 1
            km = distance_km(choice.latitude, choice.longitude, row["latitude"], row["longitude"])
        within25 += km <= 25
        within161 += km <= 161
        by_precision[(row["geo_precision"], km <= 25)] += 1
        if km > 25 and len(wrong) < errors:
            got = f"{choice.name}, {choice.admin1}, {choice.country}" if choice else "nothing"
            wrong.append(f"  gold {row['location']}, {row['admin1']}, {row['country']} -> {got} ({km:.0f} km)"
                         f"{': ' + choice.evidence.reason if choice else ''}")  # fmt: skip
    n = len(rows)
    figures = {
        "records": n,
        "located": located / n if n else 0.0,
        "accuracy_25km": within25 / n if n else 0.0,
        "accuracy_161km": within161 / n if n else 0.0,
        "resolve_ms_per_doc": 1000 * seconds / max(1, n),
    }
    for precision in (1, 2, 3):
        total = by_precision[(precision, True)] + by_precision[(precision, False)]
        if total:
            figures[f"accuracy_25km_precision{precision}"] = by_precision[(precision, True)] / total
    if errors:
        print("acled location errors > 25 km:", *wrong, sep="\n")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", choices=("geoparsing", "acled", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="only the first N records of each suite")
    parser.add_argument("--demonyms", action="store_true", help="report nationality words as places too")
    parser.add_argument("--errors", type=int, default=0, help="print up to N errors of each kind")
    args = parser.parse_args()
    gaz = Gazetteer.default()
    results = {}
    if args.suite in ("geoparsing", "all"):
        results["geoparsing"] = check_geoparsing(args.limit, args.demonyms, args.errors, gaz)
    if args.suite in ("acled", "all"):
        results["acled"] = check_acled(args.limit, args.errors, gaz)
    for suite, figures in results.items():
        print(suite)
        for name, value in figures.items():
            print(f"  {name:32} {value:.4f}" if isinstance(value, float) else f"  {name:32} {value}")


if __name__ == "__main__":
    main()
