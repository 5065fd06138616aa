"""The model's parameters: the weights a user may tilt (kept in the page's link and the CLI's
--weight flags) and the constants fixed once in reference files (the harm severity scale and the
calibration of the absolute scale, tnt_dash/reference/harm_severity.csv and priority_calibration.csv;
docs/priority.md says how each was set)."""
from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path

from ..i18n import N_

REFERENCE = Path(__file__).resolve().parent.parent / "reference"

FACTORS = ("harm", "likelihood", "reach", "actor", "capacity")
MODIFIERS = ("reach", "actor", "capacity")      # applied to the risk as multipliers; may be unknown
FACTOR_LABELS = {
    "harm": N_("Harm"),
    "likelihood": N_("Likelihood"),
    "reach": N_("Cross-border reach"),
    "actor": N_("Actor capability"),
    "capacity": N_("Host-State capacity gap"),
}
# The levels a threat is scored at. Area levels share one model (this package); a level of another
# kind (criminal groups) adds its own entry and its own scoring beside it.
AREA_LEVELS = ("adm1", "country")
LEVELS = AREA_LEVELS
ONLINE_AREA = "online"          # the area key of cyber records with no country: "transnational / online"
TOP_THREATS_WEEKS = 16          # the brief: the last 4 weeks and the 12 before, as its table shows
SENSITIVITY_SPREAD = 0.20       # each weight varies by ±20 %
SENSITIVITY_DRAWS = 200
SENSITIVITY_SEED = 20_101       # fixed, so the rank ranges are reproducible
CONFIDENT_VOLUME = 10           # records at which the volume part of confidence is full
CONFIDENCE_LEVELS = ((0.70, "high"), (0.45, "medium"), (0.0, "low"))
CONFIDENCE_LABELS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}
TREND_VALUE = {"rising": 1.0, "falling": 0.0, "none": 0.5}


@dataclass(frozen=True)
class Weights:
    """The weights of the model, with their defaults.

    harm, likelihood: relative; risk = harm^a × likelihood^b with a + b = 2 and a : b = harm :
        likelihood. Equal (the default), risk is exactly harm × likelihood.
    reach, actor, capacity: the most each modifier moves the priority, in per cent either way
        (15: a multiplier from 0.85 to 1.15). 0 switches it off; at most 100.
    women_children: extra harm of a vulnerable victim (a child; a woman in sexual exploitation):
        the victim's harm is multiplied by 1 + this (URL key w_wc, kept from the first model).
    trend_share: share of likelihood given to the tested trend."""
    harm: float = 50.0
    likelihood: float = 50.0
    reach: float = 15.0
    actor: float = 15.0
    capacity: float = 15.0
    women_children: float = 1.0
    trend_share: float = 0.3

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"weight {f.name} must be a finite number, not {value!r}")
            if value < 0:
                raise ValueError(f"weight {f.name} must not be negative (got {value})")
            object.__setattr__(self, f.name, float(value))
        if self.trend_share > 1:
            raise ValueError("weight trend_share is a share and must be between 0 and 1")
        for name in MODIFIERS:
            if getattr(self, name) > 100:
                raise ValueError(f"weight {name} is the most the factor moves the priority, in %, and must be "
                                 f"at most 100 (got {getattr(self, name)})")
        if self.harm + self.likelihood <= 0:
            raise ValueError("at least one factor weight of harm and likelihood must be above 0: risk is "
                             "harm × likelihood")

    def factor_weights(self) -> tuple[float, ...]:
        return tuple(getattr(self, f) for f in FACTORS)

    def exponents(self) -> tuple[float, float]:
        """(a, b) of risk = harm^a × likelihood^b."""
        a = 2 * self.harm / (self.harm + self.likelihood)
        return a, 2 - a

    def max_modifier(self) -> float:
        """The largest product of the modifiers: the top of the priority scale is 100 times it."""
        return math.prod(1 + getattr(self, m) / 100 for m in MODIFIERS)


# URL keys of the page's sliders; the CLI's --weight flags use the same names.
PARAM_KEYS = {"w_harm": "harm", "w_likelihood": "likelihood", "w_reach": "reach", "w_actor": "actor",
              "w_capacity": "capacity", "w_wc": "women_children"}


