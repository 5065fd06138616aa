"""Capacity building: import validation, parity arithmetic, spending, assessments, the demo data,
the export view and the missing-table case.

Expected figures are worked out by hand from tests/fixtures/activities/good.csv:

 unit          activities  participants f/m/u   speakers f/m/u   share women (part. / speakers)
 network-wide  A1, A4      6+4 / 9+4 / 1+0      2+1 / 2+1 / 0    10/23          / 3/6 = 50 %
 MINUSCA       A2, A3      3+10 / 12+5 / 2+0    0+2 / 3+0 / 1    13/30          / 2/5
 BINUH         A5          0 / 0 / 3            0 / 0 / 0        none (no known sex): not flagged
 UNMISS        A6          5 / 5 / 0            1 / 1 / 0        5/10 = 50 % / 1/2: at target, not flagged
 all           6           28 / 35 / 6          6 / 7 / 1        28/63          / 6/13
"""
from __future__ import annotations

import csv
import inspect
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tnt_dash import access, cli, i18n, seed, store, views
from tnt_dash.capacity import figures, queries, screen, tables
from tnt_dash.capacity.activities import import_file
from tnt_dash.capacity.schema import tables_present
from tnt_dash.capacity.settings import ConfigError, load_budget, load_criteria
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope
from .conftest import SHARED_CAF

FIXTURES = Path(__file__).parent / "fixtures" / "activities"


@pytest.fixture
def empty_store(tmp_path):
    path = tmp_path / "cap.duckdb"
    seed.build(path, demo_rows=None)
    return path


@pytest.fixture
def loaded(empty_store):
    con = store.connect(empty_store)
    result = import_file(con, FIXTURES / "good.csv")
    assert result.ok and result.inserted == 6
    yield con
    con.close()


def test_parity_arithmetic(loaded):
    table = tables.parity(loaded, Scope(Filters(), access.ANALYST, "en")).set_index("mission")
    assert list(table.index) == ["__network__", "BINUH", "MINUSCA", "UNMISS", "__total__"]
    net = table.loc["__network__"]
    assert (net["participants_female"], net["participants_male"], net["participants_unknown"]) == (10, 13, 1)
    assert net["share_participants"] == pytest.approx(10 / 23)
    assert net["share_speakers"] == pytest.approx(0.5)
    assert net["unit_label"] == "Network-wide" and net["below_target"]
    minusca = table.loc["MINUSCA"]
    assert minusca["share_participants"] == pytest.approx(13 / 30)
    assert minusca["share_speakers"] == pytest.approx(2 / 5)
    assert minusca["speakers_unknown"] == 1 and minusca["below_target"]
    binuh = table.loc["BINUH"]
    assert pd.isna(binuh["share_participants"]) and pd.isna(binuh["share_speakers"])
    assert binuh["participants_unknown"] == 3 and not binuh["below_target"]
    unmiss = table.loc["UNMISS"]
    assert unmiss["share_participants"] == pytest.approx(0.5) and not unmiss["below_target"]
    total = table.loc["__total__"]
    assert (total["participants_female"], total["participants_male"], total["participants_unknown"]) == (28, 35, 6)
    assert total["share_participants"] == pytest.approx(28 / 63)
    assert total["share_speakers"] == pytest.approx(6 / 13)


def test_parity_respects_filters(loaded):
    table = tables.parity(loaded, Scope(Filters(missions=("MINUSCA",), date_from=date(2026, 9, 1)), access.ANALYST, "en"))
    assert table["mission"].tolist() == ["MINUSCA", "__total__"]
    assert table.iloc[-1]["share_participants"] == pytest.approx(10 / 15)   # A3 only


def test_parity_summary_for_the_brief(loaded):
    summary = tables.parity_summary(loaded, Scope(Filters(), SHARED_CAF, "en"))
    assert summary["activities"] == 6
    assert summary["share_participants"] == pytest.approx(28 / 63)
    assert summary["unknown_participants"] == 6
    assert summary["below_target"] == ["Network-wide", "MINUSCA"]
    assert "44%" in summary["sentence"] and "46%" in summary["sentence"]
    french = tables.parity_summary(loaded, Scope(Filters(), SHARED_CAF, "fr"))
    assert "44\u00a0%" in french["sentence"] or "44\u202f%" in french["sentence"]


