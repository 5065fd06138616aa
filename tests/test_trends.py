"""Regional trends: aggregates on a hand-made store, rate arithmetic, trend wording, drill-down."""
from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hst

from tnt_dash import access, i18n, seed, stats, store, views
from tnt_dash.trends import dimensions, labels, periods, seasonality, splits, summary, tables
from tnt_dash.trends import drill as drills
from tnt_dash.trends import figures as tf
from tnt_dash.trends import rates as per_100k
from tnt_dash.trends import series as trend_series
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope

from .conftest import first_admin1, insert_incident

# The trend store. Every count below is placed by hand; the expected figures in the tests
# are worked out from this table. Records fall on the Wednesday of each week.
#
#  8 weeks in view: Mondays 2026-09-07 … 2026-10-26 (FILTERS: 2026-09-07 to 2026-11-01)
#  market            country  admin-1     per week k = 0..7          grades
#  arms_trafficking  CAF      first CAF   k + 1  (1..8, total 36)    B2 in even weeks (16 strong); A3 and C1 in
#                                                                     week 1; D4 in weeks 3, 5, 7
#  cocaine           HTI      first HTI   2 (total 16)               B2 in even weeks, E5 in odd (8 strong)
#     + 1 TLP:RED cocaine in week 3 (analyst sees 17, shared 16)      B2 (strong: analyst 9 strong)
#  online_fraud      HTI      none        7 - k (7..0, total 28)     A1 (all strong)
#  ransomware        CAF      first CAF   3 in week 0                F6 (none strong)
#  A year earlier (window 2025-09-08 to 2025-11-02):
#    arms_trafficking CAF: 1 on 2025-09-08, 10 on 2025-09-10 (previous = 11)
#    cocaine HTI: 4 on 2025-11-02 (inside), 5 on 2025-11-03 (outside: previous = 4)
FIRST = date(2026, 9, 7)
FILTERS = Filters(date_from=FIRST, date_to=date(2026, 11, 1))
CAF_POP, HTI_POP = 5_331_000, 11_770_000
EN = i18n.get("en")


def wednesday(week: int) -> date:
    return FIRST + timedelta(weeks=week, days=2)


@pytest.fixture(scope="module")
def trend_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("trends") / "trends.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf, hti = first_admin1(con, "CAF"), first_admin1(con, "HTI")
    n = 0

    def add(day, market, iso3, admin1, reliability="B", credibility=2, **extra):
        nonlocal n
        n += 1
        mission = {"CAF": "MINUSCA", "HTI": "BINUH"}[iso3]
        insert_incident(con, incident_id=f"T{n}", date_occurred=day, mission=mission, iso3=iso3, admin1_code=admin1,
                        market=market, source_reliability=reliability, info_credibility=credibility, **extra)

    for week in range(8):
        for i in range(week + 1):
            if week % 2 == 0:
                grade = ("B", 2)
            elif week == 1:
                grade = (("A", 3), ("C", 1))[i]
            else:
                grade = ("D", 4)
            add(wednesday(week), "arms_trafficking", "CAF", caf, *grade)
        for _ in range(2):
            add(wednesday(week), "cocaine", "HTI", hti, *(("B", 2) if week % 2 == 0 else ("E", 5)))
        for _ in range(7 - week):
            add(wednesday(week), "online_fraud", "HTI", None, "A", 1)
    add(wednesday(3), "cocaine", "HTI", hti, tlp="TLP:RED")
    for _ in range(3):
        add(wednesday(0), "ransomware", "CAF", caf, "F", 6)
    add(date(2025, 9, 8), "arms_trafficking", "CAF", caf)
    for _ in range(10):
        add(date(2025, 9, 10), "arms_trafficking", "CAF", caf)
    for _ in range(4):
        add(date(2025, 11, 2), "cocaine", "HTI", hti)
    for _ in range(5):
        add(date(2025, 11, 3), "cocaine", "HTI", hti)
    con.close()
    return path


@pytest.fixture
def con(trend_store):
    c = store.connect(trend_store, read_only=True)
    yield c
    c.close()


