"""The capacity-building tables in the viewer's language, for the page, the weekly brief's appendix
and the export view: the SQL layer's frames (`queries`) with labels beside their codes. Columns
stay keyed by codes; headers are translated only where a table is shown or exported."""
from __future__ import annotations

import pandas as pd

from ..filters import reads_only
from ..i18n import N_
from ..presented import View
from ..scope import Scope
from . import queries
from .definitions import AREAS, PARITY_TARGET, TOTAL, mission_label, partner_label, share_text, type_label
from .queries import SCOPE_FIELDS
from .settings import load_criteria


@reads_only(*SCOPE_FIELDS)
def monthly_counts(con, scope: Scope) -> pd.DataFrame:
    """month, activity_type, activities and the type's label: the calendar's heat strip."""
    frame = queries.monthly_counts(con, scope.filters, scope.profile)
    t = scope.t
    frame["type_label"] = frame["activity_type"].map(lambda c: type_label(t, c))
    return frame


@reads_only(*SCOPE_FIELDS)
def counts_by_mission(con, scope: Scope) -> pd.DataFrame:
    """Rows: mission code (NETWORK for network-wide); columns: "mission", the activity type codes and
    "total"; values: activities. Types are in the order of their labels, missions by total (then
    label), as the reader sees them."""
    frame = queries.mission_type_counts(con, scope.filters, scope.profile)
    if frame.empty:
        return pd.DataFrame()
    t = scope.t
    table = frame.pivot_table(index="mission", columns="activity_type", values="n", aggfunc="sum", fill_value=0)
    table = table[sorted(table.columns, key=lambda c: type_label(t, c))]
    table = table.loc[sorted(table.index, key=lambda m: mission_label(t, m))]
    table["total"] = table.sum(axis=1)
    table = table.sort_values("total", ascending=False).astype(int)
    table.index.name = "mission"
    return table.reset_index()


@reads_only(*SCOPE_FIELDS)
def parity(con, scope: Scope) -> pd.DataFrame:
    """queries.parity with each unit's label (unit_label) beside its code."""
    frame = queries.parity(con, scope.filters, scope.profile)
    labels = {TOTAL: scope.t.gettext("All activities")}
    frame["unit_label"] = frame["mission"].map(lambda m: labels.get(m) or mission_label(scope.t, m))
    return frame[["mission", "unit_label", *queries.PARITY_COLUMNS[1:]]]


@reads_only(*SCOPE_FIELDS)
def parity_summary(con, scope: Scope) -> dict:
    """For the weekly brief's appendix: overall shares, the target, and the units below it.

    Returns {"activities", "share_participants", "share_speakers", "unknown_participants",
    "target", "below_target": [unit labels], "sentence"} in the scope's language.
    """
    t = scope.t
    table = parity(con, scope)
    if table.empty:
        return {"activities": 0, "share_participants": None, "share_speakers": None, "unknown_participants": 0,
                "target": PARITY_TARGET, "below_target": [], "sentence": t.gettext("No activities loaded.")}
    n = queries.totals(con, scope.filters, scope.profile)["activities"]
    total = table.iloc[-1]
    units = table.iloc[:-1]
    below = units.loc[units["below_target"], "unit_label"].tolist()
    sentence = t.gettext("Women were {participants} of participants and {speakers} of speakers in {n} activities "
                         "(target {target}); below target: {units}.").format(
        participants=share_text(t, total["share_participants"]), speakers=share_text(t, total["share_speakers"]),
        n=t.number(int(n)), target=t.percent(PARITY_TARGET), units=", ".join(below) or "–")
    return {"activities": int(n), "share_participants": total["share_participants"],
            "share_speakers": total["share_speakers"], "unknown_participants": int(total["participants_unknown"]),
            "target": PARITY_TARGET, "below_target": below, "sentence": sentence}


