"""What is counted: the five victim groups, the sex and age partitions of the same victims, their
SQL, and the counts per market, country, admin-1 area, mission or reporting unit.

"Unknown" is every victim whose sex or age was not recorded (DOMAIN.md §3): unknowns are counted
and shown, never spread over the known groups.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..access import Profile
from ..filters import Filters
from ..i18n import I18n, N_
from ..queries import BOYS, GIRLS, MEN, PLACE, UNKNOWN, VICTIMS, WOMEN, _df, _lang, scope

GROUPS = ("women", "men", "girls", "boys", "unknown")
GROUP_LABELS = {"women": N_("Women"), "men": N_("Men"), "girls": N_("Girls"), "boys": N_("Boys"),
                "unknown": N_("Sex or age unknown")}

# Sex and age partitions of the same victims. Each is exhaustive: its three parts add up to VICTIMS.
FEMALE = "(i.v_female_child + i.v_female_adult + i.v_female_unknown)"
MALE = "(i.v_male_child + i.v_male_adult + i.v_male_unknown)"
SEX_UNKNOWN = "(i.v_unknown_child + i.v_unknown_adult + i.v_unknown_unknown)"
CHILD = "(i.v_female_child + i.v_male_child + i.v_unknown_child)"
ADULT = "(i.v_female_adult + i.v_male_adult + i.v_unknown_adult)"
AGE_UNKNOWN = "(i.v_female_unknown + i.v_male_unknown + i.v_unknown_unknown)"
SEX_PARTS = ("female", "male", "sex_unknown")
AGE_PARTS = ("child", "adult", "age_unknown")

COUNT_SQL = ", ".join(f"coalesce(sum({expr}), 0)::BIGINT AS {name}" for name, expr in (
    ("women", WOMEN), ("men", MEN), ("girls", GIRLS), ("boys", BOYS), ("unknown", UNKNOWN),
    ("female", FEMALE), ("male", MALE), ("sex_unknown", SEX_UNKNOWN),
    ("child", CHILD), ("adult", ADULT), ("age_unknown", AGE_UNKNOWN), ("victims", VICTIMS)))
COUNT_COLUMNS = (*GROUPS, *SEX_PARTS, *AGE_PARTS, "victims")

# Whitelist: a breakdown picks SQL from here, never from the caller's text.
# (key, label, join): the label and its join apply to the aggregated rows, alias k (key k.key).
BREAKDOWNS = {
    "market": ("i.market", "m.label_{col}", "JOIN markets m ON m.code = k.key"),
    "country": ("i.iso3", "c.name_{col}", "LEFT JOIN countries c ON c.iso3 = k.key"),
    "admin1": (PLACE, "a.name_{col} || ' (' || a.iso3 || ')'", "LEFT JOIN admin1_named a ON a.code = k.key"),
    "mission": ("i.mission", "k.key", ""),
    "unit": ("i.reporting_unit", "k.key", ""),
}
BREAKDOWN_LABELS = {"market": N_("Market"), "country": N_("Country or territory"), "admin1": N_("Admin-1 area"),
                    "mission": N_("Mission"), "unit": N_("Reporting unit")}

# The counts nobody shows that tie the shares table to the groups table, row by row: the groups
# lump every victim of unknown sex or age together, the sex and age columns split them by what was
# recorded. Side by side, the two tables would give hidden cells away through these: with no
# unknowns in a row, adults = women + men and female = women + girls.
UNKNOWN_PARTS = ("female_age_unknown", "male_age_unknown", "child_sex_unknown", "adult_sex_unknown",
                 "both_unknown")
GROUP_LINKS = (
    ("unknown", UNKNOWN_PARTS),
    ("female", ("women", "girls", "female_age_unknown")),
    ("male", ("men", "boys", "male_age_unknown")),
    ("sex_unknown", ("child_sex_unknown", "adult_sex_unknown", "both_unknown")),
    ("child", ("girls", "boys", "child_sex_unknown")),
    ("adult", ("women", "men", "adult_sex_unknown")),
    ("age_unknown", ("female_age_unknown", "male_age_unknown", "both_unknown")),
)


def with_unknowns(frame: pd.DataFrame) -> pd.DataFrame:
    """UNKNOWN_PARTS worked out from the published counts (each row, the total row included)."""
    c = {name: frame[name].to_numpy(dtype=np.int64) for name in (*GROUPS, *SEX_PARTS, *AGE_PARTS)}
    child_sex_unknown = c["child"] - c["girls"] - c["boys"]
    adult_sex_unknown = c["adult"] - c["women"] - c["men"]
    return frame.assign(female_age_unknown=c["female"] - c["women"] - c["girls"],
                        male_age_unknown=c["male"] - c["men"] - c["boys"],
                        child_sex_unknown=child_sex_unknown, adult_sex_unknown=adult_sex_unknown,
                        both_unknown=c["sex_unknown"] - child_sex_unknown - adult_sex_unknown)


def counts_by(con, filters: Filters, profile: Profile, lang: str, by: str,
              where_extra: str = "TRUE") -> pd.DataFrame:
    """Every victim count of COUNT_COLUMNS per `by` value, rows with victims only, largest first."""
    try:
        key_sql, label_sql, join = BREAKDOWNS[by]
    except KeyError:
        raise ValueError(f"unknown breakdown {by!r}; expected one of {', '.join(BREAKDOWNS)}") from None
    col = _lang(lang)
    where, params = scope(filters, profile)
    # Counted first, labelled after: the join touches the result rows, not every record.
    return _df(con, f"""
        WITH k AS (SELECT {key_sql} AS key, {COUNT_SQL}
                   FROM incidents i WHERE {where} AND {where_extra}
                   GROUP BY 1 HAVING sum({VICTIMS}) > 0)
        SELECT k.key, {label_sql.format(col=col)} AS label, k.* EXCLUDE (key)
        FROM k {join.format(col=col)}
        ORDER BY k.victims DESC, k.key NULLS LAST""", params)


def fill_labels(frame: pd.DataFrame, t: I18n, by: str) -> pd.DataFrame:
    # Cybercrime records carry no place, and some records no reporting unit: say so in words.
    missing = {"country": N_("Online, no place"), "admin1": N_("No admin-1 area recorded"),
               "mission": N_("No mission recorded"), "unit": N_("No reporting unit recorded")}.get(by)
    if missing and frame["label"].isna().any():
        frame = frame.assign(label=frame["label"].fillna(t.gettext(missing)))
    return frame

