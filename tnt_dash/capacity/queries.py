"""The capacity-building SQL layer: each query binds the sidebar's period and missions (and the
profile's rule on UN-internal material) and returns a small frame keyed by codes. Labels in the
viewer's language are added above, in `tables`.

Activities follow the sidebar's period and missions only, and an activity counts where it starts:
every query here is marked `reads_only(*SCOPE_FIELDS)`, so picking a market re-runs none of them.
"""
from __future__ import annotations

import pandas as pd

from ..access import Profile
from ..filters import Filters, reads_only
from .definitions import NETWORK, PARITY_TARGET, TOTAL
from .schema import tables_present
from .settings import load_budget

SCOPE_FIELDS = ("date_from", "date_to", "missions")    # all that `where` reads


def where(filters: Filters, alias: str = "a", date_column: str = "date_start") -> tuple[str, list]:
    """The period and missions as a bound SQL condition on `alias`."""
    clauses, params = [], []
    if filters.date_from:
        clauses.append(f"{alias}.{date_column} >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append(f"{alias}.{date_column} <= ?")
        params.append(filters.date_to)
    if filters.missions:
        clauses.append(f"{alias}.mission IN ({', '.join('?' * len(filters.missions))})")
        params.extend(filters.missions)
    return " AND ".join(clauses) or "TRUE", params


def _df(con, sql: str, params: list | None = None) -> pd.DataFrame:
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.close()


ROSTER_COLUMNS = ["mission", "post", "holder", "start_date", "rotation_due", "handover_pack"]


@reads_only(*SCOPE_FIELDS)
def focal_points(con, filters: Filters, profile: Profile) -> pd.DataFrame:
    """The roster's tenures that overlap the period, in the selected missions; post is a code
    (focal_point | alternate), holder a post number. Mission-internal: empty on a shared screen."""
    if not profile.sees_internal or not tables_present(con, "focal_points"):
        return pd.DataFrame(columns=ROSTER_COLUMNS)
    clauses, params = [], []
    if filters.date_from:
        clauses.append("rotation_due >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append("start_date <= ?")
        params.append(filters.date_to)
    if filters.missions:
        clauses.append("mission IN (SELECT unnest(?))")
        params.append(list(filters.missions))
    condition = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return _df(con, f"SELECT {', '.join(ROSTER_COLUMNS)} FROM focal_points {condition} "
                    "ORDER BY mission, post, start_date", params)


@reads_only(*SCOPE_FIELDS)
def monthly_counts(con, filters: Filters, profile: Profile) -> pd.DataFrame:
    """month, activity_type, activities: the calendar's heat strip."""
    if not tables_present(con):
        return pd.DataFrame(columns=["month", "activity_type", "activities"])
    condition, params = where(filters)
    return _df(con, f"""SELECT date_trunc('month', a.date_start)::DATE AS month, a.activity_type,
                               count(*) AS activities
                        FROM activities a WHERE {condition} GROUP BY ALL ORDER BY month""", params)


@reads_only(*SCOPE_FIELDS)
def mission_type_counts(con, filters: Filters, profile: Profile) -> pd.DataFrame:
    """mission (NETWORK for network-wide activities), activity_type, n."""
    if not tables_present(con):
        return pd.DataFrame(columns=["mission", "activity_type", "n"])
    condition, params = where(filters)
    return _df(con, f"""SELECT coalesce(a.mission, ?) AS mission, a.activity_type, count(*) AS n
                        FROM activities a WHERE {condition} GROUP BY ALL""", [NETWORK, *params])


PARITY_COLUMNS = ["mission", "participants_female", "participants_male", "participants_unknown",
                  "share_participants", "speakers_female", "speakers_male", "speakers_unknown", "share_speakers",
                  "below_target"]


@reads_only(*SCOPE_FIELDS)
def parity(con, filters: Filters, profile: Profile) -> pd.DataFrame:
    """Participants and speakers by sex per mission (NETWORK for network-wide activities) and for
    all activities (TOTAL, last), with the share of women.

    share = female / (female + male): people of unknown sex are left out of the share, never
    guessed, and reported in their own column. A unit whose share is below the 50 % target is
    flagged; a unit with no one of known sex has no share (None) and is not flagged.
    """
    if not tables_present(con):
        return pd.DataFrame(columns=PARITY_COLUMNS)
    condition, params = where(filters)
    frame = _df(con, f"""
        SELECT a.mission,
               sum(participants_female)::BIGINT AS participants_female, sum(participants_male)::BIGINT AS participants_male,
               sum(participants_unknown)::BIGINT AS participants_unknown,
               sum(speakers_female)::BIGINT AS speakers_female, sum(speakers_male)::BIGINT AS speakers_male,
               sum(speakers_unknown)::BIGINT AS speakers_unknown,
               grouping(a.mission) AS is_total
        FROM activities a WHERE {condition}
        GROUP BY GROUPING SETS ((a.mission), ())
        ORDER BY is_total, a.mission NULLS FIRST""", params)
    if frame.empty or frame["participants_female"].isna().all():
        return pd.DataFrame(columns=PARITY_COLUMNS)
    # Network-wide activities have no mission (NULL) like the grand total: grouping() tells them apart.
    frame["mission"] = frame["mission"].astype(object).where(frame["mission"].notna(), NETWORK)
    frame.loc[frame["is_total"] == 1, "mission"] = TOTAL
    for who in ("participants", "speakers"):
        f, m = frame[f"{who}_female"].astype(int), frame[f"{who}_male"].astype(int)
        known = f + m
        frame[f"share_{who}"] = [None if k == 0 else fv / k for fv, k in zip(f, known)]
    frame["below_target"] = [any(s is not None and s < PARITY_TARGET for s in pair)
                             for pair in zip(frame["share_participants"], frame["share_speakers"])]
    return frame[PARITY_COLUMNS]


@reads_only(*SCOPE_FIELDS)
def assessment_scores(con, filters: Filters, profile: Profile) -> pd.DataFrame:
    """mission, assessed_on, criterion, score: each stored score of the assessments made in the
    period. Empty under a profile that must not see them (they rate the host State's capacity)."""
    if not profile.sees_internal or not tables_present(con):
        return pd.DataFrame(columns=["mission", "assessed_on", "criterion", "score"])
    condition, params = where(filters, "s", "assessed_on")
    return _df(con, f"""SELECT s.mission, s.assessed_on, s.criterion, s.score FROM assessments s
                        WHERE {condition} ORDER BY s.mission, s.assessed_on""", params)


SPENDING_COLUMNS = ["code", "label_en", "label_fr", "budget_usd", "spent_usd", "share_spent"]


@reads_only(*SCOPE_FIELDS)
def spending(con, filters: Filters, profile: Profile) -> pd.DataFrame:
    """Spent (activities starting in the period) against the configured budget, per budget line,
    with the line's labels in each language; a line spent but no longer configured has none.
    UN budget lines: empty under a profile that must not see them."""
    if not profile.sees_internal or not tables_present(con):
        return pd.DataFrame(columns=SPENDING_COLUMNS)
    condition, params = where(filters)
    spent = _df(con, f"""SELECT c.budget_line AS code, sum(c.amount_usd) AS spent_usd
                         FROM activity_costs c JOIN activities a USING (activity_id)
                         WHERE {condition} GROUP BY ALL""", params)
    frame = load_budget().merge(spent, on="code", how="outer")
    frame["budget_usd"] = frame["amount_usd"].fillna(0.0)
    frame["spent_usd"] = frame["spent_usd"].fillna(0.0)
    frame["share_spent"] = [None if b == 0 else s / b for s, b in zip(frame["spent_usd"], frame["budget_usd"])]
    return frame[SPENDING_COLUMNS]


@reads_only(*SCOPE_FIELDS)
def totals(con, filters: Filters, profile: Profile) -> dict:
    """Headline numbers for the page: activities, participants and missions in the selection."""
    if not tables_present(con):
        return {"activities": 0, "participants": 0, "missions": 0}
    condition, params = where(filters)
    row = _df(con, f"""SELECT count(*) AS activities,
                              coalesce(sum(participants_female + participants_male + participants_unknown), 0) AS participants,
                              count(DISTINCT mission) AS missions FROM activities a WHERE {condition}""", params).iloc[0]
    return {k: int(row[k]) for k in ("activities", "participants", "missions")}


@reads_only(*SCOPE_FIELDS)
def activity_rows(con, filters: Filters, profile: Profile) -> pd.DataFrame:
    """One row per activity in the selection with its total cost (cost_usd), for the export view,
    which drops the cost for a profile that must not see it."""
    if not tables_present(con):
        return pd.DataFrame()
    condition, params = where(filters)
    frame = _df(con, f"""SELECT a.*, coalesce((SELECT sum(amount_usd) FROM activity_costs c
                                             WHERE c.activity_id = a.activity_id), 0) AS cost_usd
                         FROM activities a WHERE {condition} ORDER BY a.date_start, a.activity_id""", params)
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame
