"""Threat prioritization (issue #10): a transparent, SOCTA/MoRiLE-style priority model.

Each criminal market × area (admin-1 unit or country) in the filtered period is scored on five
factors, each on a 0–1 scale, and on a separate confidence figure (docs/priority.md states every
formula; pages/method.py shows the same note to users):

    harm        min–max of ln(1 + harm points) within the scored set, where
                harm points = victims + w_wc × women-and-children victims + 3 × fatalities
                              + seizure value / USD 100 000
    likelihood  (1 − 0.3) × min–max of ln(1 + incidents a week) + 0.3 × trend
                trend = 1 rising, 0 falling, 0.5 otherwise (stats.mann_kendall on 7-day counts)
    reach       0.5 × share of cross-border incidents + 0.5 × min–max of ln(1 + countries linked)
    actor       (mean of the linked actors' violence, reach and links − 1) / 4, or UNKNOWN
    capacity    host-State capacity gap = (10 − GI-TOC resilience average) / 9, or UNKNOWN

    score = 100 × Σ w_f × factor_f / Σ w_f, both sums over the factors that are KNOWN for the row.

An unknown factor (no GI-TOC index imported, no assessed actor) is left out and the weights of the
others are renormalised; the row is flagged. It is never counted as 0, which would silently say
"no capability gap" or "harmless actors". Confidence is reported beside the score, not inside it
(MoRiLE keeps risk and confidence apart): it comes from the Admiralty grades, the share of records
with two or more independent sources, and the number of records.

Inputs are aggregated in SQL scoped by `queries.scope(filters, profile)`; the arithmetic below runs
on that small frame. The page, the CLI (`python -m tnt_dash priorities`), the export view
"priorities" and the weekly brief's top 5 (`top_threats`) all call `assess`, so they agree.
This is the mission's analytic judgement, not a measurement.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from . import presented, queries, stats
from .access import Profile
from .config import suppression_threshold
from .filters import Filters, default_period
from .i18n import I18n, N_, get as get_i18n
from .model_inputs import MODEL_SUMS, MODEL_VALUES, NAMES_CORRIDOR, model_sums
from .queries import VICTIMS, WOMEN_CHILDREN, _df, _lang, _rows
from .suppression import COMPLEMENTARY_MARK, primary_mark

FACTORS = ("harm", "likelihood", "reach", "actor", "capacity")
FACTOR_LABELS = {
    "harm": N_("Harm"),
    "likelihood": N_("Likelihood"),
    "reach": N_("Cross-border reach"),
    "actor": N_("Actor capability"),
    "capacity": N_("Host-State capacity gap"),
}
LEVELS = ("adm1", "country")
SEIZURE_UNIT_USD = 100_000     # one harm point per USD 100 000 of seizures
TOP_THREATS_WEEKS = 16         # the brief: the last 4 weeks and the 12 before, as its table shows
SENSITIVITY_SPREAD = 0.20      # each factor weight varies by ±20 %
SENSITIVITY_DRAWS = 200
SENSITIVITY_SEED = 20_101      # fixed, so the rank ranges are reproducible
CONFIDENT_VOLUME = 10          # records at which the volume part of confidence is full
CONFIDENCE_LEVELS = ((0.70, "high"), (0.45, "medium"), (0.0, "low"))
CONFIDENCE_LABELS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}
TREND_VALUE = {"rising": 1.0, "falling": 0.0, "none": 0.5}


# --- Weights ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Weights:
    """Every weight of the model, with its default. Factor weights are relative points."""
    harm: float = 30.0
    likelihood: float = 25.0
    reach: float = 15.0
    actor: float = 15.0
    capacity: float = 15.0
    women_children: float = 1.0   # extra harm points per woman or child victim (on top of 1 per victim)
    fatality: float = 3.0         # harm points per fatality
    seizure: float = 1.0          # harm points per USD 100 000 seized
    trend_share: float = 0.3      # share of likelihood given to the tested trend

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"weight {f.name} must be a finite number, not {value!r}")
            if value < 0:
                raise ValueError(f"weight {f.name} must not be negative (got {value})")
            object.__setattr__(self, f.name, float(value))
        if self.trend_share > 1:
            raise ValueError("weight trend_share is a share and must be between 0 and 1")
        if sum(self.factor_weights()) <= 0:
            raise ValueError("at least one factor weight must be above 0")

    def factor_weights(self) -> tuple[float, ...]:
        return tuple(getattr(self, f) for f in FACTORS)


# URL keys of the page's sliders; the CLI's --weight flags use the same names.
PARAM_KEYS = {"w_harm": "harm", "w_likelihood": "likelihood", "w_reach": "reach", "w_actor": "actor",
              "w_capacity": "capacity", "w_wc": "women_children"}


def weights_to_params(weights: Weights) -> dict[str, str]:
    """The URL query parameters that reproduce `weights` (only the keys the page exposes)."""
    out = {}
    for key, name in PARAM_KEYS.items():
        value = getattr(weights, name)
        out[key] = str(int(value)) if value == int(value) else repr(value)
    return out


def weights_from_params(params: Mapping, base: Weights | None = None) -> Weights:
    """Weights from URL query parameters; missing keys keep `base` (default Weights()). Other keys
    (filters, language) are ignored. A bad value raises ValueError naming the parameter."""
    base = base or Weights()
    changes = {}
    for key, name in PARAM_KEYS.items():
        if key not in params:
            continue
        raw = params[key]
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else None
        try:
            value = float(str(raw).strip())
        except (TypeError, ValueError):
            raise ValueError(f"{key} must be a number, not {raw!r}") from None
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{key} must be a finite number of 0 or more, not {raw!r}")
        changes[name] = value
    return replace(base, **changes)


def parse_weight_flags(items: list[str]) -> Weights:
    """CLI: ['w_harm=40', 'w_wc=2'] -> Weights."""
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or key.strip() not in PARAM_KEYS:
            raise ValueError(f"--weight takes KEY=VALUE with KEY one of {', '.join(PARAM_KEYS)} (got {item!r})")
        params[key.strip()] = value
    return weights_from_params(params)


# --- Inputs (SQL) -----------------------------------------------------------------------------

_LEVEL_SQL = {   # column choices by whitelist only
    "adm1": (queries.PLACE, "a.name_{col}"),
    "country": ("i.iso3", "c.name_{col}"),
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
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
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
               agg.market, m.label_{col} AS market_label, m.gitoc_market,
               agg.incidents, agg.victims, agg.women_children, agg.fatalities, agg.seizure_usd, agg.cross_border,
               CASE WHEN agg.linked > 0 THEN agg.linked WHEN agg.iso3 IS NULL THEN 0 ELSE 1 END AS countries_linked,
               agg.actor_records, agg.actor_points / nullif(agg.actor_records, 0) / 3.0 AS actor_mean,
               agg.grade_tenths / nullif(agg.graded, 0) / 20.0 AS grade_quality, agg.corroborated,
               agg.bins, agg.counts
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
    # The new columns joined once (each column set alone is a pandas insert).
    frame = pd.concat([frame, pd.DataFrame({
        "trend": trend, "trend_p": trend_p,
        "weeks_tested": full_bins, "days": days,
        "recent_4w": recent, "prior": frame["incidents"].to_numpy() - recent,
        "resilience": np.array([ctx["resilience"].get(c, np.nan) for c in iso3s], dtype=float),
        "resilience_edition": np.array([ctx["resilience_edition"].get(c, np.nan) for c in iso3s], dtype=float),
        "gitoc_market_score": np.array([ctx["market"].get((c, m), np.nan) for c, m in zip(iso3s, gitoc_markets)],
                                       dtype=float),
    }, index=frame.index)], axis=1)
    frame.attrs.update(start=start, end=end, level=level, gitoc_imported=ctx["imported"], source=source)
    return frame


_TOTALS = ("victims", "women_children", "fatalities", "seizure_usd", *MODEL_SUMS)


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
                   {NAMES_CORRIDOR} AS names_corridor, {VICTIMS} AS victims, {WOMEN_CHILDREN} AS women_children,
                   i.fatalities, i.seizure_value_usd AS seizure_usd,
                   {", ".join(f"{sql} AS {name}" for name, sql in MODEL_VALUES.items())},
                   (date_diff('day', i.date_occurred, ?::DATE) // 7)::INTEGER AS bin
            FROM incidents i LEFT JOIN actors ac ON ac.actor_id = i.actor_id
            WHERE {where} AND {key} IS NOT NULL),
        cells AS (
            SELECT area, market, any_value(iso3) AS iso3, count(*) AS incidents,
                   coalesce(sum(victims), 0) AS victims, coalesce(sum(women_children), 0) AS women_children,
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


# --- Scoring (pure) ---------------------------------------------------------------------------

def minmax(values) -> np.ndarray:
    """Scale to 0–1 within the scored set: lowest 0, highest 1; all equal -> 0.5 (no contrast)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return x
    lo, hi = np.nanmin(x), np.nanmax(x)
    if hi == lo:
        return np.full_like(x, 0.5)
    return (x - lo) / (hi - lo)