def by_key(frame, column):
    return dict(zip(frame["key"], frame[column]))


# --- Periods ------------------------------------------------------------------------------------

def test_complete_periods_drop_partial_weeks_and_months():
    # 2025-11-30 is a Sunday and 2026-11-29 a Sunday: the first whole week starts on 1 Dec.
    assert periods.complete_periods(date(2025, 11, 30), date(2026, 11, 29), "week") == (date(2025, 12, 1),
                                                                                       date(2026, 11, 23))
    # November 2026 is not over on the 29th; December 2025 is the first whole month.
    assert periods.complete_periods(date(2025, 11, 30), date(2026, 11, 29), "month") == (date(2025, 12, 1),
                                                                                        date(2026, 10, 1))
    assert periods.complete_periods(date(2026, 3, 1), date(2026, 3, 31), "month") == (date(2026, 3, 1),
                                                                                    date(2026, 3, 1))
    assert periods.complete_periods(date(2026, 11, 24), date(2026, 11, 29), "week") is None
    assert periods.previous_year(date(2026, 9, 7), "week") == date(2025, 9, 8)
    assert periods.previous_year(date(2026, 1, 1), "month") == date(2025, 1, 1)
    with pytest.raises(ValueError, match="time grain"):
        periods.complete_periods(date(2026, 1, 1), date(2026, 2, 1), "day")


# --- Series, year-on-year, confidence, trend ------------------------------------------------------

def test_weekly_series_by_market_match_the_hand_table(con):
    data = trend_series.trends(con, Scope(FILTERS, access.ANALYST, EN.lang), "market", "week")
    assert (data.first, data.last, data.end) == (FIRST, date(2026, 10, 26), date(2026, 11, 1))
    series = {k: g["incidents"].tolist() for k, g in data.series.groupby("key")}
    assert series == {
        "arms_trafficking": [1, 2, 3, 4, 5, 6, 7, 8],
        "cocaine": [2, 2, 2, 3, 2, 2, 2, 2],
        "online_fraud": [7, 6, 5, 4, 3, 2, 1, 0],
        "ransomware": [3, 0, 0, 0, 0, 0, 0, 0],
    }
    s = data.summary
    assert s["key"].tolist() == ["arms_trafficking", "online_fraud", "cocaine", "ransomware"]   # largest first
    assert by_key(s, "incidents") == {"arms_trafficking": 36, "online_fraud": 28, "cocaine": 17, "ransomware": 3}
    assert data.previous_complete
    assert by_key(s, "previous") == {"arms_trafficking": 11, "online_fraud": 0, "cocaine": 4, "ransomware": 0}
    change = by_key(s, "change")
    assert change["arms_trafficking"] == pytest.approx((36 - 11) / 11)
    assert change["cocaine"] == pytest.approx((17 - 4) / 4)
    assert pd.isna(change["online_fraud"]) and pd.isna(change["ransomware"])   # nothing a year earlier
    share = by_key(s, "graded_share")
    assert share["arms_trafficking"] == pytest.approx(16 / 36)   # A3 and C1 are not A–B *and* 1–2
    assert share["cocaine"] == pytest.approx(9 / 17)
    assert share["online_fraud"] == 1.0 and share["ransomware"] == 0.0
    assert by_key(s, "trend") == {"arms_trafficking": "rising, significant at 95 %",
                                  "online_fraud": "falling, significant at 95 %",
                                  "cocaine": "no clear trend", "ransomware": "no clear trend"}


def test_moving_average_and_total(con):
    data = trend_series.trends(con, Scope(FILTERS, access.ANALYST, EN.lang), "market", "week")
    arms = data.series[data.series["key"] == "arms_trafficking"]["moving_average"].tolist()
    assert all(math.isnan(v) for v in arms[:3])
    assert arms[3:] == pytest.approx([2.5, 3.5, 4.5, 5.5, 6.5])     # trailing 4-week means of 1..8
    # Week totals: 1+2+7+3, 2+2+6, 3+2+5, 4+3+4, 5+2+3, 6+2+2, 7+2+1, 8+2+0
    assert data.total["incidents"].tolist() == [13, 10, 10, 11, 10, 10, 10, 10]
    assert data.total["moving_average"].tolist()[3:] == pytest.approx([11.0, 10.25, 10.25, 10.25, 10.0])


