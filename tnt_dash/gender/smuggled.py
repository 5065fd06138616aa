"""Persons smuggled in migrant-smuggling incidents, by sex and age and by country: people moved
across a border for gain, who are not victims of the smuggling (Smuggling of Migrants Protocol) and
never counted in the victim tables or rates. Aggravated smuggling that harms them records victims."""
from __future__ import annotations

from .. import queries
from ..queries import _df, _lang
from ..scope import Scope
from .table import Table, protect, with_total

SMUGGLED_PARTS = ("women", "men", "girls", "boys", "unknown")
_CELL = "coalesce(i.smuggled_{}, 0)"
SMUGGLED_SQL = {
    "women": _CELL.format("female_adult"), "men": _CELL.format("male_adult"),
    "girls": _CELL.format("female_child"), "boys": _CELL.format("male_child"),
    "unknown": " + ".join(_CELL.format(c) for c in ("female_unknown", "male_unknown", "unknown_child",
                                                     "unknown_adult", "unknown_unknown")),
}


def smuggled_table(con, scope: Scope) -> Table:
    """Persons smuggled by sex and age per country, with a total row; small counts protected like victims."""
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    col = _lang(t.lang)
    where, params = queries.scope(filters, profile)
    parts = ", ".join(f"sum({sql})::BIGINT AS {name}" for name, sql in SMUGGLED_SQL.items())
    total = " + ".join(f"({sql})" for sql in SMUGGLED_SQL.values())
    frame = _df(con, f"""
        SELECT i.iso3 AS key, any_value(c.name_{col}) AS label, {parts}, sum({total})::BIGINT AS smuggled
        FROM incidents i JOIN countries c ON c.iso3 = i.iso3
        WHERE {where} AND i.market = 'migrant_smuggling' GROUP BY 1 HAVING sum({total}) > 0
        ORDER BY smuggled DESC, key""", params)
    suppress = profile.must_suppress(destination)
    if frame.empty:
        return Table(frame, suppressed=suppress)
    frame = with_total(frame, (*SMUGGLED_PARTS, "smuggled"), t.gettext("Total"))
    return protect(frame, [SMUGGLED_PARTS], "smuggled", suppress)
