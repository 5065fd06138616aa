import pandas as pd
import streamlit as st

from tnt_dash import brief, brief_export, geo, maps, presented, queries, views
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Weekly brief"), show_title=False, operations_area=True)
t, _ = ctx.t, ctx.t.gettext

last = ctx.call(queries.last_complete_week, ctx.profile)
weeks = brief.recent_weeks(last, 26)
# On a projector the presenter picks the week beforehand (it is in the URL); the controls
# wait in the collapsed sidebar so the brief itself fits one 1920×1080 screen.
# The title names the week on a projector, so it is written once the week is known; beside it the
# presenter's pager through the analyst's notes and the figures.
title_slot, pager = st.columns([8, 2], vertical_alignment="bottom") if ctx.presentation else (st.empty(), None)
controls = st.sidebar.container() if ctx.presentation else st.container()
top = [controls] * 3 if ctx.presentation else st.columns([5, 7, 3], vertical_alignment="bottom")
# The link carries the ISO week code (?week=2026-W47), not the displayed label, so a projector's
# bookmark or a link typed by hand works in any language.
requested = st.query_params.get("week")
week_label = top[0].selectbox(_("ISO week"), options=weeks, index=weeks.index(requested) if requested in weeks else 0,
                              key="week_choice", format_func=lambda w: t.week(brief.parse_iso_week(w)),
                              help=_("Default: the last complete week. The sidebar's date filter does not "
                                     "apply here; its other filters do."))
if week_label and (requested or week_label != weeks[0]):
    st.query_params["week"] = week_label
level_labels = {"adm1": _("Admin-1 area"), "country": _("Country or territory")}
level = frame.coded_widget(top[1].segmented_control, _("Change table by"), list(level_labels), default="adm1",
                           format_func=level_labels.get, key="level", required=True) or "adm1"
week = brief.parse_iso_week(week_label or weeks[0])
b = ctx.call(brief.weekly_brief, ctx.filters, ctx.profile, t.lang, week, destination="screen", level=level,
            with_appendix=False)
appendix = ctx.call(brief.appendix, ctx.filters, ctx.profile, t.lang, week)


def download(fmt: str) -> bytes:
    ctx.log_release("brief", f"brief {b.week_label} {fmt}")
    pack = ctx.call(brief.weekly_brief, ctx.filters, ctx.profile, t.lang, week, destination="export", level=level)
    stamp = presented.stamp(ctx.con, t, ctx.profile, _("Weekly brief"), ctx.filters, period=t.week(week))
    return brief_export.render(fmt, pack, stamp, t)


# The three files sit behind one button on the laptop view: three buttons did not fit beside the
# controls at 1366 px in French.
with top[2] if ctx.presentation else top[2].popover(_("Download"), icon=":material/download:", width="stretch"):
    for fmt, label in (("pptx", _("Slides (PPTX)")), ("pdf", _("PDF")), ("xlsx", _("Tables (XLSX)"))):
        st.download_button(label, data=lambda fmt=fmt: download(fmt), file_name=f"brief-{b.week_label}.{fmt}",
                           mime=brief_export.MIME[fmt], icon=":material/download:", width="stretch",
                           on_click="ignore")
# The brief opens on the missions' areas of operations; the title says so when it is on.
scope = f" · {_('areas of operations')}" if ctx.filters.operations_area else ""
title_slot.title(f"{_('Weekly brief')} · {t.week(week)}{scope}" if ctx.presentation else _("Weekly brief") + scope)


def notes_columns(columns) -> None:
    """The analyst's notes in two columns: section titles in bold, items as bullets."""
    for column, sections in zip(st.columns(2, gap="large"), columns):
        with column:
            for title, items in sections:
                st.markdown(f"**{title}**")
                st.markdown("\n".join(f"- {item}" for item in items))


notes = brief.notes_sections(b, t)
by = _("Notes by {author}, {date}.").format(author=b.notes_by["author"], date=t.date(b.notes_by["created_at"].date())) \
    if b.notes_by else None
if ctx.presentation and notes:
    # The presenter pages through the notes, then the figures: never a scroll. The screen is in
    # the link (?screen=2), so a bookmark opens where the meeting left off.
    screens = brief.notes_screens(notes)
    options = [str(n) for n in range(1, len(screens) + 1)] + ["figures"]
    names = {"figures": _("Figures"), "1": _("Assessment"),
             **{str(n): _("Assessment (continued {n})").format(n=n) for n in range(2, len(screens) + 1)}}
    # Without notes or decisions the figures come first; the assessment screen then only says so.
    opening = "1" if not b.notes.empty() or len(b.decisions) else "figures"
    screen = frame.coded_widget(pager.segmented_control, _("Screen"), options, default=opening, key="screen",
                                format_func=names.get, required=True, label_visibility="collapsed") or opening
    if screen != "figures":
        notes_columns(screens[int(screen) - 1])
        if by:
            st.caption(by)
        st.stop()
