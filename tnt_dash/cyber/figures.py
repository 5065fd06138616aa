"""The cyber page's charts and map as pure functions: small frames in, a Figure or Deck out."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ..crossborder.decks import cross_border_deck
from ..crossborder.layers import country_anchors
from ..mapdecks import fit_view
from ..figures import GRID, PALETTE, _layout, figure, short_labels, update_layout

OTHER_COLOUR = "#999999"
ARC_COLOUR = (213, 94, 0)     # Okabe–Ito vermilion: the offenders' side


def stacked_months(months: list[str], series: dict[str, list[int]], title: str, y_title: str,
                   other: str | None = None, height: int = 380, separators: str = ".,") -> go.Figure:
    """Incidents per month, one stacked colour per series; the series named `other` in grey."""
    names = list(series)
    colours = [OTHER_COLOUR if name == other else PALETTE[i % len(PALETTE)] for i, name in enumerate(names)]
    traces = [dict(type="bar", x=months, y=values, name=name, marker={"color": colour},
                   hovertemplate="%{x} · " + name.replace("%", "%%") + ": %{y:,.0f}<extra></extra>")
              for name, values, colour in zip(names, series.values(), colours)]
    fig = figure(traces, {"barmode": "stack", "yaxis": {"title": {"text": y_title}, "rangemode": "tozero",
                                                       "gridcolor": GRID}})
    fig = _layout(fig, title, height)
    # The legend at the right, in the stack's order: under a wide chart it ran over the month labels.
    update_layout(fig, separators=separators, legend={"orientation": "v", "x": 1.01, "y": 1, "traceorder": "reversed"},
                  xaxis={"tickangle": -45})
    return fig


def money_bars(labels: list[str], values: list[float], texts: list[str], title: str, x_title: str,
               height: int = 380, separators: str = ".,") -> go.Figure:
    """Horizontal bars of losses, largest on top, each labelled with its formatted amount."""
    frame = pd.DataFrame({"label": labels, "value": values, "text": texts}).iloc[::-1]
    fig = figure([dict(type="bar", x=frame["value"].tolist(), y=short_labels(frame["label"].tolist()),
                       orientation="h", marker={"color": PALETTE[3]}, text=frame["text"].tolist(),
                       textposition="outside", cliponaxis=False, customdata=frame["label"].tolist(),
                       hovertemplate="%{customdata}: %{text}<extra></extra>")],
                 {"xaxis": {"title": {"text": x_title}, "rangemode": "tozero", "gridcolor": GRID},
                  "yaxis": {"automargin": True}})
    fig = _layout(fig, title, height)
    update_layout(fig, separators=separators, margin={"l": 10, "r": 80, "t": 56, "b": 10})
    return fig


def offender_deck(admin0: dict, flows: pd.DataFrame, areas: pd.DataFrame, tips: dict[str, str],
                  view_iso3: str | None = None, width: int = 700, height: int = 460):
    """Offenders' countries to the victims' areas: an arc per foreign pair (pale at the offenders' end),
    a bubble per victims' area sized by its incidents. With `view_iso3`, that territory's victims only.
    The view holds the victims' areas and the offenders' countries of the same region; a country on
    another continent (more than FAR_DEGREES away) is left out of the frame, its arc leaving it, so that
    one far flow does not shrink the territory to a few pixels. `tips`: translated tooltip templates
    with {offender}, {area} ("arc"), {n} ("n", "area") and {n} ("domestic")."""
    if view_iso3:
        flows, areas = flows[flows["iso3"] == view_iso3], areas[areas["iso3"] == view_iso3]
    anchors = country_anchors(admin0)
    foreign = flows[flows["foreign_offenders"] > 0]
    top = float(foreign["foreign_offenders"].max()) if len(foreign) else 1.0
    arcs = []
    for row in foreign.itertuples(index=False):
        start = anchors.get(row.offender)
        if start is None or pd.isna(row.lat):
            continue
        arcs.append({"tt": tips["arc"].format(offender=row.offender_label, area=row.area_label),
                     "ta": tips["n"].format(n=int(row.foreign_offenders)), "tb": "", "key": f"arc:{row.offender}>{row.area}",
                     "from": list(start), "to": [float(row.lon), float(row.lat)],
                     "w": round(1.5 + 7 * math.sqrt(row.foreign_offenders / top), 1), "tilt": 90, "h": 0.12,
                     "c": [*ARC_COLOUR, 220], "c0": [*ARC_COLOUR, 40]})
    arcs.sort(key=lambda a: -a["w"])
    bubbles = [{"key": f"area:{r.area}", "code": r.area, "iso3": r.iso3, "lat": float(r.lat), "lon": float(r.lon),
                "n": int(r.incidents), "sel": False, "label": r.area_label,
                "tt": r.area_label, "ta": tips["area"].format(n=int(r.incidents)),
                "tb": tips["domestic"].format(n=int(r.incidents - r.foreign_offenders))}
               for r in areas.itertuples(index=False) if pd.notna(r.lat)]
    deck = cross_border_deck(admin0, arcs=arcs, crossings=[], areas=bubbles, area_labels=5,
                                  width=width, height=height)
    if bubbles:
        lat0 = sum(b["lat"] for b in bubbles) / len(bubbles)
        lon0 = sum(b["lon"] for b in bubbles) / len(bubbles)
        near = [a["from"] for a in arcs if abs(a["from"][0] - lon0) <= FAR_DEGREES and abs(a["from"][1] - lat0) <= FAR_DEGREES]
        deck.initial_view_state = fit_view([b["lat"] for b in bubbles] + [p[1] for p in near],
                                                [b["lon"] for b in bubbles] + [p[0] for p in near],
                                                width=width, height=height, padding=0.08, margin_px=30)
    return deck


FAR_DEGREES = 30
