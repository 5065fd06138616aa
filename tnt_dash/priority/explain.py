"""What a reader sees of each row: the sentence that says why it ranks where it does, and the
ranked table with translated headers (page download, CLI, export view)."""
from __future__ import annotations

import math

import pandas as pd

from ..i18n import I18n, N_
from .params import CONFIDENCE_LABELS, FACTOR_LABELS, FACTORS, MODIFIERS

TREND_LABELS = {"rising": N_("rising"), "falling": N_("falling"), "none": N_("no significant trend"),
                "insufficient": N_("too few weeks")}


def _fmt(t: I18n, value: float) -> str:
    return t.number(value, 2)


def harm_phrase(t: I18n, row: dict) -> str:
    _ = t.gettext
    return _("harm {v} ({points} harm points an incident; {victims} victims, {vulnerable} of them children or "
             "women in sexual exploitation; {fatalities} deaths)").format(
        v=_fmt(t, row["harm"]), points=t.number(row["harm_points"], 1), victims=t.number(row["victims_shown"]),
        vulnerable=t.number(row["vulnerable_shown"]), fatalities=t.number(row["fatalities"]))


def likelihood_phrase(t: I18n, row: dict) -> str:
    _ = t.gettext
    trend = {"rising": _("rising trend"), "falling": _("falling trend"), "none": _("no significant trend"),
             "insufficient": _("too few weeks to test a trend")}[row["trend"]]
    if math.isnan(row["coverage"]):
        reporting = _("reporting coverage not judged")
    else:
        reporting = _("the area reported in {share} of the weeks").format(share=t.percent(row["coverage"]))
    return _("likelihood {v} ({rate} incidents a week, {reporting}; {trend})").format(
        v=_fmt(t, row["likelihood"]), rate=t.number(row["per_week"], 1), reporting=reporting, trend=trend)


def modifier_phrase(t: I18n, name: str, row: dict, gitoc_imported: bool) -> str:
    """One modifier with its multiplier and the numbers behind it."""
    _ = t.gettext
    times = "×" + t.number(row[f"modifier_{name}"], 2)
    if name == "reach":
        if math.isnan(row["reach"]):
            return _("cross-border reach unknown, {times} (online: no record says where the offenders act "
                     "from)").format(times=times)
        return _("cross-border reach {v}, {times} ({share} of incidents cross-border, {countries} countries "
                 "linked)").format(v=_fmt(t, row["reach"]), times=times, share=t.percent(row["cross_border_share"]),
                                   countries=t.number(row["countries_linked"]))
    if name == "actor":
        if math.isnan(row["actor"]):
            return _("actor capability unknown, {times} (no assessed actor linked)").format(times=times)
        return _("actor capability {v}, {times} (violence, reach and links average {mean} out of 5)").format(
            v=_fmt(t, row["actor"]), times=times, mean=t.number(row["actor_mean"], 1))
    if name == "capacity":
        if math.isnan(row["capacity"]):
            if row.get("area_level") == "online":
                return _("host-State capacity unknown, {times} (no country recorded)").format(times=times)
            if not gitoc_imported:
                return _("host-State capacity unknown, {times} (GI-TOC index not imported)").format(times=times)
            return _("host-State capacity unknown, {times} (no GI-TOC score for this country)").format(times=times)
        return _("host-State capacity gap {v}, {times} (GI-TOC resilience {res} out of 10, {edition} edition)").format(
            v=_fmt(t, row["capacity"]), times=times, res=t.number(row["resilience"], 2),
            edition=int(row["resilience_edition"]))
    raise ValueError(f"unknown modifier {name!r}")


