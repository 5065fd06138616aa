"""The weekly brief (issue #6): numbers, anomaly flags, exports, protection and the CLI."""
from __future__ import annotations

import io
import re
import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from tnt_dash import access, brief, i18n, presented, queries, seed, store, suppression, views
from tnt_dash.brief import anomalies, changes, definitions, export as brief_export, export_pptx, export_text, weeks
from tnt_dash.brief.tables import tables as brief_tables
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope

from .conftest import first_admin1, insert_incident, SHARED_CAF
from .test_app import APP

ROOT = Path(__file__).resolve().parent.parent
WEEK = date(2026, 11, 16)          # the demo store's last complete week (DEMO_END 2026-11-29)
ALL_STATUSES = Filters(statuses=("validated", "draft", "in_review", "archived"))


@pytest.fixture(scope="module")
def con(demo_db):
    connection = store.connect(demo_db, read_only=True)
    yield connection
    connection.close()


def build(con, profile, lang="en", week=WEEK, filters=Filters(), level="adm1"):
    t = i18n.get(lang)
    pack = brief.weekly_brief(con, Scope(filters, profile, lang, "export"), week, level=level)
    stamp = presented.stamp(con, Scope(filters, profile, t.lang), t.gettext("Weekly brief"), period=t.week(pack.week))
    return pack, stamp, t


@pytest.fixture(scope="module")
def analyst_pack(con):
    pack, stamp, t = build(con, access.ANALYST)
    return pack, stamp, t, {fmt: brief_export.render(fmt, pack, stamp, t) for fmt in ("pptx", "pdf", "xlsx")}


@pytest.fixture(scope="module")
def shared_pack(con):
    pack, stamp, t = build(con, SHARED_CAF, "fr")
    return pack, stamp, t, {fmt: brief_export.render(fmt, pack, stamp, t) for fmt in ("pptx", "pdf", "xlsx")}


# --- Numbers worked out by hand (tests/conftest.py hand_store) ------------------------------------

def test_change_table_by_hand(hand_store):
    pack = brief.weekly_brief(hand_store, Scope(Filters(), access.ANALYST, "en"), WEEK)
    rows = [(r.market, r.week_count, r.mean_4w, None if pd.isna(r.change_4w) else round(r.change_4w, 6))
            for r in pack.changes.itertuples()]
    # I1 arms (this week) against I5 (27 Oct, in the 4 weeks before); I2 mining is new; I4 (HTI) and I6
    # (COD, no admin-1) fell to zero. I3 is a draft. Sorted by this week's count, then the 4-week mean.
    # Every base is under definitions.MIN_BASE (3 a week): no percentage ("+300 %" on 0.25 a week), the counts.
    assert rows == [("arms_trafficking", 1, 0.25, None), ("illicit_mining", 1, 0.0, None),
                    ("kidnapping_for_ransom", 0, 0.25, None), ("ransomware", 0, 0.25, None)]
    arms = pack.changes.iloc[0]
    assert arms["mean_52w"] == pytest.approx(1 / 52) and pd.isna(arms["change_52w"])
    t = i18n.get("en")
    assert changes.change_text(t, None, 1, 0.25) == "1 vs 0.25/wk"
    assert changes.change_text(t, None, 1, 0.0) == "–"
    assert changes.change_text(t, 0.5, 6, 4.0) == "+50%"
    assert i18n.get("fr").gettext("{n} vs {mean}/wk") == "{n} contre {mean}/sem."
    kpis = pack.kpis.set_index("kpi")
    assert kpis.loc["incidents", "value"] == 2 and kpis.loc["victims", "value"] == 7
    assert kpis.loc["fatalities", "value"] == 2 and kpis.loc["seizure_usd", "value"] == 1000
    # Previous week (9-15 Nov) holds only the draft I3: no validated incident.
    assert kpis.loc["incidents", "previous"] == 0 and kpis.loc["incidents", "change_prev"] is None
    # Mean of 19 Oct-15 Nov: I6 (20 Oct), I5 (27 Oct), I4 (3 Nov) -> 0.75 a week: too small a base
    # for a percentage; the summary gives the counts.
    assert kpis.loc["incidents", "baseline_mean"] == 0.75
    assert kpis.loc["incidents", "change_4w"] is None
    assert pack.summary[0].endswith(": 2 incidents, against 0.75 a week in the previous 4 weeks.")


