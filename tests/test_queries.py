"""The query layer on the hand-made store (tests/conftest.py); every number is worked out by hand."""
from datetime import date

import duckdb
import pandas as pd
import pytest

from tnt_dash import access, queries, seed
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope
from .conftest import SHARED_CAF

ALL = Filters()   # default statuses: validated only


def by_market(frame):
    return {row.market: row for row in frame.itertuples()}


def test_market_totals_analyst(hand_store):
    rows = by_market(queries.market_totals(hand_store, ALL, access.ANALYST, "en"))
    # validated only: I1, I2, I4, I5, I6 (I3 is a draft)
    assert set(rows) == {"arms_trafficking", "illicit_mining", "kidnapping_for_ransom", "ransomware"}
    arms = rows["arms_trafficking"]
    assert (arms.incidents, arms.victims, arms.women_children) == (2, 5, 5)   # I1: fc1 fa2; I5: female unknown age 2
    assert (arms.fatalities, arms.arrests, arms.seizure_usd) == (2, 1, 1500)
    mining = rows["illicit_mining"]
    assert (mining.incidents, mining.victims, mining.women_children) == (1, 4, 0)  # unknown sex+age is not w&c
    assert rows["kidnapping_for_ransom"].incidents == 1 and rows["kidnapping_for_ransom"].fatalities == 1


def test_shared_profile_sees_only_releasable_validated(hand_store):
    rows = by_market(queries.market_totals(hand_store, Filters(statuses=("validated", "draft")), SHARED_CAF, "en"))
    # I2 CONFIDENTIAL, I4 TLP:RED, I6 STRICTLY CONFIDENTIAL, I3 draft -> only I1 and I5 remain
    assert set(rows) == {"arms_trafficking"}
    assert rows["arms_trafficking"].incidents == 2


def test_gender_profile_ceiling_is_confidential(hand_store):
    rows = by_market(queries.market_totals(hand_store, ALL, access.GENDER, "en"))
    assert "ransomware" not in rows                       # I6 is STRICTLY CONFIDENTIAL
    assert rows["illicit_mining"].incidents == 1          # I2 CONFIDENTIAL is within the ceiling


def test_filters_bind_values(hand_store):
    f = Filters(countries=("HTI",), statuses=("validated", "draft"))
    rows = by_market(queries.market_totals(hand_store, f, access.ANALYST, "en"))
    assert rows["kidnapping_for_ransom"].incidents == 2 and len(rows) == 1
    graded = Filters(min_reliability="B", min_credibility=2)
    rows = by_market(queries.market_totals(hand_store, graded, access.ANALYST, "en"))
    assert rows["arms_trafficking"].incidents == 1        # I5 is graded E4
    hostile = Filters(countries=("CAF') OR TRUE --",))
    assert queries.market_totals(hand_store, hostile, access.ANALYST, "en").empty


def test_week_vs_baseline(hand_store):
    frame = queries.week_vs_baseline(hand_store, ALL, access.ANALYST, date(2026, 11, 16)).set_index("kpi")
    # week 47: I1, I2 -> 2 incidents; weeks 43-46 (validated): I6, I5, I4, none -> mean 0.75
    assert frame.loc["incidents", "value"] == 2
    assert frame.loc["incidents", "baseline_mean"] == pytest.approx(0.75)
    assert frame.loc["incidents", "change"] == pytest.approx((2 - 0.75) / 0.75)
    # victims: week 47 = 3 + 4; baseline: I5 2 -> 0.5
    assert frame.loc["victims", "value"] == 7
    assert frame.loc["victims", "baseline_mean"] == pytest.approx(0.5)


def test_weekly_kpis_zero_fill(hand_store):
    frame = queries.weekly_kpis(hand_store, ALL, access.ANALYST, date(2026, 10, 19), date(2026, 11, 16))
    assert frame["incidents"].tolist() == [1, 1, 1, 0, 2]


