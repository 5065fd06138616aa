"""Weekly-count statistics for the dashboard: spike flags and trend tests.

Pure functions over plain sequences; no I/O, no Streamlit, no wording. The
i18n layer turns the result dataclasses into sentences, so fields here are
codes ('rising', 'negative binomial') rather than display text.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)

Model = Literal["poisson", "negative binomial"]
Direction = Literal["rising", "falling", "none"]

# Variance above this multiple of the mean counts as overdispersed. Weekly crime
# counts cluster (one operation yields several seizures), and a Poisson tail
# fitted to clustered data flags ordinary bursts. The margin is 1.5, not 1,
# because 12 quiet Poisson weeks show a variance above 1.3x the mean about one
# time in five by chance alone.
OVERDISPERSION_RATIO = 1.5

# Mann-Kendall's normal approximation is poor below about 8 points, and a
# trend claimed from fewer weeks would not survive the next report anyway.
MIN_TREND_POINTS = 8


@dataclass(frozen=True)
class AnomalyResult:
    observed: int
    expected: float
    p_value: float
    model: Model
    flagged: bool
    ratio: float
    # Set only by scan_anomalies: a lone series has no family to adjust over.
    q_value: float | None = None


@dataclass(frozen=True)
class TrendResult:
    n: int
    s: int
    var_s: float
    z: float
    p_value: float
    # NaN when n < 2: no pair exists, and 0.0 would claim a flat trend.
    sen_slope: float
    direction: Direction
    significant: bool
    insufficient: bool


def _as_counts(counts, ndim: int = 1) -> np.ndarray:
    """Weekly counts as int64, checked: one series (ndim 1) or one series per row (ndim 2)."""
    arr = np.asarray(counts, dtype=float)
    if arr.ndim != ndim:
        raise ValueError("counts must be a one-dimensional sequence" if ndim == 1
                         else "rows must be a two-dimensional array, one series per row")
    if not np.all(np.isfinite(arr)):
        raise ValueError("counts must be finite; fill missing weeks with 0 before testing")
    if np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise ValueError("counts must be non-negative integers")
    return arr.astype(np.int64)


# The three distribution functions below come from scipy.special, loaded on first use: scipy.stats
# wraps the same functions but takes about 0.4 s more to import (0.5 s against 0.12 s on the build
# machine), which the first brief after a server start waited for, as every CLI command once did.
def poisson_sf(k, mu):
    """P(X > k) for X ~ Poisson(mu): scipy.stats.poisson.sf, value for value (1 below the support)."""
    from scipy import special
    k = np.floor(np.asarray(k, dtype=float))
    return np.where(k < 0, 1.0, special.pdtrc(np.maximum(k, 0.0), mu))


def nbinom_sf(k, n, p):
    """P(X > k) for X ~ NB(n, p), failures before the n-th success, n real: the regularised
    incomplete beta I_(1-p)(k+1, n), as scipy.stats.nbinom.sf (within 1e-13 relative).
    special.nbdtrc is the same formula but truncates n to an integer."""
    from scipy import special
    k = np.floor(np.asarray(k, dtype=float))
    return np.where(k < 0, 1.0, special.betainc(np.maximum(k, 0.0) + 1.0, n, 1.0 - np.asarray(p, dtype=float)))


def chi2_ppf(q, df):
    """The chi-square quantile, as scipy.stats.chi2.ppf."""
    from scipy import special
    return 2.0 * special.gammaincinv(np.asarray(df, dtype=float) / 2.0, q)


def poisson_anomaly(
    counts: Sequence[int],
    baseline_weeks: int = 12,
    min_baseline_total: int = 10,
    min_nonzero_weeks: int = 4,
    alpha: float = 0.01,
    min_observed: int = 3,
) -> AnomalyResult | None:
    """Is the last week of `counts` (oldest first) unusually high?

    The baseline is the `baseline_weeks` weeks just before the last one; its
    mean is the expected count λ. The p-value is the upper tail
    P(X >= observed) under Poisson(λ), or under a negative binomial with the
    baseline's mean and variance (method of moments) when the baseline
    variance exceeds 1.5 × its mean.

    Returns None when the data cannot support a flag: fewer than
    `baseline_weeks` prior weeks, a baseline total under `min_baseline_total`,
    fewer than `min_nonzero_weeks` non-zero baseline weeks, or λ = 0. A sparse
    baseline gives a tiny λ, and then a single incident looks like a
    thousand-fold spike.

    `flagged` also needs observed >= `min_observed`: going from 0.5 to 2 a
    week can be "significant" yet is nothing a commander can act on.
    """
    if baseline_weeks < 2:
        raise ValueError("baseline_weeks must be at least 2 to estimate a variance")
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must be between 0 and 1")
    arr = _as_counts(counts)
    if arr.size < baseline_weeks + 1:
        return None
    baseline = arr[-baseline_weeks - 1 : -1]
    observed = int(arr[-1])
    total = int(baseline.sum())
    if total < min_baseline_total or int(np.count_nonzero(baseline)) < min_nonzero_weeks:
        return None
    lam = total / baseline_weeks
    if lam == 0.0:
        return None

    # Sample variance (ddof=1) because λ itself is estimated from the same weeks.
    var = float(baseline.var(ddof=1))
    if var > OVERDISPERSION_RATIO * lam:
        model: Model = "negative binomial"
        # Method of moments for scipy's (n, p) form: mean = n(1-p)/p, var = mean/p.
        p_nb = lam / var
        n_nb = lam * lam / (var - lam)
        p_value = float(nbinom_sf(observed - 1, n_nb, p_nb))
    else:
        model = "poisson"
        p_value = float(poisson_sf(observed - 1, lam))

    return AnomalyResult(
        observed=observed,
        expected=lam,
        p_value=p_value,
        model=model,
        flagged=bool(p_value < alpha and observed >= min_observed),
        ratio=observed / lam,
    )


@dataclass(frozen=True)
class AnomalyTests:
    """`poisson_anomaly` for many series at once, as arrays (one entry per series): `tested` is
    False where poisson_anomaly returns None; the other arrays are meaningful where it is True."""
    tested: np.ndarray
    observed: np.ndarray
    expected: np.ndarray
    p_value: np.ndarray
    overdispersed: np.ndarray

    def result(self, i: int, alpha: float = 0.01, min_observed: int = 3) -> AnomalyResult:
        p = float(self.p_value[i])
        return AnomalyResult(observed=int(self.observed[i]), expected=float(self.expected[i]), p_value=p,
                             model="negative binomial" if self.overdispersed[i] else "poisson",
                             flagged=bool(p < alpha and self.observed[i] >= min_observed),
                             ratio=float(self.observed[i] / self.expected[i]))


def poisson_anomaly_many(rows, baseline_weeks: int = 12, min_baseline_total: int = 10,
                         min_nonzero_weeks: int = 4) -> AnomalyTests:
    """`poisson_anomaly` on every row of a (series x weeks) count matrix, with the same results;
    the weekly brief tests about a thousand area x market series on every view."""
    if baseline_weeks < 2:
        raise ValueError("baseline_weeks must be at least 2 to estimate a variance")
    arr = _as_counts(rows, ndim=2)
    m = arr.shape[0]
    if arr.shape[1] < baseline_weeks + 1:
        nothing = np.zeros(m)
        return AnomalyTests(np.zeros(m, dtype=bool), nothing, nothing, nothing, np.zeros(m, dtype=bool))
    baseline = arr[:, -baseline_weeks - 1:-1]
    observed = arr[:, -1]
    total = baseline.sum(axis=1)
    lam = total / baseline_weeks
    tested = (total >= min_baseline_total) & (np.count_nonzero(baseline, axis=1) >= min_nonzero_weeks) & (lam > 0)
    var = baseline.var(ddof=1, axis=1)
    overdispersed = tested & (var > OVERDISPERSION_RATIO * lam)
    p_value = np.full(m, np.nan)
    nb, po = overdispersed, tested & ~overdispersed
    p_nb = lam[nb] / var[nb]
    p_value[nb] = nbinom_sf(observed[nb] - 1, lam[nb] * lam[nb] / (var[nb] - lam[nb]), p_nb)
    p_value[po] = poisson_sf(observed[po] - 1, lam[po])
    return AnomalyTests(tested, observed, lam, p_value, overdispersed)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the input order."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    # Step-up: each q is the smallest adjusted value at its rank or any later one.
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(ranked, 1.0)
    return q.tolist()


def scan_anomalies(
    series_by_key: Mapping[K, Sequence[int]],
    *,
    alpha: float = 0.01,
    **kw: int,
) -> list[tuple[K, AnomalyResult]]:
    """Test the last week of every series; return the flagged ones, smallest p first.

    Each week the dashboard tests hundreds of admin-1 × market series. At
    alpha = 0.01 per test, 300 quiet series would still raise about three
    flags every week, so a dashboard with nothing going on would always show
    something. The Benjamini-Hochberg correction keeps the expected share of
    false flags among those raised at or below `alpha` instead; a series is
    flagged when its q-value is below `alpha`.

    The family is every series that passed the data-sufficiency checks,
    including those whose observed count is below the floor: they were
    tested, so leaving them out would understate how many tests were run.
    Keyword arguments other than `alpha` go to `poisson_anomaly`.
    """
    min_observed = kw.get("min_observed", 3)
    tested: list[tuple[K, AnomalyResult]] = []
    for key, counts in series_by_key.items():
        res = poisson_anomaly(counts, alpha=alpha, **kw)
        if res is not None:
            tested.append((key, res))
    qs = benjamini_hochberg([res.p_value for _, res in tested])
    flagged = []
    for (key, res), q in zip(tested, qs):
        adjusted = replace(res, q_value=q, flagged=bool(q < alpha and res.observed >= min_observed))
        if adjusted.flagged:
            flagged.append((key, adjusted))
    # Stable sort keeps the caller's order among equal p-values; keys need not be comparable.
    flagged.sort(key=lambda item: item[1].p_value)
    return flagged


def mann_kendall(values: Sequence[float], alpha: float = 0.05) -> TrendResult:
    """Mann-Kendall test for a monotonic trend, with Sen's slope.

    S = Σ_{i<j} sign(x_j − x_i) counts rising pairs minus falling pairs.
    Under "no trend", S has mean 0 and variance

        var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18,

    where t runs over the sizes of groups of tied values (ties add no
    signal, so they shrink the variance). The statistic
    Z = (S − sign(S)) / sqrt(var(S)) carries a continuity correction of 1
    because S moves in steps of 2; the p-value is two-sided from the
    standard normal. Sen's slope is the median of (x_j − x_i) / (j − i) over
    all pairs i < j: the change per step, robust to outliers.

    `direction` names a trend only when it is significant at `alpha`, so the
    dashboard never labels noise as "rising"; the sign of `s` and
    `sen_slope` are still there for anyone who needs them. With fewer than 8
    points the result is marked `insufficient` and never significant.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise ValueError("values must be a one-dimensional sequence")
    if not np.all(np.isfinite(x)):
        raise ValueError("values must be finite; a trend over gaps needs the gaps decided first")
    n = int(x.size)
    insufficient = n < MIN_TREND_POINTS
    if n < 2:
        return TrendResult(n=n, s=0, var_s=0.0, z=0.0, p_value=1.0, sen_slope=math.nan,
                           direction="none", significant=False, insufficient=True)

    i, j = np.triu_indices(n, k=1)
    diffs = x[j] - x[i]
    s = int(np.sign(diffs).sum())
    _, tie_sizes = np.unique(x, return_counts=True)
    tie_term = float(np.sum(tie_sizes * (tie_sizes - 1) * (2 * tie_sizes + 5)))
    var_s = (n * (n - 1) * (2 * n + 5) - tie_term) / 18.0
    if s == 0 or var_s <= 0.0:
        # var_s is 0 only when every value is equal, which also forces s = 0.
        z = 0.0
    else:
        z = (s - math.copysign(1, s)) / math.sqrt(var_s)
    # 2·(1 − Φ(|z|)) = erfc(|z|/√2): the same two-sided p-value without scipy's per-call overhead.
    p_value = float(min(1.0, math.erfc(abs(z) / math.sqrt(2.0))))
    sen = float(np.median(diffs / (j - i)))

    significant = bool(not insufficient and p_value < alpha)
    direction: Direction = "none"
    if significant:
        direction = "rising" if s > 0 else "falling"
    return TrendResult(n=n, s=s, var_s=float(var_s), z=float(z), p_value=p_value, sen_slope=sen,
                       direction=direction, significant=significant, insufficient=insufficient)


