"""Early warning (docs/alerts.md): the planted spikes become alerts once, an import's spike raises exactly
one alert, small victim counts stay hidden in a shared digest, acknowledgements keep their user."""
from __future__ import annotations

import json
import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tnt_dash import access, store
from tnt_dash.alerts import detect, digest, explain, ledger, run
from tnt_dash.alerts.rules import RuleError, new_rule
from tnt_dash.brief import anomalies
from tnt_dash.i18n import get
from tnt_dash.importers import pipeline
from tnt_dash.scope import Scope

from .conftest import DEMO_END, SHARED_CAF, insert_incident, run_cli

TODAY = DEMO_END + timedelta(days=1)          # the Monday after the demo's last week
LAST_WEEK = DEMO_END - timedelta(days=6)      # its Monday: the last complete week


@pytest.fixture(autouse=True)
def one_shared_screen(monkeypatch):
    """Shared alerts for the tests' host State only: each scope is a full evaluation on 2 busy cores."""
    monkeypatch.setenv("TNT_ALERT_HOST_STATES", "CAF")


@pytest.fixture
def alerts_db(demo_db, tmp_path) -> Path:
    """A copy of the demo store: alerts write to the store, and other tests read the shared one."""
    path = tmp_path / "alerts.duckdb"
    shutil.copy(demo_db, path)
    return path


def planted(path: Path) -> set[tuple[str, str, str]]:
    con = store.connect(path, read_only=True)
    try:
        return {(s["week"], s["admin1_code"], s["market"]) for s in json.loads(store.get_meta(con)["planted_spikes"])}
    finally:
        con.close()


def stored(path: Path, scope: str):
    con = store.connect(path, read_only=True)
    try:
        return ledger.alerts(con, path, scope)
    finally:
        con.close()


def test_planted_spikes_are_raised_once_and_a_rerun_raises_nothing(alerts_db):
    first = run.run_alerts(alerts_db, today=TODAY)
    assert first["weeks"]["analyst"] == [(LAST_WEEK - timedelta(weeks=25)).isoformat(), LAST_WEEK.isoformat()]
    frame = stored(alerts_db, "analyst")
    assert len(frame) == first["raised"]["analyst"] > 0
    anomalies_raised = frame[frame["kind"] == "anomaly"]
    cells = {(str(w)[:10], a, m) for w, a, m in zip(anomalies_raised["week"], anomalies_raised["admin1_code"],
                                                     anomalies_raised["market"])}
    assert planted(alerts_db) <= cells, "every planted spike is an anomaly alert"
    assert len(cells) == len(anomalies_raised), "one alert per spike"
    assert (frame["status"] == "new").all()
    second = run.run_alerts(alerts_db, today=TODAY)
    assert sum(second["raised"].values()) == 0
    assert len(stored(alerts_db, "analyst")) == len(frame)


def quiet_cell(path: Path) -> tuple[str, str, str, list[int]]:
    """An area and market with a steady history and an ordinary last week: (admin1, iso3, market, series)."""
    con = store.connect(path, read_only=True)
    try:
        series = anomalies.anomaly_series(con, detect.alert_filters(access.ANALYST), access.ANALYST, LAST_WEEK)
        for (area, market), counts in sorted(series.items()):
            if 12 <= sum(counts[:-1]) <= 48 and counts[-1] <= sum(counts[:-1]) / 12 \
                    and sum(1 for n in counts[:-1] if n) >= 8:
                iso3 = con.execute("SELECT iso3 FROM admin1_named WHERE code = ?", [area]).fetchall()[0][0]
                return area, iso3, market, counts
    finally:
        con.close()
    raise AssertionError("the demo store has no steady cell")


def test_a_spike_imported_raises_exactly_one_alert_and_a_rerun_none(alerts_db, tmp_path):
    run.run_alerts(alerts_db, today=TODAY)
    area, iso3, market, counts = quiet_cell(alerts_db)
    day = (LAST_WEEK + timedelta(days=2)).isoformat()
    rows = ["incident_id,date_occurred,iso3,admin1_code,market,status,source_reliability,info_credibility,"
            "classification,tlp"]
    rows += [f"SPIKE-{n},{day},{iso3},{area},{market},validated,B,2,UNCLASSIFIED,TLP:GREEN" for n in range(15)]
    spike = tmp_path / "spike.csv"
    spike.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = set(stored(alerts_db, "analyst")["alert_id"])
    report = pipeline.run_import(alerts_db, spike)        # the import hook evaluates after the commit
    assert report.inserted == 15
    after = stored(alerts_db, "analyst")
    new = after[~after["alert_id"].isin(before)]
    assert len(new) == 1, new[["kind", "admin1_code", "market", "week"]]
    row = new.iloc[0]
    assert (row["kind"], row["admin1_code"], row["market"], row["run_trigger"]) == ("anomaly", area, market, "import")
    assert row["observed"] == counts[-1] + 15
    assert sum(run.run_alerts(alerts_db, today=TODAY)["raised"].values()) == 0


