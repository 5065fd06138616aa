"""Boundary import, stored boundaries and the cached Natural Earth country outlines."""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import duckdb
import pytest
import shapely
from shapely.geometry import Point, shape

from tnt_dash import config, geo
from tnt_dash.boundary_import import import_boundaries
from tnt_dash.geo import GeoImportError, admin0_outlines, boundaries_geojson

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "adm1_small.geojson"
POINTS_ONLY = FIXTURES / "adm1_points_only.geojson"
MALFORMED = FIXTURES / "adm1_malformed.geojson"
SCHEMA = config.SCHEMA_DIR / "001_init.sql"


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "t.duckdb"))
    connection.execute(SCHEMA.read_text(encoding="utf-8"))
    yield connection
    connection.close()


def stored(connection, level="adm1"):
    return connection.execute(
        "SELECT code, iso3, name, geometry, batch_id FROM boundaries WHERE level = ? ORDER BY code", [level]
    ).fetchall()


def square(x0, y0, size=1.0):
    return [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]


def write_fc(path: Path, features) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def feature(props, coords, gtype="Polygon"):
    return {"type": "Feature", "properties": props, "geometry": {"type": gtype, "coordinates": coords}}


# --------------------------------------------------------------------------- import


def test_import_counts_units_and_skips_points(con):
    result = import_boundaries(con, SMALL, batch_id="b1")

    assert (result.level, result.country, result.units, result.skipped) == ("adm1", None, 3, 1)
    rows = stored(con)
    assert [r[0] for r in rows] == ["CF-TA", "CF-TB", "KOS-9003"]
    # NE's KOS is stored under the ISO code the UN uses, and its "XK-X01~" placeholder
    # is replaced by NE's own adm1_code.
    assert rows[2][1:3] == ("XKX", "Testk")
    assert {r[4] for r in rows} == {"b1"}
    geometry = json.loads(rows[0][3])
    assert geometry["type"] == "Polygon"
    assert shape(geometry).equals(shapely.box(18, 6, 19, 7))
    assert any("non-polygon" in m and "Point" in m for m in result.messages)
    assert any("own id" in m for m in result.messages)


def test_reimport_replaces_rows(con, tmp_path):
    import_boundaries(con, SMALL)
    smaller = write_fc(tmp_path / "one.geojson", [
        feature({"adm0_a3": "CAF", "iso_3166_2": "CF-TA", "name": "Testa renamed"}, square(18, 6)),
    ])

    result = import_boundaries(con, smaller)

    assert result.units == 1
    assert [(r[0], r[2]) for r in stored(con)] == [("CF-TA", "Testa renamed")]


@pytest.mark.parametrize("bad_file, words", [
    (POINTS_ONLY, "no Polygon or MultiPolygon"),
    (MALFORMED, "not valid JSON"),
    (FIXTURES / "does_not_exist.geojson", "not found"),
])
def test_bad_files_raise_and_leave_table_unchanged(con, bad_file, words):
    import_boundaries(con, SMALL)
    before = stored(con)

    with pytest.raises(GeoImportError) as info:
        import_boundaries(con, bad_file)

    message = str(info.value)
    assert words in message
    assert "\n" not in message
    assert stored(con) == before


def test_points_only_message_names_what_was_found(con):
    with pytest.raises(GeoImportError, match=r"2 Point"):
        import_boundaries(con, POINTS_ONLY)
    assert stored(con) == []


@pytest.mark.parametrize("document, words", [
    ({"type": "Feature", "properties": {}, "geometry": None}, "not a GeoJSON FeatureCollection"),
    ([1, 2, 3], "not a GeoJSON FeatureCollection"),
    ({"type": "FeatureCollection", "features": {"a": 1}}, "no 'features' list"),
    ({"type": "FeatureCollection", "features": []}, "no Polygon or MultiPolygon"),
])
def test_wrong_json_shapes_raise(con, tmp_path, document, words):
    import_boundaries(con, SMALL)
    before = stored(con)
    path = tmp_path / "wrong.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(GeoImportError, match=words):
        import_boundaries(con, path)
    assert stored(con) == before


