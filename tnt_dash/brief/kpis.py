"""The six key figures of the week, each against the previous week and the mean of the 4 before;
a protected victim count shows as "<k" and carries no comparison."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .. import presented, queries
from ..scope import Scope
from .definitions import BASELINE_SHORT, MIN_BASE


def key_figures(con, scope: Scope, week: date):
    profile, destination = scope.profile, scope.destination
    series = queries.weekly_kpis(con, scope.filters, profile, week - timedelta(weeks=12), week)
    current, previous = series.iloc[-1], series.iloc[-2]
    baseline = series.iloc[-1 - BASELINE_SHORT:-1][list(queries.KPI_NAMES)].mean()
    rows = []
    for name in queries.KPI_NAMES:
        value, prev, base = float(current[name]), float(previous[name]), float(baseline[name])
        row = {"kpi": name, "value": value, "previous": prev,
               "change_prev": (value - prev) / prev if prev >= MIN_BASE else None,
               "baseline_mean": base, "change_4w": (value - base) / base if base >= MIN_BASE else None}
        if scope.must_suppress and name in presented.VICTIM_COLUMNS:
            # A protected count shows as "<k" and carries no comparison that would reveal it.
            row.update(value=presented.protect_count(int(value), profile, destination), previous=None,
                       change_prev=None, baseline_mean=None, change_4w=None)
        rows.append(row)
    kpis = pd.DataFrame(rows).astype(object)
    kpis = kpis.where(kpis.notna(), None)     # "no comparison" is None, never NaN
    return kpis, series[["week", "incidents"]].reset_index(drop=True)
