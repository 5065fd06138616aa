"""The gender indicators pack (every table of the page, one sheet each) and the CLI's `gender` view."""
from __future__ import annotations

import pandas as pd

from .. import presented
from ..access import Profile
from ..filters import Filters
from ..i18n import I18n
from .data import GenderData, gender_data
from .definitions import definitions
from .tables import (arrests_frame, groups_frame, missions_frame, national_frame, rate_frame, shares_frame,
                     smuggled_frame, trend_frame, units_frame)
from .table import Table
from .victims import groups_table


def pack_sheets(data: GenderData, t: I18n) -> dict[str, pd.DataFrame]:
    """Every table of the page, one sheet each, plus the definitions (withheld tables say so)."""
    _ = t.gettext
    withheld = pd.DataFrame({_("Note"): [_("Withheld: these counts are too small to publish safely.")]})

    def sheet(table: Table, build) -> pd.DataFrame:
        return withheld if table.withheld else build(table)

    sheets = {
        _("Victims by market"): sheet(data.groups["market"], lambda x: groups_frame(t, x, "market")),
        _("Victims by country"): sheet(data.groups["country"], lambda x: groups_frame(t, x, "country")),
        _("Victims by area"): sheet(data.groups["admin1"], lambda x: groups_frame(t, x, "admin1")),
        _("Shares by market"): sheet(data.shares["market"], lambda x: shares_frame(t, x, "market")),
        _("Shares by country"): sheet(data.shares["country"], lambda x: shares_frame(t, x, "country")),
        _("Weekly trend"): trend_frame(t, data.trend),
        _("Completeness by mission"): sheet(data.completeness_missions, lambda x: missions_frame(t, x)),
        _("Completeness by unit"): sheet(data.units, lambda x: units_frame(t, x, data.units_month)),
        _("Trafficking rate"): sheet(data.rate, lambda x: rate_frame(t, x)),
        _("UNODC series"): national_frame(t, data.national) if len(data.national) else pd.DataFrame(
            {_("Note"): [_("No UNODC series imported. Import one with: python -m tnt_dash import FILE --format unodc")]}),
        _("Arrests by sex"): sheet(data.arrests, lambda x: arrests_frame(t, x)),
        _("Persons smuggled"): sheet(data.smuggled, lambda x: smuggled_frame(t, x)),
        _("Definitions"): definitions(t, data.k),
    }
    return sheets


def pack(con, filters: Filters, profile: Profile, t: I18n,
         span: str = "quarter") -> tuple[dict[str, pd.DataFrame], presented.Stamp]:
    """The gender indicators pack, protected for export: its sheets and the stamp they carry.
    The file is written at the edge: exports.xlsx_bytes(*pack(...))."""
    data = gender_data(con, filters, profile, t.lang, destination="export", span=span)
    period = f"{t.date(data.window_from)} – {t.date(data.window_to)}"
    stamp = presented.stamp(con, t, profile, t.gettext("Gender indicators pack"), filters, period=period)
    return pack_sheets(data, t), stamp


def gender_view(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export") -> presented.View:
    """CLI export: victims by market and group over the filter period (the pack's main table)."""
    table = groups_table(con, filters, profile, t, "market", destination)
    frame = groups_frame(t, table, "market") if not table.withheld else pd.DataFrame(
        {t.gettext("Note"): [t.gettext("Withheld: these counts are too small to publish safely.")]})
    return presented.View("gender", t.gettext("Victims by sex and age, by criminal market"), frame)
