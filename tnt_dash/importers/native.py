"""The native incident template's row model (pydantic) and its reader: validation with reasons in
the UI language, then the importer interface (context, read, convert).

Longer than most modules on purpose: the row model is one pydantic class, and its validators share the
row's validation context; split up, the one set of rules for what enters the incidents table would scatter.

Every other incident format (ACLED, HXL) is mapped to these native cells and validated by the
same model, so one set of rules decides what enters the incidents table. The template's columns
are in fields.py, the cell parsers in values.py.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from ..cyber import codes as cyber_codes
from ..i18n import N_
from ..gazetteer import Gazetteer
from ..names import norm_header
from .common import reference_context
from .detect import FileUnreadable, nonblank
from .fields import DETAIL_COUNTS, EXAMPLE_ID, FIELDS, HEADER_ALIASES, KEEP_FLAGS, SMUGGLED_CELLS, VICTIM_CELLS, \
    map_headers
from .rows import header_cells, table_items
from .values import CLASSIFICATIONS, STATUSES, TLPS, error, parse_bool, parse_count, parse_date, parse_form, \
    parse_grave_violations, parse_iso3_list, parse_number, parse_originator, text_or_none, unknown_country


# Fields whose cell one parser reads, whatever the row's context.
PARSED = {
    **dict.fromkeys(("incident_id", "place", "subtype", "crossing_code", "actor_id", "seizure_commodity",
                     "seizure_unit", "source_type", "narrative", "source_ref", "reporting_unit",
                     "linked_trafficking_id", "cyber_account_ref"), text_or_none),
    **dict.fromkeys(("date_occurred", "date_reported"), parse_date),
    **dict.fromkeys(("fatalities", "arrests_female", "arrests_male", "arrests_unknown", *VICTIM_CELLS,
                     *SMUGGLED_CELLS, "n_sources", *DETAIL_COUNTS), parse_count),
    **dict.fromkeys(("cross_border", "narrative_restricted", "crsv_referred", "tfgbv"), parse_bool),
    "originator": parse_originator,
    "exploitation_form": parse_form,
}
# Fields holding a code of a reference list: (validation context key, reason when it is not there).
KNOWN_CODES = {
    "mission": ("missions", N_("unknown mission: {value}")),
    "admin1_code": ("admin1", N_("unknown admin-1 code: {value}")),
    "residence_admin1_code": ("admin1", N_("unknown admin-1 code: {value}")),
}


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
                raise error(N_("a value is required"))
            if value == "":
                return None if info.field_name not in DEFAULTED else DEFAULTED[info.field_name]
        if value is None and info.field_name in REQUIRED:
            raise error(N_("a value is required"))
        if value is None and info.field_name in DEFAULTED:
            return DEFAULTED[info.field_name]
        return value

    @field_validator(*PARSED, mode="before")
    @classmethod
    def _parsed(cls, value, info: ValidationInfo):
        return PARSED[info.field_name](value)

    @field_validator(*KNOWN_CODES, mode="before")
    @classmethod
    def _known_code(cls, value, info: ValidationInfo):
        """A code of the store's reference list named in the validation context (upper-cased)."""
        text = (text_or_none(value) or "").upper()
        if not text:
            return None
        key, msgid = KNOWN_CODES[info.field_name]
        known = (info.context or {}).get(key)
        if known is not None and text not in known:
            raise error(msgid, value=str(value))
        return text

    @field_validator("date_precision", "geo_precision", mode="before")
    @classmethod
    def _precision(cls, value):
        number = parse_number(value)
        if number is None:
            return None
        if number not in (1, 2, 3):
            raise error(N_("must be 1, 2 or 3: {value}"), value=str(value))
        return int(number)

    @field_validator("info_credibility", mode="before")
    @classmethod
    def _credibility(cls, value):
        number = parse_number(value)
        if number is None or number not in (1, 2, 3, 4, 5, 6):
            raise error(N_("must be a whole number from 1 to 6: {value}"), value=str(value))
        return int(number)

    @field_validator("lat", "lon", "seizure_quantity", "seizure_value_usd", mode="before")
    @classmethod
    def _float(cls, value, info: ValidationInfo):
        number = parse_number(value)
        if number is None:
            return None
        if info.field_name == "lat" and not -90 <= number <= 90:
            raise error(N_("latitude must be between -90 and 90: {value}"), value=str(value))
        if info.field_name == "lon" and not -180 <= number <= 180:
            raise error(N_("longitude must be between -180 and 180: {value}"), value=str(value))
        if info.field_name.startswith("seizure") and number < 0:
            raise error(N_("cannot be negative: {value}"), value=str(value))
        return number

    @field_validator("source_reliability", mode="before")
    @classmethod
    def _reliability(cls, value):
        text = (text_or_none(value) or "").upper()
        if text not in ("A", "B", "C", "D", "E", "F"):
            raise error(N_("source reliability must be a letter A to F: {value}"), value=str(value))
        return text

    @field_validator("classification", mode="before")
    @classmethod
    def _classification(cls, value):
        found = CLASSIFICATIONS.get(norm_header(value))
        if not found:
            raise error(N_("unknown classification: {value}"), value=str(value))
        return found

    @field_validator("tlp", mode="before")
    @classmethod
    def _tlp(cls, value):
        text = re.sub(r"\s+", "", (text_or_none(value) or "").upper())
        text = text if text.startswith("TLP:") else "TLP:" + text
        text = text.replace("TLP:WHITE", "TLP:CLEAR")   # TLP 1.0 name
        if text not in TLPS:
            raise error(N_("unknown TLP marking: {value}"), value=str(value))
        return text

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value):
        found = STATUSES.get(norm_header(value))
        if not found:
            raise error(N_("unknown record status: {value}"), value=str(value))
        return found

    @field_validator("market", mode="before")
    @classmethod
    def _market(cls, value, info: ValidationInfo):
        text = text_or_none(value)
        markets = (info.context or {}).get("markets", {})
        found = markets.get(norm_header(text)) if text else None
        if not found:
            raise error(N_("unknown criminal market: {value}"), value=str(value))
        return found

    @field_validator("iso3", "origin_iso3", "transit_iso3", "destination_iso3", mode="before")
    @classmethod
    def _country(cls, value, info: ValidationInfo):
        text = (text_or_none(value) or "").upper()
        if not text:
            return None
        countries = (info.context or {}).get("countries")
        if countries is not None and text not in countries and info.field_name == "iso3":
            raise unknown_country(text, str(value))
        if not re.fullmatch(r"[A-Z]{3}", text):
            raise error(N_("unknown country code (ISO 3166 alpha-3 expected): {value}"), value=str(value))
        return text

    @field_validator("releasable_to", mode="before")
    @classmethod
    def _releasable(cls, value, info: ValidationInfo):
        return parse_iso3_list(value, (info.context or {}).get("countries"))

    @field_validator("originator_iso3", mode="before")
    @classmethod
    def _originator_iso3(cls, value, info: ValidationInfo):
        text = (text_or_none(value) or "").upper()
        if "originator" not in info.data:
            return text or None   # the originator itself was refused; its reason says why
        host_state = info.data["originator"] == "host_state"
        if host_state and not text:
            raise error(N_("the originating State is required when the originator is host_state"))
        if text and not host_state:
            raise error(N_("only a host-State report (originator host_state) has an originating State: {value}"),
                         value=str(value))
        if not text:
            return None
        countries = (info.context or {}).get("countries")
        if not re.fullmatch(r"[A-Z]{3}", text) or (countries is not None and text not in countries):
            raise error(N_("unknown country code (ISO 3166 alpha-3 expected): {value}"), value=str(value))
        return text

    @field_validator("victim_citizenships", mode="before")
    @classmethod
    def _citizenships(cls, value):
        import pycountry
        codes = parse_iso3_list(value)
        # Any country of the world, not only the store's reference list: victims come from afar.
        for code in codes:
            if code != "XKX" and pycountry.countries.get(alpha_3=code) is None:
                raise error(N_("unknown country code (ISO 3166 alpha-3 expected): {value}"), value=code)
        return ";".join(codes) or None

    @field_validator("grave_violations", mode="before")
    @classmethod
    def _grave(cls, value):
        return ";".join(parse_grave_violations(value)) or None

    @model_validator(mode="after")
    def _victim_detail(self):
        """The detail of the victims adds up to no more than the victims."""
        victims = sum(getattr(self, c) for c in VICTIM_CELLS)
        if self.exploitation_form and self.market != "human_trafficking":
            raise error(N_("a form of exploitation is recorded for human trafficking only, not for {market}"),
                         market=self.market)
        citizenship = self.victims_domestic + self.victims_foreign
        if citizenship > victims:
            raise error(N_("victims by citizenship ({n}) are more than the incident's victims ({victims})"),
                         n=citizenship, victims=victims)
        referral = self.victims_referred + self.victims_not_referred + self.victims_declined_referral
        if referral > victims:
            raise error(N_("victims by referral to services ({n}) are more than the incident's victims ({victims})"),
                         n=referral, victims=victims)
        if self.victim_citizenships and not self.victims_foreign:
            raise error(N_("foreign citizenships are given but no foreign victim is counted"))
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
            raise error(N_("not a code of the cyber list {name}: {value}"),
                         name=cyber_codes.LISTS[kind[info.field_name]], value=str(value))
        return found

    @field_validator("cyber_loss_usd", mode="before")
    @classmethod
    def _loss(cls, value):
        number = parse_number(value)
        if number is not None and number < 0:
            raise error(N_("cannot be negative: {value}"), value=str(value))
        return number

    @field_validator("offender_iso3", mode="before")
    @classmethod
    def _offender(cls, value):
        text = (text_or_none(value) or "").upper()
        if text and not re.fullmatch(r"[A-Z]{3}", text):
            raise error(N_("unknown country code (ISO 3166 alpha-3 expected): {value}"), value=str(value))
        return text or None

    @model_validator(mode="after")
    def _coherent(self, info: ValidationInfo):
        admin1 = (info.context or {}).get("admin1") or {}
        if self.admin1_code and self.iso3 and admin1.get(self.admin1_code, self.iso3) != self.iso3:
            raise error(N_("admin-1 area {code} is not in country {iso3}"), code=self.admin1_code, iso3=self.iso3)
        if (self.lat is None) != (self.lon is None):
            raise error(N_("latitude and longitude must be given together"))
        if self.date_reported and self.date_reported < self.date_occurred:
            raise error(N_("the date reported is before the date occurred"))
        residence = self.residence_admin1_code
        if residence and self.iso3 and admin1.get(residence, self.iso3) != self.iso3:
            raise error(N_("the victims' area of residence {code} is not in country {iso3}"), code=residence,
                         iso3=self.iso3)
        return self


REQUIRED = {name for name, (_fr, required, _h) in FIELDS.items() if required}
DEFAULTED = {"date_precision": 1, "cross_border": False, "narrative_restricted": False, "n_sources": 1,
             "releasable_to": (), "crsv_referred": False, "tfgbv": False,
             **{c: 0 for c in DETAIL_COUNTS},
             **{c: 0 for c in ("fatalities", "arrests_female", "arrests_male", "arrests_unknown", *VICTIM_CELLS,
                               *SMUGGLED_CELLS)}}


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


def read(source, t):
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