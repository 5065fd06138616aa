"""The ledger of past imports: the list of batches and the audit trail, rolling a batch back, the quarantine
(re-submit corrected rows, discard the rest) and the data-quality reviews of the Data page."""
from __future__ import annotations

import json

import pandas as pd

from .. import i18n, store
from ..i18n import N_
from .pipeline import INCIDENTS, TARGETS, ImportRefused, Report, process_items, audit, batch_weeks, current_user, now
from .rows import Item


def batches(con, limit: int = 200) -> pd.DataFrame:
    return con.execute("""
        SELECT batch_id, kind, file_name, created_at, created_by, rows_read, inserted, updated, unchanged,
               quarantined, out_of_scope, status, sha256
        FROM import_batches ORDER BY created_at DESC, batch_id DESC LIMIT ?""", [limit]).df()


def rollback(db_path, batch_id: str, user: str | None = None) -> dict:
    with store.writing(db_path) as con:
        weeks = batch_weeks(con, batch_id)   # before: the records it wrote are about to go
        result = _rollback(con, batch_id, current_user(user))
        store.refresh_rollups(con, weeks)
    return result


def _rollback(con, batch_id: str, who: str) -> dict:
    found = con.execute("SELECT kind, status, file_name, sha256, created_at FROM import_batches WHERE batch_id = ?",
                        [batch_id]).fetchone()
    if not found:
        raise ImportRefused(N_("No import batch {batch}."), batch=batch_id)
    kind, status, file_name, sha256, created_at = found
    if status != "committed":
        raise ImportRefused(N_("Batch {batch} is already {status}."), batch=batch_id, status=status)
    if kind not in TARGETS:
        raise ImportRefused(N_("Batches of kind {kind} cannot be rolled back here."), kind=kind)
    stamp = now()
    if TARGETS[kind] is INCIDENTS:
        # Refuse if a later batch changed a record this batch wrote: undoing it would silently lose that change.
        # A history row whose previous version was written by this batch means a later import replaced it.
        later = con.execute("""
            SELECT count(*) FROM incident_history
            WHERE batch_id <> ? AND json_extract_string(previous, '$.batch_id') = ?""",
                            [batch_id, batch_id]).fetchone()[0]
        if later:
            raise ImportRefused(N_("{n} records of batch {batch} were changed by a later import; roll that one back first."),
                                n=later, batch=batch_id)
        previous = [json.loads(p) for (p,) in con.execute(
            "SELECT previous FROM incident_history WHERE batch_id = ? ORDER BY incident_id", [batch_id]).fetchall()]
        removed = con.execute("SELECT count(*) FROM incidents WHERE batch_id = ?", [batch_id]).fetchone()[0]
        con.execute("DELETE FROM incidents WHERE batch_id = ?", [batch_id])
        if previous:
            frame = pd.DataFrame.from_records(previous)
            con.register("_previous", frame)
            con.execute("INSERT INTO incidents BY NAME SELECT * FROM _previous")
            con.unregister("_previous")
        con.execute("DELETE FROM incident_history WHERE batch_id = ?", [batch_id])
    else:
        target = TARGETS[kind]
        later = con.execute("""SELECT count(*) FROM import_batches WHERE kind = ? AND status = 'committed'
                               AND created_at > ?""", [kind, created_at]).fetchone()[0]
        if later:
            raise ImportRefused(N_("A later {kind} import exists; roll that one back first."), kind=kind)
        previous = [json.loads(p) for (p,) in con.execute(
            "SELECT previous FROM context_history WHERE batch_id = ? AND table_name = ?",
            [batch_id, target.table]).fetchall()]
        removed = con.execute(f"SELECT count(*) FROM {target.table} WHERE batch_id = ?", [batch_id]).fetchone()[0]
        con.execute(f"DELETE FROM {target.table} WHERE batch_id = ?", [batch_id])
        if previous:
            con.register("_previous", pd.DataFrame.from_records(previous))
            con.execute(f"INSERT INTO {target.table} BY NAME SELECT * FROM _previous")
            con.unregister("_previous")
        con.execute("DELETE FROM context_history WHERE batch_id = ?", [batch_id])
    con.execute("UPDATE quarantine SET status = 'discarded', resolved_at = ? WHERE batch_id = ? AND status = 'open'",
                [stamp, batch_id])
    con.execute("UPDATE import_batches SET status = 'rolled_back' WHERE batch_id = ?", [batch_id])
    result = {"batch_id": batch_id, "removed": removed, "restored": len(previous)}
    audit(con, "rollback", batch_id, who, file_name, sha256, result)
    return result


def open_quarantine(con, limit: int = 500) -> pd.DataFrame:
    return con.execute("""
        SELECT q.quarantine_id, q.batch_id, b.kind, b.file_name, q.row_number, q.raw, q.errors, q.created_at
        FROM quarantine q LEFT JOIN import_batches b USING (batch_id)
        WHERE q.status = 'open' ORDER BY q.created_at DESC, q.row_number LIMIT ?""", [limit]).df()


def resubmit(db_path, corrections: dict[str, dict], t=None, user: str | None = None) -> Report:
    """Re-validate corrected quarantined rows {quarantine_id: cells} as a new batch.

    Rows that now pass are upserted and their quarantine entries closed; rows that still fail stay
    open with their new cells and reasons (they are not quarantined twice)."""
    t = t or i18n.get("en")
    with store.writing(db_path) as con:
        report = _resubmit(con, corrections, t, current_user(user))
        store.refresh_rollups(con, batch_weeks(con, report.batch_id))
    return report


