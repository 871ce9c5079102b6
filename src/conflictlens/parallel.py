"""Parallel extraction: documents go to worker processes, extractions come back in input order.

Each worker process builds one :class:`~conflictlens.pipeline.Pipeline` when it starts (spaCy and the
gazetteer load once per worker, 1-2 s) and extracts chunks of documents. The caller keeps reading the inputs
and writing the store, so the store has a single writer. At most :data:`TASKS_IN_FLIGHT_PER_WORKER` chunks
per worker are queued or running, so memory does not grow with the input: inputs are read only as fast as
the workers take them.

Workers are started with the ``spawn`` method (no state is shared with the parent, which may hold an open
store) and exit on their own when the parent dies, even by ``kill -9``.
"""

from __future__ import annotations

import collections
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from .errors import ConflictlensError, WorkerError
from .pipeline import Pipeline
from .records import Document, Extraction

# Documents sent to a worker at once. Large enough that spaCy's nlp.pipe batching and the pickling round trip
# pay for themselves, small enough that a few dozen documents already spread over every worker and the
# progress bar moves (chosen, not tuned: the per-document cost is ~50 ms, the per-task overhead ~1 ms).
DOCUMENTS_PER_TASK = 8
# Chunks queued per worker: two keep a worker busy while its last result travels back to the parent.
TASKS_IN_FLIGHT_PER_WORKER = 2

_WORKER_PIPELINE: Pipeline | None = None


def all_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def resolve_workers(workers: int) -> int:
    """``workers`` as a process count: 0 means every core; a negative count is refused."""
    if workers < 0:
        raise ConflictlensError(f"--workers {workers}: give 1 or more worker processes, or 0 for every core")
    return workers or all_cores()


def extract_parallel(
    documents: Iterable[Document], *, workers: int, model: str | None = None, relevance_filter: bool = True
) -> Iterator[Extraction]:
    """Extract ``documents`` in ``workers`` processes; extractions come out in input order, one per document."""
    context = multiprocessing.get_context("spawn")
    in_flight: collections.deque[Future[list[Extraction]]] = collections.deque()
    limit = workers * TASKS_IN_FLIGHT_PER_WORKER
    chunks = _chunks(documents, DOCUMENTS_PER_TASK)
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(model, relevance_filter)
    )
    try:
        for chunk in chunks:
            in_flight.append(pool.submit(_extract_chunk, chunk))
            if len(in_flight) >= limit:
                yield from _result(in_flight.popleft())
        while in_flight:
            yield from _result(in_flight.popleft())
    except BaseException:  # an error, Ctrl-C, or the caller stopped early: do not wait for queued chunks
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _result(future: Future[list[Extraction]]) -> list[Extraction]:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise WorkerError(
            f"a worker process died ({exc}); documents already stored are kept. Run again to go on, with fewer "
            "--workers if the machine ran out of memory"
        ) from exc


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _start_worker(model: str | None, relevance_filter: bool) -> None:
    """Worker initializer: build the pipeline once, and exit when the parent process is gone."""
    global _WORKER_PIPELINE
    _exit_with_parent()
    _WORKER_PIPELINE = Pipeline(model=model, relevance_filter=relevance_filter)
    _WORKER_PIPELINE.nlp  # noqa: B018 - load spaCy now, not inside the first task


def _exit_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)  # the parent died (even by kill -9): nobody will take this worker's results

    threading.Thread(target=watch, name="conflictlens-parent-watch", daemon=True).start()


def _extract_chunk(documents: list[Document]) -> list[Extraction]:
    if _WORKER_PIPELINE is None:  # pragma: no cover - the initializer always runs first
        raise WorkerError("a worker was used before its pipeline was built")
    return list(_WORKER_PIPELINE.extract_many(documents, batch_size=len(documents)))


__all__ = ["DOCUMENTS_PER_TASK", "WorkerError", "all_cores", "extract_parallel", "resolve_workers"]
