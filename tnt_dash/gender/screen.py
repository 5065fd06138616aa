"""What the Gender Officer's page lays out, section by section: texts translated, figures built,
display frames ready. No Streamlit here: the page only places each block in its box.

A section is a title and its blocks in order; a block is one element of the page (a caption, a
notice, a figure, a table), so the page draws every section the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import presented
from ..filters import Filters
from ..i18n import I18n, N_
from . import figures
from .completeness import MIN_VICTIMS_TO_JUDGE, flag_units
from .counts import GROUP_LABELS, GROUPS
from .data import GenderData
from .definitions import SDG_CARDS, SDG_NOTE, legend
from .table import TOTAL_KEY, Table
from .tables import (arrests_frame, chain_frame, citizenship_frame, forms_frame, groups_frame, national_frame,
                     rate_frame, sdg_forms_frame, shares_frame, smuggled_frame, units_frame)
from .trend import trend_sentence
from .victims import HEATMAP_MIN_VICTIMS, heatmap_rows


@dataclass
class Block:
    """One element of the page. `kind` is the Streamlit element that shows it ("caption", "info",
    "warning", "error", "success", "markdown", "write"), or "chart" (a plotly Figure) or "table" (a
    display frame, turned into screen text by the page)."""
    kind: str
    body: Any
    icon: str | None = None


@dataclass
class Card:
    """A boxed figure: a headline count (label, value, help) or an SDG reference card (code, name,
    custodian)."""
    label: str
    value: str
    note: str | None = None


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)


def period(t: I18n, data: GenderData) -> str:
    """The tables' window, as the headings name it."""
    return t.gettext("{start} to {end}").format(start=t.date(data.window_from), end=t.date(data.window_to))


def withheld(t: I18n) -> Block:
    return Block("info", t.gettext("Withheld: these counts are too small to publish safely."))


def legend_blocks(t: I18n, data: GenderData) -> list[Block]:
    """The small-count legend, under a protected table only."""
    return [Block("caption", legend(t, data.k))] if data.suppressed else []


def _merged_note(t: I18n, table: Table) -> list[Block]:
    return [Block("caption", presented.grouped_note(t, table.merged, table.other_label()))] if table.merged else []


def _count(t: I18n, value) -> str:
    return value if isinstance(value, str) else t.number(value)


def key_figures(t: I18n, data: GenderData) -> Section:
    """The headline cards, from the total rows of the protected market tables: all five groups, men
    included, since the split is only read right when every part of it is shown."""
    _ = t.gettext
    section = Section(_("Victims, {period}").format(period=period(t, data)))
    groups, shares = data.groups["market"], data.shares["market"]
    if groups.frame.empty and not groups.withheld:
        section.blocks.append(Block("info", _("No victims recorded in this period and selection.")))
        return section
    if groups.withheld:
        section.blocks.append(withheld(t))
        return section
    total = groups.frame.iloc[-1]
    share_total = shares.frame.iloc[-1] if not shares.withheld and len(shares.frame) else None
    section.cards = [Card(_("Victims"), _count(t, total["victims"]))]
    section.cards += [Card(_(GROUP_LABELS[g]), _count(t, total[g])) for g in GROUPS]
    if share_total is not None:
        known = pd.notna(share_total["share_female"])
        section.cards.append(Card(
            _("Female share"), t.percent(share_total["share_female"]) if known else "–",
            _("Female victims divided by victims whose sex was recorded ({n}); {u} with sex unknown are left out "
              "of the share, not imputed.").format(n=_count(t, share_total["sex_recorded"]) if known else "–",
                                                   u=_count(t, share_total["sex_unknown"]))))
    return section


