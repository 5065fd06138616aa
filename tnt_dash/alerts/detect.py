"""Which rules fire, for one scope's view of the data and a run of ISO weeks.

Nothing here is a new test: the anomaly rule is the weekly brief's test (brief.anomalies.scan on
brief.anomalies.anomaly_series), the sharp-rise rule is the brief's change signal against the 4-
and 52-week means (brief.changes), the corridor rule reads the map's corridor query (crossborder.corridors)
and the user thresholds read the query layer's weekly key figures (queries.weekly_kpis). Every
query takes the scope's Profile, so a host State's alerts are computed on what was released to it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from .. import queries
from ..crossborder.corridors import corridors
from ..access import Profile
from ..brief import anomalies, changes
from ..config import suppression_threshold
from ..filters import Filters
from ..queries import _rows
from ..brief.definitions import ANOMALY_BASELINE, BASELINE_LONG, BASELINE_SHORT, MIN_BASE
from .definitions import ALERT_STATUSES, HISTORY_WEEKS, VICTIM_MEASURES
from .rules import Rule


@dataclass(frozen=True)
class Firing:
    rule_id: str
    kind: str
    week: date
    key: str                           # what makes this firing itself: raised once per rule and scope
    admin1_code: str | None = None
    market: str | None = None
    origin_iso3: str | None = None
    destination_iso3: str | None = None
    measure: str | None = None
    observed: float | None = None
    expected: float | None = None
    expected_long: float | None = None
    p_value: float | None = None
    q_value: float | None = None
    model: str | None = None


def alert_filters(profile: Profile) -> Filters:
    """Every place and market, validated and in-review records (ALERT_STATUSES) within what the
    profile may see at all: a host State's screen stays on validated records."""
    allowed = profile.allowed_statuses
    return Filters(statuses=tuple(s for s in ALERT_STATUSES if allowed is None or s in allowed))


def evaluate(con, profile: Profile, weeks: list[date], rules: list[Rule]) -> list[Firing]:
    """Every firing in `weeks` (ISO Mondays, oldest first) of the built-in rules and of `rules`."""
    if not weeks:
        return []
    if any(b - a != timedelta(weeks=1) for a, b in zip(weeks, weeks[1:])):
        raise ValueError("alert weeks must be consecutive ISO Mondays, oldest first")
    base = alert_filters(profile)
    if not queries.data_status(con, base, profile)["records"]:
        return []          # nothing in view: no rule can fire (a host State with nothing released yet)
    # One read of the weekly counts serves both tests: the 52 weeks before the first week evaluated.
    first = weeks[0] - timedelta(weeks=BASELINE_LONG)
    keys, matrix = cell_weeks(con, base, profile, first, weeks[-1])
    shift = BASELINE_LONG - ANOMALY_BASELINE
    found = anomaly_firings(con, base, profile, weeks, (keys, matrix[:, shift:]))
    flagged = {(f.week, f.admin1_code, f.market) for f in found}
    found += [f for f in surge_firings(con, base, profile, weeks, (keys, matrix))
              if (f.week, f.admin1_code, f.market) not in flagged]
    found += new_corridor_firings(con, base, profile, weeks)
    found += first_in_area_firings(con, base, profile, weeks)
    for rule in rules:
        found += threshold_firings(con, base, profile, weeks, rule)
    return found


