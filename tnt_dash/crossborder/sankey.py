"""Origin → transit → destination as a plotly Sankey: the flows frame in, a Figure out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..figures import figure


def sankey_figure(flows: pd.DataFrame, title: str, labels: dict[str, str], height: int = 560,
                  separators: str = ".,", max_links: int = 24) -> go.Figure:
    """Origin → transit → destination. A country may appear in two columns (Haiti sends and
    receives), so nodes are per column; flows with no transit go straight across.

    ``labels`` maps "origin", "transit", "destination" and "incidents" to translated words.
    Only the ``max_links`` largest links are drawn: beyond about two dozen, the labels of a
    Sankey overlap on a projector; the corridor table lists every corridor.
    """
    traces = []
    if not flows.empty:
        legs: dict[tuple[str, str], float] = {}
        for row in flows.itertuples(index=False):
            transit = row.transit_label if isinstance(row.transit, str) else None
            stops = [("o", row.origin_label), *([("t", transit)] if transit else []), ("d", row.destination_label)]
            for start, end in zip(stops, stops[1:]):
                legs[(start, end)] = legs.get((start, end), 0) + float(row.incidents)
        ranked = sorted(legs.items(), key=lambda kv: -kv[1])[:max_links]
        nodes: list[tuple[str, str]] = []
        for (start, end), _ in ranked:
            for node in (start, end):
                if node not in nodes:
                    nodes.append(node)
        index = {node: n for n, node in enumerate(nodes)}
        role = {"o": labels["origin"], "t": labels["transit"], "d": labels["destination"]}
        colours = {"o": "#0072B2", "t": "#E69F00", "d": "#009E73"}
        traces.append(dict(
            type="sankey", arrangement="snap",
            node={"label": [name for _, name in nodes], "pad": 14, "thickness": 18,
                  "color": [colours[c] for c, _ in nodes],
                  "customdata": [role[c] for c, _ in nodes],
                  "hovertemplate": "%{label} (%{customdata}): %{value:,.0f} " + labels["incidents"]
                                   + "<extra></extra>"},
            link={"source": [index[s] for (s, _), _ in ranked], "target": [index[e] for (_, e), _ in ranked],
                  "value": [v for _, v in ranked], "color": "rgba(120,120,120,0.35)",
                  "hovertemplate": "%{source.label} → %{target.label}: %{value:,.0f} " + labels["incidents"]
                                   + "<extra></extra>"},
            valueformat=",.0f",
        ))
    return figure(traces, dict(
        title={"text": title, "font": {"size": 20}, "x": 0, "xanchor": "left"},
        font={"size": 16}, height=height, margin={"l": 10, "r": 10, "t": 56, "b": 30},
        paper_bgcolor="rgba(0,0,0,0)", separators=separators,
        annotations=[
            {"text": f"<b>{labels['origin']}</b>", "x": 0, "y": -0.06, "xref": "paper", "yref": "paper",
             "showarrow": False, "xanchor": "left", "font": {"size": 15}},
            {"text": f"<b>{labels['transit']}</b>", "x": 0.5, "y": -0.06, "xref": "paper", "yref": "paper",
             "showarrow": False, "xanchor": "center", "font": {"size": 15}},
            {"text": f"<b>{labels['destination']}</b>", "x": 1, "y": -0.06, "xref": "paper", "yref": "paper",
             "showarrow": False, "xanchor": "right", "font": {"size": 15}},
        ],
    ))
