"""Lookups shared by the importers: the reference sets every row is validated against, and for the
ACLED and HXL mappers countries by ISO numeric or name, admin-1 by name or alias (the gazetteer,
reference/admin1_aliases.csv), missions."""
from __future__ import annotations

import pycountry

from dataclasses import dataclass

from ..gazetteer import BY_FORMER, Gazetteer
from ..names import norm_header


@dataclass(frozen=True)
class OutOfScope:
    """What a mapper returns for a row that is no error but no crime either (an ACLED battle or
    protest): the batch counts it as out of scope, by `label`, and keeps nothing of it."""
    label: str


def reference_context(con) -> dict:
    """Lookup sets for validation, read once per import."""
    markets = {}
    for code, en, fr in con.execute("SELECT code, label_en, label_fr FROM markets").fetchall():
        for key in (code, en, fr):
            markets[norm_header(key)] = code
    return {
        "markets": markets,
        "countries": {r[0] for r in con.execute("SELECT iso3 FROM countries").fetchall()},
        "missions": {r[0] for r in con.execute("SELECT code FROM missions").fetchall()},
        # Former codes too: a file written before an area was split still imports (convert moves it).
        "admin1": dict(con.execute("SELECT upper(code), iso3 FROM admin1_named").fetchall()),
    }


def incident_context(con) -> dict:
    ctx = reference_context(con)
    ctx["gazetteer"] = Gazetteer.from_store(con)
    # (iso3, name) of each admin-1 name the current row gave that matched nothing, and of each former
    # unit a name resolved to without coordinates to choose its successor: the pipeline counts them
    # for the rows that import, and reports each spelling once with its count.
    ctx["admin1_unmatched"] = []
    ctx["admin1_former"] = []
    # The mission deployed in a host territory today; closed missions (end_date set) are not guessed.
    ctx["mission_by_iso3"] = dict(con.execute(
        "SELECT host_iso3, min(code) FROM missions WHERE end_date IS NULL GROUP BY host_iso3").fetchall())
    ctx["country_by_name"] = {}
    for iso3, en, fr in con.execute("SELECT iso3, name_en, name_fr FROM countries").fetchall():
        for name in (en, fr, iso3):
            ctx["country_by_name"][norm_header(name)] = iso3
    return ctx


def iso3_from_numeric(value) -> str | None:
    """ACLED's `iso` is the ISO 3166 numeric code; ACLED gives Kosovo 0, which is XKX here (the code the UN uses)."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    try:
        number = int(float(text))
    except ValueError:
        return None
    if number == 0:
        return "XKX"
    found = pycountry.countries.get(numeric=f"{number:03d}")
    return found.alpha_3 if found else None


def iso3_from_name(name, ctx: dict) -> str | None:
    if not name:
        return None
    key = norm_header(name)
    if key in ctx.get("country_by_name", {}):
        return ctx["country_by_name"][key]
    try:
        return pycountry.countries.lookup(str(name).strip()).alpha_3
    except LookupError:
        return None


def admin1_code(iso3: str | None, name, ctx: dict, lat=None, lon=None) -> str | None:
    """The admin-1 code a name or alias means in a country (through the gazetteer: a former unit's
    successor, chosen by the coordinates when it was split); None, and the name noted as
    unmatched, if nothing matches."""
    text = str(name).strip() if name is not None else ""
    if not iso3 or not text:
        return None
    match = ctx["gazetteer"].lookup(iso3, text, _number(lat), _number(lon))
    if match is None:
        ctx["admin1_unmatched"].append((iso3, text))
        return None
    if match.how == BY_FORMER:
        ctx["admin1_former"].append((iso3, text))
    return match.code


def _number(value) -> float | None:
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return number if number == number else None   # NaN is no coordinate


def place_coordinates(lat, lon, precision) -> tuple:
    """Coordinates that may choose between a split unit's successors: not those of a point placed at
    an area's centroid (precision 3, ACLED's "larger region"), which say nothing about the part."""
    return (None, None) if str(precision).strip() in ("3", "3.0") else (lat, lon)
