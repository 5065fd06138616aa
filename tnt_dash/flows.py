"""Cross-border flows: corridor queries, map layers' data, selection handlers, the Sankey.

(filters, profile) in, small frames out, exactly like queries.py: every query scopes its
rows with queries.scope(), so the access profile is applied here and nowhere else. The
cross-border map page (pages/map.py) and `python -m tnt_dash export corridors` call the
same functions.

A *focus* is what the viewer clicked on the map: a corridor (origin → destination), an
admin-1 area or a border crossing. It narrows the rest of the page and travels in the URL
(``?map_focus=corridor:COD>RWA``); it is validated here before it reaches SQL, where it is
bound as a parameter like any filter value.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from . import queries, stats
from .access import Profile
from .filters import Filters
from .i18n import I18n, N_
from .queries import KPI_SQL, _df, _lang, scope
from .figures import figure
from .maps import OKABE_ITO

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

# --- The focus (map selection) ---------------------------------------------------------------

FOCUS_PARAM = "map_focus"          # the page's own query-parameter key
FOCUS_KINDS = ("corridor", "area", "crossing")
# Map layer id -> focus kind. Layers not listed (labels, hexagons, records) select nothing.
LAYER_FOCUS = {"flows": "corridor", "areas": "area", "crossings": "crossing"}
_ISO3 = re.compile(r"^[A-Z]{3}$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.~-]{0,31}$")


@dataclass(frozen=True)
class Focus:
    kind: str          # corridor | area | crossing
    code: str          # "COD>RWA" for a corridor, an admin-1 or crossing code otherwise

    def __post_init__(self) -> None:
        if self.kind not in FOCUS_KINDS:
            raise ValueError(f"unknown map selection kind {self.kind!r}")
        if self.kind == "corridor":
            parts = self.code.split(">")
            if len(parts) != 2 or not all(_ISO3.match(p) for p in parts):
                raise ValueError(f"a corridor is two ISO3 codes such as COD>RWA, not {self.code!r}")
        elif not _CODE.match(self.code):
            raise ValueError(f"not a valid {self.kind} code: {self.code!r}")

    @property
    def param(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def ends(self) -> tuple[str, str]:
        origin, destination = self.code.split(">")
        return origin, destination


def focus_from_param(value: Any) -> Focus | None:
    """The focus in a URL value, or None for a missing or hand-edited value that makes no sense."""
    if not isinstance(value, str) or ":" not in value:
        return None
    kind, _, code = value.partition(":")
    try:
        return Focus(kind.strip(), code.strip())
    except ValueError:
        return None


def focus_from_selection(selection: Any) -> Focus | None:
    """The focus a pydeck selection state points to (``{"objects": {layer_id: [obj]}}``).

    Each selectable object carries a ``key`` (GeoJSON features: in ``properties``) written by
    this module; it is validated again here because the browser sends it back.
    """
    if not selection:
        return None
    objects = selection.get("objects") if hasattr(selection, "get") else None
    for layer_id, kind in LAYER_FOCUS.items():
        items = (objects or {}).get(layer_id) or []
        for item in items:
            if not isinstance(item, dict):
                continue
            key = item.get("key")
            if key is None and isinstance(item.get("properties"), dict):
                key = item["properties"].get("key")
            focus = focus_from_param(key)
            if focus is not None and focus.kind == kind:
                return focus
    return None


def selection_signature(selection: Any) -> str:
    """A stable text for a selection state, to tell a new click from a rerun."""
    if not selection:
        return ""
    indices = selection.get("indices") if hasattr(selection, "get") else None
    return "|".join(f"{k}:{sorted(v)}" for k, v in sorted((indices or {}).items()) if v)


def resolve_focus(url_value: Any, selection: Any, last_signature: str | None) -> tuple[Focus | None, str, bool]:
    """Which focus the page shows: (focus, signature to remember, whether the URL must change).

    A new click on the map wins (an empty click clears the focus); otherwise the URL
    holds it, so a shared link reproduces the view although the chart starts unselected.
    """
    signature = selection_signature(selection)
    url_focus = focus_from_param(url_value)
    if last_signature is not None and signature != last_signature:
        clicked = focus_from_selection(selection)
        changed = (clicked.param if clicked else None) != (url_focus.param if url_focus else None)
        return clicked, signature, changed
    # A hand-edited, invalid value is dropped from the URL rather than kept.
    return url_focus, signature, url_value is not None and url_focus is None


def focus_sql(focus: Focus | None, alias: str = "i") -> tuple[str, list]:
    if focus is None:
        return "TRUE", []
    if focus.kind == "corridor":
        return f"{alias}.origin_iso3 = ? AND {alias}.destination_iso3 = ?", list(focus.ends)
    column = {"area": "admin1_code", "crossing": "crossing_code"}[focus.kind]
    return f"{alias}.{column} = ?", [focus.code]


def _where(filters: Filters, profile: Profile, focus: Focus | None = None, alias: str = "i") -> tuple[str, list]:
    where, params = scope(filters, profile, alias)
    fsql, fparams = focus_sql(focus, alias)
    # On a host State's screen only the flows it is an end or the transit of (access.Profile.flow_where).
    return f"{where} AND ({fsql}) AND ({profile.flow_where(alias)})", [*params, *fparams]


def focus_label(con, focus: Focus, lang: str) -> str:
    """The focus in words, from reference labels (names, never codes alone)."""
    if focus.kind == "corridor":
        names = queries.labels(con, "countries", lang)
        origin, destination = focus.ends
        return f"{names.get(origin, origin)} → {names.get(destination, destination)}"
    if focus.kind == "area":
        return queries.labels(con, "admin1", lang).get(focus.code, focus.code)
    row = _df(con, "SELECT name FROM border_crossings WHERE code = ?", [focus.code])
    return row["name"].iloc[0] if len(row) else focus.code


# --- Queries -----------------------------------------------------------------------------------

def flow_totals(con, filters: Filters, profile: Profile, lang: str, focus: Focus | None = None) -> pd.DataFrame:
    """Cross-border incidents per origin, transit (may be null), destination, market family and
    the territory where they were recorded (``recorded_in``), with the mean of the recorded
    admin-1 centroids (``lat``, ``lon``: never finer than admin-1, for any profile). The map
    anchors that end of an arc there, near the border where the activity is, rather than in
    the middle of a large country.
    """
    col = _lang(lang)
    where, params = _where(filters, profile, focus)
    # Counted per admin-1 unit first: the centroid mean is then weighted by those counts, and the
    # label joins touch a few hundred cells instead of every incident.
    return _df(con, f"""
        WITH agg AS (
            SELECT i.origin_iso3 AS origin, i.transit_iso3 AS transit, i.destination_iso3 AS destination,
                   i.market, i.iso3 AS recorded_in, i.admin1_code, count(*) AS n
            FROM incidents i
            WHERE {where} AND i.cross_border AND i.origin_iso3 IS NOT NULL AND i.destination_iso3 IS NOT NULL
            GROUP BY ALL)
        SELECT agg.origin, agg.transit, agg.destination, m.family, co.name_{col} AS origin_label,
               ct.name_{col} AS transit_label, cd.name_{col} AS destination_label, agg.recorded_in,
               round(sum(agg.n * a.lat) / sum(agg.n) FILTER (WHERE a.lat IS NOT NULL), 3) AS lat,
               round(sum(agg.n * a.lon) / sum(agg.n) FILTER (WHERE a.lon IS NOT NULL), 3) AS lon,
               sum(agg.n)::BIGINT AS incidents
        FROM agg JOIN markets m ON m.code = agg.market
        LEFT JOIN admin1_named a ON a.code = agg.admin1_code
        LEFT JOIN countries co ON co.iso3 = agg.origin
        LEFT JOIN countries ct ON ct.iso3 = agg.transit
        LEFT JOIN countries cd ON cd.iso3 = agg.destination
        GROUP BY ALL ORDER BY incidents DESC, agg.origin, agg.destination, agg.transit NULLS FIRST, m.family""",
               params)


def _weeks(con, filters: Filters, profile: Profile) -> tuple[date, date] | None:
    """First and last Monday of the weeks the period touches (queries.period)."""
    dates = queries.period(con, filters, profile)
    return None if dates is None else (queries.week_start(dates[0]), queries.week_start(dates[1]))


def corridors(con, filters: Filters, profile: Profile, lang: str, focus: Focus | None = None,
              markets_shown: int = 3) -> pd.DataFrame:
    """Origin → destination pairs ranked by incidents, with victims, main markets and the
    weekly series behind the trend test (``weekly``: counts per ISO week, oldest first).

    A week that is only partly inside the period still counts as a week; the trend test
    reads the shape of the series, not the level of its ends.
    """
    col = _lang(lang)
    where, params = _where(filters, profile, focus)
    weeks = _weeks(con, filters, profile)
    if weeks is None:     # nothing in scope at all
        weeks = (date.today(), date.today())
    # One pass over the incidents (a materialised CTE) into counts per corridor, market and ISO
    # week; the ranking, the main markets and the weekly series all come from those few cells.
    frame = _df(con, f"""
        WITH cells AS MATERIALIZED (
            SELECT i.origin_iso3 AS origin, i.destination_iso3 AS destination, i.market,
                   date_trunc('week', i.date_occurred)::DATE AS week, {KPI_SQL}
            FROM incidents i WHERE {where} AND i.cross_border
              AND i.origin_iso3 IS NOT NULL AND i.destination_iso3 IS NOT NULL
            GROUP BY ALL),
        per_market AS (SELECT origin, destination, market, sum(incidents) AS n FROM cells GROUP BY ALL),
        ranked AS (
            SELECT p.*, m.label_{col} AS label,
                   row_number() OVER (PARTITION BY origin, destination ORDER BY n DESC, p.market) AS rank
            FROM per_market p JOIN markets m ON m.code = p.market),
        top AS (
            SELECT origin, destination, string_agg(label, ', ' ORDER BY rank) AS main_markets
            FROM ranked WHERE rank <= ? GROUP BY ALL),
        totals AS (
            SELECT origin, destination, sum(incidents)::BIGINT AS incidents, sum(victims)::BIGINT AS victims,
                   sum(women_children)::BIGINT AS women_children
            FROM cells GROUP BY ALL),
        weeks AS (SELECT unnest(generate_series(?::DATE, ?::DATE, INTERVAL 7 DAY))::DATE AS week),
        per_week AS (SELECT origin, destination, week, sum(incidents) AS n FROM cells GROUP BY ALL),
        series AS (
            SELECT t.origin, t.destination, list(coalesce(pw.n, 0)::BIGINT ORDER BY w.week) AS weekly
            FROM totals t CROSS JOIN weeks w
            LEFT JOIN per_week pw ON pw.origin = t.origin AND pw.destination = t.destination AND pw.week = w.week
            GROUP BY ALL)
        SELECT t.origin, t.destination, co.name_{col} AS origin_label, cd.name_{col} AS destination_label,
               t.incidents, t.victims, t.women_children, top.main_markets, series.weekly
        FROM totals t JOIN top USING (origin, destination) JOIN series USING (origin, destination)
        LEFT JOIN countries co ON co.iso3 = t.origin LEFT JOIN countries cd ON cd.iso3 = t.destination
        ORDER BY t.incidents DESC, t.origin, t.destination""", [*params, int(markets_shown), weeks[0], weeks[1]])
    frame["weekly"] = [[int(n) for n in weekly] for weekly in frame["weekly"]]
    return frame


def crossing_totals(con, filters: Filters, profile: Profile, focus: Focus | None = None) -> pd.DataFrame:
    """Every border crossing in the reference table with its incidents (zero included)."""
    where, params = _where(filters, profile, focus)
    return _df(con, f"""
        SELECT b.code, b.name, b.lat, b.lon, b.iso3_a, b.iso3_b, coalesce(n.incidents, 0) AS incidents
        FROM border_crossings b LEFT JOIN (
            SELECT i.crossing_code, count(*) AS incidents FROM incidents i
            WHERE {where} AND i.crossing_code IS NOT NULL GROUP BY 1) n ON n.crossing_code = b.code
        ORDER BY incidents DESC, b.code""", params)


def area_totals(con, filters: Filters, profile: Profile, lang: str, focus: Focus | None = None) -> pd.DataFrame:
    """Incidents per admin-1 area (centroids only), with the share that crossed a border."""
    col = _lang(lang)
    where, params = _where(filters, profile, focus)
    return _df(con, f"""
        WITH agg AS (
            SELECT i.admin1_code, i.iso3, count(*) AS incidents, count(*) FILTER (WHERE i.cross_border) AS cross_border
            FROM incidents i WHERE {where} AND i.admin1_code IS NOT NULL AND i.iso3 IS NOT NULL GROUP BY ALL)
        SELECT agg.admin1_code, a.name_{col} AS admin1_label, c.name_{col} AS country_label, agg.iso3,
               a.lat, a.lon, agg.incidents, agg.cross_border
        FROM agg JOIN admin1_named a ON a.code = agg.admin1_code JOIN countries c ON c.iso3 = agg.iso3
        ORDER BY agg.incidents DESC, agg.admin1_code""", params)


def market_totals(con, filters: Filters, profile: Profile, lang: str, focus: Focus | None = None) -> pd.DataFrame:
    col = _lang(lang)
    where, params = _where(filters, profile, focus)
    return _df(con, f"""
        SELECT i.market, m.label_{col} AS market_label, m.family, count(*) AS incidents
        FROM incidents i JOIN markets m ON m.code = i.market
        WHERE {where} GROUP BY ALL ORDER BY incidents DESC, i.market""", params)


# Hexagon edge length in degrees of Web-Mercator x: about 40 km at the equator, 30 km in Kosovo.
HEX_SIZE = 0.35
HEX_CELLS_CAP = 3000


def hex_cells(con, filters: Filters, profile: Profile, size: float = HEX_SIZE) -> pd.DataFrame:
    """Incidents binned into pointy-top hexagons of Web-Mercator space: (q, r) axial cell, count.

    H3 is not available, so the binning is done in SQL with cube rounding (Red Blob Games,
    "Hexagonal Grids"). Under a profile without exact coordinates every record is placed at
    its admin-1 centroid first, so no cell is ever finer than admin-1 for that viewer.
    """
    if not 0.01 <= float(size) <= 5:
        raise ValueError("hexagon size must be between 0.01 and 5 degrees")
    where, params = scope(filters, profile)
    if profile.exact_coordinates:
        lat, lon = "coalesce(i.lat, a.lat)", "coalesce(i.lon, a.lon)"
    else:
        lat, lon = "a.lat", "a.lon"
    return _df(con, f"""
        WITH pts AS (
            SELECT {lon} AS x, degrees(ln(tan(pi() / 4 + radians({lat}) / 2))) AS y, i.cross_border
            FROM incidents i LEFT JOIN admin1_named a ON a.code = i.admin1_code
            WHERE {where} AND {lat} IS NOT NULL AND {lon} IS NOT NULL AND abs({lat}) < 85),
        frac AS (SELECT (sqrt(3) / 3 * x - y / 3) / ? AS fq, (2.0 / 3 * y) / ? AS fr, cross_border FROM pts),
        cube AS (SELECT fq, fr, -fq - fr AS fs, round(fq) AS rq, round(fr) AS rr, round(-fq - fr) AS rs,
                        cross_border FROM frac),
        axial AS (
            SELECT CASE WHEN abs(rq - fq) > abs(rr - fr) AND abs(rq - fq) > abs(rs - fs) THEN -rr - rs
                        ELSE rq END::INTEGER AS q,
                   CASE WHEN abs(rq - fq) > abs(rr - fr) AND abs(rq - fq) > abs(rs - fs) THEN rr
                        WHEN abs(rr - fr) > abs(rs - fs) THEN -rq - rs
                        ELSE rr END::INTEGER AS r,
                   cross_border
            FROM cube)
        SELECT q, r, count(*) AS incidents, count(*) FILTER (WHERE cross_border) AS cross_border
        FROM axial GROUP BY q, r ORDER BY incidents DESC, q, r LIMIT ?""",
               [*params, float(size), float(size), HEX_CELLS_CAP])


def hex_polygon(q: int, r: int, size: float = HEX_SIZE) -> list[list[float]]:
    """The six corners (lon, lat) of axial cell (q, r), back from Web-Mercator degrees."""
    x = size * math.sqrt(3) * (q + r / 2)
    y = size * 1.5 * r
    corners = []
    for k in range(6):
        angle = math.radians(60 * k + 30)
        cy = y + size * math.sin(angle)
        lat = math.degrees(2 * math.atan(math.exp(math.radians(cy))) - math.pi / 2)
        corners.append([round(x + size * math.cos(angle), 3), round(lat, 3)])
    return corners


RECORDS_CAP = 300


def record_points(con, filters: Filters, profile: Profile, lang: str, limit: int = RECORDS_CAP) -> pd.DataFrame:
    """The most recent individual records with a located position, capped; nothing at all for
    a profile that may not see exact coordinates."""
    col = _lang(lang)
    columns = ["incident_id", "date_occurred", "market_label", "family", "place", "lat", "lon"]
    if not profile.exact_coordinates:
        return pd.DataFrame(columns=columns)
    where, params = scope(filters, profile)
    limit = max(1, min(int(limit), RECORDS_CAP))
    return _df(con, f"""
        SELECT i.incident_id, i.date_occurred, m.label_{col} AS market_label, m.family, i.place, i.lat, i.lon
        FROM incidents i JOIN markets m ON m.code = i.market
        WHERE {where} AND i.lat IS NOT NULL AND i.lon IS NOT NULL AND i.geo_precision IN (1, 2)
        ORDER BY i.date_occurred DESC, i.incident_id LIMIT ?""", [*params, limit])


def busiest_territory(areas: pd.DataFrame) -> str | None:
    """The territory with the most incidents in an ``area_totals`` frame: the map's first view,
    since one mission's borders read clearly where every mission at once would not."""
    if areas.empty:
        return None
    totals = areas.groupby("iso3")["incidents"].sum()
    return str(totals.sort_values(ascending=False, kind="stable").index[0])


