"""The cyber-threat figures: (filters, profile) in, small frames out, aggregated in SQL.

A cyber incident is one of a cyber-enabled or cyber-dependent market (reference markets.csv, column
cyber). Every query ANDs the viewer's filters and the profile's records (queries.scope) with that.
No query here reads a platform, account or handle identifier (cyber_account_ref), nor an incident id:
those never leave the store through this page or its export, whatever the profile.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..access import Profile
from ..filters import Filters
from ..queries import BOYS, GIRLS, MEN, PLACE, UNKNOWN, VICTIMS, WOMEN, _df, _lang, _one, scope

CYBER = "i.market IN (SELECT code FROM markets WHERE cyber <> 'none')"
GROUP_SQL = ", ".join(f"coalesce(sum({expr}), 0)::BIGINT AS {name}" for name, expr in (
    ("women", WOMEN), ("men", MEN), ("girls", GIRLS), ("boys", BOYS), ("unknown", UNKNOWN), ("victims", VICTIMS)))
FOREIGN = "(i.offender_iso3 IS NOT NULL AND i.offender_iso3 <> coalesce(i.iso3, ''))"
# Whitelist: what the victims and losses are broken down by.
BY = {"modus": "coalesce(i.cyber_modus, 'other')", "channel": "coalesce(i.cyber_channel, 'other')"}


def _where(filters: Filters, profile: Profile) -> tuple[str, list]:
    where, params = scope(filters, profile)
    return f"{where} AND {CYBER}", params


@dataclass
class Headline:
    incidents: int
    with_modus: int          # incidents whose modus operandi was recorded
    victims: int
    losses_recorded: int     # incidents with a loss recorded
    loss_usd: float          # their sum
    loss_median: float | None
    offender_known: int
    offender_foreign: int
    residence_known: int
    tfgbv: int
    first: date | None = None
    last: date | None = None


def headline(con, filters: Filters, profile: Profile) -> Headline:
    where, params = _where(filters, profile)
    row = _one(con, f"""
        SELECT count(*), count(i.cyber_modus), coalesce(sum({VICTIMS}), 0)::BIGINT,
               count(i.cyber_loss_usd), coalesce(sum(i.cyber_loss_usd), 0)::DOUBLE, median(i.cyber_loss_usd),
               count(i.offender_iso3), count(*) FILTER (WHERE {FOREIGN}), count({PLACE}),
               count(*) FILTER (WHERE coalesce(i.tfgbv, FALSE)), min(i.date_occurred), max(i.date_occurred)
        FROM incidents i WHERE {where}""", params)
    return Headline(*[int(v) if isinstance(v, int) else v for v in row[:10]], first=row[10], last=row[11])


def monthly(con, filters: Filters, profile: Profile, by: str = "modus") -> pd.DataFrame:
    """Incidents per calendar month and modus operandi (or channel): month, key, incidents."""
    where, params = _where(filters, profile)
    return _df(con, f"""
        SELECT date_trunc('month', i.date_occurred)::DATE AS month, {BY[by]} AS key, count(*) AS incidents
        FROM incidents i WHERE {where} GROUP BY ALL ORDER BY month, key""", params)


def breakdown(con, filters: Filters, profile: Profile, by: str = "modus") -> pd.DataFrame:
    """Per modus operandi (or channel): incidents, losses (recorded count, sum, median) and victims by
    group (women, men, girls, boys, unknown), largest first. Victim counts are raw here: the screen and
    the export protect them (screen.py, export.py)."""
    if by not in BY:
        raise ValueError(f"unknown cyber breakdown {by!r}; expected one of {', '.join(BY)}")
    where, params = _where(filters, profile)
    return _df(con, f"""
        SELECT {BY[by]} AS key, count(*) AS incidents, count(i.cyber_loss_usd) AS losses_recorded,
               coalesce(sum(i.cyber_loss_usd), 0)::DOUBLE AS loss_usd, median(i.cyber_loss_usd) AS loss_median,
               count(*) FILTER (WHERE coalesce(i.tfgbv, FALSE)) AS tfgbv, {GROUP_SQL}
        FROM incidents i WHERE {where} GROUP BY 1 ORDER BY incidents DESC, key""", params)


def modus_channel(con, filters: Filters, profile: Profile) -> pd.DataFrame:
    """Per (modus, channel): incidents, losses and victims by group; the export's table."""
    where, params = _where(filters, profile)
    return _df(con, f"""
        SELECT {BY['modus']} AS modus, {BY['channel']} AS channel, count(*) AS incidents,
               count(i.cyber_loss_usd) AS losses_recorded, coalesce(sum(i.cyber_loss_usd), 0)::DOUBLE AS loss_usd,
               {GROUP_SQL}
        FROM incidents i WHERE {where} GROUP BY ALL ORDER BY incidents DESC, modus, channel""", params)


def tfgbv_victims(con, filters: Filters, profile: Profile) -> pd.DataFrame:
    """Victims of technology-facilitated gender-based violence by group: one row, key 'tfgbv'."""
    where, params = _where(filters, profile)
    return _df(con, f"""SELECT 'tfgbv' AS key, count(*) AS incidents, {GROUP_SQL}
                        FROM incidents i WHERE {where} AND coalesce(i.tfgbv, FALSE)""", params)


