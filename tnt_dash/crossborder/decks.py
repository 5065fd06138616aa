"""The cross-border map's deck: country outlines, incidents by place (admin-1 polygons, admin-1
bubbles or hexagons), arcs, border crossings and capped records, with their names placed clear of
each other. Plain records in (layers.py), ``pydeck.Deck`` out; the cyber page draws its own arcs with it.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import Any

import pydeck as pdk

from ..mapdecks import (ADMIN1_LINE, BUBBLE_LINE, MIN_RADIUS_PX, TOOLTIP_STYLE, CompactDeck, bounds_of, fit_view,
                        outline_layers, plain_text, radius_px)
from ..maplabels import PIXELS, WORLD_PX, inverse_mercator_y, label_layer, place_labels, project

# Colour is kept for criminal markets (the arcs); everything that shows a volume of incidents
# by place (areas, hexagons) is drawn in greys, so the two never compete on a projector.

VOLUME_GREYS = [(224, 224, 224), (189, 189, 189), (150, 150, 150), (115, 115, 115), (82, 82, 82)]
SELECTED_LINE = [0, 0, 0, 255]
CROSSING_FILL = [255, 255, 255, 245]
CROSSING_EMPTY_FILL = [255, 255, 255, 140]
AREA_BUBBLE_FILL = [90, 90, 90, 120]
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


def merge_close_crossings(crossings: list[dict[str, Any]], zoom: float) -> list[dict[str, Any]]:
    """One label for crossings whose circles touch at ``zoom``: "Goma / Gisenyi-Rubavu" over
    "Grande Barrière · Petite Barrière" rather than two long names printed on top of each other,
    and "Kasindi / Mpondwe (+3)" for different places that share a spot on a zoomed-out map.

    Each crossing has ``short`` (or ``name``), ``lon``, ``lat``, ``r`` and ``n``; the result
    keeps the order of the busiest member, with ``text``, the members' mean position, a radius
    that covers them all and ``n`` summed.
    """
    points = [(c, *project(c["lon"], c["lat"], zoom)) for c in crossings]
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
        names = [plain_text(c.get("short") or c["name"]) for c, _, _ in members]
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
        scale = WORLD_PX * 2 ** zoom
        lon = x / scale * 360.0 - 180.0
        lat = inverse_mercator_y(math.pi * (1 - 2 * y / scale))
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

    Records come ready from layers.py (*_records): every pickable object has the
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
        data = [{**a, "r": radius_px(a["n"], top_area) if a["n"] > 0 else MIN_RADIUS_PX,
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
        view = fit_view(*bounds_of(admin0), width=width, height=height)

    # Labels: what is selected first, then the countries, then crossings and areas in turn by
    # incidents; each is placed clear of the ones before it (place_labels).
    def in_view(iso3s: Iterable[Any]) -> bool:
        return view_iso3 is None or view_iso3 in set(iso3s)

    area_rows: list[dict[str, Any]] = []
    if not cells:
        shown = [a for a in areas if a["sel"] or (a["n"] > 0 and in_view([a.get("iso3")]))]
        shown = sorted(shown, key=lambda a: (not a["sel"], -a["n"]))[:area_labels]
        area_rows = [{"layer": "area_labels", "text": plain_text(a["label"]), "lon": a["lon"], "lat": a["lat"],
                      "size": AREA_LABEL_SIZE, "sel": a["sel"],
                      "r": 0 if area_polygons else (radius_px(a["n"], top_area) if a["n"] > 0 else MIN_RADIUS_PX)}
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
        symbols += [(a["lon"], a["lat"], radius_px(a["n"], top_area) if a["n"] > 0 else MIN_RADIUS_PX) for a in areas]
    placed = place_labels(ordered, view.zoom, symbols)
    for layer_id, size, background in (("country_labels", COUNTRY_LABEL_SIZE, False),
                                       ("area_labels", AREA_LABEL_SIZE, True),
                                       ("crossing_labels", CROSSING_LABEL_SIZE, True)):
        rows = [{k: row[k] for k in ("text", "lon", "lat", "anchor", "baseline", "dx", "dy")}
                for row in placed if row["layer"] == layer_id]
        if rows:
            layers.append(label_layer(rows, layer_id, size, background=background))

    return CompactDeck(
        layers=layers, initial_view_state=view, map_provider=None,
        tooltip={"html": CROSS_BORDER_TOOLTIP, "style": dict(TOOLTIP_STYLE)},
    )
