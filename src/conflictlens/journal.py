"""The input journal: which input files a run finished, so that a resumed run does not read them again.

A resumed run would skip every stored document anyway (by content hash), but it would first read and hash it:
for a WARC archive that means decoding and cleaning every HTML page again. The journal is a JSON Lines file
beside the store (``events.sqlite`` -> ``events.sqlite.inputs``) with one line per input file whose every
document was stored: its absolute path, size and modification time, how many documents it holds and the id of
its last one. A file that changed since is read again, and so is one whose last document is not in the store
(a store deleted or replaced while its journal stayed). A skipped file's documents count as already stored.
Directories, URLs and stdin are never journalled (their content is not pinned by a path and a time); their
documents are still skipped by hash.

Each line is written after the store committed the file's last document, and flushed to disk; a run killed
while writing a line leaves a partial last line, which is ignored (the file is read again).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from .ingest import STDIN_NAME
from .store import MEMORY, SQLiteStore, Store

logger = logging.getLogger(__name__)

JOURNAL_SUFFIX = ".inputs"


def journal_for(store: Store) -> InputJournal | None:
    """The journal beside a SQLite store file (None for an in-memory store or another backend)."""
    if isinstance(store, SQLiteStore) and store.path != MEMORY:
        return InputJournal(Path(store.path + JOURNAL_SUFFIX), store)
    return None


def _fingerprint(raw: str | os.PathLike[str]) -> dict[str, object] | None:
    """What identifies a local input file's content; None for what is not journalled."""
    text = os.fspath(raw)
    if text == STDIN_NAME or "://" in text:
        return None
    path = Path(text)
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return {"input": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


class InputJournal:
    """The finished input files of the runs into one store (see the module's docstring)."""

    def __init__(self, path: Path, store: Store) -> None:
        self.path = path
        self.store = store
        self._finished = self._load()  # fingerprint (as sorted JSON) -> (documents, the last one's id)

    def _load(self) -> dict[str, tuple[int, str | None]]:
        if not self.path.is_file():
            return {}
        finished: dict[str, tuple[int, str | None]] = {}
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    last, documents = entry.pop("last_document"), entry.pop("documents")
                    finished[json.dumps(entry, sort_keys=True)] = (int(documents), last)
                except (json.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
                    logger.info("%s: ignoring a partly written line (a run was killed while writing it)", self.path)
        return finished

    def finished(self, raw: str | os.PathLike[str]) -> int | None:
        """How many documents ``raw`` holds if a run finished it (unchanged since, its last document stored);
        None when it has to be read."""
        fingerprint = _fingerprint(raw)
        if fingerprint is None:
            return None
        found = self._finished.get(json.dumps(fingerprint, sort_keys=True))
        if found is None:
            return None
        documents, last = found
        return documents if last is None or self.store.has_document(last) else None

    def record(self, raw: str | os.PathLike[str], documents: int, last_document: str | None) -> None:
        """Note that all ``documents`` of ``raw`` are stored, the last being ``last_document`` (nothing is noted
        for what is not journalled)."""
        fingerprint = _fingerprint(raw)
        if fingerprint is None:
            return
        key = json.dumps(fingerprint, sort_keys=True)
        line = json.dumps({**fingerprint, "documents": documents, "last_document": last_document}, sort_keys=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write("\n" + line + "\n")  # a leading newline ends a partial line a killed run left
            fh.flush()
            os.fsync(fh.fileno())
        self._finished[key] = (documents, last_document)


__all__ = ["JOURNAL_SUFFIX", "InputJournal", "journal_for"]
