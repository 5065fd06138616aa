"""The cross-border map's SQL layer: corridors, flows, border crossings, areas, markets, hexagons and
records, (filters, profile) in and small frames out.

Every query scopes its rows with queries.scope(), so the access profile is applied here and nowhere
else; a focus (selection.py) narrows them as a bound parameter. The map page and `python -m tnt_dash
export corridors` call the same functions.
"""
from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from .. import geo, queries
from ..access import Profile
from ..filters import Filters
from ..queries import KPI_SQL, _df, _lang, scope
from .selection import Focus, focus_sql


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
    cur = con.cursor()
    try:
        return geo.operations_area_outlines(cur, iso3s)
    finally:
        cur.close()


def area_polygons(con, iso3s: tuple[str, ...]) -> dict[str, Any] | None:
    """Imported admin-1 boundaries of these countries, read through a cursor of its own
    (the page's root connection is shared between sessions)."""
    cur = con.cursor()
    try:
        return geo.boundaries_geojson(cur, "adm1", iso3s)
    finally:
        cur.close()
