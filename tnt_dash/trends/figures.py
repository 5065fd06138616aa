"""Figures of the Regional trends page: pure functions, small frame in, Figure out.

Every text arrives translated. Each trace point carries its series key in customdata so
that a click or box selection can narrow the page (drill.drill_from_selection).
"""
from __future__ import annotations

import functools
import math
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from ..figures import BASE_FONT, PALETTE, _layout, figure, json_dates, update_layout
from .dimensions import NOT_RECORDED, OTHERS

# The yellow of the Okabe–Ito set is unreadable as a thin line on white, and black is kept
# for the moving average; catch-all series are grey so that they never look like a market.
SERIES_COLOURS = [PALETTE[i] for i in (0, 1, 2, 3, 4, 5)] + ["#7A5195"]
CATCH_ALL_COLOURS = {OTHERS: "#AAAAAA", NOT_RECORDED: "#6E6E6E"}
GRID = "rgba(128,128,128,0.25)"
# Red above the market's average month, blue below. Spelt out rather than named: Plotly.js knows no
# reversed ("_r") scales, Python's validation resolves the name, and the figures are not validated.
SEASON_SCALE = [list(step) for step in go.Heatmap(colorscale="RdBu_r").colorscale]


def series_colours(keys: list[str]) -> dict[str, str]:
    colours, n = {}, 0
    for key in keys:
        if key in CATCH_ALL_COLOURS:
            colours[key] = CATCH_ALL_COLOURS[key]
        else:
            colours[key] = SERIES_COLOURS[n % len(SERIES_COLOURS)]
            n += 1
    return colours


def _iso(day) -> str:
    return pd.Timestamp(day).date().isoformat()


def _date_ticks(periods: list, period_label: Callable, most: int = 8) -> dict:
    """The x axis' tick settings, labels written by the caller (Babel), not by plotly: plotly's
    month names are English whatever the page language, and its locale files would come from a CDN."""
    periods = sorted(set(periods))
    step = max(1, math.ceil(len(periods) / most))
    shown = periods[::step]
    return {"tickmode": "array", "tickvals": json_dates(shown), "ticktext": [period_label(p) for p in shown]}


def _once_each(period_label: Callable) -> Callable:
    """period_label remembering its answers: every series has the same periods, and formatting a
    Babel date for each of a few thousand points would outweigh building the chart."""
    return functools.lru_cache(maxsize=None)(period_label)


