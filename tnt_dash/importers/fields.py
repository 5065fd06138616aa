"""The native incident template's columns: English and French headers, which are required, their
descriptions, the example row, and how a file's headers are matched to them."""
from __future__ import annotations

from ..i18n import N_
from ..names import norm_header

VICTIM_CELLS = ("v_female_child", "v_female_adult", "v_female_unknown", "v_male_child", "v_male_adult",
                "v_male_unknown", "v_unknown_child", "v_unknown_adult", "v_unknown_unknown")
# Persons smuggled (migrant smuggling): the same sex × age cells, apart from the victims.
SMUGGLED_CELLS = tuple("smuggled_" + cell[2:] for cell in VICTIM_CELLS)

# Cyber-enabled and cyber-dependent incidents (docs/cyber.md); codes in reference/cyber_*.csv.
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
    **{  # Trafficking and protection detail: counts per incident, never per named person.
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

# Release to a host State is decided record by record, often after the import (Data page,
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



DETAIL_COUNTS = ("victims_domestic", "victims_foreign", "victims_referred", "victims_not_referred",
                 "victims_declined_referral")
