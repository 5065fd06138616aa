"""UNODC data-portal exports -> national_series, recognised by their shape, not by a list of files.

Every export of the portal (trafficking in persons GLOTIP, crime and criminal justice CTS, firearms
IAFQ...) has a header `Iso3_code, Country, …, Indicator, Dimension, Category, Sex, Age, Year, Unit of
measurement, txtVALUE or VALUE, Source`; the SDG dataset has `iso3_code, series, year, value,
lower_bound, upper_bound, obs_status…`. Two banner rows ("UNODC", the export date) come before it.

- "<5" is a censored value: kept as published (value_text '<5', censored TRUE), value NULL, never 0 or 5.
- Implausible values go to the quarantine with their reason: a percentage over 100, a rate per
  100,000 over 100,000, a count larger than the country's population (where the reference knows
  it), such as the questionnaire codes that sit in some value cells.
- Two rows with one key: the published value is preferred to an estimate, a value to a censored or
  blank one; otherwise the first row is kept. The import report says which row was kept and why.
- An estimate keeps its bounds and its nature ("Estimated value").
"""
from __future__ import annotations

import re

from ..i18n import N_
from .detect import FileUnreadable, cell_text, nonblank, unodc_header
from .rows import header_cells, table_items
from .values import parse_number


class _Target:
    table = "national_series"
    keys = ("source", "iso3", "indicator", "dimension", "category", "sex", "age", "year", "unit", "series_source")
    values = ("value", "value_text", "censored", "lower_bound", "upper_bound", "nature")


TARGET = _Target()
def context(con) -> dict:
    import pycountry
    return {"iso3": {c.alpha_3 for c in pycountry.countries} | {"XKX"},
            "population": dict(con.execute("SELECT iso3, population FROM countries WHERE population > 0").fetchall())}


def read(source, t):
    for sheet in source.sheets:
        for index, (_n, row) in enumerate(sheet.rows[:20]):
            if nonblank(row) and unodc_header(row):
                headers = [h.lower() for h in header_cells(row)]
                return table_items(sheet.rows, index, headers, sheet.name if source.workbook else None), []
    raise FileUnreadable(N_("No UNODC data-portal header (Iso3_code, …, Indicator, Year, txtVALUE or VALUE) in "
                            "the first 20 rows."))


def _value(raw_value, status: str) -> tuple[float | None, str, bool]:
    # A whole number a workbook stores as a float (12.0) is published as 12.
    text = str(int(raw_value)) if isinstance(raw_value, float) and raw_value.is_integer() else cell_text(raw_value)
    if re.fullmatch(r"[<>]\s*\d+([.,]\d+)?", text):
        return None, text.replace(" ", ""), True   # censored: kept as published, never a number
    if not text:
        # The SDG file leaves the value blank with obs_status "Omitted value for confidentiality reasons":
        # censored as well. A blank with no status is simply not available (value NULL, not censored).
        return None, status, "confidential" in status.lower()
    return parse_number(raw_value, decimal_comma=False), text, False


def convert(raw: dict, ctx: dict, t):
    sdg = "series" in raw
    value_column = "txtvalue" if "txtvalue" in raw else "value"
    iso3 = cell_text(raw.get("iso3_code")).upper()
    errors = []
    if iso3 not in ctx["iso3"]:
        name = cell_text(raw.get("country") or raw.get("geo"))
        errors.append({"field": "iso3_code", "reason": t.gettext(
            N_("“{name}” ({value}) has no ISO 3166 country code (a region, or a part of a country such as "
               "England and Wales): not a national series")).format(name=name or iso3, value=iso3)})
    try:
        year = int(float(cell_text(raw.get("year"))))
    except ValueError:
        errors.append({"field": "year", "reason": t.gettext(N_("not a year: {value}")).format(value=cell_text(raw.get("year")))})
        year = None
    raw_value = raw.get(value_column)
    nature = cell_text(raw.get("obs_status"))
    if value_column == "txtvalue" and cell_text(raw_value) == "":
        errors.append({"field": "txtVALUE", "reason": t.gettext(N_("a value is required"))})
    else:
        try:
            value, text, censored = _value(raw_value, nature)
            bounds = [_bound(raw.get(b)) for b in ("lower_bound", "upper_bound")]
        except Exception:   # PydanticCustomError from parse_number; reported below in the UI language
            errors.append({"field": "txtVALUE" if value_column == "txtvalue" else "value",
                           "reason": t.gettext(N_("not a number: {value}")).format(value=cell_text(raw_value))})
    if errors:
        return [], errors
    if sdg:
        drug = cell_text(raw.get("drug"))
        crime = cell_text(raw.get("crime"))
        category = " – ".join(p for p in (crime, drug) if p and p != "Not applicable") or None
        record = {"source": "UNODC SDG",
                  "indicator": " ".join(p for p in (cell_text(raw.get("indicator")), cell_text(raw.get("series"))) if p),
                  "dimension": cell_text(raw.get("dim_comp1")) or None, "category": category, "unit": None}
    else:
        dataset = cell_text(raw.get("source")).upper()
        record = {"source": "UNODC GLOTIP" if value_column == "txtvalue" or dataset == "GLOTIP" else
                  f"UNODC {dataset}".strip(),
                  "indicator": cell_text(raw.get("indicator")),
                  "dimension": cell_text(raw.get("dimension")) or None, "category": cell_text(raw.get("category")) or None,
                  "unit": cell_text(raw.get("unit of measurement")) or None}
    problem = _implausible(value, record["unit"] or "", record["indicator"], ctx["population"].get(iso3), t)
    if problem:
        return [], [{"field": "txtVALUE" if value_column == "txtvalue" else "value", "reason": problem}]
    record.update({"iso3": iso3, "sex": cell_text(raw.get("sex")) or None, "age": cell_text(raw.get("age")) or None,
                   "year": year, "value": value, "value_text": text, "censored": censored,
                   "lower_bound": bounds[0], "upper_bound": bounds[1],
                   "nature": nature if nature and not censored else None,
                   "series_source": cell_text(raw.get("source")) or None})
    return [record], []


def _bound(raw) -> float | None:
    return parse_number(raw, decimal_comma=False) if cell_text(raw) else None


def _implausible(value: float | None, unit: str, indicator: str, population: int | None, t) -> str | None:
    """Why a value cannot be what its unit says, or None."""
    if value is None:
        return None
    what = f"{unit} {indicator}".lower()
    if "%" in what or "percent" in what:
        if value > 100:
            return t.gettext(N_("a percentage over 100: {value}")).format(value=t.number(value))
    elif "per 100,000" in what or "per 100 000" in what or "rate" in what:
        if value > 100_000:
            return t.gettext(N_("a rate per 100,000 over 100,000: {value}")).format(value=t.number(value))
    elif population and value > population:
        return t.gettext(N_("a count larger than the country's population ({population}): {value}")).format(
            population=t.number(population), value=t.number(value))
    return None


def prefer(first: dict, later: dict) -> tuple[bool, str]:
    """Of two rows with one key: (True if the later one is kept, why). A published value beats an
    estimate, a value beats a censored or blank one; otherwise the first stays."""
    def rank(record: dict) -> tuple:
        return (record["value"] is not None, (record.get("nature") or "").lower() != "estimated value")
    if rank(later) > rank(first):
        return True, N_("a published value is preferred to an estimate, a value to a censored or blank one")
    if rank(later) < rank(first):
        return False, N_("a published value is preferred to an estimate, a value to a censored or blank one")
    return False, N_("both are published values: the first row is kept")
