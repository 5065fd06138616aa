"""One evaluation of every rule for every scope: `python -m tnt_dash alerts run`, and after each import."""
from __future__ import annotations

import logging
import os
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from .. import queries, store
from ..access import Profile, get_profile
from . import detect, ledger
from .definitions import LOOKBACK_WEEKS, RECHECK_WEEKS
from .rules import profile_of, scope_of

log = logging.getLogger(__name__)
TRIGGERS = ("schedule", "import")


def host_states(con) -> list[str]:
    """The host States whose shared screens get alerts: TNT_ALERT_HOST_STATES (ISO3, comma-separated),
    else every host State of a mission in the store."""
    given = os.environ.get("TNT_ALERT_HOST_STATES", "").strip()
    if given:
        return sorted({s.strip().upper() for s in given.split(",") if s.strip()})
    return [r[0] for r in con.execute("SELECT iso3 FROM countries WHERE is_host ORDER BY iso3").fetchall()]


def scopes(con) -> list[Profile]:
    return [get_profile(name) for name in ("analyst", "commissioner", "gender")] + \
        [get_profile("shared", host_state=state) for state in host_states(con)]


def weeks_to_evaluate(con, profile: Profile, today: date | None = None) -> list[date]:
    """The complete ISO weeks this run evaluates for the scope: LOOKBACK_WEEKS the first time, then from
    RECHECK_WEEKS before the last week evaluated (records arrive late), never more than LOOKBACK_WEEKS."""
    last = queries.last_complete_week(con, profile, today)
    earliest = last - timedelta(weeks=LOOKBACK_WEEKS - 1)
    rows = con.execute("SELECT evaluated_through FROM alert_scopes WHERE scope = ?", [scope_of(profile)]).fetchall()
    start = earliest if not rows else max(earliest, rows[0][0] - timedelta(weeks=RECHECK_WEEKS))
    return [start + timedelta(weeks=k) for k in range((last - start).days // 7 + 1)] if start <= last else []


def evaluate_all(con, db_path: Path | str, trigger: str, today: date | None = None) -> dict:
    """Drain the page's spool, evaluate every scope and store the new alerts, in one transaction on the
    read-write `con`. Returns {"run_id", "raised": {scope: n}, "weeks": {scope: [first, last]}, "new": ids}."""
    if trigger not in TRIGGERS:
        raise ValueError(f"trigger must be one of {', '.join(TRIGGERS)}")
    ledger.drain(con, db_path)
    run_id = "R" + ledger.now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:6]
    started, clock = ledger.now(), time.perf_counter()
    result = {"run_id": run_id, "raised": {}, "weeks": {}, "new": {}}
    with store.transaction(con):
        user_rules = ledger.rules(con, None)
        for profile in scopes(con):
            scope = scope_of(profile)
            weeks = weeks_to_evaluate(con, profile, today)
            firings = detect.evaluate(con, profile, weeks, [r for r in user_rules if r.scope == scope])
            new = ledger.record_firings(con, scope, firings, trigger, at=started)
            result["raised"][scope], result["new"][scope] = len(new), new
            result["weeks"][scope] = [weeks[0].isoformat(), weeks[-1].isoformat()] if weeks else []
            if weeks:
                con.execute("INSERT OR REPLACE INTO alert_scopes VALUES (?, ?, ?)", [scope, weeks[-1], started])
        con.execute("INSERT INTO alert_runs VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    [run_id, started, ledger.now(), trigger, len(result["raised"]), sum(result["raised"].values())])
    result["seconds"] = round(time.perf_counter() - clock, 2)
    return result


def run_alerts(db_path: Path | str, trigger: str = "schedule", today: date | None = None) -> dict:
    """`alerts run`, and the import hook: a writer's connection of its own (store.connect_writer), the
    store brought to the current schema, each step in its own transaction, then a checkpoint."""
    con = store.connect_writer(db_path)
    try:
        store.migrate(con)
        result = evaluate_all(con, db_path, trigger, today)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return result


def after_commit(db_path: Path | str) -> dict | None:
    """The import hook: evaluate once the import has committed and released the store. The import
    stands whatever happens here, so a failure is logged and kept in alert_runs (the next scheduled
    run tries again) rather than reported as a failed import. TNT_ALERTS_ON_IMPORT=0 turns it off."""
    if os.environ.get("TNT_ALERTS_ON_IMPORT", "1") == "0":
        return None
    try:
        return run_alerts(db_path, "import")
    except Exception as exc:   # noqa: BLE001 - logged, and stored below when the store can be written
        log.exception("alert evaluation after an import failed; the import itself is committed")
        failure = [f"R-failed-{uuid.uuid4().hex[:8]}", ledger.now(), f"{type(exc).__name__}: {exc}"]
        try:
            with store.writing(db_path) as con:
                con.execute("INSERT INTO alert_runs VALUES (?, ?, ?, 'import', NULL, NULL, ?)",
                            [failure[0], failure[1], failure[1], failure[2]])
        except (store.StoreError, OSError) as again:
            log.warning("the failed alert run could not be recorded either: %s", again)
        return None


__all__ = ["run_alerts", "evaluate_all", "after_commit", "scopes", "profile_of"]
