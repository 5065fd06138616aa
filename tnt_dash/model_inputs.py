"""What the priority model reads from each incident, as SQL: the Admiralty grades' values and the
per-cell counts and sums (tnt_dash/priority/ and docs/priority.md say how the model uses them).

Kept apart from the model so that the store can build the weekly rollup's priority columns
(store.refresh_rollups) with the very expressions the model reads, without loading the model and
its statistics (SciPy: about 2.3 s in a fresh process, which every CLI import, correction and
rollback paid). Standard library only.
"""
from __future__ import annotations

from collections.abc import Mapping

# Admiralty grades as 0–1 quality. RELIABILITY_VALUE/CREDIBILITY_VALUE feed the rollup's older
# `grade_tenths` (schema 007), where F and 6 counted as E and 5. The model now reads JUDGED_*:
# F ("reliability cannot be judged") and 6 ("truth cannot be judged") are unknown, not low, so they
# are left out of the grade average instead of pulling it down.
RELIABILITY_VALUE = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.2, "F": 0.2}
CREDIBILITY_VALUE = {1: 1.0, 2: 0.8, 3: 0.6, 4: 0.4, 5: 0.2, 6: 0.2}
JUDGED_RELIABILITY = {k: v for k, v in RELIABILITY_VALUE.items() if k != "F"}
JUDGED_CREDIBILITY = {k: v for k, v in CREDIBILITY_VALUE.items() if k != 6}


def _case(column: str, mapping: dict) -> str:
    # The mapping is a module constant above, never user input.
    whens = " ".join(f"WHEN {k!r} THEN {v}" if isinstance(k, str) else f"WHEN {k} THEN {v}" for k, v in mapping.items())
    return f"CASE {column} {whens} END"


# What the model reads from each incident (`i`, with its actor `ac`). Grades are whole tenths, summed
# and divided once at the end: a sum of doubles such as 0.8 depends on the order DuckDB's threads
# add them, and the same view then ranked ties differently.
GRADE_TENTHS = (f"(({_case('i.source_reliability', {k: round(v * 10) for k, v in RELIABILITY_VALUE.items()})}) + "
                f"({_case('i.info_credibility', {k: round(v * 10) for k, v in CREDIBILITY_VALUE.items()})}))")
# The judged halves alone, in tenths; NULL for F or 6 (a CASE without ELSE).
RELIABILITY_TENTHS = _case("i.source_reliability", {k: round(v * 10) for k, v in JUDGED_RELIABILITY.items()})
CREDIBILITY_TENTHS = _case("i.info_credibility", {k: round(v * 10) for k, v in JUDGED_CREDIBILITY.items()})
ACTOR_POINTS = "(ac.violence + ac.reach + ac.links)"
# Records of sexual exploitation: the markets that are sexual exploitation by definition (ICCS 03022,
# with Cy) and trafficking for sexual exploitation (ICCS 02041, the GLOTIP form). A definition, not a
# calibration: the weekly rollup keeps its counts, so changing it means rebuilding the rollup.
SEXUAL_EXPLOITATION = ("(i.market IN ('sextortion', 'online_child_sexual_exploitation') OR "
                       "(i.market = 'human_trafficking' AND lower(coalesce(i.subtype, '')) = 'sexual exploitation'))")
CHILDREN = "(i.v_female_child + i.v_male_child + i.v_unknown_child)"
WOMEN = "(i.v_female_adult + i.v_female_unknown)"
# Victims given the vulnerability multiplier: every child, and women (adult or of unknown age) in
# sexual exploitation. The two sets do not overlap; victims of unknown age are never made children.
VULNERABLE = f"({CHILDREN} + CASE WHEN {SEXUAL_EXPLOITATION} THEN {WOMEN} ELSE 0 END)"
ALL_VICTIMS = ("(i.v_female_child + i.v_female_adult + i.v_female_unknown + i.v_male_child + i.v_male_adult + "
               "i.v_male_unknown + i.v_unknown_child + i.v_unknown_adult + i.v_unknown_unknown)")
SEXUAL_VICTIMS = f"(CASE WHEN {SEXUAL_EXPLOITATION} THEN {ALL_VICTIMS} ELSE 0 END)"
SEXUAL_VULNERABLE = f"(CASE WHEN {SEXUAL_EXPLOITATION} THEN {VULNERABLE} ELSE 0 END)"
NAMES_CORRIDOR = "(i.origin_iso3 IS NOT NULL OR i.transit_iso3 IS NOT NULL OR i.destination_iso3 IS NOT NULL)"
MODEL_VALUES = {"cross_border": "i.cross_border", "corroborated": "(i.n_sources >= 2)",
                "actor_points": ACTOR_POINTS, "grade_tenths": GRADE_TENTHS,
                "reliability_tenths": RELIABILITY_TENTHS, "credibility_tenths": CREDIBILITY_TENTHS,
                "vulnerable": VULNERABLE, "sexual_victims": SEXUAL_VICTIMS, "sexual_vulnerable": SEXUAL_VULNERABLE}
MODEL_SUMS = ("cross_border", "corroborated", "actor_records", "actor_points", "graded", "grade_tenths",
              "reliability_judged", "reliability_tenths", "credibility_judged", "credibility_tenths",
              "vulnerable", "sexual_victims", "sexual_vulnerable")
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
            f"count({v['grade_tenths']}) AS graded, coalesce(sum({v['grade_tenths']}), 0) AS grade_tenths, "
            f"count({v['reliability_tenths']}) AS reliability_judged, "
            f"coalesce(sum({v['reliability_tenths']}), 0) AS reliability_tenths, "
            f"count({v['credibility_tenths']}) AS credibility_judged, "
            f"coalesce(sum({v['credibility_tenths']}), 0) AS credibility_tenths, "
            f"coalesce(sum({v['vulnerable']}), 0) AS vulnerable, "
            f"coalesce(sum({v['sexual_victims']}), 0) AS sexual_victims, "
            f"coalesce(sum({v['sexual_vulnerable']}), 0) AS sexual_vulnerable")
