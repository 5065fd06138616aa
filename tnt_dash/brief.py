"""The Police Commissioner's weekly brief (issue #6): every number on the page and in the packs.

`weekly_brief()` computes the whole brief for one ISO week, under one access profile, in SQL
scoped by `queries.scope(filters, profile)`; the page, the PPTX/PDF/XLSX packs and the CLI
all call it, so they cannot disagree. No Streamlit here. The brief ignores the date filter of
the sidebar: the week (and the baselines before it) decide the dates.

Protection: victim counts are suppressed for profiles that require it (Profile.must_suppress),
and a suppressed KPI carries no % change. Incident counts are not victim counts and are shown.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial

import numpy as np
import pandas as pd

from . import activities, brief_notes, presented, queries, stats, views
from .brief_notes import Notes
from .access import Profile
from .config import suppression_threshold
from .filters import Filters, reads_only
from .i18n import I18n, N_, get as get_i18n
from .parallel import run_parts
from .queries import BOYS, GIRLS, MEN, UNKNOWN, VICTIMS, WOMEN, _df, _lang, scope
from .suppression import OTHER_KEY, DisclosureError, protect_or_group, suppress_table

LEVELS = ("adm1", "country")
BASELINE_SHORT = 4      # weeks: "the mean of the previous 4 weeks" (ACLED's weekly dashboard)
BASELINE_LONG = 52      # weeks: "the mean of the previous 52 weeks"
ANOMALY_BASELINE = 12   # weeks before the tested week (stats.poisson_anomaly)
SIGNAL_PERCENT = 50     # a change of at least this much either way is marked in the change table
# No percentage on a base smaller than this (a weekly mean, or last week's count): "+4,700 %" on a
# four-week mean of 0.25 says nothing that "12 against 0.25 a week" does not say better. The
# anomaly test judges such counts (docs/brief.md).
MIN_BASE = 3.0


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
ANOMALY_ALPHA = 0.01    # Benjamini-Hochberg false discovery rate
TOP_PRIORITIES = 5
NOTABLE = 5
SEX_AGE = ("women", "men", "girls", "boys", "unknown")

MODEL_LABELS = {"poisson": N_("Poisson"), "negative binomial": N_("negative binomial"),
                "sparse": N_("Poisson, new or sparse activity")}
SEX_AGE_LABELS = {"women": N_("Women"), "men": N_("Men"), "girls": N_("Girls"), "boys": N_("Boys"),
                  "unknown": N_("Sex or age unknown")}
PRIORITY_METHOD = N_(
    "Priority model (page Priority method, docs/priority.md) over admin-1 × market in the 16 weeks to this "
    "week: score 0–100 = weighted average of harm, likelihood, cross-border reach, actor capability and "
    "host-State capacity gap, unknown factors left out. Analytic judgement of the mission, not a measurement.")

# Column choices by whitelist only: the level picks the SQL expressions, never a value.
_LEVEL_SQL = {
    "adm1": ("i.admin1_code", "a.name_{col}", "c.name_{col}"),
    "country": ("i.iso3", "c.name_{col}", "c.name_{col}"),
}


def iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_iso_week(text: str) -> date:
    """'2026-W47' -> the Monday of that ISO week."""
    try:
        year, week = text.strip().upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"not an ISO week (YYYY-Www, e.g. 2026-W47): {text!r}") from None


def recent_weeks(last: date, n: int = 26) -> list[str]:
    """ISO week labels, newest first, ending on the week of `last`."""
    last = queries.week_start(last)
    return [iso_week(last - timedelta(weeks=k)) for k in range(n)]


@dataclass(frozen=True)
class Brief:
    week: date                   # Monday of the ISO week
    level: str                   # 'adm1' | 'country'
    lang: str
    destination: str             # 'screen' | 'export'
    suppressed: bool             # small victim counts are hidden for this profile and destination
    kpis: pd.DataFrame           # kpi, value, previous, change_prev, baseline_mean, change_4w
    weekly: pd.DataFrame         # week, incidents for the 13 weeks ending on the week
    changes: pd.DataFrame        # area, area_label, market, market_label, week_count, mean_4w, change_4w, ...
    anomalies: pd.DataFrame      # admin1_code, area_label, market, market_label, observed, expected, p, q, model, sentence
    anomaly_tests: int           # how many series had enough data to be tested
    priorities: pd.DataFrame     # rank, area_label, market_label, incidents_4w, incidents_prior, trend, score
    incidents: pd.DataFrame      # queries.incident_list for the week, highest harm first (no victim
                                 # counts where suppressed: _notable)
    victims: pd.DataFrame        # market, market_label, women..unknown, victims; total row last (protected)
    victims_withheld: bool       # the breakdown could not be published safely
    hotspots: pd.DataFrame       # queries.admin1_totals for the week (protected)
    summary: list[str] = field(default_factory=list)
    appendix: list[str] = field(default_factory=list)   # capacity building: gender parity (issue #12)
    victims_grouped: int = 0     # markets grouped into one OTHER_KEY row so the rest could be shown
    notes: Notes = field(default_factory=Notes)   # the analyst's judgements (brief_notes.py); none on a shared screen
    notes_by: dict | None = None                  # who wrote them, when
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)   # brief_notes.follow_up
    suppressed_notes: bool = False                # a host State's brief: notes are not part of it

    def victims_grouped_row(self) -> int | None:
        """The position of the "Other markets (n)" row in `victims`, None when nothing was grouped."""
        return self.victims["market"].tolist().index(OTHER_KEY) if self.victims_grouped else None

    def victims_grouped_note(self, t: I18n) -> str | None:
        """Why the victims table has an "Other markets (n)" row, for the page and the exports."""
        if not self.victims_grouped:
            return None
        other = self.victims["market_label"].iloc[self.victims_grouped_row()]
        return presented.grouped_note(t, self.victims_grouped, other)

    def summary_beside_priorities(self, t: I18n) -> list[str]:
        """The summary without its closing priority sentence, for a screen that shows the
        priority table right beside it."""
        sentence = _priority_sentence(t, self.priorities)
        return [line for line in self.summary if line != sentence]

    @property
    def week_label(self) -> str:
        return iso_week(self.week)


# --- Pieces -----------------------------------------------------------------------------------

def _kpis(con, filters: Filters, profile: Profile, week: date, suppress: bool, destination: str):
    series = queries.weekly_kpis(con, filters, profile, week - timedelta(weeks=12), week)
    current, previous = series.iloc[-1], series.iloc[-2]
    baseline = series.iloc[-1 - BASELINE_SHORT:-1][list(queries.KPI_NAMES)].mean()
    rows = []
    for name in queries.KPI_NAMES:
        value, prev, base = float(current[name]), float(previous[name]), float(baseline[name])
        row = {"kpi": name, "value": value, "previous": prev,
               "change_prev": (value - prev) / prev if prev >= MIN_BASE else None,
               "baseline_mean": base, "change_4w": (value - base) / base if base >= MIN_BASE else None}
        if suppress and name in presented.VICTIM_COLUMNS:
            # A protected count shows as "<k" and carries no comparison that would reveal it.
            row.update(value=presented.protect_count(int(value), profile, destination), previous=None,
                       change_prev=None, baseline_mean=None, change_4w=None)
        rows.append(row)
    kpis = pd.DataFrame(rows).astype(object)
    kpis = kpis.where(kpis.notna(), None)     # "no comparison" is None, never NaN
    return kpis, series[["week", "incidents"]].reset_index(drop=True)


def _changes(con, filters: Filters, profile: Profile, lang: str, week: date, level: str) -> pd.DataFrame:
    if level not in _LEVEL_SQL:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    col = _lang(lang)
    key, label, country = (part.format(col=col) for part in _LEVEL_SQL[level])
    first = week - timedelta(weeks=BASELINE_LONG)
    # Whole ISO weeks: the weekly rollup answers exactly when no grading filter is set (kpi_source),
    # and the labels are joined to the few hundred result rows, not to every incident. An area's
    # country is its own (admin1.iso3); records without an admin-1 area have none to name.
    area_country = "a.iso3" if level == "adm1" else "i.area"
    dated = filters.with_dates(first, week + timedelta(days=6))
    rolled = queries.kpi_source(dated)[0] == "incident_weekly"
    table, day, one = ("incident_weekly", "i.week", "i.incidents") if rolled else ("incidents", "i.date_occurred", "1")
    where, params = scope(dated, profile, date_column="week" if rolled else "date_occurred")
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
        counts AS (SELECT i.admin1_code, i.market, {week_sql} AS week, {n_sql} AS n
                   FROM {table} i WHERE {where} AND i.admin1_code IS NOT NULL GROUP BY ALL),
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
    arrays here); tests/test_brief.py holds the series-by-series loop they replaced as the oracle.
    """
    from dataclasses import replace

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