def test_incident_list_masks_fields_by_profile(hand_store):
    shared = queries.incident_list(hand_store, ALL, SHARED_CAF, "fr")
    assert {"narrative", "source_ref", "place", "lat", "lon", "grade"}.isdisjoint(shared.columns)
    assert set(shared["incident_id"]) == {"I1", "I5"}
    gender = queries.incident_list(hand_store, ALL, access.GENDER, "en").set_index("incident_id")
    assert pd.isna(gender.loc["I2", "narrative"])         # restricted narrative hidden from the Gender Officer
    assert gender.loc["I1", "narrative"] == "I1 narrative"
    assert "source_ref" not in gender.columns
    analyst = queries.incident_list(hand_store, ALL, access.ANALYST, "en")
    assert "source_ref" in analyst.columns and analyst["incident_id"].iloc[0] == "I1"   # highest harm first


def test_last_complete_week_caps_at_data(hand_store):
    assert queries.last_complete_week(hand_store, access.ANALYST, today=date(2026, 11, 28)) == date(2026, 11, 16)
    assert queries.last_complete_week(hand_store, access.ANALYST, today=date(2026, 11, 20)) == date(2026, 11, 9)


def test_filters_reject_bad_values():
    with pytest.raises(ValueError):
        Filters(min_reliability="Z")
    with pytest.raises(ValueError):
        Filters(statuses=("published",))
    with pytest.raises(TypeError):
        Filters(countries="CAF")
    with pytest.raises(ValueError):
        Filters(date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))


# --- The weekly rollup gives exactly the incidents' figures -------------------------------------

from datetime import timedelta  # noqa: E402

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


_MONDAYS = [date(2026, 11, 23) - timedelta(weeks=w) for w in range(0, 80, 3)]
_PROFILES = [access.ANALYST, access.COMMISSIONER, access.GENDER, SHARED_CAF]


def _both(monkeypatch, fn):
    monkeypatch.setenv("TNT_ROLLUPS", "0")
    base = fn()
    monkeypatch.setenv("TNT_ROLLUPS", "1")
    return base, fn()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.sampled_from(_MONDAYS), weeks=st.integers(1, 60), profile=st.sampled_from(_PROFILES),
       markets=st.lists(st.sampled_from(["arms_trafficking", "human_trafficking", "online_fraud", "cocaine"]),
                        max_size=2, unique=True),
       countries=st.lists(st.sampled_from(["CAF", "COD", "HTI", "SSD"]), max_size=2, unique=True),
       statuses=st.sampled_from([("validated",), ("validated", "draft", "in_review", "archived")]))
def test_rollup_and_incidents_agree(demo_con, monkeypatch, first, weeks, profile, markets, countries, statuses):
    f = Filters(date_from=first, date_to=first + timedelta(weeks=weeks, days=-1), markets=markets,
                countries=countries, statuses=statuses)
    assert queries.kpi_source(f)[0] == "incident_weekly"
    for fn in (lambda: queries.weekly_kpis(demo_con, f, profile, first, first + timedelta(weeks=weeks - 1)),
               lambda: queries.market_totals(demo_con, f, profile, "en"),
               lambda: queries.admin1_totals(demo_con, f, profile, "fr")):
        base, rolled = _both(monkeypatch, fn)
        pd.testing.assert_frame_equal(base, rolled, check_dtype=False)
    from tnt_dash.trends.dimensions import DIMENSIONS
    from tnt_dash.trends.series import totals_between
    for by in DIMENSIONS:
        base, rolled = _both(monkeypatch, lambda: totals_between(
            demo_con, f, profile, by, f.date_from, f.date_to).sort_values("key").reset_index(drop=True))
        pd.testing.assert_frame_equal(base, rolled, check_dtype=False)
    # The brief's change table and anomaly series read whole weeks from the rollup.
    from tnt_dash.brief import anomalies, changes, definitions
    week = f.date_to - timedelta(days=6)
    for level in definitions.LEVELS:
        base, rolled = _both(monkeypatch, lambda: changes.area_market_changes(demo_con, Scope(f, profile, "fr"), week, level))
        pd.testing.assert_frame_equal(base, rolled, check_dtype=False)
    base, rolled = _both(monkeypatch, lambda: anomalies.anomaly_series(demo_con, f, profile, week))
    assert base == rolled
    # The priority model's inputs (the brief's top 5 reads 16 whole weeks), at both levels; exact but
    # for the seizure values, doubles summed in another order.
    from tnt_dash import priority
    for level in priority.LEVELS:
        base, rolled = _both(monkeypatch, lambda: priority.inputs(demo_con, f, profile, "fr", level))
        assert (base.attrs["source"], rolled.attrs["source"]) == ("incidents", "incident_weekly")
        pd.testing.assert_frame_equal(base.drop(columns="seizure_usd"), rolled.drop(columns="seizure_usd"),
                                      check_exact=True)
        pd.testing.assert_series_equal(base["seizure_usd"], rolled["seizure_usd"], rtol=1e-12)
    # The status line (records, first and last date, data as of) from the rollup's group dates.
    base, rolled = _both(monkeypatch, lambda: queries.data_status(demo_con, f, profile))
    assert base == rolled
    # The brief's and gender page's last complete week: the profile's latest record, from the rollup.
    base, rolled = _both(monkeypatch, lambda: queries.last_complete_week(demo_con, profile, today=date(2031, 1, 1)))
    assert base == rolled