def test_shared_profile_drops_the_restricted_record_and_withholds_small_grade_shares(con):
    # Haiti's screen: its cocaine records but the TLP:RED one; none of the Central African Republic's.
    s = trend_series.trends(con, Scope(FILTERS, access.get_profile("shared", "HTI"), EN.lang), "market", "week").summary
    assert by_key(s, "incidents")["cocaine"] == 16
    assert by_key(s, "graded_share")["cocaine"] == pytest.approx(0.5)
    assert set(by_key(s, "incidents")) == {"cocaine", "online_fraud"}
    # The Central African Republic's: 3 ransomware records, and a share would give away their grades
    # to a profile without detailed grades.
    s = trend_series.trends(con, Scope(FILTERS, access.get_profile("shared", "CAF"), EN.lang), "market", "week").summary
    assert pd.isna(by_key(s, "graded_share")["ransomware"])


def test_top_series_fold_the_rest_into_all_others(con):
    data = trend_series.trends(con, Scope(FILTERS, access.ANALYST, EN.lang), "market", "week", top=2)
    s = data.summary
    assert s["key"].tolist() == ["arms_trafficking", "online_fraud", dimensions.OTHERS]
    others = data.series[data.series["key"] == dimensions.OTHERS]["incidents"].tolist()
    assert others == [5, 2, 2, 3, 2, 2, 2, 2]                  # cocaine + ransomware
    assert by_key(s, "previous")[dimensions.OTHERS] == 4
    assert by_key(s, "label")[dimensions.OTHERS] == "All others"


def test_admin1_keeps_unplaced_records_as_not_recorded(con):
    data = trend_series.trends(con, Scope(FILTERS, access.ANALYST, EN.lang), "admin1", "week")
    totals = by_key(data.summary, "incidents")
    caf, hti = first_admin1(con, "CAF"), first_admin1(con, "HTI")
    assert totals == {caf: 39, dimensions.NOT_RECORDED: 28, hti: 17}
    assert by_key(data.summary, "label")[dimensions.NOT_RECORDED] == "Not recorded"


def test_monthly_grain_uses_whole_months_only(con):
    data = trend_series.trends(con, Scope(FILTERS, access.ANALYST, EN.lang), "family", "month")
    assert (data.first, data.last) == (date(2026, 10, 1), date(2026, 10, 1))
    # October holds weeks 4–7 (Wednesdays 7, 14, 21, 28 Oct).
    assert by_key(data.summary, "incidents") == {"arms": 26, "cyber_financial": 6, "drugs": 8}
    assert set(by_key(data.summary, "trend").values()) == {"too few points"}


def test_splits_by_cyber_link_and_family(con):
    end = date(2026, 11, 1)
    cyber = splits.split_totals(con, Scope(FILTERS, access.ANALYST, EN.lang), "cyber", FIRST, end)
    assert by_key(cyber, "incidents") == {"cyber-dependent": 3, "cyber-enabled": 28, "none": 53}
    family = splits.split_totals(con, Scope(FILTERS, access.ANALYST, EN.lang), "family", FIRST, end)
    assert by_key(family, "incidents") == {"drugs": 17, "people": 0, "arms": 36, "resources": 0,
                                           "cyber_financial": 31, "other": 0}
    with pytest.raises(ValueError, match="cyber link or by market family"):
        splits.split_totals(con, Scope(FILTERS, access.ANALYST, EN.lang), "market", FIRST, end)


def test_unknown_dimension_is_a_clear_error(con):
    with pytest.raises(ValueError, match="unknown series dimension"):
        trend_series.trends(con, Scope(FILTERS, access.ANALYST, EN.lang), "actor; DROP TABLE incidents", "week")


# --- Rates per 100,000 -----------------------------------------------------------------------------

