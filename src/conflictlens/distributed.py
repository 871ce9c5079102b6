"""The Ray engine: the same pipeline on Ray Data, on this machine or on a cluster.

The inputs (the paths and URLs as given) become a dataset; ``flat_map`` reads each into documents with
:func:`~conflictlens.ingest.read_documents`; ``map_batches`` extracts them with :class:`ExtractBatch`, an
actor that builds one :class:`~conflictlens.pipeline.Pipeline` and keeps it. The results either go to a
Parquet dataset of events (one row per event, the columns of ``conflictlens export --format parquet``,
written by the workers) or stream back to the driver, which stores them with the same
:func:`~conflictlens.runner.store_extraction` as a local run (the driver is the single writer).

Records cross Ray as JSON (:func:`~conflictlens.records.to_dict`), so blocks are plain Arrow strings.
Inputs are read where the read task runs: on a cluster, give paths every node can read (a shared file
system) or URLs. Every node needs conflictlens installed (``pip install conflictlens[ray]``) and its
gazetteer built. Install Ray with the ``ray`` extra.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConflictlensError
from .ingest import read_documents
from .pipeline import BATCH_SIZE, Pipeline
from .records import Document, Extraction, Problem, from_dict, to_dict
from .runner import RunSummary, events_table, resume_incidents, store_extraction

if TYPE_CHECKING:
    from ray.data import Dataset

    from .store import Store

DOCUMENT, EXTRACTION, PROBLEM = "document", "extraction", "problem"
# CPUs each extraction actor reserves: spaCy extracts on one core, and each actor holds a pipeline of ~300 MB.
# By default a run starts one actor per CPU of the cluster.
CPUS_PER_ACTOR = 1
# Inputs read at once (each read task streams one input file's documents).
READ_TASKS = 2
# Bytes of documents per block that the read step emits: a few dozen wire reports (3-6 KB of JSON each), about
# one extraction batch, so that even one input file feeds every actor (Ray's default of 128 MB would hand a
# whole file to one actor). Chosen, not tuned.
READ_BLOCK_BYTES = 128 * 1024


class RayError(ConflictlensError):
    """Ray is not installed, or the cluster could not be reached."""


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise RayError("the Ray engine needs Ray: pip install 'conflictlens[ray]'") from exc
    return ray


def connect(address: str | None = None) -> None:
    """Join the Ray cluster at ``address`` (or ``RAY_ADDRESS``), else start one on this machine; once."""
    ray = _ray()
    if ray.is_initialized():
        return
    try:
        ray.init(address=address or os.environ.get("RAY_ADDRESS") or None, include_dashboard=False)
    except (ConnectionError, RuntimeError) as exc:
        raise RayError(
            f"cannot reach the Ray cluster at {address or os.environ.get('RAY_ADDRESS')}: {exc}. Check the "
            "address (ray://HEAD:10001) and that the head node runs `ray start --head`"
        ) from exc


def read_input(row: dict[str, Any], published: dt.date | None, source: str | None) -> Iterator[dict[str, Any]]:
    """``flat_map`` function: one input (path or URL) -> rows of documents and problems, as JSON."""
    for item in read_documents([row["input"]], published=published, source=source):
        kind = PROBLEM if isinstance(item, Problem) else DOCUMENT
        yield {"kind": kind, "record": json.dumps(to_dict(item), ensure_ascii=False)}


class ExtractBatch:
    """``map_batches`` actor: builds one pipeline, then extracts every batch of documents it is given."""

    def __init__(self, model: str | None = None) -> None:
        self.pipeline = Pipeline(model=model)
        self.pipeline.nlp  # noqa: B018 - load spaCy when the actor starts, not in its first batch

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        kinds, records = list(batch["kind"]), list(batch["record"])
        documents = [from_dict(Document, json.loads(r)) for k, r in zip(kinds, records, strict=True) if k == DOCUMENT]
        extractions = iter(self.pipeline.extract_many(documents))
        out_kinds, out_records = [], []
        for kind, record in zip(kinds, records, strict=True):
            if kind == DOCUMENT:
                out_kinds.append(EXTRACTION)
                out_records.append(json.dumps(to_dict(next(extractions)), ensure_ascii=False))
            else:
                out_kinds.append(kind)
                out_records.append(record)
        return {"kind": out_kinds, "record": out_records}


def extracted_dataset(
    paths: Sequence[str | Path],
    *,
    published: dt.date | None = None,
    source: str | None = None,
    model: str | None = None,
    actors: int | None = None,
) -> Dataset:
    """The lazy dataset of extractions (and problems) of ``paths``, in input order; call :func:`connect` first.

    ``actors``: extraction actors (default: one per CPU of the cluster).
    """
    ray = _ray()
    if not paths:
        raise RayError("no inputs: give files, directories or URLs")
    if any(os.fspath(p) == "-" for p in paths):
        raise RayError("the Ray engine cannot read stdin; give files, directories or URLs")
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    # Small blocks, so that the documents read from one input (a JSON Lines or WARC file) spread over actors.
    context.target_max_block_size = READ_BLOCK_BYTES
    size = actors or max(1, int(ray.cluster_resources().get("CPU", 1)) // CPUS_PER_ACTOR)
    inputs = ray.data.from_items([{"input": os.fspath(p)} for p in paths], override_num_blocks=len(paths))
    # Reading takes no CPU from the budget, or the actors (one per CPU) would leave none to read with: it is a
    # small share of the work (reading and storing a JSON Lines document take ~2 ms of CPU, extracting it ~100 ms;
    # benchmarks/scale.py), and READ_TASKS bounds how much of it runs at once.
    documents = inputs.flat_map(
        read_input,
        fn_kwargs={"published": published, "source": source},
        num_cpus=0,
        compute=ray.data.TaskPoolStrategy(size=min(READ_TASKS, len(paths))),
    )
    return documents.map_batches(
        ExtractBatch,
        fn_constructor_kwargs={"model": model},
        batch_size=BATCH_SIZE,
        # `size` actors from the start; a minimum of one, since a fixed pool warns when it sees few inputs.
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=size, initial_size=size),
        num_cpus=CPUS_PER_ACTOR,
    )


def ray_ingest(
    paths: Sequence[str | Path],
    store: Store,
    *,
    published: dt.date | None = None,
    source: str | None = None,
    model: str | None = None,
    actors: int | None = None,
    address: str | None = None,
) -> RunSummary:
    """Extract ``paths`` on Ray and store the results here (the driver is the single writer)."""
    connect(address)
    summary = RunSummary()
    resume_incidents(store)
    dataset = extracted_dataset(paths, published=published, source=source, model=model, actors=actors)
    for row in dataset.iter_rows():
        summary.documents += 1
        if row["kind"] == PROBLEM:
            summary.problems.append(from_dict(Problem, json.loads(row["record"])))
            continue
        extraction: Extraction = from_dict(Extraction, json.loads(row["record"]))
        if store.has_document(extraction.document.id):  # stored by an earlier run, or earlier in this one
            summary.duplicates += 1
            continue
        summary.events += len(extraction.events)
        if extraction.problem is not None:
            summary.problems.append(extraction.problem)
        store_extraction(store, extraction, summary)
    return summary


def ray_to_parquet(
    paths: Sequence[str | Path],
    output: str | Path,
    *,
    published: dt.date | None = None,
    source: str | None = None,
    model: str | None = None,
    actors: int | None = None,
    address: str | None = None,
) -> int:
    """Extract ``paths`` on Ray and write their events as a Parquet dataset (a folder); how many events."""
    connect(address)
    dataset = extracted_dataset(paths, published=published, source=source, model=model, actors=actors)
    dataset.map_batches(_events_of_batch, batch_format="numpy", batch_size=BATCH_SIZE).write_parquet(str(output))
    import pyarrow.dataset as pads

    return int(pads.dataset(str(output), format="parquet").count_rows())


def _events_of_batch(batch: dict[str, Any]) -> Any:
    records = (json.loads(r) for k, r in zip(batch["kind"], batch["record"], strict=True) if k == EXTRACTION)
    return events_table(from_dict(Extraction, record) for record in records)


__all__ = ["ExtractBatch", "RayError", "connect", "extracted_dataset", "ray_ingest", "ray_to_parquet", "read_input"]