def harm_points(frame, weights: Weights):
    """Harm in victim-equivalents, for a frame or a mapping of arrays with the same columns."""
    return (frame["victims"] + weights.women_children * frame["women_children"]
            + weights.fatality * frame["fatalities"] + weights.seizure * frame["seizure_usd"] / SEIZURE_UNIT_USD)


def score(raw: pd.DataFrame, weights: Weights = Weights()) -> pd.DataFrame:
    """The factors, score, rank and confidence for every row of `inputs()`. Pure arithmetic."""
    n = len(raw)
    if n == 0:
        out = raw.copy()
        for name in (*FACTORS, "harm_points", "per_week", "score", "rank", "confidence", "confidence_level",
                     "unknown"):
            out[name] = pd.Series(dtype=float)
        return out
    # Each factor as a plain array, joined to the frame once: a column set one at a time costs a
    # pandas insert each (a third of the brief's priority time went on bookkeeping).
    col = {c: raw[c].to_numpy(dtype=float) for c in ("victims", "women_children", "fatalities", "seizure_usd",
                                                      "incidents", "days", "cross_border", "countries_linked",
                                                      "actor_records", "actor_mean", "resilience",
                                                      "grade_quality", "corroborated")}
    new = {"harm_points": harm_points(col, weights)}
    new["harm"] = minmax(np.log1p(new["harm_points"]))
    new["per_week"] = col["incidents"] / (col["days"] / 7.0)
    trend = np.array([TREND_VALUE.get(v, 0.5) for v in raw["trend"].tolist()])   # untested (too few weeks): no trend
    new["likelihood"] = ((1 - weights.trend_share) * minmax(np.log1p(new["per_week"]))
                         + weights.trend_share * trend)
    new["cross_border_share"] = col["cross_border"] / col["incidents"]
    new["reach"] = 0.5 * new["cross_border_share"] + 0.5 * minmax(np.log1p(col["countries_linked"]))
    new["actor"] = np.where(col["actor_records"] > 0, (col["actor_mean"] - 1) / 4.0, np.nan)
    new["capacity"] = (10.0 - col["resilience"]) / 9.0
    # Weighted sums added factor by factor, in FACTORS order: a matrix product's rounding depends on
    # the array's memory layout, and near-tied ranks must not.
    known_weight = np.zeros(n)
    weighted = np.zeros(n)
    for name, w in zip(FACTORS, weights.factor_weights()):
        known_weight += ~np.isnan(new[name]) * w
        weighted += np.nan_to_num(new[name]) * w
    # No known factor with a weight: no score at all rather than a 0 that would look like "no threat".
    safe = np.where(known_weight > 0, known_weight, 1.0)
    new["score"] = np.where(known_weight > 0, 100.0 * weighted / safe, np.nan)
    # The unknown factors' names: one of 32 patterns per row, looked up rather than joined row by row.
    pattern = np.isnan(np.column_stack([new[f] for f in FACTORS])) @ (1 << np.arange(len(FACTORS)))
    names = [", ".join(f for bit, f in enumerate(FACTORS) if code >> bit & 1) for code in range(1 << len(FACTORS))]
    new["unknown"] = [names[code] for code in pattern.tolist()]
    new["confidence"] = (2 * col["grade_quality"] + col["corroborated"] / col["incidents"]
                         + np.minimum(1.0, col["incidents"] / CONFIDENT_VOLUME)) / 4.0
    new["confidence_level"] = confidence_levels(new["confidence"])
    kept = raw.drop(columns=[c for c in new if c in raw.columns])
    out = pd.concat([kept, pd.DataFrame(new, index=raw.index)], axis=1)
    out = out.sort_values(["score", "harm_points", "area", "market"], ascending=[False, False, True, True],
                          na_position="last", kind="mergesort").reset_index(drop=True)
    out["rank"] = np.arange(1, n + 1)
    return out