def test_rate_arithmetic():
    rates = per_100k.rate_per_100k([39, 45, 7, 7], [5_331_000, 11_770_000, None, 0]).tolist()
    assert rates[0] == pytest.approx(39 / 5_331_000 * 100_000)        # 0.73157…
    assert rates[0] == pytest.approx(0.731570062)
    assert rates[1] == pytest.approx(0.382327952)
    assert rates[2] is None and rates[3] is None                      # no population, no rate


def test_rates_by_country_carry_population_year_and_source(con):
    frame = per_100k.rates(con, FILTERS, access.ANALYST, "en", FIRST, date(2026, 11, 1)).set_index("key")
    assert frame.loc["CAF", "incidents"] == 39 and frame.loc["HTI", "incidents"] == 45
    assert frame.loc["CAF", "population"] == CAF_POP and frame.loc["HTI", "population"] == HTI_POP
    assert frame.loc["CAF", "rate"] == pytest.approx(39 / CAF_POP * 100_000)
    assert frame.loc["HTI", "rate"] == pytest.approx(45 / HTI_POP * 100_000)
    assert frame.loc["CAF", "pop_year"] == 2024
    assert "World Population Prospects" in frame.loc["CAF", "pop_source"]
    assert frame.loc["CAF", "missions"] == "MINUSCA"
    assert list(frame.index) == ["CAF", "HTI"]          # highest rate first
    table = tables.rates_table(frame.reset_index(), EN)
    assert {"Population year", "Population source", "Incidents per 100,000 population"} <= set(table.columns)


# --- Seasonality -----------------------------------------------------------------------------------

def test_seasonality_index_over_whole_months(con):
    season = seasonality.seasonality(con, FILTERS, access.ANALYST, "en")
    # Data run from 2025-09-08 to 2026-10-28: whole months October 2025 to September 2026.
    assert (season.first, season.last) == (date(2025, 10, 1), date(2026, 9, 1))
    f = season.frame.set_index(["key", "month"])
    assert f.loc[("arms_trafficking", 9), "incidents"] == 10          # weeks 0–3: 1+2+3+4
    assert f.loc[("arms_trafficking", 9), "index"] == pytest.approx(1200)   # 10 against 10/12 a month
    assert f.loc[("arms_trafficking", 10), "index"] == 0
    assert f.loc[("cocaine", 11), "incidents"] == 9                   # 4 on 2 Nov + 5 on 3 Nov 2025
    assert f.loc[("cocaine", 9), "incidents"] == 9                    # 2+2+2+3 (with the TLP:RED record)
    assert f.loc[("cocaine", 11), "index"] == pytest.approx(600)
    assert periods.month_occurrences(date(2025, 10, 1), date(2026, 9, 1)) == {m: 1 for m in range(1, 13)}
    assert periods.month_occurrences(date(2025, 1, 1), date(2026, 2, 1))[2] == 2


# --- Trend statements ------------------------------------------------------------------------------

@pytest.mark.parametrize("values, text", [
    (list(range(1, 13)), "rising, significant at 95 %"),
    (list(range(12, 0, -1)), "falling, significant at 95 %"),
    ([5] * 12, "no clear trend"),
    ([3, 7, 2, 8, 3, 7, 2, 8, 3, 7], "no clear trend"),
    ([1, 2, 3, 4, 5], "too few points"),
])
def test_trend_statement(values, text):
    assert summary.trend_text(stats.mann_kendall(values), EN) == text


# --- Drill-down ------------------------------------------------------------------------------------

def test_drill_round_trips_through_the_url():
    drill = drills.Drill("admin1", ("CF-HM", "CD-HK", "CF-HM"))
    assert drills.format_drill(drill) == "admin1:CD-HK,CF-HM"
    assert drills.parse_drill("admin1:CD-HK,CF-HM") == drill
    assert drills.parse_drill("") is None and drills.parse_drill(None) is None
    assert drills.format_drill(None) == ""
    for bad in ("cocaine", "actor:X", "market:", "market:" + ",".join(f"m{i}" for i in range(41))):
        with pytest.raises(ValueError):
            drills.parse_drill(bad)


