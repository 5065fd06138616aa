"""Figures for the Gender Officer's page: pure functions, frame in, Figure out.

Text arrives translated. A cell hidden by small-cell protection ("<5", "x") is never
plotted with its true value: heatmap cells are left blank with the mark as text, bars
and lines simply have no point there.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from ..figures import BASE_FONT, GRID, PALETTE, _layout, figure, update_layout

# Sequential, colour-blind-safe (single hue, light to dark), for shares.
SHARE_SCALE = [[0.0, "#F7FBFF"], [0.5, "#6BAED6"], [1.0, "#08306B"]]


def _hidden(value) -> bool:
    return isinstance(value, str)


def group_heatmap(rows: list[str], groups: list[str], counts: list[list], shares: list[list], title: str,
                  share_label: str, count_label: str, height: int | None = None,
                  separators: str = ".,") -> go.Figure:
    """Rows × victim groups: colour is the row share, text the count (or its mark when hidden)."""
    z = [[None if s is None else round(s * 100, 1) for s in row] for row in shares]
    text = [[str(c) if _hidden(c) else f"{int(c):,}".replace(",", separators[1]) for c in row] for row in counts]
    custom = [[("–" if s is None else f"{s * 100:.0f} %") for s in row] for row in shares]
    fig = figure([dict(
        type="heatmap", z=z, x=groups, y=rows, text=text, texttemplate="%{text}", textfont={"size": BASE_FONT - 1},
        customdata=custom, colorscale=SHARE_SCALE, zmin=0, zmax=100, xgap=2, ygap=2,
        colorbar={"title": {"text": share_label}, "ticksuffix": " %"},
        hovertemplate="%{y} · %{x}<br>" + count_label + ": %{text}<br>" + share_label + ": %{customdata}<extra></extra>",
    )], {"yaxis": {"autorange": "reversed", "automargin": True}})
    fig = _layout(fig, title, height or max(320, 110 + 34 * len(rows)))
    update_layout(fig, separators=separators, margin={"l": 10, "r": 10, "t": 56, "b": 10})
    return fig


def stacked_groups(labels: list[str], groups: list[str], counts: dict[str, list], title: str, x_title: str,
                   height: int | None = None, separators: str = ".,") -> go.Figure:
    """Horizontal stacked bars of victims per group; hidden cells are left out of the bar."""
    colours = [PALETTE[3], PALETTE[0], PALETTE[4], PALETTE[5], "#999999"]
    traces = [dict(type="bar", y=labels, x=[None if _hidden(v) else v for v in values], name=group, orientation="h",
                   marker={"color": colour}, hovertemplate="%{y} · " + group + ": %{x:,.0f}<extra></extra>")
              for colour, (group, values) in zip(colours, zip(groups, counts.values()))]
    fig = figure(traces, {"barmode": "stack", "yaxis": {"autorange": "reversed", "automargin": True},
                          "xaxis": {"title": {"text": x_title}, "rangemode": "tozero", "gridcolor": GRID}})
    fig = _layout(fig, title, height or max(300, 150 + 30 * len(labels)))
    # The legend sits at the foot of the figure (container coordinates), under the axis title: placed
    # in plot coordinates it would cover the title on short charts. It reads in the bars' order.
    update_layout(fig, separators=separators, margin={"b": 48},
                  legend={"orientation": "h", "x": 0, "yref": "container", "y": 0, "yanchor": "bottom",
                          "traceorder": "normal"})
    return fig


def weekly_trend(weeks: list[date], values: list[int | None], title: str, y_title: str, line_label: str,
                 trend_label: str | None = None, slope: float | None = None, height: int = 340,
                 separators: str = ".,") -> go.Figure:
    """Weekly counts as bars (hidden weeks have no bar) with Sen's slope line when a trend is named."""
    x = [f"{year}-W{week:02d}" for year, week, _ in (d.isocalendar() for d in weeks)]
    traces = [dict(type="bar", x=x, y=values, name=line_label, marker={"color": PALETTE[4]},
                   hovertemplate="%{x}: %{y:,.0f}<extra></extra>")]
    shown = [(i, v) for i, v in enumerate(values) if v is not None]
    if trend_label and slope is not None and shown:
        # Sen's line through the median point, as in the test: never drawn through hidden values' positions alone.
        import statistics
        mid_i = statistics.median(i for i, _ in shown)
        mid_v = statistics.median(v for _, v in shown)
        traces.append(dict(type="scatter", x=x, y=[mid_v + slope * (i - mid_i) for i in range(len(x))], mode="lines",
                           name=trend_label, line={"color": PALETTE[0], "width": 3, "dash": "dash"},
                           hoverinfo="skip"))
    fig = figure(traces, {"yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": GRID},
                          "xaxis": {"tickangle": -45, "nticks": 14}})
    fig = _layout(fig, title, height)
    # The legend above the plot, on the right: below it, it would cover the slanted week labels.
    update_layout(fig, separators=separators, showlegend=True,
                  legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"})
    return fig


def completeness_lines(frame: pd.DataFrame, value_col: str, title: str, y_title: str, threshold: float,
                       threshold_label: str, height: int = 360, separators: str = ".,") -> go.Figure:
    """Monthly completeness (share 0–1) per mission, one line each, with the threshold as a dashed line.

    `frame` holds label, month (a date), month_label (translated) and `value_col`; rows whose
    share is hidden (None) leave a gap.
    """
    def num(v) -> float | None:
        return None if v is None or pd.isna(v) else float(v) * 100

    # Plain lists, not a pandas sort and groupby: this chart is drawn twice on every rerun.
    n = len(frame)
    lows = frame[f"{value_col}_lo"].tolist() if f"{value_col}_lo" in frame else [None] * n
    highs = frame[f"{value_col}_hi"].tolist() if f"{value_col}_hi" in frame else [None] * n
    rows = sorted(zip(frame["month"].tolist(), range(n), frame["label"].tolist(), frame["month_label"].tolist(),
                      frame[value_col].tolist(), lows, highs), key=lambda row: (row[0], row[1]))
    order = list(dict.fromkeys(month_label for _, _, _, month_label, *_ in rows))
    series: dict = {}
    for _, _, label, month_label, exact, lo, hi in rows:
        if label is not None and not pd.isna(label):    # as groupby: a row without a label has no line
            series.setdefault(label, []).append((month_label, num(exact), num(lo), num(hi)))

    # Traces as plain dicts, turned into one unvalidated Figure at the end (figures.figure).
    traces = []
    for n_trace, label in enumerate(sorted(series)):
        x, y, err, text = [], [], [], []
        for month_label, exact, lo, hi in series[label]:
            x.append(month_label)
            if exact is not None:
                y.append(round(exact, 1)); err.append(0); text.append(f"{exact:.0f} %")
            elif lo is not None:
                # Protected: only the range the "<5" mark implies is known; draw it as a bar, not a value.
                y.append(round((lo + hi) / 2, 1)); err.append(round((hi - lo) / 2, 1))
                text.append(f"{lo:.0f}–{hi:.0f} %")
            else:
                y.append(None); err.append(0); text.append("–")
        traces.append({"type": "scatter", "x": x, "y": y, "name": str(label),
                       "mode": "lines+markers", "line": {"color": PALETTE[n_trace % len(PALETTE)], "width": 2},
                       "text": text, "error_y": {"type": "data", "array": err, "visible": any(err), "thickness": 1.5},
                       "hovertemplate": str(label) + " · %{x}: %{text}<extra></extra>"})
    values = [v for v in (lows if f"{value_col}_lo" in frame else frame[value_col].tolist())
              if v is not None and not pd.isna(v)]
    # Start the axis near the data (never above the threshold) so a 10-point drop is visible.
    floor = max(0.0, min(float(min(values)) * 100 if values else 0.0, threshold * 100) - 10)
    # The threshold as a layout shape and note, as add_hline makes them, without its subplot
    # bookkeeping.
    fig = figure(traces, {
        "shapes": [{"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y",
                    "y0": threshold * 100, "y1": threshold * 100,
                    "line": {"color": PALETTE[3], "dash": "dash", "width": 2}}],
        "annotations": [{"text": threshold_label, "showarrow": False, "xref": "x domain", "x": 0,
                         "xanchor": "left", "yref": "y", "y": threshold * 100, "yanchor": "top"}],
        "yaxis": {"title": {"text": y_title}, "range": [floor, 102], "ticksuffix": " %", "gridcolor": GRID},
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": order}})
    fig = _layout(fig, title, height)
    update_layout(fig, separators=separators, legend={"orientation": "v", "y": 1, "x": 1.01})
    return fig
