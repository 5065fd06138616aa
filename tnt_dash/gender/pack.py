"""The gender indicators pack (every table of the page, one sheet each) and the CLI's `gender` view."""
from __future__ import annotations

import pandas as pd

from .. import presented
from ..i18n import I18n
from ..scope import Scope
from .data import GenderData, gender_data
from .definitions import definitions
from .tables import (arrests_frame, chain_frame, citizenship_frame, forms_frame, groups_frame, missions_frame,
                     national_frame, rate_frame, sdg_forms_frame, shares_frame, smuggled_frame, trend_frame, units_frame)
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
        **trafficking_sheets(data, t, sheet),
        _("Definitions"): definitions(t, data.k),
    }
    return sheets


def trafficking_sheets(data: GenderData, t: I18n, sheet) -> dict[str, pd.DataFrame]:
    """The trafficking indicators; the protection referrals only for the profiles allowed them."""
    _ = t.gettext
    tr = data.trafficking
    sheets = {
        _("Victims by form"): sheet(tr.forms, lambda x: forms_frame(t, x)),
        _("SDG 16.2.2 by form"): sheet(tr.sdg_forms, lambda x: sdg_forms_frame(t, x)),
        _("Citizenship, referral"): sheet(tr.citizenship, lambda x: citizenship_frame(t, x)),
        _("Offenders chain"): sheet(tr.chain, lambda x: chain_frame(t, x)),
    }
    if tr.links is not None:
        from ..victim_detail import GRAVE_VIOLATIONS
        sheets[_("Protection referrals")] = pd.DataFrame({
            _("Referral"): [_("Referred to the CRSV focal point (MARA)"), *(_(v) for v in GRAVE_VIOLATIONS.values())],
            _("Incidents"): [tr.links.crsv, *tr.links.grave.values()]})
    return sheets


def pack(con, scope: Scope, span: str = "quarter") -> tuple[dict[str, pd.DataFrame], presented.Stamp]:
    """The gender indicators pack, protected for export: its sheets and the stamp they carry.
    The file is written at the edge: exports.xlsx_bytes(*pack(...))."""
    t, scope = scope.t, scope.to("export")
    data = gender_data(con, scope, span=span)
    period = f"{t.date(data.window_from)} – {t.date(data.window_to)}"
    stamp = presented.stamp(con, scope, t.gettext("Gender indicators pack"), period=period)
    return pack_sheets(data, t), stamp


def gender_view(con, scope: Scope) -> presented.View:
    """CLI export: victims by market and group over the filter period (the pack's main table)."""
    t = scope.t
    table = groups_table(con, scope, "market")
    frame = groups_frame(t, table, "market") if not table.withheld else pd.DataFrame(
        {t.gettext("Note"): [t.gettext("Withheld: these counts are too small to publish safely.")]})
    return presented.View("gender", t.gettext("Victims by sex and age, by criminal market"), frame)


def trafficking_view(con, scope: Scope) -> presented.View:
    """CLI export `trafficking`: victims by form of exploitation × group, and offenders through the
    chain by sex and age, over the filter period, one count per line, protected as the profile requires."""
    from .counts import GROUP_LABELS, GROUPS
    from .trafficking import OFFENDER_AGE, OFFENDER_SEX, chain_table, forms_table
    from .victims import groups_table
    from .arrests import arrests_table
    t = scope.t
    _ = t.gettext
    suppress = scope.must_suppress
    market = groups_table(con, scope, "market") if suppress else None
    forms = forms_table(con, scope, market)
    chain = chain_table(con, scope, arrests_table(con, scope) if suppress else None)
    withheld = _("Withheld: these counts are too small to publish safely.")
    rows = []
    what = _("Victims by form of exploitation")
    if forms.withheld:
        rows.append((what, withheld, "", None))
    for record in forms.frame.to_dict("records") if not forms.withheld else []:
        rows += [(what, record["label"], _(GROUP_LABELS[g]), record[g]) for g in GROUPS]
        rows.append((what, record["label"], _("Victims"), record["victims"]))
    what = _("Trafficking offenders through the criminal-justice chain")
    if chain.withheld:
        rows.append((what, withheld, "", None))
    labels = {"female": _("Women and girls"), "male": _("Men and boys"), "sex_unknown": _("Sex not recorded"),
              "child": _("Children (under 18)"), "adult": _("Adults"), "age_unknown": _("Age not recorded"),
              "persons": _("Offenders")}
    for record in chain.frame.to_dict("records") if not chain.withheld else []:
        rows += [(what, record["label"], labels[c], record[c]) for c in (*OFFENDER_SEX, *OFFENDER_AGE, "persons")]
    frame = pd.DataFrame(rows, columns=[_("Indicator"), _("Category"), _("Group"), _("Count")])
    return presented.View("trafficking", _("Trafficking in persons: victims by form of exploitation and offenders "
                                           "through the chain"), frame)
