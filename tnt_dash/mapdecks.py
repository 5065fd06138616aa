"""pydeck maps with no basemap, shared by every page that draws one: the compact Deck, the palette,
the view that fits the data, the country outlines and the admin-1 bubble map of the overview, the
brief and the networks page. Small frames in, ``pydeck.Deck`` out.

Every Deck is built with ``map_provider=None`` and no ``map_style``; anything else makes
the browser fetch a Carto or Mapbox basemap (ENGINEERING.md §4). Outlines come from
``tnt_dash.geo`` and are drawn as the bottom layers instead. Pages must show the UN
disclaimer under each map (DOMAIN.md §6).
"""
from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

import orjson
import pydeck as pdk
import pydeck.bindings.deck as _pydeck_deck
from pydeck.bindings.json_tools import default_serialize

from .maplabels import PIXELS, WORLD_PX, inverse_mercator_y, label_layer, mercator_y, place_labels

# pydeck asks on every Deck whether its Jupyter widget can be imported, and a failed import is not
# remembered, so each map re-read ipywidgets' and pydeck.widget's modules from disk: about 5 ms a
# deck, on every rerun of the brief and the map. The answer cannot change while the server runs.
_pydeck_deck.has_jupyter_extra = functools.cache(_pydeck_deck.has_jupyter_extra)

# Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies.
OKABE_ITO = {
    "black": (0, 0, 0),
    "orange": (230, 159, 0),
    "sky_blue": (86, 180, 233),
    "bluish_green": (0, 158, 115),
    "yellow": (240, 228, 66),
    "blue": (0, 114, 178),
    "vermillion": (213, 94, 0),
    "reddish_purple": (204, 121, 167),
}

# There is no basemap, so the country fill is the map's "land"; a light warm grey with a
# near-black edge stays legible on a washed-out projector and on a dark theme alike.
COUNTRY_FILL = [240, 238, 230, 255]
COUNTRY_LINE = [45, 45, 45, 255]
ADMIN1_LINE = [110, 110, 110, 200]
BUBBLE_FILL = [*OKABE_ITO["vermillion"], 190]
BUBBLE_LINE = [40, 40, 40, 230]

# Bubble radii in screen pixels, so the symbols stay readable at every zoom.
MIN_RADIUS_PX = 4.0
MAX_RADIUS_PX = 36.0
LABELS_SHOWN = 10
BUBBLE_LABEL_SIZE = 16

TOOLTIP_STYLE = {
    "fontSize": "18px",
    "lineHeight": "1.35",
    "backgroundColor": "#1f1f1f",
    "color": "#ffffff",
    "padding": "8px 12px",
    "maxWidth": "380px",
}

