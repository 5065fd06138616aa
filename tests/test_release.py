"""Release to one host State (issue #26): a shared screen shows one State's released records, and
every page view, export and brief made for it is logged.

The canaries here belong to a second host State (the DR Congo) and carry every marking, the most
releasable included (UNCLASSIFIED, TLP:CLEAR, validated, even released to the Central African
Republic). The Central African Republic's shared screen must neither show nor count them."""
from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from tnt_dash import access, brief, i18n, presented, queries, releases, seed, store, views
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope

from .conftest import run_cli, DEMO_END, SHARED_STATE, first_admin1, insert_incident
from .test_app import APP, INTERNAL_PAGES, PAGES, run_page
from .test_leaks import walk_protos

WORD = "HOSTCANARYZQX"
CAF = access.SHARED.for_host_state(SHARED_STATE)
MARKINGS = [dict(), dict(tlp="TLP:CLEAR"), dict(tlp="TLP:AMBER"), dict(tlp="TLP:RED"),
            dict(classification="CONFIDENTIAL"), dict(status="draft")]


@pytest.fixture(scope="module")
def second_state_db(demo_db, tmp_path_factory):
    """The demo store plus a second host State's canaries in every marking, released every way."""
    path = tmp_path_factory.mktemp("second_state") / "second.duckdb"
    shutil.copy(demo_db, path)
    con = store.connect(path)
    con.execute("INSERT INTO actors (actor_id, name, gitoc_actor_type, name_restricted, violence, reach, links) "
                    "VALUES (?, ?, 'Criminal networks', FALSE, 3, 3, 3)", [f"ACT-{WORD}", WORD])
    last_week = DEMO_END - timedelta(days=DEMO_END.weekday()) - timedelta(days=7)
    n = 0
    for marking in MARKINGS:
        for release in (dict(originator="host_state", originator_iso3="COD"),
                        dict(originator="unpol", releasable_to=[SHARED_STATE]),
                        dict(originator="host_state", originator_iso3=SHARED_STATE, releasable_to=[SHARED_STATE]),
                        dict(originator="partner", releasable_to=["COD", SHARED_STATE], cross_border=True,
                             origin_iso3="COD", destination_iso3="UGA")):
            for day in range(2):
                n += 1
                insert_incident(con, incident_id=f"{WORD}-{n}", date_occurred=last_week + timedelta(days=day),
                                mission="MONUSCO", iso3="COD", admin1_code=first_admin1(con, "COD"),
                                place=WORD, market="human_trafficking", v_female_child=2, v_female_adult=3,
                                fatalities=1, actor_id=f"ACT-{WORD}", narrative=WORD, source_ref=WORD,
                                reporting_unit=WORD, **{**marking, **release})
    con.close()
    return path


def con_for(path):
    return store.connect(path, read_only=True)


def test_the_canaries_are_there_for_the_analyst_and_for_their_own_state(second_state_db):
    con = store.connect(second_state_db, read_only=True)
    try:
        everything = Filters(statuses=("validated", "draft"))
        analyst = con.execute("SELECT count(*) FROM incidents WHERE narrative = ?", [WORD]).fetchone()[0]
        cod = access.SHARED.for_host_state("COD")
        # COD's own screen: its own reports and those released to it, UNCLASSIFIED TLP:CLEAR/GREEN
        # and validated only: 2 markings × 3 release ways (own, own-and-released, released) × 2 days.
        cod_canaries = con.execute(f"SELECT count(*) FROM incidents i WHERE {cod.where()} AND narrative = ?",
                                   [WORD]).fetchone()[0]
    finally:
        con.close()
    assert analyst == len(MARKINGS) * 4 * 2 and queries.record_count(con_for(second_state_db), everything,
                                                                      access.ANALYST) > analyst
    assert cod_canaries == 2 * 2 * 2   # own report, or the partner's released to COD; the others name CAF only


@pytest.mark.parametrize("page", PAGES)
def test_no_second_state_canary_on_any_shared_page_nor_in_its_counts(second_state_db, demo_db, monkeypatch, page):
    """Every element the server sends for every page, with and without the canaries: identical."""
    sent = {}
    for label, path in (("with", second_state_db), ("without", demo_db)):
        monkeypatch.setenv("TNT_DB", str(path))
        monkeypatch.setenv("TNT_PROFILE", "shared")
        monkeypatch.setenv("TNT_HOST_STATE", SHARED_STATE)
        at = run_page(page)
        assert not at.exception, [e.message for e in at.exception]
        # A download button's file id is drawn at random for each run; everything else must match.
        sent[label] = re.sub(r'file_id: "[0-9a-f]+"', "", walk_protos(at))
    assert WORD not in sent["with"]
    assert sent["with"] == sent["without"], page


