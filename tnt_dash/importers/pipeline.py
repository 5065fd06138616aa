"""One import = one transaction: read, validate, upsert by stable id, quarantine, history, audit.

The counting identity holds for every batch: rows_read = inserted + updated + unchanged + quarantined
+ out_of_scope (rows that are no error and no crime, such as an ACLED battle).
A row is never dropped silently: it is stored, found identical, or kept in `quarantine` with its reasons.
"""
from __future__ import annotations

import getpass
from collections import Counter
import hashlib
import json
import os
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .. import i18n, store
from ..i18n import N_
from ..networks import register as actor_register
from . import acled, detect, gitoc, hxl, justice, native, screening, unodc
from .common import OutOfScope
from .detect import FileUnreadable
from .fields import KEEP_FLAGS, STORE_COLUMNS
from .rows import Item

INCIDENT_KINDS = ("native", "acled", "hxl")
MODULES = {"native": native, "acled": acled, "hxl": hxl, "gitoc": gitoc, "unodc": unodc, "justice": justice}


@dataclass
class Target:
    table: str
    keys: tuple[str, ...]
    values: tuple[str, ...]


INCIDENTS = Target("incidents", ("incident_id",), tuple(c for c in STORE_COLUMNS if c != "incident_id"))
# "release": a bulk release to host States (releasability.py) rewrites incidents and keeps their history like
# an import, so it rolls back like one.
TARGETS = {"native": INCIDENTS, "acled": INCIDENTS, "hxl": INCIDENTS, "gitoc": gitoc.TARGET, "unodc": unodc.TARGET,
           "release": INCIDENTS, "justice": justice.TARGET}


@dataclass
class Report:
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    out_of_scope: int = 0                           # rows that are no crime (an ACLED battle): not kept
    out_of_scope_by: dict = field(default_factory=dict)   # {label: rows}, e.g. {"Battles / Armed clash": 12}
    errors: list = field(default_factory=list)      # [{"row", "field", "reason"}]
    batch_id: str | None = None
    format: str | None = None
    dry_run: bool = False
    warnings: list = field(default_factory=list)    # file-level notes: unknown columns, duplicates, unmatched names
    file_name: str | None = None
    sha256: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def balanced(self) -> bool:
        return self.rows_read == (self.inserted + self.updated + self.unchanged + self.quarantined
                                  + self.out_of_scope)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def current_user(user: str | None = None) -> str:
    if user:
        return user
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):   # no passwd entry in some containers: say so rather than guess
        return "unknown"


def new_batch_id() -> str:
    return now().strftime("B%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:6]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def run_import(db_path, file_path, fmt: str = "auto", dry_run: bool = False, t=None, user: str | None = None,
               display_name: str | None = None) -> Report:
    """Import a file into the store at db_path. Raises FileUnreadable (nothing changed) if it cannot be read."""
    t = t or i18n.get("en")
    if fmt not in detect.FORMATS:
        raise FileUnreadable(N_("Unknown format {format}; expected one of {formats}."), format=fmt,
                             formats=", ".join(detect.FORMATS))
    source, data = detect.read_source(Path(file_path), display_name)
    kind = detect.detect(source) if fmt == "auto" else fmt
    try:
        items, warnings = MODULES[kind].read(source, t)
    except FileUnreadable as exc:
        # An id column alone (UCDP's "id") does not make a native template.
        if fmt == "auto" and kind == "native" and (exc.msgid == native.NO_INCIDENT_TABLE or (
                exc.msgid == native.REQUIRED_MISSING and exc.params.get("found", 0) <= 1)):
            # Not a native template with a missing column: a file of no format we know (UCDP, say).
            raise FileUnreadable(N_("The file's format was not recognised. Formats read: the native template "
                                    "(CSV or XLSX, English or French headers), ACLED exports, HXL-tagged tables, "
                                    "GI-TOC index workbooks and UNODC data-portal exports.")) from None
        raise
    if not items:
        raise FileUnreadable(N_("The file has a header but no data rows: nothing to import."))
    report = Report(format=kind, dry_run=dry_run, warnings=warnings, file_name=source.name,
                    sha256=hashlib.sha256(data).hexdigest())
    with store.writing(db_path, keep=not dry_run) as con:
        process_items(con, kind, items, report, t, user, action="import")
        _test_pause()
        if not dry_run:
            # Same transaction: the rollup never disagrees. Only the weeks this batch touched.
            store.refresh_rollups(con, batch_weeks(con, report.batch_id))
    if not dry_run:
        from ..alerts import after_commit
        after_commit(db_path)   # early warning on what was just committed (docs/alerts.md)
    return report


