"""What the priorities page shows, built without Streamlit: the table's columns and the two figures,
with every text translated (pages/priorities.py lays them out)."""
from __future__ import annotations

import pandas as pd

from ..i18n import I18n
from .figures import matrix_figure, sensitivity_figure
from .params import CONFIDENCE_LABELS, FACTOR_LABELS, FACTORS, MODIFIERS, SENSITIVITY_DRAWS, Weights

SHOWN = 100     # rows on screen (and explained); the download has every row


def level_labels(t: I18n) -> dict[str, str]:
    return {"adm1": t.gettext("Admin-1 area"), "country": t.gettext("Country or territory")}


def weights_caption(t: I18n, weights: Weights) -> str:
    """The effective weights in words: the risk's exponents and each modifier's range."""
    _ = t.gettext
    a, b = weights.exponents()
    risk = (_("risk = 100 × harm × likelihood") if a == b
            else _("risk = 100 × harm^{a} × likelihood^{b}").format(a=t.number(a, 2), b=t.number(b, 2)))
    mods = ", ".join(_("{factor} ×{low}–×{high}").format(
        factor=_(FACTOR_LABELS[m]), low=t.number(1 - getattr(weights, m) / 100, 2),
        high=t.number(1 + getattr(weights, m) / 100, 2)) for m in MODIFIERS)
    return _("{risk}; priority = risk × modifiers ({mods}); a vulnerable victim's harm ×{wc}.").format(
        risk=risk, mods=mods, wc=t.number(1 + weights.women_children, 1))


def ranked(result, t: I18n, level: str) -> tuple[pd.DataFrame, dict[str, tuple[str, dict]]]:
    """The first SHOWN rows with translated headers, and per header a column kind and its options
    (Streamlit column_config name, keyword arguments)."""
    _ = t.gettext
    f = result.frame.head(SHOWN)
    shown = f.assign(confidence_label=f["confidence_level"].map(lambda v: _(CONFIDENCE_LABELS[v])),
                     rank_range=[f"{lo}–{hi}" for lo, hi in zip(f["rank_min"], f["rank_max"])],
                     known=[f"{k}/{len(FACTORS)}" for k in f["known_factors"]])
    columns = {"rank": _("Rank"), "area_label": level_labels(t)[level], "country_label": _("Country or territory"),
               "market_label": _("Market"), "score": _("Priority"), "risk": _("Risk (0–100)"),
               "harm": _("Harm (0–1)"), "likelihood": _("Likelihood (0–1)"), "modifiers": _("Modifiers (×)"),
               "confidence_label": _("Confidence"), "known": _("Known factors"),
               "rank_range": _("Rank range, weights ±20 %"), "gitoc_market_score": _("GI-TOC market score (country)"),
               "sentence": _("Why this rank")}
    if level == "country":
        columns.pop("country_label")
    if not result.gitoc_imported:
        columns.pop("gitoc_market_score")
    config = {
        _("Priority"): ("ProgressColumn", {"min_value": 0, "max_value": round(100 * result.weights.max_modifier()),
                                           "format": "%.1f",
                                           "help": _("Risk × modifiers, on the fixed scale of the method note.")}),
        _("Risk (0–100)"): ("NumberColumn", {"format": "%.1f", "help": _("100 × harm × likelihood.")}),
        _("Harm (0–1)"): ("NumberColumn", {"format": "%.2f"}),
        _("Likelihood (0–1)"): ("NumberColumn", {"format": "%.2f"}),
        _("Modifiers (×)"): ("NumberColumn", {"format": "×%.2f", "help": _(
            "Cross-border reach, actor capability and host-State capacity gap, multiplied; an unknown one counts "
            "×1.")}),
        _("GI-TOC market score (country)"): ("NumberColumn", {"format": "%.2f", "help": _(
            "GI-TOC Global Organized Crime Index, latest edition imported: criminal market score of the country, "
            "1–10. Context, not part of the score.")}),
        _("Why this rank"): ("TextColumn", {"width": "large"}),
    }
    return shown[list(columns)].rename(columns=columns), config


def figures(result, t: I18n) -> list[tuple[object, str]]:
    """The harm × likelihood matrix and the rank ranges, each with its caption."""
    _ = t.gettext
    f = result.frame
    shown = f.assign(confidence_label=f["confidence_level"].map(lambda v: _(CONFIDENCE_LABELS[v])))
    period = f"{t.date(result.start)} – {t.date(result.end)}"
    matrix = matrix_figure(
        shown, _("Harm × likelihood per area and market, {period}").format(period=period),
        _("Likelihood (0–1, fixed scale)"), _("Harm (0–1, fixed scale)"),
        {"top": _("Top 10 by priority (number = rank)"), "other": _("Other area–market pairs"),
         "risk": _("Risk {risk}")},
        "<b>%{customdata[0]}. %{customdata[2]}</b><br>%{customdata[1]}<br>" + _("Priority") + ": %{customdata[3]}<br>"
        + _("Confidence") + ": %{customdata[4]}<extra></extra>", separators=t.plotly_separators)
    ranges = sensitivity_figure(
        f, _("How stable is each rank? Top 20, weights varied by ±20 % ({draws} draws)").format(
            draws=SENSITIVITY_DRAWS), _("Rank (1 = highest priority)"),
        {"range": _("Best to worst rank with weights ±20 %"), "rank": _("Rank with the weights chosen")},
        _("Best rank") + ": %{customdata[0]}<br>" + _("Worst rank") + ": %{customdata[1]}<extra></extra>",
        separators=t.plotly_separators)
    return [(matrix, _("Bubble size: number of incidents. Opacity: confidence (faint = low). Dotted curves: equal "
                       "risk (harm × likelihood) at 10, 25 and 50.")),
            (ranges, _("A short bar means the rank holds whatever the exact weights; a long bar means it depends "
                       "on them and should be discussed."))]
