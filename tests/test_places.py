"""The places stage: toponyms found, resolved by context, with exact evidence and ACLED precision codes."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from conflictlens import places as places_module
from conflictlens.gazetteer import KIND_ALTERNATE, KIND_NAME, Candidate, Gazetteer, GazPlace
from conflictlens.nlp import load_pipeline
from conflictlens.places import country_context, event_location, load_demonyms, resolve_places
from conflictlens.records import Document, Place


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_pipeline()


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


def document(text: str) -> Document:
    return Document(id=hashlib.sha256(text.encode()).hexdigest(), text=text, origin="test")


def places_of(text: str, nlp: Any, gazetteer: Gazetteer, **options: Any) -> list[Place]:
    return resolve_places(nlp(text), document(text), gazetteer=gazetteer, **options)


def by_mention(places: list[Place]) -> dict[str, Place]:
    return {p.evidence.spans[0].text: p for p in places}


def assert_evidence_is_exact(places: list[Place], text: str) -> None:
    for place in places:
        for span in place.evidence.spans:
            assert text[span.start : span.end] == span.text
        toponym = place.evidence.spans[0]
        assert toponym.text in place.mention
        assert place.evidence.doc_id == hashlib.sha256(text.encode()).hexdigest()


# -- the example report -----------------------------------------------------------------------------


def test_example_report(example_text: str, nlp: Any, gazetteer: Gazetteer) -> None:
    places = places_of(example_text, nlp, gazetteer)
    assert_evidence_is_exact(places, example_text)
    found = by_mention(places)

    bela = found["Bela"]  # spaCy labels it ORG: taken as a place from "in the Bela area"
    assert (bela.name, bela.admin2, bela.admin1, bela.country, bela.iso3) == (
        "Bela", "Lasbela District", "Balochistan", "Pakistan", "PAK"
    )  # fmt: skip
    assert bela.latitude == pytest.approx(26.23, abs=0.05) and bela.longitude == pytest.approx(66.31, abs=0.05)
    assert bela.geo_precision == 1
    assert bela.mention == "the Bela area"
    assert "Bela: PPL in Balochistan, Pakistan, chosen over" in bela.evidence.reason

    bolan = found["Bolan"]
    assert (bolan.name, bolan.admin1, bolan.feature_code, bolan.geo_precision) == (
        "Kachhi District", "Balochistan", "ADM2", 2
    )  # fmt: skip
    assert "alias" in bolan.evidence.reason

    provinces = [p for p in places if p.evidence.spans[0].text == "Balochistan"]
    assert len(provinces) >= 5  # every mention is reported, in text order
    assert all(p.feature_code == "ADM1" and p.geo_precision == 3 for p in provinces)
    starts = [p.evidence.spans[0].start for p in places]
    assert starts == sorted(starts)

    assert not {"Baloch", "Pakistani", "Operation Herof", "BLA"} & found.keys()  # demonyms, not places
    assert country_context(places) == "Pakistan"


# -- resolution by context --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "admin1", "country"),
    [
        ("Gunmen attacked a police post in Bela on Sunday. Officials in Balochistan said two constables were "
         "wounded.", "Bela", "Balochistan", "Pakistan"),
        ("Farmers blocked the highway near Bela on Sunday. The district administration in Uttar Pradesh said "
         "the protest ended peacefully.", "Bela", "Uttar Pradesh", "India"),
        ("Police in Hyderabad, Sindh, arrested five suspects after a bomb blast near the bus terminal.",
         "Hyderabad", "Sindh", "Pakistan"),
        ("Students marched in Hyderabad, Telangana, demanding the release of detained activists.",
         "Hyderabad", "Telangana", "India"),
    ],
)  # fmt: skip
def test_ambiguous_names_follow_the_documents_province(
    text: str, name: str, admin1: str, country: str, nlp: Any, gazetteer: Gazetteer
) -> None:
    places = places_of(text, nlp, gazetteer)
    place = by_mention(places)[name]
    assert (place.admin1, place.country) == (admin1, country)
    assert "context" in place.evidence.reason or country in place.evidence.reason
    assert_evidence_is_exact(places, text)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Militias clashed near Misrata in Libya. Protesters gathered in Tripoli on Friday.", "Libya"),
        ("Militias clashed near Misrata in Libya. Protesters gathered in Tripoli, Lebanon, on Friday.", "Lebanon"),
        ("Protesters gathered in Tripoli (Lebanon) on Friday. Militias clashed near Misrata in Libya.", "Lebanon"),
    ],
)
def test_a_name_prefers_readings_inside_the_place_written_after_it(
    text: str, country: str, nlp: Any, gazetteer: Gazetteer
) -> None:
    tripoli = by_mention(places_of(text, nlp, gazetteer))["Tripoli"]
    assert tripoli.country == country


def test_one_reading_per_name_per_document(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Troops entered Bela at dawn. Residents of Bela in Balochistan fled. By noon Bela was quiet."
    places = [p for p in places_of(text, nlp, gazetteer) if p.evidence.spans[0].text == "Bela"]
    assert len(places) == 3
    assert {(p.geonameid, p.admin1) for p in places} == {(places[0].geonameid, "Balochistan")}


def test_country_context_is_the_main_country(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Shelling hit Kharkiv and Donetsk. Ukraine said Russia fired the rockets."
    places = places_of(text, nlp, gazetteer)
    assert country_context(places) == "Ukraine"
    assert country_context([]) is None


# -- precision codes and evidence -------------------------------------------------------------------


def test_precision_codes(nlp: Any, gazetteer: Gazetteer) -> None:
    text = (
        "A bomb exploded in Quetta on Monday. Another blast hit a checkpoint near Turbat. "
        "Fighting spread across Kech district of Balochistan province in Pakistan."
    )
    places = places_of(text, nlp, gazetteer)
    assert_evidence_is_exact(places, text)
    found = by_mention(places)
    assert found["Quetta"].geo_precision == 1  # a town
    assert found["Turbat"].geo_precision == 2  # near a town
    assert (found["Kech"].feature_code, found["Kech"].geo_precision) == ("ADM2", 2)  # part of a district
    assert found["Kech"].mention == "Kech district"
    province = next(p for p in places if p.feature_code == "ADM1")
    assert province.geo_precision == 3
    assert (found["Pakistan"].feature_code, found["Pakistan"].geo_precision) == ("PCLI", 3)


def test_demonyms_are_context_not_places_unless_asked(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Pakistani troops and Afghan border guards exchanged fire on Tuesday."
    assert places_of(text, nlp, gazetteer) == []
    with_demonyms = places_of(text, nlp, gazetteer, include_demonyms=True)
    assert {(p.name, p.geo_precision) for p in with_demonyms} == {("Pakistan", 3), ("Afghanistan", 3)}
    assert "pakistani" in load_demonyms()


def test_unknown_names_are_dropped(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "The Zorblax Liberation Front said its Operation Quandrel succeeded in Xyzzyville."
    assert places_of(text, nlp, gazetteer) == []


def test_event_location_picks_the_most_specific_place_in_range(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "In Balochistan, militants attacked Turbat. Later, Pakistan said the city of Quetta was calm."
    places = places_of(text, nlp, gazetteer)
    first_sentence_end = text.index(".") + 1
    chosen = event_location(places, 0, first_sentence_end)
    assert chosen is not None and chosen.name == "Turbat"
    later = event_location(places, first_sentence_end)
    assert later is not None and later.name == "Quetta"
    assert event_location(places, 0, 2) is None


def test_a_doc_of_another_text_is_refused(nlp: Any, gazetteer: Gazetteer) -> None:
    with pytest.raises(ValueError, match="not a parse of this document"):
        resolve_places(nlp("Quetta is calm."), document("Turbat is calm."), gazetteer=gazetteer)


@pytest.mark.parametrize(
    ("text", "not_located", "event_place"),
    [
        ("A bomb went off on Oxford Street in Belfast on Friday, wounding two men.", "Oxford", "Belfast"),
        ("The New York Times said a drone strike killed four militants in Pakistan.", "New York", "Pakistan"),
        ("According to the Times of India, police shot dead two men in Bihar.", "India", "Bihar"),
        ("Traders protesting the rise of the US dollar blocked a road in Quetta.", "United States", "Quetta"),
        ("Workers of the Karachi Steel Mills Company staged a sit-in in Hyderabad.", "Karachi", "Hyderabad"),
        ("Gunmen opened fire in Baghdad street of Damascus on Monday.", "Baghdad", "Damascus"),
    ],
)
def test_a_place_inside_an_outlet_street_company_or_currency_name_is_not_where_it_happened(
    text: str, not_located: str, event_place: str, nlp: Any, gazetteer: Gazetteer
) -> None:
    places = places_of(text, nlp, gazetteer)
    flags = {p.name: p.located for p in places}
    assert flags.get(not_located) is False  # still a toponym (the geoparsing suites count it), but not a location
    chosen = event_location(places)
    assert chosen is not None and chosen.name == event_place


def test_a_parenthesis_after_an_unknown_place_names_its_containers(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Rebels shelled army positions in Qaryat Zorblaxiyah (Misrata) on Monday."
    places = places_of(text, nlp, gazetteer)
    assert [p.name for p in places] == ["Misratah"]
    assert_evidence_is_exact(places, text)
    # the same parenthesis after a word that does not read as a place says nothing
    assert places_of("Rebels praised the Zorblax plan (Misrata) on Monday.", nlp, gazetteer) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no locative cue before the unknown name: the brackets alone write its district and province
        ("Militiamen opened fire in the Zorblax section (Gaalkacyo, Mudug) on Monday.", ["Gaalkacyo", "Mudug"]),
        ("Rebels looted goods from Zorblax village (Shabunda, Sud-Kivu).", ["Shabunda", "Sud-Kivu"]),
        ("Artillery fire was reported around Zorblax (An Nuqat al Khams).", ["An Nuqat al Khams"]),
        # a capitalised name goes on after the brackets: a maiden name, not a place
        ("June V. (Watson) Schell died on Thursday.", []),
        # a bearing, and an acronym's plural (an alternate name of Haiti's Ouest is "Lwes")
        ("The Inspector General of Police (South West) met the press.", []),
        ("Five Left Wing Extremists (LWEs) were arrested.", []),
        # a town in brackets without a cue is a person's party or town of origin, not a container
        ("Councillor Brian Meaney (Davis) spoke at the meeting.", []),
    ],
)
def test_brackets_after_a_name_hold_its_admin_units(
    text: str, expected: list[str], nlp: Any, gazetteer: Gazetteer
) -> None:
    places = places_of(text, nlp, gazetteer)
    assert [p.evidence.spans[0].text for p in places] == expected
    assert len({p.country for p in places}) <= 1
    assert_evidence_is_exact(places, text)


def test_a_small_foreign_namesake_in_a_report_about_one_country_is_dropped(nlp: Any, gazetteer: Gazetteer) -> None:
    # "Daman" is a town in India; in a report whose other names are all Syrian it is a village the gazetteer lacks
    text = "Fighters clashed in the village of Daman near Deir ez-Zor, in eastern Syria, and in Raqqa."
    names = [p.name for p in places_of(text, nlp, gazetteer)]
    assert "Daman" not in names and "Syria" in names
    # a town no other country has a namesake of stays whatever else the report names
    text = "Residents protested in Kilkis as buses brought asylum seekers from Afghanistan."
    assert [p.country for p in places_of(text, nlp, gazetteer)] == ["Greece", "Afghanistan"]
    # a demonym says whose forces, not where: a town without namesakes stays in its country
    text = "Turkish drones struck a car in Tell Abiad."
    assert [(p.name, p.country) for p in places_of(text, nlp, gazetteer)] == [("Tall Abyad", "Syria")]
    # with nothing pointing elsewhere, the town stays
    assert [p.country for p in places_of("Police said a bomb went off in Daman on Monday.", nlp, gazetteer)] == [
        "India"
    ]


def test_a_small_town_of_a_province_the_report_does_not_name_is_a_village_the_gazetteer_lacks(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    # the gazetteer's only Bate is in East Java; a report on Papua means a Papuan village it lacks
    text = "Clashes broke out in Papua province on Monday after youths attacked houses in Bate village."
    assert [p.name for p in places_of(text, nlp, gazetteer)] == ["Papua"]
    # Penha of Santa Catarina (33,000 people) has a namesake entry, so it is no sure reading elsewhere either
    text = "Police in Minas Gerais said two men were shot in Penha on Sunday."
    assert [p.name for p in places_of(text, nlp, gazetteer)] == ["Minas Gerais"]
    # in its own province it stays
    text = "Police in Santa Catarina said two men were shot in Penha on Sunday."
    assert [p.name for p in places_of(text, nlp, gazetteer)] == ["Santa Catarina", "Penha"]
    # with no province named, the town stays wherever it is
    assert [p.admin1 for p in places_of("Two men were shot in Penha on Sunday.", nlp, gazetteer)] == ["Santa Catarina"]


def test_a_name_outside_the_place_written_after_it_is_a_place_the_gazetteer_lacks(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    # Puerto Libertador is a town of Cordoba: written inside Soledad, Atlantico, it is a village we do not know
    text = "Gunmen attacked a bus in Puerto Libertador, Soledad, Atlantico department."
    places = places_of(text, nlp, gazetteer)
    assert [p.name for p in places] == ["Soledad", "Atlantico"]
    chosen = event_location(places)
    assert chosen is not None and chosen.name == "Soledad"
    # the only Peruvian La Victoria is in San Martin; the big one is in Venezuela
    assert [p.name for p in places_of("Farmers marched in La Victoria, Cusco region.", nlp, gazetteer)] == ["Cusco"]
    # a container is read as any admin unit of its name: Tigre lies in the province of Buenos Aires, not the city
    places = places_of("Workers occupied a factory in Tigre (Buenos Aires) on Monday.", nlp, gazetteer)
    assert (places[0].name, places[0].admin1) == ("Tigre", "Buenos Aires")
    # a town read abroad does not vote for that country against the place it lies in
    assert [p.country for p in places_of("Two farmers were shot in Ara in Daraa.", nlp, gazetteer)] == ["Syria"]


def test_a_list_of_places_is_not_a_chain_of_containers(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Fighting spread to Monteria, Soledad and Cartagena."
    assert [p.name for p in places_of(text, nlp, gazetteer)] == ["Monteria", "Soledad", "Cartagena"]
    text = "Protests were held in Lyon, Toulouse and Paris."
    assert [p.name for p in places_of(text, nlp, gazetteer)] == ["Lyon", "Toulouse", "Paris"]


def test_an_abbreviation_needs_its_dot(nlp: Any, gazetteer: Gazetteer) -> None:
    assert places_of("Gang members opened fire on a patrol near La Campanera on Monday.", nlp, gazetteer) == []
    places = places_of("Police in Baton Rouge, La., said two men were shot.", nlp, gazetteer)
    assert [p.name for p in places] == ["Baton Rouge", "Louisiana"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # spaCy reads these as people; the name runs over two particles
        ("On 3 May, in Jardines de la Silla, Nuevo Leon, armed men shot a man.", "Jardines de la Silla"),
        ("On 3 May, in Carmen de la Legua Reynoso, Callao, residents protested.", "Carmen De La Legua Reynoso"),
        ("On 2 May, police arrested two men in Amatlan de los Reyes, Veracruz.", "Amatlan de los Reyes"),
        # spaCy splits "Port" from "Spain": the entity is widened over "of", once
        ("A man was shot in Port of Spain on Sunday.", "Port of Spain"),
        # an adjective between the cue and the name
        ("Students marched in central Thessaloniki on Monday.", "Thessaloniki"),
        ("Clashes erupted in Ar-Raqqa city.", "Ar Raqqah"),
        # the article between hyphens, as French and Levantine spellings write it
        ("QSD fighters raided a house in Gharibah in Deir-ez-Zor on Monday.", "Deir ez-Zor"),
        # a capitalised particle ends the name ("Sur", south)
        ("Workers protested in La Paz, Baja California Sur, over unpaid wages.", "Baja California Sur"),
    ],
)
def test_whole_names_are_found(text: str, name: str, nlp: Any, gazetteer: Gazetteer) -> None:
    places = places_of(text, nlp, gazetteer)
    assert name in [p.name for p in places]
    assert len({p.evidence.spans[0].start for p in places}) == len(places)  # no overlapping toponyms
    assert_evidence_is_exact(places, text)


def test_a_direction_word_left_of_a_unit_word_is_not_a_place(nlp: Any, gazetteer: Gazetteer) -> None:
    # spaCy splits "Mundri" from "East county"; "East" alone must not become East Delhi
    places = places_of("Gunmen ambushed a convoy in Mundri East county on Tuesday.", nlp, gazetteer)
    assert "East" not in [p.evidence.spans[0].text for p in places]
    assert "India" not in [p.country for p in places]


def test_a_currency_does_not_vote_for_its_country(nlp: Any, gazetteer: Gazetteer) -> None:
    places = places_of("Traders angry at the US dollar rate closed shops in Halba.", nlp, gazetteer)
    assert [(p.name, p.country, p.located) for p in places] == [
        ("United States", "United States", False),
        ("Halba", "Lebanon", True),
    ]


def test_a_country_owning_troops_or_officials_says_whose_not_where(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "U.S. troops and Afghan police raided a compound in Kandahar, officials in the U.S. said."
    places = places_of(text, nlp, gazetteer)
    flags = [(p.evidence.spans[0].text, p.located) for p in places]
    assert flags == [("U.S.", False), ("Kandahar", True), ("U.S.", True)]
    chosen = event_location(places, 0, text.index(","))
    assert chosen is not None and chosen.name == "Kandahar"


def test_a_place_in_a_persons_name_is_not_a_toponym(nlp: Any, gazetteer: Gazetteer) -> None:
    # "Falcón" is a Venezuelan state, but here only part of a name spaCy reads as an organisation
    assert places_of("In 1981 Lidia Falcón published a denunciation.", nlp, gazetteer) == []


def test_a_university_is_where_it_is(nlp: Any, gazetteer: Gazetteer) -> None:
    # campus protests and bombs: the university's town is the event's place
    places = places_of("Two crude bombs exploded near the Dhaka University campus.", nlp, gazetteer)
    assert [(p.name, p.located) for p in places] == [("Dhaka", True)]


def test_a_container_after_a_district_is_its_province_and_the_district_is_the_place(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    places = places_of("Shelling hit homes in Harib district (Marib) on Monday.", nlp, gazetteer)
    assert [(p.name, p.feature_code) for p in places] == [("Harib", "ADM2"), ("Ma'rib", "ADM1")]
    chosen = event_location(places)
    assert chosen is not None and chosen.name == "Harib"


def test_a_place_without_coordinates_is_no_event_place(nlp: Any, gazetteer: Gazetteer) -> None:
    # the gazetteer knows the district of Nangade but has no point for it
    places = places_of("Insurgents burned huts in Nangade district (Cabo Delgado) on Monday.", nlp, gazetteer)
    assert [(p.name, p.latitude is None) for p in places] == [("Nangade", True), ("Cabo Delgado", False)]
    chosen = event_location(places)
    assert chosen is not None and chosen.name == "Cabo Delgado"


def test_names_after_an_unknown_place_phrase_and_a_comma_are_its_containers(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "A farmer was killed in Barangay Tinago, Guihulngan, Negros Oriental."
    places = places_of(text, nlp, gazetteer)
    assert [(p.name, p.country) for p in places] == [
        ("Guihulngan", "Philippines"),
        ("Negros Oriental", "Philippines"),
    ]
    assert_evidence_is_exact(places, text)


def test_a_numbered_settlement_is_placed_at_its_namesake(nlp: Any, gazetteer: Gazetteer) -> None:
    places = places_of("Monitors heard two explosions near Zolote-4 on Monday.", nlp, gazetteer)
    assert [(p.name, p.admin1, p.geo_precision) for p in places] == [("Zolote", "Luhanska oblast", 2)]


def test_a_name_known_only_by_an_alternate_spelling_is_found_inside_the_place_after_it(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    places = places_of("Artillery hit Menbij in Aleppo province on Friday.", nlp, gazetteer)
    assert [(p.name, p.admin1) for p in places] == [("Manbij", "Halab"), ("Halab", "Halab")]


def test_an_airport_is_not_a_town_called_airport(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Gunmen shot an officer of the Airport police station in Mogadishu on Friday."
    assert [p.name for p in places_of(text, nlp, gazetteer)] == ["Mogadishu"]


@pytest.mark.parametrize(
    ("text", "town_country"),
    [
        ("Dozens of teachers marched in Colon (Colon) on Tuesday to demand unpaid wages.", "Panama"),
        ("Residents blocked a road in Santa Ana (Santa Ana) to protest water cuts.", "El Salvador"),
        ("In El Campito, Merida, Merida state, residents burned tires to demand electricity.", "Venezuela"),
    ],
)
def test_a_name_before_an_admin_unit_of_its_own_name_is_the_town_in_it(
    text: str, town_country: str, nlp: Any, gazetteer: Gazetteer
) -> None:
    towns = [p for p in places_of(text, nlp, gazetteer) if p.feature_code.startswith("PPL")]
    units = [p for p in places_of(text, nlp, gazetteer) if p.feature_code.startswith("ADM")]
    assert towns and towns[0].country == town_country
    # the unit after it is the admin unit holding the town, not the town again
    assert units and units[0].country == town_country and units[0].admin1 == towns[0].admin1
    assert event_location(places_of(text, nlp, gazetteer)) == towns[0]


def test_a_name_takes_its_best_reading_inside_the_written_container() -> None:
    # the best-scored reading lies outside the container the text names, a weaker one (an old name) inside it:
    # the name is the one inside, not a place the gazetteer lacks
    def place(geonameid: int, name: str, iso2: str, admin1: str, population: int) -> GazPlace:
        return GazPlace(geonameid, name, name, 1.0, 1.0, iso2, None, None, admin1, None, "P", "PPL", population)

    outside = Candidate(place(1, "Port Elizabeth", "VC", "Grenadines", 900_000), KIND_NAME)
    inside = Candidate(place(2, "Gqeberha", "ZA", "Eastern Cape", 0), KIND_ALTERNATE)
    province = GazPlace(
        3, "Eastern Cape", "Eastern Cape", 1.0, 1.0, "ZA", None, None, "Eastern Cape", None, "A", "ADM1", 6_000_000
    )
    context = places_module._Context()
    chosen = places_module._choose(
        "port elizabeth",
        "Port Elizabeth",
        [outside, inside],
        frozenset(),
        context,
        [province],
        [places_module._Container((province,), stated=False)],
    )
    assert chosen is not None and chosen.place.geonameid == 2
    alone = places_module._choose(
        "port elizabeth",
        "Port Elizabeth",
        [outside],
        frozenset(),
        context,
        [province],
        [places_module._Container((province,), stated=False)],
    )
    assert alone is None


def test_a_cued_name_the_gazetteer_lacks_is_read_as_a_place_of_the_report_spelled_alike(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    text = "Regime artillery shelled houses in Kafr Nubbul in Idlib province on Tuesday."
    place = by_mention(places_of(text, nlp, gazetteer))["Kafr Nubbul"]
    assert (place.name, place.country) == ("Kafranbel", "Syria")
    assert "spelling" in place.evidence.reason
    # with no country to look in, no guess
    assert not places_of("Regime artillery shelled houses in Kafr Nubbul on Tuesday.", nlp, gazetteer)


def test_a_name_written_in_another_province_of_the_report_is_no_spelling_variant(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    # Kafranbel lies in Idlib: a name spelled like it in a report on Aleppo province is a place we lack
    text = "Fighting raged across Aleppo province on Friday. Police recovered an arms dump near Kafr Nubbul."
    assert [p.name for p in places_of(text, nlp, gazetteer)] == ["Halab"]
    text = "Fighting raged across Idlib province on Friday. Police recovered an arms dump near Kafr Nubbul."
    assert [p.name for p in places_of(text, nlp, gazetteer)] == ["Idlib", "Kafranbel"]


@pytest.mark.parametrize(
    ("text", "towns", "event_town"),
    [
        ("Protesters blocked the Khuzdar highway with burning tyres.", ["Khuzdar"], "Khuzdar"),
        (
            "Protesters blocked the Quetta-Karachi highway in Khuzdar with burning tyres.",
            ["Quetta", "Karachi", "Khuzdar"],
            "Khuzdar",
        ),
        ("Gunmen ambushed a convoy on the Damboa - Maiduguri road on Monday.", ["Damboa", "Maiduguri"], "Damboa"),
    ],
)
def test_a_town_a_road_is_named_after_is_a_place_near_the_event(
    text: str, towns: list[str], event_town: str, nlp: Any, gazetteer: Gazetteer
) -> None:
    places = places_of(text, nlp, gazetteer)
    assert [p.name for p in places] == towns
    on_route = [p for p in places if p.name != "Khuzdar" or "highway in" not in text]
    assert all(p.geo_precision == 2 for p in on_route)  # near the town, not in it
    chosen = event_location(places)
    assert chosen is not None and chosen.name == event_town


def test_a_capitalised_bridge_or_road_is_a_name_not_a_route(nlp: Any, gazetteer: Gazetteer) -> None:
    (london,) = places_of("Crowds gathered on London Bridge on Sunday.", nlp, gazetteer)
    assert london.geo_precision == 1


def test_a_neighbourhood_of_a_town_lies_in_it(nlp: Any, gazetteer: Gazetteer) -> None:
    # Yenimahalle is a district of Ankara; "the Yenimahalle neighbourhood of Merkezefendi" is another one
    text = "Unknown men set fire to a post office in the Yenimahalle neighbourhood of Merkezefendi, Denizli."
    places = places_of(text, nlp, gazetteer)
    assert [p.name for p in places] == ["Merkezefendi", "Denizli"]
    chosen = event_location(places)
    assert chosen is not None and chosen.name == "Merkezefendi"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Rebels looted wheat crops in rural Tal Tamer in al-Hasakeh on Friday.", "Tall Tamr"),
        ("Artillery hit positions in Wadi al-Rabi, south of Tripoli, on Sunday.", "Tripoli"),
    ],
)
def test_an_arabic_landform_word_is_no_place_by_itself(text: str, place: str, nlp: Any, gazetteer: Gazetteer) -> None:
    # "Tal" (hill) and "Wadi" (valley) begin names; alone they are At Tall near Damascus and Wadi in India
    names = [p.name for p in places_of(text, nlp, gazetteer)]
    assert place in names and "At Tall" not in names and "Wadi" not in names


def test_a_list_item_after_a_place_and_its_brackets_is_cued(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Fresh troops arrived on the Sirwah (Marib), Mocha (Taizz), and Al Jawf frontlines."
    places = by_mention(places_of(text, nlp, gazetteer))
    assert places["Al Jawf"].feature_code == "ADM1"
    assert places["Mocha"].admin1 == places["Taizz"].admin1


def test_a_cued_village_no_other_place_is_named_after_is_taken_however_small(nlp: Any, gazetteer: Gazetteer) -> None:
    # spaCy does not always see a small village as a place: the cue "near" and a name only one place has do
    text = "Monitors counted nine explosions near Samiilove on Tuesday."
    doc = nlp(text)
    doc.ents = []
    places = resolve_places(doc, document(text), gazetteer=gazetteer)
    assert [(p.name, p.country) for p in places] == [("Samiilove", "Ukraine")]
    assert len(gazetteer.candidates("Samiilove")) == 1 and gazetteer.candidates("Samiilove")[0].place.population < 1000


def test_a_salient_place_at_the_start_of_a_persons_name_is_not_taken(nlp: Any, gazetteer: Gazetteer) -> None:
    # "Nelson" (a New Zealand region) begins the municipality "Nelson Mandela Bay", read by spaCy as a person
    text = "Teachers marched in Uitenhage (Nelson Mandela Bay, Eastern Cape) over unpaid wages."
    places = places_of(text, nlp, gazetteer)
    assert "New Zealand" not in [p.country for p in places]
    assert by_mention(places)["Uitenhage"].country == "South Africa"


def test_an_admin1_name_that_is_a_bigger_city_abroad_does_not_vote_for_its_country(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    # Sao Vicente is an island of Cabo Verde and a Brazilian city of 350,000; it must not pull Sao Paulo to Cabo Verde
    text = "Police officers shot two robbery suspects in Sao Vicente, Sao Paulo, on Friday night."
    places = by_mention(places_of(text, nlp, gazetteer))
    assert places["Sao Vicente"].country == "Brazil"
    assert places["Sao Paulo"].country == "Brazil"
