"""Export views `actors` (the register with activity counts) and `actor_links` (the graph's edges),
masked as the page is: `python -m tnt_dash export actors --format csv`."""
from __future__ import annotations

import pandas as pd

from .. import queries
from ..access import Profile
from ..filters import Filters
from ..presented import View
from ..scope import Scope
from . import graph, names


def register_frame(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """Every actor the profile may see, with its incidents in view. A masked actor's aliases are left
    out: they would give its name away."""
    where, params = queries.scope(filters, profile)
    alias_sql = "al.aliases" if profile.restricted_actor_names else "CASE WHEN ac.name_restricted THEN NULL ELSE al.aliases END"
    release = "array_to_string(ac.releasable_to, ';')" if profile.sees_internal else "NULL"
    frame = queries._df(con, f"""
        WITH act AS (SELECT i.actor_id, count(*) AS incidents, coalesce(sum(i.fatalities), 0)::BIGINT AS fatalities,
                            count(DISTINCT i.iso3) AS countries, max(i.date_occurred) AS last_incident
                     FROM incidents i WHERE {where} AND i.actor_id IS NOT NULL GROUP BY 1),
             al AS (SELECT actor_id, string_agg(alias, ' | ' ORDER BY alias) AS aliases FROM actor_aliases
                    WHERE kind NOT IN ('identifier', 'name_en') GROUP BY 1)
        SELECT ac.actor_id, {names.name_sql(profile, lang=lang)} AS name, ac.gitoc_actor_type, {names.masked_sql(profile)} AS masked,
               {alias_sql} AS aliases, ac.home_iso3, array_to_string(ac.home_admin1, ';') AS home_admin1,
               array_to_string(ac.markets, ';') AS markets, ac.active_from, ac.active_to,
               ac.violence, ac.corruption, ac.infiltration, ac.reach, ac.adaptability, ac.links,
               ac.assessment_confidence, {release} AS releasable_to,
               coalesce(act.incidents, 0) AS incidents, coalesce(act.fatalities, 0) AS fatalities,
               coalesce(act.countries, 0) AS countries, act.last_incident
        FROM actors ac LEFT JOIN act ON act.actor_id = ac.actor_id LEFT JOIN al ON al.actor_id = ac.actor_id
        WHERE {names.visible(profile)}
        ORDER BY incidents DESC, ac.actor_id""", params)
    return frame


def actors_view(con, scope: Scope) -> View:
    filters, profile, t = scope.filters, scope.profile, scope.t
    frame = names.labelled(register_frame(con, filters, profile, t.lang), t)
    frame["gitoc_actor_type"] = [names.type_label(t, g) for g in frame["gitoc_actor_type"]]
    _ = t.gettext
    columns = {"actor_id": _("Actor identifier"), "actor": _("Actor"), "gitoc_actor_type": _("GI-TOC actor type"),
               "aliases": _("Aliases"), "home_iso3": _("Home country"), "home_admin1": _("Home admin-1 areas"),
               "markets": _("Markets"), "active_from": _("Active from"), "active_to": _("Active to"),
               "violence": _("Violence"), "corruption": _("Corruption"), "infiltration": _("Infiltration"),
               "reach": _("Reach"), "adaptability": _("Adaptability"), "links": _("Links"),
               "assessment_confidence": _("Confidence in the assessment"), "releasable_to": _("Released to"),
               "incidents": _("Incidents"), "fatalities": _("Fatalities"), "countries": _("Countries"),
               "last_incident": _("Last incident")}
    if not profile.sees_internal:
        columns.pop("releasable_to")
    frame = frame[list(columns)]
    frame = frame.astype(object).where(frame.notna(), None)     # no pandas NA in a JSON or XLSX file
    return View("actors", _("Actor register with activity in view"), frame.rename(columns=columns))


def links_view(con, scope: Scope) -> View:
    """Every actor-to-actor edge of the graph (no top-N cut): recorded links and co-activity."""
    t = scope.t
    _ = t.gettext
    net = graph.network(con, scope, top=graph.MAX_TOP)
    label = net.nodes.set_index("key")["label"]
    edges = net.edges[net.edges["a"].str.startswith("actor:") & net.edges["b"].str.startswith("actor:")]
    kinds = {"co_active": _("Active in the same area and month"), "alliance": _("Alliance"), "rivalry": _("Rivalry"),
             "supplier": _("Supplier"), "splinter": _("Splinter")}
    frame = pd.DataFrame({
        _("Actor"): [label[a] for a in edges["a"]], _("Linked actor"): [label[b] for b in edges["b"]],
        _("Link"): [kinds[k] for k in edges["kind"]],
        _("Incidents in shared area-months"): edges["incidents"].tolist(),
        _("Area-months shared"): edges["cells"].tolist(), _("Source"): edges["source"].tolist(),
        _("Grade"): edges["grade"].tolist()})
    return View("actor_links", _("Links between actors"), frame)
