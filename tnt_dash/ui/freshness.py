"""An open session follows the newest published snapshot without anyone touching it.

A server switches to a new snapshot at a session's next rerun (cache.store_version). A screen
left open in a meeting reruns only when someone clicks, so a small fragment checks the pointer
every TNT_FRESHNESS_SECONDS (default 5; 0 turns it off) and reruns the page when a write was
published. The check is a stat and a 150-byte read: twenty sessions cost the server a few
milliseconds a second. The rerun keeps the session: its filters, page and language stay.
"""
from __future__ import annotations

import os

import streamlit as st

from tnt_dash import snapshots


def interval() -> float:
    value = os.environ.get("TNT_FRESHNESS_SECONDS", "5")
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"TNT_FRESHNESS_SECONDS must be a number of seconds, got {value!r}") from None
    return max(0.0, seconds)


def follow(path: str, version: str) -> None:
    """Rerun the page once the store at `path` publishes a snapshot newer than `version`."""
    seconds = interval()
    if not seconds:
        return

    @st.fragment(run_every=seconds)
    def watch() -> None:
        newest = snapshots.current(path, publish_if_stale=False)
        if newest is not None and newest.version != version:
            st.rerun(scope="app")

    with st.sidebar:
        watch()
