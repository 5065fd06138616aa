"""ISO weeks as the brief names them: the code in a link (2026-W47), its Monday, the weeks a
presenter can pick."""
from __future__ import annotations

from datetime import date, timedelta

from .. import queries


def iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_iso_week(text: str) -> date:
    """'2026-W47' -> the Monday of that ISO week."""
    try:
        year, week = text.strip().upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"not an ISO week (YYYY-Www, e.g. 2026-W47): {text!r}") from None


def recent_weeks(last: date, n: int = 26) -> list[str]:
    """ISO week labels, newest first, ending on the week of `last`."""
    last = queries.week_start(last)
    return [iso_week(last - timedelta(weeks=k)) for k in range(n)]
