"""The Gender Officer's page: exact arithmetic on a hand-made store, unknowns never imputed,
small-cell protection that arithmetic cannot undo, and no count from 1 to 4 on shared outputs."""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from streamlit.testing.v1 import AppTest

from tnt_dash import access, exports, i18n, seed, stats, store, suppression
from tnt_dash.gender import arrests, audit, completeness, pack, rates, screen, trend, victims
from tnt_dash.gender import counts as gcounts, data as gdata, table as gtable, tables as gtables
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope

from .conftest import first_admin1, insert_incident, SHARED_CAF
from .test_app import APP

K = 5
T = i18n.get("en")
NOV = Filters(date_from=date(2026, 10, 1), date_to=date(2026, 11, 30))


# Three incidents; every figure below is worked out by hand from this table.
#  id  date        iso3 unit             market              fa fc fu ma mc mu uc ua uu | victims
#  G1  2026-10-05  CAF  MINUSCA – North  human_trafficking    4  3  1  .  .  .  .  .  2 |  10
#  G2  2026-11-10  CAF  MINUSCA – North  human_trafficking    .  .  .  5  1  .  2  2  . |  10
#  G3  2026-11-12  HTI  BINUH – West     kidnapping_for_ransom 6  .  .  .  2  .  .  .  . |   8
#  (fa female adult, fc female child, fu female age unknown, ma/mc/mu likewise, uc/ua/uu sex unknown)
@pytest.fixture
def gender_store(tmp_path: Path):
    path = tmp_path / "gender.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf, hti = first_admin1(con, "CAF"), first_admin1(con, "HTI")
    common = dict(market="human_trafficking", mission="MINUSCA", iso3="CAF", admin1_code=caf,
                  reporting_unit="MINUSCA – North")
    insert_incident(con, incident_id="G1", date_occurred="2026-10-05", v_female_adult=4, v_female_child=3,
                    v_female_unknown=1, v_unknown_unknown=2, arrests_female=1, arrests_male=6, **common)
    insert_incident(con, incident_id="G2", date_occurred="2026-11-10", v_male_adult=5, v_male_child=1,
                    v_unknown_child=2, v_unknown_adult=2, arrests_unknown=2, **common)
    insert_incident(con, incident_id="G3", date_occurred="2026-11-12", market="kidnapping_for_ransom",
                    mission="BINUH", iso3="HTI", admin1_code=hti, reporting_unit="BINUH – West",
                    v_female_adult=6, v_male_child=2)
    con.close()
    ro = store.connect(path, read_only=True)
    yield ro
    ro.close()


def rows(table: gtable.Table) -> dict:
    return {r["key"]: r for r in table.frame.to_dict("records")}


def test_groups_exact_and_unknowns_never_imputed(gender_store):
    table = victims.groups_table(gender_store, Scope(NOV, access.ANALYST, T.lang), "market")
    r = rows(table)
    ht = r["human_trafficking"]
    # Women are the 4 female adults only: the female of unknown age stays in "unknown".
    assert (ht["women"], ht["men"], ht["girls"], ht["boys"], ht["unknown"], ht["victims"]) == (4, 5, 3, 1, 7, 20)
    assert tuple(r["kidnapping_for_ransom"][g] for g in (*gcounts.GROUPS, "victims")) == (6, 0, 0, 2, 0, 8)
    total = r[gtable.TOTAL_KEY]
    assert tuple(total[g] for g in (*gcounts.GROUPS, "victims")) == (10, 5, 3, 3, 7, 28)
    for row in r.values():   # the five groups add up to the victims: nothing spread, nothing lost
        assert sum(row[g] for g in gcounts.GROUPS) == row["victims"]


def test_shares_denominators_exclude_unknowns(gender_store):
    r = rows(victims.shares_table(gender_store, Scope(NOV, access.ANALYST, T.lang), "market"))
    ht = r["human_trafficking"]
    assert (ht["female"], ht["male"], ht["sex_unknown"]) == (8, 6, 6)
    assert (ht["child"], ht["adult"], ht["age_unknown"]) == (6, 11, 3)
    assert ht["share_female"] == pytest.approx(8 / 14)       # of the 14 with sex recorded, not of 20
    assert ht["share_child"] == pytest.approx(6 / 17)        # of the 17 with age recorded
    total = r[gtable.TOTAL_KEY]
    assert total["share_female"] == pytest.approx(14 / 22) and total["share_child"] == pytest.approx(8 / 25)


def test_completeness_exact_and_flags(gender_store):
    units, month = completeness.completeness_units(gender_store, Scope(NOV, access.ANALYST, T.lang))
    assert month == completeness.JudgedMonth(date(2026, 11, 1), date(2026, 11, 30))
    u = rows(units)
    north = u["MINUSCA – North"]
    assert north["victims"] == 20
    assert north["share_sex"] == pytest.approx(14 / 20) and north["share_age"] == pytest.approx(17 / 20)
    assert north["last_victims"] == 10
    assert north["last_share_sex"] == pytest.approx(6 / 10) and north["last_share_age"] == pytest.approx(1.0)
    assert u["BINUH – West"]["last_share_sex"] == 1.0
    assert completeness.flag_units(units.frame, 0.8)["key"].tolist() == ["MINUSCA – North"]
    assert completeness.flag_units(units.frame, 0.6).empty           # 6/10 is not below 60 %
    assert completeness.flag_units(units.frame, 0.8, min_victims=11).empty   # too few victims that month to judge
    with pytest.raises(ValueError):
        completeness.flag_units(units.frame, 80)

    monthly = completeness.completeness_monthly(gender_store, Scope(NOV, access.ANALYST), "mission").frame
    m = {(r["key"], r["month"]): r for r in monthly.to_dict("records")}
    oct_, nov = pd.Timestamp("2026-10-01").date(), pd.Timestamp("2026-11-01").date()
    assert m[("MINUSCA", oct_)]["share_sex"] == pytest.approx(0.8) and m[("MINUSCA", oct_)]["share_age"] == pytest.approx(0.7)
    assert m[("MINUSCA", nov)]["share_sex"] == pytest.approx(0.6) and m[("MINUSCA", nov)]["share_age"] == 1.0
    assert m[("BINUH", nov)]["share_sex"] == 1.0


