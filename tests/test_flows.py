"""The cross-border map's package (tnt_dash.crossborder): queries on a hand-made store, selection handlers,
map records, Sankey, CLI import."""
from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from tests.conftest import insert_incident
from tnt_dash import access, cli, i18n, seed, store, views
from tnt_dash.crossborder import corridors, layers, sankey, screen, selection, table
from tnt_dash.crossborder.selection import Focus
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope
from .conftest import SHARED_CAF

FIXTURES = Path(__file__).parent / "fixtures"
EN = i18n.get("en")

# Seven incidents; every expected figure below is worked out from this table.
#  id  date        rec. admin1  corridor              market (family)          crossing      status     TLP    victims
#  F1  2026-11-02  CAF  CF-AC   CAF → CMR             arms_trafficking (arms)  CAF-CMR-GAR   validated  GREEN  fa2
#  F2  2026-11-03  CAF  CF-AC   CAF → CMR             human_trafficking (ppl)  CAF-CMR-GAR   validated  GREEN  fc1
#  F3  2026-11-04  CAF  CF-AC   CAF → CMR             human_trafficking (ppl)  -             validated  AMBER  0
#  F4  2026-11-05  HTI  HT-AR   USA → DOM → HTI       cocaine (drugs)          HTI-DOM-MAL   validated  GREEN  0
#  F5  2026-11-06  HTI  HT-AR   HTI → DOM             cocaine (drugs)          HTI-DOM-MAL   draft      GREEN  0
#  F6  2026-11-07  CAF  CF-AC   (not cross-border)    arms_trafficking         -             validated  GREEN  0
#  F7  2026-11-08  CAF  CF-AC   CAF → CMR             arms_trafficking (arms)  CAF-CMR-GAR   validated  GREEN  0,
#      exact point 3.0 N 16.0 E (far from the Ouham centroid 7.1002 N 17.7444 E)
BASE = dict(mission="MINUSCA", iso3="CAF", admin1_code="CF-AC", lat=6.9, lon=17.9, geo_precision=1)


@pytest.fixture
def flow_store(tmp_path):
    path = tmp_path / "flows.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    cb = dict(cross_border=True, origin_iso3="CAF", destination_iso3="CMR")
    insert_incident(con, incident_id="F1", date_occurred="2026-11-02", market="arms_trafficking",
                    crossing_code="CAF-CMR-GAR", v_female_adult=2, place="F1 place", **BASE, **cb)
    insert_incident(con, incident_id="F2", date_occurred="2026-11-03", market="human_trafficking",
                    crossing_code="CAF-CMR-GAR", v_female_child=1, **BASE, **cb)
    insert_incident(con, incident_id="F3", date_occurred="2026-11-04", market="human_trafficking", tlp="TLP:AMBER",
                    narrative="F3 SECRET NARRATIVE", **BASE, **cb)
    hti = dict(mission="BINUH", iso3="HTI", admin1_code="HT-AR", lat=19.3, lon=-72.5, geo_precision=1)
    insert_incident(con, incident_id="F4", date_occurred="2026-11-05", market="cocaine", cross_border=True,
                    origin_iso3="USA", transit_iso3="DOM", destination_iso3="HTI", crossing_code="HTI-DOM-MAL", **hti)
    insert_incident(con, incident_id="F5", date_occurred="2026-11-06", market="cocaine", cross_border=True,
                    origin_iso3="HTI", destination_iso3="DOM", crossing_code="HTI-DOM-MAL", status="draft", **hti)
    insert_incident(con, incident_id="F6", date_occurred="2026-11-07", market="arms_trafficking", **BASE)
    insert_incident(con, incident_id="F7", date_occurred="2026-11-08", market="arms_trafficking",
                    crossing_code="CAF-CMR-GAR", **{**BASE, "lat": 3.0, "lon": 16.0}, **cb)
    con.close()
    ro = store.connect(path, read_only=True)
    yield ro
    ro.close()


# --------------------------------------------------------------------------- queries

