"""Weekly women-and-children victims over the complete weeks of the period, and whether they rise."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from .. import queries, stats
from ..config import suppression_threshold
from ..i18n import I18n
from ..scope import Scope
from ..suppression import COMPLEMENTARY_MARK, DisclosureError, suppress_table
from .audit import hidden

TREND_MIN_WEEKS = stats.MIN_TREND_POINTS


@dataclass
class Trend:
    weeks: list[date]
    values: list[int | None]     # None where the week's count is hidden
    marks: list[int | str]       # what a table shows: the count, "<k" or "x"
    result: stats.TrendResult
    total: int | str


def trend(con, scope: Scope, end: date | None = None) -> Trend:
    """Weekly women-and-children victims over the complete weeks of the period, and a
    Mann-Kendall test on them (the test sees the true counts; only its verdict is shown)."""
    filters, profile, destination = scope.filters, scope.profile, scope.destination
    last = queries.last_complete_week(con, profile, today=end)
    if filters.date_to:
        last = min(last, queries.week_start(filters.date_to + timedelta(days=1)) - timedelta(days=7))
    start = filters.date_from or queries.first_date(con, filters, profile) or last
    first = queries.week_start(start + timedelta(days=6))   # the first week wholly inside the period
    if first > last:
        first = last
    frame = queries.weekly_kpis(con, filters, profile, first, last)
    values = [int(v) for v in frame["women_children"]]
    result = stats.mann_kendall(values)
    marks: list[int | str] = list(values)
    total: int | str = sum(values)
    if profile.must_suppress(destination) and values:
        table = pd.DataFrame({"wc": values + [sum(values)]})
        try:
            protected = suppress_table(table, ["wc"], k=suppression_threshold(), total_row=len(values))["wc"].tolist()
        except DisclosureError:
            protected = [COMPLEMENTARY_MARK] * (len(values) + 1)
        marks, total = protected[:-1], protected[-1]
    return Trend(weeks=list(frame["week"]), values=[None if hidden(m) else int(m) for m in marks],
                 marks=marks, result=result, total=total)


def trend_sentence(t: I18n, result: stats.TrendResult) -> str:
    _ = t.gettext
    if result.insufficient:
        return _("Too few weeks to test a trend (at least {n} are needed).").format(n=TREND_MIN_WEEKS)
    if result.direction == "rising":
        return _("Rising, significant at 95 % (Mann–Kendall, p = {p}).").format(p=t.number(result.p_value, 3))
    if result.direction == "falling":
        return _("Falling, significant at 95 % (Mann–Kendall, p = {p}).").format(p=t.number(result.p_value, 3))
    return _("No clear trend (Mann–Kendall, p = {p}).").format(p=t.number(result.p_value, 3))

