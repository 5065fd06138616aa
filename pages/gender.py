import streamlit as st

from tnt_dash import exports, presented
from tnt_dash.gender import pack, screen, victims
from tnt_dash.gender.data import gender_data
from tnt_dash.gender.table import Table
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Women and children"))
t, _ = ctx.t, ctx.t.gettext
CHART = {"displayModeBar": False}


def show(blocks: list[screen.Block]) -> None:
    for block in blocks:
        if block.kind == "chart":
            st.plotly_chart(block.body, width="stretch", config=CHART)
        elif block.kind == "table":
            st.dataframe(presented.screen_table(block.body, t), hide_index=True, width="stretch")
        else:
            getattr(st, block.kind)(block.body, **({"icon": block.icon} if block.icon else {}))


def section(s: screen.Section) -> None:
    st.subheader(s.title)
    show(s.blocks)


top = st.columns([3, 3, 2])
span_labels = {"quarter": _("Last 3 months of the period"), "period": _("Whole sidebar period")}
span = frame.coded_widget(top[0].segmented_control, _("Tables cover"), list(span_labels), default="quarter",
                          format_func=span_labels.get, key="gender_window", required=True,
                          wrap=True) or "quarter"   # the French labels do not fit one line at 1366 px
percent = top[1].slider(_("Flag reporting units recording sex or age for fewer than (%) of victims"),
                        min_value=50, max_value=100, value=80, step=5, key="completeness_min",
                        bind="query-params",
                        help=_("Applied to each unit's figures in the last whole month of the period. "
                               "Default 80 %."))
# The market breakdown feeds the headline cards; the others are computed when their tab is opened.
data = ctx.call(gender_data, ctx.scope, span=span, breakdowns=("market",))


def breakdown(by: str) -> tuple[Table, Table | None]:
    if by in data.groups:
        return data.groups[by], data.shares.get(by)
    return ctx.call(victims.breakdown, ctx.scope, by, span=span)


with top[2]:
    st.download_button(_("Gender indicators pack (XLSX)"),
                       data=lambda: ctx.log_release("export", "gender pack xlsx") or
                       exports.xlsx_bytes(*ctx.call(pack.pack, ctx.scope, span=span)),
                       file_name="gender-indicators.xlsx", icon=":material/download:", width="stretch",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore")
    if ctx.profile.suppress_in_exports:
        st.caption(_("Small counts are suppressed in the pack for this profile."))

key_figures = screen.key_figures(t, data)
section(key_figures)
if key_figures.cards:   # two rows of four stay legible from 1366 px to a projector
    for column, card in zip(st.columns(4) + st.columns(4), key_figures.cards):
        column.metric(card.label, card.value, border=True, help=card.note)

section(screen.heatmap(t, data))
# Lazy tabs (on_change="rerun"): only the open tab's breakdown is computed and sent.
tabs = st.tabs([_("By market"), _("By country or territory"), _("By admin-1 area")], key="gender_groups_tab",
               on_change="rerun")
for tab, by in zip(tabs, victims.GROUP_BREAKDOWNS):
    if tab.open:
        with tab:
            show(screen.groups_tab(t, data, breakdown(by)[0], by))

section(screen.shares_intro(t))
share_tabs = st.tabs([_("By market"), _("By country or territory")], key="gender_shares_tab", on_change="rerun")
for tab, by in zip(share_tabs, victims.SHARE_BREAKDOWNS):
    if tab.open:
        with tab:
            show(screen.shares_tab(t, breakdown(by)[1], by))
show(screen.legend_blocks(t, data))

section(screen.trend(t, data))
section(screen.completeness(t, data, percent))
# Lazy: the full unit table (hundreds of rows) is built and sent only while the expander is open.
with st.expander(_("All reporting units"), key="gender_all_units", on_change="rerun") as all_units:
    if all_units.open:
        show(screen.all_units(t, data))

section(screen.rates(t, data, ctx.filters, ctx.status))
sdg = screen.sdg_cards(t)
section(sdg)
for column, card in zip(st.columns(2) + st.columns(2), sdg.cards):   # long official names: two per row
    with column.container(border=True):
        st.markdown("**" + card.label + "**")
        st.write(card.value)
        st.caption(card.note)

section(screen.arrests(t, data))
for trafficking_section in screen.trafficking(t, data, ctx.filters, ctx.status):
    section(trafficking_section)
if links := screen.protection(t, data):       # gender and analyst profiles only (access.py)
    section(links)
section(screen.smuggled(t, data))