def test_selection_handler_reads_series_keys_and_ignores_catch_alls():
    event = {"selection": {"points": [{"customdata": ["cocaine"], "x": "2026-09-09"},
                                      {"customdata": [dimensions.OTHERS]}, {"customdata": ["cocaine"]},
                                      {"customdata": ["heroin", "<b>x</b>"]}]}}
    assert drills.drill_from_selection(event, "market") == drills.Drill("market", ("cocaine", "heroin"))
    assert drills.drill_from_selection({"selection": {"points": []}}, "market") is None
    assert drills.drill_from_selection({"selection": {"points": [{"customdata": [dimensions.NOT_RECORDED]}]}},
                                       "admin1") is None
    assert drills.drill_from_selection(None, "market") is None


def test_apply_drill_narrows_and_never_widens(con):
    families = drills.market_families(con)
    assert drills.apply_drill(FILTERS, None, families) is FILTERS
    narrowed = drills.apply_drill(FILTERS, drills.Drill("market", ("cocaine",)), families)
    assert narrowed.markets == ("cocaine",) and narrowed.date_from == FIRST
    drugs = drills.apply_drill(FILTERS, drills.Drill("family", ("drugs",)), families)
    assert drugs.markets == ("cannabis", "cocaine", "heroin", "synthetic_drugs")
    sidebar = Filters(markets=("cocaine", "arms_trafficking"))
    assert drills.apply_drill(sidebar, drills.Drill("family", ("drugs",)), families).markets == ("cocaine",)
    with pytest.raises(drills.EmptyDrill):
        drills.apply_drill(Filters(markets=("arms_trafficking",)), drills.Drill("market", ("cocaine",)), families)
    assert drills.apply_drill(FILTERS, drills.Drill("country", ("HTI",)), families).countries == ("HTI",)
    assert drills.apply_drill(FILTERS, drills.Drill("cyber", ("cyber-enabled",)), families).cyber == ("cyber-enabled",)
    with pytest.raises(ValueError, match="unknown cyber flag"):
        drills.apply_drill(FILTERS, drills.Drill("cyber", ("bogus",)), families)
    with pytest.raises(ValueError, match="unknown market family"):
        drills.apply_drill(FILTERS, drills.Drill("family", ("bogus",)), families)


def test_a_selection_on_one_chart_filters_the_others(con):
    """Picking Haiti on the rates chart narrows the series, the splits and the rates."""
    drill = drills.drill_from_selection({"selection": {"points": [{"customdata": ["HTI", "Haiti"]}]}}, "country")
    narrowed = drills.apply_drill(FILTERS, drill, drills.market_families(con))
    data = trend_series.trends(con, Scope(narrowed, access.ANALYST, EN.lang), "market", "week")
    assert by_key(data.summary, "incidents") == {"online_fraud": 28, "cocaine": 17}
    rates = per_100k.rates(con, narrowed, access.ANALYST, "en", FIRST, date(2026, 11, 1))
    assert rates["key"].tolist() == ["HTI"]
    family = splits.split_totals(con, Scope(narrowed, access.ANALYST, EN.lang), "family", FIRST, date(2026, 11, 1))
    assert by_key(family, "incidents")["arms"] == 0


# --- Figures -------------------------------------------------------------------------------------