def test_shared_sees_only_releasable_records(hand_store):
    pack = brief.weekly_brief(hand_store, Scope(Filters(), SHARED_CAF, "en", "export"), WEEK)
    assert pack.changes[["market", "week_count", "mean_4w"]].values.tolist() == [["arms_trafficking", 1, 0.25]]
    kpis = pack.kpis.set_index("kpi")
    assert kpis.loc["victims", "value"] == "<5"            # I1's 3 victims, suppressed
    assert kpis.loc["victims", "change_4w"] is None and kpis.loc["victims", "previous"] is None
    assert kpis.loc["incidents", "value"] == 1


def test_protected_notable_incidents_carry_no_victim_counts(tmp_path):
    """The notable list is the week's worst records, often all of its records with victims: a week
    of 10 victims over records of 7 and 3 showed 7 and "<5" beside the total, which gave the 3 away.
    Under suppression the list carries no per-record victim counts; the analyst's keeps them."""
    path = tmp_path / "notable.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf = first_admin1(con, "CAF")
    for n, victims in enumerate((7, 3)):
        insert_incident(con, incident_id=f"N{n}", date_occurred=WEEK + timedelta(days=n + 1), mission="MINUSCA",
                        iso3="CAF", admin1_code=caf, market="human_trafficking", v_male_adult=victims)
    con.close()
    con = store.connect(path, read_only=True)
    try:
        for profile, destination in ((SHARED_CAF, "export"), (SHARED_CAF, "screen"),
                                     (access.GENDER, "export")):
            pack = brief.weekly_brief(con, Scope(Filters(), profile, "en", destination), WEEK)
            assert pack.kpis.set_index("kpi").loc["victims", "value"] == 10
            assert sorted(pack.incidents["incident_id"]) == ["N0", "N1"]
            assert not set(presented.VICTIM_COLUMNS) & set(pack.incidents.columns), (profile.name, destination)
            assert "Victims" not in brief_tables(pack, i18n.get("en"))["Notable incidents"].columns
        # Inside the UN the commissioner, as the analyst, sees each record's victims (issue #30).
        for profile in (access.ANALYST, access.COMMISSIONER):
            for destination in ("screen", "export"):
                pack = brief.weekly_brief(con, Scope(Filters(), profile, "en", destination), WEEK)
                assert sorted(pack.incidents["victims"]) == [3, 7]
                assert sorted(brief_tables(pack, i18n.get("en"))["Notable incidents"]["Victims"]) == [3, 7]
    finally:
        con.close()


def build_ones_db(path: Path, large: tuple[str, ...] = ("human_trafficking", "migrant_smuggling")) -> Path:
    """One week whose arms trafficking victims are one woman, one girl, one boy and one of unknown
    sex and age: four "<5" cells under a "<5" total, which no pattern of hidden cells can protect.
    Each market in `large` has 30 or more victims in every group."""
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf = first_admin1(con, "CAF")
    day = WEEK + timedelta(days=2)
    rows = [*((market, dict(v_female_adult=9 + n, v_male_adult=7, v_female_child=6, v_male_child=5,
                            v_unknown_unknown=8)) for n, market in enumerate(large)),
            ("arms_trafficking", dict(v_female_adult=1, v_female_child=1, v_male_child=1, v_unknown_unknown=1)),
            ("extortion", dict(v_male_adult=2)), ("cattle_rustling", dict(v_female_adult=1, v_male_adult=1))]
    for n, (market, victims) in enumerate(rows):
        insert_incident(con, incident_id=f"O{n}", date_occurred=day, mission="MINUSCA", iso3="CAF",
                        admin1_code=caf, market=market, **victims)
    con.close()
    return path


@pytest.fixture
def ones_db(tmp_path: Path) -> Path:
    return build_ones_db(tmp_path / "ones.duckdb")


@pytest.fixture
def ones_store(ones_db: Path):
    con = store.connect(ones_db, read_only=True)
    yield con
    con.close()


def test_a_market_no_pattern_can_protect_is_grouped_not_the_table_withheld(ones_store):
    pack = brief.weekly_brief(ones_store, Scope(Filters(), SHARED_CAF, "fr", "export"), WEEK)
    t = i18n.get("fr")
    v = pack.victims
    assert not pack.victims_withheld and pack.victims_grouped == 3
    assert v["market"].tolist() == ["migrant_smuggling", "human_trafficking", suppression.OTHER_KEY, None]
    assert v["market_label"].tolist()[2] == "Autres marchés (3)"
    other = v.iloc[2]
    # arms 4 + extortion 2 + cattle rustling 2 victims: 8, shown; women 2, men 3, girls, boys and
    # unknown 1 each, all "<5", and no longer pinned by their total.
    assert other[[*definitions.SEX_AGE, "victims"]].tolist() == ["<5"] * 5 + [8]
    assert not [x for c in (*definitions.SEX_AGE, "victims") for x in v[c] if not isinstance(x, str) and 1 <= x <= 4]
    note = pack.victims_grouped_note(t)
    assert "Autres marchés (3)" in note and "regroupées" in note
    stamp = presented.stamp(ones_store, Scope(Filters(), SHARED_CAF, t.lang), t.gettext("Weekly brief"), period=t.week(WEEK))
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(
        brief_export.render("pdf", pack, stamp, t))).pages)
    assert "Autres marchés (3)" in pdf and "plus petites lignes" in re.sub(r"\s+", " ", pdf)
    # Without grouping, the whole breakdown was withheld (as the analyst's exact table shows, the
    # arms row is the one that cannot be protected).
    exact = brief.weekly_brief(ones_store, Scope(Filters(), access.ANALYST, "en"), WEEK).victims
    assert exact.set_index("market").loc["arms_trafficking", list(definitions.SEX_AGE)].tolist() == [1, 0, 1, 1, 1]


