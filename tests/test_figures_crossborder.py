"""The cross-border map's corridor (Sankey) figure is built unvalidated (figures.figure) and equals its
validated build, on the small demo_con store and on a frame made by hand,
through the `unvalidated_figure` fixture of tests/conftest.py: built once as served and once with
Plotly's validation on, the two must give the same JSON, and the served one must pass validation
when rebuilt. One assertion on the content follows each.
"""
from __future__ import annotations

import pandas as pd

from tnt_dash import access, i18n
from tnt_dash.crossborder import corridors, sankey
from tnt_dash.filters import Filters

EN, FR = i18n.get("en"), i18n.get("fr")
ANALYST = access.ANALYST
LABELS = {"origin": "Origin", "transit": "Transit", "destination": "Destination", "incidents": "incidents"}


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