def test_spending_and_counts(loaded):
    spent = tables.spending(loaded, Scope(Filters(), access.ANALYST, "en")).set_index("code")
    # good.csv's cost columns: A1 travel_workshop 1000 + conference_services 500, A2 travel_missions 2000,
    # A3 travel_missions 750 (the budget lines of the project document, tnt_dash/reference/budget.csv).
    assert spent.loc["travel_workshop", "spent_usd"] == 1000 and spent.loc["conference_services", "spent_usd"] == 500
    assert spent.loc["travel_missions", "spent_usd"] == 2750 and spent.loc["programme_support", "spent_usd"] == 0
    budget = load_budget().set_index("code")["amount_usd"]
    assert spent.loc["travel_missions", "share_spent"] == pytest.approx(2750 / budget["travel_missions"])
    # Budgets are UN-internal: nothing on the host-State screen.
    assert tables.spending(loaded, Scope(Filters(), SHARED_CAF, "en")).empty
    assert queries.totals(loaded, Filters(), access.ANALYST) == {"activities": 6, "participants": 69, "missions": 3}
    months = tables.monthly_counts(loaded, Scope(Filters(), access.ANALYST, "en"))
    assert months["activities"].sum() == 6
    assert len(months[months["month"].astype(str).str.startswith("2026-06")]) == 1   # A1 (A5 is in May)


def test_counts_by_mission_are_keyed_by_codes(loaded):
    """Columns are codes, in the order of their labels; headers are translated only where it is shown."""
    table = tables.counts_by_mission(loaded, Scope(Filters(), access.ANALYST, "en"))
    assert list(table.columns) == ["mission", "workshop", "training_crime", "training_pki", "video_call",
                                   "spt_deployment", "total"]
    assert table["mission"].tolist() == ["MINUSCA", "__network__", "BINUH", "UNMISS"]
    assert table["total"].tolist() == [2, 2, 1, 1] and table["training_crime"].tolist() == [1, 0, 0, 1]
    fr = i18n.get("fr")
    shown = screen.mission_table(tables.counts_by_mission(loaded, Scope(Filters(), access.ANALYST, "fr")), fr).shown()
    assert shown.columns[0] == fr.gettext("Mission") and shown.columns[-1] == fr.gettext("Total")
    assert fr.gettext("Network-wide") in shown.iloc[:, 0].tolist()

def test_import_reports_every_bad_row_and_writes_nothing(loaded):
    result = import_file(loaded, FIXTURES / "bad.csv")
    assert not result.ok and result.inserted == 0
    found = {(e.row, e.field) for e in result.errors}
    assert found == {(3, "activity_type"), (4, "date_start"), (5, "participants_female"), (6, "mission"),
                     (7, "partners"), (8, "cost_travel_workshop"), (9, "activity_id"), (10, "row")}
    reasons = {e.row: e.reason for e in result.errors}
    assert "webinar" not in reasons[3] and "unknown activity type" in reasons[3]
    assert "NATO" in reasons[7] and "duplicate of row 2" in reasons[9] and "before" in reasons[10]
    # The valid row B1 was not written either: all or nothing.
    assert loaded.execute("SELECT count(*) FROM activities WHERE activity_id = 'B1'").fetchone()[0] == 0
    assert loaded.execute("SELECT count(*) FROM activities").fetchone()[0] == 6


def test_unknown_budget_line_and_bad_extension(loaded, tmp_path):
    path = tmp_path / "fuel.csv"
    path.write_text("activity_id,activity_type,title,date_start,cost_fuel\nF1,workshop,W,2026-01-05,10\n")
    result = import_file(loaded, path)
    assert [(e.row, e.field) for e in result.errors] == [(2, "cost_fuel")]
    with pytest.raises(ValueError, match=".txt"):
        import_file(loaded, tmp_path / "activities.txt")


def test_xlsx_import_and_reimport_replaces(loaded, tmp_path):
    rows = list(csv.reader((FIXTURES / "good.csv").open(encoding="utf-8")))
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.active["D2"] = date(2026, 6, 3)     # a real date cell, as Excel saves it
    path = tmp_path / "good.xlsx"
    book.save(path)
    result = import_file(loaded, path)
    assert result.ok and (result.inserted, result.updated) == (0, 6)
    assert loaded.execute("SELECT date_start FROM activities WHERE activity_id = 'A1'").fetchone()[0] == date(2026, 6, 3)
    assert loaded.execute("SELECT count(*) FROM activity_costs").fetchone()[0] == 4   # A1 travel + conference services, A2, A3


