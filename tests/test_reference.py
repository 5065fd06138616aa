"""Checks on the reference CSVs in tnt_dash/reference/ (see SOURCES.md there)."""
from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "tnt_dash" / "reference"
SCHEMA = ROOT / "tnt_dash" / "schema" / "001_init.sql"
ADMIN1_SOURCE = ROOT / ".." / "shared" / "data" / "admin1_current_mission_region.geojson"
BOUNDARIES = REF / "admin1_boundaries.geojson"

TABLES = ["countries", "admin1", "missions", "markets", "border_crossings", "actors"]
PRIMARY_KEYS = {
    "countries": "iso3",
    "admin1": "code",
    "missions": "code",
    "markets": "code",
    "border_crossings": "code",
    "actors": "actor_id",
}

# DOMAIN.md §2, exact names.
GITOC_MARKETS = {
    "Human trafficking", "Human smuggling", "Extortion and protection racketeering",
    "Arms trafficking", "Trade in counterfeit goods", "Illicit trade in excisable goods",
    "Flora crimes", "Fauna crimes", "Non-renewable resource crimes", "Heroin trade",
    "Cocaine trade", "Cannabis trade", "Synthetic drug trade", "Cyber-dependent crimes",
    "Financial crimes",
}
GITOC_ACTOR_TYPES = {
    "Mafia-style groups", "Criminal networks", "State-embedded actors", "Foreign actors",
    "Private sector actors",
}
CYBER = {"cyber-dependent", "cyber-enabled", "none"}
FAMILIES = {"drugs", "people", "arms", "resources", "cyber_financial", "other"}
HOSTS = {"CAF", "COD", "SSD", "SDN", "HTI", "XKX", "SOM", "CYP", "ESH", "MLI"}
BOOL = {"true", "false"}


def schema_columns() -> dict[str, list[str]]:
    """Column names, in order, of every CREATE TABLE in the schema file."""
    sql = SCHEMA.read_text(encoding="utf-8")
    tables: dict[str, list[str]] = {}
    for name, body in re.findall(r"CREATE TABLE (\w+)\s*\((.*?)\n\);", sql, flags=re.S):
        cols = []
        for line in body.splitlines():
            line = line.split("--", 1)[0].strip()
            if not line:
                continue
            first = line.split()[0]
            if first.upper() in {"PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT"}:
                continue
            cols.append(first)
        tables[name] = cols
    return tables


