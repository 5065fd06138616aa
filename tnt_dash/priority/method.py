"""The method note (page Priority method; docs/priority.md says the same at more length). Bodies
carry the calibration constants as {placeholders}, filled from the reference file when shown, so the
note can never state other numbers than the model uses."""
from __future__ import annotations

from ..i18n import I18n, N_
from .params import (CONFIDENT_VOLUME, SENSITIVITY_DRAWS, SENSITIVITY_SEED, SENSITIVITY_SPREAD, Weights,
                     calibration)

METHOD_NOTE = [
    (N_("What this is"), N_(
        "The priority is an analytic judgement of the mission, not a measurement. It ranks each criminal market in "
        "each area (admin-1 unit or country; cyber threats where they exist: their country, or transnational / "
        "online) over the chosen period, so that the mission and the host State can discuss where to act first. "
        "The same inputs and weights always give the same figures, and a threat's figures do not depend on the "
        "other threats on screen.")),
    (N_("Sources of the method"), N_(
        "UNODC, Guidance on the preparation and use of Serious and Organised Crime Threat Assessments: the SOCTA "
        "Handbook (2010): risk as threat × harm, with vulnerability. MoRiLE (Management of Risk in Law "
        "Enforcement, UK National Police Chiefs' Council): harm graded by physical, psychological, financial, "
        "community and environmental impact and by the vulnerability of victims; risk = harm × likelihood; the "
        "organisation's capacity then sets the priority; confidence apart. Europol, EU Serious and Organised Crime "
        "Threat Assessment (SOCTA): markets, networks and enablers scored on defined indicators. GI-TOC, Global "
        "Organized Crime Index (2021, 2023): criminality and resilience scored 1–10 per country.")),
    (N_("Formula"), N_(
        "priority = risk × modifiers. risk = 100 × harm × likelihood (harm and likelihood each 0–1, so risk is "
        "0–100). modifiers = the product of three multipliers, one each for cross-border reach, actor capability "
        "and the host-State capacity gap: 1 + w × (2 × factor − 1), with the factor on 0–1 and w the weight as a "
        "share (default 15 %: from ×0.85 at 0 to ×1.15 at 1, ×1 at the middle). With the default weights the "
        "priority runs from 0 to {max_priority}. The harm and likelihood weights tilt the risk: risk = 100 × "
        "harm^a × likelihood^b with a + b = 2 and a : b = w_harm : w_likelihood; equal (the default), "
        "a = b = 1.")),
    (N_("Harm"), N_(
        "Each market has a severity on MoRiLE's five dimensions, each graded 0 (none) to 4 (critical) in "
        "tnt_dash/reference/harm_severity.csv: physical, psychological and financial harm to each victim, and "
        "community and environmental harm of each incident beyond its victims. Trafficking for sexual exploitation "
        "has its own, graver row. harm points = incidents × (community + environmental) + Σ victims × (physical + "
        "psychological + financial) × (1 + w_wc if the victim is vulnerable) + {fatality_points} × deaths. "
        "Vulnerable victims are children, and women (adult or of unknown age) in sexual exploitation; default "
        "w_wc = 1 doubles their harm. Unknown ages are never imputed. harm = min(1, ln(1 + harm points per "
        "incident) ÷ ln(1 + {harm_reference})). Seizures are a police output, not harm: their value is shown "
        "beside the score only as an indicator of market size.")),
    (N_("Likelihood"), N_(
        "incidents a week = incidents ÷ (days in period ÷ 7). Reporting coverage = the share of the period's full "
        "weeks in which the area filed any record, of any market (judged from {coverage_min_weeks} weeks). The "
        "rate is read over the weeks the area reported: rate = incidents a week ÷ max(coverage, "
        "{coverage_floor}), so a unit that reports little does not look safe. frequency = min(1, ln(1 + rate) ÷ "
        "ln(1 + {rate_reference})). trend = 1 if the Mann-Kendall test on the 7-day counts (counted back from "
        "the end date; at least 8 full weeks; 5 % level) finds a rising trend, 0 if falling, 0.5 otherwise. "
        "likelihood = 0.7 × frequency + 0.3 × trend.")),
    (N_("Modifiers"), N_(
        "Cross-border reach = 0.5 × share of incidents marked cross-border + 0.5 × min(1, other countries linked "
        "÷ {countries_reference}), the countries being those of location, origin, transit and destination named "
        "on the records; unknown for a cyber threat whose records say nothing of borders. Actor capability = "
        "(average of violence, reach and links of the assessed actors named on the records, each 1–5, − 1) ÷ 4; "
        "unknown when no record names an assessed actor. Host-State capacity gap = (10 − average of the "
        "country's GI-TOC resilience indicators, latest edition) ÷ 9; unknown without the index, without a "
        "score for the country (Kosovo) or without a country (transnational / online).")),
    (N_("Unknown factors"), N_(
        "Harm and likelihood are always known. An unknown modifier is never counted as 0, which would say "
        "harmless actors or no capacity gap: it counts at {unknown_factor_value} on its 0–1 scale, a multiplier "
        "of ×1, so the row is ranked on its risk and its known modifiers. This is the stated rule for rows "
        "scored on fewer factors: they rank with the others, neither raised nor lowered, and they are marked "
        "(known factors, of 5) and their confidence is lower.")),
    (N_("Calibration"), N_(
        "The scale is fixed, calibrated once on reference data and kept, so that scores can be compared between "
        "areas, filters and weeks, and a threat cannot rise only because another fell. Reference: the demonstration "
        "store's admin-1 × market cells over 52 weeks; harm 1 = {harm_reference} harm points per incident and "
        "frequency 1 = {rate_reference} incidents a week, the largest values of the reference rounded up. A mission "
        "should recalibrate once on its own first year of validated records (scripts/calibrate_priority.py) and "
        "then keep the constants. Values above the reference are capped at 1.")),
    (N_("Rank"), N_(
        "Rank 1 is the highest priority; ties go to the higher harm, then the area and market codes. Default "
        "weights: harm 50, likelihood 50, reach 15 %, actor 15 %, capacity 15 %, w_wc 1; they can be changed on "
        "the page (kept in the link) or with --weight on the command line.")),
    (N_("Confidence"), N_(
        "Reported beside the priority, not inside it. grade quality = average of the judged grades, source "
        "reliability A–E and information credibility 1–5 valued 1, 0.8, 0.6, 0.4 and 0.2; F and 6 (cannot be "
        "judged) are unknown, not low, and left out. corroboration = share of records with two or more "
        "independent sources. volume = records ÷ {volume}, at most 1. completeness = (known factors ÷ 5 + share "
        "of grades judged) ÷ 2. confidence = (2 × grade quality + corroboration + volume + completeness) ÷ 5, "
        "or without the grade part when no grade is judged: high from 0.70, medium from 0.45, low below.")),
    (N_("Sensitivity"), N_(
        "Each of the five weights is multiplied by an independent random factor between {low} and {high} "
        "(±{spread}), {draws} times with a fixed seed ({seed}); the best and worst rank over these draws show how "
        "much a rank depends on the exact weights. A narrow range means the rank is robust.")),
    (N_("Limits"), N_(
        "Recorded incidents reflect where police and the mission look, not only where crime happens; the coverage "
        "correction covers reporting gaps only where the area reports at all. The severity grades are the "
        "mission's judgement on a documented scale. The reference of the calibration is synthetic until a mission "
        "recalibrates. On screens shared outside the UN, the scores use the published victim counts ('<5' as 2.5) "
        "and every victim at its market's general severity, so that they cannot give a hidden count back. The "
        "priority orders threats for discussion; it should be read with the confidence and the analysts' "
        "narrative.")),
]


