"""The ingest stage: files, HTML pages, JSON Lines, stdin, feeds, WARC and URLs in, Documents out.

Feeds, WARC archives and URLs are read by :mod:`conflictlens.sources`.

:func:`read_documents` streams one :class:`Document` per report, or a :class:`Problem` (``fatal=True``) for a
report that could not be read, and goes on with the rest of the batch. The single-document functions
(:func:`document_from_text`, :func:`document_from_html`, :func:`document_from_bytes`) raise
:class:`~conflictlens.errors.IngestError` instead.

What ingest guarantees to the later stages:

* ``Document.text`` is the story as published with only a leading syndication credit ("(MENAFN- AsiaNet
  News)", "(Reuters) -", "By Jane Doe | Reuters") or a repeated headline cut off, newlines normalised to
  ``\\n`` and surrounding whitespace stripped. Datelines ("QUETTA, Aug 27 (Reuters) -") stay in the text:
  their place and date are evidence for the places and time stages. Every evidence span is an offset
  into this text.
* ``Document.id`` is the sha256 of that text, so the same story read twice has the same id.
* ``Document.origin`` names where the report came from ("reports/a.txt", "feed.jsonl#L12", "stdin").

Precedence of metadata: a value the caller passes (``published=``, ``source=``) wins over the file's own
(a JSONL field; the page's date, title and URL), which wins over what ingest derives. For the outlet: the
caller's, else the JSONL line's, else the story's credit, else the page's site name.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import hashlib
import io
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import IngestError
from .language import detect_language
from .records import Document, Problem

if TYPE_CHECKING:
    from .sources import SourceOptions

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_TEXT_CHARS",
    "decode_bytes",
    "detect_language",
    "document_from_bytes",
    "document_from_html",
    "document_from_text",
    "parse_date",
    "read_documents",
    "split_syndication",
]

logger = logging.getLogger(__name__)

# --- limits --------------------------------------------------------------------------------------------
# A news page, HTML and all, is 50 KB-1 MB; 5 MB leaves room for bloated pages while refusing dumps, logs
# and archives that were never one report. Checked from the file size before anything is read.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# The extracted text must stay under nlp.MAX_CHARS (2,000,000, which the spaCy stage can take); a long
# report is 10,000-50,000 characters, so 1,000,000 only refuses what is plainly not one report.
MAX_TEXT_CHARS = 1_000_000
# Text has tabs, newlines and form feeds, and now and then a stray escape character; decoded binary data
# runs at 10 % or more control characters. 5 % separates the two with a wide margin on both sides.
MAX_CONTROL_CHAR_SHARE = 0.05
# How much of a file or stream is looked at to tell HTML from text and to find a declared charset.
SNIFF_CHARS = 2048
# trafilatura takes markup for HTML only when "html" occurs in its first 50 characters (utils.load_html).
TRAFILATURA_SNIFF_CHARS = 50
# Syndication credits and datelines sit in the first line; nothing further in is ever cut.
PREFIX_WINDOW_CHARS = 300

TEXT_SUFFIXES = frozenset({"", ".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})  # sniffed by content all the same
WARC_SUFFIXES = (".warc", ".warc.gz")
STDIN_NAME = "-"

DateLike = dt.date | dt.datetime | str


# --- public API ----------------------------------------------------------------------------------------


def read_documents(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    published: DateLike | None = None,
    source: str | None = None,
    stdin: IO[str] | None = None,
    fetch_links: bool = False,
    allow_private: bool = False,
) -> Iterator[Document | Problem]:
    """Read every report in ``paths`` lazily, one :class:`Document` or :class:`Problem` at a time.

    ``paths`` holds files (plain text, HTML, JSON Lines, RSS/Atom feeds sniffed by content, WARC and
    WARC.gz archives by suffix), directories (walked recursively in sorted order), ``http(s)://`` URLs
    (a page or a feed) and ``"-"`` for ``stdin`` (text or JSON Lines, sniffed; default ``sys.stdin``).
    ``published`` and ``source`` override the publication date and outlet of every document.

    ``fetch_links``: a feed item with only a summary is read from the page it links to (else from its
    summary). ``allow_private``: URLs may reach loopback, private and link-local addresses, which are
    refused by default (see :func:`conflictlens.sources.check_url_allowed`).
    """
    options = _Options(
        published=_date_or_error(published, "published"),
        source=_clean(source),
        fetch_links=fetch_links,
        allow_private=allow_private,
    )
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    stdin_read = False
    for raw in paths:
        if os.fspath(raw) == STDIN_NAME:
            if stdin_read:
                yield Problem("stdin", "stdin was named twice; it can be read only once", fatal=True)
                continue
            stdin_read = True
            yield from _read_stream(stdin if stdin is not None else sys.stdin, options)
        elif isinstance(raw, str) and _is_url(raw):
            from .sources import read_url

            yield from read_url(raw, options.for_sources())
        else:
            yield from _read_path(Path(raw), options, explicit=True)


def document_from_text(
    text: str,
    *,
    origin: str,
    published: DateLike | None = None,
    source: str | None = None,
    title: str | None = None,
    url: str | None = None,
    external_id: str | None = None,
) -> Document:
    """A :class:`Document` from a report's plain text; raises :class:`IngestError` if there is none."""
    if not isinstance(text, str):
        raise IngestError(origin, f"expected text (str), got {type(text).__name__}; decode bytes first")
    return _build_document(
        text,
        origin=origin,
        published=_date_or_error(published, origin),
        source=_clean(source),
        title=_clean(title),
        url=_clean(url),
        external_id=external_id,
    )


