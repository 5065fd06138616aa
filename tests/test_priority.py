"""The priority model (issue #10): hand-computed scores, monotonicity, weights in the URL, unknown factors."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tnt_dash import access, brief, i18n, priority, seed, store
from tnt_dash.filters import Filters

from .conftest import first_admin1, insert_incident, SHARED_CAF
from .test_app import APP

ROOT = Path(__file__).resolve().parent.parent
PERIOD = Filters(date_from=date(2026, 10, 5), date_to=date(2026, 11, 29))   # 56 days: 8 full 7-day bins
LN = math.log


# Three area × market cells; every figure below is worked out by hand in the comments.
#  cell  area  market                 records                                                          harm points
#  C1    CAF1  arms_trafficking       X1 11-20: girl 1 + man 1, 2 dead, USD 200 000, cross-border       2 + 1 + 6 + 2 = 11
#                                        (origin SDN), actor ACT-001 (5,3,4), A1, 2 sources
#                                     X2 10-10: nothing, C3, 1 source
#  C2    HTI1  kidnapping_for_ransom  X3 11-25: 3 women, actor ACT-003 (1,3,2), B2                       3 + 3 = 6
#  C3    CAF1  illicit_mining         X4-X7 11-02, 11-09, 11-16, 11-23: nothing, no actor, B2            0
@pytest.fixture
def prio_store(tmp_path: Path):
    path = tmp_path / "prio.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf, hti = first_admin1(con, "CAF"), first_admin1(con, "HTI")
    insert_incident(con, incident_id="X1", date_occurred="2026-11-20", iso3="CAF", admin1_code=caf,
                    market="arms_trafficking", v_female_child=1, v_male_adult=1, fatalities=2,
                    seizure_value_usd=200_000, cross_border=True, origin_iso3="SDN", destination_iso3="CAF",
                    actor_id="ACT-001", source_reliability="A", info_credibility=1, n_sources=2)
    insert_incident(con, incident_id="X2", date_occurred="2026-10-10", iso3="CAF", admin1_code=caf,
                    market="arms_trafficking", source_reliability="C", info_credibility=3)
    insert_incident(con, incident_id="X3", date_occurred="2026-11-25", iso3="HTI", admin1_code=hti,
                    market="kidnapping_for_ransom", v_female_adult=3, actor_id="ACT-003")
    for n, day in enumerate(("2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23")):
        insert_incident(con, incident_id=f"X{4 + n}", date_occurred=day, iso3="CAF", admin1_code=caf,
                        market="illicit_mining")
    # Restricted record: never in a shared-profile score.
    insert_incident(con, incident_id="X8", date_occurred="2026-11-26", iso3="HTI", admin1_code=hti,
                    market="kidnapping_for_ransom", fatalities=50, tlp="TLP:RED", status="in_review")
    con.close()
    con = store.connect(path, read_only=True)
    yield con, caf, hti
    con.close()


def _cells(result) -> dict:
    return {row["market"]: row for row in result.frame.to_dict("records")}


# Hand computation (no GI-TOC: capacity unknown everywhere; C3 has no actor either).
L1 = 0.7 * (LN(1.25) - LN(1.125)) / (LN(1.5) - LN(1.125)) + 0.3 * 0.5     # C1 likelihood: 0.25 and 0.125, 0.5 a week
SCORE_C1 = 100 * (30 * 1 + 25 * L1 + 15 * 0.75 + 15 * 0.75) / 85           # reach 0.5*1/2 + 0.5*1; actor (4-1)/4
SCORE_C2 = 100 * (30 * LN(7) / LN(12) + 25 * 0.15 + 15 * 0 + 15 * 0.25) / 85
SCORE_C3 = 100 * (30 * 0 + 25 * 1.0 + 15 * 0) / 70                          # actor and capacity unknown: /70


@pytest.fixture(params=["incident_weekly", "incidents"])
def source(request, monkeypatch) -> str:
    """Each hand test on both sources of the model's inputs: the weekly rollup (PERIOD is whole ISO
    weeks) and the incidents (TNT_ROLLUPS=0, as for a partial week or a grading filter)."""
    monkeypatch.setenv("TNT_ROLLUPS", "1" if request.param == "incident_weekly" else "0")
    return request.param


def test_scores_by_hand(prio_store, source):
    con, caf, hti = prio_store
    assert priority.inputs(con, PERIOD, access.ANALYST, "en").attrs["source"] == source
    result = priority.assess(con, PERIOD, access.ANALYST, "en")
    cells = _cells(result)
    c1, c2, c3 = cells["arms_trafficking"], cells["kidnapping_for_ransom"], cells["illicit_mining"]
    assert (c1["harm_points"], c2["harm_points"], c3["harm_points"]) == (11, 6, 0)
    assert c1["harm"] == 1 and c2["harm"] == pytest.approx(LN(7) / LN(12)) and c3["harm"] == 0
    assert [c1["trend"], c2["trend"], c3["trend"]] == ["none", "none", "rising"]   # C3: 0,0,0,0,1,1,1,1
    assert c3["likelihood"] == pytest.approx(1.0) and c2["likelihood"] == pytest.approx(0.15)
    assert c1["likelihood"] == pytest.approx(L1)
    assert c1["countries_linked"] == 2 and c1["cross_border_share"] == 0.5 and c1["reach"] == pytest.approx(0.75)
    assert c1["actor"] == pytest.approx(0.75) and c2["actor"] == pytest.approx(0.25) and math.isnan(c3["actor"])
    assert c1["score"] == pytest.approx(SCORE_C1) and c1["score"] == pytest.approx(73.7167, abs=1e-3)
    assert c2["score"] == pytest.approx(SCORE_C2) and c2["score"] == pytest.approx(36.4621, abs=1e-3)
    assert c3["score"] == pytest.approx(SCORE_C3) and c3["score"] == pytest.approx(35.7143, abs=1e-3)
    assert [c1["rank"], c2["rank"], c3["rank"]] == [1, 2, 3]
    # Confidence = (2 × grade quality + corroboration + volume) / 4
    assert c1["confidence"] == pytest.approx((2 * 0.8 + 0.5 + 0.2) / 4) and c1["confidence_level"] == "medium"
    assert c2["confidence"] == pytest.approx((2 * 0.8 + 0 + 0.1) / 4) and c2["confidence_level"] == "low"
    assert c3["confidence"] == pytest.approx((2 * 0.8 + 0 + 0.4) / 4) and c3["confidence_level"] == "medium"
    # Reproducible: the same inputs give the same frame.
    again = priority.assess(con, PERIOD, access.ANALYST, "en")
    pd.testing.assert_frame_equal(result.frame, again.frame)


def test_weights_change_scores_by_hand(prio_store, source):
    con, *_ = prio_store
    w = priority.Weights(harm=100, likelihood=0, reach=0, actor=0, capacity=0, women_children=0)
    cells = _cells(priority.assess(con, PERIOD, access.ANALYST, "en", weights=w))
    assert cells["arms_trafficking"]["harm_points"] == 10          # the girl no longer counts twice
    assert cells["kidnapping_for_ransom"]["score"] == pytest.approx(100 * LN(4) / LN(11))
    assert cells["illicit_mining"]["score"] == 0


def test_shared_profile_never_scores_restricted_records(prio_store, source):
    con, *_ = prio_store
    wide = replace(PERIOD, statuses=("validated", "in_review"))
    analyst = _cells(priority.assess(con, wide, access.ANALYST, "en"))
    shared = _cells(priority.assess(con, wide, access.SHARED.for_host_state("HTI"), "en"))   # C2 is in Haiti
    assert analyst["kidnapping_for_ransom"]["fatalities"] == 50     # X8, TLP:RED and in review
    assert shared["kidnapping_for_ransom"]["fatalities"] == 0
    assert shared["kidnapping_for_ransom"]["victims_shown"] == "<5"   # 3 women, suppressed on a shared screen


def test_missing_capacity_is_unknown_not_zero(prio_store):
    con, *_ = prio_store
    result = priority.assess(con, PERIOD, access.ANALYST, "en")
    assert not result.gitoc_imported
    for row in result.frame.to_dict("records"):
        assert math.isnan(row["capacity"]) and "capacity" in row["unknown"]
        assert "host-State capacity unknown (GI-TOC index not imported)" in row["sentence"]
        assert "Unknown factors are left out" in row["sentence"]
    # Counting the unknowns as 0 would give C3 25/85, below its renormalised 25/70.
    assert _cells(result)["illicit_mining"]["score"] > 100 * 25 / 85
    table = priority.table(result, i18n.get("en"))
    assert set(table["Unknown factors (left out)"]) >= {"Host-State capacity gap",
                                                         "Actor capability, Host-State capacity gap"}
    assert table["Host-State capacity gap (0–1)"].isna().all()


def test_gitoc_latest_edition_used_when_imported(tmp_path, prio_store):
    con, caf, hti = prio_store
    path = tmp_path / "prio.duckdb"
    con.close()
    rw = store.connect(path)
    rows = [("CAF", 2021, "Law enforcement", "resilience", 9.0), ("CAF", 2023, "Law enforcement", "resilience", 3.0),
            ("CAF", 2023, "International cooperation", "resilience", 5.0),
            ("CAF", 2023, "Arms trafficking", "market", 7.5), ("CAF", 2021, "Arms trafficking", "market", 2.0)]
    rw.executemany("INSERT INTO gitoc_scores (iso3, edition, indicator, kind, score) VALUES (?, ?, ?, ?, ?)", rows)
    rw.close()
    con = store.connect(path, read_only=True)
    try:
        result = priority.assess(con, PERIOD, access.ANALYST, "en")
    finally:
        con.close()
    cells = _cells(result)
    c1, c2, c3 = cells["arms_trafficking"], cells["kidnapping_for_ransom"], cells["illicit_mining"]
    assert result.gitoc_imported
    assert c1["resilience"] == 4.0 and c1["capacity"] == pytest.approx(6 / 9) and c1["resilience_edition"] == 2023
    assert c1["gitoc_market_score"] == 7.5 and math.isnan(c3["gitoc_market_score"])   # no Non-renewable score
    assert c1["score"] == pytest.approx(100 * (30 + 25 * L1 + 22.5 + 15 * 6 / 9) / 100)
    assert c3["score"] == pytest.approx(100 * (25 + 15 * 6 / 9) / 85)
    assert c2["score"] == pytest.approx(SCORE_C2)                    # Haiti: no GI-TOC row, still unknown
    assert "no GI-TOC score for this country" in c2["sentence"]
    assert "GI-TOC resilience 4.00 out of 10, 2023 edition" in c1["sentence"]


def _frame(rows: list[dict]) -> pd.DataFrame:
    base = dict(days=56, trend="none", cross_border=0, countries_linked=1, actor_records=0, actor_mean=np.nan,
                resilience=np.nan, grade_quality=0.8, corroborated=0)
    return pd.DataFrame([{**base, **r, "area": f"A{i}", "market": "m"} for i, r in enumerate(rows)])


row_strategy = st.fixed_dictionaries({
    "incidents": st.integers(1, 50), "victims": st.integers(0, 40), "women_children": st.integers(0, 40),
    "fatalities": st.integers(0, 20), "seizure_usd": st.floats(0, 5e6), "cross_border": st.integers(0, 1),
    "countries_linked": st.integers(1, 6), "actor_records": st.integers(0, 1), "actor_mean": st.floats(1, 5),
    "resilience": st.one_of(st.just(float("nan")), st.floats(1, 10)),
    "trend": st.sampled_from(["rising", "falling", "none", "insufficient"]),
})


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(row_strategy, min_size=1, max_size=8), which=st.integers(0, 7),
       extra=st.fixed_dictionaries({"victims": st.integers(0, 30), "women_children": st.integers(0, 30),
                                    "fatalities": st.integers(0, 10), "seizure_usd": st.floats(0, 1e6)}))
def test_more_harm_never_lowers_a_score(rows, which, extra):
    which %= len(rows)
    before = priority.score(_frame(rows)).set_index("area")["score"]
    more = [dict(r) for r in rows]
    for key, value in extra.items():
        more[which][key] += value
    after = priority.score(_frame(more)).set_index("area")["score"]
    assert after[f"A{which}"] >= before[f"A{which}"] - 1e-9


def test_weights_round_trip_through_the_url():
    w = priority.Weights(harm=40, likelihood=10, reach=0, actor=25, capacity=15, women_children=2.5)
    params = priority.weights_to_params(w)
    assert params == {"w_harm": "40", "w_likelihood": "10", "w_reach": "0", "w_actor": "25", "w_capacity": "15",
                      "w_wc": "2.5"}
    assert priority.weights_from_params({**params, "lang": "fr", "market": ["x"]}) == w
    assert priority.weights_from_params({}) == priority.Weights()
    assert priority.weights_from_params({"w_harm": ["10", "60"]}).harm == 60     # repeated key: the last wins
    for bad in ({"w_harm": "abc"}, {"w_reach": "-1"}, {"w_wc": "inf"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            priority.weights_from_params(bad)
    with pytest.raises(ValueError, match="at least one factor"):
        priority.weights_from_params({k: "0" for k in list(priority.PARAM_KEYS)[:5]})
    assert priority.parse_weight_flags(["w_harm=40", "w_wc=2.5"]) == priority.Weights(harm=40, women_children=2.5)
    with pytest.raises(ValueError, match="KEY=VALUE"):
        priority.parse_weight_flags(["harm=4"])


def test_sensitivity_is_reproducible_and_brackets_the_rank(prio_store):
    con, *_ = prio_store
    scored = priority.score(priority.inputs(con, PERIOD, access.ANALYST, "en"))
    a, b = priority.sensitivity(scored), priority.sensitivity(scored)
    pd.testing.assert_frame_equal(a, b)
    assert ((a["rank_min"] <= scored["rank"]) & (scored["rank"] <= a["rank_max"])).all()
    # C2 (36.5) and C3 (35.7) are close: ±20 % weights can swap them; C1 stays first.
    assert a["rank_min"].tolist() == [1, 2, 2] and a["rank_max"].tolist() == [1, 3, 3]
    still = priority.sensitivity(scored, spread=0.0)
    assert (still["rank_min"] == scored["rank"]).all() and (still["rank_max"] == scored["rank"]).all()


def test_brief_top5_comes_from_the_model(demo_db):
    con = store.connect(demo_db, read_only=True)
    try:
        week = date(2026, 11, 16)
        # The Gender Officer's exports are protected (the commissioner's no longer are: access.md).
        pack = brief.weekly_brief(con, Filters(), access.GENDER, "en", week, destination="export")
        top = priority.top_threats(con, Filters(), access.GENDER, "en", date(2026, 11, 22))
        full = priority.assess(con, Filters(date_from=date(2026, 8, 3), date_to=date(2026, 11, 22)),
                               access.GENDER, "en", destination="export")
    finally:
        con.close()
    assert len(top) == 5 and top["rank"].tolist() == [1, 2, 3, 4, 5]
    assert pack.priorities[["admin1_code", "market", "score"]].equals(top[["admin1_code", "market", "score"]])
    assert top[["admin1_code", "market"]].values.tolist() == full.frame.head(5)[["area", "market"]].values.tolist()
    assert (top["incidents_4w"] + top["incidents_prior"] == top["incidents"]).all()
    # Only five rows are published, so only they are protected (as a table of their own): small
    # counts still never show, and every shown count is the true one.
    for shown, true in ((top["victims_shown"], full.frame.head(5)["victims"]),
                        (top["women_children_shown"], full.frame.head(5)["women_children"])):
        for value, truth in zip(shown, true):
            assert value in ("<5", "x") if isinstance(value, str) else (value == truth and not 1 <= value < 5)
    assert full.frame["sentence"].iloc[0].startswith(f"Rank 1 of {len(full.frame)}")


def test_cli_gives_the_same_numbers(demo_db, tmp_path):
    out = tmp_path / "p.json"
    env = {**os.environ, "TNT_PROFILE": "shared", "TNT_DB": str(demo_db)}
    result = subprocess.run([sys.executable, "-m", "tnt_dash", "priorities", "--to", "2026-11-29", "--period", "90d",
                             "--level", "country", "--format", "json", "--out", str(out), "--weight", "w_harm=50"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    payload = json.loads(out.read_text())
    assert payload["marking"] == "UNCLASSIFIED – TLP:GREEN – Releasable to host State"
    assert "Weights: w_harm=50, w_likelihood=25, w_reach=15, w_actor=15, w_capacity=15, w_wc=1" in payload["notes"]
    rows = [dict(zip(payload["columns"], row)) for row in payload["rows"]]
    con = store.connect(demo_db, read_only=True)
    try:
        # The command opens on the missions' areas of operations, as the page does (all of CAR for MINUSCA).
        expected = priority.assess(con, Filters(date_from=date(2026, 9, 1), date_to=date(2026, 11, 29),
                                                operations_area=True),
                                   SHARED_CAF, "en", "country", priority.Weights(harm=50), destination="export")
    finally:
        con.close()
    assert [r["Rank"] for r in rows] == expected.frame["rank"].tolist()
    assert [r["Priority score (0–100)"] for r in rows] == expected.frame["score"].round(1).tolist()
    bad = subprocess.run([sys.executable, "-m", "tnt_dash", "priorities", "--period", "90", "--out", str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "90d" in bad.stderr


def _page(query: dict, profile: str = "analyst", monkeypatch=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/priorities.py").run()
    return at


def test_page_reads_weights_from_url(demo_env, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = _page({"w_harm": "60", "w_capacity": "0", "w_wc": "2"})
    assert not at.exception, [e.message for e in at.exception]
    sliders = {s.key: s.value for s in at.slider}
    assert sliders["w_harm"] == 60 and sliders["w_capacity"] == 0 and sliders["w_wc"] == 2.0
    assert sliders["w_likelihood"] == 25
    text = "\n".join(c.value for c in at.caption)
    assert "Harm 52%" in text      # 60 / (60 + 25 + 15 + 15 + 0)
    table = at.dataframe[0].value
    con = store.connect(demo_env, read_only=True)
    try:
        start, end = priority.period(con, Filters(operations_area=True), access.ANALYST)
        expected = priority.assess(con, Filters(date_from=start, date_to=end, operations_area=True), access.ANALYST, "en",
                                   weights=priority.Weights(harm=60, capacity=0, women_children=2))
    finally:
        con.close()
    assert table["Rank"].tolist()[:10] == expected.frame["rank"].tolist()[:10]
    assert table["Market"].tolist()[:10] == expected.frame["market_label"].tolist()[:10]
    assert table["Why this rank"].tolist()[0] == expected.frame["sentence"].iloc[0]
    # Unknown capacity is shown as unknown, never as a 0 score.
    assert any("has not been imported" in w.body for w in at.warning)
    assert "host-State capacity unknown" in table["Why this rank"].iloc[0]


def test_page_rejects_bad_weights_in_url(demo_env, monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "shared")
    at = _page({"w_harm": "lots", "lang": "fr", "plevel": "country"})
    assert not at.exception
    assert len(at.error) == 1
    assert {s.key: s.value for s in at.slider}["w_harm"] == 30
    # The level comes from the link too: countries, so no separate country column.
    assert at.dataframe[0].value.columns[1] in ("Country or territory", "Pays ou territoire")
    assert "Admin-1 area" not in at.dataframe[0].value.columns


def test_only_the_explained_rows_publish_victims_and_they_are_protected_as_shown(demo_db):
    # The priorities page explains (and so publishes victim counts for) its first rows only;
    # those are protected as a table of their own, the rest publish nothing.
    con = store.connect(demo_db, read_only=True)
    try:
        period = Filters(date_from=date(2026, 8, 3), date_to=date(2026, 11, 22))
        page = priority.assess(con, period, SHARED_CAF, "en", explain=10, publish=10)
    finally:
        con.close()
    f = page.frame
    assert len(f) > 10
    assert f["victims_shown"].iloc[10:].isna().all() and f["sentence"].iloc[10:].isna().all()
    for column in ("victims", "women_children"):
        for value, truth in zip(f[f"{column}_shown"].head(10), f[column].head(10)):
            assert value in ("<5", "x") if isinstance(value, str) else (value == truth and not 1 <= value < 5)
    assert page.suppressed and any(isinstance(v, str) for v in f["victims_shown"].head(10)), \
        "the demo's first rows should include a small count, or this test checks nothing"


def test_gitoc_context_is_kept_per_content_and_follows_every_change(tmp_path):
    """The context is built once per content of gitoc_scores, and an insert, a corrected score
    or a deletion through the same connection is seen on the next read."""
    con = store.connect(tmp_path / "gitoc.duckdb")
    store.migrate(con)
    try:
        assert priority.gitoc_context(con)["imported"] is False
        con.execute("INSERT INTO gitoc_scores (iso3, edition, indicator, kind, score) VALUES "
                    "('CAF', 2023, 'Law enforcement', 'resilience', 3.0), "
                    "('CAF', 2023, 'Arms trafficking', 'market', 7.5)")
        first = priority.gitoc_context(con)
        assert first["resilience"] == {"CAF": 3.0} and first["market"] == {("CAF", "Arms trafficking"): 7.5}
        assert priority.gitoc_context(con) is first                    # unchanged content: not rebuilt
        con.execute("UPDATE gitoc_scores SET score = 6.0 WHERE indicator = 'Law enforcement'")
        assert priority.gitoc_context(con)["resilience"] == {"CAF": 6.0}
        con.execute("UPDATE gitoc_scores SET edition = 2025 WHERE indicator = 'Arms trafficking'")
        assert priority.gitoc_context(con)["market"] == {("CAF", "Arms trafficking"): 7.5}
        con.execute("DELETE FROM gitoc_scores WHERE kind = 'market'")
        assert priority.gitoc_context(con)["market"] == {}
        con.execute("DELETE FROM gitoc_scores")
        assert priority.gitoc_context(con)["imported"] is False
    finally:
        con.close()


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), rows=st.integers(1, 45), seed=st.integers(0, 10_000), ties=st.booleans(),
       missing=st.booleans())
def test_rank_ranges_of_the_first_rows_equal_the_full_ranking(n, rows, seed, ties, missing):
    """sensitivity(rows=k) counts the rows ahead instead of sorting: the same ranges as the full sort,
    with tied scores and unknown factors (a row with none known scores 0 in every draw)."""
    rng = np.random.default_rng(seed)
    factors = rng.integers(0, 3, size=(n, len(priority.FACTORS))) / 2 if ties else rng.random((n, len(priority.FACTORS)))
    if missing:
        factors[rng.random((n, len(priority.FACTORS))) < 0.3] = np.nan
        factors[rng.random(n) < 0.2] = np.nan           # whole rows unknown: no score
    frame = pd.DataFrame(factors, columns=list(priority.FACTORS), index=np.arange(n) * 3 + 1)
    full = priority.sensitivity(frame)
    first = priority.sensitivity(frame, rows=min(rows, n))
    pd.testing.assert_frame_equal(first, full.head(min(rows, n)), check_dtype=False)


def test_the_briefs_top_five_carry_the_full_models_rank_ranges(demo_db):
    con = store.connect(demo_db, read_only=True)
    try:
        window = Filters(date_from=date(2026, 8, 3), date_to=date(2026, 11, 22))
        for profile in (access.ANALYST, SHARED_CAF):
            full = priority.assess(con, window, profile, "en", destination="export", explain=0).frame
            top = priority.assess(con, window, profile, "en", destination="export", explain=0, top=5).frame
            assert len(full) > 5
            columns = ["area", "market", "rank", "rank_min", "rank_max"]
            pd.testing.assert_frame_equal(top[columns], full[columns].head(5), check_dtype=False)
    finally:
        con.close()


@pytest.mark.parametrize("first, source", [
    (date(2026, 7, 30), "incidents"),          # 116 days: 16 bins and 4 days over, from the incidents
    (date(2026, 8, 3), "incident_weekly"),     # 16 whole ISO weeks, from the weekly rollup
])
def test_weekly_bins_count_back_from_the_end_on_the_demo_store(demo_db, first, source):
    """The 7-day bins behind the trend and the last-4-weeks count: each row's last four bins hold
    exactly its incidents of the window's last 28 days, and a partial oldest bin is left out."""
    con = store.connect(demo_db, read_only=True)
    try:
        end = date(2026, 11, 22)
        window = Filters(date_from=first, date_to=end)
        frame = priority.inputs(con, window, access.ANALYST, "en")
        direct = dict(((a, m), n) for a, m, n in con.execute(
            # An incident's area: where it occurred or, for a cyber incident, its victims' (docs/cyber.md).
            "SELECT coalesce(admin1_code, residence_admin1_code) AS area, market, count(*) FROM incidents "
            "WHERE status = 'validated' AND date_occurred BETWEEN ? AND ? AND area IS NOT NULL GROUP BY ALL",
            [end - timedelta(days=27), end]).fetchall())
    finally:
        con.close()
    assert frame.attrs["source"] == source
    assert (frame["weeks_tested"] == 16).all() and len(frame) > 50
    assert {(a, m): n for a, m, n in zip(frame["area"], frame["market"], frame["recent_4w"]) if n} == direct


