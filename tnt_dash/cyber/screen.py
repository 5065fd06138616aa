"""What the Cyber threats page lays out, section by section: texts translated, figures built, display
frames ready. No Streamlit here; the page places each block (gender.screen's Block, Card, Section)."""
from __future__ import annotations

import pandas as pd

from ..gender import figures as gender_figures
from ..gender.audit import hidden
from ..gender.counts import GROUP_LABELS, GROUPS
from ..gender.definitions import legend
from ..gender.screen import Block, Card, Section
from ..gender.table import TOTAL_KEY, Table, share
from ..gender.victims import heatmap_rows
from ..i18n import I18n
from . import figures
from .bundle import CyberData
from .codes import codes

TOP_MODUS = 6          # the trend chart's colours: more would not read on a projector
MIN_VICTIMS_FOR_SHARE = 10


def caution(t: I18n) -> Block:
    return Block("warning", t.gettext(
        "Reported cybercrime is a small, biased share of the real volume: most victims never report, and those "
        "who do are more often urban and connected. Read these figures as what reached the police, not as the "
        "size of the problem, and a rise as possibly better reporting."), icon=":material/info:")


def _count(t: I18n, value) -> str:
    return value if isinstance(value, str) else t.number(int(value))


def key_figures(t: I18n, d: CyberData) -> list[Card]:
    _ = t.gettext
    h = d.headline
    abroad = h.offender_foreign / h.offender_known if h.offender_known else None
    r = d.recruitment
    return [
        Card(_("Cyber incidents"), t.number(h.incidents),
             _("Incidents of a cyber-enabled or cyber-dependent market, {first} to {last}. Modus operandi recorded "
               "on {n}.").format(first=t.date(h.first), last=t.date(h.last), n=t.number(h.with_modus))),
        Card(_("Reported losses"), t.money(h.loss_usd),
             _("Sum of the financial losses (USD) recorded on {n} of {total} incidents; median {median} per incident. "
               "Losses not reported are not estimated.").format(
                 n=t.number(h.losses_recorded), total=t.number(h.incidents),
                 median=t.money(h.loss_median) if h.loss_median is not None else "–")),
        Card(_("Victims"), _count(t, d.victims),
             _("Victims recorded on these incidents, of every sex and age, unknowns included.")),
        Card(_("Offenders abroad"), t.percent(abroad),
             _("Share of the incidents whose offenders' country is known ({n}) where it is another country than the "
               "victims'.").format(n=t.number(h.offender_known))),
        Card(_("Fake job offers → trafficking"), f"{t.number(r.linked)} / {t.number(r.offers)}",
             _("Fake job offers recorded, and those linked to a trafficking incident the offer led to.")),
    ]


def trends(t: I18n, d: CyberData) -> Section:
    _ = t.gettext
    section = Section(_("How: incidents by modus operandi, month by month"))
    if d.monthly.empty:
        section.blocks.append(Block("info", _("No cyber incident in this period and selection.")))
        return section
    order = d.modus["key"].tolist()
    top = [k for k in order if k != "other"][:TOP_MODUS]
    other = _("Other methods")
    monthly = d.monthly.assign(series=[label if key in top else other
                                       for key, label in zip(d.monthly["key"], d.monthly["label"])])
    pivot = monthly.pivot_table(index="month", columns="series", values="incidents", aggfunc="sum", fill_value=0)
    partial = d.headline.last is not None and (d.headline.last + pd.Timedelta(days=1)).month == d.headline.last.month
    if partial and len(pivot) > 1:
        pivot = pivot.iloc[:-1]     # the month still running would read as a fall
    names = [n for n in [*d.modus.set_index("key").loc[top, "label"], other] if n in pivot.columns]
    months = [t.date(m, "MMM yyyy") for m in pivot.index]
    section.blocks.append(Block("chart", figures.stacked_months(
        months, {n: [int(v) for v in pivot[n]] for n in names}, _("Cyber incidents per month, by modus operandi"),
        _("Incidents"), other=other, separators=t.plotly_separators)))
    if partial:
        section.blocks.append(Block("caption", _("The month still running, {month}, is left out: it would read as a "
                                                 "fall.").format(month=t.date(d.headline.last, "MMMM yyyy"))))
    return section


def channels(t: I18n, d: CyberData) -> Section:
    _ = t.gettext
    section = Section(_("Through which channels"))
    if d.channel.empty:
        section.blocks.append(Block("info", _("No cyber incident in this period and selection.")))
        return section
    section.blocks.append(Block("chart", figures.money_bars(
        d.channel["label"].tolist(), d.channel["incidents"].astype(int).tolist(),
        [t.number(int(v)) for v in d.channel["incidents"]], _("Incidents by channel or platform type"),
        _("Incidents"), separators=t.plotly_separators)))
    return section


