"""Names on a map that do not print over each other, and the TextLayer that draws them.

deck.gl draws every label where it is told, even on top of another one: near Goma two crossings
2 km apart, a province and a country name ended up printed over each other. Labels are therefore
placed here, in screen pixels at the map's first zoom (a zoom fixes the scale whatever the width of
the chart): each label takes the first free position around its symbol (below, above, right, left,
diagonals) that covers the fewest other symbols, and a label with no free position is left out (its
tooltip still names it). Every map deck uses it (mapdecks.py, crossborder/decks.py).
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pydeck as pdk
from pydeck.types import String

# Arial's metrics first (Liberation Sans is metric-compatible on Linux): labels are placed from these
# widths (place_labels). Streamlit's own "Source Sans" is not available to deck.gl's canvas font
# atlas anyway.
FONT_FAMILY = "Arial, 'Liberation Sans', 'Helvetica Neue', Helvetica, sans-serif"
LABEL_BACKGROUND = [255, 255, 255, 210]
COUNTRY_LABEL_OPACITY = 0.75     # black names at 75 %: grey, quieter than the data labels
# pydeck turns any plain string argument into a data accessor ("@@=pixels"); constant
# strings must be wrapped, or deck.gl silently falls back to metres.
PIXELS = String("pixels")
# deck.gl's world is 512 px wide at zoom 0.
WORLD_PX = 512.0


def mercator_y(lat: float) -> float:
    phi = math.radians(lat)
    return math.log(math.tan(math.pi / 4 + phi / 2))


def inverse_mercator_y(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


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


def project(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web-Mercator pixels at ``zoom`` (deck.gl's MapView: 512 px for the world at zoom 0)."""
    scale = WORLD_PX * 2 ** zoom
    lat = max(-85.0, min(85.0, lat))
    return (lon + 180.0) / 360.0 * scale, (1 - mercator_y(lat) / math.pi) / 2 * scale


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
        vx, vy = project(view[0], view[1], zoom)
        frame = (vx - view[2] / 2, vy - view[3] / 2, vx + view[2] / 2, vy + view[3] / 2)
    circles = []
    for lon, lat, radius in symbols:
        cx, cy = project(lon, lat, zoom)
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
        x, y = project(label["lon"], label["lat"], zoom)
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


def label_layer(rows: list[dict[str, Any]], layer_id: str, size: int, background: bool = True) -> pdk.Layer:
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
