"""`python -m tnt_dash geo …`: boundary files for the maps, and which area a place name means
(docs/map.md)."""
from __future__ import annotations

import getpass
import hashlib
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .. import boundary_import, config, geo, store
from ..gazetteer import BY_FORMER, Gazetteer
from .common import EXIT_USAGE, CliError


def add_cli_parser(sub) -> None:
    p = sub.add_parser("geo", help="boundary files for the maps; which area a name means (see docs/map.md)")
    geo_sub = p.add_subparsers(dest="geo_command", required=True)
    g = geo_sub.add_parser("import", help="import admin-1 (or other) boundaries from a GeoJSON file")
    g.add_argument("file", type=Path, help="GeoJSON FeatureCollection of Polygon/MultiPolygon features")
    g.add_argument("--level", default="adm1", help="boundary level (default adm1)")
    g.add_argument("--country", help="replace only this country's boundaries (ISO3)")
    r = geo_sub.add_parser("resolve", help="the admin-1 area a name means, as every importer resolves it "
                                           "(exit 0), or the nearest spellings (exit 2)")
    r.add_argument("name", help="an admin-1 name as a source spells it, e.g. 'Province Orientale' or 'Hiiraan'")
    r.add_argument("--country", help="ISO3 code of the country (default: every country where the name is known)")
    r.add_argument("--lat", type=float, help="latitude, to choose between the successors of a split area")
    r.add_argument("--lon", type=float, help="longitude, with --lat")
    r.add_argument("--json", action="store_true", help="print JSON")


def cli_command(args) -> int:
    return {"import": _import, "resolve": _resolve}[args.geo_command](args)


def _resolve(args) -> int:
    if (args.lat is None) != (args.lon is None):
        raise CliError("--lat and --lon go together")
    country = args.country.strip().upper() if args.country else None
    con = store.connect(args.db or config.db_path(), read_only=True)
    try:
        gazetteer = Gazetteer.from_store(con)
        if country and not any(iso3 == country for iso3, *_ in gazetteer.areas.values()):
            raise CliError(f"no admin-1 areas for country {country!r} in the store")
        matches = ([m for m in [gazetteer.lookup(country, args.name, args.lat, args.lon)] if m] if country
                   else gazetteer.lookup_anywhere(args.name, args.lat, args.lon))
        candidates = [] if matches else gazetteer.suggest(args.name, country)
    finally:
        con.close()
    if args.json:
        print(json.dumps({"name": args.name, "country": country,
                          "matches": [dict(m.as_dict(), successors=list(gazetteer.successors_of(m.code)))
                                      for m in matches],
                          "candidates": [c.as_dict() for c in candidates]}, ensure_ascii=False))
    elif matches:
        for m in matches:
            line = f"{m.code}\t{m.name_en} ({m.iso3})\tmatched “{m.spelling}” ({m.how})"
            if m.how == BY_FORMER:
                line += f"\tsplit into {', '.join(gazetteer.successors_of(m.code))}: give --lat/--lon to choose"
            elif m.former_code:
                line += f"\tsuccessor of former {m.former_code}"
            print(line)
    else:
        where = f" in {country}" if country else ""
        print(f"no admin-1 area is spelled “{args.name}”{where}; nearest:" if candidates
              else f"no admin-1 area is spelled “{args.name}”{where}, nor anything close")
        for c in candidates:
            print(f"  {c.code}\t{c.name_en} ({c.iso3})\t“{c.spelling}”\t{c.score:.2f}")
    return 0 if matches else EXIT_USAGE


def _import(args) -> int:
    """All or nothing, and an audit_log row whether the file was taken or refused."""
    path = Path(args.file)
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    try:
        con = store.connect(args.db or config.db_path())
    except duckdb.IOException as exc:
        raise CliError(f"cannot open the store for writing (is the app running on it?): {exc}") from None
    batch_id = f"geo-{uuid.uuid4().hex[:12]}"
    try:
        store.migrate(con)
        try:
            result = boundary_import.import_boundaries(con, path, level=args.level, country=args.country, batch_id=batch_id)
            error = None
        except geo.GeoImportError as exc:
            result, error = None, str(exc)
        details = ({"status": "rejected", "error": error, "level": args.level, "country": args.country} if error else
                   {"status": "committed", "level": result.level, "country": result.country, "units": result.units,
                    "skipped": result.skipped, "messages": result.messages})
        con.execute("INSERT INTO audit_log (audit_id, logged_at, actor, action, batch_id, file_name, sha256, details) "
                    "VALUES (?, ?, ?, 'geo_import', ?, ?, ?, ?)",
                    [uuid.uuid4().hex, datetime.now(timezone.utc).replace(tzinfo=None), getpass.getuser(),
                     None if error else batch_id, path.name, digest, json.dumps(details)])
    finally:
        con.close()
    if error:
        raise CliError(error)
    scope = f" for {result.country}" if result.country else ""
    print(f"imported {result.units} {result.level} units{scope} from {path.name} ({result.skipped} features skipped)")
    for message in result.messages:
        print(f"  {message}")
    return 0
