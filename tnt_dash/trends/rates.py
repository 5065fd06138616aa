"""Incidents per 100,000 population by host country or territory, each with its population's
year and source."""
from __future__ import annotations

from datetime import date

import pandas as pd

from .. import queries
from ..access import Profile
from ..filters import Filters
from ..queries import _df, _lang


def rates(con, filters: Filters, profile: Profile, lang: str, start: date, end: date) -> pd.DataFrame:
    """Incidents per 100,000 population per country or territory over [start, end], with the
    population's year and source so that every rate can be read against its denominator."""
    col = _lang(lang)
    where, params = queries.scope(filters.with_dates(start, end), profile)
    frame = _df(con, f"""
        SELECT i.iso3 AS key, c.name_{col} AS label, string_agg(DISTINCT i.mission, ', ' ORDER BY i.mission) AS missions,
               count(*) AS incidents, any_value(c.population) AS population, any_value(c.pop_year) AS pop_year,
               any_value(c.pop_source) AS pop_source
        FROM incidents i JOIN countries c ON c.iso3 = i.iso3
        WHERE {where} GROUP BY i.iso3, c.name_{col}""", params)
    frame["rate"] = rate_per_100k(frame["incidents"], frame["population"])
    return frame.sort_values(["rate", "key"], ascending=[False, True], na_position="last").reset_index(drop=True)


def rate_per_100k(incidents, population):
    """incidents / population × 100,000; no rate where the population is unknown or zero."""
    population = pd.to_numeric(pd.Series(population), errors="coerce").astype("float64")
    population = population.where(population > 0)
    return (pd.Series(incidents).astype("float64") / population * 100_000).astype(object).where(
        population.notna(), None)
