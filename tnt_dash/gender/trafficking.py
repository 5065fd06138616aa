"""Trafficking indicators to UNODC's standard: detected victims by form of exploitation
and group (the SDG 16.2.2 and GLOTIP breakdown), per 100,000 population by form, by citizenship and
referral to services, trafficking offenders through the criminal-justice chain, and the protection
links (referrals to the CRSV/MARA focal point, possible grave violations against children).

Every count is of persons counted per incident, never of named persons. Where small counts are
protected, a table that shares counts with a table already published (the trafficking row of the
victims-by-market table, the victims per country of the rate table, the trafficking row of the
arrests table) goes through `protect_linked`: it is published only where those shared counts are
shown in full there, and then audited with them as known, so the two tables read together give
no hidden count away (see `protect_linked`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import queries
from ..access import Profile
from ..config import suppression_threshold
from ..filters import Filters
from ..i18n import I18n
from ..queries import VICTIMS, _df, _lang
from ..scope import Scope
from ..suppression import COMPLEMENTARY_MARK, OTHER_KEY, suppress_series_value
from ..victim_detail import FORM_UNKNOWN, FORMS, GRAVE_VIOLATIONS, STAGES
from .audit import hidden, pinned_cells
from .counts import COUNT_SQL, GROUPS
from .rates import HUMAN_TRAFFICKING, PER_POPULATION
from .table import TOTAL_KEY, Table, other_row_label, protect, share, with_total

FORM_KEYS = (*FORMS, FORM_UNKNOWN)
FORM_SQL = f"coalesce(i.exploitation_form, '{FORM_UNKNOWN}')"
CITIZEN_PARTS = ("domestic", "foreign", "citizenship_unknown")
REFERRAL_PARTS = ("referred", "not_referred", "declined", "referral_unknown")
OFFENDER_SEX = ("female", "male", "sex_unknown")
OFFENDER_AGE = ("child", "adult", "age_unknown")


def _withheld() -> Table:
    return Table(pd.DataFrame(), withheld=True, suppressed=True)


def protect_linked(frame: pd.DataFrame, parts: list[tuple[str, ...]], total: str, suppress: bool,
                   known: dict[tuple[str, str], object] | None = None, other_label: str | None = None) -> Table:
    """`protect` for a table some of whose counts another published table shows too.

    `known` maps (row key, column) to that count as the other table publishes it: a number, a mark
    ("<5", "x"), or None where the other table does not show the row at all (grouped into "Other …"
    rows). Where any shared count is hidden there, this table would give it away, or narrow it: the
    table is withheld. Where all are shown, the reader knows them exactly, so they are shown here
    too and the table is audited with them (pinned_cells): conditioned on counts known exactly, the
    two tables share nothing else, so the audit is exact. Where a known count makes a hidden one
    decisive, more is hidden around it (never a known count) and the table audited again; failing
    that, it is withheld. A shared count whose true value differs here is no link and is ignored.

    With `other_label` (a template with {n}; tables by country), rows that cannot be shown are
    first grouped into one "Other … (n)" row, whose shared counts are the sums of theirs, before
    the table is withheld.
    """
    table = _protect_linked(frame, parts, total, suppress, known)
    if not table.withheld or other_label is None or not known:
        return table
    return _grouped_fallback(frame, parts, total, known, other_label)


def _grouped_fallback(frame: pd.DataFrame, parts: list[tuple[str, ...]], total: str,
                      known: dict[tuple[str, str], object], other_label: str) -> Table:
    """Group the smallest rows, two, then three and so on, into one row until the table can be shown."""
    body = frame[frame["key"] != TOTAL_KEY]
    counted = [*dict.fromkeys(c for part in parts for c in part), total]
    order = body.sort_values(total, kind="stable")["key"].tolist()
    for size in range(2, len(order)):
        grouped = set(order[:size])
        sums = {c: int(body.loc[body["key"].isin(grouped), c].sum()) for c in counted}
        other = {"key": OTHER_KEY, "label": other_label.format(n=size), **sums}
        rest = frame[~frame["key"].isin(grouped)]
        merged = pd.concat([rest.iloc[:-1], pd.DataFrame([other]), rest.iloc[-1:]], ignore_index=True)
        mapped: dict = {}
        for (key, column), published in known.items():
            if key not in grouped:
                mapped[(key, column)] = published
            elif (OTHER_KEY, column) not in mapped:
                parts_known = [known.get((g, column)) for g in grouped]
                # The reader adds up what the other table shows of the grouped rows.
                mapped[(OTHER_KEY, column)] = (None if any(v is None or hidden(v) for v in parts_known)
                                               else sum(int(v) for v in parts_known))
        table = _protect_linked(merged, parts, total, True, mapped)
        if not table.withheld:
            table.merged = size
            return table
    return _withheld()


def _protect_linked(frame: pd.DataFrame, parts: list[tuple[str, ...]], total: str, suppress: bool,
                    known: dict[tuple[str, str], object] | None) -> Table:
    """`protect_linked` without grouping."""
    table = protect(frame, parts, total, suppress)
    if not suppress or table.withheld or not known or table.frame.empty:
        return table
    truth = frame.reset_index(drop=True)
    shown = table.frame.reset_index(drop=True).copy()
    rows = {key: r for r, key in enumerate(truth["key"].tolist())}
    fixed = set()
    for (key, column), published in known.items():
        if key not in rows:
            continue
        true = int(truth.at[rows[key], column])
        if published is None or hidden(published):
            return _withheld()
        if int(published) == true:
            shown.at[rows[key], column] = true
            fixed.add((rows[key], column))
    columns = [*dict.fromkeys(c for part in parts for c in part), total]
    cells = {c: np.array(shown[c].tolist(), dtype=object) for c in columns}
    true_cells = {c: truth[c].to_numpy(dtype=np.int64) for c in columns}
    k = suppression_threshold()
    last = len(truth) - 1
    for _round in range(MAX_REPAIR_ROUNDS):
        pinned = pinned_cells(cells, columns, total, parts, k, truth=true_cells)
        if not pinned:
            return Table(pd.DataFrame({**{c: shown[c] for c in shown.columns}, **cells}), suppressed=True)
        # The shown counts the known ones made decisive: hide the others of the pinned cell's row and
        # the smallest of its column (as audit._joint_audit does), never a count the reader knows.
        for r, c in pinned:
            for col in columns:
                if _open(cells, fixed, r, col):
                    cells[col][r] = COMPLEMENTARY_MARK
            others = [(int(cells[c][i]), i) for i in range(last + 1) if i != r and _open(cells, fixed, i, c)]
            if others:
                cells[c][min(others)[1]] = COMPLEMENTARY_MARK
    return _withheld()


MAX_REPAIR_ROUNDS = 8


def _open(cells: dict, fixed: set, row: int, column: str) -> bool:
    value = cells[column][row]
    return (row, column) not in fixed and not hidden(value) and int(value) > 0


def _published_row(table: Table | None, key: str, columns: dict[str, str]) -> dict[tuple[str, str], object]:
    """The counts of row `key` of a published table, as `protect_linked` takes them: columns maps
    its column to ours. Nothing when the table is withheld (nothing published) or has no such row
    and no grouped row (the count is zero there, and here); None where the row was grouped away."""
    if table is None or table.withheld or table.frame.empty:
        return {}
    f = table.frame
    match = f[f["key"] == key]
    if len(match):
        row = match.iloc[0]
        return {(TOTAL_KEY, ours): row[theirs] for theirs, ours in columns.items()}
    if (f["key"] == OTHER_KEY).any():
        return {(TOTAL_KEY, ours): None for ours in columns.values()}
    return {}


# --- Victims by form of exploitation ----------------------------------------------------------

def form_counts(con, filters: Filters, profile: Profile) -> pd.DataFrame:
    """Victims of human trafficking per form of exploitation and group (women, men, girls, boys,
    unknown), forms with victims only, in FORM_KEYS order."""
    where, params = queries.scope(filters, profile)
    frame = _df(con, f"""
        SELECT {FORM_SQL} AS key, {COUNT_SQL}
        FROM incidents i WHERE {where} AND i.market = ?
        GROUP BY 1 HAVING sum({VICTIMS}) > 0""", [*params, HUMAN_TRAFFICKING])
    order = {k: n for n, k in enumerate(FORM_KEYS)}
    return frame.assign(_o=frame["key"].map(order)).sort_values("_o").drop(columns="_o").reset_index(drop=True)


def form_label(t: I18n, key: str) -> str:
    from ..victim_detail import FORM_UNKNOWN_LABEL
    return t.gettext(FORMS.get(key, FORM_UNKNOWN_LABEL))


def forms_table(con, scope: Scope, market_table: Table | None = None) -> Table:
    """Victims by form of exploitation × group, with a total row. Its total row is the trafficking
    row of the victims-by-market table (`market_table`, same window), so it is linked to it."""
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    counts = form_counts(con, filters, profile)
    suppress = profile.must_suppress(destination)
    frame = counts[["key", *GROUPS, "victims"]]
    if frame.empty:
        return Table(frame.assign(label=[]), suppressed=suppress)
    frame = frame.assign(label=[form_label(t, k) for k in frame["key"]])[["key", "label", *GROUPS, "victims"]]
    frame = with_total(frame, (*GROUPS, "victims"), t.gettext("Total"))
    known = _published_row(market_table, HUMAN_TRAFFICKING, {c: c for c in (*GROUPS, "victims")}) if suppress else {}
    return protect_linked(frame, [GROUPS], "victims", suppress, known)


# --- SDG 16.2.2 by form of exploitation -------------------------------------------------------

def sdg_by_form(con, scope: Scope, rate_table: Table | None = None, forms_published: Table | None = None) -> Table:
    """Detected trafficking victims per 100,000 population by country and form of exploitation
    (counts, and rate_<form> beside each). Its row totals are the rate table's victims per country
    (same period); `forms_published`, when over the same window, gives its column totals."""
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    col = _lang(t.lang)
    where, params = queries.scope(filters, profile)
    forms = ", ".join(f"sum(CASE WHEN {FORM_SQL} = '{k}' THEN {VICTIMS} ELSE 0 END)::BIGINT AS \"{k}\""
                      for k in FORM_KEYS)   # FORM_KEYS: constants, not user input
    frame = _df(con, f"""
        WITH agg AS (SELECT i.iso3 AS key, {forms}, sum({VICTIMS})::BIGINT AS victims
                     FROM incidents i WHERE {where} AND i.market = ? AND i.iso3 IS NOT NULL
                     GROUP BY 1 HAVING sum({VICTIMS}) > 0)
        SELECT agg.key, c.name_{col} AS label, c.population, c.pop_year, c.pop_source, agg.* EXCLUDE (key)
        FROM agg JOIN countries c ON c.iso3 = agg.key ORDER BY agg.victims DESC, agg.key""",
               [*params, HUMAN_TRAFFICKING])
    suppress = profile.must_suppress(destination)
    if frame.empty:
        return Table(frame, suppressed=suppress)
    present = tuple(k for k in FORM_KEYS if frame[k].sum() > 0)
    frame = frame[["key", "label", "population", "pop_year", "pop_source", *present, "victims"]]
    full = with_total(frame, (*present, "victims"), t.gettext("Total"))
    known: dict = {}
    if suppress:
        if rate_table is not None and not rate_table.withheld:
            shown = dict(zip(rate_table.frame["key"], rate_table.frame["victims"]))
            known.update({(key, "victims"): shown.get(key) for key in frame["key"]})
        if forms_published is not None and not forms_published.withheld:
            shown = dict(zip(forms_published.frame["key"], forms_published.frame["victims"]))
            known.update({(TOTAL_KEY, k): shown.get(k) for k in present})
    table = protect_linked(full, [present], "victims", suppress, known, other_row_label(t, "country"))
    if table.withheld:
        return table
    f = table.frame[table.frame["key"] != TOTAL_KEY].reset_index(drop=True)
    for k in (*present, "victims"):
        f[f"rate_{k}"] = [None if hidden(v) or not pop or pd.isna(pop) else int(v) / float(pop) * PER_POPULATION
                          for v, pop in zip(f[k], f["population"])]
    return Table(f, suppressed=table.suppressed)


# --- Citizenship and referral to services -----------------------------------------------------

def citizenship_table(con, scope: Scope, rate_table: Table | None = None) -> Table:
    """Trafficking victims by citizenship (domestic, foreign, unknown) and by referral to services
    (referred, not referred, declined, unknown) per country, with a total row; its victims per
    country are the rate table's (same period)."""
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    col = _lang(t.lang)
    where, params = queries.scope(filters, profile)
    v = VICTIMS
    frame = _df(con, f"""
        WITH agg AS (
            SELECT i.iso3 AS key, sum({v})::BIGINT AS victims,
                   sum(coalesce(i.victims_domestic, 0))::BIGINT AS domestic,
                   sum(coalesce(i.victims_foreign, 0))::BIGINT AS foreign,
                   sum({v} - coalesce(i.victims_domestic, 0) - coalesce(i.victims_foreign, 0))::BIGINT
                       AS citizenship_unknown,
                   sum(coalesce(i.victims_referred, 0))::BIGINT AS referred,
                   sum(coalesce(i.victims_not_referred, 0))::BIGINT AS not_referred,
                   sum(coalesce(i.victims_declined_referral, 0))::BIGINT AS declined,
                   sum({v} - coalesce(i.victims_referred, 0) - coalesce(i.victims_not_referred, 0)
                       - coalesce(i.victims_declined_referral, 0))::BIGINT AS referral_unknown
            FROM incidents i WHERE {where} AND i.market = ? AND i.iso3 IS NOT NULL
            GROUP BY 1 HAVING sum({v}) > 0)
        SELECT agg.key, c.name_{col} AS label, agg.* EXCLUDE (key)
        FROM agg JOIN countries c ON c.iso3 = agg.key ORDER BY agg.victims DESC, agg.key""",
               [*params, HUMAN_TRAFFICKING])
    suppress = profile.must_suppress(destination)
    if frame.empty:
        return Table(frame.assign(share_foreign=[], share_referred=[]), suppressed=suppress)
    frame = with_total(frame, ("victims", *CITIZEN_PARTS, *REFERRAL_PARTS), t.gettext("Total"))
    known: dict = {}
    if suppress and rate_table is not None and not rate_table.withheld:
        shown = dict(zip(rate_table.frame["key"], rate_table.frame["victims"]))
        known = {(key, "victims"): shown.get(key) for key in frame["key"] if key != TOTAL_KEY}
    table = protect_linked(frame, [CITIZEN_PARTS, REFERRAL_PARTS], "victims", suppress, known,
                           other_row_label(t, "country"))
    if table.withheld:
        return table
    f = table.frame
    f["share_foreign"] = [share(fo, [d, fo]) for d, fo in zip(f["domestic"], f["foreign"])]
    f["share_referred"] = [share(r, [v]) for r, v in zip(f["referred"], f["victims"])]
    return table


