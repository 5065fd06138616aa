"""Lookups shared by the ACLED and HXL mappers: countries by ISO numeric or name, admin-1 by name, missions."""
from __future__ import annotations

import pycountry

from .native import norm_header, reference_context


def incident_context(con) -> dict:
    ctx = reference_context(con)
    ctx["admin1_by_name"] = {}
    for code, iso3, en, fr in con.execute("SELECT code, iso3, name_en, name_fr FROM admin1").fetchall():
        for name in (en, fr):
            ctx["admin1_by_name"].setdefault((iso3, norm_header(name)), code)
    # The mission deployed in a host territory today; closed missions (end_date set) are not guessed.
    ctx["mission_by_iso3"] = dict(con.execute(
        "SELECT host_iso3, min(code) FROM missions WHERE end_date IS NULL GROUP BY host_iso3").fetchall())
    ctx["country_by_name"] = {}
    for iso3, en, fr in con.execute("SELECT iso3, name_en, name_fr FROM countries").fetchall():
        for name in (en, fr, iso3):
            ctx["country_by_name"][norm_header(name)] = iso3
    return ctx


def iso3_from_numeric(value) -> str | None:
    """ACLED's `iso` is the ISO 3166 numeric code; ACLED gives Kosovo 0, which is XKX here (DOMAIN.md §1)."""
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


def admin1_code(iso3: str | None, name, ctx: dict) -> str | None:
    if not iso3 or not name:
        return None
    return ctx["admin1_by_name"].get((iso3, norm_header(name)))
