"""Whole weeks and months: only complete periods enter a series, since a half-covered first or
last period would read as a fall and bias the trend test."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from .. import queries
from ..access import Profile
from ..filters import Filters


def add_months(day: date, months: int) -> date:
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
        first = date_from if date_from.day == 1 else add_months(date_from, 1)
        last = add_months(date_to + timedelta(days=1), -1)
    else:
        raise ValueError(f"unknown time grain {grain!r}; expected week or month")
    return (first, last) if first <= last else None


def previous_year(day: date, grain: str) -> date:
    """The same period a year earlier: 52 weeks back keeps weeks on Mondays; months go 12 back."""
    return day - timedelta(weeks=52) if grain == "week" else add_months(day, -12)


def window(con, filters: Filters, profile: Profile, grain: str) -> tuple[date, date] | None:
    """The complete periods inside the view's dates (queries.period)."""
    dates = queries.period(con, filters, profile)
    return None if dates is None else complete_periods(*dates, grain)


def month_occurrences(first: date, last: date) -> dict[int, int]:
    """How many times each calendar month appears among the months first..last (month starts)."""
    counts = {m: 0 for m in range(1, 13)}
    day = first
    while day <= last:
        counts[day.month] += 1
        day = add_months(day, 1)
    return counts