def document_from_html(
    html: str | bytes,
    *,
    origin: str,
    published: DateLike | None = None,
    source: str | None = None,
    url: str | None = None,
) -> Document:
    """A :class:`Document` from an HTML page: main text, title, date, site and URL via trafilatura."""
    encoding = None
    if isinstance(html, bytes):
        _check_size(len(html), origin)
        html, encoding = decode_bytes(html, origin)
    return _document_from_markup(
        html,
        origin=origin,
        published=_date_or_error(published, origin),
        source=_clean(source),
        url=_clean(url),
        encoding=encoding,
    )


def document_from_bytes(
    data: bytes,
    *,
    origin: str,
    published: DateLike | None = None,
    source: str | None = None,
    title: str | None = None,
    url: str | None = None,
    external_id: str | None = None,
) -> Document:
    """A :class:`Document` from raw bytes: refuses binary data, decodes, and reads HTML or text as sniffed."""
    _check_size(len(data), origin)
    text, encoding = decode_bytes(data, origin)
    date = _date_or_error(published, origin)
    if looks_like_html(text):
        return _document_from_markup(
            text,
            origin=origin,
            published=date,
            source=_clean(source),
            url=_clean(url),
            encoding=encoding,
            title=_clean(title),
            external_id=external_id,
        )
    return _build_document(
        text,
        origin=origin,
        published=date,
        source=_clean(source),
        title=_clean(title),
        url=_clean(url),
        external_id=external_id,
        encoding=encoding,
    )