DEFAULT_VIEW = {"latitude": 12.0, "longitude": 15.0, "zoom": 1.6}
SINGLE_POINT_ZOOM = 7.0
MAX_FIT_ZOOM = 9.0
# Low enough for the missions of two continents (Haiti and Africa) in a third of a laptop screen.
MIN_FIT_ZOOM = 0.0
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck indents by two spaces, and on a
    satellite link the whitespace alone was over 80 % of the map's payload. Written by orjson
    (pinned): the same document as json.dumps (tests/test_flows.py compares), about five times
    faster on the outlines' coordinates, and every page with a map writes one per rerun."""

    def to_json(self) -> str:
        return orjson.dumps(self, default=default_serialize,
                            option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def fit_view(lats: Iterable[Any], lons: Iterable[Any], *, width: int = 700, height: int = 500,
             padding: float = 0.15, margin_px: float = 0.0) -> pdk.ViewState:
    """A view that shows every point, for a map of about ``width`` x ``height`` pixels.

    ``margin_px`` keeps that many more pixels clear on every side, for symbols drawn in pixels
    around a point (a bubble's radius and its label below it).

    The defaults match st.pydeck_chart in Streamlit's centred layout (about 700 x 500).

    No usable point gives a wide default view; one point (or points on one spot) a
    province-scale zoom around it.
    """
    points = []
    for lat, lon in zip(lats, lons):
        lat_f, lon_f = _finite(lat), _finite(lon)
        # Web Mercator cannot show the poles; such a point is a data error, not a view.
        if lat_f is None or lon_f is None or not -85.0 <= lat_f <= 85.0 or not -180.0 <= lon_f <= 180.0:
            continue
        points.append((lat_f, lon_f))
    if not points:
        return pdk.ViewState(**DEFAULT_VIEW, pitch=0, bearing=0)

    south, north = min(p[0] for p in points), max(p[0] for p in points)
    west, east = min(p[1] for p in points), max(p[1] for p in points)
    y_south, y_north = mercator_y(south), mercator_y(north)
    centre_lat = inverse_mercator_y((y_south + y_north) / 2)
    centre_lon = (west + east) / 2
    usable = 1.0 - 2 * padding
    usable_w = max(width * 0.25, width * usable - 2 * margin_px)
    usable_h = max(height * 0.25, height * usable - 2 * margin_px)
    spans = []
    if east - west > 1e-9:
        spans.append(math.log2(usable_w * 360.0 / (WORLD_PX * (east - west))))
    if y_north - y_south > 1e-9:
        spans.append(math.log2(usable_h * 2 * math.pi / (WORLD_PX * (y_north - y_south))))
    zoom = min(spans) if spans else SINGLE_POINT_ZOOM
    zoom = max(MIN_FIT_ZOOM, min(MAX_FIT_ZOOM if spans else SINGLE_POINT_ZOOM, zoom))
    return pdk.ViewState(latitude=round(centre_lat, 4), longitude=round(centre_lon, 4),
                         zoom=round(zoom, 2), pitch=0, bearing=0)


def outline_layers(admin0: dict[str, Any], admin1: dict[str, Any] | None = None) -> list[pdk.Layer]:
    """Country polygons (light fill, dark edge) and, if given, thin admin-1 lines on top.

    Neither layer is pickable: the tooltip template belongs to the data layers and would
    show raw "{incidents}" over a country.
    """
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            data=admin0,
            id="admin0_outline",
            stroked=True,
            filled=True,
            get_fill_color=COUNTRY_FILL,
            get_line_color=COUNTRY_LINE,
            line_width_units=PIXELS,
            get_line_width=1.5,
            line_width_min_pixels=1,
            pickable=False,
        )
    ]
    if admin1:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                data=admin1,
                id="admin1_outline",
                stroked=True,
                filled=False,
                get_line_color=ADMIN1_LINE,
                line_width_units=PIXELS,
                get_line_width=0.8,
                line_width_min_pixels=0.5,
                pickable=False,
            )
        )
    return layers


def _json_value(value: Any) -> Any:
    """Numbers small and exact enough for a tooltip; text as it is.

    Streamlit 1.67's deck.gl chart HTML-escapes every value it interpolates into a tooltip
    (checked in its DeckGlJsonChart bundle), so escaping here too would show "Grand&#x27;Anse".
    """
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, numbers.Number)):
        number = _finite(value)
        if number is None:
            return ""
        return int(number) if number.is_integer() else round(number, 2)
    return str(value)


def plain_text(value: Any) -> str:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    return str(value)


def radius_px(value: float, top: float) -> float:
    # Area, not radius, tracks the count, so a doubled count looks doubled.
    return round(max(MIN_RADIUS_PX, MAX_RADIUS_PX * math.sqrt(value / top)), 1)


def bounds_of(collection: dict[str, Any] | None) -> tuple[list[float], list[float]]:
    """Corner latitudes and longitudes of a FeatureCollection, for an empty data layer."""
    lats: list[float] = []
    lons: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            lons.append(float(coords[0]))
            lats.append(float(coords[1]))
            return
        for part in coords or []:
            walk(part)

    for feature in (collection or {}).get("features", []):
        walk((feature.get("geometry") or {}).get("coordinates"))
    if not lats:
        return [], []
    return [min(lats), max(lats)], [min(lons), max(lons)]


