"""The capacity-building figures, pure functions: a frame in, a plotly Figure out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..figures import GRID, PALETTE, _layout, figure, json_dates, update_layout
from ..i18n import I18n
from .definitions import AREAS, PARITY_TARGET, TOTAL


def calendar_figure(counts: pd.DataFrame, t: I18n, period: str) -> go.Figure:
    """Monthly heat strip: one row per activity type, one column per month, colour = activities."""
    _ = t.gettext
    # The same table as pivot_table(index="type_label", columns="month", aggfunc="sum", fill_value=0), in half the time.
    table = counts.groupby(["type_label", "month"])["activities"].sum().unstack("month", fill_value=0)
    months = [t.date(m, "MMM y") for m in table.columns]
    z = table.to_numpy().tolist()
    fig = figure([dict(
        type="heatmap", z=z, x=months, y=list(table.index), texttemplate="%{text}",
        text=[[str(v) if v else "" for v in row] for row in z],   # blank, not 0: the eye finds the busy months
        colorscale=[[0, "#F2F2F2"], [0.001, "#D6E6F4"], [1, PALETTE[0]]], xgap=2, ygap=2,
        colorbar={"title": {"text": _("Activities")}},
        hovertemplate="%{y} · %{x}: %{z}<extra></extra>")],
        {"xaxis": {"title": {"text": _("Month (start of the activity)")}, "side": "bottom"},
         "yaxis": {"autorange": "reversed"}})
    fig = _layout(fig, _("Activities per month by type, {period}").format(period=period), 120 + 34 * len(table))
    update_layout(fig, separators=t.plotly_separators, margin={"l": 10, "r": 20, "t": 56, "b": 10})
    return fig


def parity_figure(table: pd.DataFrame, t: I18n, period: str) -> go.Figure:
    """Share of women among participants and speakers per unit, with the 50 % target line."""
    _ = t.gettext
    data = table[table["mission"] != TOTAL].iloc[::-1]
    units = data["unit_label"].tolist()
    traces = []
    for column, name, colour in (("share_participants", _("Participants"), PALETTE[0]),
                                 ("share_speakers", _("Speakers"), PALETTE[1])):
        values = [None if v is None or v != v else v * 100 for v in data[column].tolist()]
        traces.append(dict(type="bar", y=units, x=values, name=name, orientation="h", marker={"color": colour},
                           text=[None if v is None else t.percent(v / 100) for v in values], textposition="outside",
                           cliponaxis=False, hovertemplate="%{y}: %{x:.0f} %<extra>" + name + "</extra>"))
    target = PARITY_TARGET * 100
    # The dashed target line and its label, as fig.add_vline(..., annotation_position="top") makes them.
    fig = figure(traces, {
        "shapes": [{"type": "line", "x0": target, "x1": target, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                    "line": {"color": PALETTE[3], "dash": "dash", "width": 2}}],
        "annotations": [{"text": _("Parity target 50%"), "showarrow": False, "x": target, "xref": "x",
                         "xanchor": "center", "y": 1, "yref": "y domain", "yanchor": "bottom"}],
        "xaxis": {"title": {"text": _("Women (% of participants or speakers of known sex)")}, "range": [0, 105],
                  "gridcolor": GRID}})
    fig = _layout(fig, _("Share of women among people of known sex, by mission, {period}").format(period=period),
                  140 + 44 * len(data))
    update_layout(fig, barmode="group", separators=t.plotly_separators, legend={"orientation": "h", "y": -0.12},
                      margin={"l": 10, "r": 50, "t": 56, "b": 10})
    return fig


def scorecard_figure(card: pd.DataFrame, t: I18n) -> go.Figure:
    """The scorecard as a heat map: criteria (rows) × missions (columns), % of the maximum."""
    _ = t.gettext
    missions = [c for c in card.columns if c not in ("area_label", "criterion_label")]
    values = card[missions].to_numpy(dtype=float).tolist()
    fig = figure([dict(
        type="heatmap", z=values, x=missions,
        y=[f"{a} · {c}" for a, c in zip(card["area_label"], card["criterion_label"])],
        text=[["" if v != v else f"{v:.0f}" for v in row] for row in values], texttemplate="%{text}",
        zmin=0, zmax=100, colorscale=[[0, "#F7F7F7"], [1, PALETTE[0]]], xgap=2, ygap=2,
        colorbar={"title": {"text": _("% of the maximum")}},
        hovertemplate="%{y}<br>%{x}: %{z:.0f} %<extra></extra>")],
        {"yaxis": {"autorange": "reversed"}, "xaxis": {"side": "top"}})
    fig = _layout(fig, _("Latest assessment per mission: score as % of the maximum, by criterion"),
                  140 + 40 * len(card))
    update_layout(fig, separators=t.plotly_separators, margin={"l": 10, "r": 20, "t": 90, "b": 10})
    return fig


def trend_figure(trend: pd.DataFrame, t: I18n, area: str) -> go.Figure:
    """Score over successive assessments, one line per mission, for one area."""
    _ = t.gettext
    data = trend[trend["area"] == area]
    traces = [dict(type="scatter", x=json_dates(rows["assessed_on"]), y=rows["pct"].tolist(), mode="lines+markers",
                   name=mission,
                   line={"color": PALETTE[n % len(PALETTE)], "dash": ("solid", "dot", "dash")[n // len(PALETTE) % 3]},
                   hovertemplate=mission + " · %{x}: %{y:.0f} %<extra></extra>")
              for n, (mission, rows) in enumerate(data.groupby("mission"))]
    fig = figure(traces, {"yaxis": {"title": {"text": _("Score (% of the maximum)")}, "range": [0, 100],
                                    "gridcolor": GRID},
                          "xaxis": {"title": {"text": _("Date of the assessment")}}})
    fig = _layout(fig, _("{area}: assessment score by mission, successive assessments").format(
        area=t.gettext(AREAS[area])), 380)
    update_layout(fig, separators=t.plotly_separators)
    return fig


def spending_figure(frame: pd.DataFrame, t: I18n, period: str) -> go.Figure:
    """Budget and spending per budget line, USD."""
    _ = t.gettext
    data = frame.iloc[::-1]
    labels = data["label"].tolist()
    traces = []
    for column, name, colour in (("budget_usd", _("Budget"), PALETTE[5]), ("spent_usd", _("Spent"), PALETTE[0])):
        values = data[column].tolist()
        traces.append(dict(type="bar", y=labels, x=values, name=name, orientation="h", marker={"color": colour},
                           text=[t.number(v) for v in values], textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{x:,.0f} USD<extra>" + name + "</extra>"))
    fig = figure(traces, {"xaxis": {"title": {"text": _("US dollars")}, "rangemode": "tozero", "gridcolor": GRID}})
    fig = _layout(fig, _("Spending against the budget by budget line, {period}").format(period=period),
                  160 + 60 * len(data))
    update_layout(fig, barmode="group", separators=t.plotly_separators, margin={"l": 10, "r": 80, "t": 56, "b": 10})
    return fig