elif notes:
    heading_text = _("Analyst's assessment")
    st.subheader(heading_text)
    notes_columns([notes[: (len(notes) + 1) // 2], notes[(len(notes) + 1) // 2:]])
    if by:
        st.caption(by)

KPI_SHORT = {"women_children": _("Women and children"), "seizure_usd": _("Seizures (USD)")}
# Six cards in a row on the projector's wide screen; two rows of three on a laptop, where six cut
# the labels and values ("Women a…", "29,…" at 1366 px).
columns = st.columns(6) if ctx.presentation else st.columns(3) + st.columns(3)
for column, row in zip(columns, b.kpis.itertuples()):
    suppressed = isinstance(row.value, str)
    # The label names the currency ("Seizures (USD)"): six cards share the row at 1366 px, and
    # "29.1M USD" was cut to "29.…".
    value = row.value if suppressed else (t.compact(row.value) if row.kpi == "seizure_usd" else t.number(row.value))
    delta = None if suppressed or row.change_4w is None else t.percent(row.change_4w, signed=True)
    previous = None if suppressed or row.change_prev is None else t.percent(row.change_prev, signed=True)
    column.metric(KPI_SHORT.get(row.kpi, _(views.KPI_LABELS[row.kpi])), value, delta=delta, delta_color="inverse",
                  border=True, height="stretch", delta_description=_("vs 4-week mean") if delta else None,
                  help=_(views.KPI_LABELS[row.kpi]) + (". " + _("Change on the previous week: {change}.").format(
                      change=previous) if previous else ""))
if not ctx.presentation:
    st.caption(_("For crime counts a fall shows in green. The sidebar's date filter does not apply to the brief."))


def q_text(q: float) -> str:
    return "q < " + t.number(0.0001, 4) if q < 0.0001 else "q = " + t.number(q, 4)


# Only the four tables the page shows (the exports build all nine).
# A projector shows HTML tables (they grow with the presentation type size); the laptop
# gets interactive grids. Presentation tables are cut to what a room can read.
PRESENTATION_ROWS = 5
SCREEN_CHANGE_ROWS = 40
tables = brief.tables(b, t, names=("Changes", "Priorities", "Women and children", "Notable incidents"),
                      change_rows=PRESENTATION_ROWS if ctx.presentation else SCREEN_CHANGE_ROWS)


def heading(text: str) -> None:
    if ctx.presentation:
        st.markdown(f"**{text}**")
    else:
        st.subheader(text)


def show_table(frame, *, as_text: bool = False, **grid) -> None:
    """A brief table: large-type text on the projector; on the laptop a grid, of locale-formatted
    text (Arrow, presented.screen_table) when `as_text`, else of the numbers (sortable)."""
    if ctx.presentation:
        frame = frame.head(PRESENTATION_ROWS).rename(columns={_("Admin-1 area"): _("Area")})
        st.table(presented.screen_table(frame, t), hide_index=True)
    else:
        st.dataframe(presented.screen_table(frame, t) if as_text else frame, hide_index=True, width="stretch", **grid)


def summary_panel() -> None:
    heading(_("Summary"))
    lines = b.summary_beside_priorities(t) if ctx.presentation else b.summary
    st.markdown("\n".join(f"- {line}" for line in lines))
    if not ctx.presentation:
        st.caption(_("Appendix: gender parity in capacity building, last 52 weeks") + " – " + " ".join(appendix))


def anomaly_panel() -> None:
    if not ctx.presentation:
        heading(_("Unusual activity this week"))
    if b.anomalies.empty:
        st.info(_("No area and market stood out against its previous {weeks} weeks ({tests} series tested).")
                .format(weeks=brief.ANOMALY_BASELINE, tests=t.number(b.anomaly_tests)))
    for row in b.anomalies.itertuples():
        st.warning(f"{row.sentence} {q_text(row.q)}", icon=":material/trending_up:")
    if not ctx.presentation:
        st.caption(_("Each admin-1 area × market is tested against its previous 12 weeks (Poisson, or negative "
                     "binomial when the counts are clustered); Benjamini–Hochberg false discovery rate 1 %."))


def changes_panel() -> None:
    heading(_("Change against the previous 4 and 52 weeks"))
    changes = tables[_("Changes")]
    if b.level == "adm1":
        changes = changes.drop(columns=[_("Country or territory")])
    pct = [c for c in changes.columns if "%" in c]
    if ctx.presentation:
        means = [c for c in changes.columns if c.startswith(_("Mean"))]
        # Short headers so no cell wraps at projector size.
        short = {_("Admin-1 area"): _("Area"), _("Incidents this week"): _("This week"), _("% change vs 4-week mean"): _("vs 4-week mean"),
                 _("% change vs 52-week mean"): _("vs 52-week mean")}
        top = changes.head(PRESENTATION_ROWS)
        count = top[_("Incidents this week")].tolist()
        # st.table cells are Markdown: the colour goes in the text, without a pandas Styler. Each
        # change reads against its own mean: below MIN_BASE a week, the counts instead of a percentage.
        marked = {c: [marked_change(v, n, m) for v, n, m in zip(top[c], count, top[mean])]
                  for c, mean in zip(pct, means)}
        shown = top.assign(**marked).drop(columns=means).rename(columns=short)
        st.table(shown.assign(**{_("This week"): shown[_("This week")].map(t.number)}), hide_index=True)
        return
    # The laptop grid: numbers stay sortable, and a tag column carries the red and green signal
    # (a pandas Styler cost 20 ms a rerun for 40 rows). The screen shows the busiest rows; the
    # workbook carries them all.
    shown = changes.head(SCREEN_CHANGE_ROWS)
    means = [c for c in shown.columns if c.startswith(_("Mean"))]
    signals = {"up_4w": "▲ " + _("4 wk"), "down_4w": "▼ " + _("4 wk"),
               "up_52w": "▲ " + _("52 wk"), "down_52w": "▼ " + _("52 wk")}
    tags = [signal_tags(four, year) for four, year in zip(shown[pct[0]], shown[pct[1]])]
    # Whole percentages, as the column format shows them, without negative zeros: printf would
    # write a change of -0.3 % as "-0%", a fall that is not there.
    grid = shown.assign(**{c: shown[c].map(lambda v: t.number(v, 2)) for c in means}, **{_("Signal"): tags},
                        **{c: shown[c].astype(float).round(0) + 0.0 for c in pct})
    # Where, what and the signal first: at 1366 px the half-width grid shows three or four columns
    # before it scrolls.
    first = [c for c in grid.columns if c not in (*pct, *means, _("Signal"))][:2]
    order = [*first, _("Signal"), *[c for c in grid.columns if c not in (*first, _("Signal"), *means)], *means]
    st.dataframe(grid, hide_index=True, height=420, width="stretch", column_order=order, column_config={
        **{c: st.column_config.TextColumn(width=w) for c, w in zip(first, (130, 140))},
        **{c: st.column_config.NumberColumn(format=t.percent_printf(signed=True)) for c in pct},
        _("Signal"): st.column_config.MultiselectColumn(
            options=list(signals), format_func=signals.get, width=190,
            color=["#F4C7C3" if key.startswith("up") else "#CDE8D4" for key in signals])})
    note = _("Signal: ▲ at least 50 % above the 4-week or 52-week mean (red), ▼ at least 50 % below (green). "
             "No change shown: fewer than 3 incidents a week in the baseline (compare the counts; the "
             "anomaly test judges them).")
    if len(b.changes) > len(shown):
        note += " " + _("Top {n} of {total} area–market rows by incidents this week; every row is in the "
                        "workbook.").format(n=t.number(len(shown)), total=t.number(len(b.changes)))
    st.caption(note)


def signal_tags(change_4w, change_52w) -> list[str]:
    """up_4w, down_52w…: the tags of the laptop grid's Signal column."""
    return [f"{signal}_{window}" for window, value in (("4w", change_4w), ("52w", change_52w))
            if (signal := brief.change_signal(value))]


def marked_change(percent, count, mean) -> str:
    """A change on the projector (brief.change_text), red or green where brief.change_signal marks it."""
    change = None if percent is None or percent != percent else percent / 100
    text = brief.change_text(t, change, count, mean)
    signal = brief.change_signal(percent)
    return f":{'red' if signal == 'up' else 'green'}-background[**{text}**]" if signal else text


def priorities_panel() -> None:
    heading(_("Top 5 priority threats"))
    priorities = tables[_("Priorities")].drop(columns=[_("Country or territory")])
    if ctx.presentation:
        # A short header: the full one wrapped to four lines once the cells stopped wrapping.
        show_table(priorities.drop(columns=[_("Incidents, 12 weeks before")]).assign(
            **{_("Score"): priorities[_("Score")].map(lambda v: t.number(v, 1))}).rename(
            columns={_("Incidents, last 4 weeks"): _("Incidents, 4 wk")}))
    else:
        show_table(priorities, column_config={_("Score"): st.column_config.NumberColumn(format="%.2f")})
        st.caption(_(brief.PRIORITY_METHOD))


def map_panel(height: int) -> None:
    heading(_("Hotspots this week"))
    areas = b.hotspots.assign(label=b.hotspots["admin1_label"])
    tooltip = "<b>{label}</b> ({country_label})<br/>" + _("Incidents") + ": {incidents}"
    # Fitted to the narrowest the panel gets: a third of a 1366 px projector; on a 1366 px laptop
    # with the sidebar open, five elevenths of what is left.
    deck = maps.admin1_bubble_deck(areas, ctx.shared(geo.outlines_for_maps), value_col="incidents",
                                   tooltip_html=tooltip, width=370 if ctx.presentation else 400, height=height)
    st.pydeck_chart(deck, height=height)
    disclaimer = _("The boundaries and names shown and the designations used on this map do not imply official "
                   "endorsement or acceptance by the United Nations.")
    if ctx.presentation:
        st.caption(disclaimer)
    else:
        st.caption(_("Circles at admin-1 centroids; area shows the number of incidents.") + " " + disclaimer)


def victims_panel() -> None:
    heading(_("Victims by sex and age, by market"))
    if b.victims_withheld:
        st.info(_("The breakdown is withheld: this week's counts are too small to publish safely."))
    else:
        victims = tables[_("Women and children")]
        if ctx.presentation:
            victims = victims.rename(columns={_("Sex or age unknown"): _("Unknown")})
        show_table(victims, as_text=True)
    if ctx.presentation:
        # One short line whatever the week: the two full notes took three lines in French and
        # pushed the brief past one screen in the weeks that needed both. The grouped row is
        # named only when the room can see it (it comes last, often beyond the five rows shown).
        legend = []
        if b.suppressed:
            legend.append(_("“<5”: fewer than 5 · “x”: hidden to protect a “<5”"))
        if b.victims_grouped and b.victims_grouped_row() < PRESENTATION_ROWS:
            other = b.victims["market_label"].iloc[b.victims_grouped_row()]
            legend.append(_("“{other}”: small rows grouped").format(other=other))
        if legend:
            st.caption(" · ".join(legend))
        return
    if b.victims_grouped:
        st.caption(b.victims_grouped_note(t))
    if b.suppressed:
        st.caption(_("“<5”: fewer than 5. “x”: hidden so that a “<5” cell cannot be worked out from the totals."))


def notable_panel() -> None:
    heading(_("Notable incidents (highest harm)"))
    notable = tables[_("Notable incidents")]
    if ctx.presentation:
        # The room needs where, what and who was harmed; record ids and actors stay on the laptop view.
        keep = [c for c in (_("Date"), _("Admin-1 area"), _("Market"), _("Victims")) if c in notable.columns]
        notable = notable[keep].assign(**{_("Date"): notable[_("Date")].map(
            lambda d: t.date(pd.Timestamp(d).date(), "d MMM").replace(" ", "\u00a0"))})
        show_table(notable)
    else:
        show_table(notable, as_text=True,
                   column_config={_("Narrative"): st.column_config.TextColumn(width="large")})
    if b.suppressed:
        st.caption(_("Victim counts per incident are not shown on this screen: beside the week's totals they "
                     "could give a small count away."))


if ctx.presentation:
    # One 1920×1080 screen: summary, priorities and map; then changes, victims and incidents.
    first = st.columns([4, 4, 4])
    with first[0]:
        # The summary already states each flagged anomaly in words; the test statistics stay
        # on the laptop view and in the exports.
        summary_panel()
    with first[1]:
        priorities_panel()
    with first[2]:
        map_panel(height=220)
    # The notable-incident list stays on the laptop view and in the exports: at projector size
    # the room cannot read a sixth table, and the change table already says where.
    second = st.columns([7, 5])
    with second[0]:
        changes_panel()
    with second[1]:
        victims_panel()
else:
    left, right = st.columns([5, 6])
    with left:
        summary_panel()
        anomaly_panel()
    with right:
        changes_panel()
    # The priorities and the victims share one column and the map has the other: as a third of the
    # row the map was 230 px wide with the sidebar open, too small to read the area names.
    tables_col, map_col = st.columns([6, 5])
    with tables_col:
        priorities_panel()
        victims_panel()
    with map_col:
        map_panel(height=400)
    notable_panel()
