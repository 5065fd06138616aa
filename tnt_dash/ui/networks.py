"""Streamlit sections of the criminal-networks work (docs/networks.md) that more than one page shows:
one group's activity (the networks page) and the ranking of criminal groups (a tab of the threat
priorities page). Layout only: every figure and count comes from tnt_dash.networks."""
from __future__ import annotations

import streamlit as st

from tnt_dash import exports, geo, mapdecks, presented
from tnt_dash.gender.counts import GROUP_LABELS, GROUPS
from tnt_dash.networks import figures, group as groups, ranking

from .frame import PageContext


def group_section(ctx: PageContext, actor_id: str) -> None:
    t, _ = ctx.t, ctx.t.gettext
    g = ctx.call(groups.group, ctx.scope, actor_id)
    if g is None:
        st.info(_("This actor is not shown on this screen."))
        return
    st.subheader(g.actor)
    if g.masked:
        st.caption(_("Name restricted: shown by its GI-TOC actor type."))
    cols = st.columns(4)
    cols[0].metric(_("Incidents"), t.number(int(g.monthly["incidents"].sum())), border=True)
    cols[1].metric(_("Admin-1 areas"), t.number(len(g.areas)), border=True)
    cols[2].metric(_("Markets"), t.number(len(g.markets)), border=True)
    cols[3].metric(_("Fatalities"), t.number(int(g.monthly["fatalities"].sum())), border=True)
    left, right = st.columns(2)
    with left:
        monthly = g.monthly.assign(label=[t.date(m, "MMM y") for m in g.monthly["month"]])
        st.plotly_chart(figures.activity_figure(
            monthly, _("Incidents per month"), _("Incidents"), _("Incidents"),
            "%{x}: %{y}<extra></extra>", separators=t.plotly_separators),
            width="stretch", config={"displayModeBar": False})
    with right:
        if len(g.areas):
            tooltip = "<b>{label}</b><br/>" + _("Incidents: {incidents}")
            st.pydeck_chart(mapdecks.admin1_bubble_deck(g.areas, ctx.shared(geo.outlines_for_maps), tooltip_html=tooltip,
                                                    width=520, height=300), height=300)
            st.caption(_("Admin-1 areas of its incidents (circles at centroids). The boundaries and names shown and "
                         "the designations used on this map do not imply official endorsement or acceptance by the "
                         "United Nations."))
        else:
            st.caption(_("No incident of this group is placed in an admin-1 area (cybercrime, for example)."))
    a, b, c = st.columns(3)
    a.dataframe(g.markets[["label", "incidents"]].rename(columns={"label": _("Market"), "incidents": _("Incidents")}),
                hide_index=True, width="stretch", height=210)
    b.dataframe(g.corridors[["label", "incidents"]].rename(columns={"label": _("Corridor (origin → destination)"),
                                                                    "incidents": _("Incidents")}),
                hide_index=True, width="stretch", height=210)
    relations = {"co_active": _("Active in the same area and month"), "alliance": _("Alliance"),
                 "rivalry": _("Rivalry"), "supplier": _("Supplier"), "splinter": _("Splinter")}
    linked = g.linked.assign(relation=g.linked["relation"].map(relations))
    c.dataframe(linked[["actor", "relation", "incidents"]].rename(columns={
        "actor": _("Linked actor"), "relation": _("Link"), "incidents": _("Incidents in shared area-months")}),
        hide_index=True, width="stretch", height=210)
    st.markdown("**" + _("Victims by sex and age, per market") + "**")
    if g.victims.withheld:
        st.caption(_("Withheld: the victim counts are too small to publish without revealing individuals."))
    elif g.victims.frame.empty:
        st.caption(_("No victims recorded for this group in view."))
    else:
        shown = presented.for_screen(g.victims.frame.drop(columns=["key"]), t)
        st.dataframe(shown.rename(columns={"label": _("Market"), "victims": _("Victims"),
                                           **{k: _(GROUP_LABELS[k]) for k in GROUPS}}), hide_index=True, width="stretch")
        if g.victims.suppressed:
            st.caption(_("“<5”: fewer than 5 victims. “x”: hidden so that a “<5” cannot be worked out from the totals."))
    with st.expander(_("Records behind this section (first {n}, highest harm first)").format(n=groups.RECORDS_SHOWN)):
        st.dataframe(g.records, hide_index=True, width="stretch")


def ranking_tab(ctx: PageContext) -> None:
    """The ranking of criminal groups for the threat priorities page."""
    t, _ = ctx.t, ctx.t.gettext
    st.info(_("Analytic judgement of the mission, not a measurement. Each criminal group is scored on violence, "
              "corruption, infiltration, reach, adaptability and links (Europol SOCTA, UNODC E4J): the analyst's "
              "assessment, adjusted by its incidents in view. “*”: not assessed, taken from the records."),
            icon=":material/groups:")
    scored = ctx.call(ranking.rank, ctx.scope)
    if scored.empty:
        st.info(_("No criminal group with incidents in view on this screen."))
        return
    shown = ranking.table(scored, t)
    st.dataframe(shown, hide_index=True, width="stretch", height="auto" if len(shown) <= 14 else 520,
                 column_config={_("Capability (0–100)"): st.column_config.ProgressColumn(
                     min_value=0, max_value=100, format="%.0f"),
                     _("Why this rank"): st.column_config.TextColumn(width="large")})
    partial = int(scored["partial"].sum())
    notes = [_("Capability: mean of the known criteria, 1–5 scaled to 0–100. Confidence: the analyst's confidence, "
               "the grades of the group's records (F and 6 count as unknown), their number and the criteria assessed.")]
    if partial:
        notes.append(_("{n} groups with a criterion nobody assessed rank after the others.").format(n=t.number(partial)))
    st.caption(" ".join(notes))

    def download() -> bytes:
        ctx.log_release("export", "actor ranking xlsx")
        stamp = presented.stamp(ctx.con, ctx.scope.to("export"),
                                _("Criminal groups ranked by capability (analytic judgement)"))
        return exports.to_bytes(shown, "xlsx", stamp)
    st.download_button(_("Download the group ranking (XLSX)"), data=download, file_name="actor_ranking.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", on_click="ignore", key="actor_ranking_download")
