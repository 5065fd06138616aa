"""The demo world's scenario: what the synthetic generator (demo.py) draws from.

Every table lives in `reference/scenario/` as a small CSV whose rows name their public source
(keys explained in `reference/SOURCES.md`, section "scenario/"). Nothing here is an incident:
these are the weights, routes, actors, grades and seasons a mission analyst would recognise
from public reporting, and the generator turns them into invented records.

The geometry helper measures how far an admin-1 area is from a neighbouring country (polygon
to polygon, in km), so that a land route is only drawn where its partner country is near.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .config import REFERENCE_DIR

SCENARIO_DIR = REFERENCE_DIR / "scenario"
BOUNDARIES = REFERENCE_DIR / "admin1_boundaries.geojson"
DEFAULT_ROWS = 50_000      # the app's demo store; the scenario's rates per 100,000 are set at this size
LAND_ROUTE_KM = 250        # a land route is drawn only where its partner is this near (tests allow 300)
CROSSING_KM = 300          # a named crossing is recorded only if it is this near the area
SEA_AIR = ("sea", "air")


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(SCENARIO_DIR / name, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class Scenario:
    market_mix: pd.DataFrame      # iso3, mission, territory_share, market, weight, cross_border, actor_known
    rates: pd.DataFrame           # iso3, victims_per_100k (trafficking victims a year, at DEFAULT_ROWS)
    hotspots: pd.DataFrame        # iso3, market ('*' = any), admin1_code ('*' = unlisted), weight
    routes: pd.DataFrame          # iso3, market, origin, transit, destination, mode, areas, weight
    subtypes: pd.DataFrame        # iso3 ('*' = default), market, subtype, share, seizure attributes
    reliability: pd.DataFrame     # source_type, share_of_reports, A..F
    credibility: pd.DataFrame     # sources ('1' or '2+'), 1..6
    markings: pd.DataFrame        # source_type ('*' = default), classification, tlp, share
    seasons: pd.DataFrame         # iso3, market ('*'), peak_month, amplitude
    arrests: pd.DataFrame         # market, female_share, unknown_share
    actors: pd.DataFrame          # actor_id, home_iso3, home_admin1, markets, active years, transnational
    trends: pd.DataFrame          # iso3, market ('*'), admin1_code ('*'), change over the whole period
    trend_table: dict             # the same, keyed (iso3, market, admin1_code)

    def trend(self, iso3: str, market: str, admin1_code: str | None) -> float | None:
        """A documented change over the period for a cell, most specific row first; None if none."""
        table = self.trend_table
        for m, a in ((market, admin1_code), (market, "*"), ("*", admin1_code)):
            if (iso3, m, a) in table:
                return table[(iso3, m, a)]
        return None

    def hotspot_weights(self, iso3: str, market: str, codes: list[str]) -> np.ndarray:
        """Weights of `codes` (the territory's admin-1 units) for one market."""
        rows = self.hotspots[self.hotspots.iso3 == iso3]
        default = rows[rows.market == "*"]
        own = rows[rows.market == market]
        table = dict(zip(default.admin1_code, default.weight.astype(float)))
        if not own.empty:
            floor = own[own.admin1_code == "*"]
            table = {"*": float(floor.weight.iloc[0]) if len(floor) else table.get("*", 0.0),
                     **{c: w for c, w in table.items() if c != "*" and w == 0.0},   # an excluded area stays out
                     **dict(zip(own.admin1_code, own.weight.astype(float)))}
        return np.array([table.get(c, table.get("*", 0.0)) for c in codes], dtype=float)

    def season(self, iso3: str, market: str) -> tuple[float, float]:
        """(amplitude, peak week of the year) for a market in a territory."""
        rows = self.seasons[self.seasons.iso3 == iso3]
        row = rows[rows.market == market]
        if row.empty:
            row = rows[rows.market == "*"]
        if row.empty:
            return 0.0, 1.0
        month = float(row.peak_month.iloc[0])
        return float(row.amplitude.iloc[0]), (month - 0.5) * 52 / 12

    def subtypes_for(self, iso3: str, market: str) -> pd.DataFrame:
        own = self.subtypes[(self.subtypes.iso3 == iso3) & (self.subtypes.market == market)]
        return own if len(own) else self.subtypes[(self.subtypes.iso3 == "*") & (self.subtypes.market == market)]

    def actor_markets(self) -> dict[str, dict[str, float]]:
        return {r.actor_id: {m.split(":")[0]: float(m.split(":")[1]) for m in r.markets.split(";")}
                for r in self.actors.itertuples()}


@lru_cache(maxsize=1)
def load() -> Scenario:
    trends = _csv("trends.csv")
    return Scenario(
        market_mix=_csv("market_mix.csv"), rates=_csv("trafficking_rates.csv"), hotspots=_csv("hotspots.csv"),
        routes=_csv("routes.csv"), subtypes=_csv("subtypes.csv"), reliability=_csv("reliability.csv"),
        credibility=_csv("credibility.csv"), markings=_csv("markings.csv"), seasons=_csv("seasons.csv"),
        arrests=_csv("arrests.csv"), actors=_csv("actors.csv"), trends=trends,
        trend_table={(r.iso3, r.market, r.admin1_code): float(r.change) for r in trends.itertuples()})


def route_partner(host: str, origin: str | None, transit: str | None, destination: str | None) -> str | None:
    """The country across the border from the host on a route's first leg that touches it.

    Host as origin: the next country (transit, else destination). Otherwise the country just
    before the host: the origin when the host is the transit, else the transit, else the origin.
    """
    chain = [c for c in (origin, transit, destination) if c]
    if host not in chain:
        return None
    i = chain.index(host)
    if i == 0:
        return chain[1] if len(chain) > 1 else None
    return chain[i - 1]


def _project(lat0: float):
    k = math.cos(math.radians(lat0))
    return lambda xy: np.column_stack([xy[:, 0] * 111.32 * k, xy[:, 1] * 110.57])


@lru_cache(maxsize=1)
def _outlines() -> tuple[dict, dict]:
    import shapely
    from shapely.geometry import shape
    features = json.loads(Path(BOUNDARIES).read_text(encoding="utf-8"))["features"]
    by_code = {f["properties"]["code"]: shape(f["geometry"]) for f in features}
    by_country: dict[str, list] = {}
    for f in features:
        by_country.setdefault(f["properties"]["iso3"], []).append(by_code[f["properties"]["code"]])
    return by_code, {iso3: shapely.union_all(parts) for iso3, parts in by_country.items()}


def area_to_country_km(admin1_code: str, iso3: str) -> float:
    """Shortest distance in km from an admin-1 outline to a country's outline (inf if either is missing)."""
    return _distance_km(admin1_code, iso3)


@lru_cache(maxsize=4096)
def _distance_km(admin1_code: str, iso3: str) -> float:
    import shapely
    by_code, by_country = _outlines()
    area, country = by_code.get(admin1_code), by_country.get(iso3)
    if area is None or country is None:
        return math.inf
    project = _project(area.representative_point().y)
    return float(shapely.transform(area, project).distance(shapely.transform(country, project)))


def area_to_point_km(admin1_code: str, lat: float, lon: float) -> float:
    import shapely
    by_code, _ = _outlines()
    area = by_code.get(admin1_code)
    if area is None:
        return math.inf
    project = _project(area.representative_point().y)
    return float(shapely.transform(area, project).distance(shapely.transform(shapely.Point(lon, lat), project)))