def map_countries(con, filters: Filters, profile: Profile) -> tuple[str, ...]:
    """Countries the map must outline: where incidents happened and where flows start, pass or end."""
    where, params = scope(filters, profile)
    frame = _df(con, f"""
        SELECT DISTINCT code FROM (
            SELECT unnest([i.iso3, i.origin_iso3, i.transit_iso3, i.destination_iso3]) AS code
            FROM incidents i WHERE {where}) WHERE code IS NOT NULL ORDER BY code""", params)
    return tuple(frame["code"])


def operations_areas(con, iso3s: tuple[str, ...]) -> dict[str, Any] | None:
    """The missions' areas of operations in these countries, one outline each (geo.py), read
    through a cursor of its own."""
    from . import geo

    cur = con.cursor()
    try:
        return geo.operations_area_outlines(cur, iso3s)
    finally:
        cur.close()


def area_polygons(con, iso3s: tuple[str, ...]) -> dict[str, Any] | None:
    """Imported admin-1 boundaries of these countries, read through a cursor of its own
    (the page's root connection is shared between sessions)."""
    from . import geo

    cur = con.cursor()
    try:
        return geo.boundaries_geojson(cur, "adm1", iso3s)
    finally:
        cur.close()


# --- Trend in words ----------------------------------------------------------------------------

