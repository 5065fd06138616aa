"""The Women and children page's figures are built unvalidated (figures.figure) and still pass
validation, on inputs of the shapes pages/gender.py passes, small enough to check one point by hand,
through the `unvalidated_figure` fixture of tests/conftest.py: built once as served and once with
Plotly's validation on, the two must give the same JSON, and the served one must pass validation
when rebuilt. One assertion on the content follows each.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from tnt_dash.gender import figures as gf

GROUPS = ["Women", "Girls", "Boys", "Men", "Unknown"]
WEEKS = [date(2026, 9, 7) + timedelta(weeks=k) for k in range(6)]


def test_group_heatmap(unvalidated_figure):
    fig = unvalidated_figure(lambda: gf.group_heatmap(
        ["Human trafficking", "Kidnapping for ransom"], GROUPS,
        [[1234, "<5", 7, 0, "x"], [12, 30, 0, 5, 8]],
        [[0.9, None, 0.05, 0.0, None], [0.22, 0.55, 0.0, 0.09, 0.14]],
        "Victims by market and group", "% of the market's victims", "Victims", separators=", "))
    heat = fig.data[0]
    # The count in the page's thousands separator, the protection mark as it is, never its value.
    assert [list(row) for row in heat.text][0][:2] == ["1 234", "<5"]
    assert list(heat.z[0])[1] is None
    assert fig.layout.yaxis.autorange == "reversed"       # first market on top


def test_stacked_groups(unvalidated_figure):
    fig = unvalidated_figure(lambda: gf.stacked_groups(
        ["Central African Republic", "Haiti"], GROUPS,
        {"women": [10, "<5"], "girls": [3, 8], "boys": ["x", 6], "men": [20, 11], "unknown": [0, 2]},
        "Victims by country and group", "Victims"))
    assert [trace.name for trace in fig.data] == GROUPS
    assert list(fig.data[0].x) == [10, None]                # hidden cells are left out of the bar
    assert list(fig.data[2].x) == [None, 6]
    assert fig.layout.barmode == "stack" and fig.layout.xaxis.title.text == "Victims"
    # Legend at the foot of the figure, not over the axis title; in the bars' order.
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0
    assert fig.layout.legend.traceorder == "normal" and fig.layout.margin.b >= 40


def test_weekly_trend(unvalidated_figure):
    fig = unvalidated_figure(lambda: gf.weekly_trend(
        WEEKS, [3, None, 5, 7, 6, 9], "Women and children victims per week", "Victims per week",
        "Women and children victims", trend_label="Trend (Sen's slope)", slope=1.0))
    bars, line = fig.data
    assert list(bars.x)[:2] == ["2026-W37", "2026-W38"] and list(bars.y)[1] is None
    # Sen's line runs through the median shown week (index 3) and the median count (6).
    assert list(line.y) == [3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    assert fig.layout.xaxis.nticks == 14


def test_weekly_trend_without_a_trend_has_bars_only(unvalidated_figure):
    fig = unvalidated_figure(lambda: gf.weekly_trend(WEEKS, [1, 2, 3, 4, 5, 6], "T", "Y", "L"))
    assert [trace.type for trace in fig.data] == ["bar"]


def completeness_frame() -> pd.DataFrame:
    months = [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
    return pd.DataFrame({
        "label": ["MINUSCA"] * 3 + ["BINUH"] * 3,
        "month": months * 2,
        "month_label": ["Aug 2026", "Sep 2026", "Oct 2026"] * 2,
        "share_sex": [0.92, None, 0.75, 0.6, 0.65, None],
        "share_sex_lo": [0.92, 0.5, 0.75, 0.6, 0.65, None],     # Sep: protected, only a range is known
        "share_sex_hi": [0.92, 0.9, 0.75, 0.6, 0.65, None],     # Oct in BINUH: not even a range
    })


def test_completeness_lines(unvalidated_figure):
    fig = unvalidated_figure(lambda: gf.completeness_lines(
        completeness_frame(), "share_sex", "Victims with sex recorded", "% of victims", 0.8, "Threshold 80 %"))
    (shape,), (note,) = fig.layout.shapes, fig.layout.annotations
    assert (shape.y0, shape.y1, shape.xref) == (80, 80, "x domain") and note.text == "Threshold 80 %"
    binuh, minusca = fig.data                                # one line per mission, by name
    assert list(minusca.y) == [92.0, 70.0, 75.0] and list(minusca.error_y.array) == [0, 20.0, 0]
    assert list(binuh.y)[2] is None                         # a gap, not a value
    assert fig.layout.yaxis.range == (40.0, 102)            # 10 points under the lowest bound