def test_brief_page_says_why_markets_are_grouped(ones_db, monkeypatch):
    import streamlit
    monkeypatch.setenv("TNT_DB", str(ones_db))
    monkeypatch.setenv("TNT_PROFILE", "shared")
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/brief.py").run()
    assert not at.exception, [e.message for e in at.exception]
    tables = [tb.value for tb in at.table]
    victims = next(tb for tb in tables if "Other markets (3)" in tb.to_numpy().ravel().tolist())
    assert not {"1", "2", "3", "4"} & {str(x) for x in victims.to_numpy().ravel()}
    # The projector says it in one short line beside the "<5" legend (the full sentence is on the
    # laptop view, the slides and the PDF).
    assert any("“Other markets (3)”: small rows grouped" in c.value and "“<5”: fewer than 5" in c.value
               for c in at.caption), [c.value for c in at.caption]
    streamlit.cache_resource.clear()


def test_projector_leaves_out_the_note_on_a_grouped_row_it_does_not_show(tmp_path, monkeypatch):
    """Five large markets: the projector's five rows do not reach the grouped one, and a note on it
    would push the brief past one screen."""
    import streamlit
    large = ("human_trafficking", "migrant_smuggling", "kidnapping_for_ransom", "illicit_mining", "cocaine")
    monkeypatch.setenv("TNT_DB", str(build_ones_db(tmp_path / "ones5.duckdb", large)))
    monkeypatch.setenv("TNT_PROFILE", "shared")
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/brief.py").run()
    assert not at.exception, [e.message for e in at.exception]
    shown = [str(x) for tb in at.table for x in tb.value.to_numpy().ravel()]
    assert "Other markets (3)" not in shown
    assert not any("grouped" in c.value for c in at.caption)
    monkeypatch.setenv("TNT_PRESENTATION", "0")
    monkeypatch.setenv("TNT_PROFILE", "commissioner")     # the laptop view, inside the UN: exact counts
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/brief.py").run()
    assert not any("grouped" in c.value for c in at.caption)
    victims = next(df.value for df in at.dataframe if "Girls" in df.value.columns)
    assert "Other markets (3)" not in victims.to_numpy().ravel().tolist() and "<5" not in victims.to_csv()
    streamlit.cache_resource.clear()


def test_country_level(hand_store):
    pack = brief.weekly_brief(hand_store, Scope(Filters(), access.ANALYST, "en"), WEEK, level="country")
    assert set(pack.changes["area"]) == {"CAF", "HTI", "COD"}
    with pytest.raises(ValueError):
        brief.weekly_brief(hand_store, Scope(Filters(), access.ANALYST, "en"), WEEK, level="adm1; DROP TABLE incidents")


# --- The demo store ---------------------------------------------------------------------------------

def test_kpis_agree_with_query_layer(con):
    pack = brief.weekly_brief(con, Scope(Filters(), access.ANALYST, "en"), WEEK)
    expected = queries.week_vs_baseline(con, Filters(), access.ANALYST, WEEK).set_index("kpi")
    got = pack.kpis.set_index("kpi")
    for name in queries.KPI_NAMES:
        assert got.loc[name, "value"] == expected.loc[name, "value"]
        assert got.loc[name, "baseline_mean"] == pytest.approx(expected.loc[name, "baseline_mean"])
    assert pack.weekly["incidents"].iloc[-1] == expected.loc["incidents", "value"]
    assert 3 <= len(pack.summary) <= 6
    assert len(pack.incidents) <= 5 and len(pack.priorities) == 5
    assert pd.to_datetime(pack.incidents["date_occurred"]).between(pd.Timestamp(WEEK), pd.Timestamp(WEEK + timedelta(days=6))).all()
    assert pack.hotspots["incidents"].sum() <= expected.loc["incidents", "value"]


