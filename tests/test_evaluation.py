"""The scoring harness on hand-built records: metrics, matching rules, loaders, the report and floors.

Gold files here are small fictional records written for these tests in each suite's schema (never copied
from ../shared/gold); a fake pipeline answers each text with events built by tests/factories.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from conflictlens.errors import EvaluationError
from conflictlens.evaluation import evaluate, report_json, sample_units
from conflictlens.evaluation.acled import METRICS_2020
from conflictlens.evaluation.common import (
    UNRESOLVED_ERROR_KM,
    PRCounts,
    admin_match,
    classification_counts,
    greedy_assign,
    haversine_km,
    macro_f1,
    micro_f1,
    names_match,
    normalize_name,
)
from conflictlens.evaluation.floors import FloorSpec, digest_changes, merge, proposed_bound, violations
from conflictlens.evaluation.muc4 import Fill, parse_dateline, perpetrator_counts, read_template_notes
from conflictlens.evaluation.suite import Unit
from conflictlens.evaluation.wikievents import strings_match
from conflictlens.records import (
    Claim,
    ClaimKind,
    Document,
    Event,
    Evidence,
    Extraction,
    Place,
    SideCounts,
    Span,
    Stance,
    Toll,
)
from factories import make_actor, make_event, make_place, make_time

EventsFor = Callable[[Document], Sequence[Event]]


class FakePipeline:
    """Answers each document by its text: ``answers[text](document)`` gives the events (none if absent)."""

    def __init__(
        self,
        answers: dict[str, EventsFor],
        places: dict[str, Callable[[Document], Sequence[Place]]] | None = None,
        claims: dict[str, Callable[[Document], Sequence[Claim]]] | None = None,
    ) -> None:
        self.answers = answers
        self.places = places or {}
        self.claims = claims or {}
        self.seen: list[Document] = []

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        for document in documents:
            self.seen.append(document)
            events = tuple(self.answers.get(document.text, lambda d: ())(document))
            places = tuple(self.places.get(document.text, lambda d: ())(document))
            claims = tuple(self.claims.get(document.text, lambda d: ())(document))
            yield Extraction(document=document, events=events, claims=claims, places=places)


def write_jsonl(folder: Path, name: str, rows: Sequence[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- common


def test_haversine_one_degree_of_latitude_and_quarter_meridian() -> None:
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.19, abs=0.05)
    assert haversine_km(0, 0, 90, 0) == pytest.approx(10007.6, abs=0.5)
    assert haversine_km(30.18, 67.0, 30.18, 67.0) == 0.0


def test_actor_names_are_compared_without_period_suffix_case_article_or_punctuation() -> None:
    assert normalize_name("Military Forces of Pakistan (2018-)") == "military forces of pakistan"
    assert normalize_name("The Taliban") == "taliban"
    assert names_match(
        "Military Forces of Yemen (2016-) Supreme Political Council",
        "military forces of yemen supreme political council",
    )
    assert names_match("Protesters (Côte d’Ivoire)", "Protesters (Cote d'Ivoire)")
    assert not names_match("Military Forces of Pakistan", "Military Forces of India")
    assert not names_match(None, "Unidentified Armed Group (Pakistan)")


def test_acled_acronym_form_matches_either_side_but_not_a_substring() -> None:
    assert names_match("BLA: Baloch Liberation Army", "Baloch Liberation Army")
    assert names_match("BLA: Baloch Liberation Army", "bla")
    assert not names_match("BLA: Baloch Liberation Army", "Baloch")
    assert not names_match("Al Shabaab", "Al Shabaab Militia")


def test_admin_units_match_without_generic_words_only() -> None:
    assert admin_match("Sindh Province", "Sindh")
    assert admin_match("Ma'rib", "Marib")  # apostrophes are dropped, not spaced
    assert admin_match("Diyarbakır", "Diyarbakir")  # letters NFKD leaves alone are folded too
    assert not admin_match("Donetska oblast", "Donetsk")  # a different spelling is a different string
    assert admin_match("Borno State", "Borno")
    assert not admin_match("Punjab", "Sindh")
    assert not admin_match(None, "Sindh")


def test_macro_and_micro_f1_count_abstentions_as_misses_without_false_positives() -> None:
    pairs: list[tuple[str, str | None]] = [("A", "A"), ("A", None), ("B", "A"), ("B", "B")]
    counts = classification_counts(pairs)
    assert counts["A"] == PRCounts(1, 2, 1, 2)
    assert counts["B"] == PRCounts(1, 1, 1, 2)
    # A: P 1/2, R 1/2, F1 .5; B: P 1, R 1/2, F1 2/3. Macro = 7/12.
    assert macro_f1(pairs) == pytest.approx(7 / 12)
    # Micro: TP 2, predictions 3, gold 4 -> P 2/3, R 1/2, F1 4/7.
    assert micro_f1(pairs) == pytest.approx(4 / 7)
    assert micro_f1([("A", "A"), ("B", "A")]) == pytest.approx(0.5)  # no abstention: equals accuracy


def test_macro_f1_averages_only_gold_classes_present() -> None:
    # "C" is predicted but never gold: it lowers A's precision, and is not averaged in itself.
    assert macro_f1([("A", "A"), ("A", "C")]) == pytest.approx(2 / 3)


def test_greedy_assign_is_one_to_one_by_ascending_cost() -> None:
    assert greedy_assign([[5.0, 1.0], [2.0, 3.0]]) == {0: 1, 1: 0}
    assert greedy_assign([[1.0, 2.0], [1.5, None]]) == {0: 0}
    assert greedy_assign([[1.0], [2.0], [3.0]]) == {0: 0}


# ---------------------------------------------------------------------------------------------- acled

ACLED_KEYS = {
    "time_precision": 1, "sub_event_type": "Armed clash", "actor2": None, "assoc_actor_1": None,
    "assoc_actor_2": None, "inter1": 1, "inter2": 0, "country": "Pakistan", "iso3": "PAK", "admin2": None,
    "admin3": None, "geo_precision": 1, "source": "Example Wire",
}  # fmt: skip


def acled_row(id_: str, text: str, **fields: Any) -> dict[str, Any]:
    row = {
        "id": id_, "text": text, "event_date": "2020-05-03", "event_type": "Battles",
        "actor1": "Military Forces of Pakistan (2018-)", "admin1": "Balochistan", "location": "Quetta",
        "latitude": 30.18, "longitude": 67.0, "fatalities": 0, **ACLED_KEYS,
    }  # fmt: skip
    row.update(fields)
    return row


def clash(
    doc: Document,
    n: int = 1,
    *,
    fatalities: int = 0,
    lat: float = 30.18,
    lon: float = 67.0,
    day: dt.date = dt.date(2020, 5, 3),
    **overrides: Any,
) -> Event:
    fields: dict[str, Any] = {
        "actor1": make_actor(doc, "Military Forces of Pakistan", inter=1, mention="soldiers"),
        "place": make_place(doc, "Quetta", latitude=lat, longitude=lon),
        "time": make_time(doc, day),
        "toll": Toll(fatalities=fatalities),
    }
    fields.update(overrides)
    return make_event(doc, n, **fields)


def test_acled_singleton_is_answered_by_the_first_event_and_scored_on_every_field(tmp_path: Path) -> None:
    text = "On 3 May 2020, soldiers clashed with militants near Quetta; two soldiers were killed."
    write_jsonl(tmp_path, "dev.jsonl", [acled_row("PAK1", text, fatalities=2)])
    pipeline = FakePipeline({text: lambda d: [clash(d, 1, fatalities=2), clash(d, 2, fatalities=9, lat=0, lon=0)]})
    report = evaluate("acled", tmp_path, pipeline=pipeline)
    assert report.n == 1
    assert set(report.metrics) == set(METRICS_2020)
    assert all(value == 1.0 for value in report.metrics.values())
    assert pipeline.seen[0].published is None  # ACLED notes state their own date


def test_acled_abstention_is_wrong_even_for_a_gold_fatality_count_of_zero(tmp_path: Path) -> None:
    quiet = "On 3 May 2020, a meeting was held in Quetta."
    fought = "On 3 May 2020, soldiers clashed with militants near Quetta."
    write_jsonl(tmp_path, "dev.jsonl", [acled_row("PAK1", quiet), acled_row("PAK2", fought)])
    report = evaluate("acled", tmp_path, pipeline=FakePipeline({fought: lambda d: [clash(d)]}))
    assert report.metrics["fatalities_exact"] == 0.5
    assert report.metrics["event_type_accuracy"] == 0.5
    assert report.metrics["location_within_161km"] == 0.5


def test_acled_rows_sharing_a_note_are_matched_to_events_by_distance(tmp_path: Path) -> None:
    text = "On 3 May 2020, clashes in Quetta and Karachi left 3 dead in Karachi and none in Quetta."
    rows = [
        acled_row("PAK1", text, location="Karachi", latitude=24.86, longitude=67.01, admin1="Sindh", fatalities=3),
        acled_row("PAK2", text, fatalities=0),
    ]
    write_jsonl(tmp_path, "dev.jsonl", rows)

    def events(doc: Document) -> list[Event]:  # Quetta first: order must not decide, distance does
        karachi = make_place(doc, "Karachi", latitude=24.86, longitude=67.01, admin1="Sindh")
        return [clash(doc, 1, fatalities=0), clash(doc, 2, fatalities=3, place=karachi)]

    pipeline = FakePipeline({text: events})
    errors = tmp_path / "errors.jsonl"
    report = evaluate("acled", tmp_path, pipeline=pipeline, errors_path=errors)
    assert len(pipeline.seen) == 1  # one extraction for the shared note
    assert report.n == 2
    assert report.metrics["fatalities_exact"] == 1.0
    assert report.metrics["location_within_25km"] == 1.0
    assert report.metrics["admin1_accuracy"] == 1.0
    assert errors.read_text() == ""


def test_acled_group_with_fewer_events_than_rows_leaves_rows_unanswered(tmp_path: Path) -> None:
    text = "On 3 May 2020, clashes in Quetta and Karachi."
    rows = [acled_row("PAK1", text), acled_row("PAK2", text, latitude=24.86, longitude=67.01)]
    write_jsonl(tmp_path, "dev.jsonl", rows)
    report = evaluate("acled", tmp_path, pipeline=FakePipeline({text: lambda d: [clash(d)]}))
    assert report.metrics["location_within_25km"] == 0.5
    assert report.metrics["event_type_accuracy"] == 0.5


def test_acled_wrong_fields_are_written_to_the_errors_file(tmp_path: Path) -> None:
    text = "On 3 May 2020, soldiers clashed with militants near Quetta; four were killed."
    write_jsonl(tmp_path, "dev.jsonl", [acled_row("PAK1", text, fatalities=4)])
    wrong = lambda d: [clash(d, fatalities=5, day=dt.date(2020, 5, 4), lat=31.5, lon=74.3)]  # noqa: E731
    errors = tmp_path / "out" / "errors.jsonl"
    report = evaluate("acled", tmp_path, pipeline=FakePipeline({text: wrong}), errors_path=errors)
    lines = [json.loads(line) for line in errors.read_text().splitlines()]
    by_metric = {line["metric"]: line for line in lines}
    assert set(by_metric) == {
        "fatalities_exact",
        "location_within_25km",
        "location_within_161km",
        "date_exact",
    }
    assert by_metric["fatalities_exact"]["gold"] == 4 and by_metric["fatalities_exact"]["predicted"] == 5
    assert by_metric["date_exact"]["predicted"] == "2020-05-04"
    assert report.metrics["fatalities_within_1"] == 1.0
    assert report.mismatches == len(lines)


def test_acled2015_compares_coarse_old_event_types(tmp_path: Path) -> None:
    battle = "Soldiers and rebels fought for the town on Thursday."
    transfer = "Rebels handed the camp to the army on Friday."
    rows = [
        acled_row("1THA", battle, event_type="Battle-Government regains territory", sub_event_type=None),
        acled_row("2THA", transfer, event_type="Non-violent transfer of territory", sub_event_type=None),
    ]
    write_jsonl(tmp_path, "dev.jsonl", rows)
    pipeline = FakePipeline({
        battle: lambda d: [clash(d)],
        transfer: lambda d: [clash(d, event_type="Strategic developments",
                                 sub_event_type="Non-violent transfer of territory")],
    })  # fmt: skip
    report = evaluate("acled2015", tmp_path, pipeline=pipeline)
    assert report.metrics["event_type_accuracy"] == 1.0
    assert "sub_event_macro_f1" not in report.metrics


# ---------------------------------------------------------------------------------------------- case2021


def test_case2021_scores_acled_rows_and_the_abstention_of_non_acled_rows(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "text": "Rebels and troops clashed.", "label": "ARMED_CLASH",
         "sub_event_type": "Armed clash", "event_type": "Battles", "non_acled_class": None},
        {"id": "2", "text": "A drone hit a convoy.", "label": "AIR_STRIKE",
         "sub_event_type": "Air/drone strike", "event_type": "Explosions/Remote violence",
         "non_acled_class": None},
        {"id": "3", "text": "A flood hit the valley.", "label": "NATURAL_DISASTER", "sub_event_type": None,
         "event_type": None, "non_acled_class": "Natural disaster"},
        {"id": "4", "text": "Smugglers were caught.", "label": "ORG_CRIME", "sub_event_type": None,
         "event_type": None, "non_acled_class": "Organized crime"},
    ]  # fmt: skip
    write_jsonl(tmp_path, "dev.jsonl", rows)
    shelling = {
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
    }
    pipeline = FakePipeline({
        "Rebels and troops clashed.": lambda d: [make_event(d)],
        "A drone hit a convoy.": lambda d: [make_event(d, **shelling)],
        "Smugglers were caught.": lambda d: [make_event(d, event_type="Strategic developments",
                                                        sub_event_type="Arrests")],
    })  # fmt: skip
    report = evaluate("case2021", tmp_path, pipeline=pipeline)
    assert report.metrics["event_type_accuracy"] == 1.0  # the shelling is the right event type
    assert report.metrics["sub_event_micro_f1"] == 0.5
    # Armed clash F1 1; Air/drone strike F1 0 -> macro 0.5 (Shelling is not a gold class here).
    assert report.metrics["sub_event_macro_f1"] == 0.5
    assert report.metrics["non_acled_abstain_rate"] == 0.5


# ---------------------------------------------------------------------------------------------- satp

ZERO = {"civilians": 0, "security": 0, "maoists": 0, "officials": 0, "other": 0, "total": 0}


def satp_row(id_: str, text: str, killed: dict[str, int | None], **fields: Any) -> dict[str, Any]:
    row = {
        "id": id_, "text": text, "date": "2010-04-06", "state": "Chhattisgarh", "district": "Dantewada",
        "location": "Chintalnar", "latitude": 18.4, "longitude": 81.3, "perpetrator": "Maoist",
        "killed": killed, "injured": dict(ZERO), "actions": ["armed_assault"],
    }  # fmt: skip
    row.update(fields)
    return row


def test_satp_sums_counts_over_events_maps_sides_and_classifies_the_perpetrator(tmp_path: Path) -> None:
    text = "Maoists ambushed a patrol near Chintalnar, killing five troopers; two Maoists died in the exchange."
    killed = {**ZERO, "security": 5, "maoists": 2, "total": 7}
    write_jsonl(tmp_path, "dev.jsonl", [satp_row("1", text, killed)])

    def events(doc: Document) -> list[Event]:
        maoists = make_actor(doc, "CPI (Maoist): Communist Party of India (Maoist)", inter=2, mention="Maoists")
        place = make_place(doc, "Chintalnar", latitude=18.45, longitude=81.32)
        return [
            make_event(doc, 1, actor1=maoists, place=place,
                       toll=Toll(fatalities=5, killed=SideCounts(state_forces=5))),
            make_event(doc, 2, actor1=maoists, toll=Toll(fatalities=2, killed=SideCounts(attackers=2))),
        ]  # fmt: skip

    pipeline = FakePipeline({text: events})
    report = evaluate("satp", tmp_path, pipeline=pipeline)
    assert report.metrics == {
        "killed_total_exact": 1.0, "killed_by_side_exact": 1.0, "injured_total_exact": 1.0,
        "location_within_25km": 1.0, "perpetrator_accuracy": 1.0,
    }  # fmt: skip
    assert pipeline.seen[0].published == dt.date(2010, 4, 6)  # the README's reference date


def test_satp_security_perpetrator_and_wrong_side(tmp_path: Path) -> None:
    text = "Security forces killed two Maoists in an encounter in the forest."
    write_jsonl(
        tmp_path,
        "dev.jsonl",
        [
            satp_row(
                "1",
                text,
                {**ZERO, "maoists": 2, "total": 2},
                perpetrator="Security",
                latitude=None,
                longitude=None,
            )
        ],
    )

    def police(doc: Document) -> list[Event]:
        toll = Toll(fatalities=2, killed=SideCounts(civilians=2))
        return [make_event(doc, actor1=make_actor(doc, "Police Forces of India", inter=1), toll=toll)]

    report = evaluate("satp", tmp_path, pipeline=FakePipeline({text: police}))
    assert report.metrics["perpetrator_accuracy"] == 1.0
    assert report.metrics["killed_total_exact"] == 1.0
    assert report.metrics["killed_by_side_exact"] == 0.0  # Maoists are the non-state fighters, not civilians
    assert "location_within_25km" not in report.metrics  # no gold coordinates: nothing to score


# ---------------------------------------------------------------------------------------------- muc4


def test_muc4_dateline_and_template_notes(tmp_path: Path) -> None:
    assert parse_dateline("LIMA, 12 FEB 90 (RADIO EXAMPLE) -- [TEXT] ...") == dt.date(1990, 2, 12)
    assert parse_dateline("NO DATELINE HERE") is None
    (tmp_path / "template_notes.md").write_text(
        "# notes\n\n## Templates marked (OPTIONAL) in the answer key\n\n- DOC-1#2\n\n"
        "## Optional fills change killed / injured (either value can be accepted)\n\n"
        "- DOC-1#1 killed 2 (with optional fills: 3)\n",
        encoding="utf-8",
    )
    notes = read_template_notes(tmp_path)
    assert notes.optional == {("DOC-1", 2)}
    assert notes.killed_with_optional_fills == {("DOC-1", 1): 3}


def muc_template(**fields: Any) -> dict[str, Any]:
    template = {
        "incident_type": "BOMBING", "incident_date": "12 FEB 90", "incident_location": "PERU: LIMA (CITY)",
        "perp_individuals": [], "perp_organizations": [], "perp_confidence": [], "hum_targets": [],
        "hum_target_numbers": [], "hum_target_effects": [], "killed": 0, "injured": 0,
    }  # fmt: skip
    template.update(fields)
    return template


def test_muc4_perpetrator_matching_is_one_to_one_and_optional_fills_are_not_required() -> None:
    from conflictlens.evaluation.muc4 import Template

    def template(orgs: list[str], optional: bool = False) -> Template:
        return Template(1, ("ATTACK",), None, tuple(Fill.parse(o) for o in orgs), (), 0, frozenset({0}), optional)

    gold = [template(["SHINING PATH / SENDERO LUMINOSO", "? MRTA"]), template(["SHINING PATH"])]
    predictions = [("Sendero Luminoso", "the Shining Path"), ("MRTA", "MRTA"), ("Unknown Front", "front")]
    counts = perpetrator_counts(predictions, gold)
    # Required fills: two SHINING PATH; one prediction can fill only one of them. MRTA fills the optional one.
    assert counts == PRCounts(matched_pred=2, n_pred=3, matched_gold=1, n_gold=2)


def test_muc4_relevance_claim_status_and_killed(tmp_path: Path) -> None:
    bombing = "LIMA, 12 FEB 90 (RADIO EXAMPLE) -- A CAR BOMB KILLED TWO GUARDS. SHINING PATH CLAIMED IT."
    idle = "LIMA, 13 FEB 90 (RADIO EXAMPLE) -- THE MINISTER SPOKE ABOUT THE ECONOMY."
    rows = [
        {"id": "DOC-1", "text": bombing, "upper_case_only": True, "relevant": True,
         "templates": [muc_template(perp_organizations=["SHINING PATH"], killed=2,
                                    perp_confidence=["CLAIMED OR ADMITTED"])]},
        {"id": "DOC-2", "text": idle, "upper_case_only": True, "relevant": False, "templates": []},
    ]  # fmt: skip
    write_jsonl(tmp_path, "dev.jsonl", rows)

    def events(doc: Document) -> list[Event]:
        sendero = make_actor(doc, "Shining Path", inter=2, mention="SHINING PATH")
        return [
            make_event(
                doc,
                event_type="Explosions/Remote violence",
                sub_event_type="Remote explosive/landmine/IED",
                actor1=sendero,
                toll=Toll(fatalities=2),
            )
        ]

    def claims(doc: Document) -> list[Claim]:
        evidence = Evidence(doc.id, (), "test")
        return [Claim(ClaimKind.RESPONSIBILITY, Stance.CLAIMED, evidence, claimant_org="Shining Path")]

    pipeline = FakePipeline({bombing: events}, claims={bombing: claims})
    report = evaluate("muc4", tmp_path, pipeline=pipeline)
    assert report.metrics == {
        "relevance_f1": 1.0,
        "perpetrator_org_f1": 1.0,
        "claim_status_accuracy": 1.0,
        "killed_exact": 1.0,
    }
    assert pipeline.seen[0].published == dt.date(1990, 2, 12)


def test_muc4_killed_excludes_killed_attackers_and_a_missing_event_is_wrong(tmp_path: Path) -> None:
    text = "LIMA, 12 FEB 90 (RADIO EXAMPLE) -- GUERRILLAS ATTACKED A POST; TWO GUARDS AND ONE GUERRILLA DIED."
    rows = [
        {
            "id": "DOC-1",
            "text": text,
            "upper_case_only": True,
            "relevant": True,
            "templates": [muc_template(incident_type="ATTACK", killed=2), muc_template(killed=5)],
        }
    ]
    write_jsonl(tmp_path, "dev.jsonl", rows)

    def attack(doc: Document) -> list[Event]:
        toll = Toll(fatalities=3, killed=SideCounts(attackers=1, state_forces=2))
        return [make_event(doc, event_type="Violence against civilians", sub_event_type="Attack", toll=toll)]

    report = evaluate("muc4", tmp_path, pipeline=FakePipeline({text: attack}))
    # The ATTACK template is answered (3 killed - 1 attacker = 2); the BOMBING one has no event left.
    assert report.metrics["killed_exact"] == 0.5


# ---------------------------------------------------------------------------------------------- wikievents


def test_wikievents_head_words_match_but_other_words_do_not() -> None:
    assert strings_match("a russian major general", "general")
    assert strings_match("ira", "provisional ira")
    assert strings_match("belfast", "belfast")
    assert not strings_match("general store", "major")
    assert not strings_match("police station", "police")


def test_wikievents_document_level_argument_sets(tmp_path: Path) -> None:
    text = "Gunmen attacked a bakery in Springfield, killing three workers."

    def arg(role: str, words: str) -> dict[str, Any]:
        start = text.index(words)
        return {"role": role, "text": words, "start": start, "end": start + len(words)}

    events = [
        {"type": "Conflict.Attack.Unspecified", "trigger": {"text": "attacked", "start": 7, "end": 15},
         "arguments": [arg("Attacker", "Gunmen"), arg("Target", "bakery"), arg("Place", "Springfield")]},
        {"type": "Life.Die.Unspecified", "trigger": {"text": "killing", "start": 42, "end": 49},
         "arguments": [arg("Victim", "workers")]},
        {"type": "Contact.Contact.Broadcast", "trigger": {"text": "attacked", "start": 7, "end": 15},
         "arguments": [arg("Communicator", "Gunmen")]},
    ]  # fmt: skip
    write_jsonl(tmp_path, "dev.jsonl", [{"id": "w1", "text": text, "events": events}])

    def predicted(doc: Document) -> list[Event]:
        gunmen = make_actor(doc, "Unidentified Armed Group (United States)", inter=2, mention="Gunmen")
        workers = make_actor(doc, "Civilians (United States)", inter=7, mention="three workers")
        place = make_place(doc, "Springfield", mention="Springfield")
        return [make_event(doc, actor1=gunmen, actor2=workers, place=place)]

    report = evaluate("wikievents", tmp_path, pipeline=FakePipeline({text: predicted}))
    assert report.metrics["attacker_f1"] == 1.0
    # Victim: gold {bakery, workers}; predicted {three workers} -> P 1, R 1/2.
    assert report.metrics["victim_f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert report.metrics["place_f1"] == 1.0


# ---------------------------------------------------------------------------------------------- geoparsing


def geo_place(doc: Document, start: int, end: int, lat: float | None, lon: float | None) -> Place:
    words = doc.text[start:end]
    return make_place(
        doc,
        words,
        latitude=lat,
        longitude=lon,
        evidence=Evidence(doc.id, (Span(start, end, words),), "test"),
        mention=words,
    )


def test_geoparsing_exact_spans_resolution_and_unresolved_error(tmp_path: Path) -> None:
    text = "Floods hit Springfield and Shelbyville on Monday, officials in Capital City said."
    toponyms = []
    for name, lat, lon in (
        ("Springfield", 39.8, -89.6),
        ("Shelbyville", 39.4, -88.8),
        ("Capital City", 40.0, -90.0),
    ):
        start = text.index(name)
        toponyms.append(
            {
                "start": start,
                "end": start + len(name),
                "name": name,
                "latitude": lat,
                "longitude": lon,
                "geonameid": None,
            }
        )
    write_jsonl(tmp_path, "dev.jsonl", [{"id": "GWN:1", "corpus": "GWN", "text": text, "toponyms": toponyms}])

    def places(doc: Document) -> list[Place]:
        s, b, c = (text.index(n) for n in ("Springfield", "Shelbyville", "Capital City"))
        return [
            geo_place(doc, s, s + len("Springfield"), 39.8, -89.6),  # right
            geo_place(doc, b, b + len("Shelbyville"), 52.5, 13.4),  # recognised, placed far away
            geo_place(doc, c, c + len("Capital"), 40.0, -90.0),  # wrong span: not a match
            geo_place(doc, 0, len("Floods"), None, None),  # not a toponym
        ]

    report = evaluate("geoparsing", tmp_path, pipeline=FakePipeline({}, places={text: places}))
    assert report.metrics["toponym_f1"] == pytest.approx(4 / 7, abs=1e-4)  # P 2/4, R 2/3
    assert report.metrics["accuracy_161km"] == 0.5
    assert report.metrics["accuracy_25km"] == 0.5


def test_geoparsing_f1_value_and_unplaced_toponym(tmp_path: Path) -> None:
    text = "Rain in Springfield."
    start = text.index("Springfield")
    toponym = {
        "start": start,
        "end": start + 11,
        "name": "Springfield",
        "latitude": 39.8,
        "longitude": -89.6,
        "geonameid": 1,
    }
    write_jsonl(tmp_path, "dev.jsonl", [{"id": "LGL:1", "corpus": "LGL", "text": text, "toponyms": [toponym]}])
    places = {text: lambda d: [geo_place(d, start, start + 11, None, None)]}
    report = evaluate("geoparsing", tmp_path, pipeline=FakePipeline({}, places=places))
    assert report.metrics["toponym_f1"] == 1.0
    assert report.metrics["accuracy_161km"] == 0.0
    assert report.metrics["median_error_km"] == UNRESOLVED_ERROR_KM


# ---------------------------------------------------------------------------------------------- gtd


def test_gtd_counts_claim_flag_and_unknown_group(tmp_path: Path) -> None:
    claimed_text = "01/02/2015: A bomb exploded at an office; the Example Front claimed responsibility."
    unknown_text = "01/03/2015: An assailant shot two guards, wounding one and killing one."
    base = {
        "city": "Springfield",
        "province": "Illinois",
        "country": "United States",
        "latitude": 39.8,
        "longitude": -89.6,
        "attacktype": "Bombing/Explosion",
    }
    rows = [
        {"id": "r1", "text": claimed_text, "date": "2015-01-02", "nkill": 0, "nwound": 0, "claimed": 1,
         "gname": "Example Front", **base},
        {"id": "r2", "text": unknown_text, "date": "2015-01-03", "nkill": 1, "nwound": 1, "claimed": 0,
         "gname": "Unknown", **base},
    ]  # fmt: skip
    write_jsonl(tmp_path, "dev.jsonl", rows)

    def claims(doc: Document) -> list[Claim]:
        return [Claim(ClaimKind.RESPONSIBILITY, Stance.CLAIMED, Evidence(doc.id, (), "t"), claimant_org="EF")]

    pipeline = FakePipeline(
        {
            claimed_text: lambda d: [make_event(d, actor1=make_actor(d, "EF: Example Front", inter=3))],
            unknown_text: lambda d: [make_event(d, toll=Toll(fatalities=1, injured=SideCounts(unknown=1)))],
        },
        claims={claimed_text: claims},
    )
    report = evaluate("gtd", tmp_path, pipeline=pipeline)
    assert report.metrics == {
        "nkill_exact": 1.0,
        "nwound_exact": 1.0,
        "claimed_accuracy": 1.0,
        "group_match": 1.0,
    }


# ---------------------------------------------------------------------------------------------- harness


def test_every_jsonl_file_is_read_and_other_files_are_not(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "dev.jsonl", [acled_row("A1", "On 3 May 2020, protest one.")])
    write_jsonl(tmp_path, "extra.jsonl", [acled_row("A2", "On 3 May 2020, protest two.")])
    (tmp_path / "README.md").write_text("not data", encoding="utf-8")
    assert evaluate("acled", tmp_path, pipeline=FakePipeline({})).n == 2


def test_limit_draws_a_seeded_sample_in_file_order() -> None:
    units = [Unit((i,), str(i), f"text {i}", None) for i in range(50)]
    first = sample_units(units, 10, seed=7)
    assert first == sample_units(units, 10, seed=7)
    assert first != sample_units(units, 10, seed=8)
    assert [u.golds[0] for u in first] == sorted(u.golds[0] for u in first)
    assert sample_units(units, 3, seed=None) == units[:3]
    assert sample_units(units, 500, seed=7) == units


def test_text_refused_by_ingest_is_an_abstention_not_a_crash(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "dev.jsonl", [acled_row("A1", "   \n  ")])
    report = evaluate("acled", tmp_path, pipeline=FakePipeline({}))
    assert report.n == 1 and report.metrics["fatalities_exact"] == 0.0


def test_report_json_is_exactly_one_object_with_the_four_keys(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "dev.jsonl", [acled_row("A1", "On 3 May 2020, a protest.")])
    out = report_json(evaluate("acled", tmp_path, pipeline=FakePipeline({})))
    data = json.loads(out)
    assert set(data) == {"suite", "n", "seconds", "metrics"} and "\n" not in out
    assert data["suite"] == "acled" and data["n"] == 1


class ReorderingPipeline(FakePipeline):
    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        return reversed(list(super().extract_many(documents)))


def test_a_pipeline_that_reorders_documents_is_refused(tmp_path: Path) -> None:
    write_jsonl(tmp_path, "dev.jsonl", [acled_row("A1", "On 3 May 2020, one."), acled_row("A2", "On 4 May 2020, two.")])
    with pytest.raises(EvaluationError, match="keep the documents' order"):
        evaluate("acled", tmp_path, pipeline=ReorderingPipeline({}))


def test_bad_input_raises_evaluation_errors_that_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="unknown suite"):
        evaluate("nope", tmp_path, pipeline=FakePipeline({}))
    with pytest.raises(EvaluationError, match=r"no \*\.jsonl"):
        evaluate("acled", tmp_path, pipeline=FakePipeline({}))
    (tmp_path / "dev.jsonl").write_text('{"id": "A1"}\nnot json\n', encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"dev\.jsonl:2: not valid JSON"):
        evaluate("acled", tmp_path, pipeline=FakePipeline({}))
    (tmp_path / "dev.jsonl").write_text('{"id": "A1"}\n', encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"dev\.jsonl:1: missing key 'text'"):
        evaluate("acled", tmp_path, pipeline=FakePipeline({}))
    write_jsonl(tmp_path, "dev.jsonl", [acled_row("A1", "x", fatalities="two")])
    with pytest.raises(EvaluationError, match="'fatalities' should be int"):
        evaluate("acled", tmp_path, pipeline=FakePipeline({}))


# ---------------------------------------------------------------------------------------------- floors


def test_proposed_floors_never_exceed_the_measurement_and_ceilings_never_undercut_it() -> None:
    for value in (0.0, 0.005, 0.5, 0.8765, 0.99, 1.0):
        assert proposed_bound("fatalities_exact", value) <= value
        assert proposed_bound("fatalities_exact", value) >= value - 0.02
    assert proposed_bound("median_error_km", 12.3) >= 12.3
    # a first-floor target that is met is the floor, even inside the noise margin; one not met is not
    assert proposed_bound("place_f1", 0.4022, target=0.40) == 0.40
    assert proposed_bound("place_f1", 0.3975, target=0.40) == 0.38


def test_violations_and_digest_changes_are_reported() -> None:
    floors = {"a": 0.5, "b": 0.5, "median_error_km": 10.0}
    assert violations({"a": 0.6, "b": 0.5, "median_error_km": 9.0}, floors) == []
    problems = violations({"a": 0.4, "median_error_km": 11.0}, floors)
    assert len(problems) == 3 and "below its floor" in problems[0] and "not reported" in problems[1]
    assert digest_changes({"dev.jsonl": "aa"}, {"dev.jsonl": "aa"}) == []
    assert "differs" in digest_changes({"dev.jsonl": "aa" * 32}, {"dev.jsonl": "bb" * 32})[0]


def test_rewriting_floors_does_not_lower_them_unless_allowed() -> None:
    old = FloorSpec("acled", {"dev.jsonl": "h"}, None, 1, {"x": 0.8, "median_error_km": 10.0})
    new = FloorSpec("acled", {"dev.jsonl": "h"}, None, 1, {"x": 0.7, "median_error_km": 12.0})
    assert merge(old, new, allow_lower=False).floors == {"x": 0.8, "median_error_km": 10.0}
    assert merge(old, new, allow_lower=True).floors == new.floors


def test_render_table_lists_every_metric_with_its_floor(tmp_path: Path) -> None:
    from rich.console import Console

    from conflictlens.evaluation import render_table

    write_jsonl(tmp_path, "dev.jsonl", [acled_row("A1", "On 3 May 2020, a protest.")])
    report = evaluate("acled", tmp_path, pipeline=FakePipeline({}))
    console = Console(record=True, width=120)
    console.print(render_table(report, {"fatalities_exact": 0.8}))
    text = console.export_text()
    assert all(key in text for key in METRICS_2020)
    assert "0.80" in text and "1 gold records" in text
