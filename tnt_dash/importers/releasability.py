"""Release records to host States in bulk: the Data page's section and `release set`.

An import sets `releasable_to`, `originator` and `originator_iso3` row by row (native.py); this
sets them for a list of records at once, as a correction: one transaction that keeps each replaced
version in `incident_history`, records a batch of kind `release` (so it can be rolled back like an
import) and an `audit_log` row, and rebuilds the rollups for the weeks of the records it changed.
Records whose values would not change are left alone (no history, not in the batch).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .. import store
from ..i18n import N_
from ..names import norm_header
from . import pipeline, values

MODES = ("replace", "add", "remove")
ID_SPLIT = re.compile(r"[\r\n,;\t]+")   # not spaces: a native incident id may contain one
SHOWN_IDS = 5


class ReleaseRefused(ValueError):
    """Bad input to set_release; nothing changed. str() is the English line, message(t) the translation."""

    def __init__(self, msgid: str, **params):
        self.msgid, self.params = msgid, params
        super().__init__(msgid.format(**params))

    def message(self, t) -> str:
        return t.gettext(self.msgid).format(**self.params)


def parse_ids(text) -> list[str]:
    """Record ids from pasted text or a file's content: one per line, or separated by , or ; (order
    kept, repeats dropped). A list is taken as it is, each id trimmed."""
    parts = text if isinstance(text, (list, tuple)) else ID_SPLIT.split(str(text or ""))
    return list(dict.fromkeys(p.strip() for p in (str(x) for x in parts) if p.strip()))


def ids_argument(value: str) -> list[str]:
    """The CLI's --ids: a file of ids (one per line, or , or ; separated) if such a file exists, else a comma list."""
    path = Path(value)
    if path.is_file():
        return parse_ids(path.read_text(encoding="utf-8-sig"))
    return parse_ids(value)


def _codes(value, countries: set[str]) -> list[str]:
    return values.parse_iso3_list(value or "", countries, unknown=lambda _code, written: ReleaseRefused(N_(
        "unknown host State code {code}: expected an ISO 3166 alpha-3 code of the countries table"), code=written))


def _originator(originator, originator_iso3, countries: set[str]) -> tuple[str, str | None] | None:
    """None (leave as stored) or the (originator, originator_iso3) pair to set, checked as an import checks it."""
    state = (values.text_or_none(originator_iso3) or "").upper() or None
    if values.text_or_none(originator) is None:
        if state:
            raise ReleaseRefused(N_("an originating State ({code}) needs the originator host_state"), code=state)
        return None
    code = values.ORIGINATORS.get(norm_header(originator))
    if not code:
        raise ReleaseRefused(N_("unknown originator: {value} (expected host_state, unpol, un_other, partner or "
                                "open_source)"), value=str(originator))
    if code == "host_state" and not state:
        raise ReleaseRefused(N_("the originating State is required when the originator is host_state"))
    if code != "host_state" and state:
        raise ReleaseRefused(N_("only a host-State report (originator host_state) has an originating State: "
                                "{value}"), value=state)
    if state and state not in countries:
        raise ReleaseRefused(N_("unknown host State code {code}: expected an ISO 3166 alpha-3 code of the "
                                "countries table"), code=state)
    return code, state


def _found(con, ids: list[str]) -> pd.DataFrame:
    con.register("_release_ids", pd.DataFrame({"incident_id": pd.Series(ids, dtype=object)}))
    try:
        return con.execute("""
            SELECT i.incident_id, coalesce(i.releasable_to, []) AS releasable_to, i.originator, i.originator_iso3
            FROM incidents i SEMI JOIN _release_ids r ON r.incident_id = i.incident_id""").df()
    finally:
        con.unregister("_release_ids")


def _unknown(ids: list[str], found: pd.DataFrame) -> None:
    present = set(found["incident_id"])
    missing = [i for i in ids if i not in present]
    if missing:
        shown = ", ".join(missing[:SHOWN_IDS]) + (" …" if len(missing) > SHOWN_IDS else "")
        raise ReleaseRefused(N_("{n} record ids are not in the store: {ids}"), n=len(missing), ids=shown)