def stacked_series(series: pd.DataFrame, order: list[str], total: pd.DataFrame, *, grain: str, title: str,
                   subtitle: str | None = None, y_title: str, x_title: str, ma_label: str, unit: str,
                   separators: str = ".,", height: int = 460, period_label: Callable = _iso) -> go.Figure:
    """Stacked areas, one per series in `order` (largest first), and the total's moving average."""
    colours = series_colours(order)
    period_label = _once_each(period_label)
    # Traces as plain dicts, made into one unvalidated Figure (figures.figure). Numbers and dates go
    # in as numpy arrays: Plotly sends those as compact typed arrays.
    parts = dict(tuple(series.groupby("key", sort=False)))
    data = []
    for key in order:
        part = parts.get(key)
        if part is None or part.empty:
            continue
        label = part["label"].iloc[0]
        data.append({
            "type": "scatter", "x": part["period"].to_numpy(), "y": part["incidents"].to_numpy(), "name": label,
            "stackgroup": "all", "mode": "lines+markers", "line": {"color": colours[key], "width": 1},
            "marker": {"size": 4}, "customdata": [[key, period_label(p)] for p in part["period"]],
            "hovertemplate": f"<b>{_escape(label)}</b><br>%{{customdata[1]}}: %{{y:,.0f}} {_escape(unit)}<extra></extra>"})
    data.append({
        "type": "scatter", "x": total["period"].to_numpy(), "y": total["moving_average"].to_numpy(), "name": ma_label,
        "mode": "lines", "line": {"color": "#000000", "width": 3, "dash": "dash"},
        "customdata": [period_label(p) for p in total["period"]],
        "hovertemplate": f"{_escape(ma_label)}<br>%{{customdata}}: %{{y:,.1f}}<extra></extra>"})
    fig = figure(data, {"xaxis": {"title": {"text": x_title}, **_date_ticks(list(total["period"]), period_label)},
                        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": GRID}})
    fig = _titled(fig, title, subtitle, height)
    update_layout(fig, separators=separators, hovermode="closest", legend={"orientation": "h", "y": -0.2},
                      clickmode="event+select")
    return fig


def small_multiples(series: pd.DataFrame, order: list[str], *, grain: str, title: str, y_title: str,
                    subtitle: str | None = None, bar_label: str, ma_label: str, unit: str,
                    separators: str = ".,", columns: int = 2, panel_height: int = 190,
                    period_label: Callable = _iso) -> go.Figure:
    """One panel per series: bars per period and the series' own moving average.

    Each panel has its own y scale (the panel title names the series): a market with 40
    incidents a week would otherwise flatten one with 3.
    """
    period_label = _once_each(period_label)
    parts = dict(tuple(series.groupby("key", sort=False)))
    keys = [k for k in order if k in parts]
    labels = [parts[k]["label"].iloc[0] for k in keys]
    rows = max(1, math.ceil(len(keys) / columns))
    layout = _grid(rows, columns, labels, vertical_spacing=min(0.12, 0.35 / rows), horizontal_spacing=0.07)
    data = []
    for n, (key, label) in enumerate(zip(keys, labels)):
        part = parts[key]
        periods = part["period"].to_numpy()
        custom = [[key, period_label(p)] for p in part["period"]]
        axis = "" if n == 0 else str(n + 1)     # panels fill the grid row by row, as make_subplots numbers them
        data.append(dict(
            type="bar", x=periods, y=part["incidents"].to_numpy(), name=bar_label, marker={"color": PALETTE[0]},
            showlegend=n == 0, legendgroup="bars", customdata=custom, xaxis="x" + axis, yaxis="y" + axis,
            hovertemplate=f"<b>{_escape(label)}</b><br>%{{customdata[1]}}: %{{y:,.0f}} {_escape(unit)}<extra></extra>"))
        data.append(dict(
            type="scatter", x=periods, y=part["moving_average"].to_numpy(), name=ma_label, mode="lines",
            showlegend=n == 0, legendgroup="ma", line={"color": "#000000", "width": 2.5}, customdata=custom,
            xaxis="x" + axis, yaxis="y" + axis,
            hovertemplate=f"{_escape(ma_label)}<br>%{{customdata[1]}}: %{{y:,.1f}}<extra></extra>"))
        title_props = {"font": {"size": BASE_FONT - 3}}
        if n % columns == 0:
            title_props["text"] = y_title
        layout["yaxis" + axis].update(rangemode="tozero", gridcolor=GRID, title=title_props)
    # Shared x axes hide the dates on every panel but the last row; a panel read alone needs them.
    ticks = _date_ticks(list(series["period"]), period_label, most=6)
    for name, props in layout.items():
        if name.startswith("xaxis"):
            props.update(showticklabels=True, **ticks)
    fig = figure(data, layout)
    fig = _titled(fig, title, subtitle, rows * panel_height + 140, top=110)
    update_layout(fig, separators=separators, bargap=0.15, legend={"orientation": "h", "y": -0.08},
                      clickmode="event+select", margin={"l": 10, "r": 20, "b": 10})
    return fig


def ranked(frame: pd.DataFrame, *, value_col: str, title: str, x_title: str, subtitle: str | None = None, text: list[str] | None = None,
           hover: list[str] | None = None, separators: str = ".,", height: int | None = None,
           colour: str = PALETTE[0]) -> go.Figure:
    """Horizontal bars, largest on top, one per row of `frame` (key, label, value_col)."""
    frame = frame.iloc[::-1].reset_index(drop=True)
    text = list(reversed(text)) if text is not None else None
    hover = list(reversed(hover)) if hover is not None else frame["label"].tolist()
    bar = dict(type="bar", x=frame[value_col].astype(float).to_numpy(), y=frame["label"].tolist(), orientation="h",
               marker={"color": colour}, textposition="outside", cliponaxis=False,
               customdata=[[k, h] for k, h in zip(frame["key"], hover)],
               hovertemplate="%{customdata[1]}<extra></extra>")
    if text is not None:
        bar["text"] = text
    fig = figure([bar], {"xaxis": {"title": {"text": x_title}, "rangemode": "tozero", "gridcolor": GRID}})
    fig = _titled(fig, title, subtitle, height or max(240, 44 * len(frame) + 140))
    update_layout(fig, separators=separators, clickmode="event+select", margin={"l": 10, "r": 90, "b": 10})
    return fig


def seasonality_heatmap(frame: pd.DataFrame, month_names: list[str], *, title: str, colour_title: str,
                        subtitle: str | None = None,
                        hover: str, separators: str = ".,", height: int | None = None) -> go.Figure:
    """Month of year (columns) × market (rows), coloured by the seasonal index (100 = average month).

    `hover` is a template with the placeholders {market}, {month}, {index}, {mean}.
    """
    grid = frame.pivot(index="label", columns="month", values="index").reindex(columns=range(1, 13))
    means = frame.pivot(index="label", columns="month", values="mean").reindex(columns=range(1, 13))
    grid = grid.iloc[::-1]
    means = means.loc[grid.index]
    template = hover.format(market="%{y}", month="%{x}", index="%{z:.0f}", mean="%{customdata:,.1f}")
    spread = max(25.0, float((grid - 100).abs().max().max() if grid.notna().any().any() else 25))
    fig = figure([dict(
        type="heatmap", z=grid.to_numpy(), x=month_names, y=list(grid.index), customdata=means.to_numpy(),
        colorscale=SEASON_SCALE, zmid=100, zmin=100 - spread, zmax=100 + spread, xgap=2, ygap=2,
        colorbar={"title": {"text": colour_title, "side": "right"}, "thickness": 14},
        hovertemplate=template + "<extra></extra>")], {"xaxis": {"side": "bottom"}})
    fig = _titled(fig, title, subtitle, height or max(320, 30 * len(grid) + 150))
    update_layout(fig, separators=separators, margin={"l": 10, "r": 10, "b": 10})
    return fig


def _grid(rows: int, cols: int, titles: list[str], *, vertical_spacing: float, horizontal_spacing: float) -> dict:
    """The layout make_subplots(rows, cols, shared_xaxes=True, subplot_titles=titles, ...) starts from,
    as a plain dict: make_subplots builds a validated figure, slowly, property by property.

    Axes are numbered row by row from the top left; the x axes of a column match the bottom one
    (whose tick labels alone are shown); each title sits centred above its panel. The arithmetic is
    make_subplots' own, so that the domains come out the same to the last bit."""
    widths = [(1.0 - horizontal_spacing * (cols - 1)) / cols] * cols
    heights = [(1.0 - vertical_spacing * (rows - 1)) / rows] * rows
    layout, annotations = {}, []
    for r in range(rows):
        below = rows - 1 - r                     # rows under this one: the grid is laid out from the bottom
        y0 = sum(heights[:below]) + below * vertical_spacing
        y1 = min(1.0, y0 + heights[-1 - r])
        y0 = max(0.0, y0)
        for c in range(cols):
            x0 = sum(widths[:c]) + c * horizontal_spacing
            x1 = x0 + widths[c]
            n = r * cols + c + 1
            suffix = "" if n == 1 else str(n)
            xaxis = {"anchor": "y" + suffix, "domain": [max(0.0, x0), min(1.0, x1)]}
            if r < rows - 1:
                bottom = (rows - 1) * cols + c + 1
                xaxis.update(matches="x" + ("" if bottom == 1 else str(bottom)), showticklabels=False)
            layout["xaxis" + suffix] = xaxis
            layout["yaxis" + suffix] = {"anchor": "x" + suffix, "domain": [y0, y1]}
            if n <= len(titles) and titles[n - 1]:
                annotations.append({"font": {"size": BASE_FONT}, "showarrow": False, "text": titles[n - 1],
                                    "x": (x0 + x1) / 2.0, "xanchor": "center", "xref": "paper", "y": y1,
                                    "yanchor": "bottom", "yref": "paper"})
    if annotations:
        layout["annotations"] = annotations
    return layout


def _titled(fig: go.Figure, title: str, subtitle: str | None, height: int, top: int = 86) -> go.Figure:
    """The house layout, with where and when as a subtitle line: one long line would be cut
    off in a half-width column at 1366 px, and plotly does not wrap titles."""
    fig = _layout(fig, title, height)
    if subtitle:
        update_layout(fig, title={"subtitle": {"text": subtitle, "font": {"size": BASE_FONT - 1}}})
    update_layout(fig, margin={"t": top if subtitle else 56})
    return fig


def _escape(text: str) -> str:
    # A label inside a hovertemplate must not open a %{...} field of its own.
    return str(text).replace("{", "(").replace("}", ")")
