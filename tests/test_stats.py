"""Spike flags and trend tests, checked against hand-worked numbers and scipy."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats as sps

from tnt_dash import stats

from tnt_dash.stats import (
    AnomalyResult,
    benjamini_hochberg,
    mann_kendall,
    poisson_anomaly,
    scan_anomalies,
)

BASELINE = [4, 5, 3, 6, 4, 5, 4, 6, 5, 4, 3, 5]  # total 54, mean 4.5


# --- Mann-Kendall ------------------------------------------------------------

def test_strictly_increasing_is_rising_and_significant():
    r = mann_kendall(list(range(20)))
    assert r.n == 20
    assert r.s == 190  # every one of the 20*19/2 pairs rises
    assert r.direction == "rising"
    assert r.significant and not r.insufficient
    assert r.sen_slope == 1.0


def test_strictly_decreasing_is_falling():
    r = mann_kendall([100 - 3 * i for i in range(20)])
    assert r.s == -190
    assert r.direction == "falling"
    assert r.significant
    assert r.sen_slope == -3.0


def test_constant_series_has_no_trend():
    r = mann_kendall([7] * 12)
    assert r.s == 0
    assert r.var_s == 0.0  # one tie group of 12 cancels the whole variance
    assert r.z == 0.0 and r.p_value == 1.0
    assert not r.significant and r.direction == "none"
    assert r.sen_slope == 0.0


HAND = [1, 3, 2, 4, 5, 3, 6, 7]
# S by hand, pair by pair (sign of later minus earlier):
#   from 1 (i=0): 3,2,4,5,3,6,7 all higher            -> +7
#   from 3 (i=1): 2 lower, 4 5 6 7 higher, 3 tied      -> +4-1 = +3
#   from 2 (i=2): 4,5,3,6,7 all higher                 -> +5
#   from 4 (i=3): 5 6 7 higher, 3 lower                -> +3-1 = +2
#   from 5 (i=4): 3 lower, 6 7 higher                  -> +1
#   from 3 (i=5): 6,7 higher                           -> +2
#   from 6 (i=6): 7 higher                             -> +1
#   S = 7+3+5+2+1+2+1 = 21
# var(S): n=8 gives n(n-1)(2n+5) = 8*7*21 = 1176; the value 3 occurs twice,
# a tie group t=2 contributing t(t-1)(2t+5) = 2*1*9 = 18;
#   var(S) = (1176 - 18) / 18 = 1158/18 = 64.333...
# Z with continuity correction = (21 - 1) / sqrt(1158/18) = 2.4935...
# Sen: the 28 pairwise slopes sorted; the 14th and 15th are 2/3 (e.g. 3->5
# over 3 steps) and 3/4 (4->7 over 4 steps), so the median is 17/24.
def test_hand_computed_series():
    r = mann_kendall(HAND)
    assert r.s == 21
    assert r.var_s == 1158 / 18
    assert r.z == pytest.approx(20 / math.sqrt(1158 / 18), rel=1e-12)
    assert r.p_value == pytest.approx(2 * sps.norm.sf(20 / math.sqrt(1158 / 18)), rel=1e-12)
    assert r.p_value == pytest.approx(0.01265, abs=5e-5)
    assert r.sen_slope == pytest.approx(17 / 24, rel=1e-12)
    assert r.direction == "rising" and r.significant


def _kendall_z(values) -> float:
    """|Z| from Kendall's tau-b against the time index, without continuity correction.

    With the index free of ties, scipy's asymptotic tau-b test uses exactly
    S / sqrt(var(S)) with the Mann-Kendall tie correction, so it is an
    independent route to the uncorrected statistic.
    """
    res = sps.kendalltau(np.arange(len(values)), values, method="asymptotic")
    return float(sps.norm.isf(res.pvalue / 2))


@pytest.mark.parametrize("seed", range(5))
def test_p_value_agrees_with_kendall_tau(seed):
    rng = np.random.default_rng(seed)
    # Rounded, so there are plenty of ties to exercise the variance correction.
    values = np.round(0.15 * np.arange(40) + rng.normal(0, 2, 40)).tolist()
    r = mann_kendall(values)
    assert r.s != 0
    # Our Z is (S - sign S)/sd; scaling by |S|/(|S|-1) undoes the continuity step.
    assert abs(r.z) * abs(r.s) / (abs(r.s) - 1) == pytest.approx(_kendall_z(values), rel=1e-9)
    # The continuity correction only ever makes the test more cautious.
    assert r.p_value >= sps.kendalltau(np.arange(40), values, method="asymptotic").pvalue


def test_sen_slope_matches_theil_sen():
    rng = np.random.default_rng(11)
    values = (0.4 * np.arange(30) + rng.normal(0, 3, 30)).tolist()
    assert mann_kendall(values).sen_slope == pytest.approx(sps.theilslopes(values).slope, rel=1e-12)


def test_short_series_is_insufficient():
    r = mann_kendall([1, 2, 3, 4, 5, 6, 7])
    assert r.insufficient
    assert r.s == 21  # still reported
    assert not r.significant and r.direction == "none"


def test_no_pairs_gives_nan_slope():
    for values in ([], [4]):
        r = mann_kendall(values)
        assert r.n == len(values) and r.insufficient and r.s == 0
        assert math.isnan(r.sen_slope)


def test_trend_rejects_missing_values():
    with pytest.raises(ValueError):
        mann_kendall([1, 2, float("nan"), 4, 5, 6, 7, 8])


# --- Poisson anomaly ---------------------------------------------------------

def test_tails_from_scipy_special_equal_scipy_stats():
    """stats takes its tails from scipy.special (scipy.stats costs 0.4 s more to import): they
    must be scipy.stats' values, below the support and at a zero mean included."""
    from tnt_dash.stats import chi2_ppf, nbinom_sf, poisson_sf
    rng = np.random.default_rng(11)
    k = rng.integers(-3, 80, 20_000).astype(float)
    k[:50] = -1.0                                   # observed 0: P(X >= 0) is 1
    mu = rng.gamma(2.0, 5.0, k.size)
    mu[50:100] = 0.0
    assert np.array_equal(poisson_sf(k, mu), sps.poisson.sf(k, mu))
    n, p = rng.gamma(2.0, 3.0, k.size) + 0.01, rng.uniform(0.01, 0.66, k.size)
    assert np.allclose(nbinom_sf(k, n, p), sps.nbinom.sf(k, n, p), rtol=1e-12, atol=0)
    assert float(nbinom_sf(-1, 2.5, 0.3)) == 1.0 and float(poisson_sf(4.7, 2.0)) == sps.poisson.sf(4, 2.0)
    df = 2.0 * (np.arange(500) + 1)
    assert np.array_equal(chi2_ppf(0.975, df), sps.chi2.ppf(0.975, df))


def test_spike_over_steady_baseline_is_flagged():
    r = poisson_anomaly(BASELINE + [20])
    assert isinstance(r, AnomalyResult)
    assert r.model == "poisson"  # variance 0.95 is well under 1.5 x 4.5
    assert r.observed == 20 and r.expected == 4.5
    assert r.ratio == pytest.approx(20 / 4.5)
    assert r.p_value == pytest.approx(sps.poisson.sf(19, 4.5))
    assert r.flagged
    assert r.q_value is None


def test_ordinary_week_is_not_flagged():
    r = poisson_anomaly(BASELINE + [6])
    assert r is not None and not r.flagged
    assert r.p_value == pytest.approx(1 - sps.poisson.cdf(5, 4.5))


def test_only_the_last_baseline_weeks_count():
    # An old burst outside the 12-week window must not raise the baseline.
    r = poisson_anomaly([90, 90, 90] + BASELINE + [20])
    assert r is not None and r.expected == 4.5 and r.flagged


def test_overdispersed_baseline_uses_negative_binomial():
    baseline = [0, 0, 12, 1, 0, 9, 0, 2, 15, 0, 1, 8]
    r = poisson_anomaly(baseline + [20])
    assert r is not None and r.model == "negative binomial"
    m = np.mean(baseline)
    v = np.var(baseline, ddof=1)
    assert r.p_value == pytest.approx(sps.nbinom.sf(19, m * m / (v - m), m / v))
    # Clustered history makes 20 far less surprising than Poisson would say.
    assert r.p_value > sps.poisson.sf(19, m)


@pytest.mark.parametrize("counts", [
    BASELINE,                                      # only 11 prior weeks
    [1, 0, 1, 0, 2, 0, 1, 0, 1, 0, 1, 0, 9],       # baseline total 7 < 10
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 5, 30],     # 2 non-zero weeks < 4
    [0] * 12 + [8],                                # lambda would be 0
])
def test_thin_data_returns_none(counts):
    assert poisson_anomaly(counts) is None


def test_tiny_observed_count_is_never_flagged():
    # lambda = 1/12, so two incidents are improbable (p ~ 0.003) but not actionable.
    r = poisson_anomaly([1] + [0] * 11 + [2], min_baseline_total=1, min_nonzero_weeks=1)
    assert r is not None and r.p_value < 0.01 and not r.flagged


