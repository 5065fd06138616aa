import streamlit as st

from tnt_dash import releases, store
from tnt_dash.importers import FileUnreadable, admin, releasability, template
from tnt_dash.importers.pipeline import ImportRefused
from tnt_dash.i18n import N_
from tnt_dash.ui import frame

ctx = frame.page(N_("Data: imports and quality"), internal=True)
t, _ = ctx.t, ctx.t.gettext

if not ctx.profile.data_admin:
    st.info(_("Imports, the quarantine and the audit trail are for the analyst profile only."),
            icon=":material/lock:")
    st.stop()

DB = ctx.store_version.split("|", 1)[0]
USER = ctx.identity.user or None
FORMATS = {"auto": _("Detect automatically"), "native": _("Native template (CSV or XLSX)"),
           "acled": _("ACLED export (CSV)"), "hxl": _("HXL-tagged table"),
           "gitoc": _("GI-TOC Organized Crime Index workbook"), "unodc": _("UNODC data-portal export")}
COUNT_LABELS = {"rows_read": _("Rows read"), "inserted": _("New records"), "updated": _("Updated records"),
                "unchanged": _("Unchanged"), "quarantined": _("Quarantined"), "out_of_scope": _("Out of scope")}


def write(action, *args):
    # The page reads a published snapshot and the write goes to the working store, so nobody's
    # connection or cache is dropped: every session moves to the new snapshot at its next rerun.
    try:
        return action(*args)
    except (FileUnreadable, ImportRefused, releasability.ReleaseRefused) as exc:
        st.session_state["data_flash"] = ("error", exc.message(t))
    except store.StoreError as exc:
        st.session_state["data_flash"] = ("error", _("The store is busy (another import or server holds it). "
                                                     "Try again in a moment.") + f" ({exc})")
    return None


def counts_row(report) -> None:
    for column, (key, label) in zip(st.columns(len(COUNT_LABELS)), COUNT_LABELS.items()):
        column.metric(label, t.number(getattr(report, key)), border=True)
    if report.out_of_scope_by:
        st.caption(_("Out of scope (no crime market, not kept): {kinds}").format(kinds="; ".join(
            f"{label} {t.number(n)}" for label, n in sorted(report.out_of_scope_by.items(), key=lambda kv: -kv[1]))))


def problems(report) -> None:
    if report.errors:
        st.markdown(_("**Rows that will go to the quarantine, and why**"))
        st.dataframe([{_("Row"): e["row"], _("Field"): e["field"], _("Reason"): e["reason"]} for e in report.errors],
                     hide_index=True, width="stretch", height=min(420, 38 + 35 * len(report.errors)))
    if report.warnings:
        st.markdown(_("**Notes on the file (not errors)**"))
        st.dataframe([{_("Row"): w["row"], _("Column"): w["field"], _("Note"): w["reason"]} for w in report.warnings],
                     hide_index=True, width="stretch", height=min(300, 38 + 35 * len(report.warnings)))


flash = st.session_state.pop("data_flash", None)
if flash:
    getattr(st, flash[0])(flash[1])

quality = ctx.call(admin.quality, ctx.profile)
tab_import, tab_quarantine, tab_release, tab_batches, tab_dictionary, tab_quality = st.tabs(
    [_("Import a file"), _("Quarantine ({n})").format(n=t.number(quality["open_quarantine"])),
     _("Release to host States"), _("Batches and audit"), _("Data dictionary"), _("Data quality")])

