"""The time stage: dates, relative days and durations in a report, resolved to calendar dates.

(Named ``dates`` so that it never shadows the standard library's ``time``.)

``find_dates(doc, doc_id, published)`` returns one :class:`DateMention` per date expression, in text order,
each with its exact character span, the resolved :class:`~conflictlens.records.EventTime` (``None`` when the
expression cannot be placed on the calendar), whether it is *history* rather than a candidate event date,
and a short reason ("'August 25' resolved against publication date 2024-08-27").

Forms recognised, by regular expressions over the text (no dateparser: these cover the forms seen in news
and in the ACLED, GTD, SATP and MUC notes, and are a hundred times faster):

- full dates: "9 May 2020", "on 9 May 2020", "Aug. 25, 2024", "Monday, August 26, 2024", ISO "2024-08-25",
  US "01/15/2014" (GTD summaries start "01/15/2014:"), "9-May-20", datelines "SAN SALVADOR, 9 JAN 90";
- dates without a year: "August 25", "25 August", "the 25th of August";
- ranges: "between 3 and 5 May", "3-5 May", "May 3 to 5", "between 30 April and 2 May",
  "from Monday to Wednesday";
- relative days: "yesterday", "today", "last night", "this morning", "on Monday", "Sunday night",
  "last Monday", "three days ago" (precision 1); "this week", "earlier this week", "last week",
  "the weekend" (precision 2); "this month", "last month", "in May", "early May", "May 2020" (precision 3);
- history cues: "in 2005", "since March 1948", "for the past 76 years", "the 18th anniversary",
  "two decades ago", "last year".

Resolution rules:

- **Reference date.** The publication date when given. Without one, the document's *first* full date
  (day, month and year: the dateline or the lede, "On 9 May 2020, ...", GTD's "01/15/2014:"). Not the
  latest: later dates are follow-ups (an arrest, a trial) that must not turn the event date into history
  (on gtd dev the first non-historical date matches the gold date in 146/146 summaries with the first
  full date as reference, 140/146 with the latest). Expressions relative to the day of writing
  ("yesterday", "on Monday", "last week") are left unresolved without a publication date, because no
  date in the text is known to be the day it was written.
- **Year of a date without one**: against a publication date, the year that puts it on or before
  publication ("August 25" published 2024-08-27 is 2024-08-25; "December 30" published 2024-01-02 is
  2023-12-30), except that a date up to :data:`FUTURE_TOLERANCE_DAYS` after publication keeps its year.
  Against the document's first full date, the year that puts it nearest that date: reports go on to later
  days ("Around 29 April 2020 ... his body was found on 7 May").
- **Weekdays**: the most recent such day on or before the reference; the reference's own weekday is the
  reference day itself. "last Monday" is the most recent Monday strictly before it.
- **Two-digit years**: the century that puts the year nearest the reference; without a reference, the
  POSIX/Python ``%y`` pivot (:data:`TWO_DIGIT_YEAR_PIVOT`).
- **Day/month order of numeric dates**: "01/15/2014" is month/day (US, as in GTD); when the first number
  is above 12 it is read day/month.
- **History**: a date that ends more than :data:`HISTORY_DAYS` before the reference, a bare year before
  the reference year, and the history cues above. History is kept (with ``historical=True``) so that later
  stages can show it, but it is never an event date.
- ``event_date`` of a range or of a week/month is its first day; ``duration_hours`` is left ``None`` here
  (the events stage attaches :func:`find_durations` results).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .figures import NUMBER_WORDS, number_value
from .records import EventTime, Evidence, Span

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc

# News describes the last days; ACLED's coarsest time precision is a month. A date ending more than a
# month before the reference is background ("in March, the group had ..."), not the event reported. On
# acled dev notes published 3 days after the gold date, 54 of 4,233 notes carry a dated look-back beyond
# 30 days and the first date that is not history still matches the gold date as often as the first date.
HISTORY_DAYS = 30
# A yearless date this close after the reference stays in the reference's year (a publication date a day
# behind the event's time zone, or an announced date) instead of jumping back a whole year.
FUTURE_TOLERANCE_DAYS = 7
# Two-digit years without a reference: 69-99 -> 1900s, 00-68 -> 2000s (POSIX strptime %y, Python's too).
TWO_DIGIT_YEAR_PIVOT = 69

PRECISION_DAY, PRECISION_WEEK, PRECISION_MONTH = 1, 2, 3
MID_MONTH = 15  # the day a bare month is measured from when choosing its year

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

# Full month names, then abbreviations with an optional full stop ("Aug. 25"); a full name never takes the
# full stop, which ends the sentence ("fighting resumed on 24 August.").
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?)"
)
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR4 = r"(?:1[89]\d\d|20\d\d)"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|midnight))?"
_YEAR_PREPOSITIONS = r"(?:in|since|of|from|until|till|by|during|before|after)"
_NUMBER = r"(?:\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """A date expression: where it is, what it resolves to, whether it is history, and why."""

    span: Span
    time: EventTime | None  # None: the expression cannot be placed on the calendar
    historical: bool
    reason: str
    doc_id: str = ""


@dataclass(frozen=True)
class Duration:
    """A stated duration ("20-hour operation", "for 12 hours", "a three-day siege")."""

    span: Span
    hours: float
    reason: str
    doc_id: str = ""


@dataclass(frozen=True)
class _Found:
    """A pattern match before resolution."""

    start: int
    end: int
    kind: str
    groups: dict[str, str]
    priority: int
    words: str  # the matched words, lower-cased, single-spaced


# (kind, pattern); earlier patterns win when two matches cover the same words with the same length.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", _rx(r"\b(?P<y>" + _YEAR4 + r")-(?P<m>0?[1-9]|1[0-2])-(?P<d>" + _DAY + r")\b")),
    ("numeric", _rx(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})\b")),
    ("d-mon-y", _rx(r"\b(?P<d>" + _DAY + r")-(?P<mon>" + _MONTH + r")-(?P<y>\d{4}|\d{2})\b")),
    (
        "range-d-mon-d-mon",
        _rx(
            r"\b(?:(?P<kw>between|from)\s+)?(?P<d1>" + _DAY + r")\s+(?:of\s+)?(?P<mon1>" + _MONTH + r")\s*"
            r"(?:-|–|to|and|until|till|through)\s*(?P<d2>" + _DAY + r")\s+(?:of\s+)?(?P<mon>" + _MONTH + r")"
            r"(?:,?\s+(?P<y>" + _YEAR4 + r"))?\b"
        ),
    ),
    (
        "range-d-d-mon",
        _rx(
            r"\b(?:(?P<kw>between|from)\s+)?(?P<d1>" + _DAY + r")\s*(?:-|–|to|and|until|till|through)\s*"
            r"(?P<d2>" + _DAY + r")\s+(?:of\s+)?(?P<mon>" + _MONTH + r")(?:,?\s+(?P<y>" + _YEAR4 + r"))?\b"
        ),
    ),
    (
        "range-mon-d-d",
        _rx(
            r"\b(?:(?P<kw>between|from)\s+)?(?P<mon>" + _MONTH + r")\s+(?P<d1>" + _DAY + r")\s*"
            r"(?:-|–|to|and|until|till|through)\s*(?P<d2>" + _DAY + r")\b(?:,?\s+(?P<y>" + _YEAR4 + r"))?"
        ),
    ),
    (
        "range-weekdays",
        _rx(
            r"\b(?:from|between)\s+(?P<wd1>" + _WEEKDAY + r")\s+(?:to|and|until|till|through)\s+"
            r"(?P<wd2>" + _WEEKDAY + r")\b"
        ),
    ),
    (
        "d-mon",
        _rx(
            r"\b(?:(?P<wd>"
            + _WEEKDAY
            + r"),?\s+)?(?P<d>"
            + _DAY
            + r")\s+(?:of\s+)?(?P<mon>"
            + _MONTH
            + r")(?:,?\s+(?P<y>"
            + _YEAR4
            + r"|\d{2})\b)?"
            + _PART_OF_DAY
        ),
    ),
    (
        "mon-d",
        _rx(
            r"\b(?<![0-9]\s)(?:(?P<wd>" + _WEEKDAY + r"),?\s+)?(?P<mon>" + _MONTH + r")\s+(?P<d>" + _DAY + r")\b"
            r"(?!\s*(?:-|–|to|and)\s*\d)(?!:)(?!\d)(?:,?\s+(?P<y>" + _YEAR4 + r")\b)?" + _PART_OF_DAY
        ),
    ),
    (
        "mon-y",
        _rx(
            r"\b(?:(?P<part>early|mid|late|end of|beginning of|the end of|the beginning of)[\s-]+)?"
            r"(?P<mon>" + _MONTH + r"),?\s+(?P<y>" + _YEAR4 + r")\b"
        ),
    ),
    (
        "mon",
        _rx(
            r"\b(?P<prep>in|since|during|until|till|from|through|throughout|early|late|mid|last|this|of)"
            r"[\s-]+(?:early\s+|late\s+|mid-?)?(?P<mon>" + _MONTH + r")\b(?!\s*\d)"
        ),
    ),
    ("year", _rx(r"\b(?P<prep>" + _YEAR_PREPOSITIONS + r")\s+(?P<y>" + _YEAR4 + r")\b")),
    ("ago", _rx(r"\b(?P<n>" + _NUMBER + r"|a|an)\s+(?P<unit>days?|weeks?|months?|years?|decades?)\s+ago\b")),
    (
        "past-years",
        _rx(r"\b(?:for|over|in)\s+(?:the\s+)?(?:past|last)\s+(?P<n>" + _NUMBER + r")\s+(?P<unit>years|decades)"),
    ),
    ("anniversary", _rx(r"\b(?:the\s+)?(?P<n>\d+(?:st|nd|rd|th)|\w+th|first|second|third)\s+anniversary\b")),
    (
        "weekday",
        _rx(r"\b(?:(?P<last>last|past|on|this|early|late)\s+)?(?P<wd>" + _WEEKDAY + r")\b" + _PART_OF_DAY),
    ),
    ("relative-day", _rx(r"\b(?:the\s+day\s+before\s+yesterday|yesterday|today|tonight|last\s+night)\b")),
    ("this-part", _rx(r"\b(?:earlier\s+|late\s+|early\s+)?this\s+(?:morning|afternoon|evening)\b")),
    ("week", _rx(r"\b(?:(?:earlier|later)\s+)?(?:this|last|past|previous)\s+week(?:end)?\b")),
    ("weekend", _rx(r"\b(?:over|at|during|on)\s+the\s+weekend\b")),
    ("month", _rx(r"\b(?:(?:earlier|later)\s+)?(?:this|last|past|previous)\s+month\b")),
    ("last-year", _rx(r"\b(?:last|past|previous)\s+year\b")),
)


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


def find_dates(doc: Doc, doc_id: str, published: dt.date | None) -> list[DateMention]:
    """Every date expression in ``doc`` in text order, resolved against ``published`` (see module doc)."""
    text = doc.text
    found = _matches(text, _anchor_windows(doc, text, DATE_ANCHORS))
    reference, reference_why = _reference(found, published)
    mentions = [_resolve(text, doc_id, f, reference, reference_why, published) for f in found]
    return [m for m in mentions if m is not None]


def find_durations(doc: Doc, doc_id: str) -> list[Duration]:
    """Stated durations in minutes, hours, days or weeks, in text order.

    Months and years are not event durations ("for the past 76 years" is history, found by
    :func:`find_dates`), so they are left out.
    """
    text = doc.text
    windows = _anchor_windows(doc, text, DURATION_ANCHORS)
    out: list[Duration] = []
    for m in _in_windows(_UNIT_LONG, text, windows):
        unit = m.group("unit").lower()
        span = Span(m.start(), m.end(), m.group(0))
        out.append(Duration(span, UNIT_HOURS[unit], f"duration: '{span.text}' = {UNIT_HOURS[unit]:g} hours", doc_id))
    for m in _in_windows(_DURATION, text, windows):
        amount = _amount(m.group("n"))
        if amount is None:
            continue
        if m.group("n").lower() in ("a", "an") and not (m.group("long") or m.group("lead")):
            continue  # "a day after the attack" is not a duration; "a day-long siege" is
        unit = m.group("unit").lower().rstrip("s")
        hours = amount * UNIT_HOURS[unit]
        start = m.start("n")
        span = Span(start, m.end(), text[start : m.end()])
        out.append(Duration(span, hours, f"duration: '{span.text}' = {hours:g} hours", doc_id))
    out.sort(key=lambda d: d.span.start)
    return out


UNIT_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0}
_UNIT_LONG = _rx(r"(?<![\w-])(?P<unit>hour|day|week)-long\b")  # "a week-long strike": one unit
_DURATION = _rx(
    r"(?:(?P<lead>\bfor|\blasted|\blasting|\bover|\bwithin|\bafter)\s+(?:(?:about|nearly|almost|over|around|"
    r"some|more\s+than|at\s+least)\s+)?)?\b(?P<n>\d+(?:\.\d+)?|a|an|half\s+an|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?)"
    r"[-\s](?P<unit>minutes?|hours?|days?|weeks?)\b(?P<long>-long)?(?!\s+(?:ago|later|earlier|after|before))"
)


# ---------------------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------------------


# Words near which a date expression must stand (besides tokens starting with a digit). The patterns run
# only in windows around them: twenty regexes over a whole report cost tens of milliseconds.
DATE_ANCHORS = (
    frozenset(MONTHS)
    | frozenset(WEEKDAYS)
    | {"yesterday", "today", "tonight", "night", "morning", "afternoon", "evening", "week", "weekend", "month"}
    | {"year", "ago", "anniversary", "decades", "years"}
)
DURATION_ANCHORS = frozenset({"minute", "minutes", "hour", "hours", "day", "days", "week", "weeks"})
# Characters around an anchor that a pattern may cover ("between 30 April and 2 May 2020" is 31 long).
ANCHOR_MARGIN = 48


@functools.lru_cache(maxsize=4)
def _anchor_ids(anchors: frozenset[str]) -> frozenset[int]:
    """spaCy's string ids of the anchor words (and of "aug." for "aug"), so no Token object is needed."""
    from spacy.strings import get_string_id

    return frozenset(get_string_id(w) for word in anchors for w in (word, word + "."))


