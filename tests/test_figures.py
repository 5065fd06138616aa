"""figures.update_layout must give exactly the figure Plotly's own update_layout gives."""
from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
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


def _plain_and_plotly(traces, layout):
    """The same dicts as a served PlainFigure and as the unvalidated Plotly figure it stands for."""
    plain = figures.figure(traces, layout)
    assert type(plain) is figures.PlainFigure
    return plain, go.Figure(data=[dict(t) for t in traces], layout=dict(layout), _validate=False)


def _json(fig_dict) -> dict:
    return json.loads(pio.to_json(fig_dict, validate=False))


def test_plain_figure_update_layout_as_plotly():
    traces = [dict(type="bar", x=["a", "b"], y=[1, None], name=None, marker={"color": "red", "line": {}})]
    layout = {"xaxis": {"title": {"text": "X"}}, "separators": None, "yaxis2": {"title": {"text": "Y2"}}}
    plain, plotly_fig = _plain_and_plotly(traces, layout)
    changes = {"xaxis": {"tickangle": -45}, "title": {"text": "T"}, "height": 300, "yaxis2": None,
               "legend": {"orientation": "h"}}
    figures.update_layout(plain, changes)
    plotly_fig.update_layout(changes)
    plotly_fig.layout.yaxis2 = None
    assert type(plain) is figures.PlainFigure          # still plain dicts
    assert _json(plain.to_dict()) == _json(plotly_fig.to_dict())
    # A path key needs Plotly: the figure becomes a Plotly figure, with the same result.
    figures.update_layout(plain, legend_title_text="L")
    plotly_fig.update_layout(legend_title_text="L")
    assert type(plain) is figures.Figure
    assert _json(plain.to_dict()) == _json(plotly_fig.to_dict())


def test_plain_figure_turns_into_plotly_when_read():
    plain, plotly_fig = _plain_and_plotly([dict(type="scatter", x=[1, 2], y=[3, 4], mode="lines")],
                                          {"height": 200})
    assert plain.data[0].y == (3, 4) and plain.layout.height == 200
    assert type(plain) is figures.Figure
    assert _json(plain.to_dict()) == _json(plotly_fig.to_dict())
    # Pickling (st.cache_data) and copying give the Plotly figure too.
    import copy
    import pickle
    again, _ = _plain_and_plotly([dict(type="bar", x=[1], y=[2])], {})
    assert _json(pickle.loads(pickle.dumps(again)).to_dict()) == _json(again.to_dict())
    assert _json(copy.deepcopy(figures.figure([dict(type="bar", x=[1], y=[2])])).to_dict()) == _json(again.to_dict())


def test_path_keys_are_built_by_plotly():
    fig = figures.figure([dict(type="bar", x=[1], y=[2], marker_color="red")], {"xaxis1": {"title": {"text": "x"}}})
    assert type(fig) is figures.Figure
    assert fig.data[0].marker.color == "red" and fig.layout.xaxis.title.text == "x"


def test_long_bar_names_are_shortened_on_the_axis_and_whole_in_the_hover(unvalidated_figure):
    names = ["Exploitation minière illicite et trafic de minerais", "Trafic d'armes",
             "Escroquerie en ligne et fraude à l'argent mobile"]
    fig = unvalidated_figure(lambda: figures.ranked_bars(names, [30, 20, 10], "Top", "Incidents", separators=", "))
    shown, full = list(fig.data[0].y), list(fig.data[0].customdata)
    assert full == names[::-1]
    assert shown == ["Escroquerie en ligne et fra…", "Trafic d'armes", "Exploitation minière illici…"]
    assert all(len(s) <= figures.AXIS_LABEL_CHARS for s in shown)
    # Two names that would shorten to the same text keep their whole names (else one bar).
    twins = ["Criminalité liée à la faune (trafic)", "Criminalité liée à la faune (chasse)"]
    assert figures.short_labels(twins) == twins