def test_corridors_ranked_with_markets_and_victims(flow_store):
    frame = corridors.corridors(flow_store, Filters(), access.ANALYST, "en")
    assert list(zip(frame["origin"], frame["destination"], frame["incidents"])) == [("CAF", "CMR", 4), ("USA", "HTI", 1)]
    # Arms 2 (F1, F7) ties human trafficking 2 (F2, F3); the tie breaks on the market code.
    assert frame["main_markets"].tolist() == ["Arms trafficking, Human trafficking", "Cocaine trafficking"]
    assert frame["victims"].tolist() == [3, 0]
    assert frame["women_children"].tolist() == [3, 0]
    assert frame["origin_label"].tolist() == ["Central African Republic", "United States"]


def test_corridors_obey_the_shared_profile(flow_store):
    frame = corridors.corridors(flow_store, Filters(), SHARED_CAF, "en")
    # F3 is TLP:AMBER, F5 a draft: neither reaches the host-State screen. Each host State sees its
    # own corridors: the Central African Republic's screen not Haiti's USA–DOM–HTI one, and back.
    assert list(zip(frame["origin"], frame["incidents"])) == [("CAF", 3)]
    assert frame["main_markets"].tolist() == ["Arms trafficking, Human trafficking"]
    haiti = corridors.corridors(flow_store, Filters(), access.SHARED.for_host_state("HTI"), "en")
    assert list(zip(haiti["origin"], haiti["incidents"], haiti["main_markets"])) == [("USA", 1, "Cocaine trafficking")]


def test_corridor_weekly_series_is_zero_filled(flow_store):
    f = Filters(date_from=pd.Timestamp("2026-10-26").date(), date_to=pd.Timestamp("2026-11-15").date())
    frame = corridors.corridors(flow_store, f, access.ANALYST, "en")
    # Weeks of 26 Oct, 2 Nov, 9 Nov: F1-F3 fall in the week of 2 Nov (Mon), F7 on Sun 8 Nov too.
    assert frame.set_index("origin")["weekly"].to_dict() == {"CAF": [0, 4, 0], "USA": [0, 1, 0]}


def test_flow_totals_split_transit_and_family(flow_store):
    frame = corridors.flow_totals(flow_store, Filters(), access.ANALYST, "en")
    rows = {(r.origin, r.transit if isinstance(r.transit, str) else None, r.destination, r.family): r.incidents
            for r in frame.itertuples()}
    assert rows == {("CAF", None, "CMR", "arms"): 2, ("CAF", None, "CMR", "people"): 2,
                    ("USA", "DOM", "HTI", "drugs"): 1}
    caf = frame[frame["origin"] == "CAF"].iloc[0]
    # The recorded end is the admin-1 centroid (Ouham), never the exact point of F7.
    assert (caf["recorded_in"], caf["lat"], caf["lon"]) == ("CAF", 7.1, 17.744)


def test_crossing_totals_count_each_crossing(flow_store):
    frame = corridors.crossing_totals(flow_store, Filters(), access.ANALYST).set_index("code")["incidents"]
    assert frame["CAF-CMR-GAR"] == 3          # F1, F2, F7 (F3 has no crossing)
    assert frame["HTI-DOM-MAL"] == 1          # F4; F5 is a draft
    assert frame.drop(["CAF-CMR-GAR", "HTI-DOM-MAL"]).eq(0).all()


@pytest.mark.parametrize("focus, expected", [
    (Focus("corridor", "CAF>CMR"), [("CAF", "CMR", 4)]),
    (Focus("crossing", "HTI-DOM-MAL"), [("USA", "HTI", 1)]),
    (Focus("area", "HT-AR"), [("USA", "HTI", 1)]),
    (Focus("crossing", "CAF-CMR-GAR"), [("CAF", "CMR", 3)]),
])
def test_focus_narrows_the_corridors(flow_store, focus, expected):
    frame = corridors.corridors(flow_store, Filters(), access.ANALYST, "en", focus)
    assert list(zip(frame["origin"], frame["destination"], frame["incidents"])) == expected