def planted(con) -> list[dict]:
    return json.loads(store.get_meta(con)["planted_spikes"])


@pytest.mark.parametrize("week", [WEEK, date(2026, 10, 12)])
def test_planted_spikes_are_flagged(con, week):
    spikes = {(s["admin1_code"], s["market"]) for s in planted(con) if s["week"] == week.isoformat()}
    assert spikes, "the demo store plants spikes in this week"
    pack = brief.weekly_brief(con, Scope(Filters(), access.ANALYST, "en"), week)
    flagged = set(zip(pack.anomalies["admin1_code"], pack.anomalies["market"]))
    assert spikes <= flagged
    assert len(flagged) <= len(spikes) + 1
    for row in pack.anomalies.itertuples():
        assert row.q < definitions.ANOMALY_ALPHA and row.p <= row.q and row.observed >= 3
        assert row.sentence.startswith(f"{row.market_label} in {row.area_label}: {row.observed} incidents")
        assert "(p " in row.sentence
    if week == WEEK:
        arms = pack.anomalies.set_index("market").loc["arms_trafficking"]
        assert arms["sentence"] == (f"Arms trafficking in Haut-Mbomou: {arms['observed']} incidents against about "
                                    f"{arms['expected']:.1f} expected from the previous 12 weeks (p < 0.001, Poisson).")


def test_quiet_weeks_stay_quiet(con):
    spike_weeks = {s["week"] for s in planted(con)}
    counts = []
    for k in range(1, 25):
        week = WEEK - timedelta(weeks=k)
        if week.isoformat() in spike_weeks:
            continue
        flags, tested = anomalies.scan(anomalies.anomaly_series(con, Filters(), access.ANALYST, week))
        assert tested > 100
        counts.append(len(flags))
    assert sum(1 for n in counts if n <= 2) >= 0.9 * len(counts), counts
    assert max(counts) <= 4, counts


def test_flat_and_noisy_series_do_not_flag():
    flat = {(f"A{n}", "m"): [5] * 13 for n in range(300)}
    assert anomalies.scan(flat) == ([], 300)
    rng = np.random.default_rng(1)
    noisy = {(f"A{n}", "m"): rng.poisson(rng.uniform(0.2, 6), 13).tolist() for n in range(400)}
    flags, tested = anomalies.scan(noisy)
    assert tested == 400 and len(flags) <= 2
    empty = {("A", "m"): [0] * 12 + [2]}    # two incidents in a cell that never had any: not a flag
    assert anomalies.scan(empty)[0] == []
    new = {("A", "m"): [0] * 12 + [9], **flat}   # nine where there were none: flagged
    flags, _ = anomalies.scan(new)
    assert [key for key, _res in flags] == [("A", "m")] and flags[0][1].model == "sparse"


def test_summary_says_nothing_unsupported(con, shared_pack):
    pack = shared_pack[0]
    text = " ".join(pack.summary).lower()
    assert "fille" not in text and "girl" not in text        # suppressed profile: no sex-age clause
    for value in pack.victims[list(definitions.SEX_AGE)].to_numpy().ravel():
        assert isinstance(value, str) or value == 0 or value >= 5
    kpis = pack.kpis.set_index("kpi")
    for name in presented.VICTIM_COLUMNS:
        value = kpis.loc[name, "value"]
        assert isinstance(value, str) or value == 0 or value >= 5
    quiet = brief.weekly_brief(con, Scope(Filters(markets=("cocaine",)), access.ANALYST, "en"), WEEK)
    assert 3 <= len(quiet.summary) <= 6


def test_summary_beside_priorities_drops_only_the_priority_sentence(shared_pack):
    pack, t = shared_pack[0], shared_pack[2]      # French
    beside = pack.summary_beside_priorities(t)
    assert pack.summary[-1].startswith("Priorité la plus élevée")
    assert beside == pack.summary[:-1]


# --- Exports read back ---------------------------------------------------------------------------------

def _charts(prs) -> dict:
    return {shape.name: shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart}


def _table_rows(prs, first_cell: str) -> list[list[str]]:
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table and shape.table.cell(0, 0).text == first_cell:
                return [[cell.text for cell in row.cells] for row in shape.table.rows]
    raise AssertionError(f"no table headed {first_cell!r}")


