"""Lookups shared by the ACLED and HXL mappers: countries by ISO numeric or name, admin-1 by name or
alias (the gazetteer, reference/admin1_aliases.csv), missions."""
from __future__ import annotations

import re

import pycountry

from .native import norm_header, reference_context


def incident_context(con) -> dict:
    ctx = reference_context(con)
    ctx["admin1_by_name"] = {}
    names = con.execute("SELECT code, iso3, name_en, name_fr FROM admin1").fetchall()
    # The store's own names first, then the gazetteer's aliases (a store built before it has none).
    aliases = con.execute("""SELECT a.code, d.iso3, a.alias, NULL FROM admin1_aliases a
                             JOIN admin1 d ON d.code = a.code""").fetchall() if _has_table(con, "admin1_aliases") else []
    for code, iso3, *spellings in names + aliases:
        for name in spellings:
            if name:
                ctx["admin1_by_name"].setdefault((iso3, admin1_key(name)), code)
    # (iso3, name) of each admin-1 name the current row gave that matched nothing: the pipeline counts
    # them for the rows that import, and reports each spelling once with its count.
    ctx["admin1_unmatched"] = []
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


# Words that only say what kind of unit a name is: "Unity State", "Province du Nord-Kivu",
# "Région de l'Ouest", "District of Prishtina" match "Unity", "Nord-Kivu", "Ouest", "Prishtina".
_UNIT_WORDS = r"(?:province|provincia|region|state|etat|prefecture|departement|department|district|county|governorate|wilaya)"
_LEADING = re.compile(rf"^{_UNIT_WORDS}_(?:(?:of|de|du|d|de_la|de_l|del)_)?")
_TRAILING = re.compile(rf"_{_UNIT_WORDS}$")


def admin1_key(name) -> str:
    """The form admin-1 names and aliases are compared in: case, accents, spaces, hyphens and
    apostrophes do not matter (norm_header), nor a leading or trailing word naming the unit type."""
    key = norm_header(name)
    return _TRAILING.sub("", _LEADING.sub("", key)) or key


def _has_table(con, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                            [table]).fetchone()[0])


def admin1_code(iso3: str | None, name, ctx: dict) -> str | None:
    """The admin-1 code for a name or alias in a country; None, and the name noted as unmatched, if none."""
    text = str(name).strip() if name is not None else ""
    if not iso3 or not text:
        return None
    code = ctx["admin1_by_name"].get((iso3, admin1_key(text)))
    if code is None and "admin1_unmatched" in ctx:
        ctx["admin1_unmatched"].append((iso3, text))
    return code
