"""The incident series: counts per period and key (the largest keys, the rest as "all others"),
their moving averages and total, and each key's total between two dates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

import numpy as np
import pandas as pd

from .. import queries
from ..access import Profile
from ..filters import Filters
from ..parallel import run_parts
from ..queries import _df
from ..scope import Scope
from .dimensions import DIMENSIONS, GRAINS, MA_WINDOW, NOT_RECORDED, OTHERS, TOP_SERIES, check
from .labels import series_labels
from .periods import period_end, previous_year, window
from .summary import summary

# A "solid" record: a completely or usually reliable source (A–B) reporting information that is
# confirmed or probably true (1–2). Both must hold: A3 or C1 is not solid.
STRONG_SQL = "(i.source_reliability IN ('A', 'B') AND i.info_credibility IN (1, 2))"


def series_counts(con, filters: Filters, profile: Profile, by: str, grain: str, first: date, last: date,
                  top: int = TOP_SERIES) -> pd.DataFrame:
    """period, key, incidents, strong: zero-filled, for the `top` largest keys plus all others.

    `strong` counts records graded A–B for the source and 1–2 for the information.
    """
    check(by, grain)
    where, params = queries.scope(filters.with_dates(first, period_end(last, grain)), profile)
    key = DIMENSIONS[by]
    return _df(con, f"""
        WITH periods AS (SELECT unnest(generate_series(?::DATE, ?::DATE, {GRAINS[grain]}))::DATE AS period),
        base AS (SELECT date_trunc('{grain}', i.date_occurred)::DATE AS period,
                        coalesce({key}, '{NOT_RECORDED}') AS key, {STRONG_SQL} AS strong
                 FROM incidents i JOIN markets m ON m.code = i.market WHERE {where}),
        ranked AS (SELECT key, row_number() OVER (ORDER BY count(*) DESC, key) AS rnk FROM base GROUP BY key),
        grouped AS (SELECT b.period, CASE WHEN r.rnk <= ? THEN b.key ELSE '{OTHERS}' END AS key, b.strong
                    FROM base b JOIN ranked r USING (key)),
        agg AS (SELECT period, key, count(*) AS incidents, count(*) FILTER (WHERE strong) AS strong
                FROM grouped GROUP BY ALL),
        keys AS (SELECT DISTINCT key FROM grouped)
        SELECT p.period, k.key, coalesce(a.incidents, 0)::BIGINT AS incidents,
               coalesce(a.strong, 0)::BIGINT AS strong
        FROM periods p CROSS JOIN keys k LEFT JOIN agg a ON a.period = p.period AND a.key = k.key
        ORDER BY k.key = '{OTHERS}', k.key, p.period""", [first, last, *params, int(top)])


def totals_between(con, filters: Filters, profile: Profile, by: str, start: date, end: date) -> pd.DataFrame:
    """key, incidents in [start, end], every key (for the year-earlier comparison and the splits)."""
    check(by, "week")
    # Every dimension is a rollup column (or a market attribute), so whole-week periods without a
    # grading filter read the weekly rollup instead of the incidents.
    dated = filters.with_dates(start, end)
    table = queries.kpi_source(dated)[0]
    rolled = table == "incident_weekly"
    where, params = queries.scope(dated, profile, date_column="week" if rolled else "date_occurred")
    return _df(con, f"""
        SELECT coalesce({DIMENSIONS[by]}, '{NOT_RECORDED}') AS key,
               {'sum(i.incidents)' if rolled else 'count(*)'}::BIGINT AS incidents
        FROM {table} i JOIN markets m ON m.code = i.market WHERE {where} GROUP BY ALL""", params)


def moving_average(values, grain: str) -> np.ndarray:
    """Trailing mean over MA_WINDOW periods along the last axis (one series, or one per row);
    undefined (NaN) until the window is full. Counts are whole numbers, so the running sums are
    exact and the means are those of pandas' rolling mean."""
    size = MA_WINDOW[grain]
    x = np.asarray(values, dtype=float)
    out = np.full(x.shape, np.nan)
    if x.shape[-1] >= size:
        running = np.cumsum(x, axis=-1)
        before = np.concatenate([np.zeros((*x.shape[:-1], 1)), running[..., :-size]], axis=-1)
        out[..., size - 1:] = (running[..., size - 1:] - before) / size
    return out


@dataclass
class Trends:
    by: str
    grain: str
    first: date                  # start of the first complete period
    last: date                   # start of the last complete period
    series: pd.DataFrame         # period, key, label, incidents, strong, moving_average
    total: pd.DataFrame          # period, incidents, moving_average (every series together)
    summary: pd.DataFrame        # key, label, incidents, previous, change, graded_share, trend, p_value, sen_slope
    previous_complete: bool      # the year-earlier window lies entirely inside the viewer's data

    @property
    def end(self) -> date:
        return period_end(self.last, self.grain)

    @property
    def previous_from(self) -> date:
        return previous_year(self.first, self.grain)

    @property
    def previous_to(self) -> date:
        return period_end(previous_year(self.last, self.grain), self.grain)


def trends(con, scope: Scope, by: str = "market", grain: str = "week", top: int = TOP_SERIES) -> Trends | None:
    """Everything the page's series charts and table show; None when no complete period is in view."""
    filters, profile, t = scope.filters, scope.profile, scope.t
    check(by, grain)
    bounds = window(con, filters, profile, grain)
    if bounds is None:
        return None
    first, last = bounds
    prev_from = previous_year(first, grain)
    prev_to = period_end(previous_year(last, grain), grain)
    parts = run_parts({
        "counts": partial(series_counts, con, filters, profile, by, grain, first, last, top),
        "labels": partial(series_labels, con, by, t),
        "data_min": partial(queries.first_date, con, filters, profile),
        "previous": partial(totals_between, con, filters, profile, by, prev_from, prev_to),
    })
    counts, labels, data_min = parts["counts"], parts["labels"], parts["data_min"]
    # The query returns the full key × period grid, key by key (Others last), periods in order:
    # one row of a matrix per key.
    keys = list(dict.fromkeys(counts["key"].tolist()))
    periods = counts["period"].iloc[:len(counts) // len(keys)].reset_index(drop=True) if keys \
        else counts["period"].iloc[0:0]
    matrix = counts["incidents"].to_numpy(dtype=np.int64).reshape(len(keys), len(periods))
    strong = counts["strong"].to_numpy(dtype=np.int64).reshape(len(keys), len(periods))
    counts = counts.assign(label=counts["key"].map(lambda k: labels.get(k, k)),
                           moving_average=moving_average(matrix, grain).ravel())
    column_sums = matrix.sum(axis=0)
    total = pd.DataFrame({"period": periods, "incidents": column_sums,
                          "moving_average": moving_average(column_sums, grain)})
    previous_complete = data_min is not None and data_min <= prev_from
    return Trends(by=by, grain=grain, first=first, last=last, series=counts, total=total,
                  summary=summary(keys, matrix, strong, parts["previous"], previous_complete, labels, profile, t),
                  previous_complete=previous_complete)
