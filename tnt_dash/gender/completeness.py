"""Completeness of disaggregation: the share of victims whose sex, and whose age, was recorded, per
mission and month and per reporting unit, and the units to flag."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .. import queries
from ..config import suppression_threshold
from ..i18n import I18n
from ..queries import VICTIMS, _df
from ..scope import Scope
from ..suppression import primary_mark
from .audit import hidden
from .counts import ADULT, AGE_UNKNOWN, BREAKDOWNS, CHILD, FEMALE, MALE, SEX_UNKNOWN
from .table import TOTAL_KEY, Table, protect, with_total

DEFAULT_COMPLETENESS_THRESHOLD = 0.8
COMPLETENESS_SQL = f"""
    coalesce(sum({VICTIMS}), 0)::BIGINT AS victims,
    coalesce(sum({FEMALE} + {MALE}), 0)::BIGINT AS sex_recorded,
    coalesce(sum({SEX_UNKNOWN}), 0)::BIGINT AS sex_unknown,
    coalesce(sum({CHILD} + {ADULT}), 0)::BIGINT AS age_recorded,
    coalesce(sum({AGE_UNKNOWN}), 0)::BIGINT AS age_unknown"""
COMPLETENESS_PARTS = [("sex_recorded", "sex_unknown"), ("age_recorded", "age_unknown")]
COMPLETENESS_COUNTS = ("victims", "sex_recorded", "sex_unknown", "age_recorded", "age_unknown")
SHARE_COLUMNS = ("share_sex", "share_sex_lo", "share_sex_hi", "share_age", "share_age_lo", "share_age_hi")


def share_bounds(recorded, unknown, total, k: int) -> tuple[float, float] | None:
    """What a reader can tell of recorded / total from the marks alone: the exact share when both
    parts are shown, a range when one part reads "<k" and the total is shown, else None.

    The range reveals nothing the marks do not already say ("<k" means 1 to k-1), and it keeps the
    completeness check usable on protected screens, where the unknowns are typically small.
    """
    if hidden(total) or not int(total):
        return None
    v = int(total)
    if not hidden(recorded) and not hidden(unknown):
        return int(recorded) / v, int(recorded) / v
    lo, hi = 0, v
    if unknown == primary_mark(k):
        lo, hi = max(lo, v - (k - 1)), min(hi, v - 1)
    if recorded == primary_mark(k):
        lo, hi = max(lo, 1), min(hi, k - 1)
    if unknown != primary_mark(k) and recorded != primary_mark(k):
        return None
    return lo / v, hi / v


def _completeness_shares(table: Table, prefix: str = "") -> Table:
    f = table.frame
    k = suppression_threshold()
    shares = {}
    for what in ("sex", "age"):
        bounds = [share_bounds(r, u, v, k) for r, u, v in zip(f[f"{what}_recorded"].tolist(),
                                                              f[f"{what}_unknown"].tolist(), f["victims"].tolist())]
        shares[f"share_{what}"] = [b[0] if b and b[0] == b[1] else None for b in bounds]
        shares[f"share_{what}_lo"] = [b[0] if b else None for b in bounds]
        shares[f"share_{what}_hi"] = [b[1] if b else None for b in bounds]
    # Joined once: six columns set one by one would be six pandas inserts.
    table.frame = pd.concat([f.drop(columns=[c for c in shares if c in f.columns]),
                             pd.DataFrame(shares, index=f.index)], axis=1)
    return table


def completeness_monthly(con, scope: Scope, by: str) -> Table:
    """Share of victims with sex recorded and with age recorded, per mission or reporting unit and month."""
    filters, profile, destination = scope.filters, scope.profile, scope.destination
    if by not in ("mission", "unit"):
        raise ValueError(f"completeness is by mission or unit, not {by!r}")
    key_sql = BREAKDOWNS[by][0]
    where, params = queries.scope(filters, profile)
    frame = _df(con, f"""
        SELECT {key_sql} AS key, date_trunc('month', i.date_occurred)::DATE AS month, {COMPLETENESS_SQL}
        FROM incidents i WHERE {where}
        GROUP BY 1, 2 HAVING sum({VICTIMS}) > 0 ORDER BY 1 NULLS LAST, 2""", params)
    frame["label"] = frame["key"]
    frame["month"] = [pd.Timestamp(m).date() for m in frame["month"]]
    if frame.empty:
        return _completeness_shares(Table(frame))
    frame = with_total(frame, COMPLETENESS_COUNTS, "Total")
    table = protect(frame, COMPLETENESS_PARTS, "victims", profile.must_suppress(destination))
    table.frame = table.frame[table.frame["key"] != TOTAL_KEY].reset_index(drop=True) if not table.withheld \
        else table.frame
    return _completeness_shares(table)


@dataclass(frozen=True)
class JudgedMonth:
    """The days reporting units are judged on: a whole calendar month, or part of one when the
    period holds no whole month."""
    first: date
    last: date

    @property
    def whole(self) -> bool:
        return self.first.day == 1 and (self.last + timedelta(days=1)).day == 1

    def label(self, t: I18n, pattern: str = "MMMM y") -> str:
        if self.whole:
            return t.date(self.first, pattern)
        return t.gettext("{start} to {end}").format(start=t.date(self.first), end=t.date(self.last))


def judged_month(start: date | None, end: date) -> JudgedMonth:
    """The last whole calendar month of the period from `start` (None: open) to `end`.

    A month cut short by the period's end would judge a unit on a few days of returns (a period
    ending on 2 June, on two days), so a period that does not end on a month's last day is judged
    on the month before. Only when the period holds no whole month
    is the part of its last month inside it judged, and labelled with its dates."""
    first = end.replace(day=1)
    if (end + timedelta(days=1)).day == 1:
        return JudgedMonth(first, end)
    previous_last = first - timedelta(days=1)
    if start is None or start <= previous_last.replace(day=1):
        return JudgedMonth(previous_last.replace(day=1), previous_last)
    return JudgedMonth(max(first, start), end)


def completeness_units(con, scope: Scope, month: JudgedMonth | None = None) -> tuple[Table, JudgedMonth | None]:
    """Per reporting unit: completeness over the period and in the month it is judged on (`month`,
    default `judged_month` of the period), with the unit's mission."""
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    where, params = queries.scope(filters, profile)
    end = filters.date_to or queries.data_status(con, filters, profile)["date_max"]
    if end is None:
        return Table(pd.DataFrame()), None
    month = month or judged_month(filters.date_from, end)
    in_month = "i.date_occurred BETWEEN ? AND ?"
    frame = _df(con, f"""
        SELECT i.reporting_unit AS key, any_value(i.mission) AS mission, {COMPLETENESS_SQL},
               coalesce(sum({VICTIMS}) FILTER (WHERE {in_month}), 0)::BIGINT AS last_victims,
               coalesce(sum({FEMALE} + {MALE}) FILTER (WHERE {in_month}), 0)::BIGINT AS last_sex_recorded,
               coalesce(sum({SEX_UNKNOWN}) FILTER (WHERE {in_month}), 0)::BIGINT AS last_sex_unknown,
               coalesce(sum({CHILD} + {ADULT}) FILTER (WHERE {in_month}), 0)::BIGINT AS last_age_recorded,
               coalesce(sum({AGE_UNKNOWN}) FILTER (WHERE {in_month}), 0)::BIGINT AS last_age_unknown
        FROM incidents i WHERE {where}
        GROUP BY 1 HAVING sum({VICTIMS}) > 0 ORDER BY 1 NULLS LAST""", [month.first, month.last] * 5 + params)
    suppress = profile.must_suppress(destination)
    if frame.empty:
        empty = frame.assign(mission=frame["mission"].fillna("–"),
                             label=frame["key"].fillna(t.gettext("No reporting unit recorded")),
                             **{c: [] for c in SHARE_COLUMNS}, **{f"last_{c}": [] for c in SHARE_COLUMNS})
        return Table(empty, suppressed=suppress), month
    # Plain lists in, one frame per table out: the pandas steps in between (fills, renames, a
    # filter, a merge) would outweigh the disclosure audit.
    total_label = t.gettext("Total")
    keys = frame["key"].astype(object).where(frame["key"].notna(), None).tolist()
    labels = [t.gettext("No reporting unit recorded") if k is None else k for k in keys]
    missions = frame["mission"].fillna("–").tolist()
    period_counts = {c: frame[c].to_numpy(dtype=np.int64) for c in COMPLETENESS_COUNTS}
    last_counts = {c: frame[f"last_{c}"].to_numpy(dtype=np.int64) for c in COMPLETENESS_COUNTS}
    period = pd.DataFrame({"key": [*keys, TOTAL_KEY], "label": [*labels, total_label], "mission": [*missions, ""],
                           **{c: [*v.tolist(), int(v.sum())] for c, v in period_counts.items()}})
    whole = _completeness_shares(protect(period, COMPLETENESS_PARTS, "victims", suppress))
    if whole.withheld:
        return whole, month
    # The units with victims in the last month, and where each sits in the period table.
    rows = np.flatnonzero(last_counts["victims"] > 0)
    if len(rows):
        last = pd.DataFrame({"key": [*(keys[r] for r in rows), TOTAL_KEY],
                             "label": [*(labels[r] for r in rows), total_label],
                             "mission": [*(missions[r] for r in rows), None],
                             **{c: [*v[rows].tolist(), int(v.sum())] for c, v in last_counts.items()}})
        last_table = _completeness_shares(protect(last, COMPLETENESS_PARTS, "victims", suppress))
    else:
        # No unit recorded victims in the last month: nothing to show beside the period.
        last_table = Table(pd.DataFrame(columns=["victims", *SHARE_COLUMNS]))
    if last_table.withheld:
        out = whole.frame.assign(last_victims=None, **{f"last_{c}": None for c in SHARE_COLUMNS})
    else:
        beside = last_table.frame[["victims", *SHARE_COLUMNS]].rename(
            columns={"victims": "last_victims", **{c: f"last_{c}" for c in SHARE_COLUMNS}})
        # Placed by row position (what a left merge on the key did): missing units read NaN.
        beside.index = [*rows, len(period) - 1] if len(beside) else []
        beside = beside.reindex(range(len(whole.frame)))
        beside.index = whole.frame.index
        out = pd.concat([whole.frame, beside], axis=1)
    out["last_victims"] = out["last_victims"].astype(object).where(out["last_victims"].notna(), 0)
    return Table(out, suppressed=suppress), month


