"""The capacity-building vocabulary: activity types, partners, assessment areas, the parity target
and the project's implementation period, with the labels a reader sees for each code.

Sex is recorded as female / male / unknown and never imputed (DOMAIN.md §3): the share of women is
taken over people whose sex is known, and the unknown count is reported beside it.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from ..config import REFERENCE_DIR
from ..i18n import I18n, N_

PARITY_TARGET = 0.5
CRITERIA_CSV = REFERENCE_DIR / "assessment_criteria.csv"
BUDGET_CSV = REFERENCE_DIR / "budget.csv"

ACTIVITY_TYPES = {
    "video_call": N_("Monthly video call"),
    "newsletter": N_("Newsletter"),
    "workshop": N_("Capacity-building workshop"),
    "training_crime": N_("In-mission training on criminality"),
    "training_pki": N_("In-mission training on peacekeeping-intelligence"),
    "assessment": N_("PKI and crime-intelligence assessment"),
    "spt_deployment": N_("Specialized Police Team deployment"),
    "partner_contribution": N_("Contribution to a partner's programme"),
    # The project document's mitigation when travel is impossible (a pandemic): support at a distance.
    "remote_pki_support": N_("Remote PKI support"),
    "online_workshop": N_("Online workshop"),
    "gender_consultation": N_("Consultation with the Police Gender Officer and female police networks"),
    # The answer to the turnover risk the document names: a roster with rotation dates and a handover pack.
    "handover": N_("Focal-point handover with the handover pack"),
}
# Partners named in the project document: the Global Focal Point arrangement for the Police, Justice and
# Corrections Areas (UNDP, OHCHR, UNODC, as a whole or one by one), INTERPOL, police-contributing countries
# (which supply the Specialized Police Teams) and, for crime trainings only, the host State.
PARTNERS = ("UNODC", "INTERPOL", "UNDP", "OHCHR", "GFP", "PCC", "HOST_STATE")
PARTNER_LABELS = {"HOST_STATE": N_("Host State"), "GFP": N_("Global Focal Point arrangement (UNDP, OHCHR, UNODC)"),
                  "PCC": N_("Police-contributing countries")}
# The project document's implementation period; the demo's activities fall in it.
IMPLEMENTATION = (date(2024, 1, 1), date(2024, 12, 31))
MISSION_INTERNAL = ("training_pki", "remote_pki_support")   # PKI support: the host State takes no part
AREAS = {"pki": N_("Peacekeeping-intelligence"), "crime_intel": N_("Crime intelligence")}
NETWORK_WIDE = N_("Network-wide")
NETWORK = "__network__"     # the unit code of activities with no mission
TOTAL = "__total__"         # the unit code of the all-activities row of the parity table
SEXES = ("female", "male", "unknown")
MAX_IMPORT_ROWS = 100_000


def type_label(t: I18n, code: str) -> str:
    return t.gettext(ACTIVITY_TYPES.get(code, code))


def mission_label(t: I18n, mission) -> str:
    return mission if isinstance(mission, str) and mission and mission != NETWORK else t.gettext(NETWORK_WIDE)


def partner_label(t: I18n, code: str) -> str:
    return t.gettext(PARTNER_LABELS[code]) if code in PARTNER_LABELS else code


def share_text(t: I18n, value) -> str:
    """A share as the page writes it: "–" when nobody of known sex was recorded."""
    return "–" if value is None or pd.isna(value) else t.percent(value)
