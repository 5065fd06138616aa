import streamlit as st

from tnt_dash import exports, presented
from tnt_dash.i18n import N_
from tnt_dash.trends import screen
from tnt_dash.trends.data import series_parts, split_parts
from tnt_dash.trends.drill import DRILL_PARAM, Drill, drill_from_selection, format_drill, market_families
from tnt_dash.trends.labels import series_labels, where_text
from tnt_dash.trends.periods import window
from tnt_dash.ui import frame

ctx = frame.page(N_("Regional trends"))
t, _ = ctx.t, ctx.t.gettext
CHART_CONFIG = {"displayModeBar": False}
NONCE = "trends_selection_nonce"   # a new chart key after each drill change clears the old selection
st.session_state.setdefault(NONCE, 0)


def set_drill(drill: Drill | None) -> None:
    if drill is None:
        st.query_params.pop(DRILL_PARAM, None)
    else:
        st.query_params[DRILL_PARAM] = format_drill(drill)
    st.session_state[NONCE] += 1


# --- Drill-down from the URL: every chart below reads the narrowed filters ----------------------
families = ctx.call(market_families)
filters, drill, problem = screen.drill_state(st.query_params.get(DRILL_PARAM), ctx.filters, families, t)

chosen = {}
for column, control in zip(st.columns([5, 2, 3]), screen.controls(t)):
    chosen[control.key] = frame.coded_widget(column.segmented_control, control.label, list(control.names),
                                             default=control.default, format_func=control.names.get, key=control.key,
                                             required=True, wrap=True) or control.default
by, grain, mode = chosen["tr_by"], chosen["tr_grain"], chosen["tr_chart"]

notice = screen.drill_notice(t, drill, problem, ctx.call(series_labels, drill.dimension, t) if drill else {})
if drill or problem:
    note, button = st.columns([6, 1], vertical_alignment="center")
    getattr(note, notice.kind)(notice.body, **({"icon": notice.icon} if notice.icon else {}))
    button.button(_("Back to all"), on_click=set_drill, args=(None,), icon=":material/undo:", type="primary",
                  width="stretch")
else:
    st.caption(notice.body)


def pick(event, dimension: str) -> None:
    """A chart selection narrows the page; the choice goes into the URL so the view can be shared."""
    picked = drill_from_selection(event, dimension)
    if picked is not None and picked != drill:
        set_drill(picked)
        st.rerun()


def table(block: screen.Block) -> None:
    """A table keyed by codes, shown under its translated headers."""
    config = {block.headers[code]: getattr(st.column_config, kind)(**options)
              for code, (kind, options) in block.columns.items()}
    st.dataframe(block.body.rename(columns=block.headers), hide_index=True, width="stretch", column_config=config)


def show(blocks: list[screen.Block]) -> None:
    for block in blocks:
        if block.kind == "chart" and block.key:
            pick(st.plotly_chart(block.body, width="stretch", config=CHART_CONFIG, on_select="rerun",
                                 key=f"{block.key}_{st.session_state[NONCE]}"), block.select)
        elif block.kind == "chart":
            st.plotly_chart(block.body, width="stretch", config=CHART_CONFIG)
        elif block.kind == "table":
            table(block)
        else:
            getattr(st, block.kind)(block.body, **({"icon": block.icon} if block.icon else {}))


bounds = ctx.call(window, filters, ctx.profile, grain)
if bounds is None:
    st.info(_("No complete week or month lies in the chosen period: widen the period in the sidebar."))
    st.stop()
scope = ctx.scope.with_filters(filters)
data, season = ctx.call_together(*series_parts(scope, by, grain))
rates, *splits = ctx.call_together(*split_parts(scope, bounds, grain))
page = screen.Page(t, data, season, rates, splits, ctx.call(where_text, filters, t), by, grain, mode)

show(screen.series_chart(page))
show(screen.summary(page))
left, right = st.columns([3, 2])
with left:
    show(screen.rates_chart(page))
with right:
    show(screen.split_charts(page))
show(screen.rates_table(page))
show(screen.seasonality_chart(page))


def export_csv(export: screen.Export) -> bytes:
    ctx.log_release("export", f"trends_{export.name} csv", filters)
    view = ctx.call(export.builder, scope.to("export"), **export.kwargs)
    stamp = presented.stamp(ctx.con, scope.to("export"), view.title, period=page.period)
    return exports.to_bytes(view.frame, "csv", stamp)


for column, export in zip(st.columns(3), screen.exports(t, by, grain)):
    column.download_button(export.label, data=lambda export=export: export_csv(export), file_name=export.file_name,
                           mime="text/csv", icon=":material/download:", width="stretch", on_click="ignore")