def citizenships_named(con, scope: Scope) -> list[tuple[str, int]]:
    """The foreign victims' citizenships (ISO3) and the trafficking incidents naming each. Where
    small counts are protected, a citizenship named in fewer than k incidents is left out: one or
    two foreign victims of a rare nationality are easy to recognise."""
    filters, profile, destination = scope.filters, scope.profile, scope.destination
    where, params = queries.scope(filters, profile)
    rows = _df(con, f"""
        SELECT c AS iso3, count(*)::BIGINT AS incidents
        FROM (SELECT unnest(string_split(i.victim_citizenships, ';')) AS c FROM incidents i
              WHERE {where} AND i.market = ? AND coalesce(i.victims_foreign, 0) > 0)
        GROUP BY 1 ORDER BY 2 DESC, 1""", [*params, HUMAN_TRAFFICKING])
    k = suppression_threshold()
    keep = not profile.must_suppress(destination)
    return [(iso3, int(n)) for iso3, n in zip(rows["iso3"], rows["incidents"]) if keep or n >= k]


# --- Offenders through the criminal-justice chain ---------------------------------------------

def chain_table(con, scope: Scope, arrests_table: Table | None = None) -> Table:
    """Trafficking offenders by stage (arrested, prosecuted, convicted) × sex and × age, for the
    human-trafficking incidents in `filters`, whatever the date each stage was reached. The rows do
    not add up (the same people go through the stages): the total row the audit needs is dropped.
    Its arrested row by sex is the trafficking row of the arrests table when they agree."""
    filters, profile, t, destination = scope.filters, scope.profile, scope.t, scope.destination
    where, params = queries.scope(filters, profile)
    cells = ", ".join(
        [f"sum(o.persons) FILTER (WHERE o.sex = '{s}')::BIGINT AS {name}"
         for s, name in zip(("female", "male", "unknown"), OFFENDER_SEX)]
        + [f"sum(o.persons) FILTER (WHERE o.age = '{a}')::BIGINT AS {name}"
           for a, name in zip(("child", "adult", "unknown"), OFFENDER_AGE)])
    frame = _df(con, f"""
        SELECT o.stage AS key, {cells}, sum(o.persons)::BIGINT AS persons, min(o.stage_date) AS first_date,
               max(o.stage_date) AS last_date
        FROM offenders o JOIN incidents i ON i.incident_id = o.incident_id
        WHERE {where} AND i.market = ? GROUP BY 1""", [*params, HUMAN_TRAFFICKING])
    suppress = profile.must_suppress(destination)
    columns = (*OFFENDER_SEX, *OFFENDER_AGE, "persons")
    frame = frame.set_index("key").reindex(list(STAGES)).reset_index()
    frame[list(columns)] = frame[list(columns)].fillna(0).astype("int64")
    frame.insert(1, "label", [t.gettext(STAGES[k]) for k in frame["key"]])
    if not frame["persons"].sum():
        return Table(frame.iloc[0:0].assign(share_women=[]), suppressed=suppress)
    full = with_total(frame, columns, t.gettext("Total"))
    known = _published_row(arrests_table, HUMAN_TRAFFICKING, {"arrests_female": "female", "arrests_male": "male",
                                                              "arrests_unknown": "sex_unknown", "arrests": "persons"})
    agree = _arrests_agree(con, filters, profile, frame) if suppress and known else set()
    known = {("arrested", column): value for (_total, column), value in known.items() if column in agree}
    table = protect_linked(full, [OFFENDER_SEX, OFFENDER_AGE], "persons", suppress, known)
    if table.withheld:
        return table
    f = table.frame[table.frame["key"] != TOTAL_KEY].reset_index(drop=True)
    f["share_women"] = [share(fe, [fe, m]) for fe, m in zip(f["female"], f["male"])]
    return Table(f, suppressed=table.suppressed)