def test_area_and_market_totals_follow_the_focus(flow_store):
    areas = corridors.area_totals(flow_store, Filters(), access.ANALYST, "en")
    assert areas.set_index("admin1_code")[["incidents", "cross_border"]].to_dict("index") == {
        "CF-AC": {"incidents": 5, "cross_border": 4}, "HT-AR": {"incidents": 1, "cross_border": 1}}
    markets = corridors.market_totals(flow_store, Filters(), access.ANALYST, "en", Focus("corridor", "CAF>CMR"))
    assert dict(zip(markets["market"], markets["incidents"])) == {"arms_trafficking": 2, "human_trafficking": 2}


def test_hex_cells_contain_their_points(flow_store):
    cells = corridors.hex_cells(flow_store, Filters(), access.ANALYST)
    # Analyst: exact points. F1-F3, F6 at (6.9, 17.9); F7 at (3.0, 16.0); F4 at (19.3, -72.5).
    assert sorted(cells["incidents"].tolist()) == [1, 1, 4]
    for point, n in (((17.9, 6.9), 4), ((16.0, 3.0), 1), ((-72.5, 19.3), 1)):
        holding = [int(c.incidents) for c in cells.itertuples()
                   if Polygon(corridors.hex_polygon(c.q, c.r)).contains(Point(point))]
        assert holding == [n], point


def test_hex_cells_never_finer_than_admin1_under_shared(flow_store):
    cells = corridors.hex_cells(flow_store, Filters(), SHARED_CAF)
    # The Central African Republic's screen: F1, F2, F6, F7 at the Ouham centroid (F3 AMBER hidden);
    # Haiti's: F4 at Artibonite's (F5 a draft).
    assert sorted(cells["incidents"].tolist()) == [4]
    assert corridors.hex_cells(flow_store, Filters(), access.SHARED.for_host_state("HTI"))["incidents"].tolist() == [1]
    exact = Point(16.0, 3.0)
    assert not any(Polygon(corridors.hex_polygon(c.q, c.r)).contains(exact) for c in cells.itertuples())
    assert any(Polygon(corridors.hex_polygon(c.q, c.r)).contains(Point(17.7444, 7.1002)) for c in cells.itertuples())


def test_hex_polygon_of_origin_cell():
    corners = corridors.hex_polygon(0, 0, 1.0)
    assert len(corners) == 6
    assert corners[0] == [round(math.sqrt(3) / 2, 3), 0.5]       # 30°: x = cos 30°, y = 0.5 (near the equator)
    assert Polygon(corridors.hex_polygon(1, 0, 1.0)).contains(Point(math.sqrt(3), 0))


def test_records_only_for_profiles_with_exact_coordinates(flow_store):
    assert corridors.record_points(flow_store, Filters(), SHARED_CAF, "en").empty
    points = corridors.record_points(flow_store, Filters(), access.ANALYST, "en")
    assert points["incident_id"].tolist() == ["F7", "F6", "F4", "F3", "F2", "F1"]
    with pytest.raises(ValueError):
        corridors.hex_cells(flow_store, Filters(), access.ANALYST, size=50)


def test_map_countries_cover_every_end_of_a_flow(flow_store):
    assert corridors.map_countries(flow_store, Filters(), access.ANALYST) == ("CAF", "CMR", "DOM", "HTI", "USA")


# --------------------------------------------------------------------------- trend words

def test_trend_code_and_words():
    assert table.trend_code(list(range(10)))[0] == "rising"
    assert table.trend_code(list(range(10)))[1] == pytest.approx(1.0)
    assert table.trend_code(list(range(10, 0, -1)))[0] == "falling"
    assert table.trend_code([5, 4, 5, 6, 5, 4, 6, 5, 5, 4])[0] == "none"
    assert table.trend_code([1, 2, 3])[0] == "insufficient"
    assert table.trend_words("rising", 1.0, EN) == "Rising (about 1.0 more incidents a week)"
    assert table.trend_words("falling", -0.25, EN) == "Falling (about 0.25 fewer incidents a week)"
    assert table.trend_words("rising", 0.0, EN) == "Rising"
    assert table.trend_words("none", 0.0, EN) == "No clear trend"
    assert table.trend_words("insufficient", math.nan, EN) == "Too few weeks to tell"


