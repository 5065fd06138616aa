"""Month of year × market: how each calendar month compares with the market's average month."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from .. import queries
from ..access import Profile
from ..filters import Filters
from ..queries import _df, _lang
from .periods import month_occurrences, period_end, window


@dataclass
class Seasonality:
    first: date                 # first complete month used
    last: date                  # last complete month used (its start)
    frame: pd.DataFrame         # key, label, month, incidents, months, mean, index


def seasonality(con, filters: Filters, profile: Profile, lang: str) -> Seasonality | None:
    """Month of year × market over every complete month the viewer has data for.

    The sidebar dates are ignored: one year shows each month once, which is not seasonality.
    `index` is the month's mean divided by the market's mean month, × 100 (100 = an average
    month), so that small and large markets share one colour scale.
    """
    bounds = window(con, filters.with_dates(None, None), profile, "month")
    if bounds is None:
        return None
    first, last = bounds
    col = _lang(lang)
    where, params = queries.scope(filters.with_dates(first, period_end(last, "month")), profile)
    occurrences = month_occurrences(first, last)
    # The 12-month grid, the means and the index in SQL: in pandas (reindex, two group transforms,
    # a sort) they cost more than the query.
    frame = _df(con, f"""
        WITH counts AS (
            SELECT i.market AS key, month(i.date_occurred) AS month, count(*) AS incidents
            FROM incidents i WHERE {where} GROUP BY ALL),
        grid AS (
            SELECT k.key, o.month, o.months, coalesce(c.incidents, 0)::BIGINT AS incidents
            FROM (SELECT DISTINCT key FROM counts) k
            CROSS JOIN (SELECT unnest(range(1, 13)) AS month, unnest(?::BIGINT[]) AS months) o
            LEFT JOIN counts c ON c.key = k.key AND c.month = o.month)
        SELECT g.key, g.month, m.label_{col} AS label, g.incidents, g.months,
               g.incidents / CASE WHEN g.months > 0 THEN g.months END AS mean,
               g.incidents / CASE WHEN g.months > 0 THEN g.months END
                 / CASE WHEN sum(g.incidents) OVER (PARTITION BY g.key) > 0
                        THEN sum(g.incidents) OVER (PARTITION BY g.key) / ? END * 100 AS index
        FROM grid g JOIN markets m ON m.code = g.key
        ORDER BY label, g.month""", [*params, [occurrences[m] for m in range(1, 13)], sum(occurrences.values())])
    return Seasonality(first, last, frame)
