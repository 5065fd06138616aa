"""Regional trends: incident series by market, mission, country or admin-1, with their
confidence, trend test, year-on-year change, rates per 100,000 and seasonality.

(filters, profile) in, small frames out; no Streamlit here. The page, the CLI export
(`python -m tnt_dash export trends`) and the tests call the same functions. The drill-down
handlers turn a chart selection into a URL value and back into narrower Filters.

Only complete weeks or months enter a series: a half-covered first or last period would
read as a fall and bias the trend test.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial

import numpy as np
import pandas as pd

from . import queries, stats
from .access import Profile
from .config import suppression_threshold
from .filters import Filters
from .i18n import I18n, N_
from .parallel import run_parts
from .queries import _df, _lang, scope

# Whitelist: the dimension picks a column, never a value. NULL keys (no admin-1 recorded)
# become NOT_RECORDED so they are counted and shown rather than silently dropped.
DIMENSIONS = {
    "market": "i.market",
    "family": "m.family",
    "cyber": "m.cyber",
    "mission": "i.mission",
    "country": "i.iso3",
    "admin1": "i.admin1_code",
}
DIMENSION_LABELS = {
    "market": N_("Market"),
    "family": N_("Market family"),
    "cyber": N_("Cyber link"),
    "mission": N_("Mission"),
    "country": N_("Country or territory"),
    "admin1": N_("Admin-1 area"),
}
FAMILY_LABELS = {
    "drugs": N_("Drugs"),
    "people": N_("Crimes against people"),
    "arms": N_("Arms"),
    "resources": N_("Natural resources"),
    "cyber_financial": N_("Cyber and financial"),
    "other": N_("Other markets"),
}
CYBER_LABELS = {
    "cyber-dependent": N_("Cyber-dependent"),
    "cyber-enabled": N_("Cyber-enabled"),
    "none": N_("Not cyber-related"),
}
GRAINS = {"week": "INTERVAL 7 DAY", "month": "INTERVAL 1 MONTH"}
# Trailing window of the moving average: about a month either way.
MA_WINDOW = {"week": 4, "month": 3}
OTHERS = "__others__"
NOT_RECORDED = "__none__"
TOP_SERIES = 7          # plus "all others": eight colours in figures.PALETTE order
# A "solid" record: a completely or usually reliable source (A–B) reporting information that is
# confirmed or probably true (1–2). Both must hold: A3 or C1 is not solid.
STRONG_SQL = "(i.source_reliability IN ('A', 'B') AND i.info_credibility IN (1, 2))"

TREND_TEXT = {
    "rising": N_("rising, significant at 95 %"),
    "falling": N_("falling, significant at 95 %"),
    "none": N_("no clear trend"),
    "insufficient": N_("too few points"),
}


def _check(by: str, grain: str) -> None:
    if by not in DIMENSIONS:
        raise ValueError(f"unknown series dimension {by!r}; expected one of {', '.join(DIMENSIONS)}")
    if grain not in GRAINS:
        raise ValueError(f"unknown time grain {grain!r}; expected week or month")


# --- Periods ----------------------------------------------------------------------------------

def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_end(start: date, grain: str) -> date:
    if grain == "week":
        return start + timedelta(days=6)
    return date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])


def complete_periods(date_from: date, date_to: date, grain: str) -> tuple[date, date] | None:
    """First and last start of the whole weeks (Monday) or months inside [date_from, date_to]."""
    if grain == "week":
        first = date_from + timedelta(days=(7 - date_from.weekday()) % 7)
        last = queries.week_start(date_to + timedelta(days=1)) - timedelta(days=7)
    elif grain == "month":
        first = date_from if date_from.day == 1 else _add_months(date_from, 1)
        last = _add_months(date_to + timedelta(days=1), -1)
    else:
        raise ValueError(f"unknown time grain {grain!r}; expected week or month")
    return (first, last) if first <= last else None


def previous_year(day: date, grain: str) -> date:
    """The same period a year earlier: 52 weeks back keeps weeks on Mondays; months go 12 back."""
    return day - timedelta(weeks=52) if grain == "week" else _add_months(day, -12)


def window(con, filters: Filters, profile: Profile, grain: str) -> tuple[date, date] | None:
    """The complete periods covered by the filters' dates, or by the data the viewer sees."""
    start, end = filters.date_from, filters.date_to
    if start is None or end is None:     # a scan of the viewer's data, only when a date is open
        status = queries.data_status(con, filters, profile)
        start, end = start or status["date_min"], end or status["date_max"]
    if start is None or end is None:
        return None
    return complete_periods(start, end, grain)


# --- Labels -----------------------------------------------------------------------------------

