"""Inputs at scale: RSS/Atom feeds, WARC archives and URLs, read one record at a time.

:func:`conflictlens.ingest.read_documents` hands these inputs here after sniffing them; every function
yields :class:`~conflictlens.records.Document` or :class:`~conflictlens.records.Problem` lazily, and a bad
record is a Problem whose origin names it (``crawl.warc.gz#record-7``, ``feed.xml#record-3``) while the
rest of the input goes on.

URL fetching (:func:`fetch_url`) refuses loopback, private, link-local, multicast and reserved addresses
before any connection is made, unless the operator passes ``allow_private=True``; every redirect target
is checked again. Bodies are streamed and reading stops past the size cap.

feedparser, warcio and httpx are imported when first used, not on import of the package.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import logging
import re
import socket
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from .errors import IngestError
from .ingest import (
    MAX_DOCUMENT_BYTES,
    document_from_bytes,
    document_from_html,
    document_from_text,
    looks_like_html,
    parse_date,
)
from .records import Document, Problem

if TYPE_CHECKING:
    import httpx

__all__ = [
    "FETCH_TIMEOUT_SECONDS",
    "MAX_FEED_BYTES",
    "Fetched",
    "check_url_allowed",
    "fetch_url",
    "looks_like_feed",
    "read_feed",
    "read_url",
    "read_warc",
]

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# --- limits --------------------------------------------------------------------------------------------
# Per network operation (connect, each read): news sites answer in well under a second; 20 s tolerates a
# slow site without letting one dead host hold up a batch.
FETCH_TIMEOUT_SECONDS = 20.0
# Whole-download deadline: a server dripping one byte a second never trips the per-read timeout; 4 read
# timeouts is ample for a 5 MB page on any working connection.
FETCH_DEADLINE_SECONDS = 4 * FETCH_TIMEOUT_SECONDS
# Browsers stop at 20 redirects; news links take at most 2-3 (tracker, http->https, canonical host).
MAX_REDIRECTS = 5
# feedparser parses a whole feed in memory. Feeds carry 10-100 items (10 KB-2 MB); 10 report-sized
# documents is far above any real feed while refusing a dump renamed .xml.
MAX_FEED_BYTES = 10 * MAX_DOCUMENT_BYTES
# Bytes looked at to tell a feed from other XML or HTML.
FEED_SNIFF_BYTES = 2048

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_CONTENT_TYPES = frozenset({"text/plain"})
FEED_CONTENT_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
)
_USER_AGENT = "conflictlens (+https://github.com/conflictlens/conflictlens)"

# The root element of RSS 0.9x/2.0 (<rss>), RSS 1.0 (<rdf:RDF>) and Atom (<feed>), after an optional
# XML declaration, processing instructions, comments and doctype.
_FEED_ROOT_RE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<(?:rss|feed|rdf:RDF)[\s>]",
    re.DOTALL | re.IGNORECASE,
)


@dataclass(frozen=True)
class Fetched:
    """A fetched URL: where it ended up after redirects, its media type and charset, and its body."""

    url: str
    content_type: str  # lower-case media type without parameters; "" when the server sent none
    charset: str | None
    body: bytes


@dataclass(frozen=True)
class SourceOptions:
    """The caller's choices for one batch (see :func:`conflictlens.ingest.read_documents`)."""

    published: dt.date | None = None
    source: str | None = None
    fetch_links: bool = False
    allow_private: bool = False
    timeout: float = FETCH_TIMEOUT_SECONDS


# --- sniffing ------------------------------------------------------------------------------------------


def looks_like_feed(head: bytes) -> bool:
    """True when the first bytes of a document open an RSS or Atom feed."""
    return bool(_FEED_ROOT_RE.match(head[:FEED_SNIFF_BYTES]))


# --- the address guard ---------------------------------------------------------------------------------