@dataclass(frozen=True)
class TrendArrays:
    """`mann_kendall` for many series of one length, one array element per series."""
    n: int
    s: np.ndarray
    var_s: np.ndarray
    z: np.ndarray
    p_value: np.ndarray
    sen_slope: np.ndarray
    direction: np.ndarray      # "rising", "falling" or "none", as str objects
    significant: np.ndarray
    insufficient: bool


def mann_kendall_arrays(rows, alpha: float = 0.05) -> TrendArrays:
    """`mann_kendall` for many series of one length at once (one series per row, at least two
    points), with the same results as arrays: the priority model tests hundreds of area × market
    series on every view, and a result object per series would cost more than the test."""
    x = np.asarray(rows, dtype=float)
    if x.ndim != 2:
        raise ValueError("rows must be a two-dimensional array, one series per row")
    m, n = x.shape
    if n < 2:
        raise ValueError("each series needs two points or more")
    if not np.all(np.isfinite(x)):
        raise ValueError("values must be finite; a trend over gaps needs the gaps decided first")
    i, j = np.triu_indices(n, k=1)
    diffs = x[:, j] - x[:, i]
    s = np.sign(diffs).sum(axis=1).astype(int)
    # Tie groups per row: runs of equal values in the sorted row, counted with one bincount.
    ordered = np.sort(x, axis=1)
    starts = np.ones_like(ordered, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    run = np.cumsum(starts, axis=1) - 1
    sizes = np.bincount((np.arange(m)[:, None] * n + run).ravel(), minlength=m * n).reshape(m, n).astype(float)
    tie_term = np.sum(sizes * (sizes - 1) * (2 * sizes + 5), axis=1)
    var_s = (n * (n - 1) * (2 * n + 5) - tie_term) / 18.0
    sen = np.median(diffs / (j - i), axis=1) if m else np.zeros(0)
    tested = (s != 0) & (var_s > 0.0)
    z = np.where(tested, (s - np.sign(s)) / np.sqrt(np.where(tested, var_s, 1.0)), 0.0)
    # math.erfc per value, as mann_kendall does: numpy has no erfc, and scipy's may round differently.
    p_value = np.minimum(1.0, np.fromiter((math.erfc(v) for v in (np.abs(z) / math.sqrt(2.0)).tolist()),
                                          dtype=float, count=m))
    insufficient = n < MIN_TREND_POINTS
    significant = (p_value < alpha) & (not insufficient)
    direction = np.where(significant, np.where(s > 0, "rising", "falling"), "none").astype(object)
    return TrendArrays(n=n, s=s, var_s=var_s, z=z, p_value=p_value, sen_slope=sen, direction=direction,
                       significant=significant, insufficient=insufficient)


def mann_kendall_many(rows, alpha: float = 0.05) -> list[TrendResult]:
    """`mann_kendall` for many series of one length at once (one series per row), with the same
    results."""
    x = np.asarray(rows, dtype=float)
    if x.ndim != 2:
        raise ValueError("rows must be a two-dimensional array, one series per row")
    m, n = x.shape
    if m == 0:
        return []
    if n < 2:
        return [mann_kendall(row, alpha) for row in x]
    r = mann_kendall_arrays(x, alpha)
    return [TrendResult(n=n, s=int(sk), var_s=float(vk), z=float(zk), p_value=float(pk), sen_slope=float(sen),
                        direction=str(dk), significant=bool(sig), insufficient=r.insufficient)
            for sk, vk, zk, pk, sen, dk, sig in zip(r.s.tolist(), r.var_s.tolist(), r.z.tolist(), r.p_value.tolist(),
                                                    r.sen_slope.tolist(), r.direction.tolist(),
                                                    r.significant.tolist())]