def batch_weeks(con, batch_id: str) -> set:
    """The ISO weeks (Mondays) whose incidents a batch changed: the weeks of the records it wrote
    and of the versions they replaced (kept in incident_history). A rollback changes the same
    weeks back, so it asks before undoing. Context batches (GI-TOC, UNODC) change none."""
    rows = con.execute("""
        SELECT date_trunc('week', date_occurred)::DATE FROM incidents WHERE batch_id = ?
        UNION
        SELECT date_trunc('week', json_extract_string(previous, '$.date_occurred')::DATE)::DATE
        FROM incident_history WHERE batch_id = ?""", [batch_id, batch_id]).fetchall()
    return {week for (week,) in rows}


def _test_pause() -> None:
    # A hook for the kill test: hold the open transaction so a test can kill the process part-way.
    pause = os.environ.get("TNT_IMPORT_TEST_SLEEP")
    if pause:
        print("TNT_IMPORT_TEST_SLEEP: inside the transaction", file=sys.stderr, flush=True)
        time.sleep(float(pause))


def process_items(con, kind: str, items: list[Item], report: Report, t, user, action: str,
             batch_id: str | None = None) -> None:
    module, target = MODULES[kind], TARGETS[kind]
    context = module.context(con)
    stamp = now()
    report.batch_id = batch_id or new_batch_id()
    report.rows_read = len(items)
    records, quarantine = [], []
    seen: dict[tuple, tuple[int, dict]] = {}
    duplicate_rows: dict[int, int] = {}
    position: dict[tuple, int] = {}   # key -> index of its record in `records`
    # (iso3, admin-1 name) that matched no area, and that named a split former unit the row's
    # coordinates could not place in one successor, over the rows that import
    unmatched: Counter = Counter()
    former: Counter = Counter()
    for seq, item in enumerate(items):
        result = module.convert(item.raw, context, t)
        if isinstance(result, OutOfScope):
            for key in ("admin1_unmatched", "admin1_former"):   # not this row's to report
                _take_names(context, key)
            report.out_of_scope += 1
            report.out_of_scope_by[result.label] = report.out_of_scope_by.get(result.label, 0) + 1
            continue
        converted, errors = result
        names = _take_names(context, "admin1_unmatched")
        former_names = _take_names(context, "admin1_former")
        if errors:
            quarantine.append((item, errors))
            continue
        unmatched.update(set(names))
        former.update(set(former_names))
        if target is INCIDENTS:
            _screen_narratives(converted, item.row, report, t)
        conflict, preferred, fresh = None, False, []
        for record in converted:
            key = tuple(record[k] for k in target.keys)
            if key in seen:
                first_row, first = seen[key]
                if first != record and hasattr(module, "prefer") and len(converted) == 1:
                    # The format knows which of two values for one key to trust (unodc.prefer); the
                    # row not kept is counted like an exact repeat, and the report says which was kept.
                    keep_later, why = module.prefer(first, record)
                    kept, dropped = (item.row, first_row) if keep_later else (first_row, item.row)
                    if keep_later:
                        records[position[key]] = {**record, "_row": records[position[key]]["_row"]}
                        seen[key] = (item.row, record)
                    report.warnings.append({"row": dropped, "field": ",".join(target.keys), "reason": t.gettext(
                        N_("same identifier as row {row}: row {kept} kept ({why})")).format(
                            row=kept, kept=kept, why=t.gettext(why))})
                    report.unchanged += 1
                    preferred = True
                    break
                if first != record:
                    conflict = first_row
                    break
                duplicate_rows[item.row] = first_row
            else:
                fresh.append((key, record))
        if preferred:
            continue
        if conflict is not None:
            quarantine.append((item, [{"field": ",".join(target.keys), "reason": t.gettext(
                N_("same identifier as row {row} but different values")).format(row=conflict)}]))
            continue
        for key, record in fresh:
            seen[key] = (item.row, record)
            position[key] = len(records)
            records.append({**record, "_row": seq})   # unique even across sheets
        if not fresh:
            report.unchanged += 1   # an exact repeat of earlier rows: nothing to write
    for row, first in duplicate_rows.items():
        report.warnings.append({"row": row, "field": "", "reason": t.gettext(
            N_("duplicate of row {row}: counted once")).format(row=first)})
    # No silent loss of place: each admin-1 spelling that matched nothing, once, with its count.
    for (iso3, name), n in sorted(unmatched.items()):
        report.warnings.append({"row": None, "field": "admin1", "reason": t.gettext(
            N_("admin-1 name “{name}” ({country}) matches no area in the gazetteer: imported without an "
               "admin-1 area (rows: {n})")).format(name=name, country=iso3, n=n)})
    for (iso3, name), n in sorted(former.items()):
        report.warnings.append({"row": None, "field": "admin1", "reason": t.gettext(
            N_("admin-1 name “{name}” ({country}) is a former unit since split, and the rows give no "
               "coordinates inside one of its successors: they keep the former unit, flagged as such "
               "(rows: {n})")).format(name=name, country=iso3, n=n)})
    # Actor strings resolve through the register's aliases; one that matches nothing imports without
    # an actor and waits as a suggestion for the analyst (networks/register.py), never a new actor.
    mentions = actor_register.resolve_records(con, records) if target is INCIDENTS else []
    counts = _upsert(con, target, records, report.batch_id, stamp) if records else {}
    for text, n in sorted(actor_register.note_mentions(con, report.batch_id, mentions).items()):
        report.warnings.append({"row": None, "field": "actor_id", "reason": t.gettext(
            N_("actor “{name}” matches no actor or alias in the register: imported without an actor and kept as "
               "a suggestion for the analyst to accept or merge (rows: {n})")).format(name=text, n=n)})
    for status in ("inserted", "updated", "unchanged"):
        setattr(report, status, getattr(report, status) + counts.get(status, 0))
    # A row already waiting in the open quarantine with the same cells and reasons is not queued twice,
    # so re-importing the same file leaves the quarantine as it was.
    waiting = {(r, e) for r, e in con.execute("SELECT raw, errors FROM quarantine WHERE status = 'open'").fetchall()} \
        if quarantine else set()
    for item, errors in quarantine:
        raw = dict(item.raw)
        if item.sheet:
            raw.setdefault("_sheet", item.sheet)
        if (_json(raw), _json(errors)) in waiting:
            report.errors += [{"row": item.row, **e} for e in errors]
            continue
        con.execute("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, 'open', ?, NULL)",
                    [uuid.uuid4().hex, report.batch_id, item.row, _json(raw), _json(errors), stamp])
        report.errors += [{"row": item.row, **e} for e in errors]
    report.quarantined = len(quarantine)
    assert report.balanced(), report   # the identity is the contract; a bug here must not commit
    who = current_user(user)
    con.execute("""INSERT INTO import_batches (batch_id, kind, file_name, sha256, created_at, created_by, rows_read,
                                              inserted, updated, unchanged, quarantined, out_of_scope, status)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'committed')""",
                [report.batch_id, kind, report.file_name, report.sha256, stamp, who, report.rows_read,
                 report.inserted, report.updated, report.unchanged, report.quarantined, report.out_of_scope])
    audit(con, action, report.batch_id, who, report.file_name, report.sha256,
          {k: getattr(report, k) for k in ("rows_read", "inserted", "updated", "unchanged", "quarantined",
                                           "out_of_scope", "out_of_scope_by")}
          | {"format": kind, "warnings": len(report.warnings),
             # Kept for the Data quality tab: place names an analyst should add to the gazetteer.
             "admin1_unmatched": [[iso3, name, n] for (iso3, name), n in sorted(unmatched.items())],
             "admin1_former": [[iso3, name, n] for (iso3, name), n in sorted(former.items())]})


