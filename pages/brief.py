from contextlib import nullcontext

import streamlit as st

from tnt_dash import geo, presented, queries
from tnt_dash.brief import appendix, mission, parse_iso_week, recent_weeks, screen, weekly_brief
from tnt_dash.brief.export import MIME, render
from tnt_dash.i18n import N_
from tnt_dash.ui import frame
from tnt_dash.ui.brief_notes import notes_columns, notes_editor

ctx = frame.page(N_("Weekly brief"), show_title=False)
t, _ = ctx.t, ctx.t.gettext

last = ctx.call(queries.last_complete_week, ctx.profile)
weeks = recent_weeks(last, 26)
# On a projector the presenter picks the week beforehand (it is in the URL); the controls wait in the
# collapsed sidebar so the brief itself fits one 1920×1080 screen. The title names the week there,
# and beside it is the presenter's pager through the analyst's notes and the figures.
title_slot, pager = st.columns([8, 2], vertical_alignment="bottom") if ctx.presentation else (st.empty(), None)
controls = st.sidebar.container() if ctx.presentation else st.container()
top = [controls] * 4 if ctx.presentation else st.columns([4, 4, 6, 3], vertical_alignment="bottom")
# The link carries the ISO week code (?week=2026-W47), not the displayed label, so a projector's
# bookmark or a link typed by hand works in any language.
requested = st.query_params.get("week")
week_label = top[0].selectbox(_("ISO week"), options=weeks, index=weeks.index(requested) if requested in weeks else 0,
                              key="week_choice", format_func=lambda w: t.week(parse_iso_week(w)),
                              help=_("Default: the last complete week. The sidebar's date filter does not "
                                     "apply here; its other filters do."))
if week_label and (requested or week_label != weeks[0]):
    st.query_params["week"] = week_label
week = parse_iso_week(week_label or weeks[0])
missions = ctx.call(mission.choices, ctx.scope, week)
try:
    usual = ctx.call(mission.default, ctx.filters, ctx.profile, week)
except mission.MissionError as exc:
    st.error(_("The server's mission setting is not valid: {error}.").format(error=exc))
    st.stop()
# The link keeps its ?scope=MINUSCA parameter: presenters' bookmarks carry it.
chosen = frame.coded_widget(top[1].selectbox, _("Brief for"), list(missions), format_func=missions.get, key="scope",
                            default=usual,
                            help=_("One mission by default (the server's TNT_MISSION, else the first mission in "
                                   "the filters, else the busiest in view); the regional pool is a choice."))
scope = ctx.scope.with_filters(mission.for_mission(ctx.filters, chosen or mission.REGION))
level_labels = screen.level_labels(t)
level = frame.coded_widget(top[2].segmented_control, _("Change table by"), list(level_labels), default="adm1",
                           format_func=level_labels.get, key="level", required=True) or "adm1"
b = ctx.call(weekly_brief, scope, week, level=level, with_appendix=False)


def download(fmt: str) -> bytes:
    ctx.log_release("brief", f"brief {b.week_label} {fmt}", scope.filters)
    pack = ctx.call(weekly_brief, scope.to("export"), week, level=level)
    stamp = presented.stamp(ctx.con, scope.to("export"), _("Weekly brief"), period=t.week(week))
    return render(fmt, pack, stamp, t)


# The three files sit behind one button on the laptop: three buttons did not fit beside the controls
# at 1366 px in French.
with top[3] if ctx.presentation else top[3].popover(_("Download"), icon=":material/download:", width="stretch"):
    for fmt, label in screen.downloads(t):
        st.download_button(label, data=lambda fmt=fmt: download(fmt), file_name=f"brief-{b.week_label}.{fmt}",
                           mime=MIME[fmt], icon=":material/download:", width="stretch", on_click="ignore")
title_slot.title(screen.title(t, week, scope.filters, ctx.presentation, ctx.profile.releasable_to_host_state))


notes = screen.notes_view(t, b)
if ctx.presentation and notes.sections:
    # The screen is in the link (?screen=2), so a bookmark opens where the meeting left off.
    shown = frame.coded_widget(pager.segmented_control, _("Screen"), notes.options, default=notes.opening,
                               key="screen", format_func=notes.labels.get, required=True,
                               label_visibility="collapsed") or notes.opening
    if shown != "figures":
        notes_columns(notes.screens[int(shown) - 1])
        if notes.byline:
            st.caption(notes.byline)
        st.stop()
elif notes.sections:
    st.subheader(_("Analyst's assessment"))
    notes_columns(screen.notes_halves(notes.sections))
    if notes.byline:
        st.caption(notes.byline)
if ctx.profile.data_admin and not ctx.presentation:
    notes_editor(ctx, week, scope)

# Six cards in a row on the projector's wide screen; two rows of three on a laptop, where six cut
# the labels and values at 1366 px.
for column, card in zip(st.columns(6) if ctx.presentation else st.columns(3) + st.columns(3), screen.cards(t, b)):
    column.metric(card.label, card.value, delta=card.delta, delta_color="inverse", border=True, height="stretch",
                  delta_description=card.delta_description, help=card.help)
if not ctx.presentation:
    st.caption(_("For crime counts a fall shows in green. The sidebar's date filter does not apply to the brief."))


def draw(blocks: list[screen.Block]) -> None:
    for block in blocks:
        if block.kind == "table":
            st.table(block.body, hide_index=True)
        elif block.kind == "grid":
            config = {name: getattr(st.column_config, kind)(**kw) for name, (kind, kw) in block.columns.items()}
            st.dataframe(block.body, hide_index=True, width="stretch", **block.options,
                         **({"column_config": config} if config else {}))
        elif block.kind == "deck":
            st.pydeck_chart(block.body, **block.options)
        else:
            getattr(st, block.kind)(block.body, **block.options)


sections = screen.Sections(t, b, ctx.call(appendix, scope, week), ctx.presentation,
                           ctx.shared(geo.outlines_for_maps))
for widths, columns in screen.layout(ctx.presentation):
    for box, names in zip(st.columns(widths) if widths else [nullcontext()], columns):
        with box:
            for name in names:
                draw(sections(name))