@pytest.mark.parametrize("view", sorted(views.REGISTRY))
def test_shared_exports_are_the_same_with_and_without_a_second_states_records(second_state_db, demo_db, view):
    t = i18n.get("en")
    filters = Filters(statuses=("validated", "draft", "in_review", "archived"))
    frames = {}
    for label, path in (("with", second_state_db), ("without", demo_db)):
        con = store.connect(path, read_only=True)
        try:
            frames[label] = views.build(view, con, Scope(filters, CAF, t.lang, "export")).frame
        finally:
            con.close()
    assert WORD not in frames["with"].to_csv()
    assert frames["with"].equals(frames["without"]), view


def test_the_brief_pack_is_the_same_with_and_without_a_second_states_records(second_state_db, demo_db):
    from tnt_dash.brief import export as brief_export
    t = i18n.get("fr")
    week = DEMO_END - timedelta(days=DEMO_END.weekday()) - timedelta(days=7)
    packs, files = {}, {}
    for label, path in (("with", second_state_db), ("without", demo_db)):
        con = store.connect(path, read_only=True)
        try:
            packs[label] = brief.weekly_brief(con, Scope(Filters(), CAF, "fr", "export"), week)
            stamp = presented.stamp(con, Scope(Filters(), CAF, t.lang), "Brief", period=t.week(week))
            files[label] = {fmt: brief_export.render(fmt, packs[label], stamp, t) for fmt in ("xlsx", "pptx", "pdf")}
        finally:
            con.close()
    for name in ("kpis", "weekly", "changes", "anomalies", "priorities", "incidents", "victims", "hotspots"):
        a, b = getattr(packs["with"], name), getattr(packs["without"], name)
        assert a.equals(b), name
    assert set(packs["with"].hotspots.get("iso3", [SHARED_STATE])) <= {SHARED_STATE}
    for fmt, data in files["with"].items():
        assert WORD.encode() not in data, fmt


def _hand(tmp_path):
    path = tmp_path / "release.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf = con.execute("SELECT min(code) FROM admin1 WHERE iso3 = 'CAF'").fetchone()[0]
    hti = con.execute("SELECT min(code) FROM admin1 WHERE iso3 = 'HTI'").fetchone()[0]
    common = dict(date_occurred="2026-11-16", market="arms_trafficking", tlp="TLP:GREEN")
    insert_incident(con, incident_id="OWN", mission="BINUH", iso3="HTI", admin1_code=hti,
                    originator="host_state", originator_iso3="HTI", **common)
    insert_incident(con, incident_id="PARTNER", mission="BINUH", iso3="HTI", admin1_code=hti,
                    originator="partner", releasable_to=[], **common)
    insert_incident(con, incident_id="PARTNER-HTI", mission="BINUH", iso3="HTI", admin1_code=hti,
                    originator="partner", releasable_to=["HTI"], **common)
    insert_incident(con, incident_id="UNPOL-CAF", mission="BINUH", iso3="HTI", admin1_code=hti,
                    originator="unpol", releasable_to=["CAF"], **common)
    insert_incident(con, incident_id="RED", mission="BINUH", iso3="HTI", admin1_code=hti,
                    originator="host_state", originator_iso3="HTI", **{**common, "tlp": "TLP:RED"})
    insert_incident(con, incident_id="CAF-RELEASED-TO-HTI", mission="MINUSCA", iso3="CAF", admin1_code=caf,
                    originator="unpol", releasable_to=["HTI"], **common)
    con.close()
    return store.connect(path, read_only=True)


def test_releasability_rules_record_by_record(tmp_path, monkeypatch):
    con = _hand(tmp_path)
    hti = access.SHARED.for_host_state("HTI")

    def shown(profile, rollups: str = "1") -> set[str]:
        monkeypatch.setenv("TNT_ROLLUPS", rollups)
        ids = {r[0] for r in con.execute(f"SELECT incident_id FROM incidents i WHERE {profile.where()}").fetchall()}
        assert queries.record_count(con, Filters(), profile) == len(ids)    # the rollup agrees
        return ids
    # Haiti's own report (empty releasable_to); a partner's only once released to Haiti; never a
    # record released to another State, one in another State's territory, or TLP:RED.
    assert shown(hti) == {"OWN", "PARTNER-HTI"}
    assert shown(hti, "0") == {"OWN", "PARTNER-HTI"}
    assert queries.data_status(con, Filters(), hti)["records"] == 2
    # TLP:RED names its recipients: the analyst only.
    assert "RED" in shown(access.ANALYST)
    assert "RED" not in shown(access.COMMISSIONER) and "RED" not in shown(access.GENDER)
    con.close()


def test_a_shared_profile_without_its_state_fails_closed(monkeypatch):
    with pytest.raises(access.HostStateError, match="TNT_HOST_STATE"):
        access.SHARED.where()
    monkeypatch.delenv("TNT_HOST_STATE", raising=False)
    with pytest.raises(access.HostStateError):
        access.get_profile("shared")
    with pytest.raises(access.HostStateError, match="alpha-3"):
        access.SHARED.for_host_state("Haiti")
    assert access.get_profile("shared", "hti").host_state == "HTI"


