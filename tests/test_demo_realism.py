"""Realism of the seed-7 demo store (tests/conftest.py builds it): would a mission analyst believe it?

Each check is one of the demo-world issue's acceptance rules; the scenario the generator reads is
in tnt_dash/reference/scenario/ (sources in SOURCES.md), the assumptions in docs/demo.md.
"""
from __future__ import annotations

import csv
import json
import math

import pytest
import shapely
from shapely.geometry import shape

from tnt_dash import store
from tnt_dash.capacity.settings import load_budget
from tnt_dash.config import REFERENCE_DIR

SCENARIO = REFERENCE_DIR / "scenario"
PARTNER_KM = 300


def _rows(name: str) -> list[dict]:
    with open(SCENARIO / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _one(con, sql: str, params=()):
    return con.execute(sql, params if isinstance(params, dict) else list(params)).fetchone()


def _km(area, other) -> float:
    """Polygon-to-polygon distance in km, in an equirectangular projection centred on the area."""
    k = math.cos(math.radians(area.representative_point().y))
    project = lambda xy: xy * [111.32 * k, 110.57]   # noqa: E731
    return shapely.transform(area, project).distance(shapely.transform(other, project))


def _first_leg_partner(host, origin, transit, destination):
    """The country across the border on the route's first leg that touches the host."""
    chain = [c for c in (origin, transit, destination) if c]
    i = chain.index(host)
    return chain[1] if i == 0 else chain[i - 1]


def test_land_route_partners_are_near_the_incident(demo_con):
    features = json.loads((REFERENCE_DIR / "admin1_boundaries.geojson").read_text(encoding="utf-8"))["features"]
    areas = {f["properties"]["code"]: shape(f["geometry"]) for f in features}
    countries = {}
    for f in features:
        countries.setdefault(f["properties"]["iso3"], []).append(shape(f["geometry"]))
    countries = {iso3: shapely.union_all(parts) for iso3, parts in countries.items()}
    listed = {(r["iso3"], r["market"], r["origin"] or None, r["transit"] or None, r["destination"] or None, area)
              for r in _rows("routes.csv") if r["mode"] in ("sea", "air") for area in r["areas"].split(";")}
    found = demo_con.execute("""
        SELECT i.iso3, i.market, i.origin_iso3, i.transit_iso3, i.destination_iso3, i.admin1_code, count(*)
        FROM incidents i JOIN markets m ON m.code = i.market
        WHERE i.cross_border AND m.cyber = 'none' GROUP BY ALL""").fetchall()
    assert sum(r[-1] for r in found) > 1000
    far, by_sea_or_air, checked = [], 0, 0
    for iso3, market, origin, transit, destination, admin1, n in found:
        if (iso3, market, origin, transit, destination, admin1) in listed:
            by_sea_or_air += n
            continue
        partner = _first_leg_partner(iso3, origin, transit, destination)
        distance = _km(areas[admin1], countries[partner])
        checked += n
        if distance > PARTNER_KM:
            far.append((admin1, market, partner, round(distance)))
    assert not far, far
    assert checked > by_sea_or_air > 0


def test_credibility_one_needs_two_sources(demo_con):
    assert _one(demo_con, "SELECT count(*) FROM incidents WHERE info_credibility = 1 AND n_sources < 2")[0] == 0
    assert _one(demo_con, "SELECT count(*) FROM incidents WHERE info_credibility = 1")[0] > 500


def test_markings_agree(demo_con):
    pairs = dict(((c, t), n) for c, t, n in demo_con.execute(
        "SELECT classification, tlp, count(*) FROM incidents GROUP BY ALL").fetchall())
    strict = {t for (c, t) in pairs if c == "STRICTLY CONFIDENTIAL"}
    assert strict and strict <= {"TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"}
    assert {c for (c, t) in pairs if t == "TLP:CLEAR"} == {"UNCLASSIFIED"}


def test_unpol_and_host_state_reports_are_rarely_graded_e_or_f(demo_con):
    for source_type in ("UNPOL patrol", "Host-State police report"):
        share, n = _one(demo_con, """SELECT avg((source_reliability IN ('E', 'F'))::INT), count(*)
                                     FROM incidents WHERE source_type = ?""", [source_type])
        assert n > 1000 and share <= 0.05, (source_type, share)
    share = _one(demo_con, """SELECT avg((source_reliability IN ('E', 'F'))::INT) FROM incidents
                              WHERE source_type IN ('Community alert network', 'Open source')""")[0]
    assert share > 0.15       # wider grades where the source is wider


def test_a_human_source_keeps_its_own_grade(demo_con):
    assert _one(demo_con, """SELECT max(n) FROM (SELECT count(DISTINCT source_reliability) AS n FROM incidents
                             WHERE source_type = 'Human source' GROUP BY source_ref)""")[0] == 1


def test_actors_act_where_and_in_what_they_are_known_for(demo_con):
    known = _one(demo_con, "SELECT avg((actor_id IS NOT NULL)::INT) FROM incidents")[0]
    assert 0.30 <= known <= 0.80, known
    scenario = {r["actor_id"]: r for r in _rows("actors.csv")}
    checked = 0
    for actor_id, row in scenario.items():
        main = row["markets"].split(";")[0].split(":")[0]
        n, home, in_main = _one(demo_con, """
            SELECT count(*), count(*) FILTER (WHERE iso3 = $home), count(*) FILTER (WHERE market = $main)
            FROM incidents WHERE actor_id = $actor""", {"home": row["home_iso3"], "main": main, "actor": actor_id})
        if row["transnational"] == "true" or n < 20:
            continue
        checked += 1
        assert home / n >= 0.8, (actor_id, home, n)
        assert in_main / n >= 0.5, (actor_id, main, in_main, n)
    assert checked >= 10
    cross = dict(demo_con.execute("""
        SELECT i.actor_id, count(DISTINCT i.iso3) FROM incidents i WHERE i.actor_id IS NOT NULL GROUP BY ALL""").fetchall())
    assert any(cross[a] > 1 for a, r in scenario.items() if r["transnational"] == "true" and a in cross)


def test_markets_have_several_subtypes(demo_con):
    found = demo_con.execute("""
        SELECT market, subtype, count(*) / sum(count(*)) OVER (PARTITION BY market) AS share
        FROM incidents WHERE subtype IS NOT NULL GROUP BY market, subtype""").fetchall()
    markets = {m for m, _, _ in found}
    assert {"human_trafficking", "illicit_mining", "arms_trafficking"} <= markets
    for market in markets:
        big = [s for m, s, share in found if m == market and share >= 0.05]
        assert len(big) >= 2, (market, big)


def test_smuggled_migrants_are_not_victims(demo_con):
    share, n = _one(demo_con, """SELECT avg((v_female_child + v_female_adult + v_female_unknown + v_male_child
        + v_male_adult + v_male_unknown + v_unknown_child + v_unknown_adult + v_unknown_unknown > 0)::INT), count(*)
        FROM incidents WHERE market = 'migrant_smuggling'""")
    assert n > 500 and share <= 0.10, share


def test_no_fatalities_online(demo_con):
    dead, n = _one(demo_con, """SELECT sum(i.fatalities), count(*) FROM incidents i JOIN markets m ON m.code = i.market
                                WHERE m.cyber <> 'none'""")
    assert n > 1000 and dead == 0


def test_female_share_of_arrests_differs_by_market(demo_con):
    shares = dict(demo_con.execute("""
        SELECT market, sum(arrests_female) / sum(arrests_female + arrests_male) FROM incidents
        GROUP BY market HAVING sum(arrests_female + arrests_male) >= 200""").fetchall())
    assert 0.25 <= shares["human_trafficking"] <= 0.50, shares["human_trafficking"]
    assert max(shares.values()) - min(shares.values()) >= 0.15, shares
    assert shares["arms_trafficking"] < 0.10


def test_haiti_kidnapping_is_in_ouest_and_artibonite(demo_con):
    share = _one(demo_con, """SELECT avg((admin1_code IN ('HT-OU', 'HT-AR'))::INT) FROM incidents
                              WHERE iso3 = 'HTI' AND market = 'kidnapping_for_ransom'""")[0]
    assert share >= 0.60, share


def test_dr_congo_incidents_are_in_the_east(demo_con):
    placed, everything = _one(demo_con, """
        SELECT avg((admin1_code IN ('CD-IT', 'CD-NK', 'CD-SK'))::INT) FILTER (WHERE admin1_code IS NOT NULL),
               avg((admin1_code IN ('CD-IT', 'CD-NK', 'CD-SK'))::INT) FROM incidents WHERE iso3 = 'COD'""")
    assert placed >= 0.50 and everything >= 0.50, (placed, everything)
    top = demo_con.execute("""SELECT admin1_code FROM incidents WHERE iso3 = 'COD' AND admin1_code IS NOT NULL
                              GROUP BY 1 ORDER BY count(*) DESC LIMIT 3""").fetchall()
    assert {t[0] for t in top} == {"CD-IT", "CD-NK", "CD-SK"}


def test_routes_run_the_way_flows_run(demo_con):
    flows = {(o, d) for o, d in demo_con.execute("""SELECT DISTINCT origin_iso3, destination_iso3 FROM incidents
                                                     WHERE cross_border AND market = 'migrant_smuggling'""").fetchall()}
    assert ("CYP", "TUR") not in flows and ("TUR", "CYP") in flows
    assert ("SOM", "ETH") not in flows and ("ETH", "YEM") in flows
    assert _one(demo_con, """SELECT count(*) FROM incidents WHERE iso3 = 'SOM' AND market = 'arms_trafficking'
                             AND origin_iso3 = 'YEM'""")[0] > 0
    assert _one(demo_con, """SELECT count(*) FROM incidents WHERE admin1_code = 'CF-HM' AND cross_border
                             AND 'CMR' IN (origin_iso3, transit_iso3, destination_iso3)""")[0] == 0


def test_trafficking_rates_are_in_unodc_range(demo_con):
    meta = store.get_meta(demo_con)
    scale = 50_000 / int(meta["rows_requested"])     # the scenario's rates are set for the app's store size
    years = 3.5
    targets = {r["iso3"]: float(r["victims_per_100k"]) for r in _rows("trafficking_rates.csv")}
    got = dict(demo_con.execute("""
        SELECT i.iso3, sum(v_female_child + v_female_adult + v_female_unknown + v_male_child + v_male_adult
                           + v_male_unknown + v_unknown_child + v_unknown_adult + v_unknown_unknown)
                       / any_value(c.population) * 1e5
        FROM incidents i JOIN countries c ON c.iso3 = i.iso3 WHERE market = 'human_trafficking' GROUP BY 1""").fetchall())
    for iso3, target in targets.items():
        rate = got[iso3] * scale / years
        assert target / 2 <= rate <= target * 2, (iso3, rate, target)
    assert max(targets.values()) <= 5     # the national figures UNODC publishes for these regions


def test_seasons_follow_the_scenario(demo_con):
    by_month = dict(demo_con.execute("""SELECT month(date_occurred), count(*) FROM incidents
        WHERE iso3 = 'CAF' AND market = 'cattle_rustling' GROUP BY 1""").fetchall())
    dry = sum(by_month.get(m, 0) for m in (12, 1, 2, 3, 4)) / 5
    wet = sum(by_month.get(m, 0) for m in (6, 7, 8, 9)) / 4
    assert dry > 1.3 * wet, by_month
    cyprus = dict(demo_con.execute("""SELECT month(date_occurred), count(*) FROM incidents
        WHERE iso3 = 'CYP' AND market = 'migrant_smuggling' GROUP BY 1""").fetchall())
    assert max(cyprus, key=cyprus.get) in (6, 7, 8, 9, 10), cyprus


def test_budget_lines_are_the_project_documents():
    budget = load_budget().set_index("code")["amount_usd"]
    assert budget.sum() == 163_850
    assert budget.to_dict() == {"travel_workshop": 70_000, "travel_missions": 70_000, "conference_services": 5_000,
                                "programme_support": 18_850}
    assert budget["programme_support"] == pytest.approx(0.13 * (budget.sum() - budget["programme_support"]))


def test_every_scenario_row_names_a_documented_source():
    sources = (REFERENCE_DIR / "SOURCES.md").read_text(encoding="utf-8")
    documented = set()
    for line in sources.split("## scenario/")[1].splitlines():
        if line.startswith("| ") and not line.startswith("| Key") and not line.startswith("| File"):
            documented |= {k.strip() for k in line.split("|")[1].split(",")}
    for path in sorted(SCENARIO.glob("*.csv")):
        for n, row in enumerate(_rows(path.name), start=2):
            keys = [k for k in row["source"].split(";") if k]
            assert keys, (path.name, n)
            assert set(keys) <= documented, (path.name, n, set(keys) - documented)