def _resubmit(con, corrections: dict[str, dict], t, who: str) -> Report:
    if not corrections:
        raise ImportRefused(N_("Nothing to re-submit."))
    ids = list(corrections)
    found = con.execute(f"""
        SELECT q.quarantine_id, q.row_number, b.kind FROM quarantine q JOIN import_batches b USING (batch_id)
        WHERE q.status = 'open' AND q.quarantine_id IN ({', '.join('?' * len(ids))})""", ids).fetchall()
    if len(found) != len(ids):
        raise ImportRefused(N_("Some rows are no longer in the open quarantine; reload the page."))
    kinds = {kind for _q, _r, kind in found}
    if len(kinds) != 1:
        raise ImportRefused(N_("Re-submit rows of one format at a time."))
    kind = kinds.pop()
    # "_sheet" stays in the cells: the GI-TOC edition is read from it.
    items = [Item(row=row, raw=dict(corrections[qid]), sheet=corrections[qid].get("_sheet")) for qid, row, _k in found]
    by_row = {(row, qid) for qid, row, _k in found}
    report = Report(format=kind, file_name=t.gettext("quarantine correction"))
    # Quarantine entries of the new batch replace the old open entries: one open entry per problem row.
    process_items(con, kind, items, report, t, who, action="resubmit")
    stamp = now()
    con.execute(f"""UPDATE quarantine SET status = 'resubmitted', resolved_at = ?
                    WHERE quarantine_id IN ({', '.join('?' * len(ids))})""", [stamp, *ids])
    report.warnings.append({"row": None, "field": "", "reason": t.gettext(
        N_("{n} rows re-submitted from the quarantine")).format(n=len(by_row))})
    return report


def data_quality(con) -> dict:
    """Shares of records that are geolocated, graded, disaggregated by sex and age, and validated."""
    row = con.execute("""
        SELECT count(*) AS records,
               count(*) FILTER (WHERE lat IS NOT NULL AND lon IS NOT NULL) AS geolocated,
               count(*) FILTER (WHERE source_reliability <> 'F' AND info_credibility <> 6) AS graded,
               count(*) FILTER (WHERE v_female_child + v_female_adult + v_male_child + v_male_adult
                                      + v_unknown_child + v_unknown_adult + v_female_unknown + v_male_unknown
                                      + v_unknown_unknown > 0) AS with_victims,
               count(*) FILTER (WHERE v_female_child + v_female_adult + v_male_child + v_male_adult > 0
                                      AND v_unknown_unknown + v_unknown_child + v_unknown_adult
                                          + v_female_unknown + v_male_unknown = 0) AS disaggregated,
               count(*) FILTER (WHERE status = 'validated') AS validated
        FROM incidents""").fetchone()
    records, geolocated, graded, with_victims, disaggregated, validated = row
    share = (lambda n, d: None if not d else n / d)
    open_q = con.execute("SELECT count(*) FROM quarantine WHERE status = 'open'").fetchone()[0]
    return {"records": records, "geolocated": share(geolocated, records), "graded": share(graded, records),
            "disaggregated": share(disaggregated, with_victims), "validated": share(validated, records),
            "with_victims": with_victims, "open_quarantine": open_q}


def place_names_to_review(con) -> pd.DataFrame:
    """Admin-1 names that imports could not place, per committed batch (the audit log keeps them),
    and records still coded to a former unit: what the analyst should add to the gazetteer
    (reference/admin1_aliases.csv) or correct. Columns: country, name, rows, problem, batch_id,
    file_name."""
    return con.execute("""
        WITH names AS (
            SELECT a.batch_id, a.file_name, k.problem AS kind,
                   unnest(CAST(json_extract(a.details, '$.' || k.problem) AS VARCHAR[][])) AS item
            FROM audit_log a JOIN import_batches b ON b.batch_id = a.batch_id AND b.status = 'committed',
                 (VALUES ('admin1_unmatched'), ('admin1_former')) k(problem)
            WHERE json_extract(a.details, '$.' || k.problem) IS NOT NULL)
        SELECT item[1] AS country, item[2] AS name, CAST(sum(CAST(item[3] AS BIGINT)) AS BIGINT) AS rows,
               CASE kind WHEN 'admin1_unmatched' THEN 'unmatched' ELSE 'former unit, no coordinates' END AS problem,
               string_agg(DISTINCT batch_id, ', ') AS batch_id, string_agg(DISTINCT file_name, ', ') AS file_name
        FROM names GROUP BY ALL
        UNION ALL
        SELECT f.iso3, f.name_en, CAST(count(*) AS BIGINT), 'records on a former unit', NULL, NULL
        FROM incidents i JOIN admin1_former f ON f.code = i.admin1_code GROUP BY ALL
        ORDER BY rows DESC, country, name""").df()


def audit_trail(con, limit: int = 200) -> pd.DataFrame:
    return con.execute("""SELECT logged_at, actor, action, batch_id, file_name, sha256, details
                          FROM audit_log ORDER BY logged_at DESC LIMIT ?""", [limit]).df()


def discard(db_path, ids: list[str], user: str | None = None) -> int:
    """Close quarantined rows that will not be corrected; they stay in the table, marked discarded."""
    if not ids:
        raise ImportRefused(N_("Nothing to discard."))
    with store.writing(db_path) as con:
        marks = ", ".join("?" * len(ids))
        n = con.execute(f"SELECT count(*) FROM quarantine WHERE status = 'open' AND quarantine_id IN ({marks})",
                        ids).fetchone()[0]
        con.execute(f"""UPDATE quarantine SET status = 'discarded', resolved_at = ?
                        WHERE status = 'open' AND quarantine_id IN ({marks})""", [now(), *ids])
        audit(con, "discard", None, current_user(user), details={"rows": n})
    return n
