"""The page's queries as two groups of independent calls, each group one cache entry whose parts
run two at a time: the series with the seasonality (the two heaviest together), then the rates
and the splits. A change of "Series by" reruns the first group only."""
from __future__ import annotations

from datetime import date
from functools import partial

from ..scope import Scope
from .periods import period_end
from .rates import rates
from .seasonality import seasonality
from .series import trends
from .splits import SPLITS, split_totals


def series_parts(scope: Scope, by: str, grain: str) -> tuple[partial, ...]:
    """The series (a `Trends`) and the seasonality (a `Seasonality` or None)."""
    return (partial(trends, scope, by, grain), partial(seasonality, scope.filters, scope.profile, scope.lang))


def split_parts(scope: Scope, bounds: tuple[date, date], grain: str) -> tuple[partial, ...]:
    """The rates per 100,000, then one split per SPLITS, over the complete periods `bounds`."""
    period_from, period_to = bounds[0], period_end(bounds[1], grain)
    return (partial(rates, scope.filters, scope.profile, scope.lang, period_from, period_to),
            *(partial(split_totals, scope, split, period_from, period_to) for split in SPLITS))
