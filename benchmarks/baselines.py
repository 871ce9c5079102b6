"""Simple baselines scored by the same harness as conflictlens (docs/evaluation.md, "Baselines").

Each baseline produces ordinary :class:`~conflictlens.records.Extraction` records (one event per document,
carrying only the field the baseline predicts) and is scored by the suite's own scorer, so the matching
rules are exactly those conflictlens is held to. Only the metrics a baseline actually predicts are printed.

- ``majority``: the training half's most frequent event / sub-event type; fatalities always 0.
- ``tfidf_lr``: TF-IDF (word 1-2-grams) + logistic regression on sub-event types (acled), coarse old event
  types (acled2015); trained on one seeded half of the units, scored on the other. ``tfidf_lr(acled)``:
  trained on all acled dev notes, scored on case2021.
- ``first_number_near_killed``: the first number (digits or a number word) within a few words before a
  death word ("killed", "dead", "died", ...); 0 when there is none.
- ``largest_population``: spaCy's GPE/LOC/FAC entities, each resolved to the most populous gazetteer
  place of that name (the conflictlens gazetteer, so candidates are the same as ours). For event location
  the first resolved entity of the note is the event's place.

    python benchmarks/baselines.py                      # all baselines, table
    python benchmarks/baselines.py --json --limit 500   # seeded samples, one JSON object per line

scikit-learn is imported here only (it is a test/benchmark dependency, never on the pipeline's path).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from conflictlens.evaluation import DEFAULT_SEED, SUITES, sample_units
from conflictlens.evaluation.common import ErrorLog
from conflictlens.evaluation.floors import default_gold_root
from conflictlens.evaluation.suite import Unit
from conflictlens.records import Document, Event, Evidence, Extraction, Place, Span, Toll
from conflictlens.taxonomy import EVENT_TYPE_OF

TRAIN_SHARE = 0.5  # the "other half" the issue asks for
# A number this many words or fewer before a death word is the toll ("two soldiers were killed").
NEAR_WORDS = 4
_NUMBER_WORD_LIST = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
)
NUMBER_WORDS = {word: value for value, word in enumerate(_NUMBER_WORD_LIST.split())}
DEATH_WORDS = r"(?:killed|dead|died|deaths?|fatalities|killing|lives|bodies|slain|shot dead)"
NUMBER = r"\b(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"  # 1-3 digits: not a year
FIRST_NUMBER_NEAR_KILLED = re.compile(
    NUMBER
    + r"\b(?:\W+\w+){0,"
    + str(NEAR_WORDS)
    + r"}?\W+"
    + DEATH_WORDS
    + r"\b|\b(?:killing|killed)\s+"
    + NUMBER
    + r"\b",
    re.IGNORECASE,
)
# Old (pre-2019) coarse type -> an event that our acled2015 scorer maps back to it.
OLD_TYPE_AS_EVENT = {
    "Battle": ("Battles", "Armed clash"),
    "Remote violence": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "Riots/Protests": ("Protests", "Peaceful protest"),
    "Violence against civilians": ("Violence against civilians", "Attack"),
    "Strategic development": ("Strategic developments", "Other"),
    "Non-violent transfer of territory": ("Strategic developments", "Non-violent transfer of territory"),
}
NER_PLACE_LABELS = ("GPE", "LOC", "FAC")


@dataclasses.dataclass(frozen=True)
class Result:
    suite: str
    baseline: str
    n: int
    metrics: dict[str, float]


# ---------------------------------------------------------------------------------------------- records


def _document(unit: Unit[Any]) -> Document:
    import hashlib

    return Document(id=hashlib.sha256(unit.text.encode()).hexdigest(), text=unit.text, origin=unit.key)


def _event(document: Document, **fields: Any) -> Event:
    base: dict[str, Any] = {
        "id": f"{document.id[:16]}-1",
        "doc_id": document.id,
        "event_type": "Strategic developments",
        "sub_event_type": "Other",
        "type_evidence": Evidence(document.id, (), "baseline"),
        "notes": "",
    }
    base.update(fields)
    return Event(**base)


def _extraction(document: Document, events: Iterable[Event], places: Iterable[Place] = ()) -> Extraction:
    return Extraction(document=document, events=tuple(events), claims=(), places=tuple(places))


def score(
    suite: str,
    baseline: str,
    units: Sequence[Unit[Any]],
    extractions: Sequence[Extraction],
    keys: Sequence[str],
) -> Result:
    metrics = SUITES[suite].score(list(zip(units, extractions, strict=True)), ErrorLog(None, suite))
    return Result(suite, baseline, sum(len(u.golds) for u in units), {k: metrics[k] for k in keys if k in metrics})


def split_units(units: Sequence[Unit[Any]], seed: int) -> tuple[list[Unit[Any]], list[Unit[Any]]]:
    order = list(range(len(units)))
    random.Random(seed).shuffle(order)
    cut = int(len(order) * TRAIN_SHARE)
    train, test = sorted(order[:cut]), sorted(order[cut:])
    return [units[i] for i in train], [units[i] for i in test]


# ---------------------------------------------------------------------------------------------- classifiers


def tfidf_lr(texts: Sequence[str], labels: Sequence[str]) -> Callable[[Sequence[str]], list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=10.0),
    )
    model.fit(list(texts), list(labels))
    return lambda batch: [str(label) for label in model.predict(list(batch))]


def acled_type_baselines(units: Sequence[Unit[Any]], seed: int) -> list[Result]:
    train, test = split_units(units, seed)
    texts = [u.text for u in train for _ in u.golds]
    labels = [g.sub_event_type for u in train for g in u.golds]
    keys = ("event_type_accuracy", "sub_event_macro_f1")
    results = []
    majority = Counter(labels).most_common(1)[0][0]
    for name, predict in (
        ("majority", lambda batch: [majority] * len(batch)),
        ("tfidf_lr", tfidf_lr(texts, labels)),
    ):
        predicted = predict([u.text for u in test])
        extractions = []
        for unit, sub in zip(test, predicted, strict=True):
            doc = _document(unit)
            extractions.append(_extraction(doc, [_event(doc, event_type=EVENT_TYPE_OF[sub], sub_event_type=sub)]))
        results.append(score("acled", name, test, extractions, keys))
    return results


def acled2015_type_baselines(units: Sequence[Unit[Any]], seed: int) -> list[Result]:
    from conflictlens.evaluation.acled import old_coarse_type

    train, test = split_units(units, seed)
    texts = [u.text for u in train for _ in u.golds]
    labels = [old_coarse_type(g.event_type) for u in train for g in u.golds]
    majority = Counter(labels).most_common(1)[0][0]
    results = []
    for name, predict in (
        ("majority", lambda batch: [majority] * len(batch)),
        ("tfidf_lr", tfidf_lr(texts, labels)),
    ):
        extractions = []
        for unit, old in zip(test, predict([u.text for u in test]), strict=True):
            doc = _document(unit)
            event_type, sub = OLD_TYPE_AS_EVENT[old]
            extractions.append(_extraction(doc, [_event(doc, event_type=event_type, sub_event_type=sub)]))
        results.append(score("acled2015", name, test, extractions, ("event_type_accuracy",)))
    return results


def case2021_from_acled(acled_units: Sequence[Unit[Any]], case_units: Sequence[Unit[Any]]) -> Result:
    texts = [u.text for u in acled_units for _ in u.golds]
    labels = [g.sub_event_type for u in acled_units for g in u.golds]
    predict = tfidf_lr(texts, labels)
    extractions = []
    for unit, sub in zip(case_units, predict([u.text for u in case_units]), strict=True):
        doc = _document(unit)
        extractions.append(_extraction(doc, [_event(doc, event_type=EVENT_TYPE_OF[sub], sub_event_type=sub)]))
    return score("case2021", "tfidf_lr(acled)", case_units, extractions, SUITES["case2021"].metrics)


# ---------------------------------------------------------------------------------------------- fatalities


def first_number_near_killed(text: str) -> int:
    match = FIRST_NUMBER_NEAR_KILLED.search(text)
    if not match:
        return 0
    word = (match.group(1) or match.group(2)).lower()
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


FATALITY_KEYS = {
    "acled": ("fatalities_exact", "fatalities_within_1"),
    "acled2015": ("fatalities_exact", "fatalities_within_1"),
    "satp": ("killed_total_exact",),
    "gtd": ("nkill_exact",),
}


def fatality_baselines(suite: str, units: Sequence[Unit[Any]]) -> list[Result]:
    results = []
    for name, count in (
        ("always_zero", lambda text: 0),
        ("first_number_near_killed", first_number_near_killed),
    ):
        extractions = []
        for unit in units:
            doc = _document(unit)
            extractions.append(_extraction(doc, [_event(doc, toll=Toll(fatalities=count(unit.text)))]))
        results.append(score(suite, name, units, extractions, FATALITY_KEYS[suite]))
    return results


# ---------------------------------------------------------------------------------------------- places


class LargestPopulation:
    """spaCy place entities, each resolved to the most populous gazetteer place of that name."""

    def __init__(self) -> None:
        from conflictlens.gazetteer import Gazetteer
        from conflictlens.nlp import load_pipeline

        self.nlp = load_pipeline()
        self.gazetteer = Gazetteer.default()

    def places(self, documents: Sequence[Document]) -> list[list[Place]]:
        out = []
        for document, doc in zip(documents, self.nlp.pipe(d.text for d in documents), strict=True):
            found = []
            for ent in doc.ents:
                if ent.label_ not in NER_PLACE_LABELS:
                    continue
                place = self.resolve(document, ent.text, ent.start_char, ent.end_char)
                if place is not None:
                    found.append(place)
            out.append(found)
        return out

    def resolve(self, document: Document, name: str, start: int, end: int) -> Place | None:
        candidates = [p for p in self.gazetteer.lookup(name) if p.latitude is not None]
        if not candidates:
            return None
        best = max(candidates, key=lambda p: p.population)
        return Place(
            name=best.name, country=best.country_name, iso3=best.country_iso3, admin1=best.admin1,
            admin2=best.admin2, latitude=best.latitude, longitude=best.longitude, geonameid=best.geonameid,
            feature_code=best.feature_code, population=best.population, geo_precision=1,
            evidence=Evidence(document.id, (Span(start, end, name),), "largest population"), mention=name,
        )  # fmt: skip


def location_baselines(geocoder: LargestPopulation, suites: dict[str, Sequence[Unit[Any]]]) -> list[Result]:
    results = []
    keys = {
        "acled": ("location_within_25km", "location_within_161km", "admin1_accuracy"),
        "acled2015": ("location_within_25km", "location_within_161km", "admin1_accuracy"),
        "satp": ("location_within_25km",),
        "geoparsing": ("toponym_f1", "accuracy_161km", "accuracy_25km", "median_error_km"),
    }
    for suite, units in suites.items():
        documents = [_document(u) for u in units]
        extractions = []
        for document, places in zip(documents, geocoder.places(documents), strict=True):
            events = [_event(document, place=places[0])] if places else []
            extractions.append(_extraction(document, events, places))
        results.append(score(suite, "largest_population", units, extractions, keys[suite]))
    return results


# ---------------------------------------------------------------------------------------------- main


def run(gold_root: Path, limit: int | None, seed: int) -> list[Result]:
    def units(suite: str, *, sample: bool = True) -> list[Unit[Any]]:
        loaded = SUITES[suite].load(gold_root / suite)
        return sample_units(loaded, limit, seed) if sample else loaded

    results: list[Result] = []
    acled_all = units("acled", sample=False)
    results += acled_type_baselines(acled_all, seed)
    results += acled2015_type_baselines(units("acled2015", sample=False), seed)
    results.append(case2021_from_acled(acled_all, units("case2021")))
    for suite in FATALITY_KEYS:
        results += fatality_baselines(suite, units(suite))
    geocoder = LargestPopulation()
    results += location_baselines(geocoder, {s: units(s) for s in ("acled", "acled2015", "satp", "geoparsing")})
    return results


def print_table(results: Sequence[Result]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Baselines (same scorers as conflictlens eval)")
    for column in ("suite", "baseline", "n", "metric", "value"):
        table.add_column(column, justify="right" if column in ("n", "value") else "left")
    for result in results:
        for metric, value in result.metrics.items():
            table.add_row(result.suite, result.baseline, str(result.n), metric, f"{value:.3f}")
    Console().print(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=None, help="gold root (default: ../shared/gold)")
    parser.add_argument("--limit", type=int, default=None, help="seeded sample of N units per scored suite")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--json", action="store_true", help="one JSON object per baseline and suite")
    args = parser.parse_args(argv)
    gold_root = args.gold or default_gold_root()
    if not gold_root.is_dir():
        parser.error(f"{gold_root}: no gold folder; pass --gold DIR")
    started = time.perf_counter()
    results = run(gold_root, args.limit, args.seed)
    if args.json:
        for result in results:
            print(json.dumps(dataclasses.asdict(result)))
    else:
        print_table(results)
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