def test_cli_import_and_export(empty_store, tmp_path, capsys, monkeypatch):
    assert cli.main(["--db", str(empty_store), "activities", "import", str(FIXTURES / "bad.csv")]) == 1
    err = capsys.readouterr().err
    assert "row 6, mission: unknown mission 'UNKNOWNMISSION'" in err and "nothing was imported" in err
    assert cli.main(["--db", str(empty_store), "activities", "import", str(FIXTURES / "good.csv")]) == 0
    monkeypatch.setenv("TNT_PROFILE", "shared")
    out = tmp_path / "act.csv"
    assert cli.main(["--db", str(empty_store), "export", "activities", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "Releasable to host State" in text and "Participants, women" in text
    assert "Cost (USD)" not in text        # costs are UN-internal
    assert "A2,Training on criminality" not in text and "In-mission training on criminality" in text


def test_store_without_the_tables_reads_as_empty(tmp_path):
    path = tmp_path / "old.duckdb"
    seed.build(path, demo_rows=None)     # build() adds the tables only with demo data
    con = store.connect(path, read_only=True)
    try:
        assert not tables_present(con)
        assert tables.parity(con, Scope(Filters(), access.ANALYST, "en")).empty
        assert tables.parity_summary(con, Scope(Filters(), access.ANALYST, "en"))["activities"] == 0
        assert tables.spending(con, Scope(Filters(), access.ANALYST, "en")).empty
        assert tables.counts_by_mission(con, Scope(Filters(), access.ANALYST, "en")).empty
        view = views.build("activities", con, Scope(Filters(), access.ANALYST, "en", "export"))
        assert view.frame.empty
    finally:
        con.close()


def test_assessments_scorecard_and_trend(loaded):
    loaded.executemany("INSERT INTO assessments VALUES (?, ?, ?, ?, ?, FALSE)", [
        ["S1", "MINUSCA", date(2026, 2, 1), "pki_mandate", 1.0], ["S1", "MINUSCA", date(2026, 2, 1), "pki_cycle", 2.0],
        ["S2", "MINUSCA", date(2026, 8, 1), "pki_mandate", 3.0], ["S2", "MINUSCA", date(2026, 8, 1), "pki_cycle", 4.0],
        ["S2", "MINUSCA", date(2026, 8, 1), "retired_criterion", 4.0]])
    scores = tables.assessment_scores(loaded, Scope(Filters(), access.ANALYST, "en"))
    assert "retired_criterion" not in set(scores["criterion"])     # only criteria still configured
    trend = tables.assessment_trend(scores)
    assert trend["pct"].tolist() == [pytest.approx(3 / 8 * 100), pytest.approx(7 / 8 * 100)]
    card = tables.scorecard(scores).set_index("criterion_label")
    assert card["MINUSCA"].tolist() == [75.0, 100.0]             # the latest assessment only
    assert tables.assessment_scores(loaded, Scope(Filters(), SHARED_CAF, "en")).empty


def test_criteria_config_errors(tmp_path):
    path = tmp_path / "criteria.csv"
    path.write_text("code,area,label_en,label_fr,max_score\nx,finance,X,X,4\n")
    with pytest.raises(ConfigError, match="area must be one of"):
        load_criteria(path)
    path.write_text("code,area,label_en,label_fr,max_score\nx,pki,X,X,four\n")
    with pytest.raises(ConfigError, match="max_score must be a number"):
        load_criteria(path)


def test_demo_generator_is_deterministic_and_synthetic(tmp_path):
    counts = []
    for n in range(2):
        path = tmp_path / f"demo{n}.duckdb"
        seed.build(path, demo_rows=500, seed=3, end=date(2026, 11, 29))
        con = store.connect(path, read_only=True)
        try:
            counts.append(con.execute("SELECT count(*), sum(participants_female), bool_and(synthetic), "
                                      "min(date_start), max(date_start) FROM activities").fetchone())
            assert con.execute("SELECT count(*) FROM assessments").fetchone()[0] > 0
        finally:
            con.close()
    assert counts[0] == counts[1]
    n, _women, synthetic, first, last = counts[0]
    # The project document's implementation period, January-December 2024 (capacity.definitions.IMPLEMENTATION).
    assert n > 40 and synthetic and first >= date(2024, 1, 1) and last <= date(2024, 12, 31)


def test_figures_show_the_target_and_blank_empty_months(loaded):
    table = tables.parity(loaded, Scope(Filters(), access.ANALYST, "en"))
    fig = figures.parity_figure(table, i18n.get("fr"), "2026")
    assert fig.layout.shapes[0].x0 == 50 and fig.layout.separators == ", "
    assert list(fig.data[0].y) == ["UNMISS", "MINUSCA", "BINUH", "Network-wide"]     # labels come from the frame
    assert list(fig.data[0].x)[1] == pytest.approx(100 * 13 / 30) and list(fig.data[0].x)[2] is None
    months = tables.monthly_counts(loaded, Scope(Filters(), access.ANALYST, "en"))
    cal = figures.calendar_figure(months, i18n.get("en"), "2026")
    cells = [c for row in cal.data[0].text for c in row]
    assert cells.count("") == len(cells) - 6 and sorted(c for c in cells if c) == ["1"] * 6


MARKED = [tables.monthly_counts, tables.counts_by_mission, tables.parity, tables.parity_summary,
          tables.assessment_scores, tables.spending, queries.monthly_counts, queries.mission_type_counts,
          queries.parity, queries.assessment_scores, queries.spending, queries.totals, queries.focal_points,
          queries.activity_rows]


def run(query, con, filters, profile):
    """A table above the SQL layer takes one Scope; the SQL layer takes the filters and the profile."""
    if "scope" in inspect.signature(query).parameters:
        return query(con, Scope(filters, profile, "en"))
    return query(con, filters, profile)


@pytest.mark.parametrize("query", MARKED, ids=lambda q: f"{q.__module__.rsplit('.', 1)[-1]}.{q.__name__}")
def test_marked_queries_read_only_the_fields_they_declare(loaded, query):
    """The page cache keys these on filter_fields alone; any other field must change nothing."""
    assert set(query.filter_fields) == set(queries.SCOPE_FIELDS)
    full = Filters(missions=("MINUSCA",), date_from=date(2026, 9, 1), markets=("human_trafficking",),
                   countries=("CAF",), min_reliability="B", min_credibility=2, statuses=("validated", "draft"),
                   cyber=("none",))
    kept = full.keep(query.filter_fields)
    assert kept.markets == () and kept.missions == ("MINUSCA",) and kept.date_from == date(2026, 9, 1)
    for profile in (access.ANALYST, SHARED_CAF):
        with_all, with_kept = run(query, loaded, full, profile), run(query, loaded, kept, profile)
        if isinstance(with_all, pd.DataFrame):
            pd.testing.assert_frame_equal(with_all, with_kept)
        else:
            assert with_all == with_kept


def test_reads_only_rejects_a_field_filters_does_not_have():
    from tnt_dash.filters import reads_only
    with pytest.raises(ValueError, match="not a filter field: market"):
        reads_only("date_from", "market")


def test_page_cache_does_not_rerun_an_activities_query_for_a_market(empty_store, monkeypatch):
    from tnt_dash.filters import reads_only
    from tnt_dash.ui import cache, frame

    seen = []

    @reads_only(*queries.SCOPE_FIELDS)
    def counted(con, scope):
        seen.append(scope.filters)
        return queries.totals(con, scope.filters, scope.profile)

    monkeypatch.setattr(queries, "counted_for_test", counted, raising=False)
    counted.__module__, counted.__qualname__ = queries.__name__, "counted_for_test"
    con = store.connect(empty_store)
    import_file(con, FIXTURES / "good.csv")
    con.close()
    cache._cached_calls.clear()
    ctx = frame.PageContext(con=None, filters=Filters(), profile=access.ANALYST, t=i18n.get("en"), status={},
                            meta={}, store_version=f"{empty_store}|test", identity=None)
    for market in ("human_trafficking", "cocaine"):
        ctx.call(counted, Scope(Filters(markets=(market,), missions=("MINUSCA",)), access.ANALYST, "en"))
    ctx.call(counted, Scope(Filters(markets=("cocaine",), missions=("UNMISS",)), access.ANALYST, "en"))
    assert [f.missions for f in seen] == [("MINUSCA",), ("UNMISS",)]
    assert all(f.markets == () for f in seen)
    cache.root_connection.clear()


def test_page_cache_treats_a_default_argument_like_an_omitted_one(empty_store, monkeypatch):
    from tnt_dash.ui import cache, frame

    seen = []

    def query(con, filters, lang, focus=None):
        seen.append(focus)
        return len(seen)

    monkeypatch.setattr(queries, "query_for_test", query, raising=False)
    query.__module__, query.__qualname__ = queries.__name__, "query_for_test"
    cache._cached_calls.clear()
    ctx = frame.PageContext(con=None, filters=Filters(), profile=access.ANALYST, t=i18n.get("en"), status={},
                            meta={}, store_version=f"{empty_store}|test", identity=None)
    assert ctx.call(query, Filters(), "en") == ctx.call(query, Filters(), "en", None) == \
        ctx.call(query, Filters(), "en", focus=None) == 1
    assert ctx.call(query, Filters(), "en", "area:X") == 2
    assert seen == [None, "area:X"]
    cache.root_connection.clear()


def test_demo_activities_follow_the_project_document(demo_con):
    """The seed-7 demo store's capacity data hold the project document's own facts."""
    budget = load_budget().set_index("code")["amount_usd"]
    assert budget.sum() == 163_850
    kinds = dict(demo_con.execute("SELECT activity_type, count(*) FROM activities GROUP BY 1").fetchall())
    assert {"remote_pki_support", "online_workshop", "gender_consultation", "handover", "workshop"} <= set(kinds)
    assert kinds["workshop"] == 1
    first, last = demo_con.execute("SELECT min(date_start), max(date_start) FROM activities").fetchone()
    assert (first, last) >= (date(2024, 1, 1), date(2024, 1, 1)) and last <= date(2024, 12, 31)
    partners = {p for (p,) in demo_con.execute("SELECT DISTINCT unnest(partners) FROM activities").fetchall()}
    assert {"GFP", "INTERPOL", "PCC"} <= partners
    assert demo_con.execute("""SELECT count(*) FROM activities WHERE activity_type IN ('training_pki', 'remote_pki_support')
                               AND list_contains(partners, 'HOST_STATE')""").fetchone()[0] == 0
    people = demo_con.execute("""SELECT participants_female + participants_male + participants_unknown, outputs
                                 FROM activities WHERE activity_type = 'workshop'""").fetchone()
    focal_points = int(people[1].split(" focal points")[0])
    assert 15 <= focal_points <= 20 and people[0] > focal_points
    # Specialized Police Teams are supplied by Member States: no cost to the project.
    assert demo_con.execute("""SELECT count(*) FROM activity_costs c JOIN activities a USING (activity_id)
                               WHERE a.activity_type = 'spt_deployment'""").fetchone()[0] == 0
    spent = tables.spending(demo_con, Scope(Filters(), access.ANALYST, "en")).set_index("code")
    assert (spent["spent_usd"] <= spent["budget_usd"]).all() and spent["spent_usd"].sum() > 0.8 * 163_850
    assert spent.loc["programme_support", "spent_usd"] == pytest.approx(
        0.13 * spent.drop("programme_support")["spent_usd"].sum(), abs=200)
    # The roster answers the turnover risk: rotation dates, and a handover with the pack before each one.
    roster = queries.focal_points(demo_con, Filters(), access.ANALYST)
    assert len(roster) > 18 and (roster["rotation_due"] > roster["start_date"]).all()
    rotations = demo_con.execute("""SELECT count(*) FROM focal_points WHERE handover_pack
                                    AND rotation_due BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'""").fetchone()[0]
    assert rotations == kinds["handover"] > 0
    assert queries.focal_points(demo_con, Filters(), SHARED_CAF).empty


def test_an_empty_period_offers_the_project_period(demo_env, monkeypatch):
    """The demo's activities fall in the project's 2024 implementation period, outside the default
    last twelve months: the page says so and one click sets the sidebar's period to it."""
    from streamlit.testing.v1 import AppTest

    from tnt_dash.capacity.definitions import IMPLEMENTATION
    from .test_app import APP
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/capacity.py").run()
    assert not at.exception
    assert "No activities in this period and selection." in [i.value for i in at.info]
    assert {m.label: m.value for m in at.metric}["Activities"] == "0"
    at.button(key="capacity_project_period").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.sidebar.date_input(key="period").value == IMPLEMENTATION
    activities = int({m.label: m.value for m in at.metric}["Activities"].replace(",", ""))
    assert activities > 0
    assert "No activities in this period and selection." not in [i.value for i in at.info]
    assert not [b for b in at.button if b.key == "capacity_project_period"]     # nothing left to offer
