"""The gazetteer: ACLED/OCHA/French spellings of the host territories' areas, former units and
their successors (chosen by coordinates), `geo resolve`, and a store built before the current
admin-1 reference brought up to it."""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from tnt_dash import config, seed, store
from tnt_dash.gazetteer import BY_ALIAS, BY_FORMER, BY_NAME, BY_SUCCESSOR, Gazetteer
from tnt_dash.importers import ledger, pipeline

from .conftest import run_cli

FIX = Path(__file__).resolve().parent / "fixtures" / "import"

# Spellings of the host territories' admin-1 areas as ACLED exports, OCHA CODs and French and
# English UN documents write them (written here by hand, not copied from any file).
SPELLINGS = {
    "COD": ["Ituri", "Nord-Kivu", "North Kivu", "Sud Kivu", "South-Kivu", "Tanganyika", "Haut-Katanga",
            "Haut Uele", "Bas-Uele", "Tshopo", "Kasai", "Kasai-Central", "Kasai Oriental", "Lualaba",
            "Haut-Lomami", "Maniema", "Kinshasa", "Kongo Central", "Bas-Congo", "Mai-Ndombe", "Kwilu",
            "Kwango", "Equateur", "Mongala", "Nord-Ubangi", "Sud-Ubangi", "Tshuapa", "Sankuru", "Lomami",
            "Province du Nord-Kivu", "Ituri Province"],
    "CAF": ["Bangui", "Ouham", "Ouham-Pende", "Ouham Pende", "Vakaga", "Haute-Kotto", "Haut-Mbomou",
            "Mbomou", "Basse-Kotto", "Ouaka", "Nana-Grebizi", "Bamingui-Bangoran", "Nana-Mambere",
            "Mambere-Kadei", "Sangha-Mbaere", "Lobaye", "Ombella-M'Poko", "Kemo"],
    "SSD": ["Central Equatoria", "Eastern Equatoria", "Western Equatoria", "Jonglei", "Unity", "Upper Nile",
            "Lakes", "Warrap", "Northern Bahr el Ghazal", "Western Bahr el Ghazal", "Unity State",
            "Abyei Administrative Area"],
    "SOM": ["Banadir", "Benadir", "Lower Shabelle", "Middle Shabelle", "Hiraan", "Hiiraan", "Galgaduud",
            "Galguduud", "Mudug", "Nugaal", "Bari", "Bay", "Bakool", "Gedo", "Lower Juba", "Middle Juba",
            "Awdal", "Woqooyi Galbeed", "Togdheer", "Sool", "Sanaag"],
    "HTI": ["Ouest", "Artibonite", "Centre", "Nord", "Nord-Est", "Nord-Ouest", "Sud", "Sud-Est", "Grand'Anse",
            "Nippes", "Grande Anse"],
    "CYP": ["Nicosia", "Limassol", "Larnaca", "Famagusta", "Paphos", "Kyrenia"],
    "XKX": ["Prishtine", "Pristina", "Prizren", "Peja", "Mitrovica", "Gjilan", "Ferizaj", "Gjakova"],
}


@pytest.fixture(scope="module")
def gazetteer(demo_con):
    return Gazetteer.from_store(demo_con)


@pytest.mark.unit
def test_at_least_95_percent_of_source_spellings_resolve(gazetteer):
    names = [(iso3, name) for iso3, spellings in SPELLINGS.items() for name in spellings]
    missed = [(iso3, name) for iso3, name in names if gazetteer.lookup(iso3, name) is None]
    assert len(names) == 107
    assert 1 - len(missed) / len(names) >= 0.95, missed
    # And each resolves to its own country's current area.
    for iso3, name in names:
        match = gazetteer.lookup(iso3, name)
        if match:
            assert match.iso3 == iso3 and match.how in (BY_NAME, BY_ALIAS), (name, match)