def cell_weeks(con, base: Filters, profile: Profile, first: date, last: date) -> tuple[list, np.ndarray]:
    """Incidents per (admin-1, market) and ISO week from `first` to `last` (Mondays), zero-filled:
    (keys, matrix with one row per key). The weekly rollup answers whole weeks exactly, as for
    brief.anomalies.anomaly_series, whose 13-week series are slices of these rows (a test checks it)."""
    table, _kpis, week_sql, where, params = queries.kpi_scope(base.with_dates(first, last + timedelta(days=6)),
                                                             profile)
    n_sql = "sum(i.incidents)" if table == "incident_weekly" else "count(*)"
    rows = _rows(con, f"""
        SELECT i.admin1_code, i.market, {week_sql} AS week, {n_sql} AS n FROM {table} i
        WHERE {where} AND i.admin1_code IS NOT NULL GROUP BY ALL""", params)
    width = (last - first).days // 7 + 1
    index: dict[tuple[str, str], int] = {}
    for area, market, _week, _n in rows:
        index.setdefault((area, market), len(index))
    matrix = np.zeros((len(index), width), dtype=np.int64)
    for area, market, week, n in rows:
        matrix[index[(area, market)], (week - first).days // 7] += int(n)
    return list(index), matrix


def anomaly_firings(con, base: Filters, profile: Profile, weeks: list[date], cells=None) -> list[Firing]:
    """The brief's anomaly test on each week: the 13-week series of every area and market with an
    incident in those weeks (as anomaly_series gives them), one scan and one BH family per week."""
    first = weeks[0] - timedelta(weeks=ANOMALY_BASELINE)
    keys, matrix = cells or cell_weeks(con, base, profile, first, weeks[-1])
    out = []
    for k, week in enumerate(weeks):
        window = matrix[:, k: k + ANOMALY_BASELINE + 1]
        present = np.flatnonzero(window.sum(axis=1))
        series = {keys[i]: window[i].tolist() for i in present}
        flags, _tested = anomalies.scan(series)
        out += [Firing("builtin:anomaly", "anomaly", week, f"{week}|{area}|{market}", admin1_code=area,
                       market=market, measure="incidents", observed=res.observed, expected=res.expected,
                       p_value=res.p_value, q_value=res.q_value, model=res.model)
                for (area, market), res in flags]
    return out


def surge_firings(con, base: Filters, profile: Profile, weeks: list[date], cells=None) -> list[Firing]:
    """The brief's change signal (brief.changes: change_signal on the change against a mean of MIN_BASE
    a week or more) marking the week up against both the 4-week and the 52-week mean."""
    first = weeks[0] - timedelta(weeks=BASELINE_LONG)
    keys, matrix = cells or cell_weeks(con, base, profile, first, weeks[-1])
    out = []
    for k, week in enumerate(weeks):
        at = BASELINE_LONG + k
        observed = matrix[:, at].astype(float)
        short = matrix[:, at - BASELINE_SHORT:at].sum(axis=1) / BASELINE_SHORT
        long = matrix[:, at - BASELINE_LONG:at].sum(axis=1) / BASELINE_LONG
        for i in np.flatnonzero((observed > 0) & (short >= MIN_BASE) & (long >= MIN_BASE)):
            up_short = changes.change_signal((observed[i] - short[i]) / short[i] * 100)
            up_long = changes.change_signal((observed[i] - long[i]) / long[i] * 100)
            if up_short == "up" and up_long == "up":
                area, market = keys[i]
                out.append(Firing("builtin:surge", "surge", week, f"{week}|{area}|{market}", admin1_code=area,
                                  market=market, measure="incidents", observed=float(observed[i]),
                                  expected=float(short[i]), expected_long=float(long[i])))
    return out


def new_corridor_firings(con, base: Filters, profile: Profile, weeks: list[date]) -> list[Firing]:
    """Origin → destination pairs whose first incident in the scope's data falls in one of `weeks`,
    with at least HISTORY_WEEKS weeks of data before it (the map page's corridor series)."""
    first = queries.data_status(con, base, profile)["date_min"]
    if first is None:
        return []
    start = queries.week_start(first)
    table = corridors(con, base.with_dates(start, weeks[-1] + timedelta(days=6)), profile, "en")
    wanted = set(weeks)
    out = []
    for row in table.itertuples():
        nonzero = np.flatnonzero(np.asarray(row.weekly))
        if not len(nonzero) or nonzero[0] < HISTORY_WEEKS:
            continue
        week = start + timedelta(weeks=int(nonzero[0]))
        if week in wanted:
            out.append(Firing("builtin:new_corridor", "new_corridor", week, f"{row.origin}>{row.destination}",
                              origin_iso3=row.origin, destination_iso3=row.destination, measure="incidents",
                              observed=float(row.weekly[nonzero[0]])))
    return out


def first_incidents(con, base: Filters, profile: Profile, first_week: date, last_week: date) -> list[tuple]:
    """(admin1_code, market, week, incidents) for each area and market whose first incident in the
    scope's data falls between the two weeks, with HISTORY_WEEKS weeks of data before it."""
    table, _kpis, week_sql, where, params = queries.kpi_scope(
        base.with_dates(None, last_week + timedelta(days=6)), profile)
    n_sql = "sum(i.incidents)" if table == "incident_weekly" else "count(*)"
    return _rows(con, f"""
        WITH per AS (SELECT i.admin1_code, i.market, {week_sql} AS week, {n_sql} AS n FROM {table} i
                     WHERE {where} AND i.admin1_code IS NOT NULL GROUP BY ALL),
        firsts AS (SELECT admin1_code, market, min(week) AS week FROM per GROUP BY ALL)
        SELECT f.admin1_code, f.market, f.week, p.n::BIGINT
        FROM firsts f JOIN per p USING (admin1_code, market, week)
        WHERE f.week BETWEEN ? AND ? AND f.week >= (SELECT min(week) FROM per) + INTERVAL (? * 7) DAY
        ORDER BY f.week, f.admin1_code, f.market""", [*params, first_week, last_week, HISTORY_WEEKS])


def first_in_area_firings(con, base: Filters, profile: Profile, weeks: list[date]) -> list[Firing]:
    wanted = set(weeks)
    return [Firing("builtin:first_in_area", "first_in_area", week, f"{area}|{market}", admin1_code=area,
                   market=market, measure="incidents", observed=float(n))
            for area, market, week, n in first_incidents(con, base, profile, weeks[0], weeks[-1]) if week in wanted]


def threshold_firings(con, base: Filters, profile: Profile, weeks: list[date], rule: Rule) -> list[Firing]:
    """A user rule, week by week: the figure at or above the threshold, or at least `percent` above
    the previous 4 weeks' mean when that mean is at least the rule's minimum base.

    Where small victim counts are hidden on every destination (a host State's screen), a victim count
    below the suppression threshold never fires: the alert itself would tell what "<5" hides."""
    filters = replace(base, markets=(rule.market,) if rule.market else (),
                      admin1=(rule.admin1_code,) if rule.admin1_code else ())
    series = queries.weekly_kpis(con, filters, profile, weeks[0] - timedelta(weeks=4), weeks[-1])
    values = series[rule.measure].to_numpy(dtype=float)
    k = suppression_threshold()
    hidden_everywhere = rule.measure in VICTIM_MEASURES and profile.must_suppress("screen") \
        and profile.must_suppress("export")
    out = []
    for i, week in enumerate(weeks, start=4):
        value, mean = float(values[i]), float(values[i - 4:i].mean())
        if rule.threshold is not None:
            fires = value >= rule.threshold
        else:
            fires = mean > 0 and mean >= rule.min_base and (value - mean) / mean * 100 >= rule.percent
        if fires and hidden_everywhere and (value < k or (rule.percent is not None and mean < k)):
            fires = False
        if fires:
            out.append(Firing(rule.rule_id, "threshold", week, f"{week}", admin1_code=rule.admin1_code,
                              market=rule.market, measure=rule.measure, observed=value, expected=mean))
    return out