def offender_flows(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """Offenders' country -> victims' admin-1 area: incidents per pair, with names and the area's
    centroid. Only incidents with both ends known."""
    col = _lang(lang)
    where, params = _where(filters, profile)
    return _df(con, f"""
        WITH pairs AS (SELECT i.offender_iso3 AS offender, {PLACE} AS area, any_value(i.iso3) AS iso3,
                              count(*) AS incidents, count(*) FILTER (WHERE {FOREIGN}) AS foreign_offenders
                       FROM incidents i WHERE {where} AND i.offender_iso3 IS NOT NULL AND {PLACE} IS NOT NULL
                       GROUP BY 1, 2)
        SELECT p.*, coalesce(c.name_{col}, p.offender) AS offender_label, a.name_{col} AS area_label, a.lat, a.lon
        FROM pairs p LEFT JOIN countries c ON c.iso3 = p.offender JOIN admin1_named a ON a.code = p.area
        ORDER BY p.incidents DESC, p.offender, p.area""", params)


def offender_countries(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """Incidents by the offenders' country (known only), with whether it is abroad."""
    col = _lang(lang)
    where, params = _where(filters, profile)
    return _df(con, f"""
        WITH k AS (SELECT i.offender_iso3 AS offender, count(*) AS incidents,
                          count(*) FILTER (WHERE {FOREIGN}) AS foreign_offenders
                   FROM incidents i WHERE {where} AND i.offender_iso3 IS NOT NULL GROUP BY 1)
        SELECT k.*, coalesce(c.name_{col}, k.offender) AS label FROM k LEFT JOIN countries c ON c.iso3 = k.offender
        ORDER BY k.incidents DESC, k.offender""", params)


@dataclass
class Recruitment:
    """Fake job offers and the trafficking they led to. A link counts only when the trafficking
    record is one the profile may see too: a shared screen learns nothing of a restricted record."""
    offers: int
    linked: int
    median_days: float | None
    trafficking_victims: int
    by_country: pd.DataFrame = field(default_factory=pd.DataFrame)


def recruitment(con, filters: Filters, profile: Profile, lang: str) -> Recruitment:
    col = _lang(lang)
    where, params = _where(filters, profile)
    visible = profile.where("t")
    frame = _df(con, f"""
        WITH offers AS (SELECT i.iso3, i.date_occurred, i.linked_trafficking_id FROM incidents i
                        WHERE {where} AND i.cyber_modus = 'fake_job_offer'),
             linked AS (SELECT o.iso3, date_diff('day', o.date_occurred, t.date_occurred) AS days,
                               {VICTIMS.replace('i.', 't.')} AS victims
                        FROM offers o JOIN incidents t ON t.incident_id = o.linked_trafficking_id
                        WHERE t.market = 'human_trafficking' AND {visible})
        SELECT o.iso3, c.name_{col} AS label, count(*) AS offers,
               (SELECT count(*) FROM linked l WHERE l.iso3 IS NOT DISTINCT FROM o.iso3) AS linked,
               (SELECT median(days) FROM linked l WHERE l.iso3 IS NOT DISTINCT FROM o.iso3) AS median_days,
               (SELECT coalesce(sum(victims), 0) FROM linked l WHERE l.iso3 IS NOT DISTINCT FROM o.iso3) AS victims
        FROM offers o LEFT JOIN countries c ON c.iso3 = o.iso3 GROUP BY ALL ORDER BY offers DESC, o.iso3""", params)
    totals = _one(con, f"""
        SELECT count(*), median(date_diff('day', i.date_occurred, t.date_occurred))
        FROM incidents i JOIN incidents t ON t.incident_id = i.linked_trafficking_id
        WHERE {where} AND i.cyber_modus = 'fake_job_offer' AND t.market = 'human_trafficking' AND {visible}""", params)
    return Recruitment(offers=int(frame["offers"].sum()), linked=int(totals[0]),
                       median_days=None if totals[1] is None else float(totals[1]),
                       trafficking_victims=int(frame["victims"].sum()), by_country=frame)


def national_scores(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """The GI-TOC index's cyber-dependent crimes and financial crimes scores (latest edition imported)
    for the countries in view, beside their cyber incidents. Empty when the index is not imported."""
    col = _lang(lang)
    where, params = _where(filters, profile)
    return _df(con, f"""
        WITH here AS (SELECT i.iso3, count(*) AS incidents FROM incidents i WHERE {where} AND i.iso3 IS NOT NULL
                      GROUP BY 1),
             latest AS (SELECT iso3, max(edition) AS edition FROM gitoc_scores WHERE kind = 'market'
                        AND indicator IN ('Cyber-dependent crimes', 'Financial crimes') GROUP BY 1)
        SELECT h.iso3, c.name_{col} AS label, h.incidents, l.edition,
               max(g.score) FILTER (WHERE g.indicator = 'Cyber-dependent crimes') AS cyber_dependent,
               max(g.score) FILTER (WHERE g.indicator = 'Financial crimes') AS financial
        FROM here h JOIN latest l ON l.iso3 = h.iso3
        JOIN gitoc_scores g ON g.iso3 = h.iso3 AND g.edition = l.edition AND g.kind = 'market'
        LEFT JOIN countries c ON c.iso3 = h.iso3
        GROUP BY ALL ORDER BY h.incidents DESC, h.iso3""", params)


__all__ = ["headline", "monthly", "breakdown", "modus_channel", "tfgbv_victims", "offender_flows",
           "offender_countries", "recruitment", "national_scores"]
