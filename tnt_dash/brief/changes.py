"""Each area and market this week against the mean of its previous 4 and 52 weeks, and how a
change is written and marked for a room."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .. import queries
from ..i18n import I18n
from ..queries import PLACE, _df, _lang
from ..scope import Scope
from .definitions import BASELINE_LONG, BASELINE_SHORT, LEVELS, MIN_BASE, SIGNAL_PERCENT


def change_text(t: I18n, change, count, mean) -> str:
    """A change as a room reads it: a percentage on a base of MIN_BASE a week or more; below it the
    counts themselves ("12 vs 0.25/wk"); "–" with no incident in the baseline."""
    if change is not None and change == change:
        return t.percent(change, signed=True)
    if mean is None or mean != mean or not mean:
        return "–"
    return t.gettext("{n} vs {mean}/wk").format(n=t.number(count), mean=t.number(mean, 2 if mean < 1 else 1))


def change_signal(percent) -> str | None:
    """"up" or "down" for a change of at least SIGNAL_PERCENT % either way; None for a smaller
    change or none at all (no baseline: None or NaN). `percent` as in the change table (62.5 = +62.5 %)."""
    if percent is None or percent != percent or abs(percent) < SIGNAL_PERCENT:
        return None
    return "up" if percent > 0 else "down"


# Column choices by whitelist only: the level picks the SQL expressions, never a value.
_LEVEL_SQL = {
    "adm1": (PLACE, "a.name_{col}", "c.name_{col}"),
    "country": ("i.iso3", "c.name_{col}", "c.name_{col}"),
}


def area_market_changes(con, scope: Scope, week: date, level: str) -> pd.DataFrame:
    if level not in _LEVEL_SQL:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    col = _lang(scope.lang)
    key, label, country = (part.format(col=col) for part in _LEVEL_SQL[level])
    first = week - timedelta(weeks=BASELINE_LONG)
    # Whole ISO weeks: the weekly rollup answers exactly when no grading filter is set (kpi_source),
    # and the labels are joined to the few hundred result rows, not to every incident. An area's
    # country is its own (admin1.iso3); records without an admin-1 area have none to name.
    area_country = "a.iso3" if level == "adm1" else "i.area"
    dated = scope.filters.with_dates(first, week + timedelta(days=6))
    rolled = queries.kpi_source(dated)[0] == "incident_weekly"
    table, day, one = ("incident_weekly", "i.week", "i.incidents") if rolled else ("incidents", "i.date_occurred", "1")
    where, params = queries.scope(dated, scope.profile, date_column="week" if rolled else "date_occurred")
    frame = _df(con, f"""
        WITH counts AS (
            SELECT {key} AS area, i.market,
                   coalesce(sum({one}) FILTER (WHERE {day} >= ?), 0)::BIGINT AS week_count,
                   coalesce(sum({one}) FILTER (WHERE {day} >= ? AND {day} < ?), 0)::BIGINT AS count_4w,
                   coalesce(sum({one}) FILTER (WHERE {day} < ?), 0)::BIGINT AS count_52w
            FROM {table} i WHERE {where} GROUP BY {key}, i.market)
        SELECT i.area, {label} AS area_label, {country} AS country_label, i.market, m.label_{col} AS market_label,
               i.week_count, i.count_4w / {BASELINE_SHORT}.0 AS mean_4w,
               CASE WHEN i.count_4w / {BASELINE_SHORT}.0 >= {MIN_BASE} THEN (i.week_count - i.count_4w / {BASELINE_SHORT}.0)
                    / (i.count_4w / {BASELINE_SHORT}.0) END AS change_4w,
               i.count_52w / {BASELINE_LONG}.0 AS mean_52w,
               CASE WHEN i.count_52w / {BASELINE_LONG}.0 >= {MIN_BASE} THEN (i.week_count - i.count_52w / {BASELINE_LONG}.0)
                    / (i.count_52w / {BASELINE_LONG}.0) END AS change_52w
        FROM counts i JOIN markets m ON m.code = i.market
        LEFT JOIN admin1_named a ON a.code = i.area LEFT JOIN countries c ON c.iso3 = {area_country}
        WHERE i.week_count > 0 OR i.count_4w > 0
        ORDER BY i.week_count DESC, mean_4w DESC, i.area, i.market""",
        [week, week - timedelta(weeks=BASELINE_SHORT), week, week, *params])
    return frame
