"""Batch runs: read many inputs, extract, optionally store, and say what happened to each document.

A document that cannot be read or gives no events is reported with its origin and reason; the batch goes on.
Extraction runs in this process (``workers=1``) or in worker processes (:mod:`conflictlens.parallel`); either
way only this process writes the store.

Resuming: each document is stored in one transaction, so an interrupted run (even by ``kill -9``) leaves no
half-written document, and a re-run skips what is already stored (documents are keyed by content hash). The
one step outside that transaction is attaching a stored document's events to incidents; a run killed between
the two leaves events in no incident, so every ingest run first attaches such events
(:func:`resume_incidents`). Incidents are a function of the set of stored events, not of the order they came
in, so an interrupted and resumed run ends with the same store as an uninterrupted one. Input files whose every
document was stored are noted in a journal beside the store (:mod:`conflictlens.journal`) and not read again.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .ingest import STDIN_NAME, read_documents
from .journal import journal_for
from .parallel import extract_parallel, resolve_workers
from .pipeline import Pipeline
from .records import Document, Extraction, Problem
from .store import Store

if TYPE_CHECKING:
    import pyarrow as pa

# Extractions whose events go into one Parquet row group of a local run's output (a few thousand events).
PARQUET_EXTRACTIONS_PER_GROUP = 1000


@dataclass
class RunSummary:
    """Counts of one batch run, and every problem with its document."""

    documents: int = 0
    stored: int = 0
    duplicates: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    inputs_skipped: int = 0  # input files an earlier run finished (see conflictlens.journal)


def extract_paths(
    paths: Iterable[str | Path],
    *,
    published: dt.date | None = None,
    source: str | None = None,
    pipeline: Pipeline | None = None,
    summary: RunSummary | None = None,
    skip: Callable[[Document], bool] | None = None,
    workers: int = 1,
    skip_input: Callable[[str | Path], int | None] | None = None,
    on_input_done: Callable[[str | Path, int, str | None], None] | None = None,
    fetch_links: bool = False,
    allow_private: bool = False,
) -> Iterator[Extraction]:
    """Extractions for every readable document under ``paths``, in input order; unreadable ones go to
    ``summary.problems``.

    ``skip`` names documents not to extract again (already stored); they count as duplicates. ``workers``:
    1 extracts in this process with ``pipeline``; more starts that many worker processes (each with a
    pipeline of the same model); 0 starts one per core. ``skip_input(path)`` gives the number of documents of
    an input not to read at all (finished earlier: counted as read and already stored, and in
    ``summary.inputs_skipped``), or None to read it. ``on_input_done(path, documents, last_id)`` is called once
    the caller has come back for the next extraction after the last one of that input, i.e. after it handled
    (stored) all of them, with how many documents it held and the id of its last one (None if it had none).
    """
    pipeline = pipeline or Pipeline()
    summary = summary if summary is not None else RunSummary()
    workers = resolve_workers(workers)
    # (input, documents sent to extraction once it was read): the input is done when that many came back.
    read_inputs: collections.deque[tuple[str | Path, int, int, str | None]] = collections.deque()
    sent = 0

    def readable() -> Iterator[Document]:
        nonlocal sent
        stdin_seen = False
        for raw in paths:
            finished = skip_input(raw) if skip_input is not None else None
            if finished is not None:
                summary.inputs_skipped += 1
                summary.documents += finished
                summary.duplicates += finished
                continue
            if os.fspath(raw) == STDIN_NAME:
                if stdin_seen:  # read_documents reports this itself only when both come in one call
                    summary.documents += 1
                    summary.problems.append(
                        Problem("stdin", "stdin was named twice; it can be read only once", fatal=True)
                    )
                    continue
                stdin_seen = True
            unreadable, documents, last = False, 0, None
            for item in read_documents(
                [raw], published=published, source=source, fetch_links=fetch_links, allow_private=allow_private
            ):
                summary.documents += 1
                if isinstance(item, Problem):
                    summary.problems.append(item)
                    unreadable = unreadable or item.fatal
                    continue
                documents, last = documents + 1, item.id
                if skip is not None and skip(item):
                    summary.duplicates += 1
                else:
                    sent += 1
                    yield item
            if not unreadable:  # an input with an unreadable part is read again next time
                read_inputs.append((raw, sent, documents, last))

    def finish_inputs(handled: int) -> None:
        while read_inputs and read_inputs[0][1] <= handled:
            done, _, documents, last_document = read_inputs.popleft()
            if on_input_done is not None:
                on_input_done(done, documents, last_document)

    if workers == 1:
        extractions = pipeline.extract_many(readable())
    else:
        extractions = extract_parallel(
            readable(), workers=workers, model=pipeline.model, relevance_filter=pipeline.relevance_filter
        )
    for handled, extraction in enumerate(extractions, start=1):
        summary.events += len(extraction.events)
        if extraction.problem is not None:
            summary.problems.append(extraction.problem)
        yield extraction
        finish_inputs(handled)
    finish_inputs(sent)


def ingest_paths(
    paths: Iterable[str | Path],
    store: Store,
    *,
    published: dt.date | None = None,
    source: str | None = None,
    pipeline: Pipeline | None = None,
    on_document: Callable[[Extraction], None] | None = None,
    workers: int = 1,
    fetch_links: bool = False,
    allow_private: bool = False,
) -> RunSummary:
    """Extract every document under ``paths`` into ``store``; documents already stored are skipped.

    First attaches events an earlier, interrupted run stored but did not attach (:func:`resume_incidents`).
    ``workers`` as for :func:`extract_paths`; ``on_document`` is called after each document is stored.
    """
    summary = RunSummary()
    resume_incidents(store)
    journal = journal_for(store)
    extractions = extract_paths(
        paths,
        published=published,
        source=source,
        pipeline=pipeline,
        summary=summary,
        skip=lambda document: store.has_document(document.id),
        workers=workers,
        skip_input=journal.finished if journal else None,
        on_input_done=journal.record if journal else None,
        fetch_links=fetch_links,
        allow_private=allow_private,
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


def resume_incidents(store: Store) -> int:
    """Attach the stored events that belong to no incident (left by a run killed after a save); how many."""
    from .incidents import update_incidents

    return update_incidents(store)


def events_table(extractions: Iterable[Extraction]) -> pa.Table:
    """The events of ``extractions`` as an Arrow table with the columns of ``export --format parquet``."""
    import pyarrow as pa

    from .export import event_row, parquet_schema

    rows = [event_row(event, x.document) for x in extractions for event in x.events]
    return pa.Table.from_pylist(rows, schema=parquet_schema())


def extract_to_parquet(
    paths: Iterable[str | Path],
    output: str | Path,
    *,
    published: dt.date | None = None,
    source: str | None = None,
    pipeline: Pipeline | None = None,
    workers: int = 1,
    on_document: Callable[[Extraction], None] | None = None,
) -> RunSummary:
    """Extract every document under ``paths`` and write the events to the folder ``output`` as Parquet
    (``part-0.parquet``; the same layout a Ray run writes, read back with ``pyarrow.dataset``)."""
    import pyarrow.parquet as pq

    from .export import parquet_schema

    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    summary = RunSummary()
    extractions = extract_paths(
        paths, published=published, source=source, pipeline=pipeline, summary=summary, workers=workers
    )
    group: list[Extraction] = []
    with pq.ParquetWriter(folder / "part-0.parquet", parquet_schema()) as writer:
        for extraction in extractions:
            group.append(extraction)
            if on_document is not None:
                on_document(extraction)
            if len(group) >= PARQUET_EXTRACTIONS_PER_GROUP:
                writer.write_table(events_table(group))
                group = []
        writer.write_table(events_table(group))
    return summary