@pytest.mark.parametrize("which", ["analyst_pack", "shared_pack"])
def test_pptx_numbers_and_marking(which, request):
    pack, stamp, t, files = request.getfixturevalue(which)
    prs = Presentation(io.BytesIO(files["pptx"]))
    assert 6 <= len(prs.slides) <= 10
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    notice = t.gettext("Synthetic demonstration data – not real incidents")
    for slide in prs.slides:
        boxes = {shape.name: shape.text_frame.text for shape in slide.shapes if shape.has_text_frame}
        assert boxes["marking-header"] == stamp.marking
        assert stamp.marking in boxes["marking-footer"] and notice in boxes["marking-footer"]
        for shape in slide.shapes:    # large type: nothing in a body box or table under 14 pt
            if shape.has_text_frame:
                for para in shape.text_frame.paragraphs:
                    assert para.font.size is None or para.font.size.pt >= 12
    charts = _charts(prs)
    weekly = charts["chart-weekly"]
    assert list(weekly.plots[0].categories) == [weeks.iso_week(w) for w in pack.weekly["week"]]
    assert list(weekly.plots[0].series[0].values) == [float(v) for v in pack.weekly["incidents"]]
    hot = pack.hotspots.head(10)
    assert list(charts["chart-hotspots"].plots[0].series[0].values) == [float(v) for v in hot["incidents"]][::-1]
    victims = charts["chart-victims"].plots[0]
    top = pack.victims[pack.victims["market"].notna()].head(export_pptx.SLIDE_ROWS).iloc[::-1]
    assert list(victims.categories) == top["market_label"].tolist()
    for series, column in zip(victims.series, definitions.SEX_AGE):
        assert series.name == t.gettext(definitions.SEX_AGE_LABELS[column])
        assert list(series.values) == [None if isinstance(v, str) else float(v) for v in top[column]]
    rows = _table_rows(prs, t.gettext("Indicator"))
    assert rows == export_text.kpi_rows(pack, t)
    value = {r.kpi: r.value for r in pack.kpis.itertuples()}["incidents"]
    assert rows[1][1] == t.number(value)
    changes = _table_rows(prs, t.gettext("Admin-1 area"))
    assert [int(r[2].replace("\u202f", "").replace(",", "")) for r in changes[1:]] == \
        pack.changes["week_count"].head(export_pptx.CHANGE_ROWS).tolist()


@pytest.mark.parametrize("which", ["analyst_pack", "shared_pack"])
def test_pdf_numbers_and_marking(which, request):
    pack, stamp, t, files = request.getfixturevalue(which)
    reader = PdfReader(io.BytesIO(files["pdf"]))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height     # landscape
    assert round(float(reader.pages[0].mediabox.width)) == 842                   # A4

    def norm(text: str) -> str:
        return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())

    pages = [norm(page.extract_text()) for page in reader.pages]
    notice = t.gettext("Synthetic demonstration data – not real incidents")
    for text in pages:
        assert text.count(norm(stamp.marking)) >= 2, text[:200]       # header and footer
        assert norm(notice) in text
    everything = " ".join(pages)
    for row in export_text.kpi_rows(pack, t)[1:]:
        assert norm(" ".join(row)) in everything, row
    for line in pack.summary:
        assert norm(line) in everything
    for row in pack.anomalies.itertuples():
        assert norm(row.sentence) in everything


@pytest.mark.parametrize("which", ["analyst_pack", "shared_pack"])
def test_xlsx_has_every_table(which, request):
    pack, stamp, t, files = request.getfixturevalue(which)
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    tables = brief_tables(pack, t)
    assert book.sheetnames == list(tables)
    for name, frame in tables.items():
        sheet = book[name]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert rows[0][0] == stamp.marking and sheet.oddHeader.center.text == stamp.marking
        header = next(n for n, r in enumerate(rows) if list(r[:len(frame.columns)]) == list(frame.columns))
        body = [r[:len(frame.columns)] for r in rows[header + 1: header + 1 + len(frame)]]
        expected = [[None if v is None or (isinstance(v, float) and np.isnan(v)) else
                     (v.isoformat() if hasattr(v, "isoformat") else
                      pytest.approx(v, rel=1e-12) if isinstance(v, float) else v) for v in row]
                    for row in frame.itertuples(index=False)]
        assert body == expected, name
    key = book[t.gettext("Key figures")]
    values = {r[0]: r[1] for r in key.iter_rows(values_only=True) if r and r[0]}
    for row in pack.kpis.itertuples():
        assert values[t.gettext(views.KPI_LABELS[row.kpi])] == (row.value if isinstance(row.value, str)
                                                               else pytest.approx(row.value))


