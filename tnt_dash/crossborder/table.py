"""The corridor table, on the page and in the export: corridors ranked by incidents, with the weekly
trend in words, the main markets and the victims protected for where the table goes."""
from __future__ import annotations

import math

import pandas as pd

from .. import stats
from ..i18n import I18n, N_
from ..presented import View, protect_victims
from ..scope import Scope
from .corridors import corridors
from .selection import Focus


# --- Trend in words ----------------------------------------------------------------------------

def trend_code(weekly: list[int]) -> tuple[str, float]:
    """("rising" | "falling" | "none" | "insufficient", Sen's slope per week)."""
    if len(weekly) < stats.MIN_TREND_POINTS:
        return "insufficient", math.nan
    result = stats.mann_kendall(weekly)
    return ("insufficient" if result.insufficient else result.direction), result.sen_slope


def trend_words(code: str, slope: float, t: I18n) -> str:
    """The Mann-Kendall verdict in words, with Sen's slope when it is not zero."""
    _ = t.gettext
    if code in ("rising", "falling"):
        if not math.isfinite(slope) or abs(slope) < 0.005:
            return _("Rising") if code == "rising" else _("Falling")
        amount = t.number(abs(slope), 2 if abs(slope) < 1 else 1)
        if code == "rising":
            return _("Rising (about {slope} more incidents a week)").format(slope=amount)
        return _("Falling (about {slope} fewer incidents a week)").format(slope=amount)
    if code == "none":
        return _("No clear trend")
    return _("Too few weeks to tell")


# --- The corridor table (page and export) ------------------------------------------------------

CORRIDOR_HEADERS = {
    "corridor": N_("Corridor (origin → destination)"),
    "incidents": N_("Incidents"),
    "trend": N_("Weekly trend"),
    "main_markets": N_("Main markets"),
    "victims": N_("Victims"),
    "women_children": N_("Women and children victims"),
}


def corridor_table(con, scope: Scope, focus: Focus | None = None) -> pd.DataFrame:
    """The ranked corridor table with translated headers, victims protected for the scope's destination."""
    t = scope.t
    frame = corridors(con, scope.filters, scope.profile, scope.lang, focus)
    frame = protect_victims(frame, scope.profile, scope.destination)
    trends = [trend_code(weekly) for weekly in frame["weekly"]]
    frame["trend"] = [trend_words(code, slope, t) for code, slope in trends]
    frame["corridor"] = [f"{o} → {d}" for o, d in zip(frame["origin_label"].fillna(frame["origin"]),
                                                       frame["destination_label"].fillna(frame["destination"]))]
    return frame[list(CORRIDOR_HEADERS)].rename(columns={k: t.gettext(v) for k, v in CORRIDOR_HEADERS.items()})


def corridors_view(con, scope: Scope) -> View:
    """Export view "corridors": the map page's corridor table."""
    return View("corridors", scope.t.gettext("Cross-border corridors (origin → destination)"),
                corridor_table(con, scope))
