"""Imports that hold up against real files: the shapes real exports take (HXL with overlapping
columns and split dates, year-only dates, ACLED rows outside the crime markets, UNODC portal
exports of any indicator, empty files), each on a small fixture written here, and a wrong store or
an unreadable file answered with one line, exit 2 and an unchanged store."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tnt_dash import seed, store
from tnt_dash.importers import pipeline
from tnt_dash.scope import Scope

from .conftest import run_cli

pytestmark = pytest.mark.unit


@pytest.fixture
def db(tmp_path) -> Path:
    return seed.build(tmp_path / "store.duckdb", demo_rows=None)


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    con = store.connect(db, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def balanced(report) -> bool:
    return report.rows_read == (report.inserted + report.updated + report.unchanged + report.quarantined
                                + report.out_of_scope)


# An aid-worker security file as HDX publishes them: one person appears in several columns.
HXL_OVERLAPPING = """\
Id,Date,Country,Province,Market,Nat killed,Intl killed,Total killed,Nat wounded,Total wounded,Nat kidnapped,Total kidnapped,Nationals,Internationals,Total affected
#meta +id,#date +occurred,#country +code,#adm1 +name,#crime,#affected +killed +national,#affected +killed +i,#affected +killed +total,#affected +injured +national,#affected +injured +total,#affected +kidnapped +national,#affected +kidnapped +total,#affected +national,#affected +i,#affected +total
AW-1,2026-11-11,CAF,Ouham,kidnapping_for_ransom,2,1,3,1,1,0,0,3,1,4
AW-2,2026-11-12,CAF,Ouham,kidnapping_for_ransom,2,1,,1,,2,,3,2,
AW-3,2026-11-13,CAF,Ouham,kidnapping_for_ransom,0,0,0,0,0,2,2,,,
"""


def test_hxl_overlapping_columns_are_not_added(db, tmp_path):
    path = tmp_path / "awsd.csv"
    path.write_text(HXL_OVERLAPPING, encoding="utf-8")
    report = pipeline.run_import(db, path)
    assert (report.inserted, report.quarantined) == (3, 0) and balanced(report)
    got = {r[0]: r[1:] for r in rows(db, """SELECT incident_id, v_female_child + v_female_adult + v_female_unknown
        + v_male_child + v_male_adult + v_male_unknown + v_unknown_child + v_unknown_adult + v_unknown_unknown,
        fatalities FROM incidents""")}
    # AW-1: the totals, 4 affected and 3 killed (the old sum made 14 victims and 6 fatalities).
    # AW-2: no totals: the largest breakdown column, a lower bound (3 affected, 2 killed).
    # AW-3: no people affected given: the kidnapped are the victims.
    assert got == {"AW-1": (4, 3), "AW-2": (3, 2), "AW-3": (2, 0)}
    notes = {w["field"]: w["reason"] for w in report.warnings}
    assert "not counted as victims" in notes["#affected +injured +national"]
    assert "not counted as victims" in notes["#affected +injured +total"]
    assert "not added" in notes["#affected +i +killed"] and "not added" in notes["#affected +national"]


def test_hxl_split_dates_are_combined(db, tmp_path):
    path = tmp_path / "split.csv"
    path.write_text("#meta +id,#date +year,#date +month,#date +day,#country +code,#crime,#affected\n"
                    "S-1,2026,11,12,CAF,arms_trafficking,1\n"
                    "S-2,2026,10,,CAF,arms_trafficking,1\n"
                    "S-3,1997,,,CAF,arms_trafficking,1\n", encoding="utf-8")
    report = pipeline.run_import(db, path)
    got = dict((r[0], (r[1].isoformat(), r[2])) for r in rows(
        db, "SELECT incident_id, date_occurred, date_precision FROM incidents"))
    assert got == {"S-1": ("2026-11-12", 1), "S-2": ("2026-10-01", 3)}
    assert report.quarantined == 1 and "a year alone is not a date" in report.errors[0]["reason"]


def test_a_year_alone_is_never_a_day(db, tmp_path):
    """"1997" used to be read as an Excel serial day: 1905-06-19."""
    path = tmp_path / "native.csv"
    head = "incident_id,date_occurred,iso3,market,source_reliability,info_credibility,classification,tlp,status\n"
    tail = ",CAF,arms_trafficking,B,2,UNCLASSIFIED,TLP:GREEN,validated\n"
    path.write_text(head + "Y-1,1997" + tail + "Y-2,45972" + tail, encoding="utf-8")
    report = pipeline.run_import(db, path)
    assert report.quarantined == 1 and "a year alone is not a date: 1997" in report.errors[0]["reason"]
    assert rows(db, "SELECT incident_id, date_occurred::VARCHAR FROM incidents") == [("Y-2", "2025-11-11")]


def _acled(tmp_path, rows_: list[dict]) -> Path:
    from .test_gazetteer import _acled_rows
    return _acled_rows(tmp_path, rows_)


def test_acled_rows_outside_the_crime_markets_are_out_of_scope(db, tmp_path):
    drc = {"iso": "180", "country": "Democratic Republic of Congo", "admin1": "Ituri"}
    path = _acled(tmp_path, [
        {**drc, "event_id_cnty": "A1", "event_type": "Battles", "sub_event_type": "Armed clash"},
        {**drc, "event_id_cnty": "A2", "event_type": "Battles", "sub_event_type": "Armed clash"},
        {**drc, "event_id_cnty": "A3", "event_type": "Protests", "sub_event_type": "Peaceful protest"},
        {**drc, "event_id_cnty": "A4", "event_type": "Violence against civilians",
         "sub_event_type": "Abduction/forced disappearance", "inter1": "Political militia"},
        # A detention by the State is not kidnapping for ransom.
        {**drc, "event_id_cnty": "A5", "event_type": "Violence against civilians",
         "sub_event_type": "Abduction/forced disappearance", "inter1": "1"},
        {**drc, "event_id_cnty": "A6", "event_type": "Violence against civilians", "event_date": "not a date",
         "sub_event_type": "Abduction/forced disappearance", "inter1": "3"},
    ])
    report = pipeline.run_import(db, path)
    assert (report.rows_read, report.inserted, report.quarantined, report.out_of_scope) == (6, 1, 1, 4)
    assert balanced(report)
    assert report.out_of_scope_by == {"Battles / Armed clash": 2, "Protests / Peaceful protest": 1,
                                      "Violence against civilians / Abduction/forced disappearance by State forces": 1}
    assert rows(db, "SELECT incident_id, market FROM incidents") == [("ACLED-A4", "kidnapping_for_ransom")]
    # The quarantine holds only the row an analyst can fix; the batch's audit keeps the out-of-scope count.
    assert rows(db, "SELECT count(*) FROM quarantine")[0][0] == 1
    env = {**os.environ, "TNT_DB": str(db), "TNT_PROFILE": "analyst"}
    again = run_cli("import", str(path), "--json", "--dry-run", env=env)
    payload = json.loads(again.stdout)
    assert payload["out_of_scope"] == 4 and payload["out_of_scope_by"]["Battles / Armed clash"] == 2


def _workbook(path: Path, header: list[str], rows_: list[list], banner: bool = True) -> Path:
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    if banner:
        sheet.append(["UNODC"])
        sheet.append(["14/04/2025"])
    sheet.append(header)
    for row in rows_:
        sheet.append(row)
    book.save(path)
    return path


CTS_HEADER = ["Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex", "Age",
              "Year", "Unit of measurement", "VALUE", "Source"]


def test_a_unodc_cts_export_imports_by_its_shape(db, tmp_path):
    """Crime and criminal justice (CTS) and firearms (IAFQ) exports have VALUE where GLOTIP has txtVALUE."""
    def row(iso3, name, indicator, value, unit="Counts", year=2022):
        return [iso3, name, "Africa", "Middle Africa", indicator, "Total", "Total", "Total", "Total", year, unit,
                value, "CTS"]
    path = _workbook(tmp_path / "cts.xlsx", CTS_HEADER, [
        row("CAF", "Central African Republic", "Persons convicted", 12),
        row("CAF", "Central African Republic", "Persons prosecuted", "<5"),
        # A questionnaire code in the value cell: more people than the country has.
        row("CAF", "Central African Republic", "Persons convicted", 61102019, year=2021),
        row("CAF", "Central African Republic", "Prison occupancy", 350.5, unit="Percentage"),
        row("CAF", "Central African Republic", "Persons held unsentenced", 535.9, unit="Percentage"),
        row("GBR_E&W", "United Kingdom (England and Wales)", "Persons convicted", 4100),
    ])
    report = pipeline.run_import(db, path)
    assert report.format == "unodc" and balanced(report)
    assert (report.rows_read, report.inserted, report.quarantined) == (6, 2, 4)
    reasons = sorted(e["reason"] for e in report.errors)
    assert "a count larger than the country's population" in reasons[0] and "61,102,019" in reasons[0]
    assert sum("a percentage over 100" in r for r in reasons) == 2
    assert any("England and Wales" in r and "not a national series" in r and "aggregate" not in r for r in reasons)
    assert rows(db, "SELECT source, indicator, value, value_text, censored FROM national_series ORDER BY indicator") == [
        ("UNODC CTS", "Persons convicted", 12.0, "12", False), ("UNODC CTS", "Persons prosecuted", None, "<5", True)]


SDG_HEADER = ["goal", "target", "indicator", "series", "region", "subregion", "intermregion", "geo", "iso3_code", "year",
              "sex", "age", "drug", "crime", "dim_comp1", "value", "lower_bound", "upper_bound", "obs_status", "note",
              "source", "time_period"]


def test_unodc_sdg_duplicates_keep_the_published_value_and_estimates_keep_their_bounds(db, tmp_path):
    def row(value, status="", low="", high=""):
        return ["Goal 16", "16.1", "16.1.1", "Victims of intentional homicide per 100,000 population", "Africa",
                "Middle Africa", "All", "Central African Republic", "CAF", "2022", "Total", "Total", "Not applicable",
                "Not applicable", "No breakdown", value, low, high, status, "", "CTS", ""]
    path = _workbook(tmp_path / "sdg.xlsx", SDG_HEADER, [row(14.2, "Estimated value", 9.8, 19.1), row(12.5)])
    report = pipeline.run_import(db, path)
    assert (report.rows_read, report.inserted, report.unchanged, report.quarantined) == (2, 1, 1, 0) and balanced(report)
    kept = [w["reason"] for w in report.warnings if "row 5 kept" in w["reason"]]
    assert kept and "published value is preferred to an estimate" in kept[0]
    assert rows(db, "SELECT value, nature, lower_bound FROM national_series") == [(12.5, None, None)]
    # Alone, an estimate is kept with its bounds and its nature.
    path = _workbook(tmp_path / "sdg2.xlsx", SDG_HEADER, [row(14.2, "Estimated value", 9.8, 19.1)])
    pipeline.run_import(db, path)
    assert rows(db, "SELECT value, nature, lower_bound, upper_bound FROM national_series") == [
        (14.2, "Estimated value", 9.8, 19.1)]


def test_utf16_csv_is_read(db, tmp_path):
    """Excel's "Unicode text" export is UTF-16 with a byte-order mark, not binary."""
    path = tmp_path / "utf16.csv"
    path.write_text(HXL_OVERLAPPING, encoding="utf-16")
    report = pipeline.run_import(db, path)
    assert (report.format, report.inserted) == ("hxl", 3)