def test_feature_without_code_raises_and_leaves_table_unchanged(con, tmp_path):
    import_boundaries(con, SMALL)
    before = stored(con)
    path = write_fc(tmp_path / "nocode.geojson", [
        feature({"adm0_a3": "CAF", "iso_3166_2": "CF-TA", "name": "Testa"}, square(18, 6)),
        feature({"adm0_a3": "CAF", "iso_3166_2": "-99-X01~", "name": "Nameless code"}, square(19, 6)),
    ])

    with pytest.raises(GeoImportError, match=r"feature 2 \(Nameless code\) has no usable code"):
        import_boundaries(con, path)
    assert stored(con) == before


def test_malformed_coordinates_raise(con, tmp_path):
    path = write_fc(tmp_path / "badcoords.geojson", [
        feature({"adm0_a3": "CAF", "iso_3166_2": "CF-TA", "name": "Testa"}, [[[18, 6], [19, 6]]]),
    ])
    with pytest.raises(GeoImportError, match="malformed coordinates"):
        import_boundaries(con, path)
    assert stored(con) == []


def test_country_filter_replaces_only_that_country(con, tmp_path):
    import_boundaries(con, SMALL)
    caf_before = [r for r in stored(con) if r[1] == "CAF"]
    kosovo_update = write_fc(tmp_path / "kos.geojson", [
        feature({"adm0_a3": "KOS", "adm1_code": "KOS-9100", "name": "New Kosovo unit"}, square(20.5, 42.25, 0.5)),
        feature({"adm0_a3": "CAF", "iso_3166_2": "CF-ZZ", "name": "Ignored"}, square(18, 6)),
    ])

    # The NE code is accepted and means the same country as XKX.
    result = import_boundaries(con, kosovo_update, country="KOS")

    assert (result.country, result.units, result.skipped) == ("XKX", 1, 1)
    rows = stored(con)
    assert [r for r in rows if r[1] == "CAF"] == caf_before
    assert [(r[0], r[1]) for r in rows if r[1] != "CAF"] == [("KOS-9100", "XKX")]


def test_country_filter_counts_other_countries_and_points_as_skipped(con):
    result = import_boundaries(con, SMALL, country="CAF")
    assert (result.units, result.skipped) == (2, 2)
    assert {r[1] for r in stored(con)} == {"CAF"}


def test_country_with_no_polygons_raises(con):
    import_boundaries(con, SMALL)
    before = stored(con)
    with pytest.raises(GeoImportError, match="no polygons for SSD"):
        import_boundaries(con, SMALL, country="SSD")
    assert stored(con) == before


def test_code_held_by_another_country_rolls_back(con, tmp_path):
    import_boundaries(con, SMALL)
    before = stored(con)
    clash = write_fc(tmp_path / "clash.geojson", [
        feature({"adm0_a3": "SSD", "iso_3166_2": "SS-EE", "name": "Fine"}, square(33, 4)),
        feature({"adm0_a3": "SSD", "code": "CF-TA", "name": "Clashing"}, square(31, 4)),
    ])
    with pytest.raises(GeoImportError, match="already stored for another country"):
        import_boundaries(con, clash, country="SSD")
    assert stored(con) == before


def test_invalid_geometry_is_repaired(con, tmp_path):
    bow_tie = [[[18, 6], [19, 7], [19, 6], [18, 7], [18, 6]]]
    path = write_fc(tmp_path / "bowtie.geojson", [
        feature({"adm0_a3": "CAF", "iso_3166_2": "CF-TA", "name": "Testa"}, bow_tie),
    ])
    result = import_boundaries(con, path)
    geometry = shape(json.loads(stored(con)[0][3]))
    assert geometry.is_valid and geometry.geom_type in ("Polygon", "MultiPolygon")
    assert geometry.area == pytest.approx(0.5)
    assert any("Repaired 1" in m for m in result.messages)


