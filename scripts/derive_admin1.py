#!/usr/bin/env python3
"""Derive tnt_dash/reference/admin1.csv from the Natural Earth admin-1 subset.

Source: Natural Earth 1:10m "Admin 1 - States, Provinces" (public domain), as cut to the
mission region in ../shared/data/ne10m_admin1_mission_region_subset.geojson. The source
file is read, never copied: only the derived CSV is committed.

Usage (from the project root):
    python scripts/derive_admin1.py [SOURCE_GEOJSON] [--countries CSV] [--out CSV]

Rules (see tnt_dash/reference/SOURCES.md):
- NE adm0_a3 is mapped to ISO 3166-1 alpha-3: KOS->XKX, SDS->SSD, SOL->SOM (Somaliland is
  part of Somalia under UN usage), CYN->CYP (northern part of Cyprus). PSX, WSB and ESB
  (Palestine, Akrotiri, Dhekelia) are dropped.
- Only units whose country is in countries.csv are kept.
- code = NE iso_3166_2 when it is well formed (XX-YYY, no NE '~' placeholder), carries the
  country's alpha-2 prefix and is unique in the output; otherwise ISO3 + '-' + NE adm1_code
  (punctuation removed), e.g. XKX-KOS-5889. A few NE code errors are corrected first
  (CODE_FIXES).
- name_en = NE name_en (" Prefecture" suffix dropped), name_fr = NE name_fr tidied
  (stray leading "de", "du", "Wilaya de"... removed, first letter capitalised), falling back
  to name_en. Known NE name errors are corrected (NAME_FIXES); Kosovo municipalities get
  the bilingual Albanian/Serbian form used by OSCE/UNMIK (KOSOVO_NAMES).
- lat/lon = NE label point (latitude/longitude), rounded to 4 decimals; if missing, a
  representative point of the polygon (shapely).
- Rows are sorted by code.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = PROJECT_ROOT / ".." / "shared" / "data" / "ne10m_admin1_mission_region_subset.geojson"
DEFAULT_COUNTRIES = PROJECT_ROOT / "tnt_dash" / "reference" / "countries.csv"
DEFAULT_OUT = PROJECT_ROOT / "tnt_dash" / "reference" / "admin1.csv"

COLUMNS = ["code", "iso3", "name_en", "name_fr", "lat", "lon"]

# Natural Earth adm0_a3 -> ISO 3166-1 alpha-3 (None = drop the unit).
NE_TO_ISO3 = {
    "KOS": "XKX",  # Kosovo: user-assigned code used by the UN system's data partners
    "SDS": "SSD",  # South Sudan
    "SOL": "SOM",  # NE's Somaliland unit: part of Somalia under UN usage
    "CYN": "CYP",  # NE's Northern Cyprus unit: part of Cyprus under UN usage
    "PSX": None,   # Palestine: not in the mission set
    "WSB": None,   # Akrotiri (UK Sovereign Base Area)
    "ESB": None,   # Dhekelia (UK Sovereign Base Area)
}

# ISO 3166-1 alpha-2 for the codes pycountry does not know.
EXTRA_ALPHA2 = {"XKX": "XK"}

# NE iso_3166_2 errors, keyed by NE adm1_code. Checked against ISO 3166-2:SD (pycountry).
CODE_FIXES = {
    "SDN-5859": "SD-DC",  # Central Darfur: NE has SD-DE (East Darfur's code)
    "SDN-5857": "SD-DE",  # East Darfur: NE has SD-DS (duplicate of South Darfur)
}

# NE name errors, keyed by NE adm1_code: (name_en, name_fr); None keeps the derived value.
NAME_FIXES = {
    "SOL+00?": ("North-western regions (Somaliland)", "Régions du nord-ouest (Somaliland)"),
    "CYN+00?": ("Northern part of Cyprus", "Partie nord de Chypre"),
    "SYR-5261": ("UNDOF area of separation", "Zone de séparation (FNUOD)"),
    "MLI-2794": ("Sikasso", "Sikasso"),                     # NE: "Wassoulou"
    "SDN-5858": ("West Darfur", None),                      # NE: "West Soudan"
    "LBY-2978": ("Tajura wa an Nawahi al Arba", None),      # NE: "Tripoli District"
    "LBY-2967": (None, "Ash Shati"),                        # NE fr: "Ash-Sharqiyah"
    "ETH-3129": ("Southern Nations, Nationalities and Peoples",
                 "Région des nations, nationalités et peuples du Sud"),
    "EGY-1533": (None, "Le Caire"),                         # NE fr: "du Caire"
    "DOM-1972": ("Elías Piña", "Elías Piña"),               # renamed from La Estrelleta
    "DOM-1985": ("Distrito Nacional", "Distrito Nacional"),  # NE: "Nacional"
}

# Kosovo: NE's name_en/name_fr mix Albanian, Serbian and wrong labels (e.g. Prizren is
# "Plužine", Priština is "Kosovo and Metohija"). Use the bilingual Albanian/Serbian form.
KOSOVO_NAMES = {
    "KOS-5886": "Pejë/Peć",
    "KOS-5887": "Istog/Istok",
    "KOS-5888": "Klinë/Klina",
    "KOS-5889": "Deçan/Dečani",
    "KOS-5890": "Gjakovë/Đakovica",
    "KOS-5891": "Rahovec/Orahovac",
    "KOS-5892": "Zveçan/Zvečan",
    "KOS-5893": "Leposaviq/Leposavić",
    "KOS-5894": "Mitrovicë/Mitrovica",
    "KOS-5895": "Vushtrri/Vučitrn",
    "KOS-5896": "Skënderaj/Srbica",
    "KOS-5897": "Zubin Potok",
    "KOS-5898": "Fushë Kosovë/Kosovo Polje",
    "KOS-5899": "Drenas/Glogovac",
    "KOS-5900": "Obiliq/Obilić",
    "KOS-5901": "Podujevë/Podujevo",
    "KOS-5902": "Prishtinë/Priština",
    "KOS-5903": "Lipjan/Lipljan",
    "KOS-5904": "Gjilan/Gnjilane",
    "KOS-5905": "Viti/Vitina",
    "KOS-5906": "Novobërdë/Novo Brdo",
    "KOS-5907": "Kamenicë/Kamenica",
    "KOS-5908": "Prizren",
    "KOS-5909": "Dragash/Dragaš",
    "KOS-5910": "Suharekë/Suva Reka",
    "KOS-5911": "Malishevë/Mališevo",
    "KOS-5912": "Shtime/Štimlje",
    "KOS-5913": "Ferizaj/Uroševac",
    "KOS-5914": "Shtërpcë/Štrpce",
    "KOS-5915": "Kaçanik/Kačanik",
}

ISO_3166_2 = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
EN_SUFFIX = re.compile(r"\s+(Economic\s+)?Prefecture$")
# Fragments Wikidata-derived NE French names sometimes keep: "de Homs", "du Liban-Sud",
# "la Nouvelle-Vallée", "Wilaya d'Annaba", "Municipalité de Gostivar", "Région du Sud".
FR_PREFIX = re.compile(
    r"^(?:(?:Wilaya|Municipalité|Région)\s+(?:de\s+la\s+|de\s+|du\s+|d['’])"
    r"|de\s+|du\s+|d['’]|la\s+)"
)


def alpha2_for(iso3: str) -> str | None:
    if iso3 in EXTRA_ALPHA2:
        return EXTRA_ALPHA2[iso3]
    try:
        import pycountry
    except ImportError:  # the prefix check is skipped without pycountry
        return None
    country = pycountry.countries.get(alpha_3=iso3)
    return country.alpha_2 if country else None


def clean_en(name: str) -> str:
    return EN_SUFFIX.sub("", name.strip())


def clean_fr(name: str) -> str:
    name = FR_PREFIX.sub("", name.strip())
    return name[:1].upper() + name[1:] if name else name


def fallback_code(iso3: str, adm1_code: str) -> str:
    return f"{iso3}-{re.sub(r'[^A-Z0-9-]', '', adm1_code.upper())}"


def label_point(feature: dict) -> tuple[float, float]:
    props = feature["properties"]
    lat, lon = props.get("latitude"), props.get("longitude")
    if lat is None or lon is None:
        from shapely.geometry import shape

        point = shape(feature["geometry"]).representative_point()
        lat, lon = point.y, point.x
    return round(float(lat), 4), round(float(lon), 4)


def load_countries(path: Path) -> set[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return {row["iso3"] for row in csv.DictReader(f)}


def derive(source: Path, countries: set[str]) -> list[dict]:
    with open(source, encoding="utf-8") as f:
        features = json.load(f)["features"]

    units = []
    for feature in features:
        p = feature["properties"]
        ne_a3 = p["adm0_a3"]
        iso3 = NE_TO_ISO3.get(ne_a3, ne_a3)
        if iso3 is None or iso3 not in countries:
            continue
        adm1 = p["adm1_code"]
        iso_code = CODE_FIXES.get(adm1, (p.get("iso_3166_2") or "").strip())
        a2 = alpha2_for(iso3)
        if not ISO_3166_2.match(iso_code) or (a2 and not iso_code.startswith(a2 + "-")):
            iso_code = ""

        if adm1 in KOSOVO_NAMES:
            name_en = name_fr = KOSOVO_NAMES[adm1]
        else:
            name_en = clean_en(p.get("name_en") or p.get("name") or "")
            name_fr = clean_fr(p.get("name_fr") or "") or name_en
            fix_en, fix_fr = NAME_FIXES.get(adm1, (None, None))
            name_en = fix_en or name_en
            name_fr = fix_fr or name_fr
        if not name_en:
            raise ValueError(f"no name for NE unit {adm1}")
        lat, lon = label_point(feature)
        units.append({"iso_code": iso_code, "adm1": adm1, "iso3": iso3,
                      "name_en": name_en, "name_fr": name_fr, "lat": lat, "lon": lon})

    seen: dict[str, int] = {}
    for u in units:
        if u["iso_code"]:
            seen[u["iso_code"]] = seen.get(u["iso_code"], 0) + 1
    rows = []
    for u in units:
        unique = u["iso_code"] and seen[u["iso_code"]] == 1
        code = u["iso_code"] if unique else fallback_code(u["iso3"], u["adm1"])
        rows.append({"code": code, "iso3": u["iso3"], "name_en": u["name_en"],
                     "name_fr": u["name_fr"], "lat": u["lat"], "lon": u["lon"]})
    rows.sort(key=lambda r: r["code"])
    codes = [r["code"] for r in rows]
    if len(codes) != len(set(codes)):
        raise ValueError("duplicate admin-1 codes after derivation")
    return rows


def write_csv(rows: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r["code"], r["iso3"], r["name_en"], r["name_fr"],
                        f"{r['lat']:.4f}", f"{r['lon']:.4f}"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", default=str(DEFAULT_SOURCE),
                    help="Natural Earth admin-1 GeoJSON (default: %(default)s)")
    ap.add_argument("--countries", default=str(DEFAULT_COUNTRIES),
                    help="countries.csv whose iso3 values are kept (default: %(default)s)")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output CSV (default: %(default)s)")
    args = ap.parse_args(argv)

    source = Path(args.source)
    if not source.is_file():
        print(f"source not found: {source}", file=sys.stderr)
        return 2
    rows = derive(source, load_countries(Path(args.countries)))
    write_csv(rows, Path(args.out))
    per_country: dict[str, int] = {}
    for r in rows:
        per_country[r["iso3"]] = per_country.get(r["iso3"], 0) + 1
    print(f"wrote {len(rows)} admin-1 units for {len(per_country)} countries to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