def losses(t: I18n, d: CyberData) -> Section:
    _ = t.gettext
    section = Section(_("What it costs: reported losses by modus operandi"))
    body = d.modus[d.modus["losses_recorded"] > 0].sort_values("loss_usd", ascending=False)
    if body.empty:
        section.blocks.append(Block("info", _("No loss recorded in this period and selection.")))
        return section
    section.blocks.append(Block("chart", figures.money_bars(
        body["label"].tolist(), body["loss_usd"].tolist(), [t.money(v) for v in body["loss_usd"]],
        _("Reported losses (USD), by modus operandi"), _("USD"), separators=t.plotly_separators)))
    table = pd.DataFrame({
        _("Modus operandi"): body["label"], _("Incidents"): body["incidents"].astype(int),
        _("With a loss recorded"): body["losses_recorded"].astype(int),
        _("Reported losses (USD)"): body["loss_usd"].round(0).astype("int64"),
        _("Median loss per incident (USD)"): body["loss_median"].round(0)})
    section.blocks += [Block("table", table), Block("caption", _(
        "A few business e-mail compromise and ransomware cases can outweigh thousands of small mobile-money frauds: "
        "compare the median, which says what a typical victim lost."))]
    return section


def _share_sentence(t: I18n, table: Table, key: str, group: str, text: str) -> str | None:
    row = table.frame[table.frame["key"] == key]
    if row.empty or hidden(row["victims"].iloc[0]) or int(row["victims"].iloc[0]) < MIN_VICTIMS_FOR_SHARE:
        return None
    value = share(row[group].iloc[0], [row[g].iloc[0] for g in GROUPS if g != "unknown"])
    return None if value is None else text.format(share=t.percent(value), label=row["label"].iloc[0])


def victims(t: I18n, d: CyberData) -> Section:
    _ = t.gettext
    section = Section(_("Whom it hits: victims by sex and age"))
    if d.groups.withheld:
        section.blocks.append(Block("info", _("Withheld: these counts are too small to publish safely.")))
        return section
    if d.groups.frame.empty:
        section.blocks.append(Block("info", _("No victims recorded in this period and selection.")))
        return section
    rows = heatmap_rows(d.groups)
    if rows.labels:
        section.blocks.append(Block("chart", gender_figures.group_heatmap(
            rows.labels, [_(GROUP_LABELS[g]) for g in GROUPS], rows.counts, rows.shares,
            _("Victims by modus operandi and group"), _("% of the method's victims"), _("Victims"),
            separators=t.plotly_separators)))
    sentences = [s for s in (
        _share_sentence(t, d.groups, "sextortion", "girls", _("Girls are {share} of the victims of {label} whose sex "
                                                               "and age were recorded.")),
        _share_sentence(t, d.groups, "child_grooming", "girls", _("Girls are {share} of the victims of {label} whose "
                                                                   "sex and age were recorded.")),
        _share_sentence(t, d.tfgbv, "tfgbv", "women", _("Women are {share} of the victims of {label} whose sex and "
                                                         "age were recorded.")),
        _share_sentence(t, d.tfgbv, "tfgbv", "girls", _("Girls are {share} of the victims of {label} whose sex and "
                                                         "age were recorded.")),
    ) if s]
    section.blocks += [Block("markdown", "\n".join(f"- {s}" for s in sentences))] if sentences else []
    section.blocks.append(Block("caption", _(
        "Shares are of the victims whose sex and age were both recorded; unknowns are counted in their own column, "
        "never spread over the others. Victims are recorded as children (under 18) or adults only: older people "
        "cannot be told apart until an age band is recorded.")))
    table = pd.concat([d.groups.frame, d.tfgbv.frame[d.tfgbv.frame["key"] != TOTAL_KEY]], ignore_index=True)
    table = table[["label", *GROUPS, "victims"]].rename(columns={
        "label": _("Modus operandi"), "victims": _("Victims"), **{g: _(GROUP_LABELS[g]) for g in GROUPS}})
    section.blocks.append(Block("table", table))
    if d.suppressed:
        section.blocks.append(Block("caption", legend(t, d.k)))
    return section


