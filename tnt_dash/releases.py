"""The release log: every page view, export and brief produced for a host State.

Why a spool. A shared screen serves from a read-only connection, and a DuckDB file takes one
writing process or several reading ones, never both: the page cannot write the `releases` table
while it serves. So an entry is appended, as one JSON line, to a spool file beside the store
(`<store>.releases.jsonl`), which costs microseconds and needs no lock on the store. The next
process that holds the store for writing (the `releases` command, an import) moves the spool into
the table in one transaction (`drain`). Entries carry their own id, so a spool drained twice after
a crash is written once. Readers see the table and the spool together (`read`), so nothing waits
for a drain to be visible.

Logging must never fail or slow a page: if even the spool cannot be written (a full disk, a
read-only folder), the entry waits in memory and goes out with the next one; the failure is
logged as a warning that names no record, filter or State.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from . import store
from .access import Profile, marking
from .filters import Filters

log = logging.getLogger(__name__)
KINDS = ("page", "export", "brief")
COLUMNS = ("entry_id", "logged_at", "host_state", "user_name", "kind", "item", "filters", "records", "marking")
_pending: list[str] = []          # lines the spool could not take yet
_lock = threading.Lock()


def spool_path(db_path: Path | str) -> Path:
    return Path(f"{db_path}.releases.jsonl")


def filters_text(filters: Filters) -> str:
    """The filters as compact JSON, empty values left out: what the log says was asked for."""
    values = {k: v for k, v in dataclasses.asdict(filters).items() if v not in (None, (), [], "")}
    return json.dumps(values, default=lambda v: v.isoformat() if isinstance(v, date) else list(v),
                      sort_keys=True, ensure_ascii=False)


def log_release(db_path: Path | str, profile: Profile, *, kind: str, item: str, filters: Filters,
                records: int | None, user: str | None = None) -> bool:
    """Queue one entry for a page, export or brief produced under a host State's profile (other
    profiles release nothing: no entry). Returns whether the spool took it; never raises."""
    if not profile.releasable_to_host_state:
        return False
    if kind not in KINDS:
        raise ValueError(f"release kind must be one of {', '.join(KINDS)}, not {kind!r}")
    entry = {"entry_id": uuid.uuid4().hex, "logged_at": _now().isoformat(timespec="milliseconds"),
             "host_state": profile.require_host_state(), "user_name": user or "server", "kind": kind,
             "item": item, "filters": filters_text(filters), "records": None if records is None else int(records),
             "marking": marking(profile)}
    with _lock:
        _pending.append(json.dumps(entry, ensure_ascii=False) + "\n")
        try:
            # One append of whole lines: O_APPEND keeps concurrent writers' lines apart.
            with open(spool_path(db_path), "a", encoding="utf-8") as f:
                f.write("".join(_pending))
        except OSError as exc:
            log.warning("release log: %d entries wait in memory (%s)", len(_pending), type(exc).__name__)
            return False
        _pending.clear()
    return True


def _spooled(path: Path) -> list[dict]:
    entries = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            # A line cut by a crash mid-write: said, not silently dropped; the rest still counts.
            log.warning("release log: line %d of %s is not a whole entry and is skipped", n, path.name)
    return entries


def _spool_files(db_path: Path | str) -> list[Path]:
    spool = spool_path(db_path)
    return sorted(spool.parent.glob(spool.name + "*"))


def drain(con: duckdb.DuckDBPyConnection, db_path: Path | str) -> int:
    """Move the spooled entries into the `releases` table (a read-write connection to the store at
    `db_path`); returns how many were new. The spool is renamed first, so entries appended meanwhile
    go to a fresh spool; it is deleted only after the commit."""
    spool = spool_path(db_path)
    if spool.exists():
        spool.rename(spool.with_name(f"{spool.name}.draining-{os.getpid()}-{uuid.uuid4().hex[:8]}"))
    files = [f for f in _spool_files(db_path) if f != spool]
    entries = [e for f in files for e in _spooled(f)]
    before = con.execute("SELECT count(*) FROM releases").fetchone()[0]
    if entries:
        frame = pd.DataFrame(entries, columns=list(COLUMNS))
        frame["logged_at"] = pd.to_datetime(frame["logged_at"])
        with store.transaction(con):
            con.register("spooled_releases", frame)
            con.execute("INSERT OR IGNORE INTO releases BY NAME SELECT * FROM spooled_releases")
            con.unregister("spooled_releases")
    for f in files:
        f.unlink()
    return con.execute("SELECT count(*) FROM releases").fetchone()[0] - before


def read(con: duckdb.DuckDBPyConnection, db_path: Path | str, since: date | None = None) -> pd.DataFrame:
    """Every release, newest first: the table and the entries still in the spool. On a cursor of its
    own: the Data page passes the server's shared read connection."""
    cur = con.cursor()
    try:
        table = cur.execute("SELECT * FROM releases WHERE ? IS NULL OR logged_at >= ?",
                            [since, since]).df() if _has_table(cur) else pd.DataFrame(columns=list(COLUMNS))
    finally:
        cur.close()
    spooled = pd.DataFrame([e for f in _spool_files(db_path) for e in _spooled(f)], columns=list(COLUMNS))
    if not spooled.empty:
        spooled["logged_at"] = pd.to_datetime(spooled["logged_at"])
        if since is not None:
            spooled = spooled[spooled["logged_at"] >= pd.Timestamp(since)]
    frames = [f for f in (table, spooled) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(frames, ignore_index=True).drop_duplicates("entry_id")
    return out.sort_values("logged_at", ascending=False, kind="stable").reset_index(drop=True)[list(COLUMNS)]


def _has_table(con) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'releases'").fetchone()[0])


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