def test_figures_have_titles_axes_and_selectable_keys(con):
    data = trend_series.trends(con, Scope(FILTERS, access.ANALYST, EN.lang), "market", "week")
    order = data.summary["key"].tolist()
    fig = tf.stacked_series(data.series, order, data.total, grain="week", title="Incidents per week, by market",
                            subtitle="all mission areas, 7 Sep 2026 to 1 Nov 2026", y_title="Incidents per week",
                            x_title="Week starting", ma_label="Moving average of all series (4 weeks)",
                            unit="incidents")
    assert fig.layout.title.text == "Incidents per week, by market"
    assert fig.layout.title.subtitle.text.endswith("1 Nov 2026")
    assert fig.layout.yaxis.title.text == "Incidents per week"
    names = [trace.name for trace in fig.data]
    assert names == ["Arms trafficking", "Online and mobile-money fraud", "Cocaine trafficking",
                     "Ransomware and computer intrusion", "Moving average of all series (4 weeks)"]
    assert fig.data[0].customdata[0][0] == "arms_trafficking"
    multiples = tf.small_multiples(data.series, order, grain="week", title="t", y_title="Incidents per week",
                                   bar_label="Incidents per week", ma_label="Moving average (4 weeks)",
                                   unit="incidents")
    assert [a.text for a in multiples.layout.annotations][:2] == ["Arms trafficking", "Online and mobile-money fraud"]
    season = seasonality.seasonality(con, FILTERS, access.ANALYST, "en")
    heat = tf.seasonality_heatmap(season.frame, labels.month_names(EN), title="Seasonality",
                                  colour_title="Index (100 = average month)",
                                  hover="{market}, {month}: index {index}, on average {mean} incidents")
    assert list(heat.data[0].x)[:2] == ["Jan", "Feb"]
    assert heat.data[0].zmid == 100


# --- Export views --------------------------------------------------------------------------------

def test_trends_export_views_are_registered_and_match_the_page(con):
    assert {"trends", "trends_series", "trends_rates"} <= set(views.REGISTRY)
    view = views.build("trends", con, Scope(FILTERS, access.ANALYST, EN.lang, "export"))
    frame = view.frame.set_index("Market")
    assert frame.loc["Arms trafficking", "Incidents"] == 36
    assert frame.loc["Arms trafficking", "Same period a year earlier"] == 11
    assert frame.loc["Arms trafficking", "Change on a year earlier (%)"] == pytest.approx(227.3)
    assert frame.loc["Cocaine trafficking", "Graded A–B and 1–2 (%)"] == pytest.approx(52.9)
    assert frame.loc["Online and mobile-money fraud", "Trend"] == "falling, significant at 95 %"
    assert "7 Sept 2026" in view.title or "7 Sep 2026" in view.title
    series = views.build("trends_series", con, Scope(FILTERS, access.ANALYST, EN.lang, "export")).frame
    assert len(series) == 32 and series["Incidents"].sum() == 84
    rates = views.build("trends_rates", con, Scope(FILTERS, access.ANALYST, EN.lang, "export")).frame
    assert rates["Incidents"].tolist() == [39, 45]


def test_trends_export_in_french_has_french_headers(con):
    fr = i18n.get("fr")
    view = views.build("trends_rates", con, Scope(FILTERS, access.ANALYST, fr.lang, "export"))
    assert "Pays ou territoire" in view.frame.columns


# --- The page -------------------------------------------------------------------------------------