def sentence(t: I18n, row: dict, n: int, gitoc_imported: bool) -> str:
    """Why this row ranks where it does: priority = risk × modifiers, each part with its numbers."""
    _ = t.gettext
    text = _("Rank {rank} of {n}, priority {score} = risk {risk} × modifiers {modifiers}. Risk: {harm} × "
             "{likelihood}. Modifiers: {mods}.").format(
        rank=t.number(row["rank"]), n=t.number(n), score=t.number(row["score"], 1), risk=t.number(row["risk"], 1),
        modifiers=t.number(row["modifiers"], 2), harm=harm_phrase(t, row), likelihood=likelihood_phrase(t, row),
        mods="; ".join(modifier_phrase(t, m, row, gitoc_imported) for m in MODIFIERS))
    if row["known_factors"] < len(FACTORS):
        text += " " + _("Scored on {known} of {total} factors: an unknown modifier counts as neutral (×1).").format(
            known=t.number(row["known_factors"]), total=t.number(len(FACTORS)))
    level = CONFIDENCE_LABELS[row["confidence_level"]]
    text += " " + _("Confidence {level} ({value}).").format(level=_(level), value=t.number(row["confidence"], 2))
    return text


EXPORT_COLUMNS = {
    "rank": N_("Rank"), "area_label": N_("Area"), "country_label": N_("Country or territory"),
    "market_label": N_("Market"), "score": N_("Priority (risk × modifiers)"),
    "risk": N_("Risk (0–100)"), "harm": N_("Harm (0–1)"), "likelihood": N_("Likelihood (0–1)"),
    "modifiers": N_("Modifiers (×)"),
    "confidence_level": N_("Confidence"), "confidence": N_("Confidence (0–1)"),
    "known_factors": N_("Known factors (of 5)"),
    "rank_min": N_("Best rank with weights ±20 %"), "rank_max": N_("Worst rank with weights ±20 %"),
    "reach": N_("Cross-border reach (0–1)"), "actor": N_("Actor capability (0–1)"),
    "capacity": N_("Host-State capacity gap (0–1)"),
    "harm_points": N_("Harm points an incident"), "incidents": N_("Incidents"), "per_week": N_("Incidents a week"),
    "coverage": N_("Reporting coverage (share of weeks)"), "victims_shown": N_("Victims"),
    "vulnerable_shown": N_("Vulnerable victims (children; women in sexual exploitation)"),
    "fatalities": N_("Fatalities"),
    "seizure_usd": N_("Seizures, estimated value (USD): indicator of market size, not harm"),
    "trend": N_("Trend (Mann-Kendall)"), "cross_border_share": N_("Share cross-border"),
    "countries_linked": N_("Countries linked"), "grade_quality": N_("Grade quality (judged grades, 0–1)"),
    "resilience": N_("GI-TOC resilience (1–10)"), "gitoc_market_score": N_("GI-TOC market score (1–10)"),
    "unknown_labels": N_("Unknown factors (neutral, ×1)"), "sentence": N_("Why this rank"),
}


def table(result, t: I18n) -> pd.DataFrame:
    """The ranked table of an Assessment with translated headers and labels."""
    _ = t.gettext
    f = result.frame.copy()
    f["confidence_level"] = f["confidence_level"].map(lambda v: _(CONFIDENCE_LABELS[v]))
    f["trend"] = f["trend"].map(lambda v: _(TREND_LABELS[v]))
    f["unknown_labels"] = f["unknown"].map(
        lambda s: ", ".join(_(FACTOR_LABELS[x]) for x in s.split(", ") if x) if isinstance(s, str) else "")
    for c in (*FACTORS, "confidence", "cross_border_share", "coverage", "grade_quality", "modifiers"):
        f[c] = f[c].astype(float).round(3)
    for c in ("score", "risk", "harm_points"):
        f[c] = f[c].astype(float).round(1)
    f["per_week"] = f["per_week"].round(2)
    f["resilience"] = f["resilience"].round(2)
    f = f.astype(object).where(f.notna(), None)
    return f[list(EXPORT_COLUMNS)].rename(columns={k: _(v) for k, v in EXPORT_COLUMNS.items()})