# --------------------------------------------------------------------------- selection handlers

def test_focus_parameter_round_trip_and_rejections():
    focus = selection.focus_from_param("corridor:COD>RWA")
    assert focus == Focus("corridor", "COD>RWA") and focus.param == "corridor:COD>RWA"
    assert focus.ends == ("COD", "RWA")
    assert selection.focus_from_param("crossing:HTI-DOM-MAL") == Focus("crossing", "HTI-DOM-MAL")
    for bad in (None, "", "corridor", "corridor:COD", "corridor:COD>RWA>UGA", "corridor:cod>rwa",
                "area:CF-AC' OR 1=1 --", "country:COD", "crossing:", 42, ["area:CF-AC"]):
        assert selection.focus_from_param(bad) is None, bad


def test_focus_from_selection_reads_each_layer():
    assert selection.focus_from_selection({"indices": {"flows": [3]}, "objects": {"flows": [
        {"key": "corridor:CAF>CMR", "w": 4}]}}) == Focus("corridor", "CAF>CMR")
    # GeoJSON features carry the key in their properties.
    assert selection.focus_from_selection({"indices": {"areas": [0]}, "objects": {"areas": [
        {"type": "Feature", "properties": {"key": "area:CF-AC"}}]}}) == Focus("area", "CF-AC")
    assert selection.focus_from_selection({"objects": {"crossings": [{"key": "crossing:CAF-CMR-GAR"}]}}) == \
        Focus("crossing", "CAF-CMR-GAR")
    # A key of the wrong kind for its layer, an unknown layer, or nothing at all select nothing.
    assert selection.focus_from_selection({"objects": {"crossings": [{"key": "area:CF-AC"}]}}) is None
    assert selection.focus_from_selection({"objects": {"cells": [{"key": "area:CF-AC"}]}}) is None
    assert selection.focus_from_selection({"indices": {}, "objects": {}}) is None
    assert selection.focus_from_selection(None) is None


def test_resolve_focus():
    click = {"indices": {"flows": [2]}, "objects": {"flows": [{"key": "corridor:CAF>CMR"}]}}
    sig = selection.selection_signature(click)
    # First run of a shared link: the URL decides, nothing to write back.
    assert selection.resolve_focus("area:CF-AC", None, None) == (Focus("area", "CF-AC"), "", False)
    # A new click wins over the URL, which must change.
    assert selection.resolve_focus("area:CF-AC", click, "") == (Focus("corridor", "CAF>CMR"), sig, True)
    # The same selection on a later rerun: the URL (perhaps cleared by a button) decides.
    assert selection.resolve_focus(None, click, sig) == (None, sig, False)
    # Clicking empty space clears the focus.
    assert selection.resolve_focus("corridor:CAF>CMR", {"indices": {}, "objects": {}}, sig) == (None, "", True)
    # A hand-edited, invalid URL value is dropped.
    assert selection.resolve_focus("corridor:nonsense", None, None) == (None, "", True)


def test_focus_label(flow_store):
    assert corridors.focus_label(flow_store, Focus("corridor", "CAF>CMR"), "fr") == "République centrafricaine → Cameroun"
    assert corridors.focus_label(flow_store, Focus("area", "CF-AC"), "en") == "Ouham"
    assert corridors.focus_label(flow_store, Focus("crossing", "HTI-DOM-MAL"), "en") == "Malpasse (HTI) / Jimaní (DOM)"


# --------------------------------------------------------------------------- map records and deck