def test_rollup_used_only_where_exact():
    monday, sunday = date(2026, 11, 16), date(2026, 11, 22)
    assert queries.kpi_source(Filters(date_from=monday, date_to=sunday))[0] == "incident_weekly"
    assert queries.kpi_source(Filters())[0] == "incident_weekly"
    assert queries.kpi_source(Filters(date_from=monday + timedelta(days=1), date_to=sunday))[0] == "incidents"
    assert queries.kpi_source(Filters(date_from=monday, date_to=sunday - timedelta(days=1)))[0] == "incidents"
    assert queries.kpi_source(Filters(min_reliability="B"))[0] == "incidents"
    assert queries.kpi_source(Filters(min_credibility=2))[0] == "incidents"


def test_rollup_equals_a_fresh_aggregation_of_the_incidents(demo_con):
    """The stored rollup (built with the demo store) is exactly what the incidents sum to now,
    the priority model's counts included (written out here apart from model_inputs.model_sums). Its place
    is where an incident occurred or, for one with no place of its own, its victims' residence."""
    key = "week, mission, iso3, admin1_code, market, status, tlp, classification, released_to"
    # The host States that may see a record, written out apart from access.RELEASED_TO.
    released = ("list_sort(list_distinct(i.releasable_to || CASE WHEN i.originator = 'host_state' "
                "THEN [i.originator_iso3] ELSE [] END))")
    diff = demo_con.execute(f"""
        WITH fresh AS (
            SELECT date_trunc('week', i.date_occurred)::DATE AS week, i.mission, i.iso3,
                   coalesce(i.admin1_code, i.residence_admin1_code) AS admin1_code, i.market,
                   i.status, i.tlp, i.classification, {released} AS released_to, count(*) AS incidents,
                   sum({queries.VICTIMS}) AS victims, sum(i.fatalities) AS fatalities,
                   min(i.date_occurred) AS first_date, max(i.date_occurred) AS last_date,
                   max(i.updated_at) AS last_updated,
                   sum(CASE WHEN i.cross_border THEN 1 ELSE 0 END) AS cross_border,
                   sum(CASE WHEN i.n_sources > 1 THEN 1 ELSE 0 END) AS corroborated,
                   sum(CASE WHEN a.violence IS NULL OR a.reach IS NULL OR a.links IS NULL THEN 0 ELSE 1 END)
                       AS actor_records,
                   coalesce(sum(a.violence + a.reach + a.links), 0) AS actor_points,
                   sum(CASE i.source_reliability WHEN 'A' THEN 10 WHEN 'B' THEN 8 WHEN 'C' THEN 6
                                                 WHEN 'D' THEN 4 ELSE 2 END
                       + CASE WHEN i.info_credibility >= 5 THEN 2 ELSE 12 - 2 * i.info_credibility END)
                       AS grade_tenths
            FROM incidents i LEFT JOIN actors a USING (actor_id) GROUP BY ALL),
        corridor AS (
            SELECT DISTINCT date_trunc('week', i.date_occurred)::DATE AS week, i.mission, i.iso3,
                   coalesce(i.admin1_code, i.residence_admin1_code) AS admin1_code,
                   i.market, i.status, i.tlp, i.classification, {released} AS released_to, u.country
            FROM incidents i, unnest([i.iso3, i.origin_iso3, i.transit_iso3, i.destination_iso3]) AS u(country)
            WHERE coalesce(i.origin_iso3, i.transit_iso3, i.destination_iso3) IS NOT NULL AND u.country IS NOT NULL),
        linked AS (SELECT {key}, list(country ORDER BY country) AS linked_countries FROM corridor GROUP BY ALL),
        expected AS (SELECT fresh.*, linked.linked_countries FROM fresh LEFT JOIN linked USING ({key})),
        stored AS (SELECT {key}, incidents, victims, fatalities, first_date, last_date, last_updated,
                          cross_border, corroborated, actor_records, actor_points, grade_tenths, linked_countries
                   FROM incident_weekly)
        SELECT count(*) FROM ((SELECT * FROM expected EXCEPT SELECT * FROM stored)
                              UNION ALL (SELECT * FROM stored EXCEPT SELECT * FROM expected))
        """).fetchone()[0]
    assert diff == 0
    # Every record is graded (both grades are required), and the demo names corridors and actors.
    sums = demo_con.execute("""SELECT sum(graded) = sum(incidents), count(linked_countries) > 0,
                                      sum(actor_records) > 0 FROM incident_weekly""").fetchone()
    assert sums == (True, True, True)