def confidence_level(value: float) -> str:
    for threshold, level in CONFIDENCE_LEVELS:
        if value >= threshold:
            return level
    return "low"


def confidence_levels(values: np.ndarray) -> list[str]:
    """confidence_level of each value."""
    values = np.asarray(values, dtype=float)
    return np.select([values >= threshold for threshold, _ in CONFIDENCE_LEVELS],
                     [level for _, level in CONFIDENCE_LEVELS], "low").tolist()


def sensitivity(scored: pd.DataFrame, weights: Weights = Weights(), spread: float = SENSITIVITY_SPREAD,
                draws: int = SENSITIVITY_DRAWS, seed: int = SENSITIVITY_SEED, rows: int | None = None) -> pd.DataFrame:
    """Rank range of each row when every factor weight is multiplied by an independent uniform draw
    in [1 − spread, 1 + spread] (seeded, so reproducible). Rows in `scored` order (rank order).

    `rows` gives the ranges of the first rows only, each still ranked against every row: the brief
    shows five of some 760, and sorting every row in each of 200 draws took 17 ms."""
    n = len(scored)
    if n == 0 or rows == 0:
        return pd.DataFrame({"rank_min": [], "rank_max": []})
    factors = scored[list(FACTORS)].to_numpy(dtype=float)
    known = (~np.isnan(factors)).astype(float)
    rng = np.random.default_rng(seed)
    base = np.asarray(weights.factor_weights())
    w = base * rng.uniform(1 - spread, 1 + spread, size=(draws, len(FACTORS)))   # draws × factors
    denom = known @ w.T
    scores = 100.0 * (np.nan_to_num(factors) @ w.T) / np.where(denom > 0, denom, 1)   # rows × draws
    # Ties break on the base rank (harm points, then codes), as in score().
    if rows is not None and rows < n:
        # A row's rank in a draw: one plus the rows ahead of it, i.e. scoring higher, or the same
        # with a better base rank. (Scores here are never NaN: a row with no known factor scores 0.)
        own = scores[:rows, None, :]                                        # kept rows × 1 × draws
        earlier = np.arange(n)[None, :, None] < np.arange(rows)[:, None, None]
        ranks = 1 + ((scores[None] > own) | ((scores[None] == own) & earlier)).sum(axis=1)   # kept × draws
        return pd.DataFrame({"rank_min": ranks.min(axis=1), "rank_max": ranks.max(axis=1)},
                            index=scored.index[:rows])
    order = np.lexsort((np.tile(np.arange(n)[:, None], (1, draws)), -scores), axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n + 1)[:, None].repeat(draws, axis=1), axis=0)
    return pd.DataFrame({"rank_min": ranks.min(axis=1), "rank_max": ranks.max(axis=1)}, index=scored.index)


