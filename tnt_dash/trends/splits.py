"""Incidents split by cyber link or by market family, every part listed even when empty."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..scope import Scope
from .dimensions import CYBER_LABELS, FAMILY_LABELS
from .labels import series_labels
from .series import totals_between

SPLITS = ("cyber", "family")


def split_totals(con, scope: Scope, by: str, start: date, end: date) -> pd.DataFrame:
    """key, label, incidents for the cyber or market-family split over [start, end]."""
    filters, profile, t = scope.filters, scope.profile, scope.t
    if by not in SPLITS:
        raise ValueError("a market split is by cyber link or by market family")
    frame = totals_between(con, filters, profile, by, start, end)
    labels = series_labels(con, by, t)
    order = list(CYBER_LABELS if by == "cyber" else FAMILY_LABELS)
    found = dict(zip(frame["key"].tolist(), frame["incidents"].tolist()))
    return pd.DataFrame({"key": order, "label": [labels.get(k) for k in order],
                         "incidents": np.array([found.get(k, 0) for k in order], dtype=np.int64)})
