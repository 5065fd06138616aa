import streamlit as st

from tnt_dash import exports, presented
from tnt_dash.i18n import N_
from tnt_dash.networks import exports as network_exports, figures, graph, group as groups
from tnt_dash.ui import frame, networks as sections

ctx = frame.page(N_("Criminal networks"))
t, _ = ctx.t, ctx.t.gettext

# A click on the graph (the chart's selection, kept from the last run) focuses the page on its node;
# the focus is in the link (?node=area:HT-OU) so it can be shared.
state = st.session_state


def clear_focus() -> None:
    # The chart's selection goes too, or the node clicked last would focus the page again, and a
    # second click on it would change nothing.
    st.query_params.pop("node", None)
    state.pop("netgraph", None)
    state.pop("_net_picked", None)


picked = figures.picked_node((state.get("netgraph") or {}).get("selection"))
if picked and picked != state.get("_net_picked"):
    state["_net_picked"] = picked
    st.query_params["node"] = picked
focus = st.query_params.get("node")
try:
    parsed = graph.parse_focus(focus)
except ValueError:
    st.warning(_("The node in the link is not valid; the whole graph is shown."))
    focus, parsed = None, None

about_col, top_col = st.columns([3, 1])
about_col.caption(_("Analytic picture of who is behind the markets: criminal groups, the areas, markets and corridors "
                    "of their incidents, the groups active in the same area and month, and the links the analyst "
                    "recorded. Click a node to focus the page on it."))
focus_col = about_col
top = top_col.slider(_("Criminal groups shown (most active first)"), 3, graph.MAX_TOP, graph.DEFAULT_TOP, key="ntop")
net = ctx.call(graph.network, ctx.scope, top, focus)
if parsed:
    kinds = {k: _(v) for k, v in graph.NODE_LABELS.items()}
    named = dict(zip(net.nodes["key"], net.nodes["label"])).get(focus, parsed[1])
    focus_col.markdown(_("Focused on {kind}: **{code}**").format(kind=kinds[parsed[0]].lower(), code=named))
    focus_col.button(_("Show the whole graph"), icon=":material/zoom_out_map:", on_click=clear_focus)
if net.nodes.empty:
    if ctx.profile.releasable_to_host_state:
        st.info(_("No criminal group has been released to this host State: the actor graph is not shown."))
    else:
        st.info(_("No incident in view is attributed to a known criminal group."))
    st.stop()
hover = ("<b>%{customdata[2]}</b><br>%{customdata[1]}<br>" + _("Incidents") + ": %{customdata[3]}<br>"
         + _("Fatalities") + ": %{customdata[4]}<extra></extra>")
fig = figures.network_figure(net.nodes, net.edges, {k: _(v) for k, v in graph.NODE_LABELS.items()},
                             {k: _(v) for k, v in graph.EDGE_LABELS.items()}, hover, selected=focus,
                             height=520 if ctx.presentation else 560, separators=t.plotly_separators)
st.plotly_chart(fig, width="stretch", key="netgraph", on_select="rerun", selection_mode="points",
                config={"displayModeBar": False, "scrollZoom": True})
st.caption(_("{shown} of {total} criminal groups with incidents in view (the sidebar's period and filters). "
             "Node size: incidents. Line width: incidents the two nodes share (a group's incidents in an area, "
             "market or corridor; for two groups, their incidents in the areas and months where both were "
             "active).").format(shown=t.number(net.actors_shown), total=t.number(net.actors_total)))

actors = ctx.call(groups.actors_in_view, ctx.scope)
options = list(actors["actor_id"])
label = dict(zip(actors["actor_id"], actors["actor"]))
if parsed and parsed[0] == "actor" and parsed[1] in label:
    state["nactor"] = parsed[1]
elif state.get("nactor") not in label:
    state["nactor"] = next((k.split(":", 1)[1] for k in net.nodes["key"] if k.startswith("actor:")), options[0])
st.divider()
chosen = st.selectbox(_("Criminal group"), options, format_func=label.get, key="nactor")
sections.group_section(ctx, chosen)

st.divider()


def export(view_fn, name: str):
    def build() -> bytes:
        ctx.log_release("export", f"{name} xlsx")
        view = view_fn(ctx.con, ctx.scope.to("export"))
        return exports.to_bytes(view.frame, "xlsx", presented.stamp(ctx.con, ctx.scope.to("export"), view.title))
    return build


left, right = st.columns(2)
left.download_button(_("Download the actor register (XLSX)"), data=export(network_exports.actors_view, "actors"),
                     file_name="actors.xlsx", icon=":material/download:", on_click="ignore",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
right.download_button(_("Download the links between actors (XLSX)"),
                      data=export(network_exports.links_view, "actor_links"), file_name="actor_links.xlsx",
                      icon=":material/download:", on_click="ignore",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