def test_simplified_and_rounded(con, tmp_path):
    # A circle of 720 points: a tolerance of 0.01 degree leaves far fewer.
    circle = shapely.Point(18.5, 6.5).buffer(0.5, quad_segs=180)
    path = write_fc(tmp_path / "circle.geojson", [
        {"type": "Feature", "properties": {"adm0_a3": "CAF", "iso_3166_2": "CF-TA", "name": "Round"},
         "geometry": shapely.geometry.mapping(circle)},
    ])
    import_boundaries(con, path)
    geometry = json.loads(stored(con)[0][3])
    ring = geometry["coordinates"][0]
    assert len(ring) < 100
    assert all(round(v, 3) == v for xy in ring for v in xy)


def test_geoboundaries_properties(con, tmp_path):
    path = write_fc(tmp_path / "gb.geojson", [
        feature({"shapeName": "Ouham", "shapeISO": "CF-AC", "shapeID": "gb-1", "shapeGroup": "CAF"}, square(17, 6)),
        # No shapeISO: geoBoundaries' own id stands in; no shapeGroup: the country given.
        feature({"shapeName": "Bamingui", "shapeISO": "", "shapeID": "gb-2"}, square(19, 8)),
    ])
    result = import_boundaries(con, path, country="CAF")
    assert result.units == 2
    assert [(r[0], r[1], r[2]) for r in stored(con)] == [("CF-AC", "CAF", "Ouham"), ("gb-2", "CAF", "Bamingui")]


def test_same_code_same_name_is_joined_other_name_keeps_file_id(con, tmp_path):
    path = write_fc(tmp_path / "dupes.geojson", [
        feature({"adm0_a3": "UGA", "iso_3166_2": "UG-410", "adm1_code": "UGA-1", "name": "Mbarara"}, square(30, -1)),
        feature({"adm0_a3": "UGA", "iso_3166_2": "UG-410", "adm1_code": "UGA-2", "name": "Mbarara"}, square(31, -1)),
        feature({"adm0_a3": "SDN", "iso_3166_2": "SD-DS", "adm1_code": "SDN-1", "name": "South Darfur"}, square(24, 11)),
        feature({"adm0_a3": "SDN", "iso_3166_2": "SD-DS", "adm1_code": "SDN-2", "name": "East Darfur"}, square(26, 11)),
    ])
    result = import_boundaries(con, path)
    rows = {r[0]: r for r in stored(con)}
    assert set(rows) == {"UG-410", "SD-DS", "SDN-2"}
    assert shape(json.loads(rows["UG-410"][3])).area == pytest.approx(2.0)
    assert rows["SDN-2"][2] == "East Darfur"
    assert result.units == 3


def test_ne_codes_folded_to_un_recognised_states(con, tmp_path):
    path = write_fc(tmp_path / "fold.geojson", [
        feature({"adm0_a3": "SOL", "adm1_code": "SOL+00?", "iso_3166_2": "-99-X11~", "name": "Somaliland"}, square(44, 9)),
        feature({"adm0_a3": "CYN", "adm1_code": "CYN+00?", "iso_3166_2": "-99-X04~", "name": "Northern Cyprus"}, square(33, 35, 0.2)),
        feature({"adm0_a3": "SDS", "iso_3166_2": "SS-EE", "name": "Eastern Equatoria"}, square(33, 4)),
    ])
    import_boundaries(con, path)
    assert {r[0]: r[1] for r in stored(con)} == {"SOL+00?": "SOM", "CYN+00?": "CYP", "SS-EE": "SSD"}


def test_bad_level_or_country_argument(con):
    with pytest.raises(GeoImportError, match="level"):
        import_boundaries(con, SMALL, level="adm1; DROP TABLE boundaries")
    with pytest.raises(GeoImportError, match="ISO3"):
        import_boundaries(con, SMALL, country="Central African Republic")


# --------------------------------------------------------------------------- read back


def test_boundaries_geojson_none_when_empty(con):
    assert boundaries_geojson(con) is None


