"""The vocabulary of the victim detail recorded per trafficking incident, shared by the
importers, the demo and the gender indicators: forms of exploitation, citizenship, referral to
services, the protection links (CRSV/MARA, MRM grave violations) and the criminal-justice chain.

Forms of exploitation are UNODC's, from the Global Report on Trafficking in Persons (GLOTIP); the
French names are those of UNODC's French publications (Rapport mondial sur la traite des personnes).
"""
from __future__ import annotations

from .i18n import N_

# code: English label (msgid). The French catalogue holds UNODC's French names.
FORMS: dict[str, str] = {
    "sexual_exploitation": N_("Sexual exploitation"),
    "forced_labour": N_("Forced labour"),
    "forced_criminal_activity": N_("Forced criminal activity"),
    "forced_marriage": N_("Forced marriage"),
    "begging": N_("Begging"),
    "organ_removal": N_("Removal of organs"),
    "child_soldiers": N_("Child soldiers (recruitment by armed groups)"),
    "mixed": N_("Mixed forms of exploitation"),
    "other": N_("Other forms of exploitation"),
}
FORM_UNKNOWN = "unknown"        # a trafficking incident whose form was not recorded (NULL in the store)
FORM_UNKNOWN_LABEL = N_("Form not recorded")
# French spellings an import may carry, beside the codes and the English and French labels.
FORM_ALIASES = {"exploitation_sexuelle": "sexual_exploitation", "travail_force": "forced_labour",
                "activites_criminelles_forcees": "forced_criminal_activity", "mariage_force": "forced_marriage",
                "mendicite": "begging", "prelevement_d_organes": "organ_removal", "removal_of_organs": "organ_removal",
                "enfants_soldats": "child_soldiers", "child_soldiers": "child_soldiers",
                "recrutement_par_des_groupes_armes": "child_soldiers", "mixte": "mixed", "mixed": "mixed",
                "autre": "other", "autres": "other"}

GRAVE_VIOLATIONS: dict[str, str] = {
    "recruitment": N_("Recruitment and use of children"),
    "abduction": N_("Abduction of children"),
    "sexual_violence": N_("Rape and other sexual violence against children"),
    "killing_maiming": N_("Killing and maiming of children"),
}
GRAVE_ALIASES = {"recrutement": "recruitment", "recruitment_and_use": "recruitment", "enlevement": "abduction",
                 "violence_sexuelle": "sexual_violence", "violences_sexuelles": "sexual_violence",
                 "meurtre_mutilation": "killing_maiming", "meurtres_et_mutilations": "killing_maiming",
                 "killing_and_maiming": "killing_maiming", "killing": "killing_maiming"}

STAGES: dict[str, str] = {"arrested": N_("Arrested"), "prosecuted": N_("Prosecuted"), "convicted": N_("Convicted")}
SEXES = ("female", "male", "unknown")
AGES = ("child", "adult", "unknown")
