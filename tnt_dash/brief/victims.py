"""Victims of the week by sex and age, per market, with a total row; protected for the profiles
that require it, small rows grouped, or the breakdown withheld when nothing can be shown safely."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .. import presented, queries
from ..config import suppression_threshold
from ..queries import BOYS, GIRLS, MEN, UNKNOWN, VICTIMS, WOMEN, _df, _lang
from ..scope import Scope
from ..suppression import DisclosureError, protect_or_group, suppress_table
from .definitions import SEX_AGE


def by_sex_and_age(con, scope: Scope, week: date):
    """(victims by sex and age per market with a total row (market None) last, withheld, markets
    grouped into the OTHER_KEY row)."""
    t, profile = scope.t, scope.profile
    col = _lang(t.lang)
    where, params = queries.scope(scope.filters.with_dates(week, week + timedelta(days=6)), profile)
    frame = _df(con, f"""
        SELECT i.market, any_value(m.label_{col}) AS market_label,
               sum({WOMEN})::BIGINT AS women, sum({MEN})::BIGINT AS men, sum({GIRLS})::BIGINT AS girls,
               sum({BOYS})::BIGINT AS boys, sum({UNKNOWN})::BIGINT AS unknown,
               sum({VICTIMS})::BIGINT AS victims
        FROM incidents i JOIN markets m ON m.code = i.market
        WHERE {where} GROUP BY i.market HAVING sum({VICTIMS}) > 0
        ORDER BY victims DESC, i.market""", params)
    if frame.empty:
        return frame, False, 0
    total = {"market": None, "market_label": t.gettext("Total"),
             **{c: int(frame[c].sum()) for c in (*SEX_AGE, "victims")}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    if not scope.must_suppress:
        return frame, False, 0
    k, other = suppression_threshold(), presented.OTHER_LABELS["market"]
    try:
        # Row and column totals are handed over so they can be hidden with the cells. A market no
        # pattern can protect (four 1s under a "<5" total) is grouped with the smallest others.
        out, grouped = protect_or_group(
            frame, lambda f: suppress_table(f, list(SEX_AGE), k=k, total_col="victims", total_row=len(f) - 1),
            list(SEX_AGE), "victims", k, t.gettext(other), key_col="market",
            label_col="market_label")
    except DisclosureError:
        return frame.iloc[0:0], True, 0
    grand = out.iloc[-1]["victims"]
    if isinstance(grand, str) and grand != str(presented.protect_count(total["victims"], profile, "export")):
        # The victims KPI publishes this total; a table that needs it hidden cannot be shown beside it.
        return frame.iloc[0:0], True, 0
    return out, False, grouped