# --- The assessment -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Assessment:
    frame: pd.DataFrame       # one row per area × market, in rank order, with sentence and rank range
    start: date
    end: date
    level: str
    weights: Weights
    gitoc_imported: bool
    suppressed: bool          # small victim counts hidden for this profile and destination


def assess(con, filters: Filters, profile: Profile, lang: str, level: str = "adm1",
           weights: Weights = Weights(), destination: str = "screen", explain: int | None = None,
           top: int | None = None, publish: int | None = None) -> Assessment:
    """Score, rank, confidence, rank range under ±20 % weights, and a sentence per row.

    `explain` limits the sentences to the first rows (the rest get None): writing one costs more
    than scoring it, and a screen shows the top of the ranking only. None explains every row.
    `publish` gives victim counts (victims_shown, women_children_shown) to the first rows only, the
    rest None, for a screen that shows them for those rows alone (the priorities page, in its 100
    explained sentences). They are protected as a table of their own, the cautious reading, as
    with `top`; protecting all 760 rows for 100 was a tenth of that page's time under shared.

    `top` returns the first rows only, for a caller that publishes nothing else (the brief's top 5).
    Ranks still count every row, and the small-count protection then covers those rows as a table
    of their own, taking their sums as published, which is the cautious reading: protecting all
    760 area x market rows of a 16-week window to show five of them was most of the brief's time."""
    raw = inputs(con, filters, profile, lang, level)
    # pandas deep-copies a frame's attrs on every operation: keep them aside while scoring.
    meta, raw.attrs = raw.attrs, {}
    suppress = profile.must_suppress(destination)
    # The victim counts as this profile may see them, for every row (a few milliseconds for 800
    # rows), carried through the scoring beside the counts it scores.
    shown = presented.protect_victims(raw, profile, destination) if len(raw) else raw
    raw = raw.assign(**{f"{c}_shown": shown[c].to_numpy() if len(raw) else [] for c in presented.VICTIM_COLUMNS})
    if suppress and len(raw):
        # Scored on the counts as published: the harm factor and the score of a row scored on
        # hidden counts gave them back (min-max of ln(1 + harm points) at 3 decimals, with the
        # fatalities and seizures published, recovered all 161 hidden cells of a shared view).
        raw = raw.assign(**{c: published_counts(shown[c], suppression_threshold()) for c in presented.VICTIM_COLUMNS})
    scored = score(raw, weights)
    n = len(scored)
    # The rank ranges of the rows kept only (`top`), each still ranked against every row.
    ranges = sensitivity(scored, weights, rows=None if top is None else max(0, top))
    if top is not None:
        scored = scored.head(max(0, top)).copy()
    scored["rank_min"], scored["rank_max"] = ranges["rank_min"], ranges["rank_max"]
    if publish is not None:
        # Counts for the first rows only: a screen that shows them there alone.
        for column in presented.VICTIM_COLUMNS:
            scored[f"{column}_shown"] = scored[f"{column}_shown"].astype(object).where(
                np.arange(len(scored)) < max(0, publish), None)
    t = get_i18n(lang)
    explained = scored if explain is None else scored.head(max(0, explain))
    # (to_dict of no rows still walks every column: the brief explains none of its five.)
    records = explained.to_dict("records") if len(explained) else []
    scored["sentence"] = [sentence(t, row, n, meta["gitoc_imported"], weights)
                          for row in records] + [None] * (len(scored) - len(explained))
    scored.attrs = {}   # dates in attrs cannot go to Arrow; the Assessment carries them
    return Assessment(frame=scored, start=meta["start"], end=meta["end"], level=level, weights=weights,
                      gitoc_imported=meta["gitoc_imported"], suppressed=suppress)


