"""Where alerts, their status, the watch lists and the user rules are kept.

A serving page holds a read-only connection (ENGINEERING.md §5), so what a viewer does on the Alerts
page (acknowledge, close, follow, add a rule) is appended as one JSON line to a spool beside the
store (`<store>.alerts.jsonl`), as the release log does (releases.py). The next writer (`alerts run`,
an import) moves the spool into the tables in one transaction (`drain`); rows carry their own id, so
a spool drained twice is written once. Readers see the tables and the spool together.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .. import store
from ..queries import _df
from .definitions import ACTIONS
from .detect import Firing
from .rules import Rule

log = logging.getLogger(__name__)
SPOOLED = {
    "alert_events": ("event_id", "alert_id", "action", "user_name", "note", "at_time"),
    "watch_items": ("event_id", "owner", "scope", "item_kind", "item_code", "following", "at_time"),
    "alert_rules": ("rule_id", "owner", "scope", "market", "admin1_code", "measure", "threshold", "percent",
                    "min_base", "created_at", "retired_at"),
}
ALERT_COLUMNS = ("alert_id", "rule_id", "scope", "firing_key", "kind", "week", "raised_at", "run_trigger",
                 "admin1_code", "market", "origin_iso3", "destination_iso3", "measure", "observed", "expected",
                 "expected_long", "p_value", "q_value", "model")
_lock = threading.Lock()


class AlertActionError(ValueError):
    """An acknowledgement or closure that cannot be recorded: said in words, nothing written."""


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def alert_id(rule_id: str, scope: str, key: str) -> str:
    return "A" + hashlib.sha256(f"{rule_id}\x1f{scope}\x1f{key}".encode()).hexdigest()[:15]


# --- Firings become alerts (writer) -----------------------------------------------------------

def record_firings(con, scope: str, firings: list[Firing], trigger: str, at: datetime | None = None) -> list[str]:
    """Store the firings not raised before for this scope; returns the ids of the new alerts."""
    if not firings:
        return []
    rows = {alert_id(f.rule_id, scope, f.key): f for f in firings}
    known = {r[0] for r in con.execute("SELECT alert_id FROM alerts WHERE alert_id = ANY(?)", [list(rows)]).fetchall()}
    new = [(aid, f) for aid, f in rows.items() if aid not in known]
    if not new:
        return []
    at = at or now()
    frame = pd.DataFrame([{"alert_id": aid, "rule_id": f.rule_id, "scope": scope, "firing_key": f.key,
                           "kind": f.kind, "week": f.week, "raised_at": at, "run_trigger": trigger,
                           "admin1_code": f.admin1_code, "market": f.market, "origin_iso3": f.origin_iso3,
                           "destination_iso3": f.destination_iso3, "measure": f.measure, "observed": f.observed,
                           "expected": f.expected, "expected_long": f.expected_long, "p_value": f.p_value,
                           "q_value": f.q_value, "model": f.model} for aid, f in new], columns=list(ALERT_COLUMNS))
    con.register("_new_alerts", frame)
    try:
        con.execute("INSERT INTO alerts BY NAME SELECT * FROM _new_alerts")
    finally:
        con.unregister("_new_alerts")
    return [aid for aid, _f in new]


# --- The spool (pages) and its drain (writers) -------------------------------------------------

def spool_path(db_path: Path | str) -> Path:
    return Path(f"{db_path}.alerts.jsonl")


def spool(db_path: Path | str, table: str, row: dict) -> None:
    """Append one row for `table` to the spool; an unwritable spool is an error the page shows."""
    if table not in SPOOLED:
        raise ValueError(f"not a spooled table: {table}")
    line = json.dumps({"table": table, **{c: row.get(c) for c in SPOOLED[table]}}, ensure_ascii=False, default=str)
    with _lock, open(spool_path(db_path), "a", encoding="utf-8") as f:
        f.write(line + "\n")


def _spool_files(db_path: Path | str) -> list[Path]:
    path = spool_path(db_path)
    return sorted(path.parent.glob(path.name + "*"))


def spooled(db_path: Path | str | None) -> dict[str, pd.DataFrame]:
    rows: dict[str, list[dict]] = {table: [] for table in SPOOLED}
    for path in _spool_files(db_path) if db_path else []:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                log.warning("alerts spool: line %d of %s is not a whole entry and is skipped", n, path.name)
                continue
            if entry.get("table") in rows:
                rows[entry.pop("table")].append(entry)
    return {table: _typed(table, pd.DataFrame(found, columns=list(SPOOLED[table]))) for table, found in rows.items()}


def _typed(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("at_time", "created_at", "retired_at"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    return frame


def drain(con, db_path: Path | str) -> int:
    """Move the spooled rows into their tables (read-write `con`); returns how many were new."""
    path = spool_path(db_path)
    if path.exists():
        path.rename(path.with_name(f"{path.name}.draining-{os.getpid()}-{uuid.uuid4().hex[:8]}"))
    files = [f for f in _spool_files(db_path) if f != path]
    if not files:
        return 0
    frames = {t: f for t, f in spooled(db_path).items() if not f.empty}
    keys = {"alert_events": "event_id", "watch_items": "event_id", "alert_rules": "rule_id"}
    added = 0
    with store.transaction(con):
        for table, frame in frames.items():
            before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            con.register("_spooled", frame)
            if table == "alert_rules":
                # A retirement arrives as a second row for the rule: it updates the kept one.
                con.execute("""UPDATE alert_rules r SET retired_at = s.retired_at FROM _spooled s
                               WHERE s.rule_id = r.rule_id AND s.retired_at IS NOT NULL""")
                con.execute("""INSERT INTO alert_rules BY NAME SELECT * FROM _spooled
                               QUALIFY row_number() OVER (PARTITION BY rule_id ORDER BY retired_at NULLS FIRST) = 1
                               AND rule_id NOT IN (SELECT rule_id FROM alert_rules)""")
            else:
                con.execute(f"INSERT OR IGNORE INTO {table} BY NAME SELECT DISTINCT ON ({keys[table]}) * FROM _spooled")
            con.unregister("_spooled")
            added += con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] - before
    for f in files:
        f.unlink()
    return added


def _both(con, db_path, table: str, where: str = "TRUE", params: list | None = None) -> pd.DataFrame:
    """A spooled table's rows: the table's and the spool's, by id, the table's first."""
    stored = _df(con, f"SELECT {', '.join(SPOOLED[table])} FROM {table} WHERE {where}", params or [])
    waiting = spooled(db_path)[table]
    frames = [f for f in (stored, waiting) if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else stored


# --- Status --------------------------------------------------------------------------------------

def events(con, db_path) -> pd.DataFrame:
    frame = _both(con, db_path, "alert_events")
    return frame.drop_duplicates("event_id").sort_values("at_time", kind="stable")


def alerts(con, db_path, scope: str) -> pd.DataFrame:
    """Every alert of `scope` with its status, who acknowledged it and when, who closed it and the note;
    new first, then newest raised first."""
    frame = _df(con, f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE scope = ?", [scope])
    history = events(con, db_path)
    history = history[history["alert_id"].isin(set(frame["alert_id"]))]
    for action, prefix in (("acknowledge", "acknowledged"), ("close", "closed")):
        done = history[history["action"] == action].drop_duplicates("alert_id", keep="first").set_index("alert_id")
        frame[f"{prefix}_by"] = frame["alert_id"].map(done["user_name"]) if len(done) else None
        frame[f"{prefix}_at"] = frame["alert_id"].map(done["at_time"]) if len(done) else pd.NaT
        if action == "close":
            frame["close_note"] = frame["alert_id"].map(done["note"]) if len(done) else None
    frame["status"] = ["closed" if pd.notna(c) else "acknowledged" if pd.notna(a) else "new"
                       for a, c in zip(frame["acknowledged_at"], frame["closed_at"])]
    order = {"new": 0, "acknowledged": 1, "closed": 2}
    frame["_order"] = frame["status"].map(order)
    frame = frame.sort_values(["_order", "raised_at", "week", "alert_id"], ascending=[True, False, False, True],
                              kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def action_row(con, db_path, scope: str, alert: str, action: str, user: str, note: str | None = None) -> dict:
    """The event row for acknowledging or closing `alert`, checked: the alert is the scope's own, its
    status allows it (new → acknowledged → closed; a new alert may be closed at once), a closure says why."""
    if action not in ACTIONS:
        raise AlertActionError(f"unknown action {action!r}")
    if not user or not user.strip():
        raise AlertActionError("an acknowledgement or closure is recorded with its user; none was given")
    current = alerts(con, db_path, scope)
    row = current[current["alert_id"] == alert]
    if row.empty:
        raise AlertActionError(f"no alert {alert} on this screen")
    status = row["status"].iloc[0]
    if status == "closed" or (action == "acknowledge" and status != "new"):
        raise AlertActionError(f"alert {alert} is already {status}")
    if action == "close" and not (note and note.strip()):
        raise AlertActionError("closing an alert needs a note: what was done, or why it needs nothing")
    return {"event_id": uuid.uuid4().hex, "alert_id": alert, "action": action, "user_name": user.strip(),
            "note": note.strip() if note else None, "at_time": now()}


def spool_action(con, db_path, scope: str, alert: str, action: str, user: str, note: str | None = None) -> dict:
    """Acknowledge or close from a page (read-only connection): spooled, visible at once."""
    row = action_row(con, db_path, scope, alert, action, user, note)
    spool(db_path, "alert_events", row)
    return row


# --- Rules and watch lists -----------------------------------------------------------------------

def rules(con, db_path, scope: str | None = None) -> list[Rule]:
    """The active user rules (of one scope, or all), spooled ones included."""
    frame = _both(con, db_path, "alert_rules")
    if frame.empty:
        return []
    retired = set(frame.loc[frame["retired_at"].notna(), "rule_id"])
    frame = frame[~frame["rule_id"].isin(retired)].drop_duplicates("rule_id")
    if scope is not None:
        frame = frame[frame["scope"] == scope]
    return [Rule(rule_id=r.rule_id, owner=r.owner, scope=r.scope, measure=r.measure, market=_none(r.market),
                 admin1_code=_none(r.admin1_code), threshold=_none(r.threshold), percent=_none(r.percent),
                 min_base=float(_none(r.min_base) or 0.0))
            for r in frame.sort_values("created_at", kind="stable").itertuples()]


def _none(value):
    return None if value is None or (isinstance(value, float) and value != value) or value is pd.NA else value


def rule_row(rule: Rule, retired: bool = False) -> dict:
    return {**rule.as_row(), "created_at": now(), "retired_at": now() if retired else None}


def watch_list(con, db_path, owner: str, scope: str) -> dict[str, set[str]]:
    """What `owner` follows on `scope`: {"market": {...}, "area": {...}, "rule": {...}} (last word wins)."""
    frame = _both(con, db_path, "watch_items", "owner = ? AND scope = ?", [owner, scope])
    frame = frame[(frame["owner"] == owner) & (frame["scope"] == scope)].drop_duplicates("event_id")
    out: dict[str, set[str]] = {"market": set(), "area": set(), "rule": set()}
    for r in frame.sort_values("at_time", kind="stable").itertuples():
        (out[r.item_kind].add if bool(r.following) else out[r.item_kind].discard)(r.item_code)
    return out


def watch_changes(owner: str, scope: str, current: dict[str, set[str]], wanted: dict[str, set[str]]) -> list[dict]:
    """The watch-list rows that turn `current` into `wanted`."""
    at = now()
    rows = []
    for kind in ("market", "area", "rule"):
        for code, following in [(c, True) for c in sorted(wanted.get(kind, set()) - current[kind])] + \
                               [(c, False) for c in sorted(current[kind] - wanted.get(kind, set()))]:
            rows.append({"event_id": uuid.uuid4().hex, "owner": owner, "scope": scope, "item_kind": kind,
                         "item_code": code, "following": following, "at_time": at})
    return rows


def watched(frame: pd.DataFrame, watch: dict[str, set[str]]) -> pd.DataFrame:
    """The alerts a watch list follows: its markets, its areas (a corridor through its countries' areas
    is not one of them), its rules. An empty watch list follows everything."""
    if not any(watch.values()):
        return frame
    keep = frame["market"].isin(watch["market"]) | frame["admin1_code"].isin(watch["area"]) \
        | frame["rule_id"].isin(watch["rule"])
    return frame[keep]
