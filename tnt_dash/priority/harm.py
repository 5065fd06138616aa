"""Harm: severity-weighted, per incident, on a fixed scale (MoRiLE's dimensions; docs/priority.md).

    harm points of a cell = incidents × incident severity (community + environmental harm)
                          + Σ victims × victim severity (physical + psychological + financial)
                                      × (1 + w_wc if the victim is vulnerable)
                          + fatality points × deaths
    harm points per incident = that ÷ incidents
    harm = min(1, ln(1 + points per incident) ÷ ln(1 + harm reference))

Vulnerable victims are children, and women (adult or of unknown age) in sexual exploitation.
Victims of records of sexual exploitation take their market's sexual-exploitation severity where
the scale has one (trafficking for sexual exploitation). Seizures are not harm: a seizure is a police
output, and its value is shown beside the score only as an indicator of market size.

Per incident, so that harm says how grave a threat's typical incident is and likelihood how often it
happens: a count in both would weigh frequency twice in their product."""
from __future__ import annotations

import numpy as np

from .params import SEXUAL_FORM, calibration, severity


def harm_points(col: dict, markets: list[str], vulnerable_weight: float, protected: bool = False) -> np.ndarray:
    """Harm points per incident for each row. `col` holds arrays: incidents, victims, vulnerable,
    sexual_victims, sexual_vulnerable, fatalities.

    `protected`: the victim counts are those published under suppression (a "<5" as 2.5), and the
    split by form of exploitation is not published, so every victim takes the market's general
    severity: a cell's harm then says no more than its published counts."""
    general = np.array([severity(m).victim for m in markets], dtype=float)
    sexual = np.array([severity(m, SEXUAL_FORM).victim for m in markets], dtype=float)
    per_incident = np.array([severity(m).incident for m in markets], dtype=float)
    victims, vulnerable = col["victims"], col["vulnerable"]
    if protected:
        sexual_victims = sexual_vulnerable = np.zeros_like(victims)
    else:
        sexual_victims, sexual_vulnerable = col["sexual_victims"], col["sexual_vulnerable"]
    victim_harm = (general * (victims - sexual_victims + vulnerable_weight * (vulnerable - sexual_vulnerable))
                   + sexual * (sexual_victims + vulnerable_weight * sexual_vulnerable))
    total = col["incidents"] * per_incident + victim_harm + calibration()["fatality_points"] * col["fatalities"]
    return total / col["incidents"]


def harm_scale(points) -> np.ndarray:
    """Harm points per incident on the fixed 0–1 scale."""
    reference = calibration()["harm_reference"]
    return np.minimum(1.0, np.log1p(np.asarray(points, dtype=float)) / np.log1p(reference))