def published_counts(shown, k: int) -> np.ndarray:
    """Counts for scoring that say no more than the protected table: a shown count as it is, a
    "<k" cell as k/2 and an "x" cell (k or more, hidden so that a "<k" cannot be worked out) as k."""
    primary = primary_mark(k)
    return np.array([k / 2 if v == primary else float(k) if v == COMPLEMENTARY_MARK else float(v)
                     for v in shown], dtype=float)


def _fmt(t: I18n, value: float) -> str:
    return t.number(value, 2)


def factor_phrase(t: I18n, name: str, row: dict, gitoc_imported: bool) -> str:
    """One factor with the numbers behind it, e.g. 'harm 0.92 (14 victims, 9 of them women or children, …)'."""
    _ = t.gettext
    if name == "harm":
        return _("harm {v} ({victims} victims, {wc} of them women or children; {fatalities} deaths; "
                 "{seizures} seized)").format(
            v=_fmt(t, row["harm"]), victims=t.number(row["victims_shown"]), wc=t.number(row["women_children_shown"]),
            fatalities=t.number(row["fatalities"]), seizures=t.money(row["seizure_usd"]))
    if name == "likelihood":
        trend = {"rising": _("rising trend"), "falling": _("falling trend"), "none": _("no significant trend"),
                 "insufficient": _("too few weeks to test a trend")}[row["trend"]]
        return _("likelihood {v} ({rate} incidents a week, {trend})").format(
            v=_fmt(t, row["likelihood"]), rate=t.number(row["per_week"], 1), trend=trend)
    if name == "reach":
        return _("cross-border reach {v} ({share} of incidents cross-border, {countries} countries linked)").format(
            v=_fmt(t, row["reach"]), share=t.percent(row["cross_border_share"]),
            countries=t.number(row["countries_linked"]))
    if name == "actor":
        if math.isnan(row["actor"]):
            return _("actor capability unknown (no assessed actor linked)")
        return _("actor capability {v} (violence, reach and links average {mean} out of 5)").format(
            v=_fmt(t, row["actor"]), mean=t.number(row["actor_mean"], 1))
    if name == "capacity":
        if math.isnan(row["capacity"]):
            if not gitoc_imported:
                return _("host-State capacity unknown (GI-TOC index not imported)")
            return _("host-State capacity unknown (no GI-TOC score for this country)")
        return _("host-State capacity gap {v} (GI-TOC resilience {res} out of 10, {edition} edition)").format(
            v=_fmt(t, row["capacity"]), res=t.number(row["resilience"], 2), edition=int(row["resilience_edition"]))
    raise ValueError(f"unknown factor {name!r}")


