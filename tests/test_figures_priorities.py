"""Threat-priority figures (harm × likelihood matrix, rank sensitivity) are built unvalidated
(figures.figure) and equal their validated build, on the small demo_con store's assessment,
through the `unvalidated_figure` fixture of tests/conftest.py: built once as served and once with
Plotly's validation on, the two must give the same JSON, and the served one must pass validation
when rebuilt. One assertion on the content follows each.
"""
from __future__ import annotations

import pytest

from tnt_dash import access, i18n, priority
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope

EN, FR = i18n.get("en"), i18n.get("fr")
ANALYST = access.ANALYST
MATRIX_HOVER = ("<b>%{customdata[0]}. %{customdata[2]}</b><br>%{customdata[1]}<br>Score: %{customdata[3]}<br>"
                "Confidence: %{customdata[4]}<extra></extra>")
SENSITIVITY_HOVER = "Best rank: %{customdata[0]}<br>Worst rank: %{customdata[1]}<extra></extra>"


@pytest.fixture(scope="module")
def assessed(demo_con):
    frame = priority.assess(demo_con, Scope(Filters(), ANALYST, "en"), explain=20).frame
    assert len(frame) > 20
    labels = frame["confidence_level"].map(lambda v: EN.gettext(priority.CONFIDENCE_LABELS[v]))
    return frame.assign(confidence_label=labels)


def test_matrix_figure(assessed, unvalidated_figure):
    fig = unvalidated_figure(lambda: priority.matrix_figure(
        assessed, "Harm × likelihood", "Likelihood", "Harm", {"top": "Top 10", "other": "Others"}, MATRIX_HOVER,
        separators=", "))
    others, top = fig.data
    assert (others.name, top.name, top.mode, others.mode) == ("Others", "Top 10", "markers+text", "markers")
    assert sorted(map(int, top.text)) == list(range(1, 11)) and others.text is None
    assert len(others.x) == len(assessed) - 10
    assert [int(row[0]) for row in top.customdata] == [int(t) for t in top.text]
    # Curves of equal risk (100 × harm × likelihood) at 10, 25 and 50, each from harm 1 to likelihood 1.
    assert len(fig.layout.shapes) == 3 and [a.text for a in fig.layout.annotations if a.text in "102550"] == \
        ["10", "25", "50"]
    for curve, risk in zip(fig.layout.shapes, (10, 25, 50)):
        points = [tuple(map(float, p.split(","))) for p in curve.path[2:].split(" L ")]
        assert points[0] == pytest.approx((risk / 100, 1.0)) and points[-1] == pytest.approx((1.0, risk / 100))
        assert all(x * y == pytest.approx(risk / 100, abs=1e-3) for x, y in points)


def test_matrix_figure_with_only_top_pairs(assessed, unvalidated_figure):
    few = assessed.head(3)
    fig = unvalidated_figure(lambda: priority.matrix_figure(few, "T", "X", "Y", {"top": "Top", "other": "Other"},
                                                            MATRIX_HOVER))
    others, top = fig.data
    assert len(others.x) == 0 and others.customdata is None and list(top.text) == ["1", "2", "3"]


def test_sensitivity_figure(assessed, unvalidated_figure):
    fig = unvalidated_figure(lambda: priority.sensitivity_figure(
        assessed, "Stable?", "Rank", {"range": "Range", "rank": "Rank"}, SENSITIVITY_HOVER, separators=", "))
    bars, dots = fig.data
    top = assessed.head(20).iloc[::-1]
    assert bars.y[0].startswith("20. ") and bars.y[-1].startswith("1. ") and list(dots.y) == list(bars.y)
    assert list(bars.base) == pytest.approx((top["rank_min"] - 0.4).tolist())
    assert list(bars.x) == pytest.approx((top["rank_max"] - top["rank_min"] + 0.8).tolist())
    assert [list(row) for row in bars.customdata] == top[["rank_min", "rank_max"]].values.tolist()
    assert fig.layout.barmode == "overlay" and fig.layout.height == 120 + 26 * 20
