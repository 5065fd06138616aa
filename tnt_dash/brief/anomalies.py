"""Which area and market stood out this week against its own previous 12 weeks: a Poisson or
negative binomial test, an emergence test for sparse series, one Benjamini-Hochberg family."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .. import queries, stats
from ..access import Profile
from ..filters import Filters
from ..i18n import I18n
from ..queries import _df
from ..scope import Scope
from .definitions import ANOMALY_ALPHA, ANOMALY_BASELINE, MODEL_LABELS


def sparse_anomaly(counts, baseline_weeks: int = ANOMALY_BASELINE, min_observed: int = 3):
    """The emergence arm: a series too sparse for stats.poisson_anomaly (a new cluster in a quiet cell).

    A baseline of 0-9 incidents cannot estimate a weekly rate, and its mean would make one
    incident look like a huge spike. So the last week is tested against the rate's upper
    97.5 % confidence limit instead (exact Poisson, chi-square form): with nothing in 12
    weeks that is 0.31 a week, so only about 5 or more incidents in one week can survive
    the Benjamini-Hochberg step. Returns an AnomalyResult with model 'sparse', or None
    when the last week has fewer than `min_observed` incidents (it is still counted as tested).
    """
    arr = [int(c) for c in counts]
    if len(arr) < baseline_weeks + 1:
        return None
    baseline, observed = arr[-baseline_weeks - 1:-1], arr[-1]
    total = sum(baseline)
    upper = float(stats.chi2_ppf(0.975, 2 * (total + 1)) / 2 / baseline_weeks)
    p_value = min(max(float(stats.poisson_sf(observed - 1, upper)), 0.0), 1.0)
    return stats.AnomalyResult(observed=observed, expected=total / baseline_weeks, p_value=p_value,
                               model="sparse", flagged=False, ratio=observed / upper)


def anomaly_series(con, filters: Filters, profile: Profile, week: date) -> dict[tuple[str, str], list[int]]:
    """Weekly incident counts per (admin-1, market) for the 13 weeks ending on `week`, zero-filled."""
    first = week - timedelta(weeks=ANOMALY_BASELINE)
    # Whole ISO weeks: the weekly rollup answers exactly unless a grading filter is set (kpi_source).
    table, counts_sql, week_sql, where, params = queries.kpi_scope(
        filters.with_dates(first, week + timedelta(days=6)), profile)
    n_sql = "sum(i.incidents)" if table == "incident_weekly" else "count(*)"
    long = _df(con, f"""
        WITH weeks AS (SELECT unnest(generate_series(?::DATE, ?::DATE, INTERVAL 7 DAY))::DATE AS week),
        counts AS (SELECT {queries.PLACE} AS admin1_code, i.market, {week_sql} AS week, {n_sql} AS n
                   FROM {table} i WHERE {where} AND {queries.PLACE} IS NOT NULL GROUP BY ALL),
        cells AS (SELECT DISTINCT admin1_code, market FROM counts)
        SELECT cells.admin1_code, cells.market, w.week, coalesce(counts.n, 0)::BIGINT AS n
        FROM cells CROSS JOIN weeks w LEFT JOIN counts USING (admin1_code, market, week)
        ORDER BY cells.admin1_code, cells.market, w.week""", [first, week, *params])
    # Rows come sorted, every cell with one row per week: cut the column into equal series.
    width = ANOMALY_BASELINE + 1
    counts = long["n"].to_numpy(dtype=int).reshape(-1, width)
    keys = zip(long["admin1_code"].iloc[::width], long["market"].iloc[::width])
    return {key: row.tolist() for key, row in zip(keys, counts)}


def scan(series: dict, alpha: float = ANOMALY_ALPHA, min_observed: int = 3):
    """Flag the last week of each series; returns (flags smallest p first, number of tests).

    Series with enough history go through stats.scan_anomalies' test (stats.poisson_anomaly:
    Poisson, or negative binomial when overdispersed, on a 12-week baseline); the rest through
    `sparse_anomaly`. Every tested series (both arms) is one Benjamini-Hochberg family, and a
    flag needs q < alpha and at least `min_observed` incidents, as in stats.scan_anomalies.
    Series with fewer than `min_observed` incidents in the week cannot be flagged by either arm;
    they are still counted as tests, so the correction is never understated.

    Both arms run on all series at once (stats.poisson_anomaly_many, and the sparse arm in
    arrays here); tests/test_brief.py keeps a series-by-series loop as the oracle.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must be between 0 and 1")
    width = ANOMALY_BASELINE + 1
    # Shorter series cannot be tested by either arm; each arm reads only the last `width` weeks.
    keys = [key for key, counts in series.items() if len(counts) >= width]
    if not keys:
        return [], 0
    rows = np.array([list(series[key])[-width:] for key in keys])
    tests = stats.poisson_anomaly_many(rows, baseline_weeks=ANOMALY_BASELINE)
    sparse = ~tests.tested
    total = rows[:, :-1].sum(axis=1)
    upper = stats.chi2_ppf(0.975, 2 * (total[sparse] + 1)) / 2 / ANOMALY_BASELINE
    p_values = tests.p_value.copy()
    p_values[sparse] = np.clip(stats.poisson_sf(tests.observed[sparse] - 1, upper), 0.0, 1.0)
    qs = np.asarray(stats.benjamini_hochberg(p_values))
    flags = []
    for i in np.flatnonzero((qs < alpha) & (tests.observed >= min_observed)):
        if sparse[i]:
            res = stats.AnomalyResult(observed=int(tests.observed[i]), expected=float(total[i] / ANOMALY_BASELINE),
                                      p_value=float(p_values[i]), model="sparse", flagged=False,
                                      ratio=float(tests.observed[i] / upper[np.count_nonzero(sparse[:i])]))
        else:
            res = tests.result(int(i), alpha, min_observed)
        flags.append((keys[i], replace(res, q_value=float(qs[i]), flagged=True)))
    flags.sort(key=lambda item: (item[1].p_value, item[0]))
    return flags, len(keys)