def sentence(t: I18n, row: dict, n: int, gitoc_imported: bool, weights: Weights = Weights()) -> str:
    """Why this row ranks where it does: the two factors that add most to its score first."""
    _ = t.gettext
    contrib = {f: (0.0 if math.isnan(row[f]) else row[f] * getattr(weights, f)) for f in FACTORS}
    known = [f for f in FACTORS if not math.isnan(row[f])]
    drivers = sorted(known, key=lambda f: -contrib[f])[:2]
    others = [f for f in FACTORS if f not in drivers]
    text = _("Rank {rank} of {n}, score {score}: mainly {drivers}; then {others}.").format(
        rank=t.number(row["rank"]), n=t.number(n), score=t.number(row["score"], 0),
        drivers=_(" and ").join(factor_phrase(t, f, row, gitoc_imported) for f in drivers),
        others="; ".join(factor_phrase(t, f, row, gitoc_imported) for f in others))
    if len(known) < len(FACTORS):
        text += " " + _("Unknown factors are left out and the other weights rescaled.")
    level = CONFIDENCE_LABELS[row["confidence_level"]]
    text += " " + _("Confidence {level} ({value}).").format(level=_(level), value=t.number(row["confidence"], 2))
    return text


# --- Uses: brief, export view -------------------------------------------------------------------

def top_threats(con, filters: Filters, profile: Profile, lang: str, end: date, n: int = 5,
                weights: Weights = Weights()) -> pd.DataFrame:
    """The weekly brief's top `n`: admin-1 × market scored over the 16 weeks ending on `end`.

    Keeps the brief's columns: incidents_4w (last 4 weeks) and incidents_prior (the 12 before)."""
    window = filters.with_dates(end - timedelta(weeks=TOP_THREATS_WEEKS) + timedelta(days=1), end)
    result = assess(con, window, profile, lang, "adm1", weights, destination="export", explain=0, top=n)
    top = result.frame.rename(columns={"area": "admin1_code", "recent_4w": "incidents_4w",
                                               "prior": "incidents_prior"})
    return top.reset_index(drop=True)


EXPORT_COLUMNS = {
    "rank": N_("Rank"), "area_label": N_("Area"), "country_label": N_("Country or territory"),
    "market_label": N_("Market"), "score": N_("Priority score (0–100)"),
    "confidence_level": N_("Confidence"), "confidence": N_("Confidence (0–1)"),
    "rank_min": N_("Best rank with weights ±20 %"), "rank_max": N_("Worst rank with weights ±20 %"),
    "harm": N_("Harm (0–1)"), "likelihood": N_("Likelihood (0–1)"), "reach": N_("Cross-border reach (0–1)"),
    "actor": N_("Actor capability (0–1)"), "capacity": N_("Host-State capacity gap (0–1)"),
    "incidents": N_("Incidents"), "per_week": N_("Incidents a week"), "victims_shown": N_("Victims"),
    "women_children_shown": N_("Women and children victims"), "fatalities": N_("Fatalities"),
    "seizure_usd": N_("Seizures, estimated value (USD)"), "trend": N_("Trend (Mann-Kendall)"),
    "cross_border_share": N_("Share cross-border"), "countries_linked": N_("Countries linked"),
    "resilience": N_("GI-TOC resilience (1–10)"), "gitoc_market_score": N_("GI-TOC market score (1–10)"),
    "unknown_labels": N_("Unknown factors (left out)"), "sentence": N_("Why this rank"),
}
TREND_LABELS = {"rising": N_("rising"), "falling": N_("falling"), "none": N_("no significant trend"),
                "insufficient": N_("too few weeks")}


def table(result: Assessment, t: I18n) -> pd.DataFrame:
    """The ranked table with translated headers and labels (page download, CLI, export view)."""
    _ = t.gettext
    f = result.frame.copy()
    f["confidence_level"] = f["confidence_level"].map(lambda v: _(CONFIDENCE_LABELS[v]))
    f["trend"] = f["trend"].map(lambda v: _(TREND_LABELS[v]))
    f["unknown_labels"] = f["unknown"].map(
        lambda s: ", ".join(_(FACTOR_LABELS[x]) for x in s.split(", ") if x) if isinstance(s, str) else "")
    for c in (*FACTORS, "confidence", "cross_border_share"):
        f[c] = f[c].round(3)
    f["score"] = f["score"].round(1)
    f["per_week"] = f["per_week"].round(2)
    f["resilience"] = f["resilience"].round(2)
    f = f.astype(object).where(f.notna(), None)
    return f[list(EXPORT_COLUMNS)].rename(columns={k: _(v) for k, v in EXPORT_COLUMNS.items()})