def test_boundaries_geojson_round_trip_and_filter(con, tmp_path):
    import_boundaries(con, SMALL)

    everything = boundaries_geojson(con)
    assert everything["type"] == "FeatureCollection"
    assert [f["properties"] for f in everything["features"]] == [
        {"code": "CF-TA", "iso3": "CAF", "name": "Testa"},
        {"code": "CF-TB", "iso3": "CAF", "name": "Testb"},
        {"code": "KOS-9003", "iso3": "XKX", "name": "Testk"},
    ]
    kosovo = boundaries_geojson(con, iso3s=["KOS"])
    assert [f["properties"]["code"] for f in kosovo["features"]] == ["KOS-9003"]
    assert boundaries_geojson(con, iso3s=["SSD"]) is None
    assert boundaries_geojson(con, iso3s=[]) is None
    assert boundaries_geojson(con, level="adm2") is None

    # What the app exports, it can import again ("code" property).
    exported = tmp_path / "export.geojson"
    exported.write_text(json.dumps(everything), encoding="utf-8")
    assert import_boundaries(con, exported, level="adm1").units == 3


# --------------------------------------------------------------------------- admin-0


@pytest.fixture(scope="module")
def admin0_cache(tmp_path_factory):
    """Build the real country cache once, in a temporary folder instead of data/geo."""
    cache_dir = tmp_path_factory.mktemp("geo") / "geo"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "GEO_CACHE_DIR", cache_dir)
        started = time.perf_counter()
        first = admin0_outlines(["CAF", "COD", "XKX", "SSD"])
        build_seconds = time.perf_counter() - started
        yield cache_dir, first, build_seconds


def test_admin0_mission_countries(admin0_cache):
    _, collection, _ = admin0_cache
    by_iso = {f["properties"]["iso3"]: f for f in collection["features"]}
    assert set(by_iso) == {"CAF", "COD", "XKX", "SSD"}
    assert by_iso["CAF"]["properties"]["name_fr"] == "République centrafricaine"
    assert by_iso["SSD"]["properties"]["name_fr"] == "Soudan du Sud"
    assert by_iso["COD"]["properties"]["name_en"] == "Democratic Republic of the Congo"
    for feat in by_iso.values():
        geometry = shape(feat["geometry"])
        assert geometry.is_valid and not geometry.is_empty
        # 1:10m CAF has thousands of points; simplified it keeps a few hundred.
        assert shapely.get_num_coordinates(geometry) < 600
    ring = by_iso["CAF"]["geometry"]["coordinates"][0]
    ring = ring[0] if isinstance(ring[0][0], list) else ring
    assert all(round(v, 3) == v for xy in ring for v in xy)


def test_admin0_cache_holds_every_country_and_is_small(admin0_cache):
    cache_dir, _, _ = admin0_cache
    path = cache_dir / "admin0.geojson"
    assert path.stat().st_size < 3_000_000
    assert [p.name for p in cache_dir.iterdir()] == ["admin0.geojson"]  # no temp files left
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "GEO_CACHE_DIR", cache_dir)
        every = admin0_outlines()
    codes = {f["properties"]["iso3"] for f in every["features"]}
    assert len(codes) > 240
    assert {"XKX", "SSD", "SOM", "CYP", "PSE", "ESH", "HTI", "LBN"} <= codes
    assert not {"KOS", "SDS", "SOL", "CYN", "CNM", "PSX", "SAH"} & codes
    # Folded: Hargeisa lies in Somalia, Kyrenia in Cyprus.
    by_iso = {f["properties"]["iso3"]: shape(f["geometry"]) for f in every["features"]}
    assert by_iso["SOM"].contains(Point(44.06, 9.56))
    assert by_iso["CYP"].contains(Point(33.32, 35.30))


