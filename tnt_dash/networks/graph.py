"""The link graph: actors, the admin-1 areas, markets and corridors of their incidents, the actors
active in the same area and month, and the links the analyst recorded.

Everything is aggregated in one SQL pass (GROUPING SETS over the viewer's incidents); the layout is
computed by networkx on those aggregates (at most a few hundred nodes and edges), never on rows, so
the page costs the same at 10M incidents as at 20k, apart from the one scan.

Nodes are keyed "actor:ACT-004", "area:HT-OU", "market:cocaine", "corridor:HTI>DOM": a clicked node's
key is all the page needs to filter (`focus_where`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from .. import queries
from ..access import Profile
from ..filters import Filters
from ..i18n import N_
from ..scope import Scope
from . import names

NODE_KINDS = ("actor", "area", "market", "corridor")
NODE_LABELS = {"actor": N_("Criminal group"), "area": N_("Admin-1 area"), "market": N_("Market"),
               "corridor": N_("Corridor (origin → destination)")}
EDGE_LABELS = {"activity": N_("Shared incidents (width)"), "alliance": N_("Alliance (recorded)"),
               "rivalry": N_("Rivalry (recorded)"), "supplier": N_("Supplier (recorded)"),
               "splinter": N_("Splinter (recorded)")}
DEFAULT_TOP = 12
MAX_TOP = 40
AREA_CAP, MARKET_CAP, CORRIDOR_CAP = 14, 10, 8
LAYOUT_SEED = 35      # a fixed seed: the same view gives the same picture


@dataclass(frozen=True)
class Network:
    nodes: pd.DataFrame      # key, kind, code, label, incidents, fatalities, masked, x, y
    edges: pd.DataFrame      # a, b, kind (area|market|corridor|co_active|alliance|rivalry|supplier|splinter),
                             # incidents, cells, source, grade
    actors_total: int        # actors with incidents in view, before the top-N cut
    actors_shown: int
    focus: str | None


def parse_focus(focus: str | None) -> tuple[str, str] | None:
    """("area", "HT-OU") from "area:HT-OU"; None for no focus; ValueError for anything else."""
    if not focus:
        return None
    kind, _, code = focus.partition(":")
    if kind not in NODE_KINDS or not code:
        raise ValueError(f"not a node of the graph: {focus!r}")
    if kind == "corridor" and code.count(">") != 1:
        raise ValueError(f"a corridor is ORIGIN>DESTINATION: {focus!r}")
    return kind, code


def focus_where(focus: str | None, alias: str = "i") -> tuple[str, list]:
    """The SQL predicate (bound values) of a clicked area, market or corridor. An actor's focus
    narrows the graph to its neighbours after the layout (`ego`), not the records."""
    parsed = parse_focus(focus)
    if parsed is None or parsed[0] == "actor":
        return "TRUE", []
    kind, code = parsed
    if kind == "area":
        return f"{alias}.admin1_code = ?", [code]
    if kind == "market":
        return f"{alias}.market = ?", [code]
    origin, destination = code.split(">")
    return f"({alias}.cross_border AND {alias}.origin_iso3 = ? AND {alias}.destination_iso3 = ?)", [origin, destination]


def _aggregates(con, filters: Filters, profile: Profile, focus: str | None) -> pd.DataFrame:
    where, params = queries.scope(filters, profile)
    extra, extra_params = focus_where(focus)
    # GROUPING(admin1_code, market, corridor, month) bits, 1 = summed over: 15 actor totals, 7 per area,
    # 11 per market, 13 per corridor, 6 per area and month (the co-activity cells).
    return queries._df(con, f"""
        WITH base AS (
            SELECT i.actor_id, i.admin1_code, i.market, i.fatalities,
                   date_trunc('month', i.date_occurred)::DATE AS month,
                   CASE WHEN i.cross_border AND i.origin_iso3 IS NOT NULL AND i.destination_iso3 IS NOT NULL
                        THEN i.origin_iso3 || '>' || i.destination_iso3 END AS corridor
            FROM incidents i JOIN actors ac ON ac.actor_id = i.actor_id
            WHERE {where} AND {names.visible(profile)} AND {extra}),
        g AS (
            SELECT actor_id, admin1_code, market, corridor, month, count(*) AS n, sum(fatalities) AS fatalities,
                   GROUPING(admin1_code, market, corridor, month) AS gid
            FROM base
            GROUP BY GROUPING SETS ((actor_id), (actor_id, admin1_code), (actor_id, market), (actor_id, corridor),
                                   (actor_id, admin1_code, month))),
        cells AS (SELECT actor_id, admin1_code, month, n FROM g WHERE gid = 6 AND admin1_code IS NOT NULL)
        SELECT CASE gid WHEN 15 THEN 'total' WHEN 7 THEN 'area' WHEN 11 THEN 'market' ELSE 'corridor' END AS part,
               actor_id, coalesce(admin1_code, market, corridor) AS other, n AS incidents, fatalities, NULL::BIGINT AS cells
        FROM g WHERE gid IN (15, 7, 11, 13) AND (gid = 15 OR coalesce(admin1_code, market, corridor) IS NOT NULL)
        UNION ALL
        SELECT 'co_active', a.actor_id, b.actor_id, sum(a.n + b.n), NULL, count(*)
        FROM cells a JOIN cells b ON a.admin1_code = b.admin1_code AND a.month = b.month AND a.actor_id < b.actor_id
        GROUP BY a.actor_id, b.actor_id
        ORDER BY part, incidents DESC, actor_id, other""", [*params, *extra_params])


def actor_table(con, profile: Profile, lang: str = "en") -> pd.DataFrame:
    """The actors the profile may see: actor_id, name (NULL where masked), gitoc_actor_type, masked."""
    return queries._df(con, f"""
        SELECT ac.actor_id, {names.name_sql(profile, lang=lang)} AS name, ac.gitoc_actor_type, {names.masked_sql(profile)} AS masked
        FROM actors ac WHERE {names.visible(profile)} ORDER BY ac.actor_id""")


def recorded_links(con, profile: Profile) -> pd.DataFrame:
    """The analyst's links between two actors the profile may see, each end followed through a merge.
    Source and grade only where the profile sees source identities and detailed grades."""
    source = "l.source" if profile.source_identities else "NULL"
    grade = ("l.source_reliability || l.info_credibility::VARCHAR" if profile.detailed_grades else "NULL")
    return queries._df(con, f"""
        WITH ends AS (
            SELECT coalesce(a.merged_into, a.actor_id) AS a, coalesce(b.merged_into, b.actor_id) AS b, l.kind,
                   {source} AS source, {grade} AS grade
            FROM actor_links l JOIN actors a ON a.actor_id = l.actor_a JOIN actors b ON b.actor_id = l.actor_b)
        SELECT e.* FROM ends e JOIN actors ac ON ac.actor_id = e.a JOIN actors bc ON bc.actor_id = e.b
        WHERE e.a <> e.b AND {names.visible(profile, 'ac')} AND {names.visible(profile, 'bc')}
        ORDER BY e.a, e.b, e.kind""")


def _labels(con, lang: str) -> dict[str, dict[str, str]]:
    col = queries._lang(lang)
    return {
        "area": dict(queries._rows(con, f"SELECT code, name_{col} FROM admin1_named")),
        "market": dict(queries._rows(con, f"SELECT code, label_{col} FROM markets")),
        "country": dict(queries._rows(con, f"SELECT iso3, name_{col} FROM countries")),
    }


def corridor_label(code: str, countries: dict[str, str]) -> str:
    origin, destination = code.split(">")
    return f"{countries.get(origin, origin)} → {countries.get(destination, destination)}"


def network(con, scope: Scope, top: int = DEFAULT_TOP, focus: str | None = None) -> Network:
    """The graph of the `top` most active actors in view (and what links them), laid out."""
    filters, profile, lang, t = scope.filters, scope.profile, scope.lang, scope.t
    top = max(1, min(int(top), MAX_TOP))
    parsed = parse_focus(focus)
    agg = _aggregates(con, filters, profile, focus)
    actors = names.labelled(actor_table(con, profile, lang), t).set_index("actor_id")
    totals = agg[agg["part"] == "total"]
    chosen = list(totals["actor_id"].head(top))
    if parsed and parsed[0] == "actor" and parsed[1] in set(totals["actor_id"]) and parsed[1] not in chosen:
        chosen.append(parsed[1])     # a clicked actor stays on the graph whatever the top-N cut
    keep = set(chosen)
    labels = _labels(con, lang)
    rows = [dict(key=f"actor:{a}", kind="actor", code=a, label=actors.at[a, "actor"], incidents=int(n),
                 fatalities=int(f or 0), masked=bool(actors.at[a, "masked"]))
            for a, n, f in totals[totals["actor_id"].isin(keep)][["actor_id", "incidents", "fatalities"]].itertuples(index=False)]
    edges = []
    for part, cap in (("area", AREA_CAP), ("market", MARKET_CAP), ("corridor", CORRIDOR_CAP)):
        links = agg[(agg["part"] == part) & agg["actor_id"].isin(keep)]
        size = links.groupby("other", sort=False)[["incidents", "fatalities"]].sum()
        size = size.sort_values("incidents", ascending=False, kind="stable").head(cap)
        for code, (n, f) in size.iterrows():
            label = (corridor_label(code, labels["country"]) if part == "corridor"
                     else labels[part].get(code, code))
            rows.append(dict(key=f"{part}:{code}", kind=part, code=code, label=label, incidents=int(n),
                             fatalities=int(f or 0), masked=False))
        for a, code, n in links[links["other"].isin(size.index)][["actor_id", "other", "incidents"]].itertuples(index=False):
            edges.append(dict(a=f"actor:{a}", b=f"{part}:{code}", kind=part, incidents=int(n), cells=None,
                              source=None, grade=None))
    co = agg[(agg["part"] == "co_active") & agg["actor_id"].isin(keep) & agg["other"].isin(keep)]
    for a, b, n, cells in co[["actor_id", "other", "incidents", "cells"]].itertuples(index=False):
        edges.append(dict(a=f"actor:{a}", b=f"actor:{b}", kind="co_active", incidents=int(n), cells=int(cells),
                          source=None, grade=None))
    for a, b, kind, source, grade in recorded_links(con, profile).itertuples(index=False):
        if a in keep and b in keep:
            edges.append(dict(a=f"actor:{a}", b=f"actor:{b}", kind=kind, incidents=None, cells=None,
                              source=source, grade=grade))
    nodes = pd.DataFrame(rows, columns=["key", "kind", "code", "label", "incidents", "fatalities", "masked"])
    edge_frame = pd.DataFrame(edges, columns=["a", "b", "kind", "incidents", "cells", "source", "grade"])
    if parsed and parsed[0] == "actor":
        nodes, edge_frame = ego(nodes, edge_frame, f"actor:{parsed[1]}")
    nodes = layout(nodes, edge_frame)
    return Network(nodes=nodes, edges=edge_frame, actors_total=len(totals),
                   actors_shown=int((nodes["kind"] == "actor").sum()), focus=focus)


def ego(nodes: pd.DataFrame, edges: pd.DataFrame, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The node `key`, its neighbours and the edges among them."""
    touching = edges[(edges["a"] == key) | (edges["b"] == key)]
    keep = {key, *touching["a"], *touching["b"]}
    edges = edges[edges["a"].isin(keep) & edges["b"].isin(keep)].reset_index(drop=True)
    return nodes[nodes["key"].isin(keep)].reset_index(drop=True), edges