def series_labels(con, by: str, t: I18n) -> dict[str, str]:
    """Display label of every key of a dimension, in the viewer's language."""
    _check(by, "week")
    _ = t.gettext
    col = _lang(t.lang)
    if by == "family":
        labels = {k: _(v) for k, v in FAMILY_LABELS.items()}
    elif by == "cyber":
        labels = {k: _(v) for k, v in CYBER_LABELS.items()}
    elif by == "market":
        labels = queries.labels(con, "markets", t.lang)
    elif by == "country":
        labels = queries.labels(con, "countries", t.lang)
    elif by == "mission":
        labels = queries.labels(con, "missions", t.lang)
    else:
        labels = dict(_df(con, f"SELECT code, name_{col} || ' (' || iso3 || ')' FROM admin1_named")
                      .itertuples(index=False))
    return {**labels, OTHERS: _("All others"), NOT_RECORDED: _("Not recorded")}


# --- Series -----------------------------------------------------------------------------------

def series_counts(con, filters: Filters, profile: Profile, by: str, grain: str, first: date, last: date,
                  top: int = TOP_SERIES) -> pd.DataFrame:
    """period, key, incidents, strong: zero-filled, for the `top` largest keys plus all others.

    `strong` counts records graded A–B for the source and 1–2 for the information.
    """
    _check(by, grain)
    where, params = scope(filters.with_dates(first, period_end(last, grain)), profile)
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
    """key, incidents in [start, end], every key (for the year-earlier comparison)."""
    _check(by, "week")
    # Every dimension is a rollup column (or a market attribute), so whole-week periods without a
    # grading filter read the weekly rollup: three of these run on each rerun of the trends page.
    dated = filters.with_dates(start, end)
    table = queries.kpi_source(dated)[0]
    rolled = table == "incident_weekly"
    where, params = scope(dated, profile, date_column="week" if rolled else "date_occurred")
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


def trend_text(result: stats.TrendResult, t: I18n) -> str:
    key = "insufficient" if result.insufficient else result.direction
    return t.gettext(TREND_TEXT[key])


def graded_share(incidents: int, strong: int, profile: Profile) -> float | None:
    """Share of A–B/1–2 records; withheld where it could reveal the grade of a handful of
    records to a profile that may not see detailed grades."""
    if incidents == 0:
        return None
    if not profile.detailed_grades and incidents < suppression_threshold():
        return None
    return strong / incidents


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


def trends(con, filters: Filters, profile: Profile, t: I18n, by: str = "market", grain: str = "week",
           top: int = TOP_SERIES) -> Trends | None:
    """Everything the page's series charts and table show; None when no complete period is in view."""
    _check(by, grain)
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
    previous = parts["previous"].set_index("key")["incidents"]
    shown = set(keys) - {OTHERS}
    previous_others = int(previous[[k for k in previous.index if k not in shown]].sum())

    rows = []
    for key, values, graded, result in zip(keys, matrix, strong, stats.mann_kendall_many(matrix)):
        incidents = int(values.sum())
        before = previous_others if key == OTHERS else int(previous.get(key, 0))
        before = before if previous_complete else None
        rows.append({
            "key": key, "label": labels.get(key, key), "incidents": incidents, "previous": before,
            "change": (incidents - before) / before if before else None,
            "graded_share": graded_share(incidents, int(graded.sum()), profile),
            "trend": trend_text(result, t), "direction": "insufficient" if result.insufficient else result.direction,
            "p_value": result.p_value, "sen_slope": result.sen_slope,
        })
    summary = pd.DataFrame(rows, columns=["key", "label", "incidents", "previous", "change", "graded_share",
                                          "trend", "direction", "p_value", "sen_slope"])
    # Largest first; the catch-all rows last, so the legend reads in order of weight.
    summary = (summary.assign(_tail=summary["key"].isin((OTHERS, NOT_RECORDED)))
               .sort_values(["_tail", "incidents", "key"], ascending=[True, False, True])
               .drop(columns="_tail").reset_index(drop=True))
    return Trends(by=by, grain=grain, first=first, last=last, series=counts, total=total, summary=summary,
                  previous_complete=previous_complete)


# --- Rates per 100,000 ------------------------------------------------------------------------

def rates(con, filters: Filters, profile: Profile, lang: str, start: date, end: date) -> pd.DataFrame:
    """Incidents per 100,000 population per country or territory over [start, end], with the
    population's year and source so that every rate can be read against its denominator."""
    col = _lang(lang)
    where, params = scope(filters.with_dates(start, end), profile)
    frame = _df(con, f"""
        SELECT i.iso3 AS key, c.name_{col} AS label, string_agg(DISTINCT i.mission, ', ' ORDER BY i.mission) AS missions,
               count(*) AS incidents, any_value(c.population) AS population, any_value(c.pop_year) AS pop_year,
               any_value(c.pop_source) AS pop_source
        FROM incidents i JOIN countries c ON c.iso3 = i.iso3
        WHERE {where} GROUP BY i.iso3, c.name_{col}""", params)
    frame["rate"] = rate_per_100k(frame["incidents"], frame["population"])
    return frame.sort_values(["rate", "key"], ascending=[False, True], na_position="last").reset_index(drop=True)


