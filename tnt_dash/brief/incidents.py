"""The week's records the room should know of: the notable incidents (highest harm first) and the
admin-1 hotspots, their victim counts protected where the profile requires it."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .. import presented, queries
from ..scope import Scope
from ..suppression import DisclosureError
from .definitions import NOTABLE


def notable(con, scope: Scope, week: date) -> pd.DataFrame:
    frame = queries.incident_list(con, scope.filters.with_dates(week, week + timedelta(days=6)), scope.profile, scope.lang,
                                  limit=NOTABLE, order="harm")
    if scope.must_suppress:
        # Per-record victim counts are left out, not marked one by one: the list holds the week's
        # worst records, often all of its records with victims, so the week's published total minus
        # the counts shown would give a "<5" record away (10 victims, records of 7 and "<5": the other is 3).
        frame = frame.drop(columns=[c for c in presented.VICTIM_COLUMNS if c in frame.columns])
    return frame


def hotspots(con, scope: Scope, week: date) -> pd.DataFrame:
    frame = queries.admin1_totals(con, scope.filters.with_dates(week, week + timedelta(days=6)), scope.profile,
                                  scope.lang)
    try:
        return presented.protect_victims(frame, scope.profile, scope.destination)
    except DisclosureError:
        # No safe pattern exists for this week's small counts: withhold the victim columns.
        out = frame.copy()
        for column in presented.VICTIM_COLUMNS:
            out[column] = pd.Series([None] * len(out), dtype=object)
        return out
