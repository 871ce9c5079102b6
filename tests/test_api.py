"""The HTTP API in-process: filters, paging, formats, documents with spans, ingest, access and errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from typing import Any

import pytest

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 fork for its test client; httpx (a project dependency) still works.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from conflictlens.api import create_app, timeline_bins
from conflictlens.ingest import document_from_text
from conflictlens.store import open_store
from conflictlens.web import WEB_DIR, DashboardConfig, DashboardConfigError

REPORT_A = (
    "Gunmen attacked a police checkpoint in Quetta, Pakistan on Sunday, killing four policemen, "
    "a provincial government spokesman said on Monday."
)
REPORT_B = (
    "Thousands of farmers protested peacefully in Nairobi, Kenya on Tuesday against new taxes on fertiliser, "
    "police said."
)
WRITE = "w-secret"
READ = "r-secret"


@pytest.fixture(scope="module")
def store(pipeline: Any) -> Any:
    s = open_store(":memory:")
    for text, published in ((REPORT_A, "2024-03-04"), (REPORT_B, "2024-06-12")):
        doc = document_from_text(text, origin="test", published=published, source="Test Wire")
        s.save(pipeline.extract(doc))
    return s


@pytest.fixture(scope="module")
def client(store: Any) -> TestClient:
    return TestClient(create_app(store, write_token=WRITE), raise_server_exceptions=False)


def _all(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()["events"]  # type: ignore[no-any-return]


def test_store_has_events_in_two_countries(client: TestClient) -> None:
    countries = {e["country"] for e in _all(client)}
    assert {"Pakistan", "Kenya"} <= countries


@pytest.mark.parametrize(
    ("params", "kept", "dropped"),
    [
        ({"since": "2024-05-01"}, "Kenya", "Pakistan"),
        ({"until": "2024-05-01"}, "Pakistan", "Kenya"),
        ({"country": "kenya"}, "Kenya", "Pakistan"),
        ({"bbox": "60,20,75,35"}, "Pakistan", "Kenya"),
        ({"event_type": "Protests"}, "Kenya", "Pakistan"),
    ],
)
def test_each_filter_excludes_the_other_report(
    client: TestClient, params: dict[str, str], kept: str, dropped: str
) -> None:
    countries = {e["country"] for e in _all(client, **params)}
    assert kept in countries
    assert dropped not in countries


def test_admin1_actor_and_text_filters_narrow(client: TestClient) -> None:
    every = _all(client)
    pakistani = next(e for e in every if e["country"] == "Pakistan")
    if pakistani["admin1"]:
        assert {e["country"] for e in _all(client, admin1=pakistani["admin1"])} == {"Pakistan"}
    assert {e["country"] for e in _all(client, q="fertiliser")} <= {"Kenya"}
    assert _all(client, actor="no such actor anywhere") == []


def test_paging_reports_total_and_windows(client: TestClient) -> None:
    full = client.get("/events").json()
    assert full["total"] == len(full["events"]) >= 2
    first = client.get("/events", params={"limit": 1, "offset": 0}).json()
    second = client.get("/events", params={"limit": 1, "offset": 1}).json()
    assert first["total"] == full["total"]
    assert len(first["events"]) == 1
    assert first["events"][0]["event_id_cnty"] != second["events"][0]["event_id_cnty"]


def test_geojson_and_csv_formats(client: TestClient) -> None:
    geo = client.get("/events", params={"format": "geojson"}).json()
    assert geo["type"] == "FeatureCollection"
    lon, lat = geo["features"][0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    response = client.get("/events", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == int(response.headers["x-total-count"])
    assert client.get("/events", params={"format": "xml"}).status_code == 422


def test_one_event_and_unknown_event(client: TestClient) -> None:
    event_id = _all(client)[0]["event_id_cnty"]
    body = client.get(f"/events/{event_id}").json()
    assert body["event"]["event_id_cnty"] == event_id
    missing = client.get("/events/nope-1")
    assert missing.status_code == 404
    assert set(missing.json()) == {"error", "detail"}


def test_document_spans_match_its_text(client: TestClient) -> None:
    event = _all(client, country="Pakistan")[0]
    event_body = client.get(f"/events/{event['event_id_cnty']}").json()
    doc_id = event_body["record"]["doc_id"]
    body = client.get(f"/documents/{doc_id}").json()
    text = body["document"]["text"]
    assert text == REPORT_A
    assert body["spans"], "a stored event has evidence"
    assert {"event_type"} <= {s["field"] for s in body["spans"]}
    for span in body["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]


def test_bad_bbox_and_reversed_dates_are_json_400(client: TestClient) -> None:
    for params in ({"bbox": "1,2,3"}, {"since": "2024-05-01", "until": "2024-01-01"}):
        response = client.get("/events", params=params)
        assert response.status_code == 400
        assert response.json()["error"] == "bad_request"


def test_writes_need_the_write_token(store: Any) -> None:
    closed = TestClient(create_app(store), raise_server_exceptions=False)
    assert (
        closed.post("/documents", json={"text": REPORT_A}, headers={"Authorization": f"Bearer {WRITE}"}).status_code
        == 403
    )
    app = TestClient(create_app(store, write_token=WRITE), raise_server_exceptions=False)
    assert app.post("/documents", json={"text": REPORT_A}).status_code == 401
    assert app.post("/documents", json={"text": REPORT_A}, headers={"Authorization": "Bearer wrong"}).status_code == 403


def test_ingest_then_duplicate(store: Any) -> None:
    app = TestClient(create_app(store, write_token=WRITE), raise_server_exceptions=False)
    auth = {"Authorization": f"Bearer {WRITE}"}
    text = "Police arrested twelve protesters in Lahore, Pakistan on Friday after clashes, officials said."
    first = app.post("/documents", json={"text": text, "published": "2024-08-02", "source": "Test"}, headers=auth)
    assert first.status_code == 201, first.text
    again = app.post("/documents", json={"text": text, "published": "2024-08-02", "source": "Test"}, headers=auth)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["event_ids"] == first.json()["event_ids"]
    assert app.post("/documents", json={}, headers=auth).status_code == 400


def test_reading_can_need_a_token(store: Any) -> None:
    app = TestClient(create_app(store, read_token=READ), raise_server_exceptions=False)
    assert app.get("/events").status_code == 401
    assert app.get("/events", headers={"Authorization": "Bearer bad"}).status_code == 403
    assert app.get("/events", headers={"Authorization": f"Bearer {READ}"}).status_code == 200
    assert app.get("/health").status_code == 200


def test_body_size_limit_is_413_json(store: Any) -> None:
    app = TestClient(create_app(store, write_token=WRITE, max_body_bytes=100), raise_server_exceptions=False)
    response = app.post("/documents", json={"text": "x" * 500}, headers={"Authorization": f"Bearer {WRITE}"})
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_internal_error_is_500_json_without_traceback(store: Any) -> None:
    app = create_app(store)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


def test_openapi_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/events", "/events/{event_id}", "/documents/{doc_id}", "/documents", "/incidents"} <= set(paths)


def test_incidents_and_one_incident(client: TestClient) -> None:
    body = client.get("/incidents").json()
    assert body["count"] >= 1
    incident_id = body["incidents"][0]["id"]
    one = client.get(f"/incidents/{incident_id}").json()
    assert one["incident"]["id"] == incident_id
    assert "ledger" in one and one["evidence"]
    assert client.get("/incidents/none").status_code == 404


def test_timeline_counts_add_up_to_the_events_per_filter(client: TestClient) -> None:
    for params in ({}, {"country": "Kenya"}, {"event_type": "Protests"}, {"since": "2024-05-01"}):
        body = client.get("/timeline", params=params).json()
        dated = [e for e in _all(client, **params) if e["event_date"]]
        assert sum(b["count"] for b in body["bins"]) == len(dated), params
        for earlier, later in zip(body["bins"], body["bins"][1:], strict=False):
            assert dt.date.fromisoformat(earlier["end"]) + dt.timedelta(days=1) == dt.date.fromisoformat(later["start"])
        for event in dated:
            (home,) = [b for b in body["bins"] if b["start"] <= event["event_date"] <= b["end"]]
            assert home["count"] >= 1
    assert client.get("/timeline", params={"country": "Atlantis"}).json()["bins"] == []
    assert client.get("/timeline", params={"bbox": "1,2"}).status_code == 400


@pytest.mark.parametrize(
    ("days", "unit"), [(0, "day"), (150, "day"), (400, "week"), (3 * 365, "week"), (3000, "month"), (40 * 365, "year")]
)
def test_timeline_bins_pick_the_finest_unit_that_fits(days: int, unit: str) -> None:
    first = dt.date(2020, 2, 19)
    last = first + dt.timedelta(days=days)
    got, starts = timeline_bins(first, last, max_bins=200)
    assert got == unit
    assert len(starts) <= 200
    assert starts[0] <= first and starts[-1] <= last
    assert starts == sorted(set(starts))


def test_one_event_names_its_incident(client: TestClient) -> None:
    event_id = _all(client, country="Pakistan")[0]["event_id_cnty"]
    incident_id = client.get(f"/events/{event_id}").json()["incident_id"]
    assert incident_id
    assert event_id in client.get(f"/incidents/{incident_id}").json()["incident"]["event_ids"]


def test_dashboard_page_and_files_are_served_with_a_strict_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    linked = re.findall(r'(?:src|href)="([^"#]+)"', page.text)
    assert linked and all(url.startswith("/static/") for url in linked), linked
    for url in linked:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "content-security-policy" in response.headers
    outlines = client.get("/static/vendor/world-atlas/countries-110m.json").json()
    assert outlines["type"] == "Topology" and "countries" in outlines["objects"]


def test_dashboard_serves_no_other_file(client: TestClient) -> None:
    outside = (
        "/static/__init__.py",
        "/static/../api.py",
        "/static/%2e%2e/api.py",
        "/static/index.html",
        "/static/x.js",
    )
    for path in outside:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "import" not in response.text


def test_dashboard_code_references_no_other_site() -> None:
    for path in (WEB_DIR / "index.html", WEB_DIR / "app.js", WEB_DIR / "app.css"):
        urls = set(re.findall(r"https?://[^\s\"'`)]+", path.read_text(encoding="utf-8")))
        assert urls <= {"http://www.w3.org/2000/svg"}, (path.name, urls)


def test_tiles_only_when_configured(store: Any) -> None:
    offline = TestClient(create_app(store, dashboard=DashboardConfig()))
    assert offline.get("/dashboard/config").json()["tile_url"] is None
    assert "img-src 'self';" in offline.get("/").headers["content-security-policy"]
    url = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    online = TestClient(create_app(store, dashboard=DashboardConfig(url, "Tiles © Example")))
    assert online.get("/dashboard/config").json()["tile_url"] == url
    assert "img-src 'self' https://*.tiles.example.org;" in online.get("/").headers["content-security-policy"]
    for bad in ("javascript:alert(1)//{z}{x}{y}", "https://tiles.example.org/tile.png"):
        with pytest.raises(DashboardConfigError):
            DashboardConfig(bad)


def test_tile_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLICTLENS_TILE_URL", "https://tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.delenv("CONFLICTLENS_TILE_ATTRIBUTION", raising=False)
    config = DashboardConfig.from_environment()
    assert config.tile_url == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert config.tile_origin == "https://tiles.example.org"
    monkeypatch.setenv("CONFLICTLENS_TILE_URL", "")
    assert DashboardConfig.from_environment().tile_url is None


def test_dashboard_page_is_public_but_its_data_needs_the_read_token(store: Any) -> None:
    app = TestClient(create_app(store, read_token=READ, dashboard=DashboardConfig()), raise_server_exceptions=False)
    for path in ("/", "/static/app.js", "/dashboard/config"):
        assert app.get(path).status_code == 200, path
    assert app.get("/timeline").status_code == 401
    assert app.get("/timeline", headers={"Authorization": f"Bearer {READ}"}).status_code == 200


def test_the_served_app_freezes_its_start_up_objects_out_of_the_collector() -> None:
    # large pages make many short-lived records; full collections must not rescan what lives for the whole run
    import gc

    gc.unfreeze()
    store = open_store(":memory:")
    try:
        with TestClient(create_app(store)) as client:
            assert client.get("/health").status_code == 200
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        store.close()