def offenders(t: I18n, d: CyberData, admin0: dict) -> Section:
    _ = t.gettext
    section = Section(_("Where the offenders are: from their country to the victims' areas"))
    if d.flows.empty:
        section.blocks.append(Block("info", _("No incident with both the offenders' country and the victims' area "
                                              "recorded in this period and selection.")))
        return section
    areas = d.flows.groupby(["area", "iso3", "area_label", "lat", "lon"], as_index=False)[
        ["incidents", "foreign_offenders"]].sum().sort_values("incidents", ascending=False)
    tips = {"arc": _("{offender} → {area}"), "n": _("Incidents: {n}"), "area": _("Incidents: {n}"),
            "domestic": _("Offenders in the same country: {n}")}
    focus = d.flows.groupby("iso3")["incidents"].sum().sort_values(ascending=False)
    view_iso3 = focus.index[0] if len(focus) > 1 else None
    # 520 px: three fifths of a 1366 px laptop with the sidebar open, as the overview's map.
    deck = figures.offender_deck(admin0, d.flows, areas, tips, view_iso3=view_iso3, width=520)
    section.blocks.append(Block("map", deck))
    if view_iso3:
        section.blocks.append(Block("caption", _("The map opens on {country}, the territory with the most incidents "
                                                 "here; pick a country in the filters to see another.").format(
            country=d.country_names.get(view_iso3, view_iso3))))
    section.blocks.append(Block("caption", _(
        "Arcs: offenders in another country, pale at their end, thicker for more incidents. Circles: the victims' "
        "areas of residence, sized by incidents. Only incidents with both ends recorded. The boundaries and names "
        "shown and the designations used on this map do not imply official endorsement or acceptance by the "
        "United Nations.")))
    top = d.offenders.head(8)
    section.blocks.append(Block("chart", figures.money_bars(
        top["label"].tolist(), top["incidents"].astype(int).tolist(), [t.number(int(v)) for v in top["incidents"]],
        _("Offenders' country, where known"), _("Incidents"), height=360,
        separators=t.plotly_separators)))
    return section


def recruitment(t: I18n, d: CyberData) -> Section:
    _ = t.gettext
    r = d.recruitment
    section = Section(_("Online recruitment → trafficking"))
    if not r.offers:
        section.blocks.append(Block("info", _("No fake job offer recorded in this period and selection.")))
        return section
    if not r.linked:
        section.blocks.append(Block("markdown", _(
            "None of the **{offers}** fake job offers recorded is linked to a trafficking incident this screen may "
            "show.").format(offers=t.number(r.offers))))
    else:
        section.blocks.append(Block("markdown", _(
            "**{linked}** of the **{offers}** fake job offers recorded led to a trafficking incident in the records, "
            "a median of **{days}** days later; those trafficking incidents recorded **{victims}** victims.").format(
                linked=t.number(r.linked), offers=t.number(r.offers), days=t.number(r.median_days),
                victims=_count(t, d.linked_victims))))
    table = r.by_country.rename(columns={"label": _("Country or territory"), "offers": _("Fake job offers"),
                                         "linked": _("Linked to trafficking"), "median_days": _("Median days"),
                                         "victims": _("Trafficking victims")}).drop(columns=["iso3"])
    section.blocks += [Block("table", table), Block("caption", _(
        "A link is recorded by the analyst (field linked_trafficking_id) when an online recruitment led to "
        "exploitation, such as forced criminal activity in a scam compound or domestic servitude abroad. Only "
        "trafficking records this screen may show are counted."))]
    return section


def national(t: I18n, d: CyberData) -> Section:
    _ = t.gettext
    section = Section(_("National context: GI-TOC Global Organized Crime Index"))
    if d.national.empty:
        section.blocks.append(Block("info", _("Import the GI-TOC index (Data page) to see each country's "
                                              "cyber-dependent crimes and financial crimes scores here.")))
        return section
    table = d.national.rename(columns={"label": _("Country or territory"), "incidents": _("Cyber incidents"),
                                       "edition": _("Edition"), "cyber_dependent": _("Cyber-dependent crimes (1–10)"),
                                       "financial": _("Financial crimes (1–10)")}).drop(columns=["iso3"])
    section.blocks += [Block("table", table), Block("caption", _(
        "The index scores each market from 1 (no influence) to 10 (severe influence) from expert assessment; it "
        "is context for the mission's own figures, not a measure of them."))]
    return section


def definitions(t: I18n) -> pd.DataFrame:
    """The modus operandi and channel lists with their definitions, in the page's language."""
    _ = t.gettext
    rows = [(_("Modus operandi"), c.label(t.lang), c.definition(t.lang)) for c in codes("modus")]
    rows += [(_("Channel"), c.label(t.lang), c.definition(t.lang)) for c in codes("channel")]
    return pd.DataFrame(rows, columns=[_("List"), _("Code"), _("Definition")])
