"""The export edge: the per-series, per-period and rates tables with translated headers (the
only place they are translated), and the export views `trends`, `trends_series` and
`trends_rates` built from them."""
from __future__ import annotations

import pandas as pd

from ..i18n import I18n, N_
from ..presented import View
from ..scope import Scope
from .dimensions import DIMENSION_LABELS
from .labels import period_text
from .periods import period_end, window
from .rates import rates
from .series import Trends, trends

RATES_HEADERS = {"label": N_("Country or territory"), "missions": N_("Missions"), "incidents": N_("Incidents"),
                 "rate": N_("Incidents per 100,000 population"), "population": N_("Population"),
                 "pop_year": N_("Population year"), "pop_source": N_("Population source")}


def summary_table(data: Trends, t: I18n) -> pd.DataFrame:
    """The per-series table the export gives, with translated headers."""
    _ = t.gettext
    s = data.summary
    return pd.DataFrame({
        _(DIMENSION_LABELS[data.by]): s["label"],
        _("Incidents"): s["incidents"],
        _("Same period a year earlier"): s["previous"].astype(object).where(s["previous"].notna(), None),
        _("Change on a year earlier (%)"): s["change"].map(lambda v: None if v is None or pd.isna(v)
                                                          else round(v * 100, 1)),
        _("Graded A–B and 1–2 (%)"): s["graded_share"].map(lambda v: None if v is None or pd.isna(v)
                                                          else round(v * 100, 1)),
        _("Trend"): s["trend"],
        _("Sen slope (incidents per period)"): s["sen_slope"].map(lambda v: None if pd.isna(v) else round(v, 3)),
        _("Mann–Kendall p-value"): s["p_value"].round(4),
    })


def series_table(data: Trends, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    s = data.series
    return pd.DataFrame({
        _("Period start"): s["period"], _(DIMENSION_LABELS[data.by]): s["label"],
        _("Incidents"): s["incidents"], _("Graded A–B and 1–2"): s["strong"],
        _("Moving average"): s["moving_average"].round(2),
    })


def rates_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The rates table keyed by the codes of RATES_HEADERS, each rate to two decimals."""
    rounded = frame["rate"].map(lambda v: None if v is None else round(v, 2))
    return pd.DataFrame({c: rounded if c == "rate" else frame[c] for c in RATES_HEADERS})


def rates_table(frame: pd.DataFrame, t: I18n) -> pd.DataFrame:
    """The rates table under its translated headers, as the page shows it and the export gives it."""
    return rates_frame(frame).rename(columns={c: t.gettext(h) for c, h in RATES_HEADERS.items()})


def _empty_view(key: str, title: str) -> View:
    return View(key, title, pd.DataFrame())


def summary_view(con, scope: Scope, by: str = "market", grain: str = "week") -> View:
    """Export view "trends": one row per series (counts only: no victim figures to suppress)."""
    t = scope.t
    data = trends(con, scope, by, grain)
    title = t.gettext("Incident trends by series")
    if data is None:
        return _empty_view("trends", title)
    return View("trends", f"{title}, {period_text(t, data.first, data.end)}", summary_table(data, t))


def series_view(con, scope: Scope, by: str = "market", grain: str = "week") -> View:
    t = scope.t
    data = trends(con, scope, by, grain)
    title = t.gettext("Incidents per period by series")
    if data is None:
        return _empty_view("trends_series", title)
    return View("trends_series", f"{title}, {period_text(t, data.first, data.end)}", series_table(data, t))


def rates_view(con, scope: Scope, grain: str = "week") -> View:
    filters, profile, t = scope.filters, scope.profile, scope.t
    title = t.gettext("Incidents per 100,000 population")
    bounds = window(con, filters, profile, grain)
    if bounds is None:
        return _empty_view("trends_rates", title)
    start, end = bounds[0], period_end(bounds[1], grain)
    frame = rates(con, filters, profile, t.lang, start, end)
    return View("trends_rates", f"{title}, {period_text(t, start, end)}", rates_table(frame, t))
