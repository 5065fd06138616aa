"""What a series can be keyed by (market, family, cyber link, mission, country, admin-1), the
time steps, and the keys that stand for no market or place."""
from __future__ import annotations

from ..filters import place
from ..i18n import N_

PLACE = place("i")

# Whitelist: the dimension picks a column, never a value. NULL keys (no admin-1 recorded)
# become NOT_RECORDED so they are counted and shown rather than silently dropped.
DIMENSIONS = {
    "market": "i.market",
    "family": "m.family",
    "cyber": "m.cyber",
    "mission": "i.mission",
    "country": "i.iso3",
    "admin1": PLACE,
}
DIMENSION_LABELS = {
    "market": N_("Market"),
    "family": N_("Market family"),
    "cyber": N_("Cyber link"),
    "mission": N_("Mission"),
    "country": N_("Country or territory"),
    "admin1": N_("Admin-1 area"),
}
FAMILY_LABELS = {
    "drugs": N_("Drugs"),
    "people": N_("Crimes against people"),
    "arms": N_("Arms"),
    "resources": N_("Natural resources"),
    "cyber_financial": N_("Cyber and financial"),
    "other": N_("Other markets"),
}
CYBER_LABELS = {
    "cyber-dependent": N_("Cyber-dependent"),
    "cyber-enabled": N_("Cyber-enabled"),
    "none": N_("Not cyber-related"),
}
GRAINS = {"week": "INTERVAL 7 DAY", "month": "INTERVAL 1 MONTH"}
# Trailing window of the moving average: about a month either way.
MA_WINDOW = {"week": 4, "month": 3}
OTHERS = "__others__"
NOT_RECORDED = "__none__"
TOP_SERIES = 7          # plus "all others": eight colours in figures.PALETTE order


def check(by: str, grain: str) -> None:
    if by not in DIMENSIONS:
        raise ValueError(f"unknown series dimension {by!r}; expected one of {', '.join(DIMENSIONS)}")
    if grain not in GRAINS:
        raise ValueError(f"unknown time grain {grain!r}; expected week or month")