def parse_date(value: object) -> dt.date | None:
    """A publication date from a date, datetime, ISO 8601 string or RFC 2822 string; ``None`` if it is none.

    A datetime keeps its own calendar day (no conversion to UTC): "2024-08-27T23:30:00-05:00" is the 27th,
    the day the outlet published it.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for parse in (_parse_iso, _parse_rfc2822, _parse_written_date):
        found = parse(text)
        if found is not None:
            return found
    return None


# --- syndication credits -------------------------------------------------------------------------------


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Wire services and broadcasters whose credit "(AFP) -", "(CNN)" opens a story. Only these are cut: a
# parenthesised name at the start may as well be a dateline, "(NEW YORK) --", "(Red Oak) --", whose place
# the places stage needs.
KNOWN_AGENCIES = frozenset(
    name.casefold()
    for name in (
        "AA", "AAP", "ACAN-EFE", "AFP", "ANA", "ANI", "ANSA", "AP", "APA", "APP", "Anadolu", "Anadolu Agency",
        "Associated Press", "BBC", "BNA", "Bernama", "Bloomberg", "CNA", "CNN", "DPA", "EFE", "IANS", "INA",
        "IRNA", "Interfax", "Kyodo", "KUNA", "MENA", "NNA", "PTI", "QNA", "RIA Novosti", "Reuters", "SANA",
        "SPA", "Sputnik", "TASS", "Tasnim", "UNI", "UPI", "WAM", "Xinhua", "Yonhap", "Al Jazeera", "VOA",
        "RFE/RL", "Sky News", "NBC News", "ABC News", "CBS News", "Fox News", "CNN Business", "NHK", "NPR",
    )
)  # fmt: skip
# Editorial tags that look like credits but are not: "(LEAD)", "(UPDATE 2) -", "(Corrected) -".
EDITORIAL_TAGS = _word_set(
    "advisory analysis audio breaking clarification corrected correction editorial exclusive explainer "
    "factbox feature focus graphic interview ld lead live opinion photo photos refile refiled repeat rpt "
    "sponsored timeline update updated urgent video watch wrapup"
)

_DASH = r"(?:-{1,2}|[\u2010-\u2015]|\ufffd)"
# "(MENAFN- AsiaNet News)": syndicator in capitals, a dash, the outlet that wrote the story.
_SYNDICATOR_CREDIT_RE = re.compile(
    r"\(\s*(?P<syndicator>[A-Z][A-Z0-9]{2,15})\s*[-\u2010-\u2015]\s*(?P<outlet>[^()\n]{2,80}?)\s*\)"
    rf"(?:[ \t]*{_DASH})?"
)
# "(Reuters) -", "(AFP)", "(CNN)".
_AGENCY_CREDIT_RE = re.compile(rf"\(\s*(?P<agency>[^()\n]{{2,50}}?)\s*\)(?:[ \t]*{_DASH})?")
# "By Jane Doe | Reuters" alone on the first line (more "| ..." parts may follow, e.g. an update time).
_BYLINE_RE = re.compile(
    r"By[ \t]+(?P<author>[A-Z][^|\n]{1,60}?)[ \t]*\|[ \t]*(?P<outlet>[A-Za-z0-9][^|\n]{0,60}?)[ \t]*"
    r"(?:\|[^\n]{0,100})?(?:\n|$)"
)
# "KANDAHAR, Afghanistan, Oct. 3 (Xinhua) --", "BEIRUT (AP) —", "MEXICO CITY (MEXICO), 12 JAN 90 (DPA) --".
_DATELINE_RE = re.compile(
    r"(?P<dateline>[^\n()]{2,80}?(?:\([^\n()]{1,30}\)[^\n()]{0,40}?)?)[ \t]*"
    rf"\(\s*(?P<agency>[^\n()]{{2,50}}?)\s*\)[ \t]*(?P<end>{_DASH}|:)"
)
_NAME_WORD_RE = re.compile(r"[A-Z0-9][\w&.'’-]*")
_DATELINE_PARTICLES = _word_set("de del la el al da do dos of on upon am an")
_MONTH_WORDS = _word_set(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)


def split_syndication(text: str) -> tuple[str, str | None, str | None]:
    """``(story, outlet, syndicator)`` from a story that may open with a syndication credit.

    "(MENAFN- AsiaNet News) In a dramatic ..." gives ``("In a dramatic ...", "AsiaNet News", "MENAFN")``.
    Credits that carry nothing else ("(Reuters) -", "(AFP)", "By Jane Doe | Reuters") are cut, repeatedly
    if stacked; a dateline keeps its place in the story (the places and time stages read it) and only
    lends its agency as the outlet. The story is otherwise untouched apart from surrounding whitespace.
    """
    story = text.strip()
    outlet: str | None = None
    syndicator: str | None = None
    while True:
        cut = _leading_credit(story)
        if cut is None:
            break
        length, credit_outlet, credit_syndicator = cut
        outlet = outlet or credit_outlet
        syndicator = syndicator or credit_syndicator
        story = story[length:].strip()
    if outlet is None:
        outlet = _dateline_agency(story)
    return story, outlet, syndicator


def _leading_credit(story: str) -> tuple[int, str | None, str | None] | None:
    """(characters to cut, outlet, syndicator) for a credit at the very start of ``story``, else None."""
    head = story[:PREFIX_WINDOW_CHARS]
    match = _SYNDICATOR_CREDIT_RE.match(head)
    if match and not _is_editorial_tag(match["syndicator"]) and _looks_like_name(match["outlet"]):
        return match.end(), _tidy_name(match["outlet"]), match["syndicator"]
    match = _AGENCY_CREDIT_RE.match(head)
    if match and _is_agency_credit(match["agency"]):
        return match.end(), _tidy_name(match["agency"]), None
    match = _BYLINE_RE.match(head)
    if match and _looks_like_name(match["outlet"]):
        return match.end(), _tidy_name(match["outlet"]), None
    return None


def _dateline_agency(story: str) -> str | None:
    match = _DATELINE_RE.match(story[:PREFIX_WINDOW_CHARS])
    if not match or not _looks_like_dateline(match["dateline"]):
        return None
    agency = _tidy_name(match["agency"])
    if not _looks_like_name(agency) or _is_editorial_tag(agency):
        return None
    if match["end"] == ":" and agency.casefold() not in KNOWN_AGENCIES:
        return None  # "Baloch Liberation Army (BLA): ..." is a sentence, "ISLAMABAD (APP): ..." a dateline
    return agency


def _is_agency_credit(name: str) -> bool:
    return _tidy_name(name).casefold() in KNOWN_AGENCIES


def _is_editorial_tag(name: str) -> bool:
    words = re.sub(r"[\d\W_]+", " ", name).casefold().split()
    return bool(words) and all(word in EDITORIAL_TAGS for word in words)


def _looks_like_name(name: str) -> bool:
    """A short run of capitalised words: "AsiaNet News", "AP", "The Frontier Ledger", "Radio Cadena YSU"."""
    words = name.split()
    if not 1 <= len(words) <= 6 or not any(char.isalpha() for char in name):
        return False
    return all(_NAME_WORD_RE.fullmatch(w) or w.casefold() in _DATELINE_PARTICLES for w in words) and bool(
        _NAME_WORD_RE.fullmatch(words[0])
    )


def _looks_like_dateline(part: str) -> bool:
    """A place and maybe a date: "SAN SALVADOR, 9 JAN 90", "Kandahar, Afghanistan, Oct. 3", "BEIRUT".

    The place is in capitals, as the wires write it, or a date follows it; a capitalised name with an
    acronym, "Tehrik-i-Taliban Pakistan (TTP) --", is the start of a sentence instead.
    """
    words = part.replace(",", " ").replace("(", " ").replace(")", " ").split()
    if not words or not _NAME_WORD_RE.fullmatch(words[0]):
        return False
    if not all(_NAME_WORD_RE.fullmatch(w) or w.casefold() in _DATELINE_PARTICLES for w in words):
        return False
    place = part.split(",")[0]
    return place.isupper() or any(w.rstrip(".").casefold() in _MONTH_WORDS or w.isdigit() for w in words[1:])


def _tidy_name(name: str) -> str:
    return " ".join(name.split()).strip(" .,;:-")


# --- decoding ------------------------------------------------------------------------------------------

# Leading bytes of binary formats that turn up renamed as .txt: (magic, offset, what it is).
_BINARY_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"WEBP", 8, "a WebP image"),
    (b"II*\x00", 0, "a TIFF image"),
    (b"MM\x00*", 0, "a TIFF image"),
    (b"%PDF-", 0, "a PDF document"),
    (b"PK\x03\x04", 0, "a ZIP archive (or .docx/.xlsx/.epub, which are ZIP archives)"),
    (b"PK\x05\x06", 0, "an empty ZIP archive"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"\xfd7zXZ\x00", 0, "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", 0, "a zstd archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "a Microsoft Office (.doc/.xls) file"),
    (b"\x7fELF", 0, "an executable"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (b"ftyp", 4, "an MP4 video"),
    (b"OggS", 0, "an Ogg audio file"),
    (b"ID3", 0, "an MP3 audio file"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 and C1 control characters other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_CHAR_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
# UTF-16 without a BOM: ASCII text has a NUL in every other byte. Binary data has NULs scattered.
UTF16_NUL_SHARE = 0.4  # share of the odd (or even) bytes that must be NUL; plain ASCII UTF-16 is ~1.0


def decode_bytes(data: bytes, origin: str) -> tuple[str, str]:
    """``(text, encoding)`` for ``data``; raises :class:`IngestError` for binary or empty data.

    Order: a byte-order mark (UTF-8/16/32); UTF-16 without a BOM when every other byte is NUL (other data
    with NUL bytes is binary); strict UTF-8; a charset declared in an HTML ``<meta>``; charset detection
    (charset_normalizer); and, if detection finds nothing, cp1252 with replacement characters. The
    encoding returned names which one was used ("utf-8", "cp1250 (detected)", "cp1252 (fallback)").
    """
    if not data:
        raise IngestError(origin, "empty file (0 bytes): nothing to ingest; check that the download finished")
    kind = _binary_kind(data)
    if kind:
        raise IngestError(
            origin, f"binary file, not text: it looks like {kind}; convert it to plain text or HTML first"
        )
    text, encoding = _decode(data, origin)
    _check_not_binary_text(text, origin)
    return text, encoding


def _binary_kind(data: bytes) -> str | None:
    for magic, offset, kind in _BINARY_SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return kind
    return None


def _decode(data: bytes, origin: str) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec.removesuffix("-sig")
            except UnicodeDecodeError as err:
                raise IngestError(origin, f"starts with a {codec} byte-order mark but is not {codec}: {err}") from err
    if b"\x00" in data:
        return _decode_with_nul_bytes(data, origin)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if declared:
        try:
            return data.decode(declared), f"{declared} (declared)"
        except (UnicodeError, LookupError):  # a wrong declaration, or a codec that is not a text encoding
            pass
    return _decode_by_detection(data)


def _decode_with_nul_bytes(data: bytes, origin: str) -> tuple[str, str]:
    sample = data[: SNIFF_CHARS * 2]
    even, odd = sample[0::2], sample[1::2]
    for codec, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros and zeros.count(0) / len(zeros) >= UTF16_NUL_SHARE:
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                break
    raise IngestError(origin, "binary file, not text: it contains NUL bytes; convert it to plain text (UTF-8) first")


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET_RE.search(data[: SNIFF_CHARS * 2])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode_by_detection(data: bytes) -> tuple[str, str]:
    import charset_normalizer  # installed with trafilatura; imported late to keep `import conflictlens` light

    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best), f"{best.encoding} (detected)"
    return data.decode("cp1252", errors="replace"), "cp1252 (fallback)"


def _check_not_binary_text(text: str, origin: str) -> None:
    sample = text[: SNIFF_CHARS * 8]
    controls = len(_CONTROL_CHAR_RE.findall(sample))
    if sample and controls / len(sample) > MAX_CONTROL_CHAR_SHARE:
        raise IngestError(
            origin,
            f"binary data, not text: {controls} of the first {len(sample)} characters are control "
            "characters; convert the document to plain text first",
        )


# --- building documents --------------------------------------------------------------------------------

_HTML_START_RE = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|"
    r"section|main|table|h[1-6]|span|a|ul|ol|script|style|link|header|nav|br)\b",
    re.I | re.S,
)
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def looks_like_html(text: str) -> bool:
    """True when ``text`` opens with HTML markup (a doctype, a comment or a common tag)."""
    return bool(_HTML_START_RE.match(text[:SNIFF_CHARS].lstrip("\ufeff")))


def _document_from_markup(
    html: str,
    *,
    origin: str,
    published: dt.date | None,
    source: str | None,
    url: str | None,
    encoding: str | None,
    title: str | None = None,
    external_id: str | None = None,
) -> Document:
    """A Document from markup; the caller's ``title`` and ``url`` win over the page's."""
    _check_size(len(html), origin)  # characters: a lower bound of the bytes, and cheap
    page = _extract_page(html, origin, url)
    text = page.get("text") or ""
    if not text.strip():
        raise IngestError(
            origin,
            "no main text found in the HTML (the page is empty, or holds only scripts, menus or markup); "
            "save the article page itself, or pass the story as plain text",
        )
    return _build_document(
        text,
        origin=origin,
        published=published or parse_date(page.get("date")),
        source=source,
        site=_clean(page.get("sitename")) or _clean(page.get("hostname")),
        title=title or _clean(page.get("title")),
        url=url or _clean(page.get("url")),
        external_id=external_id,
        encoding=encoding,
    )


def _extract_page(html: str, origin: str, url: str | None) -> dict[str, Any]:
    """trafilatura's main text and metadata of a page, as a dict."""
    import trafilatura  # heavy: imported when the first page is read, not with the package
    from lxml.etree import LxmlError

    if "html" not in html[:TRAFILATURA_SNIFF_CHARS].lower():
        html = f"<html>{html}"  # trafilatura refuses markup that does not open with an <html> tag
    try:
        result = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            # Publication date from the page's markup only: the extensive search also reads dates in the
            # story text, which are the event's dates and not the publication's.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (LxmlError, ValueError, TypeError, LookupError, AttributeError, RecursionError) as err:
        # lxml and trafilatura on broken or absurdly nested markup; the batch goes on without this page
        raise IngestError(origin, f"the HTML could not be parsed ({type(err).__name__}: {err})") from err
    if result is None:
        return {}
    return result if isinstance(result, dict) else result.as_dict()