def test_tables_by_name_are_the_same_tables(analyst_pack):
    """The page builds only the tables it shows; they equal those of the full set, and an unknown
    name is an error rather than a silently missing table."""
    pack, _stamp, t, _files = analyst_pack
    every = brief_tables(pack, t)
    some = brief_tables(pack, t, names=("Notable incidents", "Changes"))
    assert list(some) == [t.gettext("Changes"), t.gettext("Notable incidents")]     # export order kept
    for name, frame in some.items():
        pd.testing.assert_frame_equal(frame, every[name])
    with pytest.raises(ValueError, match="Change"):
        brief_tables(pack, t, names=("Change",))
    # The screen's change table is the top of the full one; the others are whole.
    assert len(every[t.gettext("Changes")]) > 3
    top = brief_tables(pack, t, names=("Changes", "Notable incidents"), change_rows=3)
    pd.testing.assert_frame_equal(top[t.gettext("Changes")], every[t.gettext("Changes")].head(3))
    pd.testing.assert_frame_equal(top[t.gettext("Notable incidents")], every[t.gettext("Notable incidents")])


# --- Protection ----------------------------------------------------------------------------------------

def _all_text(files: dict) -> str:
    parts = []
    for fmt in ("pptx", "xlsx"):
        with zipfile.ZipFile(io.BytesIO(files[fmt])) as z:
            parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    parts += [page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"])).pages]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_shared_pack_has_no_restricted_record(canary_db, demo_db, lang):   # canary_db: tests/conftest.py
    outputs = {}
    for label, path in (("with", canary_db), ("without", demo_db)):
        c = store.connect(path, read_only=True)
        try:
            pack, stamp, t = build(c, SHARED_CAF, lang, filters=ALL_STATUSES)
            files = {fmt: brief_export.render(fmt, pack, stamp, t) for fmt in ("pptx", "pdf", "xlsx")}
            text = _all_text(files)
            assert "CANARY" not in text
            assert "Haut-Mbomou" in text or lang == "fr"
            outputs[label] = pack
            if label == "with":   # the analyst does see them: the test is not vacuous
                seen = brief.weekly_brief(c, Scope(ALL_STATUSES, access.ANALYST, lang, "export"), WEEK)
                assert seen.incidents["narrative"].str.contains("CANARY").any()
        finally:
            c.close()
    for field in ("kpis", "changes", "anomalies", "priorities", "victims", "hotspots", "incidents"):
        assert getattr(outputs["with"], field).equals(getattr(outputs["without"], field)), field
    assert outputs["with"].summary == outputs["without"].summary


# --- CLI --------------------------------------------------------------------------------------------

def cli(*args, db, profile):
    env = {**os.environ, "TNT_PROFILE": profile, "TNT_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "tnt_dash", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_brief_matches_weekly_brief(demo_db, con, tmp_path):
    out = tmp_path / "brief.xlsx"
    result = cli("brief", "--week", "2026-W47", "--format", "xlsx", "--out", out, "--profile", "commissioner",
                 "--mission", "MONUSCO", db=demo_db, profile="analyst")
    assert result.returncode == 0, result.stderr
    # The CLI opens on the mission's area of operations, as the page does: for MONUSCO, Ituri and
    # North Kivu, fewer records than the whole DR Congo.
    mission = "MONUSCO"
    pack, _stamp, t = build(con, access.COMMISSIONER, filters=Filters(missions=(mission,), operations_area=True))
    assert pack.kpis.set_index("kpi").loc["incidents", "value"] < \
        build(con, access.COMMISSIONER, filters=Filters(missions=(mission,)))[0].kpis.set_index("kpi").loc[
            "incidents", "value"]
    book = openpyxl.load_workbook(out)
    key = {r[0]: r[1] for r in book[t.gettext("Key figures")].iter_rows(values_only=True) if r and r[0]}
    for row in pack.kpis.itertuples():
        label = t.gettext(views.KPI_LABELS[row.kpi])
        assert key[label] == (row.value if isinstance(row.value, str) else pytest.approx(row.value))
    assert book[t.gettext("Key figures")]["A1"].value == presented.marking_text(t, access.COMMISSIONER)
    for fmt in ("pptx", "pdf"):
        result = cli("--lang", "fr", "brief", "--week", "2026-W47", "--format", fmt, "--out", tmp_path / f"b.{fmt}",
                     db=demo_db, profile="shared")
        assert result.returncode == 0, result.stderr
        assert (tmp_path / f"b.{fmt}").stat().st_size > 10_000


@pytest.mark.parametrize("requested", ["analyst", "commissioner", "gender"])
def test_cli_profile_cannot_be_raised(demo_db, tmp_path, requested):
    out = tmp_path / "brief.pptx"
    result = cli("brief", "--format", "pptx", "--out", out, "--profile", requested, db=demo_db, profile="shared")
    assert result.returncode == 2
    assert "can only lower" in result.stderr and not out.exists()


# --- The page ------------------------------------------------------------------------------------------

def test_page_kpis_match_brief(demo_db, tmp_path, monkeypatch):
    # A copy: this module holds a read-only connection to demo_db, and the app opens its store read-write.
    demo_env = tmp_path / "page.duckdb"
    shutil.copy(demo_db, demo_env)
    monkeypatch.setenv("TNT_DB", str(demo_env))
    monkeypatch.setenv("TNT_PROFILE", "commissioner")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/brief.py").run()
    assert not at.exception, [e.message for e in at.exception]
    c = store.connect(demo_env, read_only=True)
    try:
        week = queries.last_complete_week(c, access.COMMISSIONER)
        from tnt_dash.brief import mission as missions    # the page opens on one mission (docs/brief.md, Mission)
        mission = missions.default(c, Filters(operations_area=True), access.COMMISSIONER, week)
        pack = brief.weekly_brief(c, Scope(Filters(missions=(mission,), operations_area=True), access.COMMISSIONER, "en"), week)
    finally:
        c.close()
    t = i18n.get("en")
    assert at.toggle(key="ao").value is True     # the brief opens on the areas of operations
    metrics = {m.label: m.value for m in at.metric}
    kpis = pack.kpis.set_index("kpi")
    assert metrics["Incidents"] == t.number(kpis.loc["incidents", "value"])
    victims = kpis.loc["victims", "value"]
    assert metrics["Victims"] == (victims if isinstance(victims, str) else t.number(victims))
    assert len(at.get("download_button")) == 3
    text = "\n".join(str(e.value) for e in at.markdown)
    for line in pack.summary:
        assert line in text
    # The change grid: whole percentages (as its format shows them), never a negative zero, which
    # printf writes "-0%"; the numbers are the brief's, rounded.
    grid = next(d.value for d in at.dataframe if "Signal" in d.value.columns)
    shown = brief_tables(pack, t, names=("Changes",))["Changes"].head(len(grid))
    for column in ("% change vs 4-week mean", "% change vs 52-week mean"):
        values = grid[column].to_numpy(dtype=float)
        known = ~np.isnan(values)
        assert (values[known] == np.round(values[known])).all()
        assert not np.signbit(values[known][values[known] == 0]).any()
        expected = np.round(shown[column].to_numpy(dtype=float)) + 0.0
        np.testing.assert_array_equal(values, expected)


def test_french_cli_brief_has_no_english_ui_string(demo_db, tmp_path):
    """Issue #3: the brief produced by the CLI in French carries no string from the English catalogue."""
    from babel.messages.pofile import read_po

    from tnt_dash.config import LOCALE_DIR

    from .test_i18n import _catalogue_probes

    with open(LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.po", "rb") as f:
        fr_messages = {m.id: m for m in read_po(f, locale="fr") if m.id}
    probes = _catalogue_probes(fr_messages)
    texts = {}
    for fmt in ("pptx", "pdf"):
        out = tmp_path / f"brief_fr.{fmt}"
        result = cli("--lang", "fr", "brief", "--week", "2026-W47", "--format", fmt, "--out", out,
                     db=demo_db, profile="commissioner")
        assert result.returncode == 0, result.stderr
        if fmt == "pptx":
            prs = Presentation(out)
            texts[fmt] = "\n".join(shape.text_frame.text for slide in prs.slides for shape in slide.shapes
                                   if shape.has_text_frame)
        else:
            texts[fmt] = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Note d'information hebdomadaire" in texts["pptx"] or "hebdomadaire" in texts["pptx"]
    found = {}
    for fragment, msgid in probes.items():
        pattern = re.compile(r"(?<!\w)" + re.escape(fragment) + r"(?!\w)")
        for fmt, text in texts.items():
            if pattern.search(text):
                found[msgid] = fmt
    assert not found, f"English UI strings in the French brief: {found}"


def _scan_series_by_series(series: dict, alpha: float = definitions.ANOMALY_ALPHA, min_observed: int = 3):
    """The scan as it was before it ran on arrays: one stats.poisson_anomaly (or sparse_anomaly) per
    series. The oracle for the array version."""
    from dataclasses import replace
    from tnt_dash import stats
    tested = []
    for key, counts in series.items():
        res = stats.poisson_anomaly(counts, baseline_weeks=definitions.ANOMALY_BASELINE, alpha=alpha,
                                    min_observed=min_observed)
        if res is None:
            res = anomalies.sparse_anomaly(counts, definitions.ANOMALY_BASELINE, min_observed)
        if res is not None:
            tested.append((key, res))
    qs = stats.benjamini_hochberg([res.p_value for _, res in tested])
    flags = [(key, replace(res, q_value=q, flagged=True)) for (key, res), q in zip(tested, qs)
             if q < alpha and res.observed >= min_observed]
    flags.sort(key=lambda item: (item[1].p_value, item[0]))
    return flags, len(tested)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(0, 8), st.integers(0, 40), st.integers(11, 15)), min_size=0, max_size=60),
       st.integers(0, 2**31 - 1))
