"""The alert rules' yardsticks, kinds, measures and labels, shared by evaluation, the page and the digest."""
from __future__ import annotations

from ..i18n import N_

# The first evaluation of a scope looks back this many complete weeks (half a year: the brief's
# week selector offers as many); later runs start RECHECK_WEEKS before the last week evaluated, so
# records reported late can still make a recent week fire (once: the firing key has no run in it).
LOOKBACK_WEEKS = 26
RECHECK_WEEKS = 4
# A corridor or a market in an area is "new" only against enough history: in the first weeks of a
# store everything is new. The anomaly test's own baseline (12 weeks) is the yardstick.
HISTORY_WEEKS = 12
# Early warning reads fresh reports too: records still in review are the last two weeks' news. A
# profile restricted to validated records (the host State's) keeps that restriction.
ALERT_STATUSES = ("validated", "in_review")

KINDS = ("anomaly", "surge", "new_corridor", "first_in_area", "threshold")
KIND_LABELS = {
    "anomaly": N_("Anomaly test"),
    "surge": N_("Sharp rise against 4 and 52 weeks"),
    "new_corridor": N_("New cross-border corridor"),
    "first_in_area": N_("First incident of a market in an area"),
    "threshold": N_("User-defined threshold"),
}
# Built-in rules have fixed ids; user rules get U-… ids (rules.new_rule_id).
BUILTIN_RULES = {"builtin:anomaly": "anomaly", "builtin:surge": "surge", "builtin:new_corridor": "new_corridor",
                 "builtin:first_in_area": "first_in_area"}

MEASURES = ("incidents", "victims", "women_children", "fatalities")
MEASURE_LABELS = {"incidents": N_("Incidents"), "victims": N_("Victims"),
                  "women_children": N_("Women and children victims"), "fatalities": N_("Fatalities")}
# The victim counts the suppression rules protect (presented.VICTIM_COLUMNS).
VICTIM_MEASURES = ("victims", "women_children")

STATUSES = ("new", "acknowledged", "closed")
STATUS_LABELS = {"new": N_("New"), "acknowledged": N_("Acknowledged"), "closed": N_("Closed")}
# One alert's status, where the labels above (filters, counts) would read as plurals in French.
ALERT_STATUS_LABELS = {"new": N_("New alert"), "acknowledged": N_("Acknowledged alert"), "closed": N_("Closed alert")}
ACTIONS = {"acknowledge": "acknowledged", "close": "closed"}
