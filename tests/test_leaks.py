"""Leak tests: canary records restricted in each way in turn must never reach the shared profile,
not through pages (every element the server sends), exports, counts or logs."""
from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from tnt_dash import access, i18n, presented, queries, store, views
from tnt_dash.exports import FORMATS, to_bytes
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope

from .test_app import INTERNAL_PAGES, PAGES, run_page

from .conftest import OTHER_STATE, RESTRICTIONS, SHARED_CAF, canary


def test_canaries_are_in_the_store_for_the_analyst(canary_db):
    con = store.connect(canary_db, read_only=True)
    try:
        rows = queries.incident_list(con, Filters(statuses=("validated", "draft")), access.ANALYST, "en", limit=500)
    finally:
        con.close()
    assert {c for c in rows["narrative"].dropna() if "CANARY" in c} == {canary(k) for k in (*RESTRICTIONS, OTHER_STATE)}


def walk_protos(at: AppTest) -> str:
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    return "\n".join(out)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", PAGES)
def test_no_canary_on_any_shared_page(canary_db, monkeypatch, page, lang, caplog):
    monkeypatch.setenv("TNT_DB", str(canary_db))
    monkeypatch.setenv("TNT_PROFILE", "shared")
    caplog.set_level(logging.DEBUG)
    at = run_page(page, lang)
    assert not at.exception
    sent = walk_protos(at)
    if page not in INTERNAL_PAGES:
        assert "Haut-Mbomou" in sent      # the scan reaches the map's JSON, where the canaries' area is
    assert "CANARY" not in sent
    assert "CANARY" not in caplog.text


@pytest.mark.parametrize("view", sorted(views.REGISTRY))
def test_no_canary_in_shared_exports_nor_counts(canary_db, demo_db, view):
    t = i18n.get("en")
    filters = Filters(statuses=("validated", "draft", "in_review", "archived"))
    outputs = {}
    for label, path in (("with", canary_db), ("without", demo_db)):
        con = store.connect(path, read_only=True)
        try:
            built = views.build(view, con, Scope(filters, SHARED_CAF, t.lang, "export"))
            stamp = presented.stamp(con, Scope(filters, SHARED_CAF, t.lang), built.title)
            outputs[label] = built.frame
            for fmt in FORMATS:
                assert b"CANARY" not in to_bytes(built.frame, fmt, stamp), (view, fmt)
        finally:
            con.close()
    # The canaries are not counted either: the shared tables are identical with and without them.
    assert outputs["with"].equals(outputs["without"]), view


def test_shared_counts_ignore_canaries(canary_db, demo_db):
    counts = {}
    for label, path in (("with", canary_db), ("without", demo_db)):
        con = store.connect(path, read_only=True)
        try:
            counts[label] = queries.data_status(con, Filters(statuses=()), SHARED_CAF)["records"]
        finally:
            con.close()
    assert counts["with"] == counts["without"]