def test_units_are_judged_on_the_last_whole_month_of_the_period(gender_store):
    """A period that ends mid-month judges the units on the month before, not on a few days of
    returns; a period holding no whole month judges the part of its last month inside it, and its
    label gives the dates."""
    assert completeness.judged_month(date(2026, 10, 1), date(2026, 11, 30)) == completeness.JudgedMonth(date(2026, 11, 1),
                                                                                           date(2026, 11, 30))
    assert completeness.judged_month(None, date(2026, 6, 2)) == completeness.JudgedMonth(date(2026, 5, 1), date(2026, 5, 31))
    assert completeness.judged_month(date(2026, 2, 15), date(2026, 3, 20)) == completeness.JudgedMonth(date(2026, 3, 1),
                                                                                          date(2026, 3, 20))
    assert completeness.judged_month(date(2026, 3, 5), date(2026, 3, 20)) == completeness.JudgedMonth(date(2026, 3, 5),
                                                                                         date(2026, 3, 20))
    assert completeness.judged_month(date(2026, 2, 1), date(2026, 3, 20)).label(T) == "February 2026"
    assert completeness.JudgedMonth(date(2026, 3, 5), date(2026, 3, 20)).label(T) == "5 Mar 2026 to 20 Mar 2026"
    assert completeness.JudgedMonth(date(2026, 2, 1), date(2026, 2, 28)).label(i18n.get("fr")) == "février 2026"

    last = ["last_victims", "last_share_sex", "last_share_age"]
    mid_november = Filters(date_from=date(2026, 10, 1), date_to=date(2026, 11, 15))
    units, month = completeness.completeness_units(gender_store, Scope(mid_november, access.ANALYST, T.lang))
    assert month == completeness.JudgedMonth(date(2026, 10, 1), date(2026, 10, 31))
    october, _ = completeness.completeness_units(gender_store, Scope(NOV, access.ANALYST, T.lang), month=month)
    november, _ = completeness.completeness_units(gender_store, Scope(NOV, access.ANALYST, T.lang))
    by_key = lambda table: table.frame.set_index("key")[last]
    pd.testing.assert_frame_equal(by_key(units), by_key(october))
    assert not by_key(october).equals(by_key(november))
    assert rows(units)["MINUSCA – North"]["last_victims"] == rows(october)["MINUSCA – North"]["last_victims"] > 0


def test_small_rates_keep_two_significant_figures_on_screen():
    """A few victims in a large country: 0.036 per 100,000 must not read "0.0"."""
    en, fr = T, i18n.get("fr")
    assert [gtables.rate_text(en, r) for r in (0, 0.0009, 0.0381, 0.5, 2.345, 123.4)] == \
        ["0", "0.0009", "0.038", "0.50", "2.3", "123.4"]
    assert gtables.rate_text(fr, 0.0381) == "0,038"
    table = gtable.Table(pd.DataFrame({
        "label": ["DR Congo"], "population": [109_300_000], "pop_year": [2024], "pop_source": ["WPP"],
        **{c: [42] for c in ("victims", "female", "male", "sex_unknown", "child", "adult", "age_unknown")},
        **{f"rate_{c}": [42 / 109_300_000 * 100_000]
           for c in ("victims", "female", "male", "sex_unknown", "child", "adult", "age_unknown")}}))
    screen = gtables.rate_frame(en, table, compact=True)
    assert screen["Female"].tolist() == ["0.038"]
    assert gtables.rate_frame(en, table)["Female: per 100,000 population"].tolist() == [0.038]


def test_trafficking_rate_exact(gender_store):
    table = rates.trafficking_rate(gender_store, Scope(NOV, access.ANALYST, T.lang))
    caf = rows(table)["CAF"]
    assert caf["population"] == 5_331_000 and caf["pop_year"] == 2024 and "World Population Prospects" in caf["pop_source"]
    assert caf["victims"] == 20 and caf["female"] == 8 and caf["child"] == 6
    assert caf["rate_victims"] == pytest.approx(20 / 5_331_000 * 100_000)
    assert caf["rate_female"] == pytest.approx(8 / 5_331_000 * 100_000)
    assert caf["rate_age_unknown"] == pytest.approx(3 / 5_331_000 * 100_000)
    assert set(rows(table)) == {"CAF"}                        # kidnapping in Haiti is not trafficking


def test_arrests_share_of_women(gender_store):
    r = rows(arrests.arrests_table(gender_store, Scope(NOV, access.ANALYST, T.lang)))
    ht = r["human_trafficking"]
    assert (ht["arrests_female"], ht["arrests_male"], ht["arrests_unknown"], ht["arrests"]) == (1, 6, 2, 9)
    assert ht["share_women"] == pytest.approx(1 / 7)          # of the 7 arrested with sex recorded


def test_national_series_empty_then_censored_kept(gender_store, tmp_path):
    assert rates.national_series_count(gender_store) == 0
    assert rates.national_series(gender_store, ("CAF",)).empty
    sheets = pack.pack_sheets(gdata.gender_data(gender_store, Scope(NOV, access.ANALYST, "en", "export")), T)
    assert "No UNODC series imported" in sheets["UNODC series"].iloc[0, 0]


def test_national_series_keeps_censored_values(tmp_path):
    path = tmp_path / "ns.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    for year, text, value, censored in ((2020, "12", 12.0, False), (2022, "<5", None, True)):
        con.execute("INSERT INTO national_series (source, iso3, indicator, dimension, category, sex, age, year, unit, "
                    "value, value_text, censored, series_source, batch_id) VALUES ('UNODC GLOTIP', 'CAF', "
                    "'Detected trafficking victims', 'Total', 'Total', 'Female', 'Total', ?, 'Counts', ?, ?, ?, "
                    "'GLOTIP', 'b1')",
                    [year, value, text, censored])
    con.close()
    con = store.connect(path, read_only=True)
    try:
        frame = rates.national_series(con, ("CAF",))
    finally:
        con.close()
    assert frame["year"].tolist() == [2022] and frame["value_text"].tolist() == ["<5"]   # latest year, as published


