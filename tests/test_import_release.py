"""Release to host States (issue #26) through the native template and in bulk (releasability.py).

Hand-made fixtures written in tmp_path: the template's three columns in English and French, each
kind of bad value in the quarantine with its reason, re-import and correction, set_release's three
modes with history, batch, audit, rollback and rollups equal to a full rebuild, refusals that
change nothing, the CLI's exit codes, and the Data page's section.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tnt_dash import i18n, seed, store
from tnt_dash.importers import ledger, pipeline, releasability, template
from tnt_dash.importers.releasability import ReleaseRefused, set_release

from .test_import import rollups_equal_a_full_rebuild

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TABLES = ("incidents", "quarantine", "incident_history", "import_batches", "audit_log", "incident_weekly",
          "incident_status")

EN_HEADER = ["incident_id", "date_occurred", "iso3", "market", "source_reliability", "info_credibility",
             "classification", "tlp", "status", "releasable_to", "originator", "originator_iso3"]
FR_HEADER = ["identifiant", "date_faits", "pays_iso3", "marche", "fiabilite_source", "credibilite_info",
             "classification", "tlp", "statut", "communicable_a", "emetteur", "emetteur_iso3"]


def row(incident_id, day="2026-11-10", iso3="HTI", releasable_to="", originator="", originator_iso3=""):
    return [incident_id, day, iso3, "kidnapping_for_ransom", "B", "2", "UNCLASSIFIED", "TLP:GREEN", "validated",
            releasable_to, originator, originator_iso3]


GOOD = [
    row("R-1", releasable_to="hti; DOM, hti", originator="unpol"),     # case, separators, repeat
    row("R-2", day="2026-11-17", releasable_to="HTI", originator="host_state", originator_iso3="hti"),
    row("R-3", day="2026-11-03"),                                       # no release, originator unknown
]
# incident_id: (field, reason)
BAD = {
    "B-code": (row("B-code", releasable_to="HTI;XXX"), "releasable_to",
               "unknown country code (ISO 3166 alpha-3 expected): XXX"),
    "B-short": (row("B-short", releasable_to="HT"), "releasable_to",
                "unknown country code (ISO 3166 alpha-3 expected): HT"),
    "B-orig": (row("B-orig", originator="police"), "originator",
               "unknown originator: police (expected host_state, unpol, un_other, partner or open_source)"),
    "B-need": (row("B-need", originator="host_state"), "originator_iso3",
               "the originating State is required when the originator is host_state"),
    "B-extra": (row("B-extra", originator="partner", originator_iso3="HTI"), "originator_iso3",
                "only a host-State report (originator host_state) has an originating State: HTI"),
    "B-state": (row("B-state", originator="host_state", originator_iso3="ZZZ"), "originator_iso3",
                "unknown country code (ISO 3166 alpha-3 expected): ZZZ"),
}


def write_csv(path: Path, header, rows, delimiter=",", encoding="utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding=encoding)
    return path


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "store.duckdb"
    seed.build(path, demo_rows=None)
    return path


def query(path: Path, sql: str, params=()):
    con = store.connect(path, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def released(path: Path) -> dict:
    return {i: (list(r), o, s) for i, r, o, s in query(
        path, "SELECT incident_id, releasable_to, originator, originator_iso3 FROM incidents")}


def snapshot(path: Path, tables=TABLES) -> str:
    digest = hashlib.sha256()
    for table in tables:
        digest.update(repr((table, query(path, f"SELECT * FROM {table} ORDER BY ALL"))).encode())
    return digest.hexdigest()


def counts(report) -> tuple:
    return (report.rows_read, report.inserted, report.updated, report.unchanged, report.quarantined)


# --- The template's columns -------------------------------------------------------------------------------

def test_good_rows_english_headers(db, tmp_path):
    report = pipeline.run_import(db, write_csv(tmp_path / "en.csv", EN_HEADER, GOOD))
    assert counts(report) == (3, 3, 0, 0, 0), report.errors
    assert released(db) == {"R-1": (["DOM", "HTI"], "unpol", None),
                            "R-2": (["HTI"], "host_state", "HTI"),
                            "R-3": ([], None, None)}
    # The rollups carry what a host State may see: released to it, or its own report.
    weekly = dict(query(db, "SELECT week, released_to FROM incident_weekly"))
    assert weekly == {date(2026, 11, 9): ["DOM", "HTI"], date(2026, 11, 16): ["HTI"], date(2026, 11, 2): []}


def test_good_rows_french_headers_and_values(db, tmp_path):
    rows = [row("F-1", day="10/11/2026", releasable_to="hti dom", originator="Police des Nations Unies"),
            row("F-2", day="17/11/2026", releasable_to="", originator="État hôte", originator_iso3="HTI"),
            row("F-3", day="03/11/2026", releasable_to="DOM;", originator="Source ouverte")]
    path = write_csv(tmp_path / "fr.csv", FR_HEADER, rows, delimiter=";", encoding="cp1252")
    report = pipeline.run_import(db, path)
    assert counts(report) == (3, 3, 0, 0, 0), report.errors
    assert released(db) == {"F-1": (["DOM", "HTI"], "unpol", None),
                            "F-2": ([], "host_state", "HTI"),
                            "F-3": (["DOM"], "open_source", None)}


def test_each_bad_value_is_quarantined_with_its_reason(db, tmp_path):
    path = write_csv(tmp_path / "bad.csv", EN_HEADER, [GOOD[0], *(r for r, _f, _m in BAD.values())])
    report = pipeline.run_import(db, path)
    assert counts(report) == (7, 1, 0, 0, 6)
    reasons = {e["row"]: (e["field"], e["reason"]) for e in report.errors}
    assert sorted(reasons.values()) == sorted((f, m) for _r, f, m in BAD.values())
    stored = query(db, "SELECT raw, errors FROM quarantine WHERE status = 'open'")
    by_id = {json.loads(raw)["incident_id"]: json.loads(errors) for raw, errors in stored}
    assert set(by_id) == set(BAD)
    for incident_id, (_row, field, reason) in BAD.items():
        assert by_id[incident_id] == [{"field": field, "reason": reason}]
    assert query(db, "SELECT count(*) FROM incidents")[0][0] == 1
    # The French reasons are the translated messages (once the catalogue has them).
    fr = pipeline.run_import(db, path, dry_run=True, t=i18n.get("fr"))
    assert len(fr.errors) == 6


def test_reimport_changes_nothing_and_a_correction_keeps_history(db, tmp_path):
    path = write_csv(tmp_path / "en.csv", EN_HEADER, [*GOOD, BAD["B-code"][0]])
    first = pipeline.run_import(db, path)
    assert counts(first) == (4, 3, 0, 0, 1)
    records = ("incidents", "quarantine", "incident_history", "incident_weekly", "incident_status")
    before = snapshot(db, records)
    again = pipeline.run_import(db, path)
    assert counts(again) == (4, 0, 0, 3, 1)
    assert query(db, "SELECT count(*) FROM quarantine WHERE status = 'open'")[0][0] == 1   # not queued twice
    assert snapshot(db, records) == before   # only a batch and an audit row more
    fixed = [row("R-1", releasable_to="HTI", originator="unpol"), *GOOD[1:]]
    corrected = pipeline.run_import(db, write_csv(tmp_path / "fixed.csv", EN_HEADER, fixed))
    assert counts(corrected) == (3, 0, 1, 2, 0)
    assert released(db)["R-1"] == (["HTI"], "unpol", None)
    history = query(db, "SELECT incident_id, version, batch_id, previous FROM incident_history")
    assert [h[:3] for h in history] == [("R-1", 1, corrected.batch_id)]
    assert json.loads(history[0][3])["releasable_to"] == ["DOM", "HTI"]
    ledger.rollback(db, corrected.batch_id)
    assert released(db)["R-1"] == (["DOM", "HTI"], "unpol", None)


def test_a_file_without_the_columns_keeps_the_release(db, tmp_path):
    """An older template (or ACLED, HXL) says nothing about release: the stored values stay. A file
    with the column, even blank, sets it."""
    pipeline.run_import(db, write_csv(tmp_path / "en.csv", EN_HEADER, GOOD))
    old = pipeline.run_import(db, write_csv(tmp_path / "old.csv", EN_HEADER[:9], [r[:9] for r in GOOD]))
    assert counts(old) == (3, 0, 0, 3, 0)
    assert released(db)["R-2"] == (["HTI"], "host_state", "HTI")
    # Only the release column: the originator is kept, the release is withdrawn.
    blank = pipeline.run_import(db, write_csv(tmp_path / "blank.csv", EN_HEADER[:10], [r[:9] + [""] for r in GOOD]))
    assert counts(blank) == (3, 0, 2, 1, 0)
    assert released(db) == {"R-1": ([], "unpol", None), "R-2": ([], "host_state", "HTI"), "R-3": ([], None, None)}


@pytest.mark.parametrize("lang, names", [("en", ("releasable_to", "originator", "originator_iso3")),
                                         ("fr", ("communicable_a", "emetteur", "emetteur_iso3"))])
def test_template_has_the_columns(db, tmp_path, lang, names):
    text = template.render("csv", i18n.get(lang)).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert set(names) <= set(header)
    out = tmp_path / f"template-{lang}.xlsx"
    out.write_bytes(template.render("xlsx", i18n.get(lang)))
    import openpyxl
    book = openpyxl.load_workbook(out, read_only=True)
    assert set(names) <= set(next(book.worksheets[0].iter_rows(values_only=True)))
    book.close()
    report = pipeline.run_import(db, out)    # the example row is refused for being the example, nothing else
    assert counts(report) == (1, 0, 0, 0, 1)
    assert [e["field"] for e in report.errors] == ["incident_id"]


# --- set_release ----------------------------------------------------------------------------------------------

@pytest.fixture
def released_db(tmp_path) -> Path:
    """A small demo store (so that a partial rollup rebuild has other weeks to leave alone) and R-1..R-3."""
    path = tmp_path / "demo.duckdb"
    seed.build(path, demo_rows=3000, end=date(2026, 11, 29))
    pipeline.run_import(path, write_csv(tmp_path / "en.csv", EN_HEADER, GOOD))
    return path


def apply(path: Path, ids, codes, **kwargs) -> dict:
    con = store.connect(path)
    try:
        return set_release(con, ids, releasable_to=codes, user="tester", **kwargs)
    finally:
        con.close()


def test_set_release_modes_history_batch_and_rollups(released_db, tmp_path):
    db = released_db
    result = apply(db, ["R-1", "R-3"], ["CAF", "hti"], mode="add")
    assert {k: result[k] for k in ("records", "changed", "unchanged")} == {"records": 2, "changed": 2, "unchanged": 0}
    assert released(db)["R-1"][0] == ["CAF", "DOM", "HTI"] and released(db)["R-3"][0] == ["CAF", "HTI"]
    assert rollups_equal_a_full_rebuild(db, tmp_path)
    removed = apply(db, "R-1\nR-2, R-3", ["HTI"], mode="remove")
    assert removed["changed"] == 3
    assert {k: v[0] for k, v in released(db).items() if k.startswith("R-")} == \
        {"R-1": ["CAF", "DOM"], "R-2": [], "R-3": ["CAF"]}
    assert rollups_equal_a_full_rebuild(db, tmp_path)
    replaced = apply(db, ["R-1", "R-2"], "DOM", mode="replace", originator="Partenaire")
    assert replaced["changed"] == 2
    assert released(db)["R-1"] == (["DOM"], "partner", None) and released(db)["R-2"] == (["DOM"], "partner", None)
    assert rollups_equal_a_full_rebuild(db, tmp_path)
    # Nothing to change: no batch, no history, only the audit row.
    same = apply(db, ["R-1"], ["DOM"], mode="add")
    assert same == {"batch_id": None, "records": 1, "changed": 0, "unchanged": 1, "weeks": 0}
    history = query(db, "SELECT incident_id, version, batch_id FROM incident_history ORDER BY changed_at, incident_id")
    assert [(i, v) for i, v, _b in history] == [("R-1", 1), ("R-3", 1), ("R-1", 2), ("R-2", 1), ("R-3", 2),
                                                ("R-1", 3), ("R-2", 2)]
    assert {b for _i, _v, b in history} == {result["batch_id"], removed["batch_id"], replaced["batch_id"]}
    batches = query(db, "SELECT kind, created_by, rows_read, updated, unchanged FROM import_batches "
                        "WHERE kind = 'release' ORDER BY created_at")
    assert batches == [("release", "tester", 2, 2, 0), ("release", "tester", 3, 3, 0), ("release", "tester", 2, 2, 0)]
    audits = query(db, "SELECT actor, batch_id, details FROM audit_log WHERE action = 'release' ORDER BY logged_at")
    assert len(audits) == 4 and audits[-1][1] is None
    assert json.loads(audits[0][2])["releasable_to"] == ["CAF", "HTI"]
    assert query(db, "SELECT batch_id FROM incidents WHERE incident_id = 'R-1'")[0][0] == replaced["batch_id"]


def test_release_rolls_back_like_an_import(released_db, tmp_path):
    db = released_db
    imported = query(db, "SELECT batch_id FROM incidents WHERE incident_id = 'R-1'")[0][0]
    before = released(db)
    done = apply(db, ["R-1", "R-3"], ["CAF"], mode="replace")
    with pytest.raises(pipeline.ImportRefused):   # the release changed records of that import: undo it first
        ledger.rollback(db, imported)
    assert ledger.rollback(db, done["batch_id"]) == {"batch_id": done["batch_id"], "removed": 2, "restored": 2}
    assert released(db) == before
    assert rollups_equal_a_full_rebuild(db, tmp_path)
    ledger.rollback(db, imported)
    assert not any(k.startswith("R-") for k in released(db))


@pytest.mark.parametrize("ids, codes, kwargs, message", [
    (["R-1", "NOPE"], ["HTI"], {}, "1 record ids are not in the store: NOPE"),
    (["R-1"], ["HTI", "XXX"], {}, "unknown host State code XXX"),
    (["R-1"], "HT", {}, "unknown host State code HT"),
    (["R-1"], ["HTI"], {"mode": "merge"}, "unknown mode merge"),
    ([], ["HTI"], {}, "no record ids given"),
    (["R-1"], [], {"mode": "add"}, "name at least one host State"),
    (["R-1"], ["HTI"], {"originator": "police"}, "unknown originator: police"),
    (["R-1"], ["HTI"], {"originator": "host_state"}, "the originating State is required"),
    (["R-1"], ["HTI"], {"originator": "unpol", "originator_iso3": "HTI"}, "only a host-State report"),
    (["R-1"], ["HTI"], {"originator_iso3": "HTI"}, "an originating State (HTI) needs the originator host_state"),
    (["R-1"], ["HTI"], {"originator": "host_state", "originator_iso3": "ZZZ"}, "unknown host State code ZZZ"),
])
def test_bad_input_changes_nothing(db, tmp_path, ids, codes, kwargs, message):
    pipeline.run_import(db, write_csv(tmp_path / "en.csv", EN_HEADER, GOOD))
    before = snapshot(db)
    with pytest.raises(ValueError) as caught:
        apply(db, ids, codes, **kwargs)
    assert isinstance(caught.value, ReleaseRefused)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
    assert snapshot(db) == before


def test_parse_ids():
    assert releasability.parse_ids(" R-1\r\nR-2 ,R-1;R 3\t\n") == ["R-1", "R-2", "R 3"]
    assert releasability.parse_ids(["a", " b ", "", "a"]) == ["a", "b"]


# --- The CLI --------------------------------------------------------------------------------------------------

def run_cli(*args, env=None):
    full_env = {**os.environ, "TNT_PROFILE": "analyst", **(env or {})}
    return subprocess.run([sys.executable, "-m", "tnt_dash", *args], capture_output=True, text=True, cwd=ROOT,
                          env=full_env, timeout=300)


def test_cli_release_set(db, tmp_path):
    pipeline.run_import(db, write_csv(tmp_path / "en.csv", EN_HEADER, GOOD))
    before = snapshot(db)
    for args, expected in [
        (("--ids", "R-1,NOPE", "--to", "HTI"), "not in the store: NOPE"),
        (("--ids", "R-1", "--to", "HTI,XXX"), "unknown host State code XXX"),
        (("--ids", "R-1", "--to", "HTI", "--originator", "host_state"), "originating State is required"),
        (("--ids", "R-1", "--to", "", "--mode", "add"), "name at least one host State"),
        (("--ids", "R-1", "--to", "HTI", "--mode", "merge"), "invalid choice"),
    ]:
        done = run_cli("--db", str(db), "release", "set", *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert expected in done.stderr, (args, done.stderr)
        if "invalid choice" not in expected:
            assert done.stderr.strip().count("\n") == 0, done.stderr
    shared = run_cli("--db", str(db), "release", "set", "--ids", "R-1", "--to", "HTI",
                     env={"TNT_PROFILE": "commissioner"})
    assert shared.returncode == 2 and "analyst" in shared.stderr
    assert snapshot(db) == before
    ids = tmp_path / "ids.txt"
    ids.write_text("R-2\nR-3\n", encoding="utf-8")
    done = run_cli("--db", str(db), "release", "set", "--ids", str(ids), "--to", "DOM,CAF", "--mode", "add",
                   "--originator", "host_state", "--originator-iso3", "hti")
    assert done.returncode == 0, done.stderr
    assert "2 records, 2 changed, 0 unchanged" in done.stdout
    assert released(db)["R-2"] == (["CAF", "DOM", "HTI"], "host_state", "HTI")
    assert released(db)["R-3"] == (["CAF", "DOM"], "host_state", "HTI")
    withdrawn = run_cli("--db", str(db), "release", "set", "--ids", "R-1,R-2,R-3", "--to", "")
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert [v[0] for v in released(db).values()] == [[], [], []]


# --- The Data page --------------------------------------------------------------------------------------------

def test_data_page_releases_pasted_records(monkeypatch, demo_db, tmp_path, navigation_declared):
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "page.duckdb"
    shutil.copy(demo_db, path)
    pipeline.run_import(path, write_csv(tmp_path / "en.csv", EN_HEADER, GOOD))
    monkeypatch.setenv("TNT_DB", str(path))
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Release to host States" in [t.label for t in at.tabs]
    at.text_area(key="data_rel_ids").input("R-1\nR-3\nNOPE").run()
    assert any("NOPE" in w.body for w in at.warning)
    assert "**2 of the 3 ids are records in the store.**" in [m.value for m in at.markdown]
    at.text_area(key="data_rel_ids").input("R-1\nR-3").run()
    at.multiselect(key="data_rel_states").select("CAF").run()
    at.radio(key="data_rel_mode").set_value("add").run()
    assert at.button(key="data_rel_apply").disabled      # not before the analyst confirms
    at.checkbox(key="data_rel_sure").check().run()
    at.button(key="data_rel_apply").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("2 records changed" in s.body for s in at.success), \
        ([s.body for s in at.success], [e.body for e in at.error])
    assert released(path)["R-1"][0] == ["CAF", "DOM", "HTI"] and released(path)["R-3"][0] == ["CAF"]
    assert query(path, "SELECT count(*) FROM import_batches WHERE kind = 'release'")[0][0] == 1
    assert not at.checkbox(key="data_rel_sure").value and at.button(key="data_rel_apply").disabled
