"""pydeck maps: offline (no basemap URL), every layer addressable, sizes and views sane."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pydeck as pdk
import pytest

from tnt_dash import maps
from tnt_dash.maps import admin1_bubble_deck, fit_view, outline_layers

FIXTURES = Path(__file__).parent / "fixtures"


def load(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


ADMIN0 = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"iso3": "CAF", "name_en": "Central African Republic",
                                           "name_fr": "République centrafricaine"},
         "geometry": {"type": "Polygon",
                      "coordinates": [[[14.4, 2.2], [27.5, 2.2], [27.5, 11.0], [14.4, 11.0], [14.4, 2.2]]]}},
    ],
}


def frame(rows=None):
    rows = rows or [
        ("CF-BGF", "Bangui", 4.36, 18.56, 100),
        ("CF-HK", "Haute-Kotto", 7.7, 23.3, 25),
        ("CF-VK", "Vakaga", 9.9, 22.3, 4),
    ]
    return pd.DataFrame(rows, columns=["admin1_code", "label", "lat", "lon", "incidents"])


def deck_dict(deck: pdk.Deck) -> dict:
    return json.loads(deck.to_json())


def layer(deck_json: dict, layer_id: str) -> dict:
    return next(item for item in deck_json["layers"] if item["id"] == layer_id)


# --------------------------------------------------------------------------- offline


def test_deck_makes_no_network_reference_and_every_layer_has_an_id():
    deck = admin1_bubble_deck(frame(), ADMIN0, load("adm1_small.geojson"))
    text = deck.to_json()
    for word in ("mapbox", "carto", "http", "//"):
        assert word not in text.lower(), word
    # No constant may have been turned into a data accessor by pydeck.
    assert not re.search(r'"@@=(pixels|auto|start|middle|top|center|meters)"', text)
    assert deck.map_provider is None
    parsed = json.loads(text)
    assert parsed["mapStyle"] == "__MAP_STYLE__"  # pydeck's "no style" sentinel, not a URL
    ids = [item.get("id") for item in parsed["layers"]]
    assert all(ids) and len(set(ids)) == len(ids)
    assert ids == ["admin0_outline", "admin1_outline", "admin1", "admin1_labels"]


def test_outline_layers_are_not_pickable_and_admin1_optional():
    only_countries = outline_layers(ADMIN0, None)
    assert [item.id for item in only_countries] == ["admin0_outline"]
    both = outline_layers(ADMIN0, load("adm1_small.geojson"))
    assert [item.id for item in both] == ["admin0_outline", "admin1_outline"]
    for item in both:
        assert json.loads(pdk.Deck(layers=[item], map_provider=None).to_json())["layers"][0]["pickable"] is False


# --------------------------------------------------------------------------- bubbles


def test_bubbles_pickable_sqrt_sized_and_small():
    parsed = deck_dict(admin1_bubble_deck(frame(), ADMIN0))
    bubbles = layer(parsed, "admin1")
    assert bubbles["pickable"] is True
    assert bubbles["radiusUnits"] == "pixels"
    data = bubbles["data"]
    assert [d["admin1_code"] for d in data] == ["CF-BGF", "CF-HK", "CF-VK"]  # big first, small on top
    radius = {d["admin1_code"]: d["r"] for d in data}
    assert radius["CF-BGF"] == maps.MAX_RADIUS_PX
    # A quarter of the count gives half the radius, i.e. a quarter of the area.
    assert radius["CF-HK"] == pytest.approx(maps.MAX_RADIUS_PX / 2, abs=0.1)
    assert radius["CF-VK"] == pytest.approx(max(maps.MIN_RADIUS_PX, maps.MAX_RADIUS_PX * math.sqrt(0.04)), abs=0.1)
    # Only the columns the map needs travel to the browser.
    assert set(data[0]) == {"admin1_code", "label", "incidents", "lat", "lon", "r"}
    assert data[0]["incidents"] == 100 and isinstance(data[0]["incidents"], int)


def test_rows_without_value_or_position_are_not_drawn():
    rows = [
        ("A", "a", 4.0, 18.0, 10),
        ("B", "b", 5.0, 19.0, 0),
        ("C", "c", float("nan"), 19.0, 5),
        ("D", "d", 6.0, 20.0, float("nan")),
    ]
    data = layer(deck_dict(admin1_bubble_deck(frame(rows), ADMIN0)), "admin1")["data"]
    assert [d["admin1_code"] for d in data] == ["A"]


def test_labels_only_for_top_ten():
    rows = [(f"X-{i:02d}", f"Area {i}", 4.0 + i * 0.3, 18.0 + i * 0.4, i + 1) for i in range(14)]
    parsed = deck_dict(admin1_bubble_deck(frame(rows), ADMIN0))
    labels = layer(parsed, "admin1_labels")
    assert [d["text"] for d in labels["data"]] == [f"Area {i}" for i in range(13, 3, -1)]
    assert labels["characterSet"] == "auto"  # accents need more than the ASCII atlas
    assert labels.get("pickable") is False


def test_tooltip_is_callers_html_with_large_font_and_its_columns_are_sent():
    data = frame()
    data["share"] = [0.5, 0.125, 0.02]
    html = "<b>{label}</b><br/>Incidents : {incidents}<br/>Part : {share}"
    deck = admin1_bubble_deck(data, ADMIN0, tooltip_html=html)
    parsed = deck_dict(deck)
    # Streamlit sends the tooltip beside the spec, read from Deck._tooltip.
    assert deck._tooltip["html"] == html
    assert int(deck._tooltip["style"]["fontSize"].rstrip("px")) >= 16
    first = layer(parsed, "admin1")["data"][0]
    assert first["share"] == 0.5
    assert first["incidents"] == 100


def test_default_tooltip_uses_value_column():
    data = frame().rename(columns={"incidents": "victims"})
    deck = admin1_bubble_deck(data, ADMIN0, value_col="victims")
    assert deck._tooltip["html"] == "<b>{label}</b><br/>{victims}"
    assert layer(deck_dict(deck), "admin1")["data"][0]["victims"] == 100


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="lacks columns share"):
        admin1_bubble_deck(frame(), ADMIN0, tooltip_html="{label} {share}")


def test_tooltip_values_pass_through_for_streamlit_to_escape():
    # Streamlit escapes interpolated tooltip values itself; escaping twice showed "Grand&#x27;Anse".
    rows = [("CF-X", "<img src=x onerror=alert(1)>", 4.0, 18.0, 3), ("CF-Y", "Côte d'Ivoire", 5.0, 19.0, 2)]
    parsed = deck_dict(admin1_bubble_deck(frame(rows), ADMIN0))
    labels = [d["label"] for d in layer(parsed, "admin1")["data"]]
    assert labels == ["<img src=x onerror=alert(1)>", "Côte d'Ivoire"]
    # The text layer draws glyphs, so it gets the raw name.
    assert layer(parsed, "admin1_labels")["data"][1]["text"] == "Côte d'Ivoire"


def test_empty_frame_fits_the_outlines():
    deck = admin1_bubble_deck(frame()[0:0], ADMIN0)
    parsed = deck_dict(deck)
    assert layer(parsed, "admin1")["data"] == []
    view = parsed["initialViewState"]
    assert 2.2 < view["latitude"] < 11.0 and 14.4 < view["longitude"] < 27.5


def test_deck_json_stays_small():
    rows = [(f"X-{i:02d}", f"Area {i}", 4.123456789 + i * 0.1, 18.987654321 + i * 0.1, i * 3 + 1) for i in range(30)]
    text = admin1_bubble_deck(frame(rows), ADMIN0).to_json()
    assert not re.search(r"\d\.\d{5,}", text)  # no long float tails
    assert len(text) < 20_000


# --------------------------------------------------------------------------- view


def test_fit_view_empty_gives_default():
    view = fit_view([], [])
    assert (view.latitude, view.longitude, view.zoom) == (
        maps.DEFAULT_VIEW["latitude"], maps.DEFAULT_VIEW["longitude"], maps.DEFAULT_VIEW["zoom"])
    assert fit_view([None, float("nan")], [1.0, 2.0]).zoom == maps.DEFAULT_VIEW["zoom"]


def test_fit_view_one_point_centres_on_it():
    view = fit_view([4.36], [18.56])
    assert (view.latitude, view.longitude, view.zoom) == (4.36, 18.56, maps.SINGLE_POINT_ZOOM)
    assert fit_view([4.36, 4.36], [18.56, 18.56]).zoom == maps.SINGLE_POINT_ZOOM


def test_fit_view_zoom_follows_extent():
    province = fit_view([4.0, 5.0], [18.0, 19.0])
    country = fit_view([2.2, 11.0], [14.4, 27.5])
    region = fit_view([-12.0, 23.0], [-17.0, 45.0])
    assert province.zoom > country.zoom > region.zoom >= 1.0
    assert 2.2 < country.latitude < 11.0 and country.longitude == pytest.approx(20.95)
    # The whole country fits: at this zoom its width is at most the map width.
    px_per_degree = 512 * 2 ** country.zoom / 360
    assert (27.5 - 14.4) * px_per_degree <= 700
    assert fit_view([42.0, 42.01], [20.0, 20.01]).zoom <= maps.MAX_FIT_ZOOM