def heatmap(t: I18n, data: GenderData) -> Section:
    """Which threats hit women and girls most: markets by group, coloured by share."""
    _ = t.gettext
    section = Section(_("Which threats hit women and girls most"))
    groups = data.groups["market"]
    if groups.withheld or not len(groups.frame):
        section.blocks.append(withheld(t) if groups.withheld
                              else Block("info", _("No victims recorded in this period and selection.")))
        return section
    body = heatmap_rows(groups)
    section.blocks = [
        Block("chart", figures.group_heatmap(
            body.labels, [_(GROUP_LABELS[g]) for g in GROUPS], body.counts, body.shares,
            _("Victims by criminal market and group, {period}").format(period=period(t, data)),
            _("% of the market's victims"), _("Victims"), separators=t.plotly_separators)),
        Block("caption", _("Colour: share of the market's victims in each group; number: victims. Unknown: sex or "
                           "age not recorded, shown as its own group and never spread over the others. Markets with "
                           "fewer than {n} victims are in the table below only.").format(n=HEATMAP_MIN_VICTIMS)),
        *legend_blocks(t, data)]
    return section


def groups_tab(t: I18n, data: GenderData, table: Table, by: str) -> list[Block]:
    """One tab of victims by group: the table, and by country a stacked bar chart above it."""
    _ = t.gettext
    if table.withheld:
        return [withheld(t)]
    blocks = []
    if by == "country" and len(table.frame):
        body = table.frame[table.frame["key"] != TOTAL_KEY]
        blocks.append(Block("chart", figures.stacked_groups(
            body["label"].tolist(), [_(GROUP_LABELS[g]) for g in GROUPS], {g: body[g].tolist() for g in GROUPS},
            _("Victims by country or territory and group, {period}").format(period=period(t, data)), _("Victims"),
            separators=t.plotly_separators)))
        if data.suppressed:
            blocks.append(Block("caption", _("Hidden cells (“<5”, “x”) are left out of the bars.")))
    return [*blocks, Block("table", groups_frame(t, table, by)), *_merged_note(t, table), *legend_blocks(t, data)]


def shares_intro(t: I18n) -> Section:
    _ = t.gettext
    return Section(_("Share of female victims and of child victims"), [Block("caption", _(
        "% female = female victims ÷ victims whose sex was recorded. % children = child victims ÷ victims whose age "
        "was recorded. The victims with sex or age unknown are shown beside each share."))])


def shares_tab(t: I18n, table: Table, by: str) -> list[Block]:
    if table.withheld:
        return [withheld(t)]
    return [Block("table", shares_frame(t, table, by)), *_merged_note(t, table)]


def trend(t: I18n, data: GenderData) -> Section:
    """Is it rising: the Mann–Kendall verdict, the weekly bars and Sen's slope when significant."""
    _ = t.gettext
    tr = data.trend
    first, last = (tr.weeks[0], tr.weeks[-1]) if tr.weeks else (None, None)
    return Section(_("Is it rising? Women and children victims per week"), [
        Block("warning" if tr.result.direction == "rising" else "info", trend_sentence(t, tr.result),
              icon=":material/trending_up:"),
        Block("chart", figures.weekly_trend(
            tr.weeks, tr.values,
            _("Women and children victims per week, {start} to {end}").format(start=t.date(first), end=t.date(last)),
            _("Victims per week"), _("Women and children victims"),
            trend_label=_("Trend (Sen's slope)") if tr.result.significant else None, slope=tr.result.sen_slope,
            separators=t.plotly_separators)),
        Block("caption", _("Complete weeks of the sidebar period. Women and children victims: women and girls, boys, "
                           "and children of unknown sex, including females of unknown age. The test is Mann–Kendall "
                           "at 95 %; “no clear trend” means the weekly counts do not rise or fall consistently enough "
                           "to rule out chance.") + (
            " " + _("Weeks whose count is hidden have no bar.") if data.suppressed else "")),
        Block("caption", _(DETECTION_CAUTION))])


