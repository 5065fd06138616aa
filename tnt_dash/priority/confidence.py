"""Confidence, reported beside the priority, not inside it (MoRiLE keeps risk and confidence apart).

    grade quality = mean of the judged halves: reliability A–E and credibility 1–5 as 1, 0.8, 0.6,
                    0.4, 0.2; F and 6 ("cannot be judged") are unknown and left out, not low
    corroboration = share of records with two or more independent sources
    volume        = min(1, records ÷ 10)
    completeness  = (known factors ÷ 5 + share of grade halves judged) ÷ 2
    confidence    = (2 × grade quality + corroboration + volume + completeness) ÷ 5,
                    or (corroboration + volume + completeness) ÷ 3 when no grade is judged
    level         = high from 0.70, medium from 0.45, low below"""
from __future__ import annotations

import numpy as np

from .params import CONFIDENCE_LEVELS, CONFIDENT_VOLUME, FACTORS


def grade_quality(col: dict) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        reliability = np.where(col["reliability_judged"] > 0,
                               col["reliability_tenths"] / np.maximum(col["reliability_judged"], 1) / 10, np.nan)
        credibility = np.where(col["credibility_judged"] > 0,
                               col["credibility_tenths"] / np.maximum(col["credibility_judged"], 1) / 10, np.nan)
        both = np.column_stack([reliability, credibility])
        known = (~np.isnan(both)).sum(axis=1)
        return np.where(known > 0, np.nansum(both, axis=1) / np.maximum(known, 1), np.nan)


def confidence(col: dict, known_factors: np.ndarray) -> dict[str, np.ndarray]:
    """The parts and the figure, each an array over rows."""
    grade = grade_quality(col)
    corroboration = col["corroborated"] / col["incidents"]
    volume = np.minimum(1.0, col["incidents"] / CONFIDENT_VOLUME)
    judged = (col["reliability_judged"] + col["credibility_judged"]) / (2 * col["incidents"])
    completeness = (known_factors / len(FACTORS) + judged) / 2
    value = np.where(np.isnan(grade), (corroboration + volume + completeness) / 3,
                     (2 * np.nan_to_num(grade) + corroboration + volume + completeness) / 5)
    return {"grade_quality": grade, "corroboration": corroboration, "completeness": completeness,
            "confidence": value}


def confidence_level(value: float) -> str:
    for threshold, level in CONFIDENCE_LEVELS:
        if value >= threshold:
            return level
    return "low"


def confidence_levels(values: np.ndarray) -> list[str]:
    """confidence_level of each value."""
    values = np.asarray(values, dtype=float)
    return np.select([values >= threshold for threshold, _ in CONFIDENCE_LEVELS],
                     [level for _, level in CONFIDENCE_LEVELS], "low").tolist()