def test_negative_counts_are_rejected():
    with pytest.raises(ValueError):
        poisson_anomaly(BASELINE + [-1])


def _weekly_flags(x: np.ndarray) -> tuple[int, int]:
    tested = flagged = 0
    for t in range(12, len(x)):
        r = poisson_anomaly(x[: t + 1])
        if r is not None:
            tested += 1
            flagged += r.flagged
    return flagged, tested


def test_quiet_series_rarely_flags():
    flagged, tested = _weekly_flags(np.random.default_rng(2024).poisson(5, 150))
    assert tested == 138
    assert flagged <= 0.02 * tested


def test_quiet_series_false_flag_rate_over_many_seeds():
    # A single seed can be lucky; across 30 the rate should stay near alpha.
    counts = [_weekly_flags(np.random.default_rng(seed).poisson(5, 150)) for seed in range(30)]
    flagged = sum(f for f, _ in counts)
    tested = sum(t for _, t in counts)
    assert flagged / tested <= 0.02


# --- Benjamini-Hochberg scan -------------------------------------------------

def test_benjamini_hochberg_by_hand():
    # Sorted: .005 .01 .03 .04 -> x4/rank: .02 .02 .04 .04 -> running min from the top.
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert benjamini_hochberg([]) == []


def test_benjamini_hochberg_matches_scipy():
    p = np.random.default_rng(3).uniform(0, 0.2, 50)
    assert benjamini_hochberg(p) == pytest.approx(sps.false_discovery_control(p).tolist())


def _quiet_panel(seed: int, n: int = 200) -> dict[tuple[str, str], list[int]]:
    rng = np.random.default_rng(seed)
    lams = rng.uniform(2, 12, n)
    return {(f"admin1-{i // 10}", f"market-{i % 10}"): rng.poisson(lam, 13).tolist()
            for i, lam in enumerate(lams)}


def test_scan_of_quiet_series_flags_nothing():
    panel = _quiet_panel(7)
    # Why the correction exists: uncorrected, some quiet series cross p < 0.01.
    raw = [r for c in panel.values() if (r := poisson_anomaly(c)) is not None and r.flagged]
    assert raw, "this seed should show the multiple-testing problem"
    assert scan_anomalies(panel) == []


def test_scan_finds_a_planted_spike():
    panel = _quiet_panel(7)
    key = ("admin1-3", "market-4")
    panel[key] = panel[key][:12] + [int(np.mean(panel[key][:12]) * 4) + 10]
    found = scan_anomalies(panel)
    assert [k for k, _ in found] == [key]
    res = found[0][1]
    assert res.flagged and res.q_value is not None
    assert res.p_value <= res.q_value < 0.01


def test_scan_sorts_by_p_and_skips_thin_series():
    panel = {
        "thin": [0] * 12 + [50],
        "big": BASELINE + [30],
        "medium": BASELINE + [16],
        "quiet": BASELINE + [5],
    }
    found = scan_anomalies(panel)
    assert [k for k, _ in found] == ["big", "medium"]
    assert found[0][1].p_value < found[1][1].p_value
    # Three series were tested, so each q is at least its p and at most 3p.
    for _, r in found:
        assert r.p_value <= r.q_value <= 3 * r.p_value


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 5).flatmap(lambda m: st.integers(0, 20).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 4), min_size=n, max_size=n), min_size=m, max_size=m))))
def test_mann_kendall_many_matches_one_at_a_time(rows):
    width = len(rows[0]) if rows else 0
    many = stats.mann_kendall_many(np.array(rows, dtype=float).reshape(len(rows), width))
    assert len(many) == len(rows)
    for row, result in zip(rows, many):
        one = stats.mann_kendall(row)
        assert (result.n, result.s, result.direction, result.significant, result.insufficient) == \
               (one.n, one.s, one.direction, one.significant, one.insufficient)
        assert result.var_s == pytest.approx(one.var_s)
        assert result.p_value == pytest.approx(one.p_value)
        assert result.sen_slope == pytest.approx(one.sen_slope, nan_ok=True)
    if width >= 2:
        # The arrays behind it, as the priority model reads them: the same figures, to the bit.
        arrays = stats.mann_kendall_arrays(np.array(rows, dtype=float).reshape(len(rows), width))
        for k, row in enumerate(rows):
            one = stats.mann_kendall(row)
            assert (arrays.s[k], arrays.var_s[k], arrays.z[k], arrays.p_value[k], arrays.direction[k],
                    arrays.significant[k], arrays.insufficient) == \
                   (one.s, one.var_s, one.z, one.p_value, one.direction, one.significant, one.insufficient)