def test_trend_sentences():
    rising = stats.mann_kendall(list(range(1, 13)))
    assert trend.trend_sentence(T, rising).startswith("Rising, significant at 95 %")
    flat = stats.mann_kendall([5, 6, 5, 6, 5, 6, 5, 6, 5, 6])
    assert trend.trend_sentence(T, flat).startswith("No clear trend")
    assert "Too few weeks" in trend.trend_sentence(T, stats.mann_kendall([1, 2, 3]))


# --- Small-cell protection cannot be undone ------------------------------------------------------

CELLS = ("fa", "fc", "fu", "ma", "mc", "mu", "uc", "ua", "uu")


def counts_frame(cells: list[list[int]]) -> pd.DataFrame:
    """A counts_by()-shaped frame from rows of the nine sex × age cells."""
    out = []
    for n, row in enumerate(cells):
        c = dict(zip(CELLS, row))
        out.append({"key": f"m{n}", "label": f"Market {n}",
                    "women": c["fa"], "men": c["ma"], "girls": c["fc"], "boys": c["mc"],
                    "unknown": c["fu"] + c["mu"] + c["uc"] + c["ua"] + c["uu"],
                    "female": c["fa"] + c["fc"] + c["fu"], "male": c["ma"] + c["mc"] + c["mu"],
                    "sex_unknown": c["uc"] + c["ua"] + c["uu"], "child": c["fc"] + c["mc"] + c["uc"],
                    "adult": c["fa"] + c["ma"] + c["ua"], "age_unknown": c["fu"] + c["mu"] + c["uu"],
                    "victims": sum(row)})
    return pd.DataFrame(out)


def pinned_cells(shown: pd.DataFrame, columns: list[str], total: str, parts: list[list[str]], k: int = K) -> list:
    """Cells shown as "<k" whose value every table consistent with the export agrees on.

    The reader's model: one integer unknown per hidden cell ("<k" in 1..k-1, "x" at least k),
    visible cells fixed, and every partition's cells adding up to the row's total, on every row
    including the total row; the total row is the column sums. Exact: integer programming.
    """
    nrows = len(shown)
    index = {}
    for r in range(nrows):
        for c in columns:
            if isinstance(shown.iloc[r][c], str):
                index[(r, c)] = len(index)
    if not index:
        return []
    n = len(index)
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    for (r, c), i in index.items():
        if shown.iloc[r][c] == f"<{k}":
            lo[i], hi[i] = 1, k - 1
        else:
            lo[i] = k
    a_rows, b = [], []

    def equation(terms: list[tuple[tuple[int, str], int]]):
        coeffs, const = np.zeros(n), 0.0
        for (r, c), sign in terms:
            v = shown.iloc[r][c]
            if (r, c) in index:
                coeffs[index[(r, c)]] += sign
            else:
                const += sign * int(v)
        if coeffs.any():
            a_rows.append(coeffs)
            b.append(-const)
        else:
            assert const == 0, "the export is inconsistent"

    last = nrows - 1
    for part in parts:
        for r in range(nrows):
            equation([((r, c), 1) for c in part] + [((r, total), -1)])
    for c in columns:
        equation([((r, c), 1) for r in range(last)] + [((last, c), -1)])
    constraints = [LinearConstraint(np.array(a_rows), b, b)] if a_rows else []
    pinned = []
    for (r, c), i in index.items():
        if shown.iloc[r][c] != f"<{k}":
            continue
        values = []
        for sense in (1, -1):
            objective = np.zeros(n)
            objective[i] = sense
            res = milp(objective, constraints=constraints, integrality=np.ones(n), bounds=Bounds(lo, hi))
            assert res.success, res.message
            values.append(round(res.x[i]))
        if values[0] == values[1]:
            pinned.append((r, c, values[0]))
    return pinned


small_cell = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40))
tables = st.lists(st.lists(small_cell, min_size=9, max_size=9), min_size=1, max_size=5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_groups_export_cannot_be_undone(cells):
    table = victims.build_groups(counts_frame(cells), "Total", suppress=True)
    if table.withheld:
        return
    shown = gtables.groups_frame(T, table, "market").rename(
        columns={T.gettext(v): k for k, v in {**gcounts.GROUP_LABELS, "victims": "Victims"}.items()})
    columns = [*gcounts.GROUPS, "victims"]
    assert not [v for c in columns for v in shown[c] if not isinstance(v, str) and 1 <= v < K]
    assert pinned_cells(shown, columns, "victims", [list(gcounts.GROUPS)]) == []


# Rows of three 1s (sex or age parts all 1 under a "<5" total) cannot be protected: the shares
# table groups them when given a label (suppression.protect_or_group).
rows_with_ones = st.lists(st.one_of(st.lists(small_cell, min_size=9, max_size=9),
                                    st.permutations([1, 1, 1, 0, 0, 0, 0, 0, 0])), min_size=1, max_size=5)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_with_ones, st.sampled_from([None, "Other ({n})"]))
def test_shares_export_cannot_be_undone(cells, other_label):
    table = victims.build_shares(counts_frame(cells), "Total", suppress=True, other_label=other_label)
    if table.withheld:
        return
    f = table.frame
    columns = ["victims", *gcounts.SEX_PARTS, *gcounts.AGE_PARTS]
    assert not [v for c in columns for v in f[c] if not isinstance(v, str) and 1 <= v < K]
    # The two partitions are checked together: they share the victims total.
    assert pinned_cells(f, columns, "victims", [list(gcounts.SEX_PARTS), list(gcounts.AGE_PARTS)]) == []
    for share, part in (("share_female", ("female", "male")), ("share_child", ("child", "adult"))):
        for value, *counts in zip(f[share], *(f[c] for c in part)):
            if any(isinstance(c, str) for c in counts):
                assert value is None or pd.isna(value)   # a share never stands in for a hidden count


def groups_counts(rows: list[tuple[int, int, int, int, int]]) -> pd.DataFrame:
    """A counts_by()-shaped frame from (women, men, girls, boys, unknown) rows (groups table only)."""
    return pd.DataFrame([{"key": f"a{n}", "label": f"Area {n}", **dict(zip(gcounts.GROUPS, r)), "victims": sum(r)}
                         for n, r in enumerate(rows)])


