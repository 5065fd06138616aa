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
        (_("Small counts"), legend(t, k)),
        (_("“Other … (n)” rows"), _("Rows grouped into one because, shown one by one, their small counts could be "
                                    "worked out from the totals; n is the number of rows grouped. Only where small "
                                    "counts are protected.")),
    ]
    rows += [(_("SDG {code}").format(code=code), " ".join((_(text) + ".", _("Custodian: {agencies}").format(agencies=_(custodian)) + ".",
                                       _(SDG_NOTE))))
             for code, text, custodian in SDG_CARDS]
    return pd.DataFrame(rows, columns=[_("Term"), _("Definition")])

