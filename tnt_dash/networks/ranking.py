"""The ranking of criminal groups (docs/networks.md, "Ranking criminal groups").

Each group is scored on six criteria drawn from Europol's SOCTA and UNODC's E4J: violence,
corruption, infiltration, reach, adaptability and links. A criterion takes the analyst's assessment
in the register (1–5) where there is one (see below for how the records adjust it); where there is none, the indicator from the group's
incidents in view stands in (1 + 4 × indicator), marked as such; where neither exists it is unknown
and is left out, never counted as 1. Where both exist, the criterion is 0.75 × the analyst's value + 0.25 × the
records' value: the assessment leads, the records in view move it. The incident indicators (0–1) are:

    violence      share of its incidents with a fatality or a victim
    reach         (countries touched, as place, origin, transit or destination − 1) / 3, at most 1
    adaptability  (markets − 1) / 3, at most 1
    links         (actors active in the same admin-1 area and month + recorded links) / 5, at most 1
    corruption, infiltration: none (records rarely show them): the analyst's assessment only

    capability = 100 × mean over the known criteria of (criterion − 1) / 4

Groups with an unknown criterion (in practice: corruption or infiltration not assessed, as the records
cannot show them) rank after the fully scored ones, marked "partial": a group is not ranked high or
low for what nobody assessed. An indicator that differs
from the analyst's value by 2 points or more is flagged: the records and the assessment disagree.

Confidence is the group's own, the mean of: the analyst's confidence in the assessment (low 0.3,
moderate 0.6, high 0.9; none 0), the share of its incidents graded A–C and 1–3 among those whose
grade can be judged (F and 6 are unknowns, left out), the volume of incidents (log10(n + 1) / 2, at
most 1) and the share of the six criteria the analyst assessed. Low below 0.45, high from 0.7.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import i18n, queries
from ..access import Profile
from ..filters import Filters
from ..i18n import N_, I18n
from ..presented import View
from ..scope import Scope
from . import names

CRITERIA = ("violence", "corruption", "infiltration", "reach", "adaptability", "links")
CRITERION_LABELS = {"violence": N_("Violence"), "corruption": N_("Corruption"), "infiltration": N_("Infiltration"),
                    "reach": N_("Reach"), "adaptability": N_("Adaptability"), "links": N_("Links")}
ANALYST_WEIGHT = 0.75        # where both exist: 0.75 × assessment + 0.25 × indicator value
FULL_CRITERIA = 6             # fewer known criteria: ranked after the others, marked partial
DISAGREE_POINTS = 2
ASSESSMENT_CONFIDENCE = {"low": 0.3, "moderate": 0.6, "high": 0.9}
CONFIDENCE_LEVELS = (("low", 0.45), ("moderate", 0.70), ("high", 1.01))
CONFIDENCE_LABELS = {"low": N_("Low"), "moderate": N_("Moderate"), "high": N_("High")}
SOURCE_MARKS = {"analyst": "", "incidents": "*", "unknown": "?"}


def evidence(con, filters: Filters, profile: Profile, lang: str = "en") -> pd.DataFrame:
    """Per visible actor with incidents in view: the register's assessment and the incident indicators."""
    where, params = queries.scope(filters, profile)
    return queries._df(con, f"""
        WITH mine AS (
            SELECT i.actor_id, i.market, i.fatalities, i.date_occurred, i.admin1_code, i.iso3, i.origin_iso3,
                   i.transit_iso3, i.destination_iso3, i.source_reliability, i.info_credibility,
                   {queries.VICTIMS} AS victims
            FROM incidents i JOIN actors ac ON ac.actor_id = i.actor_id
            WHERE {where} AND {names.visible(profile)}),
        per AS (
            SELECT actor_id, count(*) AS incidents, coalesce(sum(fatalities), 0) AS fatalities,
                   avg(CASE WHEN fatalities > 0 OR victims > 0 THEN 1.0 ELSE 0.0 END) AS violent_share,
                   count(DISTINCT market) AS markets,
                   count(*) FILTER (WHERE source_reliability <> 'F' AND info_credibility <> 6) AS judged,
                   count(*) FILTER (WHERE source_reliability IN ('A', 'B', 'C') AND info_credibility BETWEEN 1 AND 3)
                       AS well_graded
            FROM mine GROUP BY actor_id),
        places AS (
            SELECT actor_id, count(DISTINCT c) AS countries
            FROM (SELECT actor_id, unnest([iso3, origin_iso3, transit_iso3, destination_iso3]) AS c FROM mine)
            WHERE c IS NOT NULL GROUP BY actor_id),
        cells AS (SELECT actor_id, admin1_code, date_trunc('month', date_occurred) AS month FROM mine
                  WHERE admin1_code IS NOT NULL GROUP BY ALL),
        co AS (SELECT a.actor_id, count(DISTINCT b.actor_id) AS co_active FROM cells a JOIN cells b
               ON a.admin1_code = b.admin1_code AND a.month = b.month AND a.actor_id <> b.actor_id GROUP BY 1),
        seen AS (SELECT ac.actor_id FROM actors ac WHERE {names.visible(profile)}),
        recorded AS (SELECT actor_id, count(*) AS recorded FROM (
                        SELECT actor_a AS actor_id, actor_b AS other FROM actor_links
                        UNION ALL SELECT actor_b, actor_a FROM actor_links)
                     WHERE other IN (SELECT actor_id FROM seen) GROUP BY 1)
        SELECT p.actor_id, {names.name_sql(profile, lang=lang)} AS name, ac.gitoc_actor_type, {names.masked_sql(profile)} AS masked,
               ac.violence, ac.corruption, ac.infiltration, ac.reach, ac.adaptability, ac.links,
               ac.assessment_confidence, p.incidents, p.fatalities, p.violent_share, p.markets,
               coalesce(pl.countries, 0) AS countries, coalesce(co.co_active, 0) AS co_active,
               coalesce(r.recorded, 0) AS recorded, p.judged, p.well_graded
        FROM per p JOIN actors ac ON ac.actor_id = p.actor_id
        LEFT JOIN places pl ON pl.actor_id = p.actor_id LEFT JOIN co ON co.actor_id = p.actor_id
        LEFT JOIN recorded r ON r.actor_id = p.actor_id
        ORDER BY p.actor_id""", params)


def indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """The 0–1 incident indicators of each criterion (NaN where the records say nothing)."""
    out = pd.DataFrame(index=frame.index)
    out["violence"] = frame["violent_share"].astype(float)
    out["corruption"] = np.nan
    out["infiltration"] = np.nan
    out["reach"] = np.clip((frame["countries"].astype(float) - 1) / 3, 0, 1)
    out["adaptability"] = np.clip((frame["markets"].astype(float) - 1) / 3, 0, 1)
    out["links"] = np.clip((frame["co_active"] + frame["recorded"]).astype(float) / 5, 0, 1)
    return out


def score(frame: pd.DataFrame) -> pd.DataFrame:
    """Criteria, capability, rank and confidence for each row of `evidence()`. Pure arithmetic."""
    frame = frame.reset_index(drop=True)
    ind = indicators(frame)
    out = frame.copy()
    known = np.zeros(len(frame))
    total = np.zeros(len(frame))
    assessed = np.zeros(len(frame))
    disagree: list[list[str]] = [[] for _ in range(len(frame))]
    for c in CRITERIA:
        analyst = pd.to_numeric(frame[c], errors="coerce").astype(float).to_numpy()
        derived = 1 + 4 * ind[c].to_numpy()
        # The analyst leads; the records move the value a quarter of the way towards what they show.
        value = np.where(np.isnan(analyst), derived,
                         np.where(np.isnan(derived), analyst, ANALYST_WEIGHT * analyst + (1 - ANALYST_WEIGHT) * derived))
        out[c] = value
        out[f"{c}_indicator"] = ind[c].round(3)
        out[f"{c}_from"] = np.where(~np.isnan(analyst), "analyst", np.where(np.isnan(derived), "unknown", "incidents"))
        has = ~np.isnan(value)
        known += has
        assessed += ~np.isnan(analyst)
        total += np.where(has, (np.nan_to_num(value) - 1) / 4, 0)
        gap = np.abs(analyst - derived) >= DISAGREE_POINTS
        for i in np.flatnonzero(gap & ~np.isnan(analyst) & ~np.isnan(derived)):
            disagree[i].append(c)
    out["known_criteria"] = known.astype(int)
    out["capability"] = np.where(known > 0, 100 * total / np.maximum(known, 1), np.nan).round(1)
    out[list(CRITERIA)] = out[list(CRITERIA)].round(2)
    out["partial"] = known < FULL_CRITERIA
    out["disagrees"] = [",".join(d) for d in disagree]
    judged = frame["judged"].astype(float).to_numpy()
    parts = np.vstack([
        frame["assessment_confidence"].map(ASSESSMENT_CONFIDENCE).fillna(0.0).astype(float).to_numpy(),
        np.where(judged > 0, frame["well_graded"].astype(float).to_numpy() / np.maximum(judged, 1), 0.0),
        np.minimum(1.0, np.log10(frame["incidents"].astype(float).to_numpy() + 1) / 2),
        assessed / len(CRITERIA),
    ])
    out["confidence"] = parts.mean(axis=0).round(2)
    out["confidence_level"] = [next(name for name, top in CONFIDENCE_LEVELS if v < top) for v in out["confidence"]]
    out = out.sort_values(["partial", "capability", "incidents", "actor_id"], ascending=[True, False, False, True],
                          na_position="last", kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def rank(con, scope: Scope) -> pd.DataFrame:
    """The ranked groups with their display names (masked per profile)."""
    t = scope.t
    scored = score(evidence(con, scope.filters, scope.profile, scope.lang))
    scored = names.labelled(scored, t)
    scored["type_label"] = [names.type_label(t, g) for g in scored["gitoc_actor_type"]]
    scored["sentence"] = [sentence(r, t) for r in scored.to_dict("records")]
    return scored


def sentence(row: dict, t: I18n) -> str:
    _ = t.gettext
    strongest = sorted((c for c in CRITERIA if not np.isnan(row[c])), key=lambda c: -row[c])[:2]
    parts = [_("Incidents in view: {n}; countries: {countries}; markets: {markets}.").format(
        n=t.number(row["incidents"]), countries=t.number(row["countries"]), markets=t.number(row["markets"]))]
    if strongest:
        parts.append(_("Highest: {criteria}.").format(criteria=", ".join(
            f"{_(CRITERION_LABELS[c]).lower()} {row[c]:.1f}" for c in strongest)))
    derived = [_(CRITERION_LABELS[c]).lower() for c in CRITERIA if row[f"{c}_from"] == "incidents"]
    if derived:
        parts.append(_("Not assessed by the analyst, taken from the records: {criteria}.").format(
            criteria=", ".join(derived)))
    if row["disagrees"]:
        parts.append(_("The records disagree with the assessment on: {criteria}.").format(criteria=", ".join(
            _(CRITERION_LABELS[c]).lower() for c in row["disagrees"].split(","))))
    if row["partial"]:
        parts.append(_("Partial: only {n} of 6 criteria known; ranked after fully scored groups.").format(
            n=row["known_criteria"]))
    return " ".join(parts)


def table(scored: pd.DataFrame, t: I18n) -> pd.DataFrame:
    """The ranking as the page, the CLI and the export show it: labelled columns; a criterion taken
    from the records carries "*", an unknown one is blank."""
    _ = t.gettext
    out = pd.DataFrame({_("Rank"): scored["rank"], _("Criminal group"): scored["actor"],
                        _("GI-TOC actor type"): scored["type_label"],
                        _("Capability (0–100)"): scored["capability"]})
    for c in CRITERIA:
        out[_(CRITERION_LABELS[c])] = [None if np.isnan(v) else f"{t.number(v, 1)}{SOURCE_MARKS[src]}"
                                       for v, src in zip(scored[c], scored[f"{c}_from"])]
    out[_("Incidents")] = scored["incidents"]
    out[_("Confidence")] = [_(CONFIDENCE_LABELS[level]) for level in scored["confidence_level"]]
    out[_("Confidence (0–1)")] = scored["confidence"]
    out[_("Why this rank")] = scored["sentence"]
    return out


def view(con, scope: Scope) -> View:
    """Export view `actor_ranking`."""
    return View("actor_ranking", scope.t.gettext("Criminal groups ranked by capability (analytic judgement)"),
                table(rank(con, scope), scope.t))


PLAIN_COLUMNS = ("rank", "actor_id", "actor", "gitoc_actor_type", "capability", *CRITERIA,
                 *(f"{c}_from" for c in CRITERIA), "known_criteria", "partial", "incidents", "countries", "markets",
                 "confidence", "confidence_level", "sentence")


def plain(scored: pd.DataFrame) -> pd.DataFrame:
    """The ranking with plain column keys (`priorities --level actor --format json`)."""
    keys = list(PLAIN_COLUMNS)
    return scored[keys].astype(object).where(scored[keys].notna(), None)


def cli_ranking(args) -> int:
    """`python -m tnt_dash priorities --level actor`: the ranking for the server's profile, with the
    filters and --period of the market ranking; JSON keeps the table's shape (columns, rows)."""
    import sys
    from datetime import timedelta
    from pathlib import Path

    from .. import access, config, exports, presented, store
    from ..releases import log_release
    t = i18n.get(args.lang)
    profile = access.server_profile()
    filters = _cli_filters(args)
    con = store.connect(args.db or config.db_path(), read_only=True)
    try:
        queries.host_state_name(con, profile, t.lang)
        if args.period:
            days = args.period.strip().lower()
            if not days.endswith("d") or not days[:-1].isdigit() or int(days[:-1]) < 1:
                raise ValueError(f"--period takes a number of days such as 90d (got {args.period!r})")
            end = filters.date_to or queries.data_status(con, filters, profile)["date_max"]
            filters = filters.with_dates(end - timedelta(days=int(days[:-1]) - 1), end)
        scope = Scope(filters, profile, t.lang, "export")
        scored = rank(con, scope)
        title = t.gettext("Criminal groups ranked by capability (analytic judgement)")
        stamp = presented.stamp(con, scope, title)
        if profile.releasable_to_host_state:
            log_release(args.db or config.db_path(), profile, kind="export", item=f"actor ranking {args.format}",
                        filters=filters, records=queries.record_count(con, filters, profile), user="cli")
    finally:
        con.close()
    # JSON keeps plain keys (actor, capability, violence…) for scripts; CSV and XLSX the labelled table.
    frame = plain(scored) if args.format == "json" else table(scored, t)
    if args.out:
        exports.write(frame, args.format, stamp, Path(args.out))
        print(f"wrote {len(frame)} ranked criminal groups to {args.out}")
    else:
        sys.stdout.buffer.write(exports.to_bytes(frame, args.format, stamp))
    return 0


def _cli_filters(args) -> Filters:
    return Filters(date_from=args.date_from, date_to=args.date_to, missions=args.mission, countries=args.country,
                   admin1=args.admin1, markets=args.market, cyber=args.cyber, min_reliability=args.min_grade[0],
                   min_credibility=args.min_grade[1], statuses=args.status or ("validated",),
                   operations_area=bool(args.operations_area))
