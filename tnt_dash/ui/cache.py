"""The pages' query cache: each call is keyed on the store's version and its arguments' values, and
run on the store's one shared read-only connection, several at a time on a miss.

Streamlit's own hashing of a Filters and a Profile took 1.5 ms a call; `cache_key` takes microseconds
and refuses anything it cannot key exactly (a DataFrame, a connection), so two views never share an
entry by accident.
"""
from __future__ import annotations

import dataclasses
import enum
import functools
import inspect
from datetime import date, datetime, timedelta

import numpy as np
import streamlit as st

from tnt_dash import i18n, seed, snapshots, store
from tnt_dash.filters import Filters
from tnt_dash.i18n import I18n
from tnt_dash.scope import Scope
from tnt_dash.parallel import run_parts

# A call as the cache holds it: the function itself, its arguments after the connection, its keywords.
Call = tuple  # (fn, args: tuple, kwargs: tuple[(name, value), ...])


def prepared(fn, args: tuple, kwargs: dict) -> Call:
    """(fn, args, kwargs) as the cache keys and stores them: defaults bound, a reads_only query's
    filters (alone or in a Scope) cut to what it reads, an I18n replaced by its language."""
    bound = _signature(fn).bind(None, *args, **kwargs)
    bound.apply_defaults()
    args, kwargs = bound.args[1:], bound.kwargs
    kept = getattr(fn, "filter_fields", None)
    if kept is not None:
        args = tuple(a.keep(kept) if isinstance(a, (Filters, Scope)) else a for a in args)
        kwargs = {k: v.keep(kept) if isinstance(v, (Filters, Scope)) else v for k, v in kwargs.items()}
    args = tuple(("__lang__", a.lang) if isinstance(a, I18n) else a for a in args)
    kwargs = tuple(sorted((k, ("__lang__", v.lang) if isinstance(v, I18n) else v) for k, v in kwargs.items()))
    return fn, args, kwargs


@functools.lru_cache(maxsize=None)
def _signature(fn) -> inspect.Signature:
    return inspect.signature(fn)


def cache_key(value) -> str:
    """A canonical text for a call's arguments: equal for equal values, and different for values
    a query could tell apart (1, 1.0, True and "1" differ). A function is keyed by its module and
    name. Only plain values and frozen dataclasses of them are accepted: anything else (a DataFrame,
    a connection) raises instead of producing a key that could mix up two views."""
    if isinstance(value, np.generic):      # a count or code read from a frame: keyed as the plain value
        return cache_key(value.item())
    if value is None or isinstance(value, (bool, int, float, str, bytes, date, datetime, timedelta)):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, enum.Enum):
        return f"{type(value).__qualname__}.{value.name}"
    if inspect.isfunction(value):
        return f"fn:{value.__module__}.{value.__qualname__}"
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__}(" + ",".join(cache_key(v) for v in value) + ")"
    if isinstance(value, (frozenset, set)):
        return f"{type(value).__name__}(" + ",".join(sorted(cache_key(v) for v in value)) + ")"
    if isinstance(value, dict):
        return "dict(" + ",".join(sorted(f"{cache_key(k)}={cache_key(v)}" for k, v in value.items())) + ")"
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and value.__dataclass_params__.frozen:
        cls = type(value)
        return f"{cls.__module__}.{cls.__qualname__}(" + ",".join(
            f"{f.name}={cache_key(getattr(value, f.name))}" for f in dataclasses.fields(value)) + ")"
    raise TypeError(f"cannot key a page cache on a {type(value).__name__}; pass plain values or a frozen dataclass")


def cached(store_version: str, fn, *args, **kwargs):
    """fn(con, *args, **kwargs), cached per store version and argument values."""
    return cached_calls(store_version, (prepared(fn, args, kwargs),))[0]


def cached_calls(store_version: str, calls: tuple[Call, ...]) -> list:
    """Each prepared call run with the store's connection, as one cache entry."""
    # All by keyword: Streamlit looks up the name of every positional argument in the signature.
    return _cached_calls(key=cache_key((store_version, calls)), _store_version=store_version, _calls=calls)


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_calls(key: str, _store_version: str, _calls: tuple) -> list:
    # Streamlit hashes only `key`, which holds everything else (arguments starting with "_" are
    # not hashed): see cache_key.
    return _run_calls(_store_version, _calls)


def shared(store_version: str, fn, *args, **kwargs):
    """fn(con, *args, **kwargs) for reference data a page only reads (map outlines): one object per
    store version shared by every session, never a copy per rerun. Never for anything a profile filters."""
    call = prepared(fn, args, kwargs)
    return _shared_call(key=cache_key((store_version, call)), _store_version=store_version, _call=call)


@st.cache_resource(show_spinner=False, max_entries=64)
def _shared_call(key: str, _store_version: str, _call: Call):
    return _run_calls(_store_version, (_call,))[0]


def _run_calls(store_version: str, calls: tuple[Call, ...]) -> list:
    path = store_version.split("|", 1)[0]
    con = root_connection(path=path, version=store_version)

    def restore(value):
        if isinstance(value, tuple) and len(value) == 2 and value[0] == "__lang__":
            return i18n.get(value[1])
        return value

    parts = {n: functools.partial(fn, con, *(restore(a) for a in args), **{k: restore(v) for k, v in kwargs})
             for n, (fn, args, kwargs) in enumerate(calls)}
    return list(run_parts(parts).values())


@st.cache_resource(show_spinner=False, max_entries=3)
def root_connection(path: str, version: str):
    # One read-only root connection per published snapshot; each query takes its own cursor. The
    # newest few stay open, so a rerun that began on the previous snapshot finishes on it; an older
    # one is closed once no session holds it (docs/operations.md).
    return store.connect(path, read_only=True, version=version)


@st.cache_resource(show_spinner=False)
def ensure_store(path: str) -> None:
    seed.ensure_store(path)


def store_version(path: str) -> str:
    """The newest published snapshot of the store (its path and number): what every cache is keyed
    on, so a published write reaches each session at its next rerun and no session is cut off."""
    return snapshots.current(path).version
