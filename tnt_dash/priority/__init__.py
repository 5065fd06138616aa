"""The Threat priorities page: which criminal market in which area the mission should act on first, and
how sure it can be, by a transparent SOCTA/MoRiLE-style model (docs/priority.md).

Each criminal market × area (admin-1 unit, country, or "transnational / online" for cyber records
with no country) in the filtered period gets, on a fixed scale that no other row changes:

    harm        severity-weighted harm points per incident (harm.py), victims' vulnerability included
    likelihood  frequency and trend, corrected for reporting coverage (likelihood.py)
    risk        100 × harm × likelihood (risk.py; the harm and likelihood weights tilt the exponents)
    priority    risk × the modifiers: cross-border reach, actor capability, host-State capacity gap
    confidence  beside the priority: judged grades, sources, volume, completeness (confidence.py)

docs/priority.md states every formula and constant; the page Priority method shows the same note
(method.py). Modules by job: params (weights, reference constants), records (SQL inputs), harm,
likelihood, risk (scoring, sensitivity), confidence, explain (sentences, table), assess (the one
call every user makes), method (the note), figures.
"""
from .assess import PUBLISHED, Assessment, assess, published_counts, top_threats, view
from .confidence import confidence_level, confidence_levels
from .explain import EXPORT_COLUMNS, TREND_LABELS, sentence, table
from .figures import matrix_figure, sensitivity_figure
from .harm import harm_points, harm_scale
from .method import METHOD_NOTE, method_note, severity_table
from .params import (AREA_LEVELS, CONFIDENCE_LABELS, FACTOR_LABELS, FACTORS, LEVELS, MODIFIERS, ONLINE_AREA,
                     PARAM_KEYS, SENSITIVITY_DRAWS, SENSITIVITY_SPREAD, TOP_THREATS_WEEKS, Weights, calibration,
                     parse_weight_flags, severity, severity_scale, weights_from_params, weights_to_params)
from .records import coverage, gitoc_context, inputs, period, weekly_series
from .risk import priorities, score, sensitivity

__all__ = [
    "AREA_LEVELS", "Assessment", "CONFIDENCE_LABELS", "EXPORT_COLUMNS", "FACTORS", "FACTOR_LABELS", "LEVELS",
    "METHOD_NOTE", "MODIFIERS", "ONLINE_AREA", "PARAM_KEYS", "PUBLISHED", "SENSITIVITY_DRAWS", "SENSITIVITY_SPREAD",
    "TOP_THREATS_WEEKS", "TREND_LABELS", "Weights", "assess", "calibration", "confidence_level",
    "confidence_levels", "coverage", "gitoc_context", "harm_points", "harm_scale", "inputs", "matrix_figure",
    "method_note", "parse_weight_flags", "period", "priorities", "published_counts", "score", "sensitivity",
    "sensitivity_figure", "sentence", "severity", "severity_scale", "severity_table", "table", "top_threats",
    "view", "weekly_series", "weights_from_params", "weights_to_params",
]
