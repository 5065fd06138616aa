"""The tables behind each page, ready to show or export: labelled, translated, protected.

A page and `python -m tnt_dash export VIEW` call the same function here, so the screen
and the file can never disagree. Small victim counts are suppressed according to the
access profile (access.py) and whether the table goes to a screen or a file.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from . import access, queries
from .access import Profile
from .config import suppression_threshold
from .exports import Stamp
from .filters import Filters
from .i18n import I18n, N_
from .store import get_meta
from .suppression import COMPLEMENTARY_MARK, DisclosureError, suppress_series_value, suppress_table

VICTIM_COLUMNS = ("victims", "women_children")


@dataclass
class View:
    key: str
    title: str
    frame: pd.DataFrame


def must_suppress(profile: Profile, destination: str) -> bool:
    if destination not in ("screen", "export"):
        raise ValueError(f"unknown destination {destination!r}")
    return profile.suppress_on_screen if destination == "screen" else profile.suppress_in_exports


def protect_count(value: int, profile: Profile, destination: str) -> int | str:
    """A single victim count (a KPI) as the profile may see it: 1..k-1 becomes "<k"."""
    if not must_suppress(profile, destination):
        return int(value)
    return suppress_series_value(int(value), suppression_threshold())


def protect_victims(frame: pd.DataFrame, profile: Profile, destination: str) -> pd.DataFrame:
    """Suppress small victim counts in a table whose victims column has a published total.

    women_children is part of victims, so the pair (women_children, other victims) is
    protected together with victims as the row total; the column sums are the KPIs.
    """
    if not must_suppress(profile, destination) or frame.empty or "victims" not in frame:
        return frame
    out = frame.copy()
    k = suppression_threshold()
    try:
        return _suppress_victims(out, frame, k)
    except DisclosureError:
        # No safe pattern exists for this table: withhold the whole victim breakdown.
        for column in VICTIM_COLUMNS:
            if column in out:
                out[column] = COMPLEMENTARY_MARK
        return out


def _suppress_victims(out: pd.DataFrame, frame: pd.DataFrame, k: int) -> pd.DataFrame:
    if "women_children" in frame:
        parts = pd.DataFrame({"women_children": frame["women_children"].astype(int),
                              "other": (frame["victims"] - frame["women_children"]).astype(int),
                              "victims": frame["victims"].astype(int)})
        protected = suppress_table(parts, ["women_children", "other"], k=k, total_col="victims")
        out["women_children"] = protected["women_children"].to_numpy()
        out["victims"] = protected["victims"].to_numpy()
    else:
        protected = suppress_table(pd.DataFrame({"victims": frame["victims"].astype(int)}), ["victims"], k=k)
        out["victims"] = protected["victims"].to_numpy()
    return out


def stamp(con, t: I18n, profile: Profile, title: str, filters: Filters, period: str | None = None) -> Stamp:
    _ = t.gettext
    meta = get_meta(con)
    status = queries.data_status(con, filters, profile)
    lines = []
    if period:
        lines.append(_("Period: {period}").format(period=period))
    lines.append(_("Data as of {date}").format(date=t.date(status["as_of"]) if status["as_of"] else "–"))
    lines.append(_("Access profile: {profile}").format(profile=profile_name(t, profile)))
    if meta.get("dataset") == "synthetic-demo":
        lines.append(_("Synthetic demonstration data – not real incidents"))
    return Stamp(title=title, marking=marking_text(t, profile), lines=lines)


def marking_text(t: I18n, profile: Profile) -> str:
    _ = t.gettext
    if profile.releasable_to_host_state:
        return _("UNCLASSIFIED – TLP:GREEN – Releasable to host State")
    return _("{level} – UN internal").format(level=classification_label(t, profile.ceiling))


def classification_label(t: I18n, level: str) -> str:
    _ = t.gettext
    return {"UNCLASSIFIED": _("UNCLASSIFIED"), "CONFIDENTIAL": _("CONFIDENTIAL"),
            "STRICTLY CONFIDENTIAL": _("STRICTLY CONFIDENTIAL")}[level]


def profile_name(t: I18n, profile: Profile) -> str:
    _ = t.gettext
    return {"shared": _("Host-State shared screen"), "gender": _("Gender Officer"),
            "commissioner": _("Police Commissioner"), "analyst": _("Analyst")}[profile.name]


# The row a protected table groups its smallest rows into (suppression.protect_or_group), by what
# its rows are; {n} is the number of rows grouped.
OTHER_LABELS = {"market": N_("Other markets ({n})"), "country": N_("Other countries or territories ({n})"),
                "admin1": N_("Other admin-1 areas ({n})")}

def grouped_note(t: I18n, rows: int, other_label: str) -> str:
    """Why a protected table has an "Other … (n)" row: the page caption and the exports' line."""
    return t.gettext("The {n} smallest rows are grouped into one, “{other}”: shown one by one, their small "
                     "counts could be worked out from the totals.").format(n=t.number(rows), other=other_label)