def test_arc_records_legs_width_and_direction(flow_store):
    frame = corridors.flow_totals(flow_store, Filters(), access.ANALYST, "en")
    anchors = {"CAF": (20.0, 6.5), "CMR": (12.0, 5.5), "USA": (-98.0, 39.0), "DOM": (-70.5, 18.9), "HTI": (-72.5, 19.0)}
    arcs = layers.arc_records(frame, anchors, EN)
    # CAF → CMR: two families, one leg each; USA → DOM → HTI: one family, two legs.
    assert len(arcs) == 4
    caf = [a for a in arcs if a["key"] == "corridor:CAF>CMR"]
    assert {a["w"] for a in caf} == {18.0}                      # 2 incidents each, the largest: 2 + 16
    assert all(a["from"] == [17.744, 7.1] and a["to"] == [12.0, 5.5] for a in caf)   # recorded end at Ouham
    usa = [a for a in arcs if a["key"] == "corridor:USA>HTI"]
    # F4 was recorded in Haiti: that end sits at Artibonite's centroid, the others at the country anchors.
    assert [(a["from"], a["to"]) for a in usa] == [([-98.0, 39.0], [-70.5, 18.9]), ([-70.5, 18.9], [-72.497, 19.346])]
    assert usa[0]["w"] == round(2 + 16 * math.sqrt(0.5), 1)
    assert all(a["c0"][3] < a["c"][3] for a in arcs)             # pale start, strong end
    # A selected corridor dims the others.
    dimmed = layers.arc_records(frame, anchors, EN, Focus("corridor", "USA>HTI"))
    assert {a["c"][3] for a in dimmed if a["key"] == "corridor:CAF>CMR"} == {50}
    assert {a["c"][3] for a in dimmed if a["key"] == "corridor:USA>HTI"} == {235}


def test_tooltip_fields_are_plain_text_for_streamlit_to_escape():
    # Streamlit escapes each substituted value; escaping here too would show "&amp;".
    assert layers._tip("Grand'Anse & co", ["a", "b", "c"]) == {"tt": "Grand'Anse & co", "ta": "a", "tb": "b · c"}
    assert layers._tip("x", []) == {"tt": "x", "ta": "", "tb": ""}


def test_short_crossing_names():
    assert layers.short_crossing_name("Kasindi (COD) / Mpondwe (UGA)") == "Kasindi / Mpondwe"
    assert layers.short_crossing_name("Sido (CAF) / Sido (TCD)") == "Sido"
    assert layers.short_crossing_name("Jarinje (Gate 1, XKX / SRB)") == "Jarinje"


ADMIN0 = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"iso3": iso3, "name_en": iso3, "name_fr": iso3},
     "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 4, y], [x + 4, y + 4], [x, y + 4], [x, y]]]}}
    for iso3, x, y in (("CAF", 15.0, 3.0), ("CMR", 9.0, 3.0), ("USA", -100.0, 35.0), ("DOM", -71.0, 18.0),
                       ("HTI", -74.0, 18.0))]}


@pytest.mark.parametrize("mode", layers.MAP_MODES)
def test_build_map_is_offline_and_selectable(flow_store, mode):
    kwargs = dict(areas=corridors.area_totals(flow_store, Filters(), SHARED_CAF, "en"),
                  flows=corridors.flow_totals(flow_store, Filters(), SHARED_CAF, "en"),
                  crossings=corridors.crossing_totals(flow_store, Filters(), SHARED_CAF), t=EN, mode=mode,
                  cells=corridors.hex_cells(flow_store, Filters(), SHARED_CAF),
                  points=corridors.record_points(flow_store, Filters(), SHARED_CAF, "en"))
    deck = layers.build_map(ADMIN0, **kwargs)
    text = deck.to_json()
    # Written by orjson: the same document the standard library writes.
    from pydeck.bindings.json_tools import default_serialize
    assert json.loads(text) == json.loads(json.dumps(deck, sort_keys=True, default=default_serialize))
    for word in ("mapbox", "carto", "http", "F3 SECRET", "F1 place"):
        assert word.lower() not in text.lower(), word
    doc = json.loads(text)
    ids = [layer["id"] for layer in doc["layers"]]
    assert len(ids) == len(set(ids)) and all(ids)
    assert {"flows", "crossings"} <= set(ids)
    assert ("cells" in ids) == (mode == "hexagons") and ("areas" in ids) == (mode == "areas")
    assert "records" not in ids
    assert deck.map_provider is None
    assert deck._tooltip["html"] == "<b>{tt}</b><br/>{ta}<br/>{tb}"
    # Every pickable object carries every field the template names, or Streamlit shows "{tb}".
    for layer in doc["layers"]:
        if layer.get("pickable"):
            for obj in layer["data"] if isinstance(layer["data"], list) else [
                    f["properties"] for f in layer["data"]["features"]]:
                assert {"tt", "ta", "tb"} <= set(obj), layer["id"]


