"""HXL-tagged CSV or workbook: the hashtag row decides what each column means.

Attributes are case-insensitive and order-free: `#Affected +Children +F` is `#affected +children +f`.

`#affected` columns describe overlapping breakdowns of the same people, not parts to add. Each
measure (people affected, killed, injured, kidnapped) is read on its own:
- its total (no attribute, or `+total`/`+all`) when given;
- the sex × age columns fill the victim grid; a column that is a partial total (`#affected +f`
  beside `#affected +f +children`) adds only what it holds beyond its detailed columns, to the
  "age unknown" (or "sex unknown") cell, never spread over known ones;
- a breakdown by another dimension (`+national`, `+i`, `+ingo`…) is used only where neither a total
  nor sex × age columns are given, and then only its largest column, a lower bound: such columns
  can overlap;
- injured people are never counted as victims of the crime, and killed people are fatalities.
Victims are the people affected, or, where the file gives no such measure, the people kidnapped.
The import report names every column that was not counted and why.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

from ..i18n import N_
from . import common
from .detect import FileUnreadable, cell_text, nonblank
from .native import validate
from .rows import table_items
from .values import parse_count

# Judgement: an HXL file says nothing about grading or handling. Records are graded F6 ("cannot be
# judged") until an analyst grades them, and marked TLP:GREEN (community, not public channels).
DEFAULTS = {"source_type": "HXL dataset", "source_reliability": "F", "info_credibility": 6,
            "classification": "UNCLASSIFIED", "tlp": "TLP:GREEN", "status": "validated"}
SEX = {"f": "female", "m": "male"}
AGE = {"children": "child", "adults": "adult"}
TOTAL_ATTRS = frozenset({"total", "all"})
# What an #affected column counts; the first attribute found decides.
MEASURES = {"killed": "killed", "dead": "killed", "fatalities": "killed", "injured": "injured",
            "wounded": "injured", "kidnapped": "kidnapped", "abducted": "kidnapped"}
# Attributes that say nothing about whom a column counts (HXL's +num, +i for a number).
NEUTRAL_ATTRS = frozenset({"num", "number"})


def affected_column(attrs: frozenset) -> tuple[str, str | None, str | None, frozenset]:
    """(measure, sex, age, other dimensions) of an #affected column's attributes."""
    measure = next((MEASURES[a] for a in sorted(attrs) if a in MEASURES), "affected")
    sex = next((SEX[a] for a in attrs if a in SEX), None)
    age = next((AGE[a] for a in attrs if a in AGE), None)
    other = attrs - set(MEASURES) - set(SEX) - set(AGE) - TOTAL_ATTRS - NEUTRAL_ATTRS
    return measure, sex, age, frozenset(other)


def ignored_affected_columns(tags: list[str], t) -> list[dict]:
    """The file-level notes on #affected columns that are never counted (injured people), or only
    where no total or sex × age columns are given (breakdowns by another dimension)."""
    notes = []
    columns = [(tag, *affected_column(parse_tag(tag.split(" (")[0])[1])) for tag in tags
               if parse_tag(tag.split(" (")[0])[0] == "#affected"]
    for tag, measure, sex, age, other in columns:
        if measure == "injured":
            notes.append({"row": None, "field": tag, "reason": t.gettext(
                N_("injured people are not counted as victims of the crime: column not imported"))})
        elif other:
            has_total = any(m == measure and not o for _t, m, _s, _a, o in columns)
            notes.append({"row": None, "field": tag, "reason": t.gettext(
                N_("a breakdown by another dimension: not added; the measure's total or sex × age columns are "
                   "used") if has_total else
                N_("a breakdown by another dimension: counted only where no total or sex × age column is "
                   "given, and then only the largest such column (they may overlap)"))})
    return notes
MARKET_TAGS = ("#crime", "#x_market", "#x_crime")


def parse_tag(text: str) -> tuple[str, frozenset]:
    parts = cell_text(text).lower().replace("+", " +").split()
    if not parts or not parts[0].startswith("#"):
        return "", frozenset()
    return parts[0], frozenset(p.lstrip("+") for p in parts[1:] if p.startswith("+"))


