"""figures.update_layout must give exactly the figure Plotly's own update_layout gives."""
from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from tnt_dash import figures

# Each step as the figure modules use it: plain values, nested dicts merged into what is there,
# a nested dict two levels deep, None, and a path-style key.
STEPS = [
    dict(title={"text": "T", "font": {"size": 20}, "x": 0, "xanchor": "left"}, font={"size": 16}, height=300,
         margin={"l": 10, "r": 20, "t": 56, "b": 10}, plot_bgcolor="rgba(0,0,0,0)", legend={"orientation": "h"}),
    dict(separators=", ", margin={"l": 10, "r": 60}),
    dict(legend={"y": -0.2, "x": 0}),
    dict(title={"subtitle": {"text": "sub", "font": {"size": 15}}}),
    dict(margin={"t": 80}, barmode="stack", showlegend=True),
    dict(legend_title_text="Legend", hovermode="closest", clickmode="event+select"),
    dict(separators=None),
]


def _bars() -> go.Figure:
    return go.Figure(go.Bar(x=[1, 2, 3], y=["a", "b", "c"], orientation="h"))


def test_update_layout_matches_plotly_step_by_step():
    fast, slow = _bars(), _bars()
    for step in STEPS:
        figures.update_layout(fast, **step)
        slow.update_layout(**step)
        assert json.loads(fast.to_json()) == json.loads(slow.to_json()), step


def test_figure_functions_unchanged(monkeypatch):
    built_fast = figures.ranked_bars(["a", "b"], [3, 5], "Title", "Incidents", separators=", ").to_json()
    monkeypatch.setattr(figures, "update_layout", lambda fig, changes=None, **more: fig.update_layout(changes, **more))
    built_slow = figures.ranked_bars(["a", "b"], [3, 5], "Title", "Incidents", separators=", ").to_json()
    assert json.loads(built_fast) == json.loads(built_slow)


def test_unvalidated_figures_equal_validated(unvalidated_figure):
    bars = unvalidated_figure(lambda: figures.ranked_bars(["a", "b"], [3, 5], "Title", "Incidents", separators=", "))
    assert list(bars.data[0].y) == ["b", "a"]      # largest on top
    weekly = unvalidated_figure(lambda: figures.weekly_bars(["W1", "W2"], [4, 9], "Title", "Incidents"))
    assert list(weekly.data[0].marker.color) == [figures.PALETTE[0], figures.PALETTE[3]]


def test_unvalidated_check_catches_a_misspelt_property(unvalidated_figure):
    """The unvalidated build accepts anything; the check must still reject a wrong property."""
    with pytest.raises(ValueError):
        unvalidated_figure(lambda: figures.figure([dict(type="bar", x=[1], colour="red")]))


def test_unvalidated_check_catches_a_plain_go_figure(unvalidated_figure):
    with pytest.raises(AssertionError):
        unvalidated_figure(lambda: go.Figure(go.Bar(x=[1], y=[2])))


def test_invalid_property_still_rejected():
    with pytest.raises(ValueError):
        figures.update_layout(_bars(), not_a_property=1)
