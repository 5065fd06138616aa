"""The page's queries as two groups of independent calls, each group one cache entry whose parts
run two at a time: the series with the seasonality (the two heaviest together), then the rates
and the splits. A change of "Series by" reruns the first group only."""
from __future__ import annotations

from datetime import date
from functools import partial

from ..access import Profile
from ..filters import Filters
from ..i18n import I18n
from .periods import period_end
from .rates import rates
from .seasonality import seasonality
from .series import trends
from .splits import SPLITS, split_totals


def series_parts(filters: Filters, profile: Profile, t: I18n, by: str, grain: str) -> tuple[partial, ...]:
    """The series (a `Trends`) and the seasonality (a `Seasonality` or None)."""
    return (partial(trends, filters, profile, t, by, grain), partial(seasonality, filters, profile, t.lang))


def split_parts(filters: Filters, profile: Profile, t: I18n, bounds: tuple[date, date],
                grain: str) -> tuple[partial, ...]:
    """The rates per 100,000, then one split per SPLITS, over the complete periods `bounds`."""
    period_from, period_to = bounds[0], period_end(bounds[1], grain)
    return (partial(rates, filters, profile, t.lang, period_from, period_to),
            *(partial(split_totals, filters, profile, t, split, period_from, period_to) for split in SPLITS))
