"""An alert for its reader: one sentence in the reader's language, its figures protected for the
reader's profile and destination (screen or digest), and the page and filters that show it."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

import pandas as pd

from .. import queries
from ..access import Profile
from ..brief import anomalies
from ..config import suppression_threshold
from ..i18n import I18n
from ..presented import protect_count
from .definitions import ALERT_STATUS_LABELS, KIND_LABELS, MEASURE_LABELS, VICTIM_MEASURES
from .detect import alert_filters
from .rules import Rule


def labels(con, lang: str) -> dict[str, dict[str, str]]:
    return {"market": queries.labels(con, "markets", lang), "area": queries.labels(con, "admin1", lang),
            "country": queries.labels(con, "countries", lang)}


def _week(value) -> date:
    return pd.Timestamp(value).date()


def sentence(t: I18n, row, names: dict, profile: Profile, destination: str, rule: Rule | None = None) -> str:
    _ = t.gettext
    week = I18n.iso_week(_week(row.week))
    market = names["market"].get(row.market, row.market) if row.market else _("all markets")
    area = names["area"].get(row.admin1_code, row.admin1_code) if row.admin1_code else _("every area in view")
    if row.kind == "anomaly":
        brief_row = SimpleNamespace(market_label=market, area_label=area, observed=int(row.observed),
                                    expected=float(row.expected), p=float(row.p_value), model=row.model)
        return _("Week {week}: ").format(week=week) + anomalies.anomaly_sentence(t, brief_row)
    if row.kind == "surge":
        return _("{market} in {area}, week {week}: {observed} incidents, {short} against the mean of the previous "
                 "4 weeks ({mean_short} a week) and {long} against the mean of the previous 52 weeks ({mean_long} "
                 "a week).").format(
            market=market, area=area, week=week, observed=t.number(int(row.observed)),
            short=t.percent((row.observed - row.expected) / row.expected, signed=True),
            long=t.percent((row.observed - row.expected_long) / row.expected_long, signed=True),
            mean_short=t.number(row.expected, 1), mean_long=t.number(row.expected_long, 1))
    if row.kind == "new_corridor":
        countries = names["country"]
        return _("New cross-border corridor {origin} → {destination}: its first incidents ({observed}) were "
                 "recorded in week {week}, none before in the data.").format(
            origin=countries.get(row.origin_iso3, row.origin_iso3),
            destination=countries.get(row.destination_iso3, row.destination_iso3), observed=t.number(int(row.observed)),
            week=week)
    if row.kind == "first_in_area":
        return _("First {market} incident recorded in {area}: {observed} in week {week}, none there before in the "
                 "data.").format(market=market, area=area, observed=t.number(int(row.observed)), week=week)
    return _threshold_sentence(t, row, market, area, week, profile, destination, rule)


def _threshold_sentence(t: I18n, row, market: str, area: str, week: str, profile: Profile, destination: str,
                        rule: Rule | None) -> str:
    _ = t.gettext
    measure = _(MEASURE_LABELS[row.measure])
    observed, mean = int(row.observed), float(row.expected)
    small = row.measure in VICTIM_MEASURES and profile.must_suppress(destination)
    shown = protect_count(observed, profile, destination) if small else observed
    rule_id = row.rule_id
    k = suppression_threshold()
    if small and (observed < k or mean < k):
        # The hidden count, its mean or a percentage between them could tell what "<k" hides.
        return _("{measure}, {market} in {area}, week {week}: {observed} (small victim counts are not shown here; "
                 "rule {rule}).").format(measure=measure, market=market, area=area, week=week,
                                         observed=t.number(shown), rule=rule_id)
    if rule is not None and rule.threshold is not None:
        return _("{measure}, {market} in {area}, week {week}: {observed}, at or above the threshold of {threshold} "
                 "(rule {rule}).").format(measure=measure, market=market, area=area, week=week,
                                          observed=t.number(shown), threshold=t.number(rule.threshold, 0),
                                          rule=rule_id)
    change = t.percent((observed - mean) / mean, signed=True) if mean else "–"
    return _("{measure}, {market} in {area}, week {week}: {observed}, {change} against the mean of the previous "
             "4 weeks ({mean} a week; rule {rule}).").format(
        measure=measure, market=market, area=area, week=week, observed=t.number(shown), change=change,
        mean=t.number(mean, 1), rule=rule_id)


def link(row, profile: Profile) -> tuple[str, dict[str, str | list[str]]]:
    """The page and query parameters that show the alert's figures (tnt_dash.ui.frame's URL keys):
    the brief of its week, or the map focused on its corridor or area, with the same record statuses."""
    week = _week(row.week)
    params: dict[str, str | list[str]] = {}
    statuses = list(alert_filters(profile).statuses)
    if profile.allowed_statuses is None and statuses != ["validated"]:
        params["status"] = statuses
    if row.kind in ("anomaly", "surge", "threshold"):
        # The regional brief (all missions) and the whole territories: the scope the rules ran on.
        params.update({"week": I18n.iso_week(week), "scope": "region", "ao": "0"})
        if row.kind == "threshold":
            if row.market:
                params["market"] = [row.market]
            if row.admin1_code:
                params["admin1"] = [row.admin1_code]
        return "brief", params
    params["period"] = [(week - timedelta(weeks=12)).isoformat(), (week + timedelta(days=6)).isoformat()]
    if row.kind == "new_corridor":
        params["map_focus"] = f"corridor:{row.origin_iso3}>{row.destination_iso3}"
    else:
        params["map_focus"] = f"area:{row.admin1_code}"
        params["market"] = [row.market]
    return "map", params


def url(page: str, params: dict, base: str = "") -> str:
    return f"{base.rstrip('/')}/{page}?{urlencode(params, doseq=True)}"


def present(frame: pd.DataFrame, t: I18n, names: dict, profile: Profile, destination: str,
            rules: list[Rule] | None = None, base_url: str = "") -> pd.DataFrame:
    """The alerts with their reader's columns: sentence, kind and status labels, link page, params and URL.
    Who acknowledged or closed an alert is a UN staff member's name: a host State's copy leaves it out."""
    _ = t.gettext
    by_id = {r.rule_id: r for r in rules or []}
    out = frame.copy()
    rows = list(frame.itertuples())
    out["sentence"] = [sentence(t, r, names, profile, destination, by_id.get(r.rule_id)) for r in rows]
    out["kind_label"] = [_(KIND_LABELS[k]) for k in frame["kind"]]
    out["status_label"] = [_(ALERT_STATUS_LABELS[s]) for s in frame["status"]]
    links = [link(r, profile) for r in rows]
    out["page"] = [page for page, _params in links]
    out["params"] = [params for _page, params in links]
    out["url"] = [url(page, params, base_url) for page, params in links]
    if profile.releasable_to_host_state:
        for column in ("acknowledged_by", "closed_by", "close_note"):
            if column in out:
                out[column] = None
    return out
