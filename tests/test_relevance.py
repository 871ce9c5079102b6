"""The relevance filter: conflict reports pass, sport/markets/weather/celebrity news is skipped before spaCy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conflictlens.cli import app
from conflictlens.evaluation import evaluate
from conflictlens.ingest import document_from_text
from conflictlens.pipeline import Pipeline
from conflictlens.relevance import RELEVANCE_THRESHOLD, is_relevant, score_text

# Written for these tests.
FOOTBALL = (
    "United came from a goal down to beat Athletic 2-1 on Sunday and move three points clear at the top of the "
    "league. The visitors' striker fired a shot into the top corner after ten minutes, but United's attack "
    "battled back and the midfielder levelled with a header before half-time. The captain's late strike from "
    "the edge of the box won it, and the goalkeeper kept out a penalty in stoppage time. The coach said the "
    "injury to his defender would be assessed before the cup tie on Wednesday."
)
MARKETS = (
    "Stocks rallied for a second day as investors welcomed lower inflation figures. The index rose 1.2 percent, "
    "bond yields fell and the dollar slipped against the euro. Analysts said earnings from the big banks would "
    "decide whether the gains last into next week."
)
WEATHER = (
    "Heavy rain and strong gusts are expected in the north on Thursday, with temperatures two degrees below "
    "average. Sunny spells return at the weekend as high pressure builds, forecasters said."
)
CELEBRITY = (
    "The actor and the singer were married in a small ceremony on Saturday, and fans flooded social media with "
    "congratulations. The couple met on the set of a film; her new album is out next month before a world tour."
)
STADIUM_BOMBING = (
    "A bomb exploded outside the national stadium during a league match on Sunday, killing four fans and wounding "
    "twenty, police said. No group has claimed the attack."
)
VIOLENT_REPORTS = (
    "Gunmen shot dead two policemen at a checkpoint in Quetta on Monday.",
    "Militants attacked an army post overnight; three soldiers were killed in the clashes.",
    "Artillery shelling hit residential areas of the town for a second day.",
    "Hundreds of teachers protested outside the assembly on Tuesday against unpaid salaries.",
    "Police arrested five suspects after a roadside explosion near the market.",
    "Rebels seized two villages after government forces withdrew.",
    "A woman was stabbed by a man near a shopping centre on Sunday.",
)


@pytest.mark.parametrize("text", VIOLENT_REPORTS)
def test_violent_reports_and_protests_are_kept(text: str) -> None:
    assert is_relevant(text), score_text(text)


@pytest.mark.parametrize("text", [FOOTBALL, MARKETS, WEATHER, CELEBRITY])
def test_sport_markets_weather_and_celebrity_news_are_dropped(text: str) -> None:
    assert not is_relevant(text), score_text(text)


def test_a_football_report_borrowing_war_words_is_outweighed_by_its_sport_words() -> None:
    score = score_text(FOOTBALL)
    assert score.weak >= 3  # "attack", "battled", "shot", "fired", "strike", "injury"
    assert score.off_topic > score.weak
    assert score.score < RELEVANCE_THRESHOLD


def test_a_bombing_at_a_stadium_is_kept_despite_its_sport_words() -> None:
    score = score_text(STADIUM_BOMBING)
    assert score.off_topic >= 2  # "league" and "fans"
    assert score.relevant


def test_matching_ignores_case_for_upper_case_wire_archives() -> None:
    assert is_relevant(VIOLENT_REPORTS[0].upper())
    assert not is_relevant(FOOTBALL.upper())


def test_an_off_topic_document_gets_no_events_and_a_reason_without_being_parsed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def no_parse(self):  # type: ignore[no-untyped-def]
        raise AssertionError("an off-topic document was sent to spaCy")

    monkeypatch.setattr(Pipeline, "nlp", property(no_parse))
    document = document_from_text(FOOTBALL, origin="sport.txt")
    result = Pipeline().extract(document)
    assert result.events == () and result.claims == ()
    assert result.problem is not None
    assert result.problem.origin == "sport.txt" and result.problem.doc_id == document.id
    assert result.problem.reason.startswith("no events: off-topic")


class CountingNlp:
    """Wraps the spaCy pipeline and records which texts it was asked to parse."""

    def __init__(self, nlp) -> None:  # type: ignore[no-untyped-def]
        self.nlp = nlp
        self.parsed: list[str] = []

    def pipe(self, texts):  # type: ignore[no-untyped-def]
        texts = list(texts)
        self.parsed.extend(texts)
        return self.nlp.pipe(texts)


def test_with_the_filter_off_an_off_topic_document_is_parsed(pipeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    counting = CountingNlp(pipeline.nlp)
    monkeypatch.setattr(Pipeline, "nlp", property(lambda self: counting))
    Pipeline().extract_text(FOOTBALL, origin="sport.txt")
    assert counting.parsed == []
    result = pipeline.without_relevance_filter().extract_text(FOOTBALL, origin="sport.txt")
    assert counting.parsed == [FOOTBALL]
    assert result.problem is None or "off-topic" not in result.problem.reason


def test_a_batch_keeps_its_order_when_some_documents_are_skipped(pipeline) -> None:  # type: ignore[no-untyped-def]
    texts = [MARKETS, VIOLENT_REPORTS[0], WEATHER, VIOLENT_REPORTS[3]]
    documents = [document_from_text(t, origin=f"doc{i}", published="2024-05-08") for i, t in enumerate(texts)]
    results = list(pipeline.extract_many(documents))
    assert [r.document.origin for r in results] == ["doc0", "doc1", "doc2", "doc3"]
    assert [bool(r.events) for r in results] == [False, True, False, True]
    assert results[0].problem is not None and "off-topic" in results[0].problem.reason


def test_the_geoparsing_suite_scores_toponyms_in_off_topic_articles_too(tmp_path: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "Heavy rain and strong gusts are expected in Lahore on Thursday, with temperatures below average."
    start = text.index("Lahore")
    record = {
        "id": "t1",
        "corpus": "test",
        "text": text,
        "toponyms": [
            {"start": start, "end": start + 6, "name": "Lahore", "latitude": 31.55, "longitude": 74.34, "geonameid": 1}
        ],
    }
    (tmp_path / "dev.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert not is_relevant(text)
    report = evaluate("geoparsing", tmp_path, pipeline=pipeline)
    assert report.metrics["toponym_f1"] == 1.0


def test_cli_no_relevance_filter_flag_sends_off_topic_text_through_every_stage(tmp_path: Path) -> None:
    report = tmp_path / "sport.txt"
    report.write_text(FOOTBALL, encoding="utf-8")
    runner = CliRunner()
    filtered = runner.invoke(app, ["extract", str(report), "--format", "json"])
    unfiltered = runner.invoke(app, ["extract", str(report), "--format", "json", "--no-relevance-filter"])
    assert filtered.exit_code == 1 and "off-topic" in filtered.output
    assert "off-topic" not in unfiltered.output
