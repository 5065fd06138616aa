"""The week's top priority threats, from the priority model (tnt_dash/priority/,
docs/priority.md), and the sentence that names the first."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ..i18n import I18n
from ..scope import Scope
from .definitions import TOP_PRIORITIES


def top_threats(con, scope: Scope, week: date) -> pd.DataFrame:
    """The top 5 of the priority model over the 16 weeks to the week."""
    from ..priority import top_threats
    return top_threats(con, scope, week + timedelta(days=6), n=TOP_PRIORITIES)


def priority_sentence(t: I18n, priorities: pd.DataFrame) -> str | None:
    if not len(priorities):
        return None
    top = priorities.iloc[0]
    return t.gettext("Highest priority: {market} in {area} ({n} incidents in the last 4 weeks).").format(
        market=top["market_label"], area=top["area_label"], n=t.number(top["incidents_4w"]))
