"""The cross-border map's layers as plain records, from the frames corridors.py returns, and the
whole map assembled from them (decks.cross_border_deck draws it).

Every pickable record carries the tooltip fields of decks.CROSS_BORDER_TOOLTIP and, where a click
selects something, the ``key`` that selection.py reads back.
"""
from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from ..i18n import I18n, N_
from ..mapdecks import OKABE_ITO
from .corridors import HEX_SIZE, hex_polygon
from .decks import cross_border_deck
from .selection import Focus

# --- Market families and their colours ------------------------------------------------------

FAMILIES = ("drugs", "people", "arms", "resources", "cyber_financial", "other")
FAMILY_LABELS = {
    "drugs": N_("Drugs"),
    "people": N_("People (trafficking, smuggling, kidnapping)"),
    "arms": N_("Arms"),
    "resources": N_("Natural resources and wildlife"),
    "cyber_financial": N_("Cyber and financial crime"),
    "other": N_("Other markets"),
}
# Okabe–Ito hues (figures.PALETTE) that stay apart under colour-vision deficiencies and
# stand out against the light grey land of a basemap-free map; yellow is left out for that.
FAMILY_COLOURS = {
    "drugs": OKABE_ITO["blue"],
    "people": OKABE_ITO["vermillion"],
    "arms": OKABE_ITO["black"],
    "resources": OKABE_ITO["bluish_green"],
    "cyber_financial": OKABE_ITO["reddish_purple"],
    "other": OKABE_ITO["orange"],
}


# --- Map data (plain records for decks.cross_border_deck) --------------------------------------

def _tip(title: str, lines: list[str]) -> dict[str, str]:
    """Tooltip fields for decks.CROSS_BORDER_TOOLTIP, as plain text: Streamlit HTML-escapes every value it
    puts into the template (escaping here as well would show "&amp;" for "&")."""
    lines = [str(line) for line in lines if line]
    return {"tt": str(title), "ta": lines[0] if lines else "", "tb": " · ".join(lines[1:])}


# Anchors by (iso3, identity of the outline's geometry): geo.admin0_outlines hands out the same
# read-only features on every call, and building shapely polygons for them was an eighth of the
# map page's time on every rerun.
_ANCHORS: dict[tuple[str, int], tuple[float, float]] = {}


