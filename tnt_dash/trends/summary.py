"""One row per series: incidents, the same period a year earlier and the change, the share of
solidly graded records, and the Mann–Kendall trend."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from ..access import Profile
from ..config import suppression_threshold
from ..i18n import I18n, N_
from .dimensions import NOT_RECORDED, OTHERS

TREND_TEXT = {
    "rising": N_("rising, significant at 95 %"),
    "falling": N_("falling, significant at 95 %"),
    "none": N_("no clear trend"),
    "insufficient": N_("too few points"),
}
COLUMNS = ["key", "label", "incidents", "previous", "change", "graded_share", "trend", "direction", "p_value",
           "sen_slope"]


def trend_text(result: stats.TrendResult, t: I18n) -> str:
    key = "insufficient" if result.insufficient else result.direction
    return t.gettext(TREND_TEXT[key])


def graded_share(incidents: int, strong: int, profile: Profile) -> float | None:
    """Share of A–B/1–2 records; withheld where it could reveal the grade of a handful of
    records to a profile that may not see detailed grades."""
    if incidents == 0:
        return None
    if not profile.detailed_grades and incidents < suppression_threshold():
        return None
    return strong / incidents


def summary(keys: list[str], matrix: np.ndarray, strong: np.ndarray, previous: pd.DataFrame,
            previous_complete: bool, labels: dict[str, str], profile: Profile, t: I18n) -> pd.DataFrame:
    """The per-series table from the key × period matrices of incidents and of solid records (one
    row per key, in `keys` order) and every key's total a year earlier (key, incidents)."""
    previous = previous.set_index("key")["incidents"]
    shown = set(keys) - {OTHERS}
    previous_others = int(previous[[k for k in previous.index if k not in shown]].sum())
    rows = []
    for key, values, graded, result in zip(keys, matrix, strong, stats.mann_kendall_many(matrix)):
        incidents = int(values.sum())
        before = previous_others if key == OTHERS else int(previous.get(key, 0))
        before = before if previous_complete else None
        rows.append({
            "key": key, "label": labels.get(key, key), "incidents": incidents, "previous": before,
            "change": (incidents - before) / before if before else None,
            "graded_share": graded_share(incidents, int(graded.sum()), profile),
            "trend": trend_text(result, t), "direction": "insufficient" if result.insufficient else result.direction,
            "p_value": result.p_value, "sen_slope": result.sen_slope,
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    # Largest first; the catch-all rows last, so the legend reads in order of weight.
    return (frame.assign(_tail=frame["key"].isin((OTHERS, NOT_RECORDED)))
            .sort_values(["_tail", "incidents", "key"], ascending=[True, False, True])
            .drop(columns="_tail").reset_index(drop=True))