def check_url_allowed(url: str, *, allow_private: bool = False) -> IPAddress | None:
    """Raise :class:`IngestError` unless ``url`` is http(s) and every address its host resolves to is public.

    Loopback, private, link-local (169.254.169.254, the cloud metadata service), multicast, reserved and
    unspecified addresses are refused unless ``allow_private``; IPv4 addresses inside IPv6 (::ffff:10.0.0.1)
    are judged as IPv4. Resolution happens here, before any connection. Returns the vetted address to
    connect to (None when ``allow_private``: nothing was resolved), so that a second lookup by the HTTP
    client cannot be answered differently (DNS rebinding).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise IngestError(url, f"only http and https URLs are fetched, not {parts.scheme or 'a bare path'!r}")
    if not parts.hostname:
        raise IngestError(url, "the URL has no host name")
    if allow_private:
        return None
    addresses = _resolve(parts.hostname, url)
    for address in addresses:
        reason = _refusal(address)
        if reason is not None:
            raise IngestError(
                url,
                f"refused: {parts.hostname} resolves to {address}, {reason}; fetching it could reach internal "
                "services. Pass allow_private=True (the operator's option) if this host is meant to be read",
            )
    return addresses[0]


def _pinned_request(url: str, address: IPAddress | None) -> tuple[str, dict[str, str], dict[str, Any]]:
    """(URL, headers, httpx extensions) that reach ``address`` while naming the original host.

    The host goes in the Host header and, for https, in the TLS SNI name, which is also the name the
    certificate is checked against.
    """
    if address is None:
        return url, {}, {}
    parts = urllib.parse.urlsplit(url)
    host = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{host}:{parts.port}" if parts.port else host
    original_host = parts.netloc.rpartition("@")[2]
    pinned = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    extensions: dict[str, Any] = {"sni_hostname": parts.hostname} if parts.scheme.lower() == "https" else {}
    return pinned, {"Host": original_host}, extensions


def _resolve(host: str, url: str) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]").split("%")[0])]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as err:
        raise IngestError(url, f"cannot resolve the host {host!r} ({err}); check the URL") from err
    addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    if not addresses:
        raise IngestError(url, f"the host {host!r} resolves to no address")
    return sorted(addresses, key=str)


def _refusal(address: IPAddress) -> str | None:
    """Why an address may not be fetched from, or None when it is a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        ("a loopback address", address.is_loopback),
        ("a link-local address", address.is_link_local),
        ("a multicast address", address.is_multicast),
        ("an unspecified address", address.is_unspecified),
        ("a reserved address", address.is_reserved),
        ("a private address", address.is_private),
        ("not a globally routable address", not address.is_global),
    )
    return next((reason for reason, hit in checks if hit), None)


# --- fetching ------------------------------------------------------------------------------------------


