"""Likelihood: frequency and trend, on a fixed scale, with a reporting-coverage correction.

    coverage    = weeks in which the area filed any record ÷ full weeks of the period (known when
                  the period has at least `coverage_min_weeks` full weeks)
    rate        = incidents a week ÷ max(coverage, coverage floor)   (coverage unknown: no correction)
    frequency   = min(1, ln(1 + rate) ÷ ln(1 + rate reference))
    likelihood  = (1 − trend share) × frequency + trend share × trend
    trend       = 1 rising, 0 falling, 0.5 otherwise (Mann-Kendall on the 7-day counts)

An area that reports in few weeks has its rate read over the weeks it reported: a unit that
reports little does not look safe. The floor bounds the correction (at most × 2 by default)."""
from __future__ import annotations

import numpy as np

from .params import TREND_VALUE, calibration


def coverage_share(active_weeks, weeks) -> np.ndarray:
    """Share of the period's full weeks with any record from the area; NaN where not judged."""
    active = np.asarray(active_weeks, dtype=float)
    weeks = np.broadcast_to(np.asarray(weeks, dtype=float), active.shape)
    judged = weeks >= calibration()["coverage_min_weeks"]
    return np.where(judged, active / np.where(weeks > 0, weeks, 1.0), np.nan)


def corrected_rate(per_week, coverage) -> np.ndarray:
    floor = calibration()["coverage_floor"]
    coverage = np.asarray(coverage, dtype=float)
    divisor = np.where(np.isnan(coverage), 1.0, np.maximum(np.nan_to_num(coverage, nan=1.0), floor))
    return np.asarray(per_week, dtype=float) / divisor


def frequency_scale(rate) -> np.ndarray:
    reference = calibration()["rate_reference"]
    return np.minimum(1.0, np.log1p(np.asarray(rate, dtype=float)) / np.log1p(reference))


def likelihood(rate, trends: list[str], trend_share: float) -> np.ndarray:
    trend = np.array([TREND_VALUE.get(v, 0.5) for v in trends])   # untested (too few weeks): no trend
    return (1 - trend_share) * frequency_scale(rate) + trend_share * trend
