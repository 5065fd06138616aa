"""What the Capacity building page lays out: its tabs by code, the headline cards, and each table
keyed by codes with its translated headers beside it. No Streamlit here: the page places each
part and turns a table's codes into its headers as it shows it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..access import Profile
from ..filters import Filters
from ..i18n import I18n, N_
from ..presented import classification_label
from .definitions import IMPLEMENTATION, TOTAL, mission_label, share_text, type_label

TABS = {"activities": N_("Activities"), "parity": N_("Gender parity"), "assessments": N_("Assessments"),
        "spending": N_("Spending"), "library": N_("Good-practice library")}
INTERNAL_TABS = ("assessments", "spending")     # UN-internal: they rate the host State and show UN budget lines


def tabs(profile: Profile) -> list[str]:
    """The codes of the tabs this profile sees, in the order shown."""
    return [code for code in TABS if profile.sees_internal or code not in INTERNAL_TABS]


def period_text(t: I18n, filters: Filters) -> str:
    _ = t.gettext
    if not filters.date_from:
        return _("all dates")
    return _("{start} to {end}").format(start=t.date(filters.date_from), end=t.date(filters.date_to))


def project_period(data_start: date | None, data_end: date | None) -> tuple[date, date] | None:
    """The project's implementation period within the store's dates (the sidebar's picker accepts
    nothing outside them); None when the two do not meet."""
    first, last = IMPLEMENTATION
    first, last = max(first, data_start or first), min(last, data_end or last)
    return (first, last) if first <= last else None


def implementation_hint(t: I18n) -> str:
    first, last = IMPLEMENTATION
    return t.gettext("The project's implementation period is {start} to {end}: choose it in the sidebar.").format(
        start=t.date(first), end=t.date(last))


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    help: str | None = None


def cards(t: I18n, totals: dict, parity: pd.DataFrame) -> list[Card]:
    """The four headline cards: activities, participants, and the share of women among each."""
    _ = t.gettext
    overall = parity.iloc[-1] if len(parity) else None
    return [
        Card(_("Activities"), t.number(totals["activities"]),
             _("Activities starting in the period, in the missions selected (network-wide ones included when no "
               "mission is selected).")),
        Card(_("Participants"), t.number(totals["participants"])),
        Card(_("Women, participants"), share_text(t, None if overall is None else overall["share_participants"]),
             _("Women divided by participants whose sex was recorded; the parity target is 50%.")),
        Card(_("Women, speakers"), share_text(t, None if overall is None else overall["share_speakers"]),
             _("Women divided by speakers and trainers whose sex was recorded.")),
    ]


@dataclass(frozen=True)
class Table:
    """A table keyed by codes and its translated headers; `wide` columns get the widest cells."""
    body: pd.DataFrame
    headers: dict[str, str]
    wide: tuple[str, ...] = field(default=())

    def shown(self) -> pd.DataFrame:
        return self.body.rename(columns=self.headers)


def _yes(t: I18n, no: str = "") -> dict:
    return {True: t.gettext("Yes"), False: no}


def mission_table(table: pd.DataFrame, t: I18n) -> Table:
    """tables.counts_by_mission under its headers: the mission's label, each type's label, the total."""
    types = [c for c in table.columns if c not in ("mission", "total")]
    body = table.assign(mission=table["mission"].map(lambda m: mission_label(t, m))) if "mission" in table else table
    return Table(body, {"mission": t.gettext("Mission"), "total": t.gettext("Total"),
                        **{c: type_label(t, c) for c in types}})


ROSTER_HEADERS = {"mission": N_("Mission"), "post": N_("Post"), "holder": N_("Holder"),
                  "start_date": N_("In post since"), "rotation_due": N_("Rotation due"),
                  "handover_pack": N_("Handover pack ready")}


def roster_table(roster: pd.DataFrame, t: I18n) -> Table:
    _ = t.gettext
    body = pd.DataFrame({
        "mission": roster["mission"], "holder": roster["holder"],
        "post": roster["post"].map({"focal_point": _("Focal point"), "alternate": _("Alternate")}),
        "start_date": roster["start_date"].map(t.date), "rotation_due": roster["rotation_due"].map(t.date),
        "handover_pack": roster["handover_pack"].map(_yes(t, _("No"))),
    })
    return Table(body[list(ROSTER_HEADERS)], {c: _(h) for c, h in ROSTER_HEADERS.items()})


PARITY_HEADERS = {"unit_label": N_("Mission"), "participants_female": N_("Participants, women"),
                  "participants_male": N_("Participants, men"), "participants_unknown": N_("Participants, sex unknown"),
                  "share_participants": N_("Women among participants"), "speakers_female": N_("Speakers, women"),
                  "speakers_male": N_("Speakers, men"), "speakers_unknown": N_("Speakers, sex unknown"),
                  "share_speakers": N_("Women among speakers"), "below_target": N_("Below target")}


def units(parity: pd.DataFrame) -> pd.DataFrame:
    """The parity table's units, without its all-activities row."""
    return parity[parity["mission"] != TOTAL] if len(parity) else parity


def below_target(parity: pd.DataFrame) -> list[str]:
    body = units(parity)
    return body.loc[body["below_target"], "unit_label"].tolist()


def parity_table(parity: pd.DataFrame, t: I18n) -> Table:
    body = units(parity)
    shown = {c: body[c] for c in PARITY_HEADERS}
    for column in ("share_participants", "share_speakers"):
        shown[column] = body[column].map(lambda v: share_text(t, v))
    shown["below_target"] = body["below_target"].map(_yes(t))
    return Table(pd.DataFrame(shown), {c: t.gettext(h) for c, h in PARITY_HEADERS.items()})


def scorecard_table(card: pd.DataFrame, t: I18n) -> Table:
    return Table(card.round(0), {"area_label": t.gettext("Area"), "criterion_label": t.gettext("Criterion")})


SPENDING_HEADERS = {"label": N_("Budget line"), "budget_usd": N_("Budget (USD)"), "spent_usd": N_("Spent (USD)"),
                    "share_spent": N_("Share spent")}


def spending_table(spent: pd.DataFrame, t: I18n) -> Table:
    body = pd.DataFrame({"label": spent["label"], "budget_usd": spent["budget_usd"].map(t.number),
                         "spent_usd": spent["spent_usd"].map(t.number),
                         "share_spent": spent["share_spent"].map(lambda v: share_text(t, v))})
    return Table(body, {c: t.gettext(h) for c, h in SPENDING_HEADERS.items()})


LIBRARY_HEADERS = {"title": N_("Title"), "marking": N_("Marking"), "snippet": N_("Excerpt"),
                   "markets": N_("Criminal markets"), "missions": N_("Missions"), "tags": N_("Tags"),
                   "language": N_("Language"), "added_at": N_("Added")}


def library_table(found: pd.DataFrame, t: I18n, market_labels: dict[str, str]) -> Table:
    """The library's search results: markings as a reader says them, market codes as their labels."""
    body = pd.DataFrame({
        "title": found["title"],
        "marking": [f"{classification_label(t, c)} – {tlp}" for c, tlp in zip(found["classification"], found["tlp"])],
        "snippet": found["snippet"],
        "markets": found["markets"].map(lambda ms: ", ".join(market_labels.get(m, m) for m in ms)),
        "missions": found["missions"].map(lambda ms: ", ".join(ms)),
        "tags": found["tags"].map(lambda ts: ", ".join(ts)),
        "language": found["language"],
        "added_at": found["added_at"].map(t.date),
    })
    return Table(body, {c: t.gettext(h) for c, h in LIBRARY_HEADERS.items()}, wide=("snippet",))