def _screen_narratives(records: list[dict], row: int, report: Report, t) -> None:
    """A note (never an error: the row is kept) for a narrative that may identify a person."""
    for record in records:
        kinds = screening.flags(record.get("narrative"), record.get("place"))
        if kinds:
            report.warnings.append({"row": row, "field": "narrative", "reason": screening.reason(kinds, t)})


def _take_names(context, key: str) -> list[tuple[str, str]]:
    """The admin-1 names the row just converted noted under `key` (importers.common.admin1_code),
    cleared for the next row; formats without an admin-1 lookup have none."""
    if not isinstance(context, dict) or not context.get(key):
        return []
    names = list(context[key])
    context[key].clear()
    return names


def audit(con, action: str, batch_id, who, file_name=None, sha256=None, details: dict | None = None) -> None:
    con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [uuid.uuid4().hex, now(), who, action, batch_id, file_name, sha256, _json(details or {})])


def _match(a: str, b: str, columns) -> str:
    # Column names come from the fixed Target definitions above, never from a file.
    return " AND ".join(f"{a}.{c} IS NOT DISTINCT FROM {b}.{c}" for c in columns)


def _upsert(con, target: Target, records: list[dict], batch_id: str, stamp: datetime) -> dict:
    """Set-based upsert: stage, classify each row, keep history of what changes, replace, insert."""
    columns = target.keys + target.values
    incidents = target is INCIDENTS
    keep = tuple(KEEP_FLAGS) if incidents else ()
    frame = pd.DataFrame.from_records(records, columns=[*columns, "_row", *keep])
    con.execute("DROP TABLE IF EXISTS _stage")
    con.execute(f"CREATE TEMP TABLE _stage AS SELECT {', '.join(columns)} FROM {target.table} WHERE FALSE")
    con.execute("ALTER TABLE _stage ADD COLUMN _row INTEGER")
    for flag in keep:
        con.execute(f"ALTER TABLE _stage ADD COLUMN {flag} BOOLEAN")
    con.register("_stage_frame", frame)
    con.execute("INSERT INTO _stage BY NAME SELECT * FROM _stage_frame")
    con.unregister("_stage_frame")
    # The stored rows that share a key with a staged row: found by their keys alone, then read whole
    # by row id. Joining the staged rows with every column of the table would read all of it, three
    # times over (classify, history, created_at), however few rows the file has.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _existing AS
        SELECT t.*, t.rowid AS _rowid FROM {target.table} t
        WHERE t.rowid IN (SELECT x.rowid FROM {target.table} x SEMI JOIN _stage s ON {_match('x', 's', target.keys)})""")
    for flag, kept in KEEP_FLAGS.items() if incidents else ():
        # A file without the release columns leaves the stored release as it is (KEEP_FLAGS).
        con.execute(f"""UPDATE _stage s SET {', '.join(f'{c} = t.{c}' for c in kept)}
                        FROM _existing t WHERE s.{flag} AND t.incident_id = s.incident_id""")
    con.execute("DROP TABLE IF EXISTS _cat")
    same = " AND ".join(f"s.{c} IS NOT DISTINCT FROM t.{c}" for c in target.values)
    # Joins (not correlated EXISTS) so that 60,000-row context files classify in one hash join.
    con.execute(f"""
        CREATE TEMP TABLE _cat AS
        SELECT s._row, {', '.join('s.' + k for k in target.keys)},
               CASE WHEN t._present IS NULL THEN 'inserted' WHEN {same} THEN 'unchanged' ELSE 'updated' END AS cat
        FROM _stage s LEFT JOIN (SELECT *, TRUE AS _present FROM _existing) t ON {_match('t', 's', target.keys)}""")
    con.execute("DROP TABLE IF EXISTS _changed")
    con.execute(f"CREATE TEMP TABLE _changed AS SELECT {', '.join(target.keys)} FROM _cat WHERE cat = 'updated'")
    stored = "(SELECT * EXCLUDE (_rowid) FROM _existing)"   # the stored row as it is, for the history
    if incidents:
        con.execute(f"""
            INSERT INTO incident_history
            SELECT t.incident_id, coalesce(v.version, 0) + 1, ?, ?, to_json(t)::VARCHAR
            FROM {stored} t JOIN _changed c ON c.incident_id = t.incident_id
            LEFT JOIN (SELECT incident_id, max(version) AS version FROM incident_history GROUP BY incident_id) v
                   ON v.incident_id = t.incident_id""", [batch_id, stamp])
        con.execute("ALTER TABLE _stage ADD COLUMN created_at TIMESTAMP")
        con.execute("UPDATE _stage s SET created_at = t.created_at FROM _existing t WHERE t.incident_id = s.incident_id")
    else:
        con.execute(f"""INSERT INTO context_history
                        SELECT ?, ?, to_json(t)::VARCHAR, ? FROM {stored} t
                        JOIN _changed c ON {_match('c', 't', target.keys)}""", [batch_id, target.table, stamp])
    con.execute(f"""DELETE FROM {target.table} WHERE rowid IN (
                        SELECT e._rowid FROM _existing e JOIN _changed c ON {_match('c', 'e', target.keys)})""")
    extra_cols = ", created_at, updated_at, batch_id" if incidents else ", batch_id"
    extra_vals = ", coalesce(s.created_at, ?), ?, ?" if incidents else ", ?"
    params = [stamp, stamp, batch_id] if incidents else [batch_id]
    con.execute(f"""
        INSERT INTO {target.table} ({', '.join(columns)}{extra_cols})
        SELECT {', '.join('s.' + c for c in columns)}{extra_vals}
        FROM _stage s JOIN _cat c ON c._row = s._row AND {_match('c', 's', target.keys)}
        WHERE c.cat <> 'unchanged'""", params)
    # A source row counts once: inserted if all its records are new, unchanged if none changed, else updated.
    rows = con.execute("""
        SELECT CASE WHEN bool_and(cat = 'inserted') THEN 'inserted'
                    WHEN bool_and(cat = 'unchanged') THEN 'unchanged' ELSE 'updated' END AS status, count(*)
        FROM (SELECT _row, cat FROM _cat) GROUP BY _row""").fetchall()
    counts: dict[str, int] = {}
    for status, _n in rows:
        counts[status] = counts.get(status, 0) + 1
    for table in ("_stage", "_existing", "_cat", "_changed"):
        con.execute(f"DROP TABLE {table}")
    return counts


# Batches, rollback, quarantine ---------------------------------------------------------------------------------
class ImportRefused(Exception):
    """A rollback or re-submission that would break the store's integrity. args = (msgid, params)."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid, params)
        self.msgid, self.params = msgid, params

    def message(self, t) -> str:
        return t.gettext(self.msgid).format(**self.params)
