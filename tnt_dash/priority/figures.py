"""The page's figures (pure: frame in, Figure out; text arrives translated)."""
from __future__ import annotations

import numpy as np
import pandas as pd

ISO_RISKS = (10, 25, 50)     # the equal-risk curves drawn on the matrix


def matrix_figure(frame: pd.DataFrame, title: str, x_title: str, y_title: str, names: dict[str, str],
                  hover: str, top: int = 10, separators: str = ".,"):
    """Harm × likelihood: one bubble per area × market; size = incidents, opacity = confidence.

    `names`: legend names for 'top' and 'other', and 'risk', the label of an equal-risk curve
    ("{risk}" stands for its value); `hover`: a plotly hovertemplate over customdata
    [rank, area, market, score, confidence level]."""
    from ..figures import PALETTE, _layout, figure, update_layout
    size_ref = max(1.0, float(frame["incidents"].max())) if len(frame) else 1.0
    traces = []
    for part, colour, name, is_top in ((frame[frame["rank"] > top], PALETTE[0], names["other"], False),
                                       (frame[frame["rank"] <= top], PALETTE[3], names["top"], True)):
        trace = dict(
            type="scatter", x=part["likelihood"].tolist(), y=part["harm"].tolist(),
            mode="markers+text" if is_top else "markers", name=name, textposition="top center",
            marker={"color": colour, "size": (8 + 34 * np.sqrt(part["incidents"] / size_ref)).tolist(),
                    "opacity": part["confidence"].clip(0.15, 1.0).round(2).tolist(),
                    "line": {"width": 1, "color": "#333333"}},
            hovertemplate=hover)
        if is_top:
            trace["text"] = part["rank"].astype(str).tolist()
        if len(part):
            trace["customdata"] = np.column_stack([part["rank"], part["area_label"], part["market_label"],
                                                   part["score"].round(0), part["confidence_label"]]).tolist()
        traces.append(trace)
    grid = "rgba(128,128,128,0.2)"
    curve = {"dash": "dot", "color": "grey", "width": 1}
    # Curves of equal risk (100 × harm × likelihood = r), drawn as SVG paths from harm 1 to
    # likelihood 1, each labelled at its end: the matrix reads as a risk map on the fixed scale.
    shapes, notes = [], []
    for risk in ISO_RISKS:
        x = np.linspace(risk / 100, 1.0, 40)
        shapes.append({"type": "path", "xref": "x", "yref": "y", "line": curve,
                       "path": "M " + " L ".join(f"{a:.4f},{risk / 100 / a:.4f}" for a in x)})
        notes.append({"x": 1.0, "y": risk / 100, "xref": "x", "yref": "y", "showarrow": False, "xanchor": "right",
                      "yanchor": "bottom", "text": names.get("risk", "{risk}").format(risk=risk),
                      "font": {"size": 11, "color": "grey"}})
    fig = figure(traces, {
        "shapes": shapes, "annotations": notes,
        "xaxis": {"title": {"text": x_title}, "range": [-0.05, 1.05], "gridcolor": grid},
        "yaxis": {"title": {"text": y_title}, "range": [-0.05, 1.1], "gridcolor": grid}})
    fig = _layout(fig, title, 520)
    update_layout(fig, separators=separators, legend={"orientation": "h", "y": -0.2})
    return fig


def sensitivity_figure(frame: pd.DataFrame, title: str, x_title: str, names: dict[str, str], hover: str,
                       top: int = 20, separators: str = ".,"):
    """Rank under the chosen weights (dot) and its best–worst range under ±20 % weights (bar)."""
    from ..figures import PALETTE, _layout, figure, update_layout
    part = frame.head(top).iloc[::-1]
    labels = [f"{r}. {m} – {a}" for r, m, a in zip(part["rank"], part["market_label"], part["area_label"])]
    traces = [
        # ±0.4 around each end so that a rank that never moves still shows as a short bar.
        dict(type="bar", y=labels, x=(part["rank_max"] - part["rank_min"] + 0.8).tolist(),
             base=(part["rank_min"] - 0.4).tolist(), orientation="h", marker={"color": PALETTE[5]}, name=names["range"],
             customdata=np.column_stack([part["rank_min"], part["rank_max"]]).tolist(), hovertemplate=hover),
        dict(type="scatter", y=labels, x=part["rank"].tolist(), mode="markers",
             marker={"color": PALETTE[3], "size": 10}, name=names["rank"], hoverinfo="skip"),
    ]
    fig = figure(traces, {"xaxis": {"title": {"text": x_title}, "rangemode": "tozero",
                                    "gridcolor": "rgba(128,128,128,0.2)"},
                          "yaxis": {"automargin": True}})
    fig = _layout(fig, title, 120 + 26 * len(part))
    update_layout(fig, separators=separators, barmode="overlay", legend={"orientation": "h", "y": -0.15})
    return fig