def flagged(con, scope: Scope, week: date) -> tuple[pd.DataFrame, int]:
    t = scope.t
    flags, tested = scan(anomaly_series(con, scope.filters, scope.profile, week))
    # Most weeks flag nothing: the labels are read only for a flag to name.
    areas, markets = (queries.labels(con, "admin1", t.lang), queries.labels(con, "markets", t.lang)) if flags \
        else ({}, {})
    rows = []
    for (admin1, market), res in flags:
        rows.append({"admin1_code": admin1, "area_label": areas.get(admin1, admin1), "market": market,
                     "market_label": markets.get(market, market), "observed": res.observed,
                     "expected": res.expected, "ratio": res.ratio, "p": res.p_value, "q": res.q_value,
                     "model": res.model})
    frame = pd.DataFrame(rows, columns=["admin1_code", "area_label", "market", "market_label", "observed",
                                        "expected", "ratio", "p", "q", "model"])
    frame["sentence"] = [anomaly_sentence(t, r) for r in frame.itertuples()]
    return frame, tested


def p_text(t: I18n, p: float) -> str:
    if p < 0.001:
        return "p < " + t.number(0.001, 3)
    return "p = " + t.number(p, 3)


def anomaly_sentence(t: I18n, row) -> str:
    _ = t.gettext
    if row.model == "sparse":
        return _("{market} in {area}: {observed} incidents against {baseline} in the previous {weeks} weeks "
                 "together ({p}, {model}).").format(
            market=row.market_label, area=row.area_label, observed=t.number(row.observed),
            baseline=t.number(round(row.expected * ANOMALY_BASELINE)), weeks=ANOMALY_BASELINE,
            p=p_text(t, row.p), model=_(MODEL_LABELS[row.model]))
    return _("{market} in {area}: {observed} incidents against about {expected} expected from the previous "
             "{weeks} weeks ({p}, {model}).").format(
        market=row.market_label, area=row.area_label, observed=t.number(row.observed),
        expected=t.number(row.expected, 1), weeks=ANOMALY_BASELINE, p=p_text(t, row.p),
        model=_(MODEL_LABELS[row.model]))
