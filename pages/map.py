from functools import partial

import streamlit as st

from tnt_dash import figures, flows, geo, presented, queries
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Cross-border map"))
t, _ = ctx.t, ctx.t.gettext
NONCE = "map_selection_nonce"     # a new chart key after "clear" drops the chart's own selection
SIGNATURE = "map_selection_signature"
st.session_state.setdefault(NONCE, 0)
chart_key = f"map_chart_{st.session_state[NONCE]}"

# --- What the viewer clicked: the chart's selection, else the URL (a shared link) -----------------
state = st.session_state.get(chart_key)
selection = state.get("selection") if state else None
focus, signature, url_changed = flows.resolve_focus(st.query_params.get(flows.FOCUS_PARAM), selection,
                                                    st.session_state.get(SIGNATURE))
st.session_state[SIGNATURE] = signature
if url_changed:
    if focus is None:
        st.query_params.pop(flows.FOCUS_PARAM, None)
    else:
        st.query_params[flows.FOCUS_PARAM] = focus.param


def clear_focus() -> None:
    st.query_params.pop(flows.FOCUS_PARAM, None)
    st.session_state[NONCE] += 1
    st.session_state[SIGNATURE] = ""


controls = st.columns([2, 3, 3])
mode_names = {"areas": _("Areas"), "hexagons": _("Hexagons")}
mode = frame.coded_widget(
    controls[0].segmented_control, _("Incidents by place shown as"), list(flows.MAP_MODES), default="areas",
    format_func=mode_names.get, key="map_mode", required=True) or "areas"
country_names = ctx.call(queries.labels, "countries", t.lang)
# What the filters alone decide, then what the map selection narrows: each group is one cache
# entry whose queries run two at a time, and a click on the map reruns the second group only.
areas, countries, flow_frame, crossings = ctx.call_together(
    partial(flows.area_totals, ctx.filters, ctx.profile, t.lang), partial(flows.map_countries, ctx.filters, ctx.profile),
    partial(flows.flow_totals, ctx.filters, ctx.profile, t.lang), partial(flows.crossing_totals, ctx.filters, ctx.profile))
focused = [partial(flows.corridor_table, ctx.filters, ctx.profile, t, "screen", focus),
           partial(flows.market_totals, ctx.filters, ctx.profile, t.lang, focus)]
if focus is not None:
    focused += [partial(flows.flow_totals, ctx.filters, ctx.profile, t.lang, focus),
                partial(flows.crossing_totals, ctx.filters, ctx.profile, focus)]
table, markets, *narrowed = ctx.call_together(*focused)
focused_flows, focused_crossings = narrowed or (flow_frame, crossings)
zoom_options = ["all", *sorted(set(areas["iso3"]), key=lambda c: country_names.get(c, c))]
busiest = flows.busiest_territory(areas)
zoom = frame.coded_widget(
    controls[1].selectbox, _("Zoom to"), zoom_options, key="map_zoom",
    default=busiest if busiest in zoom_options else "all",
    format_func=lambda c: _("All territories in the filters") if c == "all" else country_names.get(c, c),
    help=_("Frames the map on one territory's areas and border crossings; the tables do not change."))
show_records = False
if ctx.profile.exact_coordinates:
    show_records = controls[2].toggle(
        _("Show the latest {n} individual records").format(n=flows.RECORDS_CAP), key="map_records",
        help=_("Exact positions within your clearance; never shown on the host-State shared screen."))
else:
    controls[2].caption(_("Individual records are not shown on this screen: places stay at admin-1 level."))
# --- The map ------------------------------------------------------------------------------------
period = flows.period_text(ctx.filters, t)
admin0 = geo.admin0_outlines(countries)
polygons = ctx.shared(flows.area_polygons, tuple(sorted(set(areas["iso3"])))) if mode == "areas" else None
cells = ctx.call(flows.hex_cells, ctx.filters, ctx.profile) if mode == "hexagons" else None
points = ctx.call(flows.record_points, ctx.filters, ctx.profile, t.lang) if show_records else None
operations_areas = ctx.shared(flows.operations_areas, tuple(sorted(set(areas["iso3"]))))
deck = flows.build_map(admin0, areas=areas, flows=flow_frame, crossings=crossings, t=t, focus=focus, mode=mode,
                       area_polygons=polygons, cells=cells, points=points, operations_areas=operations_areas,
                       country_names=country_names, view_iso3=None if zoom in (None, "all") else zoom)

