"""Drill-down: a chart selection becomes a URL value ("market:cocaine,heroin"), and the URL value
becomes Filters narrowed to it, never wider than the sidebar's own choice."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..filters import Filters
from ..queries import _df
from .dimensions import DIMENSIONS, NOT_RECORDED, OTHERS

DRILL_PARAM = "drill"          # the page's own query parameter: "market:cocaine,heroin"
MAX_DRILL_CODES = 40


class EmptyDrill(ValueError):
    """The selection and the sidebar filters have nothing in common."""


@dataclass(frozen=True)
class Drill:
    dimension: str
    codes: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"unknown drill-down dimension {self.dimension!r}")
        if not self.codes:
            raise ValueError("a drill-down needs at least one code")
        if len(self.codes) > MAX_DRILL_CODES:
            raise ValueError(f"a drill-down takes at most {MAX_DRILL_CODES} codes")
        object.__setattr__(self, "codes", tuple(sorted(set(self.codes))))


def market_families(con) -> dict[str, tuple[str, ...]]:
    frame = _df(con, "SELECT family, code FROM markets ORDER BY family, code")
    return {family: tuple(group["code"]) for family, group in frame.groupby("family")}


def parse_drill(text: str | None) -> Drill | None:
    """The URL value back into a Drill; None for no drill-down. A malformed value is an error."""
    text = (text or "").strip()
    if not text:
        return None
    dimension, sep, codes = text.partition(":")
    if not sep:
        raise ValueError(f"a drill-down reads dimension:code,code (got {text!r})")
    return Drill(dimension, tuple(c.strip() for c in codes.split(",") if c.strip()))


def format_drill(drill: Drill | None) -> str:
    return "" if drill is None else f"{drill.dimension}:{','.join(drill.codes)}"


def drill_from_selection(event, dimension: str) -> Drill | None:
    """The series picked on a chart, read from each point's customdata (the series key).

    "All others" and "Not recorded" are not places or markets one can narrow to, so they
    are ignored; None when nothing narrowable was picked.
    """
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    codes = set()
    for point in points or ():
        custom = point.get("customdata")
        key = custom[0] if isinstance(custom, (list, tuple)) and custom else custom
        if isinstance(key, str) and key and key not in (OTHERS, NOT_RECORDED):
            codes.add(key)
    return Drill(dimension, tuple(codes)) if codes else None


def _narrow(current: tuple[str, ...], chosen: tuple[str, ...]) -> tuple[str, ...]:
    narrowed = tuple(c for c in chosen if not current or c in current)
    if not narrowed:
        raise EmptyDrill("the selection lies outside the sidebar filters")
    return narrowed


def apply_drill(filters: Filters, drill: Drill | None, families: dict[str, tuple[str, ...]]) -> Filters:
    """Filters narrowed to the drill-down: never wider than the sidebar's own choice."""
    if drill is None:
        return filters
    if drill.dimension == "market":
        return replace(filters, markets=_narrow(filters.markets, drill.codes))
    if drill.dimension == "family":
        unknown = set(drill.codes) - set(families)
        if unknown:
            raise ValueError(f"unknown market family: {', '.join(sorted(unknown))}")
        markets = tuple(sorted({m for f in drill.codes for m in families[f]}))
        return replace(filters, markets=_narrow(filters.markets, markets))
    field = {"cyber": "cyber", "mission": "missions", "country": "countries", "admin1": "admin1"}[drill.dimension]
    return replace(filters, **{field: _narrow(getattr(filters, field), drill.codes)})