def load(table: str) -> pd.DataFrame:
    # Everything as text: codes such as ICCS "0204" must keep their leading zero.
    return pd.read_csv(REF / f"{table}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return {t: load(t) for t in TABLES}


@pytest.mark.parametrize("table", TABLES)
def test_columns_match_schema(table):
    df = load(table)
    assert list(df.columns) == schema_columns()[table]
    assert len(df) > 0


@pytest.mark.parametrize("table", TABLES)
def test_primary_key_unique_and_present(table):
    df = load(table)
    key = df[PRIMARY_KEYS[table]]
    assert (key.str.strip() != "").all()
    dupes = key[key.duplicated()].tolist()
    assert not dupes, f"duplicate keys in {table}: {dupes}"


@pytest.mark.parametrize("table", TABLES)
def test_no_stray_whitespace(table):
    df = load(table)
    for col in df.columns:
        bad = df[df[col] != df[col].str.strip()][col].tolist()
        assert not bad, f"{table}.{col} has leading/trailing spaces: {bad[:5]}"


def test_french_names_present(frames):
    for table, cols in {
        "countries": ["name_fr"],
        "admin1": ["name_fr"],
        "missions": ["name_fr", "host_territory_fr"],
        "markets": ["label_fr", "definition_fr"],
    }.items():
        for col in cols:
            empty = frames[table][frames[table][col].str.strip() == ""]
            assert empty.empty, f"empty {table}.{col}: {empty.iloc[:, 0].tolist()}"


def test_countries(frames):
    c = frames["countries"]
    assert set(c["is_host"]) <= BOOL
    assert set(c.loc[c["is_host"] == "true", "iso3"]) == HOSTS
    assert c["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    pop = c["population"].astype(int)
    assert (pop > 100_000).all()
    assert c["pop_year"].astype(int).between(2020, 2030).all()
    assert (c["pop_source"].str.strip() != "").all()
    assert (c["un_region"].isin({"Africa", "Americas", "Asia", "Europe", "Oceania"})).all()
    for iso3 in ["CMR", "TCD", "COG", "RWA", "UGA", "BDI", "TZA", "ZMB", "AGO", "ETH", "KEN",
                 "DJI", "ERI", "DOM", "USA", "SRB", "ALB", "MKD", "MNE", "TUR", "GRC", "NER",
                 "DZA", "MRT", "BFA", "CIV", "GIN", "SEN", "LBY", "EGY"]:
        assert iso3 in set(c["iso3"]), iso3


def test_admin1(frames):
    a, c = frames["admin1"], frames["countries"]
    assert set(a["iso3"]) <= set(c["iso3"])
    assert list(a["code"]) == sorted(a["code"])
    lat, lon = a["lat"].astype(float), a["lon"].astype(float)
    assert lat.between(-90, 90).all() and lon.between(-180, 180).all()
    assert (a["lat"].str.split(".").str[1].str.len() <= 4).all()
    # ISO 3166-2 codes where unique, else ISO3-<NE adm1_code>.
    assert a["code"].str.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}|[A-Z]{3}-[A-Z0-9-]+").all()
    # Every mission host with NE coverage has admin-1 units (NE has none for ESH).
    assert HOSTS - {"ESH"} <= set(a["iso3"])


def test_admin1_is_reproducible(tmp_path):
    """The committed admin1.csv and admin1_boundaries.geojson are exactly what scripts/derive_admin1.py
    produces (countries the source lacks are taken from the committed CSV)."""
    if not ADMIN1_SOURCE.is_file():
        pytest.skip(f"admin-1 source not available: {ADMIN1_SOURCE}")
    spec = importlib.util.spec_from_file_location("derive_admin1", ROOT / "scripts" / "derive_admin1.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out, bounds = tmp_path / "admin1.csv", tmp_path / "admin1_boundaries.geojson"
    assert mod.main([str(ADMIN1_SOURCE), "--countries", str(REF / "countries.csv"), "--out", str(out),
                     "--existing", str(REF / "admin1.csv"), "--boundaries", str(bounds)]) == 0
    assert out.read_text(encoding="utf-8") == (REF / "admin1.csv").read_text(encoding="utf-8")
    assert bounds.read_bytes() == BOUNDARIES.read_bytes()


# DOMAIN.md §8: the DR Congo's 26 provinces since 2015 (ISO 3166-2:CD).
COD_PROVINCES = {"CD-KN", "CD-BC", "CD-KG", "CD-KL", "CD-MN", "CD-KS", "CD-KC", "CD-KE", "CD-LO", "CD-SA",
                 "CD-MA", "CD-SK", "CD-NK", "CD-IT", "CD-HU", "CD-TO", "CD-BU", "CD-NU", "CD-MO", "CD-SU",
                 "CD-EQ", "CD-TU", "CD-TA", "CD-HL", "CD-LU", "CD-HK"}


def test_admin1_current_units(frames):
    a = frames["admin1"].set_index("code")
    cod = a[a.iso3 == "COD"]
    assert set(cod.index) == COD_PROVINCES
    assert (cod.loc["CD-IT", "name_en"], cod.loc["CD-HK", "name_en"], cod.loc["CD-TA", "name_en"]) == \
        ("Ituri", "Haut-Katanga", "Tanganyika")
    names = set(cod.name_en) | set(cod.name_fr)
    assert not names & {"Katanga", "Orientale", "Bandundu", "Kasaï-Occidental", "Kasaï occidental"}
    assert not {"CD-KA", "CD-OR", "CD-BN", "CD-KW"} & set(a.index)
    som = a[a.iso3 == "SOM"]
    assert len(som) == 18
    assert {"Awdal", "Woqooyi Galbeed", "Togdheer", "Sool", "Sanaag"} <= set(som.name_en)
    # The Abyei Area is its own unit, named with neither State; Kosovo's seven districts.
    assert (a.loc["SSD-ABYEI", "name_en"], a.loc["SSD-ABYEI", "name_fr"]) == ("Abyei Area", "Zone d'Abyei")
    assert len(a[a.iso3 == "XKX"]) == 7 and a.loc["XKX-PRISHTINA", "name_en"] == "Prishtinë/Priština"
    assert len(a[a.iso3 == "CYP"]) == 6 and "ISR" not in set(a.iso3)
    assert a.index.str.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}|[A-Z]{3}-[A-Z0-9]+(-[A-Z0-9]+)*").all()


def _alias_key(name: str) -> str:
    from tnt_dash.names import admin1_key
    return admin1_key(name)


def test_admin1_aliases():
    a = load("admin1").set_index("code")
    al = load("admin1_aliases")
    former = load("admin1_former").set_index("code")
    assert list(al.columns) == ["code", "alias", "source"]
    assert set(al.code) <= set(a.index) | set(former.index), set(al.code) - set(a.index) - set(former.index)
    assert (al.alias.str.strip() != "").all() and (al.source.str.strip() != "").all()
    # No spelling may point to two units of one country, counting the units' own names.
    keys: dict[tuple[str, str], set[str]] = {}
    for code, row in a.iterrows():
        for name in (row.name_en, row.name_fr):
            keys.setdefault((row.iso3, _alias_key(name)), set()).add(code)
    country = pd.concat([a.iso3, former.iso3])
    for code, alias in zip(al.code, al.alias):
        keys.setdefault((country[code], _alias_key(alias)), set()).add(code)
    ambiguous = {k: v for k, v in keys.items() if len(v) > 1}
    assert not ambiguous, ambiguous
    for spelling in ("Hiiraan", "Middle Shabelle", "Shabeellaha Hoose", "Galguduud", "Waqooyi Galbeed",
                     "Benadir", "Bas-Congo", "Nord Kivu", "Kasai-Oriental", "Ombella M'Poko", "Grande Anse",
                     "Lefkosia", "Keryneia", "Abyei"):
        assert _alias_key(spelling) in {_alias_key(x) for x in al.alias}, spelling


def test_mission_areas(frames):
    a = frames["admin1"].set_index("code")
    m = frames["missions"].set_index("code")
    areas = load("mission_areas")
    assert list(areas.columns) == ["mission", "admin1_code", "note"]
    assert not areas.duplicated(["mission", "admin1_code"]).any()
    assert set(areas.mission) <= set(m.index) and (areas.note.str.strip() != "").all()
    for mission, code in zip(areas.mission, areas.admin1_code):
        assert code in a.index, code
        # UNISFA's area is the Abyei Area, filed with South Sudan's units but labelled with neither State.
        assert a.loc[code, "iso3"] == m.loc[mission, "host_iso3"] or (mission, code) == ("UNISFA", "SSD-ABYEI")
    by = areas.groupby("mission").admin1_code.apply(set)
    assert by["MONUSCO"] == {"CD-IT", "CD-NK"}           # after leaving South Kivu in 2024
    assert by["UNISFA"] == {"SSD-ABYEI"}
    assert by["MINUSCA"] == set(a.index[a.iso3 == "CAF"])
    assert len(by["UNTMIS"]) == 18 and len(by["UNMIK"]) == 7
    assert "MINUSMA" not in by                            # closed in December 2023


def test_admin1_boundaries_file():
    import json
    assert BOUNDARIES.stat().st_size < 700_000
    doc = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    assert "geoBoundaries" in doc["attribution"] and "OpenStreetMap" in doc["attribution"]
    a = load("admin1")
    codes = [f["properties"]["code"] for f in doc["features"]]
    covered = {f["properties"]["iso3"] for f in doc["features"]}
    assert sorted(codes) == sorted(a.code[a.iso3.isin(covered)])
    assert all(set(f["properties"]) == {"code", "iso3", "name"} for f in doc["features"])
    assert {f["geometry"]["type"] for f in doc["features"]} <= {"Polygon", "MultiPolygon"}
    # The representative point lies inside its polygon (shapely), for the host territories.
    from shapely.geometry import Point, shape
    at = a.set_index("code")
    for f in doc["features"]:
        code = f["properties"]["code"]
        if at.loc[code, "iso3"] in HOSTS:
            assert shape(f["geometry"]).buffer(0.02).contains(Point(float(at.loc[code, "lon"]),
                                                                     float(at.loc[code, "lat"]))), code


def test_missions(frames):
    m, c = frames["missions"], frames["countries"]
    assert set(m["host_iso3"]) <= set(c["iso3"])
    assert set(m["francophone"]) <= BOOL
    assert set(m.loc[m["francophone"] == "true", "code"]) == {"MINUSCA", "MONUSCO", "BINUH", "MINUSMA"}
    for _, row in m.iterrows():
        start = date.fromisoformat(row["start_date"])
        if row["end_date"]:
            assert date.fromisoformat(row["end_date"]) > start
    assert m.loc[m["code"] == "MINUSMA", "end_date"].item() == "2023-12-31"


def test_markets(frames):
    mk = frames["markets"]
    assert set(mk["gitoc_market"]) <= GITOC_MARKETS | {""}
    assert set(mk["cyber"]) <= CYBER
    assert set(mk["family"]) <= FAMILIES
    assert mk["code"].str.fullmatch(r"[a-z][a-z_]*").all()
    # ICCS codes are 2-6 digit strings with their leading zero kept.
    assert mk["iccs_code"].str.fullmatch(r"(0[1-9]|1[01])\d{0,4}").all()
    by_code = mk.set_index("code")
    for code in ["sextortion", "online_child_sexual_exploitation"]:
        assert by_code.loc[code, "gitoc_market"] == ""
        assert by_code.loc[code, "cyber"] == "cyber-enabled"
    # Child sexual exploitation is 03022; sextortion is extortion (02051) unless a victim is a child,
    # which each record's code says (queries.ICCS_CODE, tests/test_cyber.py).
    assert by_code.loc["online_child_sexual_exploitation", "iccs_code"] == "03022"
    assert by_code.loc["sextortion", "iccs_code"] == "02051"
    assert by_code.loc["ransomware", "cyber"] == "cyber-dependent"
    assert by_code.loc["ransomware", "gitoc_market"] == "Cyber-dependent crimes"
    # Every GI-TOC market is reachable from at least one project market.
    assert GITOC_MARKETS <= set(mk["gitoc_market"])


def test_border_crossings(frames):
    b, c = frames["border_crossings"], frames["countries"]
    assert set(b["iso3_a"]) <= set(c["iso3"])
    assert set(b["iso3_b"]) <= set(c["iso3"])
    assert (b["iso3_a"] != b["iso3_b"]).all()
    assert b["lat"].astype(float).between(-90, 90).all()
    assert b["lon"].astype(float).between(-180, 180).all()
    # Code is HOST-NEIGHBOUR-XXX and matches the two countries.
    parts = b["code"].str.split("-", expand=True)
    assert (parts[0] == b["iso3_a"]).all() and (parts[1] == b["iso3_b"]).all()
    assert b["code"].str.fullmatch(r"[A-Z]{3}-[A-Z]{3}-[A-Z]{3}").all()


def test_actors(frames):
    ac = frames["actors"]
    assert set(ac["gitoc_actor_type"]) <= GITOC_ACTOR_TYPES
    assert set(ac["name_restricted"]) <= BOOL
    share = (ac["name_restricted"] == "true").mean()
    assert 0.2 <= share <= 0.5
    for col in ["violence", "reach", "links"]:
        assert ac[col].astype(int).between(1, 5).all()


def test_loads_into_duckdb_schema():
    """COPY each CSV into the real schema: types, NOT NULL and CHECK constraints hold."""
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    for table in TABLES:
        path = (REF / f"{table}.csv").as_posix()
        con.execute(f"COPY {table} FROM '{path}' (HEADER)")
        n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert n == len(load(table))
    assert con.execute("SELECT iccs_code FROM markets WHERE code = 'human_trafficking'").fetchone()[0] == "0204"
    assert con.execute("SELECT count(*) FROM markets WHERE gitoc_market IS NULL").fetchone()[0] == 3
