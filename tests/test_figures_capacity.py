"""Capacity-building figures (calendar, parity, assessment scorecard and trend, spending) are built
unvalidated (figures.figure) and equal their validated build, called the way the page calls them on
the small demo_con store (or on a frame made by hand where demo_con has no such case),
through the `unvalidated_figure` fixture of tests/conftest.py: built once as served and once with
Plotly's validation on, the two must give the same JSON, and the served one must pass validation
when rebuilt. One assertion on the content follows each.
"""
from __future__ import annotations

import pandas as pd

from tnt_dash import access, i18n
from tnt_dash.capacity import figures as capacity_figures, tables as capacity
from tnt_dash.capacity.definitions import AREAS
from tnt_dash.figures import PALETTE
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope

EN, FR = i18n.get("en"), i18n.get("fr")
ANALYST = access.ANALYST


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
