"""Views: what a page shows and an export writes, protected per profile."""
from datetime import date

import pandas as pd
import pytest

from tnt_dash import access, i18n, presented, seed, store, views
from tnt_dash.scope import Scope
from .conftest import SHARED_CAF


def visible_small(frame, columns, k=5):
    return [v for c in columns for v in frame[c] if isinstance(v, (int,)) and 1 <= v < k]


def test_protect_victims_never_shows_small_counts_or_crashes():
    tables = [
        pd.DataFrame({"victims": [1], "women_children": [1]}),
        pd.DataFrame({"victims": [3, 40, 12], "women_children": [1, 20, 2]}),
        pd.DataFrame({"victims": [2, 2], "women_children": [2, 0]}),
    ]
    for frame in tables:
        shared = presented.protect_victims(frame, SHARED_CAF, "screen")
        assert not visible_small(shared, ["victims", "women_children"]), shared
        analyst = presented.protect_victims(frame, access.ANALYST, "screen")
        assert analyst.equals(frame)


def test_protect_count_by_profile_and_destination():
    assert presented.protect_count(3, SHARED_CAF, "screen") == "<5"
    assert presented.protect_count(3, access.GENDER, "screen") == 3
    assert presented.protect_count(3, access.GENDER, "export") == "<5"
    assert presented.protect_count(0, SHARED_CAF, "export") == 0
    assert presented.protect_count(7, SHARED_CAF, "export") == 7


def test_overview_leaves_out_victim_sparklines_with_a_small_week(hand_store):
    """Small weekly victim counts (the hand store has 2 to 4 a week) cannot be drawn as bars under
    suppression: the sparkline goes, the card shows "<5". st.metric refuses None in chart data,
    so a None in the list took the whole home page down on small stores."""
    from tnt_dash.filters import Filters
    for profile, suppressed in ((access.ANALYST, False), (SHARED_CAF, True), (access.COMMISSIONER, False)):
        data = views.overview(hand_store, Scope(Filters(), profile, "en"))
        for name, values in data.sparklines.items():
            assert values is None or all(isinstance(v, (int, float)) for v in values), (name, values)
        victims = data.sparklines["victims"]
        assert (victims is None) == suppressed
        if not suppressed:
            assert any(0 < v < 5 for v in victims)
        assert data.sparklines["incidents"] is not None


def test_victim_cards_carry_no_change_on_protected_screens(tmp_path):
    """8 victims at +1,500 % on the 4-week mean gave the mean away: 2 victims in four weeks, a
    count the screen hides. Under suppression victim cards carry no comparison (as the brief's)."""
    from tnt_dash.filters import Filters

    from .conftest import first_admin1, insert_incident
    path = tmp_path / "change.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf = first_admin1(con, "CAF")
    for i, (day, victims) in enumerate((("2026-10-20", 1), ("2026-11-03", 1), ("2026-11-22", 8))):
        insert_incident(con, incident_id=f"C{i}", date_occurred=day, mission="MINUSCA", iso3="CAF",
                        admin1_code=caf, market="extortion", v_male_adult=victims)
    con.close()
    con = store.connect(path, read_only=True)
    try:
        for profile, protected in ((access.ANALYST, False), (SHARED_CAF, True), (access.COMMISSIONER, False)):
            data = views.overview(con, Scope(Filters(), profile, "en"))
            assert data.week == date(2026, 11, 16)
            cards = data.kpis.set_index("kpi")
            assert cards.loc["victims", "value"] == 8
            if protected:
                assert cards.loc["victims", "change"] is None and cards.loc["victims", "baseline_mean"] is None
            else:
                assert cards.loc["victims", "change"] == pytest.approx(15.0)
            assert cards.loc["incidents", "change"] is not None     # incidents are not victim counts
    finally:
        con.close()


def test_marks_as_text_formats_only_columns_that_mix_marks_and_counts():
    # Arrow cannot type a column holding 1500 and "<5"; Streamlit logged an error and retried on
    # every rerun of the map page under the suppressing profiles. Plain numbers stay numbers.
    t = i18n.get("fr")
    frame = pd.DataFrame({"incidents": [1, 2000], "victims": pd.Series([1500, "<5"], dtype=object),
                          "corridor": ["A → B", "C → D"]})
    out = presented.marks_as_text(frame, t)
    assert out["victims"].tolist() == [t.number(1500), "<5"]
    assert out["incidents"].tolist() == [1, 2000] and out["incidents"].dtype.kind == "i"
    assert out["corridor"].tolist() == ["A → B", "C → D"]
    import pyarrow as pa
    pa.Table.from_pandas(out)       # no conversion error
    with pytest.raises(pa.ArrowInvalid):
        pa.Table.from_pandas(frame)  # what the page sent before


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_screen_table_is_for_screen_as_arrow_text(lang):
    """The gender page's tables go to st.dataframe as Arrow text; same cells and headers as for_screen."""
    import numpy as np
    t = i18n.get(lang)
    frame = pd.DataFrame({"Market": ["Cocaine", None, "Total"], "Victims": [12345, 3, 0],
                          "Share (%)": [12.5, float("nan"), 100.0], "Hidden": ["<5", "x", 7],
                          "Range": ["10–20", "–", None], "Flag": [True, False, True],
                          "Count": np.array([1, 2, 3], dtype=np.int64)}, index=[5, 6, 7])
    expected = presented.for_screen(frame, t)
    table = presented.screen_table(frame, t)
    assert table.column_names == list(frame.columns)
    assert all(str(field.type) == "string" for field in table.schema)
    assert table.to_pydict() == {c: expected[c].tolist() for c in frame.columns}
    assert expected["Victims"].tolist()[0] == t.number(12345) and expected["Hidden"].tolist()[:2] == ["<5", "x"]


def test_screen_cells_are_read_from_every_column_type():
    """Each cell on screen is screen_cell of that cell, whatever its column's type: nullable
    integers with a gap, dates, timestamps, booleans, marks, and two columns of the same name."""
    import datetime as dt
    t = i18n.get("fr")
    frame = pd.DataFrame({"a": pd.array([1, None, 1234567], dtype="Int64"), "b": [1.5, float("nan"), 2.0],
                          "c": pd.Series(["<5", 3, None], dtype=object),
                          "d": [dt.date(2026, 11, 2), None, dt.date(2026, 11, 29)],
                          "e": pd.to_datetime(["2026-11-02", None, "2026-11-29"]), "f": [True, False, True],
                          "g": pd.Series(["x", None, "10–20"], dtype="string")})
    frame = pd.concat([frame, frame[["a"]]], axis=1)   # a repeated name, as a renamed table can have
    expected = [[presented.screen_cell(frame.iat[i, j], t) for i in range(len(frame))] for j in range(frame.shape[1])]
    assert presented._screen_columns(frame, t) == expected
    assert expected[0] == [t.number(1), "–", t.number(1234567)] and expected[2] == ["<5", t.number(3), "–"]
    assert expected[6] == ["x", "–", "10 – 20"]
    assert presented.screen_table(frame.iloc[0:0], t).num_rows == 0
