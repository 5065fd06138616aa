#!/usr/bin/env python3
"""Print the reference figures behind the priority model's fixed scale (docs/priority.md, Calibration).

The scale is calibrated once and then kept, so that a threat's score never depends on the other
rows on screen nor moves only because the reference moved. This script shows how the two reference
constants of tnt_dash/reference/priority_calibration.csv were derived, and lets a mission derive its
own from its first year of validated records before fixing them:

    harm_reference  the largest harm points per incident of any admin-1 × market cell, rounded up
                    to a multiple of 10 (no reference threat is capped at harm 1)
    rate_reference  the largest coverage-corrected incidents a week of any cell, rounded up to a
                    whole number (no reference threat is capped at frequency 1)

Reference data: the store given (default: the demo store), analyst profile, validated records,
admin-1 level, the 52 ISO weeks to the latest record (the page's default period).

Usage (from the project root):
    python scripts/calibrate_priority.py [--db PATH]
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # run from anywhere, as a file
from tnt_dash import access, config, store  # noqa: E402
from tnt_dash.filters import Filters  # noqa: E402
from tnt_dash.priority import assess  # noqa: E402
from tnt_dash.scope import Scope  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="DuckDB store (default: TNT_DB or data/tnt.duckdb)")
    args = parser.parse_args()
    con = store.connect(args.db or config.db_path(), read_only=True)
    try:
        result = assess(con, Scope(Filters(), access.ANALYST, "en"), "adm1", explain=0)
    finally:
        con.close()
    f = result.frame
    print(f"reference: {len(f)} admin-1 x market cells, {result.start} to {result.end}")
    for column, unit, step in (("harm_points", "harm points per incident", 10), ("rate", "incidents a week", 1)):
        values = f[column].to_numpy(dtype=float)
        pct = np.percentile(values, [50, 90, 99])
        print(f"{column} ({unit}): median {pct[0]:.2f}, 90th {pct[1]:.2f}, 99th {pct[2]:.2f}, "
              f"largest {values.max():.2f} -> reference {math.ceil(values.max() / step) * step}")


if __name__ == "__main__":
    main()
