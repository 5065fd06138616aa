"""The terms of the gender page and pack: the small-count legend, the definitions sheet and the
survey-based SDG reference cards."""
from __future__ import annotations

import pandas as pd

from ..i18n import I18n, N_

# Official indicator names and custodian agencies, from the UN SDG indicators metadata repository
# (unstats.un.org/sdgs/metadata). Checked against public copies of that metadata; note that 16.2.3's
# custodian is UNICEF, not UNODC, and that 5.2.x are led by WHO with UNICEF, UN Women, UNFPA and UNSD.
SDG_CARDS = (
    ("5.2.1", N_("Proportion of ever-partnered women and girls aged 15 years and older subjected to physical, "
                 "sexual or psychological violence by a current or former intimate partner in the previous 12 "
                 "months, by form of violence and by age"),
     N_("WHO, UNICEF, UN Women, UNFPA, UNODC, UNSD")),
    ("5.2.2", N_("Proportion of women and girls aged 15 years and older subjected to sexual violence by persons "
                 "other than an intimate partner in the previous 12 months, by age and place of occurrence"),
     N_("WHO, UNICEF, UN Women, UNFPA, UNSD")),
    ("16.1.3", N_("Proportion of population subjected to (a) physical violence, (b) psychological violence and "
                  "(c) sexual violence in the previous 12 months"),
     N_("UNODC")),
    ("16.2.3", N_("Proportion of young women and men aged 18–29 years who experienced sexual violence by age 18"),
     N_("UNICEF")),
)
SDG_NOTE = N_("Survey-based: measured by population surveys, not police records. No value is computed here "
              "from incidents. Definitions and custodian agencies from the UN SDG indicator metadata.")


def legend(t: I18n, k: int) -> str:
    return t.gettext("“<{k}”: from 1 to {k_minus} persons. “x”: hidden so that a “<{k}” cell cannot be worked "
                     "out from the totals. A share is shown only when every count it is made of is shown.").format(
        k=k, k_minus=k - 1)


def definitions(t: I18n, k: int) -> pd.DataFrame:
    _ = t.gettext
    rows = [
        (_("Women, men, girls, boys"), _("Victims recorded as female adult, male adult, female child (under 18) "
                                         "and male child.")),
        (_("Sex or age unknown"), _("Every victim whose sex or age (or both) was not recorded. Never imputed: "
                                    "unknowns are not spread over the known groups.")),
        (_("% female"), _("Female victims divided by victims whose sex was recorded (female + male).")),
        (_("% children"), _("Child victims divided by victims whose age was recorded (children + adults).")),
        (_("% with sex recorded"), _("Victims whose sex was recorded divided by all victims; likewise for age.")),
        (_("Month judged"), _("Reporting units are flagged on the last whole calendar month of the period, or, when "
                              "the period holds no whole month, on the part of its last month inside it.")),
        (_("Victims"), _("Victims of the crime recorded. Persons smuggled in migrant-smuggling incidents are not "
                         "victims of the smuggling and are counted apart (\"Persons smuggled\"); people harmed in "
                         "aggravated smuggling (deaths, abuse) are victims.")),
        (_("Women and children victims"), _("Women and girls, boys, and children of unknown sex, including "
                                             "females of unknown age.")),
        (_("Trend"), _("Mann–Kendall test on weekly counts: “rising” only when significant at 95 %.")),
        (_("Rate per 100,000 (SDG 16.2.2-style)"),
         _("Victims of human trafficking detected in police incident records in the period, divided by the "
           "country's population. Not the UNODC SDG 16.2.2 series, which counts victims detected by all national "
           "authorities in a year.")),
        (_("UNODC national series"), _("Imported from the UNODC data portal as published; “<5” stays “<5”.")),
        (_("Victims of trafficking"), _("Persons recruited, transported, transferred, harboured or received by means "
                                        "of threat, force, deception or other means, for exploitation. For a child "
                                        "(under 18), no means is needed: moving or receiving a child for exploitation "
                                        "is trafficking (Trafficking in Persons Protocol, art. 3(c)).")),
        (_("Form of exploitation"), _("UNODC GLOTIP categories: sexual exploitation, forced labour, forced criminal "
                                      "activity, forced marriage, begging, removal of organs, child soldiers "
                                      "(recruitment by armed groups), mixed, other; “form not recorded” is counted "
                                      "and shown, never spread over the others.")),
        (_("SDG 16.2.2 by form"), _("Victims of human trafficking detected in police incident records per 100,000 "
                                    "population, per country and form of exploitation, for the period.")),
        (_("Domestic and foreign victims"), _("Domestic: citizens of the country where the incident occurred; "
                                              "foreign: of another country; % foreign over those with citizenship "
                                              "recorded.")),
        (_("% referred to services"), _("Victims referred to support services with their consent, divided by all "
                                        "detected victims; declined and unknown shown beside it.")),
        (_("Offenders through the chain"), _("Persons arrested, prosecuted and convicted in human-trafficking "
                                             "incidents of the period, by sex and age, whenever the stage was "
                                             "reached. The rows are the same people at successive stages.")),
        (_("Protection referrals"), _("Incidents referred to the CRSV focal point (MARA arrangements) or with a "
                                      "possible grave violation against children referred for the MRM. Gender "
                                      "Officer and analyst only; never shared with a host State.")),
        (_("Survivor-centred cautions"), " ".join((
            _("Detection is not prevalence: more detected victims can mean better identification, more "
              "patrols or a new referral partner, not more crime; fewer can mean less looking."),
            _("Small numbers: a few victims more or less move a share by many points; read shares of "
              "under 20 victims as indications only."),
            _("No identifying details: counts per incident only, never names, exact ages with small "
              "places, or contacts; narratives are screened for them at import.")))),
        (_("Small counts"), legend(t, k)),
        (_("“Other … (n)” rows"), _("Rows grouped into one because, shown one by one, their small counts could be "
                                    "worked out from the totals; n is the number of rows grouped. Only where small "
                                    "counts are protected.")),
    ]
    rows += [(_("SDG {code}").format(code=code), " ".join((_(text) + ".", _("Custodian: {agencies}").format(agencies=_(custodian)) + ".",
                                       _(SDG_NOTE))))
             for code, text, custodian in SDG_CARDS]
    return pd.DataFrame(rows, columns=[_("Term"), _("Definition")])

