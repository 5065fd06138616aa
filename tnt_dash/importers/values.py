"""Cell values as people type them into the native template and other sources: numbers with either
decimal mark, dates in several orders or as Excel serials, yes/no in English or French, country
lists, markings. Each parser raises the error a quarantined row shows (`error`)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from pydantic_core import PydanticCustomError

from ..access import ORIGINATORS as ORIGINATOR_CODES
from ..i18n import N_
from ..names import norm_header
from ..victim_detail import FORM_ALIASES, FORMS, GRAVE_ALIASES, GRAVE_VIOLATIONS

EXCEL_EPOCH = date(1899, 12, 30)
_TRUE = {"yes", "y", "true", "1", "oui", "o", "vrai", "x"}
_FALSE = {"no", "n", "false", "0", "non", "faux", ""}
CLASSIFICATIONS = {"unclassified": "UNCLASSIFIED", "non_classifie": "UNCLASSIFIED", "confidential": "CONFIDENTIAL",
                   "confidentiel": "CONFIDENTIAL", "strictly_confidential": "STRICTLY CONFIDENTIAL",
                   "strictement_confidentiel": "STRICTLY CONFIDENTIAL"}
STATUSES = {"draft": "draft", "brouillon": "draft", "in_review": "in_review", "en_revision": "in_review",
            "en_cours_de_revision": "in_review", "en_examen": "in_review",
            "en_cours_d_examen": "in_review", "validee": "validated", "archivee": "archived", "validated": "validated",
            "valide": "validated", "archived": "archived", "archive": "archived"}
TLPS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")
# Who reported a record (access.ORIGINATORS), by code or by English or French label (after norm_header).
ORIGINATORS = {**{code: code for code in ORIGINATOR_CODES},
               "host_state_police": "host_state", "etat_hote": "host_state", "pays_hote": "host_state",
               "police_etat_hote": "host_state", "police_du_pays_hote": "host_state",
               "police_des_nations_unies": "unpol", "police_onu": "unpol", "police_de_l_onu": "unpol",
               "other_un": "un_other", "autre_onu": "un_other", "onu_autre": "un_other",
               "autre_entite_onu": "un_other", "nations_unies_autre": "un_other",
               "partenaire": "partner", "open_sources": "open_source", "source_ouverte": "open_source",
               "sources_ouvertes": "open_source", "osint": "open_source"}
ISO3_SPLIT = re.compile(r"[\s;,]+")


def parse_iso3_list(value, countries=None, unknown=None) -> list[str]:
    """'hti; DOM,hti' -> ['DOM', 'HTI']: ISO3 codes separated by ; or , or spaces, upper-cased,
    duplicates dropped, sorted. Every code must be three letters and, when `countries` is given,
    one of them; otherwise `unknown(code, as_written)` (by default `unknown_country`) is raised. A list
    or set (a cell already split) is read the same way; blank gives []."""
    if value is None:
        return []
    parts = value if isinstance(value, (list, tuple, set)) else ISO3_SPLIT.split(str(value).replace("\u00a0", " "))
    codes = set()
    for part in parts:
        code = str(part or "").strip().upper()
        if not code:
            continue
        if not re.fullmatch(r"[A-Z]{3}", code) or (countries is not None and code not in countries):
            raise (unknown or unknown_country)(code, str(part).strip())
        codes.add(code)
    return sorted(codes)


def unknown_country(code: str, value: str):
    """The error for a country code the store does not know: a real ISO 3166 code missing from the
    reference list is not called "not a code"."""
    import pycountry
    found = pycountry.countries.get(alpha_3=code) if re.fullmatch(r"[A-Z]{3}", code) else None
    if found is not None:
        return error(N_("country {value} ({name}) is not in the store's reference list: add it to "
                         "tnt_dash/reference/countries.csv to import its records"), value=code, name=found.name)
    return error(N_("unknown country code (ISO 3166 alpha-3 expected): {value}"), value=value)


def parse_originator(value) -> str | None:
    text = text_or_none(value)
    if text is None:
        return None
    found = ORIGINATORS.get(norm_header(text))
    if not found:
        raise error(N_("unknown originator: {value} (expected host_state, unpol, un_other, partner or open_source)"),
                     value=str(value))
    return found


def error(msgid: str, **params):
    # The msgid travels in the context so that the reason can be translated after validation.
    return PydanticCustomError("tnt", msgid, {**params, "msgid": msgid})


def text_or_none(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u00a0", " ").strip()
    return text or None


def parse_number(value, decimal_comma: bool = True) -> float | None:
    """'1 234,5', '1.234,5', '1,234.5' and 1234.5 all give 1234.5; blank gives None.

    A lone comma is a decimal comma (French files) unless decimal_comma is False (English sources
    such as the UNODC portal, where '6,112' is six thousand); several commas are always thousands."""
    if isinstance(value, bool):
        raise error(N_("not a number: {value}"), value=str(value))
    if isinstance(value, (int, float)):
        return float(value)
    text = text_or_none(value)
    if text is None:
        return None
    text = text.replace(" ", "").replace("\u202f", "").replace("'", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif text.count(",") > 1 or ("," in text and not decimal_comma):
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise error(N_("not a number: {value}"), value=str(value)) from None


def parse_count(value) -> int:
    number = parse_number(value)
    if number is None:
        return 0
    if not float(number).is_integer():
        raise error(N_("not a whole number: {value}"), value=str(value))
    if number < 0:
        raise error(N_("cannot be negative: {value}"), value=str(value))
    return int(number)


def parse_date(value) -> date | None:
    """ISO (YYYY-MM-DD), DD/MM/YYYY (the French and UN order), or an Excel serial day number."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value, value)
    text = text_or_none(value)
    if text is None:
        return None
    if re.fullmatch(r"\d{4,5}(\.\d+)?", text):
        return _serial(float(text), value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                "%d %B %Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise error(N_("not a date (YYYY-MM-DD or DD/MM/YYYY): {value}"), value=str(value))


def _serial(number: float, original) -> date:
    # A year alone ("1997") is not a day: read as a serial it would become 1905-06-19. Serial days
    # of years 1905-1910 are no incident's date either, so the two cannot be confused.
    if number == int(number) and 1900 <= number <= 2100:
        raise error(N_("a year alone is not a date: {value} (give the day, or the month's first day "
                        "with date precision 3, month)"), value=str(original))
    if not 1 <= number < 100_000:
        raise error(N_("not a date (YYYY-MM-DD or DD/MM/YYYY): {value}"), value=str(original))
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = norm_header(text_or_none(value) or "")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise error(N_("expected yes or no: {value}"), value=str(value))


def parse_form(value) -> str | None:
    """A form of exploitation by code, English or French name (victim_detail.FORMS); blank: None."""
    text = text_or_none(value)
    if text is None:
        return None
    key = norm_header(text)
    if key in ("unknown", "inconnue", "inconnu", "non_enregistree"):
        return None
    known = {norm_header(code): code for code in FORMS} | {norm_header(label): code for code, label in FORMS.items()}
    found = known.get(key) or FORM_ALIASES.get(key) or _french_form(key)
    if not found:
        raise error(N_("unknown form of exploitation: {value} (expected one of {codes})"), value=str(value),
                     codes=", ".join(FORMS))
    return found


def _french_form(key: str) -> str | None:
    from ..i18n import get
    fr = get("fr")
    return {norm_header(fr.gettext(label)): code for code, label in FORMS.items()}.get(key)


def parse_grave_violations(value) -> list[str]:
    """'recruitment; abduction' -> ['abduction', 'recruitment']; codes or French names; blank: []."""
    if value is None:
        return []
    parts = value if isinstance(value, (list, tuple)) else re.split(r"[;,]+", str(value))
    found = set()
    for part in parts:
        key = norm_header(str(part or ""))
        if not key:
            continue
        code = key if key in GRAVE_VIOLATIONS else GRAVE_ALIASES.get(key)
        if code is None:
            raise error(N_("unknown grave violation: {value} (expected recruitment, abduction, sexual_violence or "
                            "killing_maiming)"), value=str(part).strip())
        found.add(code)
    return sorted(found)

