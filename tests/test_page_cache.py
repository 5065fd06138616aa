"""The page cache's key: equal for equal arguments, never shared by arguments a query could tell apart."""
from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd
import pytest

from tnt_dash import access, seed
from tnt_dash.filters import Filters
from tnt_dash.priority import Weights
from tnt_dash.ui.cache import cache_key
from .conftest import SHARED_CAF


def test_equal_arguments_give_one_key():
    a = (Filters(markets=("cocaine", "arms_trafficking"), date_from=date(2026, 1, 5)), SHARED_CAF, "fr")
    b = (Filters(markets=["arms_trafficking", "cocaine"], date_from=date(2026, 1, 5)), SHARED_CAF, "fr")
    assert cache_key(a) == cache_key(b)
    assert cache_key({"level": "adm1", "top": 5}) == cache_key({"top": 5, "level": "adm1"})


@pytest.mark.parametrize("left, right", [
    (1, 1.0), (1, True), (1, "1"), (None, "None"), ("", ()), ((), []),
    (date(2026, 1, 5), datetime(2026, 1, 5)), (("a", "b"), ("a,b",)), (("a",), (("a",),)),
])
def test_values_a_query_could_tell_apart_get_different_keys(left, right):
    assert cache_key(left) != cache_key(right)


def test_every_field_of_the_filters_and_the_profile_is_in_the_key():
    base = Filters()
    changed = [replace(base, date_from=date(2026, 1, 1)), replace(base, date_to=date(2026, 1, 1)),
               replace(base, missions=("MINUSCA",)), replace(base, countries=("CAF",)),
               replace(base, admin1=("CF-BGF",)), replace(base, markets=("cocaine",)),
               replace(base, cyber=("none",)), replace(base, min_reliability="B"),
               replace(base, min_credibility=2), replace(base, statuses=("draft",))]
    keys = {cache_key(f) for f in [base, *changed]}
    assert len(keys) == len(changed) + 1
    profiles = {cache_key(p) for p in access.PROFILES.values()}
    assert len(profiles) == len(access.PROFILES)
    # A profile differing from the shared one in one rule only is another key.
    assert cache_key(replace(SHARED_CAF, narratives="all")) != cache_key(SHARED_CAF)
    assert cache_key(Weights()) != cache_key(replace(Weights(), trend_share=Weights().trend_share / 2))


def test_numpy_scalars_are_keyed_as_their_plain_values():
    import numpy as np
    assert cache_key((np.int64(3), np.str_("CAF"), np.float64(0.5))) == cache_key((3, "CAF", 0.5))
    assert cache_key(np.int64(1)) != cache_key(np.float64(1.0))


def test_two_dataclasses_with_the_same_fields_differ_by_type():
    @dataclass(frozen=True)
    class One:
        x: int = 1

    @dataclass(frozen=True)
    class Other:
        x: int = 1

    assert cache_key(One()) != cache_key(Other())


@pytest.mark.parametrize("value", [pd.DataFrame({"a": [1]}), object(), {1, 2}.__iter__()])
def test_a_value_without_a_canonical_text_is_refused(value):
    with pytest.raises(TypeError, match="cannot key a page cache"):
        cache_key(("fr", value))


def test_a_mutable_dataclass_is_refused():
    @dataclass
    class Mutable:
        x: int = 1

    with pytest.raises(TypeError, match="Mutable"):
        cache_key(Mutable())


@pytest.fixture
def empty_store(tmp_path):
    path = tmp_path / "cache.duckdb"
    seed.build(path, demo_rows=None)
    return path


def _context(store_path):
    from tnt_dash import i18n
    from tnt_dash.ui import frame
    return frame.PageContext(con=None, filters=Filters(), profile=access.ANALYST, t=i18n.get("en"), status={},
                             meta={}, store_version=f"{store_path}|test", identity=None)


def test_calls_together_are_one_cache_entry_with_results_in_order(empty_store, monkeypatch):
    from functools import partial

    from tnt_dash.capacity import queries as activities
    from tnt_dash.ui import cache

    seen = []

    def query(con, filters, tag):
        seen.append(tag)
        return f"{tag}:{len(filters.markets)}"

    monkeypatch.setattr(activities, "query_for_test", query, raising=False)
    query.__module__, query.__qualname__ = activities.__name__, "query_for_test"
    cache._cached_calls.clear()
    ctx = _context(empty_store)
    two = Filters(markets=("cocaine", "arms_trafficking"))
    assert ctx.call_together(partial(query, two, "a"), partial(query, Filters(), "b")) == ["a:2", "b:0"]
    assert ctx.call_together(partial(query, two, "a"), partial(query, Filters(), "b")) == ["a:2", "b:0"]
    assert sorted(seen) == ["a", "b"]          # the second time came from the cache
    assert ctx.call(query, two, "a") == "a:2"   # a group is its own entry: the single call runs
    assert sorted(seen) == ["a", "a", "b"]
    cache.root_connection.clear()


