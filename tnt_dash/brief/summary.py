"""The summary: three to six sentences, each backed by a number in the brief, with no clause on
a hidden or zero count."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .. import queries
from ..access import Profile
from ..filters import Filters
from ..queries import GIRLS, VICTIMS
from ..scope import Scope
from .definitions import ANOMALY_BASELINE
from .priorities import priority_sentence


def _visible(value) -> int | None:
    """An int the reader may see, or None when it is suppressed ("<5", "x")."""
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and not pd.isna(value) \
        else None


def _cell_girls(con, filters: Filters, profile: Profile, week: date, admin1: str, market: str) -> tuple[int, int]:
    where, params = queries.scope(filters.with_dates(week, week + timedelta(days=6)), profile)
    row = queries._one(con, f"""
        SELECT coalesce(sum({GIRLS}), 0)::BIGINT, coalesce(sum({VICTIMS}), 0)::BIGINT
        FROM incidents i WHERE {where} AND {queries.PLACE} = ? AND i.market = ?""", [*params, admin1, market])
    return int(row[0]), int(row[1])


def sentences(con, scope: Scope, b: dict) -> list[str]:
    """3-6 sentences, each backed by a number in the brief; no clause on hidden or zero counts."""
    t = scope.t
    _ = t.gettext
    out = []
    kpis = b["kpis"].set_index("kpi")
    incidents = kpis.loc["incidents"]
    base = incidents["baseline_mean"]
    if (incidents["change_4w"] is None or pd.isna(incidents["change_4w"])) and base:
        out.append(_("{week}: {n} incidents, against {mean} a week in the previous 4 weeks.").format(
            week=t.week(b["week"]), n=t.number(incidents["value"]), mean=t.number(base, 2 if base < 1 else 1)))
    elif incidents["change_4w"] is None or pd.isna(incidents["change_4w"]):
        out.append(_("{week}: {n} incidents recorded.").format(week=t.week(b["week"]), n=t.number(incidents["value"])))
    else:
        out.append(_("{week}: {n} incidents, {change} on the mean of the previous 4 weeks ({mean}).").format(
            week=t.week(b["week"]), n=t.number(incidents["value"]),
            change=t.percent(incidents["change_4w"], signed=True), mean=t.number(incidents["baseline_mean"], 1)))
    for row in b["anomalies"].head(2).itertuples():
        change = b["changes"]
        if row.expected == 0:
            text = _("{market} in {area}: {n} incidents, none in the previous {weeks} weeks.").format(
                market=row.market_label, area=row.area_label, n=t.number(row.observed), weeks=ANOMALY_BASELINE)
        else:
            text = _("{market} in {area}: {n} incidents against about {expected} a week before.").format(
                market=row.market_label, area=row.area_label, n=t.number(row.observed),
                expected=t.number(row.expected, 1))
        if b["level"] == "adm1":
            match = change[(change["area"] == row.admin1_code) & (change["market"] == row.market)]
            if len(match) and not pd.isna(match.iloc[0]["change_4w"]):
                text = _("{market} in {area}: {n} incidents, {change} on the 4-week mean.").format(
                    market=row.market_label, area=row.area_label, n=t.number(row.observed),
                    change=t.percent(match.iloc[0]["change_4w"], signed=True))
        if not b["suppressed"]:
            girls, victims = _cell_girls(con, scope.filters, scope.profile, b["week"], row.admin1_code, row.market)
            if girls > 0 and victims > 0:
                text = text[:-1] + _("; {girls} of {victims} victims were girls.").format(
                    girls=t.number(girls), victims=t.number(victims))
        out.append(text)
    if b["anomalies"].empty:
        out.append(_("No area and market stood out against its previous {weeks} weeks ({tests} series tested).")
                   .format(weeks=ANOMALY_BASELINE, tests=t.number(b["anomaly_tests"])))
    victims, wc = _visible(kpis.loc["victims", "value"]), _visible(kpis.loc["women_children", "value"])
    if victims and wc is not None:   # both visible: a protected KPI is an int only when it may be shown
        out.append(_("{wc} of {victims} victims were women or children.").format(
            wc=t.number(wc), victims=t.number(victims)))
    fatalities, arrests = int(kpis.loc["fatalities", "value"]), int(kpis.loc["arrests", "value"])
    if fatalities or arrests:
        out.append(_("{fatalities} fatalities and {arrests} arrests were recorded.").format(
            fatalities=t.number(fatalities), arrests=t.number(arrests)))
    if len(b["priorities"]):
        out.append(priority_sentence(t, b["priorities"]))
    return out[:6]
