"""Offenders through the criminal-justice chain -> offenders: one count per incident,
stage, sex and age, never a named person. A prosecution or a conviction often comes months or
years after the incident: the file names the incident_id of a record already in the store.

Columns (English or French): incident_id/identifiant, stage/etape (arrested, prosecuted, convicted),
stage_date/date_etape, sex/sexe (female, male, unknown), age (child, adult, unknown),
persons/personnes. Re-importing the same (incident, stage, sex, age) replaces its count.
"""
from __future__ import annotations

from ..i18n import N_
from ..names import norm_header
from .detect import FileUnreadable, justice_header, nonblank
from .rows import header_cells, table_items
from .values import parse_count, parse_date, text_or_none


class _Target:
    table = "offenders"
    keys = ("incident_id", "stage", "sex", "age")
    values = ("persons", "stage_date")


TARGET = _Target()
# field: (French header, description msgid)
FIELDS = {
    "incident_id": ("identifiant", N_("Identifier of the incident, already in the store.")),
    "stage": ("etape", N_("arrested, prosecuted or convicted (French: arrete, poursuivi, condamne).")),
    "stage_date": ("date_etape", N_("Date the stage was reached: arrest, charge or judgement (YYYY-MM-DD).")),
    "sex": ("sexe", N_("female, male or unknown (French: femme, homme, inconnu).")),
    "age": ("age", N_("child (under 18), adult or unknown (French: enfant, adulte, inconnu).")),
    "persons": ("personnes", N_("Number of offenders of that sex and age at that stage.")),
}
HEADERS = {**{norm_header(k): k for k in FIELDS}, **{norm_header(fr): k for k, (fr, _d) in FIELDS.items()},
           "etape_judiciaire": "stage", "date": "stage_date", "nombre": "persons", "count": "persons",
           "offenders": "persons", "auteurs": "persons"}
STAGE_WORDS = {"arrested": "arrested", "arrest": "arrested", "arrete": "arrested", "arretee": "arrested",
               "arrestation": "arrested", "suspect": "arrested", "prosecuted": "prosecuted",
               "prosecution": "prosecuted", "charged": "prosecuted", "poursuivi": "prosecuted",
               "poursuivie": "prosecuted", "poursuites": "prosecuted", "convicted": "convicted",
               "conviction": "convicted", "condamne": "convicted", "condamnee": "convicted",
               "condamnation": "convicted"}
SEX_WORDS = {"female": "female", "f": "female", "femme": "female", "feminin": "female", "woman": "female",
             "male": "male", "m": "male", "h": "male", "homme": "male", "masculin": "male", "man": "male",
             "unknown": "unknown", "inconnu": "unknown", "": "unknown"}
AGE_WORDS = {"child": "child", "enfant": "child", "mineur": "child", "minor": "child", "juvenile": "child",
             "adult": "adult", "adulte": "adult", "majeur": "adult", "unknown": "unknown", "inconnu": "unknown",
             "": "unknown"}


def is_justice_header(cells) -> bool:
    return justice_header(cells)


def context(con) -> dict:
    def incident_date(incident_id: str):
        found = con.execute("SELECT date_occurred FROM incidents WHERE incident_id = ?", [incident_id]).fetchone()
        return found[0] if found else None
    return {"incident_date": incident_date}


def read(source, t):
    for sheet in source.sheets:
        for index, (_n, row) in enumerate(sheet.rows[:20]):
            if nonblank(row) and is_justice_header(row):
                headers = header_cells(row)
                unknown = [h for h in headers if norm_header(h) not in HEADERS]
                warnings = [{"row": sheet.rows[index][0], "field": h, "reason": t.gettext(N_("unknown column, ignored"))}
                            for h in unknown]
                return table_items(sheet.rows, index, headers, sheet.name if source.workbook else None), warnings
    raise FileUnreadable(N_("No offenders table found: the header needs incident_id (identifiant), stage (etape) and "
                            "persons (personnes)."))


def convert(raw: dict, ctx: dict, t):
    _ = t.gettext
    cells = {}
    for header, value in raw.items():
        field = HEADERS.get(norm_header(header)) if not header.startswith("_") else None
        if field and field not in cells:
            cells[field] = value
    errors = []
    incident_id = text_or_none(cells.get("incident_id"))
    occurred = ctx["incident_date"](incident_id) if incident_id else None
    if not incident_id:
        errors.append({"field": "incident_id", "reason": _("a value is required")})
    elif occurred is None:
        errors.append({"field": "incident_id", "reason": _("no incident {value} in the store: import the incident "
                                                           "first").format(value=incident_id)})
    record = {"incident_id": incident_id}
    for field, words, msgid in (
            ("stage", STAGE_WORDS, N_("unknown stage: {value} (expected arrested, prosecuted or convicted)")),
            ("sex", SEX_WORDS, N_("unknown sex: {value} (expected female, male or unknown)")),
            ("age", AGE_WORDS, N_("unknown age group: {value} (expected child, adult or unknown)"))):
        value = norm_header(text_or_none(cells.get(field)) or "")
        if value not in words or (field == "stage" and not value):
            errors.append({"field": field, "reason": _(msgid).format(value=cells.get(field))})
        else:
            record[field] = words[value]
    for field, parse in (("persons", parse_count), ("stage_date", parse_date)):
        try:
            record[field] = parse(cells.get(field))
        except Exception as exc:      # the parsers raise PydanticCustomError with a msgid
            ctx_ = dict(getattr(exc, "context", None) or {})
            msgid = ctx_.pop("msgid", None)
            errors.append({"field": field, "reason": _(msgid).format(**ctx_) if msgid else str(exc)})
    if not errors and record["persons"] == 0:
        errors.append({"field": "persons", "reason": _("a count of 0 offenders records nothing")})
    if not errors and record["stage_date"] and record["stage_date"] < occurred:
        errors.append({"field": "stage_date", "reason": _("the stage's date is before the incident occurred "
                                                          "({date})").format(date=occurred.isoformat())})
    return ([] if errors else [record]), errors