with tab_import:
    st.caption(_("Check a file first: nothing is written until you commit. Every row is either stored, found "
                 "unchanged, or kept in the quarantine with its reasons; a whole import is one transaction."))
    left, right = st.columns([3, 2])
    upload = frame.file_uploader(left, t, _("File (CSV or XLSX)"), ["csv", "txt", "xlsx", "xlsm"],
                                 max(1, admin.detect.max_bytes() // (1024 * 1024)), key="data_upload")
    fmt = right.selectbox(_("Format"), options=list(FORMATS), format_func=FORMATS.get, key="data_format")
    if upload is not None:
        key = (upload.file_id, fmt)
        try:
            path = st.session_state.get("data_path") if st.session_state.get("data_key") == key else None
            if path is None:
                path = admin.save_upload(upload.name, upload.getvalue())
                st.session_state.update(data_key=key, data_path=path, data_report=None)
            with st.expander(_("Preview: the first rows as read"), expanded=False):
                st.dataframe(admin.preview(ctx.profile, path, upload.name, fmt), hide_index=True, width="stretch")
        except FileUnreadable as exc:
            st.error(_("This file cannot be imported: {reason}").format(reason=exc.message(t)))
            st.stop()
        check, commit_col = st.columns(2)
        if check.button(_("Check the file"), icon=":material/fact_check:", width="stretch"):
            report = write(admin.validate, DB, ctx.profile, path, upload.name, fmt, t)
            st.session_state["data_report"] = report
            st.rerun()
        report = st.session_state.get("data_report")
        if report is not None:
            st.subheader(_("Validation report ({format})").format(format=FORMATS.get(report.format, report.format)))
            counts_row(report)
            problems(report)
            if commit_col.button(_("Commit the import"), type="primary", icon=":material/upload:", width="stretch"):
                done = write(admin.commit, DB, ctx.profile, path, upload.name, fmt, t, USER)
                if done is not None:
                    st.session_state["data_flash"] = ("success", _(
                        "Batch {batch} committed: {inserted} new, {updated} updated, {unchanged} unchanged, "
                        "{quarantined} quarantined. Every page now shows the new data.").format(
                        batch=done.batch_id, inserted=t.number(done.inserted), updated=t.number(done.updated),
                        unchanged=t.number(done.unchanged), quarantined=t.number(done.quarantined)))
                    path.unlink(missing_ok=True)   # the upload's private copy is no longer needed
                    st.session_state.update(data_report=None, data_key=None, data_path=None)
                st.rerun()

with tab_quarantine:
    waiting = ctx.call(admin.quarantine_batches, ctx.profile)
    if not waiting:
        st.success(_("No row is waiting in the quarantine."))
    else:
        labels = {b: _("{file} · batch {batch} · {n} rows").format(file=f or "–", batch=b, n=t.number(n))
                  for b, f, n in waiting}
        batch = st.selectbox(_("Rows from the import"), options=list(labels), format_func=labels.get,
                             key="data_q_batch")
        table = ctx.call(admin.quarantine_table, ctx.profile, batch)
        st.caption(_("Correct the cells, then re-submit: rows that now pass are stored in a new batch; "
                     "rows that still fail stay here with their new reasons."))
        edited = st.data_editor(table, hide_index=True, width="stretch", key=f"data_q_editor_{batch}",
                                disabled=["quarantine_id", "row", "reasons", "_sheet"], num_rows="fixed",
                                column_config={"quarantine_id": None,
                                               "row": st.column_config.NumberColumn(_("Row"), format="%d"),
                                               "reasons": st.column_config.TextColumn(_("Reasons"), width="large")})
        go, drop = st.columns(2)
        if go.button(_("Re-submit the corrected rows"), type="primary", icon=":material/redo:", width="stretch"):
            done = write(admin.resubmit, DB, ctx.profile, admin.corrections_from(edited), t, USER)
            if done is not None:
                st.session_state["data_flash"] = ("success", _(
                    "{ok} rows stored, {bad} still in the quarantine (batch {batch}).").format(
                    ok=t.number(done.inserted + done.updated + done.unchanged), bad=t.number(done.quarantined),
                    batch=done.batch_id))
            st.rerun()
        sure = drop.checkbox(_("I will not correct these rows"), key="data_q_sure")
        if drop.button(_("Discard these rows"), disabled=not sure, icon=":material/delete:", width="stretch"):
            n = write(admin.discard, DB, ctx.profile, table["quarantine_id"].tolist(), USER)
            if n is not None:
                st.session_state["data_flash"] = ("success", _("{n} rows discarded; they stay in the audit trail.").format(
                    n=t.number(n)))
            st.rerun()

with tab_release:
    st.caption(_("Release records to host States: paste their ids, check the records, then choose the host States "
                 "and apply. A host State's shared screen shows only validated UNCLASSIFIED records marked TLP:CLEAR "
                 "or TLP:GREEN, in its own territory, that were released to it or that it reported itself. The "
                 "change is one batch: it keeps the previous versions and can be rolled back."))
    ids = tuple(releasability.parse_ids(st.text_area(_("Record ids: one per line, or separated by commas"),
                                                     key="data_rel_ids", height=120)))
    if ids:
        found, unknown = ctx.call(admin.release_preview, ctx.profile, ids)
        st.markdown(_("**{n} of the {total} ids are records in the store.**").format(
            n=t.number(len(found)), total=t.number(len(ids))))
        if unknown:
            st.warning(_("Not in the store: {ids}. Remove them from the list: the change applies to every id "
                         "or to none.").format(ids=", ".join(unknown[:20]) + (" …" if len(unknown) > 20 else "")))
        if len(found):
            st.dataframe(found.head(500), hide_index=True, width="stretch", height=min(320, 38 + 35 * len(found)),
                         column_config={"incident_id": _("Record"),
                                        "date_occurred": st.column_config.DateColumn(_("Date"), format="YYYY-MM-DD"),
                                        "iso3": _("Country or territory"), "market": _("Market"), "status": _("Status"),
                                        "classification": _("Classification"), "tlp": "TLP",
                                        "releasable_to": _("Released to"), "originator": _("Originator"),
                                        "originator_iso3": _("Reporting State")})
        states = ctx.call(admin.host_states, ctx.profile)
        state_label = (lambda code: f"{code} · {states[code][2 if t.lang == 'fr' else 1]}")
        modes = {"add": _("Add these host States"), "remove": _("Remove these host States"),
                 "replace": _("Replace the list with these host States")}
        r1, r2 = st.columns([3, 2])
        codes = r1.multiselect(_("Host States"), options=list(states), format_func=state_label, key="data_rel_states")
        mode = r2.radio(_("Change"), options=list(modes), format_func=modes.get, key="data_rel_mode")
        originator = originator_iso3 = None
        if st.checkbox(_("Also set who reported these records"), key="data_rel_origin"):
            origins = {"host_state": _("Host-State police"), "unpol": _("UN Police"), "un_other": _("Other UN entity"),
                       "partner": _("Partner"), "open_source": _("Open source")}
            o1, o2 = st.columns(2)
            originator = o1.selectbox(_("Originator"), options=list(origins), format_func=origins.get,
                                      key="data_rel_originator")
            if originator == "host_state":
                originator_iso3 = o2.selectbox(_("Reporting State"), options=list(states), format_func=state_label,
                                               key="data_rel_originator_iso3")
        withdraw = mode == "replace" and not codes
        sure = st.checkbox((_("Withdraw every release of these {n} records") if withdraw else
                            _("Apply to these {n} records")).format(n=t.number(len(found))), key="data_rel_sure")
        if st.button(_("Apply"), type="primary", icon=":material/share:", disabled=not sure or bool(unknown),
                     key="data_rel_apply"):
            done = write(admin.release, DB, ctx.profile, list(ids), codes, mode, USER, originator, originator_iso3)
            if done is not None:
                st.session_state["data_flash"] = ("success", _(
                    "{changed} records changed, {unchanged} already as asked. Every page now shows the change.").format(
                    changed=t.number(done["changed"]), unchanged=t.number(done["unchanged"])))
                st.session_state.pop("data_rel_sure", None)
            st.rerun()
    else:
        st.info(_("Paste the ids of the records to release: the incident_id column of an export or of an import file."))
    st.subheader(_("Release log"))
    st.caption(_("Every page view, export and brief made for a host State, newest first (also: python -m tnt_dash "
                 "releases). Entries still in the spool beside the store are included."))
    # Headers translated in the frame itself: a column's code would otherwise reach the screen.
    log_headers = {"logged_at": _("When (UTC)"), "host_state": _("Host State"), "user_name": _("Who"),
                   "kind": _("What"), "item": _("Page, export or brief"), "filters": _("Filters"),
                   "records": _("Records"), "marking": _("Marking")}
    st.dataframe(releases.read(ctx.con, DB).head(500).drop(columns=["entry_id"]).rename(columns=log_headers),
                 hide_index=True, width="stretch", height=300, column_config={
                     _("When (UTC)"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})

with tab_batches:
    batches = ctx.call(admin.batches, ctx.profile)
    st.dataframe(batches.drop(columns=["sha256"]), hide_index=True, width="stretch", height=320,
                 column_config={"batch_id": _("Batch"), "kind": _("Format"), "file_name": _("File"),
                                "created_at": st.column_config.DatetimeColumn(_("When (UTC)"), format="YYYY-MM-DD HH:mm"),
                                "created_by": _("Who"), "rows_read": _("Rows read"), "inserted": _("New"),
                                "updated": _("Updated"), "unchanged": _("Unchanged"), "quarantined": _("Quarantined"),
                                "out_of_scope": _("Out of scope"), "status": _("Status")})
    committed = [b for b, k, s in zip(batches["batch_id"], batches["kind"], batches["status"])
                 if s == "committed" and k in ("native", "acled", "hxl", "gitoc", "unodc", "release")]
    if committed:
        c1, c2, c3 = st.columns([3, 2, 2])
        target = c1.selectbox(_("Batch to roll back"), options=committed, key="data_rb_batch")
        sure = c2.checkbox(_("Undo this import"), key="data_rb_sure",
                           help=_("Removes the records it added and restores the versions it replaced."))
        if c3.button(_("Roll back"), disabled=not sure, icon=":material/undo:", width="stretch"):
            result = write(admin.rollback, DB, ctx.profile, target, USER)
            if result is not None:
                st.session_state["data_flash"] = ("success", _(
                    "Batch {batch} rolled back: {removed} rows removed, {restored} previous versions restored.").format(
                    batch=target, removed=t.number(result["removed"]), restored=t.number(result["restored"])))
            st.rerun()
    st.subheader(_("Audit trail"))
    st.dataframe(ctx.call(admin.audit, ctx.profile), hide_index=True, width="stretch", height=300,
                 column_config={"logged_at": st.column_config.DatetimeColumn(_("When (UTC)"), format="YYYY-MM-DD HH:mm"),
                                "actor": _("Who"), "action": _("Action"), "batch_id": _("Batch"),
                                "file_name": _("File"), "sha256": _("SHA-256 of the file"), "details": _("Details")})

with tab_dictionary:
    st.caption(_("Headers may be in English or French, in any order; accents, case and spaces do not matter. "
                 "Dates: YYYY-MM-DD, DD/MM/YYYY or Excel dates. Decimal commas are read."))
    d1, d2, _spacer = st.columns([1, 1, 3])
    d1.download_button(_("Template (XLSX)"), data=lambda: template.render("xlsx", t), file_name="tnt-template.xlsx",
                       icon=":material/download:", on_click="ignore", width="stretch",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    d2.download_button(_("Template (CSV)"), data=lambda: template.render("csv", t), file_name="tnt-template.csv",
                       icon=":material/download:", on_click="ignore", width="stretch", mime="text/csv")
    st.dataframe(admin.dictionary(t), hide_index=True, width="stretch", height=560)

with tab_quality:
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
    places = ctx.call(admin.place_names_to_review, ctx.profile)
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