def test_an_older_store_gets_the_priority_columns_when_migrated(tmp_path):
    """A store made before schema 007 has no priority columns in its weekly rollup: opening it with
    this version adds them and fills them, equal to a store built now."""
    from tnt_dash import store
    path = tmp_path / "older.duckdb"
    seed.build(path, demo_rows=3_000)
    con = store.connect(path)
    try:
        store_columns = [r[0] for r in con.execute("DESCRIBE incident_weekly").fetchall()]
        built = con.execute(f"SELECT {', '.join(store_columns)} FROM incident_weekly ORDER BY ALL").fetchall()
        for column in ("cross_border", "corroborated", "actor_records", "actor_points", "graded", "grade_tenths",
                       "linked_countries"):
            con.execute(f"ALTER TABLE incident_weekly DROP COLUMN {column}")
        con.execute("DELETE FROM schema_version WHERE version >= 7")
    finally:
        con.close()
    seed.ensure_store(path)
    con = store.connect(path, read_only=True)
    try:
        assert store.schema_version(con) == store.SCHEMA_VERSION >= 7
        # The columns added back come after those of later migrations: compared by name.
        columns = ", ".join(store_columns)
        assert con.execute(f"SELECT {columns} FROM incident_weekly ORDER BY ALL").fetchall() == built
    finally:
        con.close()


def test_a_migration_that_landed_after_a_higher_one_is_still_applied(tmp_path, monkeypatch):
    """Branches land in any order: a store already at the highest version must still get a lower
    numbered migration it has not recorded, and a second open applies nothing again."""
    from tnt_dash import store
    path = tmp_path / "late.duckdb"
    seed.build(path, demo_rows=None)
    late = tmp_path / "005_late_landed.sql"
    late.write_text("CREATE TABLE late_landed (x INTEGER); INSERT INTO late_landed VALUES (1);", encoding="utf-8")
    con = store.connect(path)
    try:
        con.execute("DELETE FROM schema_version WHERE version = 5")
        real = store.migrations()
        monkeypatch.setattr(store, "migrations", lambda: [(v, late if v == 5 else p) for v, p in real])
        assert store.migrate(con) == store.SCHEMA_VERSION
        assert con.execute("SELECT count(*) FROM late_landed").fetchone()[0] == 1
        assert 5 in {v for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}
        store.migrate(con)                                    # applied once: no second row, no error
        assert con.execute("SELECT count(*) FROM late_landed").fetchone()[0] == 1
    finally:
        con.close()


