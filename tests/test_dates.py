"""The time stage: date forms, resolution against a publication date, history, ranges and durations.

Dates are read from the text alone, so a blank spaCy English pipeline (a tokenizer) stands in for the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import spacy

from conflictlens.dates import HISTORY_DAYS, DateMention, Duration, find_dates, find_durations

D = dt.date
PUBLISHED = D(2024, 8, 27)  # a Tuesday
DateFinder = Callable[..., list[DateMention]]


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.blank("en")


@pytest.fixture(scope="module")
def dates_of(nlp: spacy.language.Language) -> DateFinder:
    def run(text: str, published: dt.date | None = PUBLISHED) -> list[DateMention]:
        found = find_dates(nlp(text), "doc-1", published)
        for m in found:
            assert text[m.span.start : m.span.end] == m.span.text
            assert m.reason
            if m.time is not None:
                assert m.time.evidence.doc_id == "doc-1"
                assert m.time.evidence.spans == (m.span,)
                assert m.time.date_start <= m.time.event_date <= m.time.date_end
                assert m.time.duration_hours is None
        assert [m.span.start for m in found] == sorted(m.span.start for m in found)
        return found

    return run


def one(found: list[DateMention]) -> DateMention:
    assert len(found) == 1, [m.span.text for m in found]
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "span", "day"),
    [
        ("The operation began on August 25 near Bela.", "August 25", D(2024, 8, 25)),
        ("The operation began on 25 August near Bela.", "25 August", D(2024, 8, 25)),
        ("It was reported on Aug. 25, 2024 by the agency.", "Aug. 25, 2024", D(2024, 8, 25)),
        ("On 9 May 2020, medical interns protested.", "9 May 2020", D(2020, 5, 9)),
        ("Event date 9-May-20 as coded.", "9-May-20", D(2020, 5, 9)),
        ("The file is dated 2024-08-25 in the header.", "2024-08-25", D(2024, 8, 25)),
        ("01/15/2014: An explosive device detonated outside a court.", "01/15/2014", D(2014, 1, 15)),
        ("15/01/2014: A device detonated.", "15/01/2014", D(2014, 1, 15)),
        ("It happened on Monday, August 26, 2024, at night.", "Monday, August 26, 2024", D(2024, 8, 26)),
        ("Fighting resumed on the 24th of August.", "24th of August", D(2024, 8, 24)),
        ("Fighting resumed on 24 August.", "24 August", D(2024, 8, 24)),
    ],
)
def test_calendar_forms(dates_of: DateFinder, sentence: str, span: str, day: dt.date) -> None:
    m = one(dates_of(sentence, day + dt.timedelta(days=2)))
    assert m.span.text == span
    assert m.time is not None
    assert (m.time.event_date, m.time.date_end, m.time.time_precision) == (day, day, 1)
    assert not m.historical


def test_reason_names_the_publication_date(dates_of: DateFinder) -> None:
    m = one(dates_of("The operation began on August 25."))
    assert m.reason == "'August 25' resolved against publication date 2024-08-27"
    assert m.time is not None and m.time.evidence.reason == f"date: {m.reason}"


def test_yearless_date_goes_back_across_new_year(dates_of: DateFinder) -> None:
    m = one(dates_of("The clash took place on December 30.", D(2024, 1, 2)))
    assert m.time is not None and m.time.event_date == D(2023, 12, 30)


def test_yearless_date_a_day_ahead_stays_in_the_year(dates_of: DateFinder) -> None:
    m = one(dates_of("Talks are planned for August 29.", PUBLISHED))
    assert m.time is not None and m.time.event_date == D(2024, 8, 29)


def test_dateline_two_digit_year(dates_of: DateFinder) -> None:
    text = "SAN SALVADOR, 9 JAN 90 (RADIO NETWORK) -- Troops clashed with rebels."
    m = one(dates_of(text, None))
    assert m.span.text == "9 JAN 90"
    assert m.time is not None and m.time.event_date == D(1990, 1, 9)
    m = one(dates_of(text, D(1990, 1, 12)))
    assert m.time is not None and m.time.event_date == D(1990, 1, 9)
    assert "two-digit year" in m.reason


def test_two_digit_year_only_in_capitals(dates_of: DateFinder) -> None:
    m = one(dates_of("On 9 May 20 people were killed."))
    assert m.span.text == "9 May"
    assert m.time is not None and m.time.event_date == D(2024, 5, 9)


# ---------------------------------------------------------------------------------------------------------
# Relative days, weeks and months (publication 2024-08-27, a Tuesday)
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "span", "day"),
    [
        ("Militants attacked the post on Monday.", "Monday", D(2024, 8, 26)),
        ("The blast happened Sunday night in the market.", "Sunday night", D(2024, 8, 25)),
        ("Police raided the camp on Tuesday.", "Tuesday", D(2024, 8, 27)),
        ("Police raided the camp last Tuesday.", "last Tuesday", D(2024, 8, 20)),
        ("The bodies were found on Wednesday.", "Wednesday", D(2024, 8, 21)),
        ("Two soldiers were killed yesterday.", "yesterday", D(2024, 8, 26)),
        ("Two soldiers were killed today.", "today", D(2024, 8, 27)),
        ("Shelling continued last night.", "last night", D(2024, 8, 26)),
        ("Gunmen struck this morning.", "this morning", D(2024, 8, 27)),
        ("A bomb went off three days ago.", "three days ago", D(2024, 8, 24)),
    ],
)
def test_relative_days(dates_of: DateFinder, sentence: str, span: str, day: dt.date) -> None:
    m = one(dates_of(sentence))
    assert m.span.text == span
    assert m.time is not None and (m.time.event_date, m.time.time_precision) == (day, 1)


@pytest.mark.parametrize(
    ("sentence", "start", "end", "precision"),
    [
        ("Clashes were reported earlier this week.", D(2024, 8, 26), D(2024, 8, 27), 2),
        ("Clashes were reported last week.", D(2024, 8, 19), D(2024, 8, 25), 2),
        ("Dozens were detained this month.", D(2024, 8, 1), D(2024, 8, 27), 3),
        ("Dozens were detained last month.", D(2024, 7, 1), D(2024, 7, 31), 3),
        ("Dozens were detained in May.", D(2024, 5, 1), D(2024, 5, 31), 3),
        ("The offensive of May 2020 failed.", D(2020, 5, 1), D(2020, 5, 31), 3),
        ("Fighting raged between 3 and 5 August.", D(2024, 8, 3), D(2024, 8, 5), 2),
        ("Fighting raged from August 3 to 5.", D(2024, 8, 3), D(2024, 8, 5), 2),
        ("Fighting raged from Monday to Wednesday.", D(2024, 8, 19), D(2024, 8, 21), 2),
    ],
)
def test_weeks_months_and_ranges(
    dates_of: DateFinder, sentence: str, start: dt.date, end: dt.date, precision: int
) -> None:
    m = one(dates_of(sentence))
    assert m.time is not None
    assert (m.time.date_start, m.time.date_end, m.time.time_precision) == (start, end, precision)
    assert m.time.event_date == start


def test_month_span_leaves_out_the_preposition(dates_of: DateFinder) -> None:
    assert one(dates_of("Dozens were detained in May.")).span.text == "May"


def test_relative_expressions_need_a_publication_date(dates_of: DateFinder) -> None:
    found = dates_of("Two soldiers were killed yesterday and a policeman on Monday.", None)
    assert [m.span.text for m in found] == ["yesterday", "Monday"]
    assert all(m.time is None for m in found)
    assert all("no publication date" in m.reason for m in found)


# ---------------------------------------------------------------------------------------------------------
# Without a publication date: the document's own latest full date is the reference
# ---------------------------------------------------------------------------------------------------------


def test_yearless_date_without_reference_is_unresolved(dates_of: DateFinder) -> None:
    m = one(dates_of("The operation began on August 25.", None))
    assert m.time is None and not m.historical
    assert "no reference date" in m.reason


def test_yearless_date_takes_the_year_of_the_documents_first_full_date(dates_of: DateFinder) -> None:
    found = dates_of("On 9 May 2020, police raided the camp. The suspects had fled on 7 May.", None)
    assert [m.span.text for m in found] == ["9 May 2020", "7 May"]
    assert found[1].time is not None and found[1].time.event_date == D(2020, 5, 7)
    assert "the document's first full date 2020-05-09" in found[1].reason


def test_yearless_date_after_the_first_full_date_is_a_follow_up(dates_of: DateFinder) -> None:
    found = dates_of("Around 28 March 2021, a man was abducted; his body was found on 9 April.", None)
    assert found[1].time is not None and found[1].time.event_date == D(2021, 4, 9)
    assert not found[1].historical


def test_later_follow_up_dates_do_not_make_the_event_history(dates_of: DateFinder) -> None:
    text = "03/02/2015: A device exploded at a clinic. The bomber was sentenced on June 11, 2017."
    found = dates_of(text, None)
    assert [(m.span.text, m.historical) for m in found] == [("03/02/2015", False), ("June 11, 2017", False)]


def test_look_back_from_the_first_full_date_is_history(dates_of: DateFinder) -> None:
    found = dates_of("On 9 May 2020, rebels attacked the town they had lost on 2 February 2020.", None)
    assert [m.historical for m in found] == [False, True]


def test_range_across_months(dates_of: DateFinder) -> None:
    m = one(dates_of("Around 1 May (between 30 April and 2 May), the rebels raided villages.", D(2020, 5, 4))[1:])
    assert m.span.text == "between 30 April and 2 May"
    assert m.time is not None
    assert (m.time.date_start, m.time.date_end, m.time.time_precision) == (D(2020, 4, 30), D(2020, 5, 2), 2)


# ---------------------------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "span"),
    [
        ("The leader was killed by soldiers in 2005.", "2005"),
        ("The province has been occupied since March 1948.", "March 1948"),
        ("The army has been here for the past 76 years.", "for the past 76 years"),
        ("The attack marked the 18th anniversary of his death.", "the 18th anniversary"),
        ("The group was founded two decades ago.", "two decades ago"),
        ("A similar raid took place on 3 January 2024.", "3 January 2024"),
    ],
)
def test_history_is_not_an_event_date(dates_of: DateFinder, sentence: str, span: str) -> None:
    m = one(dates_of(sentence))
    assert m.span.text == span
    assert m.historical
    assert "history" in m.reason


def test_history_threshold(dates_of: DateFinder) -> None:
    recent = PUBLISHED - dt.timedelta(days=HISTORY_DAYS)
    old = recent - dt.timedelta(days=1)
    text = f"Raids on {recent.day} {recent:%B} {recent.year} and on {old.day} {old:%B} {old.year}."
    found = dates_of(text)
    assert [m.historical for m in found] == [False, True]


def test_current_year_alone_is_not_history(dates_of: DateFinder) -> None:
    m = one(dates_of("The group was formed in 2024."))
    assert m.time is None and not m.historical


def test_example_report_dates(nlp: spacy.language.Language, example_text: str) -> None:
    found = find_dates(nlp(example_text), "herof", PUBLISHED)
    events = [m for m in found if not m.historical and m.time is not None]
    assert [m.span.text for m in events] == ["August 25"]
    assert events[0].time is not None and events[0].time.event_date == D(2024, 8, 25)
    history = {m.span.text for m in found if m.historical}
    assert {"2005", "March 1948", "for the past 76 years", "the 18th anniversary"} <= history


# ---------------------------------------------------------------------------------------------------------
# Words that look like dates but are not
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The toll may rise as rescuers search the rubble.",
        "Protesters march to the square every week.",
        "The MAR unit and the DEC committee met.",
        "He said 12 soldiers were killed and 3 wounded.",
    ],
)
def test_not_dates(dates_of: DateFinder, sentence: str) -> None:
    assert dates_of(sentence) == []


# ---------------------------------------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "span", "hours"),
    [
        ("The 20-hour operation ended at dawn.", "20-hour", 20.0),
        ("They held the camp for 12 hours.", "12 hours", 12.0),
        ("It was a three-day siege.", "three-day", 72.0),
        ("The curfew will last 48 hours.", "48 hours", 48.0),
        ("Gunfire went on for 45 minutes.", "45 minutes", 0.75),
        ("The week-long strike ended.", "week-long", 168.0),
        ("It was a two-week blockade.", "two-week", 336.0),
    ],
)
def test_durations(nlp: spacy.language.Language, sentence: str, span: str, hours: float) -> None:
    found = find_durations(nlp(sentence), "doc-1")
    assert len(found) == 1
    d: Duration = found[0]
    assert (d.span.text, d.hours) == (span, hours)
    assert sentence[d.span.start : d.span.end] == span


@pytest.mark.parametrize(
    "sentence",
    [
        "A day after the attack, the army withdrew.",
        "The army has been here for the past 76 years.",
        "Two days later the bodies were found.",
    ],
)
def test_not_durations(nlp: spacy.language.Language, sentence: str) -> None:
    assert find_durations(nlp(sentence), "doc-1") == []
