"""The Data page: analysts only (enforced in tnt_dash.importers.admin), quarantine correction end to end."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tnt_dash import access, store
from tnt_dash.importers import admin, pipeline
from tnt_dash.importers.pipeline import ImportRefused

APP = str(Path(__file__).resolve().parent.parent / "app.py")
FIX = Path(__file__).resolve().parent / "fixtures" / "import"


def open_page(monkeypatch, db: Path, profile: str) -> AppTest:
    monkeypatch.setenv("TNT_DB", str(db))
    monkeypatch.setenv("TNT_PROFILE", profile)
    if profile == "shared":     # not in a shared screen's navigation: the file, as opened by its URL
        return AppTest.from_file(str(Path(APP).parent / "pages" / "data.py"), default_timeout=90).run()
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/data.py").run()
    return at


@pytest.fixture
def page_db(demo_db, tmp_path) -> Path:
    path = tmp_path / "page.duckdb"
    shutil.copy(demo_db, path)
    pipeline.run_import(path, FIX / "native_fr_cp1252.csv")
    return path


@pytest.mark.parametrize("profile", ["shared", "gender", "commissioner"])
def test_other_profiles_get_a_message_and_nothing_else(monkeypatch, page_db, profile):
    at = open_page(monkeypatch, page_db, profile)
    assert not at.exception
    assert [i.body for i in at.info] == [
        "This page holds mission-internal material and is not shown on a host State's shared screen."
        if profile == "shared" else "Imports, the quarantine and the audit trail are for the analyst profile only."]
    assert len(at.tabs) == 0 and len(at.dataframe) == 0 and len(at.button) == 0


@pytest.mark.parametrize("profile", ["shared", "gender", "commissioner"])
def test_admin_functions_refuse_other_profiles(page_db, profile):
    con = store.connect(page_db, read_only=True)
    try:
        with pytest.raises(ImportRefused):
            admin.batches(con, access.get_profile(profile))
        with pytest.raises(ImportRefused):
            admin.quarantine_table(con, access.get_profile(profile), "x")
    finally:
        con.close()
    with pytest.raises(ImportRefused):
        admin.commit(page_db, access.get_profile(profile), FIX / "native_en_bom.csv", "x.csv", "auto", None, None)


def test_analyst_corrects_two_rows_and_commits(monkeypatch, page_db):
    at = open_page(monkeypatch, page_db, "analyst")
    assert not at.exception, [e.message for e in at.exception]
    labels = [t.label for t in at.tabs]
    assert labels[:2] == ["Import a file", "Quarantine (2)"]
    quality = [m for m in at.metric if m.label == "Validated"]
    assert quality
    con = store.connect(page_db, read_only=True)
    try:
        table = admin.quarantine_table(con, access.ANALYST, con.execute(
            "SELECT DISTINCT batch_id FROM quarantine WHERE status = 'open'").fetchone()[0])
    finally:
        con.close()
    assert sorted(table["row"]) == [9, 10]
    assert "unknown criminal market: trafic inconnu" in " ".join(table["reasons"])
    table.loc[table["row"] == 9, "Marché"] = "Traite des personnes"
    table.loc[table["row"] == 10, ["Date des faits", "Crédibilité info"]] = ["28/02/2026", "3"]
    # What the page's button does first: release the cached read-only connection of this process.
    import gc

    import streamlit as st
    st.cache_resource.clear()
    st.cache_data.clear()
    del at
    gc.collect()
    report = admin.resubmit(page_db, access.ANALYST, admin.corrections_from(table), None, "tester")
    assert (report.rows_read, report.inserted, report.quarantined) == (2, 2, 0)
    at = open_page(monkeypatch, page_db, "analyst")
    assert not at.exception
    assert [t.label for t in at.tabs][1] == "Quarantine (0)"
    assert "No row is waiting in the quarantine." in [s.body for s in at.success]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_upload_button_and_size_line_speak_the_pages_language(monkeypatch, page_db, lang):
    """Streamlit writes "Upload" and "50MB per file" in English only: in French the page replaces
    them (frame.file_uploader), scoped to its own uploader."""
    monkeypatch.setenv("TNT_DB", str(page_db))
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    styles = [e.proto.body for e in at.get("html") if "stFileUploader" in e.proto.body]
    if lang == "en":
        assert styles == []
    else:
        assert len(styles) == 1 and ".st-key-data_upload" in styles[0]
        assert '"Parcourir"' in styles[0] and "Mo par fichier • CSV, TXT, XLSX, XLSM" in styles[0]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_calendars_english_quick_choices_are_hidden_in_french(monkeypatch, page_db, lang):
    """The date picker's month names follow the browser's language; its quick choices ("Date
    range": "Past Week"…) are Streamlit's English only, so a French screen hides them."""
    monkeypatch.setenv("TNT_DB", str(page_db))
    monkeypatch.setenv("TNT_PROFILE", "shared")
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    hidden = [e.proto.body for e in at.get("html") if "stDateInputQuickSelect" in e.proto.body]
    assert hidden == ([] if lang == "en" else ['<style>[data-testid="stDateInputQuickSelect"] {display: none;}</style>'])


def test_a_write_while_another_writer_holds_the_store_says_so(monkeypatch, page_db, navigation_declared):
    """Readers use published snapshots, so only another writer can hold the working store: the page
    says so, with the writer's own line, and changes nothing."""
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom tnt_dash import snapshots\n"
                               "snapshots.acquire(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(120)",
                               str(page_db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("TNT_WRITE_WAIT", "0")
        at = open_page(monkeypatch, page_db, "analyst")
        before = [(b.label, b.value) for b in at.selectbox if b.key == "data_rb_batch"]
        at.checkbox(key="data_rb_sure").check().run()
        next(b for b in at.button if b.label == "Roll back").click().run()
        assert not at.exception
        assert [e.body.split(" (", 1)[0] for e in at.error] == [
            "The store is busy: another import or change is being written to it. Try again in a moment."]
        assert f"being written by process {holder.pid}" in at.error[0].body
        assert [(b.label, b.value) for b in at.selectbox if b.key == "data_rb_batch"] == before
    finally:
        holder.kill()
        holder.wait()
