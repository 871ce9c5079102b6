"""Tests of feeds, WARC archives and URL fetching (conflictlens.sources, through ingest.read_documents).

Every feed, archive and page here is written by the tests themselves; the only network traffic goes to a
local http.server bound to 127.0.0.1, which the tests allow explicitly. The guard tests use a transport
that fails the test if a request ever reaches it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import http.server
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conflictlens import sources
from conflictlens.errors import IngestError
from conflictlens.ingest import read_documents
from conflictlens.records import Document, Problem
from conflictlens.sources import check_url_allowed, fetch_url, read_warc

STORY = (
    "Gunmen attacked a police post in the northern town of Valdera on Tuesday, killing {n} officers, "
    "the provincial governor said in a statement.",
    "Residents said the assault began shortly after midnight and lasted for nearly two hours before "
    "reinforcements arrived from the district headquarters.",
    "No group has claimed responsibility for the attack, which follows a series of raids on security "
    "positions across the province this year.",
)


def page(n: int = 3, title: str = "Attack on Valdera post") -> str:
    body = "".join(f"<p>{p.format(n=n)}</p>" for p in STORY)
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"


def documents(items: list[Document | Problem]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def problems(items: list[Document | Problem]) -> list[Problem]:
    return [item for item in items if isinstance(item, Problem)]


# --- feeds ---------------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Valdera Courier</title><link>https://courier.example/</link>
<item><title>Post attacked</title><link>{link1}</link><guid>courier-1</guid>
<pubDate>Tue, 27 Aug 2024 09:30:00 +0000</pubDate>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>Gunmen attacked a police post in Valdera, killing three officers.</p>
<p>The governor condemned the attack.</p>]]></content:encoded></item>
<item><title>Market reopens</title><link>{link2}</link><guid>courier-2</guid>
<pubDate>Wed, 28 Aug 2024 10:00:00 +0000</pubDate>
<description><![CDATA[<p>Traders in Valdera reopened the central market after a week of curfew.</p>]]></description>
</item>
<item><title></title><guid>courier-3</guid></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Border Desk</title><id>urn:desk</id>
<updated>2024-09-02T08:00:00Z</updated>
<entry><title>Checkpoint shelled</title><id>urn:desk:1</id><link href="https://desk.example/1"/>
<updated>2024-09-02T08:00:00Z</updated>
<content type="html">&lt;p&gt;Artillery shells struck a border checkpoint near Orsk overnight,
wounding two guards.&lt;/p&gt;</content>
</entry></feed>
"""


def write_rss(path: Path, link1: str = "https://courier.example/1", link2: str = "https://courier.example/2") -> Path:
    path.write_text(RSS.format(link1=link1, link2=link2), encoding="utf-8")
    return path


def test_rss_items_become_documents_with_the_feed_metadata(tmp_path: Path) -> None:
    items = list(read_documents([write_rss(tmp_path / "feed.xml")]))
    docs = documents(items)
    assert [d.origin for d in docs] == [f"{tmp_path / 'feed.xml'}#record-1", f"{tmp_path / 'feed.xml'}#record-2"]
    first, second = docs
    assert first.text.startswith("Gunmen attacked a police post in Valdera")
    assert "\nThe governor condemned the attack." in first.text  # paragraphs kept, markup gone
    assert "<p>" not in first.text and "teaser" not in first.text  # full content preferred to the summary
    assert (first.title, first.url, first.external_id) == ("Post attacked", "https://courier.example/1", "courier-1")
    assert first.published == dt.date(2024, 8, 27)
    assert first.source == "Valdera Courier"
    # no full content and fetching not allowed: the summary is the text
    assert second.text == "Traders in Valdera reopened the central market after a week of curfew."
    assert second.published == dt.date(2024, 8, 28)
    # the empty third item is a problem naming the record; it did not stop the others
    [bad] = problems(items)
    assert bad.origin.endswith("feed.xml#record-3") and "no content or summary" in bad.reason


def test_a_feed_is_sniffed_by_content_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "desk-latest"
    path.write_text(ATOM, encoding="utf-8")
    [doc] = list(read_documents([path]))
    assert isinstance(doc, Document)
    assert doc.origin.endswith("desk-latest#record-1")
    assert doc.text == "Artillery shells struck a border checkpoint near Orsk overnight, wounding two guards."
    assert (doc.source, doc.published, doc.url) == ("Border Desk", dt.date(2024, 9, 2), "https://desk.example/1")


