"""The export registry (`python -m tnt_dash export VIEW`) and the overview page's own tables.

It sits above the domain modules whose tables it lists, and they never import it: what they
share (a labelled View, the protection of victim counts, the marking) is in tables.py. A page
and the CLI call the same function, so the screen and the file can never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import pandas as pd

from . import queries
from .i18n import I18n, N_
from .config import suppression_threshold
from .presented import KPI_LABELS, VICTIM_COLUMNS, View, protect_count, protect_victims
from .scope import Scope


def _headers(t: I18n, frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return frame[list(names)].rename(columns={k: t.gettext(v) for k, v in names.items()})


# --- Views -------------------------------------------------------------------------------------

def overview_weeks(con, scope: Scope, week: date | None = None, weeks: int = 12) -> View:
    """Weekly KPIs for the last `weeks` complete weeks (home page chart)."""
    t, profile = scope.t, scope.profile
    week = week or queries.last_complete_week(con, profile)
    frame = queries.weekly_kpis(con, scope.filters, profile, week - timedelta(weeks=weeks - 1), week)
    frame = protect_victims(frame, profile, scope.destination)
    frame["week"] = frame["week"].map(lambda d: f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}")
    names = {"week": N_("ISO week"), **KPI_LABELS}
    return View("overview", t.gettext("Weekly key figures"), _headers(t, frame, names))


def markets(con, scope: Scope) -> View:
    t = scope.t
    frame = protect_victims(queries.market_totals(con, scope.filters, scope.profile, t.lang), scope.profile,
                            scope.destination)
    names = {"market_label": N_("Market"), **KPI_LABELS}
    return View("markets", t.gettext("Incidents by criminal market"), _headers(t, frame, names))


def areas(con, scope: Scope) -> View:
    t = scope.t
    frame = protect_victims(queries.admin1_totals(con, scope.filters, scope.profile, t.lang), scope.profile,
                            scope.destination)
    names = {"country_label": N_("Country or territory"), "admin1_label": N_("Admin-1 area"), **KPI_LABELS}
    return View("areas", t.gettext("Incidents by admin-1 area"), _headers(t, frame, names))


def incidents(con, scope: Scope, limit: int = queries.INCIDENT_LIST_CAP) -> View:
    t, profile, destination = scope.t, scope.profile, scope.destination
    frame = queries.incident_list(con, scope.filters, profile, t.lang, limit=limit)
    if scope.must_suppress:
        for column in VICTIM_COLUMNS:
            frame[column] = frame[column].map(lambda v: protect_count(v, profile, destination)).astype(object)
    names = {
        "incident_id": N_("Record"), "date_occurred": N_("Date"), "country": N_("Country or territory"),
        "admin1": N_("Admin-1 area"), "place": N_("Place"), "lat": N_("Latitude"), "lon": N_("Longitude"),
        "market": N_("Market"), "iccs_code": N_("ICCS code"), "fatalities": N_("Fatalities"), "victims": N_("Victims"),
        "women_children": N_("Women and children victims"), "arrests": N_("Arrests"),
        "seizure_value_usd": N_("Seizures, estimated value (USD)"), "grade": N_("Grade"),
        "source_type": N_("Source type"), "source_ref": N_("Source reference"), "actor": N_("Actor"),
        "narrative": N_("Narrative"), "crsv_referred": N_("Referred to the CRSV focal point"),
        "grave_violations": N_("Possible grave violations against children"), "status": N_("Status"), "classification": N_("Classification"),
        "tlp": N_("TLP"),
    }
    names = {k: v for k, v in names.items() if k in frame.columns}
    return View("incidents", t.gettext("Incident records (highest harm first)"), _headers(t, frame, names))


def _trends(name: str) -> Callable[..., View]:
    # Imported on call: a page that shows no trends need not load the trends package.
    def build(*args, **kwargs) -> View:
        from . import trends
        return getattr(trends, name)(*args, **kwargs)
    return build


def _corridors(con, scope: Scope) -> View:
    # Imported on call: a page that shows no map need not load the cross-border package.
    from .crossborder.table import corridors_view
    return corridors_view(con, scope)


def _priorities(*args, **kwargs) -> View:
    # Imported on call: tnt_dash.priority builds View objects from this module.
    from .priority import view
    return view(*args, **kwargs)


def _activities(con, scope: Scope) -> View:
    # Imported on call: a page that shows no activities need not load the capacity package.
    # Capacity building: docs/capacity.md.
    from .capacity.tables import activities_view
    return activities_view(con, scope)


def _gender(*args, **kwargs) -> View:
    # Imported on call: a page that shows no gender table need not load the gender package.
    from .gender import gender_view
    return gender_view(*args, **kwargs)


def _trafficking(*args, **kwargs) -> View:
    # Imported on call, like the gender view.
    from .gender.pack import trafficking_view
    return trafficking_view(*args, **kwargs)


def _cyber(*args, **kwargs) -> View:
    from .cyber.export import cyber_view
    return cyber_view(*args, **kwargs)


def _networks(name: str) -> Callable[..., View]:
    # Imported on call: networkx is loaded only by what draws or exports the actor graph.
    def build(*args, **kwargs) -> View:
        from .networks import exports as network_exports, ranking
        return {"actors": network_exports.actors_view, "actor_links": network_exports.links_view,
                "actor_ranking": ranking.view}[name](*args, **kwargs)
    return build


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
    "actors": (_networks("actors"), N_("Networks: the actor register (masked as your profile requires) with "
                                       "incidents in view")),
    "actor_links": (_networks("actor_links"), N_("Networks: links between actors, recorded and from shared "
                                                 "areas and months")),
    "actor_ranking": (_networks("actor_ranking"), N_("Threat priorities: criminal groups ranked on six "
                                                     "criteria, with confidence")),
    "gender": (_gender, N_("Women and children: victims by sex and age (women, men, girls, boys, unknown) per market")),
    "trafficking": (_trafficking, N_("Trafficking in persons: victims by form of exploitation × sex and age, and "
                                     "offenders arrested, prosecuted and convicted by sex and age")),
    "cyber": (_cyber, N_("Cyber threats: incidents by modus operandi and channel, with losses and victims by sex and age")),
}


def build(name: str, con, scope: Scope) -> View:
    """The view `name` for this request, as a file that leaves the server: whatever destination the
    Scope carries, an export is protected by the export rules (a caller cannot forget it)."""
    try:
        builder, _description = REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown view {name!r}; run `python -m tnt_dash export --list`") from None
    return builder(con, scope.to("export"))


__all__ = ["View", "REGISTRY", "build", "protect_count", "protect_victims"]


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


def overview(con, scope: Scope) -> Overview:
    filters, profile, lang, destination = scope.filters, scope.profile, scope.lang, scope.destination
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
        sparklines[name] = None if name in VICTIM_COLUMNS and small and profile.must_suppress(destination) else values
    if profile.must_suppress(destination):
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
