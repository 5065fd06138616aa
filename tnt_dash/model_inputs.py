"""What the priority model reads from each incident, as SQL: the Admiralty grades' values and the
per-cell counts and sums (tnt_dash/priority.py and docs/priority.md say how the model uses them).

Kept apart from the model so that the store can build the weekly rollup's priority columns
(store.refresh_rollups) with the very expressions the model reads, without loading the model and
its statistics (SciPy: about 2.3 s in a fresh process, which every CLI import, correction and
rollback paid). Standard library only.
"""
from __future__ import annotations

from collections.abc import Mapping

# Admiralty grades as 0–1 quality. F ("cannot be judged") and 6 ("truth cannot be judged") add no
# more confidence than E/5: an unjudged source is not evidence.
RELIABILITY_VALUE = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.2, "F": 0.2}
CREDIBILITY_VALUE = {1: 1.0, 2: 0.8, 3: 0.6, 4: 0.4, 5: 0.2, 6: 0.2}


def _case(column: str, mapping: dict) -> str:
    # The mapping is a module constant above, never user input.
    whens = " ".join(f"WHEN {k!r} THEN {v}" if isinstance(k, str) else f"WHEN {k} THEN {v}" for k, v in mapping.items())
    return f"CASE {column} {whens} END"


# What the model reads from each incident (`i`, with its actor `ac`). Grades are whole tenths, summed
# and divided once at the end: a sum of doubles such as 0.8 depends on the order DuckDB's threads
# add them, and the same view then ranked ties differently.
GRADE_TENTHS = (f"(({_case('i.source_reliability', {k: round(v * 10) for k, v in RELIABILITY_VALUE.items()})}) + "
                f"({_case('i.info_credibility', {k: round(v * 10) for k, v in CREDIBILITY_VALUE.items()})}))")
ACTOR_POINTS = "(ac.violence + ac.reach + ac.links)"
NAMES_CORRIDOR = "(i.origin_iso3 IS NOT NULL OR i.transit_iso3 IS NOT NULL OR i.destination_iso3 IS NOT NULL)"
MODEL_VALUES = {"cross_border": "i.cross_border", "corroborated": "(i.n_sources >= 2)",
                "actor_points": ACTOR_POINTS, "grade_tenths": GRADE_TENTHS}
MODEL_SUMS = ("cross_border", "corroborated", "actor_records", "actor_points", "graded", "grade_tenths")
# The distinct countries of a cell's records that name a corridor (their own, origin, transit,
# destination); NULL when none does. The weekly rollup keeps it per cell.
LINKED_COUNTRIES = ("list_sort(list_distinct(flatten(list([i.iso3, i.origin_iso3, i.transit_iso3, "
                    f"i.destination_iso3]) FILTER (WHERE {NAMES_CORRIDOR}))))")


def model_sums(values: Mapping[str, str] = MODEL_VALUES) -> str:
    """The counts and sums the model needs per cell (MODEL_SUMS), over rows whose per-incident values
    are `values`: the incidents themselves (the weekly rollup's build) or a scan that named them."""
    v = values
    return (f"count(*) FILTER (WHERE {v['cross_border']}) AS cross_border, "
            f"count(*) FILTER (WHERE {v['corroborated']}) AS corroborated, "
            f"count({v['actor_points']}) AS actor_records, coalesce(sum({v['actor_points']}), 0) AS actor_points, "
            f"count({v['grade_tenths']}) AS graded, coalesce(sum({v['grade_tenths']}), 0) AS grade_tenths")
