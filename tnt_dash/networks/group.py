"""One criminal group's activity, as the viewer may see it: incidents per month, its admin-1 areas,
markets and corridors, its victims by sex and age (protected where data leaves the UN), the actors
linked to it, and its records (capped and masked as in the incident list)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import queries
from ..gender.counts import COUNT_SQL
from ..gender.table import Table
from ..gender.victims import build_groups
from ..scope import Scope
from . import graph, names

RECORDS_SHOWN = 50


@dataclass(frozen=True)
class Group:
    actor_id: str
    actor: str                 # the name the profile may see, or its GI-TOC type
    gitoc_type: str
    masked: bool
    monthly: pd.DataFrame      # month, incidents, fatalities
    areas: pd.DataFrame        # admin1_code, label, iso3, lat, lon, incidents
    markets: pd.DataFrame      # market, label, incidents, fatalities
    corridors: pd.DataFrame    # corridor, label, incidents
    victims: Table             # women, men, girls, boys, unknown per market, total row last
    linked: pd.DataFrame       # actor_id, actor, relation, incidents, cells, source, grade
    records: pd.DataFrame      # queries.incident_list columns, capped


def actors_in_view(con, scope: Scope) -> pd.DataFrame:
    """The actors with records in view, most active first: actor_id, actor (display name), incidents."""
    filters, profile, lang, t = scope.filters, scope.profile, scope.lang, scope.t
    where, params = queries.scope(filters, profile)
    frame = queries._df(con, f"""
        SELECT ac.actor_id, {names.name_sql(profile, lang=lang)} AS name, ac.gitoc_actor_type, {names.masked_sql(profile)} AS masked,
               count(*) AS incidents
        FROM incidents i JOIN actors ac ON ac.actor_id = i.actor_id
        WHERE {where} AND {names.visible(profile)}
        GROUP BY ALL ORDER BY incidents DESC, ac.actor_id""", params)
    return names.labelled(frame, t)[["actor_id", "actor", "incidents"]]


def group(con, scope: Scope, actor_id: str) -> Group | None:
    """The group section for `actor_id`, or None when the profile may not see that actor."""
    filters, profile, lang, t = scope.filters, scope.profile, scope.lang, scope.t
    col = queries._lang(lang)
    head = queries._df(con, f"""SELECT ac.actor_id, {names.name_sql(profile, lang=lang)} AS name, ac.gitoc_actor_type,
                                       {names.masked_sql(profile)} AS masked
                                FROM actors ac WHERE ac.actor_id = ? AND {names.visible(profile)}""", [actor_id])
    if head.empty:
        return None
    head = names.labelled(head, t).iloc[0]
    where, params = queries.scope(filters, profile)
    where += " AND i.actor_id = ?"
    params = [*params, actor_id]
    monthly = queries._df(con, f"""
        SELECT date_trunc('month', i.date_occurred)::DATE AS month, count(*) AS incidents,
               coalesce(sum(i.fatalities), 0) AS fatalities
        FROM incidents i WHERE {where} GROUP BY 1 ORDER BY 1""", params)
    areas = queries._df(con, f"""
        WITH k AS (SELECT i.admin1_code, count(*) AS incidents FROM incidents i
                   WHERE {where} AND i.admin1_code IS NOT NULL GROUP BY 1)
        SELECT k.admin1_code, a.name_{col} AS label, a.iso3, a.lat, a.lon, k.incidents
        FROM k JOIN admin1_named a ON a.code = k.admin1_code ORDER BY k.incidents DESC, k.admin1_code""", params)
    markets = queries._df(con, f"""
        WITH k AS (SELECT i.market, count(*) AS incidents, coalesce(sum(i.fatalities), 0) AS fatalities
                   FROM incidents i WHERE {where} GROUP BY 1)
        SELECT k.market, m.label_{col} AS label, k.incidents, k.fatalities
        FROM k JOIN markets m ON m.code = k.market ORDER BY k.incidents DESC, k.market""", params)
    corridors = queries._df(con, f"""
        SELECT i.origin_iso3 || '>' || i.destination_iso3 AS corridor, count(*) AS incidents
        FROM incidents i WHERE {where} AND i.cross_border AND i.origin_iso3 IS NOT NULL AND i.destination_iso3 IS NOT NULL
        GROUP BY 1 ORDER BY incidents DESC, corridor""", params)
    countries = dict(queries._rows(con, f"SELECT iso3, name_{col} FROM countries"))
    corridors["label"] = [graph.corridor_label(c, countries) for c in corridors["corridor"]]
    counts = queries._df(con, f"""
        WITH k AS (SELECT i.market AS key, {COUNT_SQL} FROM incidents i WHERE {where}
                   GROUP BY 1 HAVING sum({queries.VICTIMS}) > 0)
        SELECT k.key, m.label_{col} AS label, k.* EXCLUDE (key)
        FROM k JOIN markets m ON m.code = k.key ORDER BY k.victims DESC, k.key""", params)
    victims = build_groups(counts, t.gettext("Total"), scope.must_suppress,
                           t.gettext("Other markets ({n})"))
    records = queries.incident_list(con, filters, profile, lang, limit=RECORDS_SHOWN, actor_id=actor_id)
    if "actor" in records:
        records["actor"] = head["actor"]     # the GI-TOC type where the name is masked, never a blank
    return Group(actor_id=actor_id, actor=head["actor"], gitoc_type=head["gitoc_actor_type"], masked=bool(head["masked"]),
                 monthly=monthly, areas=areas, markets=markets, corridors=corridors, victims=victims,
                 linked=linked_actors(con, scope, actor_id), records=records)


def linked_actors(con, scope: Scope, actor_id: str) -> pd.DataFrame:
    """The actors linked to `actor_id`: by the analyst's recorded links (kind, source, grade) and by
    activity in the same admin-1 area and month (cells: area-months shared; incidents: both actors'
    incidents in those cells)."""
    filters, profile, lang, t = scope.filters, scope.profile, scope.lang, scope.t
    where, params = queries.scope(filters, profile)
    co = queries._df(con, f"""
        WITH cells AS (
            SELECT i.actor_id, i.admin1_code, date_trunc('month', i.date_occurred) AS month, count(*) AS n
            FROM incidents i JOIN actors ac ON ac.actor_id = i.actor_id
            WHERE {where} AND {names.visible(profile)} AND i.admin1_code IS NOT NULL GROUP BY ALL)
        SELECT b.actor_id AS other, sum(a.n + b.n) AS incidents, count(*) AS cells
        FROM cells a JOIN cells b ON a.admin1_code = b.admin1_code AND a.month = b.month AND b.actor_id <> a.actor_id
        WHERE a.actor_id = ? GROUP BY 1""", [*params, actor_id])
    rows = [dict(other=o, relation="co_active", incidents=int(n), cells=int(c), source=None, grade=None)
            for o, n, c in co.itertuples(index=False)]
    for a, b, kind, source, grade in graph.recorded_links(con, profile).itertuples(index=False):
        if actor_id in (a, b):
            rows.append(dict(other=b if a == actor_id else a, relation=kind, incidents=None, cells=None,
                             source=source, grade=grade))
    frame = pd.DataFrame(rows, columns=["other", "relation", "incidents", "cells", "source", "grade"])
    actors = names.labelled(graph.actor_table(con, profile, lang), t).set_index("actor_id")["actor"]
    frame = frame[frame["other"].isin(actors.index)]
    frame.insert(1, "actor", [actors[o] for o in frame["other"]])
    order = {"alliance": 0, "supplier": 1, "splinter": 2, "rivalry": 3, "co_active": 4}
    frame = frame.assign(_o=frame["relation"].map(order)).sort_values(["_o", "incidents", "other"],
                                                                       ascending=[True, False, True])
    return frame.drop(columns="_o").rename(columns={"other": "actor_id"}).reset_index(drop=True)