# A row of four "<5" cells whose total is "<5" gives every cell away: each is at least 1, so they
# add up to 4 only if every one is 1. Hiding more cannot help; found on the shared screen's admin-1
# table of human trafficking at 1M incidents, which was then withheld whole.
ONES = (1, 0, 1, 1, 1)
AREAS = [(30, 22, 14, 9, 12), (12, 9, 8, 6, 7), (9, 8, 6, 5, 6), ONES, (2, 0, 0, 0, 1), (0, 0, 3, 0, 0)]


def test_rows_no_pattern_can_protect_are_grouped_instead_of_withholding_the_table():
    counts = groups_counts(AREAS)
    assert victims.build_groups(counts, "Total", suppress=True).withheld     # as before, without a label
    table = victims.build_groups(counts, "Total", suppress=True, other_label="Other areas ({n})")
    assert not table.withheld and table.merged == 3
    f = table.frame
    # The three areas under 5 victims, grouped before the total row; the others kept, in order.
    assert f["key"].tolist() == ["a0", "a1", "a2", suppression.OTHER_KEY, gtable.TOTAL_KEY]
    assert f["label"].tolist()[3] == "Other areas (3)"
    truth = {g: sum(r[i] for r in (AREAS[3], AREAS[4], AREAS[5])) for i, g in enumerate(gcounts.GROUPS)}
    assert truth == {"women": 3, "men": 0, "girls": 4, "boys": 1, "unknown": 2}
    other = f.iloc[3]
    assert all(other[g] == truth[g] or isinstance(other[g], str) for g in gcounts.GROUPS)
    assert f.iloc[-1]["victims"] == sum(map(sum, AREAS))                     # the published total is the same
    columns = [*gcounts.GROUPS, "victims"]
    assert not [v for c in columns for v in f[c] if not isinstance(v, str) and 1 <= v < K]
    assert pinned_cells(f, columns, "victims", [list(gcounts.GROUPS)]) == []


def test_merge_small_rows_takes_rows_under_k_then_the_smallest_until_the_group_reaches_k():
    frame = gtable.with_total(groups_counts([(9, 0, 0, 0, 0), (1, 0, 0, 0, 0), (6, 0, 0, 0, 0), (2, 1, 0, 0, 0)]),
                               (*gcounts.GROUPS, "victims"), "Total")
    merged, n = suppression.merge_small_rows(frame, list(gcounts.GROUPS), "victims", K, "Other ({n})")
    # 1 and 3 victims are under 5 but add up to 4, so the next smallest row (6) joins them.
    assert n == 3
    assert merged["key"].tolist() == ["a0", suppression.OTHER_KEY, gtable.TOTAL_KEY]
    assert merged["label"].tolist() == ["Area 0", "Other (3)", "Total"]
    assert merged["women"].tolist() == [9, 9, 18] and merged["victims"].tolist() == [9, 10, 19]
    assert merged["women"].dtype == frame["women"].dtype
    # One row under k and nothing else to group it with: nothing to merge.
    alone = gtable.with_total(groups_counts([(3, 0, 0, 0, 0)]), (*gcounts.GROUPS, "victims"), "Total")
    assert suppression.merge_small_rows(alone, list(gcounts.GROUPS), "victims", K, "Other ({n})")[1] == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.tuples(*[small_cell] * 5), st.permutations(ONES).map(tuple)), min_size=2, max_size=7))
def test_grouping_only_when_needed_and_never_unsafe(areas):
    counts = groups_counts(areas)
    plain = victims.build_groups(counts, "Total", suppress=True)
    table = victims.build_groups(counts, "Total", suppress=True, other_label="Other ({n})")
    if not plain.withheld:      # a table that could be protected as it is stays as it is
        assert table.merged == 0 and table.frame.equals(plain.frame)
        return
    if table.withheld:
        return
    f = table.frame
    columns = [*gcounts.GROUPS, "victims"]
    assert table.merged >= 2 and f["key"].tolist()[-2:] == [suppression.OTHER_KEY, gtable.TOTAL_KEY]
    kept = [int(k[1:]) for k in f["key"].tolist()[:-2]]
    grouped = [r for n, r in enumerate(areas) if n not in kept]
    assert len(grouped) == table.merged
    other, total = f.iloc[-2], f.iloc[-1]
    for i, g in enumerate(gcounts.GROUPS):
        assert isinstance(other[g], str) or other[g] == sum(r[i] for r in grouped)
        assert isinstance(total[g], str) or total[g] == sum(r[i] for r in areas)    # column totals unchanged
    assert not [v for c in columns for v in f[c] if not isinstance(v, str) and 1 <= v < K]
    assert pinned_cells(f, columns, "victims", [list(gcounts.GROUPS)]) == []


def test_analyst_tables_are_not_suppressed():
    frame = counts_frame([[1, 0, 0, 2, 0, 0, 0, 0, 0]])
    table = victims.build_groups(frame, "Total", suppress=False)
    assert table.frame["women"].tolist() == [1, 1]


def test_share_bounds_only_restate_the_marks():
    assert completeness.share_bounds(36, "<5", 38, 5) == (34 / 38, 37 / 38)
    assert completeness.share_bounds("<5", "x", 20, 5) == (1 / 20, 4 / 20)
    assert completeness.share_bounds(9, 1, 10, 5) == (0.9, 0.9)
    assert completeness.share_bounds("x", "x", 40, 5) is None and completeness.share_bounds(3, 1, "x", 5) is None


# --- The shared profile never shows a count from 1 to 4 ----------------------------------------------

NOT_COUNTS = re.compile(r"%|per 100,000|Population|year|Year|Rate|Female share", re.I)
SMALL = {"1", "2", "3", "4"}


def small_counts_in(frame: pd.DataFrame) -> list:
    found = []
    for column in frame.columns:
        if NOT_COUNTS.search(str(column)):
            continue
        for v in frame[column]:
            if (isinstance(v, (int, np.integer)) and 1 <= v <= 4) or (isinstance(v, str) and v.strip() in SMALL):
                found.append((column, v))
    return found


