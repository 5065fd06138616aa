import streamlit as st

from tnt_dash import brief, brief_export, geo, maps, queries, views
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Weekly brief"))
t, _ = ctx.t, ctx.t.gettext

last = ctx.call(queries.last_complete_week, ctx.profile)
weeks = brief.recent_weeks(last, 26)
top = st.columns([2, 2, 3])
week_label = top[0].selectbox(_("ISO week"), options=weeks, index=0, key="week", bind="query-params",
                              format_func=lambda w: t.week(brief.parse_iso_week(w)),
                              help=_("Default: the last complete week. The sidebar's date filter does not "
                                     "apply here; its other filters do."))
level_labels = {"adm1": _("Admin-1 area"), "country": _("Country or territory")}
level = top[1].segmented_control(_("Change table by"), options=list(level_labels), default="adm1",
                                 format_func=level_labels.get, key="level", bind="query-params",
                                 required=True) or "adm1"
week = brief.parse_iso_week(week_label or weeks[0])
b = ctx.call(brief.weekly_brief, ctx.filters, ctx.profile, t.lang, week, destination="screen", level=level)


def download(fmt: str) -> bytes:
    pack = ctx.call(brief.weekly_brief, ctx.filters, ctx.profile, t.lang, week, destination="export", level=level)
    stamp = views.stamp(ctx.con, t, ctx.profile, _("Weekly brief"), ctx.filters, period=t.week(week))
    return brief_export.render(fmt, pack, stamp, t)


with top[2]:
    buttons = st.columns(3)
    for column, (fmt, label) in zip(buttons, (("pptx", _("Slides (PPTX)")), ("pdf", _("PDF")),
                                              ("xlsx", _("Tables (XLSX)")))):
        column.download_button(label, data=lambda fmt=fmt: download(fmt), file_name=f"brief-{b.week_label}.{fmt}",
                               mime=brief_export.MIME[fmt], icon=":material/download:", width="stretch",
                               on_click="ignore")

KPI_SHORT = {"women_children": _("Women and children"), "seizure_usd": _("Seizures (USD)")}
columns = st.columns(6)
for column, row in zip(columns, b.kpis.itertuples()):
    suppressed = isinstance(row.value, str)
    value = row.value if suppressed else (t.money(row.value) if row.kpi == "seizure_usd" else t.number(row.value))
    delta = None if suppressed or row.change_4w is None else t.percent(row.change_4w, signed=True)
    previous = None if suppressed or row.change_prev is None else t.percent(row.change_prev, signed=True)
    column.metric(KPI_SHORT.get(row.kpi, _(views.KPI_LABELS[row.kpi])), value, delta=delta, delta_color="inverse",
                  border=True, delta_description=_("vs 4-week mean") if delta else None,
                  help=_(views.KPI_LABELS[row.kpi]) + (". " + _("Change on the previous week: {change}.").format(
                      change=previous) if previous else ""))
st.caption(_("For crime counts a fall shows in green. The sidebar's date filter does not apply to the brief."))


def q_text(q: float) -> str:
    return "q < " + t.number(0.0001, 4) if q < 0.0001 else "q = " + t.number(q, 4)


tables = brief.tables(b, t)
left, right = st.columns([5, 6])
with left:
    st.subheader(_("Summary"))
    st.markdown("\n".join(f"- {line}" for line in b.summary))
    st.caption(_("Appendix: gender parity in capacity building, last 52 weeks") + " – " + " ".join(b.appendix))
    st.subheader(_("Unusual activity this week"))
    if b.anomalies.empty:
        st.info(_("No area and market stood out against its previous {weeks} weeks ({tests} series tested).")
                .format(weeks=brief.ANOMALY_BASELINE, tests=t.number(b.anomaly_tests)))
    for row in b.anomalies.itertuples():
        st.warning(f"{row.sentence} {q_text(row.q)}", icon=":material/trending_up:")
    st.caption(_("Each admin-1 area × market is tested against its previous 12 weeks (Poisson, or negative "
                 "binomial when the counts are clustered); Benjamini–Hochberg false discovery rate 1 %."))
with right:
    st.subheader(_("Change against the previous 4 and 52 weeks"))
    changes = tables[_("Changes")]
    if b.level == "adm1":
        changes = changes.drop(columns=[_("Country or territory")])
    pct = [c for c in changes.columns if "%" in c]

    def colour(value):
        if value is None or value != value:
            return ""
        if value >= 50:
            return "background-color: #F4C7C3; color: #7A0000"
        if value <= -50:
            return "background-color: #CDE8D4; color: #00451A"
        return ""

    styled = changes.style.map(colour, subset=pct).format(
        {c: (lambda v: "–" if v is None or v != v else t.percent(v / 100, signed=True)) for c in pct}
        | {c: (lambda v: t.number(v, 2)) for c in changes.columns if c.startswith(_("Mean"))})
    st.dataframe(styled, hide_index=True, height=420, width="stretch")
    st.caption(_("Red: at least 50 % above the mean; green: at least 50 % below. “–”: no incidents in the "
                 "baseline."))

prio_col, map_col, vic_col = st.columns([4, 3, 4])
with prio_col:
    st.subheader(_("Top 5 priority threats"))
    priorities = tables[_("Priorities")].drop(columns=[_("Country or territory")])
    st.dataframe(priorities, hide_index=True, width="stretch",
                 column_config={_("Score"): st.column_config.NumberColumn(format="%.2f")})
    st.caption(_(brief.PRIORITY_METHOD))
with map_col:
    st.subheader(_("Hotspots this week"))
    areas = b.hotspots.assign(label=b.hotspots["admin1_label"])
    tooltip = "<b>{label}</b> ({country_label})<br/>" + _("Incidents") + ": {incidents}"
    deck = maps.admin1_bubble_deck(areas, ctx.call(geo.outlines_for_maps),
                                   value_col="incidents", tooltip_html=tooltip)
    st.pydeck_chart(deck, height=300)
    st.caption(_("Circles at admin-1 centroids; area shows the number of incidents. The boundaries and names "
                 "shown and the designations used on this map do not imply official endorsement or acceptance "
                 "by the United Nations."))
with vic_col:
    st.subheader(_("Victims by sex and age, by market"))
    if b.victims_withheld:
        st.info(_("The breakdown is withheld: this week's counts are too small to publish safely."))
    else:
        st.dataframe(views.for_screen(tables[_("Women and children")], t), hide_index=True, width="stretch")
    if b.suppressed:
        st.caption(_("“<5”: fewer than 5. “x”: hidden so that a “<5” cell cannot be worked out from the totals."))

st.subheader(_("Notable incidents (highest harm)"))
st.dataframe(views.for_screen(tables[_("Notable incidents")], t), hide_index=True, width="stretch",
             column_config={_("Narrative"): st.column_config.TextColumn(width="large")})
