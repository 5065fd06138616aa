"""The brief's yardsticks: its baselines, when a change is worth marking, how many rows its
short lists keep, and the labels its tables and sentences share."""
from __future__ import annotations

from ..i18n import N_

LEVELS = ("adm1", "country")
BASELINE_SHORT = 4      # weeks: "the mean of the previous 4 weeks" (ACLED's weekly dashboard)
BASELINE_LONG = 52      # weeks: "the mean of the previous 52 weeks"
ANOMALY_BASELINE = 12   # weeks before the tested week (stats.poisson_anomaly)
ANOMALY_ALPHA = 0.01    # Benjamini-Hochberg false discovery rate
SIGNAL_PERCENT = 50     # a change of at least this much either way is marked in the change table
# No percentage on a base smaller than this (a weekly mean, or last week's count): "+4,700 %" on a
# four-week mean of 0.25 says nothing that "12 against 0.25 a week" does not say better. The
# anomaly test judges such counts (docs/brief.md).
MIN_BASE = 3.0
TOP_PRIORITIES = 5
NOTABLE = 5
SEX_AGE = ("women", "men", "girls", "boys", "unknown")

MODEL_LABELS = {"poisson": N_("Poisson"), "negative binomial": N_("negative binomial"),
                "sparse": N_("Poisson, new or sparse activity")}
SEX_AGE_LABELS = {"women": N_("Women"), "men": N_("Men"), "girls": N_("Girls"), "boys": N_("Boys"),
                  "unknown": N_("Sex or age unknown")}
PRIORITY_METHOD = N_(
    "Priority model (page Priority method, docs/priority.md) over admin-1 × market in the 16 weeks to this "
    "week, cyber threats in their country or transnational / online: score = risk (100 × harm × likelihood, "
    "on a fixed scale) × modifiers for cross-border reach, actor capability and host-State capacity gap, an "
    "unknown modifier counting ×1. Analytic judgement of the mission, not a measurement.")
