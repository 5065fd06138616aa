"""Views: what a page shows and an export writes, protected per profile."""
import pandas as pd

from tnt_dash import access, views


def visible_small(frame, columns, k=5):
    return [v for c in columns for v in frame[c] if isinstance(v, (int,)) and 1 <= v < k]


def test_protect_victims_never_shows_small_counts_or_crashes():
    tables = [
        pd.DataFrame({"victims": [1], "women_children": [1]}),
        pd.DataFrame({"victims": [3, 40, 12], "women_children": [1, 20, 2]}),
        pd.DataFrame({"victims": [2, 2], "women_children": [2, 0]}),
    ]
    for frame in tables:
        shared = views.protect_victims(frame, access.SHARED, "screen")
        assert not visible_small(shared, ["victims", "women_children"]), shared
        analyst = views.protect_victims(frame, access.ANALYST, "screen")
        assert analyst.equals(frame)


def test_protect_count_by_profile_and_destination():
    assert views.protect_count(3, access.SHARED, "screen") == "<5"
    assert views.protect_count(3, access.GENDER, "screen") == 3
    assert views.protect_count(3, access.GENDER, "export") == "<5"
    assert views.protect_count(0, access.SHARED, "export") == 0
    assert views.protect_count(7, access.SHARED, "export") == 7