MIN_VICTIMS_TO_JUDGE = 5


def flag_units(units: pd.DataFrame, threshold: float, min_victims: int = MIN_VICTIMS_TO_JUDGE) -> pd.DataFrame:
    """Units whose sex or age completeness in the last month is below `threshold`, worst first.

    Under small-cell protection a share may be known only as a range: the unit is flagged when
    the whole range is below the threshold. A share that cannot be judged at all is not flagged.
    """
    if not 0 <= threshold <= 1:
        raise ValueError("the completeness threshold is a share between 0 and 1")
    if units.empty:
        return units.assign(flag=[])

    def upper(v) -> float | None:
        return None if v is None or pd.isna(v) else float(v)

    # Decided over plain lists, then one row selection: the page runs this on every rerun.
    flagged = []
    for position, (key, label, victims, sex_hi, age_hi) in enumerate(zip(
            units["key"].tolist(), units["label"].tolist(), units["last_victims"].tolist(),
            units["last_share_sex_hi"].tolist(), units["last_share_age_hi"].tolist())):
        # One unrecorded victim out of two is 50 %: a month with so few victims says little about a
        # unit's practice. A hidden count ("<5") is below the floor too.
        if key == TOTAL_KEY or hidden(victims) or int(victims) < min_victims:
            continue
        highs = [h for h in (upper(sex_hi), upper(age_hi)) if h is not None]
        if any(h < threshold for h in highs):
            flagged.append((min(highs), label, position))
    flagged.sort()
    return units.iloc[[position for *_, position in flagged]].assign(flag=True).reset_index(drop=True)

