"""Batch runs: read many inputs, extract, optionally store, and say what happened to each document.

A document that cannot be read or gives no events is reported with its origin and reason; the batch goes on.
Each document is stored in one transaction, so an interrupted run leaves no half-written document and a
re-run skips what is already stored (documents are keyed by content hash).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .ingest import read_documents
from .pipeline import Pipeline
from .records import Document, Extraction, Problem
from .store import Store


@dataclass
class RunSummary:
    """Counts of one batch run, and every problem with its document."""

    documents: int = 0
    stored: int = 0
    duplicates: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)


def extract_paths(
    paths: Iterable[str | Path],
    *,
    published: dt.date | None = None,
    source: str | None = None,
    pipeline: Pipeline | None = None,
    summary: RunSummary | None = None,
    skip: Callable[[Document], bool] | None = None,
) -> Iterator[Extraction]:
    """Extractions for every readable document under ``paths``; unreadable ones go to ``summary.problems``.

    ``skip`` names documents not to extract again (already stored); they count as duplicates.
    """
    pipeline = pipeline or Pipeline()
    summary = summary if summary is not None else RunSummary()

    def readable() -> Iterator[Document]:
        for item in read_documents(paths, published=published, source=source):
            summary.documents += 1
            if isinstance(item, Problem):
                summary.problems.append(item)
            elif skip is not None and skip(item):
                summary.duplicates += 1
            else:
                yield item

    for extraction in pipeline.extract_many(readable()):
        summary.events += len(extraction.events)
        if extraction.problem is not None:
            summary.problems.append(extraction.problem)
        yield extraction


def ingest_paths(
    paths: Iterable[str | Path],
    store: Store,
    *,
    published: dt.date | None = None,
    source: str | None = None,
    pipeline: Pipeline | None = None,
    on_document: Callable[[Extraction], None] | None = None,
) -> RunSummary:
    """Extract every document under ``paths`` into ``store``; documents already stored are skipped."""
    summary = RunSummary()
    extractions = extract_paths(
        paths,
        published=published,
        source=source,
        pipeline=pipeline,
        summary=summary,
        skip=lambda document: store.has_document(document.id),
    )
    for extraction in extractions:
        store_extraction(store, extraction, summary)
        if on_document is not None:
            on_document(extraction)
    return summary


def store_extraction(store: Store, extraction: Extraction, summary: RunSummary) -> None:
    """Save one document's extraction and attach its events to incidents (a duplicate is only counted)."""
    from .incidents import attach_document

    if store.save(extraction):
        summary.stored += 1
        if extraction.events:
            attach_document(store, extraction.document.id)
    else:
        summary.duplicates += 1
