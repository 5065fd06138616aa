"""The cross-border map page under AppTest: selection from the URL, clearance, payload."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_END, RESTRICTIONS, canary
from tests.test_app import APP
from tnt_dash import access, i18n, store
from tnt_dash.crossborder import corridors
from tnt_dash.crossborder.selection import Focus
from tnt_dash.filters import Filters

PAGE = "pages/map.py"


def run_map(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(PAGE).run()


def deck_json(at: AppTest) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def layer_ids(doc: dict) -> list[str]:
    return [layer["id"] for layer in doc["layers"]]


def sidebar_filters() -> Filters:
    # The sidebar's default period: the 52 ISO weeks to the last record (DEMO_END is a Sunday).
    return Filters(date_from=DEMO_END - timedelta(days=DEMO_END.weekday()) - timedelta(weeks=51), date_to=DEMO_END)


def test_focus_from_the_url_narrows_the_tables(demo_env, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = run_map({"map_focus": "corridor:HTI>DOM"})
    assert not at.exception, [e.message for e in at.exception]
    assert any("Haiti → Dominican Republic" in info.body for info in at.info)
    table = at.dataframe[0].value
    assert len(table) == 1
    con = store.connect(demo_env, read_only=True)
    try:
        expected = corridors.corridors(con, sidebar_filters(), access.ANALYST, "en", Focus("corridor", "HTI>DOM"))
    finally:
        con.close()
    assert int(table.iloc[0]["Incidents"]) == int(expected.iloc[0]["incidents"])
    # The map keeps every corridor, dimming the others.
    arcs = next(layer for layer in deck_json(at)["layers"] if layer["id"] == "flows")["data"]
    assert {a["c"][3] for a in arcs if a["key"] == "corridor:HTI>DOM"} == {235}
    assert {a["c"][3] for a in arcs if a["key"] != "corridor:HTI>DOM"} == {50}
    assert [b.label for b in at.button] == ["Clear the map selection"]


def test_without_focus_every_corridor_is_listed(demo_env, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "commissioner")
    at = run_map()
    assert not at.exception
    con = store.connect(demo_env, read_only=True)
    try:
        expected = corridors.corridors(con, sidebar_filters(), access.COMMISSIONER, "en")
    finally:
        con.close()
    table = at.dataframe[0].value
    assert table["Incidents"].astype(int).tolist() == expected["incidents"].tolist()
    doc = deck_json(at)
    assert {"admin0_outline", "areas", "flows", "crossings"} <= set(layer_ids(doc))
    assert "records" not in layer_ids(doc)           # the record layer is off until asked for
    assert any("do not imply official endorsement" in c.value for c in at.caption)


@pytest.mark.parametrize("value", ["corridor:nonsense", "area:CF-HM' OR 1=1 --", "country:COD"])
def test_a_bad_focus_in_the_url_is_ignored(demo_env, monkeypatch, value):
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = run_map({"map_focus": value})
    assert not at.exception
    assert not at.info or not any("Selected on the map" in i.body for i in at.info)


def test_french_page_translates_the_disclaimer(demo_env, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = run_map({"lang": "fr", "map_mode": "Hexagones"})
    assert not at.exception
    fr = i18n.get("fr").gettext
    disclaimer = fr("The boundaries and names shown and the designations used on this map do not imply official "
                    "endorsement or acceptance by the United Nations.")
    assert any(c.value == disclaimer for c in at.caption)


def test_shared_map_shows_no_restricted_record_nor_exact_place(canary_db, monkeypatch):
    monkeypatch.setenv("TNT_DB", str(canary_db))
    monkeypatch.setenv("TNT_PROFILE", "shared")
    at = run_map({"map_mode": "Hexagons", "map_records": "true"})
    assert not at.exception, [e.message for e in at.exception]
    text = at.get("deck_gl_json_chart")[0].proto.json
    for kind in RESTRICTIONS:
        assert canary(kind) not in text, kind
    doc = json.loads(text)
    assert "cells" in layer_ids(doc)
    assert "records" not in layer_ids(doc)
    assert [toggle.key for toggle in at.toggle] == ["ao"]     # no records toggle, only the sidebar's scope
    page = "\n".join(str(e.value) for e in at.dataframe) + "\n".join(str(p.proto.spec) for p in at.get("plotly_chart"))
    for kind in RESTRICTIONS:
        assert canary(kind) not in page, kind


def test_record_layer_is_capped_for_cleared_profiles(demo_env, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(PAGE).run()
    at.toggle(key="map_records").set_value(True).run()
    assert not at.exception
    records = next(layer for layer in deck_json(at)["layers"] if layer["id"] == "records")["data"]
    assert 0 < len(records) <= corridors.RECORDS_CAP


def test_default_map_payload_is_small(demo_env, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = run_map()
    size = len(at.get("deck_gl_json_chart")[0].proto.json.encode())
    # The whole page must stay under 1 MB on the websocket; the map is most of it.
    assert size < 600_000, size