def view(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export", level: str = "adm1",
         weights: Weights = Weights()) -> presented.View:
    result = assess(con, filters, profile, t.lang, level, weights, destination=destination)
    return presented.View("priorities", t.gettext("Threat priorities (analytic judgement of the mission, not a "
                                              "measurement)"), table(result, t))


# --- Method note (pages/method.py, docs/priority.md) -------------------------------------------------

METHOD_NOTE = [
    (N_("What this is"), N_(
        "The priority score is an analytic judgement of the mission, not a measurement. It ranks each criminal "
        "market in each area (admin-1 unit or country) over the chosen period so that the mission and the "
        "host State can discuss where to act first. Every number comes from the records in view and from the "
        "weights shown; the same inputs and weights always give the same scores.")),
    (N_("Sources of the method"), N_(
        "UNODC, Guidance on the preparation and use of Serious and Organised Crime Threat Assessments: the SOCTA "
        "Handbook (2010): risk as threat × harm, with vulnerability. Europol, EU Serious and Organised Crime "
        "Threat Assessment (SOCTA): criminal markets, networks and enablers scored on defined indicators. "
        "MoRiLE (Management of Risk in Law Enforcement, UK National Police Chiefs' Council): harm, likelihood "
        "and the organisation's capacity, with a separate confidence score. GI-TOC, Global Organized Crime "
        "Index (2021, 2023): criminality and resilience scored 1–10 per country.")),
    (N_("Scaling"), N_(
        "Each factor is put on a 0–1 scale. Counts (harm points, incidents a week, countries linked) are first "
        "taken as ln(1 + x), so that one extreme area does not flatten all others, then scaled by min–max "
        "within the rows being scored: the lowest gets 0, the highest 1; if all are equal, each gets 0.5. "
        "Scaled values are therefore relative to the areas and markets in view: changing the filters changes "
        "them.")),
    (N_("Harm"), N_(
        "harm points = victims + w_wc × women-and-children victims + 3 × fatalities + seizure value ÷ USD 100 000; "
        "harm = min–max of ln(1 + harm points). With w_wc = 1 (default) a woman or child victim counts twice. "
        "Women and children are adult women, girls, boys, women of unknown age and children of unknown sex; "
        "unknowns are never imputed.")),
    (N_("Likelihood"), N_(
        "incidents a week = incidents ÷ (days in period ÷ 7); trend = 1 if the Mann-Kendall test on the 7-day "
        "counts (counted back from the end date; at least 8 full weeks; 5 % level) finds a rising trend, 0 if "
        "falling, 0.5 otherwise; likelihood = 0.7 × min–max of ln(1 + incidents a week) + 0.3 × trend.")),
    (N_("Cross-border reach"), N_(
        "reach = 0.5 × share of incidents marked cross-border + 0.5 × min–max of ln(1 + countries linked), where "
        "countries linked are the distinct countries of location, origin, transit and destination named on the "
        "records.")),
    (N_("Actor capability"), N_(
        "actor = (average over the records linked to an assessed actor of (violence + reach + links) ÷ 3 − 1) ÷ 4, "
        "from the actor register (each 1–5). Unknown when no record names an assessed actor.")),
    (N_("Host-State capacity"), N_(
        "capacity gap = (10 − average of the GI-TOC resilience indicators of the country, latest edition) ÷ 9: a "
        "weaker host-State capacity raises the priority of mission support. Unknown when the GI-TOC index has not "
        "been imported or has no score for the country (Kosovo, for example); never counted as 0.")),
    (N_("Score and rank"), N_(
        "score = 100 × Σ weight × factor ÷ Σ weight, both sums over the factors known for the row. Unknown factors "
        "are left out and the weights of the others rescaled; the row is flagged. Default weights: harm 30, "
        "likelihood 25, cross-border reach 15, actor capability 15, host-State capacity 15; they are relative "
        "and can be changed on the page (kept in the link) or with --weight on the command line. Rank 1 is the "
        "highest score; ties go to the higher harm points, then the area and market codes.")),
    (N_("Confidence"), N_(
        "Reported beside the score, not inside it. grade quality = average over the records of (source "
        "reliability value + information credibility value) ÷ 2, with A/1 = 1, B/2 = 0.8, C/3 = 0.6, D/4 = 0.4 "
        "and E/5, F/6 = 0.2; corroboration = share of records with two or more independent sources; volume = "
        "records ÷ 10, at most 1. confidence = (2 × grade quality + corroboration + volume) ÷ 4: high from 0.70, "
        "medium from 0.45, low below.")),
    (N_("Sensitivity"), N_(
        "Each factor weight is multiplied by an independent random factor between 0.8 and 1.2 (±20 %), 200 times "
        "with a fixed seed; the best and worst rank over these draws show how much a rank depends on the exact "
        "weights. A narrow range means the rank is robust.")),
    (N_("Limits"), N_(
        "Recorded incidents reflect where police and the mission look, not only where crime happens. The score "
        "orders threats for discussion; it does not measure them, and it should be read with the confidence "
        "figure and the narrative assessment of the analysts.")),
]


