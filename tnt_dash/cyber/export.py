"""The `cyber` export view: incidents by modus operandi and channel, with losses and victims by sex and
age, protected as the profile and destination require (gender.victims.build_groups). The same filters
as the page; no account, platform or incident identifier, whatever the profile."""
from __future__ import annotations

from ..gender.counts import GROUP_LABELS, GROUPS
from ..gender.table import TOTAL_KEY
from ..suppression import OTHER_KEY
from ..gender.victims import build_groups
from ..i18n import N_
from ..presented import View
from ..scope import Scope
from . import data
from .codes import labels


def cyber_view(con, scope: Scope) -> View:
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    _ = t.gettext
    frame = data.modus_channel(con, filters, profile)
    modus, channel = labels("modus", t.lang), labels("channel", t.lang)
    frame = frame.assign(key=frame["modus"] + "|" + frame["channel"],
                         label=[f"{modus.get(m, m)} – {channel.get(c, c)}" for m, c in zip(frame["modus"], frame["channel"])])
    # The victim cells go through the same protection as the gender tables; rows with no victims too,
    # so that the total row is the whole period's.
    groups = build_groups(frame[["key", "label", *GROUPS, "victims"]], _("Total"), profile.must_suppress(destination),
                          _("Other methods ({n})"))
    facts = frame.drop(columns=[*GROUPS, "victims", "label"])
    body = groups.frame.drop(columns=["label"]).merge(facts, on="key", how="left")
    # The total row, and a grouped "other" row, take their incidents and losses from the rows they sum.
    shown = facts[facts["key"].isin(body["key"])]
    for column in ("incidents", "losses_recorded", "loss_usd"):
        body.loc[body["key"] == TOTAL_KEY, column] = facts[column].sum()
        body.loc[body["key"] == OTHER_KEY, column] = facts[column].sum() - shown[column].sum()
    body = body.astype({"incidents": "int64", "losses_recorded": "int64"})
    body["modus"] = [_("Total") if k == TOTAL_KEY else modus.get(m, m) if isinstance(m, str) else _("Other methods")
                     for k, m in zip(body["key"], body["modus"])]
    body["channel"] = [channel.get(c, c) if isinstance(c, str) else "" for c in body["channel"]]
    names = {"modus": N_("Modus operandi"), "channel": N_("Channel"), "incidents": N_("Incidents"),
             "losses_recorded": N_("Incidents with a loss recorded"), "loss_usd": N_("Reported losses (USD)"),
             **GROUP_LABELS, "victims": N_("Victims")}
    if groups.withheld:
        body = body.drop(columns=[c for c in (*GROUPS, "victims") if c in body])
        names = {k: v for k, v in names.items() if k not in (*GROUPS, "victims")}
    out = body[list(names)].rename(columns={k: _(v) for k, v in names.items()})
    return View("cyber", _("Cyber incidents by modus operandi and channel"), out)
