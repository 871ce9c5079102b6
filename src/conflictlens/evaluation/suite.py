"""The shape every gold suite takes: how its files become scoring units, and how a unit is scored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..records import Extraction
from .common import ErrorLog

G = TypeVar("G")


@dataclass(frozen=True)
class Unit(Generic[G]):
    """The gold records that share one input text, scored against one extraction of that text.

    Usually one record. ACLED rows with identical notes (one report split into several located events by
    the coders) form one unit, so the text is extracted once and its events are matched to the rows as a set.
    """

    golds: tuple[G, ...]
    key: str  # the first record's id; names the unit in errors and samples
    text: str
    published: dt.date | None  # the reference (publication) date given to the pipeline


Scorer = Callable[[Sequence[tuple[Unit[Any], Extraction]], ErrorLog], dict[str, float]]


@dataclass(frozen=True)
class Suite:
    """A gold suite: its metric keys, its reader and its scorer."""

    name: str
    metrics: tuple[str, ...]
    load: Callable[[Path], list[Unit[Any]]]
    score: Scorer
    reference_date: str  # how the publication date given to the pipeline is chosen (for docs and --help)
    relevance_filter: bool = True  # False: score every text, including those the relevance filter skips


def single_units(
    golds: Sequence[G],
    key: Callable[[G], str],
    text: Callable[[G], str],
    published: Callable[[G], dt.date | None],
) -> list[Unit[G]]:
    """One unit per gold record."""
    return [Unit((g,), key(g), text(g), published(g)) for g in golds]
