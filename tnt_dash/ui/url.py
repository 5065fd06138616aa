"""Widgets tied to the page's URL by option code, so a link opens the same view in any language."""
from __future__ import annotations

import streamlit as st


def coded_widget(widget, label: str, options, *, key: str, format_func=str, default=None, multi: bool = False,
                 **kwargs):
    """`widget` (st.multiselect, st.segmented_control, st.selectbox, …) tied to the URL parameter
    `key` by option code, not by label.

    Streamlit's bind="query-params" writes what format_func shows: a link copied from the French
    screen named a market "Trafic de cocaïne", and opened in English it lost the filter. Here the
    URL carries the codes (?market=cocaine). A label in the URL (links made before) is still
    understood in the screen's language; unknown values are ignored. `default` is a code (a list
    of codes when `multi`). See `url_state` for when the URL is read and written.
    """
    def from_url(values: list[str]):
        wanted = codes_from_url(values, options, format_func)
        return wanted if multi else (wanted[0] if wanted else None)
    placed = url_state(key, from_url)
    if getattr(widget, "__name__", "") == "selectbox":     # st.selectbox takes an index, not a default
        given = {"index": None if placed or default is None else list(options).index(default)}
    else:
        given = {"default": None if placed else default}
    value = widget(label, options=options, key=key, format_func=format_func, **given, **kwargs)
    as_list = (lambda v: list(v or [])) if multi else (lambda v: [] if v is None else [v])
    write_url(key, [str(c) for c in as_list(value)], [str(c) for c in as_list(default)])
    return value


def url_state(key: str, from_url) -> bool:
    """Before drawing widget `key`: set its value from the URL, once per session (a link being
    opened; `from_url` turns the parameter's values into the widget's value, None to ignore them).
    True when the value was set here, so the caller passes the widget no default."""
    seeded = st.session_state.setdefault("_url_seeded", set())
    if key in seeded:
        return False
    seeded.add(key)
    if key in st.query_params:
        value = from_url(st.query_params.get_all(key))
        if value is not None:
            st.session_state[key] = value
            return True
    return False


def write_url(key: str, codes: list[str], default_codes: list[str]) -> None:
    """After drawing widget `key`: name its value in the URL, the default left out. Page links drop
    the query string, so this runs on every run."""
    if codes == default_codes:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != codes:
        st.query_params[key] = codes


def codes_from_url(values: list[str], options, format_func) -> list:
    """The options a URL names, by code or (older links) by label; unknown values dropped, order kept."""
    by_code = {str(option): option for option in options}
    by_label = {str(format_func(option)): option for option in options}
    out = []
    for value in values:
        option = by_code.get(value, by_label.get(value))
        if option is not None and option not in out:
            out.append(option)
    return out