def norm_tag(text: str) -> str:
    tag, attrs = parse_tag(text)
    return " ".join([tag, *sorted("+" + a for a in attrs)]) if tag else ""


def _known(tag: str, attrs: frozenset) -> bool:
    if tag in ("#meta", "#date", "#country", "#adm1", "#loc", "#geo", "#org", "#affected", "#description",
               "#status", "#event", *MARKET_TAGS):
        return True
    return False


def context(con) -> dict:
    return common.incident_context(con)


def read(source, t):
    for sheet in source.sheets:
        rows = [(i, r) for i, (_n, r) in enumerate(sheet.rows) if nonblank(r)][:25]
        for index, row in rows:
            cells = [cell_text(c) for c in row if cell_text(c)]
            if cells and sum(c.startswith("#") for c in cells) >= max(1, len(cells) // 2):
                tags = []
                for position, cell in enumerate(sheet.rows[index][1]):
                    tag = norm_tag(cell)
                    tags.append(tag or f"column_{position + 1}")
                seen, unique = {}, []
                for tag in tags:
                    seen[tag] = seen.get(tag, 0) + 1
                    unique.append(tag if seen[tag] == 1 else f"{tag} ({seen[tag]})")
                warnings = [{"row": sheet.rows[index][0], "field": tag, "reason": t.gettext(N_("unknown column, ignored"))}
                            for tag in unique if not _known(*parse_tag(tag.split(" (")[0]))]
                warnings += ignored_affected_columns(unique, t)
                return table_items(sheet.rows, index, unique, sheet.name if source.workbook else None), warnings
    raise FileUnreadable(N_("No HXL hashtag row found in the first 25 rows."))


def convert(raw: dict, ctx: dict, t):
    cells = dict(DEFAULTS)
    # measure -> {"grid": {(sex, age): n}, "other": [n, ...]} for the row's non-blank #affected cells
    measures: dict[str, dict] = {}
    parts: dict[str, str] = {}     # #date +year / +month / +day
    errors = []
    origin = destination = None
    for key, value in raw.items():
        if key.startswith("_"):
            continue
        tag, attrs = parse_tag(key.split(" (")[0])
        text = cell_text(value)
        if tag == "#meta" and "id" in attrs:
            cells["incident_id"] = text
        elif tag == "#date" and attrs & DATE_PARTS:
            if text:    # split dates: a blank part is "not given", never an overwrite
                parts[next(p for p in ("year", "month", "day") if p in attrs)] = text
        elif tag == "#date":
            cells["date_reported" if "reported" in attrs else "date_occurred"] = value
        elif tag == "#country":
            iso3 = text.upper() if "code" in attrs else common.iso3_from_name(text, ctx)
            if "origin" in attrs:
                origin = iso3 or text
            elif "dest" in attrs:
                destination = iso3 or text
            elif text:
                cells["iso3"] = iso3 or text
        elif tag == "#adm1" and not attrs & {"origin", "dest"}:
            cells["_adm1_code" if "code" in attrs else "_adm1_name"] = text
        elif tag == "#loc" and not attrs & {"origin", "dest"}:
            cells["place"] = text
        elif tag == "#geo":
            cells["lat" if "lat" in attrs else "lon"] = value
        elif tag == "#org":
            cells["reporting_unit"] = text
        elif tag == "#description":
            cells["narrative"] = text
        elif tag == "#status" and text:
            cells["status"] = text
        elif tag in MARKET_TAGS or (tag == "#event" and attrs & {"type", "market"}):
            cells["market"] = text
        elif tag == "#affected" and text:   # a blank cell is "not given", not a total of zero
            try:
                count = parse_count(value)
            except Exception:   # a PydanticCustomError carrying its own reason; report it per column
                errors.append({"field": key, "reason": t.gettext(N_("not a whole number: {value}")).format(value=text)})
                continue
            measure, sex, age, other = affected_column(attrs)
            found = measures.setdefault(measure, {"grid": {}, "other": []})
            if other:
                found["other"].append(count)
            else:
                found["grid"][(sex, age)] = found["grid"].get((sex, age), 0) + count
    if parts and not cells.get("date_occurred"):
        date_value, precision, problem = combine_date_parts(parts)
        if problem:
            errors.append({"field": "#date", "reason": t.gettext(problem).format(value=" ".join(parts.values()))})
        else:
            cells["date_occurred"], cells["date_precision"] = date_value, precision
    if errors:
        return [], errors
    victims_measure = measures.get("affected") or measures.get("kidnapped") or {"grid": {}, "other": []}
    grid = victims_measure["grid"] or ({(None, None): max(victims_measure["other"])} if victims_measure["other"] else {})
    if "killed" in measures:
        killed, problem = victim_cells(measures["killed"]["grid"]) if measures["killed"]["grid"] else \
            ({"all": max(measures["killed"]["other"])}, None)
        if problem:
            return [], [{"field": "#affected +killed", "reason": t.gettext(problem)}]
        cells["fatalities"] = sum(killed.values())
    if origin:
        cells["origin_iso3"] = origin
    if destination:
        cells["destination_iso3"] = destination
    if origin or destination:
        cells["cross_border"] = True
    iso3 = cells.get("iso3")
    if isinstance(iso3, str) and len(iso3) == 3:
        cells.setdefault("mission", ctx["mission_by_iso3"].get(iso3))
    code, name = cells.pop("_adm1_code", None), cells.pop("_adm1_name", None)
    cells["admin1_code"] = code or common.admin1_code(iso3, name, ctx, *common.place_coordinates(
        cells.get("lat"), cells.get("lon"), cells.get("geo_precision")))
    victims, problem = victim_cells(grid)
    if problem:
        return [], [{"field": "#affected", "reason": t.gettext(problem)}]
    cells.update(victims)
    if not cells.get("incident_id"):
        # No #meta +id: a stable id from the row's content, so re-importing the same file changes nothing.
        digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()[:16]
        cells["incident_id"] = f"HXL-{digest}"
    record, more = validate(cells, ctx, t)
    return ([record] if record else []), more


DATE_PARTS = frozenset({"year", "month", "day"})


def combine_date_parts(parts: dict[str, str]) -> tuple[str | None, int | None, str | None]:
    """An ISO date and its precision (1 day, 3 month) from split #date +year/+month/+day columns, or a
    reason why not: a year alone is not a date (the store's finest coarse precision is a month)."""
    try:
        year = int(float(parts["year"])) if "year" in parts else None
        month = int(float(parts["month"])) if "month" in parts else None
        day = int(float(parts["day"])) if "day" in parts else None
    except ValueError:
        return None, None, N_("split date parts are not numbers: {value}")
    if year is None or month is None:
        return None, None, N_("a year alone is not a date: {value} (give the month, and the day if known)")
    try:
        return date(year, month, day or 1).isoformat(), 1 if day else 3, None
    except ValueError:
        return None, None, N_("split date parts make no date: {value}")


def victim_cells(grid: dict) -> tuple[dict, str | None]:
    """Sex × age cells from HXL columns, where columns without sex or age may be totals."""
    out = {}
    for sex in ("female", "male"):
        for age in ("child", "adult"):
            out[f"v_{sex}_{age}"] = grid.get((sex, age), 0)
    for age in ("child", "adult"):
        known = out[f"v_female_{age}"] + out[f"v_male_{age}"]
        total = grid.get((None, age))
        out[f"v_unknown_{age}"] = 0 if total is None else total - known
    for sex in ("female", "male"):
        known = out[f"v_{sex}_child"] + out[f"v_{sex}_adult"]
        total = grid.get((sex, None))
        out[f"v_{sex}_unknown"] = 0 if total is None else total - known
    total = grid.get((None, None))
    out["v_unknown_unknown"] = 0 if total is None else total - sum(out.values())
    if any(v < 0 for v in out.values()):
        return {}, N_("a total #affected column is smaller than the sum of its detailed columns")
    return out, None