def _anomalies(con, filters: Filters, profile: Profile, t: I18n, week: date) -> tuple[pd.DataFrame, int]:
    flags, tested = scan(anomaly_series(con, filters, profile, week))
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


def _priorities(con, filters: Filters, profile: Profile, lang: str, week: date) -> pd.DataFrame:
    """The top 5 of the priority model (tnt_dash/priority.py, docs/priority.md) over the 16 weeks to the week."""
    from .priority import top_threats
    return top_threats(con, filters, profile, lang, week + timedelta(days=6), n=TOP_PRIORITIES)


def _victims(con, filters: Filters, profile: Profile, t: I18n, week: date, suppress: bool):
    """(victims by sex and age per market with a total row (market None) last, withheld, markets
    grouped into the OTHER_KEY row)."""
    col = _lang(t.lang)
    where, params = scope(filters.with_dates(week, week + timedelta(days=6)), profile)
    frame = _df(con, f"""
        SELECT i.market, any_value(m.label_{col}) AS market_label,
               sum({WOMEN})::BIGINT AS women, sum({MEN})::BIGINT AS men, sum({GIRLS})::BIGINT AS girls,
               sum({BOYS})::BIGINT AS boys, sum({UNKNOWN})::BIGINT AS unknown,
               sum({VICTIMS})::BIGINT AS victims
        FROM incidents i JOIN markets m ON m.code = i.market
        WHERE {where} GROUP BY i.market HAVING sum({VICTIMS}) > 0
        ORDER BY victims DESC, i.market""", params)
    if frame.empty:
        return frame, False, 0
    total = {"market": None, "market_label": t.gettext("Total"),
             **{c: int(frame[c].sum()) for c in (*SEX_AGE, "victims")}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    if not suppress:
        return frame, False, 0
    k, other = suppression_threshold(), presented.OTHER_LABELS["market"]
    try:
        # Row and column totals are handed over so they can be hidden with the cells. A market no
        # pattern can protect (four 1s under a "<5" total) is grouped with the smallest others.
        out, grouped = protect_or_group(
            frame, lambda f: suppress_table(f, list(SEX_AGE), k=k, total_col="victims", total_row=len(f) - 1),
            list(SEX_AGE), "victims", k, t.gettext(other), key_col="market",
            label_col="market_label")
    except DisclosureError:
        return frame.iloc[0:0], True, 0
    grand = out.iloc[-1]["victims"]
    if isinstance(grand, str) and grand != str(presented.protect_count(total["victims"], profile, "export")):
        # The victims KPI publishes this total; a table that needs it hidden cannot be shown beside it.
        return frame.iloc[0:0], True, 0
    return out, False, grouped


def _notable(con, filters: Filters, profile: Profile, lang: str, week: date, destination: str) -> pd.DataFrame:
    frame = queries.incident_list(con, filters.with_dates(week, week + timedelta(days=6)), profile, lang,
                                  limit=NOTABLE, order="harm")
    if profile.must_suppress(destination):
        # Per-record victim counts are left out, not marked one by one: the list holds the week's
        # worst records, often all of its records with victims, so the week's published total minus
        # the counts shown gave a "<5" record away (10 victims, records of 7 and "<5": the other is 3).
        frame = frame.drop(columns=[c for c in presented.VICTIM_COLUMNS if c in frame.columns])
    return frame


def _hotspots(con, filters: Filters, profile: Profile, lang: str, week: date, destination: str) -> pd.DataFrame:
    frame = queries.admin1_totals(con, filters.with_dates(week, week + timedelta(days=6)), profile, lang)
    try:
        return presented.protect_victims(frame, profile, destination)
    except DisclosureError:
        # No safe pattern exists for this week's small counts: withhold the victim columns.
        out = frame.copy()
        for column in presented.VICTIM_COLUMNS:
            out[column] = pd.Series([None] * len(out), dtype=object)
        return out


def _visible(value) -> int | None:
    """An int the reader may see, or None when it is suppressed ("<5", "x")."""
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and not pd.isna(value) \
        else None


def _cell_girls(con, filters: Filters, profile: Profile, week: date, admin1: str, market: str) -> tuple[int, int]:
    where, params = scope(filters.with_dates(week, week + timedelta(days=6)), profile)
    row = queries._one(con, f"""
        SELECT coalesce(sum({GIRLS}), 0)::BIGINT, coalesce(sum({VICTIMS}), 0)::BIGINT
        FROM incidents i WHERE {where} AND i.admin1_code = ? AND i.market = ?""", [*params, admin1, market])
    return int(row[0]), int(row[1])


def _summary(con, filters: Filters, profile: Profile, t: I18n, b: dict) -> list[str]:
    """3-6 sentences, each backed by a number in the brief; no clause on hidden or zero counts."""
    _ = t.gettext
    out = []
    kpis = b["kpis"].set_index("kpi")
    incidents = kpis.loc["incidents"]
    base = incidents["baseline_mean"]
    if (incidents["change_4w"] is None or pd.isna(incidents["change_4w"])) and base:
        out.append(_("{week}: {n} incidents, against {mean} a week in the previous 4 weeks.").format(
            week=t.week(b["week"]), n=t.number(incidents["value"]), mean=t.number(base, 2 if base < 1 else 1)))
    elif incidents["change_4w"] is None or pd.isna(incidents["change_4w"]):
        out.append(_("{week}: {n} incidents recorded.").format(week=t.week(b["week"]), n=t.number(incidents["value"])))
    else:
        out.append(_("{week}: {n} incidents, {change} on the mean of the previous 4 weeks ({mean}).").format(
            week=t.week(b["week"]), n=t.number(incidents["value"]),
            change=t.percent(incidents["change_4w"], signed=True), mean=t.number(incidents["baseline_mean"], 1)))
    for row in b["anomalies"].head(2).itertuples():
        change = b["changes"]
        if row.expected == 0:
            text = _("{market} in {area}: {n} incidents, none in the previous {weeks} weeks.").format(
                market=row.market_label, area=row.area_label, n=t.number(row.observed), weeks=ANOMALY_BASELINE)
        else:
            text = _("{market} in {area}: {n} incidents against about {expected} a week before.").format(
                market=row.market_label, area=row.area_label, n=t.number(row.observed),
                expected=t.number(row.expected, 1))
        if b["level"] == "adm1":
            match = change[(change["area"] == row.admin1_code) & (change["market"] == row.market)]
            if len(match) and not pd.isna(match.iloc[0]["change_4w"]):
                text = _("{market} in {area}: {n} incidents, {change} on the 4-week mean.").format(
                    market=row.market_label, area=row.area_label, n=t.number(row.observed),
                    change=t.percent(match.iloc[0]["change_4w"], signed=True))
        if not b["suppressed"]:
            girls, victims = _cell_girls(con, filters, profile, b["week"], row.admin1_code, row.market)
            if girls > 0 and victims > 0:
                text = text[:-1] + _("; {girls} of {victims} victims were girls.").format(
                    girls=t.number(girls), victims=t.number(victims))
        out.append(text)
    if b["anomalies"].empty:
        out.append(_("No area and market stood out against its previous {weeks} weeks ({tests} series tested).")
                   .format(weeks=ANOMALY_BASELINE, tests=t.number(b["anomaly_tests"])))
    victims, wc = _visible(kpis.loc["victims", "value"]), _visible(kpis.loc["women_children", "value"])
    if victims and wc is not None:   # both visible: a protected KPI is an int only when it may be shown
        out.append(_("{wc} of {victims} victims were women or children.").format(
            wc=t.number(wc), victims=t.number(victims)))
    fatalities, arrests = int(kpis.loc["fatalities", "value"]), int(kpis.loc["arrests", "value"])
    if fatalities or arrests:
        out.append(_("{fatalities} fatalities and {arrests} arrests were recorded.").format(
            fatalities=t.number(fatalities), arrests=t.number(arrests)))
    if len(b["priorities"]):
        out.append(_priority_sentence(t, b["priorities"]))
    return out[:6]


def _priority_sentence(t: I18n, priorities: pd.DataFrame) -> str | None:
    if not len(priorities):
        return None
    top = priorities.iloc[0]
    return t.gettext("Highest priority: {market} in {area} ({n} incidents in the last 4 weeks).").format(
        market=top["market_label"], area=top["area_label"], n=t.number(top["incidents_4w"]))


# --- The brief -----------------------------------------------------------------------------------

@reads_only(*activities.SCOPE_FIELDS)
def appendix(con, filters: Filters, profile: Profile, lang: str, week: date) -> list[str]:
    """The capacity-building appendix: gender parity over the 52 weeks to the week. It reads only
    the period and missions, so the page caches it apart from the brief: a market change leaves it."""
    week = queries.week_start(week)
    year = filters.with_dates(week - timedelta(days=364), week + timedelta(days=6))
    return [activities.parity_summary(con, year, profile, lang)["sentence"]]


def weekly_brief(con, filters: Filters, profile: Profile, lang: str, week: date, destination: str = "screen",
                 level: str = "adm1", with_appendix: bool = True) -> Brief:
    """Everything the brief shows for the ISO week starting on (or containing) `week`.

    with_appendix=False leaves the appendix empty, for the page, which reads `appendix()` apart."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    t = get_i18n(lang)
    week = queries.week_start(week)
    suppress = profile.must_suppress(destination)
    filters = filters.with_dates(None, None)
    # The parts are independent: tnt_dash/parallel.py runs them two at a time.
    done = run_parts({
        "kpis": partial(_kpis, con, filters, profile, week, suppress, destination),
        "priorities": partial(_priorities, con, filters, profile, lang, week),
        "changes": partial(_changes, con, filters, profile, lang, week, level),
        "anomalies": partial(_anomalies, con, filters, profile, t, week),
        "victims": partial(_victims, con, filters, profile, t, week, suppress),
        "hotspots": partial(_hotspots, con, filters, profile, lang, week, destination),
        "notable": partial(_notable, con, filters, profile, lang, week, destination),
        **({"appendix": partial(appendix, con, filters, profile, lang, week)} if with_appendix else {}),
        "notes": partial(_notes, con, filters, profile, week),
    })
    (kpis, weekly), (anomalies, tests), (victims, withheld, grouped) = done["kpis"], done["anomalies"], done["victims"]
    changes, priorities = done["changes"], done["priorities"]
    parts = dict(week=week, level=level, kpis=kpis, changes=changes, anomalies=anomalies, anomaly_tests=tests,
                 priorities=priorities, suppressed=suppress)
    summary = _summary(con, filters, profile, t, parts)
    return Brief(appendix=done.get("appendix", []), week=week, level=level, lang=lang, destination=destination,
                 suppressed=suppress, kpis=kpis, weekly=weekly, changes=changes, anomalies=anomalies,
                 anomaly_tests=tests, priorities=priorities, incidents=done["notable"], victims=victims,
                 victims_withheld=withheld, victims_grouped=grouped, hotspots=done["hotspots"], summary=summary,
                 notes=done["notes"][0], notes_by=done["notes"][1], decisions=done["notes"][2],
                 suppressed_notes=profile.releasable_to_host_state)


NO_NOTES = N_("No analyst judgement recorded for this week.")
JUDGEMENTS_TITLE = brief_notes.SECTION_TITLES["judgements"]


def notes_sections(brief: "Brief", t: I18n) -> list[tuple[str, list[str]]]:
    """The analyst's notes as (section title, lines) in the reader's language, for the page, the
    slides and the PDF: each judgement with its likelihood word and range and its confidence, each
    decision with its owner, due date and status. No notes: one section saying so; none at all on a
    host State's pack (notes are mission-internal)."""
    _ = t.gettext
    notes = brief.notes
    out = []
    if notes.judgements:
        lines = []
        for j in notes.judgements:
            said = []
            if j.likelihood:
                low, high = brief_notes.LIKELIHOOD[j.likelihood]
                said.append(f"{_(brief_notes.LIKELIHOOD_LABELS[j.likelihood])} ({t.number(low)}–{t.percent(high / 100)})")
            if j.confidence:
                said.append(_(brief_notes.CONFIDENCE_LABELS[j.confidence]))
            lines.append(j.text + (f" — {', '.join(said)}" if said else ""))
        out.append((_(JUDGEMENTS_TITLE), lines))
    for section in ("outlook", "recommendations", "threats"):
        if getattr(notes, section):
            out.append((_(brief_notes.SECTION_TITLES[section]), list(getattr(notes, section))))
    if len(brief.decisions):
        lines = []
        for d in brief.decisions.itertuples():
            parts = [p for p in (d.owner if isinstance(d.owner, str) else None,
                                 _("due {date}").format(date=t.date(pd.Timestamp(d.due).date())) if not pd.isna(d.due)
                                 else None, _(brief_notes.STATUS_LABELS[d.status])) if p]
            since = "" if pd.Timestamp(d.raised).date() == brief.week else " " + _("(since {week})").format(
                week=iso_week(pd.Timestamp(d.raised).date()))
            lines.append(f"{d.text} — {' · '.join(parts)}{since}")
        out.append((_("Decisions to follow up"), lines))
    if not notes.judgements and not brief.suppressed_notes:
        out.insert(0, (_(JUDGEMENTS_TITLE), [_(NO_NOTES)]))
    return out


# What one projector screen holds of the notes, in lines of a half-width column at projector type
# (two columns a screen; a line is about 75 characters; a section title counts two).
SCREEN_LINES, LINE_CHARS = 15, 75


def notes_screens(sections: list[tuple[str, list[str]]]) -> list[list[list[tuple[str, list[str]]]]]:
    """The notes laid out for the projector: screens of two columns of (title, items), each column at
    most SCREEN_LINES lines; what does not fit goes to the next screen ("continued"), never to a
    scroll. Items keep their order; a section split over two columns repeats its title."""
    def cost(item: str) -> int:
        return max(1, math.ceil(len(item) / LINE_CHARS))
    columns: list[list[tuple[str, list[str]]]] = [[]]
    used = 0
    for title, items in sections:
        for item in items:
            need = cost(item) + (2 if not columns[-1] or columns[-1][-1][0] != title else 0)
            if used + need > SCREEN_LINES and columns[-1]:
                columns.append([])
                used = 0
                need = cost(item) + 2
            if not columns[-1] or columns[-1][-1][0] != title:
                columns[-1].append((title, []))
            columns[-1][-1][1].append(item)
            used += need
    columns = [c for c in columns if c]
    return [columns[i:i + 2] for i in range(0, len(columns), 2)]


def notes_mission(filters: Filters) -> str:
    """Whose notes a brief shows: the first mission in the filters, or '' for a regional brief."""
    return filters.missions[0] if filters.missions else ""


def _notes(con, filters: Filters, profile: Profile, week: date):
    """The analyst's notes and the decisions to follow up: mission-internal, so none for a host
    State's screen or pack (its brief is the figures released to it)."""
    if profile.releasable_to_host_state:
        return Notes(), None, pd.DataFrame()
    mission = notes_mission(filters)
    notes, by = brief_notes.current(con, week, mission)
    return notes, by, brief_notes.follow_up(con, week, mission)


# --- Tables with translated headers: the XLSX sheets, and the rows the slides and PDF show ------

def _pct(value) -> float | None:
    """A fraction as a percentage rounded to 1 decimal, for tables (None stays None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value) * 100, 1)


def tables(brief: Brief, t: I18n, names: tuple[str, ...] | None = None,
           change_rows: int | None = None) -> dict[str, pd.DataFrame]:
    """Every table behind the brief, in order, with headers in the UI language.

    `names` (the English titles, e.g. "Changes") builds only those: the page shows four of the
    nine, and each table is a pandas frame of its own to build. `change_rows` keeps the first rows
    of the change table only (a screen shows its busiest 40 of several hundred; exports keep all)."""
    unknown = set(names or ()) - set(TABLE_BUILDERS)
    if unknown:
        raise ValueError(f"no brief table named {', '.join(sorted(unknown))}; choose from {', '.join(TABLE_BUILDERS)}")
    if change_rows is not None:
        brief = replace(brief, changes=brief.changes.head(max(0, change_rows)))
    return {t.gettext(name): build(brief, t) for name, build in TABLE_BUILDERS.items()
            if names is None or name in names}


def _summary_table(brief: Brief, t: I18n) -> pd.DataFrame:
    return pd.DataFrame({t.gettext("Summary"): brief.summary})


def _kpis_table(brief: Brief, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    k = brief.kpis
    return pd.DataFrame({
        _("Indicator"): [_(views.KPI_LABELS[name]) for name in k["kpi"]],
        _("This week"): [v if isinstance(v, str) else (round(v, 2) if name == "seizure_usd" else int(v))
                         for name, v in zip(k["kpi"], k["value"])],
        _("Previous week"): [None if v is None or pd.isna(v) else (round(v, 2) if n == "seizure_usd" else int(v))
                             for n, v in zip(k["kpi"], k["previous"])],
        _("% change vs previous week"): [_pct(v) for v in k["change_prev"]],
        _("Mean of previous 4 weeks"): [None if v is None or pd.isna(v) else round(float(v), 2)
                                        for v in k["baseline_mean"]],
        _("% change vs 4-week mean"): [_pct(v) for v in k["change_4w"]],
    })


def _changes_table(brief: Brief, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    area_header = _("Admin-1 area") if brief.level == "adm1" else _("Country or territory")
    # The query's own columns, not lists of them: a list of text is typed again, row by row.
    c = brief.changes.reset_index(drop=True)
    return pd.DataFrame({
        area_header: c["area_label"].fillna(_("No admin-1 area")),
        **({_("Country or territory"): c["country_label"]} if brief.level == "adm1" else {}),
        _("Market"): c["market_label"],
        _("Incidents this week"): c["week_count"].astype(int),
        _("Mean of previous 4 weeks"): c["mean_4w"].round(2),
        # Numbers even when no row has a base big enough for a percentage (every cell empty).
        _("% change vs 4-week mean"): pd.Series([_pct(v) for v in c["change_4w"].tolist()], dtype="float64"),
        _("Mean of previous 52 weeks"): c["mean_52w"].round(2),
        _("% change vs 52-week mean"): pd.Series([_pct(v) for v in c["change_52w"].tolist()], dtype="float64"),
    })


def _anomalies_table(brief: Brief, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    a = brief.anomalies
    return pd.DataFrame({
        _("Admin-1 area"): a["area_label"].tolist(), _("Market"): a["market_label"].tolist(),
        _("Observed"): a["observed"].astype(int).tolist(), _("Expected"): a["expected"].round(1).tolist(),
        _("p-value"): a["p"].tolist(), _("q-value (Benjamini–Hochberg)"): a["q"].tolist(),
        _("Model"): [_(MODEL_LABELS[m]) for m in a["model"]], _("Explanation"): a["sentence"].tolist(),
    })


def _priorities_table(brief: Brief, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    p = brief.priorities
    return pd.DataFrame({
        _("Rank"): p["rank"].astype(int).tolist(), _("Admin-1 area"): p["area_label"].tolist(),
        _("Country or territory"): p["country_label"].tolist(), _("Market"): p["market_label"].tolist(),
        _("Incidents, last 4 weeks"): p["incidents_4w"].astype(int).tolist(),
        _("Incidents, 12 weeks before"): p["incidents_prior"].astype(int).tolist(),
        _("Score"): p["score"].round(2).tolist(),
    })


def _incidents_table(brief: Brief, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    i = brief.incidents
    incident_names = {"incident_id": N_("Record"), "date_occurred": N_("Date"), "country": N_("Country or territory"),
                      "admin1": N_("Admin-1 area"), "market": N_("Market"), "fatalities": N_("Fatalities"),
                      "victims": N_("Victims"), "women_children": N_("Women and children victims"),
                      "arrests": N_("Arrests"), "actor": N_("Actor"), "narrative": N_("Narrative")}
    incident_names = {key: value for key, value in incident_names.items() if key in i.columns}
    i = i.assign(date_occurred=pd.to_datetime(i["date_occurred"]).dt.date) if "date_occurred" in i else i
    return i[list(incident_names)].rename(columns={key: _(value) for key, value in incident_names.items()})


def _victims_table(brief: Brief, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    v = brief.victims
    return pd.DataFrame({_("Market"): v["market_label"].tolist(),
                         **{_(SEX_AGE_LABELS[s]): v[s].tolist() for s in SEX_AGE},
                         _("Victims"): v["victims"].tolist()}) if len(v) else pd.DataFrame(
        columns=[_("Market"), *[_(SEX_AGE_LABELS[s]) for s in SEX_AGE], _("Victims")])


def _hotspots_table(brief: Brief, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    h = brief.hotspots
    return pd.DataFrame({
        _("Admin-1 area"): h["admin1_label"].tolist(), _("Country or territory"): h["country_label"].tolist(),
        **{_(views.KPI_LABELS[name]): h[name].tolist() for name in ("incidents", "victims", "fatalities", "arrests")},
    })


def _appendix_table(brief: Brief, t: I18n) -> pd.DataFrame:
    return pd.DataFrame({t.gettext("Appendix: gender parity in capacity building, last 52 weeks"): brief.appendix})


# The brief's tables in the order of the exports; keys are the English titles (msgids).
TABLE_BUILDERS = {
    N_("Summary"): _summary_table, N_("Key figures"): _kpis_table, N_("Changes"): _changes_table,
    N_("Anomalies"): _anomalies_table, N_("Priorities"): _priorities_table,
    N_("Notable incidents"): _incidents_table, N_("Women and children"): _victims_table,
    N_("Hotspots"): _hotspots_table, N_("Appendix"): _appendix_table,
}
