"""UNODC data-portal exports (GLOTIP, SDG) -> national_series.

Two banner rows ("UNODC", the export date) come before the header. "<5" is a censored value:
it is kept as published (value_text '<5', censored TRUE) and value stays NULL, never 0 or 5.
"""
from __future__ import annotations

import re

from ..i18n import N_
from .detect import FileUnreadable, cell_text, nonblank
from .native import header_cells, parse_number, table_items


class _Target:
    table = "national_series"
    keys = ("source", "iso3", "indicator", "dimension", "category", "sex", "age", "year", "unit", "series_source")
    values = ("value", "value_text", "censored")


TARGET = _Target()
GLOTIP = {"iso3_code", "indicator", "year", "txtvalue"}
SDG = {"iso3_code", "series", "year", "value"}


def context(con) -> dict:
    import pycountry
    # Regional aggregates carry three-letter codes too (e.g. ESA): only ISO 3166 countries are national.
    return {"iso3": {c.alpha_3 for c in pycountry.countries} | {"XKX"}}


def read(source, t):
    for sheet in source.sheets:
        for index, (_n, row) in enumerate(sheet.rows[:20]):
            if not nonblank(row):
                continue
            lower = {cell_text(c).lower() for c in row}
            if GLOTIP <= lower or SDG <= lower:
                headers = [h.lower() for h in header_cells(row)]
                return table_items(sheet.rows, index, headers, sheet.name if source.workbook else None), []
    raise FileUnreadable(N_("No UNODC data-portal header (Iso3_code, …, txtVALUE or value) in the first 20 rows."))


def _value(raw_value, status: str) -> tuple[float | None, str, bool]:
    text = cell_text(raw_value)
    if re.fullmatch(r"[<>]\s*\d+([.,]\d+)?", text):
        return None, text.replace(" ", ""), True   # censored: kept as published, never a number
    if not text:
        # The SDG file leaves the value blank with obs_status "Omitted value for confidentiality reasons":
        # censored as well. A blank with no status is simply not available (value NULL, not censored).
        return None, status, "confidential" in status.lower()
    return parse_number(raw_value, decimal_comma=False), text, False


def convert(raw: dict, ctx: dict, t):
    glotip = "txtvalue" in raw
    iso3 = cell_text(raw.get("iso3_code")).upper()
    errors = []
    if iso3 not in ctx["iso3"]:
        errors.append({"field": "iso3_code", "reason": t.gettext(
            N_("no ISO3 country code (a regional aggregate is not a national series): {value}")).format(value=iso3)})
    try:
        year = int(float(cell_text(raw.get("year"))))
    except ValueError:
        errors.append({"field": "year", "reason": t.gettext(N_("not a year: {value}")).format(value=cell_text(raw.get("year")))})
        year = None
    raw_value = raw.get("txtvalue" if glotip else "value")
    if glotip and cell_text(raw_value) == "":
        errors.append({"field": "txtVALUE", "reason": t.gettext(N_("a value is required"))})
    else:
        try:
            value, text, censored = _value(raw_value, cell_text(raw.get("obs_status")))
        except Exception:   # PydanticCustomError from parse_number; reported below in the UI language
            errors.append({"field": "txtVALUE" if glotip else "value",
                           "reason": t.gettext(N_("not a number: {value}")).format(value=cell_text(raw_value))})
    if errors:
        return [], errors
    if glotip:
        record = {"source": "UNODC GLOTIP", "indicator": cell_text(raw.get("indicator")),
                  "dimension": cell_text(raw.get("dimension")) or None, "category": cell_text(raw.get("category")) or None,
                  "unit": cell_text(raw.get("unit of measurement")) or None}
    else:
        drug = cell_text(raw.get("drug"))
        crime = cell_text(raw.get("crime"))
        category = " – ".join(p for p in (crime, drug) if p and p != "Not applicable") or None
        record = {"source": "UNODC SDG",
                  "indicator": " ".join(p for p in (cell_text(raw.get("indicator")), cell_text(raw.get("series"))) if p),
                  "dimension": cell_text(raw.get("dim_comp1")) or None, "category": category, "unit": None}
    record.update({"iso3": iso3, "sex": cell_text(raw.get("sex")) or None, "age": cell_text(raw.get("age")) or None,
                   "year": year, "value": value, "value_text": text, "censored": censored,
                   "series_source": cell_text(raw.get("source")) or None})
    return [record], []
