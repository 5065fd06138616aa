"""Named, parameterised aggregate queries. (filters, profile) in, small frames out.

One module though a little long: every query here shares `scope()` and the label joins, and the
review of what the access profile lets through is easiest with all of them on one page.

Every function scopes its rows with `scope()`, which ANDs the viewer's filters (bound
parameters) with the access profile's record predicate (static SQL from access.py).
Nothing here returns raw incident rows except `incident_list`, which is capped and
masks fields the profile may not see.
"""
from __future__ import annotations

import os
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from .access import HostStateError, Profile
from .filters import Filters, place

WOMEN = "i.v_female_adult"
GIRLS = "i.v_female_child"
MEN = "i.v_male_adult"
BOYS = "i.v_male_child"
UNKNOWN = ("(i.v_female_unknown + i.v_male_unknown + i.v_unknown_child + i.v_unknown_adult"
           " + i.v_unknown_unknown)")
VICTIMS = f"({WOMEN} + {GIRLS} + {MEN} + {BOYS} + {UNKNOWN})"
# Females of unknown age and children of unknown sex are women-or-children whichever they are.
WOMEN_CHILDREN = "(i.v_female_adult + i.v_female_child + i.v_female_unknown + i.v_male_child + i.v_unknown_child)"
ARRESTS = "(i.arrests_female + i.arrests_male + i.arrests_unknown)"
# The admin-1 area an incident counts in (filters.place): cyber incidents at their victims' residence.
PLACE = place("i")
LANG_COLUMNS = {"en": "en", "fr": "fr"}   # whitelist: the language picks a column, never a value


def scope(filters: Filters, profile: Profile, alias: str = "i", date_column: str = "date_occurred",
          rollup: bool | None = None) -> tuple[str, list]:
    """The viewer's filters and the profile's records as one WHERE clause. `rollup`: the table is a
    rollup (incident_weekly, incident_status), which keeps the host States a record is released to
    as a column; by default, a table dated by `week` is the weekly rollup."""
    fsql, params = filters.where(alias, date_column)
    rolled = date_column == "week" if rollup is None else rollup
    return f"({fsql}) AND ({profile.where(alias, rollup=rolled)})", params


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list | None, how: str):
    # Each query on a cursor of its own: the root connection is shared between sessions and threads.
    cur = con.cursor()
    try:
        result = cur.execute(sql, params or [])
        return _frame(result) if how == "df" else getattr(result, how)()
    finally:
        cur.close()


