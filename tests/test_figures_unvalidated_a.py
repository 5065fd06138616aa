"""Capacity, corridor and priority figures are built unvalidated (figures.figure) and equal their validated build.

Each figure function is called the way its page calls it, on the small demo_con store (or on a frame made by
hand where the demo_con has no such case), through the `unvalidated_figure` fixture of tests/conftest.py: built
once as served and once with Plotly's validation on, the two must give the same JSON, and the served one
must pass validation when rebuilt. One assertion on the content follows each.
"""
from __future__ import annotations

import pandas as pd
import pytest

from tnt_dash import access, i18n, priority
from tnt_dash.capacity import figures as capacity_figures, tables as capacity
from tnt_dash.capacity.definitions import AREAS
from tnt_dash.crossborder import corridors, sankey
from tnt_dash.figures import PALETTE
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope

EN, FR = i18n.get("en"), i18n.get("fr")
ANALYST = access.ANALYST
LABELS = {"origin": "Origin", "transit": "Transit", "destination": "Destination", "incidents": "incidents"}
MATRIX_HOVER = ("<b>%{customdata[0]}. %{customdata[2]}</b><br>%{customdata[1]}<br>Score: %{customdata[3]}<br>"
                "Confidence: %{customdata[4]}<extra></extra>")
SENSITIVITY_HOVER = "Best rank: %{customdata[0]}<br>Worst rank: %{customdata[1]}<extra></extra>"


# --------------------------------------------------------------------------- capacity building

def test_calendar_figure(demo_con, unvalidated_figure):
    counts = capacity.monthly_counts(demo_con, Scope(Filters(), ANALYST, "en"))
    assert not counts.empty
    fig = unvalidated_figure(lambda: capacity_figures.calendar_figure(counts, EN, "all dates"))
    heat = fig.data[0]
    assert list(heat.y) == sorted(set(counts["type_label"]))
    assert len(heat.x) == counts["month"].nunique()
    # A month without activities is blank, not "0"; every other cell shows its count.
    assert all((text == "") == (z == 0) and (z == 0 or text == str(z))
               for z_row, text_row in zip(heat.z, heat.text) for z, text in zip(z_row, text_row))
    assert sum(map(sum, heat.z)) == counts["activities"].sum()
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.xaxis.title.text == "Month (start of the activity)"


def test_parity_figure(demo_con, unvalidated_figure):
    table = capacity.parity(demo_con, Scope(Filters(), ANALYST, "fr"))
    fig = unvalidated_figure(lambda: capacity_figures.parity_figure(table, FR, "2026"))
    units = table[table["mission"] != "__total__"]["unit_label"].tolist()[::-1]
    assert [list(trace.y) for trace in fig.data] == [units, units]
    # The dashed target line at 50 % and its label above the plot, as add_vline made them.
    line, label = fig.layout.shapes[0], fig.layout.annotations[0]
    assert (line.x0, line.x1, line.xref, line.yref, line.line.dash) == (50, 50, "x", "y domain", "dash")
    assert (label.x, label.y, label.yref, label.yanchor, label.showarrow) == (50, 1, "y domain", "bottom", False)
    assert fig.layout.separators == ", " and fig.layout.legend.y == -0.12


def test_parity_figure_without_known_sex_draws_no_bar(unvalidated_figure):
    table = pd.DataFrame({"mission": ["BINUH", "MINUSCA", "__total__"], "unit_label": ["BINUH", "MINUSCA", "All"],
                          "share_participants": [float("nan"), 0.25, 0.25], "share_speakers": [0.5, None, 0.5]})
    fig = unvalidated_figure(lambda: capacity_figures.parity_figure(table, EN, "2026"))
    participants, speakers = fig.data
    assert list(participants.y) == ["MINUSCA", "BINUH"]
    assert list(participants.x) == [25, None] and list(participants.text) == ["25%", None]
    assert list(speakers.x) == [None, 50]