st.subheader(_("Cross-border flows, areas and border crossings, {period}").format(period=period))
st.pydeck_chart(deck, height=620, on_select="rerun", selection_mode="single-object", key=chart_key,
                alt=_("Map of cross-border flows between countries, incidents by place and border crossings"))
disclaimer = _("The boundaries and names shown and the designations used on this map do not imply official "
               "endorsement or acceptance by the United Nations.")
if polygons and polygons.get("attribution"):   # the shipped admin-1 outlines require their credit
    # The credit in the page's language when it is the one the shipped file carries (a translation
    # of a licence credit names the same sources); an imported file's own credit as it is written.
    credit = polygons["attribution"]
    credit = _(geo.REFERENCE_ATTRIBUTION) if credit == geo.REFERENCE_ATTRIBUTION else credit
    disclaimer += " " + _("Admin-1 boundaries: {attribution}").format(attribution=credit)
st.caption(disclaimer)
st.markdown(flows.legend_html(flow_frame, t, mode, bool(polygons), bool(operations_areas)), unsafe_allow_html=True)
st.caption(_("Click an arc, an area or a border crossing to narrow the tables below; the selection is kept "
             "in the page address, so a copied link shows the same view."))

# --- The rest of the page follows the selection ---------------------------------------------------
if focus is not None:
    where = ctx.call(flows.focus_label, focus, t.lang)
    kind = {"corridor": _("Corridor"), "area": _("Admin-1 area"), "crossing": _("Border crossing")}[focus.kind]
    info, clear = st.columns([4, 1], vertical_alignment="center")
    info.info(_("Selected on the map – {kind}: {name}").format(kind=kind, name=where), icon=":material/filter_alt:")
    clear.button(_("Clear the map selection"), on_click=clear_focus, icon=":material/close:")
else:
    where = _("all areas in the filters")

st.subheader(_("Corridors ranked by incidents – {where}, {period}").format(where=where, period=period))
if table.empty:
    st.info(_("No cross-border incidents in this selection."))
else:
    st.dataframe(presented.marks_as_text(table, t), hide_index=True, width="stretch", height=min(38 + 35 * len(table), 460),
                 column_config={_("Main markets"): st.column_config.TextColumn(width="large")})
    st.caption(_("Trend: Mann-Kendall test on the weekly counts of the period (5 % level), with Sen's slope. "
                 "“<5”: fewer than 5 victims; “x”: hidden so that a “<5” cell cannot be worked out."))
labels = {"origin": _("Origin"), "transit": _("Transit"), "destination": _("Destination"),
          "incidents": _("incidents")}
st.plotly_chart(
    flows.sankey_figure(focused_flows, _("Origin → transit → destination – {where}, {period}").format(
        where=where, period=period), labels, separators=t.plotly_separators),
    width="stretch", config={"displayModeBar": False})
st.caption(_("Band width: number of cross-border incidents. Most flows have no known transit country and go "
             "straight from origin to destination."))

mcol, ccol = st.columns(2)
with mcol:
    top = markets.head(8)
    st.plotly_chart(
        figures.ranked_bars(top["market_label"].tolist(), top["incidents"].tolist(),
                            _("Top criminal markets – {where}, {period}").format(where=where, period=period),
                            _("Incidents"), separators=t.plotly_separators),
        width="stretch", config={"displayModeBar": False})
with ccol:
    used = focused_crossings[focused_crossings["incidents"] > 0].head(10)
    st.plotly_chart(
        figures.ranked_bars(used["name"].tolist(), used["incidents"].tolist(),
                            _("Busiest border crossings – {where}, {period}").format(where=where, period=period),
                            _("Incidents recorded at the crossing"), separators=t.plotly_separators),
        width="stretch", config={"displayModeBar": False})
