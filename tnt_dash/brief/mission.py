"""Whose brief: one mission by default, the missions pooled only when the reader asks for it.

A commissioner briefs on their own mission; a regional pool put a province outside the mission's
area at the top of its priorities. The default is the server's mission (TNT_MISSION),
else the first mission the filters name, else the mission with the most records in view over the
brief's weeks, and the reader may choose another or the region.
"""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from .. import config, queries
from ..access import Profile
from ..filters import Filters
from ..scope import Scope

REGION = "region"
BUSIEST_OVER_WEEKS = 12


class MissionError(ValueError):
    """A mission the store or the viewer's filters do not hold."""


def choices(con, scope: Scope, week: date) -> dict[str, str]:
    """code -> label of what a brief can be for: each mission the filters and profile allow that was
    deployed in `week` (a closed mission, such as MINUSMA after 2023, has no weekly brief), then the region."""
    deployed, named = set(serving(con, week)), scope.filters.missions
    missions = {code: label for code, label in queries.filter_options(con, scope.lang, scope.profile)["missions"]
                if code in deployed and (not named or code in named)}
    return missions | {REGION: scope.t.gettext("All missions (regional pool)")}


def serving(con, week: date) -> tuple[str, ...]:
    """The missions deployed at some time in the ISO week starting `week` (reference table missions)."""
    cur = con.cursor()
    try:
        return tuple(code for (code,) in cur.execute(
            """SELECT code FROM missions WHERE coalesce(start_date, DATE '1900-01-01') <= ? + INTERVAL 6 DAY
               AND coalesce(end_date, DATE '9999-12-31') >= ? ORDER BY code""", [week, week]).fetchall())
    finally:
        cur.close()


def default(con, filters: Filters, profile: Profile, week: date) -> str:
    """The brief's mission when the reader has not chosen one (see the module's docstring)."""
    deployed = set(serving(con, week))
    allowed = [code for code, _label in queries.filter_options(con, "en", profile)["missions"] if code in deployed]
    configured = config.mission()
    if configured and configured not in {code for code, _label in queries.filter_options(con, "en")["missions"]}:
        raise MissionError(f"TNT_MISSION={configured} is not a mission of this store")
    named = [code for code in filters.missions if code in allowed]
    if configured in allowed and (not filters.missions or configured in named):
        return configured
    if named:
        return named[0]
    if filters.missions:         # the filters name no mission this viewer may see
        return REGION
    return busiest(con, filters, profile, week) or (allowed[0] if allowed else REGION)


def busiest(con, filters: Filters, profile: Profile, week: date) -> str | None:
    """The mission with the most records in view over the BUSIEST_OVER_WEEKS weeks to `week`."""
    start = week - timedelta(weeks=BUSIEST_OVER_WEEKS - 1)
    where, params = queries.scope(filters.with_dates(start, week + timedelta(days=6)), profile)
    cur = con.cursor()
    try:
        row = cur.execute(f"SELECT i.mission FROM incidents i WHERE {where} AND i.mission IS NOT NULL "
                          "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1", params).fetchone()
    finally:
        cur.close()
    return row[0] if row else None


def for_mission(filters: Filters, mission: str) -> Filters:
    """The filters of a brief for `mission`: that one mission, or the filters as they are for the region."""
    return filters if mission == REGION else dataclasses.replace(filters, missions=(mission,))