def test_a_file_with_a_header_and_no_rows_is_refused(db, tmp_path):
    from tnt_dash.importers import FileUnreadable
    from .test_import import snapshot
    lines = (Path(__file__).resolve().parent / "fixtures" / "import" / "acled_sample.csv").read_text().splitlines()
    for name, text in (("acled_empty.csv", lines[0] + "\n"), ("hxl_empty.csv", HXL_OVERLAPPING.splitlines()[0] + "\n"
                                                                                 + HXL_OVERLAPPING.splitlines()[1] + "\n")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        before = snapshot(db)
        with pytest.raises(FileUnreadable) as caught:
            pipeline.run_import(db, path)
        assert "no data rows" in caught.value.message(__import__("tnt_dash.i18n", fromlist=["get"]).get("en"))
        assert snapshot(db) == before


def test_an_unknown_format_is_named_as_such(db, tmp_path):
    """A UCDP export is not a native template with missing columns."""
    from tnt_dash.importers import FileUnreadable
    path = tmp_path / "ucdp.csv"
    path.write_text("id,relid,year,active_year,type_of_violence,conflict_new_id,dyad_new_id,side_a,side_b,best\n"
                    "1,ABC,2023,1,1,333,444,Government of X,Group Y,3\n", encoding="utf-8")
    with pytest.raises(FileUnreadable) as caught:
        pipeline.run_import(db, path)
    message = caught.value.message(__import__("tnt_dash.i18n", fromlist=["get"]).get("en"))
    assert message.startswith("The file's format was not recognised") and "ACLED" in message and "UNODC" in message


def test_a_real_country_missing_from_the_reference_is_not_called_a_bad_code(db, tmp_path):
    path = tmp_path / "native.csv"
    path.write_text("incident_id,date_occurred,iso3,market,source_reliability,info_credibility,classification,tlp,status\n"
                    "N-1,2026-11-10,BRA,arms_trafficking,B,2,UNCLASSIFIED,TLP:GREEN,validated\n"
                    "N-2,2026-11-10,QQQ,arms_trafficking,B,2,UNCLASSIFIED,TLP:GREEN,validated\n", encoding="utf-8")
    report = pipeline.run_import(db, path)
    reasons = [e["reason"] for e in report.errors]
    assert "country BRA (Brazil) is not in the store's reference list" in reasons[0]
    assert "tnt_dash/reference/countries.csv" in reasons[0]
    assert reasons[1] == "unknown country code (ISO 3166 alpha-3 expected): QQQ"


def test_a_wrong_store_or_a_busy_one_gets_one_line_and_exit_2(db, tmp_path):
    import duckdb
    from .test_import import snapshot
    sample = Path(__file__).resolve().parent / "fixtures" / "import" / "hxl_sample.csv"
    env = {**os.environ, "TNT_PROFILE": "analyst"}
    # A mistyped path: no store is created there.
    missing = tmp_path / "tnt.duckbd"
    result = run_cli("--db", str(missing), "import", str(sample), env=env)
    assert result.returncode == 2 and not missing.exists()
    assert result.stderr.count("\n") == 1 and "no store at" in result.stderr
    with pytest.raises(store.StoreError):
        pipeline.run_import(missing, sample)
    assert not missing.exists()
    # Held by another writer: one line, exit 2, the store unchanged.
    before = snapshot(db)
    holder = duckdb.connect(str(db))
    try:
        result = run_cli("--db", str(db), "import", str(sample), env=env)
    finally:
        holder.close()
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "The store is busy" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(db) == before


def test_exports_stamp_only_what_is_synthetic_and_dates_as_days(tmp_path):
    from tnt_dash import access, exports, i18n, presented
    from tnt_dash.filters import Filters
    from datetime import date
    db = seed.build(tmp_path / "demo.duckdb", demo_rows=2000, seed=7, end=date(2026, 6, 28))
    t = i18n.get("en")
    con = store.connect(db, read_only=True)
    try:
        assert "Synthetic demonstration data – not real incidents" in presented.stamp(con, Scope(Filters(), access.ANALYST, t.lang), "x").lines
    finally:
        con.close()
    path = tmp_path / "real.csv"
    path.write_text(HXL_OVERLAPPING, encoding="utf-8")
    pipeline.run_import(db, path)
    con = store.connect(db, read_only=True)
    try:
        mixed = presented.stamp(con, Scope(Filters(statuses=()), access.ANALYST, t.lang), "x").lines
        real_only = presented.stamp(con, Scope(Filters(date_from=date(2026, 11, 1), statuses=()), access.ANALYST, t.lang), "x").lines
        frame = __import__("pandas").DataFrame({"Date": __import__("pandas").to_datetime(["2026-03-25"])})
        csv_text = exports.to_bytes(frame, "csv", presented.stamp(con, Scope(Filters(), access.ANALYST, t.lang), "x")).decode("utf-8-sig")
    finally:
        con.close()
    assert any(line.startswith("Mixed data:") and "3 imported records" in line for line in mixed)
    assert not any("ynthetic" in line for line in real_only)
    assert "\n2026-03-25\n" in csv_text and "00:00:00" not in csv_text