def _build_document(
    text: str,
    *,
    origin: str,
    published: dt.date | None,
    source: str | None,
    title: str | None,
    url: str | None,
    site: str | None = None,
    external_id: str | None = None,
    encoding: str | None = None,
) -> Document:
    """The one place a Document is made: clean, check, cut credits, attribute, hash.

    Document has no encoding field (the store's schema is fixed), so a decode other than UTF-8 is logged
    with the document's origin: INFO when declared or detected, WARNING for the cp1252 fallback.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(
            origin,
            f"text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit for one report; "
            "split it into one document per report",
        )
    text = _normalise_text(text)
    if not text:
        raise IngestError(origin, "only whitespace: there is no text to ingest")
    _check_not_binary_text(text, origin)
    _log_encoding(encoding, origin)
    story, outlet, syndicator = split_syndication(_drop_leading_title(text, title))
    if not story:
        raise IngestError(origin, "no story text: the document holds only a syndication credit or headline")
    source, syndicator = _attribute(explicit=source, credit_outlet=outlet, syndicator=syndicator, site=site)
    return Document(
        id=hashlib.sha256(story.encode("utf-8")).hexdigest(),
        text=story,
        origin=origin,
        title=title,
        url=url,
        source=source,
        syndicator=syndicator,
        published=published,
        language=detect_language(story),
        ingested_at=dt.datetime.now(dt.UTC),
        external_id=external_id,
    )


def _log_encoding(encoding: str | None, origin: str) -> None:
    if encoding is None or encoding in ("utf-8", "ascii"):
        return
    level = logging.WARNING if encoding.endswith("(fallback)") else logging.INFO
    logger.log(level, "%s: decoded as %s", origin, encoding)


def _normalise_text(text: str) -> str:
    """Newlines to ``\\n``, no byte-order mark, no unpaired surrogates, no surrounding whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LONE_SURROGATE_RE.sub("\ufffd", text)  # JSON "\ud83d" escapes; one character for one
    return text.strip().lstrip("\ufeff").strip()


