import streamlit as st

from tnt_dash import figures, geo, mapdecks, views
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Situation overview"))
t, _ = ctx.t, ctx.t.gettext
data = ctx.call(views.overview, ctx.scope)

st.subheader(_("Last complete week: {week}, against the mean of the 4 weeks before").format(week=t.week(data.week)))
KPI_HELP = {
    "women_children": _("Women and girls, boys, and children of unknown sex, including females of unknown age."),
    "seizure_usd": _("Sum of the estimated value of seizures recorded in the week."),
}
columns = st.columns(3) + st.columns(3)   # two rows of three stay legible from 1366 px to a projector
for column, row in zip(columns, data.kpis.itertuples()):
    suppressed = isinstance(row.value, str)
    value = row.value if suppressed else (t.money(row.value) if row.kpi == "seizure_usd" else t.number(row.value))
    delta = None if suppressed or row.change is None else t.percent(row.change, signed=True)
    column.metric(_(views.KPI_LABELS[row.kpi]), value, delta=delta, delta_color="inverse", border=True, height="stretch",
                  chart_data=None if suppressed else data.sparklines[row.kpi], chart_type="bar",
                  help=KPI_HELP.get(row.kpi), delta_description=_("vs 4-week mean") if delta else None)
st.caption(_("For crime counts a fall shows in green. Small victim counts are shown as “<5” on shared screens."))

left, right = st.columns([3, 2])
with left:
    st.subheader(_("Where: incidents in the 30 days to {date}").format(date=t.date(data.window_to)))
    areas = data.areas.assign(label=data.areas["admin1_label"])
    tooltip = "<b>{label}</b> ({country_label})<br/>" + _("Incidents: {incidents}")
    deck = mapdecks.admin1_bubble_deck(areas, ctx.shared(geo.outlines_for_maps), value_col="incidents",
                                   tooltip_html=tooltip, width=520, height=460)   # 3/5 of a 1366 px laptop, sidebar open
    st.pydeck_chart(deck, height=460)
    st.caption(_("Circles at admin-1 centroids; area shows the number of incidents. The boundaries and names "
                 "shown and the designations used on this map do not imply official endorsement or acceptance "
                 "by the United Nations."))
with right:
    top = data.markets.head(8)
    st.plotly_chart(
        figures.ranked_bars(top["market_label"].tolist(), top["incidents"].tolist(),
                            _("Top criminal markets, last 30 days"), _("Incidents"),
                            separators=t.plotly_separators),
        width="stretch", config={"displayModeBar": False})

weeks = [t.iso_week(d) for d in data.weekly["week"]]
st.plotly_chart(
    figures.weekly_bars(weeks, data.weekly["incidents"].tolist(),
                        _("Incidents per week, last 26 weeks (latest week highlighted)"), _("Incidents per week"),
                        separators=t.plotly_separators),
    width="stretch", config={"displayModeBar": False})
