"""AppTest: the Alerts page under every profile and language, acknowledging from the page, and a host
State's screen that shows only its own alerts and acts on none."""
from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tnt_dash import store
from tnt_dash.access import PROFILES
from tnt_dash.alerts import ledger, run

from .conftest import DEMO_END

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def alerts_store(demo_db, tmp_path_factory):
    """The demo store with its alerts raised once (a copy: other tests read the demo store)."""
    path = tmp_path_factory.mktemp("alerts_page") / "alerts.duckdb"
    shutil.copy(demo_db, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TNT_ALERT_HOST_STATES", "CAF")
        run.run_alerts(path, today=DEMO_END + timedelta(days=1))
    return path


def open_page(db: Path, profile: str, monkeypatch, lang: str = "en") -> AppTest:
    monkeypatch.setenv("TNT_DB", str(db))
    monkeypatch.setenv("TNT_PROFILE", profile)
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    return at.switch_page("pages/alerts.py").run()


def scope_alerts(db: Path, scope: str):
    con = store.connect(db, read_only=True)
    try:
        return ledger.alerts(con, db, scope)
    finally:
        con.close()


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_alerts_page_every_profile(alerts_store, profile, monkeypatch):
    at = open_page(alerts_store, profile, monkeypatch)
    assert not at.exception, [e.message for e in at.exception]
    scope = "shared:CAF" if profile == "shared" else profile
    frame = scope_alerts(alerts_store, scope)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["New"] == f"{int((frame['status'] == 'new').sum()):,}"
    shown = [m.value for m in at.markdown if m.value.startswith("**New alert**")]
    assert len(shown) == min(30, int((frame["status"] == "new").sum()))
    text = "\n".join(m.value for m in at.markdown)
    if profile == "shared":
        assert not [b for b in at.button if b.label == "Acknowledge"], "a host State's screen acts on no alert"
        areas = set(frame["admin1_code"].dropna())
        assert all(code.startswith("CF-") for code in areas)
        assert "Arms trafficking in Haut-Mbomou: " not in text or "CF-HM" in areas
    else:
        assert "Week 2026-W47: Arms trafficking in Haut-Mbomou" in text


@pytest.mark.parametrize("profile", ["analyst", "shared"])
def test_alerts_page_in_french(alerts_store, profile, monkeypatch):
    at = open_page(alerts_store, profile, monkeypatch, lang="fr")
    assert not at.exception, [e.message for e in at.exception]
    assert "Alertes" in [t.value for t in at.title]
    assert "Nouvelles" in {m.label for m in at.metric}
    if profile == "analyst":
        text = "\n".join(m.value for m in at.markdown)
        assert "Semaine 2026-W47\u202f: Trafic d'armes (Haut-Mbomou)" in text


def test_acknowledge_from_the_page_records_the_viewer(alerts_store, tmp_path, monkeypatch):
    db = tmp_path / "ack.duckdb"
    shutil.copy(alerts_store, db)
    at = open_page(db, "commissioner", monkeypatch)
    first = scope_alerts(db, "commissioner")["alert_id"].iloc[0]
    at.button(key=f"ack_{first}").click().run()
    assert not at.exception
    row = scope_alerts(db, "commissioner").set_index("alert_id").loc[first]
    # No sign-in configured: the watch lists and acknowledgements belong to the server's profile.
    assert (row["status"], row["acknowledged_by"]) == ("acknowledged", "profile:commissioner")
    assert {m.label: m.value for m in at.metric}["Acknowledged"] == "1"