def test_build_map_draws_imported_polygons_as_choropleth(flow_store, tmp_path):
    from tnt_dash import geo

    areas = corridors.area_totals(flow_store, Filters(), access.ANALYST, "en")
    polygons = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "CF-AC", "iso3": "CAF", "name": "Ouham"},
         "geometry": {"type": "Polygon", "coordinates": [[[17, 6], [19, 6], [19, 8], [17, 8], [17, 6]]]}}]}
    deck = layers.build_map(ADMIN0, areas=areas, flows=corridors.flow_totals(flow_store, Filters(), access.ANALYST, "en"),
                           crossings=corridors.crossing_totals(flow_store, Filters(), access.ANALYST), t=EN,
                           area_polygons=polygons, focus=Focus("area", "CF-AC"))
    layer = next(item for item in json.loads(deck.to_json())["layers"] if item["id"] == "areas")
    assert layer["@@type"] == "GeoJsonLayer"
    props = layer["data"]["features"][0]["properties"]
    assert props["key"] == "area:CF-AC" and props["lw"] == 4       # the selected area is outlined
    assert props["ta"] == "Incidents: 5"
    assert geo is not None


def test_legend_names_present_families_and_width_range(flow_store):
    frame = corridors.flow_totals(flow_store, Filters(), access.ANALYST, "en")
    legend = screen.legend_html(frame, EN, "areas", False)
    assert "Arms" in legend and "Drugs" in legend and "Cyber" not in legend
    assert "from 1 (thinnest) to 2 (thickest)" in legend
    assert "rgb(0, 114, 178)" in legend


# --------------------------------------------------------------------------- Sankey

def test_sankey_links(flow_store):
    frame = corridors.flow_totals(flow_store, Filters(), access.ANALYST, "en")
    labels = {"origin": "Origin", "transit": "Transit", "destination": "Destination", "incidents": "incidents"}
    fig = sankey.sankey_figure(frame, "Flows, test", labels)
    trace = fig.data[0]
    names = list(trace.node.label)
    links = {(names[s], names[t]): v for s, t, v in zip(trace.link.source, trace.link.target, trace.link.value)}
    assert links == {("Central African Republic", "Cameroon"): 4, ("United States", "Dominican Republic"): 1,
                     ("Dominican Republic", "Haiti"): 1}
    assert fig.layout.title.text == "Flows, test"
    empty = sankey.sankey_figure(frame.iloc[0:0], "Nothing", labels)
    assert len(empty.data) == 0


# --------------------------------------------------------------------------- corridor table and export view

def test_corridor_table_suppresses_small_victim_counts_on_shared_screens(flow_store):
    shared = table.corridor_table(flow_store, Scope(Filters(), SHARED_CAF, "en", "screen"))
    assert shared.columns.tolist() == ["Corridor (origin → destination)", "Incidents", "Weekly trend", "Main markets",
                                       "Victims", "Women and children victims"]
    first = shared.iloc[0]
    assert first["Corridor (origin → destination)"] == "Central African Republic → Cameroon"
    assert first["Victims"] == "<5" and first["Incidents"] == 3
    analyst = table.corridor_table(flow_store, Scope(Filters(), access.ANALYST, "en", "export"))
    assert analyst.iloc[0]["Victims"] == 3


