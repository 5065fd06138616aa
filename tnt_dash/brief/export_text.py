"""How the slides and the PDF write the brief's figures: one cell formatter for both, the key
figures' rows, the marking footer. The workbook holds the tables unformatted."""
from __future__ import annotations

import math

import pandas as pd

from ..exports import Stamp
from ..i18n import I18n
from ..presented import KPI_LABELS
from .anomalies import p_text
from .weeks import iso_week


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def cell_text(t: I18n, header: str, value) -> str:
    """One table cell as the slide and the PDF show it (suppression marks pass through)."""
    _ = t.gettext
    if missing(value):
        return "–"
    if isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return t.date(value, "d MMM y")
    if header in (_("p-value"), _("q-value (Benjamini–Hochberg)")):
        return p_text(t, float(value)).replace("p ", "", 1)
    if "%" in header:
        return t.percent(float(value) / 100, signed=True)
    if isinstance(value, (int,)) or (isinstance(value, float) and float(value).is_integer() and abs(value) >= 100):
        return t.number(int(value))
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, int):
            return t.number(value)
    return t.number(float(value), 2 if abs(float(value)) < 10 else 1)


def display(frame: pd.DataFrame, t: I18n, rows: int | None = None) -> list[list[str]]:
    """Header row then formatted rows."""
    body = frame if rows is None else frame.head(rows)
    return [[str(c) for c in frame.columns]] + [
        [cell_text(t, str(col), value) for col, value in zip(frame.columns, row)]
        for row in body.itertuples(index=False)]


def notice(t: I18n, stamp: Stamp) -> str | None:
    text = t.gettext("Synthetic demonstration data – not real incidents")
    return text if text in stamp.lines else None


def footer(t: I18n, stamp: Stamp) -> str:
    parts = [stamp.marking, stamp.lines[0] if stamp.lines else ""]
    demo = notice(t, stamp)
    if demo:
        parts.append(demo)
    return " · ".join(p for p in parts if p)


def kpi_rows(brief, t: I18n) -> list[list[str]]:
    _ = t.gettext
    rows = [[_("Indicator"), _("This week"), _("vs previous week"), _("vs 4-week mean")]]
    for r in brief.kpis.itertuples():
        if isinstance(r.value, str):
            value = r.value
        elif r.kpi == "seizure_usd":
            value = t.money(r.value)
        else:
            value = t.number(r.value)
        rows.append([_(KPI_LABELS[r.kpi]), value,
                     "–" if missing(r.change_prev) else t.percent(r.change_prev, signed=True),
                     "–" if missing(r.change_4w) else t.percent(r.change_4w, signed=True)])
    return rows


def week_labels(weeks) -> list[str]:
    return [iso_week(w) for w in weeks]


def chart_number(value):
    """A chart value: numbers only; a suppressed cell is left blank (None), never a guess."""
    return None if isinstance(value, str) or missing(value) else float(value)



def looks_numeric(text: str) -> bool:
    stripped = text.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    return bool(stripped) and (stripped[0].isdigit() or stripped[0] in "+-−<") and stripped != "–"

