"""The dashboard in a real browser: Playwright driving Debian's Chromium against the app served by uvicorn.

The store is built with the real pipeline from short reports written here, including one whose text, title and
outlet carry script and event-handler payloads. Each test leaves a screenshot in the artifacts folder
(``$CONFLICTLENS_ARTIFACTS``, default ``test-artifacts/`` in the repository). Every request the page makes is
checked to stay on the test server: the dashboard must work with no internet.

Skipped, with the reason, when the ``playwright`` package or Chromium (``/usr/bin/chromium``, or
``$CONFLICTLENS_CHROMIUM``) is missing; ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed: pip install -e '.[test]'"
)

import uvicorn  # noqa: E402

from conflictlens.api import create_app  # noqa: E402
from conflictlens.incidents import update_incidents  # noqa: E402
from conflictlens.ingest import document_from_text  # noqa: E402
from conflictlens.store import Store, open_store  # noqa: E402
from conflictlens.web import HEADLESS_CHROMIUM_ARGS, DashboardConfig  # noqa: E402

CHROMIUM = Path(os.environ.get("CONFLICTLENS_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("CONFLICTLENS_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts"))
READY = "body[data-state=ready]"
TIMEOUT_MS = 20_000

if not CHROMIUM.is_file():
    pytest.skip(
        f"Chromium is not at {CHROMIUM}: apt-get install chromium (.ci/run does), or set CONFLICTLENS_CHROMIUM",
        allow_module_level=True,
    )

PAYLOAD = '<script>window.__pwned = "script"</script> <img src=x onerror="window.__pwned = \'img\'">'
HOSTILE_SOURCE = "<img src=x onerror=\"window.__pwned = 'source'\">"
REPORTS = (
    (
        "Gunmen attacked a police checkpoint in Quetta, Pakistan on Sunday, killing four policemen, "
        "a provincial government spokesman said on Monday.",
        "2024-03-04",
        "Test Wire",
        "Checkpoint attack in Quetta",
    ),
    (
        "Militants attacked a police post in Quetta, Pakistan on Sunday. Five policemen were killed, police said.",
        "2024-03-04",
        "Other Wire",
        "Five police killed in Quetta",
    ),
    (
        "Thousands of farmers protested peacefully in Nairobi, Kenya on Tuesday against new taxes on fertiliser, "
        "police said.",
        "2024-06-12",
        "Test Wire",
        "Farmers protest in Nairobi",
    ),
    (
        f"Gunmen attacked a market in Kano, Nigeria on Monday, killing three traders, police said. {PAYLOAD}",
        "2024-09-10",
        HOSTILE_SOURCE,
        f"Kano market {PAYLOAD}",
    ),
)


# -- the server ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web_store(pipeline: Any) -> Iterator[Store]:
    store = open_store(":memory:")
    for text, published, source, title in REPORTS:
        document = document_from_text(text, origin="test_web", published=published, source=source, title=title)
        store.save(pipeline.extract(document))
    update_incidents(store)
    yield store
    store.close()


@contextmanager
def _served(app: Any) -> Iterator[str]:
    """``app`` under uvicorn on a free localhost port, in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 10 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def base_url(web_store: Store) -> Iterator[str]:
    """The app with the offline basemap only (no tiles configured)."""
    with _served(create_app(web_store, dashboard=DashboardConfig())) as url:
        yield url


# -- the browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=list(HEADLESS_CHROMIUM_ARGS))
        yield launched
        launched.close()


@dataclass
class Tab:
    """A page with what went wrong in it: script errors, and requests that tried to leave the test server."""

    page: Any
    base_url: str
    errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path)
        self.wait_ready()

    def wait_ready(self) -> None:
        self.page.wait_for_selector(READY, timeout=TIMEOUT_MS)

    def api(self, path: str) -> Any:
        response = self.page.request.get(self.base_url + path)
        assert response.ok, f"{path}: {response.status}"
        return response.json()

    def assert_clean(self) -> None:
        assert self.errors == [], f"script errors in the page: {self.errors}"
        assert self.outside_requests == [], f"the page asked for other sites: {self.outside_requests}"


