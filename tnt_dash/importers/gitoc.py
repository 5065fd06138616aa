"""GI-TOC Global Organized Crime Index workbook -> gitoc_scores (country context).

Every `YYYY_dataset` sheet present is an edition (2021, 2023, 2025 …). Country names carry no
ISO code and vary between editions (`Congo, Dem, Rep,` in 2023, `Congo, Dem. Rep.` in 2021);
they are matched through an explicit alias table, then pycountry. A name that matches nothing is
quarantined with that reason, never guessed.
"""
from __future__ import annotations

import re

import pycountry

from ..i18n import N_
from .detect import FileUnreadable, cell_text, nonblank
from ..names import norm_header
from .rows import header_cells, table_items
from .values import parse_number


class _Target:
    table = "gitoc_scores"
    keys = ("iso3", "edition", "indicator")
    values = ("kind", "score", "country_name")


TARGET = _Target()

# GI-TOC's exact names.
MARKETS = ("Human trafficking", "Human smuggling", "Extortion and protection racketeering", "Arms trafficking",
           "Trade in counterfeit goods", "Illicit trade in excisable goods", "Flora crimes", "Fauna crimes",
           "Non-renewable resource crimes", "Heroin trade", "Cocaine trade", "Cannabis trade", "Synthetic drug trade",
           "Cyber-dependent crimes", "Financial crimes")
ACTORS = ("Mafia-style groups", "Criminal networks", "State-embedded actors", "Foreign actors", "Private sector actors")
RESILIENCE = ("Political leadership and governance", "Government transparency and accountability",
              "International cooperation", "National policies and laws", "Judicial system and detention",
              "Law enforcement", "Territorial integrity", "Anti-money laundering", "Economic regulatory capacity",
              "Victim and witness support", "Prevention", "Non-state actors")
AVERAGES = ("Criminality", "Criminal markets", "Criminal actors", "Resilience")
KINDS = {**{norm_header(n): (n, "market") for n in MARKETS}, **{norm_header(n): (n, "actor") for n in ACTORS},
         **{norm_header(n): (n, "resilience") for n in RESILIENCE}, **{norm_header(n): (n, "average") for n in AVERAGES}}
LABEL_COLUMNS = ("continent", "region", "country")

# Spellings in GI-TOC workbooks that pycountry does not resolve. Keys are normalised (see norm_name).
ALIASES = {
    "congo dem rep": "COD", "democratic republic of the congo": "COD", "dr congo": "COD",
    "congo rep": "COG", "republic of the congo": "COG", "congo": "COG",
    "korea dpr": "PRK", "korea dem people s rep": "PRK", "north korea": "PRK",
    "korea rep": "KOR", "south korea": "KOR",
    "st kitts and nevis": "KNA", "st lucia": "LCA", "st vincent and the grenadines": "VCT",
    "micronesia federated states of": "FSM", "micronesia": "FSM",
    "turkey": "TUR", "turkiye": "TUR", "cote d ivoire": "CIV", "ivory coast": "CIV",
    "cabo verde": "CPV", "cape verde": "CPV", "eswatini": "SWZ", "swaziland": "SWZ",
    "gambia": "GMB", "the gambia": "GMB", "bahamas": "BHS", "the bahamas": "BHS",
    "laos": "LAO", "lao pdr": "LAO", "iran": "IRN", "syria": "SYR", "russia": "RUS",
    "vietnam": "VNM", "viet nam": "VNM", "bolivia": "BOL", "venezuela": "VEN", "tanzania": "TZA",
    "moldova": "MDA", "brunei": "BRN", "czech republic": "CZE", "czechia": "CZE",
    "north macedonia": "MKD", "macedonia": "MKD", "palestine": "PSE", "timor leste": "TLS", "east timor": "TLS",
    "sao tome and principe": "STP", "kyrgyzstan": "KGZ", "kyrgyz republic": "KGZ", "slovakia": "SVK",
    "slovak republic": "SVK", "united states": "USA", "united kingdom": "GBR", "kosovo": "XKX",
}


def norm_name(name) -> str:
    return re.sub(r"[^a-z0-9]+", " ", norm_header(name).replace("_", " ")).strip()


def country_iso3(name) -> str | None:
    key = norm_name(name)
    if not key:
        return None
    if key in ALIASES:
        return ALIASES[key]
    text = cell_text(name).rstrip(",").strip()
    for attempt in (text, text.replace(",", ".")):
        try:
            return pycountry.countries.lookup(attempt).alpha_3
        except LookupError:
            continue
    return None


def clean_header(header: str) -> str:
    """'Criminality avg,' -> 'criminality': stray commas and the ' avg' suffix of 2023 headers go."""
    text = cell_text(header).rstrip(",. ").strip()
    text = re.sub(r"\s+avg\.?$", "", text, flags=re.IGNORECASE)
    return norm_header(text)


def edition_of(sheet: str) -> int | None:
    match = re.fullmatch(r"((?:19|20)\d\d)_dataset", cell_text(sheet).lower())
    return int(match.group(1)) if match else None


def context(con) -> dict:
    return {}


def read(source, t):
    items, warnings = [], []
    for sheet in source.sheets:
        if edition_of(sheet.name) is None:
            continue
        first = next((i for i, (_n, r) in enumerate(sheet.rows)
                      if nonblank(r) and "country" in [clean_header(c) for c in r]), None)
        if first is None:
            raise FileUnreadable(N_("Sheet {sheet} has no header row with a Country column."), sheet=sheet.name)
        headers = header_cells(sheet.rows[first][1])
        for header in headers:
            key = clean_header(header)
            if key not in KINDS and key not in LABEL_COLUMNS:
                warnings.append({"row": sheet.rows[first][0], "field": f"{sheet.name}: {header}",
                                 "reason": t.gettext(N_("unknown column, ignored"))})
        items += table_items(sheet.rows, first, headers, sheet.name)
    if not items:
        raise FileUnreadable(N_("No GI-TOC edition sheet (named like 2023_dataset) with data was found."))
    return items, warnings


def convert(raw: dict, ctx: dict, t):
    edition = edition_of(raw.get("_sheet", ""))
    name = next((v for k, v in raw.items() if clean_header(k) == "country"), None)
    iso3 = country_iso3(name)
    if edition is None:
        return [], [{"field": "_sheet", "reason": t.gettext(N_("no edition year: the sheet name must look like 2023_dataset"))}]
    if not iso3:
        return [], [{"field": "Country", "reason": t.gettext(
            N_("country name matches no ISO 3166 country: {name}")).format(name=cell_text(name))}]
    records, errors = [], []
    for header, value in raw.items():
        found = KINDS.get(clean_header(header)) if not header.startswith("_") else None
        if not found:
            continue
        try:
            score = parse_number(value)
        except Exception:   # PydanticCustomError: reported with the column name below
            score = "bad"
        if score == "bad" or (score is not None and not 1 <= score <= 10):
            errors.append({"field": header, "reason": t.gettext(N_("a GI-TOC score runs from 1 to 10: {value}")).format(
                value=cell_text(value))})
            continue
        indicator, kind = found
        records.append({"iso3": iso3, "edition": edition, "indicator": indicator, "kind": kind, "score": score,
                        "country_name": cell_text(name)})
    if errors:
        return [], errors
    return records, []
