"""The CLI, run as a user runs it: a subprocess, TNT_DB and TNT_PROFILE from the environment."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from tnt_dash import access, store
from tnt_dash.filters import Filters
from tnt_dash.queries import market_totals

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, db=None, profile="analyst", check=True):
    env = {**os.environ, "TNT_PROFILE": profile}
    if db:
        env["TNT_DB"] = str(db)
    result = subprocess.run([sys.executable, "-m", "tnt_dash", *map(str, args)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_init_twice_with_same_seed_gives_identical_results(tmp_path):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    for path in (a, b):
        cli("--db", path, "init", "--demo", "--rows", 3000, "--seed", 7, "--end", "2026-11-29")
    sql = """SELECT * EXCLUDE (created_at, updated_at) FROM incidents ORDER BY incident_id"""
    con_a, con_b = store.connect(a, read_only=True), store.connect(b, read_only=True)
    try:
        rows_a, rows_b = con_a.execute(sql).fetchall(), con_b.execute(sql).fetchall()
        assert len(rows_a) > 2500 and rows_a == rows_b
        assert (market_totals(con_a, Filters(), access.ANALYST, "en")
                .equals(market_totals(con_b, Filters(), access.ANALYST, "en")))
    finally:
        con_a.close(), con_b.close()
    again = cli("--db", a, "init", "--demo", check=False)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_info_json(demo_db):
    info = json.loads(cli("info", "--json", db=demo_db).stdout)
    for key in ("incidents", "territories", "weeks", "date_min", "date_max", "schema_version", "profile"):
        assert key in info
    assert info["territories"] >= 6 and info["weeks"] >= 150
    assert info["schema_version"] == store.SCHEMA_VERSION and info["profile"] == "analyst"
    assert info["date_max"] == "2026-11-29"
    shared = json.loads(cli("info", "--json", db=demo_db, profile="shared").stdout)
    assert shared["profile"] == "shared" and shared["visible_to_profile"] < info["visible_to_profile"]


def test_unknown_profile_is_a_clear_error(demo_db):
    result = cli("info", db=demo_db, profile="superuser", check=False)
    assert result.returncode == 2 and "unknown access profile" in result.stderr


def test_export_list_names_views(demo_db):
    out = cli("export", "--list", db=demo_db).stdout
    for view in ("overview", "markets", "areas", "incidents"):
        assert view in out


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "parquet"])
def test_export_formats_carry_marking_and_match_query(demo_db, tmp_path, fmt):
    out = tmp_path / f"markets.{fmt}"
    cli("export", "markets", "--format", fmt, "--out", out, "--country", "HTI", db=demo_db)
    con = store.connect(demo_db, read_only=True)
    try:
        expected = market_totals(con, Filters(countries=("HTI",)), access.ANALYST, "en")
    finally:
        con.close()
    expected_incidents = dict(zip(expected["market_label"], expected["incidents"]))
    if fmt == "csv":
        lines = out.read_text(encoding="utf-8-sig").splitlines()
        assert lines[0].startswith("# STRICTLY CONFIDENTIAL") and lines[-1].startswith("# STRICTLY CONFIDENTIAL")
        assert any("Synthetic demonstration data" in line for line in lines)
        rows = list(csv.reader([l for l in lines if not l.startswith("#")]))
        got = {r[0]: int(r[1]) for r in rows[1:]}
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(out).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert values[0][0].startswith("STRICTLY CONFIDENTIAL")
        header = next(i for i, r in enumerate(values) if r[0] == "Market")
        got = {r[0]: int(r[1]) for r in values[header + 1:] if r[0] and r[1] is not None}
    elif fmt == "json":
        payload = json.loads(out.read_text())
        assert payload["marking"].startswith("STRICTLY CONFIDENTIAL")
        got = {r[0]: r[1] for r in payload["rows"]}
    else:
        table = pq.read_table(out)
        assert table.schema.metadata[b"marking"].decode().startswith("STRICTLY CONFIDENTIAL")
        got = dict(zip(table.column(0).to_pylist(), table.column(1).to_pylist()))
    assert got == expected_incidents


def test_shared_export_has_no_narrative_and_no_restricted_record(demo_db, tmp_path):
    out = tmp_path / "incidents.json"
    cli("export", "incidents", "--format", "json", "--out", out, db=demo_db, profile="shared")
    payload = json.loads(out.read_text())
    assert "RELEASABLE TO HOST STATE" in payload["marking"].upper()
    text = out.read_text()
    assert "SYNTHETIC DEMO RECORD" not in text and "HS-" not in text
    columns = payload["columns"]
    classification = [r[columns.index("Classification")] for r in payload["rows"]]
    tlp = [r[columns.index("TLP")] for r in payload["rows"]]
    assert set(classification) == {"UNCLASSIFIED"} and set(tlp) <= {"TLP:CLEAR", "TLP:GREEN"}
    assert "Narrative" not in columns and "Latitude" not in columns


def test_export_rejects_unknown_view(demo_db, tmp_path):
    result = cli("export", "nope", "--out", tmp_path / "x.csv", db=demo_db, check=False)
    assert result.returncode == 2 and "unknown view" in result.stderr
