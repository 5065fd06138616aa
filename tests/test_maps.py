"""pydeck maps (mapdecks, maplabels, crossborder.decks): offline (no basemap URL), every layer addressable, sizes and views sane."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pydeck as pdk
import pytest

from tnt_dash import mapdecks, maplabels
from tnt_dash.crossborder import decks
from tnt_dash.mapdecks import admin1_bubble_deck, fit_view, outline_layers

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
    assert radius["CF-BGF"] == mapdecks.MAX_RADIUS_PX
    # A quarter of the count gives half the radius, i.e. a quarter of the area.
    assert radius["CF-HK"] == pytest.approx(mapdecks.MAX_RADIUS_PX / 2, abs=0.1)
    assert radius["CF-VK"] == pytest.approx(max(mapdecks.MIN_RADIUS_PX, mapdecks.MAX_RADIUS_PX * math.sqrt(0.04)), abs=0.1)
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
        mapdecks.DEFAULT_VIEW["latitude"], mapdecks.DEFAULT_VIEW["longitude"], mapdecks.DEFAULT_VIEW["zoom"])
    assert fit_view([None, float("nan")], [1.0, 2.0]).zoom == mapdecks.DEFAULT_VIEW["zoom"]


def test_fit_view_one_point_centres_on_it():
    view = fit_view([4.36], [18.56])
    assert (view.latitude, view.longitude, view.zoom) == (4.36, 18.56, mapdecks.SINGLE_POINT_ZOOM)
    assert fit_view([4.36, 4.36], [18.56, 18.56]).zoom == mapdecks.SINGLE_POINT_ZOOM


def test_fit_view_zoom_follows_extent():
    province = fit_view([4.0, 5.0], [18.0, 19.0])
    country = fit_view([2.2, 11.0], [14.4, 27.5])
    region = fit_view([-12.0, 23.0], [-17.0, 45.0])
    assert province.zoom > country.zoom > region.zoom >= 1.0
    assert 2.2 < country.latitude < 11.0 and country.longitude == pytest.approx(20.95)
    # The whole country fits: at this zoom its width is at most the map width.
    px_per_degree = 512 * 2 ** country.zoom / 360
    assert (27.5 - 14.4) * px_per_degree <= 700
    assert fit_view([42.0, 42.01], [20.0, 20.01]).zoom <= mapdecks.MAX_FIT_ZOOM


# --------------------------------------------------------------------------- label placement

REFERENCE = Path(__file__).resolve().parent.parent / "tnt_dash" / "reference"


def label_box(row: dict, size: float, zoom: float) -> tuple[float, float, float, float]:
    """Where the TextLayer draws a placed label (with its background), worked out from the fields
    it receives, independently of how place_labels chose them."""
    x, y = maplabels.project(row["lon"], row["lat"], zoom)
    px, py = maplabels.LABEL_PADDING
    tw = maplabels.text_width_px(row["text"], size)
    th = size * (row["text"].count("\n") + 1)
    ax, ay = x + row["dx"], y + row["dy"]
    left = {"start": ax, "middle": ax - tw / 2, "end": ax - tw}[row["anchor"]] - px
    top = {"top": ay, "center": ay - th / 2, "bottom": ay - th}[row["baseline"]] - py
    return left, top, left + tw + 2 * px, top + th + 2 * py


def overlapping(boxes: list[tuple[float, ...]]) -> list[tuple[int, int]]:
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes[i + 1:], i + 1)
            if min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])]


def test_text_width_follows_arial_bold_metrics():
    # Arial Bold / Liberation Sans Bold: "North Kivu" is 71.5 px at 14 px.
    assert 71.5 <= maplabels.text_width_px("North Kivu", 14) <= 71.5 * 1.12
    assert maplabels.text_width_px("Barrière", 14) == maplabels.text_width_px("Barriere", 14)
    assert maplabels.text_width_px("Goma\nGrande Barrière", 14) == maplabels.text_width_px("Grande Barrière", 14)
    assert maplabels.text_width_px("WWW", 14) > maplabels.text_width_px("iii", 14) * 2


def test_one_label_goes_under_its_symbol():
    [row] = maplabels.place_labels([{"text": "Kasindi", "lon": 29.72, "lat": 0.04, "size": 14, "r": 10}], 5.0)
    assert (row["anchor"], row["baseline"], row["dx"]) == ("middle", "top", 0)
    assert row["dy"] == 10 + maplabels.LABEL_GAP + maplabels.LABEL_PADDING[1]
    assert "size" not in row and "r" not in row


def test_labels_on_one_spot_spread_out_then_give_up():
    labels = [{"text": f"Place number {i}", "lon": 29.0, "lat": -1.7, "size": 14, "r": 10} for i in range(12)]
    placed = maplabels.place_labels(labels, 6.0)
    # Below, above, right, left of the symbol, then whatever diagonal is still free; the rest find
    # no room and are left out rather than printed over the others.
    assert [(row["anchor"], row["baseline"]) for row in placed[:4]] == [
        ("middle", "top"), ("middle", "bottom"), ("start", "center"), ("end", "center")]
    assert 4 <= len(placed) < 12
    assert [row["text"] for row in placed] == [f"Place number {i}" for i in range(len(placed))]
    assert not overlapping([label_box(row, 14, 6.0) for row in placed])
    # With no symbol (a country name) the first label is centred on its point.
    [centred] = maplabels.place_labels([{**labels[0], "r": 0}], 6.0)
    assert (centred["anchor"], centred["baseline"], centred["dx"], centred["dy"]) == ("middle", "center", 0, 0)


def test_a_label_avoids_other_symbols_when_it_can():
    # A crossing circle right under the first choice (below): the label goes above instead.
    label = {"text": "Bunagana", "lon": 29.6, "lat": -1.28, "size": 14, "r": 8}
    x, y = maplabels.project(29.6, -1.28, 5.0)
    below = maplabels.inverse_mercator_y(math.pi * (1 - 2 * (y + 20) / (512 * 2 ** 5.0)))
    [row] = maplabels.place_labels([label], 5.0, symbols=[(29.6, -1.28, 8), (29.6, below, 8)])
    assert (row["anchor"], row["baseline"]) == ("middle", "bottom")


def reference_crossings(codes: list[str]) -> pd.DataFrame:
    frame = pd.read_csv(REFERENCE / "border_crossings.csv")
    return frame[frame["code"].isin(codes)].set_index("code").loc[codes].reset_index()


def test_goma_crossings_share_one_label_until_zoomed_in():
    from tnt_dash import i18n
    from tnt_dash.crossborder import layers

    crossings = reference_crossings(["COD-RWA-GBA", "COD-RWA-PBA", "COD-RWA-RUZ"]).assign(incidents=[47, 31, 32])
    records = layers.crossing_records(crossings, i18n.get("en"))
    merged = decks.merge_close_crossings(records, 5.0)
    assert [m["text"] for m in merged] == ["Goma / Gisenyi-Rubavu\nGrande Barrière · Petite Barrière",
                                           "Bukavu / Rusizi-Kamembe, Ruzizi I bridge"]
    assert merged[0]["n"] == 78 and -1.70 <= merged[0]["lat"] <= -1.68
    # 2 km apart: at street zoom each crossing has its own label again.
    assert len(decks.merge_close_crossings(records, 13.0)) == 3
    # Different places on one spot of a zoomed-out map: the busiest and how many more.
    far = decks.merge_close_crossings(records, 1.0)
    assert [m["text"] for m in far] == ["Goma / Gisenyi-Rubavu, Grande Barrière (+2)"]


def test_cross_border_labels_near_goma_do_not_overlap():
    from tnt_dash import i18n
    from tnt_dash.crossborder import layers

    codes = ["COD-RWA-GBA", "COD-RWA-PBA", "COD-RWA-RUZ", "COD-UGA-BUN", "COD-UGA-KAS", "COD-BDI-KAV"]
    crossings = reference_crossings(codes).assign(incidents=[47, 31, 32, 46, 54, 69])
    t = i18n.get("en")
    areas = [{"key": f"area:{code}", "code": code, "label": label, "iso3": "COD", "lat": lat, "lon": lon, "n": n,
              "sel": False, "tt": label, "ta": "", "tb": ""}
             for code, label, lat, lon, n in (("CD-NK", "North Kivu", -0.659, 28.594, 900),
                                              ("CD-SK", "South Kivu", -3.105, 28.116, 500),
                                              ("CD-MA", "Maniema", -3.26, 26.034, 300))]
    countries = {"RWA": (29.92, -1.992, "Rwanda"), "BDI": (29.874, -3.359, "Burundi"),
                 "COD": (23.645, -2.879, "Democratic Republic of the Congo"), "UGA": (32.368, 1.279, "Uganda")}
    deck = decks.cross_border_deck(ADMIN0, arcs=[], crossings=layers.crossing_records(crossings, t), areas=areas,
                                  country_labels=countries, view_iso3="COD")
    parsed = deck_dict(deck)
    zoom = parsed["initialViewState"]["zoom"]
    sizes = {"country_labels": decks.COUNTRY_LABEL_SIZE, "area_labels": decks.AREA_LABEL_SIZE,
             "crossing_labels": decks.CROSSING_LABEL_SIZE}
    boxes, texts = [], []
    for layer_id, size in sizes.items():
        text_layer = layer(parsed, layer_id)
        # No colour accessor: Streamlit would fade every label while a map selection is active.
        assert "getColor" not in text_layer
        assert text_layer["getTextAnchor"] == "@@=anchor" and text_layer["getPixelOffset"] == "@@=[dx, dy]"
        for row in text_layer["data"]:
            boxes.append(label_box(row, size, zoom))
            texts.append(row["text"])
    assert not overlapping(boxes), [(texts[i], texts[j]) for i, j in overlapping(boxes)]
    goma = [text for text in texts if "Barrière" in text]
    assert goma == ["Goma / Gisenyi-Rubavu\nGrande Barrière · Petite Barrière"]
    assert {"Rwanda", "Burundi", "North Kivu", "South Kivu", "Kavimvira / Gatumba"} <= set(texts)


def test_bubble_labels_are_placed_clear_of_each_other_for_the_chart_size():
    # Neighbouring provinces of one country, as on the brief's hotspot map: centred under their
    # bubbles, these names were printed over each other.
    rows = [(f"CD-{i}", name, lat, lon, n) for i, (name, lat, lon, n) in enumerate([
        ("Nord-Kivu", -0.8, 29.0, 120), ("Sud-Kivu", -3.0, 28.3, 90), ("Ituri", 1.6, 29.9, 80),
        ("Haut-Uele", 3.6, 27.9, 60), ("Tshopo", 0.5, 25.2, 40), ("Maniema", -2.9, 26.1, 30),
        ("Tanganyika", -6.0, 27.5, 20), ("Haut-Katanga", -10.5, 27.3, 15)])]
    small = admin1_bubble_deck(frame(rows), ADMIN0, width=340, height=240)
    large = admin1_bubble_deck(frame(rows), ADMIN0, width=1000, height=600)
    assert small.initial_view_state.zoom < large.initial_view_state.zoom
    for deck in (small, large):
        labels = layer(deck_dict(deck), "admin1_labels")["data"]
        zoom = deck.initial_view_state.zoom
        assert labels and not overlapping([label_box(row, mapdecks.BUBBLE_LABEL_SIZE, zoom) for row in labels])
        # Placed in priority order: the largest area is always named.
        assert labels[0]["text"] == "Nord-Kivu"
    assert len(layer(deck_dict(large), "admin1_labels")["data"]) >= len(layer(deck_dict(small), "admin1_labels")["data"])


def test_labels_stay_inside_the_chart():
    # A name at the chart's edge is moved inward or left out, never cut by the edge.
    view = (28.0, -2.0, 300, 200)
    zoom = 6.0
    labels = [{"text": "A long province name", "lon": 28.0 + dx, "lat": -2.0, "size": 16, "r": 8}
              for dx in (-4.4, 0.0, 4.4)]
    placed = maplabels.place_labels(labels, zoom, view=view)
    cx, cy = maplabels.project(view[0], view[1], zoom)
    for row in placed:
        left, top, right, bottom = label_box(row, 16, zoom)
        assert cx - 150 <= left and right <= cx + 150 and cy - 100 <= top and bottom <= cy + 100
    assert len(placed) < len(maplabels.place_labels(labels, zoom))   # without the chart, all three fit


def test_a_narrow_chart_still_shows_points_on_two_continents():
    # Haiti and the east of the DRC in a 340 px panel: the view zooms out until both fit.
    view = fit_view([19.0, -1.5], [-72.3, 29.2], width=340, height=240, margin_px=36)
    west, _ = maplabels.project(-72.3, 19.0, view.zoom)
    east, _ = maplabels.project(29.2, -1.5, view.zoom)
    cx, _ = maplabels.project(view.longitude, view.latitude, view.zoom)
    assert cx - 170 + 36 <= west and east <= cx + 170 - 36