def completeness(t: I18n, data: GenderData, percent: int) -> Section:
    """Which reporting units fail to record sex or age (below `percent` % of victims in the month
    judged), and each mission's completeness month by month."""
    _ = t.gettext
    threshold = percent / 100
    section = Section(_("Which reporting units fail to record sex or age"))
    blocks = section.blocks
    month_label = data.units_month.label(t) if data.units_month else "–"
    if data.units.withheld:
        blocks.append(withheld(t))
    else:
        flagged = flag_units(data.units.frame, threshold)
        if len(flagged):
            blocks += [Block("error", _("Reporting units that recorded sex or age for fewer than {pct} of victims in "
                                        "{month}: {n}.").format(n=t.number(len(flagged)), pct=t.percent(threshold),
                                                                month=month_label), icon=":material/flag:"),
                       Block("table", units_frame(t, Table(flagged), data.units_month))]
        else:
            blocks.append(Block("success", _("No reporting unit fell below {pct} in {month}.").format(
                pct=t.percent(threshold), month=month_label)))
        blocks.append(Block("caption", _("Completeness = victims whose sex (or age) was recorded ÷ all victims. A unit "
                                         "with fewer than {n} victims that month is not judged.").format(
            n=MIN_VICTIMS_TO_JUDGE) + (" " + _("Where small counts are hidden the share is given as a range, and a "
                                               "unit is flagged only if the whole range is below the threshold.")
                                       if data.suppressed else "")))
    missions = data.completeness_missions
    if missions.withheld:
        blocks.append(withheld(t))
    elif len(missions.frame):
        mframe = missions.frame.assign(month_label=[t.date(m, "MMM y") for m in missions.frame["month"]])
        for what, title in (("share_sex", _("Victims with sex recorded, by mission and month")),
                            ("share_age", _("Victims with age recorded, by mission and month"))):
            blocks.append(Block("chart", figures.completeness_lines(
                mframe, what, title, _("% of victims"), threshold,
                _("Threshold {pct}").format(pct=t.percent(threshold)), separators=t.plotly_separators)))
        if data.suppressed:
            blocks.append(Block("caption", _("Where a small count is hidden, the month shows the range its “<5” mark "
                                             "implies (a vertical bar); where even that would reveal a count, the "
                                             "line has a gap.")))
    return section


def all_units(t: I18n, data: GenderData) -> list[Block]:
    """The full unit table (hundreds of rows): built only while its expander is open."""
    table = [] if data.units.withheld else [Block("table", units_frame(t, data.units, data.units_month))]
    return [*table, *legend_blocks(t, data)]


def rates(t: I18n, data: GenderData, filters: Filters, status: dict) -> Section:
    """Detected trafficking victims per 100,000 population over the sidebar period (from `filters`,
    open ends from the store's `status`), then the imported UNODC national series."""
    _ = t.gettext
    span = _("{start} to {end}").format(start=t.date(filters.date_from or status["date_min"]),
                                        end=t.date(filters.date_to or status["date_max"]))
    section = Section(_("Detected trafficking victims per 100,000 population (SDG 16.2.2-style, from police "
                        "records)"))
    blocks = section.blocks
    blocks.append(Block("caption", _(
        "Victims in incidents recorded as human trafficking, {period}, divided by the population: a rate for that "
        "period, not per year unless the period is a year. Not the official SDG 16.2.2 series: that counts victims "
        "detected by all national authorities in a year. The two measure different things.").format(period=span)))
    if data.rate.withheld:
        blocks.append(withheld(t))
    elif data.rate.frame.empty:
        blocks.append(Block("info", _("No human trafficking victims recorded in this period and selection.")))
    else:
        blocks += [Block("table", rate_frame(t, data.rate, compact=True)),
                   Block("caption", _("Per 100,000 population, by sex and age of the victims. All counts are in the "
                                      "pack.")),
                   *legend_blocks(t, data)]
    blocks.append(Block("markdown", "**" + _("UNODC national series (imported): detected trafficking victims") + "**"))
    if data.national_rows == 0:
        blocks.append(Block("info", _("No UNODC series imported. To add them: python -m tnt_dash import FILE --format "
                                      "unodc (an export from the UNODC data portal).")))
    elif data.national.empty:
        blocks.append(Block("info", _("The imported UNODC series have no trafficking-victim rows for these "
                                      "countries.")))
    else:
        blocks += [Block("table", national_frame(t, data.national)),
                   Block("caption", _("As published by UNODC, latest year of each series; “<5” stays “<5”. National "
                                      "totals from all authorities, not this mission's records."))]
    return section


