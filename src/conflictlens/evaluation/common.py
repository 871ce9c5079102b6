"""What every suite's scorer shares: reading gold files, distances, counts and F1, name normalisation,
one-to-one matching, and the ``--errors`` log.

Nothing here knows a suite's schema; each suite module turns its rows into typed gold records and its
metrics into counts built from these helpers. The rules are documented in docs/evaluation.md and must stay
identical for every run: a change here changes every suite's figures.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar

from ..errors import EvaluationError
from ..records import Event, Evidence, Extraction, Place

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius, the usual choice for great-circle errors
# Error scored for a toponym or event the system recognised but could not place: half the equatorial
# circumference, the largest possible great-circle error (the convention of Gritta et al. 2018).
UNRESOLVED_ERROR_KM = 20037.5
NEAR_KM = 25.0  # "Accuracy@25 km": same town or its immediate surroundings
REGION_KM = 161.0  # "Accuracy@161 km" (100 miles): the geoparsing literature's standard threshold
LOWER_IS_BETTER_SUFFIX = "_km"  # metrics named *_km are errors in km; every other metric is a share in 0..1

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class GoldRow:
    """One JSON object read from a suite file, with where it came from ("dev.jsonl:12")."""

    origin: str
    data: Mapping[str, Any]


def gold_files(data_dir: Path) -> list[Path]:
    """Every ``*.jsonl`` file in ``data_dir``, sorted by name; an error says what to pass instead."""
    if not data_dir.is_dir():
        raise EvaluationError(
            f"{data_dir}: not a directory. Pass --data the suite's folder, e.g. ../shared/gold/acled."
        )
    files = sorted(p for p in data_dir.glob("*.jsonl") if p.is_file())
    if not files:
        raise EvaluationError(f"{data_dir}: no *.jsonl files. The suite's folder holds dev.jsonl (and others).")
    return files


def read_rows(data_dir: Path) -> list[GoldRow]:
    """All JSON objects of every ``*.jsonl`` file in ``data_dir``, in file then line order."""
    rows: list[GoldRow] = []
    for path in gold_files(data_dir):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                origin = f"{path.name}:{number}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvaluationError(
                        f"{path}:{number}: not valid JSON ({exc.msg}). Each line must be one JSON object."
                    ) from exc
                if not isinstance(data, dict):
                    raise EvaluationError(f"{path}:{number}: a JSON object was expected, got {type(data).__name__}.")
                rows.append(GoldRow(origin, data))
    return rows


def file_digests(data_dir: Path) -> dict[str, str]:
    """The sha256 of every ``*.jsonl`` file in ``data_dir`` by file name (what floors.json pins)."""
    return {path.name: sha256_file(path) for path in gold_files(data_dir)}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def field(row: GoldRow, key: str, kind: type[T] | tuple[type, ...], *, optional: bool = False) -> Any:
    """``row.data[key]`` checked against ``kind``; a missing or mistyped value names the row and the key."""
    if key not in row.data:
        raise EvaluationError(f"{row.origin}: missing key {key!r}; is this file in the suite's schema?")
    value = row.data[key]
    if value is None and optional:
        return None
    # bool is an int in Python; a gold count of True is a schema error, not 1.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float, (int, float))):
        raise EvaluationError(
            f"{row.origin}: key {key!r} should be {_kind_name(kind)}{' or null' if optional else ''}, "
            f"got {value!r}; is this file in the suite's schema?"
        )
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return kind.__name__


def optional_float(row: GoldRow, key: str) -> float | None:
    value = field(row, key, (int, float), optional=True)
    return None if value is None else float(value)


# ---------------------------------------------------------------------------------------------- geometry


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def place_error_km(place: Place | None, latitude: float, longitude: float) -> float:
    """Distance from a predicted place to a gold point; :data:`UNRESOLVED_ERROR_KM` when it has no point."""
    if place is None or place.latitude is None or place.longitude is None:
        return UNRESOLVED_ERROR_KM
    return haversine_km(place.latitude, place.longitude, latitude, longitude)


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# ---------------------------------------------------------------------------------------------- counting


@dataclass(frozen=True)
class Tally:
    """``correct`` out of ``total``; ``value`` is None when there was nothing to score."""

    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> Tally:
        return Tally(self.correct + int(ok), self.total + 1)

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass(frozen=True)
class PRCounts:
    """Counts for precision / recall / F1.

    ``matched_pred`` and ``matched_gold`` are kept apart because a set comparison can match one prediction
    to one gold item (then they are equal) or count each side's matched items separately (document-level
    string sets, where two gold strings can share one predicted string).
    """

    matched_pred: int = 0
    n_pred: int = 0
    matched_gold: int = 0
    n_gold: int = 0

    def __add__(self, other: PRCounts) -> PRCounts:
        return PRCounts(
            self.matched_pred + other.matched_pred,
            self.n_pred + other.n_pred,
            self.matched_gold + other.matched_gold,
            self.n_gold + other.n_gold,
        )

    @property
    def precision(self) -> float:
        return self.matched_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float | None:
        """Harmonic mean of P and R; None when there is no gold item and no prediction at all."""
        if not self.n_gold and not self.n_pred:
            return None
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def classification_counts(pairs: Iterable[tuple[str, str | None]]) -> dict[str, PRCounts]:
    """Per-class counts from (gold, predicted) labels, for every class seen on either side.

    A predicted None is an abstention: a miss for the gold class, and no prediction of any class.
    """
    pairs = list(pairs)
    classes = {g for g, _ in pairs} | {p for _, p in pairs if p is not None}
    tp: dict[str, int] = dict.fromkeys(classes, 0)
    n_pred: dict[str, int] = dict.fromkeys(classes, 0)
    n_gold: dict[str, int] = dict.fromkeys(classes, 0)
    for gold, pred in pairs:
        n_gold[gold] += 1
        if pred is not None:
            n_pred[pred] += 1
            tp[pred] += int(pred == gold)
    return {c: PRCounts(tp[c], n_pred[c], tp[c], n_gold[c]) for c in sorted(classes)}


def macro_f1(pairs: Iterable[tuple[str, str | None]]) -> float | None:
    """Mean per-class F1 over the gold classes present (a class predicted but never gold is not averaged)."""
    per_class = classification_counts(pairs)
    scores = [c.f1 or 0.0 for c in per_class.values() if c.n_gold]
    return sum(scores) / len(scores) if scores else None


def micro_f1(pairs: Iterable[tuple[str, str | None]]) -> float | None:
    """Micro-averaged F1 over every class; equals accuracy when nothing abstains."""
    total = PRCounts()
    for counts in classification_counts(pairs).values():
        total = total + counts
    return total.f1


# ---------------------------------------------------------------------------------------------- names

YEAR_SUFFIX_RE = re.compile(r"\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)")  # ACLED's "(2018-)", "(1999-2008)"
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_QUOTES = str.maketrans(
    {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032`\u00b4"} | {c: '"' for c in "\u201c\u201d\u201e"}
)
# Latin letters that NFKD does not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {"ı": "i", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae", "œ": "oe",
     "Œ": "oe", "þ": "th", "ð": "d", "ħ": "h"}
)  # fmt: skip
_APOSTROPHES_RE = re.compile("['\u02bc\u02bb\u02bf\u02be]")  # dropped: "Ma'rib" = "Marib", "People's" = "Peoples"
_PUNCT_RE = re.compile(r"[^\w\s:]")  # all but word characters, spaces and ACLED's "ACRONYM: Name" colon
_SPACES_RE = re.compile(r"\s+")
LEADING_ARTICLES = ("the ",)


def fold(text: str) -> str:
    """Case-fold and strip accents (NFKD), unify dashes and quotes, collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_DASHES).translate(_QUOTES).translate(_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES_RE.sub(" ", plain.casefold()).strip()


def normalize_name(name: str) -> str:
    """An actor or place name as the scorer compares it.

    Case-folded and accent-free, ACLED's ``(YYYY-)`` period suffixes removed, apostrophes dropped, other
    punctuation (but not the "ACRONYM: Name" colon) turned to spaces, a leading "the" dropped, whitespace
    collapsed. Nothing else: no aliases, no fuzzy matching.
    """
    text = _APOSTROPHES_RE.sub("", fold(YEAR_SUFFIX_RE.sub(" ", name)))
    text = _SPACES_RE.sub(" ", _PUNCT_RE.sub(" ", text)).strip()
    text = _SPACES_RE.sub(" ", text.replace(" :", ":")).strip()
    for article in LEADING_ARTICLES:
        if text.startswith(article):
            text = text[len(article) :]
    return text


def name_variants(name: str) -> frozenset[str]:
    """The normalised name plus, for ACLED's "ACRONYM: Full Name" form, each side of the colon."""
    full = normalize_name(name)
    variants = {full.replace(":", "")}
    if ":" in full:
        head, _, tail = full.partition(":")
        variants.update(part.strip() for part in (head, tail) if part.strip())
    variants.discard("")
    return frozenset(_SPACES_RE.sub(" ", v).strip() for v in variants)


def names_match(predicted: str | None, gold: str | None) -> bool:
    """Exact match of normalised names (either side of an "ACRONYM: Name" counts); None never matches."""
    if not predicted or not gold:
        return False
    return bool(name_variants(predicted) & name_variants(gold))


# Generic words in administrative-unit names that gazetteers and coders add or drop ("Sindh Province",
# "Borno State", "Governorate of Aleppo"); removing them lets the same unit written two ways match.
ADMIN_GENERIC_WORDS = frozenset(
    {
        "province", "state", "region", "governorate", "department", "district", "oblast", "county",
        "prefecture", "division", "municipality", "territory", "of", "capital", "federal", "autonomous",
    }
)  # fmt: skip


def normalize_admin(name: str) -> str:
    """An administrative-unit name with :data:`ADMIN_GENERIC_WORDS` and punctuation removed."""
    words = normalize_name(name).replace(":", " ").replace("-", " ").split()
    kept = [w for w in words if w not in ADMIN_GENERIC_WORDS]
    return " ".join(kept or words)


def admin_match(predicted: str | None, gold: str | None) -> bool:
    if not predicted or not gold:
        return False
    return normalize_admin(predicted) == normalize_admin(gold)


UNIDENTIFIED_PREFIXES = ("unidentified", "unknown")


def is_unidentified(actor_name: str | None) -> bool:
    """ACLED's "Unidentified Armed Group (X)" and similar: the system saying it does not know who."""
    return actor_name is None or normalize_name(actor_name).startswith(UNIDENTIFIED_PREFIXES)


# ---------------------------------------------------------------------------------------------- matching


def greedy_assign(costs: Sequence[Sequence[float | None]]) -> dict[int, int]:
    """One-to-one assignment of rows to columns by ascending cost (ties: lower row, then lower column).

    ``None`` forbids a pair. Greedy is not the optimum of the total cost, but it is deterministic, easy to
    explain, and the groups it is used on are small (a few gold rows against a few predicted events).
    """
    candidates = sorted((cost, r, c) for r, row in enumerate(costs) for c, cost in enumerate(row) if cost is not None)
    taken_rows: set[int] = set()
    taken_cols: set[int] = set()
    assignment: dict[int, int] = {}
    for _, r, c in candidates:
        if r in taken_rows or c in taken_cols:
            continue
        assignment[r] = c
        taken_rows.add(r)
        taken_cols.add(c)
    return assignment


# ---------------------------------------------------------------------------------------------- errors


def evidence_json(evidence: Evidence | None) -> dict[str, Any] | None:
    if evidence is None:
        return None
    return {
        "spans": [{"start": s.start, "end": s.end, "text": s.text} for s in evidence.spans],
        "reason": evidence.reason,
    }


def event_summary(event: Event | None) -> dict[str, Any] | None:
    """The scored fields of a predicted event, compact, for the errors log."""
    if event is None:
        return None
    place = event.place
    return {
        "id": event.id,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": event.actor1.name if event.actor1 else None,
        "actor2": event.actor2.name if event.actor2 else None,
        "place": None
        if place is None
        else {
            "name": place.name,
            "admin1": place.admin1,
            "country": place.country,
            "latitude": place.latitude,
            "longitude": place.longitude,
        },
        "event_date": event.time.event_date.isoformat() if event.time else None,
        "fatalities": event.toll.fatalities,
        "notes": event.notes,
    }


class ErrorLog:
    """Writes each mismatch as one JSON line: suite, gold id, metric, gold value, prediction, evidence.

    With no path it only counts. Use as a context manager so the file is closed.
    """

    def __init__(self, path: Path | None, suite: str) -> None:
        self.path = path
        self.suite = suite
        self.count = 0
        self._handle: IO[str] | None = None

    def __enter__(self) -> ErrorLog:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8")
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def mismatch(
        self,
        gold_id: str,
        metric: str,
        gold: Any,
        predicted: Any,
        evidence: Any = None,
        **extra: Any,
    ) -> None:
        self.count += 1
        if self._handle is None:
            return
        record = {
            "suite": self.suite,
            "id": gold_id,
            "metric": metric,
            "gold": gold,
            "predicted": predicted,
            "evidence": evidence,
            **extra,
        }
        self._handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


# ---------------------------------------------------------------------------------------------- helpers


def first_event(extraction: Extraction) -> Event | None:
    """The event that answers a one-record gold item: the pipeline's first event (its document order)."""
    return extraction.events[0] if extraction.events else None


# One metric's verdict on one gold record: (correct, gold value, prediction, evidence).
Check = tuple[bool, Any, Any, Any]


def record_checks(
    tallies: dict[str, Tally], log: ErrorLog, gold_id: str, checks: Mapping[str, Check], **context: Any
) -> None:
    """Count each metric's verdict and write the wrong ones to the error log, with ``context`` beside them."""
    for key, (ok, gold_value, predicted, evidence) in checks.items():
        tallies[key] = tallies[key].add(ok)
        if not ok:
            log.mismatch(gold_id, key, gold_value, predicted, evidence, **context)


def tally_metrics(tallies: Mapping[str, Tally], keys: Iterable[str]) -> dict[str, float]:
    """The metrics of ``keys`` from their tallies (a metric with nothing to score is left out)."""
    metrics: dict[str, float] = {}
    for key in keys:
        set_metric(metrics, key, tallies[key].value)
    return metrics


def set_metric(metrics: dict[str, float], key: str, value: float | None) -> None:
    """Store a metric rounded to 4 places; a metric with nothing to score is left out (not reported as 0)."""
    if value is not None:
        metrics[key] = round(value, 4)
