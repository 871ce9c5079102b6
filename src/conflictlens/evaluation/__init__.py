"""Scoring the pipeline against the gold suites in ../shared/gold (``conflictlens eval``).

    from conflictlens.evaluation import evaluate, report_json
    report = evaluate("acled", Path("../shared/gold/acled"), limit=200)
    print(report_json(report))

Each suite has a module (its gold schema, matching rule and metrics; docs/evaluation.md gives the rules in
prose). The pipeline is imported only when ``evaluate`` runs without a ``pipeline`` argument, so importing
this package loads neither spaCy nor the gazetteer.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..errors import EvaluationError, IngestError
from ..records import Document, Extraction, Problem
from . import acled, case2021, geoparsing, gtd, muc4, satp, wikievents
from .common import LOWER_IS_BETTER_SUFFIX, ErrorLog
from .suite import Suite, Unit

if TYPE_CHECKING:
    from rich.table import Table

__all__ = [
    "SUITES",
    "EvalReport",
    "Extractor",
    "evaluate",
    "get_suite",
    "render_table",
    "report_json",
    "sample_units",
]

SUITES: dict[str, Suite] = {
    s.name: s
    for s in (
        case2021.SUITE,
        acled.ACLED,
        acled.ACLED2015,
        satp.SUITE,
        muc4.SUITE,
        wikievents.SUITE,
        geoparsing.SUITE,
        gtd.SUITE,
    )
}
DEFAULT_SEED = 20240611  # the seed the gold splits were drawn with; any fixed value would do


class Extractor(Protocol):
    """What ``evaluate`` needs of a pipeline: batched extraction that keeps the documents' order."""

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]: ...


@runtime_checkable
class RelevanceFiltered(Protocol):
    """An extractor that skips off-topic texts and can give a copy of itself that does not."""

    def without_relevance_filter(self) -> Extractor: ...


@dataclass(frozen=True)
class EvalReport:
    """One suite's scores: ``n`` gold records scored, wall-clock ``seconds`` (extraction and scoring)."""

    suite: str
    n: int
    seconds: float
    metrics: dict[str, float] = field(default_factory=dict)
    mismatches: int = 0  # how many mismatches were found (each is a line of the --errors file)


def get_suite(name: str) -> Suite:
    try:
        return SUITES[name]
    except KeyError:
        raise EvaluationError(f"unknown suite {name!r}; choose one of: {', '.join(SUITES)}.") from None


def sample_units(units: Sequence[Unit[Any]], limit: int | None, seed: int | None) -> list[Unit[Any]]:
    """At most ``limit`` units: a seeded random sample kept in file order (``seed=None``: the first ones)."""
    if limit is None or limit >= len(units):
        return list(units)
    if limit < 0:
        raise EvaluationError(f"--limit must be 0 or more, got {limit}.")
    if seed is None:
        return list(units[:limit])
    chosen = sorted(random.Random(seed).sample(range(len(units)), limit))
    return [units[i] for i in chosen]


