"""Narratives that look as if they identify a person: a name after "victim", a title
or "named", a phone number, an e-mail address, an exact street address, an exact age with a place.

A check, not a filter: the import keeps every row and notes the record in its report, and the
Data page lists the stored records that match, for the analyst to decide. The notes never quote
the narrative: a report that repeated the name would spread it further.

The patterns are written in the subset both Python's `re` and DuckDB's RE2 read, so the import and
the Data page's query in SQL flag the same narratives.
"""
from __future__ import annotations

import re

import pandas as pd

from ..i18n import N_

_CAP = r"[A-ZÀ-Ý][a-zà-ÿ'’-]+"
PATTERNS: dict[str, tuple[str, str]] = {
    # A title or "named" before a capitalised word; or "victim" before two capitalised words.
    "name": (N_("a name"),
             r"(?:\b(?:Mr|Mrs|Ms|Miss|Mme|Mlle|Madame|Monsieur|Mademoiselle)\.?\s+" + _CAP + r")"
             r"|(?:\b(?:named|called|alias|nommée?|dénommée?|prénommée?|appelée?|surnommée?)\s+" + _CAP + r")"
             r"|(?:\b(?:[Vv]ictim|[Vv]ictime|[Ss]urvivor|[Ss]urvivante?|[Gg]irl|[Bb]oy|[Ff]ille|[Gg]arçon)s?[,:]?\s+"
             + _CAP + r"\s+" + _CAP + r")"),
    "phone": (N_("a phone number"),
              r"(?:\+|\b00)\d{2,3}[\s.-]?\d{2,4}[\s.-]?\d{2,4}[\s.-]?\d{2,4}"
              r"|\b(?:[Tt]el|[Tt]él|[Pp]hone|[Tt]éléphone|[Ww]hats[Aa]pp|[Cc]ell|[Mm]obile)\.?\s*:?\s*\d[\d\s.-]{6,}\d"),
    "email": (N_("an e-mail address"), r"[\w.+-]+@[\w-]+\.[A-Za-z]{2,}"),
    "address": (N_("an exact address"),
                r"\b\d{1,4}(?:bis|ter)?,?\s+(?:[Rr]ue|[Aa]venue|[Aa]v\.|[Bb]oulevard|[Bb]d|[Ss]treet|[Rr]oad|[Rr]oute|"
                r"[Ii]mpasse|[Cc]hemin|[Ll]ane)\b"
                r"|\b(?:[Rr]ue|[Aa]venue|[Ss]treet|[Rr]oad)\s+" + _CAP + r"(?:\s+" + _CAP + r")?,?\s+(?:n[°o]\.?\s*)?\d{1,4}\b"
                r"|\b(?:[Hh]ouse|[Mm]aison|[Pp]arcelle|[Pp]lot)\s+(?:n[°o]\.?|no\.?|number|numéro)\s*\d+"),
    "age": (N_("an exact age"),
            r"\b\d{1,2}[\s-]*(?:years?[\s-]*old|-year-old|ans|an)\b|\b(?:aged|âgée?\s+de)\s+\d{1,2}\b"),
}
COMPILED = {kind: re.compile(pattern) for kind, (_label, pattern) in PATTERNS.items()}


def flags(narrative: str | None, place: str | None = None) -> list[str]:
    """The kinds of identifying detail the narrative seems to hold (keys of PATTERNS). An exact age
    counts only with a place finer than the admin-1 area: an age alone in a province names nobody."""
    if not narrative:
        return []
    found = [kind for kind, pattern in COMPILED.items() if kind != "age" and pattern.search(narrative)]
    if place and COMPILED["age"].search(narrative):
        found.append("age")
    return found


def reason(kinds: list[str], t) -> str:
    _ = t.gettext
    return _("the narrative may identify a person ({details}): kept as it is; review it and remove what "
             "identifies anyone").format(details=", ".join(_(PATTERNS[k][0]) for k in kinds))


def stored_flags(con, where: str = "TRUE", params: list | None = None, limit: int = 200) -> pd.DataFrame:
    """Stored records whose narrative matches (the Data page): incident_id, batch_id and the kinds,
    never the narrative itself. `where` is static SQL over the incidents (alias i)."""
    kinds = ", ".join(
        f"regexp_matches(i.narrative, ?) {'AND i.place IS NOT NULL' if kind == 'age' else ''} AS {kind}"
        for kind in PATTERNS)
    frame = con.execute(f"""
        SELECT incident_id, batch_id, * EXCLUDE (incident_id, batch_id) FROM (
            SELECT i.incident_id, i.batch_id, {kinds} FROM incidents i
            WHERE i.narrative IS NOT NULL AND {where})
        WHERE {' OR '.join(PATTERNS)} ORDER BY incident_id LIMIT ?""",
                        [p for _l, p in PATTERNS.values()] + list(params or []) + [int(limit)]).df()
    return frame