def _drop_leading_title(text: str, title: str | None) -> str:
    """Cut a headline repeated as the first line (trafilatura keeps the page's <h1>); it stays in .title."""
    if title and text.startswith(title):
        rest = text[len(title) :]
        if rest.startswith("\n") and rest.strip():
            return rest.strip()
    return text


def _attribute(
    *, explicit: str | None, credit_outlet: str | None, syndicator: str | None, site: str | None
) -> tuple[str | None, str | None]:
    """(source, syndicator): the caller's or file's outlet, else the credit's, else the site's.

    An explicit source that names the syndicator ("MENAFN" for a "(MENAFN- AsiaNet News)" story) names the
    feed, not the outlet, so the credit's outlet is kept. A site that carries another outlet's credited
    story ("(Reuters) -" on a portal) is the syndicator.
    """
    if explicit and not (syndicator and explicit.casefold() == syndicator.casefold() and credit_outlet):
        return explicit, syndicator
    if credit_outlet:
        if syndicator is None and site and site.casefold() != credit_outlet.casefold():
            syndicator = site
        return credit_outlet, syndicator
    return site, syndicator


def _check_size(size: int, origin: str) -> None:
    if size > MAX_DOCUMENT_BYTES:
        raise IngestError(
            origin,
            f"{size:,} bytes, over the {MAX_DOCUMENT_BYTES:,}-byte limit for one report "
            "(MAX_DOCUMENT_BYTES); split it into one file per report, or JSON Lines with one report a line",
        )


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