def _frame(result: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The result as the DataFrame DuckDB's .df() gives (same columns, dtypes and missing values),
    built from fetchnumpy(): .df() costs about 1.5-2.5 ms more on every result however small, and
    a page makes ten to twenty small queries. tests/test_queries.py compares the two on every
    column type the app's queries return."""
    sql_types = [str(column[1]) for column in result.description]
    # fetchnumpy names repeated columns a, a_1, … in order, as .df() does.
    arrays = result.fetchnumpy()
    return pd.DataFrame({name: _unmasked(values, sql_type) if isinstance(values, np.ma.MaskedArray) else values
                         for (name, values), sql_type in zip(arrays.items(), sql_types, strict=True)})


def _unmasked(values: np.ma.MaskedArray, sql_type: str):
    """NULLs as .df() writes them: nullable Int/boolean arrays, NaN, NaT, None (pd.NA in lists)."""
    mask = np.ma.getmaskarray(values)
    data = np.asarray(values.data)
    if not mask.any():
        return data
    kind = data.dtype.kind
    if kind in "iu":
        return pd.arrays.IntegerArray(np.where(mask, 0, data).astype(data.dtype), mask)
    if kind == "b":
        return pd.arrays.BooleanArray(np.where(mask, False, data), mask)
    out = data.copy()
    if kind == "f":
        out[mask] = np.nan
    elif kind in "mM":
        out[mask] = np.datetime64("NaT")
    else:
        nested = sql_type.endswith("]") or sql_type.startswith(("MAP(", "STRUCT(", "UNION("))
        out[mask] = pd.NA if nested else None
    return out


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return _fetch(con, sql, params, "df")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Plain tuples, for small results read in Python: no DataFrame to build and walk."""
    return _fetch(con, sql, params, "fetchall")


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    return _fetch(con, sql, params, "fetchone")


def _lang(lang: str) -> str:
    try:
        return LANG_COLUMNS[lang]
    except KeyError:
        raise ValueError(f"unsupported language {lang!r}") from None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- Store status -------------------------------------------------------------------------

def data_status(con, filters: Filters, profile: Profile) -> dict:
    """What the frame shows: how fresh the data is and how many records the viewer sees."""
    undated = filters.with_dates(None, None)
    # Every page runs this: no DISTINCT counts here (they cost more than the rest together at 10M),
    # and the dateless rollup's per-group dates when it answers exactly (no grading filter: see
    # kpi_source; the period does not matter here).
    if kpi_source(undated)[0] == "incident_weekly":
        where, params = scope(undated, profile, rollup=True)
        row = _one(con, f"""
            SELECT coalesce(sum(incidents), 0)::BIGINT, min(first_date), max(last_date), max(last_updated)
            FROM incident_status i WHERE {where}""", params)
    else:
        where, params = scope(undated, profile)
        row = _one(con, f"""
            SELECT count(*), min(date_occurred), max(date_occurred), max(updated_at)
            FROM incidents i WHERE {where}""", params)
    return {"records": row[0], "date_min": row[1], "date_max": row[2], "as_of": row[3]}


def record_count(con, filters: Filters, profile: Profile) -> int:
    """The records behind a view, export or brief: these filters, their dates included."""
    table, _, _, where, params = kpi_scope(filters, profile)
    count = "sum(i.incidents)" if table == "incident_weekly" else "count(*)"
    return int(_one(con, f"SELECT coalesce({count}, 0)::BIGINT FROM {table} i WHERE {where}", params)[0])


def provenance(con, filters: Filters, profile: Profile) -> tuple[int, int]:
    """(synthetic, imported): the records behind a view or export that the demo generator made, and
    the others, so an export is stamped synthetic only for what is."""
    where, params = scope(filters, profile)
    row = _one(con, f"""SELECT count(*) FILTER (WHERE b.kind = 'demo'), count(*) FILTER (WHERE b.kind IS DISTINCT FROM 'demo')
                        FROM incidents i LEFT JOIN import_batches b ON b.batch_id = i.batch_id WHERE {where}""", params)
    return int(row[0]), int(row[1])


def first_date(con, filters: Filters, profile: Profile) -> date | None:
    """The earliest record the viewer sees under these filters, whatever their dates."""
    return data_status(con, filters, profile)["date_min"]


def store_info(con) -> dict:
    """Whole-store facts for `info` (counts over every record; the CLI applies no profile here
    beyond reporting which one is in force)."""
    row = _one(con, """
        SELECT count(*), min(date_occurred), max(date_occurred),
               count(DISTINCT date_trunc('week', date_occurred)),
               (SELECT count(DISTINCT i.iso3) FROM incidents i JOIN countries c ON c.iso3 = i.iso3 WHERE c.is_host)
        FROM incidents""")
    return {"incidents": row[0], "date_min": row[1], "date_max": row[2], "weeks": row[3], "territories": row[4]}


def period(con, filters: Filters, profile: Profile) -> tuple[date, date] | None:
    """The dates a view covers: the filters' own, and for an open end the viewer's first or last
    record (a scan, only then). None when the viewer sees no record. Trends cut it to whole periods
    (trends/periods.py); the map to the weeks it touches (crossborder/corridors.py)."""
    start, end = filters.date_from, filters.date_to
    if start is None or end is None:
        status = data_status(con, filters, profile)
        start, end = start or status["date_min"], end or status["date_max"]
    if start is None or end is None:
        return None
    return start, end


def last_complete_week(con, profile: Profile, today: date | None = None) -> date:
    """Monday of the last ISO week that has ended, or of the week holding the latest record if earlier."""
    today = today or date.today()
    # The rollup keeps each group's last date, and a profile restricts on status and marking only,
    # which the rollup keeps too: the same answer without a scan. On the incidents, a profile's
    # filter defeats DuckDB's min/max statistics (shared at 10M: 130-170 ms a call, every page).
    rolled = os.environ.get("TNT_ROLLUPS", "1") != "0"
    table, column = ("incident_status", "last_date") if rolled else ("incidents", "date_occurred")
    last_data = _one(con, f"SELECT max({column}) FROM {table} i WHERE {profile.where('i', rollup=rolled)}")[0]
    candidate = week_start(today) - timedelta(days=7)
    if last_data is not None:
        candidate = min(candidate, week_start(last_data))
    return candidate


# --- Reference options for the filters ------------------------------------------------------

def filter_options(con, lang: str, profile: Profile | None = None) -> dict[str, list[tuple[str, str]]]:
    """(code, label) pairs for every sidebar filter. Reference data only: no records. On a host
    State's screen only that State's mission, territory and areas are offered."""
    col = _lang(lang)
    state = profile.require_host_state() if profile is not None and profile.releasable_to_host_state else None
    only = "" if state is None else "WHERE {column} = ?"
    params = [] if state is None else [state]

    def pairs(sql: str, column: str) -> list[tuple[str, str]]:
        return [tuple(r) for r in _rows(con, sql.format(where=only.format(column=column)), params)]
    return {
        "missions": pairs(f"SELECT code, code || ' – ' || host_territory_{col} FROM missions {{where}} ORDER BY code",
                          "host_iso3"),
        "countries": pairs(f"SELECT iso3, name_{col} FROM countries {{where}} ORDER BY name_{col}", "iso3"),
        # Today's areas, and a former one only while records still carry its code (flagged by name).
        "admin1": pairs(f"""SELECT a.code, a.name_{col} || ' (' || a.iso3 || ')'
                            FROM admin1_named a JOIN countries c ON c.iso3 = a.iso3
                            WHERE c.is_host AND (a.current OR a.code IN (SELECT DISTINCT admin1_code FROM incident_status))
                            {{where}} ORDER BY a.iso3, a.name_{col}""".replace(
                                "{where}", "" if state is None else "AND a.iso3 = ?"), "a.iso3"),
        "markets": [tuple(r) for r in _rows(con, f"SELECT code, label_{col} FROM markets ORDER BY label_{col}")],
    }


def host_state_name(con, profile: Profile, lang: str) -> str | None:
    """The name of the host State a shared profile is scoped to (None for other profiles); refused
    (HostStateError) unless it is the host State of a mission in the store."""
    if not profile.releasable_to_host_state:
        return None
    state = profile.require_host_state()
    row = _one(con, f"SELECT c.name_{_lang(lang)} FROM countries c WHERE c.iso3 = ? AND c.is_host", [state])
    if row is None:
        raise HostStateError(f"TNT_HOST_STATE={state} is not the host State of a mission in this store")
    return row[0]


def labels(con, table: str, lang: str) -> dict[str, str]:
    col = _lang(lang)
    sql = {
        "markets": f"SELECT code, label_{col} FROM markets",
        "countries": f"SELECT iso3, name_{col} FROM countries",
        "admin1": f"SELECT code, name_{col} FROM admin1_named",
        "missions": "SELECT code, code FROM missions",
    }[table]
    return dict(_rows(con, sql))


# --- Aggregates ------------------------------------------------------------------------------

KPI_SQL = f"""
    count(*) AS incidents,
    coalesce(sum({VICTIMS}), 0)::BIGINT AS victims,
    coalesce(sum({WOMEN_CHILDREN}), 0)::BIGINT AS women_children,
    coalesce(sum(i.fatalities), 0)::BIGINT AS fatalities,
    coalesce(sum({ARRESTS}), 0)::BIGINT AS arrests,
    coalesce(sum(i.seizure_value_usd), 0)::DOUBLE AS seizure_usd
"""
KPI_NAMES = ("incidents", "victims", "women_children", "fatalities", "arrests", "seizure_usd")
# The same figures from the weekly rollup (schema/004_incident_weekly.sql), already summed per cell.
ROLLUP_KPI_SQL = ",\n".join(
    f"coalesce(sum(i.{k}), 0)::{'DOUBLE' if k == 'seizure_usd' else 'BIGINT'} AS {k}" for k in KPI_NAMES)


def kpi_source(filters: Filters) -> tuple[str, str, str]:
    """(table, KPI select list, week expression) that answers these filters exactly.

    The weekly rollup holds every record's week, place, market, status and marking, so it gives
    the same figures as the incidents for any profile when the period is whole ISO weeks and no
    grading filter is set (the rollup has no grades). Otherwise, or with TNT_ROLLUPS=0, the
    incidents are read. tests/test_queries.py checks both paths agree."""
    if filters.whole_weeks and not filters.grading_filtered and os.environ.get("TNT_ROLLUPS", "1") != "0":
        return "incident_weekly", ROLLUP_KPI_SQL, "i.week"
    return "incidents", KPI_SQL, "date_trunc('week', i.date_occurred)::DATE"


def kpi_scope(filters: Filters, profile: Profile) -> tuple[str, str, str, str, list]:
    """kpi_source plus the WHERE clause on that table: (table, kpis, week, where, params)."""
    table, kpis, week = kpi_source(filters)
    where, params = scope(filters, profile, date_column="week" if table == "incident_weekly" else "date_occurred")
    return table, kpis, week, where, params


def weekly_kpis(con, filters: Filters, profile: Profile, first_week: date, last_week: date) -> pd.DataFrame:
    """One row per ISO week (Monday) in [first_week, last_week], zero-filled, with every KPI."""
    table, kpis, week, where, params = kpi_scope(filters.with_dates(first_week, last_week + timedelta(days=6)),
                                                 profile)
    frame = _df(con, f"""
        WITH weeks AS (SELECT unnest(generate_series(?::DATE, ?::DATE, INTERVAL 7 DAY))::DATE AS week),
        agg AS (SELECT {week} AS week, {kpis} FROM {table} i WHERE {where} GROUP BY 1)
        SELECT w.week, {', '.join(f'coalesce(agg.{k}, 0) AS {k}' for k in KPI_NAMES)}
        FROM weeks w LEFT JOIN agg USING (week) ORDER BY w.week""", [first_week, last_week, *params])
    return frame


def week_vs_baseline(con, filters: Filters, profile: Profile, week: date, baseline_weeks: int = 4) -> pd.DataFrame:
    """Each KPI for `week` against the mean of the `baseline_weeks` before it."""
    series = weekly_kpis(con, filters, profile, week - timedelta(weeks=baseline_weeks), week)
    current = series.iloc[-1]
    baseline = series.iloc[:-1][list(KPI_NAMES)].mean()
    rows = []
    for name in KPI_NAMES:
        base = float(baseline[name])
        value = float(current[name])
        rows.append({"kpi": name, "value": value, "baseline_mean": base,
                     "change": (value - base) / base if base else None})
    return pd.DataFrame(rows)


def market_totals(con, filters: Filters, profile: Profile, lang: str, limit: int | None = None) -> pd.DataFrame:
    col = _lang(lang)
    table, kpis, _week, where, params = kpi_scope(filters, profile)
    # Aggregate the incidents first, then label the few result rows: joining first costs
    # a hash probe per incident.
    sql = f"""
        WITH agg AS (SELECT i.market, {kpis} FROM {table} i WHERE {where} GROUP BY i.market)
        SELECT agg.market, m.label_{col} AS market_label, m.cyber, agg.* EXCLUDE (market)
        FROM agg JOIN markets m ON m.code = agg.market
        ORDER BY incidents DESC, agg.market"""
    if limit:
        sql += " LIMIT ?"
        params = [*params, int(limit)]
    return _df(con, sql, params)


def admin1_totals(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """Incidents per admin-1 unit at its centroid: never finer than admin-1, for any profile."""
    col = _lang(lang)
    table, kpis, _week, where, params = kpi_scope(filters, profile)
    return _df(con, f"""
        WITH agg AS (SELECT {PLACE} AS admin1_code, {kpis} FROM {table} i
                     WHERE {where} AND {PLACE} IS NOT NULL GROUP BY 1)
        SELECT agg.admin1_code, a.name_{col} AS admin1_label, c.name_{col} AS country_label, a.iso3,
               a.lat, a.lon, agg.* EXCLUDE (admin1_code)
        FROM agg JOIN admin1_named a ON a.code = agg.admin1_code JOIN countries c ON c.iso3 = a.iso3
        ORDER BY incidents DESC, agg.admin1_code""", params)


def territory_totals(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    col = _lang(lang)
    where, params = scope(filters, profile)
    return _df(con, f"""
        SELECT i.iso3, c.name_{col} AS country_label, i.mission, {KPI_SQL},
               any_value(c.population) AS population, any_value(c.pop_year) AS pop_year,
               any_value(c.pop_source) AS pop_source
        FROM incidents i JOIN countries c ON c.iso3 = i.iso3
        WHERE {where} GROUP BY ALL ORDER BY incidents DESC, i.iso3""", params)


INCIDENT_LIST_CAP = 500


# A record's ICCS code (DOMAIN.md §2), with the "Cy" tag where its market is cyber-related: its
# market's code, except sextortion, which is coded by its victims. With a child victim it is sexual
# exploitation of children (03022); otherwise extortion (02051), as the ICCS manual codes the
# sextortion of adults, and as a record whose victims' ages were not recorded must be coded: the child
# code needs a recorded child.
ICCS_CODE = ("CASE WHEN i.market = 'sextortion' AND (i.v_female_child + i.v_male_child + i.v_unknown_child) > 0 "
             "THEN '03022' WHEN i.market = 'sextortion' THEN '02051' ELSE m.iccs_code END"
             " || CASE WHEN m.cyber <> 'none' THEN ' Cy' ELSE '' END")


def incident_list(con, filters: Filters, profile: Profile, lang: str, limit: int = 100,
                  order: str = "harm", actor_id: str | None = None) -> pd.DataFrame:
    """Individual records, capped, with every field the profile may not see removed in SQL;
    `actor_id`: one actor's records only (the networks page's group section)."""
    col = _lang(lang)
    where, params = scope(filters, profile)
    if actor_id is not None:
        where, params = f"{where} AND i.actor_id = ?", [*params, actor_id]
    limit = max(1, min(int(limit), INCIDENT_LIST_CAP))
    order_sql = {"harm": f"(i.fatalities * 3 + {VICTIMS} * 2 + {WOMEN_CHILDREN}) DESC, i.date_occurred DESC",
                 "recent": "i.date_occurred DESC"}[order]
    narrative = {"all": "i.narrative",
                 "unrestricted": "CASE WHEN i.narrative_restricted THEN NULL ELSE i.narrative END",
                 "none": None}[profile.narratives]
    columns = [
        "i.incident_id", "i.date_occurred", f"c.name_{col} AS country", f"a.name_{col} AS admin1",
        f"m.label_{col} AS market", f"{ICCS_CODE} AS iccs_code", "i.fatalities", f"{VICTIMS} AS victims",
        f"{WOMEN_CHILDREN} AS women_children", f"{ARRESTS} AS arrests", "i.seizure_value_usd",
        "i.status",
    ]
    if profile.exact_coordinates:
        columns += ["i.place", "i.lat", "i.lon"]
    if profile.detailed_grades:
        columns.append("i.source_reliability || i.info_credibility::VARCHAR AS grade")
    if profile.source_identities:
        columns += ["i.source_type", "i.source_ref"]
    if profile.restricted_actor_names:
        columns.append("ac.name AS actor")
    else:
        columns.append("CASE WHEN ac.name_restricted THEN NULL ELSE ac.name END AS actor")
    if narrative:
        columns.append(f"{narrative} AS narrative")
    if profile.protection_links == "records":
        # Referral to the CRSV/MARA focal point and possible grave violations against children: the
        # analyst's record list only (access.py); every other list never selects them.
        columns += ["coalesce(i.crsv_referred, FALSE) AS crsv_referred",
                    "replace(i.grave_violations, ';', '; ') AS grave_violations"]
    columns += ["i.classification", "i.tlp"]
    return _df(con, f"""
        SELECT {', '.join(columns)}
        FROM incidents i JOIN markets m ON m.code = i.market
        LEFT JOIN admin1_named a ON a.code = i.admin1_code LEFT JOIN countries c ON c.iso3 = i.iso3
        LEFT JOIN actors ac ON ac.actor_id = i.actor_id
        WHERE {where} ORDER BY {order_sql}, i.incident_id LIMIT ?""", [*params, limit])


def country_codes(con) -> tuple[str, ...]:
    """Every country in the reference table: the outlines a map needs."""
    return tuple(r[0] for r in _df(con, "SELECT iso3 FROM countries ORDER BY iso3").itertuples(index=False))


def mission_area(con, mission: str) -> tuple[str, ...]:
    """The admin-1 codes of a mission's area of operations (reference table mission_areas, from
    reference/mission_areas.csv), sorted; empty for a closed mission, an unknown one, or one whose
    territory has no admin-1 units in the store (MINURSO today)."""
    return tuple(code for (code,) in _rows(
        con, "SELECT admin1_code FROM mission_areas WHERE mission = ? ORDER BY admin1_code", [mission]))
