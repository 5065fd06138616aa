import streamlit as st

from tnt_dash import exports, geo, presented
from tnt_dash.cyber import screen
from tnt_dash.cyber.bundle import cyber_data
from tnt_dash.cyber.export import cyber_view
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Cyber threats"))
t, _ = ctx.t, ctx.t.gettext
CHART = {"displayModeBar": False}
data = ctx.call(cyber_data, ctx.scope)


def show(block: screen.Block) -> None:
    if block.kind == "chart":
        st.plotly_chart(block.body, width="stretch", config=CHART)
    elif block.kind == "map":
        st.pydeck_chart(block.body, height=460)
    elif block.kind == "table":
        with st.expander(_("Table")):   # the story is in the charts; the counts stay one click away
            st.dataframe(presented.screen_table(block.body, t), hide_index=True, width="stretch")
    else:
        getattr(st, block.kind)(block.body, **({"icon": block.icon} if block.icon else {}))


def section(s: screen.Section, split: list[int] | None = None) -> None:
    """The section's title, then its blocks; with `split`, its first two charts or maps side by side."""
    st.subheader(s.title)
    blocks = list(s.blocks)
    wide = [b for b in blocks if b.kind in ("chart", "map")]
    if split and len(wide) >= 2:
        for column, block in zip(st.columns(split), wide[:2]):
            with column:
                show(block)
        blocks = [b for b in blocks if b not in wide[:2]]
    for block in blocks:
        show(block)


def side_by_side(*sections: screen.Section) -> None:
    for column, s in zip(st.columns(len(sections)), sections):
        with column:
            section(s)


show(screen.caution(t))
cards = screen.key_figures(t, data)
for column, card in zip(st.columns(3) + st.columns(2), cards):   # legible from 1366 px to a projector
    column.metric(card.label, card.value, border=True, help=card.note, height="stretch")

section(screen.trends(t, data))
side_by_side(screen.channels(t, data), screen.losses(t, data))
section(screen.victims(t, data))
section(screen.offenders(t, data, ctx.shared(geo.outlines_for_maps)), split=[3, 2])
side_by_side(screen.recruitment(t, data), screen.national(t, data))

with st.expander(_("Definitions: modus operandi and channels"), key="cyber_definitions", on_change="rerun") as box:
    if box.open:
        st.dataframe(presented.screen_table(screen.definitions(t), t), hide_index=True, width="stretch")


def export_bytes() -> bytes:
    ctx.log_release("export", "cyber xlsx")
    view = ctx.call(cyber_view, ctx.scope.to("export"))
    stamp = ctx.call(presented.stamp, ctx.scope.to("export"), view.title)
    return exports.xlsx_bytes({view.key: view.frame}, stamp)


st.download_button(_("Cyber incidents by modus operandi and channel (XLSX)"), data=export_bytes,
                   file_name="cyber-threats.xlsx", icon=":material/download:", on_click="ignore",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
if ctx.profile.suppress_in_exports:
    st.caption(_("Small counts are suppressed in the export for this profile."))
