"""Plotly figures of the networks page: pure functions, frames in, figures out. Nothing here needs
the network at run time (no tiles, no CDN): the graph is plain scatter traces on a blank plane."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ..figures import figure

# Okabe-Ito, colour-blind safe; each node kind also has its own marker symbol.
NODE_STYLE = {"actor": ("#D55E00", "circle"), "area": ("#0072B2", "square"), "market": ("#009E73", "diamond"),
              "corridor": ("#CC79A7", "triangle-up")}
LINK_STYLE = {"alliance": ("#009E73", "solid"), "rivalry": ("#D55E00", "dash"), "supplier": ("#0072B2", "dot"),
              "splinter": ("#E69F00", "dashdot")}
WIDTH_BUCKETS = (1.0, 2.5, 4.5, 7.0)


def node_size(incidents: pd.Series, largest: float) -> list[float]:
    """Marker diameter in px: area proportional to activity, 10 to 46 px."""
    return [10 + 36 * math.sqrt(n / largest) if largest else 10 for n in incidents]


def network_figure(nodes: pd.DataFrame, edges: pd.DataFrame, kind_labels: dict[str, str], edge_labels: dict[str, str],
                   hover: str, selected: str | None = None, height: int = 620, separators: str = ".,") -> go.Figure:
    """The link graph. `kind_labels` names the node kinds, `edge_labels` the edge kinds (legend);
    `hover` is the node hovertemplate over customdata [key, kind label, label, incidents, fatalities].
    Edge width: incidents shared (bucketed: plotly draws one width per trace)."""
    # Traces as plain dicts, made into one unvalidated Figure (figures.figure): Plotly's objects
    # were most of the page's time with every query cached.
    where = {axis: dict(zip(nodes["key"], nodes[axis].astype(float))) for axis in ("x", "y")}
    largest_edge = max([float(n) for n in edges["incidents"].dropna()] or [1.0])
    activity = edges[edges["incidents"].notna()]
    data: list[dict] = []
    legend_shown = False
    for i, width in enumerate(WIDTH_BUCKETS):
        lo, hi = largest_edge * i / len(WIDTH_BUCKETS), largest_edge * (i + 1) / len(WIDTH_BUCKETS)
        part = activity[(activity["incidents"] > lo) & (activity["incidents"] <= hi)]
        if part.empty:
            continue
        data.append({"type": "scatter", "x": _segments(part, where["x"]), "y": _segments(part, where["y"]),
                     "mode": "lines", "line": {"width": width, "color": "rgba(90,90,90,0.35)"}, "hoverinfo": "skip",
                     "name": edge_labels["activity"], "legendgroup": "activity", "showlegend": not legend_shown})
        legend_shown = True
    for kind, (colour, dash) in LINK_STYLE.items():
        part = edges[edges["kind"] == kind]
        if part.empty:
            continue
        data.append({"type": "scatter", "x": _segments(part, where["x"]), "y": _segments(part, where["y"]),
                     "mode": "lines", "line": {"width": 2.5, "color": colour, "dash": dash}, "hoverinfo": "skip",
                     "name": edge_labels[kind]})
    largest = float(nodes["incidents"].max()) if len(nodes) else 1.0
    for kind, (colour, symbol) in NODE_STYLE.items():
        part = nodes[nodes["kind"] == kind]
        if part.empty:
            continue
        is_actor = kind == "actor"
        keys = part["key"].tolist()
        data.append({
            "type": "scatter", "x": part["x"].to_numpy(), "y": part["y"].to_numpy(), "mode": "markers+text",
            "name": kind_labels[kind], "text": _labels(part, LABELLED.get(kind, 0)),
            "textposition": _positions(part) if is_actor else "bottom center",
            "textfont": {"size": 13 if is_actor else 11, "color": "#222" if is_actor else colour},
            "marker": {"size": node_size(part["incidents"], largest), "color": colour, "symbol": symbol,
                       "line": {"width": [3 if k == selected else 1 for k in keys],
                                "color": ["#111" if k == selected else "white" for k in keys]},
                       "opacity": 0.9},
            "customdata": [[k, kind_labels[kind], label, int(n), int(f)] for k, label, n, f in
                           part[["key", "label", "incidents", "fatalities"]].itertuples(index=False)],
            "hovertemplate": hover})
    layout = {"height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "clickmode": "event+select",
              "dragmode": "pan", "separators": separators, "plot_bgcolor": "rgba(0,0,0,0)",
              "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
              "xaxis": {"visible": False, "range": [-1.12, 1.12]},
              "yaxis": {"visible": False, "range": [-1.1, 1.15]}}
    return figure(data, layout)


def _segments(edges: pd.DataFrame, where: dict) -> list:
    """Line segments between the edges' ends, None between two: one trace draws them all."""
    out: list = []
    for a, b in zip(edges["a"], edges["b"]):
        out += [where[a], where[b], None]
    return out


# Nodes named on the graph, most active first, per kind; every node is named on hover.
LABELLED = {"actor": 8, "market": 4, "area": 4, "corridor": 3}


def _labels(part: pd.DataFrame, shown: int) -> list[str]:
    named = set(part.sort_values("incidents", ascending=False, kind="stable")["key"].head(shown))
    return [_short(label) if key in named else "" for key, label in zip(part["key"], part["label"])]


def _positions(part: pd.DataFrame) -> list[str]:
    """Group names above and below their node in turn (by activity): neighbouring groups, often of
    one country, then rarely write over each other."""
    order = part["incidents"].rank(method="first", ascending=False).astype(int)
    return ["top center" if n % 2 else "bottom center" for n in order]


def _short(label: str, width: int = 36) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def picked_node(selection) -> str | None:
    """The node key of a chart click (st.plotly_chart(on_select=...)'s selection), or None. Edge
    traces carry no customdata, so only a node can be picked."""
    points = (selection or {}).get("points") or []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, (list, tuple)) and data and isinstance(data[0], str) and ":" in data[0]:
            return data[0]
    return None


def activity_figure(series: pd.DataFrame, title: str, y_title: str, name: str, hover: str,
                    separators: str = ".,") -> go.Figure:
    """Incidents per month of one group (bars); `series` has the month's label (in the page's
    language: plotly would write English month names) and its incidents."""
    fig = go.Figure(go.Bar(x=series["label"], y=series["incidents"], name=name, marker_color="#D55E00",
                           hovertemplate=hover))
    fig.update_layout(title=title, height=300, margin=dict(l=10, r=10, t=40, b=10), separators=separators,
                      yaxis_title=y_title, bargap=0.15, xaxis_type="category")
    return fig