def sdg_cards(t: I18n) -> Section:
    """The survey-based SDG indicators, for reference only: no value is computed from incidents."""
    _ = t.gettext
    return Section(_("Survey-based indicators (reference only)"), [Block("caption", _(SDG_NOTE))],
                   [Card(_("SDG {code}").format(code=code), _(text),
                         _("Custodian: {agencies}").format(agencies=_(custodian)))
                    for code, text, custodian in SDG_CARDS])


def _counts_table(t: I18n, data: GenderData, table: Table, empty: str, blocks) -> list[Block]:
    """A table of counted persons as the profile may see it: withheld, "none recorded", or its
    blocks (`blocks(table)`) and the small-count legend."""
    if table.withheld:
        return [withheld(t)]
    if table.frame.empty:
        return [Block("info", empty)]
    return [*blocks(table), *legend_blocks(t, data)]


def arrests(t: I18n, data: GenderData) -> Section:
    """Arrests by sex, with the share of women and girls among arrested suspects whose sex was recorded."""
    _ = t.gettext

    def blocks(table: Table) -> list[Block]:
        overall = table.frame.iloc[-1]
        lead = [] if overall["share_women"] is None or pd.isna(overall["share_women"]) else [Block("markdown", _(
            "**{share}** of arrested suspects whose sex was recorded were women or girls.").format(
            share=t.percent(overall["share_women"], 1)))]
        return [*lead, Block("table", arrests_frame(t, table))]
    return Section(_("Arrests by sex, {period}").format(period=period(t, data)), _counts_table(
        t, data, data.arrests, _("No arrests recorded in this period and selection."), blocks))


def smuggled(t: I18n, data: GenderData) -> Section:
    """Persons smuggled by sex and age: apart from the victims, whom they never add to."""
    _ = t.gettext
    caption = Block("caption", _(
        "People moved across a border for gain in migrant-smuggling incidents. They are not victims of the "
        "smuggling and are not counted in the victim tables or rates above; where smuggling was aggravated "
        "(deaths, abuse), the people harmed are recorded as victims."))
    return Section(_("Persons smuggled (not victims), {period}").format(period=period(t, data)), [caption, *_counts_table(
        t, data, data.smuggled, _("No persons smuggled recorded in this period and selection."),
        lambda table: [Block("table", smuggled_frame(t, table))])])


# Survivor-centred cautions, said wherever a count of detected victims is read.
DETECTION_CAUTION = N_("Detection is not prevalence: more detected victims can mean better identification, more "
                       "patrols or a new referral partner, not more crime; fewer can mean less looking.")
SMALL_NUMBERS_CAUTION = N_("Small numbers: a few victims more or less move a share by many points; read shares of "
                           "under 20 victims as indications only.")
NO_DETAILS_CAUTION = N_("No identifying details: counts per incident only, never names, exact ages with small "
                        "places, or contacts; narratives are screened for them at import.")