def _arrests_agree(con, filters: Filters, profile: Profile, frame: pd.DataFrame) -> set[str]:
    """The chain's arrested cells (by sex and in all) equal to the incidents' own arrests of
    trafficking: only those link the chain to the arrests table. An arrest recorded on an incident
    but not (yet) in the offenders table, or the other way round, makes the two differ."""
    where, params = queries.scope(filters, profile)
    f, m, u = _df(con, f"""SELECT coalesce(sum(i.arrests_female), 0)::BIGINT AS f, coalesce(sum(i.arrests_male), 0)::BIGINT AS m,
                                  coalesce(sum(i.arrests_unknown), 0)::BIGINT AS u
                           FROM incidents i WHERE {where} AND i.market = ?""", [*params, HUMAN_TRAFFICKING]).iloc[0]
    arrested = frame[frame["key"] == "arrested"].iloc[0]
    incident = {"female": f, "male": m, "sex_unknown": u, "persons": f + m + u}
    return {c for c, v in incident.items() if int(arrested[c]) == int(v)}


# --- Protection links -------------------------------------------------------------------------

@dataclass
class ProtectionLinks:
    """Incidents referred to the CRSV focal point and incidents with a possible grave violation
    against children, by violation: counts of incidents, never a list of records."""
    crsv: int | str
    grave: dict[str, int | str]


def protection_links(con, scope: Scope) -> ProtectionLinks | None:
    """None for a profile that may not see the protection links (access.Profile.protection_links)."""
    filters, profile, destination = scope.filters, scope.profile, scope.destination
    if profile.protection_links == "none":
        return None
    where, params = queries.scope(filters, profile)
    grave = ", ".join(f"count(*) FILTER (WHERE list_contains(string_split(coalesce(i.grave_violations, ''), ';'), '{g}'))::BIGINT AS {g}"
                      for g in GRAVE_VIOLATIONS)
    row = _df(con, f"""SELECT count(*) FILTER (WHERE coalesce(i.crsv_referred, FALSE))::BIGINT AS crsv, {grave}
                       FROM incidents i WHERE {where}""", params).iloc[0]
    k = suppression_threshold()

    def shown(n) -> int | str:
        # Counts that overlap (one incident, several violations) and carry no published total:
        # each small one hidden on its own is enough.
        return suppress_series_value(int(n), k) if profile.must_suppress(destination) else int(n)
    return ProtectionLinks(crsv=shown(row["crsv"]), grave={g: shown(row[g]) for g in GRAVE_VIOLATIONS})
