"""The model's inputs, aggregated in SQL: one row per area × market with its counts, its 7-day
series (for the trend), its reporting coverage and its country's GI-TOC context.

Inputs are scoped by `queries.kpi_scope(filters, profile)`, so the shared profile reads only
releasable, validated records. A period of whole ISO weeks without a grading filter reads the weekly
rollup (schemas 007 and 015 keep every count the model needs), any other the incidents; both give
the same frame (tests/test_queries.py).

Cyber records have no admin-1 area (DOMAIN.md: cybercrime not tied to a place). At admin-1 level
they are scored where they exist: their country, as a row of its own ("online, country-wide"), or
"transnational / online" when no country is recorded."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from .. import queries, stats
from ..access import Profile
from ..filters import Filters, default_period
from ..i18n import get as get_i18n
from ..model_inputs import MODEL_SUMS, MODEL_VALUES, NAMES_CORRIDOR, model_sums
from ..queries import VICTIMS, _df, _lang, _rows
from .params import AREA_LEVELS, ONLINE_AREA

CYBER_MARKET = "i.market IN (SELECT code FROM markets WHERE cyber <> 'none')"
_LEVEL_SQL = {   # column choices by whitelist only: (area key, area label)
    # An incident's area is where it occurred or, for a cyber incident, where its victims live
    # (filters.place); a cyber incident with neither is its country's online row.
    "adm1": (f"CASE WHEN {queries.PLACE} IS NOT NULL THEN {queries.PLACE} "
             f"WHEN {CYBER_MARKET} THEN coalesce(i.iso3, '{ONLINE_AREA}') END",
             "coalesce(a.name_{col}, c.name_{col})"),
    "country": (f"CASE WHEN i.iso3 IS NOT NULL THEN i.iso3 WHEN {CYBER_MARKET} THEN '{ONLINE_AREA}' END",
                "c.name_{col}"),
}


def period(con, filters: Filters, profile: Profile) -> tuple[date, date]:
    """The scored period: the filters' dates, or the sidebar's default (filters.default_period:
    the 52 ISO weeks to the latest record)."""
    start, end = filters.date_from, filters.date_to
    if start is None or end is None:
        bounds = queries.data_status(con, Filters(statuses=()), profile)
        end = end or bounds["date_max"] or date.today()
        start = start or default_period(bounds["date_min"], end)[0]
    if start > end:
        raise ValueError("the start date is after the end date")
    return start, end


def inputs(con, filters: Filters, profile: Profile, lang: str, level: str = "adm1") -> pd.DataFrame:
    """One row per area × market with every raw input of the model, for the filtered period."""
    if level not in _LEVEL_SQL:
        raise ValueError(f"level must be one of {', '.join(AREA_LEVELS)}, not {level!r}")
    col = _lang(lang)
    start, end = period(con, filters, profile)
    key, label = (part.format(col=col) for part in _LEVEL_SQL[level])
    window = filters.with_dates(start, end)
    # The weekly counts are 7-day bins counted back from the end; a partial oldest bin is not tested.
    days = (end - start).days + 1
    full_bins = days // 7
    # Whole ISO weeks without a grading filter: the weekly rollup holds every input, already summed
    # per cell (4 to 5 times fewer rows to read at 1M incidents). Otherwise the incidents.
    source, _, _, where, params = queries.kpi_scope(window, profile)
    agg = (_rollup_cells if source == "incident_weekly" else _incident_cells)(key, where)
    # The area key determines the country, so a cell without records naming a corridor links its own.
    frame = _df(con, f"""
        WITH {agg}
        SELECT agg.area, {label} AS area_label, c.name_{col} AS country_label, agg.iso3,
               agg.market, m.label_{col} AS market_label, m.gitoc_market, m.cyber,
               agg.incidents, agg.victims, agg.vulnerable, agg.sexual_victims, agg.sexual_vulnerable,
               agg.fatalities, agg.seizure_usd, agg.cross_border,
               CASE WHEN agg.linked > 0 THEN agg.linked WHEN agg.iso3 IS NULL THEN 0 ELSE 1 END AS countries_linked,
               agg.actor_records, agg.actor_points / nullif(agg.actor_records, 0) / 3.0 AS actor_mean,
               agg.reliability_judged, agg.reliability_tenths, agg.credibility_judged, agg.credibility_tenths,
               agg.corroborated, agg.bins, agg.counts
        FROM agg JOIN markets m ON m.code = agg.market
        LEFT JOIN admin1_named a ON a.code = agg.area LEFT JOIN countries c ON c.iso3 = agg.iso3
        ORDER BY agg.area, agg.market""", [end, *params])
    series = weekly_series(frame.pop("bins").tolist(), frame.pop("counts").tolist(), full_bins)
    if full_bins >= 2 and len(frame):
        tested = stats.mann_kendall_arrays(series)
        trend = ["insufficient"] * len(frame) if tested.insufficient else tested.direction.tolist()
        trend_p = tested.p_value
    else:   # no pair of bins to compare: as mann_kendall says for fewer than two points
        trend, trend_p = ["insufficient"] * len(frame), np.ones(len(frame))
    recent = series[:, -4:].sum(axis=1).astype(int) if full_bins else np.zeros(len(frame), dtype=int)
    ctx = gitoc_context(con)
    iso3s, gitoc_markets = frame["iso3"].tolist(), frame["gitoc_market"].tolist()
    areas = frame["area"].tolist()
    area_level = [("online" if a == ONLINE_AREA else "country" if level == "adm1" and a == c else level)
                  for a, c in zip(areas, iso3s)]
    active = coverage(con, window, profile, level, end, full_bins)
    active_weeks = np.array([active.get(("country" if lv == "country" else level, a), 0) if lv != "online"
                             else np.nan for a, lv in zip(areas, area_level)], dtype=float)
    t = get_i18n(lang)
    online, transnational = t.gettext("online, country-wide"), t.gettext("Transnational / online")
    frame["area_label"] = [transnational if lv == "online" else f"{label} – {online}" if lv == "country" and
                           level == "adm1" else label for label, lv in zip(frame["area_label"].tolist(), area_level)]
    frame["country_label"] = [transnational if lv == "online" else label
                              for label, lv in zip(frame["country_label"].tolist(), area_level)]
    # The new columns joined once (each column set alone is a pandas insert).
    frame = pd.concat([frame, pd.DataFrame({
        "trend": trend, "trend_p": trend_p, "area_level": area_level,
        "weeks_tested": full_bins, "days": days, "active_weeks": active_weeks,
        "recent_4w": recent, "prior": frame["incidents"].to_numpy() - recent,
        "resilience": np.array([ctx["resilience"].get(c, np.nan) for c in iso3s], dtype=float),
        "resilience_edition": np.array([ctx["resilience_edition"].get(c, np.nan) for c in iso3s], dtype=float),
        "gitoc_market_score": np.array([ctx["market"].get((c, m), np.nan) for c, m in zip(iso3s, gitoc_markets)],
                                       dtype=float),
    }, index=frame.index)], axis=1)
    frame.attrs.update(start=start, end=end, level=level, gitoc_imported=ctx["imported"], source=source)
    return frame


_TOTALS = ("victims", "fatalities", "seizure_usd", *MODEL_SUMS)


def _totals(expression: str) -> str:
    """Every per-cell total as `expression` gives it ({name} stands for the total's name), typed the
    same on both paths so that they give equal frames."""
    return ", ".join(f"{expression.format(name=name)}::{'DOUBLE' if name == 'seizure_usd' else 'BIGINT'} AS {name}"
                     for name in _TOTALS)


def _rollup_cells(key: str, where: str) -> str:
    """The `agg` CTE from the weekly rollup: exact for whole ISO weeks (the end is a Sunday, so all of
    a week's records fall in the bin of its Monday). Parameters: the end, then the scope's."""
    return f"""agg AS (
            SELECT {key} AS area, i.market, any_value(i.iso3) AS iso3, sum(i.incidents)::BIGINT AS incidents,
                   {_totals("coalesce(sum(i.{name}), 0)")},
                   len(list_distinct(flatten(list(i.linked_countries)
                                             FILTER (WHERE i.linked_countries IS NOT NULL)))) AS linked,
                   list((date_diff('day', i.week, ?::DATE) // 7)::INTEGER) AS bins, list(i.incidents) AS counts
            FROM incident_weekly i
            WHERE {where} AND {key} IS NOT NULL GROUP BY 1, 2)"""


def _incident_cells(key: str, where: str) -> str:
    """The `agg` CTE from the incidents, for any period and grading filter. One scan (`base`) feeds
    the sums, the linked countries and the weekly counts. The countries a corridor links are counted
    on the distinct (area, market, countries) tuples of linked records only: a per-group list of
    every record's countries cost 1.5 s a view at 10M incidents. Parameters: the end, then the scope's."""
    return f"""base AS MATERIALIZED (
            SELECT {key} AS area, i.market, i.iso3, i.origin_iso3, i.transit_iso3, i.destination_iso3,
                   {NAMES_CORRIDOR} AS names_corridor, {VICTIMS} AS victims,
                   i.fatalities, i.seizure_value_usd AS seizure_usd,
                   {", ".join(f"{sql} AS {name}" for name, sql in MODEL_VALUES.items())},
                   (date_diff('day', i.date_occurred, ?::DATE) // 7)::INTEGER AS bin
            FROM incidents i LEFT JOIN actors ac ON ac.actor_id = i.actor_id
            WHERE {where} AND {key} IS NOT NULL),
        cells AS (
            SELECT area, market, any_value(iso3) AS iso3, count(*) AS incidents,
                   coalesce(sum(victims), 0) AS victims,
                   coalesce(sum(fatalities), 0) AS fatalities, coalesce(sum(seizure_usd), 0) AS seizure_usd,
                   {model_sums({name: name for name in MODEL_VALUES})}, histogram(bin) AS weekly
            FROM base GROUP BY 1, 2),
        links AS (
            SELECT area, market, count(DISTINCT u.country) AS linked
            FROM (SELECT DISTINCT area, market, iso3, origin_iso3, transit_iso3, destination_iso3
                  FROM base WHERE names_corridor) AS t,
                 unnest([t.iso3, t.origin_iso3, t.transit_iso3, t.destination_iso3]) AS u(country)
            GROUP BY 1, 2),
        agg AS (
            SELECT c.area, c.market, c.iso3, c.incidents, {_totals("c.{name}")}, links.linked,
                   map_keys(c.weekly) AS bins, map_values(c.weekly) AS counts
            FROM cells c LEFT JOIN links ON links.area = c.area AND links.market = c.market)"""


def weekly_series(bins: list, counts: list, full_bins: int) -> np.ndarray:
    """Per row, the counts of its 7-day bins (0 = the last 7 days; one list of bins and one of counts
    per row, a bin possibly repeated) as one row of `full_bins` columns, oldest first. Older bins are
    dropped. Summed with bincount on flat arrays: np.add.at was twice as slow for 760 rows."""
    m = len(bins)
    if not m or not full_bins:
        return np.zeros((m, full_bins), dtype=int)
    lengths = np.fromiter(map(len, bins), dtype=np.int64, count=m)
    flat_bins = np.concatenate(bins).astype(np.int64, copy=False)
    flat_counts = np.concatenate(counts).astype(np.int64, copy=False)
    rows = np.repeat(np.arange(m), lengths)
    keep = (flat_bins >= 0) & (flat_bins < full_bins)
    cells = rows[keep] * full_bins + (full_bins - 1 - flat_bins[keep])
    # Weights are summed as doubles: exact for counts below 2**53.
    summed = np.bincount(cells, weights=flat_counts[keep], minlength=m * full_bins)
    return summed.reshape(m, full_bins).astype(int)


_GITOC_CONTEXTS: dict[tuple, dict] = {}


def gitoc_context(con) -> dict:
    """Latest-edition GI-TOC figures per country: the resilience average (12 indicators) and each
    market score. Empty when the index has not been imported.

    Every assessment reads it (each brief, each priorities view), and with the index imported
    (12,738 scores) building it took 23 ms. So it is kept per content of gitoc_scores: a
    fingerprint of every row (1 ms) finds the context already built, and any import, correction
    or rollback changes the fingerprint. Callers must not change the dicts."""
    fingerprint = _rows(con, "SELECT count(*), sum(hash(kind, iso3, edition, indicator, score)) FROM gitoc_scores")[0]
    known = _GITOC_CONTEXTS.get(fingerprint)
    if known is None:
        if len(_GITOC_CONTEXTS) >= 8:
            _GITOC_CONTEXTS.clear()
        known = _GITOC_CONTEXTS[fingerprint] = _read_gitoc_context(con)
    return known


def _read_gitoc_context(con) -> dict:
    rows = _rows(con, """
        WITH latest AS (SELECT kind, iso3, max(edition) AS edition FROM gitoc_scores
                        WHERE kind IN ('resilience', 'market') AND score IS NOT NULL GROUP BY kind, iso3)
        SELECT 'resilience', g.iso3, g.edition, NULL, avg(g.score)
        FROM gitoc_scores g JOIN latest USING (kind, iso3, edition)
        WHERE g.kind = 'resilience' AND g.score IS NOT NULL GROUP BY g.iso3, g.edition
        UNION ALL
        SELECT 'market', g.iso3, g.edition, g.indicator, g.score
        FROM gitoc_scores g JOIN latest USING (kind, iso3, edition) WHERE g.kind = 'market'""")
    resilience = [r for r in rows if r[0] == "resilience"]
    return {
        "imported": bool(rows),
        "resilience": {iso3: score for _, iso3, _, _, score in resilience},
        "resilience_edition": {iso3: int(edition) for _, iso3, edition, _, _ in resilience},
        "market": {(iso3, indicator): score for kind, iso3, _, indicator, score in rows if kind == "market"},
    }


def coverage(con, window: Filters, profile: Profile, level: str, end: date, full_bins: int) -> dict:
    """Reporting coverage: per admin-1 area and per country, the number of the period's full 7-day
    bins in which it filed at least one record of any market. Market, cyber and grading filters are
    dropped so that a threat's score does not depend on which other markets are in view.
    Keys: ("adm1", code) and ("country", iso3)."""
    if full_bins <= 0:
        return {}
    wide = replace(window, markets=(), cyber=(), min_reliability="F", min_credibility=6)
    source, _, _, where, params = queries.kpi_scope(wide, profile)
    day = "i.week" if source == "incident_weekly" else "i.date_occurred"
    rows = _rows(con, f"""
        WITH b AS (SELECT {queries.PLACE} AS admin1_code, i.iso3, (date_diff('day', {day}, ?::DATE) // 7)::INTEGER AS bin
                   FROM {source} i WHERE {where})
        SELECT 'adm1', admin1_code, count(DISTINCT bin) FROM b
        WHERE admin1_code IS NOT NULL AND bin BETWEEN 0 AND ? GROUP BY 2
        UNION ALL
        SELECT 'country', iso3, count(DISTINCT bin) FROM b WHERE iso3 IS NOT NULL AND bin BETWEEN 0 AND ? GROUP BY 2
        """, [end, *params, full_bins - 1, full_bins - 1])
    return {(kind, key): int(n) for kind, key, n in rows}