def layout(nodes: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """x, y for each node, each axis scaled to −1…1: a force-directed layout (networkx spring_layout,
    fixed seed) in which heavier edges (log of their incidents; a recorded link weighs as 5 incidents)
    pull their ends a little closer. A few milliseconds for the 40-group maximum."""
    nodes = nodes.copy()
    if nodes.empty:
        return nodes.assign(x=pd.Series(dtype=float), y=pd.Series(dtype=float))
    graph = nx.Graph()
    graph.add_nodes_from(nodes["key"])
    for a, b, n in edges[["a", "b", "incidents"]].itertuples(index=False):
        weight = 1.0 + math.log1p(5 if n is None or (isinstance(n, float) and math.isnan(n)) else n)
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += weight
        else:
            graph.add_edge(a, b, weight=weight)
    # Edge weights only nudge (log scale): a linear pull packed every group around the busiest market.
    pos = nx.spring_layout(graph, weight="weight", seed=LAYOUT_SEED, k=2.5 / math.sqrt(len(graph)), iterations=200)
    xy = np.array([pos[key] for key in nodes["key"]], dtype=float)
    span = np.ptp(xy, axis=0)
    xy = np.where(span > 0, 2 * (xy - xy.min(axis=0)) / np.where(span > 0, span, 1) - 1, 0.0)
    nodes["x"], nodes["y"] = xy[:, 0].round(4), xy[:, 1].round(4)
    return nodes
