"""ACLED export CSV (its 31 columns) mapped to native incident cells.

Event and sub-event types become criminal markets through an editable mapping table:
tnt_dash/reference/acled_market_map.csv, or the CSV named by env TNT_ACLED_MAP. An event
type the table does not map is quarantined with that reason, never guessed.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

from .. import config
from ..i18n import N_
from . import common
from .detect import FileUnreadable, nonblank
from ..names import norm_header
from .native import validate
from .rows import header_cells, table_items

COLUMNS = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
           "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
           "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp").split(",")
REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "country")
# Older files code the actor types 1-8; newer ones write the label (ACLED codebook).
INTER = {"0": "", "1": "State forces", "2": "Rebel group", "3": "Political militia", "4": "Identity militia",
         "5": "Rioters", "6": "Protesters", "7": "Civilians", "8": "External/Other forces"}
STATE_ACTORS = ("State forces", "External/Other forces")
# Judgement: ACLED is a curated, multi-source public dataset: graded B3 (usually reliable, possibly true)
# until an analyst grades a record; TLP:GREEN because ACLED's terms forbid public redistribution.
DEFAULTS = {"source_type": "ACLED", "source_reliability": "B", "info_credibility": 3,
            "classification": "UNCLASSIFIED", "tlp": "TLP:GREEN", "status": "validated", "reporting_unit": "ACLED"}


def map_path() -> Path:
    return Path(os.environ.get("TNT_ACLED_MAP") or config.REFERENCE_DIR / "acled_market_map.csv")


def market_map(markets: dict) -> dict[tuple[str, str], str]:
    path = map_path()
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise FileUnreadable(N_("The ACLED market mapping {path} cannot be read: {error}"), path=str(path),
                             error=exc.strerror or str(exc)) from None
    if not rows or not {"event_type", "sub_event_type", "market"} <= set(rows[0]):
        raise FileUnreadable(N_("The ACLED market mapping {path} needs the columns event_type, sub_event_type, market."),
                             path=str(path))
    out = {}
    for row in rows:
        market = (row.get("market") or "").strip()
        if not market:
            continue
        if norm_header(market) not in markets:
            raise FileUnreadable(N_("The ACLED market mapping names an unknown market: {market}"), market=market)
        out[(norm_header(row["event_type"]), norm_header(row.get("sub_event_type") or "*"))] = markets[norm_header(market)]
    return out


def context(con) -> dict:
    ctx = common.incident_context(con)
    ctx["acled_map"] = market_map(ctx["markets"])
    return ctx


def read(source, t):
    sheet = source.sheets[0]
    first = next((i for i, (_n, r) in enumerate(sheet.rows) if nonblank(r)), None)
    if first is None:
        raise FileUnreadable(N_("The file has no header row."))
    headers = [h.lower() for h in header_cells(sheet.rows[first][1])]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise FileUnreadable(N_("Not an ACLED export: columns missing: {columns}."), columns=", ".join(missing))
    warnings = [{"row": sheet.rows[first][0], "field": h, "reason": t.gettext(N_("unknown column, ignored"))}
                for h in headers if h not in COLUMNS]
    return table_items(sheet.rows, first, headers), warnings


def _text(raw, key) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


def inter_label(value) -> str:
    text = str(value or "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    return INTER.get(text, text)


# ACLED actor types that can be a criminal group (codebook: 2 rebel groups, 3 political militias, where
# ACLED codes gangs, 4 identity militias); State and external forces, rioters, protesters and civilians are not.
NON_STATE_ARMED = {"rebel group", "political militia", "identity militia"}


def perpetrator(raw: dict) -> str | None:
    """The actor string the register resolves (networks/register.py): actor 1, the event's initiator,
    when it is a non-State armed actor, else actor 2 when that one is."""
    for n in ("1", "2"):
        name = _text(raw, f"actor{n}")
        if name and inter_label(raw.get(f"inter{n}")).casefold() in NON_STATE_ARMED:
            return name
    return None


def convert(raw: dict, ctx: dict, t):
    event_type, sub_type = _text(raw, "event_type"), _text(raw, "sub_event_type")
    market = ctx["acled_map"].get((norm_header(event_type), norm_header(sub_type))) or \
        ctx["acled_map"].get((norm_header(event_type), "")) or ctx["acled_map"].get((norm_header(event_type), "*"))
    errors = []
    if event_type and not market:
        # Battles, protests, strategic developments: outside the crime markets, not an error.
        return common.OutOfScope(f"{event_type} / {sub_type}" if sub_type else event_type)
    if market == "kidnapping_for_ransom" and inter_label(raw.get("inter1")) in STATE_ACTORS:
        # An abduction by state or foreign forces is a detention or an enforced disappearance, a human
        # rights matter, not the crime of kidnapping for ransom.
        return common.OutOfScope(f"{event_type} / {sub_type} by {inter_label(raw.get('inter1'))}")
    if not market:
        errors.append({"field": "market", "reason": t.gettext(
            N_("no criminal market mapped for ACLED event type “{event}” / “{sub}” (edit the ACLED market mapping)")
        ).format(event=event_type, sub=sub_type)})
    iso3 = common.iso3_from_numeric(raw.get("iso")) or common.iso3_from_name(raw.get("country"), ctx)
    event_id = _text(raw, "event_id_cnty")
    actors = []
    for n in ("1", "2"):
        name = _text(raw, f"actor{n}")
        if name:
            label = inter_label(raw.get(f"inter{n}"))
            associated = _text(raw, f"assoc_actor_{n}")
            actors.append(name + (f" ({label})" if label else "") + (f" with {associated}" if associated else ""))
    narrative = " · ".join(p for p in (_text(raw, "notes"), " vs ".join(actors),
                                       _text(raw, "civilian_targeting")) if p)
    sources = [s for s in _text(raw, "source").split(";") if s.strip()]
    cells = {
        **DEFAULTS,
        "incident_id": f"ACLED-{event_id}" if event_id else "",
        "date_occurred": raw.get("event_date"), "date_precision": raw.get("time_precision"),
        "iso3": iso3 or _text(raw, "country"),
        "mission": ctx["mission_by_iso3"].get(iso3),
        "admin1_code": common.admin1_code(iso3, raw.get("admin1"), ctx, *common.place_coordinates(
            raw.get("latitude"), raw.get("longitude"), raw.get("geo_precision"))),
        "place": ", ".join(p for p in (_text(raw, "location"), _text(raw, "admin2")) if p) or None,
        "lat": raw.get("latitude"), "lon": raw.get("longitude"), "geo_precision": raw.get("geo_precision"),
        "market": market or event_type, "subtype": sub_type or None, "fatalities": raw.get("fatalities"),
        "narrative": narrative or None, "source_ref": _text(raw, "source") or None, "n_sources": max(1, len(sources)),
        "actor_id": perpetrator(raw),
    }
    record, more = validate(cells, ctx, t)
    errors += [e for e in more if e["field"] != "market" or not errors]
    if errors:
        return [], errors
    return [record], []