def test_status_rollup_equals_a_fresh_aggregation_of_the_incidents(demo_con):
    """The dateless rollup behind every page's status line is what the incidents sum to now."""
    fresh = """SELECT mission, iso3, coalesce(admin1_code, residence_admin1_code), market, status, tlp, classification,
                      list_sort(list_distinct(releasable_to || CASE WHEN originator = 'host_state'
                                              THEN [originator_iso3] ELSE [] END)), count(*),
                      min(date_occurred), max(date_occurred), max(updated_at) FROM incidents GROUP BY ALL"""
    stored = """SELECT mission, iso3, admin1_code, market, status, tlp, classification, released_to, incidents,
                       first_date, last_date, last_updated FROM incident_status"""
    diff = demo_con.execute(f"SELECT count(*) FROM (({fresh} EXCEPT {stored}) UNION ALL ({stored} EXCEPT {fresh}))")
    assert diff.fetchone()[0] == 0
    assert demo_con.execute("SELECT count(*) FROM incident_status").fetchone()[0] > 0


@pytest.mark.parametrize("sql", [
    """SELECT * FROM (VALUES
       (1::BIGINT, 1::INTEGER, 1.5::DOUBLE, 'a', DATE '2026-01-01', TRUE, 1.25::DECIMAL(10,2),
        TIMESTAMP '2026-01-01 10:00', [1, 2], MAP {1: 2}, 3::HUGEINT, 2::UTINYINT, 1.5::FLOAT, {'a': 1}),
       (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))
       t(i64, i32, f, s, d, b, dec, ts, l, m, h, u8, f32, st)""",
    "SELECT 1::BIGINT AS i, 'x' AS s, DATE '2026-01-01' AS d, FALSE AS b",
    "SELECT NULL::VARCHAR AS s, NULL::DATE AS d, NULL::BIGINT AS i, NULL::BOOLEAN AS b, NULL::DOUBLE AS x",
    "SELECT 'a'::VARCHAR AS s, 1::BIGINT AS i, [1] AS l WHERE false",
    "SELECT CASE WHEN range % 3 = 0 THEN NULL ELSE range END AS r,"
    " CASE WHEN range % 5 = 0 THEN NULL ELSE 'x' || range END AS s FROM range(5000)",
    "SELECT histogram(range % 4) AS h FROM range(10)",
    "SELECT 1 AS a, 2 AS a, 3 AS a_1",          # repeated names: renamed a, a_1, a_1_1 by both
])
def test_frames_equal_duckdb_df(sql):
    """queries._frame builds results from fetchnumpy(); it must give exactly what .df() gives:
    columns, dtypes, values and the kind of missing value (NaN, NaT, None, <NA>)."""
    con = duckdb.connect()
    expected = con.execute(sql).df()
    got = queries._frame(con.cursor().execute(sql))
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    for column in expected.columns:
        assert [type(v) for v in got[column].tolist()] == [type(v) for v in expected[column].tolist()], column


def test_serving_connections_run_small_stores_on_one_thread_per_query(demo_db, monkeypatch):
    from tnt_dash import config, store
    monkeypatch.delenv("TNT_DUCKDB_THREADS", raising=False)
    assert config.duckdb_threads(1_000_000) == 1
    assert config.duckdb_threads(config.ONE_THREAD_UP_TO + 1) is None      # DuckDB's default: every core
    monkeypatch.setenv("TNT_DUCKDB_THREADS", "3")
    assert config.duckdb_threads(10) == 3
    for bad in ("0", "two", "-1", ""):
        monkeypatch.setenv("TNT_DUCKDB_THREADS", bad)
        with pytest.raises(ValueError, match="TNT_DUCKDB_THREADS"):
            config.duckdb_threads(10)
    monkeypatch.delenv("TNT_DUCKDB_THREADS")
    con = store.connect(demo_db, read_only=True)       # the demo store: a few thousand incidents
    try:
        assert store._incident_count(con) == con.execute("SELECT count(*) FROM incidents").fetchone()[0]
        assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    finally:
        con.close()
