"""conflictlens: conflict news reports in, geocoded, source-attributed events out.

The Python API mirrors the CLI::

    import conflictlens
    result = conflictlens.extract("...report text...", published="2024-08-27")
    for event in result.events:
        print(event.sub_event_type, event.place and event.place.name)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from .pipeline import Pipeline, extract

__all__ = ["Pipeline", "__version__", "extract"]


def __getattr__(name: str) -> Any:
    # Lazy: importing conflictlens must not load spaCy or the gazetteer.
    if name in ("Pipeline", "extract"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'conflictlens' has no attribute {name!r}")