def test_caller_overrides_beat_the_feed(tmp_path: Path) -> None:
    items = documents(list(read_documents([write_rss(tmp_path / "feed.rss")], published="2024-01-05", source="Desk")))
    assert {(d.published, d.source) for d in items} == {(dt.date(2024, 1, 5), "Desk")}


def test_xml_that_is_not_a_feed_is_refused_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_text("<?xml version='1.0'?><config><x>1</x></config>", encoding="utf-8")
    write_rss(tmp_path / "b.xml")
    items = list(read_documents([tmp_path]))
    assert len(documents(items)) == 2
    assert any(p.origin.endswith("a.xml") and "not an RSS or Atom feed" in p.reason for p in problems(items))


def test_a_broken_feed_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_text("<?xml version='1.0'?><rss><channel><title>Cut off", encoding="utf-8")
    [item] = list(read_documents([path]))
    assert isinstance(item, Problem) and item.fatal and item.origin == str(path)
    assert "not a readable RSS/Atom feed" in item.reason


# --- WARC ----------------------------------------------------------------------------------------------


def write_warc(
    stream: io.BufferedIOBase | io.BytesIO,
    responses: list[tuple[str, str, bytes]],
    *,
    gzip_records: bool = False,
    status: str = "200 OK",
) -> None:
    """One request and one response record per (url, content type, body), with a warcinfo record first."""
    writer = WARCWriter(stream, gzip=gzip_records)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "conflictlens tests"}))
    for url, content_type, body in responses:
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True),
        )
        writer.write_record(request)
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers)
        )


def html_responses(count: int) -> list[tuple[str, str, bytes]]:
    return [
        (f"https://news.example/{i}", "text/html; charset=utf-8", page(n=i + 2, title=f"Report {i}").encode())
        for i in range(count)
    ]


