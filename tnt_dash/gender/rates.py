"""Detected trafficking victims per 100,000 population (SDG 16.2.2-style, from police records) and
the imported UNODC national series beside it."""
from __future__ import annotations

import pandas as pd

from .. import queries
from ..queries import VICTIMS, _df, _lang
from ..scope import Scope
from .audit import hidden
from .counts import AGE_PARTS, COUNT_SQL, SEX_PARTS
from .table import TOTAL_KEY, Table, protect, with_total

HUMAN_TRAFFICKING = "human_trafficking"
PER_POPULATION = 100_000


def trafficking_rate(con, scope: Scope) -> Table:
    """Detected victims of human trafficking (market human_trafficking) per 100,000 population, by
    country, sex and age, from incident records, with the population's year and source."""
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    col = _lang(t.lang)
    where, params = queries.scope(filters, profile)
    # Counted per country first, labelled after: the join touches a few rows, not every record.
    frame = _df(con, f"""
        WITH agg AS (
            SELECT i.iso3 AS key, {COUNT_SQL}
            FROM incidents i WHERE {where} AND i.market = ? AND i.iso3 IS NOT NULL
            GROUP BY 1 HAVING sum({VICTIMS}) > 0)
        SELECT agg.key, c.name_{col} AS label, c.population, c.pop_year, c.pop_source, agg.* EXCLUDE (key)
        FROM agg JOIN countries c ON c.iso3 = agg.key
        ORDER BY agg.victims DESC, agg.key""", [*params, HUMAN_TRAFFICKING])
    frame = frame[["key", "label", "population", "pop_year", "pop_source", "victims", *SEX_PARTS, *AGE_PARTS]]
    suppress = profile.must_suppress(destination)
    if frame.empty:
        return Table(frame, suppressed=suppress)
    # The total row exists only so the audit knows the column totals; a rate over several
    # countries' summed populations would mean little, so it is not kept.
    full = with_total(frame, ("victims", *SEX_PARTS, *AGE_PARTS), t.gettext("Total"))
    table = protect(full, [SEX_PARTS, AGE_PARTS], "victims", suppress)
    if table.withheld:
        return table
    f = table.frame[table.frame["key"] != TOTAL_KEY].reset_index(drop=True)
    for c in ("victims", *SEX_PARTS, *AGE_PARTS):
        f[f"rate_{c}"] = [None if hidden(v) or not pop or pd.isna(pop) else int(v) / float(pop) * PER_POPULATION
                          for v, pop in zip(f[c], f["population"])]
    return Table(f, suppressed=suppress)


def national_series(con, iso3s: tuple[str, ...], limit: int = 400) -> pd.DataFrame:
    """Imported UNODC series on detected trafficking victims (SDG 16.2.2 and GLOTIP counts) for
    these countries, latest year of each series, as published: "<5" stays "<5"."""
    if not iso3s:
        return pd.DataFrame(columns=["source", "iso3", "indicator", "dimension", "category", "sex", "age", "year",
                                     "unit", "value_text", "censored", "series_source"])
    marks = ", ".join("?" * len(iso3s))
    return _df(con, f"""
        WITH s AS (
            SELECT *, max(year) OVER (PARTITION BY source, iso3, indicator) AS latest
            FROM national_series
            WHERE iso3 IN ({marks})
              AND (indicator ILIKE '%16.2.2%' OR indicator ILIKE '%trafficking victims%'
                   OR indicator ILIKE '%victims of human trafficking%'))
        SELECT source, iso3, indicator, dimension, category, sex, age, year, unit, value_text, censored,
               series_source
        FROM s WHERE year = latest
        ORDER BY iso3, source, indicator, dimension NULLS FIRST, category NULLS FIRST, sex, age
        LIMIT ?""", [*iso3s, int(limit)])


def national_series_count(con) -> int:
    return int(queries._one(con, "SELECT count(*) FROM national_series")[0])


def rate_and_national(con, scope: Scope) -> tuple[Table, pd.DataFrame]:
    """The trafficking rate, then the national series of the countries it covers."""
    filters, profile = scope.filters, scope.profile
    rate = trafficking_rate(con, scope)
    iso3s = set(rate.frame["key"]) if not rate.frame.empty else set(filters.countries)
    if profile.releasable_to_host_state:      # a host State's screen: its own national series only
        iso3s &= {profile.require_host_state()}
    return rate, national_series(con, tuple(sorted(iso3s)))