def _anchor_windows(doc: Doc, text: str, anchors: frozenset[str]) -> list[tuple[int, int]]:
    """Merged character windows around the anchor words of ``doc``, cut at word ends."""
    from spacy.attrs import IDX, LENGTH, LOWER

    ids = _anchor_ids(anchors)
    windows: list[tuple[int, int]] = []
    for lower, idx, length in doc.to_array([LOWER, IDX, LENGTH]).tolist():
        if not (lower in ids or text[idx].isdigit()):
            continue
        start, end = max(0, idx - ANCHOR_MARGIN), min(len(text), idx + length + ANCHOR_MARGIN)
        while end < len(text) and not text[end].isspace():
            end += 1  # a lookahead must see the whole word at the window's end
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _in_windows(pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    for start, end in windows:
        yield from pattern.finditer(text, start, end)


def _matches(text: str, windows: list[tuple[int, int]]) -> list[_Found]:
    candidates: list[_Found] = []
    for priority, (kind, pattern) in enumerate(PATTERNS):
        for m in _in_windows(pattern, text, windows):
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            end = m.end()
            if kind == "d-mon" and len(groups.get("y", "")) == 2 and not groups["mon"].isupper():
                del groups["y"]  # "9 May 20 people": a two-digit year only in upper-case datelines ("9 JAN 90")
                end = m.end("mon")
            if not _plausible(kind, groups, text, m):
                continue
            start = _core_start(kind, groups, m)
            words = " ".join(text[start:end].lower().split())
            candidates.append(_Found(start, end, kind, groups, priority, words))
    candidates.sort(key=lambda f: (-(f.end - f.start), f.priority, f.start))
    chosen: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for cand in candidates:
        if any(cand.start < e and s < cand.end for s, e in taken):
            continue
        chosen.append(cand)
        taken.append((cand.start, cand.end))
    chosen.sort(key=lambda f: f.start)
    return chosen


# Prepositions that belong to the sentence, not the date: "in May" is stored as "May", "early May" whole.
_LEADING_PREPOSITIONS = frozenset(
    {"in", "since", "during", "until", "till", "from", "through", "throughout", "of", "by", "before"} | {"after", "on"}
)
_SHORT_MONTH_WORDS = frozenset({"mar", "jun", "jul", "sept", "may"})


def _core_start(kind: str, groups: dict[str, str], m: re.Match[str]) -> int:
    prep = groups.get("prep") or groups.get("last") or ""
    if prep.lower() in _LEADING_PREPOSITIONS:
        core = {"mon": "mon", "year": "y", "weekday": "wd"}[kind]
        return m.start(core)
    return m.start()


def _plausible(kind: str, groups: dict[str, str], text: str, m: re.Match[str]) -> bool:
    if groups.get("mon1", "X").rstrip(".").islower():
        return False
    mon = groups.get("mon")
    if mon is not None:
        word = mon.rstrip(".")
        if word.islower():
            return False  # "may", "march": verbs, not months
        if kind in ("mon", "mon-y") and word.isupper() and word.lower() in _SHORT_MONTH_WORDS:
            return word.lower() == "may" and kind == "mon-y"  # "MAR", "JUN" alone are acronyms
        if len(word) == 3 and word.lower() == "dec" and kind == "mon":
            return False
    if kind == "numeric":
        a, b = int(groups["a"]), int(groups["b"])
        if not (1 <= a <= 31 and 1 <= b <= 31 and (a <= 12 or b <= 12)):
            return False
    if kind == "weekday":
        wd = groups["wd"]
        if wd.islower():
            return False
    return not (kind == "mon" and groups["prep"].lower() == "of" and not text[m.end() :].startswith(" "))


# ---------------------------------------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------------------------------------


def _reference(found: Iterable[_Found], published: dt.date | None) -> tuple[dt.date | None, str]:
    """The publication date, else the document's first full date (see the module doc for why the first)."""
    if published is not None:
        return published, f"publication date {published.isoformat()}"
    for f in found:
        if f.kind in ("iso", "numeric", "d-mon-y", "d-mon", "mon-d") and f.groups.get("y"):
            day = _absolute_day(f)
            if day is not None:
                return day, f"the document's first full date {day.isoformat()}"
    return None, "no publication date"


def _absolute_day(f: _Found) -> dt.date | None:
    g = f.groups
    year = int(g["y"]) if len(g["y"]) == 4 else _full_year(g["y"], None)
    if f.kind == "iso":
        return _safe_date(year, int(g["m"]), _day(g["d"]))
    if f.kind == "numeric":
        month, day = _numeric_order(int(g["a"]), int(g["b"]))
        return _safe_date(year, month, day)
    return _safe_date(year, _month(g["mon"]), _day(g["d"]))


def _resolve(
    text: str,
    doc_id: str,
    f: _Found,
    reference: dt.date | None,
    reference_why: str,
    published: dt.date | None,
) -> DateMention | None:
    span = Span(f.start, f.end, text[f.start : f.end])
    quoted = f"'{span.text}'"
    resolved = _RESOLVERS[f.kind](f, reference, published)
    if isinstance(resolved, _Unresolved):
        return DateMention(span, None, resolved.historical, f"{quoted} {resolved.why}", doc_id)
    start, end, precision, how = resolved
    historical = reference is not None and (reference - end).days > HISTORY_DAYS
    if how == "relative":
        reason = f"{quoted} resolved against {reference_why}"
    elif how == "explicit":
        reason = f"{quoted} states its year"
    else:
        reason = f"{quoted} {how}; resolved against {reference_why}"
    if historical:
        reason += f"; history: more than {HISTORY_DAYS} days before the reference"
    evidence = Evidence(doc_id, (span,), f"date: {reason}")
    time = EventTime(start, start, end, precision, evidence)
    return DateMention(span, time, historical, reason, doc_id)


@dataclass(frozen=True)
class _Unresolved:
    why: str
    historical: bool = False


_Resolution = tuple[dt.date, dt.date, int, str] | _Unresolved


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _month(text: str) -> int:
    return MONTHS[text.rstrip(".").lower()]


def _numeric_order(a: int, b: int) -> tuple[int, int]:
    """(month, day) of "a/b": month first (US) unless a cannot be a month."""
    return (b, a) if a > 12 else (a, b)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _full_year(two_digits: str, reference: dt.date | None) -> int:
    yy = int(two_digits)
    if reference is None:
        return (1900 if yy >= TWO_DIGIT_YEAR_PIVOT else 2000) + yy
    candidates = [century + yy for century in (1900, 2000, 2100)]
    return min(candidates, key=lambda y: abs(y - reference.year))


def _year_for(month: int, day: int, reference: dt.date, published: bool) -> int | None:
    """The year of a yearless month/day.

    Against a publication date: the year that puts it on or before publication (see FUTURE_TOLERANCE_DAYS).
    Against the document's first full date: the year that puts it nearest that date, since a report goes on
    to later days ("found on 7 May" after "Around 29 April 2020").
    """
    if not published:
        years = [y for y in (reference.year - 1, reference.year, reference.year + 1) if _safe_date(y, month, day)]
        return min(years, key=lambda y: abs((dt.date(y, month, day) - reference).days), default=None)
    for year in (reference.year, reference.year - 1):
        candidate = _safe_date(year, month, day)
        if candidate is None:
            continue
        if (candidate - reference).days <= (FUTURE_TOLERANCE_DAYS if year == reference.year else 0):
            return year
    return None


def _resolve_iso(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    day = _absolute_day(f)
    if day is None:
        return _Unresolved("is not a calendar date")
    return day, day, PRECISION_DAY, "explicit"


def _resolve_day_month(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    g = f.groups
    if f.kind == "numeric":
        month, day = _numeric_order(int(g["a"]), int(g["b"]))
    else:
        month, day = _month(g["mon"]), _day(g["d"])
    year_text = g.get("y")
    if year_text:
        year = int(year_text) if len(year_text) == 4 else _full_year(year_text, reference)
        found = _safe_date(year, month, day)
        if found is None:
            return _Unresolved("is not a calendar date")
        how = "explicit" if len(year_text) == 4 else f"two-digit year read as {year}"
        return found, found, PRECISION_DAY, how
    if reference is None:
        return _Unresolved("has no year and the document gives no reference date")
    inferred = _year_for(month, day, reference, published is not None)
    found = _safe_date(inferred, month, day) if inferred is not None else None
    if found is None:
        return _Unresolved("is not a calendar date")
    return found, found, PRECISION_DAY, "relative"


def _resolve_day_range(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    g = f.groups
    month, first, last = _month(g["mon"]), _day(g["d1"]), _day(g["d2"])
    first_month = _month(g["mon1"]) if "mon1" in g else month
    if (first_month, first) >= (month, last) and first_month <= month:
        return _Unresolved("is not a range of days")
    if g.get("y"):
        year: int | None = int(g["y"])
    elif reference is not None:
        year = _year_for(month, last, reference, published is not None)
    else:
        return _Unresolved("has no year and the document gives no reference date")
    end = _safe_date(year, month, last) if year is not None else None
    start_year = year - 1 if year is not None and first_month > month else year  # "30 December to 2 January"
    start = _safe_date(start_year, first_month, first) if start_year is not None else None
    if start is None or end is None:
        return _Unresolved("is not a calendar date")
    precision = PRECISION_DAY if (end - start).days == 0 else PRECISION_WEEK if (end - start).days < 7 else 3
    return start, end, precision, "explicit" if g.get("y") else "relative"


def _resolve_month_year(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    year, month = int(f.groups["y"]), _month(f.groups["mon"])
    start, end = _month_range(year, month)
    return start, end, PRECISION_MONTH, "explicit"


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _resolve_month(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    if reference is None:
        return _Unresolved("has no year and the document gives no reference date")
    month = _month(f.groups["mon"])
    year = reference.year if month <= reference.month else reference.year - 1
    if published is None:  # against the document's first full date: the nearest such month
        year = _year_for(month, MID_MONTH, reference, published=False) or year
    if f.groups["prep"].lower() == "last" and month >= reference.month:
        year = reference.year - 1
    start, end = _month_range(year, month)
    return start, end, PRECISION_MONTH, "relative"


def _resolve_year(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    year = int(f.groups["y"])
    if reference is not None and year < reference.year:
        return _Unresolved("gives only a year, before the reference year: history", historical=True)
    return _Unresolved("gives only a year (coarser than a month)")


def _resolve_history(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    unit = f.groups.get("unit", "").lower()
    if f.kind == "ago" and unit.startswith(("day", "week")):
        return _resolve_days_ago(f, published)
    if f.kind == "ago" and unit.startswith("month"):
        return _Unresolved("looks back months: history", historical=True)
    return _Unresolved("looks back years: history", historical=True)


def _resolve_days_ago(f: _Found, published: dt.date | None) -> _Resolution:
    if published is None:
        return _Unresolved("is relative to the day of writing and there is no publication date")
    n = _amount(f.groups["n"]) or 1
    unit = f.groups["unit"].lower()
    back = int(n * (7 if unit.startswith("week") else 1))
    day = published - dt.timedelta(days=back)
    return day, day, PRECISION_DAY if unit.startswith("day") else PRECISION_WEEK, "relative"


def _amount(word: str) -> float | None:
    low = word.lower().strip()
    if low in ("a", "an"):
        return 1.0
    if low.startswith("half"):
        return 0.5
    if re.fullmatch(r"\d+(?:\.\d+)?", low):
        return float(low)
    value = number_value(low)
    return float(value) if value is not None else None


def _resolve_weekday(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    if published is None:
        return _Unresolved("is relative to the day of writing and there is no publication date")
    weekday = WEEKDAYS[f.groups["wd"].lower()]
    back = (published.weekday() - weekday) % 7
    if (f.groups.get("last") or "").lower() in ("last", "past") and back == 0:
        back = 7
    day = published - dt.timedelta(days=back)
    return day, day, PRECISION_DAY, "relative"


def _resolve_weekday_range(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    if published is None:
        return _Unresolved("is relative to the day of writing and there is no publication date")
    last = published - dt.timedelta(days=(published.weekday() - WEEKDAYS[f.groups["wd2"].lower()]) % 7)
    first = last - dt.timedelta(days=(last.weekday() - WEEKDAYS[f.groups["wd1"].lower()]) % 7)
    return first, last, PRECISION_WEEK if first != last else PRECISION_DAY, "relative"


def _resolve_relative_day(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    if published is None:
        return _Unresolved("is relative to the day of writing and there is no publication date")
    if "before yesterday" in f.words:
        back = 2
    elif "yesterday" in f.words or "last night" in f.words:
        back = 1  # "last night": the evening before the day of writing
    else:
        back = 0  # "today", "tonight", "this morning"
    day = published - dt.timedelta(days=back)
    return day, day, PRECISION_DAY, "relative"


def _resolve_week(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    if published is None:
        return _Unresolved("is relative to the day of writing and there is no publication date")
    monday = published - dt.timedelta(days=published.weekday())
    if f.words.endswith("weekend"):
        saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)
        if f.words.startswith(("last", "past", "previous")) and published - saturday < dt.timedelta(days=2):
            saturday -= dt.timedelta(days=7)
        return saturday, min(saturday + dt.timedelta(days=1), published), PRECISION_WEEK, "relative"
    if "past week" in f.words:
        return published - dt.timedelta(days=7), published, PRECISION_WEEK, "relative"
    if "last week" in f.words or "previous week" in f.words:
        start = monday - dt.timedelta(days=7)
        return start, start + dt.timedelta(days=6), PRECISION_WEEK, "relative"
    return monday, published, PRECISION_WEEK, "relative"


def _resolve_month_relative(f: _Found, reference: dt.date | None, published: dt.date | None) -> _Resolution:
    if published is None:
        return _Unresolved("is relative to the day of writing and there is no publication date")
    if "past month" in f.words:
        return published - dt.timedelta(days=30), published, PRECISION_MONTH, "relative"
    if "last month" in f.words or "previous month" in f.words:
        end = published.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end, PRECISION_MONTH, "relative"
    return published.replace(day=1), published, PRECISION_MONTH, "relative"


_RESOLVERS = {
    "iso": _resolve_iso,
    "numeric": _resolve_day_month,
    "d-mon-y": _resolve_day_month,
    "d-mon": _resolve_day_month,
    "mon-d": _resolve_day_month,
    "range-d-d-mon": _resolve_day_range,
    "range-d-mon-d-mon": _resolve_day_range,
    "range-mon-d-d": _resolve_day_range,
    "range-weekdays": _resolve_weekday_range,
    "mon-y": _resolve_month_year,
    "mon": _resolve_month,
    "year": _resolve_year,
    "ago": _resolve_history,
    "past-years": _resolve_history,
    "anniversary": _resolve_history,
    "weekday": _resolve_weekday,
    "relative-day": _resolve_relative_day,
    "this-part": _resolve_relative_day,
    "week": _resolve_week,
    "weekend": _resolve_week,
    "month": _resolve_month_relative,
    "last-year": _resolve_history,
}