@pytest.mark.unit
def test_former_units_resolve_to_their_successors(gazetteer):
    # A split province: the successor holding the coordinates (Lubumbashi, Bunia), else the flagged former unit.
    assert gazetteer.lookup("COD", "Katanga", -11.66, 27.48).code == "CD-HK"
    assert gazetteer.lookup("COD", "Province Orientale", 1.56, 30.25).code == "CD-IT"
    assert gazetteer.lookup("COD", "Shaba", -5.94, 29.19).code == "CD-TA"          # Kalemie
    kept = gazetteer.lookup("COD", "Katanga")
    assert (kept.code, kept.how, kept.name_en) == ("CD-KA", BY_FORMER, "Katanga (pre-2015 province)")
    assert kept.name_fr == "Katanga (province d’avant 2015)"
    # Coordinates outside every successor (Kinshasa) choose none.
    assert gazetteer.lookup("COD", "Katanga", -4.32, 15.31).how == BY_FORMER
    # A former unit with one successor needs no coordinates: a Kosovo municipality, now in its district.
    one = gazetteer.lookup_code("XKX-KOS-5902")
    assert (one.code, one.how, one.former_code) == ("XKX-PRISHTINA", BY_SUCCESSOR, "XKX-KOS-5902")
    # A name kept by a smaller province after the split is today's province, not the former one.
    assert gazetteer.lookup("COD", "Kasaï-Oriental").code == "CD-KE"
    assert gazetteer.lookup("SOM", "Somaliland", 9.56, 44.06).code == "SO-WO"       # Hargeisa


@pytest.mark.unit
def test_suggestions_for_a_misspelling(gazetteer):
    assert gazetteer.lookup("COD", "Itury") is None
    assert gazetteer.suggest("Itury", "COD")[0].code == "CD-IT"
    assert gazetteer.suggest("Zzzzqqq", "COD") == []


@pytest.mark.unit
def test_successor_reference_is_complete():
    root = config.REFERENCE_DIR
    current = {r["code"]: r["iso3"] for r in csv.DictReader((root / "admin1.csv").open(encoding="utf-8"))}
    former = {r["code"]: r["iso3"] for r in csv.DictReader((root / "admin1_former.csv").open(encoding="utf-8"))}
    successors = list(csv.DictReader((root / "admin1_successors.csv").open(encoding="utf-8")))
    assert not set(former) & set(current)
    assert {r["old_code"] for r in successors} == set(former)
    for row in successors:   # each successor is a current area of the same country
        assert current[row["successor_code"]] == former[row["old_code"]], row
    split = {}
    for row in successors:
        split.setdefault(row["old_code"], set()).add(row["successor_code"])
    assert split["CD-OR"] == {"CD-IT", "CD-HU", "CD-BU", "CD-TO"}
    assert split["CD-KA"] == {"CD-HK", "CD-LU", "CD-HL", "CD-TA"}
    assert sum(len(v) for k, v in split.items() if k.startswith("KE-")) == 47


def _acled_rows(tmp_path, rows) -> Path:
    lines = (FIX / "acled_sample.csv").read_text(encoding="utf-8").splitlines()
    cols, template = lines[0].split(","), lines[1].split(",")
    out = [lines[0]]
    for values in rows:
        cells = list(template)
        for col, value in values.items():
            cells[cols.index(col)] = value
        out.append(",".join(cells))
    path = tmp_path / "acled_former.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.unit
def test_acled_rows_with_former_provinces(tmp_path):
    db = seed.build(tmp_path / "s.duckdb", demo_rows=None)
    drc = {"iso": "180", "country": "Democratic Republic of Congo"}
    path = _acled_rows(tmp_path, [
        {**drc, "event_id_cnty": "DRC1", "admin1": "Ituri", "latitude": "1.56", "longitude": "30.25", "geo_precision": "1"},
        {**drc, "event_id_cnty": "DRC2", "admin1": "Orientale", "latitude": "1.56", "longitude": "30.25", "geo_precision": "1"},
        {**drc, "event_id_cnty": "DRC3", "admin1": "Katanga", "latitude": "-11.66", "longitude": "27.48", "geo_precision": "2"},
        # Precision 3: the point is the region's centroid, which does not say which part.
        {**drc, "event_id_cnty": "DRC4", "admin1": "Katanga", "latitude": "-11.66", "longitude": "27.48", "geo_precision": "3"},
        {**drc, "event_id_cnty": "DRC5", "admin1": "Katanga", "latitude": "", "longitude": "", "geo_precision": "3"},
    ])
    report = pipeline.run_import(db, path)
    assert (report.inserted, report.quarantined) == (5, 0)
    con = store.connect(db, read_only=True)
    try:
        got = dict(con.execute("SELECT incident_id, admin1_code FROM incidents").fetchall())
        names = dict(con.execute("""SELECT i.incident_id, n.name_en FROM incidents i
                                    JOIN admin1_named n ON n.code = i.admin1_code""").fetchall())
    finally:
        con.close()
    assert got == {"ACLED-DRC1": "CD-IT", "ACLED-DRC2": "CD-IT", "ACLED-DRC3": "CD-HK",
                   "ACLED-DRC4": "CD-KA", "ACLED-DRC5": "CD-KA"}
    assert names["ACLED-DRC4"] == "Katanga (pre-2015 province)"
    former = [w["reason"] for w in report.warnings if w["field"] == "admin1"]
    assert len(former) == 1 and "Katanga" in former[0] and "rows: 2" in former[0]
    # The Data quality tab lists them for the analyst, until the batch is rolled back.
    con = store.connect(db, read_only=True)
    try:
        review = ledger.place_names_to_review(con)
    finally:
        con.close()
    assert review[["country", "name", "rows", "problem"]].values.tolist() == [
        ["COD", "Katanga", 2, "former unit, no coordinates"],
        ["COD", "Katanga (pre-2015 province)", 2, "records on a former unit"]]
    assert review.file_name[0] == "acled_former.csv"
    ledger.rollback(db, report.batch_id)
    con = store.connect(db, read_only=True)
    try:
        assert ledger.place_names_to_review(con).empty
    finally:
        con.close()


