"""The priority model (issues #10, #31): hand-computed figures on a fixed scale, severity-weighted
harm, risk = harm × likelihood, modifiers, unknowns, cyber rows, weights in the URL."""
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

from tnt_dash import access, brief, i18n, presented, priority, seed, store
from tnt_dash.filters import Filters
from tnt_dash.priority import records
from tnt_dash.scope import Scope

from .conftest import first_admin1, insert_incident, SHARED_CAF
from .test_app import APP

ROOT = Path(__file__).resolve().parent.parent
PERIOD = Filters(date_from=date(2026, 10, 5), date_to=date(2026, 11, 29))   # 56 days: 8 full 7-day bins
LN = math.log
HARM_REF, RATE_REF, DEATH = 120, 5, 24        # tnt_dash/reference/priority_calibration.csv


# Three area × market cells; every figure below is worked out by hand in the comments.
#  cell  area  market                 records
#  C1    CAF1  arms_trafficking       X1 11-20: girl 1 + man 1, 2 dead, USD 200 000, cross-border (origin SDN),
#                                        actor ACT-001 (5,3,4), A1, 2 sources
#                                     X2 10-10: nothing, C3, 1 source
#  C2    HTI1  kidnapping_for_ransom  X3 11-25: 3 women, actor ACT-003 (1,3,2), B2
#  C3    CAF1  illicit_mining         X4-X7 11-02, 11-09, 11-16, 11-23: nothing, no actor, B2
# 7-day bins back from 11-29: X1 1, X2 7, X3 0, X4 3, X5 2, X6 1, X7 0. CAF1 reported in bins
# {0, 1, 2, 3, 7}: coverage 5/8; HTI1 in {0}: 1/8, below the floor 0.5.
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


def _harm(points: float) -> float:
    return min(1.0, LN(1 + points) / LN(1 + HARM_REF))


def _likelihood(rate: float, trend: float) -> float:
    return 0.7 * min(1.0, LN(1 + rate) / LN(1 + RATE_REF)) + 0.3 * trend


# Hand computation (harm_severity.csv: arms victim 2+2+1 = 5, incident 4+0; kidnapping victim
# 3+4+3 = 10, incident 3; mining victim 5, incident 3+3 = 6). No GI-TOC: capacity unknown (×1).
P1 = (2 * 4 + 5 * (2 + 1 * 1) + DEATH * 2) / 2        # 35.5: the girl's harm doubled (w_wc 1)
P2 = (3 + 10 * 3) / 1                                    # 33: adult women outside sexual exploitation
P3 = 6.0
H1, H2, H3 = _harm(P1), _harm(P2), _harm(P3)
L1 = _likelihood(0.25 / 0.625, 0.5)                     # 2 incidents in 8 weeks, read over 5 of 8 weeks
L2 = _likelihood(0.125 / 0.5, 0.5)                      # coverage 1/8, floored at 0.5
L3 = _likelihood(0.5 / 0.625, 1.0)                      # rising: 0,0,0,0,1,1,1,1
REACH1 = 0.5 * 0.5 + 0.5 * (1 / 3)                      # half cross-border; SDN besides CAF, of 3
M1 = (1 + 0.15 * (2 * REACH1 - 1)) * (1 + 0.15 * (2 * 0.75 - 1))    # actor (4 - 1) / 4
M2 = (1 - 0.15) * (1 + 0.15 * (2 * 0.25 - 1))                       # no reach; actor (2 - 1) / 4
M3 = 1 - 0.15                                                        # no reach; actor unknown (×1)


@pytest.fixture(params=["incident_weekly", "incidents"])
def source(request, monkeypatch) -> str:
    """Each hand test on both sources of the model's inputs: the weekly rollup (PERIOD is whole ISO
    weeks) and the incidents (TNT_ROLLUPS=0, as for a partial week or a grading filter)."""
    monkeypatch.setenv("TNT_ROLLUPS", "1" if request.param == "incident_weekly" else "0")
    return request.param