def evaluate(
    suite: str,
    data_dir: Path | str,
    *,
    limit: int | None = None,
    errors_path: Path | str | None = None,
    pipeline: Extractor | None = None,
    seed: int | None = DEFAULT_SEED,
    on_progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run the pipeline over every ``*.jsonl`` in ``data_dir`` (in ``suite``'s schema) and score it.

    ``limit`` caps the number of scoring units (records; for acled, groups of rows sharing a note), drawn as
    a seeded sample (``seed=None`` takes the first ones). ``errors_path`` receives each mismatch as a JSON
    line. ``on_progress(done, total)`` is called as documents are extracted.
    """
    spec = get_suite(suite)
    units = sample_units(spec.load(Path(data_dir)), limit, seed)
    started = time.perf_counter()
    extractor = pipeline or _default_pipeline()
    if not spec.relevance_filter and isinstance(extractor, RelevanceFiltered):
        extractor = extractor.without_relevance_filter()
    extractions = _extract_all(units, spec.name, extractor, on_progress)
    with ErrorLog(Path(errors_path) if errors_path is not None else None, spec.name) as log:
        metrics = spec.score(list(zip(units, extractions, strict=True)), log)
    seconds = time.perf_counter() - started
    return EvalReport(
        suite=spec.name,
        n=sum(len(u.golds) for u in units),
        seconds=round(seconds, 2),
        metrics={key: metrics[key] for key in spec.metrics if key in metrics},
        mismatches=log.count,
    )


def _default_pipeline() -> Extractor:
    from ..pipeline import Pipeline

    return Pipeline()


def _extract_all(
    units: Sequence[Unit[Any]],
    suite: str,
    pipeline: Extractor,
    on_progress: Callable[[int, int], None] | None,
) -> list[Extraction]:
    """One extraction per unit, in order; a text that ingest refuses becomes an extraction with no events."""
    documents: list[Document] = []
    refused: dict[int, Extraction] = {}
    for index, unit in enumerate(units):
        origin = f"{suite}:{unit.key}"
        try:
            documents.append(_document(unit, origin))
        except IngestError as exc:
            refused[index] = _refused(unit, origin, exc)
    produced = iter(pipeline.extract_many(documents))
    extractions: list[Extraction] = []
    for index in range(len(units)):
        if index in refused:
            extractions.append(refused[index])
        else:
            extraction = next(produced, None)
            if extraction is None:
                raise EvaluationError(f"the pipeline returned fewer extractions than documents ({suite}).")
            if extraction.document.external_id != units[index].key:
                raise EvaluationError(
                    f"the pipeline returned {extraction.document.origin} where {suite}:{units[index].key} was "
                    "expected; extract_many must keep the documents' order."
                )
            extractions.append(extraction)
        if on_progress is not None:
            on_progress(index + 1, len(units))
    return extractions


def _document(unit: Unit[Any], origin: str) -> Document:
    """The document a user would get from this text (ingest's own cleaning and language detection)."""
    from ..ingest import document_from_text

    return document_from_text(unit.text, origin=origin, published=unit.published, external_id=unit.key)


def _refused(unit: Unit[Any], origin: str, exc: IngestError) -> Extraction:
    import hashlib

    document = Document(
        id=hashlib.sha256(unit.text.encode("utf-8")).hexdigest(),
        text=unit.text,
        origin=origin,
        external_id=unit.key,
    )
    problem = Problem(origin=origin, reason=f"ingest refused the text: {exc.reason}", doc_id=document.id, fatal=True)
    return Extraction(document=document, events=(), claims=(), problem=problem)


def report_json(report: EvalReport) -> str:
    """Exactly one JSON object: ``{"suite", "n", "seconds", "metrics"}``."""
    return json.dumps(
        {"suite": report.suite, "n": report.n, "seconds": report.seconds, "metrics": report.metrics},
        ensure_ascii=False,
    )


def render_table(report: EvalReport, floors: dict[str, float] | None = None) -> Table:
    """A rich table of the report's metrics, with the committed floor beside each when given."""
    from rich.table import Table

    table = Table(title=f"{report.suite}: {report.n} gold records in {report.seconds:.1f} s")
    table.add_column("metric")
    table.add_column("value", justify="right")
    if floors is not None:
        table.add_column("floor", justify="right")
    for key in get_suite(report.suite).metrics:
        value = report.metrics.get(key)
        shown = "n/a" if value is None else (f"{value:.1f}" if key.endswith(LOWER_IS_BETTER_SUFFIX) else f"{value:.3f}")
        if floors is None:
            table.add_row(key, shown)
        else:
            floor = floors.get(key)
            bound = (
                "" if floor is None else (f"≤ {floor:.1f}" if key.endswith(LOWER_IS_BETTER_SUFFIX) else f"{floor:.2f}")
            )
            table.add_row(key, shown, bound)
    return table