def _as_previous_version(path: Path) -> None:
    """Turn a current store back into one the previous version built: schema 10, no former units,
    no geography stamp, and records on codes that are no longer current areas."""
    con = store.connect(path)
    try:
        con.execute("DROP VIEW admin1_named")
        con.execute("DROP TABLE admin1_former")
        con.execute("DROP TABLE admin1_successors")
        con.execute("DELETE FROM schema_version WHERE version >= 11")
        con.execute("DELETE FROM meta WHERE key = 'geography'")
        old = [("CD-KA", "COD", "Katanga", "Katanga", -8.48, 26.25), ("CD-OR", "COD", "Orientale", "Orientale", 2.40, 26.79),
               ("XKX-KOS-5902", "XKX", "Prishtinë/Priština", "Prishtinë/Priština", 42.66, 21.17)]
        con.executemany("INSERT INTO admin1 VALUES (?, ?, ?, ?, ?, ?)", old)
        moves = [("K1", "CD-KA", -11.66, 27.48, 1), ("K2", "CD-KA", -5.94, 29.19, 2), ("K3", "CD-KA", -8.48, 26.25, 3),
                 ("K4", "CD-KA", None, None, None), ("O1", "CD-OR", 0.52, 25.19, 1), ("P1", "XKX-KOS-5902", None, None, None)]
        ids = [r[0] for r in con.execute("SELECT incident_id FROM incidents ORDER BY incident_id LIMIT 6").fetchall()]
        for incident_id, (tag, code, lat, lon, precision) in zip(ids, moves):
            con.execute("UPDATE incidents SET admin1_code = ?, lat = ?, lon = ?, geo_precision = ?, narrative = ? "
                        "WHERE incident_id = ?", [code, lat, lon, precision, tag, incident_id])
        store.refresh_rollups(con)
    finally:
        con.close()


@pytest.mark.unit
def test_a_store_of_the_previous_version_migrates(tmp_path):
    from .test_import import rollups_equal_a_full_rebuild
    path = seed.build(tmp_path / "old.duckdb", demo_rows=3000, seed=7)
    _as_previous_version(path)
    seed.ensure_store(path)
    con = store.connect(path, read_only=True)
    try:
        assert store.schema_version(con) == store.SCHEMA_VERSION
        got = dict(con.execute("SELECT narrative, admin1_code FROM incidents "
                               "WHERE narrative IN ('K1','K2','K3','K4','O1','P1')").fetchall())
        current_cod = con.execute("SELECT count(*) FROM admin1 WHERE iso3 = 'COD'").fetchone()[0]
        shown = con.execute("SELECT name_en FROM admin1_named WHERE code = 'CD-KA'").fetchone()[0]
    finally:
        con.close()
    # Lubumbashi -> Haut-Katanga, Kalemie -> Tanganyika, Kisangani -> Tshopo, the municipality -> its district;
    # the centroid point (precision 3) and the record without coordinates keep the flagged former code.
    assert got == {"K1": "CD-HK", "K2": "CD-TA", "K3": "CD-KA", "K4": "CD-KA", "O1": "CD-TO", "P1": "XKX-PRISHTINA"}
    assert current_cod == 26 and shown == "Katanga (pre-2015 province)"
    assert rollups_equal_a_full_rebuild(path, tmp_path)
    # Opening it again changes nothing.
    before = path.stat().st_mtime_ns
    seed.ensure_store(path)
    assert path.stat().st_mtime_ns == before


