"""The Data page's tables of what is in the store: batches, the audit trail, the data dictionary and
its templates, the quality figures, place names and narratives to review. Each table keeps its
columns' codes and is shown under translated headers."""
from __future__ import annotations

import streamlit as st

from tnt_dash.i18n import I18n
from tnt_dash.importers import admin, template

WHEN = "YYYY-MM-DD HH:mm"


def batches_table(t: I18n, batches) -> None:
    _ = t.gettext
    st.dataframe(batches.drop(columns=["sha256"]), hide_index=True, width="stretch", height=320,
                 column_config={"batch_id": _("Batch"), "kind": _("Format"), "file_name": _("File"),
                                "created_at": st.column_config.DatetimeColumn(_("When (UTC)"), format=WHEN),
                                "created_by": _("Who"), "rows_read": _("Rows read"), "inserted": _("New"),
                                "updated": _("Updated"), "unchanged": _("Unchanged"), "quarantined": _("Quarantined"),
                                "out_of_scope": _("Out of scope"), "status": _("Status")})


def audit_table(t: I18n, audit) -> None:
    _ = t.gettext
    st.subheader(_("Audit trail"))
    st.dataframe(audit, hide_index=True, width="stretch", height=300,
                 column_config={"logged_at": st.column_config.DatetimeColumn(_("When (UTC)"), format=WHEN),
                                "actor": _("Who"), "action": _("Action"), "batch_id": _("Batch"),
                                "file_name": _("File"), "sha256": _("SHA-256 of the file"), "details": _("Details")})


def dictionary(t: I18n) -> None:
    """The native template's columns, and the template to download as XLSX or CSV."""
    _ = t.gettext
    st.caption(_("Headers may be in English or French, in any order; accents, case and spaces do not matter. "
                 "Dates: YYYY-MM-DD, DD/MM/YYYY or Excel dates. Decimal commas are read."))
    d1, d2, _spacer = st.columns([1, 1, 3])
    d1.download_button(_("Template (XLSX)"), data=lambda: template.render("xlsx", t), file_name="tnt-template.xlsx",
                       icon=":material/download:", on_click="ignore", width="stretch",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    d2.download_button(_("Template (CSV)"), data=lambda: template.render("csv", t), file_name="tnt-template.csv",
                       icon=":material/download:", on_click="ignore", width="stretch", mime="text/csv")
    st.dataframe(admin.dictionary(t), hide_index=True, width="stretch", height=560)


def quality_figures(t: I18n, quality: dict) -> None:
    """Shares of all records: geolocated, graded, disaggregated, validated."""
    _ = t.gettext
    st.caption(_("Shares of all {n} records in the store, whatever the sidebar filters.").format(
        n=t.number(quality["records"])))
    q = st.columns(4)
    q[0].metric(_("Geolocated"), t.percent(quality["geolocated"]), border=True,
                help=_("Records with latitude and longitude."))
    q[1].metric(_("Graded"), t.percent(quality["graded"]), border=True,
                help=_("Records whose source and information were graded (not F6, cannot be judged)."))
    q[2].metric(_("Disaggregated"), t.percent(quality["disaggregated"]), border=True,
                help=_("Of the {n} records with victims, those where every victim's sex and age are known.").format(
                    n=t.number(quality["with_victims"])))
    q[3].metric(_("Validated"), t.percent(quality["validated"]), border=True,
                help=_("Records with the status validated."))


def places_table(t: I18n, places) -> None:
    """Admin-1 names imports could not place, and records still on a former unit."""
    _ = t.gettext
    st.subheader(_("Place names to review ({n})").format(n=t.number(len(places))))
    st.caption(_("Admin-1 names that imports could not place, and records still on a former unit. Add a "
                 "missing spelling to the gazetteer (tnt_dash/reference/admin1_aliases.csv) or correct the "
                 "records; `python -m tnt_dash geo resolve NAME` shows the nearest spellings."))
    if len(places):
        problems = {"unmatched": _("no matching area"), "former unit, no coordinates":
                    _("former unit, no coordinates to choose its successor"),
                    "records on a former unit": _("records on a former unit")}
        st.dataframe(places.assign(problem=places.problem.map(problems)).rename(columns={
            "country": _("Country"), "name": _("Name"), "rows": _("Rows"), "problem": _("Problem"),
            "batch_id": _("Batch"), "file_name": _("File")}), hide_index=True, width="stretch")


def narratives_table(t: I18n, flagged) -> None:
    """Stored records whose narrative may identify a person: ids and what was found, no text."""
    _ = t.gettext
    st.subheader(_("Narratives that may identify a person ({n})").format(n=t.number(len(flagged))))
    st.caption(_("A name after “victim” or a title, a phone number, an e-mail, an exact address, or an exact age "
                 "with a place. Nothing is changed: open each record and remove what identifies anyone."))
    if len(flagged):
        st.dataframe(flagged.rename(columns={"incident_id": _("Record"), "batch_id": _("Batch"), "name": _("a name"),
                                             "phone": _("a phone number"), "email": _("an e-mail address"),
                                             "address": _("an exact address"), "age": _("an exact age")}),
                     hide_index=True, width="stretch")