def trend_code(weekly: list[int]) -> tuple[str, float]:
    """("rising" | "falling" | "none" | "insufficient", Sen's slope per week)."""
    if len(weekly) < stats.MIN_TREND_POINTS:
        return "insufficient", math.nan
    result = stats.mann_kendall(weekly)
    return ("insufficient" if result.insufficient else result.direction), result.sen_slope


def trend_words(code: str, slope: float, t: I18n) -> str:
    """The Mann-Kendall verdict in words, with Sen's slope when it is not zero."""
    _ = t.gettext
    if code in ("rising", "falling"):
        if not math.isfinite(slope) or abs(slope) < 0.005:
            return _("Rising") if code == "rising" else _("Falling")
        amount = t.number(abs(slope), 2 if abs(slope) < 1 else 1)
        if code == "rising":
            return _("Rising (about {slope} more incidents a week)").format(slope=amount)
        return _("Falling (about {slope} fewer incidents a week)").format(slope=amount)
    if code == "none":
        return _("No clear trend")
    return _("Too few weeks to tell")


# --- Map data (plain records for maps.cross_border_deck) ---------------------------------------

def _tip(title: str, lines: list[str]) -> dict[str, str]:
    """Tooltip fields for maps.CROSS_BORDER_TOOLTIP, as plain text: Streamlit HTML-escapes every value it
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


# --- Figures -----------------------------------------------------------------------------------

def sankey_figure(flows: pd.DataFrame, title: str, labels: dict[str, str], height: int = 560,
                  separators: str = ".,", max_links: int = 24) -> go.Figure:
    """Origin → transit → destination. A country may appear in two columns (Haiti sends and
    receives), so nodes are per column; flows with no transit go straight across.

    ``labels`` maps "origin", "transit", "destination" and "incidents" to translated words.
    Only the ``max_links`` largest links are drawn: beyond about two dozen, the labels of a
    Sankey overlap on a projector; the corridor table lists every corridor.
    """
    traces = []
    if not flows.empty:
        legs: dict[tuple[str, str], float] = {}
        for row in flows.itertuples(index=False):
            transit = row.transit_label if isinstance(row.transit, str) else None
            stops = [("o", row.origin_label), *([("t", transit)] if transit else []), ("d", row.destination_label)]
            for start, end in zip(stops, stops[1:]):
                legs[(start, end)] = legs.get((start, end), 0) + float(row.incidents)
        ranked = sorted(legs.items(), key=lambda kv: -kv[1])[:max_links]
        nodes: list[tuple[str, str]] = []
        for (start, end), _ in ranked:
            for node in (start, end):
                if node not in nodes:
                    nodes.append(node)
        index = {node: n for n, node in enumerate(nodes)}
        role = {"o": labels["origin"], "t": labels["transit"], "d": labels["destination"]}
        colours = {"o": "#0072B2", "t": "#E69F00", "d": "#009E73"}
        traces.append(dict(
            type="sankey", arrangement="snap",
            node={"label": [name for _, name in nodes], "pad": 14, "thickness": 18,
                  "color": [colours[c] for c, _ in nodes],
                  "customdata": [role[c] for c, _ in nodes],
                  "hovertemplate": "%{label} (%{customdata}): %{value:,.0f} " + labels["incidents"]
                                   + "<extra></extra>"},
            link={"source": [index[s] for (s, _), _ in ranked], "target": [index[e] for (_, e), _ in ranked],
                  "value": [v for _, v in ranked], "color": "rgba(120,120,120,0.35)",
                  "hovertemplate": "%{source.label} → %{target.label}: %{value:,.0f} " + labels["incidents"]
                                   + "<extra></extra>"},
            valueformat=",.0f",
        ))
    return figure(traces, dict(
        title={"text": title, "font": {"size": 20}, "x": 0, "xanchor": "left"},
        font={"size": 16}, height=height, margin={"l": 10, "r": 10, "t": 56, "b": 30},
        paper_bgcolor="rgba(0,0,0,0)", separators=separators,
        annotations=[
            {"text": f"<b>{labels['origin']}</b>", "x": 0, "y": -0.06, "xref": "paper", "yref": "paper",
             "showarrow": False, "xanchor": "left", "font": {"size": 15}},
            {"text": f"<b>{labels['transit']}</b>", "x": 0.5, "y": -0.06, "xref": "paper", "yref": "paper",
             "showarrow": False, "xanchor": "center", "font": {"size": 15}},
            {"text": f"<b>{labels['destination']}</b>", "x": 1, "y": -0.06, "xref": "paper", "yref": "paper",
             "showarrow": False, "xanchor": "right", "font": {"size": 15}},
        ],
    ))


# --- The corridor table (page and export) ------------------------------------------------------

CORRIDOR_HEADERS = {
    "corridor": N_("Corridor (origin → destination)"),
    "incidents": N_("Incidents"),
    "trend": N_("Weekly trend"),
    "main_markets": N_("Main markets"),
    "victims": N_("Victims"),
    "women_children": N_("Women and children victims"),
}


def corridor_table(con, filters: Filters, profile: Profile, t: I18n, destination: str = "screen",
                   focus: Focus | None = None) -> pd.DataFrame:
    """The ranked corridor table with translated headers, victims protected for `destination`."""
    from .presented import protect_victims

    frame = corridors(con, filters, profile, t.lang, focus)
    frame = protect_victims(frame, profile, destination)
    trends = [trend_code(weekly) for weekly in frame["weekly"]]
    frame["trend"] = [trend_words(code, slope, t) for code, slope in trends]
    frame["corridor"] = [f"{o} → {d}" for o, d in zip(frame["origin_label"].fillna(frame["origin"]),
                                                       frame["destination_label"].fillna(frame["destination"]))]
    return frame[list(CORRIDOR_HEADERS)].rename(columns={k: t.gettext(v) for k, v in CORRIDOR_HEADERS.items()})


def corridors_view(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export"):
    """Export view "corridors": the map page's corridor table."""
    from .presented import View

    return View("corridors", t.gettext("Cross-border corridors (origin → destination)"),
                corridor_table(con, filters, profile, t, destination=destination))