@pytest.mark.parametrize("profile", ["shared"])   # the commissioner sees exact counts (access.md)
def test_protected_page_shows_no_small_count(demo_env, monkeypatch, profile):
    monkeypatch.setenv("TNT_PROFILE", profile)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/gender.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not [m.value for m in at.metric if str(m.value).strip() in SMALL]
    for df in at.dataframe:
        assert not small_counts_in(df.value), small_counts_in(df.value)
    # The scan does see protected cells, so it would see unprotected ones.
    assert any("<5" in df.value.to_numpy().ravel().tolist() for df in at.dataframe)
    text = "\n".join(c.value for c in at.caption)
    assert "“<5”: from 1 to 4 persons" in text
    for chart in at.get("plotly_chart"):
        spec = chart.proto.spec
        for trace in __import__("json").loads(spec)["data"]:
            if trace.get("type") == "heatmap":
                assert not SMALL & {str(v) for row in trace["text"] for v in row}
            if trace.get("type") == "bar":
                values = trace.get("x") if trace.get("orientation") == "h" else trace.get("y")
                assert not [v for v in values or [] if isinstance(v, (int, float)) and 1 <= v <= 4]


def test_shared_pack_and_cli_export_show_no_small_count(demo_db, monkeypatch, tmp_path):
    con = store.connect(demo_db, read_only=True)
    try:
        filters = Filters(date_from=date(2025, 12, 1), date_to=date(2026, 11, 29))
        data = gdata.gender_data(con, Scope(filters, SHARED_CAF, "en", "export"))
        sheets = pack.pack_sheets(data, T)
        for name, frame in sheets.items():
            if name != "Definitions":
                assert not small_counts_in(frame), (name, small_counts_in(frame))
        payload = exports.xlsx_bytes(*pack.pack(con, Scope(filters, SHARED_CAF, T.lang)))
    finally:
        con.close()
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(payload))
    assert set(sheets) == set(book.sheetnames)
    assert book["Victims by market"]["A1"].value.startswith("UNCLASSIFIED – TLP:GREEN")

    from tnt_dash import cli
    monkeypatch.setenv("TNT_PROFILE", "shared")
    out = tmp_path / "gender.csv"
    assert cli.main(["--db", str(demo_db), "export", "gender", "--format", "csv", "--out", str(out)]) == 0
    import csv
    with out.open(encoding="utf-8-sig", newline="") as f:
        lines = [row for row in csv.reader(f) if row and not row[0].startswith("#")]
    frame = pd.DataFrame(lines[1:], columns=lines[0])
    assert list(frame.columns) == ["Market", "Women", "Men", "Girls", "Boys", "Sex or age unknown", "Victims"]
    assert not small_counts_in(frame)
    assert "<5" in frame.to_numpy().ravel().tolist()


def test_headline_cards_show_every_group_men_included(demo_env):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/gender.py").run()
    assert not at.exception, [e.message for e in at.exception]
    labels = [m.label for m in at.metric]
    assert labels[:6] == ["Victims", "Women", "Men", "Girls", "Boys", "Sex or age unknown"], labels
    cards = {m.label: int(str(m.value).replace(",", "")) for m in at.metric[:6]}
    assert cards["Victims"] == sum(cards[g] for g in labels[1:6])


longer_tables = st.lists(st.lists(small_cell, min_size=9, max_size=9), min_size=2, max_size=14)