def test_scores_by_hand(prio_store, source):
    con, caf, hti = prio_store
    assert priority.inputs(con, PERIOD, access.ANALYST, "en").attrs["source"] == source
    result = priority.assess(con, Scope(PERIOD, access.ANALYST, "en"))
    cells = _cells(result)
    c1, c2, c3 = cells["arms_trafficking"], cells["kidnapping_for_ransom"], cells["illicit_mining"]
    assert (c1["harm_points"], c2["harm_points"], c3["harm_points"]) == (P1, P2, P3) == (35.5, 33, 6)
    assert (c1["harm"], c2["harm"], c3["harm"]) == pytest.approx((H1, H2, H3))
    assert [c1["coverage"], c2["coverage"], c3["coverage"]] == [0.625, 0.125, 0.625]
    assert [c1["trend"], c2["trend"], c3["trend"]] == ["none", "none", "rising"]
    assert (c1["likelihood"], c2["likelihood"], c3["likelihood"]) == pytest.approx((L1, L2, L3))
    assert c1["countries_linked"] == 2 and c1["cross_border_share"] == 0.5 and c1["reach"] == pytest.approx(REACH1)
    assert c1["actor"] == pytest.approx(0.75) and c2["actor"] == pytest.approx(0.25) and math.isnan(c3["actor"])
    for cell, h, lik, m in ((c1, H1, L1, M1), (c2, H2, L2, M2), (c3, H3, L3, M3)):
        assert cell["risk"] == pytest.approx(100 * h * lik)
        assert cell["modifiers"] == pytest.approx(m)
        assert cell["score"] == pytest.approx(100 * h * lik * m)
    assert c1["score"] == pytest.approx(22.1277, abs=1e-3) and c2["score"] == pytest.approx(13.7120, abs=1e-3)
    assert c3["score"] == pytest.approx(18.2666, abs=1e-3)
    assert [c1["rank"], c3["rank"], c2["rank"]] == [1, 2, 3]
    assert [c1["known_factors"], c2["known_factors"], c3["known_factors"]] == [4, 4, 3]
    # Confidence = (2 × grade quality + corroboration + volume + completeness) / 5
    assert c1["confidence"] == pytest.approx((2 * 0.8 + 0.5 + 0.2 + (0.8 + 1) / 2) / 5) and \
        c1["confidence_level"] == "medium"
    assert c2["confidence"] == pytest.approx((2 * 0.8 + 0 + 0.1 + 0.9) / 5)
    assert c3["confidence"] == pytest.approx((2 * 0.8 + 0 + 0.4 + (0.6 + 1) / 2) / 5)
    # Reproducible: the same inputs give the same frame.
    again = priority.assess(con, Scope(PERIOD, access.ANALYST, "en"))
    pd.testing.assert_frame_equal(result.frame, again.frame)


def test_weights_change_scores_by_hand(prio_store, source):
    con, *_ = prio_store
    w = priority.Weights(harm=100, likelihood=0, reach=0, actor=0, capacity=0, women_children=0)
    cells = _cells(priority.assess(con, Scope(PERIOD, access.ANALYST, "en"), weights=w))
    assert cells["arms_trafficking"]["harm_points"] == (8 + 5 * 2 + 48) / 2      # the girl no longer doubled
    # Harm alone: risk = 100 × harm^2 × likelihood^0; no modifier moves it.
    assert cells["kidnapping_for_ransom"]["score"] == pytest.approx(100 * H2 ** 2)
    assert cells["illicit_mining"]["score"] == pytest.approx(100 * H3 ** 2)
    assert cells["illicit_mining"]["modifiers"] == 1


def test_shared_profile_never_scores_restricted_records(prio_store, source):
    con, *_ = prio_store
    wide = replace(PERIOD, statuses=("validated", "in_review"))
    analyst = _cells(priority.assess(con, Scope(wide, access.ANALYST, "en")))
    shared = _cells(priority.assess(con, Scope(wide, access.SHARED.for_host_state("HTI"), "en")))   # C2 is in Haiti
    assert analyst["kidnapping_for_ransom"]["fatalities"] == 50     # X8, TLP:RED and in review
    assert shared["kidnapping_for_ransom"]["fatalities"] == 0
    assert shared["kidnapping_for_ransom"]["victims_shown"] == "<5"   # 3 women, suppressed on a shared screen