def test_protected_scores_say_no_more_than_the_published_counts(demo_db, monkeypatch):
    """Scored on hidden counts, a shared view's harm factor (min-max of ln(1 + harm points), with
    fatalities and seizures published) gave every hidden victim count back. Under protection a
    row's harm and score must not move when a "<5" cell's true value moves within 1..4 (the
    protected table unchanged), and the analyst's must."""
    con = store.connect(demo_db, read_only=True)
    try:
        weights = priority.Weights(women_children=0.0)
        raw = priority.inputs(con, Filters(), SHARED_CAF, "en")
        shown = priority.presented.protect_victims(raw, SHARED_CAF, "screen")
        small = [i for i, v in enumerate(shown["victims"]) if v == "<5" and shown["women_children"].iloc[i] == 0]
        assert small, "the demo store has small victim cells under shared"
        row = small[0]
        moved = raw.copy()
        moved.loc[row, "victims"] = 1 if raw.loc[row, "victims"] != 1 else 4
        assert priority.presented.protect_victims(moved, SHARED_CAF, "screen")[["victims", "women_children"]].equals(
            shown[["victims", "women_children"]])
        key = tuple(raw.loc[row, ["area", "market"]])

        def assessed(frame, profile):
            monkeypatch.setattr(priority, "inputs", lambda *a, **k: frame.copy())
            result = priority.assess(con, Filters(), profile, "en", weights=weights).frame
            return result.set_index(["area", "market"]).loc[key, ["harm", "score", "victims_shown"]]

        before, after = assessed(raw, SHARED_CAF), assessed(moved, SHARED_CAF)
        assert before["victims_shown"] == after["victims_shown"] == "<5"
        assert before["harm"] == after["harm"] and before["score"] == after["score"]
        assert assessed(raw, access.ANALYST)["harm"] != assessed(moved, access.ANALYST)["harm"]
    finally:
        con.close()