def admin1_bubble_deck(frame: Any, admin0: dict[str, Any], admin1: dict[str, Any] | None = None,
                       value_col: str = "incidents", tooltip_html: str | None = None,
                       *, labels: int = LABELS_SHOWN, width: int = 700, height: int = 500) -> pdk.Deck:
    """Bubbles per admin-1 area, sized by ``value_col``, over country and admin-1 outlines.

    ``frame`` (pandas) holds admin1_code, label (already translated), lat, lon,
    ``value_col`` (numeric; rows with no positive value are not drawn) and every column
    the tooltip names as ``{column}``. ``tooltip_html`` comes translated from the caller;
    the default shows only the label and the value, so it needs no translation.

    ``width`` and ``height`` are the chart's size in pixels (about): the first view fits the
    bubbles to it, and the largest ``labels`` bubbles get a name placed clear of the others
    (``place_labels``); a name with no free room is left out, its tooltip still gives it.
    """
    if tooltip_html is None:
        tooltip_html = f"<b>{{label}}</b><br/>{{{value_col}}}"
    tooltip_cols = list(dict.fromkeys(_PLACEHOLDER.findall(tooltip_html)))
    needed = list(dict.fromkeys(["admin1_code", "label", "lat", "lon", value_col, *tooltip_cols]))
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"admin1_bubble_deck: frame lacks columns {', '.join(missing)}")

    points = []
    for row in frame[needed].to_dict(orient="records"):
        value, lat, lon = _finite(row[value_col]), _finite(row["lat"]), _finite(row["lon"])
        if value is None or value <= 0 or lat is None or lon is None:
            continue
        points.append((value, lat, lon, row))
    # Largest first, so deck.gl draws small bubbles on top where they overlap.
    points.sort(key=lambda p: (-p[0], str(p[3]["admin1_code"])))
    top = points[0][0] if points else 1.0

    bubbles = []
    for value, lat, lon, row in points:
        record = {col: _json_value(row[col]) for col in needed if col not in ("lat", "lon")}
        record.update(lat=round(lat, 4), lon=round(lon, 4), r=radius_px(value, top))
        bubbles.append(record)
    if bubbles:
        # Room for the largest bubble on every side of the view.
        view = fit_view([b["lat"] for b in bubbles], [b["lon"] for b in bubbles], width=width, height=height,
                        margin_px=max(b["r"] for b in bubbles))
    else:
        view = fit_view(*bounds_of(admin1 or admin0), width=width, height=height)
    # Labels carry raw text: the TextLayer draws characters, it does not parse HTML. Centred
    # under their bubbles, the names of neighbouring areas were printed over each other.
    label_rows = place_labels(
        [{"text": plain_text(row["label"]), "lon": b["lon"], "lat": b["lat"], "size": BUBBLE_LABEL_SIZE, "r": b["r"]}
         for (_, _, _, row), b in zip(points[:labels], bubbles[:labels])],
        view.zoom, [(b["lon"], b["lat"], b["r"]) for b in bubbles], (view.longitude, view.latitude, width, height))

    data_layers = [
        pdk.Layer(
            "ScatterplotLayer",
            data=bubbles,
            id="admin1",
            get_position=["lon", "lat"],
            get_radius="r",
            radius_units=PIXELS,
            get_fill_color=BUBBLE_FILL,
            get_line_color=BUBBLE_LINE,
            stroked=True,
            line_width_units=PIXELS,
            get_line_width=1,
            pickable=True,
            auto_highlight=True,
        ),
        label_layer(label_rows, "admin1_labels", BUBBLE_LABEL_SIZE),
    ]

    return CompactDeck(
        layers=[*outline_layers(admin0, admin1), *data_layers],
        initial_view_state=view,
        map_provider=None,
        tooltip={"html": tooltip_html, "style": dict(TOOLTIP_STYLE)},
    )