def test_missing_capacity_is_neutral_not_zero(prio_store):
    con, *_ = prio_store
    result = priority.assess(con, Scope(PERIOD, access.ANALYST, "en"))
    assert not result.gitoc_imported
    for row in result.frame.to_dict("records"):
        assert math.isnan(row["capacity"]) and "capacity" in row["unknown"] and row["modifier_capacity"] == 1
        assert "host-State capacity unknown, ×1.00 (GI-TOC index not imported)" in row["sentence"]
        assert "an unknown modifier counts as neutral" in row["sentence"]
    # Counted as 0 the gap would take 15 % off every row: C3 would be 0.85 × 0.85 of its risk.
    c3 = _cells(result)["illicit_mining"]
    assert c3["score"] == pytest.approx(c3["risk"] * 0.85) and c3["score"] > c3["risk"] * 0.85 * 0.85
    table = priority.table(result, i18n.get("en"))
    assert set(table["Unknown factors (neutral, ×1)"]) >= {"Host-State capacity gap",
                                                            "Actor capability, Host-State capacity gap"}
    assert table["Host-State capacity gap (0–1)"].isna().all()
    assert table["Known factors (of 5)"].tolist() == [4, 3, 4]


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
        result = priority.assess(con, Scope(PERIOD, access.ANALYST, "en"))
    finally:
        con.close()
    cells = _cells(result)
    c1, c2, c3 = cells["arms_trafficking"], cells["kidnapping_for_ransom"], cells["illicit_mining"]
    gap = 1 + 0.15 * (2 * 6 / 9 - 1)                                  # resilience 4.0: gap 6/9
    assert result.gitoc_imported
    assert c1["resilience"] == 4.0 and c1["capacity"] == pytest.approx(6 / 9) and c1["resilience_edition"] == 2023
    assert c1["gitoc_market_score"] == 7.5 and math.isnan(c3["gitoc_market_score"])   # no Non-renewable score
    assert c1["score"] == pytest.approx(100 * H1 * L1 * M1 * gap) and c1["known_factors"] == 5
    assert c3["score"] == pytest.approx(100 * H3 * L3 * M3 * gap)
    assert c2["score"] == pytest.approx(100 * H2 * L2 * M2)          # Haiti: no GI-TOC row, still unknown
    assert "no GI-TOC score for this country" in c2["sentence"]
    assert "GI-TOC resilience 4.00 out of 10, 2023 edition" in c1["sentence"]


# --- Acceptance of issue #31, on hand-made frames and stores ------------------------------------

def _frame(rows: list[dict]) -> pd.DataFrame:
    base = dict(market="arms_trafficking", cyber="none", days=56, weeks_tested=8, active_weeks=8, trend="none",
                incidents=1, victims=0, vulnerable=0, sexual_victims=0, sexual_vulnerable=0, fatalities=0,
                seizure_usd=0.0, cross_border=0, countries_linked=1, actor_records=0, actor_mean=np.nan,
                resilience=np.nan, corroborated=0, reliability_judged=1, reliability_tenths=8, credibility_judged=1,
                credibility_tenths=8)
    return pd.DataFrame([{**base, **r, "area": r.get("area", f"A{i}")} for i, r in enumerate(rows)])