def test_cli_refuses_shared_without_a_state_and_logs_what_it_releases(demo_db, tmp_path):
    import os
    db = tmp_path / "cli.duckdb"
    shutil.copy(demo_db, db)
    env = {k: v for k, v in os.environ.items() if k != "TNT_HOST_STATE"}
    env.update(TNT_DB=str(db), TNT_PROFILE="shared")
    refused = run_cli("info", env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip().count("\n") == 0 and "TNT_HOST_STATE" in refused.stderr
    assert run_cli("info", env={**env, "TNT_HOST_STATE": "FRA"}).returncode == 2    # not a mission's host

    env["TNT_HOST_STATE"] = "HTI"
    info = json.loads(run_cli("info", "--json", env=env).stdout)
    assert info["host_state"] == "HTI" and "incidents" not in info and "territories" not in info
    out = tmp_path / "markets.csv"
    assert run_cli("export", "markets", "--format", "csv", "--out", str(out), env=env).returncode == 0
    # The analyst reads the log; the spool is moved into the table on the way.
    analyst = {**env, "TNT_PROFILE": "analyst"}
    logged = json.loads(run_cli("releases", "--format", "json", env=analyst).stdout)
    assert [(e["host_state"], e["kind"], e["item"]) for e in logged] == [("HTI", "export", "markets csv")]
    assert logged[0]["records"] > 0 and logged[0]["marking"].startswith("UNCLASSIFIED")
    assert not releases.spool_path(db).exists()
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM releases").fetchone()[0] == 1
    finally:
        con.close()
    # A brief made by the analyst for Haiti is logged too; an analyst's own export is not.
    assert run_cli("brief", "--profile", "shared", "--host-state", "HTI", "--format", "xlsx",
                "--out", str(tmp_path / "b.xlsx"), env=analyst).returncode == 0
    assert run_cli("export", "markets", "--format", "csv", "--out", str(out), env=analyst).returncode == 0
    logged = json.loads(run_cli("releases", "--format", "json", env=analyst).stdout)
    assert [e["kind"] for e in logged] == ["brief", "export"]
    csv_text = run_cli("releases", "--since", "2000-01-01", env=analyst).stdout
    assert csv_text.splitlines()[0].startswith("entry_id,logged_at,host_state")


def test_release_log_survives_a_spool_it_cannot_write(tmp_path, monkeypatch, caplog):
    db = tmp_path / "s.duckdb"
    seed.build(db, demo_rows=None)
    blocked = tmp_path / "no-such-dir" / "s.duckdb"
    assert not releases.log_release(blocked, CAF, kind="page", item="Overview", filters=Filters(), records=3)
    assert "wait in memory" in caplog.text and SHARED_STATE not in caplog.text
    # The waiting entry goes out with the next one that can be written.
    monkeypatch.setattr(releases, "spool_path", lambda _db: tmp_path / "s.duckdb.releases.jsonl")
    assert releases.log_release(db, CAF, kind="page", item="Brief", filters=Filters(), records=4)
    con = store.connect(db)
    try:
        assert releases.drain(con, db) == 2
        assert releases.drain(con, db) == 0
        logged = releases.read(con, db)
    finally:
        con.close()
    assert sorted(logged["item"]) == ["Brief", "Overview"]
    assert not releases.log_release(db, access.ANALYST, kind="page", item="x", filters=Filters(), records=1)


def test_shared_screen_logs_each_view_once_and_hides_internal_pages(demo_db, tmp_path, monkeypatch):
    db = tmp_path / "views.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TNT_DB", str(db))
    monkeypatch.setenv("TNT_PROFILE", "shared")
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "fr"
    at.run()
    assert not at.exception
    banner = next(m.value for m in at.markdown if "tnt-banner" in m.value)
    assert "Communiqué à la République centrafricaine" in banner or "République centrafricaine" in banner
    at.run()                                     # a rerun with the same filters: no second entry
    entries = [json.loads(line) for line in releases.spool_path(db).read_text().splitlines()]
    assert [(e["kind"], e["host_state"]) for e in entries] == [("page", SHARED_STATE)]
    # Mission-internal pages: not in the navigation (test_app checks their refusal by URL).
    for page in INTERNAL_PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_the_analyst_reads_the_release_log_on_the_data_page(demo_db, tmp_path, monkeypatch):
    db = tmp_path / "log.duckdb"
    shutil.copy(demo_db, db)
    assert releases.log_release(db, access.SHARED.for_host_state("HTI"), kind="export", item="markets csv",
                                filters=Filters(markets=("cocaine",)), records=12)
    monkeypatch.setenv("TNT_DB", str(db))
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.message for e in at.exception]
    log = next(df.value for df in at.dataframe if "Host State" in df.value.columns)
    assert log[["Host State", "What", "Page, export or brief", "Records"]].values.tolist() == [
        ["HTI", "export", "markets csv", 12]]
    assert json.loads(log["Filters"].iloc[0])["markets"] == ["cocaine"]
