import streamlit as st

from tnt_dash.capacity import figures, queries, screen, tables
from tnt_dash.capacity.definitions import AREAS
from tnt_dash.capacity.schema import tables_present
from tnt_dash.i18n import N_
from tnt_dash.ui import frame
from tnt_dash.ui.capacity import library_tab, no_activities, table

ctx = frame.page(N_("Capacity building"))
t, _ = ctx.t, ctx.t.gettext
CHART = {"displayModeBar": False}
period = screen.period_text(t, ctx.filters)
internal = ctx.profile.sees_internal
loaded = tables_present(ctx.con)

if not loaded:
    st.info(_("No activities loaded. Import the SOC Focal Point Network's activities with "
              "`python -m tnt_dash activities import FILE` (see docs/capacity.md)."), icon=":material/info:")
else:
    totals = ctx.call(queries.totals, ctx.filters, ctx.profile)
    parity = ctx.call(tables.parity, ctx.scope)
    for column, card in zip(st.columns([1, 1, 1.4, 1.4]), screen.cards(t, totals, parity)):
        column.metric(card.label, card.value, border=True, help=card.help)

codes = screen.tabs(ctx.profile)
tabs = dict(zip(codes, st.tabs([_(screen.TABS[code]) for code in codes])))

if loaded:
    with tabs["activities"]:
        counts = ctx.call(tables.monthly_counts, ctx.scope)
        if counts.empty:
            no_activities(ctx)
        else:
            st.plotly_chart(figures.calendar_figure(counts, t, period), width="stretch", config=CHART)
            st.caption(_("Each cell: number of activities of that type starting in the month. Network-wide activities "
                         "(video calls, newsletter, workshop) are counted once, without a mission."))
            st.subheader(_("Activities by mission and type, {period}").format(period=period))
            table(screen.mission_table(ctx.call(tables.counts_by_mission, ctx.scope), t))

        if internal:
            roster = ctx.call(queries.focal_points, ctx.filters, ctx.profile)
            with st.expander(_("Focal-point roster and rotations")):
                if roster.empty:
                    st.info(_("No focal point in post in this period and selection."))
                else:
                    table(screen.roster_table(roster, t))
                st.caption(_("Posts are numbered, never named. A handover with the handover pack is due before "
                             "each rotation: it answers the turnover risk the project document names."))

    with tabs["parity"]:
        if screen.units(parity).empty:
            st.info(_("No activities in this period and selection."))
        else:
            st.plotly_chart(figures.parity_figure(parity, t, period), width="stretch", config=CHART)
            below = screen.below_target(parity)
            if below:
                st.warning(_("Below the 50% parity target: {units}.").format(units=", ".join(below)),
                           icon=":material/flag:")
            table(screen.parity_table(parity, t))
            st.caption(_("Shares are taken over people whose sex was recorded; people of unknown sex are counted in "
                         "their own column, never guessed. “–”: nobody of known sex."))

if internal and loaded:
    with tabs["assessments"]:
        scores = ctx.call(tables.assessment_scores, ctx.scope)
        if scores.empty:
            st.info(_("No assessments in this period and selection."))
        else:
            card = tables.scorecard(scores)
            st.plotly_chart(figures.scorecard_figure(card, t), width="stretch", config=CHART)
            with st.expander(_("Scorecard as a table")):
                table(screen.scorecard_table(card, t))
            st.caption(_("Criteria and maximum scores are configuration: edit tnt_dash/reference/"
                         "assessment_criteria.csv."))
            trend = tables.assessment_trend(scores)
            for column, area in zip(st.columns(2), AREAS):
                column.plotly_chart(figures.trend_figure(trend, t, area), width="stretch", config=CHART)

    with tabs["spending"]:
        spent = ctx.call(tables.spending, ctx.scope)
        st.plotly_chart(figures.spending_figure(spent, t, period), width="stretch", config=CHART)
        table(screen.spending_table(spent, t))
        st.caption(_("The budget is configuration: edit tnt_dash/reference/budget.csv. Spending is the cost of the "
                     "activities starting in the period."))

with tabs["library"]:
    library_tab(ctx)
