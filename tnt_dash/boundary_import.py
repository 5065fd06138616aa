"""Admin boundaries from a user's GeoJSON file (`python -m tnt_dash geo import`): units read, checked
and keyed by ISO 3166-2 code, then written all or nothing. The outlines' shared rules (country keys,
grid, simplification) are in geo.py."""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from tnt_dash import store
from tnt_dash.geo import ADMIN1_TOLERANCE, POLYGON_TYPES, GeoImportError, compact, polygonal, to_iso3

_ISO_3166_2 = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_LEVEL = re.compile(r"^[a-z0-9_]{1,16}$")
_GEOMETRY_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError,
                    shapely.errors.GEOSException)


@dataclass
class BoundaryImportResult:
    level: str
    country: str | None
    units: int
    skipped: int
    messages: list[str] = field(default_factory=list)


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
            geom = polygonal(shapely.make_valid(geom))
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
         json.dumps(mapping(compact(unit.geom, ADMIN1_TOLERANCE)), separators=(",", ":")), batch_id]
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
