"""Import pipeline: every format on hand-made fixtures, exact counts, nothing lost, one transaction.

Fixtures: tests/fixtures/import/ (written by make_fixtures.py there; the expected numbers below are
worked out from the rows in that script).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tnt_dash import i18n, seed, store
from tnt_dash.importers import FileUnreadable, ledger, pipeline, template

FIX = Path(__file__).resolve().parent / "fixtures" / "import"
ROOT = Path(__file__).resolve().parent.parent
TABLES = ("incidents", "quarantine", "incident_history", "gitoc_scores", "national_series", "import_batches",
          "audit_log", "context_history")

# file: (rows_read, inserted, updated, unchanged, quarantined, out_of_scope) on an empty store
EXPECTED = {
    "native_fr_cp1252.csv": (7, 4, 0, 1, 2, 0),
    "native_fr.xlsx": (6, 4, 0, 0, 2, 0),
    "native_en_bom.csv": (3, 3, 0, 0, 0, 0),
    "acled_sample.csv": (4, 3, 0, 0, 0, 1),      # the battle is no crime: out of scope, not quarantined
    "hxl_sample.csv": (3, 2, 0, 0, 1, 0),
    "gitoc_sample.xlsx": (7, 6, 0, 0, 1, 0),
    "unodc_glotip_sample.xlsx": (5, 4, 0, 0, 1, 0),
}


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "store.duckdb"
    seed.build(path, demo_rows=None)
    return path


def snapshot(path: Path) -> str:
    """A digest of every table an import may touch: equal digests mean an unchanged store."""
    con = store.connect(path, read_only=True)
    try:
        digest = hashlib.sha256()
        for table in TABLES:
            rows = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            digest.update(repr((table, rows)).encode())
        return digest.hexdigest()
    finally:
        con.close()


def query(path: Path, sql: str, params=()):
    con = store.connect(path, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def counts(report) -> tuple:
    return (report.rows_read, report.inserted, report.updated, report.unchanged, report.quarantined,
            report.out_of_scope)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_counts_and_identity(db, name):
    report = pipeline.run_import(db, FIX / name)
    assert counts(report) == EXPECTED[name]
    assert report.rows_read == (report.inserted + report.updated + report.unchanged + report.quarantined
                                + report.out_of_scope)
    assert query(db, "SELECT count(*) FROM quarantine WHERE batch_id = ?", [report.batch_id])[0][0] == report.quarantined
    batch = query(db, "SELECT rows_read, inserted, updated, unchanged, quarantined, out_of_scope, status FROM import_batches "
                      "WHERE batch_id = ?", [report.batch_id])[0]
    assert batch == (*EXPECTED[name], "committed")
    audit = query(db, "SELECT action, file_name, sha256, details FROM audit_log WHERE batch_id = ?", [report.batch_id])
    assert len(audit) == 1 and audit[0][0] == "import" and audit[0][1] == name
    assert audit[0][2] == hashlib.sha256((FIX / name).read_bytes()).hexdigest()
    assert json.loads(audit[0][3])["rows_read"] == EXPECTED[name][0]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reimport_changes_nothing(db, name):
    pipeline.run_import(db, FIX / name)
    before = query(db, "SELECT * FROM incidents ORDER BY ALL"), query(db, "SELECT raw FROM quarantine ORDER BY ALL"), \
        query(db, "SELECT * FROM gitoc_scores ORDER BY ALL"), query(db, "SELECT * FROM national_series ORDER BY ALL")
    again = pipeline.run_import(db, FIX / name)
    rows, _ins, _upd, _unch, quarantined, out_of_scope = EXPECTED[name]
    assert counts(again) == (rows, 0, 0, rows - quarantined - out_of_scope, quarantined, out_of_scope)
    after = query(db, "SELECT * FROM incidents ORDER BY ALL"), query(db, "SELECT raw FROM quarantine ORDER BY ALL"), \
        query(db, "SELECT * FROM gitoc_scores ORDER BY ALL"), query(db, "SELECT * FROM national_series ORDER BY ALL")
    assert after == before
    assert query(db, "SELECT count(*) FROM incident_history")[0][0] == 0


def test_french_cp1252_semicolon_values(db):
    report = pipeline.run_import(db, FIX / "native_fr_cp1252.csv")
    rows = {r[0]: r for r in query(db, """SELECT incident_id, date_occurred::VARCHAR, place, lat, lon, market,
        v_female_child, v_female_adult, seizure_quantity, classification, status, narrative, mission
        FROM incidents""")}
    assert set(rows) == {"FR-1", "FR-2", "FR-3", "FR-4"}
    assert rows["FR-1"][1:7] == ("2026-11-16", "Obo – marché", 5.3998, 26.4937, "human_trafficking", 2)
    assert rows["FR-1"][11] == "Deux filles et une femme libérées à Obo ; enquête en cours."
    assert rows["FR-2"][8] == 12.5 and rows["FR-2"][9] == "CONFIDENTIAL" and rows["FR-2"][10] == "in_review"
    assert rows["FR-3"][0:3] == ("FR-3", "2026-11-18", "Goma")     # padded cells trimmed
    assert rows["FR-3"][8] == 1250.0                                 # "1 250"
    assert rows["FR-4"][1] == "2026-11-18"                           # Excel serial 46344
    reasons = {(e["row"], e["field"]): e["reason"] for e in report.errors}
    assert reasons[(9, "market")] == "unknown criminal market: trafic inconnu"
    assert reasons[(10, "date_occurred")].startswith("not a date")
    assert reasons[(10, "info_credibility")] == "must be a whole number from 1 to 6: 9"
    assert {"row": 1, "field": "Remarques", "reason": "unknown column, ignored"} in report.warnings
    assert any(w["reason"] == "duplicate of row 3: counted once" for w in report.warnings)
    raw = json.loads(query(db, "SELECT raw FROM quarantine WHERE row_number = 9")[0][0])
    assert raw["Marché"] == "trafic inconnu" and raw["Lieu"] == "Zémio"


def test_xlsx_matches_csv(db):
    pipeline.run_import(db, FIX / "native_fr_cp1252.csv")
    report = pipeline.run_import(db, FIX / "native_fr.xlsx")
    assert counts(report) == (6, 0, 0, 4, 2, 0)   # the same four records
    # The workbook's bad rows differ from the CSV's (row numbers, typed cells): each is queued for correction.
    assert query(db, "SELECT count(*) FROM quarantine WHERE status = 'open'")[0][0] == 4


def test_english_bom_reordered_headers(db):
    pipeline.run_import(db, FIX / "native_en_bom.csv")
    rows = dict(query(db, "SELECT incident_id, date_occurred::VARCHAR FROM incidents"))
    assert rows == {"EN-1": "2026-11-10", "EN-2": "2026-11-11", "EN-3": "2026-11-12"}
    assert query(db, "SELECT market FROM incidents WHERE incident_id = 'EN-2'")[0][0] == "kidnapping_for_ransom"


def rollup_matches(db) -> bool:
    """The weekly rollup equals a fresh aggregation of the incidents (week, place, market, marking)."""
    # The rollups' place: where the incident occurred, or its victims' residence (docs/cyber.md).
    fresh = """SELECT date_trunc('week', date_occurred)::DATE, mission, iso3, coalesce(admin1_code, residence_admin1_code),
                      market, status, tlp, classification, count(*), sum(fatalities) FROM incidents GROUP BY ALL"""
    stored = """SELECT week, mission, iso3, admin1_code, market, status, tlp, classification, incidents, fatalities
                FROM incident_weekly"""
    rows = query(db, f"SELECT count(*) FROM (({fresh} EXCEPT {stored}) UNION ALL ({stored} EXCEPT {fresh}))")
    # And the dateless rollup (every page's status line) equals the incidents too.
    fresh_status = """SELECT mission, iso3, coalesce(admin1_code, residence_admin1_code), market, status, tlp, classification, count(*),
                             min(date_occurred), max(date_occurred), max(updated_at) FROM incidents GROUP BY ALL"""
    stored_status = "SELECT * EXCLUDE (released_to, residence_admin1_code) FROM incident_status"
    status = query(db, f"""SELECT count(*) FROM (({fresh_status} EXCEPT {stored_status})
                                                 UNION ALL ({stored_status} EXCEPT {fresh_status}))""")
    return rows[0][0] == 0 and status[0][0] == 0 and query(db, "SELECT count(*) FROM incident_weekly")[0][0] > 0


def rollups_equal_a_full_rebuild(path: Path, tmp_path: Path) -> bool:
    """Both rollups equal what a full rebuild makes of the same incidents (on a copy of the store).
    Seizure values are doubles summed in whatever order the threads meet them: compared to 1e-6."""
    copy = tmp_path / "full_rebuild.duckdb"
    shutil.copyfile(path, copy)
    con = store.connect(copy)
    try:
        def tables():
            return [con.execute("SELECT * EXCLUDE (seizure_usd), round(seizure_usd, 6) FROM incident_weekly "
                                "ORDER BY ALL").fetchall(),
                    con.execute("SELECT * FROM incident_status ORDER BY ALL").fetchall()]
        kept = tables()
        con.begin()
        store.refresh_rollups(con)
        rebuilt = tables()
        con.rollback()
        return kept == rebuilt and len(kept[0]) > 0
    finally:
        con.close()
        copy.unlink()


def test_imports_rebuild_only_the_weeks_they_touch(tmp_path):
    """Imports, a correction that moves a record to another week, a re-submission and rollbacks
    rebuild only the weeks their records sit in (and sat in): the rollups still equal a full
    rebuild after each, and a context import leaves them as they were."""
    db = tmp_path / "store.duckdb"
    seed.build(db, demo_rows=3000, end=date(2026, 11, 29))
    first = pipeline.run_import(db, FIX / "native_en_bom.csv")
    assert rollups_equal_a_full_rebuild(db, tmp_path)
    text = (FIX / "native_en_bom.csv").read_text(encoding="utf-8-sig")
    moved = tmp_path / "moved.csv"
    moved.write_text(text.replace("EN-3,2026-11-12", "EN-3,2026-10-20"), encoding="utf-8")
    second = pipeline.run_import(db, moved)
    assert counts(second)[2] == 1
    con = store.connect(db, read_only=True)
    try:   # EN-3 left the week of 9 November (which it alone of this batch sat in) for that of 19 October
        assert pipeline.batch_weeks(con, second.batch_id) == {date(2026, 11, 9), date(2026, 10, 19)}
    finally:
        con.close()
    assert rollups_equal_a_full_rebuild(db, tmp_path)
    quarantined = pipeline.run_import(db, FIX / "native_fr_cp1252.csv")
    waiting = query(db, "SELECT quarantine_id, row_number, raw FROM quarantine WHERE status = 'open'")
    fixes = {qid: {**json.loads(raw), **({"Marché": "Traite des personnes"} if row == 9 else
                                        {"Date des faits": "28/02/2026", "Crédibilité info": "3"})}
             for qid, row, raw in waiting}
    ledger.resubmit(db, fixes)
    assert rollups_equal_a_full_rebuild(db, tmp_path)
    weekly = query(db, "SELECT * FROM incident_weekly ORDER BY ALL")
    gitoc = pipeline.run_import(db, FIX / "gitoc_sample.xlsx")
    assert query(db, "SELECT * FROM incident_weekly ORDER BY ALL") == weekly
    for batch in (gitoc, second, quarantined):
        ledger.rollback(db, batch.batch_id)
        assert rollups_equal_a_full_rebuild(db, tmp_path)
    assert query(db, "SELECT count(*) FROM incidents WHERE batch_id = ?", [first.batch_id])[0][0] == 3


def test_correction_updates_keeps_history_and_rollback_restores(db, tmp_path):
    first = pipeline.run_import(db, FIX / "native_en_bom.csv")
    text = (FIX / "native_en_bom.csv").read_text(encoding="utf-8-sig").replace("EN-3,2026-11-12", "EN-3,2026-11-13")
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(text, encoding="utf-8")
    before = query(db, "SELECT * FROM incidents WHERE incident_id = 'EN-3'")[0]
    created = query(db, "SELECT created_at FROM incidents WHERE incident_id = 'EN-3'")[0][0]
    second = pipeline.run_import(db, corrected)
    assert counts(second) == (3, 0, 1, 2, 0, 0)
    history = query(db, "SELECT incident_id, version, batch_id, previous FROM incident_history")
    assert len(history) == 1 and history[0][:3] == ("EN-3", 1, second.batch_id)
    assert json.loads(history[0][3])["date_occurred"] == "2026-11-12"
    after = query(db, "SELECT date_occurred::VARCHAR, created_at, batch_id FROM incidents WHERE incident_id = 'EN-3'")[0]
    assert after[0] == "2026-11-13" and after[2] == second.batch_id
    assert after[1] == created   # created_at kept
    assert rollup_matches(db)      # the import transaction rebuilt the weekly rollup
    # The first batch cannot be undone while a later batch changed one of its records.
    with pytest.raises(pipeline.ImportRefused):
        ledger.rollback(db, first.batch_id)
    result = ledger.rollback(db, second.batch_id)
    assert result == {"batch_id": second.batch_id, "removed": 1, "restored": 1}
    assert query(db, "SELECT * FROM incidents WHERE incident_id = 'EN-3'")[0] == before
    assert query(db, "SELECT status FROM import_batches WHERE batch_id = ?", [second.batch_id])[0][0] == "rolled_back"
    assert query(db, "SELECT count(*) FROM audit_log WHERE action = 'rollback'")[0][0] == 1
    assert rollup_matches(db)
    ledger.rollback(db, first.batch_id)
    assert query(db, "SELECT count(*) FROM incidents")[0][0] == 0
    assert query(db, "SELECT count(*) FROM incident_weekly")[0][0] == 0
    assert query(db, "SELECT count(*) FROM incident_status")[0][0] == 0
    with pytest.raises(pipeline.ImportRefused):
        ledger.rollback(db, first.batch_id)   # already rolled back


def test_context_rollback(db):
    gitoc = pipeline.run_import(db, FIX / "gitoc_sample.xlsx")
    ledger.rollback(db, gitoc.batch_id)
    assert query(db, "SELECT count(*) FROM gitoc_scores")[0][0] == 0


def test_acled(db):
    report = pipeline.run_import(db, FIX / "acled_sample.csv")
    rows = {r[0]: r[1:] for r in query(db, """SELECT incident_id, date_occurred::VARCHAR, date_precision, iso3,
        admin1_code, mission, market, geo_precision, fatalities, n_sources, narrative FROM incidents""")}
    assert set(rows) == {"ACLED-CAF9001", "ACLED-CAF9002", "ACLED-DRC9004"}
    assert rows["ACLED-CAF9001"][:9] == ("2026-11-15", 1, "CAF", "CF-HM", "MINUSCA", "kidnapping_for_ransom", 2, 0, 2)
    assert rows["ACLED-CAF9002"][0] == "2026-11-14"                       # "14 November 2026"
    assert "(Political militia)" in rows["ACLED-CAF9002"][9]              # text inter code
    assert "(Political militia)" in rows["ACLED-CAF9001"][9]              # numeric inter code 3
    assert rows["ACLED-DRC9004"][2:4] == ("COD", "CD-NK")                 # iso 180, admin1 by French name
    assert report.errors == [] and report.out_of_scope_by == {"Battles / Armed clash": 1}


def test_acled_map_override(db, tmp_path, monkeypatch):
    mapping = tmp_path / "map.csv"
    mapping.write_text("event_type,sub_event_type,market\nBattles,Armed clash,arms_trafficking\n", encoding="utf-8")
    monkeypatch.setenv("TNT_ACLED_MAP", str(mapping))
    report = pipeline.run_import(db, FIX / "acled_sample.csv")
    assert counts(report) == (4, 1, 0, 0, 0, 3)    # the abductions have no market in this map
    mapping.write_text("event_type,sub_event_type,market\nBattles,Armed clash,no_such_market\n", encoding="utf-8")
    with pytest.raises(FileUnreadable):
        pipeline.run_import(db, FIX / "acled_sample.csv")


def test_hxl_victim_grid(db):
    report = pipeline.run_import(db, FIX / "hxl_sample.csv")
    rows = {r[0]: r[1:] for r in query(db, """SELECT incident_id, v_female_child, v_female_adult, v_female_unknown,
        v_male_child, v_male_adult, v_male_unknown, v_unknown_child, v_unknown_adult, v_unknown_unknown, fatalities,
        admin1_code, reporting_unit FROM incidents""")}
    # HX-1: girls 1, women 2, females total 4 -> 1 female of unknown age; boys 1; total 7 -> 7 - 5 = 2 unknown
    assert rows["HX-1"][:10] == (1, 2, 1, 1, 0, 0, 0, 0, 2, 0)
    assert rows["HX-1"][10:] == ("CF-HM", "Child protection cluster")
    assert rows["HX-2"][:10] == (0, 3, 0, 0, 0, 0, 0, 0, 0, 1)
    assert report.errors == [{"row": 5, "field": "#affected",
                              "reason": "a total #affected column is smaller than the sum of its detailed columns"}]


def test_gitoc(db):
    report = pipeline.run_import(db, FIX / "gitoc_sample.xlsx")
    editions = dict(query(db, "SELECT edition, count(DISTINCT iso3) FROM gitoc_scores GROUP BY edition"))
    assert editions == {2021: 2, 2023: 2, 2025: 2}
    assert query(db, "SELECT score, kind, country_name FROM gitoc_scores WHERE iso3 = 'COD' AND edition = 2023 "
                     "AND indicator = 'Criminality'")[0] == (7.75, "average", "Congo, Dem, Rep,")
    assert query(db, "SELECT count(*) FROM gitoc_scores WHERE iso3 = 'COD' AND edition = 2021")[0][0] == 8
    assert query(db, "SELECT DISTINCT iso3 FROM gitoc_scores WHERE edition = 2025 ORDER BY 1") == [("CIV",), ("HTI",)]
    assert report.errors == [{"row": 4, "field": "Country", "reason": "country name matches no ISO 3166 country: Atlantis"}]
    assert any("Unknown pillar" in w["field"] for w in report.warnings)


def test_unodc_censored(db):
    pipeline.run_import(db, FIX / "unodc_glotip_sample.xlsx")
    rows = query(db, "SELECT iso3, sex, year, value, value_text, censored, source FROM national_series ORDER BY ALL")
    assert rows == [("CAF", "Female", 2022, None, "<5", True, "UNODC GLOTIP"),
                    ("CAF", "Male", 2022, 12.0, "12", False, "UNODC GLOTIP"),
                    ("COD", "Total", 2021, 1204.0, "1,204", False, "UNODC GLOTIP"),
                    ("HTI", "Female", 2020, None, "<5", True, "UNODC GLOTIP")]


def test_dry_run_changes_nothing(db):
    before = snapshot(db)
    report = pipeline.run_import(db, FIX / "native_fr_cp1252.csv", dry_run=True)
    assert counts(report) == EXPECTED["native_fr_cp1252.csv"]
    assert snapshot(db) == before


def test_resubmit_corrected_rows(db):
    pipeline.run_import(db, FIX / "native_fr_cp1252.csv")
    waiting = query(db, "SELECT quarantine_id, row_number, raw FROM quarantine WHERE status = 'open' ORDER BY row_number")
    fixes = {}
    for qid, row, raw in waiting:
        cells = json.loads(raw)
        if row == 9:
            cells["Marché"] = "Traite des personnes"
        else:
            cells["Date des faits"], cells["Crédibilité info"] = "28/02/2026", "3"
        fixes[qid] = cells
    report = ledger.resubmit(db, fixes)
    assert counts(report) == (2, 2, 0, 0, 0, 0)
    assert query(db, "SELECT count(*) FROM quarantine WHERE status = 'open'")[0][0] == 0
    assert query(db, "SELECT count(*) FROM quarantine WHERE status = 'resubmitted'")[0][0] == 2
    assert query(db, "SELECT date_occurred::VARCHAR FROM incidents WHERE incident_id = 'FR-6'")[0][0] == "2026-02-28"
    # A correction that still fails stays in the quarantine, once, with its new reason.
    pipeline.run_import(db, FIX / "native_en_bom.csv")
    bad = dict(json.loads(query(db, "SELECT raw FROM quarantine WHERE row_number = 9")[0][0]))
    pipeline.run_import(db, FIX / "native_fr.xlsx")   # FR-5 and FR-6 are fine now, the xlsx ones are queued again
    open_rows = query(db, "SELECT quarantine_id, raw FROM quarantine WHERE status = 'open'")
    qid = open_rows[0][0]
    still_bad = {**json.loads(open_rows[0][1]), "Marché": "encore inconnu"}
    again = ledger.resubmit(db, {qid: still_bad})
    assert counts(again) == (1, 0, 0, 0, 1, 0)
    assert query(db, "SELECT count(*) FROM quarantine WHERE status = 'open'")[0][0] == len(open_rows)
    assert bad


def test_template_example_row_is_refused(db, tmp_path):
    out = tmp_path / "template.csv"
    out.write_bytes(template.render("csv", i18n.get("en")))
    report = pipeline.run_import(db, out)
    assert counts(report) == (1, 0, 0, 0, 1, 0)
    assert report.errors[0]["field"] == "incident_id"


def test_template_french_headers_roundtrip(db, tmp_path):
    out = tmp_path / "modele.xlsx"
    out.write_bytes(template.render("xlsx", i18n.get("fr")))
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[0] and len(book.sheetnames) == 2
    header = next(book.worksheets[0].iter_rows(values_only=True))
    # 50, 9 persons-smuggled cells, 9 trafficking-detail cells (issue #32) and 9 cyber fields (issue #37)
    assert header[:2] == ("identifiant", "date_faits") and len(header) == 77
    assert "passes_hommes" in header and "victimes_hommes" in header
    book.close()
    report = pipeline.run_import(db, out)
    assert report.errors[0]["reason"].startswith("this is the template") or report.errors


def test_template_neutralises_formulas(monkeypatch):
    from tnt_dash.importers import fields
    monkeypatch.setitem(fields.EXAMPLE_ROW, "narrative", "=cmd|' /C calc'!A0")
    monkeypatch.setitem(fields.EXAMPLE_ROW, "place", "@SUM(1+1)")
    t = i18n.get("en")
    text = template.render("csv", t).decode("utf-8-sig")
    assert "'=cmd|" in text and "'@SUM(1+1)" in text
    import io
    book = openpyxl.load_workbook(io.BytesIO(template.render("xlsx", t)))
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "'=cmd|' /C calc'!A0" in values and "'@SUM(1+1)" in values
    assert all(not (isinstance(v, str) and v.startswith(("=", "@"))) for v in values)


def test_formula_text_is_stored_as_text(db):
    pipeline.run_import(db, FIX / "native_en_bom.csv")
    narrative = query(db, "SELECT narrative FROM incidents WHERE incident_id = 'EN-1'")[0][0]
    assert narrative == '=HYPERLINK("http://example.invalid")'   # kept as data; exports neutralise it


def run_cli(*args, env=None):
    full_env = {**os.environ, "TNT_PROFILE": "analyst", **(env or {})}
    return subprocess.run([sys.executable, "-m", "tnt_dash", *args], capture_output=True, text=True, cwd=ROOT,
                          env=full_env, timeout=300)


BROKEN = {
    "empty.csv": "The file is empty.",
    "blank_lines.csv": "The file is empty.",
    "binary.csv": "This is not a text file (binary content).",
    "corrupt.xlsx": "The workbook could not be opened",
    "old_excel.xls": "Old binary Excel files (.xls) are not read",
    "no_id_column.csv": "The file's format was not recognised. Formats read: the native template",
    "missing_required.csv": "Required columns are missing: source_reliability",
    "acled_missing_columns.csv": "Not an ACLED export: columns missing: event_type",
    "hxl_no_tags.csv": "No HXL hashtag row found",
    "unodc_no_header.csv": "No UNODC data-portal header",
}
FORCED = {"acled_missing_columns.csv": "acled", "hxl_no_tags.csv": "hxl", "unodc_no_header.csv": "unodc"}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_clear_message_store_unchanged(db, name):
    before = snapshot(db)
    with pytest.raises(FileUnreadable) as caught:
        pipeline.run_import(db, FIX / "broken" / name, fmt=FORCED.get(name, "auto"))
    assert caught.value.message(i18n.get("en")).startswith(BROKEN[name])
    assert snapshot(db) == before


def test_cli_json_and_exit_codes(db, tmp_path):
    done = run_cli("--db", str(db), "import", str(FIX / "hxl_sample.csv"), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    keys = ("rows_read", "inserted", "updated", "unchanged", "quarantined", "out_of_scope")
    assert {k: result[k] for k in keys} == dict(zip(keys, EXPECTED["hxl_sample.csv"]))
    assert result["errors"][0] == {"row": 5, "field": "#affected",
                                   "reason": "a total #affected column is smaller than the sum of its detailed columns"}
    assert result["batch_id"]
    before = snapshot(db)
    bad = run_cli("--db", str(db), "import", str(FIX / "broken" / "binary.csv"), "--json")
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and "binary" in bad.stderr
    big = run_cli("--db", str(db), "import", str(FIX / "acled_sample.csv"), env={"TNT_IMPORT_MAX_MB": "0.001"})
    assert big.returncode == 2 and "TNT_IMPORT_MAX_MB" in big.stderr
    shared = run_cli("--db", str(db), "import", str(FIX / "acled_sample.csv"), env={"TNT_PROFILE": "shared"})
    assert shared.returncode == 2 and "analyst" in shared.stderr
    assert snapshot(db) == before
    listed = run_cli("--db", str(db), "batches", "--json")
    assert json.loads(listed.stdout)[0]["batch_id"] == result["batch_id"]
    undone = run_cli("--db", str(db), "rollback", result["batch_id"])
    assert undone.returncode == 0 and "2 rows removed" in undone.stdout
    out = tmp_path / "t.xlsx"
    assert run_cli("--db", str(db), "--lang", "fr", "template", "--format", "xlsx", "--out", str(out)).returncode == 0
    assert out.stat().st_size > 0


def test_kill_mid_transaction_leaves_store_unchanged(db):
    pipeline.run_import(db, FIX / "native_en_bom.csv")
    before = snapshot(db)
    env = {**os.environ, "TNT_PROFILE": "analyst", "TNT_IMPORT_TEST_SLEEP": "60"}
    proc = subprocess.Popen([sys.executable, "-m", "tnt_dash", "--db", str(db), "import",
                             str(FIX / "native_fr_cp1252.csv")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        line = ""
        while "inside the transaction" not in line:   # rows are written and the transaction is open
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() else "timeout"
            line = proc.stderr.readline()
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert snapshot(db) == before
    report = pipeline.run_import(db, FIX / "native_fr_cp1252.csv")   # the store is still usable
    assert counts(report) == EXPECTED["native_fr_cp1252.csv"]


def test_checkpoint_changes_mtime(db):
    stat = db.stat()
    time.sleep(0.05)
    pipeline.run_import(db, FIX / "native_en_bom.csv")
    after = db.stat()
    assert (after.st_mtime_ns, after.st_size) != (stat.st_mtime_ns, stat.st_size)
    assert not Path(str(db) + ".wal").exists() or Path(str(db) + ".wal").stat().st_size == 0


def test_reasons_follow_the_ui_language(db):
    fr = i18n.get("fr")
    report = pipeline.run_import(db, FIX / "native_fr_cp1252.csv", t=fr)
    assert [e["field"] for e in report.errors] == ["market", "date_occurred", "info_credibility"]
    assert all(isinstance(e["reason"], str) and e["reason"] for e in report.errors)


def test_data_quality(db):
    pipeline.run_import(db, FIX / "native_fr_cp1252.csv")
    con = store.connect(db, read_only=True)
    try:
        quality = ledger.data_quality(con)
    finally:
        con.close()
    # FR-1 and FR-3 have coordinates; all four graded (none F6); FR-1, FR-3, FR-4 fully disaggregated out of 4
    # with victims (FR-2 has 3 of unknown sex and age); FR-1, FR-3, FR-4 validated.
    assert quality["records"] == 4 and quality["geolocated"] == 0.5 and quality["graded"] == 1.0
    assert quality["disaggregated"] == 0.75 and quality["validated"] == 0.75 and quality["open_quarantine"] == 2


def test_resubmit_gitoc_name_correction(db):
    pipeline.run_import(db, FIX / "gitoc_sample.xlsx")
    qid, raw = query(db, "SELECT quarantine_id, raw FROM quarantine WHERE status = 'open'")[0]
    cells = json.loads(raw)
    assert cells["_sheet"] == "2023_dataset"
    cells["Country"] = "Cabo Verde"
    report = ledger.resubmit(db, {qid: cells})
    assert counts(report) == (1, 1, 0, 0, 0, 0)
    assert query(db, "SELECT count(*) FROM gitoc_scores WHERE iso3 = 'CPV' AND edition = 2023")[0][0] == 8


# Exception classes, raised fresh: an instance made at collection would keep its traceback, and with
# it the test's connection, alive until the end of the session.
@pytest.mark.parametrize("interrupt", [ValueError, KeyboardInterrupt])
def test_a_transaction_keeps_nothing_on_error_or_when_asked_not_to(db, interrupt):
    """store.transaction, which every writer uses: an exception (an interrupt too) rolls back and
    propagates; keep=False (a dry run) rolls back; otherwise the change is committed."""
    con = store.connect(db)
    try:
        def count():
            return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        before = count()
        with pytest.raises(interrupt):
            with store.transaction(con):
                pipeline.audit(con, "test", None, "tester")
                raise interrupt("stopped part-way")
        assert count() == before
        with store.transaction(con, keep=False):
            pipeline.audit(con, "test", None, "tester")
        assert count() == before
        with store.transaction(con):
            pipeline.audit(con, "test", None, "tester")
        assert count() == before + 1
    finally:
        con.close()


def test_acled_admin1_through_the_gazetteer(db, tmp_path):
    """Issue #27: current provinces and ACLED spellings resolve; an unknown spelling still imports,
    with one warning naming it and its row count (no silent loss of place)."""
    lines = (FIX / "acled_sample.csv").read_text(encoding="utf-8").splitlines()
    header, template = lines[0], lines[1].split(",")
    cols = header.split(",")

    def row(event_id, iso, country, admin1):
        cells = list(template)
        for col, value in (("event_id_cnty", event_id), ("iso", iso), ("country", country), ("admin1", admin1)):
            cells[cols.index(col)] = value
        return ",".join(cells)

    path = tmp_path / "acled_gazetteer.csv"
    path.write_text("\n".join([header, row("DRC1", "180", "Democratic Republic of Congo", "Ituri"),
                               row("SOM1", "706", "Somalia", "Hiiraan"),
                               row("SOM2", "706", "Somalia", "Middle Shabelle Region"),
                               row("SOM3", "706", "Somalia", "Nowhereland"),
                               row("SOM4", "706", "Somalia", "Nowhereland")]) + "\n", encoding="utf-8")
    report = pipeline.run_import(db, path)
    assert (report.inserted, report.quarantined) == (5, 0)
    got = dict(query(db, "SELECT incident_id, admin1_code FROM incidents"))
    assert got == {"ACLED-DRC1": "CD-IT", "ACLED-SOM1": "SO-HI", "ACLED-SOM2": "SO-SD",
                   "ACLED-SOM3": None, "ACLED-SOM4": None}
    unmatched = [w for w in report.warnings if w["field"] == "admin1"]
    assert len(unmatched) == 1
    assert "Nowhereland" in unmatched[0]["reason"] and "SOM" in unmatched[0]["reason"]
    assert "rows: 2" in unmatched[0]["reason"]