KPI_LABELS = {
    "incidents": N_("Incidents"),
    "victims": N_("Victims"),
    "women_children": N_("Women and children victims"),
    "fatalities": N_("Fatalities"),
    "arrests": N_("Arrests"),
    "seizure_usd": N_("Seizures, estimated value (USD)"),
}


def _headers(t: I18n, frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return frame[list(names)].rename(columns={k: t.gettext(v) for k, v in names.items()})


# --- Views -------------------------------------------------------------------------------------

def overview_weeks(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export",
                   week: date | None = None, weeks: int = 12) -> View:
    """Weekly KPIs for the last `weeks` complete weeks (home page chart)."""
    week = week or queries.last_complete_week(con, profile)
    frame = queries.weekly_kpis(con, filters, profile, week - timedelta(weeks=weeks - 1), week)
    frame = protect_victims(frame, profile, destination)
    frame["week"] = frame["week"].map(lambda d: f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}")
    names = {"week": N_("ISO week"), **KPI_LABELS}
    return View("overview", t.gettext("Weekly key figures"), _headers(t, frame, names))


def markets(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export") -> View:
    frame = protect_victims(queries.market_totals(con, filters, profile, t.lang), profile, destination)
    names = {"market_label": N_("Market"), **KPI_LABELS}
    return View("markets", t.gettext("Incidents by criminal market"), _headers(t, frame, names))


def areas(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export") -> View:
    frame = protect_victims(queries.admin1_totals(con, filters, profile, t.lang), profile, destination)
    names = {"country_label": N_("Country or territory"), "admin1_label": N_("Admin-1 area"), **KPI_LABELS}
    return View("areas", t.gettext("Incidents by admin-1 area"), _headers(t, frame, names))


def incidents(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export",
              limit: int = queries.INCIDENT_LIST_CAP) -> View:
    frame = queries.incident_list(con, filters, profile, t.lang, limit=limit)
    if must_suppress(profile, destination):
        for column in VICTIM_COLUMNS:
            frame[column] = frame[column].map(lambda v: protect_count(v, profile, destination)).astype(object)
    names = {
        "incident_id": N_("Record"), "date_occurred": N_("Date"), "country": N_("Country or territory"),
        "admin1": N_("Admin-1 area"), "place": N_("Place"), "lat": N_("Latitude"), "lon": N_("Longitude"),
        "market": N_("Market"), "fatalities": N_("Fatalities"), "victims": N_("Victims"),
        "women_children": N_("Women and children victims"), "arrests": N_("Arrests"),
        "seizure_value_usd": N_("Seizures, estimated value (USD)"), "grade": N_("Grade"),
        "source_type": N_("Source type"), "source_ref": N_("Source reference"), "actor": N_("Actor"),
        "narrative": N_("Narrative"), "status": N_("Status"), "classification": N_("Classification"),
        "tlp": N_("TLP"),
    }
    names = {k: v for k, v in names.items() if k in frame.columns}
    return View("incidents", t.gettext("Incident records (highest harm first)"), _headers(t, frame, names))


def _trends(name: str) -> Callable[..., View]:
    # Imported on call: tnt_dash.trends builds View objects from this module.
    def build(*args, **kwargs) -> View:
        from . import trends
        return getattr(trends, name)(*args, **kwargs)
    return build


def _corridors(*args, **kwargs) -> View:
    # Imported on call: tnt_dash.flows builds View objects from this module.
    from .flows import corridors_view
    return corridors_view(*args, **kwargs)


def _priorities(*args, **kwargs) -> View:
    # Imported on call: tnt_dash.priority builds View objects from this module.
    from .priority import view
    return view(*args, **kwargs)


def _activities(*args, **kwargs) -> View:
    # Imported on call: its validation models (pydantic) are not needed by the pages that show no
    # activities, and the first page after a server start waited for them. Capacity building:
    # docs/capacity.md.
    from .activities import activities_view
    return activities_view(*args, **kwargs)


def _gender(*args, **kwargs) -> View:
    # Imported on call: tnt_dash.gender builds View objects from this module.
    from .gender import gender_view
    return gender_view(*args, **kwargs)


REGISTRY: dict[str, tuple[Callable[..., View], str]] = {
    "overview": (overview_weeks, N_("Home: weekly key figures for the last 12 complete weeks")),
    "markets": (markets, N_("Home: incidents, victims and seizures by criminal market")),
    "areas": (areas, N_("Home and map: incidents by admin-1 area")),
    "incidents": (incidents, N_("Incident records within your clearance, highest harm first (capped)")),
    "corridors": (_corridors, N_("Cross-border map: corridors (origin → destination) with volume, trend and main markets")),
    "trends": (_trends("summary_view"), N_("Regional trends: per market, incidents, change on a year earlier, "
                                          "share graded A–B/1–2 and trend")),
    "trends_series": (_trends("series_view"), N_("Regional trends: weekly incidents per market with moving average")),
    "trends_rates": (_trends("rates_view"), N_("Regional trends: incidents per 100,000 population by country")),
    "activities": (_activities, N_("Capacity building: the SOC Focal Point Network's activities, with participants by sex")),
    "priorities": (_priorities, N_("Threat priorities: score, rank, confidence and rank range per area and market")),
    "gender": (_gender, N_("Women and children: victims by sex and age (women, men, girls, boys, unknown) per market")),
}


def build(name: str, con, filters: Filters, profile: Profile, t: I18n, destination: str = "export") -> View:
    try:
        builder, _description = REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown view {name!r}; run `python -m tnt_dash export --list`") from None
    return builder(con, filters, profile, t, destination=destination)


__all__ = ["View", "REGISTRY", "build", "stamp", "protect_count", "protect_victims", "access"]


@dataclass
class Overview:
    """Everything the home page shows, computed in one place for the page and its exports."""
    week: date                    # Monday of the last complete week within the filters
    kpis: pd.DataFrame            # kpi, value, baseline_mean, change (victim values protected)
    sparklines: dict[str, list | None]   # kpi -> last 12 weekly values; None when a week is protected
    weekly: pd.DataFrame          # week, incidents for the last 26 weeks
    window_from: date             # the "last 30 days" window for the map and markets
    window_to: date
    areas: pd.DataFrame           # admin-1 totals in the window
    markets: pd.DataFrame         # market totals in the window


def overview(con, filters: Filters, profile: Profile, lang: str, destination: str = "screen") -> Overview:
    end = filters.date_to or queries.data_status(con, filters, profile)["date_max"] or date.today()
    week = min(queries.last_complete_week(con, profile), queries.week_start(end + timedelta(days=1)) - timedelta(days=7))
    undated = filters.with_dates(None, None)
    comparison = queries.week_vs_baseline(con, undated, profile, week, baseline_weeks=4)
    series = queries.weekly_kpis(con, undated, profile, week - timedelta(weeks=25), week)
    sparklines = {}
    for name in queries.KPI_NAMES:
        values = series[name].tail(12).tolist()
        # A bar chart cannot show "<5", and a gap or a zero would misstate the week: a victim
        # sparkline with a small week in it is left out altogether (the card itself shows "<5").
        small = any(0 < v < suppression_threshold() for v in values)
        sparklines[name] = None if name in VICTIM_COLUMNS and small and must_suppress(profile, destination) else values
    if must_suppress(profile, destination):
        comparison["value"] = comparison.apply(
            lambda r: protect_count(r["value"], profile, destination) if r["kpi"] in VICTIM_COLUMNS else r["value"],
            axis=1).astype(object)
        # A change on the 4-week mean gives the mean away (8 victims at +1,500 % are 2 in four weeks),
        # as the brief's cards already knew: victim counts carry no comparison on a protected screen.
        victims = comparison["kpi"].isin(VICTIM_COLUMNS)
        for column in ("baseline_mean", "change"):
            comparison[column] = comparison[column].astype(object).where(~victims, None)
    window_to = week + timedelta(days=6)
    window_from = window_to - timedelta(days=29)
    window = filters.with_dates(window_from, window_to)
    return Overview(
        week=week, kpis=comparison, sparklines=sparklines,
        weekly=series[["week", "incidents"]],
        window_from=window_from, window_to=window_to,
        areas=protect_victims(queries.admin1_totals(con, window, profile, lang), profile, destination),
        markets=protect_victims(queries.market_totals(con, window, profile, lang), profile, destination),
    )


def marks_as_text(frame: pd.DataFrame, t: I18n) -> pd.DataFrame:
    """`for_screen` for the columns that hold a mark ("<5", "x") beside counts, the rest left as
    numbers so they still sort as numbers. Arrow cannot type such a mixed column: Streamlit
    then logs a conversion error and retries, on every rerun."""
    mixed = [c for c in frame.columns if frame[c].dtype == object
             and any(isinstance(v, str) for v in frame[c]) and any(isinstance(v, (int, np.integer)) for v in frame[c])]
    return frame.assign(**for_screen(frame[mixed], t)) if mixed else frame


def for_screen(frame: pd.DataFrame, t: I18n) -> pd.DataFrame:
    """Every cell as locale-formatted text: counts, percentages, marks ("<5", "x") and ranges side by
    side in one column, which Arrow cannot type otherwise. Exports keep the numbers."""
    # Column by column over plain lists, one frame built at the end: DataFrame.map costs more than
    # the formatting on the gender page's five tables.
    out = pd.DataFrame(dict(enumerate(_screen_columns(frame, t))), index=frame.index)
    out.columns = frame.columns
    return out


def screen_table(frame: pd.DataFrame, t: I18n) -> pa.Table:
    """`for_screen` as an Arrow table of text, for st.dataframe: Streamlit sends an Arrow table as
    it is, where a pandas frame of text is built and then converted back to Arrow (about 2 ms a
    table, five tables on the gender page). The index is dropped, as hide_index=True would."""
    return pa.Table.from_arrays([pa.array(column, type=pa.string()) for column in _screen_columns(frame, t)],
                                names=[str(c) for c in frame.columns])


def _screen_columns(frame: pd.DataFrame, t: I18n) -> list[list[str]]:
    # One conversion of the whole frame to Python objects, then read column by column: a pandas
    # column selection costs about 0.1 ms, which was half of formatting the gender page's tables.
    columns = frame.to_numpy(dtype=object).T.tolist() if frame.shape[1] else []
    return [[screen_cell(v, t) for v in column] for column in columns]


def screen_cell(v, t: I18n) -> str:
    """One cell as the screen shows it: a locale-formatted number, a mark or range as written, "–"
    for nothing."""
    if v is None or (isinstance(v, float) and v != v):
        return "–"
    if isinstance(v, str):
        return v.replace("–", " – ") if "–" in v and v[0].isdigit() else v
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, np.integer)):
        return t.number(int(v))
    if isinstance(v, (float, np.floating)):
        return t.number(int(v)) if float(v).is_integer() else t.number(float(v), 1)
    if pd.isna(v):
        return "–"
    return str(v)
