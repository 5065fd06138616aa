"""HXL-tagged CSV or workbook: the hashtag row decides what each column means (DOMAIN.md §6).

Attributes are case-insensitive and order-free: `#Affected +Children +F` is `#affected +children +f`.
Victim columns fill the sex × age grid. A column that is a total (`#affected +f` beside
`#affected +f +children`) is not double-counted: what it holds beyond its detailed columns goes
to the "age unknown" (or "sex unknown") cell, never spread over known ones.
"""
from __future__ import annotations

import hashlib
import json

from ..i18n import N_
from . import common
from .detect import FileUnreadable, cell_text, nonblank
from .native import parse_count, table_items, validate

# Judgement: an HXL file says nothing about grading or handling. Records are graded F6 ("cannot be
# judged") until an analyst grades them, and marked TLP:GREEN (community, not public channels).
DEFAULTS = {"source_type": "HXL dataset", "source_reliability": "F", "info_credibility": 6,
            "classification": "UNCLASSIFIED", "tlp": "TLP:GREEN", "status": "validated"}
SEX = {"f": "female", "m": "male"}
AGE = {"children": "child", "adults": "adult"}
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
                return table_items(sheet.rows, index, unique, sheet.name if source.workbook else None), warnings
    raise FileUnreadable(N_("No HXL hashtag row found in the first 25 rows."))


def convert(raw: dict, ctx: dict, t):
    cells = dict(DEFAULTS)
    grid: dict[tuple, int] = {}
    errors = []
    origin = destination = None
    for key, value in raw.items():
        if key.startswith("_"):
            continue
        tag, attrs = parse_tag(key.split(" (")[0])
        text = cell_text(value)
        if tag == "#meta" and "id" in attrs:
            cells["incident_id"] = text
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
            if "killed" in attrs:
                cells["fatalities"] = cells.get("fatalities", 0) + count
                continue
            sex = next((SEX[a] for a in attrs if a in SEX), None)
            age = next((AGE[a] for a in attrs if a in AGE), None)
            grid[(sex, age)] = grid.get((sex, age), 0) + count
    if errors:
        return [], errors
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
