"""Plotly figures as pure functions: small frame in, Figure out. Text arrives translated."""
from __future__ import annotations

from copy import deepcopy

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
GRID = "rgba(128,128,128,0.25)"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
BASE_FONT = 16
AXIS_LABEL_CHARS = 28   # longer names are shortened on a bar chart's category axis

# Plotly validates every property as it is set, at about a millisecond a property: building a
# dozen figures per rerun was the largest share of a page's server time. Figures are built here
# unvalidated (about ten times faster), from plain dicts. tests/test_figures.py rebuilds the output
# of every figure function with validation on and requires the same figure, so a misspelt
# property still fails a test instead of silently vanishing.
VALIDATE = False


class Figure(go.Figure):
    """A plotly Figure whose to_dict() does not deep-copy every value.

    st.plotly_chart serialises a figure through to_dict(), which deep-copies the traces element by
    element (every number and label of every list) and then walks the copy again to turn NumPy
    arrays into base64: 15-25 ms of each gender or trends rerun. Here the containers are copied
    once, in the same walk as the base64 step; leaves are shared, since nothing downstream
    changes them. The result is the same dict (tests/conftest.py `unvalidated_figure` compares
    the JSON of both for every figure function)."""

    def to_dict(self):
        if self._frame_objs:
            return super().to_dict()
        return {"data": _json_ready(self._data), "layout": _json_ready(self._layout)}


def _json_ready(value):
    """A copy of the dict/list containers of `value`, with arrays under dict keys as plotly.js
    typed arrays: what BaseFigure.to_dict returns, without copying the leaves."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if is_skipped_key(key):
                out[key] = deepcopy(item)
            elif is_homogeneous_array(item):
                out[key] = to_typed_array_spec(item)
            else:
                out[key] = _json_ready(item)
        return out
    if isinstance(value, (list, tuple)):
        copied = [_json_ready(item) if isinstance(item, (dict, list, tuple)) else item for item in value]
        return copied if isinstance(value, list) else tuple(copied)
    return value


def json_dates(values) -> list:
    """Dates as datetime.datetime, which orjson writes itself: a single pandas Timestamp in a
    figure sends all of it through plotly's slow, value-by-value JSON fallback (same text)."""
    return [v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in values]


def figure(data: list[dict] | None = None, layout: dict | None = None) -> go.Figure:
    """A Figure from trace dicts ({"type": "bar", ...}) and a layout dict, without validation.

    Served figures stay plain dicts (PlainFigure) unless a key needs Plotly's path machinery
    ("marker_color"); with VALIDATE on (tests) they are validated Plotly figures."""
    data, layout = [dict(trace) for trace in data or []], dict(layout or {})
    if not VALIDATE and all(_plain_keys(trace) for trace in data) and _plain_keys(layout, "layout"):
        return PlainFigure(data, layout)
    return Figure(data=data, layout=layout, _validate=VALIDATE)


_TRACE_PROPS: dict[str, frozenset] = {}


def _plain_keys(spec: dict, kind: str | None = None) -> bool:
    """Whether every key of a trace (or the layout) is a property of its own, not a path such as
    "marker_color" that Plotly expands."""
    if kind == "layout":
        # Subplot axes (xaxis2, …) as Plotly names them; "xaxis1" it would rename, so not plain.
        return all(key in go.Layout._valid_props or _is_subplot_key(key) for key in spec)
    kind = spec.get("type", "scatter")
    if kind not in _TRACE_PROPS:
        if kind not in _data_validator().class_strs_map:
            return False   # an unknown trace type: Plotly reports it
        _TRACE_PROPS[kind] = frozenset(_data_validator().get_trace_class(kind)._valid_props) | {"type"}
    return all(key in _TRACE_PROPS[kind] for key in spec)


def _is_subplot_key(key: str) -> bool:
    match = go.Layout._subplotid_prop_re.match(key)
    return bool(match) and match.group(2) != "1" and not match.group(2).startswith("0")


def _data_validator():
    from plotly.validator_cache import ValidatorCache
    return ValidatorCache.get_validator("", "data")


class PlainFigure(Figure):
    """A Figure kept as the plain trace and layout dicts it was built from.

    Building Plotly's objects costs 0.3-0.5 ms a trace and about a millisecond for the layout
    and its template, unvalidated: a quarter of the gender page's time with every query
    cached. A page only hands the figure to st.plotly_chart, which reads to_dict(); this class
    answers that from the dicts. Anything else (fig.data, fig.layout, add_trace, pickling)
    turns it into the Plotly figure the same dicts make, first. tests/conftest.py
    `unvalidated_figure` requires the plain to_dict() to equal Plotly's for every figure function."""

    def __init__(self, data: list[dict], layout: dict):
        object.__setattr__(self, "_plain", (data, layout))

    def __getattribute__(self, name):
        if name not in _PLAIN_NAMES:
            object.__getattribute__(self, "_materialise")()
        return object.__getattribute__(self, name)

    def __setattr__(self, name, value):
        self._materialise()
        setattr(self, name, value)

    def __reduce__(self):
        self._materialise()
        return self.__reduce__()

    def _materialise(self) -> None:
        state = object.__getattribute__(self, "__dict__")
        if "_plain" not in state:
            return
        data, layout = state.pop("_plain")
        object.__setattr__(self, "__class__", Figure)
        Figure.__init__(self, data=data, layout=layout, _validate=False)

    def to_dict(self):
        state = object.__getattribute__(self, "__dict__")
        if "_plain" not in state:
            return Figure.to_dict(self)
        data, layout = state["_plain"]
        # What Plotly keeps of an unvalidated figure: top-level None values unset, nested ones
        # kept; the trace type last; the default template unless the layout names one.
        traces = [{**_json_ready({k: v for k, v in trace.items() if v is not None and k != "type"}),
                   "type": trace.get("type", "scatter")} for trace in data]
        out = _json_ready({k: v for k, v in layout.items() if v is not None})
        if "template" not in out and pio.templates.default is not None:
            out["template"] = _default_template()
        return {"data": traces, "layout": out}


