"""The pipeline on short reports written for these tests: event splitting, typing, claims and their stances."""

from __future__ import annotations

import datetime as dt

import pytest

from conflictlens.gazetteer import Gazetteer
from conflictlens.ingest import document_from_text
from conflictlens.records import ClaimKind, Extraction, Stance

PUBLISHED = dt.date(2024, 5, 8)  # a Wednesday


def run(pipeline, text: str) -> Extraction:  # type: ignore[no-untyped-def]
    return pipeline.extract_text(text, published=PUBLISHED, origin="test")


def test_one_report_splits_into_events_by_action_and_place(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(
        pipeline,
        "Gunmen shot dead two policemen at a checkpoint in Quetta on Monday.\n\n"
        "Separately, a roadside bomb exploded near a market in Peshawar on Tuesday, wounding five civilians.\n\n"
        "In Lahore, hundreds of teachers protested on Tuesday against unpaid salaries.",
    )
    by_place = {e.place.name: e for e in result.events if e.place is not None}
    assert set(by_place) == {"Quetta", "Peshawar", "Lahore"}
    assert by_place["Quetta"].sub_event_type == "Armed clash"
    assert by_place["Quetta"].time is not None and by_place["Quetta"].time.event_date == dt.date(2024, 5, 6)
    assert by_place["Peshawar"].sub_event_type == "Remote explosive/landmine/IED"
    assert by_place["Peshawar"].toll.injured.civilians == 5
    assert by_place["Lahore"].event_type == "Protests"
    assert by_place["Lahore"].actor1 is not None and by_place["Lahore"].actor1.inter == 6


def test_a_continuation_sentence_adds_its_toll_to_the_event_before(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(
        pipeline,
        "Militants stormed an army post in Kohat district on Sunday. They killed four soldiers before "
        "withdrawing, officials said.",
    )
    assert len(result.events) == 1
    assert result.events[0].toll.killed.state_forces == 4


def test_history_is_not_an_event(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "The leader was killed by soldiers in Quetta in 1998, and his followers remember him.")
    assert result.events == ()
    assert result.problem is not None and "no events" in result.problem.reason


@pytest.mark.parametrize(
    "text",
    [
        "Doctors in Kasese said eleven villagers died of an unidentified disease last week.",
        "Officials in Kasese said the symptoms shown by the dead were rashes and bleeding.",
        "A bus crash near Kasese killed eleven passengers on Monday.",
    ],
)
def test_deaths_from_disease_or_accidents_are_no_political_violence(pipeline, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run(pipeline, text).events == ()


def test_political_violence_beside_a_disease_is_still_an_event(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "Police beat a man in Kasese for not wearing a mask during the coronavirus outbreak."
    assert [e.sub_event_type for e in run(pipeline, text).events] == ["Attack"]


def test_off_topic_and_non_english_reports_give_no_events_with_a_reason(pipeline) -> None:  # type: ignore[no-untyped-def]
    sport = run(pipeline, "The home side won the cup final 3-1 on Saturday after a late goal from their captain.")
    assert sport.events == () and sport.problem is not None
    assert sport.problem.origin == "test" and "off-topic" in sport.problem.reason
    french = pipeline.extract(
        document_from_text(
            "Des hommes armés ont attaqué un poste de police dans la ville et ont tué trois policiers, selon les "
            "autorités locales qui ont annoncé une enquête sur cette attaque.",
            origin="depeche.txt",
        )
    )
    assert french.events == ()
    assert french.problem is not None and "not English" in french.problem.reason
    assert french.problem.origin == "depeche.txt"


def test_a_militant_claim_is_claimed_and_an_official_figure_is_reported(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(
        pipeline,
        "Militants attacked a police station in Bannu on Tuesday, killing three policemen, police said. "
        "The Tehreek-e-Taliban Pakistan claimed responsibility for the attack.",
    )
    event = result.events[0]
    official = [c for c in event.claims if c.figure is not None and c.figure.low == 3]
    assert official and official[0].stance is Stance.REPORTED
    assert any(c.kind is ClaimKind.RESPONSIBILITY and c.claimant_org and "TTP" in c.claimant_org for c in result.claims)


def test_competing_figures_give_low_best_high_not_a_sum(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(
        pipeline,
        "Militants attacked a police post in Bannu on Tuesday, killing four policemen, police said.\n\n"
        "A spokesman for the Tehreek-e-Taliban Pakistan said 15 policemen had been killed. The claim could not "
        "be independently verified.",
    )
    bannu = [e for e in result.events if e.place is not None and e.place.name == "Bannu"]
    assert len(bannu) == 1
    toll = bannu[0].toll
    assert toll.fatalities == 4 and toll.fatalities_best == 4
    assert toll.fatalities_low == 4 and toll.fatalities_high == 15
    claimed = [c for c in bannu[0].claims if c.figure is not None and c.figure.low == 15]
    assert claimed and claimed[0].stance is Stance.UNCONFIRMED


def test_detention_by_an_armed_group_is_an_abduction(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "Fighters of the Baloch Liberation Army detained six police officers near Turbat on Monday.")
    assert [e.sub_event_type for e in result.events] == ["Abduction/forced disappearance"]
    assert result.events[0].toll.detained.state_forces == 6


def test_an_accusation_is_an_allegation_not_an_event(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "The group accused the army of burning houses in the village last year.")
    assert result.events == ()
    allegations = [c for c in result.claims if c.kind is ClaimKind.ALLEGATION]
    assert allegations and allegations[0].stance is Stance.ALLEGED


def test_unnamed_perpetrator_is_an_unidentified_armed_group(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "A roadside bomb wounded three soldiers in North Waziristan on Monday, the military said.")
    event = result.events[0]
    assert event.actor1 is not None and event.actor1.name == "Unidentified Armed Group (Pakistan)"
    assert event.actor2 is not None and event.actor2.name == "Military Forces of Pakistan"
    assert event.toll.injured.state_forces == 3
    assert event.type_of_violence == 1


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        ("An air strike hit a village near Idlib on Monday, killing four civilians.", "Air/drone strike"),
        ("A suicide bomber blew himself up at a mosque in Kabul on Monday, killing 12 worshippers.", "Suicide bomb"),
        ("Police fired tear gas to disperse protesters in Nairobi on Tuesday.", "Protest with intervention"),
        ("Gunmen abducted three aid workers in Maiduguri on Monday.", "Abduction/forced disappearance"),
        ("Troops shelled rebel positions near Donetsk on Tuesday.", "Shelling/artillery/missile attack"),
        ("Police arrested 14 opposition activists in Dhaka on Tuesday.", "Arrests"),
        ("Rioters set fire to shops and pelted police with stones in Karachi on Monday.", "Violent demonstration"),
    ],
)
def test_sub_event_types(pipeline, text: str, sub_event_type: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == [sub_event_type]


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        (
            "On Monday, monitors counted 35 explosions near Horlivka. Bursts of fire from small arms were also heard.",
            "Armed clash",
        ),
        ("Rebels fired mortars and small arms at army positions near Avdiivka on Sunday.", "Armed clash"),
        (
            "Rebels fired heavy machine guns at army positions near Avdiivka on Sunday.",
            "Shelling/artillery/missile attack",
        ),
        ("On Monday, monitors counted 35 explosions near Horlivka.", "Remote explosive/landmine/IED"),
        # calibres and commas between "fired" and the guns; heavy weapons fired at a village are still shelling
        (
            "Rebels fired 23mm, 14.5mm and 7.62mm machine guns at farms near Marib on Monday.",
            "Shelling/artillery/missile attack",
        ),
        (
            "Government forces fired heavy and medium weapons at a village near Hodeidah on Sunday.",
            "Shelling/artillery/missile attack",
        ),
        # a recoilless rifle is a heavy weapon, not small arms
        (
            "Militia fighters fired mortars and recoilless rifles at houses in Taiz on Monday.",
            "Shelling/artillery/missile attack",
        ),
        ("On Sunday, army units near Saada responded to rebel fire.", "Armed clash"),
    ],
)
def test_weapons_mixed_in_a_report_decide_clash_or_shelling(pipeline, text: str, sub_event_type: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == [sub_event_type]


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        ("Movement of forces: On Monday, an army convoy arrived at a base near Idlib.", "Change to group/activity"),
        (
            "Property destruction: On Monday, settlers cut down 40 olive trees near Hebron.",
            "Looting/property destruction",
        ),
        (
            "Three rifles and 200 rounds of ammunition were seized by police in Kingston on Sunday.",
            "Disrupted weapons use",
        ),
        ("Monitors recorded 12 projectiles near Horlivka on Monday.", "Shelling/artillery/missile attack"),
    ],
)
def test_labelled_leads_seizures_and_projectiles(pipeline, text: str, sub_event_type: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == [sub_event_type]


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        ("Gunmen seized a pickup truck belonging to a councillor in Menaka on Sunday.", "Looting/property destruction"),
        (
            "Settlers burned the main house and a tractor on a farm near Hebron on Monday.",
            "Looting/property destruction",
        ),
        ("Riot police violently dispersed a peaceful march in Minsk on Sunday.", "Excessive force against protesters"),
        ("Police arrested 30 demonstrators during a protest in Moscow on Saturday.", "Protest with intervention"),
        ("Protesters threw bottles and fireworks at police in Rotterdam on Monday.", "Violent demonstration"),
        ("Youths hurled stones at a police patrol near Nablus on Monday.", "Mob violence"),
        ("On Monday, workers took to the streets in Monclova to demand unpaid wages.", "Peaceful protest"),
        ("Troops drove back the militants from two villages near Palmyra on Tuesday.", "Government regains territory"),
        ("Gunmen wounded a trader in Gao on Sunday.", "Attack"),
        # a person beaten by police is attacked; a crowd of residents that hits or burns a suspect is a mob
        ("Police beat and injured a street vendor in Conakry on Monday.", "Attack"),
        ("Residents of a suburb of Asuncion hit a man suspected of theft on Sunday.", "Mob violence"),
        ("Community members in Kisii set alight two suspected thieves on Monday.", "Mob violence"),
        # burning tires or objects in the street is a violent demonstration, with or without a blocked road
        ("Dozens of residents burned tires in Barranquilla on Monday to demand water.", "Violent demonstration"),
        ("Traders blocked a highway near Belem with burning objects on Monday.", "Violent demonstration"),
        # a protest whose crowd burns things or attacks turns violent; one that is attacked does not
        (
            "Inmates demonstrated in Kumasi prison on Monday to demand food. They burned mattresses in the cells.",
            "Violent demonstration",
        ),
        (
            "Traders demonstrated in Onitsha on Monday over the closure of their market and attacked a council office.",
            "Violent demonstration",
        ),
        (
            "Traders demonstrated in Onitsha on Monday over the closure of their market and were attacked by guards.",
            "Peaceful protest",
        ),
    ],
)
def test_crowd_property_and_territory_triggers(pipeline, text: str, sub_event_type: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == [sub_event_type]


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        ("Unknown gunmen targeted a police station in Hasakah with a grenade on Monday.", "Grenade"),
        ("A drone operated by the rebels targeted an air base near Hama on Monday.", "Air/drone strike"),
        ("A robbery suspect escaped after exchanging fire with police in Recife on Tuesday.", "Armed clash"),
        ("A woman was stabbed by a man in Haifa on Sunday.", "Attack"),
        (
            "A shell fired by the rebels fell in a market in Sirte on Monday.",
            "Shelling/artillery/missile attack",
        ),
        ("Armed men used explosives to open a bank vault in Recife on Tuesday.", "Remote explosive/landmine/IED"),
        ("Militiamen forcibly disappeared a street vendor in Taizz on Sunday.", "Abduction/forced disappearance"),
    ],
)
def test_weapon_named_after_its_target_and_stabbings(pipeline, text: str, sub_event_type: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == [sub_event_type]


def test_weapons_seized_on_a_boat_are_not_a_seized_boat(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "Police displayed weapons seized on a boat in Bosasso on Monday.")
    assert all(e.sub_event_type != "Looting/property destruction" for e in result.events)


def test_a_named_site_is_the_place_mention_beside_the_resolved_town(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "A bomb exploded on Cavehill Road in Belfast on Monday, killing two people.")
    place = result.events[0].place
    assert place is not None and place.name == "Belfast" and place.mention == "Cavehill Road"
    assert any(s.text == "Cavehill Road" for s in place.evidence.spans)


def test_a_common_noun_site_is_the_place_mention(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "A car bomb exploded in the middle of the street in Mosul on Monday.")
    place = result.events[0].place
    assert place is not None and place.name == "Mosul" and place.mention == "street"


def test_a_foreign_country_named_for_the_victims_is_not_the_place(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "A roadside bomb exploded near Palmyra, Syria on Monday. Two soldiers from Russia were killed."
    result = run(pipeline, text)
    assert result.events and all(e.place is not None and e.place.country == "Syria" for e in result.events)


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        ("Gunmen attacked the village of Tieba in Mopti on Monday.", "Attack"),
        ("Al-Shabab fighters attacked South West State's militiamen near Bardaale on Monday.", "Armed clash"),
        ("Militants attacked the army base near Tieba on Monday.", "Armed clash"),
        (
            "On Monday, government forces thwarted a rebel incursion near Marib, killing several fighters.",
            "Armed clash",
        ),
        ("Police foiled a bomb plot in Lahore on Monday.", "Disrupted weapons use"),
        ("Gunmen opened fire at a checkpoint near Daraa on Monday.", "Armed clash"),
        ("Arrests: On Monday, police raided homes in Douma and took 20 young men away.", "Arrests"),
    ],
)
def test_attacks_on_places_thwarted_incursions_and_labelled_arrests(pipeline, text: str, sub_event_type: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == [sub_event_type]


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        ("Two people were arrested in Kisumu on Monday.", "Arrests"),
        ("Gunmen detained three traders in Gao on Monday.", "Abduction/forced disappearance"),
        (
            "Police seized two tons of marijuana hidden in a truck near Campinas on Monday.",
            "Looting/property destruction",
        ),
    ],
)
def test_unattributed_arrests_and_drug_seizures(pipeline, text: str, sub_event_type: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == [sub_event_type]


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        ("The army released 30 rebels in exchange for the release of 16 soldiers in Kidal on Monday.", "Agreement"),
        (
            "On Monday, army units pushed al-Shabab militants out of two villages near Marka.",
            "Government regains territory",
        ),
        ("The militants were pushed back from the outskirts of Homs on Monday.", "Government regains territory"),
        ("Extra police units were dispatched to Kirkuk on Monday.", "Change to group/activity"),
    ],
)
def test_exchanges_pushbacks_and_dispatches(pipeline, text: str, sub_event_type: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == [sub_event_type]


def test_every_evidence_span_points_at_its_words(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(
        pipeline,
        "Gunmen killed two policemen in Quetta on Monday, officials said. The Baloch Liberation Army claimed "
        "responsibility, saying its fighters killed 11 soldiers.",
    )
    text = result.document.text
    spans = [s for e in result.events for s in e.type_evidence.spans]
    for event in result.events:
        for part in (event.place, event.time, event.actor1, event.actor2):
            if part is not None:
                spans.extend(part.evidence.spans)
        for claim in event.claims:
            spans.extend(claim.evidence.spans)
    spans.extend(s for c in result.claims for s in c.evidence.spans)
    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_extract_many_keeps_order_and_goes_on_after_a_report_without_events(pipeline) -> None:  # type: ignore[no-untyped-def]
    texts = [
        "Gunmen killed two policemen in Quetta on Monday.",
        "Shares rose on Monday as investors welcomed the central bank's decision.",
        "Police arrested 14 opposition activists in Dhaka on Tuesday.",
    ]
    documents = [document_from_text(t, origin=f"doc{i}", published=PUBLISHED) for i, t in enumerate(texts)]
    results = list(pipeline.extract_many(documents, batch_size=2))
    assert [r.document.origin for r in results] == ["doc0", "doc1", "doc2"]
    assert [bool(r.events) for r in results] == [True, False, True]
    assert results[0].events[0].toll.killed.state_forces == 2
    assert results[0].events[0].toll.killed.civilians is None


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        # a person as the subject of a passive trigger: violence against civilians, not a clash
        ("In Lahore on Monday, a shopkeeper was shot and wounded by two masked gunmen.", "Attack"),
        # a crowd with no weapons: a riot
        ("On Monday, two groups of villagers clashed over a land dispute near Multan, injuring six.", "Mob violence"),
        ("In Kano on Tuesday, a suspected thief was beaten by residents before police arrived.", "Mob violence"),
        # a grenade answered with gunfire: a clash
        ("Militants threw a grenade at a police post in Peshawar on Monday. Police fired back.", "Armed clash"),
        # detainees beaten: an attack, the arrest is part of it
        ("Soldiers beat and detained four students in Srinagar on Friday.", "Attack"),
        ("Army reinforcements arrived in Kurram district on Friday, officials said.", "Change to group/activity"),
        ("Police seized nine pistols and ammunition in a raid in Karachi on Sunday.", "Disrupted weapons use"),
    ],
)
def test_who_the_violence_falls_on_decides_the_type(pipeline, text: str, sub_event_type: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == [sub_event_type]


def test_an_act_reported_before_an_accusation_stands(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "Soldiers shot dead two farmers in Rakhine on Monday, accusing them of helping the rebels.")
    assert [e.sub_event_type for e in result.events] == ["Attack"]
    # a finite accusation is the sentence's own verb: the act before it is only named, not reported
    named = run(pipeline, "Relatives of the men who were shot dead in Rakhine accused the soldiers of lying on Monday.")
    assert named.events == ()


def test_people_described_as_accused_do_not_make_an_accusation(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "Militants shot dead three men accused of spying for the army in Miranshah on Monday.")
    assert [e.sub_event_type for e in result.events] == ["Attack"]
    assert result.events[0].toll.fatalities == 3
    assert not [c for c in result.claims if c.kind is ClaimKind.ALLEGATION]


@pytest.mark.parametrize(
    "text",
    [
        "A senior CPI-Maoist commander was killed in an encounter with police in Jharkhand on Sunday.",
        "Seven CPI-Maoist cadres were arrested by a joint team of police and CRPF in Chhattisgarh on Monday.",
    ],
)
def test_the_agent_of_a_passive_trigger_is_the_perpetrator(pipeline, text: str) -> None:  # type: ignore[no-untyped-def]
    event = run(pipeline, text).events[0]
    assert event.actor1 is not None and event.actor1.name.startswith("Police Forces of India")
    assert event.actor2 is not None and "Maoist" in event.actor2.name


def test_a_passive_trigger_without_an_agent_makes_its_subject_the_target(pipeline) -> None:  # type: ignore[no-untyped-def]
    arrest = run(pipeline, "Two CPI-Maoist cadres were arrested in Bokaro district of Jharkhand on Monday.").events[0]
    assert arrest.sub_event_type == "Arrests"  # not an abduction by the Maoists
    assert arrest.actor1 is not None and arrest.actor1.name == "Police Forces of India"
    assert arrest.actor2 is not None and arrest.actor2.name.startswith("CPI (Maoist)")


def test_unnamed_fighters_of_a_named_group_are_that_group(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "Two village heads were shot dead by suspected cadres of the CPI-Maoist in Jharkhand on Monday."
    event = run(pipeline, text).events[0]
    assert event.actor1 is not None and event.actor1.name.startswith("CPI (Maoist)")


def test_a_threat_after_the_act_does_not_undo_it(pipeline) -> None:  # type: ignore[no-untyped-def]
    done = pipeline.extract_text(
        "Villagers caught a thief, tied him to a pole and beat him and threatened to burn him."
    )
    assert [e.event_type for e in done.events] == ["Violence against civilians"]
    # the threat itself, before the act, is still no event
    threat = pipeline.extract_text("The militants threatened to attack the police station in Quetta.")
    assert not threat.events


def test_an_event_is_placed_where_there_are_coordinates(pipeline) -> None:  # type: ignore[no-untyped-def]
    extraction = pipeline.extract_text("Insurgents burned huts in Nangade district (Cabo Delgado) on Monday.")
    assert [e.place.name for e in extraction.events if e.place] == ["Cabo Delgado"]


def test_an_event_placed_at_a_province_or_country_takes_its_seats_point(pipeline) -> None:  # type: ignore[no-untyped-def]
    extraction = pipeline.extract_text("Two tribes clashed at an unspecified location in Kassala state on Monday.")
    (event,) = extraction.events
    assert event.place is not None
    assert (event.place.name, event.place.feature_code, event.place.geo_precision) == ("Kassala", "ADM1", 3)
    (toponym,) = extraction.places  # the toponym keeps the unit's own point
    town = next(p for p in Gazetteer.default().lookup("Kassala") if p.feature_class == "P")
    assert (event.place.latitude, event.place.longitude) == (town.latitude, town.longitude)
    assert (toponym.latitude, toponym.longitude) != (town.latitude, town.longitude)
    assert "seat, Kassala" in event.place.evidence.reason
    country = pipeline.extract_text("The government of Sudan imposed a curfew across the country.").events
    assert [(e.place.name, e.place.latitude) for e in country if e.place] == [
        ("Sudan", next(p.latitude for p in Gazetteer.default().lookup("Khartoum") if p.feature_code == "PPLC"))
    ]


def test_a_named_side_of_a_province_places_the_event_among_its_towns_on_that_side(pipeline) -> None:  # type: ignore[no-untyped-def]
    gazetteer = Gazetteer.default()
    (event,) = pipeline.extract_text("Regime forces shelled villages in the southern countryside of Idleb.").events
    province = next(p for p in gazetteer.lookup("Idlib") if p.feature_code == "ADM1")
    assert event.place is not None and province.latitude is not None
    # the countryside of the province, not its seat town
    assert (event.place.name, event.place.feature_code, event.place.geo_precision) == (province.name, "ADM1", 3)
    assert event.place.latitude < province.latitude
    assert "south of its centre" in event.place.evidence.reason
    (north,) = pipeline.extract_text("Militants attacked a checkpoint in northern Raqqa on Monday.").events
    raqqa = next(p for p in gazetteer.lookup("Ar Raqqah") if p.feature_code == "ADM1")
    assert north.place is not None and raqqa.latitude is not None and north.place.latitude > raqqa.latitude
    # a part of a city is not a side of its province
    (city,) = pipeline.extract_text("Gunmen killed a man in the east part of Cali on Monday.").events
    assert city.place is not None and (city.place.name, city.place.feature_code) == ("Cali", "PPL")


def test_one_action_in_a_list_of_places_is_one_event_per_place(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(
        pipeline,
        "Taliban fighters attacked police posts in Kunduz, Baghlan and Takhar provinces on Monday, "
        "killing seven policemen.",
    )
    events = [e for e in result.events if e.place is not None]
    assert [e.place.name for e in events if e.place is not None] == ["Kunduz", "Baghlan", "Takhar"]
    # the toll is divided, the remainder to the first place: nothing is counted twice
    assert [e.toll.fatalities for e in events] == [3, 2, 2]
    for event in events:
        assert event.place is not None
        span = event.place.evidence.spans[0]
        assert result.document.text[span.start : span.end] == span.text
        assert span.text == event.place.mention


def test_listed_places_that_share_a_container_stay_events_of_their_own(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Rebels clashed with the army on the fronts of Zorblax (Qaatabah, Ad Dali), Quintar "
        "(Qaatabah, Ad Dali), and Morvash (Al Qabbaytah, Lahij) on Monday."
    )
    events = pipeline.extract_text(text).events
    assert [e.place.mention for e in events if e.place] == ["Zorblax", "Quintar", "Morvash"]
    assert events[0].place is not None and events[1].place is not None
    assert events[0].place.geonameid == events[1].place.geonameid  # both read as Qaatabah


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("A bomb exploded in Kabul, Afghanistan on Monday, killing two people.", ["Kabul"]),
        (
            "Gunmen ambushed a convoy on the road between Kabul and Jalalabad on Monday, killing four soldiers.",
            ["Kabul"],
        ),
        (
            "Troops clashed with militants in Helmand province, Afghanistan and Kandahar on Monday.",
            ["Helmand", "Kandahar"],
        ),
    ],
)
def test_a_place_with_its_container_or_a_route_is_not_a_list(pipeline, text: str, places: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert [e.place.name for e in run(pipeline, text).events if e.place is not None] == places


def test_a_figure_written_for_one_listed_place_stays_with_it(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "Gunmen raided villages in Kunduz (where three people were killed) and Baghlan on Monday.")
    assert [(e.place.name, e.toll.fatalities) for e in result.events if e.place is not None] == [
        ("Kunduz", 3),
        ("Baghlan", 0),
    ]


def test_a_list_of_provinces_beside_a_town_says_where_someone_operates(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(
        pipeline,
        "Police seized arms meant for rebels operating in Assam and Manipur from a house in Guwahati on Monday.",
    )
    assert [e.place.name for e in result.events if e.place is not None] == ["Guwahati"]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Farmers who truck maize from Nairobi protested in Kisumu on Monday.", "Kisumu"),
        ("Police arrested two robbery suspects from Mombasa on Monday.", "Mombasa"),  # taken from there
        ("Hundreds of teachers marched from Mombasa to Kisumu on Monday to demand their pay.", "Mombasa"),  # a route
        ("Gunmen killed a farmer 15 kilometres from Mombasa on Monday.", "Mombasa"),  # a distance from it
    ],
)
def test_a_place_people_or_goods_came_from_is_not_where_it_happened(pipeline, text: str, place: str) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(pipeline, text).events
    assert event.place is not None and event.place.name == place


def test_a_town_named_for_its_subdivision_places_the_event_in_the_subdivision(pipeline) -> None:  # type: ignore[no-untyped-def]
    (event,) = run(
        pipeline, "Soldiers burned houses in Kikaikelaki village, Kumbo subdivision (Bui, Nord-Ouest)."
    ).events
    assert event.place is not None and event.place.name == "Kumbo"
    assert event.place.geo_precision == 2  # somewhere in the subdivision, not in the town


def test_an_armed_group_handing_out_food_changes_its_activity(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "On Monday, members of the Sinaloa Cartel delivered boxes with food to families in Tepic.")
    assert [e.sub_event_type for e in result.events] == ["Change to group/activity"]
    assert result.events[0].actor1 is not None and result.events[0].actor1.name == "Sinaloa Cartel"


def test_food_handed_out_by_a_charity_is_no_event(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, "On Monday, a charity delivered food packages to families in Tepic, police said.")
    assert result.events == ()


@pytest.mark.parametrize(
    "text",
    [
        "State police seized more than a ton of marijuana during a road check near Campinas on Monday.",
        "The highway police seized on the Anhanguera Highway (SP-330) two tons of marijuana near Campinas on Monday.",
        "State police seized 40,000 packs of smuggled cigarettes near Campinas on Monday.",
        "Soldiers seized foods that the rebels had hidden in a forest near Sittwe on Monday.",
        "Gunmen stopped a bus near Djibo on Monday and seized the phones of the passengers.",
    ],
)
def test_seized_drugs_contraband_and_goods_far_from_the_verb(pipeline, text: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == ["Looting/property destruction"]


@pytest.mark.parametrize(
    "text",
    [
        "On Monday, in Morelia, teacher trainees blocked with three buses the Morelia-Salamanca highway.",
        "On Monday, in Morelia, students blocked the railway tracks rejecting the new rules for admissions.",
        "On Monday, factory workers blocked the N 5 near Bouira, denouncing two months of unpaid wages.",
        "On Monday, members of the ruling party blocked the office of the mayor of Kindia.",
        "On Monday, reporters gathered in Bejaia, Algeria, to remember colleagues who died in the past year and "
        "denounce the pressure put on the press.",
        "On Monday, residents of Curitiba banged pots against the governor during his visit.",
        "On Monday, nurses at the hospital in Iguala padlocked its offices to report abuses by the director.",
    ],
)
def test_protests_without_a_protest_word(pipeline, text: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == ["Peaceful protest"]


@pytest.mark.parametrize(
    "text",
    [
        "On Monday, in Culiacan, a man was found beside the road to El Dorado. The body was burned.",
        "On Monday, in Culiacan, a female body was found near the river.",
        "On Monday, the body of a street vendor was found near Raqqa with his money stolen.",
    ],
)
def test_a_found_body_is_an_attack(pipeline, text: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events] == ["Attack"]


def test_a_body_found_after_a_reported_killing_is_that_killing(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = run(
        pipeline,
        "A farmer was killed by Maoist cadres near Koraput on Monday. His body was found on the Jeypore road.",
    )
    assert len(result.events) == 1
    assert result.events[0].toll.fatalities == 1


@pytest.mark.parametrize(
    "text",
    [
        "On Monday, during a council session in Tbilisi, a physical fight broke out between deputies of two parties.",
        "On Monday, supporters of two rival parties came to blows outside a polling station in Lilongwe.",
    ],
)
def test_a_fight_between_people_is_mob_violence(pipeline, text: str) -> None:  # type: ignore[no-untyped-def]
    result = run(pipeline, text)
    assert [e.sub_event_type for e in result.events][:1] == ["Mob violence"]