def test_a_failing_call_in_a_group_raises_and_is_not_cached(empty_store, monkeypatch):
    from functools import partial

    from tnt_dash.capacity import queries as activities
    from tnt_dash.ui import cache

    runs = []

    def failing(con, tag):
        runs.append(tag)
        if tag == "bad":
            raise ValueError("bad input")
        return tag

    monkeypatch.setattr(activities, "failing_for_test", failing, raising=False)
    failing.__module__, failing.__qualname__ = activities.__name__, "failing_for_test"
    cache._cached_calls.clear()
    ctx = _context(empty_store)
    for _ in range(2):
        with pytest.raises(ValueError, match="bad input"):
            ctx.call_together(partial(failing, "good"), partial(failing, "bad"))
    assert runs.count("bad") == 2
    cache.root_connection.clear()


def test_shared_reference_data_is_one_object(empty_store, monkeypatch):
    from tnt_dash.capacity import queries as activities
    from tnt_dash.ui import cache

    def outlines(con, iso3s):
        return {"countries": list(iso3s)}

    monkeypatch.setattr(activities, "outlines_for_test", outlines, raising=False)
    outlines.__module__, outlines.__qualname__ = activities.__name__, "outlines_for_test"
    cache._shared_call.clear()
    ctx = _context(empty_store)
    first = ctx.shared(outlines, ("CAF", "COD"))
    assert first == {"countries": ["CAF", "COD"]}
    assert ctx.shared(outlines, ("CAF", "COD")) is first
    assert ctx.shared(outlines, ("CAF",)) is not first
    cache.root_connection.clear()


def test_the_maps_do_not_change_the_shared_outlines(empty_store):
    """ctx.shared hands every session the same outlines: building a deck must leave them as they were."""
    import json

    from tnt_dash import geo, mapdecks, store
    con = store.connect(empty_store, read_only=True)
    outlines = geo.outlines_for_maps(con)
    before = json.dumps(outlines, sort_keys=True, default=str)
    areas = pd.DataFrame({"admin1_code": ["CF-BGF"], "label": ["Bangui"], "lat": [4.36], "lon": [18.56],
                          "incidents": [12]})
    deck = mapdecks.admin1_bubble_deck(areas, outlines)
    deck.to_json()
    assert json.dumps(outlines, sort_keys=True, default=str) == before
    con.close()


def test_codes_from_url_reads_codes_and_older_label_links():
    """URL filter values are option codes; a label (links made before codes, in the screen's
    language) still resolves; unknown values are dropped; order kept, no duplicates."""
    from tnt_dash.ui import url
    labels = {"cocaine": "Trafic de cocaïne", "heroin": "Trafic d'héroïne", "arms_trafficking": "Trafic d'armes"}
    read = lambda values: url.codes_from_url(values, list(labels), labels.get)   # noqa: E731
    assert read(["cocaine"]) == ["cocaine"]
    assert read(["Trafic de cocaïne", "heroin"]) == ["cocaine", "heroin"]
    assert read(["Cocaine trafficking", "nonsense", ""]) == []          # another language's label
    assert read(["heroin", "cocaine", "heroin"]) == ["heroin", "cocaine"]
    assert url.codes_from_url(["3", "x"], [1, 2, 3], str) == [3]      # numeric options by their text


def test_a_scope_is_keyed_on_all_four_parts_and_cut_like_its_filters():
    from tnt_dash.filters import reads_only
    from tnt_dash.scope import Scope
    from tnt_dash.ui.cache import prepared
    base = Scope(Filters(markets=("cocaine",), missions=("MINUSCA",)), access.PROFILES["analyst"])
    variants = [replace(base, filters=Filters()), replace(base, profile=SHARED_CAF), replace(base, lang="fr"),
                base.to("export")]
    assert len({cache_key(s) for s in [base, *variants]}) == 5

    @reads_only("missions")
    def by_mission(con, scope: Scope):
        return scope.filters.missions
    _fn, args, _kwargs = prepared(by_mission, (base,), {})
    assert args == (Scope(Filters(missions=("MINUSCA",)), base.profile),)


@pytest.mark.parametrize("field, value, message", [
    ("lang", "de", "unknown language"), ("destination", "email", "unknown destination"),
    ("filters", {"markets": ["cocaine"]}, "must be a Filters"), ("profile", "analyst", "must be a Profile")])
def test_a_scope_refuses_what_no_query_could_serve(field, value, message):
    from tnt_dash.scope import Scope
    parts = {"filters": Filters(), "profile": access.PROFILES["analyst"], "lang": "en", "destination": "screen"}
    with pytest.raises((ValueError, TypeError), match=message):
        Scope(**{**parts, field: value})