def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float = FETCH_TIMEOUT_SECONDS,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET ``url`` following up to MAX_REDIRECTS redirects, each target checked by :func:`check_url_allowed`.

    Raises :class:`IngestError` on a refused address, a timeout, an HTTP error status or a body over
    ``max_bytes`` (reading stops there). ``transport`` is for tests.
    """
    import httpx

    deadline = time.monotonic() + timeout * (FETCH_DEADLINE_SECONDS / FETCH_TIMEOUT_SECONDS)
    with httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,  # a proxy from the environment would bypass the address guard
        transport=transport,
        headers={"User-Agent": _USER_AGENT},
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            address = check_url_allowed(url, allow_private=allow_private)
            try:
                fetched, location = _get_once(client, url, address, max_bytes, deadline)
            except httpx.TimeoutException as err:
                raise IngestError(url, f"timed out after {timeout:g} s ({type(err).__name__}); retry later") from err
            except httpx.HTTPError as err:
                raise IngestError(url, f"cannot fetch: {type(err).__name__}: {err}") from err
            if fetched is not None:
                return fetched
            url = urllib.parse.urljoin(url, location)
    raise IngestError(url, f"more than {MAX_REDIRECTS} redirects; give the final URL")


def _get_once(
    client: httpx.Client, url: str, address: IPAddress | None, max_bytes: int, deadline: float
) -> tuple[Fetched | None, str]:
    """(the response, "") or (None, the redirect target), from ``address`` when one was vetted."""
    pinned, headers, extensions = _pinned_request(url, address)
    with client.stream("GET", pinned, headers=headers, extensions=extensions) as response:
        if response.is_redirect:
            location = response.headers.get("location", "")
            if not location:
                raise IngestError(url, f"HTTP {response.status_code} redirect without a Location header")
            return None, location
        if response.status_code >= 400:
            raise IngestError(url, f"HTTP {response.status_code} {response.reason_phrase}; check the URL")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise IngestError(url, _over_cap(int(declared), max_bytes))
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise IngestError(url, _over_cap(len(body), max_bytes, at_least=True))
            if time.monotonic() > deadline:
                raise IngestError(url, "the download took too long (a slow or stalled server); retry later")
        media_type, charset = _content_type(response.headers.get("content-type", ""))
        return Fetched(url, media_type, charset, bytes(body)), ""


def _over_cap(size: int, cap: int, *, at_least: bool = False) -> str:
    amount = f"over {cap:,}" if at_least else f"{size:,}"
    return f"the body is {amount} bytes, over the {cap:,}-byte limit (MAX_DOCUMENT_BYTES); not one news report"


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", params, re.IGNORECASE)
    return media_type.strip().lower(), match.group(1).lower() if match else None


# --- URLs ----------------------------------------------------------------------------------------------


def read_url(url: str, options: SourceOptions) -> Iterator[Document | Problem]:
    """The document at ``url``, or every item when it is a feed; one Problem if it cannot be read."""
    try:
        fetched = fetch_url(url, allow_private=options.allow_private, timeout=options.timeout, max_bytes=MAX_FEED_BYTES)
    except IngestError as err:
        yield Problem(err.origin, err.reason, fatal=True)
        return
    if fetched.content_type in FEED_CONTENT_TYPES or looks_like_feed(fetched.body):
        yield from _read_feed_bytes(fetched.body, url, options)
        return
    try:
        yield _document_from_response(fetched.body, fetched.content_type, fetched.charset, url, fetched.url, options)
    except IngestError as err:
        yield Problem(err.origin, err.reason, fatal=True)


def _document_from_response(
    body: bytes, content_type: str, charset: str | None, origin: str, url: str | None, options: SourceOptions
) -> Document:
    """A Document from an HTTP body: HTML through the HTML path, plain text as text, anything else refused."""
    if len(body) > MAX_DOCUMENT_BYTES:
        raise IngestError(origin, _over_cap(len(body), MAX_DOCUMENT_BYTES))
    if content_type in HTML_CONTENT_TYPES:
        return document_from_html(
            _decode_declared(body, charset), origin=origin, published=options.published, source=options.source, url=url
        )
    if content_type in TEXT_CONTENT_TYPES or (not content_type and not looks_like_feed(body)):
        return document_from_bytes(body, origin=origin, published=options.published, source=options.source, url=url)
    raise IngestError(origin, f"skipped: the response is {content_type!r}, not HTML or plain text")


def _decode_declared(body: bytes, charset: str | None) -> str | bytes:
    """The body decoded with the HTTP charset when that works; else the bytes, for ingest to sniff."""
    if charset:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            logger.info("declared charset %r does not decode the body; detecting instead", charset)
    return body


# --- feeds ---------------------------------------------------------------------------------------------


def read_feed(stream: IO[bytes], origin: str, options: SourceOptions | None = None) -> Iterator[Document | Problem]:
    """Every item of an RSS or Atom feed read from ``stream``, one Document or Problem per item."""
    data = stream.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        yield Problem(origin, f"the feed is over the {MAX_FEED_BYTES:,}-byte limit (MAX_FEED_BYTES)", fatal=True)
        return
    yield from _read_feed_bytes(data, origin, options or SourceOptions())


def _read_feed_bytes(data: bytes, origin: str, options: SourceOptions) -> Iterator[Document | Problem]:
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.entries:
        reason = "the feed has no items"
        if parsed.get("bozo"):
            reason = f"not a readable RSS/Atom feed ({parsed.get('bozo_exception')}); check the file"
        yield Problem(origin, reason, fatal=True)
        return
    if parsed.get("bozo"):
        logger.warning("%s: the feed is malformed (%s); reading the items found", origin, parsed.get("bozo_exception"))
    feed_title = _text_of(parsed.feed.get("title"))
    for number, entry in enumerate(parsed.entries, start=1):
        record_origin = f"{origin}#record-{number}"
        try:
            yield _document_from_entry(entry, record_origin, feed_title, options)
        except IngestError as err:
            yield Problem(record_origin, err.reason, fatal=True)


def _document_from_entry(entry: Any, origin: str, feed_title: str | None, options: SourceOptions) -> Document:
    """A feed item's full content when it has one; else its linked page (when fetching); else its summary."""
    title = _text_of(entry.get("title"))
    link = entry.get("link") or None
    entry_date = _entry_date(entry)
    content = _entry_content(entry)
    if content is None and link and options.fetch_links:
        # the feed names the outlet as a JSON Lines field would: it beats the page's site name
        fetched = _fetch_item_page(link, origin, dataclasses.replace(options, source=options.source or feed_title))
        if fetched is not None:
            return _with_fallbacks(fetched, published=entry_date, title=title)
    body = content or _markup_to_text(entry.get("summary") or "")
    if not body.strip():
        raise IngestError(origin, "the item has no content or summary" + ("" if link else " and no link"))
    return document_from_text(
        body,
        origin=origin,
        published=options.published or entry_date,
        source=options.source or feed_title,
        title=title,
        url=link,
        external_id=entry.get("id") or None,
    )


def _fetch_item_page(link: str, origin: str, options: SourceOptions) -> Document | None:
    """The item's page, or None (logged) when it cannot be fetched or read: the summary is used instead."""
    try:
        fetched = fetch_url(link, allow_private=options.allow_private, timeout=options.timeout)
        return _document_from_response(
            fetched.body, fetched.content_type, fetched.charset, origin, fetched.url, options
        )
    except IngestError as err:
        logger.warning("%s: %s; ingesting the item's summary instead", origin, err)
        return None


