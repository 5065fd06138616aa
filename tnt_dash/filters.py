"""The one filter object that travels from the sidebar (or CLI flags) to every query.

`Filters.where()` turns it into a parameterised SQL predicate: user values are always
bound, never formatted into the SQL text.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta

RELIABILITY_GRADES = ("A", "B", "C", "D", "E", "F")
CREDIBILITY_GRADES = (1, 2, 3, 4, 5, 6)
STATUSES = ("validated", "in_review", "draft", "archived")
CYBER_FLAGS = ("cyber-dependent", "cyber-enabled", "none")
DEFAULT_STATUSES = ("validated",)


def place(alias: str = "i") -> str:
    """The admin-1 area an incident counts in: where it occurred or, for one with no place of its own
    (cybercrime), where its victims live (docs/cyber.md). The rollups already hold it as admin1_code,
    and their residence_admin1_code is NULL, so this reads the incidents and the rollups alike."""
    return f"coalesce({alias}.admin1_code, {alias}.residence_admin1_code)"


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    missions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    cyber: tuple[str, ...] = ()
    min_reliability: str = "F"     # keep sources graded this or better (A best)
    min_credibility: int = 6       # keep information graded this or better (1 best)
    statuses: tuple[str, ...] = field(default=DEFAULT_STATUSES)
    # Only records placed in their mission's area of operations (reference table mission_areas).
    # Records with no admin-1 area (a cybercrime desk's) cannot be outside it and stay.
    operations_area: bool = False

    def __post_init__(self) -> None:
        for name in ("missions", "countries", "admin1", "markets", "cyber", "statuses"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"Filters.{name} must be a sequence of codes, not the string {value!r}")
            object.__setattr__(self, name, tuple(sorted(set(value))))
        if self.min_reliability not in RELIABILITY_GRADES:
            raise ValueError(f"minimum source reliability must be one of {', '.join(RELIABILITY_GRADES)}")
        if int(self.min_credibility) not in CREDIBILITY_GRADES:
            raise ValueError("minimum information credibility must be between 1 and 6")
        object.__setattr__(self, "min_credibility", int(self.min_credibility))
        object.__setattr__(self, "operations_area", bool(self.operations_area))
        unknown = set(self.statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown record status: {', '.join(sorted(unknown))}")
        unknown = set(self.cyber) - set(CYBER_FLAGS)
        if unknown:
            raise ValueError(f"unknown cyber flag: {', '.join(sorted(unknown))}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("the start date is after the end date")

    def with_dates(self, date_from: date | None, date_to: date | None) -> "Filters":
        return replace(self, date_from=date_from, date_to=date_to)

    def keep(self, names: tuple[str, ...]) -> "Filters":
        """These fields as set, every other at its default."""
        return Filters(**{name: getattr(self, name) for name in names})

    def where(self, alias: str = "i", date_column: str = "date_occurred") -> tuple[str, list]:
        """SQL predicate over the incidents table aliased `alias`, and its bound parameters.
        `date_column="week"` reads the weekly rollup (valid for whole ISO weeks only)."""
        if date_column not in ("date_occurred", "week"):
            raise ValueError(f"unknown date column {date_column!r}")
        clauses: list[str] = []
        params: list = []
        a = alias
        if self.date_from:
            clauses.append(f"{a}.{date_column} >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append(f"{a}.{date_column} <= ?")
            params.append(self.date_to)
        for column, values in ((f"{a}.mission", self.missions), (f"{a}.iso3", self.countries),
                               (place(a), self.admin1), (f"{a}.market", self.markets), (f"{a}.status", self.statuses)):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if self.cyber:
            clauses.append(f"{a}.market IN (SELECT code FROM markets WHERE cyber IN ({', '.join('?' * len(self.cyber))}))")
            params.extend(self.cyber)
        if self.operations_area:
            clauses.append(f"({place(a)} IS NULL OR EXISTS (SELECT 1 FROM mission_areas ao "
                           f"WHERE ao.mission = {a}.mission AND ao.admin1_code = {place(a)}))")
        if self.min_reliability != "F":
            clauses.append(f"{a}.source_reliability <= ?")
            params.append(self.min_reliability)
        if self.min_credibility != 6:
            clauses.append(f"{a}.info_credibility <= ?")
            params.append(self.min_credibility)
        return (" AND ".join(clauses) or "TRUE"), params

    def describe(self) -> dict:
        """Plain values for stamping exports with the filters that produced them."""
        return {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "missions": list(self.missions), "countries": list(self.countries), "admin1": list(self.admin1),
            "markets": list(self.markets), "cyber": list(self.cyber),
            "min_grade": f"{self.min_reliability}{self.min_credibility}", "statuses": list(self.statuses),
            "operations_area": self.operations_area,
        }


    @property
    def whole_weeks(self) -> bool:
        """True when the period is whole ISO weeks (Monday to Sunday), or open at that end."""
        return ((self.date_from is None or self.date_from.weekday() == 0)
                and (self.date_to is None or self.date_to.weekday() == 6))

    @property
    def grading_filtered(self) -> bool:
        return self.min_reliability != "F" or self.min_credibility != 6


def default_period(first: date | None, last: date) -> tuple[date, date]:
    """The period a page opens on: the 52 ISO weeks to the latest record, Monday first, so the
    key figures come from the weekly rollup whenever that last week is complete. The CLI uses it
    too, so a page and its command give the same numbers."""
    start = last - timedelta(days=last.weekday()) - timedelta(weeks=51)
    return (max(first, start) if first else start), last


def reads_only(*names: str):
    """Mark a query that reads only these filter fields (see PageContext.call).

    The page cache then keys it on those fields alone: picking a market does not re-run an
    activities query, which ignores markets. tests/test_capacity.py checks each marked query
    gives the same answer with the full filters and with only these fields kept."""
    unknown = set(names) - {f.name for f in fields(Filters)}
    if unknown:
        raise ValueError(f"not a filter field: {', '.join(sorted(unknown))}")

    def mark(fn):
        fn.filter_fields = names
        return fn
    return mark
