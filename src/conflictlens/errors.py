"""conflictlens's own exceptions. Each message names the document or file and says what to do."""

from __future__ import annotations


class ConflictlensError(Exception):
    """Base class of every error conflictlens raises on purpose."""


class IngestError(ConflictlensError):
    """A document could not be read (empty, binary, too large, undecodable, malformed)."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class ModelNotFoundError(ConflictlensError):
    """No spaCy English pipeline is installed."""


class GazetteerError(ConflictlensError):
    """The gazetteer index is missing or a GeoNames dump could not be read."""


class StoreError(ConflictlensError):
    """The event store could not be opened or written."""


class EvaluationError(ConflictlensError):
    """A gold suite could not be read or scored."""


class WorkerError(ConflictlensError):
    """A worker process died (out of memory, killed); the documents it held were not extracted."""


class RayError(ConflictlensError):
    """Ray is not installed, or the cluster could not be reached."""
