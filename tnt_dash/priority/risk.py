"""Risk and priority on a fixed scale (docs/priority.md):

    risk      = 100 × harm^a × likelihood^b       a + b = 2, a : b = w_harm : w_likelihood
                (equal weights, the default: risk = 100 × harm × likelihood)
    modifier  = 1 + (w_f ÷ 100) × (2 × factor_f − 1)   for reach, actor capability, host-State capacity
                gap; an unknown factor counts as `unknown_factor_value` (0.5: a multiplier of 1)
    priority  = risk × Π modifiers                    (the `score` column)

Every part depends on the row's own records and the fixed constants only, never on the other rows
on screen: the same threat scores the same whatever the filters. Ranks: priority, then harm, then
the area and market codes."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .confidence import confidence, confidence_levels
from .harm import harm_points, harm_scale
from .likelihood import corrected_rate, coverage_share, likelihood
from .params import (FACTORS, MODIFIERS, SENSITIVITY_DRAWS, SENSITIVITY_SEED, SENSITIVITY_SPREAD, Weights,
                     calibration)

_COUNTS = ("incidents", "victims", "vulnerable", "sexual_victims", "sexual_vulnerable", "fatalities", "seizure_usd",
           "days", "weeks_tested", "active_weeks", "cross_border", "countries_linked", "actor_records", "actor_mean",
           "resilience", "corroborated", "reliability_judged", "reliability_tenths", "credibility_judged",
           "credibility_tenths")
OUTPUT = ("harm_points", "harm", "per_week", "coverage", "rate", "likelihood", "risk", "cross_border_share",
          "reach", "actor", "capacity", "modifier_reach", "modifier_actor", "modifier_capacity", "modifiers",
          "score", "known_factors", "unknown", "grade_quality", "corroboration", "completeness", "confidence",
          "confidence_level", "rank")


def reach_factor(col: dict, cyber: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cross-border share, reach). Reach = 0.5 × cross-border share + 0.5 × min(1, countries linked
    besides the area's own ÷ countries reference). Unknown (NaN) for a cyber market whose records
    mark nothing cross-border and name no corridor: where an online offender acts from is seldom
    known, and 0 would say "domestic"."""
    share = col["cross_border"] / col["incidents"]
    abroad = np.clip(col["countries_linked"] - 1, 0, None) / calibration()["countries_reference"]
    reach = 0.5 * share + 0.5 * np.minimum(1.0, abroad)
    silent = cyber & (col["cross_border"] == 0) & (col["countries_linked"] <= 1)
    return share, np.where(silent, np.nan, reach)


def modifier(values, weight: float) -> np.ndarray:
    """The multiplier of one modifier factor (0–1, NaN unknown) at `weight` per cent."""
    x = np.asarray(values, dtype=float)
    x = np.where(np.isnan(x), calibration()["unknown_factor_value"], x)
    return 1 + weight / 100 * (2 * x - 1)