def test_array_scan_flags_exactly_what_the_series_by_series_scan_flags(shapes, seed):
    # Quiet, bursty, empty and spiking series, some shorter than a baseline; spikes make flags.
    rng = np.random.default_rng(seed)
    series = {}
    for n, (rate, spike, length) in enumerate(shapes):
        counts = rng.poisson(rate, length).tolist()
        if rng.random() < 0.3 and counts:
            counts[-1] += spike
        series[(f"area-{n}", "market")] = counts
    got, want = anomalies.scan(series), _scan_series_by_series(series)
    assert got[1] == want[1]
    assert [key for key, _ in got[0]] == [key for key, _ in want[0]]
    for (_, a), (_, b) in zip(got[0], want[0]):
        assert (a.observed, a.model, a.flagged) == (b.observed, b.model, b.flagged)
        assert a.expected == pytest.approx(b.expected, rel=1e-12)
        assert a.ratio == pytest.approx(b.ratio, rel=1e-12)
        assert a.p_value == pytest.approx(b.p_value, rel=1e-9, abs=1e-300)
        assert a.q_value == pytest.approx(b.q_value, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("profile", [access.ANALYST, SHARED_CAF], ids=lambda p: p.name)
def test_parts_run_two_at_a_time_and_give_what_they_give_in_turn(con, monkeypatch, profile):
    """weekly_brief runs its independent parts in threads (config.parallel_parts); the brief must
    be the same as with one part at a time."""
    briefs = []
    for parts in ("1", "2"):
        monkeypatch.setenv("TNT_PARALLEL_PARTS", parts)
        briefs.append(brief.weekly_brief(con, Scope(Filters(), profile, "fr"), WEEK))
    one, two = briefs
    t = i18n.get("fr")
    for (name, a), (_, b) in zip(brief_tables(one, t).items(), brief_tables(two, t).items()):
        pd.testing.assert_frame_equal(a, b, obj=name)
    assert (one.summary, one.appendix, one.anomaly_tests) == (two.summary, two.appendix, two.anomaly_tests)
    monkeypatch.setenv("TNT_PARALLEL_PARTS", "0")
    with pytest.raises(ValueError, match="TNT_PARALLEL_PARTS"):
        brief.weekly_brief(con, Scope(Filters(), profile, "fr"), WEEK)


def test_the_appendix_reads_period_and_missions_only_and_is_the_briefs_own(con):
    """The page caches brief.appendix apart from the brief (a market change keeps it): it must read
    only the fields it declares, and say what the brief's exports say."""
    full = Filters(markets=("cocaine",), countries=("CAF",), min_reliability="B", missions=("MINUSCA",))
    kept = full.keep(brief.appendix.filter_fields)
    assert kept.markets == () and kept.missions == ("MINUSCA",)
    for profile in (access.ANALYST, SHARED_CAF):
        lines = brief.appendix(con, Scope(full, profile, "fr"), WEEK)
        assert lines == brief.appendix(con, Scope(kept, profile, "fr"), WEEK)
        assert brief.weekly_brief(con, Scope(full, profile, "fr", "export"), WEEK).appendix == lines
        assert brief.weekly_brief(con, Scope(full, profile, "fr"), WEEK, with_appendix=False).appendix == []


def test_change_signal_marks_changes_of_half_or_more_either_way():
    assert [changes.change_signal(v) for v in (50.0, 49.9, -50.0, -49.9, 467.0, 0.0, None, float("nan"))] == \
        ["up", None, "down", None, "up", None, None, None]


def test_the_brief_package_imports_downward_only():
    """What computes the brief never imports the export registry, the file writers or the command
    line, which sit above it; only the export modules write files, and nothing that computes the
    brief imports them."""
    from .test_architecture import graph
    edges = graph()
    package = {m for m in edges if m == "tnt_dash.brief" or m.startswith("tnt_dash.brief.")}
    exporting = {m for m in package if m.startswith("tnt_dash.brief.export")}
    computing = package - exporting
    assert len(computing) > 10 and "tnt_dash.brief.export" in exporting
    registry_and_cli = {"tnt_dash.views"} | {m for m in edges if m.startswith("tnt_dash.cli")}
    above = registry_and_cli | {"tnt_dash.exports"} | exporting
    assert {name: edges[name] & above for name in computing if edges[name] & above} == {}
    assert {name: edges[name] & registry_and_cli for name in exporting if edges[name] & registry_and_cli} == {}