def weights_to_params(weights: Weights) -> dict[str, str]:
    """The URL query parameters that reproduce `weights` (only the keys the page exposes)."""
    out = {}
    for key, name in PARAM_KEYS.items():
        value = getattr(weights, name)
        out[key] = str(int(value)) if value == int(value) else repr(value)
    return out


def weights_from_params(params: Mapping, base: Weights | None = None) -> Weights:
    """Weights from URL query parameters; missing keys keep `base` (default Weights()). Other keys
    (filters, language) are ignored. A bad value raises ValueError naming the parameter."""
    base = base or Weights()
    changes = {}
    for key, name in PARAM_KEYS.items():
        if key not in params:
            continue
        raw = params[key]
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else None
        try:
            value = float(str(raw).strip())
        except (TypeError, ValueError):
            raise ValueError(f"{key} must be a number, not {raw!r}") from None
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{key} must be a finite number of 0 or more, not {raw!r}")
        changes[name] = value
    try:
        return replace(base, **changes)
    except ValueError as exc:
        raise ValueError(f"{', '.join(k for k in PARAM_KEYS if k in params)}: {exc}") from None


def parse_weight_flags(items: list[str]) -> Weights:
    """CLI: ['w_harm=40', 'w_wc=2'] -> Weights."""
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or key.strip() not in PARAM_KEYS:
            raise ValueError(f"--weight takes KEY=VALUE with KEY one of {', '.join(PARAM_KEYS)} (got {item!r})")
        params[key.strip()] = value
    return weights_from_params(params)


# --- Reference constants -----------------------------------------------------------------------

HARM_DIMENSIONS = ("physical", "psychological", "financial", "community", "environmental")
VICTIM_DIMENSIONS = ("physical", "psychological", "financial")       # harm to each victim
INCIDENT_DIMENSIONS = ("community", "environmental")                 # harm of each incident beyond its victims
SEXUAL_FORM = "sexual_exploitation"


@dataclass(frozen=True)
class Severity:
    victim: float        # harm points per victim (physical + psychological + financial, each 0–4)
    incident: float      # harm points per incident (community + environmental, each 0–4)


@lru_cache(maxsize=1)
def severity_scale() -> dict[tuple[str, str], Severity]:
    """(market, form) -> Severity, form '' (every record) or 'sexual_exploitation' (the market's
    records of sexual exploitation, where they differ). Every market has its '' row."""
    scale = {}
    with open(REFERENCE / "harm_severity.csv", encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            values = {}
            for dim in HARM_DIMENSIONS:
                value = int(row[dim])
                if not 0 <= value <= 4:
                    raise ValueError(f"harm_severity.csv line {n}: {dim} must be 0 to 4, not {value}")
                values[dim] = value
            if row["form"] not in ("", SEXUAL_FORM):
                raise ValueError(f"harm_severity.csv line {n}: form must be empty or {SEXUAL_FORM}")
            scale[(row["market"], row["form"])] = Severity(sum(values[d] for d in VICTIM_DIMENSIONS),
                                                           sum(values[d] for d in INCIDENT_DIMENSIONS))
    return scale


def severity(market: str, form: str = "") -> Severity:
    scale = severity_scale()
    if (market, "") not in scale:
        raise ValueError(f"market {market!r} has no row in tnt_dash/reference/harm_severity.csv")
    return scale.get((market, form), scale[(market, "")])


@lru_cache(maxsize=1)
def calibration() -> dict[str, float]:
    """The constants of the absolute scale (priority_calibration.csv: name, value, unit, derivation)."""
    with open(REFERENCE / "priority_calibration.csv", encoding="utf-8", newline="") as fh:
        out = {row["name"]: float(row["value"]) for row in csv.DictReader(fh)}
    needed = ("fatality_points", "harm_reference", "rate_reference", "countries_reference", "coverage_floor",
              "coverage_min_weeks", "unknown_factor_value")
    missing = [name for name in needed if name not in out]
    if missing:
        raise ValueError(f"priority_calibration.csv lacks {', '.join(missing)}")
    if not (0 < out["coverage_floor"] <= 1 and 0 <= out["unknown_factor_value"] <= 1):
        raise ValueError("priority_calibration.csv: coverage_floor must be in (0, 1], unknown_factor_value in [0, 1]")
    return out