@pytest.fixture
def tab(browser: Any, base_url: str, request: pytest.FixtureRequest) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    found = Tab(page, base_url)
    page.on("pageerror", lambda exc: found.errors.append(str(exc)))

    def keep_local(route: Any) -> None:
        if route.request.url.startswith(base_url + "/"):
            route.continue_()
        else:
            found.outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", keep_local)
    yield found
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def _events(tab: Tab, **params: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return tab.api(f"/events?limit=1000&{query}")["events"]  # type: ignore[no-any-return]


def _table_dates(tab: Tab) -> list[str]:
    return [c.strip() for c in tab.page.locator("#events-table tbody tr td:first-child").all_inner_texts()]


def _expect_table_dates(tab: Tab, expected: list[str]) -> None:
    """The table shows exactly these dates (in order), waiting for the reload a filter starts."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while _table_dates(tab) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    tab.wait_ready()
    assert _table_dates(tab) == expected


# -- tests ---------------------------------------------------------------------------------------------


def test_dashboard_draws_map_timeline_and_table_offline(tab: Tab) -> None:
    tab.open()
    events = _events(tab)
    located = [e for e in events if e["latitude"] is not None]
    assert len(events) == len(REPORTS), "each test report gives one event"
    assert tab.page.locator("path.event-marker").count() == len(located)
    assert _table_dates(tab) == [e["event_date"] for e in events]
    tab.page.wait_for_selector("body[data-basemap=ready]")
    assert tab.page.locator(".leaflet-outlines-pane path").count() > 100, "the offline country outlines are drawn"
    bars = tab.page.locator("#timeline rect.bar")
    counts = [int(c or 0) for c in bars.evaluate_all("(rs) => rs.map((r) => r.dataset.count)")]
    assert sum(counts) == len([e for e in events if e["event_date"]])
    tab.assert_clean()


def test_filter_form_narrows_map_and_table_by_date(tab: Tab) -> None:
    tab.open()
    since, until = "2024-06-01", "2024-06-30"
    expected = _events(tab, since=since, until=until)
    assert 0 < len(expected) < len(_events(tab)), "the date range keeps some events and drops others"
    tab.page.fill("input[name=since]", since)
    tab.page.fill("input[name=until]", until)
    tab.page.click("#filter-form button[type=submit]")
    _expect_table_dates(tab, [e["event_date"] for e in expected])
    assert tab.page.locator("path.event-marker").count() == len(expected)
    assert tab.page.locator("#timeline rect.brush").count() == 1, "the timeline shows the chosen dates"
    tab.assert_clean()


def test_brushing_the_timeline_filters_by_date_and_a_click_clears_it(tab: Tab) -> None:
    tab.open()
    everything = [e["event_date"] for e in _events(tab)]
    box = tab.page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    tab.page.mouse.move(box["x"] + 2, y)
    tab.page.mouse.down()
    tab.page.mouse.move(box["x"] + box["width"] * 0.1, y, steps=5)
    tab.page.mouse.move(box["x"] + box["width"] * 0.2, y, steps=5)
    tab.page.mouse.up()
    since = tab.page.input_value("input[name=since]")
    until = tab.page.input_value("input[name=until]")
    assert since and until and since <= until, "the brush set both dates"
    expected = [e["event_date"] for e in _events(tab, since=since, until=until)]
    assert 0 < len(expected) < len(everything), "a fifth of the timeline keeps the first events only"
    _expect_table_dates(tab, expected)
    assert all(since <= d <= until for d in _table_dates(tab))

    tab.page.mouse.click(box["x"] + box["width"] * 0.5, y)
    _expect_table_dates(tab, everything)
    assert tab.page.input_value("input[name=since]") == ""
    tab.assert_clean()


def test_marker_opens_event_then_incident_with_highlighted_evidence(tab: Tab) -> None:
    tab.open()
    # The two Quetta reports put their markers on the same spot: click the one on top, as a person would.
    first = _events(tab, country="Pakistan")[0]
    box = tab.page.locator(f'path.event-marker[data-event-id="{first["event_id_cnty"]}"]').bounding_box()
    on_top = tab.page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).dataset.eventId",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    (event,) = [e for e in _events(tab, country="Pakistan") if e["event_id_cnty"] == on_top]
    incident_id = tab.api(f"/events/{event['event_id_cnty']}")["incident_id"]
    tab.page.locator(f'path.event-marker[data-event-id="{event["event_id_cnty"]}"]').click()
    popup = tab.page.locator(".event-popup")
    assert popup.get_attribute("data-event-id") == event["event_id_cnty"]
    assert event["notes"] in popup.inner_text()
    link = popup.locator("a.incident-link[href]")
    assert link.get_attribute("href") == f"#incident/{incident_id}"
    link.click()
    tab.page.wait_for_selector("#incident-view:not([hidden])")
    tab.wait_ready()

    incident = tab.api(f"/incidents/{incident_id}")["incident"]
    articles = tab.page.locator("article.document")
    assert articles.count() == len(incident["doc_ids"])
    assert tab.page.locator("#ledger tbody tr").count() >= 1
    for doc_id in incident["doc_ids"]:
        body = tab.api(f"/documents/{doc_id}")
        text = body["document"]["text"]
        spans = [s for s in body["spans"] if s["event_id"] in incident["event_ids"]]
        assert spans, f"document {doc_id} has evidence for the incident"
        marks = tab.page.locator(f'article.document[data-doc-id="{doc_id}"] .doc-text mark').evaluate_all(
            "(ms) => ms.map((m) => [Number(m.dataset.start), Number(m.dataset.end), m.textContent])"
        )
        assert marks, "the evidence is highlighted"
        for start, end, words in marks:
            assert words == text[start:end]
        for span in spans:
            inside = "".join(w for s, e, w in marks if span["start"] <= s and e <= span["end"])
            assert inside == span["text"], f"the highlight of {span['field']} is its evidence"
        shown = tab.page.locator(f'article.document[data-doc-id="{doc_id}"] .doc-text').inner_text()
        assert shown.split() == text.split()
    tab.assert_clean()


def test_hostile_article_is_shown_as_text_and_never_runs(tab: Tab) -> None:
    tab.open()
    hostile = _events(tab, country="Nigeria")
    assert hostile, "the hostile report gave an event (its first sentence is a plain attack report)"
    incident_id = tab.api(f"/events/{hostile[0]['event_id_cnty']}")["incident_id"]
    assert HOSTILE_SOURCE in tab.page.locator("#events-table").inner_text()

    tab.page.goto(f"{tab.base_url}/#incident/{incident_id}")
    tab.wait_ready()
    article = tab.page.locator(f'article.document[data-doc-id="{hostile[0]["doc_id"]}"]')
    assert PAYLOAD in article.locator(".doc-text").inner_text()
    assert PAYLOAD in article.locator("h4").inner_text()
    assert HOSTILE_SOURCE in article.locator(".doc-meta").inner_text()
    assert tab.page.locator("#incident-view img, #incident-view script, #dashboard-view img[src='x']").count() == 0
    assert tab.page.evaluate("() => document.querySelectorAll('script').length") == 3, "only the page's own scripts"
    assert tab.page.evaluate("() => window.__pwned") is None
    tab.assert_clean()


def test_read_token_is_asked_for_then_used(browser: Any, web_store: Store) -> None:
    app = create_app(web_store, read_token="r-token", dashboard=DashboardConfig())
    with _served(app) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        try:
            page.goto(url + "/")
            page.wait_for_selector("body[data-state=error]")
            assert page.locator("#token-form").is_visible()
            assert page.locator("#events-table tbody tr").count() == 0
            page.fill("#token-form input[name=token]", "r-token")
            page.click("#token-form button[type=submit]")
            page.wait_for_selector(READY)
            assert not page.locator("#token-form").is_visible()
            assert page.locator("#events-table tbody tr").count() == len(REPORTS)
        finally:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "test_read_token_is_asked_for_then_used.png"), full_page=True)
            context.close()