@pytest.mark.unit
def test_geo_resolve_cli(demo_db):
    env = {**os.environ, "TNT_DB": str(demo_db), "TNT_PROFILE": "analyst"}
    found = run_cli("geo", "resolve", "Hiiraan", "--country", "SOM", env=env)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split("\t")[:2] == ["SO-HI", "Hiraan (SOM)"] and "“Hiiraan” (alias)" in found.stdout
    split = run_cli("geo", "resolve", "Katanga", "--country", "COD", "--json", env=env)
    data = json.loads(split.stdout)
    assert split.returncode == 0 and data["matches"][0]["code"] == "CD-KA"
    assert data["matches"][0]["how"] == "former" and len(data["matches"][0]["successors"]) == 4
    chosen = run_cli("geo", "resolve", "Katanga", "--country", "COD", "--lat", "-11.66", "--lon", "27.48", env=env)
    assert chosen.stdout.startswith("CD-HK\t")
    missed = run_cli("geo", "resolve", "Itury", env=env)
    assert missed.returncode == 2 and "CD-IT" in missed.stdout.splitlines()[1]
    wrong = run_cli("geo", "resolve", "Ituri", "--country", "ZZZ", env=env)
    assert wrong.returncode == 2 and "ZZZ" in wrong.stderr


@pytest.mark.unit
def test_operations_area_filter_and_outline(demo_con):
    from shapely.geometry import Point, shape

    from tnt_dash import access, geo, i18n, queries
    from tnt_dash.crossborder import corridors, layers
    from tnt_dash.filters import Filters

    def count(**kw):
        return demo_con.execute(f"SELECT count(*) FROM incidents i WHERE {Filters(statuses=(), **kw).where()[0]}",
                                Filters(statuses=(), **kw).where()[1]).fetchone()[0]
    monusco = dict(missions=("MONUSCO",))
    # An incident's area: where it occurred or, for a cyber incident, its victims' residence (docs/cyber.md).
    inside = demo_con.execute("""SELECT count(*) FROM incidents WHERE mission = 'MONUSCO'
                                 AND (coalesce(admin1_code, residence_admin1_code) IS NULL
                                      OR coalesce(admin1_code, residence_admin1_code) IN ('CD-IT', 'CD-NK'))""").fetchone()[0]
    assert 0 < count(operations_area=True, **monusco) == inside < count(**monusco)
    # South Kivu, which MONUSCO left in 2024, is outside; records with no admin-1 area stay.
    assert count(operations_area=True, admin1=("CD-SK",)) == 0 < count(admin1=("CD-SK",))
    no_place = demo_con.execute("SELECT count(*) FROM incidents WHERE coalesce(admin1_code, residence_admin1_code) "
                                "IS NULL").fetchone()[0]
    assert no_place > 0 and demo_con.execute(
        "SELECT count(*) FROM incidents i WHERE coalesce(i.admin1_code, i.residence_admin1_code) IS NULL AND "
        f"{Filters(statuses=(), operations_area=True).where()[0]}").fetchone()[0] == no_place
    # The rollups give the same answer as the incidents (the predicate reads only mission and area).
    filters = Filters(operations_area=True, **monusco)
    assert queries.record_count(demo_con, filters, access.ANALYST) == demo_con.execute(
        f"SELECT count(*) FROM incidents i WHERE {filters.where()[0]}", filters.where()[1]).fetchone()[0]
    # The map's outline: one dissolved shape per mission, Bunia and Goma inside, Bukavu and Kinshasa out.
    outlines = geo.operations_area_outlines(demo_con, ["COD"])
    assert [f["properties"]["mission"] for f in outlines["features"]] == ["MONUSCO"]
    area = shape(outlines["features"][0]["geometry"])
    assert area.contains(Point(30.25, 1.56)) and area.contains(Point(29.22, -1.68))
    assert not area.contains(Point(28.86, -2.51)) and not area.contains(Point(15.31, -4.32))
    cod = Filters(countries=("COD",))
    deck = layers.build_map(geo.admin0_outlines(["COD"]),
                            areas=corridors.area_totals(demo_con, cod, access.ANALYST, "en"),
                            flows=corridors.flow_totals(demo_con, cod, access.ANALYST, "en"),
                            crossings=corridors.crossing_totals(demo_con, cod, access.ANALYST),
                            t=i18n.get("en"), operations_areas=outlines)
    assert "operations_areas" in [layer.id for layer in deck.layers]