def set_release(con, incident_ids, *, releasable_to, originator=None, originator_iso3=None, mode: str = "replace",
                user: str | None = None) -> dict:
    """Set the host States `incident_ids` are released to, in one transaction on `con` (which must
    not be inside one already), and return {"batch_id", "records", "changed", "unchanged", "weeks"}.

    mode "replace" sets `releasable_to` (an empty list withdraws every release), "add" adds the
    codes, "remove" removes them. `originator` (with `originator_iso3` for host_state) is set on
    every record when given, left as stored when None. Unknown ids, codes or originators raise
    ReleaseRefused (a ValueError) with one line, and nothing changes."""
    if mode not in MODES:
        raise ReleaseRefused(N_("unknown mode {mode}: expected replace, add or remove"), mode=str(mode))
    ids = parse_ids(incident_ids)
    if not ids:
        raise ReleaseRefused(N_("no record ids given"))
    with store.transaction(con):
        countries = {r[0] for r in con.execute("SELECT iso3 FROM countries").fetchall()}
        codes = _codes(releasable_to, countries)
        origin = _originator(originator, originator_iso3, countries)
        if mode != "replace" and not codes and origin is None:
            raise ReleaseRefused(N_("name at least one host State to add or remove"))
        found = _found(con, ids)
        _unknown(ids, found)
        wanted = set(codes)
        changes = []
        for record in found.itertuples(index=False):
            current = set(record.releasable_to if record.releasable_to is not None else [])
            new = wanted if mode == "replace" else (current | wanted if mode == "add" else current - wanted)
            old_origin = (None if pd.isna(record.originator) else record.originator,
                          None if pd.isna(record.originator_iso3) else record.originator_iso3)
            new_origin = origin if origin is not None else old_origin
            if new != current or new_origin != old_origin:
                changes.append({"incident_id": record.incident_id, "releasable_to": sorted(new),
                                "originator": new_origin[0], "originator_iso3": new_origin[1]})
        result = {"batch_id": None, "records": len(ids), "changed": len(changes),
                  "unchanged": len(ids) - len(changes), "weeks": 0}
        who = pipeline.current_user(user)
        details = {"mode": mode, "releasable_to": codes, "originator": origin[0] if origin else None,
                   "originator_iso3": origin[1] if origin else None,
                   **{k: result[k] for k in ("records", "changed", "unchanged")}}
        label = f"release {mode}: {', '.join(codes) or '–'}" + (f"; originator {origin[0]}" if origin else "")
        if not changes:
            pipeline.audit(con, "release", None, who, label, None, details)
            return result
        batch_id, stamp = pipeline.new_batch_id(), pipeline.now()
        _write(con, changes, batch_id, stamp)
        weeks = pipeline.batch_weeks(con, batch_id)
        con.execute("""INSERT INTO import_batches (batch_id, kind, file_name, sha256, created_at, created_by, rows_read,
                                                  inserted, updated, unchanged, quarantined, status)
                       VALUES (?, 'release', ?, NULL, ?, ?, ?, 0, ?, ?, 0, 'committed')""",
                    [batch_id, label, stamp, who, len(ids), len(changes), len(ids) - len(changes)])
        pipeline.audit(con, "release", batch_id, who, label, None, details)
        store.refresh_rollups(con, weeks)   # same transaction: the rollups never disagree
        result.update(batch_id=batch_id, weeks=len(weeks))
    return result


def _write(con, changes: list[dict], batch_id: str, stamp) -> None:
    """Keep each replaced version in incident_history, then replace the records (delete and insert, as
    the import's upsert does) with the new release, updated_at and batch_id; created_at is kept."""
    frame = pd.DataFrame.from_records(changes, columns=["incident_id", "releasable_to", "originator",
                                                       "originator_iso3"])
    con.execute("""CREATE OR REPLACE TEMP TABLE _release (incident_id VARCHAR, releasable_to VARCHAR[],
                                                         originator VARCHAR, originator_iso3 VARCHAR)""")
    con.register("_release_frame", frame)
    try:
        con.execute("INSERT INTO _release BY NAME SELECT * FROM _release_frame")
    finally:
        con.unregister("_release_frame")
    con.execute("""
        INSERT INTO incident_history
        SELECT t.incident_id, coalesce(v.version, 0) + 1, ?, ?, to_json(t)::VARCHAR
        FROM (SELECT * FROM incidents i SEMI JOIN _release r ON r.incident_id = i.incident_id) t
        LEFT JOIN (SELECT incident_id, max(version) AS version FROM incident_history GROUP BY incident_id) v
               ON v.incident_id = t.incident_id""", [batch_id, stamp])
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _release_rows AS
        SELECT i.* REPLACE (r.releasable_to AS releasable_to, r.originator AS originator,
                            r.originator_iso3 AS originator_iso3, ?::TIMESTAMP AS updated_at, ? AS batch_id)
        FROM incidents i JOIN _release r ON r.incident_id = i.incident_id""", [stamp, batch_id])
    con.execute("DELETE FROM incidents WHERE incident_id IN (SELECT incident_id FROM _release)")
    con.execute("INSERT INTO incidents BY NAME SELECT * FROM _release_rows")
    con.execute("DROP TABLE _release_rows")
    con.execute("DROP TABLE _release")


def release(db_path, incident_ids, *, releasable_to, originator=None, originator_iso3=None, mode: str = "replace",
            user: str | None = None) -> dict:
    """set_release on the store at db_path: the writer's connection, the current schema, a checkpoint
    after the commit (the app's cache key is the file's mtime), as an import does."""
    con = store.connect_writer(db_path)
    try:
        store.migrate(con)
        result = set_release(con, incident_ids, releasable_to=releasable_to, originator=originator,
                             originator_iso3=originator_iso3, mode=mode, user=user)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return result


def preview(con, incident_ids) -> tuple[pd.DataFrame, list[str]]:
    """The records named (their place, marking and current release) and the ids not in the store."""
    ids = parse_ids(incident_ids)
    if not ids:
        return pd.DataFrame(), []
    con.register("_release_ids", pd.DataFrame({"incident_id": pd.Series(ids, dtype=object)}))
    try:
        frame = con.execute("""
            SELECT i.incident_id, i.date_occurred, i.iso3, i.market, i.status, i.classification, i.tlp,
                   array_to_string(coalesce(i.releasable_to, []), ', ') AS releasable_to,
                   i.originator, i.originator_iso3
            FROM incidents i SEMI JOIN _release_ids r ON r.incident_id = i.incident_id
            ORDER BY i.date_occurred DESC, i.incident_id""").df()
    finally:
        con.unregister("_release_ids")
    found = set(frame["incident_id"])
    return frame, [i for i in ids if i not in found]