def rate_per_100k(incidents, population):
    """incidents / population × 100,000; no rate where the population is unknown or zero."""
    population = pd.to_numeric(pd.Series(population), errors="coerce").astype("float64")
    population = population.where(population > 0)
    return (pd.Series(incidents).astype("float64") / population * 100_000).astype(object).where(
        population.notna(), None)


# --- Splits and seasonality -------------------------------------------------------------------

def split_totals(con, filters: Filters, profile: Profile, t: I18n, by: str, start: date, end: date) -> pd.DataFrame:
    """key, label, incidents for the cyber or market-family split over [start, end]."""
    if by not in ("cyber", "family"):
        raise ValueError("a market split is by cyber link or by market family")
    frame = totals_between(con, filters, profile, by, start, end)
    labels = series_labels(con, by, t)
    order = list(CYBER_LABELS if by == "cyber" else FAMILY_LABELS)
    found = dict(zip(frame["key"].tolist(), frame["incidents"].tolist()))
    return pd.DataFrame({"key": order, "label": [labels.get(k) for k in order],
                         "incidents": np.array([found.get(k, 0) for k in order], dtype=np.int64)})


def month_occurrences(first: date, last: date) -> dict[int, int]:
    """How many times each calendar month appears among the months first..last (month starts)."""
    counts = {m: 0 for m in range(1, 13)}
    day = first
    while day <= last:
        counts[day.month] += 1
        day = _add_months(day, 1)
    return counts


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
    where, params = scope(filters.with_dates(first, period_end(last, "month")), profile)
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


def market_families(con) -> dict[str, tuple[str, ...]]:
    frame = _df(con, "SELECT family, code FROM markets ORDER BY family, code")
    return {family: tuple(group["code"]) for family, group in frame.groupby("family")}


# --- Drill-down: chart selection -> URL -> Filters ---------------------------------------------

DRILL_PARAM = "drill"          # the page's own query parameter: "market:cocaine,heroin"
MAX_DRILL_CODES = 40


class EmptyDrill(ValueError):
    """The selection and the sidebar filters have nothing in common."""


@dataclass(frozen=True)
class Drill:
    dimension: str
    codes: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"unknown drill-down dimension {self.dimension!r}")
        if not self.codes:
            raise ValueError("a drill-down needs at least one code")
        if len(self.codes) > MAX_DRILL_CODES:
            raise ValueError(f"a drill-down takes at most {MAX_DRILL_CODES} codes")
        object.__setattr__(self, "codes", tuple(sorted(set(self.codes))))


def parse_drill(text: str | None) -> Drill | None:
    """The URL value back into a Drill; None for no drill-down. A malformed value is an error."""
    text = (text or "").strip()
    if not text:
        return None
    dimension, sep, codes = text.partition(":")
    if not sep:
        raise ValueError(f"a drill-down reads dimension:code,code (got {text!r})")
    return Drill(dimension, tuple(c.strip() for c in codes.split(",") if c.strip()))


def format_drill(drill: Drill | None) -> str:
    return "" if drill is None else f"{drill.dimension}:{','.join(drill.codes)}"


def drill_from_selection(event, dimension: str) -> Drill | None:
    """The series picked on a chart, read from each point's customdata (the series key).

    "All others" and "Not recorded" are not places or markets one can narrow to, so they
    are ignored; None when nothing narrowable was picked.
    """
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    codes = set()
    for point in points or ():
        custom = point.get("customdata")
        key = custom[0] if isinstance(custom, (list, tuple)) and custom else custom
        if isinstance(key, str) and key and key not in (OTHERS, NOT_RECORDED):
            codes.add(key)
    return Drill(dimension, tuple(codes)) if codes else None


def _narrow(current: tuple[str, ...], chosen: tuple[str, ...]) -> tuple[str, ...]:
    narrowed = tuple(c for c in chosen if not current or c in current)
    if not narrowed:
        raise EmptyDrill("the selection lies outside the sidebar filters")
    return narrowed


