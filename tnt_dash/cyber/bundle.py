"""Everything the Cyber threats page shows, computed in one call (one cache entry), with the victim
counts protected as the profile and the destination require: the gender page's protection
(gender.victims.build_groups: suppression with complementary cells, or grouped rows, or withheld)
for the tables, presented.protect_count for a single count."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import presented, queries
from ..i18n import N_
from ..config import suppression_threshold
from ..gender.counts import GROUPS
from ..gender.table import Table
from ..gender.victims import build_groups
from ..scope import Scope
from . import data
from .codes import labels

OTHER_MODUS = N_("Other methods ({n})")


@dataclass
class CyberData:
    headline: data.Headline
    victims: int | str               # protected
    modus: pd.DataFrame              # breakdown by modus, labelled (victim columns raw: not shown as such)
    channel: pd.DataFrame            # breakdown by channel, labelled
    monthly: pd.DataFrame            # month, key, label, incidents
    groups: Table                    # victims by modus and group, protected, total row last
    tfgbv: Table                     # TF-GBV victims by group, protected
    flows: pd.DataFrame              # offender country -> victims' area
    offenders: pd.DataFrame          # incidents by offenders' country
    recruitment: data.Recruitment
    linked_victims: int | str        # protected
    national: pd.DataFrame
    suppressed: bool
    k: int
    country_names: dict


def _labelled(frame: pd.DataFrame, kind: str, lang: str) -> pd.DataFrame:
    names = labels(kind, lang)
    return frame.assign(label=[names.get(k, k) for k in frame["key"]])


def _without_victims(frame: pd.DataFrame) -> pd.DataFrame:
    # Raw victim counts stay out of what the page keeps: only the protected tables carry victims.
    return frame.drop(columns=[c for c in (*GROUPS, "victims") if c in frame])


def cyber_data(con, scope: Scope) -> CyberData:
    filters, profile, lang, destination = scope.filters, scope.profile, scope.lang, scope.destination
    t, suppress = scope.t, scope.must_suppress
    head = data.headline(con, filters, profile)
    modus = _labelled(data.breakdown(con, filters, profile, "modus"), "modus", lang)
    channel = _labelled(data.breakdown(con, filters, profile, "channel"), "channel", lang)
    monthly = _labelled(data.monthly(con, filters, profile, "modus"), "modus", lang)
    with_victims = modus[modus["victims"] > 0][["key", "label", *GROUPS, "victims"]].reset_index(drop=True)
    groups = build_groups(with_victims, t.gettext("Total"), suppress, t.gettext(OTHER_MODUS))
    tf = data.tfgbv_victims(con, filters, profile)
    tf = tf[tf["victims"] > 0].assign(label=t.gettext("Technology-facilitated gender-based violence"))
    tfgbv = build_groups(tf[["key", "label", *GROUPS, "victims"]].reset_index(drop=True), t.gettext("Total"), suppress)
    recruitment = data.recruitment(con, filters, profile, lang)
    linked_victims = presented.protect_count(recruitment.trafficking_victims, profile, destination)
    recruitment.trafficking_victims = 0 if suppress else recruitment.trafficking_victims
    if suppress:
        recruitment.by_country = recruitment.by_country.drop(columns=["victims"])
    return CyberData(
        headline=head, victims=presented.protect_count(head.victims, profile, destination),
        modus=_without_victims(modus), channel=_without_victims(channel), monthly=monthly, groups=groups, tfgbv=tfgbv,
        flows=data.offender_flows(con, filters, profile, lang),
        offenders=data.offender_countries(con, filters, profile, lang),
        recruitment=recruitment,
        linked_victims=linked_victims,
        national=data.national_scores(con, filters, profile, lang),
        suppressed=suppress, k=suppression_threshold(), country_names=queries.labels(con, "countries", lang))
