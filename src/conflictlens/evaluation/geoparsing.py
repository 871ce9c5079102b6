"""geoparsing: toponym recognition and resolution (GeoWebNews + LGL) against ``Extraction.places``.

Recognition: every resolved place mention the pipeline reports (``Extraction.places``) is a predicted
toponym at its span (the evidence span whose text is the mention as written, else the first evidence span);
duplicate spans count once. A predicted span matches a gold toponym only when start and end are both equal
(exact match; the README's "overlapping" variant is not used, being the lenient one). Recall is measured
on the coordinate-bearing gold toponyms the suite keeps, so precision is a lower bound: a real toponym the
corpus left without coordinates counts as a false positive.
Resolution, on exactly matched toponyms: great-circle error between the predicted place and the gold point;
a matched toponym without predicted coordinates gets the largest possible error (20,037.5 km).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EvaluationError
from ..records import Extraction, Place, Span
from .common import (
    NEAR_KM,
    REGION_KM,
    ErrorLog,
    GoldRow,
    PRCounts,
    field,
    median,
    place_error_km,
    read_rows,
    set_metric,
)
from .suite import Suite, Unit, single_units

METRICS = ("toponym_f1", "accuracy_161km", "accuracy_25km", "median_error_km")


@dataclass(frozen=True)
class Toponym:
    start: int
    end: int
    name: str
    latitude: float
    longitude: float
    geonameid: int | None


@dataclass(frozen=True)
class GeoGold:
    id: str
    corpus: str
    text: str
    toponyms: tuple[Toponym, ...]


def _toponym(row: GoldRow, data: Any) -> Toponym:
    try:
        toponym = Toponym(
            start=int(data["start"]),
            end=int(data["end"]),
            name=str(data["name"]),
            latitude=float(data["latitude"]),
            longitude=float(data["longitude"]),
            geonameid=None if data.get("geonameid") is None else int(data["geonameid"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise EvaluationError(f"{row.origin}: a toponym lacks start/end/name/latitude/longitude ({exc}).") from exc
    return toponym


def load(data_dir: Path) -> list[Unit[GeoGold]]:
    golds = [
        GeoGold(
            id=field(row, "id", str),
            corpus=field(row, "corpus", str),
            text=field(row, "text", str),
            toponyms=tuple(_toponym(row, t) for t in field(row, "toponyms", list)),
        )
        for row in read_rows(data_dir)
    ]
    # No date: articles are undated in the records and no time field is scored.
    return single_units(golds, lambda g: g.id, lambda g: g.text, lambda g: None)


def toponym_span(place: Place) -> Span | None:
    """Where the place is mentioned: the evidence span reading as the mention, else the first span."""
    spans = place.evidence.spans
    for span in spans:
        if place.mention and span.text == place.mention:
            return span
    return spans[0] if spans else None


def text_offset(gold_text: str, document_text: str) -> int | None:
    """Where the document's text starts in the gold text (ingest may cut a leading credit or whitespace);
    None when ingest changed the text otherwise, so that predicted offsets cannot be mapped back."""
    if document_text == gold_text:
        return 0
    start = gold_text.find(document_text)
    return start if start >= 0 else None


def predicted_toponyms(extraction: Extraction, offset: int) -> dict[tuple[int, int], Place]:
    """Predicted toponyms by gold-text (start, end); the first place reported at a span wins."""
    found: dict[tuple[int, int], Place] = {}
    for place in extraction.places:
        span = toponym_span(place)
        if span is not None:
            found.setdefault((span.start + offset, span.end + offset), place)
    return found


def score(pairs: Sequence[tuple[Unit[Any], Extraction]], log: ErrorLog) -> dict[str, float]:
    recognition = PRCounts()
    errors: list[float] = []
    for unit, extraction in pairs:
        gold: GeoGold = unit.golds[0]
        offset = text_offset(unit.text, extraction.document.text)
        if offset is None:
            log.mismatch(gold.id, "toponym_f1", "text as given", "ingest changed the text; spans not comparable", None)
        predicted = predicted_toponyms(extraction, offset) if offset is not None else {}
        gold_spans = {(t.start, t.end): t for t in gold.toponyms}
        matched = predicted.keys() & gold_spans.keys()
        recognition = recognition + PRCounts(len(matched), len(predicted), len(matched), len(gold_spans))
        for key in sorted(gold_spans.keys() - matched):
            toponym = gold_spans[key]
            log.mismatch(gold.id, "toponym_recall", {"span": list(key), "name": toponym.name}, None, None)
        for key in sorted(predicted.keys() - matched):
            place = predicted[key]
            log.mismatch(
                gold.id,
                "toponym_precision",
                None,
                {"span": list(key), "mention": place.mention, "name": place.name},
                {"reason": place.evidence.reason},
            )
        for key in sorted(matched):
            toponym, place = gold_spans[key], predicted[key]
            error = place_error_km(place, toponym.latitude, toponym.longitude)
            errors.append(error)
            if error > NEAR_KM:
                log.mismatch(
                    gold.id,
                    "toponym_resolution",
                    {
                        "name": toponym.name,
                        "latitude": toponym.latitude,
                        "longitude": toponym.longitude,
                        "geonameid": toponym.geonameid,
                    },
                    {
                        "name": place.name,
                        "admin1": place.admin1,
                        "country": place.country,
                        "latitude": place.latitude,
                        "longitude": place.longitude,
                        "geonameid": place.geonameid,
                    },
                    {"reason": place.evidence.reason},
                    error_km=round(error, 1),
                )
    metrics: dict[str, float] = {}
    set_metric(metrics, "toponym_f1", recognition.f1)
    if errors:
        set_metric(metrics, "accuracy_161km", sum(e <= REGION_KM for e in errors) / len(errors))
        set_metric(metrics, "accuracy_25km", sum(e <= NEAR_KM for e in errors) / len(errors))
        set_metric(metrics, "median_error_km", median(errors))
    return metrics


SUITE = Suite(
    name="geoparsing",
    metrics=METRICS,
    load=load,
    score=score,
    reference_date="none (no date in the records; no date is scored)",
    relevance_filter=False,  # toponyms are scored in every article, conflict or not
)