# --- dates ---------------------------------------------------------------------------------------------

_WRITTEN_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%Y/%m/%d")


def _parse_iso(text: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _parse_rfc2822(text: str) -> dt.date | None:
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def _parse_written_date(text: str) -> dt.date | None:
    cleaned = " ".join(text.replace(".", " ").split())
    for fmt in _WRITTEN_DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def _date_or_error(value: DateLike | None, origin: str) -> dt.date | None:
    if value is None:
        return None
    found = parse_date(value)
    if found is None:
        raise IngestError(origin, f"published={value!r} is not a date; give it as YYYY-MM-DD (ISO 8601) or RFC 2822")
    return found


# --- reading files, directories, JSON Lines and stdin --------------------------------------------------


@dataclass(frozen=True)
class _Options:
    """The caller's overrides, applied to every document of a batch."""

    published: dt.date | None
    source: str | None
    fetch_links: bool = False
    allow_private: bool = False

    def for_sources(self) -> SourceOptions:
        from .sources import SourceOptions

        return SourceOptions(
            published=self.published,
            source=self.source,
            fetch_links=self.fetch_links,
            allow_private=self.allow_private,
        )


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _read_path(path: Path, options: _Options, *, explicit: bool) -> Iterator[Document | Problem]:
    origin = str(path)
    if path.is_dir():
        yield from _read_directory(path, options)
        return
    suffix = path.suffix.lower()
    if path.name.lower().endswith(WARC_SUFFIXES):
        from .sources import open_and_read, read_warc

        yield from open_and_read(origin, read_warc, options.for_sources())
        return
    if not explicit and suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES:
        yield Problem(
            origin,
            f"skipped: '{suffix}' files are not read from directories (ingest reads .txt, .html, .htm, "
            ".jsonl, .warc, .warc.gz, .rss, .atom, .xml and files without an extension); name the file on "
            "its own to read it anyway",
            fatal=True,
        )
        return
    if suffix not in JSONL_SUFFIXES and _file_is_feed(path):
        from .sources import open_and_read, read_feed

        yield from open_and_read(origin, read_feed, options.for_sources())
        return
    if suffix in FEED_SUFFIXES:
        yield Problem(origin, f"skipped: '{suffix}' file is not an RSS or Atom feed", fatal=True)
        return
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as stream:
                yield from _read_jsonl(_byte_lines(stream), origin, options)
            return
        yield _read_file(path, suffix, options)
    except IngestError as err:
        yield Problem(err.origin, err.reason, fatal=True)
    except OSError as err:
        yield Problem(
            origin, f"cannot read the file: {err.strerror or err}; check the path and permissions", fatal=True
        )


def _file_is_feed(path: Path) -> bool:
    """True when the file opens with an RSS or Atom root element (False when it cannot be read)."""
    from .sources import looks_like_feed

    try:
        with path.open("rb") as stream:
            return looks_like_feed(stream.read(SNIFF_CHARS))
    except OSError:
        return False  # reading it again reports the error


def _read_file(path: Path, suffix: str, options: _Options) -> Document:
    origin = str(path)
    _check_size(path.stat().st_size, origin)  # before reading: a 50 MB file is refused unread
    with path.open("rb") as stream:
        data = stream.read(MAX_DOCUMENT_BYTES + 1)  # the file may have grown since stat
    if suffix in HTML_SUFFIXES:
        return document_from_html(data, origin=origin, published=options.published, source=options.source)
    return document_from_bytes(data, origin=origin, published=options.published, source=options.source)


def _read_directory(root: Path, options: _Options) -> Iterator[Document | Problem]:
    for item in _walk_sorted(root):
        if isinstance(item, Problem):
            yield item
        else:
            yield from _read_path(item, options, explicit=False)


def _walk_sorted(directory: Path) -> Iterator[Path | Problem]:
    """Files under ``directory`` in sorted path order, lazily, one directory listing at a time.

    Hidden files and directories (".git", ".DS_Store") are left out; links to directories are not
    followed (a link to a parent would never end).
    """
    try:
        entries = sorted((entry.name, entry.is_symlink()) for entry in os.scandir(directory))
    except OSError as err:
        yield Problem(
            str(directory), f"cannot list the directory: {err.strerror or err}; check permissions", fatal=True
        )
        return
    for name, is_link in entries:
        path = directory / name
        if name.startswith("."):
            continue
        if path.is_dir():
            if is_link:
                yield Problem(
                    str(path),
                    "skipped: a link to a directory is not followed; name it on its own to read it",
                    fatal=True,
                )
            else:
                yield from _walk_sorted(path)
        else:
            yield path


def _read_stream(stream: IO[str], options: _Options) -> Iterator[Document | Problem]:
    """stdin: JSON Lines when the first non-blank line is a JSON object, otherwise one text/HTML report."""
    lines = _byte_lines(stream)
    head: list[bytes] = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    first = head[-1].lstrip(codecs.BOM_UTF8).lstrip() if head else b""
    if first.startswith(b"{"):
        yield from _read_jsonl(_chain(head, lines), "stdin", options, first_line=1)
        return
    try:
        data = _read_limited(_chain(head, lines), "stdin")
        yield document_from_bytes(data, origin="stdin", published=options.published, source=options.source)
    except IngestError as err:
        yield Problem(err.origin, err.reason, fatal=True)


def _byte_lines(stream: IO[Any]) -> Iterator[bytes]:
    """Lines of a text or binary stream as bytes, each at most MAX_DOCUMENT_BYTES + 1 long.

    A longer line comes out in pieces; :func:`_read_jsonl` reports it and skips the rest of it.
    """
    binary = getattr(stream, "buffer", None) if isinstance(stream, io.TextIOBase) else stream
    if binary is not None and not isinstance(binary, io.TextIOBase):
        while line := binary.readline(MAX_DOCUMENT_BYTES + 1):
            yield line
        return
    while text_line := stream.readline(MAX_DOCUMENT_BYTES + 1):
        try:
            yield text_line.encode("utf-8", errors="surrogateescape")  # undoes Python's own stdin escapes
        except UnicodeEncodeError:
            yield text_line.encode("utf-8", errors="replace")


def _chain(head: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from head
    yield from rest


def _read_limited(lines: Iterator[bytes], origin: str) -> bytes:
    buffer = bytearray()
    for line in lines:
        buffer += line
        if len(buffer) > MAX_DOCUMENT_BYTES:
            _check_size(len(buffer), origin)
    return bytes(buffer)


def _read_jsonl(
    lines: Iterator[bytes], origin: str, options: _Options, *, first_line: int = 1
) -> Iterator[Document | Problem]:
    number = first_line - 1
    for line in lines:
        number += 1
        line_origin = f"{origin}#L{number}"
        if len(line) > MAX_DOCUMENT_BYTES and not line.endswith(b"\n"):
            _skip_rest_of_line(lines)
            yield Problem(line_origin, _too_long_reason(), fatal=True)
            continue
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        yield from _document_from_json_line(line, line_origin, options)


def _skip_rest_of_line(lines: Iterator[bytes]) -> None:
    for piece in lines:
        if piece.endswith(b"\n"):
            return


def _too_long_reason() -> str:
    return (
        f"line is over the {MAX_DOCUMENT_BYTES:,}-byte limit for one report (MAX_DOCUMENT_BYTES); "
        "split the report or drop the line"
    )


def _document_from_json_line(line: bytes, origin: str, options: _Options) -> Iterator[Document | Problem]:
    """Exactly one Document or Problem for one JSON line."""
    try:
        record = json.loads(_decode_json_line(line, origin))
    except json.JSONDecodeError as err:
        yield Problem(origin, f"not valid JSON ({err.msg} at column {err.colno}); fix or remove the line", fatal=True)
        return
    except IngestError as err:
        yield Problem(err.origin, err.reason, fatal=True)
        return
    if not isinstance(record, dict):
        yield Problem(origin, f"expected a JSON object per line, got {type(record).__name__}", fatal=True)
        return
    try:
        yield _document_from_record(record, origin, options, _record_date(record, origin, options))
    except IngestError as err:
        yield Problem(err.origin, err.reason, fatal=True)


def _record_date(record: dict[str, Any], origin: str, options: _Options) -> dt.date | None:
    """The caller's date, else the line's "published"; a line's unreadable date is logged, not fatal."""
    if options.published is not None or record.get("published") in (None, ""):
        return options.published
    published = parse_date(record["published"])
    if published is None:
        logger.warning(
            "%s: published %r is not a date (ISO 8601 or RFC 2822); read without a publication date",
            origin,
            record["published"],
        )
    return published


def _decode_json_line(line: bytes, origin: str) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        text, _ = decode_bytes(line, origin)  # JSON Lines is UTF-8 by definition; recover what we can
        logger.warning("%s: line is not UTF-8; decoded by detection", origin)
        return text


def _document_from_record(
    record: dict[str, Any], origin: str, options: _Options, published: dt.date | None
) -> Document:
    source = options.source or _clean(_string_field(record, "source", origin))
    url = _clean(_string_field(record, "url", origin))
    title = _clean(_string_field(record, "title", origin))
    external_id = _clean(record.get("id"))
    text = _string_field(record, "text", origin)
    if text is not None:
        return _build_document(
            text,
            origin=origin,
            published=published,
            source=source,
            title=title,
            url=url,
            external_id=external_id,
        )
    html = _string_field(record, "html", origin)
    if html is None:
        raise IngestError(origin, 'the line has no "text" (or "html") field; add the report\'s text')
    return _document_from_markup(
        html,
        origin=origin,
        published=published,
        source=source,
        url=url,
        encoding=None,
        title=title,
        external_id=external_id,
    )


def _string_field(record: dict[str, Any], name: str, origin: str) -> str | None:
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    raise IngestError(origin, f'"{name}" must be a string, got {type(value).__name__}')
