"""pydeck maps with no basemap: small frames in, ``pydeck.Deck`` out.

Every Deck is built with ``map_provider=None`` and no ``map_style``; anything else makes
the browser fetch a Carto or Mapbox basemap (ENGINEERING.md §4). Outlines come from
``tnt_dash.geo`` and are drawn as the bottom layers instead. Pages must show the UN
disclaimer under each map (DOMAIN.md §6).
"""
from __future__ import annotations

import functools
import itertools
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

import orjson
import pydeck as pdk
import pydeck.bindings.deck as _pydeck_deck
from pydeck.bindings.json_tools import default_serialize
from pydeck.types import String

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
LABEL_BACKGROUND = [255, 255, 255, 210]
# Arial's metrics first (Liberation Sans is metric-compatible on Linux): the cross-border map places
# its labels from these widths (place_labels). Streamlit's own "Source Sans" is not available to
# deck.gl's canvas font atlas anyway.
FONT_FAMILY = "Arial, 'Liberation Sans', 'Helvetica Neue', Helvetica, sans-serif"

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

# deck.gl's world is 512 px wide at zoom 0.
_WORLD_PX = 512.0
DEFAULT_VIEW = {"latitude": 12.0, "longitude": 15.0, "zoom": 1.6}
SINGLE_POINT_ZOOM = 7.0
MAX_FIT_ZOOM = 9.0
# Low enough for the missions of two continents (Haiti and Africa) in a third of a laptop screen.
MIN_FIT_ZOOM = 0.0
# pydeck turns any plain string argument into a data accessor ("@@=pixels"); constant
# strings must be wrapped, or deck.gl silently falls back to metres.
PIXELS = String("pixels")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck indents by two spaces, and on a
    satellite link the whitespace alone was over 80 % of the map's payload. Written by orjson
    (pinned): the same document as json.dumps (tests/test_flows.py compares), about five times
    faster on the outlines' coordinates, and every page with a map writes one per rerun."""

    def to_json(self) -> str:
        return orjson.dumps(self, default=default_serialize,
                            option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()


def _mercator_y(lat: float) -> float:
    phi = math.radians(lat)
    return math.log(math.tan(math.pi / 4 + phi / 2))


def _inverse_mercator_y(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


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
    y_south, y_north = _mercator_y(south), _mercator_y(north)
    centre_lat = _inverse_mercator_y((y_south + y_north) / 2)
    centre_lon = (west + east) / 2
    usable = 1.0 - 2 * padding
    usable_w = max(width * 0.25, width * usable - 2 * margin_px)
    usable_h = max(height * 0.25, height * usable - 2 * margin_px)
    spans = []
    if east - west > 1e-9:
        spans.append(math.log2(usable_w * 360.0 / (_WORLD_PX * (east - west))))
    if y_north - y_south > 1e-9:
        spans.append(math.log2(usable_h * 2 * math.pi / (_WORLD_PX * (y_north - y_south))))
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


def _plain_text(value: Any) -> str:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    return str(value)


def _radius(value: float, top: float) -> float:
    # Area, not radius, tracks the count, so a doubled count looks doubled.
    return round(max(MIN_RADIUS_PX, MAX_RADIUS_PX * math.sqrt(value / top)), 1)


def _bounds_of(collection: dict[str, Any] | None) -> tuple[list[float], list[float]]:
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
        record.update(lat=round(lat, 4), lon=round(lon, 4), r=_radius(value, top))
        bubbles.append(record)
    if bubbles:
        # Room for the largest bubble on every side of the view.
        view = fit_view([b["lat"] for b in bubbles], [b["lon"] for b in bubbles], width=width, height=height,
                        margin_px=max(b["r"] for b in bubbles))
    else:
        view = fit_view(*_bounds_of(admin1 or admin0), width=width, height=height)
    # Labels carry raw text: the TextLayer draws characters, it does not parse HTML. Centred
    # under their bubbles, the names of neighbouring areas were printed over each other.
    label_rows = place_labels(
        [{"text": _plain_text(row["label"]), "lon": b["lon"], "lat": b["lat"], "size": BUBBLE_LABEL_SIZE, "r": b["r"]}
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
        _label_layer(label_rows, "admin1_labels", BUBBLE_LABEL_SIZE),
    ]

    return CompactDeck(
        layers=[*outline_layers(admin0, admin1), *data_layers],
        initial_view_state=view,
        map_provider=None,
        tooltip={"html": tooltip_html, "style": dict(TOOLTIP_STYLE)},
    )


# --------------------------------------------------------------------------- cross-border map
# Colour is kept for criminal markets (the arcs); everything that shows a volume of incidents
# by place (areas, hexagons) is drawn in greys, so the two never compete on a projector.

VOLUME_GREYS = [(224, 224, 224), (189, 189, 189), (150, 150, 150), (115, 115, 115), (82, 82, 82)]
SELECTED_LINE = [0, 0, 0, 255]
CROSSING_FILL = [255, 255, 255, 245]
CROSSING_EMPTY_FILL = [255, 255, 255, 140]
AREA_BUBBLE_FILL = [90, 90, 90, 120]
COUNTRY_LABEL_OPACITY = 0.75     # black names at 75 %: grey, quieter than the data labels
COUNTRY_LABEL_SIZE = 15
AREA_LABEL_SIZE = 15
CROSSING_LABEL_SIZE = 14
# Title and two lines; Streamlit 1.67 HTML-escapes each value it substitutes into the template.
CROSS_BORDER_TOOLTIP = "<b>{tt}</b><br/>{ta}<br/>{tb}"


def volume_grey(value: float, top: float, alpha: int = 200) -> list[int]:
    """One of five greys by the square root of value/top (lightest: smallest non-zero)."""
    if top <= 0 or value <= 0:
        return [*VOLUME_GREYS[0], alpha]
    step = min(len(VOLUME_GREYS) - 1, int(math.sqrt(value / top) * len(VOLUME_GREYS)))
    return [*VOLUME_GREYS[step], alpha]


def _label_layer(rows: list[dict[str, Any]], layer_id: str, size: int, background: bool = True) -> pdk.Layer:
    """Labels placed by ``place_labels``: each row has its own anchor, baseline and pixel offset.

    No ``get_color``: while a map selection is active, Streamlit 1.67 redraws every layer that
    declares a colour accessor at 40 % opacity except the selected object, which would fade every
    name on the map. The TextLayer's default is black; country names are greyed by ``opacity``.
    """
    return pdk.Layer(
        "TextLayer", data=rows, id=layer_id, get_position=["lon", "lat"], get_text="text", get_size=size,
        size_units=PIXELS, get_pixel_offset="[dx, dy]", get_text_anchor="anchor",
        get_alignment_baseline="baseline", character_set=String("auto"), font_family=String(FONT_FAMILY),
        font_weight=700 if not background else 600, background=background,
        get_background_color=LABEL_BACKGROUND, background_padding=list(LABEL_PADDING), pickable=False,
        # Without a background box, a white halo keeps the name readable where arcs pass under it.
        **({} if background else {"font_settings": {"sdf": True}, "outline_width": OUTLINE_WIDTH,
                                  "outline_color": list(LABEL_HALO), "opacity": COUNTRY_LABEL_OPACITY}),
    )


# --------------------------------------------------------------------------- label placement
# deck.gl draws every label where it is told, even on top of another one: near Goma two crossings
# 2 km apart, a province and a country name ended up printed over each other. Labels are
# therefore placed here, in screen pixels at the map's first zoom (a zoom fixes the scale whatever
# the width of the chart): crossings whose symbols touch share one label, then each label takes the
# first free position around its symbol (below, above, right, left, diagonals) that covers the
# fewest other symbols, and a label with no free position is left out (its tooltip still names it).

# Advance widths of Arial Bold (= Liberation Sans Bold, the first fonts of FONT_FAMILY), in 1/1000
# em, for ASCII 32..126. Helvetica is within a few per cent; DejaVu Sans, the last resort on a bare
# Linux, is about 15 % wider, so labels may then touch but still do not pile up.
_ADVANCE = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278,
    556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584,
    556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556,
    333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)
_ADVANCE_OTHER = {"·": 333, "’": 278, "–": 556, "—": 1000, "→": 1000}
LABEL_PADDING = (4, 2)      # background padding (x, y) in pixels, as drawn by the TextLayer
LABEL_HALO = (255, 255, 255, 230)
OUTLINE_WIDTH = 4
LABEL_GAP = 3               # pixels between a symbol's edge and its label
LABEL_MARGIN = 2            # pixels kept free between two labels
# A label may be a few pixels wider than estimated (hinting, another font): err on the wide side.
WIDTH_SAFETY = 1.08


def text_width_px(text: str, size: float) -> float:
    """Estimated width in pixels of the longest line of ``text`` at ``size`` px."""
    widest = 0.0
    for line in str(text).split("\n"):
        units = 0
        for ch in line:
            code = ord(ch)
            if 32 <= code < 127:
                units += _ADVANCE[code - 32]
            elif ch in _ADVANCE_OTHER:
                units += _ADVANCE_OTHER[ch]
            else:
                base = unicodedata.normalize("NFKD", ch)[:1]   # "é" is as wide as "e"
                units += _ADVANCE[ord(base) - 32] if base and 32 <= ord(base) < 127 else 722
        widest = max(widest, units)
    return widest / 1000.0 * size * WIDTH_SAFETY


def _project(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web-Mercator pixels at ``zoom`` (deck.gl's MapView: 512 px for the world at zoom 0)."""
    scale = _WORLD_PX * 2 ** zoom
    lat = max(-85.0, min(85.0, lat))
    return (lon + 180.0) / 360.0 * scale, (1 - _mercator_y(lat) / math.pi) / 2 * scale


def _candidates(x: float, y: float, r: float, w: float, h: float) -> list[tuple[tuple[float, ...], dict]]:
    """Positions around a symbol of radius ``r`` at (x, y): (box, TextLayer fields), best first.

    Boxes include the label's background. With no symbol (``r == 0``: a country name, the
    centre of a polygon) the first choice is the label centred on the point."""
    px, py = LABEL_PADDING
    e = r + LABEL_GAP                    # from the centre to the edge of the label's background
    d = r * 0.7 + LABEL_GAP              # the same on a diagonal, just clear of the circle
    spots = [] if r else [((x - w / 2, y - h / 2, x + w / 2, y + h / 2), ("middle", "center", 0, 0))]
    spots += [
        ((x - w / 2, y + e, x + w / 2, y + e + h), ("middle", "top", 0, e + py)),
        ((x - w / 2, y - e - h, x + w / 2, y - e), ("middle", "bottom", 0, -(e + py))),
        ((x + e, y - h / 2, x + e + w, y + h / 2), ("start", "center", e + px, 0)),
        ((x - e - w, y - h / 2, x - e, y + h / 2), ("end", "center", -(e + px), 0)),
        ((x + d, y + d, x + d + w, y + d + h), ("start", "top", d + px, d + py)),
        ((x + d, y - d - h, x + d + w, y - d), ("start", "bottom", d + px, -(d + py))),
        ((x - d - w, y + d, x - d, y + d + h), ("end", "top", -(d + px), d + py)),
        ((x - d - w, y - d - h, x - d, y - d), ("end", "bottom", -(d + px), -(d + py))),
    ]
    return [(box, {"anchor": a, "baseline": b, "dx": round(dx, 1), "dy": round(dy, 1)})
            for box, (a, b, dx, dy) in spots]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(labels: list[dict[str, Any]], zoom: float,
                 symbols: Iterable[tuple[float, float, float]] = (),
                 view: tuple[float, float, float, float] | None = None) -> list[dict[str, Any]]:
    """Give each label a position where it overlaps no label placed before it.

    ``labels`` come in priority order, each with ``text``, ``lon``, ``lat``, ``size`` (px) and ``r``
    (the radius in px of its own symbol, 0 for none); ``symbols`` are (lon, lat, radius px) of the
    circles a label should rather not cover; ``view`` (longitude, latitude, width px, height px),
    when given, is the chart a label must lie wholly inside. Returns the labels that found room,
    each with ``anchor``, ``baseline``, ``dx``, ``dy`` for the TextLayer; the others are left out.
    """
    if view is not None:
        vx, vy = _project(view[0], view[1], zoom)
        frame = (vx - view[2] / 2, vy - view[3] / 2, vx + view[2] / 2, vy + view[3] / 2)
    circles = []
    for lon, lat, radius in symbols:
        cx, cy = _project(lon, lat, zoom)
        circles.append((cx, cy, cx - radius, cy - radius, cx + radius, cy + radius))
    # The circles' boxes as arrays: the cost of every candidate position against every circle was
    # the bulk of this function, one Python comparison at a time.
    circle = np.array(circles, dtype=float).reshape(-1, 6)

    def covered(box: tuple[float, ...], x: float, y: float) -> float:
        w = np.minimum(box[2], circle[:, 4]) - np.maximum(box[0], circle[:, 2])
        h = np.minimum(box[3], circle[:, 5]) - np.maximum(box[1], circle[:, 3])
        # Its own symbol (same centre) does not count; others cost the area they lose.
        counted = (w > 0) & (h > 0) & ((np.abs(circle[:, 0] - x) > 0.5) | (np.abs(circle[:, 1] - y) > 0.5))
        # Summed in circle order, as floats, so ties between candidates fall as they always did.
        return sum((w[counted] * h[counted]).tolist(), 0.0)

    placed: list[tuple[float, ...]] = []
    out = []
    for label in labels:
        text = str(label["text"])
        if not text.strip():
            continue
        x, y = _project(label["lon"], label["lat"], zoom)
        size, r = float(label["size"]), float(label.get("r") or 0)
        w = text_width_px(text, size) + 2 * LABEL_PADDING[0]
        h = size * (text.count("\n") + 1) + 2 * LABEL_PADDING[1]
        best = None
        for rank, (box, fields) in enumerate(_candidates(x, y, r, w, h)):
            if view is not None and (box[0] < frame[0] or box[1] < frame[1] or box[2] > frame[2] or box[3] > frame[3]):
                continue    # it would be cut at the chart's edge
            grown = (box[0] - LABEL_MARGIN, box[1] - LABEL_MARGIN, box[2] + LABEL_MARGIN, box[3] + LABEL_MARGIN)
            if any(_overlap(grown, other) for other in placed):
                continue
            cost = covered(box, x, y)
            if best is None or cost < best[0]:
                best = (cost, rank, box, fields)
            if cost == 0:
                break
        if best is None:
            continue
        placed.append(best[2])
        out.append({**{k: v for k, v in label.items() if k not in ("size", "r")}, **best[3]})
    return out


def merge_close_crossings(crossings: list[dict[str, Any]], zoom: float) -> list[dict[str, Any]]:
    """One label for crossings whose circles touch at ``zoom``: "Goma / Gisenyi-Rubavu" over
    "Grande Barrière · Petite Barrière" rather than two long names printed on top of each other,
    and "Kasindi / Mpondwe (+3)" for different places that share a spot on a zoomed-out map.

    Each crossing has ``short`` (or ``name``), ``lon``, ``lat``, ``r`` and ``n``; the result
    keeps the order of the busiest member, with ``text``, the members' mean position, a radius
    that covers them all and ``n`` summed.
    """
    points = [(c, *_project(c["lon"], c["lat"], zoom)) for c in crossings]
    groups: list[list[int]] = []
    seen: set[int] = set()
    for i in range(len(points)):
        if i in seen:
            continue
        group, queue = [], [i]
        seen.add(i)
        while queue:
            k = queue.pop()
            group.append(k)
            ck, xk, yk = points[k]
            for j, (cj, xj, yj) in enumerate(points):
                if j not in seen and math.hypot(xk - xj, yk - yj) <= float(ck["r"]) + float(cj["r"]) + 1:
                    seen.add(j)
                    queue.append(j)
        groups.append(sorted(group, key=lambda k: (-points[k][0]["n"], k)))
    merged = []
    for group in groups:
        members = [points[k] for k in group]
        names = [_plain_text(c.get("short") or c["name"]) for c, _, _ in members]
        x = sum(p[1] for p in members) / len(members)
        y = sum(p[2] for p in members) / len(members)
        first = members[0][0]
        if len(members) == 1:
            merged.append({"text": names[0], "lon": first["lon"], "lat": first["lat"], "r": first["r"],
                           "n": first["n"], "sel": bool(first.get("sel"))})
            continue
        heads = {name.split(", ", 1)[0] for name in names}
        if len(heads) == 1 and len(names) <= 3 and all(", " in name for name in names):
            text = heads.pop() + "\n" + " · ".join(name.split(", ", 1)[1] for name in names)
        else:   # different places on one spot (a zoomed-out view): the busiest, and how many more
            text = f"{names[0]} (+{len(names) - 1})"
        scale = _WORLD_PX * 2 ** zoom
        lon = x / scale * 360.0 - 180.0
        lat = _inverse_mercator_y(math.pi * (1 - 2 * y / scale))
        merged.append({"text": text, "lon": round(lon, 4), "lat": round(lat, 4),
                       "r": round(max(math.hypot(px - x, py - y) + float(c["r"]) for c, px, py in members), 1),
                       "n": sum(c["n"] for c, _, _ in members), "sel": any(c.get("sel") for c, _, _ in members)})
    return merged


OPERATIONS_AREA_LINE = [0, 60, 136, 230]     # dark UN blue: apart from the greys and the market colours


def cross_border_deck(admin0: dict[str, Any], *, arcs: list[dict[str, Any]], crossings: list[dict[str, Any]],
                      areas: list[dict[str, Any]] | None = None, area_polygons: dict[str, Any] | None = None,
                      cells: list[dict[str, Any]] | None = None, points: list[dict[str, Any]] | None = None,
                      country_labels: dict[str, tuple[float, float, str]] | None = None,
                      area_labels: int = 6, crossing_labels: int = 5, view_iso3: str | None = None,
                      width: int = 1000, height: int = 620, operations_areas: dict[str, Any] | None = None) -> pdk.Deck:
    """The cross-border map: country outlines, then incidents by place (admin-1 polygons,
    admin-1 bubbles or hexagons), arcs, border crossings and, optionally, capped records.

    Records come ready from tnt_dash.flows (*_records): every pickable object has the
    tooltip fields of CROSS_BORDER_TOOLTIP (plain text: Streamlit escapes them) and, where
    a click selects something, a ``key``. Selectable layers have
    the ids ``areas``, ``flows`` and ``crossings``.

    The view fits the areas with incidents and their crossings (of ``view_iso3`` only, if
    given), not the far ends of arcs: one flow from another continent must not shrink a
    mission's borders to a few pixels.
    """
    layers: list[pdk.Layer] = list(outline_layers(admin0))
    view_lats: list[float] = []
    view_lons: list[float] = []
    areas = areas or []
    top_area = max((a["n"] for a in areas), default=0)

    if cells:
        top = max(c["n"] for c in cells)
        data = [{**c, "fill": volume_grey(c["n"], top, 190)} for c in cells]
        layers.append(pdk.Layer(
            "PolygonLayer", data=data, id="cells", get_polygon="poly", get_fill_color="fill",
            get_line_color=[255, 255, 255, 160], line_width_units=PIXELS, get_line_width=0.5, stroked=True,
            filled=True, pickable=True, auto_highlight=True))
        for c in cells:
            view_lons.append(c["poly"][0][0])
            view_lats.append(c["poly"][0][1])
    elif area_polygons:
        by_code = {a["code"]: a for a in areas}
        features = []
        for feature in area_polygons.get("features", []):
            code = feature["properties"].get("code")
            area = by_code.get(code)
            props = {"key": f"area:{code}", "tt": str(feature["properties"].get("name") or code), "ta": "",
                     "tb": "", "fill": volume_grey(0, 1, 90), "line": list(ADMIN1_LINE), "lw": 0.8}
            if area:
                props.update({k: area[k] for k in ("key", "tt", "ta", "tb")},
                             fill=volume_grey(area["n"], top_area, 210))
                if area["sel"]:
                    props.update(line=SELECTED_LINE, lw=4)
            features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
        layers.append(pdk.Layer(
            "GeoJsonLayer", data={"type": "FeatureCollection", "features": features}, id="areas",
            stroked=True, filled=True, get_fill_color="properties.fill", get_line_color="properties.line",
            line_width_units=PIXELS, get_line_width="properties.lw", pickable=True, auto_highlight=True))
    elif areas:
        data = [{**a, "r": _radius(a["n"], top_area) if a["n"] > 0 else MIN_RADIUS_PX,
                 "line": SELECTED_LINE if a["sel"] else BUBBLE_LINE, "lw": 4 if a["sel"] else 1}
                for a in sorted(areas, key=lambda a: -a["n"])]
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=data, id="areas", get_position=["lon", "lat"], get_radius="r",
            radius_units=PIXELS, get_fill_color=AREA_BUBBLE_FILL, get_line_color="line", stroked=True,
            line_width_units=PIXELS, get_line_width="lw", pickable=True, auto_highlight=True))
    for a in areas:
        if view_iso3 is None or a.get("iso3") == view_iso3:
            view_lats.append(a["lat"])
            view_lons.append(a["lon"])
    if operations_areas:
        # Outline only, above the areas and under the arcs: the scope the brief and priorities open on.
        layers.append(pdk.Layer(
            "GeoJsonLayer", data=operations_areas, id="operations_areas", stroked=True, filled=False,
            get_line_color=OPERATIONS_AREA_LINE, line_width_units=PIXELS, get_line_width=2.5, pickable=False))

    layers.append(pdk.Layer(
        "ArcLayer", data=arcs, id="flows", get_source_position="from", get_target_position="to",
        get_source_color="c0", get_target_color="c", get_width="w", width_units=PIXELS, get_tilt="tilt",
        get_height="h", great_circle=False, pickable=True, auto_highlight=True))
    for c in crossings:
        if c["n"] and (view_iso3 is None or view_iso3 in (c.get("iso3_a"), c.get("iso3_b"))):
            view_lats.append(c["lat"])
            view_lons.append(c["lon"])

    crossing_data = [{**c, "fill": CROSSING_FILL if c["n"] else CROSSING_EMPTY_FILL,
                      "lw": 4 if c["sel"] else 2} for c in crossings]
    layers.append(pdk.Layer(
        "ScatterplotLayer", data=crossing_data, id="crossings", get_position=["lon", "lat"], get_radius="r",
        radius_units=PIXELS, get_fill_color="fill", get_line_color=SELECTED_LINE, stroked=True,
        line_width_units=PIXELS, get_line_width="lw", pickable=True, auto_highlight=True))

    if points:
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=points, id="records", get_position=["lon", "lat"], get_radius=4,
            radius_units=PIXELS, get_fill_color="c", get_line_color=[255, 255, 255, 230], stroked=True,
            line_width_units=PIXELS, get_line_width=1, pickable=True))

    if not view_lats:
        for arc in arcs:
            for lon, lat in (arc["from"], arc["to"]):
                view_lons.append(lon)
                view_lats.append(lat)
    if view_lats:
        # Room for the largest bubble in view and the label line under it.
        biggest = max((a.get("r", 0) for a in areas if view_iso3 is None or a.get("iso3") == view_iso3), default=0)
        view = fit_view(view_lats, view_lons, width=width, height=height, padding=0.08, margin_px=biggest + 20)
    else:
        view = fit_view(*_bounds_of(admin0), width=width, height=height)

    # Labels: what is selected first, then the countries, then crossings and areas in turn by
    # incidents; each is placed clear of the ones before it (place_labels).
    def in_view(iso3s: Iterable[Any]) -> bool:
        return view_iso3 is None or view_iso3 in set(iso3s)

    area_rows: list[dict[str, Any]] = []
    if not cells:
        shown = [a for a in areas if a["sel"] or (a["n"] > 0 and in_view([a.get("iso3")]))]
        shown = sorted(shown, key=lambda a: (not a["sel"], -a["n"]))[:area_labels]
        area_rows = [{"layer": "area_labels", "text": _plain_text(a["label"]), "lon": a["lon"], "lat": a["lat"],
                      "size": AREA_LABEL_SIZE, "sel": a["sel"],
                      "r": 0 if area_polygons else (_radius(a["n"], top_area) if a["n"] > 0 else MIN_RADIUS_PX)}
                     for a in shown]
    named = [c for c in crossings if c["sel"] or (c["n"] > 0 and in_view([c.get("iso3_a"), c.get("iso3_b")]))]
    clusters = sorted(merge_close_crossings(named, view.zoom), key=lambda c: (not c["sel"], -c["n"]))
    crossing_rows = [{**c, "layer": "crossing_labels", "size": CROSSING_LABEL_SIZE}
                     for c in clusters[:crossing_labels]]
    country_rows = [{"layer": "country_labels", "text": name, "lon": lon, "lat": lat, "size": COUNTRY_LABEL_SIZE,
                     "r": 0, "sel": False} for lon, lat, name in (country_labels or {}).values()]
    turns = [row for pair in itertools.zip_longest(crossing_rows, area_rows) for row in pair if row]
    ordered = ([row for row in turns if row["sel"]] + country_rows + [row for row in turns if not row["sel"]])
    symbols = [(c["lon"], c["lat"], float(c["r"])) for c in crossing_data]
    if not cells and not area_polygons:
        symbols += [(a["lon"], a["lat"], _radius(a["n"], top_area) if a["n"] > 0 else MIN_RADIUS_PX) for a in areas]
    placed = place_labels(ordered, view.zoom, symbols)
    for layer_id, size, background in (("country_labels", COUNTRY_LABEL_SIZE, False),
                                       ("area_labels", AREA_LABEL_SIZE, True),
                                       ("crossing_labels", CROSSING_LABEL_SIZE, True)):
        rows = [{k: row[k] for k in ("text", "lon", "lat", "anchor", "baseline", "dx", "dy")}
                for row in placed if row["layer"] == layer_id]
        if rows:
            layers.append(_label_layer(rows, layer_id, size, background=background))

    return CompactDeck(
        layers=layers, initial_view_state=view, map_provider=None,
        tooltip={"html": CROSS_BORDER_TOOLTIP, "style": dict(TOOLTIP_STYLE)},
    )