def apply_drill(filters: Filters, drill: Drill | None, families: dict[str, tuple[str, ...]]) -> Filters:
    """Filters narrowed to the drill-down: never wider than the sidebar's own choice."""
    if drill is None:
        return filters
    if drill.dimension == "market":
        return replace(filters, markets=_narrow(filters.markets, drill.codes))
    if drill.dimension == "family":
        unknown = set(drill.codes) - set(families)
        if unknown:
            raise ValueError(f"unknown market family: {', '.join(sorted(unknown))}")
        markets = tuple(sorted({m for f in drill.codes for m in families[f]}))
        return replace(filters, markets=_narrow(filters.markets, markets))
    field = {"cyber": "cyber", "mission": "missions", "country": "countries", "admin1": "admin1"}[drill.dimension]
    return replace(filters, **{field: _narrow(getattr(filters, field), drill.codes)})


# --- Wording ----------------------------------------------------------------------------------

def where_text(con, filters: Filters, t: I18n, most: int = 3) -> str:
    """Where a chart's records come from, for its title: the narrowest place filter in force."""
    _ = t.gettext
    for codes, table in ((filters.admin1, "admin1"), (filters.countries, "countries"), (filters.missions, "missions")):
        if codes:
            labels = queries.labels(con, table, t.lang)
            names = [labels.get(c, c) for c in codes]
            if len(names) > most:
                return _("{names} and {count} more").format(names=", ".join(names[:most]),
                                                             count=t.number(len(names) - most))
            return ", ".join(names)
    return _("all mission areas")


def month_names(t: I18n) -> list[str]:
    from babel.dates import get_month_names
    names = get_month_names("abbreviated", locale=t.locale)
    return [names[m] for m in range(1, 13)]


# --- Export views -----------------------------------------------------------------------------

def _period_text(t: I18n, start: date, end: date) -> str:
    return t.gettext("{start} to {end}").format(start=t.date(start), end=t.date(end))


def summary_table(data: Trends, t: I18n) -> pd.DataFrame:
    """The per-series table the page shows and exports, with translated headers."""
    _ = t.gettext
    s = data.summary
    return pd.DataFrame({
        _(DIMENSION_LABELS[data.by]): s["label"],
        _("Incidents"): s["incidents"],
        _("Same period a year earlier"): s["previous"].astype(object).where(s["previous"].notna(), None),
        _("Change on a year earlier (%)"): s["change"].map(lambda v: None if v is None or pd.isna(v)
                                                          else round(v * 100, 1)),
        _("Graded A–B and 1–2 (%)"): s["graded_share"].map(lambda v: None if v is None or pd.isna(v)
                                                          else round(v * 100, 1)),
        _("Trend"): s["trend"],
        _("Sen slope (incidents per period)"): s["sen_slope"].map(lambda v: None if pd.isna(v) else round(v, 3)),
        _("Mann–Kendall p-value"): s["p_value"].round(4),
    })


def series_table(data: Trends, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    s = data.series
    return pd.DataFrame({
        _("Period start"): s["period"], _(DIMENSION_LABELS[data.by]): s["label"],
        _("Incidents"): s["incidents"], _("Graded A–B and 1–2"): s["strong"],
        _("Moving average"): s["moving_average"].round(2),
    })


def rates_table(frame: pd.DataFrame, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    return pd.DataFrame({
        _("Country or territory"): frame["label"], _("Missions"): frame["missions"],
        _("Incidents"): frame["incidents"],
        _("Incidents per 100,000 population"): frame["rate"].map(lambda v: None if v is None else round(v, 2)),
        _("Population"): frame["population"], _("Population year"): frame["pop_year"],
        _("Population source"): frame["pop_source"],
    })


def _empty_view(key: str, title: str):
    from .presented import View
    return View(key, title, pd.DataFrame())


def summary_view(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export",
                 by: str = "market", grain: str = "week"):
    """Export view "trends": one row per series (counts only: no victim figures to suppress)."""
    from .presented import View
    data = trends(con, filters, profile, t, by, grain)
    title = t.gettext("Incident trends by series")
    if data is None:
        return _empty_view("trends", title)
    return View("trends", f"{title}, {_period_text(t, data.first, data.end)}", summary_table(data, t))


def series_view(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export",
                by: str = "market", grain: str = "week"):
    from .presented import View
    data = trends(con, filters, profile, t, by, grain)
    title = t.gettext("Incidents per period by series")
    if data is None:
        return _empty_view("trends_series", title)
    return View("trends_series", f"{title}, {_period_text(t, data.first, data.end)}", series_table(data, t))


def rates_view(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export", grain: str = "week"):
    from .presented import View
    title = t.gettext("Incidents per 100,000 population")
    bounds = window(con, filters, profile, grain)
    if bounds is None:
        return _empty_view("trends_rates", title)
    start, end = bounds[0], period_end(bounds[1], grain)
    frame = rates(con, filters, profile, t.lang, start, end)
    return View("trends_rates", f"{title}, {_period_text(t, start, end)}", rates_table(frame, t))