def test_corridors_export_view_is_registered(flow_store):
    assert "corridors" in views.REGISTRY
    view = views.build("corridors", flow_store, Scope(Filters(), access.ANALYST, "fr", "export"))
    assert view.key == "corridors"
    assert len(view.frame) == 2


# --------------------------------------------------------------------------- geo import CLI

def _boundaries(path):
    con = store.connect(path, read_only=True)
    try:
        rows = con.execute("SELECT level, code, geometry FROM boundaries ORDER BY code").fetchall()
        audit = con.execute("SELECT action, file_name, batch_id, details FROM audit_log ORDER BY logged_at").fetchall()
    finally:
        con.close()
    return rows, audit


@pytest.mark.parametrize("bad", ["adm1_malformed.geojson", "adm1_points_only.geojson", "missing.geojson"])
def test_geo_import_rejects_bad_files_and_keeps_stored_boundaries(tmp_path, capsys, bad):
    path = tmp_path / "geo.duckdb"
    seed.build(path, demo_rows=None)
    assert cli.main(["--db", str(path), "geo", "import", str(FIXTURES / "adm1_small.geojson")]) == 0
    before, _ = _boundaries(path)
    assert [code for _, code, _ in before] == ["CF-TA", "CF-TB", "KOS-9003"]
    capsys.readouterr()

    assert cli.main(["--db", str(path), "geo", "import", str(FIXTURES / bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    after, audit = _boundaries(path)
    assert after == before
    assert [(a[0], json.loads(a[3])["status"]) for a in audit] == [("geo_import", "committed"),
                                                                  ("geo_import", "rejected")]
    assert audit[0][1] == "adm1_small.geojson" and audit[0][2] and audit[1][2] is None


def test_geo_import_one_country(tmp_path, capsys):
    path = tmp_path / "geo.duckdb"
    seed.build(path, demo_rows=None)
    assert cli.main(["--db", str(path), "geo", "import", str(FIXTURES / "adm1_small.geojson"),
                     "--level", "adm1", "--country", "CAF"]) == 0
    assert "imported 2 adm1 units for CAF" in capsys.readouterr().out
    rows, audit = _boundaries(path)
    # The Central African Republic's outlines are the file's; every other country keeps the ones
    # the store was built with (tnt_dash/reference/admin1_boundaries.geojson).
    assert [code for _, code, _ in rows if code.startswith("CF-")] == ["CF-TA", "CF-TB"]
    assert len(rows) > 800
    assert json.loads(audit[0][3])["units"] == 2


def test_busiest_territory(flow_store):
    assert screen.busiest_territory(corridors.area_totals(flow_store, Filters(), access.ANALYST, "en")) == "CAF"
    assert screen.busiest_territory(corridors.area_totals(flow_store, Filters(countries=("HTI",)), access.ANALYST,
                                                     "en")) == "HTI"
    assert screen.busiest_territory(corridors.area_totals(flow_store, Filters(countries=("SOM",)), access.ANALYST,
                                                     "en")) is None


def test_page_helpers_take_one_scope(flow_store):
    scope = Scope(Filters(), access.ANALYST, "en")
    areas = corridors.area_totals(flow_store, scope.filters, scope.profile, scope.lang)
    assert screen.zoom_choices(areas, {"CAF": "Central African Republic", "HTI": "Haiti"}) == (["all", "CAF", "HTI"],
                                                                                              "CAF")
    assert screen.view_iso3("all") is None and screen.view_iso3("HTI") == "HTI"
    assert screen.territories(areas) == ("CAF", "HTI")
    assert len(screen.focus_parts(scope, None)) == 2 and len(screen.focus_parts(scope, Focus("area", "CF-AC"))) == 4
    assert screen.with_focus(["table", "markets"], "flows", "crossings") == ("table", "markets", "flows", "crossings")
    assert screen.period_text(scope) == "all dates"
    assert screen.period_text(scope.with_filters(Filters(date_from=date(2026, 11, 2), date_to=date(2026, 11, 8)))) \
        == "2 Nov 2026 to 8 Nov 2026"
