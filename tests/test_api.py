"""The HTTP API in-process: filters, paging, formats, documents with spans, ingest, access and errors."""

from __future__ import annotations

import csv
import io
import warnings
from typing import Any

import pytest

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 fork for its test client; httpx (a project dependency) still works.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from conflictlens.api import create_app
from conflictlens.ingest import document_from_text
from conflictlens.store import open_store

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