_PLAIN_NAMES = frozenset({"__class__", "__dict__", "_plain", "_materialise", "to_dict", "__reduce__",
                          "__setattr__", "__getattribute__"})
_TEMPLATES: dict[str, dict] = {}


def _default_template() -> dict:
    """The default template as Plotly writes it into every figure's layout (read-only, shared)."""
    name = pio.templates.default
    if not isinstance(name, str):
        return name.to_plotly_json()
    if name not in _TEMPLATES:
        _TEMPLATES[name] = pio.templates[name].to_plotly_json()
    return _TEMPLATES[name]


def update_layout(fig: go.Figure, changes: dict | None = None, **more) -> go.Figure:
    """The same as update_layout(fig, ...), several times faster.

    Plotly's update_layout walks its property-path machinery at about 1 ms a key, and a page
    builds a dozen figures on every rerun. Setting each top-level property directly, with
    nested dicts merged into what is there (update_layout's semantics), gives the same figure;
    tests/test_figures.py compares the two. Path-style keys (legend_title_text) go the slow way.
    """
    changes = {**(changes or {}), **more}
    plain = fig.__dict__.get("_plain")
    if plain is not None and _plain_keys(changes, "layout"):
        layout = plain[1]
        for key, value in changes.items():
            if value is None:
                layout.pop(key, None)     # as Plotly: None unsets a property
            elif isinstance(value, dict) and isinstance(layout.get(key), dict):
                layout[key] = _merged(layout[key], value)
            else:
                layout[key] = value
        return fig
    layout = fig.layout
    valid = getattr(layout, "_valid_props", ())
    for key, value in changes.items():
        if key not in valid:
            fig.update_layout({key: value})
            continue
        current = layout[key]
        if isinstance(value, dict) and hasattr(current, "to_plotly_json"):
            value = _merged(current.to_plotly_json(), value)
        layout[key] = value
    return fig


def _merged(base: dict, changes: dict) -> dict:
    out = dict(base)
    for key, value in changes.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    update_layout(
        fig,
        title={"text": title, "font": {"size": BASE_FONT + 4}, "x": 0, "xanchor": "left"},
        font={"size": BASE_FONT},
        height=height, margin={"l": 10, "r": 20, "t": 56, "b": 10},
        plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)",
        legend={"orientation": "h", "y": -0.18},
        separators=None,
    )
    return fig


def weekly_bars(weeks: list[str], values: list[float], title: str, y_title: str, highlight_last: bool = True,
                height: int = 320, separators: str = ".,") -> go.Figure:
    colours = [PALETTE[0]] * len(values)
    if highlight_last and colours:
        colours[-1] = PALETTE[3]
    fig = figure([dict(type="bar", x=weeks, y=values, marker={"color": colours},
                       hovertemplate="%{x}: %{y:,.0f}<extra></extra>")],
                 {"yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": GRID},
                  "xaxis": {"tickangle": -45}})
    fig = _layout(fig, title, height)
    update_layout(fig, separators=separators)
    return fig


def ranked_bars(labels: list[str], values: list[float], title: str, x_title: str, height: int = 360,
                separators: str = ".,") -> go.Figure:
    """Horizontal bars, largest on top, labelled with their value. Long names are shortened on the
    axis (Plotly cut "Exploitation minière illicite et trafic de minerais" at the chart's left
    edge in a third of a laptop screen); the hover gives them whole."""
    frame = pd.DataFrame({"label": labels, "value": values}).iloc[::-1]
    full = frame["label"].tolist()
    fig = figure([dict(type="bar", x=frame["value"].tolist(), y=short_labels(full), orientation="h",
                       marker={"color": PALETTE[0]}, text=frame["value"].tolist(), texttemplate="%{text:,.0f}",
                       customdata=full, textposition="outside", cliponaxis=False,
                       hovertemplate="%{customdata}: %{x:,.0f}<extra></extra>")],
                 {"xaxis": {"title": {"text": x_title}, "rangemode": "tozero", "gridcolor": GRID},
                  "yaxis": {"automargin": True}})
    fig = _layout(fig, title, height)
    update_layout(fig, separators=separators, margin={"l": 10, "r": 60, "t": 56, "b": 10})
    return fig


def short_labels(labels: list[str], limit: int = AXIS_LABEL_CHARS) -> list[str]:
    """Each label cut to `limit` characters with "…", unless that would make two of them the same
    (a category axis would then draw them as one bar)."""
    cut = [str(label) if len(str(label)) <= limit else str(label)[:limit - 1].rstrip() + "…" for label in labels]
    clashes = {c for c in cut if cut.count(c) > 1}
    return [str(label) if c in clashes else c for label, c in zip(labels, cut)]
