"""The CLI's --fetch-links and --allow-private flags, against a local HTTP server the test starts."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from conflictlens.cli import app

# Written for this test.
PAGE = (
    "<html><head><title>Attack in Valdera</title></head><body><article><p>Gunmen attacked a police post in "
    "Valdera on Monday, killing 4 officers, officials said. The attackers fled towards the hills.</p>"
    "<p>Police have arrested two suspects, the provincial police chief said on Tuesday.</p></article></body></html>"
)
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Valdera Courier</title><link>https://courier.example</link>
<item><title>Police post attacked</title><link>{link}</link>
<description>A police post was attacked.</description><pubDate>Tue, 27 Aug 2024 08:00:00 GMT</pubDate></item>
</channel></rss>
"""


class Handler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Handler.requests.append(self.path)
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.requests = []
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_allow_private_lets_extract_read_a_local_url(server: str) -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["extract", f"{server}/page", "--format", "json"])
    assert refused.exit_code == 1 and Handler.requests == []  # the guard refuses before connecting
    allowed = runner.invoke(app, ["extract", f"{server}/page", "--format", "json", "--allow-private"])
    assert allowed.exit_code == 0, allowed.output
    assert Handler.requests == ["/page"]
    [result] = json.loads(allowed.stdout)
    assert "killing 4 officers" in result["document"]["text"]


def test_fetch_links_lets_ingest_read_a_summary_only_item_from_its_page(server: str, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS.format(link=f"{server}/page"), encoding="utf-8")
    db = tmp_path / "events.sqlite"
    runner = CliRunner()
    summary_only = runner.invoke(app, ["ingest", str(feed), "--db", str(tmp_path / "a.sqlite"), "--allow-private"])
    assert summary_only.exit_code == 0 and Handler.requests == []
    fetched = runner.invoke(app, ["ingest", str(feed), "--db", str(db), "--fetch-links", "--allow-private"])
    assert fetched.exit_code == 0, fetched.output
    assert Handler.requests == ["/page"]
    events = runner.invoke(app, ["events", "--db", str(db), "--format", "json"])
    assert events.exit_code == 0 and "Valdera" in events.output