def test_admin0_second_call_reads_cache(admin0_cache, monkeypatch):
    cache_dir, first, build_seconds = admin0_cache
    monkeypatch.setattr(config, "GEO_CACHE_DIR", cache_dir)

    def no_build():
        raise AssertionError("the cache should have been read, not rebuilt")

    monkeypatch.setattr(geo, "_build_admin0", no_build)
    started = time.perf_counter()
    again = admin0_outlines(["SSD", "CAF", "COD", "KOS"])
    assert time.perf_counter() - started < build_seconds
    assert again == first


def test_admin0_corrupt_cache_is_rebuilt_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(config, "GEO_CACHE_DIR", tmp_path / "geo")
    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "admin0.geojson").write_text('{"type": "FeatureCollection", "feat', encoding="utf-8")
    tiny = {
        "type": "FeatureCollection",
        "tnt_dash": {"format": geo.ADMIN0_CACHE_FORMAT, "source_version": geo._ne_version()},
        "features": [{"type": "Feature", "properties": {"iso3": "CAF", "name_en": "C", "name_fr": "C"},
                      "geometry": {"type": "Polygon", "coordinates": square(18, 6)}}],
    }
    monkeypatch.setattr(geo, "_build_admin0", lambda: tiny)

    with caplog.at_level(logging.WARNING, logger="tnt_dash.geo"):
        result = admin0_outlines()

    assert [f["properties"]["iso3"] for f in result["features"]] == ["CAF"]
    assert "unreadable" in caplog.text
    assert json.loads((tmp_path / "geo" / "admin0.geojson").read_text(encoding="utf-8"))["features"]


def test_real_natural_earth_admin1_if_present(con):
    """The shared NE admin-1 subset, read in place (never copied into the repo)."""
    source = config.PROJECT_DIR.parent / "shared" / "data" / "ne10m_admin1_mission_region_subset.geojson"
    if not source.is_file():
        pytest.skip("shared Natural Earth admin-1 subset not present")
    result = import_boundaries(con, source)
    assert result.units == 825  # 826 features, the two "Mbarara" pieces joined
    counts = dict(con.execute("SELECT iso3, count(*) FROM boundaries GROUP BY iso3").fetchall())
    assert counts["CAF"] == 17 and counts["COD"] == 11 and counts["SSD"] == 10 and counts["XKX"] == 30


def test_light_outlines_keep_hosts_and_shrink_context(tmp_path, monkeypatch):
    full = geo.admin0_outlines(["CAF", "CMR", "TCD", "SDN"])
    light = geo.admin0_outlines_light(["CAF", "CMR", "TCD", "SDN"], ["CAF"])
    by_iso = {f["properties"]["iso3"]: f for f in light["features"]}
    assert set(by_iso) == {"CAF", "CMR", "TCD", "SDN"}
    caf_full = next(f for f in full["features"] if f["properties"]["iso3"] == "CAF")
    assert by_iso["CAF"]["geometry"] == caf_full["geometry"]
    assert len(json.dumps(light)) < 0.8 * len(json.dumps(full))


def test_stores_ship_with_the_current_admin1_outlines(tmp_path):
    """Issue #27: a new store has the reference outlines (with their attribution) and the missions'
    areas; a store that lost its outlines gets them back from ensure_store."""
    from tnt_dash import queries, seed, store
    path = seed.build(tmp_path / "s.duckdb", demo_rows=None)
    con = store.connect(path, read_only=True)
    try:
        polygons = geo.boundaries_geojson(con, "adm1", ["COD"])
        assert len(polygons["features"]) == 26 and "geoBoundaries" in polygons["attribution"]
        assert {f["properties"]["code"] for f in polygons["features"]} >= {"CD-IT", "CD-HK", "CD-TA"}
        assert queries.mission_area(con, "MONUSCO") == ("CD-IT", "CD-NK")
        assert queries.mission_area(con, "MINUSMA") == ()
    finally:
        con.close()
    con = store.connect(path)
    con.execute("DELETE FROM boundaries")
    con.close()
    seed.ensure_store(path)
    con = store.connect(path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM boundaries WHERE batch_id = ?",
                           [geo.REFERENCE_BATCH]).fetchone()[0] == 844
    finally:
        con.close()
