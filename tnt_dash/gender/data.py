"""Everything the gender page and pack show, computed together: the independent parts run side by
side (tnt_dash/parallel.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

import pandas as pd

from ..config import suppression_threshold
from ..filters import Filters
from ..parallel import run_parts
from ..scope import Scope
from .arrests import arrests_table
from .completeness import JudgedMonth, completeness_monthly, completeness_units
from .rates import national_series_count, rate_and_national
from .smuggled import smuggled_table
from .table import Table
from .trend import Trend, trend
from .trafficking import (ProtectionLinks, chain_table, citizenship_table, citizenships_named, forms_table,
                          protection_links, sdg_by_form)
from .victims import GROUP_BREAKDOWNS, breakdown_of, window


@dataclass
class GenderData:
    window_from: date | None
    window_to: date | None
    suppressed: bool
    k: int
    groups: dict[str, Table]          # by market, country, admin1 (the quarter window): those asked for
    shares: dict[str, Table]          # by market, country (the quarter window): those asked for
    trend: Trend                      # the sidebar period
    completeness_missions: Table      # the sidebar period, monthly
    units: Table                      # the sidebar period and its last month
    units_month: JudgedMonth | None
    rate: Table
    national: pd.DataFrame
    national_rows: int
    arrests: Table
    smuggled: Table                   # persons smuggled (not victims), the quarter window
    trafficking: "TraffickingData | None" = None   # forms, citizenship, offenders, links


@dataclass
class TraffickingData:
    forms: Table                      # victims by form of exploitation × group, the quarter window
    sdg_forms: Table                  # per 100,000 population by country and form, the sidebar period
    citizenship: Table                # by citizenship and referral per country, the sidebar period
    citizenships: list                # [(ISO3, incidents)] of foreign victims, the sidebar period
    chain: Table                      # offenders arrested, prosecuted, convicted, the sidebar period
    links: ProtectionLinks | None     # CRSV/MARA and MRM referrals, the sidebar period; None: not for this profile


def trafficking_data(con, scope: Scope, quarter: Filters, market: Table | None, rate: Table,
                     arrests: Table) -> TraffickingData:
    """The trafficking indicators, each protected together with the published table it shares
    counts with (trafficking.protect_linked): the market table and the arrests table are over the
    quarter window, the rate table over the sidebar period; a link holds only over the same window."""
    same_window = quarter == scope.filters
    forms = forms_table(con, scope.with_filters(quarter), market)
    return TraffickingData(
        forms=forms,
        sdg_forms=sdg_by_form(con, scope, rate, forms if same_window else None),
        citizenship=citizenship_table(con, scope, rate),
        citizenships=citizenships_named(con, scope),
        chain=chain_table(con, scope, arrests if same_window else None),
        links=protection_links(con, scope))


def gender_data(con, scope: Scope, span: str = "quarter", breakdowns: tuple[str, ...] = GROUP_BREAKDOWNS) -> GenderData:
    """Everything the gender page and pack show; `breakdowns` limits the groups and shares tables
    to those asked for (the page asks for "market", and for the others when their tab is open)."""
    quarter = window(con, scope.filters, scope.profile, span)
    in_quarter = scope.with_filters(quarter)
    suppress = scope.must_suppress
    # Independent parts, two at a time (tnt_dash/parallel.py), the longest first so that the
    # threads finish close together.
    parts = run_parts({
        "units": partial(completeness_units, con, scope),
        "rate": partial(rate_and_national, con, scope),
        **{f"table:{by}": partial(breakdown_of, con, in_quarter, by) for by in breakdowns},
        "missions": partial(completeness_monthly, con, scope, "mission"),
        "trend": partial(trend, con, scope),
        "arrests": partial(arrests_table, con, in_quarter),
        "smuggled": partial(smuggled_table, con, in_quarter),
    })
    (units, month), (rate, national) = parts["units"], parts["rate"]
    tables = {by: parts[f"table:{by}"] for by in breakdowns}
    return GenderData(
        window_from=quarter.date_from, window_to=quarter.date_to,
        suppressed=suppress, k=suppression_threshold(),
        groups={by: groups for by, (groups, _) in tables.items()},
        shares={by: shares for by, (_, shares) in tables.items() if shares is not None},
        trend=parts["trend"], completeness_missions=parts["missions"],
        units=units, units_month=month, rate=rate,
        national=national, national_rows=national_series_count(con),
        arrests=parts["arrests"], smuggled=parts["smuggled"],
        trafficking=trafficking_data(con, scope, quarter,
                                     tables["market"][0] if "market" in tables else None, rate, parts["arrests"]),
    )

