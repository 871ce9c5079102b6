"""Fictional reports for the parallel, resume and Ray tests, and a canonical dump of a store to compare runs.

Eight attacks are each told by three outlets in different words and figures (so they form incidents of
several reports), eight more by one outlet each, two reports are off-topic (stored without events) and one
line repeats an earlier report word for word (stored once). The places are real towns so that the gazetteer
resolves them; the attacks are invented.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from conflictlens.records import to_dict
from conflictlens.store import Store

OUTLETS = ("Frontier Times", "Daily Courier", "Coastal Herald")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TOWNS = (
    ("Quetta", "Balochistan"),
    ("Peshawar", "Khyber Pakhtunkhwa"),
    ("Kandahar", "Kandahar province"),
    ("Maiduguri", "Borno State"),
    ("Mogadishu", "Banadir"),
    ("Bannu", "Khyber Pakhtunkhwa"),
    ("Jalalabad", "Nangarhar province"),
    ("Kirkuk", "Kirkuk province"),
)
LONE_TOWNS = ("Gwadar", "Turbat", "Karachi", "Lahore", "Kabul", "Mosul", "Goma", "Bamako")
OFF_TOPIC = (
    "The national cricket team won the third one-day match by six wickets on Sunday, taking the series 2-1.",
    "Shares closed higher on Friday as investors welcomed the central bank's decision to hold interest rates.",
)


def _told_three_ways(town: str, region: str, day: dt.date, killed: int) -> list[str]:
    weekday = WEEKDAYS[day.weekday()]
    return [
        f"{killed} people were killed when a suicide bomber blew himself up at a crowded market in {town}, "
        f"{region}, on {weekday}, police said. Dozens more were wounded in the blast.",
        f"A suicide attack on a market in {town} on {weekday} killed {killed + 2} civilians and wounded many "
        f"others, officials told reporters. No group has claimed the bombing in {region}.",
        f"The death toll from {weekday}'s suicide bombing at a market in {town} has risen to {killed + 5}, "
        f"hospital officials in {region} said, as funerals were held for the victims of the blast.",
    ]


def report_lines() -> list[dict[str, Any]]:
    """The JSON Lines records of the test reports (text, source, published), in a fixed order."""
    lines: list[dict[str, Any]] = []
    start = dt.date(2024, 3, 4)
    for i, (town, region) in enumerate(TOWNS):
        day = start + dt.timedelta(days=3 * i)
        for k, text in enumerate(_told_three_ways(town, region, day, 6 + i)):
            published = day + dt.timedelta(days=min(k, 1))
            lines.append({"text": text, "source": OUTLETS[k], "published": published.isoformat()})
    for i, town in enumerate(LONE_TOWNS):
        day = start + dt.timedelta(days=2 * i + 1)
        text = (
            f"Gunmen opened fire on a police checkpoint in {town} on {WEEKDAYS[day.weekday()]}, killing "
            f"{2 + i} policemen before fleeing, a police spokesman said."
        )
        lines.append({"text": text, "source": OUTLETS[i % 3], "published": day.isoformat()})
    for text in OFF_TOPIC:
        lines.append({"text": text, "source": OUTLETS[0], "published": start.isoformat()})
    lines.append(dict(lines[4]))  # the same report again, word for word
    return lines


def write_reports(path: Path) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in report_lines()), encoding="utf-8")
    return path


def write_report_files(folder: Path, files: int) -> list[Path]:
    """The reports split over ``files`` JSON Lines files, in order (the repeated report in the last one)."""
    lines = report_lines()
    size = -(-len(lines) // files)
    paths = []
    for i in range(files):
        path = folder / f"reports-{i}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines[i * size : (i + 1) * size]), encoding="utf-8")
        paths.append(path)
    return paths


def canonical_dump(store: Store) -> dict[str, Any]:
    """Everything a run decides, in a fixed order: documents (without the ingestion time), events, claims,
    problems and incidents with their members. Incident history is left out: its timestamps say when a run
    attached each report, which differs between runs by design."""
    documents = sorted(store.documents(), key=lambda d: d.id)
    doc_rows = []
    for document in documents:
        row = to_dict(document)
        row.pop("ingested_at")
        row["problem"] = store.problem(document.id)
        row["claims"] = [to_dict(c) for c in store.claims(doc_id=document.id)]
        doc_rows.append(row)
    events = sorted((to_dict(e) for e in store.events()), key=lambda e: e["id"])
    incidents = sorted((to_dict(i) for i in store.incidents()), key=lambda i: i["id"])
    return {"documents": doc_rows, "events": events, "incidents": incidents}