def method_note(t: I18n) -> list[tuple[str, str]]:
    """The note, translated, with the constants in the reader's number format."""
    _ = t.gettext
    c = calibration()
    values = {
        "max_priority": t.number(100 * Weights().max_modifier(), 0),
        "fatality_points": t.number(c["fatality_points"]), "harm_reference": t.number(c["harm_reference"]),
        "rate_reference": t.number(c["rate_reference"]), "coverage_floor": t.number(c["coverage_floor"], 1),
        "coverage_min_weeks": t.number(c["coverage_min_weeks"]),
        "countries_reference": t.number(c["countries_reference"]),
        "unknown_factor_value": t.number(c["unknown_factor_value"], 1), "volume": t.number(CONFIDENT_VOLUME),
        "low": t.number(1 - SENSITIVITY_SPREAD, 1), "high": t.number(1 + SENSITIVITY_SPREAD, 1),
        "spread": t.percent(SENSITIVITY_SPREAD), "draws": t.number(SENSITIVITY_DRAWS), "seed": str(SENSITIVITY_SEED),
    }
    return [(_(heading), _(body).format(**values)) for heading, body in METHOD_NOTE]


def severity_table(t: I18n):
    """The harm severity scale as the method page shows it: one row per market (and form), each
    dimension 0–4, with the points per victim and per incident the model takes from it."""
    import csv

    import pandas as pd

    from .params import HARM_DIMENSIONS, REFERENCE, severity
    _ = t.gettext
    with open(REFERENCE / "markets.csv", encoding="utf-8", newline="") as fh:
        labels = {row["code"]: row["label_fr" if t.lang == "fr" else "label_en"] for row in csv.DictReader(fh)}
    with open(REFERENCE / "harm_severity.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    dimension = {"physical": _("Physical"), "psychological": _("Psychological"), "financial": _("Financial"),
                 "community": _("Community"), "environmental": _("Environmental")}
    out = []
    for row in rows:
        name = labels.get(row["market"], row["market"])
        if row["form"]:
            name += " – " + _("sexual exploitation")
        s = severity(row["market"], row["form"])
        out.append({_("Market"): name, **{dimension[d]: int(row[d]) for d in HARM_DIMENSIONS},
                    _("Points per victim"): s.victim, _("Points per incident"): s.incident})
    return pd.DataFrame(out)