def priorities(harm, likelihood_, factors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Priority for rows × weight sets. factors: rows × 3 modifiers (NaN unknown); weights: sets × 5
    (harm, likelihood, reach, actor, capacity). Returns rows × sets."""
    harm = np.asarray(harm, dtype=float)[:, None]
    lik = np.asarray(likelihood_, dtype=float)[:, None]
    a = 2 * weights[:, 0] / (weights[:, 0] + weights[:, 1])
    out = 100.0 * harm ** a[None, :] * lik ** (2 - a)[None, :]
    x = np.where(np.isnan(factors), calibration()["unknown_factor_value"], factors)
    for j in range(len(MODIFIERS)):   # factor by factor, in MODIFIERS order, so rounding never depends on layout
        out = out * (1 + weights[None, :, 2 + j] / 100 * (2 * x[:, j, None] - 1))
    return out


def score(raw: pd.DataFrame, weights: Weights = Weights(), protected: bool = False) -> pd.DataFrame:
    """Every part, the priority, the rank and the confidence for each row of `inputs()`. Pure
    arithmetic on the row's own inputs. `protected`: the victim counts are the published ones."""
    n = len(raw)
    if n == 0:
        out = raw.copy()
        for name in OUTPUT:
            out[name] = pd.Series(dtype=float)
        return out
    col = {c: raw[c].to_numpy(dtype=float) for c in _COUNTS}
    markets = raw["market"].tolist()
    cyber = (raw["cyber"].to_numpy() != "none") if "cyber" in raw else np.zeros(n, dtype=bool)
    new = {"harm_points": harm_points(col, markets, weights.women_children, protected)}
    new["harm"] = harm_scale(new["harm_points"])
    new["per_week"] = col["incidents"] / (col["days"] / 7.0)
    new["coverage"] = coverage_share(col["active_weeks"], col["weeks_tested"])
    new["rate"] = corrected_rate(new["per_week"], new["coverage"])
    new["likelihood"] = likelihood(new["rate"], raw["trend"].tolist(), weights.trend_share)
    a, b = weights.exponents()
    new["risk"] = 100.0 * new["harm"] ** a * new["likelihood"] ** b
    new["cross_border_share"], new["reach"] = reach_factor(col, cyber)
    new["actor"] = np.where(col["actor_records"] > 0, (col["actor_mean"] - 1) / 4.0, np.nan)
    new["capacity"] = (10.0 - col["resilience"]) / 9.0
    total = np.ones(n)
    for name in MODIFIERS:
        new[f"modifier_{name}"] = modifier(new[name], getattr(weights, name))
        total = total * new[f"modifier_{name}"]
    new["modifiers"] = total
    # The very arithmetic of the sensitivity draws, so that a spread of 0 gives these ranks exactly.
    new["score"] = priorities(new["harm"], new["likelihood"], np.column_stack([new[f] for f in MODIFIERS]),
                              np.asarray([weights.factor_weights()]))[:, 0]
    unknown = np.isnan(np.column_stack([new[f] for f in MODIFIERS]))
    new["known_factors"] = len(FACTORS) - unknown.sum(axis=1)
    # The unknown factors' names: one of 8 patterns per row, looked up rather than joined row by row.
    pattern = unknown @ (1 << np.arange(len(MODIFIERS)))
    names = [", ".join(f for bit, f in enumerate(MODIFIERS) if code >> bit & 1) for code in range(1 << len(MODIFIERS))]
    new["unknown"] = [names[code] for code in pattern.tolist()]
    new.update(confidence(col, new["known_factors"]))
    new["confidence_level"] = confidence_levels(new["confidence"])
    kept = raw.drop(columns=[c for c in new if c in raw.columns])
    out = pd.concat([kept, pd.DataFrame(new, index=raw.index)], axis=1)
    out = out.sort_values(["score", "harm", "area", "market"], ascending=[False, False, True, True],
                          na_position="last", kind="mergesort").reset_index(drop=True)
    out["rank"] = np.arange(1, n + 1)
    return out


def sensitivity(scored: pd.DataFrame, weights: Weights = Weights(), spread: float = SENSITIVITY_SPREAD,
                draws: int = SENSITIVITY_DRAWS, seed: int = SENSITIVITY_SEED, rows: int | None = None) -> pd.DataFrame:
    """Rank range of each row when each of the five weights is multiplied by an independent uniform
    draw in [1 − spread, 1 + spread] (seeded, so reproducible). Rows in `scored` order (rank order).

    `rows` gives the ranges of the first rows only, each still ranked against every row: the brief
    shows five of some 760, and sorting every row in each of 200 draws took 17 ms."""
    n = len(scored)
    if n == 0 or rows == 0:
        return pd.DataFrame({"rank_min": [], "rank_max": []})
    rng = np.random.default_rng(seed)
    base = np.asarray(weights.factor_weights())
    w = base * rng.uniform(1 - spread, 1 + spread, size=(draws, len(FACTORS)))   # draws × factors
    # A modifier's weight stays a percentage: at most 100, as Weights requires.
    w[:, 2:] = np.minimum(w[:, 2:], 100.0)
    factors = scored[list(MODIFIERS)].to_numpy(dtype=float)
    scores = priorities(scored["harm"].to_numpy(dtype=float), scored["likelihood"].to_numpy(dtype=float),
                        factors, w)                                          # rows × draws
    # Ties break on the base rank (harm, then codes), as in score().
    if rows is not None and rows < n:
        # A row's rank in a draw: one plus the rows ahead of it, i.e. scoring higher, or the same
        # with a better base rank.
        own = scores[:rows, None, :]                                        # kept rows × 1 × draws
        earlier = np.arange(n)[None, :, None] < np.arange(rows)[:, None, None]
        ranks = 1 + ((scores[None] > own) | ((scores[None] == own) & earlier)).sum(axis=1)   # kept × draws
        return pd.DataFrame({"rank_min": ranks.min(axis=1), "rank_max": ranks.max(axis=1)},
                            index=scored.index[:rows])
    order = np.lexsort((np.tile(np.arange(n)[:, None], (1, draws)), -scores), axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n + 1)[:, None].repeat(draws, axis=1), axis=0)
    return pd.DataFrame({"rank_min": ranks.min(axis=1), "rank_max": ranks.max(axis=1)}, index=scored.index)
