import streamlit as st

from tnt_dash import geo, presented, queries
from tnt_dash.crossborder import corridors, layers, screen
from tnt_dash.crossborder.selection import FOCUS_PARAM, resolve_focus
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Cross-border map"))
t, _ = ctx.t, ctx.t.gettext
NONCE = "map_selection_nonce"     # a new chart key after "clear" drops the chart's own selection
SIGNATURE = "map_selection_signature"
st.session_state.setdefault(NONCE, 0)
chart_key = f"map_chart_{st.session_state[NONCE]}"

# --- What the viewer clicked: the chart's selection, else the URL (a shared link) -----------------
state = st.session_state.get(chart_key) or {}
focus, signature, url_changed = resolve_focus(st.query_params.get(FOCUS_PARAM), state.get("selection"),
                                              st.session_state.get(SIGNATURE))
st.session_state[SIGNATURE] = signature
if url_changed:
    if focus is None:
        st.query_params.pop(FOCUS_PARAM, None)
    else:
        st.query_params[FOCUS_PARAM] = focus.param


def clear_focus() -> None:
    st.query_params.pop(FOCUS_PARAM, None)
    st.session_state[NONCE] += 1
    st.session_state[SIGNATURE] = ""


controls = st.columns([2, 3, 3])
mode = frame.coded_widget(
    controls[0].segmented_control, _("Incidents by place shown as"), list(layers.MAP_MODES), default="areas",
    format_func=screen.mode_names(t).get, key="map_mode", required=True) or "areas"
country_names = ctx.call(queries.labels, "countries", t.lang)
# What the filters alone decide, then what the map selection narrows: each group is one cache
# entry whose queries run two at a time, and a click on the map reruns the second group only.
areas, countries, flow_frame, crossings = ctx.call_together(*screen.filter_parts(ctx.scope))
table, markets, focused_flows, focused_crossings = screen.with_focus(
    ctx.call_together(*screen.focus_parts(ctx.scope, focus)), flow_frame, crossings)
zoom_options, default_zoom = screen.zoom_choices(areas, country_names)
zoom = frame.coded_widget(
    controls[1].selectbox, _("Zoom to"), zoom_options, key="map_zoom", default=default_zoom,
    format_func=screen.zoom_label(t, country_names),
    help=_("Frames the map on one territory's areas and border crossings; the tables do not change."))
show_records = False
if ctx.profile.exact_coordinates:
    show_records = controls[2].toggle(
        _("Show the latest {n} individual records").format(n=corridors.RECORDS_CAP), key="map_records",
        help=_("Exact positions within your clearance; never shown on the host-State shared screen."))
else:
    controls[2].caption(_("Individual records are not shown on this screen: places stay at admin-1 level."))
# --- The map ------------------------------------------------------------------------------------
period = screen.period_text(ctx.scope)
territories = screen.territories(areas)
polygons = ctx.shared(corridors.area_polygons, territories) if mode == "areas" else None
cells = ctx.call(corridors.hex_cells, ctx.filters, ctx.profile) if mode == "hexagons" else None
points = ctx.call(corridors.record_points, ctx.filters, ctx.profile, t.lang) if show_records else None
operations_areas = ctx.shared(corridors.operations_areas, territories)
deck = layers.build_map(geo.admin0_outlines(countries), areas=areas, flows=flow_frame, crossings=crossings, t=t,
                        focus=focus, mode=mode, area_polygons=polygons, cells=cells, points=points,
                        operations_areas=operations_areas, country_names=country_names,
                        view_iso3=screen.view_iso3(zoom))

st.subheader(_("Cross-border flows, areas and border crossings, {period}").format(period=period))
st.pydeck_chart(deck, height=620, on_select="rerun", selection_mode="single-object", key=chart_key,
                alt=_("Map of cross-border flows between countries, incidents by place and border crossings"))
st.caption(screen.disclaimer(polygons, t))
st.markdown(screen.legend_html(flow_frame, t, mode, bool(polygons), bool(operations_areas)), unsafe_allow_html=True)
st.caption(_("Click an arc, an area or a border crossing to narrow the tables below; the selection is kept "
             "in the page address, so a copied link shows the same view."))

# --- The rest of the page follows the selection ---------------------------------------------------
if focus is not None:
    where = ctx.call(corridors.focus_label, focus, t.lang)
    info, clear = st.columns([4, 1], vertical_alignment="center")
    info.info(_("Selected on the map – {kind}: {name}").format(kind=screen.focus_kind(focus, t), name=where),
              icon=":material/filter_alt:")
    clear.button(_("Clear the map selection"), on_click=clear_focus, icon=":material/close:")
else:
    where = _("all areas in the filters")

st.subheader(_("Corridors ranked by incidents – {where}, {period}").format(where=where, period=period))
if table.empty:
    st.info(_("No cross-border incidents in this selection."))
else:
    st.dataframe(presented.marks_as_text(table, t), hide_index=True, width="stretch", height=screen.table_height(table),
                 column_config={_("Main markets"): st.column_config.TextColumn(width="large")})
    st.caption(_("Trend: Mann-Kendall test on the weekly counts of the period (5 % level), with Sen's slope. "
                 "“<5”: fewer than 5 victims; “x”: hidden so that a “<5” cell cannot be worked out."))
chart_config = {"displayModeBar": False}
st.plotly_chart(screen.sankey(focused_flows, where, period, t), width="stretch", config=chart_config)
st.caption(_("Band width: number of cross-border incidents. Most flows have no known transit country and go "
             "straight from origin to destination."))
mcol, ccol = st.columns(2)
mcol.plotly_chart(screen.top_markets(markets, where, period, t), width="stretch", config=chart_config)
ccol.plotly_chart(screen.busiest_crossings(focused_crossings, where, period, t), width="stretch", config=chart_config)