def _by_area(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("area")


def test_doubling_seizure_value_leaves_risk_unchanged():
    rows = [dict(incidents=3, victims=2, fatalities=1, seizure_usd=250_000.0),
            dict(market="fauna_crimes", incidents=5, seizure_usd=4_000_000.0)]
    before = _by_area(priority.score(_frame(rows)))
    doubled = _by_area(priority.score(_frame([{**r, "seizure_usd": 2 * r["seizure_usd"]} for r in rows])))
    for column in ("harm", "likelihood", "risk", "score", "rank"):
        assert before[column].equals(doubled[column]), column
    # Wildlife crime's harm is its environmental and community harm, not the value seized.
    assert before.loc["A1", "harm_points"] == 2 + 4


def test_a_child_in_sexual_exploitation_raises_harm_more_than_a_fraud_victim(tmp_path):
    path = tmp_path / "harm.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf = first_admin1(con, "CAF")
    common = dict(date_occurred="2026-11-20", iso3="CAF", admin1_code=caf)
    insert_incident(con, incident_id="H0", market="human_trafficking", subtype="sexual exploitation", **common)
    insert_incident(con, incident_id="H1", market="human_trafficking", subtype="sexual exploitation",
                    v_female_child=1, **common)
    insert_incident(con, incident_id="F0", market="online_fraud", **common)
    insert_incident(con, incident_id="F1", market="online_fraud", v_male_adult=1, **common)
    con.close()
    con = store.connect(path, read_only=True)
    try:
        raw = priority.inputs(con, PERIOD, access.ANALYST, "en").set_index("market")
    finally:
        con.close()
    assert raw.loc["human_trafficking", ["victims", "vulnerable", "sexual_victims", "sexual_vulnerable"]].tolist() \
        == [1, 1, 1, 1]
    assert raw.loc["online_fraud", ["victims", "vulnerable", "sexual_victims"]].tolist() == [1, 0, 0]
    # Per incident: 2 incidents each, one victim added. Sexual exploitation 4+4+3 = 11 per victim,
    # doubled for a child: 22; fraud 0+2+3 = 5.
    scored = priority.score(raw.reset_index()).set_index("market")
    child_gain = scored.loc["human_trafficking", "harm_points"] - 2.0        # the incidents' own 2 + 0
    fraud_gain = scored.loc["online_fraud", "harm_points"] - 1.0
    assert (child_gain, fraud_gain) == (22 / 2, 5 / 2)
    assert scored.loc["human_trafficking", "harm"] > scored.loc["online_fraud", "harm"]
    # A woman in sexual exploitation is vulnerable too; outside it she is not.
    women = _frame([dict(market="human_trafficking", victims=1, vulnerable=1, sexual_victims=1, sexual_vulnerable=1),
                    dict(market="human_trafficking", victims=1)])
    points = priority.score(women).set_index("area")["harm_points"]
    assert (points["A0"], points["A1"]) == (2 + 11 * 2, 2 + 10)


def test_a_high_harm_rare_threat_does_not_tie_with_a_low_harm_frequent_one():
    # Harm and likelihood swapped: A grave and rare, B light and frequent. Added with equal weights
    # they tie by accident; multiplied, risk separates a threat that is both from either alone.
    rare = dict(market="kidnapping_for_ransom", incidents=1, victims=3, fatalities=2)           # one a year
    frequent = dict(market="cannabis", incidents=40, trend="rising")
    both = dict(market="kidnapping_for_ransom", incidents=40, victims=120, fatalities=80, trend="rising")
    scored = _by_area(priority.score(_frame([rare, frequent, both]), priority.Weights(reach=0, actor=0, capacity=0)))
    a, b, c = scored.loc["A0"], scored.loc["A1"], scored.loc["A2"]
    assert a["harm"] > 0.8 > b["harm"] and b["likelihood"] > a["likelihood"]
    assert a["risk"] == pytest.approx(100 * a["harm"] * a["likelihood"])
    assert c["risk"] > max(a["risk"], b["risk"]) + 20
    # A pair whose harm and likelihood are exactly swapped has equal risk by construction; the
    # stated tie-break (harm first) decides, never the order of the rows.
    swapped = priority.score(pd.DataFrame([{**_frame([{}]).iloc[0], "area": area} for area in ("Z", "A")]).assign(
        incidents=[1, 1]))
    assert swapped["rank"].tolist() == [1, 2]


def test_a_row_scores_the_same_alone_or_among_others():
    rows = [dict(incidents=9, victims=4, vulnerable=2, fatalities=1, cross_border=3, countries_linked=3),
            dict(market="online_fraud", cyber="cyber-enabled", incidents=30, victims=30),
            dict(market="cannabis", incidents=2, active_weeks=2)]
    together = _by_area(priority.score(_frame(rows)))
    for i, row in enumerate(rows):
        alone = _by_area(priority.score(_frame([row]).assign(area=f"A{i}")))
        for column in ("harm", "likelihood", "risk", "modifiers", "score", "confidence"):
            assert alone.loc[f"A{i}", column] == together.loc[f"A{i}", column], column


def test_hti_kidnapping_scores_the_same_with_country_hti_and_without(demo_db):
    con = store.connect(demo_db, read_only=True)
    try:
        for level in priority.LEVELS:
            everywhere = priority.assess(con, Scope(Filters(), access.ANALYST, "en"), level, explain=0).frame
            haiti = priority.assess(con, Scope(Filters(countries=("HTI",)), access.ANALYST, "en"), level, explain=0).frame
            key = ["area", "market"]
            parts = ["harm", "likelihood", "risk", "modifiers", "score", "confidence"]
            wide = everywhere[(everywhere["iso3"] == "HTI") & (everywhere["market"] == "kidnapping_for_ransom")]
            narrow = haiti[haiti["market"] == "kidnapping_for_ransom"]
            assert len(wide) and len(narrow) == len(wide) and len(everywhere) > len(haiti)
            pd.testing.assert_frame_equal(wide.set_index(key)[parts].sort_index(),
                                          narrow.set_index(key)[parts].sort_index())
    finally:
        con.close()


def test_grades_that_cannot_be_judged_are_unknown_not_low():
    judged = dict(reliability_judged=2, reliability_tenths=10, credibility_judged=2, credibility_tenths=10,
                  incidents=2)
    one_unjudged = dict(judged, reliability_judged=1, credibility_judged=1)          # A1 and F6
    bad = dict(judged, reliability_tenths=12, credibility_tenths=12)                  # A1 and E5
    none_judged = dict(judged, reliability_judged=0, reliability_tenths=0, credibility_judged=0, credibility_tenths=0)
    s = _by_area(priority.score(_frame([judged, one_unjudged, bad, none_judged])))
    assert s.loc["A1", "grade_quality"] == 1.0 and s.loc["A2", "grade_quality"] == pytest.approx(0.6)
    assert math.isnan(s.loc["A3", "grade_quality"])
    assert s.loc["A1", "completeness"] < s.loc["A0", "completeness"]       # unknown lowers completeness only
    assert s.loc["A1", "confidence"] > s.loc["A2", "confidence"]           # F6 is not E5


def test_a_cyber_threat_reaches_the_briefs_top_five_and_can_rank_first(tmp_path):
    """Cyber records have no admin-1 area: they are scored in their country ("online, country-wide")
    or as transnational / online, and rank with the admin-1 rows when their counts warrant it."""
    path = tmp_path / "cyber.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf = first_admin1(con, "CAF")
    end = date(2026, 11, 22)
    for n in range(48):     # three online frauds a week for 16 weeks, victims each, rising
        day = end - timedelta(days=(n * 7) // 3)
        insert_incident(con, incident_id=f"C{n}", date_occurred=day.isoformat(), iso3="COD", market="online_fraud",
                        v_female_adult=2 + (n < 20), v_male_adult=2)
    for n in range(6):
        insert_incident(con, incident_id=f"K{n}", date_occurred=(end - timedelta(days=9 * n)).isoformat(),
                        iso3="CAF", admin1_code=caf, market="cannabis")
    insert_incident(con, incident_id="T1", date_occurred="2026-11-20", market="ransomware")   # no country at all
    con.close()
    con = store.connect(path, read_only=True)
    try:
        top = priority.top_threats(con, Scope(Filters(), access.ANALYST, "en"), end)
        countries = priority.assess(con, Scope(Filters(date_from=date(2026, 8, 3), date_to=end), access.ANALYST, "en"), "country").frame
    finally:
        con.close()
    assert top["market"].iloc[0] == "online_fraud" and top["admin1_code"].iloc[0] == "COD"
    assert top["area_label"].iloc[0] == "Democratic Republic of the Congo – online, country-wide"
    assert top["area_level"].tolist()[:1] == ["country"] and set(top["area_level"]) == {"country", "adm1", "online"}
    online = top[top["area_level"] == "online"].iloc[0]
    assert online["area_label"] == "Transnational / online" and math.isnan(online["capacity"])
    # Reach of an online threat whose records say nothing of borders: unknown (×1), not "domestic".
    assert math.isnan(top["reach"].iloc[0]) and top["modifier_reach"].iloc[0] == 1
    assert set(countries["area"]) == {"COD", "CAF", priority.ONLINE_AREA}


row_strategy = st.fixed_dictionaries({
    "incidents": st.integers(1, 50), "victims": st.integers(0, 40), "vulnerable": st.integers(0, 40),
    "fatalities": st.integers(0, 20), "seizure_usd": st.floats(0, 5e6), "cross_border": st.integers(0, 1),
    "countries_linked": st.integers(1, 6), "actor_records": st.integers(0, 1), "actor_mean": st.floats(1, 5),
    "resilience": st.one_of(st.just(float("nan")), st.floats(1, 10)), "active_weeks": st.integers(0, 8),
    "market": st.sampled_from(["arms_trafficking", "human_trafficking", "online_fraud", "fauna_crimes"]),
    "trend": st.sampled_from(["rising", "falling", "none", "insufficient"]),
})


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(row_strategy, min_size=1, max_size=8), which=st.integers(0, 7),
       extra=st.fixed_dictionaries({"victims": st.integers(0, 30), "vulnerable": st.integers(0, 30),
                                    "fatalities": st.integers(0, 10), "seizure_usd": st.floats(0, 1e6)}))
def test_more_harm_never_lowers_a_score(rows, which, extra):
    rows = [{**r, "vulnerable": min(r["vulnerable"], r["victims"])} for r in rows]
    which %= len(rows)
    before = priority.score(_frame(rows)).set_index("area")
    more = [dict(r) for r in rows]
    for key, value in extra.items():
        more[which][key] += value
    more[which]["vulnerable"] = min(more[which]["vulnerable"], more[which]["victims"])
    after = priority.score(_frame(more)).set_index("area")
    assert after.loc[f"A{which}", "score"] >= before.loc[f"A{which}", "score"] - 1e-9
    # Nothing else moves: every row is scored on its own records.
    others = [f"A{i}" for i in range(len(rows)) if i != which]
    assert after.loc[others, "score"].equals(before.loc[others, "score"])


def test_weights_round_trip_through_the_url():
    w = priority.Weights(harm=40, likelihood=10, reach=0, actor=25, capacity=15, women_children=2.5)
    params = priority.weights_to_params(w)
    assert params == {"w_harm": "40", "w_likelihood": "10", "w_reach": "0", "w_actor": "25", "w_capacity": "15",
                      "w_wc": "2.5"}
    assert priority.weights_from_params({**params, "lang": "fr", "market": ["x"]}) == w
    assert priority.weights_from_params({}) == priority.Weights()
    assert priority.weights_from_params({"w_harm": ["10", "60"]}).harm == 60     # repeated key: the last wins
    for bad in ({"w_harm": "abc"}, {"w_reach": "-1"}, {"w_wc": "inf"}, {"w_actor": "150"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            priority.weights_from_params(bad)
    with pytest.raises(ValueError, match="harm and likelihood"):
        priority.weights_from_params({"w_harm": "0", "w_likelihood": "0"})
    assert priority.parse_weight_flags(["w_harm=40", "w_wc=2.5"]) == priority.Weights(harm=40, women_children=2.5)
    with pytest.raises(ValueError, match="KEY=VALUE"):
        priority.parse_weight_flags(["harm=4"])
    assert priority.Weights().exponents() == (1.0, 1.0) and w.exponents() == pytest.approx((1.6, 0.4))


def test_sensitivity_is_reproducible_and_brackets_the_rank(prio_store):
    con, *_ = prio_store
    scored = priority.score(priority.inputs(con, PERIOD, access.ANALYST, "en"))
    a, b = priority.sensitivity(scored), priority.sensitivity(scored)
    pd.testing.assert_frame_equal(a, b)
    assert ((a["rank_min"] <= scored["rank"]) & (scored["rank"] <= a["rank_max"])).all()
    still = priority.sensitivity(scored, spread=0.0)
    assert (still["rank_min"] == scored["rank"]).all() and (still["rank_max"] == scored["rank"]).all()
    # C3 (18.3) and C1 (22.1): ±20 % on the harm and likelihood exponents can swap them.
    assert a["rank_min"].tolist()[:2] == [1, 1] and a["rank_max"].tolist()[:2] == [2, 2]


def test_brief_top5_comes_from_the_model(demo_db):
    con = store.connect(demo_db, read_only=True)
    try:
        week = date(2026, 11, 16)
        # The Gender Officer's exports are protected (the commissioner's no longer are: access.md).
        pack = brief.weekly_brief(con, Scope(Filters(), access.GENDER, "en", "export"), week)
        top = priority.top_threats(con, Scope(Filters(), access.GENDER, "en"), date(2026, 11, 22))
        full = priority.assess(con, Scope(Filters(date_from=date(2026, 8, 3), date_to=date(2026, 11, 22)), access.GENDER, "en", "export"))
    finally:
        con.close()
    assert len(top) == 5 and top["rank"].tolist() == [1, 2, 3, 4, 5]
    assert pack.priorities[["admin1_code", "market", "score"]].equals(top[["admin1_code", "market", "score"]])
    assert top[["admin1_code", "market"]].values.tolist() == full.frame.head(5)[["area", "market"]].values.tolist()
    assert (top["incidents_4w"] + top["incidents_prior"] == top["incidents"]).all()
    # Only five rows are published, so only they are protected (as a table of their own): small
    # counts still never show, and every shown count is the true one.
    for shown, true in ((top["victims_shown"], full.frame.head(5)["victims"]),
                        (top["vulnerable_shown"], full.frame.head(5)["vulnerable"])):
        for value, truth in zip(shown, true):
            assert value in ("<5", "x") if isinstance(value, str) else (value == truth and not 1 <= value < 5)
    assert full.frame["sentence"].iloc[0].startswith(f"Rank 1 of {len(full.frame)}")


def test_cli_gives_the_same_numbers(demo_db, tmp_path):
    out = tmp_path / "p.json"
    env = {**os.environ, "TNT_PROFILE": "shared", "TNT_DB": str(demo_db)}
    result = subprocess.run([sys.executable, "-m", "tnt_dash", "priorities", "--to", "2026-11-29", "--period", "90d",
                             "--level", "country", "--format", "json", "--out", str(out), "--weight", "w_harm=60"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    payload = json.loads(out.read_text())
    assert payload["marking"] == "UNCLASSIFIED – TLP:GREEN – Releasable to host State"
    assert "Weights: w_harm=60, w_likelihood=50, w_reach=15, w_actor=15, w_capacity=15, w_wc=1" in payload["notes"]
    # The table keeps its shape, with the parts of the priority as columns.
    assert {"Rank", "Priority (risk × modifiers)", "Harm (0–1)", "Likelihood (0–1)", "Risk (0–100)", "Modifiers (×)",
            "Confidence", "Known factors (of 5)"} <= set(payload["columns"])
    rows = [dict(zip(payload["columns"], row)) for row in payload["rows"]]
    con = store.connect(demo_db, read_only=True)
    try:
        # The command opens on the missions' areas of operations, as the page does (all of CAR for MINUSCA).
        expected = priority.assess(con, Scope(Filters(date_from=date(2026, 9, 1), date_to=date(2026, 11, 29),
                                                operations_area=True), SHARED_CAF, "en", "export"), "country", priority.Weights(harm=60))
    finally:
        con.close()
    assert [r["Rank"] for r in rows] == expected.frame["rank"].tolist()
    assert [r["Priority (risk × modifiers)"] for r in rows] == expected.frame["score"].round(1).tolist()
    assert [r["Risk (0–100)"] for r in rows] == expected.frame["risk"].round(1).tolist()
    assert [r["Harm (0–1)"] for r in rows] == expected.frame["harm"].round(3).tolist()
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
    assert sliders["w_likelihood"] == 50
    text = "\n".join(c.value for c in at.caption)
    # a = 2 × 60 / 110, b = 2 × 50 / 110; capacity off; a vulnerable victim's harm × 3.
    assert "risk = 100 × harm^1.09 × likelihood^0.91" in text and "Host-State capacity gap ×1.00–×1.00" in text
    assert "harm ×3.0" in text
    table = at.dataframe[0].value
    con = store.connect(demo_env, read_only=True)
    try:
        start, end = priority.period(con, Filters(operations_area=True), access.ANALYST)
        expected = priority.assess(con, Scope(Filters(date_from=start, date_to=end, operations_area=True), access.ANALYST, "en"), weights=priority.Weights(harm=60, capacity=0, women_children=2))
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
    assert {s.key: s.value for s in at.slider}["w_harm"] == 50
    # The level comes from the link too: countries, so no separate country column.
    assert at.dataframe[0].value.columns[1] in ("Country or territory", "Pays ou territoire")
    assert "Admin-1 area" not in at.dataframe[0].value.columns


def test_only_the_explained_rows_publish_victims_and_they_are_protected_as_shown(demo_db):
    # The priorities page explains (and so publishes victim counts for) its first rows only;
    # those are protected as a table of their own, the rest publish nothing.
    con = store.connect(demo_db, read_only=True)
    try:
        period = Filters(date_from=date(2026, 8, 3), date_to=date(2026, 11, 22))
        page = priority.assess(con, Scope(period, SHARED_CAF, "en"), explain=10, publish=10)
    finally:
        con.close()
    f = page.frame
    assert len(f) > 10
    assert f["victims_shown"].iloc[10:].isna().all() and f["sentence"].iloc[10:].isna().all()
    for column in ("victims", "vulnerable"):
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
    with tied scores and unknown modifiers (harm and likelihood are always known)."""
    rng = np.random.default_rng(seed)
    factors = rng.integers(0, 3, size=(n, len(priority.FACTORS))) / 2 if ties else rng.random((n, len(priority.FACTORS)))
    if missing:
        factors[:, 2:][rng.random((n, len(priority.MODIFIERS))) < 0.3] = np.nan
        factors[rng.random(n) < 0.2, 2:] = np.nan           # every modifier unknown: risk alone
    frame = pd.DataFrame(factors, columns=list(priority.FACTORS), index=np.arange(n) * 3 + 1)
    full = priority.sensitivity(frame)
    first = priority.sensitivity(frame, rows=min(rows, n))
    pd.testing.assert_frame_equal(first, full.head(min(rows, n)), check_dtype=False)


def test_the_briefs_top_five_carry_the_full_models_rank_ranges(demo_db):
    con = store.connect(demo_db, read_only=True)
    try:
        window = Filters(date_from=date(2026, 8, 3), date_to=date(2026, 11, 22))
        for profile in (access.ANALYST, SHARED_CAF):
            full = priority.assess(con, Scope(window, profile, "en", "export"), explain=0).frame
            top = priority.assess(con, Scope(window, profile, "en", "export"), explain=0, top=5).frame
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
            # An incident's area: where it occurred or, for a cyber incident, its victims' (docs/cyber.md);
            # cyber records with neither are their country's online row (all have a country here).
            "SELECT coalesce(admin1_code, residence_admin1_code, iso3) AS area, market, count(*) FROM incidents "
            "WHERE status = 'validated' AND date_occurred BETWEEN ? AND ? AND (coalesce(admin1_code, "
            "residence_admin1_code) IS NOT NULL OR market IN (SELECT code FROM markets WHERE cyber <> 'none')) "
            "GROUP BY ALL",
            [end - timedelta(days=27), end]).fetchall())
    finally:
        con.close()
    assert frame.attrs["source"] == source
    assert (frame["weeks_tested"] == 16).all() and len(frame) > 50
    assert {(a, m): n for a, m, n in zip(frame["area"], frame["market"], frame["recent_4w"]) if n} == direct


def test_protected_scores_say_no_more_than_the_published_counts(demo_db, monkeypatch):
    """Scored on hidden counts, the first model's harm factor (min-max of ln(1 + harm points), with
    fatalities and seizures published) gave every hidden victim count back. Under protection a
    row's harm and score must not move when a "<5" cell's true value moves within 1..4 (the
    protected table unchanged), and the analyst's must."""
    con = store.connect(demo_db, read_only=True)
    try:
        weights = priority.Weights(women_children=0.0)
        raw = priority.inputs(con, Filters(), SHARED_CAF, "en")
        shown = presented.protect_victims(raw, SHARED_CAF, "screen", part="vulnerable")
        small = [i for i, v in enumerate(shown["victims"]) if v == "<5" and shown["vulnerable"].iloc[i] == 0
                 and raw["sexual_victims"].iloc[i] == 0]
        assert small, "the demo store has small victim cells under shared"
        row = small[0]
        moved = raw.copy()
        moved.loc[row, "victims"] = 1 if raw.loc[row, "victims"] != 1 else 4
        assert presented.protect_victims(moved, SHARED_CAF, "screen", part="vulnerable")[
            ["victims", "vulnerable"]].equals(shown[["victims", "vulnerable"]])
        key = tuple(raw.loc[row, ["area", "market"]])

        def assessed(frame, profile):
            monkeypatch.setattr(records, "inputs", lambda *a, **k: frame.copy())
            result = priority.assess(con, Scope(Filters(), profile, "en"), weights=weights).frame
            return result.set_index(["area", "market"]).loc[key, ["harm", "score", "victims_shown"]]

        before, after = assessed(raw, SHARED_CAF), assessed(moved, SHARED_CAF)
        assert before["victims_shown"] == after["victims_shown"] == "<5"
        assert before["harm"] == after["harm"] and before["score"] == after["score"]
        assert assessed(raw, access.ANALYST)["harm"] != assessed(moved, access.ANALYST)["harm"]
    finally:
        con.close()


def test_every_market_has_a_severity_and_the_note_states_the_constants_in_use():
    import csv
    with open(ROOT / "tnt_dash" / "reference" / "markets.csv", encoding="utf-8") as fh:
        markets = [row["code"] for row in csv.DictReader(fh)]
    scale = priority.severity_scale()
    assert {m for m, form in scale if form == ""} == set(markets)
    assert priority.severity("human_trafficking", "sexual_exploitation").victim == 11
    assert priority.severity("online_fraud", "sexual_exploitation") == priority.severity("online_fraud")
    c = priority.calibration()
    assert (c["harm_reference"], c["rate_reference"], c["fatality_points"]) == (HARM_REF, RATE_REF, DEATH)
    english = priority.method_note(i18n.get("en"))
    french = priority.method_note(i18n.get("fr"))
    assert len(english) == len(french) == len(priority.METHOD_NOTE)
    for (en_head, en_body), (fr_head, fr_body) in zip(english, french):
        assert "{" not in en_body + fr_body
        assert fr_body != en_body
    text = {h: b for h, b in english}
    assert "ln(1 + 120)" in text["Harm"] and "24 × deaths" in text["Harm"] and "ln(1 + 5)" in text["Likelihood"]
    assert "from 0 to 152" in text["Formula"]
    assert "±20%" in text["Sensitivity"] and "200 times" in text["Sensitivity"]
    french_text = " ".join(b for _, b in french)
    assert "ln(1 + 120)" in french_text and "0 à 152" in french_text
    with pytest.raises(ValueError, match="no row"):
        priority.severity("no_such_market")


def test_the_cli_scores_hti_kidnapping_the_same_with_country_hti_and_without(demo_db, tmp_path):
    env = {**os.environ, "TNT_PROFILE": "analyst", "TNT_DB": str(demo_db)}
    rows = {}
    for name, extra in (("all", []), ("hti", ["--country", "HTI"])):
        out = tmp_path / f"{name}.json"
        result = subprocess.run([sys.executable, "-m", "tnt_dash", "priorities", "--to", "2026-11-29", "--period",
                                 "120d", "--level", "country", "--format", "json", "--out", str(out), *extra],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        payload = json.loads(out.read_text())
        table = [dict(zip(payload["columns"], row)) for row in payload["rows"]]
        rows[name] = table
        (rows[f"{name}_kidnapping"],) = [r for r in table
                                         if r["Area"] == "Haiti" and r["Market"] == "Kidnapping for ransom"]
    assert len(rows["all"]) > len(rows["hti"])
    parts = ["Priority (risk × modifiers)", "Risk (0–100)", "Harm (0–1)", "Likelihood (0–1)", "Modifiers (×)",
             "Confidence (0–1)", "Known factors (of 5)", "Reporting coverage (share of weeks)"]
    assert [rows["all_kidnapping"][c] for c in parts] == [rows["hti_kidnapping"][c] for c in parts]
    # Only the rank moves: it counts the rows in view.
    assert rows["hti_kidnapping"]["Rank"] <= rows["all_kidnapping"]["Rank"]
