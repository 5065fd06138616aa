"""The native incident template: headers (English or French), value parsing and the pydantic row model.

Every other incident format (ACLED, HXL) is mapped to these native cells and validated by the
same model, so one set of rules decides what enters the incidents table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..access import ORIGINATORS as ORIGINATOR_VALUES
from ..cyber import codes as cyber_codes
from ..i18n import N_
from ..gazetteer import Gazetteer
from ..names import norm_header
from ..victim_detail import FORM_ALIASES, FORMS, GRAVE_ALIASES, GRAVE_VIOLATIONS

VICTIM_CELLS = ("v_female_child", "v_female_adult", "v_female_unknown", "v_male_child", "v_male_adult",
                "v_male_unknown", "v_unknown_child", "v_unknown_adult", "v_unknown_unknown")
# Persons smuggled (migrant smuggling): the same sex × age cells, apart from the victims.
SMUGGLED_CELLS = tuple("smuggled_" + cell[2:] for cell in VICTIM_CELLS)

# Cyber-enabled and cyber-dependent incidents (issue #37, docs/cyber.md); codes in reference/cyber_*.csv.
CYBER_FIELDS: dict[str, tuple[str, bool, str]] = {
    "cyber_modus": ("cyber_mode_operatoire", False, N_("Cyber: modus operandi, a code of reference/cyber_modus.csv "
                                                     "or its label, e.g. mobile_money_fraud, sextortion, fake_job_offer.")),
    "cyber_channel": ("cyber_canal", False, N_("Cyber: channel or platform type: social_media, messaging_app, "
                                               "mobile_money, email, marketplace, dark_web or other.")),
    "cyber_loss_usd": ("cyber_perte_usd", False, N_("Cyber: financial loss to the victims, in US dollars.")),
    "residence_admin1_code": ("code_admin1_residence_victimes", False, N_(
        "Admin-1 code of the victims' area of residence: places an incident that has no admin-1 area of its own.")),
    "offender_iso3": ("pays_auteurs", False, N_("ISO3 code of the country the offenders acted from, where known.")),
    "cyber_report_source": ("cyber_source_signalement", False, N_(
        "Cyber: who reported it: police_report, cert, platform_referral or financial_operator.")),
    "tfgbv": ("vbg_facilitee_techno", False, N_("yes/no: technology-facilitated gender-based violence.")),
    "linked_trafficking_id": ("traite_liee", False, N_(
        "Identifier of the trafficking incident this online recruitment led to.")),
    "cyber_account_ref": ("cyber_ref_compte", False, N_(
        "Platform account, wallet or handle used by the offenders (analysts only, never shared).")),
}
CYBER_EXAMPLE = {"cyber_modus": "", "cyber_channel": "", "cyber_loss_usd": "", "residence_admin1_code": "",
                 "offender_iso3": "", "cyber_report_source": "", "tfgbv": "no", "linked_trafficking_id": "",
                 "cyber_account_ref": ""}

# field: (French header, required, description msgid). Order is the template's column order.
FIELDS: dict[str, tuple[str, bool, str]] = {
    "incident_id": ("identifiant", True, N_("Stable identifier of the incident; re-importing the same id updates the record.")),
    "date_occurred": ("date_faits", True, N_("Date the incident occurred: YYYY-MM-DD, DD/MM/YYYY or an Excel date.")),
    "date_precision": ("precision_date", False, N_("1 day, 2 week, 3 month (default 1).")),
    "date_reported": ("date_signalement", False, N_("Date the incident was reported.")),
    "mission": ("mission", False, N_("Mission code, e.g. MINUSCA.")),
    "iso3": ("pays_iso3", False, N_("ISO 3166 alpha-3 code of the country or territory (XKX for Kosovo).")),
    "admin1_code": ("code_admin1", False, N_("Admin-1 code (ISO 3166-2 where one exists).")),
    "place": ("lieu", False, N_("Admin-2 or place name.")),
    "lat": ("latitude", False, N_("Latitude in decimal degrees (WGS 84).")),
    "lon": ("longitude", False, N_("Longitude in decimal degrees (WGS 84).")),
    "geo_precision": ("precision_geo", False, N_("1 exact, 2 near, 3 admin-1 centroid.")),
    "market": ("marche", True, N_("Criminal market: a code or its English or French label.")),
    "subtype": ("sous_type", False, N_("Free subtype of the market.")),
    "cross_border": ("transfrontalier", False, N_("yes/no: the incident crosses a border.")),
    "origin_iso3": ("pays_origine", False, N_("ISO3 code of the country of origin.")),
    "transit_iso3": ("pays_transit", False, N_("ISO3 code of the transit country.")),
    "destination_iso3": ("pays_destination", False, N_("ISO3 code of the destination country.")),
    "crossing_code": ("point_passage", False, N_("Border crossing code.")),
    "actor_id": ("acteur", False, N_("Actor: identifier, name or alias from the actor register; an unknown name "
                                     "imports without an actor and is suggested to the analyst.")),
    "fatalities": ("deces", False, N_("Number of people killed.")),
    "arrests_female": ("arrestations_femmes", False, N_("Women and girls arrested.")),
    "arrests_male": ("arrestations_hommes", False, N_("Men and boys arrested.")),
    "arrests_unknown": ("arrestations_sexe_inconnu", False, N_("People arrested, sex unknown.")),
    "v_female_child": ("victimes_filles", False, N_("Victims: girls (female, under 18).")),
    "v_female_adult": ("victimes_femmes", False, N_("Victims: women (female, 18 or over).")),
    "v_female_unknown": ("victimes_feminin_age_inconnu", False, N_("Victims: female, age unknown.")),
    "v_male_child": ("victimes_garcons", False, N_("Victims: boys (male, under 18).")),
    "v_male_adult": ("victimes_hommes", False, N_("Victims: men (male, 18 or over).")),
    "v_male_unknown": ("victimes_masculin_age_inconnu", False, N_("Victims: male, age unknown.")),
    "v_unknown_child": ("victimes_enfants_sexe_inconnu", False, N_("Victims: children, sex unknown.")),
    "v_unknown_adult": ("victimes_adultes_sexe_inconnu", False, N_("Victims: adults, sex unknown.")),
    "v_unknown_unknown": ("victimes_sexe_age_inconnus", False, N_("Victims: sex and age unknown.")),
    "smuggled_female_child": ("passes_filles", False, N_("Persons smuggled (not victims): girls.")),
    "smuggled_female_adult": ("passes_femmes", False, N_("Persons smuggled (not victims): women.")),
    "smuggled_female_unknown": ("passes_feminin_age_inconnu", False, N_("Persons smuggled: female, age unknown.")),
    "smuggled_male_child": ("passes_garcons", False, N_("Persons smuggled (not victims): boys.")),
    "smuggled_male_adult": ("passes_hommes", False, N_("Persons smuggled (not victims): men.")),
    "smuggled_male_unknown": ("passes_masculin_age_inconnu", False, N_("Persons smuggled: male, age unknown.")),
    "smuggled_unknown_child": ("passes_enfants_sexe_inconnu", False, N_("Persons smuggled: children, sex unknown.")),
    "smuggled_unknown_adult": ("passes_adultes_sexe_inconnu", False, N_("Persons smuggled: adults, sex unknown.")),
    "smuggled_unknown_unknown": ("passes_sexe_age_inconnus", False, N_("Persons smuggled: sex and age unknown.")),
    "seizure_commodity": ("saisie_produit", False, N_("What was seized.")),
    "seizure_quantity": ("saisie_quantite", False, N_("Quantity seized.")),
    "seizure_unit": ("saisie_unite", False, N_("Unit of the quantity seized, e.g. kg.")),
    "seizure_value_usd": ("saisie_valeur_usd", False, N_("Estimated value of the seizure in US dollars.")),
    "source_type": ("type_source", False, N_("Type of source, e.g. UNPOL patrol.")),
    "originator": ("emetteur", False, N_("Who reported the record: host_state, unpol, un_other, partner or "
                                         "open_source (French labels accepted).")),
    "originator_iso3": ("emetteur_iso3", False, N_("ISO3 code of the State whose report it is: required when the "
                                                   "originator is host_state, empty otherwise.")),
    "source_reliability": ("fiabilite_source", True, N_("Admiralty source reliability, A to F.")),
    "info_credibility": ("credibilite_info", True, N_("Admiralty information credibility, 1 to 6.")),
    "n_sources": ("nb_sources", False, N_("Number of independent sources (default 1).")),
    "classification": ("classification", True, N_("UNCLASSIFIED, CONFIDENTIAL or STRICTLY CONFIDENTIAL.")),
    "tlp": ("tlp", True, N_("Traffic Light Protocol: TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED.")),
    "releasable_to": ("communicable_a", False, N_("ISO3 codes of the host States this record is released to, "
                                                  "separated by ; or , or spaces (e.g. HTI; DOM); empty: none.")),
    "status": ("statut", True, N_("draft, in_review, validated or archived.")),
    "narrative": ("recit", False, N_("Narrative of the incident.")),
    "narrative_restricted": ("recit_restreint", False, N_("yes/no: the narrative is restricted.")),
    "source_ref": ("ref_source", False, N_("Reference of the source (analysts only).")),
    "reporting_unit": ("unite_declarante", False, N_("Unit that reported the incident.")),
    **{  # Trafficking and protection detail (issue #32): counts per incident, never per named person.
        "exploitation_form": ("forme_exploitation", False, N_(
            "Human trafficking only: form of exploitation (UNODC GLOTIP), a code or its English or French name: "
            "sexual_exploitation, forced_labour, forced_criminal_activity, forced_marriage, begging, organ_removal, "
            "child_soldiers, mixed, other; blank: not recorded.")),
        "victims_domestic": ("victimes_nationales", False, N_("Victims who are citizens of the country where the "
                                                             "incident occurred.")),
        "victims_foreign": ("victimes_etrangeres", False, N_("Victims who are foreign citizens (the rest of the "
                                                            "victims: citizenship unknown).")),
        "victim_citizenships": ("nationalites_victimes", False, N_("ISO3 codes of the foreign victims' "
                                                                  "citizenships, separated by ; (no names).")),
        "victims_referred": ("victimes_orientees", False, N_("Victims referred to services (with their consent).")),
        "victims_not_referred": ("victimes_non_orientees", False, N_("Victims not referred to services.")),
        "victims_declined_referral": ("victimes_refus_orientation", False, N_(
            "Victims who declined referral to services (the rest of the victims: referral unknown).")),
        "crsv_referred": ("orientation_vslic", False, N_(
            "yes/no: referred to the focal point for conflict-related sexual violence (MARA arrangements).")),
        "grave_violations": ("violations_graves", False, N_(
            "Possible grave violations against children, for the MRM, separated by ;: recruitment, abduction, "
            "sexual_violence, killing_maiming.")),
    },
    **CYBER_FIELDS,
}
STORE_COLUMNS = tuple(FIELDS)     # the incidents columns an import writes (plus created_at, updated_at, batch_id)

# Release to a host State (issue #26) is decided record by record, often after the import (Data page,
# `release set`). A file without these columns (an older template, ACLED, HXL) keeps what the store
# holds: the pipeline copies the stored values into such rows (pipeline._upsert). A file with the
# column, even blank, sets it. originator and originator_iso3 go together: kept only if both are absent.
KEEP_FLAGS = {"_keep_releasable_to": ("releasable_to",), "_keep_originator": ("originator", "originator_iso3")}

# The template's example row is refused (quarantined with a clear reason) so it can never become a record.
EXAMPLE_ID = "EXAMPLE-delete-this-row"
EXAMPLE_ROW = {
    "incident_id": EXAMPLE_ID, "date_occurred": "2026-11-16", "date_precision": 1, "date_reported": "2026-11-17",
    "mission": "MINUSCA", "iso3": "CAF", "admin1_code": "CF-HM", "place": "Birao", "lat": 10.28, "lon": 22.78,
    "geo_precision": 1, "market": "arms_trafficking", "subtype": "", "cross_border": "yes", "origin_iso3": "SDN",
    "transit_iso3": "", "destination_iso3": "CAF", "crossing_code": "", "actor_id": "", "fatalities": 0,
    "arrests_female": 0, "arrests_male": 2, "arrests_unknown": 0, "v_female_child": 0, "v_female_adult": 0,
    "v_female_unknown": 0, "v_male_child": 0, "v_male_adult": 0, "v_male_unknown": 0, "v_unknown_child": 0,
    "v_unknown_adult": 0, "v_unknown_unknown": 0, **{cell: 0 for cell in SMUGGLED_CELLS},
    "seizure_commodity": "AK-pattern rifles", "seizure_quantity": 4,
    "seizure_unit": "items", "seizure_value_usd": 2400, "source_type": "UNPOL patrol", "originator": "unpol",
    "originator_iso3": "", "source_reliability": "B", "info_credibility": 2, "n_sources": 1,
    "classification": "UNCLASSIFIED", "tlp": "TLP:GREEN", "releasable_to": "", "status": "validated",
    "narrative": "Example: patrol seized four rifles at a checkpoint.", "narrative_restricted": "no",
    "source_ref": "", "reporting_unit": "UNPOL Birao",
    "exploitation_form": "", "victims_domestic": 0, "victims_foreign": 0, "victim_citizenships": "",
    "victims_referred": 0, "victims_not_referred": 0, "victims_declined_referral": 0, "crsv_referred": "no",
    "grave_violations": "", **CYBER_EXAMPLE,
}


def _header_aliases() -> dict[str, str]:
    aliases = {}
    for name, (french, _req, _help) in FIELDS.items():
        aliases[norm_header(name)] = name
        aliases[norm_header(french)] = name
    aliases.update({"id": "incident_id", "identifiant_incident": "incident_id", "date": "date_occurred",
                    "date_des_faits": "date_occurred", "pays": "iso3", "country": "iso3", "market_code": "market",
                    "admin1": "admin1_code", "marche_criminel": "market", "statut_fiche": "status",
                    "fiabilite": "source_reliability", "credibilite": "info_credibility", "lat": "lat", "lon": "lon",
                    "long": "lon", "longitude": "lon", "latitude": "lat", "morts": "fatalities", "tues": "fatalities",
                    "origine": "originator", "origine_iso3": "originator_iso3", "emetteur_pays": "originator_iso3",
                    "releasable": "releasable_to", "released_to": "releasable_to", "communicable": "releasable_to",
                    "diffusable_a": "releasable_to"})
    return aliases


HEADER_ALIASES = _header_aliases()


def map_headers(headers: list) -> tuple[dict[int, str], list[str]]:
    """Column index -> field, and the headers that match no field (reported, then ignored)."""
    mapping, unknown = {}, []
    for index, header in enumerate(headers):
        key = norm_header(header)
        if not key:
            continue
        field = HEADER_ALIASES.get(key)
        if field and field not in mapping.values():
            mapping[index] = field
        else:
            unknown.append(str(header).strip())
    return mapping, unknown


# Value parsing ---------------------------------------------------------------------------------------------
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
ORIGINATOR_CODES = ORIGINATOR_VALUES
ORIGINATORS = {**{code: code for code in ORIGINATOR_CODES},
               "host_state_police": "host_state", "etat_hote": "host_state", "pays_hote": "host_state",
               "police_etat_hote": "host_state", "police_du_pays_hote": "host_state",
               "police_des_nations_unies": "unpol", "police_onu": "unpol", "police_de_l_onu": "unpol",
               "other_un": "un_other", "autre_onu": "un_other", "onu_autre": "un_other",
               "autre_entite_onu": "un_other", "nations_unies_autre": "un_other",
               "partenaire": "partner", "open_sources": "open_source", "source_ouverte": "open_source",
               "sources_ouvertes": "open_source", "osint": "open_source"}
ISO3_SPLIT = re.compile(r"[\s;,]+")


def parse_iso3_list(value, countries=None) -> list[str]:
    """'hti; DOM,hti' -> ['DOM', 'HTI']: ISO3 codes separated by ; or , or spaces, upper-cased,
    duplicates dropped, sorted. Every code must be three letters and, when `countries` is given,
    one of them. A list (a cell already split) is read the same way; blank gives []."""
    if value is None:
        return []
    parts = value if isinstance(value, (list, tuple)) else ISO3_SPLIT.split(str(value).replace("\u00a0", " "))
    codes = set()
    for part in parts:
        code = str(part or "").strip().upper()
        if not code:
            continue
        if not re.fullmatch(r"[A-Z]{3}", code) or (countries is not None and code not in countries):
            raise _unknown_country(code, str(part).strip())
        codes.add(code)
    return sorted(codes)


def _unknown_country(code: str, value: str):
    """The error for a country code the store does not know: a real ISO 3166 code missing from the
    reference list is not called "not a code"."""
    import pycountry
    found = pycountry.countries.get(alpha_3=code) if re.fullmatch(r"[A-Z]{3}", code) else None
    if found is not None:
        return _error(N_("country {value} ({name}) is not in the store's reference list: add it to "
                         "tnt_dash/reference/countries.csv to import its records"), value=code, name=found.name)
    return _error(N_("unknown country code (ISO 3166 alpha-3 expected): {value}"), value=value)


def parse_originator(value) -> str | None:
    text = text_or_none(value)
    if text is None:
        return None
    found = ORIGINATORS.get(norm_header(text))
    if not found:
        raise _error(N_("unknown originator: {value} (expected host_state, unpol, un_other, partner or open_source)"),
                     value=str(value))
    return found


def _error(msgid: str, **params):
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
        raise _error(N_("not a number: {value}"), value=str(value))
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
        raise _error(N_("not a number: {value}"), value=str(value)) from None


def parse_count(value) -> int:
    number = parse_number(value)
    if number is None:
        return 0
    if not float(number).is_integer():
        raise _error(N_("not a whole number: {value}"), value=str(value))
    if number < 0:
        raise _error(N_("cannot be negative: {value}"), value=str(value))
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
    raise _error(N_("not a date (YYYY-MM-DD or DD/MM/YYYY): {value}"), value=str(value))


def _serial(number: float, original) -> date:
    # A year alone ("1997") is not a day: read as a serial it would become 1905-06-19. Serial days
    # of years 1905-1910 are no incident's date either, so the two cannot be confused.
    if number == int(number) and 1900 <= number <= 2100:
        raise _error(N_("a year alone is not a date: {value} (give the day, or the month's first day "
                        "with date precision 3, month)"), value=str(original))
    if not 1 <= number < 100_000:
        raise _error(N_("not a date (YYYY-MM-DD or DD/MM/YYYY): {value}"), value=str(original))
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = norm_header(text_or_none(value) or "")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _error(N_("expected yes or no: {value}"), value=str(value))


DETAIL_COUNTS = ("victims_domestic", "victims_foreign", "victims_referred", "victims_not_referred",
                 "victims_declined_referral")


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
        raise _error(N_("unknown form of exploitation: {value} (expected one of {codes})"), value=str(value),
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
            raise _error(N_("unknown grave violation: {value} (expected recruitment, abduction, sexual_violence or "
                            "killing_maiming)"), value=str(part).strip())
        found.add(code)
    return sorted(found)


class NativeRow(BaseModel):
    """One incident as it will be stored. Reference checks (market, country, admin-1, mission) use
    the sets passed as validation context, read from the store in the same transaction."""
    model_config = ConfigDict(extra="forbid")

    incident_id: str
    date_occurred: date
    date_precision: int = 1
    date_reported: Optional[date] = None
    mission: Optional[str] = None
    iso3: Optional[str] = None
    admin1_code: Optional[str] = None
    place: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    geo_precision: Optional[int] = None
    market: str
    subtype: Optional[str] = None
    cross_border: bool = False
    origin_iso3: Optional[str] = None
    transit_iso3: Optional[str] = None
    destination_iso3: Optional[str] = None
    crossing_code: Optional[str] = None
    actor_id: Optional[str] = None
    fatalities: int = 0
    arrests_female: int = 0
    arrests_male: int = 0
    arrests_unknown: int = 0
    v_female_child: int = 0
    v_female_adult: int = 0
    v_female_unknown: int = 0
    v_male_child: int = 0
    v_male_adult: int = 0
    v_male_unknown: int = 0
    v_unknown_child: int = 0
    v_unknown_adult: int = 0
    v_unknown_unknown: int = 0
    smuggled_female_child: int = 0
    smuggled_female_adult: int = 0
    smuggled_female_unknown: int = 0
    smuggled_male_child: int = 0
    smuggled_male_adult: int = 0
    smuggled_male_unknown: int = 0
    smuggled_unknown_child: int = 0
    smuggled_unknown_adult: int = 0
    smuggled_unknown_unknown: int = 0
    seizure_commodity: Optional[str] = None
    seizure_quantity: Optional[float] = None
    seizure_unit: Optional[str] = None
    seizure_value_usd: Optional[float] = None
    source_type: Optional[str] = None
    originator: Optional[Literal["host_state", "unpol", "un_other", "partner", "open_source"]] = None
    # Validated even when the column is absent: a host-State report without its State is refused.
    originator_iso3: Optional[str] = Field(default=None, validate_default=True)
    source_reliability: Literal["A", "B", "C", "D", "E", "F"]
    info_credibility: int
    n_sources: int = 1
    classification: Literal["UNCLASSIFIED", "CONFIDENTIAL", "STRICTLY CONFIDENTIAL"]
    tlp: Literal["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]
    releasable_to: list[str] = Field(default_factory=list)
    status: Literal["draft", "in_review", "validated", "archived"]
    narrative: Optional[str] = None
    narrative_restricted: bool = False
    source_ref: Optional[str] = None
    reporting_unit: Optional[str] = None
    exploitation_form: Optional[str] = None
    victims_domestic: int = 0
    victims_foreign: int = 0
    victim_citizenships: Optional[str] = None
    victims_referred: int = 0
    victims_not_referred: int = 0
    victims_declined_referral: int = 0
    crsv_referred: bool = False
    grave_violations: Optional[str] = None
    cyber_modus: Optional[str] = None
    cyber_channel: Optional[str] = None
    cyber_loss_usd: Optional[float] = None
    residence_admin1_code: Optional[str] = None
    offender_iso3: Optional[str] = None
    cyber_report_source: Optional[str] = None
    tfgbv: bool = False
    linked_trafficking_id: Optional[str] = None
    cyber_account_ref: Optional[str] = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank(cls, value, info: ValidationInfo):
        if isinstance(value, str):
            value = value.replace("\u00a0", " ").strip()
            if value == "" and info.field_name in REQUIRED:
                raise _error(N_("a value is required"))
            if value == "":
                return None if info.field_name not in DEFAULTED else DEFAULTED[info.field_name]
        if value is None and info.field_name in REQUIRED:
            raise _error(N_("a value is required"))
        if value is None and info.field_name in DEFAULTED:
            return DEFAULTED[info.field_name]
        return value

    @field_validator("incident_id", "place", "subtype", "crossing_code", "actor_id", "seizure_commodity",
                     "seizure_unit", "source_type", "narrative", "source_ref", "reporting_unit", mode="before")
    @classmethod
    def _text(cls, value):
        return text_or_none(value)

    @field_validator("date_occurred", "date_reported", mode="before")
    @classmethod
    def _date(cls, value):
        return parse_date(value)

    @field_validator("fatalities", "arrests_female", "arrests_male", "arrests_unknown", *VICTIM_CELLS, *SMUGGLED_CELLS,
                     "n_sources", *DETAIL_COUNTS, mode="before")
    @classmethod
    def _count(cls, value):
        return parse_count(value)

    @field_validator("date_precision", "geo_precision", mode="before")
    @classmethod
    def _precision(cls, value):
        number = parse_number(value)
        if number is None:
            return None
        if number not in (1, 2, 3):
            raise _error(N_("must be 1, 2 or 3: {value}"), value=str(value))
        return int(number)

    @field_validator("info_credibility", mode="before")
    @classmethod
    def _credibility(cls, value):
        number = parse_number(value)
        if number is None or number not in (1, 2, 3, 4, 5, 6):
            raise _error(N_("must be a whole number from 1 to 6: {value}"), value=str(value))
        return int(number)

    @field_validator("lat", "lon", "seizure_quantity", "seizure_value_usd", mode="before")
    @classmethod
    def _float(cls, value, info: ValidationInfo):
        number = parse_number(value)
        if number is None:
            return None
        if info.field_name == "lat" and not -90 <= number <= 90:
            raise _error(N_("latitude must be between -90 and 90: {value}"), value=str(value))
        if info.field_name == "lon" and not -180 <= number <= 180:
            raise _error(N_("longitude must be between -180 and 180: {value}"), value=str(value))
        if info.field_name.startswith("seizure") and number < 0:
            raise _error(N_("cannot be negative: {value}"), value=str(value))
        return number

    @field_validator("cross_border", "narrative_restricted", "crsv_referred", mode="before")
    @classmethod
    def _bool(cls, value):
        return parse_bool(value)

    @field_validator("source_reliability", mode="before")
    @classmethod
    def _reliability(cls, value):
        text = (text_or_none(value) or "").upper()
        if text not in ("A", "B", "C", "D", "E", "F"):
            raise _error(N_("source reliability must be a letter A to F: {value}"), value=str(value))
        return text

    @field_validator("classification", mode="before")
    @classmethod
    def _classification(cls, value):
        found = CLASSIFICATIONS.get(norm_header(value))
        if not found:
            raise _error(N_("unknown classification: {value}"), value=str(value))
        return found

    @field_validator("tlp", mode="before")
    @classmethod
    def _tlp(cls, value):
        text = re.sub(r"\s+", "", (text_or_none(value) or "").upper())
        text = text if text.startswith("TLP:") else "TLP:" + text
        text = text.replace("TLP:WHITE", "TLP:CLEAR")   # TLP 1.0 name
        if text not in TLPS:
            raise _error(N_("unknown TLP marking: {value}"), value=str(value))
        return text

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value):
        found = STATUSES.get(norm_header(value))
        if not found:
            raise _error(N_("unknown record status: {value}"), value=str(value))
        return found

    @field_validator("market", mode="before")
    @classmethod
    def _market(cls, value, info: ValidationInfo):
        text = text_or_none(value)
        markets = (info.context or {}).get("markets", {})
        found = markets.get(norm_header(text)) if text else None
        if not found:
            raise _error(N_("unknown criminal market: {value}"), value=str(value))
        return found

    @field_validator("iso3", "origin_iso3", "transit_iso3", "destination_iso3", mode="before")
    @classmethod
    def _country(cls, value, info: ValidationInfo):
        text = (text_or_none(value) or "").upper()
        if not text:
            return None
        countries = (info.context or {}).get("countries")
        if countries is not None and text not in countries and info.field_name == "iso3":
            raise _unknown_country(text, str(value))
        if not re.fullmatch(r"[A-Z]{3}", text):
            raise _error(N_("unknown country code (ISO 3166 alpha-3 expected): {value}"), value=str(value))
        return text

    @field_validator("releasable_to", mode="before")
    @classmethod
    def _releasable(cls, value, info: ValidationInfo):
        return parse_iso3_list(value, (info.context or {}).get("countries"))

    @field_validator("originator", mode="before")
    @classmethod
    def _originator(cls, value):
        return parse_originator(value)

    @field_validator("originator_iso3", mode="before")
    @classmethod
    def _originator_iso3(cls, value, info: ValidationInfo):
        text = (text_or_none(value) or "").upper()
        if "originator" not in info.data:
            return text or None   # the originator itself was refused; its reason says why
        host_state = info.data["originator"] == "host_state"
        if host_state and not text:
            raise _error(N_("the originating State is required when the originator is host_state"))
        if text and not host_state:
            raise _error(N_("only a host-State report (originator host_state) has an originating State: {value}"),
                         value=str(value))
        if not text:
            return None
        countries = (info.context or {}).get("countries")
        if not re.fullmatch(r"[A-Z]{3}", text) or (countries is not None and text not in countries):
            raise _error(N_("unknown country code (ISO 3166 alpha-3 expected): {value}"), value=str(value))
        return text

    @field_validator("mission", mode="before")
    @classmethod
    def _mission(cls, value, info: ValidationInfo):
        text = (text_or_none(value) or "").upper()
        if not text:
            return None
        missions = (info.context or {}).get("missions")
        if missions is not None and text not in missions:
            raise _error(N_("unknown mission: {value}"), value=str(value))
        return text

    @field_validator("admin1_code", mode="before")
    @classmethod
    def _admin1(cls, value, info: ValidationInfo):
        text = (text_or_none(value) or "").upper()
        if not text:
            return None
        admin1 = (info.context or {}).get("admin1")
        if admin1 is not None and text not in admin1:
            raise _error(N_("unknown admin-1 code: {value}"), value=str(value))
        return text

    @field_validator("exploitation_form", mode="before")
    @classmethod
    def _form(cls, value):
        return parse_form(value)

    @field_validator("victim_citizenships", mode="before")
    @classmethod
    def _citizenships(cls, value):
        import pycountry
        codes = parse_iso3_list(value)
        # Any country of the world, not only the store's reference list: victims come from afar.
        for code in codes:
            if code != "XKX" and pycountry.countries.get(alpha_3=code) is None:
                raise _error(N_("unknown country code (ISO 3166 alpha-3 expected): {value}"), value=code)
        return ";".join(codes) or None

    @field_validator("grave_violations", mode="before")
    @classmethod
    def _grave(cls, value):
        return ";".join(parse_grave_violations(value)) or None

    @model_validator(mode="after")
    def _victim_detail(self):
        """The detail of the victims adds up to no more than the victims (issue #32)."""
        victims = sum(getattr(self, c) for c in VICTIM_CELLS)
        if self.exploitation_form and self.market != "human_trafficking":
            raise _error(N_("a form of exploitation is recorded for human trafficking only, not for {market}"),
                         market=self.market)
        citizenship = self.victims_domestic + self.victims_foreign
        if citizenship > victims:
            raise _error(N_("victims by citizenship ({n}) are more than the incident's victims ({victims})"),
                         n=citizenship, victims=victims)
        referral = self.victims_referred + self.victims_not_referred + self.victims_declined_referral
        if referral > victims:
            raise _error(N_("victims by referral to services ({n}) are more than the incident's victims ({victims})"),
                         n=referral, victims=victims)
        if self.victim_citizenships and not self.victims_foreign:
            raise _error(N_("foreign citizenships are given but no foreign victim is counted"))
        return self
    @field_validator("cyber_modus", "cyber_channel", "cyber_report_source", mode="before")
    @classmethod
    def _cyber_code(cls, value, info: ValidationInfo):
        text = text_or_none(value)
        if not text:
            return None
        kind = {"cyber_modus": "modus", "cyber_channel": "channel", "cyber_report_source": "report_source"}
        found = cyber_codes.lookup(kind[info.field_name]).get(text.strip().lower())
        if not found:
            raise _error(N_("not a code of the cyber list {name}: {value}"),
                         name=cyber_codes.LISTS[kind[info.field_name]], value=str(value))
        return found

    @field_validator("cyber_loss_usd", mode="before")
    @classmethod
    def _loss(cls, value):
        number = parse_number(value)
        if number is not None and number < 0:
            raise _error(N_("cannot be negative: {value}"), value=str(value))
        return number

    @field_validator("residence_admin1_code", mode="before")
    @classmethod
    def _residence(cls, value, info: ValidationInfo):
        text = (text_or_none(value) or "").upper()
        admin1 = (info.context or {}).get("admin1")
        if text and admin1 is not None and text not in admin1:
            raise _error(N_("unknown admin-1 code: {value}"), value=str(value))
        return text or None

    @field_validator("offender_iso3", mode="before")
    @classmethod
    def _offender(cls, value):
        text = (text_or_none(value) or "").upper()
        if text and not re.fullmatch(r"[A-Z]{3}", text):
            raise _error(N_("unknown country code (ISO 3166 alpha-3 expected): {value}"), value=str(value))
        return text or None

    @field_validator("tfgbv", mode="before")
    @classmethod
    def _tfgbv(cls, value):
        return parse_bool(value)

    @field_validator("linked_trafficking_id", "cyber_account_ref", mode="before")
    @classmethod
    def _cyber_text(cls, value):
        return text_or_none(value)

    @model_validator(mode="after")
    def _coherent(self, info: ValidationInfo):
        admin1 = (info.context or {}).get("admin1") or {}
        if self.admin1_code and self.iso3 and admin1.get(self.admin1_code, self.iso3) != self.iso3:
            raise _error(N_("admin-1 area {code} is not in country {iso3}"), code=self.admin1_code, iso3=self.iso3)
        if (self.lat is None) != (self.lon is None):
            raise _error(N_("latitude and longitude must be given together"))
        if self.date_reported and self.date_reported < self.date_occurred:
            raise _error(N_("the date reported is before the date occurred"))
        residence = self.residence_admin1_code
        if residence and self.iso3 and admin1.get(residence, self.iso3) != self.iso3:
            raise _error(N_("the victims' area of residence {code} is not in country {iso3}"), code=residence,
                         iso3=self.iso3)
        return self


REQUIRED = {name for name, (_fr, required, _h) in FIELDS.items() if required}
DEFAULTED = {"date_precision": 1, "cross_border": False, "narrative_restricted": False, "n_sources": 1,
             "releasable_to": (), "crsv_referred": False, "tfgbv": False,
             **{c: 0 for c in DETAIL_COUNTS},
             **{c: 0 for c in ("fatalities", "arrests_female", "arrests_male", "arrests_unknown", *VICTIM_CELLS,
                               *SMUGGLED_CELLS)}}


def reference_context(con) -> dict:
    """Lookup sets for validation, read once per import."""
    markets = {}
    for code, en, fr in con.execute("SELECT code, label_en, label_fr FROM markets").fetchall():
        for key in (code, en, fr):
            markets[norm_header(key)] = code
    return {
        "markets": markets,
        "countries": {r[0] for r in con.execute("SELECT iso3 FROM countries").fetchall()},
        "missions": {r[0] for r in con.execute("SELECT code FROM missions").fetchall()},
        # Former codes too: a file written before an area was split still imports (convert moves it).
        "admin1": dict(con.execute("SELECT upper(code), iso3 FROM admin1_named").fetchall()),
    }


def validate(cells: dict, context: dict, t) -> tuple[dict | None, list[dict]]:
    """(store row, []) or (None, [{field, reason}]) with reasons in the UI language."""
    try:
        row = NativeRow.model_validate(cells, context=context)
    except ValidationError as exc:
        return None, [{"field": ".".join(str(p) for p in err["loc"]) or "row", "reason": reason(err, t)}
                      for err in exc.errors()]
    record = row.model_dump()
    for flag, fields in KEEP_FLAGS.items():
        record[flag] = not any(name in cells for name in fields)
    return record, []


_GENERIC = {
    "missing": N_("a value is required"),
    "extra_forbidden": N_("not a field of the template"),
    "literal_error": N_("not an allowed value: {value}"),
    "int_parsing": N_("not a whole number: {value}"),
    "float_parsing": N_("not a number: {value}"),
    "date_from_datetime_parsing": N_("not a date (YYYY-MM-DD or DD/MM/YYYY): {value}"),
    "string_type": N_("not text: {value}"),
}


def reason(err: dict, t) -> str:
    if err["type"] == "tnt":
        ctx = dict(err.get("ctx") or {})
        return t.gettext(ctx.pop("msgid")).format(**ctx)
    msgid = _GENERIC.get(err["type"], N_("invalid value: {value}"))
    return t.gettext(msgid).format(value=str(err.get("input")))


# The importer interface (see pipeline.py): context, read, convert --------------------------------------------
def context(con) -> dict:
    return {**reference_context(con), "gazetteer": Gazetteer.from_store(con)}


def header_cells(row: list) -> list[str]:
    """Header texts, made unique so that no cell is lost under a repeated header."""
    out, seen = [], {}
    for index, cell in enumerate(row):
        text = str(cell).replace("\u00a0", " ").strip() if cell is not None else ""
        text = text or f"column_{index + 1}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        out.append(text)
    return out


@dataclass
class Item:
    """One row of a source file as the pipeline takes it, from any reader."""
    row: int            # 1-based row number in the source file (sheet rows for workbooks)
    raw: dict           # the original cells, keyed by header (by hashtag for HXL)
    sheet: str | None = None


def table_items(rows: list[tuple[int, list]], header_index: int, headers: list[str], sheet: str | None = None):
    from .detect import nonblank
    items = []
    for number, row in rows[header_index + 1:]:
        if not nonblank(row):
            continue   # blank lines are layout, not records
        raw = {h: (row[i] if i < len(row) else None) for i, h in enumerate(headers)}
        if sheet:
            raw["_sheet"] = sheet
        extra = [c for c in row[len(headers):] if c not in (None, "")]
        if extra:
            raw["_extra_cells"] = [str(c) for c in extra]
        items.append(Item(row=number, raw=raw, sheet=sheet))
    return items


def read(source, t):
    from .detect import FileUnreadable, nonblank
    for sheet in source.sheets:
        first = next((i for i, (_n, r) in enumerate(sheet.rows) if nonblank(r)), None)
        if first is None:
            continue
        headers = header_cells(sheet.rows[first][1])
        mapping, unknown = map_headers(headers)
        if "incident_id" not in mapping.values():
            continue
        missing = [f"{name} / {FIELDS[name][0]}" for name in FIELDS if FIELDS[name][1] and name not in mapping.values()]
        if missing:
            found = sum(1 for name in FIELDS if FIELDS[name][1] and name in mapping.values())
            raise FileUnreadable(REQUIRED_MISSING, columns=", ".join(missing), found=found)
        warnings = [{"row": sheet.rows[first][0], "field": h, "reason": t.gettext(N_("unknown column, ignored"))}
                    for h in unknown]
        return table_items(sheet.rows, first, headers, sheet.name if source.workbook else None), warnings
    raise FileUnreadable(NO_INCIDENT_TABLE)


REQUIRED_MISSING = N_("Required columns are missing: {columns}.")
NO_INCIDENT_TABLE = N_("No incident table found: the header row needs at least an incident_id (identifiant) column.")


def convert(raw: dict, ctx: dict, t):
    cells = {}
    for header, value in raw.items():
        if header.startswith("_"):
            continue
        field = HEADER_ALIASES.get(norm_header(header))
        if field and field not in cells:
            cells[field] = value
    record, errors = validate(cells, ctx, t)
    if record and record.get("admin1_code") and "gazetteer" in ctx:
        # A former unit's code moves to its successor when that is certain (gazetteer.py).
        precise = record.get("geo_precision") != 3
        match = ctx["gazetteer"].lookup_code(record["admin1_code"], record.get("lat") if precise else None,
                                             record.get("lon") if precise else None)
        if match is not None:
            record["admin1_code"] = match.code
    if str(cells.get("incident_id") or "").strip() == EXAMPLE_ID:
        record, errors = None, errors + [{"field": "incident_id", "reason": t.gettext(
            N_("this is the template's example row: delete it before importing"))}]
    if raw.get("_extra_cells"):
        errors = errors + [{"field": "row", "reason": t.gettext(N_("more cells than headers: {cells}")).format(
            cells=", ".join(raw["_extra_cells"]))}]
        record = None
    return ([record] if record else []), errors
