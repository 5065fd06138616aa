"""The Regional trends page's figures are built unvalidated (figures.figure) and still pass validation,
on inputs of the shapes pages/trends.py passes, small enough to check one point by hand,
through the `unvalidated_figure` fixture of tests/conftest.py: built once as served and once with
Plotly's validation on, the two must give the same JSON, and the served one must pass validation
when rebuilt. One assertion on the content follows each.
"""
from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import plotly.io as pio
from plotly.subplots import make_subplots

from tnt_dash.trends import figures as tf


def trend_frames(keys: dict[str, list[int]], weeks: int = 6):
    periods = pd.to_datetime([date(2026, 9, 7) + timedelta(weeks=k) for k in range(weeks)])
    rows = [{"period": p, "key": key, "incidents": n, "label": key.replace("_", " ").capitalize()}
            for key, counts in keys.items() for p, n in zip(periods, counts)]
    series = pd.DataFrame(rows)
    series["moving_average"] = series.groupby("key", sort=False)["incidents"].transform(
        lambda s: s.rolling(4).mean())
    total = series.groupby("period", as_index=False)["incidents"].sum()
    total["moving_average"] = total["incidents"].rolling(4).mean()
    return series, total


SERIES = {"arms_trafficking": [1, 2, 3, 4, 5, 6], "cocaine": [2, 2, 2, 3, 2, 2], "online_fraud": [7, 6, 5, 4, 3, 2]}


def test_stacked_series(unvalidated_figure):
    series, total = trend_frames(SERIES)
    order = ["online_fraud", "arms_trafficking", "cocaine"]
    fig = unvalidated_figure(lambda: tf.stacked_series(
        series, order, total, grain="week", title="Incidents per week, by market", subtitle="All areas",
        y_title="Incidents per week", x_title="Week starting", ma_label="Moving average (4 weeks)",
        unit="incidents", period_label=lambda d: f"{d:%d %b}"))
    assert [trace.name for trace in fig.data] == ["Online fraud", "Arms trafficking", "Cocaine",
                                                  "Moving average (4 weeks)"]
    assert fig.data[0].customdata[0] == ["online_fraud", "07 Sep"]
    assert list(fig.layout.xaxis.ticktext) == ["07 Sep", "14 Sep", "21 Sep", "28 Sep", "05 Oct", "12 Oct"]


def test_small_multiples(unvalidated_figure):
    series, _ = trend_frames(SERIES)
    order = ["arms_trafficking", "cocaine", "online_fraud"]
    fig = unvalidated_figure(lambda: tf.small_multiples(
        series, order, grain="week", title="Incidents per week", y_title="Incidents per week",
        bar_label="Incidents per week", ma_label="Moving average (4 weeks)", unit="incidents"))
    # Three panels on a 2 × 2 grid: one title each, the third panel's traces on its own axes.
    assert [a.text for a in fig.layout.annotations] == ["Arms trafficking", "Cocaine", "Online fraud"]
    assert [(t.xaxis, t.yaxis) for t in fig.data[4:]] == [("x3", "y3"), ("x3", "y3")]
    assert [t.showlegend for t in fig.data] == [True, True, False, False, False, False]
    # The grid is make_subplots' own, to the last bit of every domain.
    reference = make_subplots(rows=2, cols=2, shared_xaxes=True, subplot_titles=["Arms trafficking", "Cocaine",
                                                                                "Online fraud"],
                              vertical_spacing=0.12, horizontal_spacing=0.07).layout
    for n in ("", "2", "3", "4"):
        for axis in ("xaxis", "yaxis"):
            mine, theirs = fig.layout[axis + n], reference[axis + n]
            assert (mine.domain, mine.anchor, mine.matches) == (theirs.domain, theirs.anchor, theirs.matches)
    assert [(a.x, a.y) for a in fig.layout.annotations] == [(a.x, a.y) for a in reference.annotations]
    assert fig.layout.xaxis.showticklabels is True            # dates under every panel, not just the last row


def test_ranked(unvalidated_figure):
    frame = pd.DataFrame({"key": ["HTI", "CAF"], "label": ["Haiti (BINUH)", "Central African Republic (MINUSCA)"],
                          "rate": [0.75, None]})
    fig = unvalidated_figure(lambda: tf.ranked(frame, value_col="rate", title="Incidents per 100,000", x_title="Rate",
                                               text=["0.8 (2024)", "– (2023)"], subtitle="All areas"))
    bar = fig.data[0]
    assert list(bar.y) == ["Central African Republic (MINUSCA)", "Haiti (BINUH)"]    # largest on top
    assert list(bar.text) == ["– (2023)", "0.8 (2024)"] and bar.customdata[1][0] == "HTI"
    plain = unvalidated_figure(lambda: tf.ranked(frame.fillna(0), value_col="rate", title="T", x_title="X"))
    assert "text" not in plain.to_dict()["data"][0]         # no labels rather than an empty list


def test_seasonality_heatmap(unvalidated_figure):
    months = list(range(1, 13))
    frame = pd.DataFrame({"key": ["cocaine"] * 12 + ["arms_trafficking"] * 12,
                          "label": ["Cocaine trafficking"] * 12 + ["Arms trafficking"] * 12,
                          "month": months * 2, "index": [100.0 + 5 * (m - 6) for m in months] + [100.0] * 12,
                          "mean": [10.0 + m for m in months] + [4.0] * 12})
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    fig = unvalidated_figure(lambda: tf.seasonality_heatmap(
        frame, names, title="Seasonality", colour_title="Index (100 = average month)",
        hover="{market}, {month}: index {index}, on average {mean} incidents"))
    heat = fig.data[0]
    assert list(heat.y) == ["Cocaine trafficking", "Arms trafficking"] and heat.zmid == 100
    assert (heat.zmin, heat.zmax) == (70.0, 130.0)
    # Plotly.js knows no "RdBu_r": the reversed scale must reach the browser spelt out, as validation
    # used to spell it out.
    served = json.loads(pio.to_json(fig, validate=False))["data"][0]["colorscale"]
    assert served[0] == [0.0, "rgb(5,48,97)"] and served[-1] == [1.0, "rgb(103,0,31)"]    # blue low, red high