def victim_cell(con) -> tuple[str, str]:
    """A CAF area and market with no victim recorded in the last complete week, for any profile."""
    rows = con.execute("""
        SELECT a.code, m.code FROM admin1_named a, markets m WHERE a.iso3 = 'CAF' AND a.current
        AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.admin1_code = a.code AND i.market = m.code
                        AND i.date_occurred BETWEEN ? AND ?)
        ORDER BY a.code, m.code LIMIT 1""", [LAST_WEEK, DEMO_END]).fetchall()[0]
    return rows[0], rows[1]


def test_a_rule_on_a_small_victim_count_never_reveals_it_in_a_shared_digest(alerts_db, tmp_path):
    con = store.connect(alerts_db)
    area, market = victim_cell(con)
    for n in range(2):       # two children, released to the Central African Republic (its own report)
        insert_incident(con, incident_id=f"SMALL-{n}", date_occurred=LAST_WEEK + timedelta(days=n), mission="MINUSCA",
                        iso3="CAF", admin1_code=area, market=market, v_female_child=1, tlp="TLP:CLEAR")
    con.close()
    for scope in ("shared:CAF", "gender"):
        ledger.spool(alerts_db, "alert_rules", ledger.rule_row(new_rule(
            "tester", scope, "women_children", market=market, admin1_code=area, threshold=1)))
    run.run_alerts(alerts_db, today=TODAY)
    gender = stored(alerts_db, "gender")
    fired = gender[(gender["kind"] == "threshold") & (gender["week"].astype(str).str[:10] == LAST_WEEK.isoformat())]
    assert len(fired) == 1 and fired["observed"].iloc[0] == 2
    shared = stored(alerts_db, "shared:CAF")
    assert (shared["kind"] != "threshold").all(), "a count under the threshold of suppression does not fire there"
    con = store.connect(alerts_db, read_only=True)
    try:
        t = get("en")
        on_screen = explain.present(fired, t, explain.labels(con, "en"), access.GENDER, "screen",
                                    ledger.rules(con, alerts_db, "gender"))["sentence"].iloc[0]
        assert "week 2026-W48: 2, at or above the threshold of 1" in on_screen
        gender_digest = digest.build(con, alerts_db, access.GENDER, t, TODAY - timedelta(days=1))
        shared_digest = digest.build(con, alerts_db, SHARED_CAF, t, TODAY - timedelta(days=1))
    finally:
        con.close()
    # The Gender Officer's digest leaves the screen: the count is "<5", with no percentage or threshold.
    line = next(s for s in gender_digest.text.splitlines() if "Women and children victims" in s)
    assert "week 2026-W48: <5 (small victim counts are not shown here" in line and "threshold of" not in line
    assert "Women and children victims" not in shared_digest.text
    assert "SMALL-" not in shared_digest.text + shared_digest.html


