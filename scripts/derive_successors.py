#!/usr/bin/env python3
"""Derive tnt_dash/reference/admin1_successors.csv: which current admin-1 areas replaced each
former one (tnt_dash/reference/admin1_former.csv, the units the reference held before it was
rebuilt from the current mission-region file).

Usage (from the project root):
    python scripts/derive_successors.py [--former CSV] [--boundaries GEOJSON] [--admin1 CSV] [--out CSV]

Rules:
- A former unit that was split (the DR Congo's provinces in 2015, Kenya's provinces in 2013,
  Chad's Ennedi in 2012, Nouakchott in 2014, the reference's single "north of Cyprus" and
  "Somaliland" units) lists every successor, by hand below (SPLITS), from the law or decree that
  made the change. Records coded to it move to one successor only when their coordinates fall
  in it (tnt_dash/gazetteer.py).
- Every other former unit was finer than today's unit (municipalities, provinces and prefectures
  now grouped in districts and regions) or the same area under another code: its one successor
  is the current area of the same country that contains its representative point, else the
  nearest one.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from shapely.geometry import Point, shape

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REFERENCE = PROJECT_ROOT / "tnt_dash" / "reference"

# Former code: (successor codes, source of the change).
SPLITS = {
    "CD-OR": (("CD-IT", "CD-HU", "CD-BU", "CD-TO"), "Constitution of the DRC (2006), art. 2; Law 15/004 of 28 February 2015"),
    "CD-KA": (("CD-HK", "CD-LU", "CD-HL", "CD-TA"), "Constitution of the DRC (2006), art. 2; Law 15/004 of 28 February 2015"),
    "CD-BN": (("CD-KL", "CD-KG", "CD-MN"), "Constitution of the DRC (2006), art. 2; Law 15/004 of 28 February 2015"),
    "CD-KW": (("CD-KS", "CD-KC"), "Constitution of the DRC (2006), art. 2; Law 15/004 of 28 February 2015"),
    "KE-110": (("KE-30",), "Constitution of Kenya (2010), First Schedule: counties from March 2013"),
    "KE-200": (("KE-35", "KE-36", "KE-15", "KE-29", "KE-13"), "Constitution of Kenya (2010), First Schedule"),
    "KE-300": (("KE-28", "KE-19", "KE-14", "KE-40", "KE-21", "KE-39"), "Constitution of Kenya (2010), First Schedule"),
    "KE-400": (("KE-25", "KE-09", "KE-26", "KE-41", "KE-06", "KE-18", "KE-22", "KE-23"),
               "Constitution of Kenya (2010), First Schedule"),
    "KE-500": (("KE-07", "KE-46", "KE-24"), "Constitution of Kenya (2010), First Schedule"),
    "KE-600": (("KE-38", "KE-17", "KE-08", "KE-27", "KE-16", "KE-34"), "Constitution of Kenya (2010), First Schedule"),
    "KE-700": (("KE-43", "KE-47", "KE-37", "KE-42", "KE-44", "KE-05", "KE-32", "KE-01", "KE-20", "KE-31",
                "KE-33", "KE-10", "KE-12", "KE-02"), "Constitution of Kenya (2010), First Schedule"),
    "KE-800": (("KE-11", "KE-45", "KE-03", "KE-04"), "Constitution of Kenya (2010), First Schedule"),
    "TCD-TCD-5579": (("TD-EE", "TD-EO"), "Ordonnance 038/PR/2012: Ennedi split into Ennedi-Est and Ennedi-Ouest"),
    "CYP-CYN00": (("CY-06", "CY-01", "CY-04"), "The north lies in the Kyrenia, Nicosia and Famagusta districts"),
    "SOM-SOL00": (("SO-AW", "SO-WO", "SO-TO", "SO-SO", "SO-SA"),
                  "The five pre-1991 regions of the north-west (Awdal, Woqooyi Galbeed, Togdheer, Sool, Sanaag)"),
}
CONTAINED = "current area containing the former unit's representative point"
NEAREST = "nearest current area of the same country"


def derive(former_csv: Path, boundaries: Path, admin1_csv: Path) -> list[dict]:
    current = {r["code"]: r for r in csv.DictReader(admin1_csv.open(encoding="utf-8"))}
    outlines = {f["properties"]["code"]: shape(f["geometry"])
                for f in json.loads(boundaries.read_text(encoding="utf-8"))["features"]}
    rows = []
    for unit in csv.DictReader(former_csv.open(encoding="utf-8")):
        code = unit["code"]
        if code in current:
            raise SystemExit(f"{code} is in admin1_former.csv and is also a current area")
        if code in SPLITS:
            successors, source = SPLITS[code]
            missing = [s for s in successors if s not in current]
            if missing:
                raise SystemExit(f"successors of {code} not in admin1.csv: {missing}")
            rows += [{"old_code": code, "successor_code": s, "source": source} for s in successors]
            continue
        point = Point(float(unit["lon"]), float(unit["lat"]))
        same_country = [c for c, r in current.items() if r["iso3"] == unit["iso3"] and c in outlines]
        if not same_country:
            raise SystemExit(f"no current area with an outline in {unit['iso3']} for {code}")
        inside = [c for c in same_country if outlines[c].contains(point)]
        if inside:
            rows.append({"old_code": code, "successor_code": inside[0], "source": CONTAINED})
        else:
            nearest = min(same_country, key=lambda c: outlines[c].distance(point))
            rows.append({"old_code": code, "successor_code": nearest, "source": NEAREST})
    return sorted(rows, key=lambda r: (r["old_code"], r["successor_code"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--former", type=Path, default=REFERENCE / "admin1_former.csv")
    parser.add_argument("--boundaries", type=Path, default=REFERENCE / "admin1_boundaries.geojson")
    parser.add_argument("--admin1", type=Path, default=REFERENCE / "admin1.csv")
    parser.add_argument("--out", type=Path, default=REFERENCE / "admin1_successors.csv")
    args = parser.parse_args(argv)
    rows = derive(args.former, args.boundaries, args.admin1)
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["old_code", "successor_code", "source"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    by_source = {}
    for row in rows:
        by_source[row["source"] if row["source"] in (CONTAINED, NEAREST) else "by hand"] = \
            by_source.get(row["source"] if row["source"] in (CONTAINED, NEAREST) else "by hand", 0) + 1
    print(f"{args.out}: {len(rows)} rows", by_source, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