@reads_only(*SCOPE_FIELDS)
def assessment_scores(con, scope: Scope) -> pd.DataFrame:
    """Per mission × assessment × criterion: score, max and area, for the scorecard and trend.

    Criteria come from assessment_criteria.csv as the user edited it; a stored score for a
    criterion no longer configured is left out. Empty under a profile that must not see them.
    """
    columns = ["mission", "assessed_on", "criterion", "criterion_label", "area", "area_label", "score", "max_score"]
    frame = queries.assessment_scores(con, scope.filters, scope.profile)
    t = scope.t
    frame = frame.merge(load_criteria(), left_on="criterion", right_on="code", how="inner")
    frame["criterion_label"] = frame[f"label_{t.lang}"]
    frame["area_label"] = frame["area"].map(lambda a: t.gettext(AREAS[a]))
    return frame[columns]


def scorecard(scores: pd.DataFrame) -> pd.DataFrame:
    """The latest assessment of each mission: % of the maximum per criterion (rows: area_label,
    criterion_label) and mission (one column per mission code)."""
    if scores.empty:
        return pd.DataFrame()
    latest = scores[scores["assessed_on"] == scores.groupby("mission")["assessed_on"].transform("max")]
    latest = latest.assign(pct=(latest["score"] / latest["max_score"] * 100).round(0))
    table = latest.pivot_table(index=["area_label", "criterion_label"], columns="mission", values="pct",
                               aggfunc="mean", sort=False)
    return table.reset_index()


def assessment_trend(scores: pd.DataFrame) -> pd.DataFrame:
    """mission, assessed_on, area, pct: each area's score as % of its maximum, per assessment."""
    if scores.empty:
        return pd.DataFrame(columns=["mission", "assessed_on", "area", "area_label", "pct"])
    grouped = scores.groupby(["mission", "assessed_on", "area", "area_label"], as_index=False)[["score", "max_score"]].sum()
    grouped["pct"] = grouped["score"] / grouped["max_score"] * 100
    return grouped[["mission", "assessed_on", "area", "area_label", "pct"]]


@reads_only(*SCOPE_FIELDS)
def spending(con, scope: Scope) -> pd.DataFrame:
    """code, label, budget_usd, spent_usd, share_spent per budget line, in the scope's language."""
    frame = queries.spending(con, scope.filters, scope.profile)
    t = scope.t
    frame["label"] = frame[f"label_{t.lang}"].fillna(frame["code"] + " (" + t.gettext("not in the budget") + ")")
    return frame[["code", "label", "budget_usd", "spent_usd", "share_spent"]]


VIEW_HEADERS = {"activity_id": N_("Activity"), "type_label": N_("Type"), "title": N_("Title"),
                "date_start": N_("Start"), "date_end": N_("End"), "mission_label": N_("Mission"),
                "partners": N_("Partners"), "participants_female": N_("Participants, women"),
                "participants_male": N_("Participants, men"), "participants_unknown": N_("Participants, sex unknown"),
                "speakers_female": N_("Speakers, women"), "speakers_male": N_("Speakers, men"),
                "speakers_unknown": N_("Speakers, sex unknown"), "outputs": N_("Outputs"),
                "cost_usd": N_("Cost (USD)")}


def activities_view(con, scope: Scope) -> View:
    """Export view "activities": one row per activity; costs only for UN-internal profiles."""
    t = scope.t
    names = {k: v for k, v in VIEW_HEADERS.items() if k != "cost_usd" or scope.profile.sees_internal}
    headers = {k: t.gettext(v) for k, v in names.items()}
    title = t.gettext("Capacity-building activities")
    frame = queries.activity_rows(con, scope.filters, scope.profile)
    if frame.empty:
        return View("activities", title, pd.DataFrame(columns=list(headers.values())))
    frame["type_label"] = frame["activity_type"].map(lambda c: type_label(t, c))
    frame["mission_label"] = frame["mission"].map(lambda m: mission_label(t, m))
    frame["partners"] = frame["partners"].map(lambda ps: "; ".join(partner_label(t, p) for p in ps))
    return View("activities", title, frame[list(names)].rename(columns=headers))
