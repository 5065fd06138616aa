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
NE_SOURCE = ROOT / ".." / "shared" / "data" / "ne10m_admin1_mission_region_subset.geojson"

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
    """The committed admin1.csv is exactly what scripts/derive_admin1.py produces."""
    if not NE_SOURCE.is_file():
        pytest.skip(f"Natural Earth source not available: {NE_SOURCE}")
    spec = importlib.util.spec_from_file_location("derive_admin1", ROOT / "scripts" / "derive_admin1.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "admin1.csv"
    assert mod.main([str(NE_SOURCE), "--countries", str(REF / "countries.csv"), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (REF / "admin1.csv").read_text(encoding="utf-8")


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
        assert by_code.loc[code, "iccs_code"] == "03022"
        assert by_code.loc[code, "cyber"] == "cyber-enabled"
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