def period_text(filters: Filters, t: I18n) -> str:
    if filters.date_from and filters.date_to:
        return t.gettext("{start} to {end}").format(start=t.date(filters.date_from), end=t.date(filters.date_to))
    return t.gettext("all dates")


__all__ = ["Focus", "focus_from_param", "focus_from_selection", "resolve_focus", "corridors", "flow_totals",
           "crossing_totals", "area_totals", "hex_cells", "record_points", "sankey_figure", "corridors_view"]


# --- The whole map, from cached frames ---------------------------------------------------------

MAP_MODES = ("areas", "hexagons")


def build_map(admin0: dict[str, Any], *, areas: pd.DataFrame, flows: pd.DataFrame, crossings: pd.DataFrame,
              t: I18n, focus: Focus | None = None, mode: str = "areas",
              area_polygons: dict[str, Any] | None = None, cells: pd.DataFrame | None = None,
              points: pd.DataFrame | None = None, country_names: dict[str, str] | None = None,
              view_iso3: str | None = None, width: int = 860, height: int = 620,
              operations_areas: dict[str, Any] | None = None):
    """The cross-border Deck from the frames the query functions above return."""
    from . import maps

    if mode not in MAP_MODES:
        raise ValueError(f"unknown map mode {mode!r}")
    anchors = country_anchors(admin0)
    labels = {code: (lon, lat, country_names[code]) for code, (lon, lat) in anchors.items()
              if country_names and code in country_names}
    return maps.cross_border_deck(
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


def legend_html(flows: pd.DataFrame, t: I18n, mode: str, has_polygons: bool,
                has_operations_areas: bool = False) -> str:
    """The map legend as HTML swatches: arc colour = market family, arc width = volume."""
    _ = t.gettext
    present = [f for f in FAMILIES if not flows.empty and f in set(flows["family"])]
    swatches = " ".join(
        f"<span style='white-space:nowrap;margin-right:1.1em'><span style='display:inline-block;width:1.6em;"
        f"height:.55em;vertical-align:middle;border-radius:.2em;background:rgb{FAMILY_COLOURS[f]}'></span> "
        f"{html.escape(_(FAMILY_LABELS[f]))}</span>" for f in present)
    heading = html.escape(_("Arc colour: criminal market"))
    parts = [f"<b>{heading}</b><br/>{swatches}"]
    if not flows.empty:
        per_arc = flows["incidents"]
        parts.append(html.escape(_("Arc width: incidents on the corridor for that market, from {low} (thinnest) "
                                   "to {high} (thickest). Arcs run from the country of origin to the "
                                   "destination, through the transit country where known; each arc is pale "
                                   "where it starts and darkest where it arrives.").format(
            low=t.number(per_arc.min()), high=t.number(per_arc.max()))))
    if mode == "hexagons":
        place = _("Grey hexagons: incidents in each cell (darker = more).")
    elif has_polygons:
        place = _("Grey areas: incidents in each admin-1 area (darker = more).")
    else:
        place = _("Grey circles: incidents in each admin-1 area, at its centre (larger = more). "
                  "Import admin-1 boundaries to see areas instead.")
    parts.append(html.escape(place))
    parts.append(html.escape(_("White circles: border crossings, sized by the incidents recorded there.")))
    if has_operations_areas:
        parts.append(html.escape(_("Dark blue line: the missions' areas of operations.")))
    return "<div style='font-size:1.05rem;line-height:1.7'>" + "<br/>".join(parts) + "</div>"