def trafficking(t: I18n, data: GenderData, filters: Filters, status: dict) -> list[Section]:
    """Trafficking to UNODC's standard: victims by form of exploitation, per 100,000 by form (SDG
    16.2.2's breakdown), by citizenship and referral, and offenders through the chain."""
    _ = t.gettext
    tr = data.trafficking
    span = _("{start} to {end}").format(start=t.date(filters.date_from or status["date_min"]),
                                        end=t.date(filters.date_to or status["date_max"]))
    forms = Section(_("Trafficking victims by form of exploitation, {period}").format(period=period(t, data)), [
        Block("caption", _("Forms of exploitation as UNODC's Global Report on Trafficking in Persons counts them, one "
                           "per incident (“mixed” where several). A child moved or received for exploitation is a "
                           "victim of trafficking even where no threat, force or deception was used (Trafficking in "
                           "Persons Protocol, art. 3(c)).")),
        *_counts_table(t, data, tr.forms, _("No human trafficking victims recorded in this period and selection."),
                       lambda table: [Block("table", forms_frame(t, table))]),
        Block("caption", " ".join((_(DETECTION_CAUTION), _(NO_DETAILS_CAUTION))))])
    sdg = Section(_("SDG 16.2.2 by form of exploitation: detected victims per 100,000 population, {period}").format(
        period=span), [Block("caption", _(
            "Police records of this mission, not the official UNODC series; a rate for the period, per country, by "
            "the form of exploitation recorded."))] + _counts_table(
        t, data, tr.sdg_forms, _("No human trafficking victims recorded in this period and selection."),
        lambda table: [Block("table", sdg_forms_frame(t, table, compact=True))]))
    citizenship = Section(_("Domestic and foreign victims, and referral to services, {period}").format(period=span),
                          _counts_table(t, data, tr.citizenship,
                                        _("No human trafficking victims recorded in this period and selection."),
                                        lambda table: _citizenship_blocks(t, tr, table)))
    chain = Section(_("Trafficking offenders through the criminal-justice chain"), [Block("caption", _(
        "Offenders in human-trafficking incidents of {period}, by sex and age, arrested, prosecuted and convicted, "
        "whenever the stage was reached: convictions can come years later and are imported against the "
        "incident. The same people go through the stages, so the rows do not add up.").format(period=span))]
        + _counts_table(t, data, tr.chain, _("No trafficking offenders recorded for this period and selection."),
                        lambda table: _chain_blocks(t, table)))
    return [forms, sdg, citizenship, chain]


def _citizenship_blocks(t: I18n, tr, table: Table) -> list[Block]:
    _ = t.gettext
    blocks = []
    total = table.frame.iloc[-1]
    if total["share_referred"] is not None and not pd.isna(total["share_referred"]):
        blocks.append(Block("markdown", _("**{share}** of detected trafficking victims were referred to services "
                                          "(with their consent).").format(share=t.percent(total["share_referred"]))))
    blocks.append(Block("table", citizenship_frame(t, table)))
    if tr.citizenships:
        blocks.append(Block("caption", _("Citizenships of foreign victims (incidents): {list}.").format(
            list=", ".join(f"{iso3} ({t.number(n)})" for iso3, n in tr.citizenships))))
    blocks.append(Block("caption", " ".join((
        _("Referred = referred to services with the victim's consent; declined = the victim said no, which is their "
          "right."), _(SMALL_NUMBERS_CAUTION)))))
    return blocks


def _chain_blocks(t: I18n, table: Table) -> list[Block]:
    _ = t.gettext
    arrested = table.frame.iloc[0]
    lead = [] if arrested["share_women"] is None or pd.isna(arrested["share_women"]) else [Block("markdown", _(
        "**{share}** of trafficking suspects arrested whose sex was recorded were women or girls: a far larger share "
        "than for most crimes, as UNODC's Global Report also finds.").format(share=t.percent(arrested["share_women"])))]
    return [*lead, Block("table", chain_frame(t, table))]


def protection(t: I18n, data: GenderData) -> Section | None:
    """Referrals to the CRSV/MARA focal point and possible grave violations against children (MRM):
    counts of incidents, for the profiles allowed them (None otherwise)."""
    links = data.trafficking.links if data.trafficking else None
    if links is None:
        return None
    _ = t.gettext
    from ..victim_detail import GRAVE_VIOLATIONS
    section = Section(_("Protection referrals (not for the host State)"), [Block("caption", _(
        "Incidents of the sidebar period the police record referred on. Conflict-related sexual violence is reported "
        "through the MARA arrangements and the six grave violations against children through the MRM: these counts "
        "say a referral was made, they do not replace those systems. Never on a shared screen or in a shared export."))])
    # A table, not cards: the violations' full names fit no card at 1366 px, in French least of all.
    section.blocks.append(Block("table", pd.DataFrame({
        _("Referral"): [_("Referred to the CRSV focal point (MARA)"), *(_(v) for v in GRAVE_VIOLATIONS.values())],
        _("Incidents"): [links.crsv, *(links.grave[code] for code in GRAVE_VIOLATIONS)]})))
    return section
