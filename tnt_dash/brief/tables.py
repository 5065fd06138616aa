"""The tables behind the brief, keyed by stable codes: a table's code names it and a column's code
names its figure, whatever the reader's language. `tables()` is the edge that translates titles and
headers, for the workbook's sheets and the rows the slides, the PDF and the page show.
"""
from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from ..i18n import I18n, N_
from ..presented import KPI_LABELS
from .definitions import MODEL_LABELS, SEX_AGE, SEX_AGE_LABELS

# The brief's tables in the order of the exports: code -> title (an English msgid).
TITLES = {
    "summary": N_("Summary"), "kpis": N_("Key figures"), "changes": N_("Changes"), "anomalies": N_("Anomalies"),
    "priorities": N_("Priorities"), "incidents": N_("Notable incidents"), "victims": N_("Women and children"),
    "hotspots": N_("Hotspots"), "appendix": N_("Appendix"),
}
# Column code -> header (an English msgid). One code means one header in every table.
HEADERS = {
    "summary": N_("Summary"), "indicator": N_("Indicator"), "value": N_("This week"),
    "previous": N_("Previous week"), "change_prev": N_("% change vs previous week"),
    "admin1": N_("Admin-1 area"), "country": N_("Country or territory"), "market": N_("Market"),
    "week_count": N_("Incidents this week"), "mean_4w": N_("Mean of previous 4 weeks"),
    "change_4w": N_("% change vs 4-week mean"), "mean_52w": N_("Mean of previous 52 weeks"),
    "change_52w": N_("% change vs 52-week mean"),
    "observed": N_("Observed"), "expected": N_("Expected"), "p": N_("p-value"),
    "q": N_("q-value (Benjamini–Hochberg)"), "model": N_("Model"), "explanation": N_("Explanation"),
    "rank": N_("Rank"), "incidents_4w": N_("Incidents, last 4 weeks"),
    "incidents_prior": N_("Incidents, 12 weeks before"), "score": N_("Score"),
    "incident_id": N_("Record"), "date_occurred": N_("Date"), "actor": N_("Actor"), "narrative": N_("Narrative"),
    **KPI_LABELS, **SEX_AGE_LABELS,
    "appendix": N_("Appendix: gender parity in capacity building, last 52 weeks"),
}
# The columns of the notable-incident list, in order, where the list has them.
INCIDENT_COLUMNS = ("incident_id", "date_occurred", "country", "admin1", "market", "fatalities", "victims",
                    "women_children", "arrests", "actor", "narrative")


def headers(level: str) -> dict[str, str]:
    """Every column code's header; the change table's `area` names the level it is by."""
    return {**HEADERS, "area": HEADERS["admin1"] if level == "adm1" else HEADERS["country"]}


def header(t: I18n, code: str, level: str = "adm1") -> str:
    return t.gettext(headers(level)[code])


def translated(frame: pd.DataFrame, t: I18n, level: str) -> pd.DataFrame:
    """A coded frame with its headers in the reader's language."""
    names = headers(level)
    return frame.rename(columns={code: t.gettext(names[code]) for code in frame.columns})


def _pct(value) -> float | None:
    """A fraction as a percentage rounded to 1 decimal, for tables (None stays None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value) * 100, 1)


def coded(brief, t: I18n, codes: tuple[str, ...] | None = None, change_rows: int | None = None
          ) -> dict[str, pd.DataFrame]:
    """The tables of a `pack.Brief` with coded columns, in the exports' order; `codes` builds only
    those (the page shows four of the nine). `change_rows` keeps the first rows of the change table
    only (a screen shows its busiest rows of several hundred; exports keep all)."""
    unknown = set(codes or ()) - set(BUILDERS)
    if unknown:
        raise ValueError(f"no brief table coded {', '.join(sorted(unknown))}; choose from {', '.join(BUILDERS)}")
    if change_rows is not None:
        brief = replace(brief, changes=brief.changes.head(max(0, change_rows)))
    return {code: build(brief, t) for code, build in BUILDERS.items() if codes is None or code in codes}


def tables(brief, t: I18n, names: tuple[str, ...] | None = None,
           change_rows: int | None = None) -> dict[str, pd.DataFrame]:
    """Every table behind the brief, in order, titles and headers in the reader's language: the
    workbook's sheets. `names` (the English titles, e.g. "Changes") builds only those."""
    unknown = set(names or ()) - set(TITLES.values())
    if unknown:
        raise ValueError(f"no brief table named {', '.join(sorted(unknown))}; choose from {', '.join(TITLES.values())}")
    codes = None if names is None else tuple(code for code, title in TITLES.items() if title in names)
    return {t.gettext(TITLES[code]): translated(frame, t, brief.level)
            for code, frame in coded(brief, t, codes, change_rows).items()}