@pytest.mark.parametrize("drill, expected", [
    ("country:HTI", "Narrowed to country or territory: Haiti."),
    ("market:no_such_market,cocaine", "Narrowed to market:"),
    ("nonsense", "The selection in this link is not valid"),
])
def test_page_reads_the_drill_down_from_the_url(drill, expected, demo_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from .test_app import APP

    monkeypatch.setenv("TNT_PROFILE", "commissioner")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/trends.py")
    at.query_params["drill"] = drill
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    notes = [e.body for e in at.info] + [e.body for e in at.warning]
    assert any(expected in n for n in notes), notes
    assert [b.label for b in at.button if b.label == "Back to all"] == ["Back to all"]
    if drill == "country:HTI":
        assert any("Haiti, " in s.value for s in at.subheader)


@given(hst.lists(hst.integers(min_value=0, max_value=10**6), min_size=0, max_size=60),
       hst.sampled_from(["week", "month"]))
def test_moving_average_equals_pandas_rolling_mean(values, grain):
    """The numpy trailing mean (one series or a matrix of them) gives pandas' rolling mean exactly."""
    size = dimensions.MA_WINDOW[grain]
    expected = pd.Series(values, dtype=float).rolling(size, min_periods=size).mean().to_numpy()
    np.testing.assert_array_equal(trend_series.moving_average(values, grain), expected)
    matrix = np.array([values, values[::-1]], dtype=np.int64).reshape(2, len(values))
    both = trend_series.moving_average(matrix, grain)
    np.testing.assert_array_equal(both[0], expected)
    np.testing.assert_array_equal(
        both[1], pd.Series(values[::-1], dtype=float).rolling(size, min_periods=size).mean().to_numpy())


def test_the_trends_package_imports_downward_only():
    """Domain code: never the export registry, the file writers or the command line, which sit above it."""
    from .test_architecture import graph
    edges = graph()
    package = {m for m in edges if m == "tnt_dash.trends" or m.startswith("tnt_dash.trends.")}
    assert len(package) > 10
    above = {"tnt_dash.views", "tnt_dash.exports"} | {m for m in edges if m.startswith("tnt_dash.cli")}
    assert {name: edges[name] & above for name in package if edges[name] & above} == {}


# --- What the page lays out ------------------------------------------------------------------------

def test_screen_blocks_on_the_hand_made_store(con):
    """The page's blocks: tables keyed by codes with their headers beside them, selectable charts
    named by the dimension they narrow to, and the drill-down read from the URL."""
    from tnt_dash.trends import screen
    data = trend_series.trends(con, Scope(FILTERS, access.ANALYST, EN.lang), "market", "week")
    rates = per_100k.rates(con, FILTERS, access.ANALYST, "en", FIRST, date(2026, 11, 1))
    parts = [splits.split_totals(con, Scope(FILTERS, access.ANALYST, EN.lang), by, FIRST, date(2026, 11, 1))
             for by in splits.SPLITS]
    page = screen.Page(EN, data, None, rates, parts, "all mission areas", "market", "week", "stack")
    subheader, table, notes = screen.summary(page)
    assert subheader.body == "Change, confidence and trend per series – all mission areas, {} to {}".format(
        EN.date(FIRST), EN.date(date(2026, 11, 1)))
    assert list(table.body.columns) == ["label", "incidents", "trend", "change", "previous", "graded_share"]
    assert [table.headers[c] for c in table.body.columns] == [
        "Market", "Incidents", "Trend over the period", "Change on a year earlier", "A year earlier",
        "Graded A–B and 1–2"]
    arms = table.body.iloc[0]
    assert (arms["label"], arms["incidents"], arms["previous"]) == ("Arms trafficking", "36", "11")
    assert table.body.set_index("label").loc["Ransomware and computer intrusion", "change"] == "–"
    assert notes.body.startswith(f"Year earlier: {EN.date(date(2025, 9, 8))} to {EN.date(date(2025, 11, 2))}.")
    charts = [b for b in screen.series_chart(page) + screen.rates_chart(page) + screen.split_charts(page)
              if b.kind == "chart"]
    assert [(b.select, b.key) for b in charts] == [("market", "tr_main"), ("country", "tr_rates"),
                                                   ("cyber", "tr_cyber"), ("family", "tr_family")]
    rates_table = screen.rates_table(page)[0]
    assert rates_table.body.rename(columns=rates_table.headers).equals(tables.rates_table(rates, EN))
    assert set(rates_table.columns) <= set(rates_table.headers)
    assert screen.seasonality_chart(page) == []
    assert [e.file_name for e in screen.exports(EN, "market", "week")] == [
        "trends-summary-market-week.csv", "trends-series-market-week.csv", "trends-rates-market-week.csv"]
    families = drills.market_families(con)
    narrowed, drill, problem = screen.drill_state("country:HTI", FILTERS, families, EN)
    assert (narrowed.countries, drill, problem) == (("HTI",), drills.Drill("country", ("HTI",)), None)
    assert screen.drill_notice(EN, drill, None, {"HTI": "Haiti"}).body.startswith(
        "Narrowed to country or territory: Haiti.")
    narrowed, drill, problem = screen.drill_state("nonsense", FILTERS, families, EN)
    assert narrowed is FILTERS and drill is None and problem.startswith("The selection in this link is not valid")
    assert screen.drill_notice(EN, None, None, {}).kind == "caption"
