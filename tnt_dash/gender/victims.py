"""Victims by group (women, men, girls, boys, unknown) and the shares of female and child victims,
per market, country or admin-1 area, over the tables' window.

A share of female victims is taken over the victims whose sex was recorded, a share of children
over those whose age was recorded, and the unknowns sit beside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

from .. import queries
from ..access import Profile
from ..filters import Filters
from ..scope import Scope
from .audit import hidden
from .counts import AGE_PARTS, GROUP_LINKS, GROUPS, SEX_PARTS, UNKNOWN_PARTS, counts_by, fill_labels
from .table import TOTAL_KEY, Table, other_row_label, protect, share, with_total

GROUP_BREAKDOWNS = ("market", "country", "admin1")
SHARE_BREAKDOWNS = ("market", "country")


def groups_table(con, scope: Scope, by: str) -> Table:
    """Women, men, girls, boys and unknown per market, country or admin-1, with a total row; where a
    shares table exists for the breakdown, protected as the page shows it, beside that table."""
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    frame = fill_labels(counts_by(con, filters, profile, t.lang, by), t, by)
    suppress = profile.must_suppress(destination)
    if by in SHARE_BREAKDOWNS:
        return build_joint(frame, t.gettext("Total"), suppress, other_row_label(t, by))[0]
    return build_groups(frame, t.gettext("Total"), suppress, other_row_label(t, by))


def build_groups(counts: pd.DataFrame, total_label: str, suppress: bool, other_label: str | None = None) -> Table:
    """The groups table from a counts_by() frame: pure, so it can be tested on any counts.
    `other_label`: see protect."""
    frame = counts[["key", "label", *GROUPS, "victims"]]
    if frame.empty:
        return Table(frame, suppressed=suppress)
    frame = with_total(frame, (*GROUPS, "victims"), total_label)
    return protect(frame, [GROUPS], "victims", suppress, other_label)


HEATMAP_MIN_VICTIMS = 10


@dataclass
class HeatmapRows:
    """The rows of the groups heatmap: labels, counts per group (ints, or their "<5"/"x" mark) and
    each count's share of its row's victims (None where the cell or its total is hidden)."""
    labels: list[str]
    counts: list[list]
    shares: list[list]


def heatmap_rows(table: Table, min_victims: int = HEATMAP_MIN_VICTIMS) -> HeatmapRows:
    """The rows worth colouring: a market with 1 victim would show 100 %. Rows with fewer than
    `min_victims` victims, or a hidden total, stay in the table only. Plain lists: the page draws
    these few rows on every rerun, where pandas selections would outweigh the figure."""
    f = table.frame
    rows = [(label, cells, total) for key, label, total, *cells in
            zip(f["key"].tolist(), f["label"].tolist(), f["victims"].tolist(), *(f[g].tolist() for g in GROUPS))
            if key != TOTAL_KEY and not hidden(total) and int(total) >= min_victims]
    return HeatmapRows(labels=[label for label, _, _ in rows], counts=[cells for _, cells, _ in rows],
                       shares=[[None if hidden(v) or not total else int(v) / int(total) for v in cells]
                               for _, cells, total in rows])


def shares_table(con, scope: Scope, by: str) -> Table:
    """Share of female victims (of those with sex recorded) and of children (of those with age
    recorded), with every count the shares are made of, including the unknowns."""
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    frame = fill_labels(counts_by(con, filters, profile, t.lang, by), t, by)
    suppress = profile.must_suppress(destination)
    if by in SHARE_BREAKDOWNS:
        return build_joint(frame, t.gettext("Total"), suppress, other_row_label(t, by))[1]
    return build_shares(frame, t.gettext("Total"), suppress, other_row_label(t, by))


def build_shares(counts: pd.DataFrame, total_label: str, suppress: bool, other_label: str | None = None) -> Table:
    """The shares table from a counts_by() frame: pure, so it can be tested on any counts.
    `other_label`: see protect. Shown beside the groups table, protect both with `build_joint`."""
    frame = counts[["key", "label", "victims", *SEX_PARTS, *AGE_PARTS]]
    if frame.empty:
        return Table(frame.assign(share_female=[], share_child=[], sex_recorded=[]), suppressed=suppress)
    frame = with_total(frame, ("victims", *SEX_PARTS, *AGE_PARTS), total_label)
    return _with_shares(protect(frame, [SEX_PARTS, AGE_PARTS], "victims", suppress, other_label))


def _with_shares(table: Table) -> Table:
    if table.withheld:
        return table
    f = table.frame
    f["share_female"] = [share(fe, [fe, m]) for fe, m in zip(f["female"], f["male"])]
    f["share_child"] = [share(c, [c, a]) for c, a in zip(f["child"], f["adult"])]
    f["sex_recorded"] = [None if hidden(fe) or hidden(m) else int(fe) + int(m) for fe, m in zip(f["female"], f["male"])]
    return table


def build_joint(counts: pd.DataFrame, total_label: str, suppress: bool,
                other_label: str | None = None) -> tuple[Table, Table]:
    """The groups and shares tables of one breakdown, shown side by side: protected together
    (one audit over both, with GROUP_LINKS), so that neither gives away what the other hides."""
    if not suppress or counts.empty:
        return (build_groups(counts, total_label, suppress, other_label),
                build_shares(counts, total_label, suppress, other_label))
    columns = (*GROUPS, *SEX_PARTS, *AGE_PARTS, "victims")
    frame = with_total(counts[["key", "label", *columns]], columns, total_label)
    both = protect(frame, [GROUPS, SEX_PARTS, AGE_PARTS], "victims", suppress, other_label,
                   links=GROUP_LINKS, unpublished=UNKNOWN_PARTS)

    def part(names: tuple[str, ...]) -> Table:
        return Table(both.frame[["key", "label", *names]].copy(), withheld=both.withheld,
                     suppressed=both.suppressed, merged=both.merged)
    return part((*GROUPS, "victims")), _with_shares(part(("victims", *SEX_PARTS, *AGE_PARTS)))


def window(con, filters: Filters, profile: Profile, span: str) -> Filters:
    """The tables' window: the last 13 weeks of the sidebar period ("quarter"), or all of it."""
    if span not in ("quarter", "period"):
        raise ValueError(f"unknown window {span!r}")
    if span == "period":
        return filters
    end = filters.date_to or queries.data_status(con, filters, profile)["date_max"]
    if end is None:
        return filters
    start = end - timedelta(weeks=13) + timedelta(days=1)
    if filters.date_from and filters.date_from > start:
        start = filters.date_from
    return filters.with_dates(start, end)


def breakdown(con, scope: Scope, by: str, span: str = "quarter") -> tuple[Table, Table | None]:
    """The groups table and (by market or country) the shares table for one breakdown, protected.

    The page computes the breakdown of the open tab only: each one is a query and a disclosure audit."""
    return breakdown_of(con, scope.with_filters(window(con, scope.filters, scope.profile, span)), by)


def breakdown_of(con, scope: Scope, by: str) -> tuple[Table, Table | None]:
    """`breakdown` over a window already cut (the scope's filters)."""
    quarter, profile, t, suppress = scope.filters, scope.profile, scope.t, scope.must_suppress
    if by not in GROUP_BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}; choose from {', '.join(GROUP_BREAKDOWNS)}")
    # One query feeds both the groups table and the shares table.
    counts = fill_labels(counts_by(con, quarter, profile, t.lang, by), t, by)
    total, other = t.gettext("Total"), other_row_label(t, by)
    if by not in SHARE_BREAKDOWNS:
        return build_groups(counts, total, suppress, other), None
    return build_joint(counts, total, suppress, other)