def _with_fallbacks(document: Document, *, published: dt.date | None, title: str | None) -> Document:
    """Fill what the page did not give from the feed item or record (the caller's values were applied)."""
    return dataclasses.replace(document, published=document.published or published, title=document.title or title)


def _entry_content(entry: Any) -> str | None:
    """The item's full text (Atom <content>, RSS <content:encoded>) as plain text, if it has one."""
    for part in entry.get("content") or ():
        value = part.get("value") or ""
        text = _markup_to_text(value) if "html" in (part.get("type") or "html") else value
        if text.strip():
            return text
    return None


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return parse_date(entry.get("published") or entry.get("updated"))


_BLOCK_END_RE = re.compile(r"<\s*(?:br\s*/?|/p|/div|/h[1-6]|/li|/blockquote)\s*>", re.IGNORECASE)


_PARAGRAPH_MARK = "\u2029"  # Unicode PARAGRAPH SEPARATOR: stands for a block end until the text is split


def _markup_to_text(markup: str) -> str:
    """Plain text of an HTML fragment (a feed summary), one paragraph a line; source line breaks are spaces."""
    if "<" not in markup:
        return markup
    import lxml.html

    try:
        fragment = lxml.html.fragment_fromstring(_BLOCK_END_RE.sub(_PARAGRAPH_MARK, markup), create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return markup
    lines = (" ".join(part.split()) for part in fragment.text_content().split(_PARAGRAPH_MARK))
    return "\n".join(line for line in lines if line)


def _text_of(value: object) -> str | None:
    return " ".join(str(value).split()) or None if value else None


# --- WARC ----------------------------------------------------------------------------------------------


def read_warc(stream: IO[bytes], origin: str, options: SourceOptions | None = None) -> Iterator[Document | Problem]:
    """One Document per HTML response record of a WARC (or WARC.gz) stream, read one record at a time.

    Request, metadata and warcinfo records carry no report and are passed over silently; a response that
    is not a successful HTML (or plain-text) page is a Problem with the reason. A record warcio cannot
    parse ends the file: the archive has no reliable way to find the next record after it.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    options = options or SourceOptions()
    records = iter(ArchiveIterator(stream))
    number = 0
    while True:
        number += 1
        record_origin = f"{origin}#record-{number}"
        try:
            record = next(records)
        except StopIteration:
            return
        except (ArchiveLoadFailed, ValueError, OSError, EOFError) as err:
            yield Problem(
                record_origin,
                f"malformed WARC record ({type(err).__name__}: {err}); the rest of the file is skipped",
                fatal=True,
            )
            return
        item = _item_from_record(record, record_origin, options)
        if item is not None:
            yield item


def _item_from_record(record: Any, origin: str, options: SourceOptions) -> Document | Problem | None:
    if record.rec_type not in ("response", "resource"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    try:
        return _document_from_record(record, origin, url, options)
    except IngestError as err:
        return Problem(err.origin, err.reason, fatal=True)
    except (ValueError, OSError, EOFError) as err:  # chunked or gzip content that does not decode
        return Problem(origin, f"the record's content cannot be decoded ({type(err).__name__}: {err})", fatal=True)


def _document_from_record(record: Any, origin: str, url: str | None, options: SourceOptions) -> Document:
    header = record.rec_headers.get_header("Content-Type") or ""
    if record.rec_type == "response":
        if record.http_headers is None:
            raise IngestError(origin, f"skipped: a {header or 'non-HTTP'} response, not an HTTP page")
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            raise IngestError(origin, f"skipped: HTTP {status or 'status missing'} response for {url}")
        header = record.http_headers.get_header("Content-Type") or ""
    media_type, charset = _content_type(header)
    body = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
    if not media_type and looks_like_html(body[:4096].decode("latin-1")):
        media_type = "text/html"
    document = _document_from_response(body, media_type, charset, origin, url, options)
    # WARC-Date is when the page was crawled; news crawls (CC-NEWS) fetch within hours of publication, so
    # it stands in for a publication date only when neither the caller nor the page gave one.
    crawled = parse_date(record.rec_headers.get_header("WARC-Date"))
    return _with_fallbacks(document, published=crawled, title=None)


# --- dispatch from read_documents ----------------------------------------------------------------------


def open_and_read(
    path: str, reader: Callable[[IO[bytes], str, SourceOptions], Iterator[Document | Problem]], options: SourceOptions
) -> Iterator[Document | Problem]:
    """Open ``path`` and stream it through ``reader``; a file that cannot be opened is one Problem."""
    try:
        with open(path, "rb") as stream:
            yield from reader(stream, path, options)
    except OSError as err:
        yield Problem(path, f"cannot read the file: {err.strerror or err}; check the path and permissions", fatal=True)
