import pandas as pd
import streamlit as st

from tnt_dash import exports, presented
from tnt_dash.gender import completeness, counts, definitions, figures, pack, tables, trend, victims
from tnt_dash.gender import data as gdata, table as gtable
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Women and children"))
t, _ = ctx.t, ctx.t.gettext
CHART = {"displayModeBar": False}

top = st.columns([3, 3, 2])
span_labels = {"quarter": _("Last 3 months of the period"), "period": _("Whole sidebar period")}
span = frame.coded_widget(top[0].segmented_control, _("Tables cover"), list(span_labels), default="quarter",
                          format_func=span_labels.get, key="gender_window", required=True,
                          wrap=True) or "quarter"   # the French labels do not fit one line at 1366 px
threshold = top[1].slider(_("Flag reporting units recording sex or age for fewer than (%) of victims"),
                          min_value=50, max_value=100, value=80, step=5, key="completeness_min",
                          bind="query-params",
                          help=_("Applied to each unit's figures in the last whole month of the period. "
                                 "Default 80 %.")) / 100
# The market breakdown feeds the headline cards; the others are computed when their tab is opened.
data = ctx.call(gdata.gender_data, ctx.filters, ctx.profile, t.lang, destination="screen", span=span,
                breakdowns=("market",))


def breakdown(by: str) -> tuple[gtable.Table, gtable.Table | None]:
    if by in data.groups:
        return data.groups[by], data.shares.get(by)
    return ctx.call(victims.breakdown, ctx.filters, ctx.profile, t.lang, by, destination="screen", span=span)
period = _("{start} to {end}").format(start=t.date(data.window_from), end=t.date(data.window_to))
with top[2]:
    st.download_button(_("Gender indicators pack (XLSX)"),
                       data=lambda: ctx.log_release("export", "gender pack xlsx") or
                       exports.xlsx_bytes(*ctx.call(pack.pack, ctx.filters, ctx.profile, t, span=span)),
                       file_name="gender-indicators.xlsx", icon=":material/download:", width="stretch",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore")
    if ctx.profile.suppress_in_exports:
        st.caption(_("Small counts are suppressed in the pack for this profile."))

legend = definitions.legend(t, data.k) if data.suppressed else None
WITHHELD = _("Withheld: these counts are too small to publish safely.")


def show_legend() -> None:
    if legend:
        st.caption(legend)


def show_merged_note(table: gtable.Table) -> None:
    if table.merged:
        st.caption(presented.grouped_note(t, table.merged, table.other_label()))


def fmt_count(v) -> str:
    return v if isinstance(v, str) else t.number(v)


# --- Key figures (the total rows of the protected tables) --------------------------------------
groups = data.groups["market"]
shares = data.shares["market"]
st.subheader(_("Victims, {period}").format(period=period))
if groups.frame.empty and not groups.withheld:
    st.info(_("No victims recorded in this period and selection."))
elif groups.withheld:
    st.info(WITHHELD)
else:
    total = groups.frame.iloc[-1]
    share_total = shares.frame.iloc[-1] if not shares.withheld and len(shares.frame) else None
    # All five groups, men included: the split is only read right when every part of it is shown.
    # Two rows of four stay legible from 1366 px to a projector.
    cards = st.columns(4) + st.columns(4)
    cards[0].metric(_("Victims"), fmt_count(total["victims"]), border=True)
    for column, g in zip(cards[1:6], counts.GROUPS):
        column.metric(_(counts.GROUP_LABELS[g]), fmt_count(total[g]), border=True)
    if share_total is not None:
        known = pd.notna(share_total["share_female"])
        cards[6].metric(_("Female share"), t.percent(share_total["share_female"]) if known else "–", border=True,
                        help=_("Female victims divided by victims whose sex was recorded ({n}); {u} with sex "
                               "unknown are left out of the share, not imputed.").format(
                            n=fmt_count(share_total["sex_recorded"]) if known else "–",
                            u=fmt_count(share_total["sex_unknown"])))

# --- Which threats hit women and girls most -----------------------------------------------------
st.subheader(_("Which threats hit women and girls most"))
if not groups.withheld and len(groups.frame):
    body = victims.heatmap_rows(groups)
    group_names = [_(counts.GROUP_LABELS[g]) for g in counts.GROUPS]
    st.plotly_chart(figures.group_heatmap(
        body.labels, group_names, body.counts, body.shares,
        _("Victims by criminal market and group, {period}").format(period=period),
        _("% of the market's victims"), _("Victims"), separators=t.plotly_separators),
        width="stretch", config=CHART)
    st.caption(_("Colour: share of the market's victims in each group; number: victims. Unknown: sex or age not "
                 "recorded, shown as its own group and never spread over the others. Markets with fewer than {n} "
                 "victims are in the table below only.").format(n=victims.HEATMAP_MIN_VICTIMS))
    show_legend()
else:
    st.info(WITHHELD if groups.withheld else _("No victims recorded in this period and selection."))

# Lazy tabs (on_change="rerun"): only the open tab's breakdown is computed and sent.
tabs = st.tabs([_("By market"), _("By country or territory"), _("By admin-1 area")], key="gender_groups_tab",
               on_change="rerun")
for tab, by in zip(tabs, victims.GROUP_BREAKDOWNS):
    if not tab.open:
        continue
    with tab:
        table = breakdown(by)[0]
        if table.withheld:
            st.info(WITHHELD)
            continue
        if by == "country" and len(table.frame):
            body = table.frame[table.frame["key"] != gtable.TOTAL_KEY]
            st.plotly_chart(figures.stacked_groups(
                body["label"].tolist(), [_(counts.GROUP_LABELS[g]) for g in counts.GROUPS],
                {g: body[g].tolist() for g in counts.GROUPS},
                _("Victims by country or territory and group, {period}").format(period=period), _("Victims"),
                separators=t.plotly_separators), width="stretch", config=CHART)
            if data.suppressed:
                st.caption(_("Hidden cells (“<5”, “x”) are left out of the bars."))
        st.dataframe(presented.screen_table(tables.groups_frame(t, table, by), t), hide_index=True, width="stretch")
        show_merged_note(table)
        show_legend()

# --- Shares ----------------------------------------------------------------------------------------
st.subheader(_("Share of female victims and of child victims"))
st.caption(_("% female = female victims ÷ victims whose sex was recorded. % children = child victims ÷ victims "
             "whose age was recorded. The victims with sex or age unknown are shown beside each share."))
share_tabs = st.tabs([_("By market"), _("By country or territory")], key="gender_shares_tab", on_change="rerun")
for tab, by in zip(share_tabs, victims.SHARE_BREAKDOWNS):
    if not tab.open:
        continue
    with tab:
        table = breakdown(by)[1]
        if table.withheld:
            st.info(WITHHELD)
            continue
        st.dataframe(presented.screen_table(tables.shares_frame(t, table, by), t), hide_index=True, width="stretch")
        show_merged_note(table)
show_legend()

# --- Trend -------------------------------------------------------------------------------------------
st.subheader(_("Is it rising? Women and children victims per week"))
tr = data.trend
sentence = trend.trend_sentence(t, tr.result)
(st.warning if tr.result.direction == "rising" else st.info)(sentence, icon=":material/trending_up:")
first, last = (tr.weeks[0], tr.weeks[-1]) if tr.weeks else (None, None)
st.plotly_chart(figures.weekly_trend(
    tr.weeks, tr.values,
    _("Women and children victims per week, {start} to {end}").format(start=t.date(first), end=t.date(last)),
    _("Victims per week"), _("Women and children victims"),
    trend_label=_("Trend (Sen's slope)") if tr.result.significant else None, slope=tr.result.sen_slope,
    separators=t.plotly_separators), width="stretch", config=CHART)
st.caption(_("Complete weeks of the sidebar period. Women and children victims: women and girls, boys, and "
             "children of unknown sex, including females of unknown age. The test is Mann–Kendall at 95 %; "
             "“no clear trend” means the weekly counts do not rise or fall consistently enough to rule out chance.") + (
    " " + _("Weeks whose count is hidden have no bar.") if data.suppressed else ""))

# --- Completeness ------------------------------------------------------------------------------------
st.subheader(_("Which reporting units fail to record sex or age"))
month_label = data.units_month.label(t) if data.units_month else "–"
if data.units.withheld:
    st.info(WITHHELD)
else:
    flagged = completeness.flag_units(data.units.frame, threshold)
    if len(flagged):
        st.error(_("Reporting units that recorded sex or age for fewer than {pct} of victims in {month}: {n}.").format(
            n=t.number(len(flagged)), pct=t.percent(threshold), month=month_label), icon=":material/flag:")
        st.dataframe(presented.screen_table(tables.units_frame(t, gtable.Table(flagged), data.units_month), t), hide_index=True,
                     width="stretch")
    else:
        st.success(_("No reporting unit fell below {pct} in {month}.").format(pct=t.percent(threshold),
                                                                              month=month_label))
    st.caption(_("Completeness = victims whose sex (or age) was recorded ÷ all victims. A unit with fewer than "
                 "{n} victims that month is not judged.").format(n=completeness.MIN_VICTIMS_TO_JUDGE) + (" " + _("Where small counts are hidden the share is given as a "
                                                          "range, and a unit is flagged only if the whole range is "
                                                          "below the threshold.") if data.suppressed else ""))
missions = data.completeness_missions
if missions.withheld:
    st.info(WITHHELD)
elif len(missions.frame):
    mframe = missions.frame.assign(month_label=[t.date(m, "MMM y") for m in missions.frame["month"]])
    for what, title in (("share_sex", _("Victims with sex recorded, by mission and month")),
                        ("share_age", _("Victims with age recorded, by mission and month"))):
        st.plotly_chart(figures.completeness_lines(
            mframe, what, title, _("% of victims"), threshold,
            _("Threshold {pct}").format(pct=t.percent(threshold)), separators=t.plotly_separators),
            width="stretch", config=CHART)
    if data.suppressed:
        st.caption(_("Where a small count is hidden, the month shows the range its “<5” mark implies (a vertical "
                     "bar); where even that would reveal a count, the line has a gap."))
# Lazy: the full unit table (hundreds of rows) is built and sent only while the expander is open.
with st.expander(_("All reporting units"), key="gender_all_units", on_change="rerun") as all_units:
    if all_units.open:
        if not data.units.withheld:
            st.dataframe(presented.screen_table(tables.units_frame(t, data.units, data.units_month), t), hide_index=True,
                         width="stretch")
        show_legend()

# --- SDG 16.2.2-style rate ------------------------------------------------------------------------------
st.subheader(_("Detected trafficking victims per 100,000 population (SDG 16.2.2-style, from police records)"))
st.caption(_("Victims in incidents recorded as human trafficking, {period}, divided by the population: a rate "
             "for that period, not per year unless the period is a year. Not the official SDG 16.2.2 series: "
             "that counts victims detected by all national authorities in a year. The two measure different "
             "things.").format(
    period=_("{start} to {end}").format(start=t.date(ctx.filters.date_from or ctx.status["date_min"]),
                                        end=t.date(ctx.filters.date_to or ctx.status["date_max"]))))
if data.rate.withheld:
    st.info(WITHHELD)
elif data.rate.frame.empty:
    st.info(_("No human trafficking victims recorded in this period and selection."))
else:
    st.dataframe(presented.screen_table(tables.rate_frame(t, data.rate, compact=True), t), hide_index=True,
                 width="stretch")
    st.caption(_("Per 100,000 population, by sex and age of the victims. All counts are in the pack."))
    show_legend()
st.markdown("**" + _("UNODC national series (imported): detected trafficking victims") + "**")
if data.national_rows == 0:
    st.info(_("No UNODC series imported. To add them: python -m tnt_dash import FILE --format unodc "
              "(an export from the UNODC data portal)."))
elif data.national.empty:
    st.info(_("The imported UNODC series have no trafficking-victim rows for these countries."))
else:
    st.dataframe(presented.screen_table(tables.national_frame(t, data.national), t), hide_index=True, width="stretch")
    st.caption(_("As published by UNODC, latest year of each series; “<5” stays “<5”. National totals from all "
                 "authorities, not this mission's records."))

# --- Survey-based indicators --------------------------------------------------------------------------
st.subheader(_("Survey-based indicators (reference only)"))
st.caption(_(definitions.SDG_NOTE))
cards = st.columns(2) + st.columns(2)   # long official names: two per row stay readable at 1366 px
for column, (code, text, custodian) in zip(cards, definitions.SDG_CARDS):
    with column.container(border=True):
        st.markdown("**" + _("SDG {code}").format(code=code) + "**")
        st.write(_(text))
        st.caption(_("Custodian: {agencies}").format(agencies=_(custodian)))

# --- Arrests -----------------------------------------------------------------------------------------------
st.subheader(_("Arrests by sex, {period}").format(period=period))
arrests = data.arrests
if arrests.withheld:
    st.info(WITHHELD)
elif arrests.frame.empty:
    st.info(_("No arrests recorded in this period and selection."))
else:
    overall = arrests.frame.iloc[-1]
    if overall["share_women"] is not None and not pd.isna(overall["share_women"]):
        st.markdown(_("**{share}** of arrested suspects whose sex was recorded were women or girls.").format(
            share=t.percent(overall["share_women"], 1)))
    st.dataframe(presented.screen_table(tables.arrests_frame(t, arrests), t), hide_index=True, width="stretch")
    show_legend()
