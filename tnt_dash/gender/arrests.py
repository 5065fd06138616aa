"""Arrests by sex per market, and the share of women and girls among arrested suspects."""
from __future__ import annotations

from .. import queries
from ..queries import _df, _lang
from ..scope import Scope
from .table import Table, protect, share, with_total

ARREST_PARTS = ("arrests_female", "arrests_male", "arrests_unknown")


def arrests_table(con, scope: Scope) -> Table:
    """Arrests by sex per market and the share of women among arrested suspects whose sex was
    recorded. Arrested people are counted persons too, so small counts are protected like victims."""
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    col = _lang(t.lang)
    where, params = queries.scope(filters, profile)
    frame = _df(con, f"""
        SELECT i.market AS key, any_value(m.label_{col}) AS label,
               sum(i.arrests_female)::BIGINT AS arrests_female, sum(i.arrests_male)::BIGINT AS arrests_male,
               sum(i.arrests_unknown)::BIGINT AS arrests_unknown,
               sum(i.arrests_female + i.arrests_male + i.arrests_unknown)::BIGINT AS arrests
        FROM incidents i JOIN markets m ON m.code = i.market
        WHERE {where} GROUP BY 1 HAVING sum(i.arrests_female + i.arrests_male + i.arrests_unknown) > 0
        ORDER BY arrests DESC, key""", params)
    suppress = profile.must_suppress(destination)
    if frame.empty:
        return Table(frame.assign(share_women=[]), suppressed=suppress)
    frame = with_total(frame, (*ARREST_PARTS, "arrests"), t.gettext("Total"))
    table = protect(frame, [ARREST_PARTS], "arrests", suppress)
    f = table.frame
    f["share_women"] = [share(fe, [fe, m]) for fe, m in zip(f["arrests_female"], f["arrests_male"])] \
        if not table.withheld else []
    return table

