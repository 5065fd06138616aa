#!/usr/bin/env python3
"""Derive tnt_dash/reference/admin1.csv and admin1_boundaries.geojson from the current admin-1 file.

Source: ../shared/data/admin1_current_mission_region.geojson (see its .SOURCE.md): Natural Earth
1:10m admin-1 v5.1 for most countries, geoBoundaries CGAZ v6.0 internal divisions (via
qpincon/CartoSVG) for 14 out-of-date ones (the DR Congo's 26 provinces, Somalia's 18 regions,
Kosovo's 7 districts, Cyprus's 6 districts...) and the Abyei Area. The source file is read,
never copied: only the derived CSV and the simplified GeoJSON are committed.

Usage (from the project root):
    python scripts/derive_admin1.py [SOURCE_GEOJSON] [--countries CSV] [--out CSV] [--boundaries GEOJSON]

Rules (see tnt_dash/reference/SOURCES.md):
- Only units whose iso3 is in countries.csv are kept (the source's ISR units are dropped).
- Countries of countries.csv that the source does not cover (EGY, LBY, ERI and, with no units at
  all, ESH, MAR, NGA, GNB, GRC, ARE, USA) keep the rows they have in the **committed**
  admin1.csv, unchanged: the script reads the current output file for them before rewriting it.
- code = the source's iso_3166_2 when present; otherwise a stable, readable project code
  ISO3-SLUG (ASCII upper case, e.g. XKX-PRISHTINA, SSD-ABYEI, SYR-UNDOF, MRT-NOUAKCHOTT,
  LBN-KESERWAN-JBEIL), from NE's English name or, for geoBoundaries units, the source's name.
  A few are set by hand (CODE_FIXES). Features sharing a code and a name (NE's two Mbarara pieces) are one unit.
- Names: Natural Earth units take NE name_en (" Prefecture" dropped) and a tidied NE name_fr, with
  the known NE errors corrected (NAME_FIXES, keyed by ne_adm1_code). geoBoundaries units take
  CGAZ_NAMES (host territories and a few neighbours: the names UN English and French use), else
  the names the committed admin1.csv already had for the same code, else the source's name
  (name_fr: the source's French ISO name where it has one, else the English name).
- lat/lon = shapely representative_point of the unit's polygon (a point inside it), 4 decimals.
- admin1_boundaries.geojson: the same units' polygons, simplified (0.02 degrees, topology kept),
  coordinates rounded to 3 decimals, properties code, iso3, name (English), with the source's
  attribution as a top-level "attribution" member.
- Rows are sorted by code.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = PROJECT_ROOT / ".." / "shared" / "data" / "admin1_current_mission_region.geojson"
DEFAULT_COUNTRIES = PROJECT_ROOT / "tnt_dash" / "reference" / "countries.csv"
DEFAULT_OUT = PROJECT_ROOT / "tnt_dash" / "reference" / "admin1.csv"
DEFAULT_BOUNDARIES = PROJECT_ROOT / "tnt_dash" / "reference" / "admin1_boundaries.geojson"

COLUMNS = ["code", "iso3", "name_en", "name_fr", "lat", "lon"]
ATTRIBUTION = ("Natural Earth; geoBoundaries (Runfola et al. 2020, www.geoboundaries.org), CC BY 4.0; "
               "© OpenStreetMap contributors (ODbL) for DRC and Somalia; derived by qpincon/CartoSVG "
               "(CC BY 4.0); modified.")
SIMPLIFY = 0.02   # degrees, about 2 km: ample for admin-1 outlines on a mission map
DECIMALS = 3

# NE name errors still present in NE-kept units, keyed by ne_adm1_code: (name_en, name_fr);
# None keeps the derived value. (The former Darfur code fixes and the Sudanese, Libyan and
# Egyptian name fixes no longer apply: Sudan now comes from geoBoundaries, Libya and Egypt are
# kept from the committed CSV.)
NAME_FIXES = {
    "SYR-5261": ("UNDOF area of separation", "Zone de séparation (FNUOD)"),
    "MLI-2794": ("Sikasso", "Sikasso"),                     # NE: "Wassoulou"
    "ETH-3129": ("Southern Nations, Nationalities and Peoples",
                 "Région des nations, nationalités et peuples du Sud"),
    "DOM-1972": ("Elías Piña", "Elías Piña"),               # renamed from La Estrelleta
    "DOM-1985": ("Distrito Nacional", "Distrito Nacional"),  # NE: "Nacional"
}

# Project codes chosen by hand where the name would make a poor one, keyed by ne_adm1_code.
CODE_FIXES = {
    "SYR-5261": "SYR-UNDOF",   # NE's English name for the UNDOF zone is "Western al-Samadania"
}

# geoBoundaries units, keyed by the derived code: (name_en, name_fr). Host territories get the
# names UN English and French documents use; ACLED/OCHA/ISO spellings are in admin1_aliases.csv.
CGAZ_NAMES = {
    # DR Congo: the 26 provinces of 2015 (ISO 3166-2:CD names, French). English keeps the
    # French forms, as UN English documents do, except North/South Kivu.
    "CD-BC": ("Kongo Central", "Kongo-Central"),
    "CD-BU": ("Bas-Uélé", "Bas-Uélé"),
    "CD-EQ": ("Équateur", "Équateur"),
    "CD-HK": ("Haut-Katanga", "Haut-Katanga"),
    "CD-HL": ("Haut-Lomami", "Haut-Lomami"),
    "CD-HU": ("Haut-Uélé", "Haut-Uélé"),
    "CD-IT": ("Ituri", "Ituri"),
    "CD-KC": ("Kasaï-Central", "Kasaï-Central"),
    "CD-KE": ("Kasaï-Oriental", "Kasaï-Oriental"),
    "CD-KG": ("Kwango", "Kwango"),
    "CD-KL": ("Kwilu", "Kwilu"),
    "CD-KN": ("Kinshasa", "Kinshasa"),
    "CD-KS": ("Kasaï", "Kasaï"),
    "CD-LO": ("Lomami", "Lomami"),
    "CD-LU": ("Lualaba", "Lualaba"),
    "CD-MA": ("Maniema", "Maniema"),
    "CD-MN": ("Mai-Ndombe", "Mai-Ndombe"),
    "CD-MO": ("Mongala", "Mongala"),
    "CD-NK": ("North Kivu", "Nord-Kivu"),
    "CD-NU": ("Nord-Ubangi", "Nord-Ubangi"),
    "CD-SA": ("Sankuru", "Sankuru"),
    "CD-SK": ("South Kivu", "Sud-Kivu"),
    "CD-SU": ("Sud-Ubangi", "Sud-Ubangi"),
    "CD-TA": ("Tanganyika", "Tanganyika"),
    "CD-TO": ("Tshopo", "Tshopo"),
    "CD-TU": ("Tshuapa", "Tshuapa"),
    # Somalia: the 18 regions as ACLED and OCHA write them (DOMAIN.md §8); French as in the
    # French versions of the Secretary-General's reports on Somalia.
    "SO-AW": ("Awdal", "Awdal"),
    "SO-BK": ("Bakool", "Bakool"),
    "SO-BN": ("Banadir", "Banadir"),
    "SO-BR": ("Bari", "Bari"),
    "SO-BY": ("Bay", "Bay"),
    "SO-GA": ("Galgaduud", "Galgaduud"),
    "SO-GE": ("Gedo", "Gedo"),
    "SO-HI": ("Hiraan", "Hiran"),
    "SO-JD": ("Middle Juba", "Moyen-Djouba"),
    "SO-JH": ("Lower Juba", "Bas-Djouba"),
    "SO-MU": ("Mudug", "Mudug"),
    "SO-NU": ("Nugaal", "Nugaal"),
    "SO-SA": ("Sanaag", "Sanaag"),
    "SO-SD": ("Middle Shabelle", "Moyen-Chébéli"),
    "SO-SH": ("Lower Shabelle", "Bas-Chébéli"),
    "SO-SO": ("Sool", "Sool"),
    "SO-TO": ("Togdheer", "Togdheer"),
    "SO-WO": ("Woqooyi Galbeed", "Woqooyi Galbeed"),
    # Kosovo: the 7 districts, in the bilingual Albanian/Serbian form OSCE and UNMIK use.
    "XKX-FERIZAJ": ("Ferizaj/Uroševac", "District de Ferizaj/Uroševac"),
    "XKX-GJAKOVA": ("Gjakovë/Đakovica", "District de Gjakovë/Đakovica"),
    "XKX-GJILAN": ("Gjilan/Gnjilane", "District de Gjilan/Gnjilane"),
    "XKX-MITROVICA": ("Mitrovicë/Mitrovica", "District de Mitrovicë/Mitrovica"),
    "XKX-PEJA": ("Pejë/Peć", "District de Pejë/Peć"),
    "XKX-PRISHTINA": ("Prishtinë/Priština", "District de Prishtinë/Priština"),
    "XKX-PRIZREN": ("Prizren", "District de Prizren"),
    # Cyprus: English and French exonyms (ISO 3166-2:CY gives the Greek transliterations).
    "CY-01": ("Nicosia", "Nicosie"),
    "CY-02": ("Limassol", "Limassol"),
    "CY-03": ("Larnaca", "Larnaca"),
    "CY-04": ("Famagusta", "Famagouste"),
    "CY-05": ("Paphos", "Paphos"),
    "CY-06": ("Kyrenia", "Kyrenia"),
    # The Abyei Area: its final status is not yet determined; never labelled with either State.
    "SSD-ABYEI": ("Abyei Area", "Zone d'Abyei"),
    # Sudan's West Kordofan (re-established 2013; not in the former NE layer).
    "SD-GK": ("West Kordofan", "Kordofan-Occidental"),
    # Lebanon's eighth governorate (2017), with no ISO code.
    "LBN-KESERWAN-JBEIL": ("Keserwan-Jbeil", "Kesrouan-Jbeil"),
    "LB-AK": ("Akkar", "Akkar"),
    "LB-BH": ("Baalbek-Hermel", "Baalbek-Hermel"),
    # Yemen: ISO 3166-2:YE transliterations -> the usual English forms.
    "YE-AB": ("Abyan", "Abyan"), "YE-AD": ("Aden", "Aden"), "YE-AM": ("Amran", "Amran"),
    "YE-BA": ("Al Bayda", "Al Bayda"), "YE-DA": ("Al Dhale'e", "Al Dhale'e"), "YE-DH": ("Dhamar", "Dhamar"),
    "YE-HD": ("Hadramawt", "Hadramaout"), "YE-HJ": ("Hajjah", "Hajjah"), "YE-HU": ("Al Hudaydah", "Hodeïda"),
    "YE-IB": ("Ibb", "Ibb"), "YE-JA": ("Al Jawf", "Al Jawf"), "YE-LA": ("Lahij", "Lahij"),
    "YE-MA": ("Marib", "Marib"), "YE-MR": ("Al Mahrah", "Al Mahrah"), "YE-MW": ("Al Mahwit", "Al Mahwit"),
    "YE-RA": ("Raymah", "Raymah"), "YE-SA": ("Amanat Al Asimah (Sanaa city)", "Amanat Al Asimah (ville de Sanaa)"),
    "YE-SD": ("Saada", "Saada"), "YE-SH": ("Shabwah", "Chabwa"), "YE-SN": ("Sanaa", "Sanaa"),
    "YE-SU": ("Socotra", "Socotra"), "YE-TA": ("Taiz", "Taïz"),
    # Kenya: ISO writes two counties with a slash and Nairobi as "Nairobi City".
    "KE-05": ("Elgeyo-Marakwet", "Elgeyo-Marakwet"), "KE-39": ("Taita-Taveta", "Taita-Taveta"),
    "KE-30": ("Nairobi", "Nairobi"),
}

EN_SUFFIX = re.compile(r"\s+(Economic\s+)?Prefecture$")
# Fragments Wikidata-derived NE French names sometimes keep: "de Homs", "du Liban-Sud",
# "la Nouvelle-Vallée", "Wilaya d'Annaba", "Municipalité de Gostivar", "Région du Sud".
FR_PREFIX = re.compile(
    r"^(?:(?:Wilaya|Municipalité|Région)\s+(?:de\s+la\s+|de\s+|du\s+|d['’])"
    r"|de\s+|du\s+|d['’]|la\s+)"
)
# Words dropped from a name before it becomes a project code: "District of Prishtina" -> PRISHTINA.
SLUG_DROP = re.compile(r"^District of\s+|\s+Area$", re.IGNORECASE)


def clean_en(name: str) -> str:
    return EN_SUFFIX.sub("", name.strip())


def clean_fr(name: str) -> str:
    name = FR_PREFIX.sub("", name.strip())
    return name[:1].upper() + name[1:] if name else name


def slug_code(iso3: str, name: str) -> str:
    """A stable, readable project code for a unit with no ISO 3166-2 code: ISO3-SLUG in ASCII capitals."""
    text = unicodedata.normalize("NFKD", SLUG_DROP.sub("", name.strip())).encode("ascii", "ignore").decode()
    return f"{iso3}-" + re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-")


def load_countries(path: Path) -> set[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return {row["iso3"] for row in csv.DictReader(f)}


def load_existing(path: Path) -> list[dict]:
    """The committed admin1.csv: rows of countries the source does not cover are kept from it."""
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _unit_names(p: dict, code: str, existing: dict[str, dict]) -> tuple[str, str]:
    ne_code = p.get("ne_adm1_code")
    if ne_code:
        name_en = clean_en(p.get("name_en") or p.get("name") or "")
        name_fr = clean_fr(p.get("name_fr") or "") or name_en
        fix_en, fix_fr = NAME_FIXES.get(ne_code, (None, None))
        return fix_en or name_en, fix_fr or name_fr
    if code in CGAZ_NAMES:
        return CGAZ_NAMES[code]
    old = existing.get(code)
    if old and old["iso3"] == p["iso3"]:
        return old["name_en"], old["name_fr"]
    name_en = (p.get("name_en") or p.get("name") or "").strip()
    return name_en, (p.get("name_fr") or "").strip() or name_en


def derive(source: Path, countries: set[str], existing_rows: list[dict]) -> tuple[list[dict], dict]:
    """(CSV rows, boundaries FeatureCollection)."""
    import shapely
    from shapely.geometry import mapping, shape

    with open(source, encoding="utf-8") as f:
        features = json.load(f)["features"]
    existing = {r["code"]: r for r in existing_rows}

    units: dict[str, dict] = {}
    covered: set[str] = set()
    for feature in features:
        p = feature["properties"]
        iso3 = p["iso3"]
        if iso3 not in countries:
            continue
        covered.add(iso3)
        slug_name = clean_en(p.get("name_en") or "") if p.get("ne_adm1_code") else ""
        code = ((p.get("iso_3166_2") or "").strip().upper() or CODE_FIXES.get(p.get("ne_adm1_code"))
                or slug_code(iso3, slug_name or p["name"]))
        geom = shape(feature["geometry"])
        held = units.get(code)
        if held is not None:
            if held["source_name"] != p["name"] or held["iso3"] != iso3:
                raise ValueError(f"code {code} is used by {held['source_name']} and {p['name']}")
            held["geom"] = shapely.union_all([held["geom"], geom])   # one unit in several features
            continue
        name_en, name_fr = _unit_names(p, code, existing)
        if not name_en:
            raise ValueError(f"no name for unit {code}")
        units[code] = {"code": code, "iso3": iso3, "name_en": name_en, "name_fr": name_fr,
                       "geom": geom, "source_name": p["name"]}

    rows, out_features = [], []
    for u in units.values():
        point = u["geom"].representative_point()
        rows.append({"code": u["code"], "iso3": u["iso3"], "name_en": u["name_en"], "name_fr": u["name_fr"],
                     "lat": round(point.y, 4), "lon": round(point.x, 4)})
        out_features.append({"type": "Feature", "properties": {"code": u["code"], "iso3": u["iso3"],
                                                               "name": u["name_en"]},
                             "geometry": _light_geometry(u["geom"], mapping)})
    kept = [r for r in existing_rows if r["iso3"] in countries and r["iso3"] not in covered]
    rows += [{**r, "lat": float(r["lat"]), "lon": float(r["lon"])} for r in kept]
    rows.sort(key=lambda r: r["code"])
    codes = [r["code"] for r in rows]
    if len(codes) != len(set(codes)):
        raise ValueError("duplicate admin-1 codes after derivation")
    out_features.sort(key=lambda f: f["properties"]["code"])
    collection = {"type": "FeatureCollection", "name": "admin1_boundaries", "attribution": ATTRIBUTION,
                  "features": out_features}
    return rows, collection


def _light_geometry(geom, mapping) -> dict:
    """Simplified, snapped to a 10^-3 degree grid (valid afterwards), coordinates rounded."""
    import shapely

    light = shapely.set_precision(geom.simplify(SIMPLIFY, preserve_topology=True), 10 ** -DECIMALS)
    if light.is_empty:   # a unit smaller than the grid: keep it unsimplified rather than lose it
        light = geom
    if light.geom_type == "GeometryCollection":
        light = shapely.union_all([g for g in light.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    return json.loads(json.dumps(mapping(light)), parse_float=lambda s: round(float(s), DECIMALS))


def write_csv(rows: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r["code"], r["iso3"], r["name_en"], r["name_fr"], f"{r['lat']:.4f}", f"{r['lon']:.4f}"])


def write_geojson(collection: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", default=str(DEFAULT_SOURCE),
                    help="current admin-1 GeoJSON (default: %(default)s)")
    ap.add_argument("--countries", default=str(DEFAULT_COUNTRIES),
                    help="countries.csv whose iso3 values are kept (default: %(default)s)")
    ap.add_argument("--out", default=str(DEFAULT_OUT),
                    help="output CSV; its current rows are kept for countries the source lacks (default: %(default)s)")
    ap.add_argument("--existing", default=None,
                    help="the CSV to take uncovered countries' rows from (default: the --out file)")
    ap.add_argument("--boundaries", default=str(DEFAULT_BOUNDARIES),
                    help="output simplified GeoJSON (default: %(default)s)")
    args = ap.parse_args(argv)

    source = Path(args.source)
    if not source.is_file():
        print(f"source not found: {source}", file=sys.stderr)
        return 2
    existing = load_existing(Path(args.existing or args.out))
    rows, collection = derive(source, load_countries(Path(args.countries)), existing)
    write_csv(rows, Path(args.out))
    write_geojson(collection, Path(args.boundaries))
    per_country: dict[str, int] = {}
    for r in rows:
        per_country[r["iso3"]] = per_country.get(r["iso3"], 0) + 1
    print(f"wrote {len(rows)} admin-1 units for {len(per_country)} countries to {args.out}, "
          f"{len(collection['features'])} outlines to {args.boundaries}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