def test_acknowledgement_and_closure_are_recorded_with_their_user(alerts_db):
    run.run_alerts(alerts_db, today=TODAY)
    con = store.connect(alerts_db, read_only=True)
    try:
        alert = ledger.alerts(con, alerts_db, "commissioner")["alert_id"].iloc[0]
        with pytest.raises(ledger.AlertActionError, match="recorded with its user"):
            ledger.spool_action(con, alerts_db, "commissioner", alert, "acknowledge", " ")
        with pytest.raises(ledger.AlertActionError, match="no alert"):
            ledger.spool_action(con, alerts_db, "shared:CAF", alert, "acknowledge", "someone")
        ledger.spool_action(con, alerts_db, "commissioner", alert, "acknowledge", "cdt.durand@un.org")
        with pytest.raises(ledger.AlertActionError, match="already acknowledged"):
            ledger.spool_action(con, alerts_db, "commissioner", alert, "acknowledge", "other@un.org")
        with pytest.raises(ledger.AlertActionError, match="needs a note"):
            ledger.spool_action(con, alerts_db, "commissioner", alert, "close", "cdt.durand@un.org", "")
        row = ledger.alerts(con, alerts_db, "commissioner").set_index("alert_id").loc[alert]
        assert (row["status"], row["acknowledged_by"]) == ("acknowledged", "cdt.durand@un.org")
        ledger.spool_action(con, alerts_db, "commissioner", alert, "close", "analyst.b@un.org", "Patrol sent.")
    finally:
        con.close()
    run.run_alerts(alerts_db, today=TODAY)        # the next writer drains the spool into the table
    assert not ledger.spool_path(alerts_db).exists()
    con = store.connect(alerts_db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM alert_events WHERE alert_id = ?", [alert]).fetchall()[0][0] == 2
        row = ledger.alerts(con, alerts_db, "commissioner").set_index("alert_id").loc[alert]
    finally:
        con.close()
    assert (row["status"], row["acknowledged_by"], row["closed_by"], row["close_note"]) == \
        ("closed", "cdt.durand@un.org", "analyst.b@un.org", "Patrol sent.")


def test_shared_alerts_are_computed_on_what_was_released(alerts_db):
    run.run_alerts(alerts_db, today=TODAY)
    shared, analyst = stored(alerts_db, "shared:CAF"), stored(alerts_db, "analyst")
    con = store.connect(alerts_db, read_only=True)
    try:
        caf = {r[0] for r in con.execute("SELECT code FROM admin1_named WHERE iso3 = 'CAF'").fetchall()}
        assert set(shared["admin1_code"].dropna()) <= caf
        # Each shared firing is found again by the rules on the shared profile, not filtered from the analyst's.
        weeks = [LAST_WEEK - timedelta(weeks=k) for k in range(25, -1, -1)]
        again = detect.evaluate(con, SHARED_CAF, weeks, [])
    finally:
        con.close()
    assert {(f.rule_id, f.key) for f in again} == set(zip(shared["rule_id"], shared["firing_key"]))
    # The analyst's planted spike in Haut-Mbomou is not the host State's unless its released records show it.
    con = store.connect(alerts_db, read_only=True)
    try:
        series = anomalies.anomaly_series(con, detect.alert_filters(SHARED_CAF), SHARED_CAF, LAST_WEEK)
    finally:
        con.close()
    flagged = {key for key, _res in anomalies.scan(series)[0]}
    raised = set(zip(shared.loc[shared["kind"] == "anomaly", "admin1_code"],
                     shared.loc[shared["kind"] == "anomaly", "market"]))
    assert {key for key in flagged} <= raised
    assert ("CF-HM", "arms_trafficking") in set(zip(analyst["admin1_code"], analyst["market"]))


def test_new_corridor_and_first_market_in_an_area(alerts_db):
    run.run_alerts(alerts_db, today=TODAY)
    con = store.connect(alerts_db)
    area = con.execute("SELECT code FROM admin1_named WHERE iso3 = 'CYP' AND current ORDER BY code LIMIT 1").fetchall()[0][0]
    insert_incident(con, incident_id="NEWROUTE-1", date_occurred=LAST_WEEK + timedelta(days=1), mission="UNFICYP",
                    iso3="CYP", admin1_code=area, market="fauna_crimes",
                    cross_border=True, origin_iso3="EGY", destination_iso3="CYP")
    con.close()
    result = run.run_alerts(alerts_db, today=TODAY)
    new = stored(alerts_db, "analyst")
    new = new[new["alert_id"].isin(result["new"]["analyst"])]
    assert set(new["kind"]) <= {"new_corridor", "first_in_area"} and "new_corridor" in set(new["kind"])
    corridor = new[new["kind"] == "new_corridor"].iloc[0]
    assert (corridor["origin_iso3"], corridor["destination_iso3"], corridor["observed"]) == ("EGY", "CYP", 1)
    t = get("fr")
    con = store.connect(alerts_db, read_only=True)
    try:
        text = explain.present(new, t, explain.labels(con, "fr"), access.ANALYST, "screen")
    finally:
        con.close()
    sentence = text[text["kind"] == "new_corridor"]["sentence"].iloc[0]
    assert sentence.startswith("Nouveau corridor transfrontalier Égypte → Chypre")
    assert text[text["kind"] == "new_corridor"]["url"].iloc[0].startswith("/map?")


def test_rules_are_checked():
    with pytest.raises(RuleError, match="either a threshold or a percent"):
        new_rule("me", "analyst", "victims")
    with pytest.raises(RuleError, match="Unknown measure"):
        new_rule("me", "analyst", "arrests", threshold=3)
    with pytest.raises(RuleError, match="Unknown admin-1 area"):
        new_rule("me", "shared:CAF", "incidents", admin1_code="HT-OU", threshold=3, areas={"CF-HM"})
    with pytest.raises(ValueError, match="not an alert scope"):
        new_rule("me", "shared", "incidents", threshold=3)
    rule = new_rule("me", "gender", "women_children", percent=50, min_base=4)
    assert (rule.percent, rule.min_base, rule.threshold) == (50.0, 4.0, None)


def test_cli_run_digest_and_ack(alerts_db, tmp_path):
    env = {**os.environ, "TNT_DB": str(alerts_db), "TNT_PROFILE": "analyst"}
    env.pop("TNT_SMTP_HOST", None)
    done = run_cli("alerts", "run", "--json", env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    cells = {(a["week"], a["admin1_code"], a["market"]) for a in result["alerts"] if a["kind"] == "anomaly"}
    # The calendar moves on: the spikes of the last complete week are listed when that week is today's last one.
    listed = {c for c in planted(alerts_db) if date.fromisoformat(c[0]) >= date.today() - timedelta(weeks=27)}
    assert listed <= cells
    again = json.loads(run_cli("alerts", "run", "--json", env=env).stdout)
    assert again["alerts"] == [] and sum(again["raised"].values()) == 0
    alert = result["alerts"][0]["alert_id"]
    done = run_cli("alerts", "ack", alert, "--user", "duty.officer", env=env)
    assert done.returncode == 0 and "acknowledged by duty.officer" in done.stdout
    assert run_cli("alerts", "ack", alert, env=env).returncode == 2
    outbox = tmp_path / "outbox"
    shared_env = {**env, "TNT_HOST_STATE": "CAF"}
    done = run_cli("digest", "--since", "2000-01-01", "--profile", "shared", "--out", str(outbox), env=shared_env)
    assert done.returncode == 0, done.stderr
    text = next(outbox.glob("digest-shared-CAF-*.txt")).read_text(encoding="utf-8")
    html = next(outbox.glob("digest-shared-CAF-*.html")).read_text(encoding="utf-8")
    assert text.startswith("UNCLASSIFIED – TLP:GREEN – Releasable to host State")
    assert "For: Central African Republic (host State)" in text and "duty.officer" not in text + html
    assert "http" not in html.replace(' href="/', "").split("<body")[0]
    done = run_cli("digest", "--profile", "shared", "--out", str(outbox), env={**env, "TNT_HOST_STATE": ""})
    assert done.returncode == 2 and "TNT_HOST_STATE" in done.stderr


def test_restricted_records_change_no_shared_alert(canary_db, demo_db, tmp_path):
    """The canary records (restricted each way, and another State's released to this one) raise or
    change nothing on the host State's screen, and never appear in its digest."""
    found = {}
    for label, source in (("with", canary_db), ("without", demo_db)):
        path = tmp_path / f"{label}.duckdb"
        shutil.copy(source, path)
        run.run_alerts(path, today=TODAY)
        frame = stored(path, "shared:CAF")
        found[label] = sorted(zip(frame["rule_id"], frame["firing_key"], frame["observed"]))
        analyst = stored(path, "analyst")
        found[f"analyst {label}"] = set(zip(analyst["kind"], analyst["admin1_code"], analyst["market"]))
        con = store.connect(path, read_only=True)
        try:
            made = digest.build(con, path, SHARED_CAF, get("fr"), date(2000, 1, 1))
        finally:
            con.close()
        assert "CANARY" not in made.text + made.html
    # Seen by the analyst, the canaries raise an anomaly in Haut-Mbomou; the host State's screen has none.
    assert ("anomaly", "CF-HM", "human_trafficking") in found["analyst with"] - found["analyst without"]
    assert found["with"] == found["without"]


def test_one_read_of_the_weekly_counts_gives_the_briefs_own_tests(demo_con):
    """detect reads the weekly counts once per scope; each week's anomaly flags and rises are those of
    brief.anomalies (anomaly_series, scan) and brief.changes (area_market_changes, change_signal)."""
    from tnt_dash.brief import changes
    weeks = [LAST_WEEK - timedelta(weeks=k) for k in range(5, -1, -1)]
    for profile in (access.ANALYST, SHARED_CAF):
        base = detect.alert_filters(profile)
        raised = detect.anomaly_firings(demo_con, base, profile, weeks)
        rises = detect.surge_firings(demo_con, base, profile, weeks)
        for week in weeks:
            flags, _n = anomalies.scan(anomalies.anomaly_series(demo_con, base, profile, week))
            assert {(f.admin1_code, f.market, f.observed, f.p_value) for f in raised if f.week == week} == \
                {(a, m, r.observed, r.p_value) for (a, m), r in flags}
            table = changes.area_market_changes(demo_con, Scope(base, profile, "en"), week, "adm1").dropna(subset=["area"])
            up = {(r.area, r.market) for r in table.itertuples()
                  if changes.change_signal(r.change_4w * 100 if r.change_4w == r.change_4w else None) == "up"
                  and changes.change_signal(r.change_52w * 100 if r.change_52w == r.change_52w else None) == "up"}
            assert {(f.admin1_code, f.market) for f in rises if f.week == week} == up
    assert any(f.week == LAST_WEEK - timedelta(weeks=1) for f in detect.anomaly_firings(
        demo_con, detect.alert_filters(access.ANALYST), access.ANALYST, weeks))