def _summary_table(brief, t: I18n) -> pd.DataFrame:
    return pd.DataFrame({"summary": brief.summary})


def _kpis_table(brief, t: I18n) -> pd.DataFrame:
    _ = t.gettext
    k = brief.kpis
    return pd.DataFrame({
        "indicator": [_(KPI_LABELS[name]) for name in k["kpi"]],
        "value": [v if isinstance(v, str) else (round(v, 2) if name == "seizure_usd" else int(v))
                  for name, v in zip(k["kpi"], k["value"])],
        "previous": [None if v is None or pd.isna(v) else (round(v, 2) if n == "seizure_usd" else int(v))
                     for n, v in zip(k["kpi"], k["previous"])],
        "change_prev": [_pct(v) for v in k["change_prev"]],
        "mean_4w": [None if v is None or pd.isna(v) else round(float(v), 2) for v in k["baseline_mean"]],
        "change_4w": [_pct(v) for v in k["change_4w"]],
    })


def _changes_table(brief, t: I18n) -> pd.DataFrame:
    # The query's own columns, not lists of them: a list of text is typed again, row by row.
    c = brief.changes.reset_index(drop=True)
    return pd.DataFrame({
        "area": c["area_label"].fillna(t.gettext("No admin-1 area")),
        **({"country": c["country_label"]} if brief.level == "adm1" else {}),
        "market": c["market_label"],
        "week_count": c["week_count"].astype(int),
        "mean_4w": c["mean_4w"].round(2),
        # Numbers even when no row has a base big enough for a percentage (every cell empty).
        "change_4w": pd.Series([_pct(v) for v in c["change_4w"].tolist()], dtype="float64"),
        "mean_52w": c["mean_52w"].round(2),
        "change_52w": pd.Series([_pct(v) for v in c["change_52w"].tolist()], dtype="float64"),
    })


def _anomalies_table(brief, t: I18n) -> pd.DataFrame:
    a = brief.anomalies
    return pd.DataFrame({
        "admin1": a["area_label"].tolist(), "market": a["market_label"].tolist(),
        "observed": a["observed"].astype(int).tolist(), "expected": a["expected"].round(1).tolist(),
        "p": a["p"].tolist(), "q": a["q"].tolist(),
        "model": [t.gettext(MODEL_LABELS[m]) for m in a["model"]], "explanation": a["sentence"].tolist(),
    })


def _priorities_table(brief, t: I18n) -> pd.DataFrame:
    p = brief.priorities
    return pd.DataFrame({
        "rank": p["rank"].astype(int).tolist(), "admin1": p["area_label"].tolist(),
        "country": p["country_label"].tolist(), "market": p["market_label"].tolist(),
        "incidents_4w": p["incidents_4w"].astype(int).tolist(),
        "incidents_prior": p["incidents_prior"].astype(int).tolist(),
        "score": p["score"].round(2).tolist(),
    })


def _incidents_table(brief, t: I18n) -> pd.DataFrame:
    i = brief.incidents
    i = i.assign(date_occurred=pd.to_datetime(i["date_occurred"]).dt.date) if "date_occurred" in i else i
    return i[[c for c in INCIDENT_COLUMNS if c in i.columns]]


def _victims_table(brief, t: I18n) -> pd.DataFrame:
    v = brief.victims
    return pd.DataFrame({"market": v["market_label"].tolist(), **{s: v[s].tolist() for s in SEX_AGE},
                         "victims": v["victims"].tolist()}) if len(v) else pd.DataFrame(
        columns=["market", *SEX_AGE, "victims"])


def _hotspots_table(brief, t: I18n) -> pd.DataFrame:
    h = brief.hotspots
    return pd.DataFrame({
        "admin1": h["admin1_label"].tolist(), "country": h["country_label"].tolist(),
        **{name: h[name].tolist() for name in ("incidents", "victims", "fatalities", "arrests")},
    })


def _appendix_table(brief, t: I18n) -> pd.DataFrame:
    return pd.DataFrame({"appendix": brief.appendix})


BUILDERS = {
    "summary": _summary_table, "kpis": _kpis_table, "changes": _changes_table, "anomalies": _anomalies_table,
    "priorities": _priorities_table, "incidents": _incidents_table, "victims": _victims_table,
    "hotspots": _hotspots_table, "appendix": _appendix_table,
}