# --- Figures (pure: frame in, Figure out; text arrives translated) --------------------------------

def matrix_figure(frame: pd.DataFrame, title: str, x_title: str, y_title: str, names: dict[str, str],
                  hover: str, top: int = 10, separators: str = ".,"):
    """Harm × likelihood: one bubble per area × market; size = incidents, opacity = confidence.

    `names`: legend names for 'top' and 'other'; `hover`: a plotly hovertemplate over customdata
    [rank, area, market, score, confidence level]."""
    from .figures import PALETTE, _layout, figure, update_layout
    size_ref = max(1.0, float(frame["incidents"].max())) if len(frame) else 1.0
    traces = []
    for part, colour, name, is_top in ((frame[frame["rank"] > top], PALETTE[0], names["other"], False),
                                       (frame[frame["rank"] <= top], PALETTE[3], names["top"], True)):
        trace = dict(
            type="scatter", x=part["likelihood"].tolist(), y=part["harm"].tolist(),
            mode="markers+text" if is_top else "markers", name=name, textposition="top center",
            marker={"color": colour, "size": (8 + 34 * np.sqrt(part["incidents"] / size_ref)).tolist(),
                    "opacity": part["confidence"].clip(0.15, 1.0).round(2).tolist(),
                    "line": {"width": 1, "color": "#333333"}},
            hovertemplate=hover)
        if is_top:
            trace["text"] = part["rank"].astype(str).tolist()
        if len(part):
            trace["customdata"] = np.column_stack([part["rank"], part["area_label"], part["market_label"],
                                                   part["score"].round(0), part["confidence_label"]]).tolist()
        traces.append(trace)
    grid = "rgba(128,128,128,0.2)"
    midline = {"dash": "dot", "color": "grey"}
    # The dotted middle of each scale, as fig.add_hline(y=0.5) and fig.add_vline(x=0.5) make them.
    fig = figure(traces, {
        "shapes": [{"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": 0.5, "y1": 0.5, "yref": "y",
                    "line": midline},
                   {"type": "line", "x0": 0.5, "x1": 0.5, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                    "line": midline}],
        "xaxis": {"title": {"text": x_title}, "range": [-0.05, 1.05], "gridcolor": grid},
        "yaxis": {"title": {"text": y_title}, "range": [-0.05, 1.1], "gridcolor": grid}})
    fig = _layout(fig, title, 520)
    update_layout(fig, separators=separators, legend={"orientation": "h", "y": -0.2})
    return fig


def sensitivity_figure(frame: pd.DataFrame, title: str, x_title: str, names: dict[str, str], hover: str,
                       top: int = 20, separators: str = ".,"):
    """Rank under the chosen weights (dot) and its best–worst range under ±20 % weights (bar)."""
    from .figures import PALETTE, _layout, figure, update_layout
    part = frame.head(top).iloc[::-1]
    labels = [f"{r}. {m} – {a}" for r, m, a in zip(part["rank"], part["market_label"], part["area_label"])]
    traces = [
        # ±0.4 around each end so that a rank that never moves still shows as a short bar.
        dict(type="bar", y=labels, x=(part["rank_max"] - part["rank_min"] + 0.8).tolist(),
             base=(part["rank_min"] - 0.4).tolist(), orientation="h", marker={"color": PALETTE[5]}, name=names["range"],
             customdata=np.column_stack([part["rank_min"], part["rank_max"]]).tolist(), hovertemplate=hover),
        dict(type="scatter", y=labels, x=part["rank"].tolist(), mode="markers",
             marker={"color": PALETTE[3], "size": 10}, name=names["rank"], hoverinfo="skip"),
    ]
    fig = figure(traces, {"xaxis": {"title": {"text": x_title}, "rangemode": "tozero",
                                    "gridcolor": "rgba(128,128,128,0.2)"},
                          "yaxis": {"automargin": True}})
    fig = _layout(fig, title, 120 + 26 * len(part))
    update_layout(fig, separators=separators, barmode="overlay", legend={"orientation": "h", "y": -0.15})
    return fig