def country_anchors(admin0: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """(lon, lat) where a country's arcs start or end: a point inside its largest polygon, so
    a country with islands or a curved shape never anchors its arcs at sea or abroad."""
    from shapely.geometry import shape

    anchors = {}
    for feature in admin0.get("features", []):
        iso3 = feature["properties"]["iso3"]
        key = (iso3, id(feature["geometry"]))
        if key not in _ANCHORS:
            geom = shape(feature["geometry"])
            if geom.geom_type == "MultiPolygon":
                geom = max(geom.geoms, key=lambda g: g.area)
            point = geom.representative_point() if not geom.centroid.within(geom) else geom.centroid
            _ANCHORS[key] = (round(point.x, 3), round(point.y, 3))
        anchors[iso3] = _ANCHORS[key]
    return anchors


def arc_records(flows: pd.DataFrame, anchors: dict[str, tuple[float, float]], t: I18n,
                focus: Focus | None = None) -> list[dict[str, Any]]:
    """One arc per leg (origin → transit → destination, or origin → destination), market
    family and recording territory; the recording territory's end sits at its admin-1 mean.

    Width (pixels) tracks the corridor-and-family volume by area-like square root, so a
    doubled volume reads as a clearly thicker line without drowning the small flows.
    """
    _ = t.gettext
    if flows.empty:
        return []
    top = float(flows["incidents"].max()) or 1.0
    records = []
    for row in flows.itertuples(index=False):
        transit = row.transit if isinstance(row.transit, str) else None
        stops = [row.origin, transit, row.destination] if transit else [row.origin, row.destination]
        here = {}
        if isinstance(row.recorded_in, str) and pd.notna(row.lat) and pd.notna(row.lon):
            here[row.recorded_in] = (float(row.lon), float(row.lat))
        points = [here.get(code) or anchors.get(code) for code in stops]
        if any(p is None for p in points):
            continue
        key = f"corridor:{row.origin}>{row.destination}"
        route = " → ".join(label for label in (row.origin_label, row.transit_label if transit else None,
                                               row.destination_label) if isinstance(label, str))
        tip = _tip(route, [_(FAMILY_LABELS.get(row.family, "Other markets")),
                           _("Incidents: {n}").format(n=t.number(row.incidents))])
        width = round(2 + 16 * math.sqrt(row.incidents / top), 1)
        colour = FAMILY_COLOURS.get(row.family, FAMILY_COLOURS["other"])
        selected = focus is not None and focus.param == key
        dimmed = focus is not None and focus.kind == "corridor" and not selected
        alpha = 50 if dimmed else 235
        # Arcs lie flat on the map (tilt 90) and each family bows out by its own amount, so the
        # arcs of one corridor stay apart; the return direction bows to the other side.
        bow = round(0.06 + 0.045 * (FAMILIES.index(row.family) if row.family in FAMILIES else len(FAMILIES)), 3)
        for start, end in zip(points, points[1:]):
            records.append({
                **tip, "key": key, "w": width, "tilt": 90, "h": bow,
                # Pale where the leg starts, full colour where it ends: the direction is readable
                # without arrowheads, which deck.gl arcs do not have.
                "from": list(start), "to": list(end), "c": [*colour, alpha],
                "c0": [*colour, max(25, alpha // 4)],
            })
    records.sort(key=lambda r: -r["w"])   # thick first: thin arcs are drawn on top
    return records


def short_crossing_name(name: str) -> str:
    """"Kasindi (COD) / Mpondwe (UGA)" -> "Kasindi / Mpondwe": map labels must stay short."""
    bare = re.sub(r"\s*\([^)]*\)", "", str(name))
    sides = [side.strip() for side in bare.split(" / ") if side.strip()]
    if len(sides) == 2 and sides[0] == sides[1]:
        sides = sides[:1]
    return " / ".join(sides) or str(name)


def crossing_records(crossings: pd.DataFrame, t: I18n, focus: Focus | None = None,
                     countries: set[str] | None = None) -> list[dict[str, Any]]:
    """Crossings with incidents, and quiet ones on the borders of ``countries`` (where
    incidents were recorded): a quiet crossing far from any mission is only clutter."""
    _ = t.gettext
    if countries is not None:
        keep = (crossings["incidents"] > 0) | crossings["iso3_a"].isin(countries) | crossings["iso3_b"].isin(countries)
        crossings = crossings[keep]
    if crossings.empty:
        return []
    top = float(crossings["incidents"].max()) or 1.0
    records = []
    for row in crossings.itertuples(index=False):
        key = f"crossing:{row.code}"
        records.append({
            "key": key, "name": row.name, "short": short_crossing_name(row.name),
            "iso3_a": row.iso3_a, "iso3_b": row.iso3_b, "lat": round(float(row.lat), 3), "lon": round(float(row.lon), 3),
            "r": round(4 + 9 * math.sqrt(row.incidents / top), 1) if row.incidents else 3.0,
            "n": int(row.incidents), "sel": bool(focus is not None and focus.param == key),
            **_tip(row.name, [_("Border crossing"),
                              _("Incidents recorded at the crossing: {n}").format(n=t.number(row.incidents))]),
        })
    return records


def area_records(areas: pd.DataFrame, t: I18n, focus: Focus | None = None) -> list[dict[str, Any]]:
    _ = t.gettext
    records = []
    for row in areas.itertuples(index=False):
        key = f"area:{row.admin1_code}"
        records.append({
            "key": key, "code": row.admin1_code, "label": row.admin1_label, "iso3": row.iso3,
            "lat": round(float(row.lat), 3), "lon": round(float(row.lon), 3), "n": int(row.incidents),
            "sel": bool(focus is not None and focus.param == key),
            **_tip(f"{row.admin1_label} ({row.country_label})",
                   [_("Incidents: {n}").format(n=t.number(row.incidents)),
                    _("Of which cross-border: {n}").format(n=t.number(row.cross_border))]),
        })
    return records


def hex_records(cells: pd.DataFrame, t: I18n, size: float = HEX_SIZE) -> list[dict[str, Any]]:
    _ = t.gettext
    return [{"poly": hex_polygon(int(row.q), int(row.r), size), "n": int(row.incidents),
             **_tip(_("Hexagon of about {km} km across").format(km=t.number(round(size * 111 * math.sqrt(3)))),
                         [_("Incidents: {n}").format(n=t.number(row.incidents)),
                          _("Of which cross-border: {n}").format(n=t.number(row.cross_border))])}
            for row in cells.itertuples(index=False)]


def point_records(points: pd.DataFrame, t: I18n) -> list[dict[str, Any]]:
    _ = t.gettext
    records = []
    for row in points.itertuples(index=False):
        lines = [t.date(row.date_occurred), str(row.market_label)]
        if isinstance(row.place, str) and row.place:
            lines.append(row.place)
        records.append({"lat": round(float(row.lat), 4), "lon": round(float(row.lon), 4),
                        "c": [*FAMILY_COLOURS.get(row.family, FAMILY_COLOURS["other"]), 220],
                        **_tip(_("Record {id}").format(id=row.incident_id), lines)})
    return records


# --- The whole map, from cached frames ---------------------------------------------------------

MAP_MODES = ("areas", "hexagons")


def build_map(admin0: dict[str, Any], *, areas: pd.DataFrame, flows: pd.DataFrame, crossings: pd.DataFrame,
              t: I18n, focus: Focus | None = None, mode: str = "areas",
              area_polygons: dict[str, Any] | None = None, cells: pd.DataFrame | None = None,
              points: pd.DataFrame | None = None, country_names: dict[str, str] | None = None,
              view_iso3: str | None = None, width: int = 860, height: int = 620,
              operations_areas: dict[str, Any] | None = None):
    """The cross-border Deck from the frames the queries of corridors.py return."""
    if mode not in MAP_MODES:
        raise ValueError(f"unknown map mode {mode!r}")
    anchors = country_anchors(admin0)
    labels = {code: (lon, lat, country_names[code]) for code, (lon, lat) in anchors.items()
              if country_names and code in country_names}
    return cross_border_deck(
        admin0,
        arcs=arc_records(flows, anchors, t, focus),
        crossings=crossing_records(crossings, t, focus, set(areas["iso3"])),
        areas=area_records(areas, t, focus),
        area_polygons=area_polygons if mode == "areas" else None,
        cells=hex_records(cells, t) if mode == "hexagons" and cells is not None else None,
        points=point_records(points, t) if points is not None and not points.empty else None,
        country_labels=labels, view_iso3=view_iso3, width=width, height=height,
        operations_areas=operations_areas,
    )