@st.composite
def marked_tables(draw):
    """A true sex x age table with a total row, and a random reader's view of it: every small count
    shown as "<5", each larger one shown or "x" at random (the audit's input, not yet safe)."""
    cells = draw(longer_tables)
    counts = counts_frame(cells)
    frame = gtable.with_total(counts, tuple(c for c in counts.columns if c not in ("key", "label")),
                               "Total").reset_index(drop=True)
    columns = ["victims", *gcounts.SEX_PARTS, *gcounts.AGE_PARTS]
    shown = frame[columns].astype(object).copy()
    for c in columns:
        for r in range(len(shown)):
            v = int(frame.at[r, c])
            if 1 <= v < K:
                shown.at[r, c] = f"<{K}"
            elif v >= K and draw(st.booleans()):
                shown.at[r, c] = "x"
    return shown, frame[columns], columns


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(marked_tables(), st.booleans())
def test_witness_rounds_find_the_same_pinned_cells_as_one_program_per_cell(table, with_truth):
    """The audit's shortcut (settle many cells with one program) must not change its answer."""
    shown, truth, columns = table
    parts = [tuple(gcounts.SEX_PARTS), tuple(gcounts.AGE_PARTS)]
    truth = truth if with_truth else None
    assert (audit.pinned_cells(shown, columns, "victims", parts, K, truth=truth, method="milp")
            == audit.pinned_cells(shown, columns, "victims", parts, K, truth=truth, witness_rounds=0,
                                   method="milp"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(marked_tables())
def test_path_search_finds_the_same_pinned_cells_as_one_program_per_cell(table):
    """With the true table at hand, the audit decides cells by paths in the equations' network;
    the integer programs, one per cell, are the oracle."""
    shown, truth, columns = table
    parts = [tuple(gcounts.SEX_PARTS), tuple(gcounts.AGE_PARTS)]
    assert (audit.pinned_cells(shown, columns, "victims", parts, K, truth=truth)
            == audit.pinned_cells(shown, columns, "victims", parts, K, truth=truth, witness_rounds=0,
                                   method="milp"))


def test_witness_rounds_are_exercised_on_a_table_with_pinned_cells():
    # Two rows whose sex split is shown in full and whose age split hides one small cell each:
    # the sex partition gives the total away, so the hidden age cells are pinned.
    shown = pd.DataFrame({"victims": [7, 9, 16], "female": [7, 9, 16], "male": [0, 0, 0],
                          "sex_unknown": [0, 0, 0], "child": ["<5", "<5", 5], "adult": [5, 6, 11],
                          "age_unknown": [0, 0, 0]}, dtype=object)
    columns = ["victims", *gcounts.SEX_PARTS, *gcounts.AGE_PARTS]
    parts = [tuple(gcounts.SEX_PARTS), tuple(gcounts.AGE_PARTS)]
    assert audit.pinned_cells(shown, columns, "victims", parts, K) == [(0, "child"), (1, "child")]
    assert audit.pinned_cells(shown, columns, "victims", parts, K, witness_rounds=0) == [(0, "child"), (1, "child")]
    truth = pd.DataFrame({"victims": [7, 9, 16], "female": [7, 9, 16], "male": [0, 0, 0], "sex_unknown": [0, 0, 0],
                          "child": [2, 3, 5], "adult": [5, 6, 11], "age_unknown": [0, 0, 0]})
    assert audit.pinned_cells(shown, columns, "victims", parts, K, truth=truth) == [(0, "child"), (1, "child")]


@pytest.mark.parametrize("profile", [access.ANALYST, SHARED_CAF], ids=lambda p: p.name)
def test_one_breakdown_equals_the_full_packs(gender_store, profile):
    full = gdata.gender_data(gender_store, Scope(NOV, profile, "en"))
    market_only = gdata.gender_data(gender_store, Scope(NOV, profile, "en"), breakdowns=("market",))
    assert set(market_only.groups) == {"market"} and set(market_only.shares) == {"market"}
    assert set(full.groups) == set(victims.GROUP_BREAKDOWNS) and set(full.shares) == set(victims.SHARE_BREAKDOWNS)
    for by in victims.GROUP_BREAKDOWNS:
        groups, shares = victims.breakdown(gender_store, Scope(NOV, profile, "en"), by)
        pd.testing.assert_frame_equal(groups.frame, full.groups[by].frame)
        assert groups.withheld == full.groups[by].withheld
        if by in victims.SHARE_BREAKDOWNS:
            pd.testing.assert_frame_equal(shares.frame, full.shares[by].frame)
        else:
            assert shares is None
    with pytest.raises(ValueError, match="unknown breakdown"):
        victims.breakdown(gender_store, Scope(NOV, profile, "en"), "mission")


def test_page_computes_only_the_open_tab(demo_env):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/gender.py").run()
    assert not at.exception, [e.message for e in at.exception]
    by_market, by_country, by_area = at.tabs[0], at.tabs[1], at.tabs[2]
    assert len(by_market.children) > 0 and len(by_country.children) == 0 and len(by_area.children) == 0
    at.session_state["gender_groups_tab"] = "By country or territory"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    by_market, by_country = at.tabs[0], at.tabs[1]
    assert len(by_market.children) == 0 and len(by_country.children) > 0
    assert by_country.get("plotly_chart") and by_country.dataframe


def test_page_shows_the_grouped_row_and_says_why(demo_env, monkeypatch):
    """The shared screen in French, with every area under 5 victims made unprotectable (as a row of
    four 1s is): the admin-1 table is shown with those areas grouped, and the page says why."""
    import streamlit

    from tnt_dash.suppression import DisclosureError
    protect = audit.protect_parts

    def unprotectable_small_rows(frame, parts, total, k, *linked):
        body = frame.iloc[:-1]
        if suppression.OTHER_KEY not in body["key"].tolist() and (body[total] < k).any():
            raise DisclosureError("a row under k, as if four 1s")
        return protect(frame, parts, total, k, *linked)
    monkeypatch.setattr(gtable, "protect_parts", unprotectable_small_rows)
    monkeypatch.setenv("TNT_PROFILE", "shared")
    streamlit.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "fr"
    at.run()
    at.switch_page("pages/gender.py").run()
    at.session_state["gender_groups_tab"] = "Par zone administrative de niveau 1"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    area_tab = at.tabs[2]
    labels = area_tab.dataframe[0].value.iloc[:, 0].tolist()
    other = [v for v in labels if v.startswith("Autres zones administratives de niveau 1 (")]
    assert len(other) == 1 and labels[-1] == "Total" and labels[-2] == other[0]
    assert any("plus petites lignes sont regroupées en une seule" in c.value and other[0] in c.value
               for c in area_tab.caption)
    assert not small_counts_in(area_tab.dataframe[0].value)
    streamlit.cache_data.clear()


def test_page_builds_the_full_unit_table_only_when_its_expander_is_open(demo_env):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/gender.py").run()
    assert not at.exception, [e.message for e in at.exception]
    units = [e for e in at.expander if e.label == "All reporting units"]
    assert len(units) == 1 and len(units[0].children) == 0
    at.session_state["gender_all_units"] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    units = [e for e in at.expander if e.label == "All reporting units"]
    assert units[0].dataframe and len(units[0].dataframe[0].value) > 0


def test_parts_run_two_at_a_time_and_give_what_they_give_in_turn(demo_con, monkeypatch):
    """gender_data runs its independent parts in threads; the pack must not depend on it."""
    sheets = []
    for parts in ("1", "2"):
        monkeypatch.setenv("TNT_PARALLEL_PARTS", parts)
        data = gdata.gender_data(demo_con, Scope(Filters(), SHARED_CAF, "fr", "export"))
        sheets.append(pack.pack_sheets(data, i18n.get("fr")))
    assert list(sheets[0]) == list(sheets[1])
    for name in sheets[0]:
        pd.testing.assert_frame_equal(sheets[0][name], sheets[1][name], obj=name)


def test_completeness_when_no_unit_recorded_victims_in_the_last_month(gender_store):
    """A period whose last month has no victims (here December): the units keep their period
    figures, the last month reads 0 victims and no share, and no unit is flagged. This raised a
    KeyError before, so the page failed for such a period."""
    period = Filters(date_from=date(2026, 10, 1), date_to=date(2026, 12, 31))
    units, month = completeness.completeness_units(gender_store, Scope(period, access.ANALYST, T.lang))
    assert month == completeness.JudgedMonth(date(2026, 12, 1), date(2026, 12, 31))
    u = rows(units)
    assert u["MINUSCA – North"]["victims"] == 20 and u["BINUH – West"]["victims"] == 8
    assert all(r["last_victims"] == 0 and pd.isna(r["last_share_sex"]) for r in u.values())
    assert completeness.flag_units(units.frame, 0.8).empty


def test_heatmap_rows_keep_markets_with_enough_shown_victims():
    frame = pd.DataFrame({
        "key": ["hum", "mig", "arms", "kid", gtable.TOTAL_KEY],
        "label": ["Human trafficking", "Migrant smuggling", "Arms", "Kidnapping", "Total"],
        "women": [6, "<5", 1, "x", 40], "men": [4, 8, 1, 2, 20], "girls": [2, "x", 0, 3, 9],
        "boys": [0, 5, 0, 1, 6], "unknown": [0, 3, 0, 2, 5],
        "victims": [12, 20, 2, "x", 80],
    })
    rows = victims.heatmap_rows(gtable.Table(frame))
    # Arms has too few victims to colour, kidnapping's total is hidden, the total row is no market.
    assert rows.labels == ["Human trafficking", "Migrant smuggling"]
    assert rows.counts == [[6, 4, 2, 0, 0], ["<5", 8, "x", 5, 3]]
    assert rows.shares == [[0.5, 4 / 12, 2 / 12, 0.0, 0.0], [None, 0.4, None, 0.25, 0.15]]
    assert victims.heatmap_rows(gtable.Table(frame), min_victims=2).labels == ["Human trafficking", "Migrant smuggling",
                                                                              "Arms"]


# Each published column as a sum of the nine recorded cells (sex × age, each with "unknown").
BASE = ("w", "m", "g", "b", "fua", "mua", "uc", "ua", "uu")
AS_BASE = {"women": ("w",), "men": ("m",), "girls": ("g",), "boys": ("b",),
           "unknown": ("fua", "mua", "uc", "ua", "uu"), "female": ("w", "g", "fua"), "male": ("m", "b", "mua"),
           "sex_unknown": ("uc", "ua", "uu"), "child": ("g", "b", "uc"), "adult": ("w", "m", "ua"),
           "age_unknown": ("fua", "mua", "uu"), "victims": BASE}


def pinned_by_reader(groups: gtable.Table, shares: gtable.Table, k: int = 5) -> list[tuple[str, str]]:
    """The reader's attack on the two tables shown together, written apart from tnt_dash/gender/: the
    unknowns are the nine recorded cells of each row; every shown count fixes a sum of them, "<k"
    bounds it to 1..k-1, "x" to k or more, the total row to the column sums. A "<k" cell whose
    smallest and largest possible values agree is given away."""
    g, s = groups.frame, shares.frame
    body = [i for i, key in enumerate(g["key"]) if key != gtable.TOTAL_KEY]
    var = {(r, b): n for n, (r, b) in enumerate((r, b) for r in body for b in BASE)}
    rows, lo, hi, cells = [], [], [], []
    for frame, columns in ((g, (*gcounts.GROUPS, "victims")), (s, (*gcounts.SEX_PARTS, *gcounts.AGE_PARTS))):
        for i, key in enumerate(frame["key"]):
            for c in columns:
                coeffs = np.zeros(len(var))
                for r in (body if key == gtable.TOTAL_KEY else [i]):
                    for b in AS_BASE[c]:
                        coeffs[var[(r, b)]] += 1
                v = frame[c].iloc[i]
                low, high = (1, k - 1) if v == f"<{k}" else (k, np.inf) if v == "x" else (int(v), int(v))
                rows.append(coeffs), lo.append(low), hi.append(high)
                if v == f"<{k}":
                    cells.append((frame["label"].iloc[i], c, coeffs))
    constraint = LinearConstraint(np.array(rows), lo, hi)
    pinned = []
    for label, c, coeffs in cells:
        ends = [milp(sign * coeffs, constraints=constraint, integrality=np.ones(len(var)),
                     bounds=Bounds(0, np.inf)) for sign in (1, -1)]
        assert all(e.success for e in ends)
        if round(coeffs @ ends[0].x) == round(coeffs @ ends[1].x):
            pinned.append((label, c))
    return pinned


def test_groups_and_shares_protected_together_give_nothing_away():
    """Arms trafficking in Haiti (a leak audit, 2026-11-29): with no victim of unknown sex or age,
    adults = women + men and female = women + girls, so the shares table beside the groups table
    gave both "<5" cells (3 women, 2 girls) away. Protected together, neither is."""
    counts = pd.DataFrame([
        {"key": "ht", "label": "Human trafficking", "women": 30, "men": 20, "girls": 15, "boys": 10, "unknown": 8,
         "female": 48, "male": 32, "sex_unknown": 3, "child": 26, "adult": 51, "age_unknown": 6, "victims": 83},
        {"key": "mig", "label": "Migrant smuggling", "women": 12, "men": 25, "girls": 6, "boys": 7, "unknown": 0,
         "female": 18, "male": 32, "sex_unknown": 0, "child": 13, "adult": 37, "age_unknown": 0, "victims": 50},
        {"key": "arms", "label": "Arms trafficking", "women": 3, "men": 6, "girls": 2, "boys": 5, "unknown": 0,
         "female": 5, "male": 11, "sex_unknown": 0, "child": 7, "adult": 9, "age_unknown": 0, "victims": 16}])
    apart = victims.build_groups(counts, "Total", True), victims.build_shares(counts, "Total", True)
    assert pinned_by_reader(*apart) == [("Arms trafficking", "women"), ("Arms trafficking", "girls")]
    groups, shares = victims.build_joint(counts, "Total", True)
    assert not groups.withheld and groups.frame["women"].tolist()[2] == "<5"
    assert pinned_by_reader(groups, shares) == []
    # Hiding is kept to what the links need: the large market and the totals stay readable.
    assert groups.frame.iloc[0][list(gcounts.GROUPS)].tolist() == [30, 20, 15, 10, 8]
    assert groups.frame.iloc[-1]["victims"] == 149


def test_joint_protection_on_the_demo_store_under_shared(demo_con):
    """Every market and country view of the demo store on three host States' shared screens, by
    market and unfiltered: the reader's attack on the two tables together finds nothing."""
    for state, countries in (("CAF", ()), ("HTI", ("HTI",)), ("CAF", ("CAF",)), ("COD", ("COD",))):
        data = gdata.gender_data(demo_con, Scope(Filters(countries=countries), access.SHARED.for_host_state(state), "en"), breakdowns=("market", "country"))
        for by in ("market", "country"):
            groups, shares = data.groups[by], data.shares[by]
            if not groups.withheld:
                assert pinned_by_reader(groups, shares) == [], (countries, by)


def test_protected_share_ranges_use_the_pages_number_format():
    """A completeness share known only as a range reads 42.9–57.1 in English and 42,9–57,1 in French
    (it read 42.9–57.1 on French screens)."""
    frame = pd.DataFrame({"key": ["u1", "u2"], "label": ["Unit 1", "Unit 2"], "mission": ["M", "M"],
                          "victims": [7, 20], "share_sex": [None, 0.8], "share_sex_lo": [3 / 7, None],
                          "share_sex_hi": [4 / 7, None], "share_age": [None, None], "share_age_lo": [0.125, None],
                          "share_age_hi": [0.5, None]})
    english = gtables.units_frame(T, gtable.Table(frame), None)
    french = gtables.units_frame(i18n.get("fr"), gtable.Table(frame), None)
    assert english["% with sex recorded"].tolist() == ["42.9–57.1", 80.0]
    assert english["% with age recorded"].tolist()[0] == "12.5–50" and pd.isna(english["% with age recorded"].iloc[1])
    assert french["% avec sexe enregistré"].tolist() == ["42,9–57,1", 80.0]
    assert french["% avec âge enregistré"].tolist()[0] == "12,5–50"


def test_screen_sections_carry_the_hand_figures(gender_store):
    """The page's sections, built without Streamlit: the cards are the market table's total row,
    the slider's percentage is the flag's threshold, and every block is an element the page draws."""
    data = gdata.gender_data(gender_store, Scope(NOV, access.ANALYST, "en"))
    cards = screen.key_figures(T, data).cards
    assert [(c.label, c.value) for c in cards] == [
        ("Victims", "28"), ("Women", "10"), ("Men", "5"), ("Girls", "3"), ("Boys", "3"), ("Sex or age unknown", "7"),
        ("Female share", T.percent(14 / 22))]
    assert "(22); 6 with sex unknown" in cards[-1].note
    flagged = screen.completeness(T, data, 80).blocks
    assert [b.kind for b in flagged[:3]] == ["error", "table", "caption"]
    assert flagged[1].body.iloc[:, 0].tolist() == ["MINUSCA – North"]
    assert screen.completeness(T, data, 60).blocks[0].kind == "success"      # 6/10 is not below 60 %
    sections = [screen.key_figures(T, data), screen.heatmap(T, data), screen.trend(T, data),
                screen.completeness(T, data, 80), screen.rates(T, data, NOV, {}), screen.arrests(T, data)]
    kinds = {b.kind for s in sections for b in s.blocks}
    assert kinds <= {"caption", "info", "warning", "error", "success", "markdown", "write", "chart", "table"}


def test_the_gender_package_imports_downward_only():
    """Domain code: never the export registry, the file writers or the command line, which sit above it."""
    from .test_architecture import graph
    edges = graph()
    package = {m for m in edges if m == "tnt_dash.gender" or m.startswith("tnt_dash.gender.")}
    assert len(package) > 10
    above = {"tnt_dash.views", "tnt_dash.exports"} | {m for m in edges if m.startswith("tnt_dash.cli")}
    assert {name: edges[name] & above for name in package if edges[name] & above} == {}


def test_persons_smuggled_are_counted_apart_from_victims(demo_con, tmp_path):
    """Smuggled migrants are not victims: their own columns, their own table, never in the victim counts."""
    from tnt_dash.gender import smuggled
    from tnt_dash.importers import pipeline
    t = i18n.get("en")
    table = smuggled.smuggled_table(demo_con, Scope(Filters(statuses=()), access.ANALYST, t.lang))
    total = demo_con.execute("""SELECT sum(smuggled_female_child + smuggled_female_adult + smuggled_male_child
        + smuggled_male_adult + smuggled_unknown_unknown) FROM incidents WHERE market = 'migrant_smuggling'""").fetchone()[0]
    frame = table.frame.set_index("key")
    assert frame.loc[gtable.TOTAL_KEY, "smuggled"] == total > 0
    assert frame.loc[gtable.TOTAL_KEY, "men"] > frame.loc[gtable.TOTAL_KEY, "women"]   # mostly young men
    # No other market has any, and at most one migrant-smuggling incident in ten records victims.
    assert demo_con.execute("SELECT count(*) FROM incidents WHERE market <> 'migrant_smuggling' AND "
                            "smuggled_male_adult + smuggled_unknown_unknown > 0").fetchone()[0] == 0
    from tnt_dash.queries import VICTIMS
    with_victims, incidents = demo_con.execute(f"""SELECT count(*) FILTER (WHERE {VICTIMS} > 0), count(*)
                                                   FROM incidents i WHERE i.market = 'migrant_smuggling'""").fetchone()
    assert with_victims <= 0.1 * incidents
    # A shared screen protects small counts in it as in every victim table.
    shared = smuggled.smuggled_table(demo_con, Scope(Filters(statuses=(), countries=("CAF",)), SHARED_CAF, t.lang))
    assert shared.suppressed
    # The native template carries the columns in English and French, and an import keeps them apart.
    db = seed.build(tmp_path / "s.duckdb", demo_rows=None)
    path = tmp_path / "smuggling.csv"
    path.write_text("identifiant,date_faits,pays,marche,fiabilite_source,credibilite_info,classification,tlp,statut,"
                    "passes_hommes,passes_femmes,victimes_hommes\n"
                    "MS-1,2026-11-10,CYP,migrant_smuggling,B,2,UNCLASSIFIED,TLP:GREEN,validated,11,3,1\n", encoding="utf-8")
    report = pipeline.run_import(db, path)
    assert report.inserted == 1, report.errors
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("SELECT smuggled_male_adult, smuggled_female_adult, v_male_adult FROM incidents").fetchone() \
            == (11, 3, 1)
    finally:
        con.close()