@pytest.mark.parametrize("name, gzip_records", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_html_responses_of_a_warc_go_through_the_html_path(tmp_path: Path, name: str, gzip_records: bool) -> None:
    path = tmp_path / name
    with path.open("wb") as stream:
        write_warc(stream, html_responses(3), gzip_records=gzip_records)
    if gzip_records:
        assert path.read_bytes()[:2] == b"\x1f\x8b"
    items = list(read_documents([path]))
    assert problems(items) == []  # warcinfo and request records are passed over silently
    docs = documents(items)
    assert [d.url for d in docs] == [f"https://news.example/{i}" for i in range(3)]
    assert [d.title for d in docs] == ["Report 0", "Report 1", "Report 2"]
    assert "killing 3 officers" in docs[1].text and "<p>" not in docs[1].text
    assert docs[0].origin == f"{path}#record-3"  # warcinfo, request, response
    assert docs[0].published == dt.date.today()  # the crawl date stands in when the page gives none


def test_a_non_html_response_is_skipped_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "mixed.warc.gz"
    responses = [("https://news.example/report.pdf", "application/pdf", b"%PDF-1.7 binary"), *html_responses(1)]
    with path.open("wb") as stream:
        write_warc(stream, responses, gzip_records=True)
    items = list(read_documents([path]))
    [skipped] = problems(items)
    assert skipped.origin == f"{path}#record-3"
    assert "application/pdf" in skipped.reason and "not HTML" in skipped.reason
    assert len(documents(items)) == 1


def test_an_error_status_response_is_skipped_with_its_status(tmp_path: Path) -> None:
    path = tmp_path / "missing.warc"
    with path.open("wb") as stream:
        write_warc(stream, html_responses(1), status="404 Not Found")
    [item] = list(read_documents([path]))
    assert isinstance(item, Problem) and "HTTP 404" in item.reason


@pytest.mark.parametrize("gzip_records", [False, True])
def test_a_malformed_record_is_a_problem_and_the_batch_goes_on(tmp_path: Path, gzip_records: bool) -> None:
    path = tmp_path / ("damaged.warc.gz" if gzip_records else "damaged.warc")
    with path.open("wb") as stream:
        write_warc(stream, html_responses(1), gzip_records=gzip_records)
        stream.write(b"this is not a WARC record\r\n\r\n")
    later = tmp_path / "later.warc.gz"
    with later.open("wb") as stream:
        write_warc(stream, html_responses(1), gzip_records=True)
    items = list(read_documents([path, later]))
    [bad] = problems(items)
    assert bad.origin == f"{path}#record-4" and "malformed WARC record" in bad.reason
    assert [d.origin for d in documents(items)] == [f"{path}#record-3", f"{later}#record-3"]


def test_a_response_without_http_headers_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "dns.warc"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        payload = b"20240827093000\nnews.example. 300 IN A 93.184.216.34\n"
        writer.write_record(
            writer.create_warc_record(
                "dns:news.example",
                "response",
                payload=io.BytesIO(payload),
                length=len(payload),
                warc_content_type="text/dns",
            )
        )
    [item] = list(read_documents([path]))
    assert isinstance(item, Problem) and item.origin == f"{path}#record-1" and "not an HTTP page" in item.reason


class CountingStream(io.BufferedReader):
    """A file whose furthest read position is recorded."""

    furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        self.furthest = max(self.furthest, self.tell())
        return data


def test_a_warc_is_read_one_record_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "many.warc.gz"
    with path.open("wb") as stream:
        write_warc(stream, html_responses(300), gzip_records=True)
    size = path.stat().st_size
    with CountingStream(io.FileIO(path, "rb")) as stream:
        records = read_warc(stream, str(path))
        first = next(records)
        assert isinstance(first, Document) and first.url == "https://news.example/0"
        assert stream.furthest < size / 10  # the first document came before most of the file was read
        assert sum(1 for _ in records) == 299


# --- URL fetching against a local server ---------------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []
    feed: ClassVar[str] = ""

    def do_GET(self) -> None:
        Handler.requests.append(self.path)
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(200):  # 2 MB, no Content-Length: only streaming can stop it
                self.wfile.write(b"<p>" + b"x" * 10_000 + b"</p>")
            return
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/page")
            self.end_headers()
            return
        routes = {
            "/page": ("text/html; charset=utf-8", page(n=7).encode()),
            "/slow": ("text/html", page().encode()),
            "/feed": ("application/rss+xml", Handler.feed.encode()),
            "/data.pdf": ("application/pdf", b"%PDF-1.7"),
        }
        if self.path not in routes:
            self.send_error(404)
            return
        content_type, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the timeout test hangs up on /slow; writing the late reply then fails, as it should


@pytest.fixture
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.requests = []
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    Handler.feed = RSS.format(link1=f"{base}/page", link2=f"{base}/page")
    try:
        yield base
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_fetch_follows_a_redirect_and_reads_the_page(server: str) -> None:
    fetched = fetch_url(f"{server}/redirect", allow_private=True)
    assert fetched.url == f"{server}/page" and fetched.content_type == "text/html" and fetched.charset == "utf-8"
    assert b"killing 7 officers" in fetched.body
    assert Handler.requests == ["/redirect", "/page"]


def test_fetch_stops_reading_past_the_size_cap(server: str) -> None:
    with pytest.raises(IngestError, match="over the 100,000-byte limit"):
        fetch_url(f"{server}/big", allow_private=True, max_bytes=100_000)


def test_fetch_times_out(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(IngestError, match="timed out"):
        fetch_url(f"{server}/slow", allow_private=True, timeout=0.3)
    assert time.monotonic() - started < 1.4


def test_fetch_reports_an_http_error(server: str) -> None:
    with pytest.raises(IngestError, match="HTTP 404"):
        fetch_url(f"{server}/nowhere", allow_private=True)


def test_urls_are_read_as_pages_or_feeds(server: str) -> None:
    items = list(read_documents([f"{server}/page", f"{server}/feed", f"{server}/data.pdf"], allow_private=True))
    docs = documents(items)
    assert docs[0].origin == f"{server}/page" and "killing 7 officers" in docs[0].text
    assert [d.origin for d in docs[1:]] == [f"{server}/feed#record-1", f"{server}/feed#record-2"]
    [empty_item, pdf] = problems(items)
    assert pdf.origin == f"{server}/data.pdf" and "application/pdf" in pdf.reason
    assert empty_item.origin == f"{server}/feed#record-3"


def test_a_summary_only_item_is_read_from_its_link_when_fetching(server: str, tmp_path: Path) -> None:
    feed = write_rss(tmp_path / "feed.xml", link2=f"{server}/page")
    fetched = documents(list(read_documents([feed], fetch_links=True, allow_private=True)))
    assert "killing 7 officers" in fetched[1].text  # the linked page, not the summary
    assert fetched[1].published == dt.date(2024, 8, 28)  # the page has no date: the item's
    assert fetched[1].source == "Valdera Courier"
    assert Handler.requests == ["/page"]  # the item with full content was not fetched
    summary_only = documents(list(read_documents([feed], allow_private=True)))
    assert summary_only[1].text.startswith("Traders in Valdera")
    assert Handler.requests == ["/page"]


def test_a_link_that_cannot_be_fetched_falls_back_to_the_summary(server: str, tmp_path: Path) -> None:
    feed = write_rss(tmp_path / "feed.xml", link2=f"{server}/nowhere")
    docs = documents(list(read_documents([feed], fetch_links=True, allow_private=True)))
    assert docs[1].text.startswith("Traders in Valdera")


# --- the address guard ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/"],
)
def test_the_guard_refuses_internal_addresses_before_connecting(url: str) -> None:
    def must_not_be_called(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"a request reached {request.url}")

    with pytest.raises(IngestError, match="refused"):
        check_url_allowed(url)
    with pytest.raises(IngestError, match="allow_private=True"):
        fetch_url(url, transport=httpx.MockTransport(must_not_be_called))


@pytest.mark.parametrize(
    "address",
    ["0.0.0.0", "224.0.0.1", "240.0.0.1", "192.168.1.1", "172.16.0.1", "fe80::1", "fc00::1", "::ffff:10.0.0.1"],
)
def test_the_guard_refuses_every_non_public_kind(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(IngestError, match="refused"):
        check_url_allowed(f"http://{host}/")


def test_the_guard_checks_every_address_a_name_resolves_to(monkeypatch: pytest.MonkeyPatch) -> None:
    resolved = [(2, 1, 6, "", ("93.184.216.34", 0)), (2, 1, 6, "", ("10.1.2.3", 0))]
    monkeypatch.setattr(sources.socket, "getaddrinfo", lambda *args, **kwargs: resolved)
    with pytest.raises(IngestError, match=r"10\.1\.2\.3"):
        check_url_allowed("https://mixed.example/")


def test_the_request_goes_to_the_vetted_address_under_the_original_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second DNS answer (rebinding to 127.0.0.1) cannot be used: the client never resolves the name."""
    answers = iter([[(2, 1, 6, "", ("93.184.216.34", 0))], [(2, 1, 6, "", ("127.0.0.1", 0))]])
    monkeypatch.setattr(sources.socket, "getaddrinfo", lambda *args, **kwargs: next(answers))
    seen: list[tuple[str, str, object]] = []

    def public_site(request: httpx.Request) -> httpx.Response:  # a mock: nothing leaves the process
        seen.append((str(request.url), request.headers["host"], request.extensions.get("sni_hostname")))
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=page().encode())

    fetched = fetch_url("https://news.example:8443/story?id=1", transport=httpx.MockTransport(public_site))
    assert seen == [("https://93.184.216.34:8443/story?id=1", "news.example:8443", "news.example")]
    assert fetched.url == "https://news.example:8443/story?id=1"


def test_the_guard_refuses_other_schemes() -> None:
    with pytest.raises(IngestError, match="only http and https"):
        check_url_allowed("file:///etc/passwd", allow_private=True)


def test_a_redirect_to_an_internal_address_is_refused() -> None:
    seen: list[str] = []

    def public_site(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    with pytest.raises(IngestError, match=r"169\.254\.169\.254"):
        fetch_url("http://93.184.216.34/story", transport=httpx.MockTransport(public_site))
    assert seen == ["http://93.184.216.34/story"]  # the redirect target was never requested


def test_read_documents_refuses_loopback_urls_unless_allowed(server: str) -> None:
    [item] = list(read_documents([f"{server}/page"]))
    assert isinstance(item, Problem) and "refused" in item.reason
    assert Handler.requests == []
    [doc] = list(read_documents([f"{server}/page"], allow_private=True))
    assert isinstance(doc, Document)


def test_a_gzip_file_that_is_not_a_warc_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc.gz"
    path.write_bytes(gzip.compress(b"just some text, not an archive\n"))
    items = list(read_documents([path]))
    assert items and all(isinstance(i, Problem) for i in items)
