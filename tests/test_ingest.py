"""Tests of the ingest stage: formats, syndication credits, ids, bad input, language, streaming.

Every report here is fictional text written for these tests; tests/fixtures/ingest/news_page.html is a
made-up news page (~800 words) with the menus, scripts and footer of a real one.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import json
import logging
import random
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictlens import ingest, nlp
from conflictlens.errors import IngestError
from conflictlens.ingest import (
    MAX_TEXT_CHARS,
    detect_language,
    document_from_bytes,
    document_from_html,
    document_from_text,
    parse_date,
    read_documents,
    split_syndication,
)
from conflictlens.records import Document, Problem

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
NEWS_PAGE = FIXTURES / "news_page.html"
GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"

STORY = (
    "Gunmen attacked a police checkpoint on the outskirts of the town on Sunday night, killing two "
    "officers and wounding three others, a district official said on Monday."
)
SECOND_STORY = (
    "A roadside bomb struck a bus carrying workers to a cement factory, killing four people, police said. "
    "No group has claimed responsibility for the blast."
)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def documents(items: list[Document | Problem]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def problems(items: list[Document | Problem]) -> list[Problem]:
    return [item for item in items if isinstance(item, Problem)]


# --- syndication credits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "story", "outlet", "syndicator"),
    [
        (
            "(MENAFN- AsiaNet News) In a dramatic escalation",
            "In a dramatic escalation",
            "AsiaNet News",
            "MENAFN",
        ),
        ("(MENAFN - The Daily Courier)  Two killed", "Two killed", "The Daily Courier", "MENAFN"),
        ("(Reuters) - Gunmen killed three", "Gunmen killed three", "Reuters", None),
        ("(AFP) -- Gunmen killed three", "Gunmen killed three", "AFP", None),
        ("(AFP) Gunmen killed three", "Gunmen killed three", "AFP", None),
        ("(CNN)Three people died", "Three people died", "CNN", None),
        ("By Jane Doe | Reuters\nThe army said", "The army said", "Reuters", None),
        ("By Jane Doe | The Ledger | Updated 27 Aug\nThe army said", "The army said", "The Ledger", None),
        ("(MENAFN- Khaleej Times) (AFP) - Two died", "Two died", "Khaleej Times", "MENAFN"),
    ],
)
def test_split_syndication_cuts_credits(text: str, story: str, outlet: str, syndicator: str | None) -> None:
    assert split_syndication(text) == (story, outlet, syndicator)


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("BEIRUT (AP) — A militia spokesman says the town was shelled.", "AP"),
        ("KANDAHAR, Afghanistan, Oct. 3 (Xinhua) -- Seven militants were killed.", "Xinhua"),
        ("SAN SALVADOR, 9 JAN 90 (RADIO NACIONAL) -- [TEXT] THE ARMY REPORTED", "RADIO NACIONAL"),
        ("MEXICO CITY (MEXICO), 12 JAN 90 (DPA) -- [TEXT] A POLITICIAN WAS", "DPA"),
        ("New Delhi, March 3 (PTI) - Two jawans were injured.", "PTI"),
        ("ISLAMABAD (APP): The interior minister said.", "APP"),
        ("SANTIAGO, 6 FEB 89 -- [TEXT] THE BISHOP SAID", None),
    ],
)
def test_datelines_stay_in_the_story_and_lend_their_agency(text: str, outlet: str | None) -> None:
    # The places and time stages read the dateline's city and date, so the text must keep it.
    assert split_syndication(text) == (text, outlet, None)


@pytest.mark.parametrize(
    "text",
    [
        "(LEAD) Gunmen killed three",
        "(UPDATE 2) - Gunmen killed three",
        "(1) - the first of three attacks",
        "Baloch Liberation Army (BLA): The group said it attacked the camp.",
        "Tehrik-i-Taliban Pakistan (TTP) — the umbrella group — claimed it.",
        "The army (AFP) - said",
        "By Monday the army had retaken the town.",
        "(KHOST) — Police said two men were arrested.",  # a dateline in brackets: its place must stay
        "(Red Bluff) -- Officials said the road was closed.",
        "(The Frontier Ledger) — Two soldiers died",  # an unknown name may as well be a place
    ],
)
def test_text_that_is_not_a_credit_is_left_alone(text: str) -> None:
    assert split_syndication(text) == (text, None, None)


def test_split_syndication_is_idempotent_on_its_own_output() -> None:
    story, outlet, syndicator = split_syndication("(MENAFN- Khaleej Times) (AFP) - Two died")
    assert split_syndication(story) == (story, None, None)
    assert (outlet, syndicator) == ("Khaleej Times", "MENAFN")


@given(st.text(max_size=400))
def test_split_syndication_only_ever_cuts_a_prefix(text: str) -> None:
    story, _, _ = split_syndication(text)
    assert text.strip().endswith(story)


# --- documents from text -------------------------------------------------------------------------------


def test_document_from_text_cuts_the_credit_and_hashes_the_story() -> None:
    doc = document_from_text(f"(MENAFN- AsiaNet News) {STORY}", origin="menafn.txt")
    assert doc.text == STORY
    assert doc.id == sha256(STORY)
    assert (doc.source, doc.syndicator, doc.outlet) == ("AsiaNet News", "MENAFN", "AsiaNet News via MENAFN")
    assert doc.origin == "menafn.txt"
    assert doc.language == "en"
    assert doc.ingested_at is not None and doc.ingested_at.tzinfo is dt.UTC


def test_same_story_gives_same_id_whatever_the_line_endings_and_margins() -> None:
    body = STORY + "\n\n" + SECOND_STORY
    windows = "\r\n  " + body.replace("\n", "\r\n") + "  \r\n"
    old_mac = body.replace("\n", "\r")
    ids = {document_from_text(text, origin=str(i)).id for i, text in enumerate((body, windows, old_mac))}
    assert ids == {sha256(body)}


def test_story_body_is_not_rewritten() -> None:
    body = "Police said  “at least 12”\tpeople died.\n\n\nThe town’s market — closed — reopened."
    doc = document_from_text(f"(Reuters) - {body}", origin="x")
    assert doc.text == body


def test_caller_source_wins_but_a_source_naming_the_feed_keeps_the_credited_outlet() -> None:
    text = f"(MENAFN- AsiaNet News) {STORY}"
    assert document_from_text(text, origin="x", source="Gulf Wire").source == "Gulf Wire"
    doc = document_from_text(text, origin="x", source="MENAFN")
    assert (doc.source, doc.syndicator) == ("AsiaNet News", "MENAFN")


def test_headline_repeated_as_first_line_is_cut_and_kept_as_title() -> None:
    title = "Two officers killed in checkpoint attack"
    doc = document_from_text(f"{title}\n{STORY}", origin="x", title=title)
    assert (doc.text, doc.title) == (STORY, title)
    assert document_from_text(title, origin="x", title=title).text == title  # nothing else to keep


def test_document_from_text_passes_metadata_through() -> None:
    doc = document_from_text(
        STORY, origin="x", published="2024-08-27", title="T", url="https://a.example/1", external_id="42"
    )
    assert (doc.published, doc.title, doc.url, doc.external_id) == (
        dt.date(2024, 8, 27),
        "T",
        "https://a.example/1",
        "42",
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "only whitespace"),
        (" \n\t \r\n ", "only whitespace"),
        ("(Reuters) -  ", "only a syndication credit"),
        ("\x01\x02\x03\x04 binary \x05\x06\x07\x08\x0e\x0f", "control characters"),
    ],
)
def test_document_from_text_refuses_text_with_no_story(text: str, words: str) -> None:
    with pytest.raises(IngestError, match=words) as caught:
        document_from_text(text, origin="bad.txt")
    assert caught.value.origin == "bad.txt"


def test_document_from_text_refuses_a_text_too_long_for_one_report() -> None:
    with pytest.raises(IngestError, match="split it"):
        document_from_text("word " * (MAX_TEXT_CHARS // 5 + 1), origin="long.txt")


def test_document_from_text_refuses_bytes_and_bad_dates() -> None:
    with pytest.raises(IngestError, match="decode bytes first"):
        document_from_text(STORY.encode(), origin="x")  # type: ignore[arg-type]
    with pytest.raises(IngestError, match="YYYY-MM-DD"):
        document_from_text(STORY, origin="x", published="last Tuesday")


def test_unpaired_surrogates_are_replaced_one_for_one() -> None:
    doc = document_from_text("Two killed \ud83d in the blast, police said.", origin="x")
    assert doc.text == "Two killed \ufffd in the blast, police said."
    assert doc.id == sha256(doc.text)


def test_text_limit_fits_the_nlp_stage() -> None:
    assert MAX_TEXT_CHARS <= nlp.MAX_CHARS


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_document_from_text_raises_only_ingest_errors_and_ids_are_stable(text: str) -> None:
    try:
        doc = document_from_text(text, origin="prop")
    except IngestError:
        return
    assert doc.id == sha256(doc.text)
    again = document_from_text(doc.text, origin="again")
    assert (again.id, again.text) == (doc.id, doc.text)
    assert document_from_text(text, origin="prop").id == doc.id


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=800))
def test_document_from_bytes_raises_only_ingest_errors(data: bytes) -> None:
    try:
        doc = document_from_bytes(data, origin="prop")
    except IngestError:
        return
    assert doc.id == sha256(doc.text) and doc.text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>/=\"' abcdiphtmlbodyscript\n&;#"), max_size=300))
def test_document_from_html_raises_only_ingest_errors_on_tag_soup(soup: str) -> None:
    try:
        doc = document_from_html(soup, origin="soup")
    except IngestError:
        return
    assert doc.id == sha256(doc.text) and doc.text


# --- dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-08-27", dt.date(2024, 8, 27)),
        ("2024-08-27T10:00:00Z", dt.date(2024, 8, 27)),
        ("2024-08-27T23:30:00-05:00", dt.date(2024, 8, 27)),  # the outlet's own day, not UTC's
        ("Tue, 27 Aug 2024 10:00:00 +0000", dt.date(2024, 8, 27)),
        ("27 August 2024", dt.date(2024, 8, 27)),
        ("Aug. 27, 2024", dt.date(2024, 8, 27)),
        (dt.datetime(2024, 8, 27, 23, 0), dt.date(2024, 8, 27)),
        (dt.date(2024, 8, 27), dt.date(2024, 8, 27)),
        ("not a date", None),
        ("", None),
        (None, None),
        (20240827, None),
    ],
)
def test_parse_date(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


# --- decoding and binary data --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        STORY.encode("utf-8"),
        codecs.BOM_UTF8 + STORY.encode("utf-8"),
        STORY.encode("utf-16"),  # with its BOM
        STORY.encode("utf-16-le"),  # no BOM: NULs in every other byte
        STORY.encode("utf-32"),
    ],
)
def test_unicode_encodings_decode_to_the_same_document(data: bytes) -> None:
    assert document_from_bytes(data, origin="x").id == sha256(STORY)


def test_cp1252_text_is_decoded_by_detection_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    text = "Police said “at least 12” people were killed in the town’s market — residents fled. " * 3
    with caplog.at_level(logging.INFO, logger="conflictlens.ingest"):
        doc = document_from_bytes(text.encode("cp1252"), origin="legacy.txt")
    assert doc.text == text.strip()
    assert any("legacy.txt: decoded as" in message for message in caplog.messages)


def test_html_declared_charset_is_used_when_not_utf8() -> None:
    page = (
        '<html><head><meta charset="windows-1252"><title>Blast</title></head><body>'
        f"<p>{STORY} “Nobody was spared,” a resident said of the café.</p></body></html>"
    ).encode("cp1252")
    doc = document_from_bytes(page, origin="legacy.html")
    assert "“Nobody was spared,” a resident said of the café." in doc.text


def test_a_wrong_charset_declaration_falls_back_to_detection() -> None:
    page = f'<html><head><meta charset="base64"></head><body><p>{STORY} “Quoted” café.</p></body></html>'
    assert document_from_bytes(page.encode("cp1252"), origin="p").text.endswith("“Quoted” café.")


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(600)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", STORY)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty file"),
        (png_bytes(), "PNG image"),
        (zip_bytes(), "ZIP archive"),
        (b"%PDF-1.7\n" + STORY.encode(), "PDF document"),
        (random.Random(2).randbytes(4096), "binary"),
        (bytes(range(1, 32)) * 40 + b"Two killed.", "control characters"),
    ],
)
def test_document_from_bytes_refuses_binary_data(data: bytes, words: str) -> None:
    with pytest.raises(IngestError, match=words):
        document_from_bytes(data, origin="renamed.txt")


def test_document_from_bytes_sniffs_html() -> None:
    page = f"<!DOCTYPE html><html><head><title>T</title></head><body><p>{STORY}</p></body></html>"
    doc = document_from_bytes(page.encode(), origin="page", title="Given", external_id="e1")
    assert doc.text == STORY
    assert (doc.title, doc.external_id) == ("Given", "e1")


# --- HTML ----------------------------------------------------------------------------------------------


def test_news_page_gives_main_text_and_metadata() -> None:
    doc = document_from_html(NEWS_PAGE.read_bytes(), origin=str(NEWS_PAGE))
    assert doc.title == "Gunmen storm border checkpoint, killing six guards"
    assert doc.source == "The Frontier Ledger"
    assert doc.published == dt.date(2024, 3, 5)
    assert doc.url == "https://frontier-ledger.example/news/2024/03/05/gunmen-storm-border-checkpoint"
    assert doc.language == "en"
    assert doc.text.startswith("ZHOB — At least six border guards were killed")  # headline not repeated
    assert doc.text.endswith("at a gathering in the city on Tuesday evening.")
    for boilerplate in ("Related stories", "All rights reserved", "Subscribe", "Advertisement", "dataLayer"):
        assert boilerplate not in doc.text
    assert len(doc.text.split()) > 700


def test_caller_values_win_over_the_page_metadata() -> None:
    doc = document_from_html(
        NEWS_PAGE.read_text(),
        origin="p",
        published="2024-03-06",
        source="Wire Desk",
        url="https://b.example/x",
    )
    assert (doc.published, doc.source, doc.url) == (dt.date(2024, 3, 6), "Wire Desk", "https://b.example/x")


def test_credited_story_on_a_portal_names_the_portal_as_syndicator() -> None:
    page = (
        '<html><head><meta property="og:site_name" content="Daily Portal"></head><body><article>'
        f"<p>(Reuters) - {STORY}</p><p>{SECOND_STORY}</p></article></body></html>"
    )
    doc = document_from_html(page, origin="p")
    assert (doc.source, doc.syndicator) == ("Reuters", "Daily Portal")
    assert doc.text.startswith("Gunmen attacked")


def test_dates_in_the_story_are_not_taken_for_the_publication_date() -> None:
    page = f"<html><body><p>On March 3, 2024, {STORY}</p><p>{SECOND_STORY}</p></body></html>"
    assert document_from_html(page, origin="p").published is None


@pytest.mark.parametrize(
    "page",
    [
        f"<html><body><div><p>{STORY}<p>{SECOND_STORY} <b>Police launched a search",  # unclosed tags
        f"<p>{STORY}</p>",  # a fragment: no <html>, no <body>
        f"<html><head><title>x</title></head><p>{STORY}</p>",  # no <body>
        f"<!-- {'generated ' * 30} -->\n<html><body><p>{STORY}</p></body></html>",  # late <html>
    ],
)
def test_malformed_html_still_gives_its_text(page: str) -> None:
    assert document_from_html(page, origin="p").text.startswith("Gunmen attacked a police checkpoint")


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><script>var a = 1;</script></head><body><script>track()</script><style>p{}</style></body></html>",
        "<html></html>",
        "<html><head><title>Only a title</title></head><body></body></html>",
    ],
)
def test_html_without_main_text_is_refused_clearly(page: str) -> None:
    with pytest.raises(IngestError, match="no main text found"):
        document_from_html(page, origin="empty.html")


# --- language ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (STORY, "en"),
        ("Des hommes armés ont attaqué un poste de police dans la nuit de dimanche, tuant deux agents, "
         "selon un responsable local qui a demandé à ne pas être nommé.", "fr"),
        ("Hombres armados atacaron un puesto de control de la policía el domingo por la noche y mataron a "
         "dos agentes, según informó un funcionario del distrito.", "es"),
        ("Homens armados atacaram um posto da polícia na noite de domingo e mataram dois agentes, segundo "
         "um funcionário do distrito, que não quis ser identificado.", "pt"),
        ("Uomini armati hanno attaccato un posto di polizia nella notte di domenica, uccidendo due agenti, "
         "secondo un funzionario del distretto.", "it"),
        ("Bewaffnete haben in der Nacht zum Montag einen Kontrollposten der Polizei angegriffen und dabei "
         "zwei Beamte getötet, wie ein Sprecher der Behörden sagte.", "de"),
        ("هاجم مسلحون نقطة تفتيش للشرطة في المدينة ليلة الأحد وقتلوا اثنين من العناصر، وقال مسؤول إن "
         "الهجوم هو الثالث هذا الأسبوع.", "ar"),
        ("Боевики напали на полицейский пост в ночь на понедельник и убили двух сотрудников, сообщил "
         "представитель местной администрации.", "ru"),
        ("Бойовики напали на поліцейський пост у ніч на понеділок і вбили двох працівників, повідомив "
         "представник місцевої адміністрації.", "uk"),
        ("Gewapende mannen hebben zondagnacht een politiepost aangevallen en daarbij twee agenten gedood, "
         "zei een woordvoerder van de gemeente.", "nl"),
        ("Silahlı kişiler pazar gecesi bir polis noktasına saldırdı ve iki polis memurunu öldürdü, "
         "yetkililer bunun bu hafta üçüncü saldırı olduğunu söyledi.", "tr"),
        ("Orang bersenjata menyerang pos polisi pada Minggu malam dan menewaskan dua petugas, kata seorang "
         "pejabat yang tidak mau disebutkan namanya.", "id"),
        ("افراد مسلح شب یکشنبه به یک پاسگاه پلیس در شهر حمله کردند و دو مامور را کشتند، یک مقام محلی گفت "
         "که این سومین حمله در این هفته است.", "fa"),
        ("مسلح افراد نے اتوار کی رات شہر میں پولیس کی چوکی پر حملہ کیا "
         "اور دو اہلکاروں کو ہلاک کر دیا۔", "ur"),
        ("武装分子周日晚上袭击了一个警察检查站，打死两名警察。", "zh"),
        ("武装した男たちが日曜日の夜、警察の検問所を襲撃し、警察官二人を殺害した。", "ja"),
    ],
)  # fmt: skip
def test_detect_language(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "12 345 678", "Kabul blast", "Taliban Kabul Herat Kandahar"])
def test_detect_language_is_none_when_unsure(text: str) -> None:
    assert detect_language(text) is None


def test_english_report_quoting_arabic_stays_english() -> None:
    assert detect_language(f"{STORY} The group's banner read «الله أكبر». {SECOND_STORY}") == "en"


def test_non_english_reports_are_ingested_with_their_language(tmp_path: Path) -> None:
    (tmp_path / "fr.txt").write_text(
        "Des hommes armés ont attaqué un poste de police dans la nuit de dimanche, tuant deux agents, "
        "selon un responsable local.",
        encoding="utf-8",
    )
    [doc] = list(read_documents([tmp_path / "fr.txt"]))
    assert isinstance(doc, Document) and doc.language == "fr"


@pytest.mark.skipif(not GOLD.is_dir(), reason="gold suites not present at ../shared/gold (evaluation data)")
def test_english_gold_texts_are_never_called_another_language() -> None:
    path = GOLD / "geoparsing" / "dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    with path.open(encoding="utf-8") as lines:
        codes = [detect_language(json.loads(line)["text"]) for line in lines]
    assert set(codes) <= {"en", None}
    assert codes.count("en") / len(codes) >= 0.98


# --- read_documents: files, directories, streaming -----------------------------------------------------


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_directory_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", STORY)
    write(tmp_path / "a" / "z.txt", SECOND_STORY)
    write(tmp_path / "a" / "page.html", NEWS_PAGE.read_bytes())
    write(tmp_path / "c", "Police said three bodies were found near the river on Friday.")  # no extension
    write(tmp_path / ".hidden.txt", STORY + " hidden")
    write(tmp_path / ".git" / "x.txt", STORY + " vcs")
    items = list(read_documents([tmp_path]))
    assert [item.origin for item in items] == [
        str(tmp_path / "a" / "page.html"),
        str(tmp_path / "a" / "z.txt"),
        str(tmp_path / "b.txt"),
        str(tmp_path / "c"),
    ]
    assert all(isinstance(item, Document) for item in items)


def test_unsupported_files_in_a_directory_are_reported_not_read(tmp_path: Path) -> None:
    write(tmp_path / "photo.png", png_bytes())
    write(tmp_path / "story.txt", STORY)
    [problem, doc] = list(read_documents([tmp_path]))
    assert isinstance(problem, Problem) and problem.fatal
    assert problem.origin == str(tmp_path / "photo.png") and "'.png'" in problem.reason
    assert isinstance(doc, Document)


def test_bad_files_are_per_document_problems_and_the_batch_goes_on(tmp_path: Path) -> None:
    paths = [
        write(tmp_path / "empty.txt", b""),
        write(tmp_path / "blank.txt", "  \n\t\n "),
        write(tmp_path / "image.txt", png_bytes()),
        write(tmp_path / "archive.txt", zip_bytes()),
        write(tmp_path / "good.txt", STORY),
        write(tmp_path / "scripts.html", "<html><body><script>x()</script></body></html>"),
        tmp_path / "missing.txt",
        write(
            tmp_path / "legacy.txt",
            ("Police said “12” people died in the café’s fire. " * 3).encode("cp1252"),
        ),
    ]
    items = list(read_documents(paths))
    assert [item.origin for item in items] == [str(p) for p in paths]  # one item per file, in order
    reasons = {Path(p.origin).name: p.reason for p in problems(items)}
    assert all(p.fatal for p in problems(items))
    assert "empty file" in reasons["empty.txt"]
    assert "only whitespace" in reasons["blank.txt"]
    assert "PNG image" in reasons["image.txt"]
    assert "ZIP archive" in reasons["archive.txt"]
    assert "no main text found" in reasons["scripts.html"]
    assert "cannot read" in reasons["missing.txt"]
    assert [Path(d.origin).name for d in documents(items)] == ["good.txt", "legacy.txt"]
    assert "“12”" in documents(items)[1].text


def test_huge_file_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 50 MB on paper, next to nothing on disk or in memory
        handle.seek(50 * 1024 * 1024 - 1)
        handle.write(b"x")
    write(tmp_path / "next.txt", STORY)
    started = time.perf_counter()
    problem, doc = list(read_documents([huge, tmp_path / "next.txt"]))
    assert time.perf_counter() - started < 2.0
    assert isinstance(problem, Problem) and problem.fatal
    assert "52,428,800 bytes" in problem.reason and "MAX_DOCUMENT_BYTES" in problem.reason
    assert isinstance(doc, Document)


def test_file_just_under_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_DOCUMENT_BYTES", len(STORY.encode()))
    write(tmp_path / "fits.txt", STORY)
    write(tmp_path / "over.txt", STORY + "!")
    fits, over = list(read_documents([tmp_path / "fits.txt", tmp_path / "over.txt"]))
    assert isinstance(fits, Document)
    assert isinstance(over, Problem) and "limit" in over.reason


def test_documents_are_read_lazily() -> None:
    def paths() -> Iterator[str]:
        yield str(NEWS_PAGE)
        raise AssertionError("read_documents asked for the next path before the first document was used")

    first = next(read_documents(paths()))
    assert isinstance(first, Document)


def test_a_single_path_string_is_one_path(tmp_path: Path) -> None:
    write(tmp_path / "one.txt", STORY)
    [doc] = list(read_documents(str(tmp_path / "one.txt")))
    assert isinstance(doc, Document) and doc.text == STORY


def test_same_story_in_two_files_has_one_id(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", f"(Reuters) - {STORY}")
    write(tmp_path / "b.txt", STORY + "\r\n")
    a, b = documents(list(read_documents([tmp_path])))
    assert a.id == b.id and a.origin != b.origin


def test_caller_overrides_apply_to_every_document(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", f"(MENAFN- AsiaNet News) {STORY}")
    write(tmp_path / "b.html", NEWS_PAGE.read_bytes())
    items = documents(list(read_documents([tmp_path], published="2024-09-01", source="Desk")))
    assert [(d.published, d.source) for d in items] == [(dt.date(2024, 9, 1), "Desk")] * 2


def test_a_bad_caller_date_is_refused_before_reading() -> None:
    with pytest.raises(IngestError, match="YYYY-MM-DD"):
        next(read_documents([NEWS_PAGE], published="soon"))


# --- JSON Lines ----------------------------------------------------------------------------------------


def jsonl(*rows: object) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


def test_jsonl_lines_become_documents_and_bad_lines_problems(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed.jsonl",
        jsonl(
            {"id": "a1", "text": f"(Reuters) - {STORY}", "url": "https://a.example/1",
             "published": "2024-08-27", "source": "Feed Outlet", "title": "Checkpoint attack"},
            "{not json",
            "",
            {"id": 7, "html": f"<html><body><p>{SECOND_STORY}</p></body></html>"},
            {"id": "a3", "url": "https://a.example/3"},
            ["a", "list"],
            {"text": 12},
            {"text": SECOND_STORY + " Again."},
        ),
    )  # fmt: skip
    items = list(read_documents([path]))
    assert [item.origin for item in items] == [f"{path}#L{n}" for n in (1, 2, 4, 5, 6, 7, 8)]
    first, bad_json, from_html, no_text, not_object, not_string, last = items
    assert isinstance(first, Document)
    assert (first.external_id, first.url, first.published, first.source, first.title) == (
        "a1", "https://a.example/1", dt.date(2024, 8, 27), "Feed Outlet", "Checkpoint attack"
    )  # fmt: skip
    assert first.text == STORY
    assert isinstance(bad_json, Problem) and "not valid JSON" in bad_json.reason and bad_json.fatal
    assert isinstance(from_html, Document) and from_html.text == SECOND_STORY and from_html.external_id == "7"
    assert isinstance(no_text, Problem) and '"text"' in no_text.reason
    assert isinstance(not_object, Problem) and "JSON object" in not_object.reason
    assert isinstance(not_string, Problem) and "must be a string" in not_string.reason
    assert isinstance(last, Document)


def test_jsonl_caller_override_wins_over_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "f.ndjson", jsonl({"text": STORY, "published": "2024-08-27", "source": "Line"}))
    [doc] = list(read_documents([path], published=dt.date(2025, 1, 1), source="Caller"))
    assert isinstance(doc, Document) and (doc.published, doc.source) == (dt.date(2025, 1, 1), "Caller")


def test_jsonl_unreadable_date_is_logged_and_the_document_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "f.jsonl", jsonl({"text": STORY, "published": "yesterday-ish"}))
    with caplog.at_level(logging.WARNING, logger="conflictlens.ingest"):
        [doc] = list(read_documents([path]))
    assert isinstance(doc, Document) and doc.published is None
    assert any(f"{path}#L1" in message and "not a date" in message for message in caplog.messages)


def test_jsonl_line_over_the_limit_is_skipped_and_the_next_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "MAX_DOCUMENT_BYTES", 400)
    path = write(tmp_path / "f.jsonl", jsonl({"text": "word " * 200}, {"text": STORY}))
    long_line, doc = list(read_documents([path]))
    assert isinstance(long_line, Problem) and long_line.origin == f"{path}#L1" and "limit" in long_line.reason
    assert isinstance(doc, Document) and doc.origin == f"{path}#L2"


def test_jsonl_with_bom_and_crlf(tmp_path: Path) -> None:
    path = write(tmp_path / "f.jsonl", codecs.BOM_UTF8 + jsonl({"text": STORY}).replace("\n", "\r\n").encode())
    [doc] = list(read_documents([path]))
    assert isinstance(doc, Document) and doc.text == STORY


# --- stdin ---------------------------------------------------------------------------------------------


def test_stdin_plain_text() -> None:
    [doc] = list(read_documents(["-"], stdin=io.StringIO(f"(AFP) {STORY}\n")))
    assert isinstance(doc, Document)
    assert (doc.origin, doc.text, doc.source) == ("stdin", STORY, "AFP")


def test_stdin_jsonl_is_sniffed() -> None:
    stream = io.StringIO("\n" + jsonl({"text": STORY}, "oops", {"text": SECOND_STORY}))
    items = list(read_documents(["-"], stdin=stream))
    assert [item.origin for item in items] == ["stdin#L2", "stdin#L3", "stdin#L4"]
    assert [type(item) for item in items] == [Document, Problem, Document]


def test_stdin_html_is_sniffed() -> None:
    [doc] = list(read_documents(["-"], stdin=io.StringIO(NEWS_PAGE.read_text(encoding="utf-8"))))
    assert isinstance(doc, Document) and doc.source == "The Frontier Ledger"


def test_stdin_bytes_in_a_legacy_encoding_are_decoded() -> None:
    text = "Police said “12” people died in the café’s fire, residents said. " * 3
    stream = io.TextIOWrapper(io.BytesIO(text.encode("cp1252")), encoding="utf-8")
    [doc] = list(read_documents(["-"], stdin=stream))
    assert isinstance(doc, Document) and doc.text == text.strip()


def test_stdin_binary_and_oversize_are_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    [binary] = list(read_documents(["-"], stdin=io.TextIOWrapper(io.BytesIO(png_bytes()))))
    assert isinstance(binary, Problem) and "PNG image" in binary.reason
    monkeypatch.setattr(ingest, "MAX_DOCUMENT_BYTES", 100)
    [big] = list(read_documents(["-"], stdin=io.StringIO(STORY + "\n" + SECOND_STORY)))
    assert isinstance(big, Problem) and big.origin == "stdin" and "limit" in big.reason


def test_stdin_named_twice_is_read_once(tmp_path: Path) -> None:
    items = list(read_documents(["-", "-"], stdin=io.StringIO(STORY)))
    assert isinstance(items[0], Document)
    assert isinstance(items[1], Problem) and "only once" in items[1].reason


# --- import hygiene ------------------------------------------------------------------------------------


def test_importing_ingest_does_not_load_trafilatura() -> None:
    code = "import sys, conflictlens.ingest; print('trafilatura' in sys.modules, 'charset_normalizer' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_links_to_directories_are_not_followed(tmp_path: Path) -> None:
    write(tmp_path / "d" / "story.txt", STORY)
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d", target_is_directory=True)
    story, loop = list(read_documents([tmp_path / "d"]))
    assert isinstance(story, Problem) and story.origin.endswith("loop") and "not followed" in story.reason
    assert isinstance(loop, Document)