def test_scorecard_figure(demo_con, unvalidated_figure):
    card = capacity.scorecard(capacity.assessment_scores(demo_con, Scope(Filters(), ANALYST, "en")))
    assert not card.empty
    fig = unvalidated_figure(lambda: capacity_figures.scorecard_figure(card, EN))
    missions = [c for c in card.columns if c not in ("area_label", "criterion_label")]
    heat = fig.data[0]
    assert list(heat.x) == missions and len(heat.y) == len(card)
    assert heat.y[0] == f"{card['area_label'].iloc[0]} · {card['criterion_label'].iloc[0]}"
    assert heat.text[0][0] == f"{card[missions[0]].iloc[0]:.0f}"
    assert fig.layout.xaxis.side == "top" and fig.layout.margin.t == 90


def test_trend_figure(demo_con, unvalidated_figure):
    trend = capacity.assessment_trend(capacity.assessment_scores(demo_con, Scope(Filters(), ANALYST, "en")))
    for area in AREAS:
        fig = unvalidated_figure(lambda: capacity_figures.trend_figure(trend, EN, area))
        missions = sorted(set(trend.loc[trend["area"] == area, "mission"]))
        assert [trace.name for trace in fig.data] == missions       # one line per mission
        assert fig.data[0].line.color == PALETTE[0] and fig.layout.yaxis.range == (0, 100)


def test_trend_figure_dashes_beyond_the_palette(unvalidated_figure):
    missions = [f"M{n:02d}" for n in range(10)]
    trend = pd.DataFrame({"mission": missions * 2,
                          "assessed_on": pd.to_datetime(["2026-01-15"] * 10 + ["2026-07-15"] * 10),
                          "area": "pki", "area_label": "PKI", "pct": [50.0] * 20})
    fig = unvalidated_figure(lambda: capacity_figures.trend_figure(trend, EN, "pki"))
    assert [trace.line.dash for trace in fig.data] == ["solid"] * 8 + ["dot"] * 2
    assert fig.data[8].line.color == PALETTE[0]


def test_spending_figure(demo_con, unvalidated_figure):
    spent = capacity.spending(demo_con, Scope(Filters(), ANALYST, "en"))
    assert not spent.empty
    fig = unvalidated_figure(lambda: capacity_figures.spending_figure(spent, EN, "all dates"))
    budget, used = fig.data
    assert list(budget.y) == spent["label"].tolist()[::-1]             # first budget line on top
    assert list(budget.x) == spent["budget_usd"].tolist()[::-1]
    assert list(used.text) == [EN.number(v) for v in spent["spent_usd"].tolist()[::-1]]
    assert fig.layout.barmode == "group" and fig.layout.height == 160 + 60 * len(spent)


# --------------------------------------------------------------------------- corridors

def test_sankey_figure(demo_con, unvalidated_figure):
    frame = corridors.flow_totals(demo_con, Filters(), ANALYST, "en")
    assert not frame.empty
    fig = unvalidated_figure(lambda: sankey.sankey_figure(frame, "Flows", LABELS, separators=", ", max_links=12))
    trace = fig.data[0]
    values = list(trace.link.value)
    assert len(values) == 12 and values == sorted(values, reverse=True)   # the largest links only
    assert set(trace.node.customdata) <= {"Origin", "Transit", "Destination"}
    assert [a.text for a in fig.layout.annotations] == ["<b>Origin</b>", "<b>Transit</b>", "<b>Destination</b>"]


def test_sankey_figure_by_hand(unvalidated_figure):
    frame = pd.DataFrame({
        "origin": ["SDN", "USA", "SDN"], "origin_label": ["Sudan", "United States", "Sudan"],
        "transit": [None, "DOM", None], "transit_label": [None, "Dominican Republic", None],
        "destination": ["CAF", "HTI", "CAF"], "destination_label": ["CAR", "Haiti", "CAR"],
        "incidents": [3, 2, 1]})
    fig = unvalidated_figure(lambda: sankey.sankey_figure(frame, "Flows", LABELS))
    trace = fig.data[0]
    names = list(trace.node.label)
    links = {(names[s], names[t]): v for s, t, v in zip(trace.link.source, trace.link.target, trace.link.value)}
    assert links == {("Sudan", "CAR"): 4, ("United States", "Dominican Republic"): 2,
                     ("Dominican Republic", "Haiti"): 2}
    empty = unvalidated_figure(lambda: sankey.sankey_figure(frame.iloc[0:0], "Nothing", LABELS))
    assert len(empty.data) == 0 and empty.layout.title.text == "Nothing" and len(empty.layout.annotations) == 3


# --------------------------------------------------------------------------- priorities

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
