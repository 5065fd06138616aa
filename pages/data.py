import streamlit as st

from tnt_dash.i18n import N_
from tnt_dash.importers import admin, desk, releasability
from tnt_dash.ui import data_desk, data_records, data_release, frame
from tnt_dash.ui.data_desk import succeeded, write

ctx = frame.page(N_("Data: imports and quality"))
t, _ = ctx.t, ctx.t.gettext

if not ctx.profile.data_admin:
    st.info(_("Imports, the quarantine and the audit trail are for the analyst profile only."),
            icon=":material/lock:")
    st.stop()

DB = data_desk.store_path(ctx)
USER = ctx.identity.user or None
FORMATS = data_desk.format_labels(t)

data_desk.show_flash()
quality = ctx.call(admin.quality, ctx.profile)
tab_import, tab_quarantine, tab_release, tab_batches, tab_dictionary, tab_quality = st.tabs(
    [_("Import a file"), _("Quarantine ({n})").format(n=t.number(quality["open_quarantine"])),
     _("Release to host States"), _("Batches and audit"), _("Data dictionary"), _("Data quality")])

with tab_import:
    st.caption(_("Check a file first: nothing is written until you commit. Every row is either stored, found "
                 "unchanged, or kept in the quarantine with its reasons; a whole import is one transaction."))
    left, right = st.columns([3, 2])
    upload = frame.file_uploader(left, t, _("File (CSV or XLSX)"), ["csv", "txt", "xlsx", "xlsm"],
                                 desk.upload_limit_mb(), key="data_upload")
    fmt = right.selectbox(_("Format"), options=list(FORMATS), format_func=FORMATS.get, key="data_format")
    if upload is not None:
        path = data_desk.uploaded_copy(ctx, upload, fmt)
        check, commit_col = st.columns(2)
        if check.button(_("Check the file"), icon=":material/fact_check:", width="stretch"):
            st.session_state["data_report"] = write(ctx, admin.validate, DB, ctx.profile, path, upload.name, fmt, t)
            st.rerun()
        if (report := st.session_state.get("data_report")) is not None:
            data_desk.report(t, report, FORMATS)
            if commit_col.button(_("Commit the import"), type="primary", icon=":material/upload:", width="stretch"):
                if (done := write(ctx, admin.commit, DB, ctx.profile, path, upload.name, fmt, t, USER)) is not None:
                    data_desk.committed(t, done, path)
                st.rerun()

with tab_quarantine:
    if not (waiting := ctx.call(admin.quarantine_batches, ctx.profile)):
        st.success(_("No row is waiting in the quarantine."))
    else:
        labels = {b: _("{file} · batch {batch} · {n} rows").format(file=f or "–", batch=b, n=t.number(n))
                  for b, f, n in waiting}
        batch = st.selectbox(_("Rows from the import"), options=list(labels), format_func=labels.get,
                             key="data_q_batch")
        table = ctx.call(admin.quarantine_table, ctx.profile, batch)
        st.caption(_("Correct the cells, then re-submit: rows that now pass are stored in a new batch; "
                     "rows that still fail stay here with their new reasons."))
        edited = data_desk.quarantine_editor(t, table, batch)
        go, drop = st.columns(2)
        if go.button(_("Re-submit the corrected rows"), type="primary", icon=":material/redo:", width="stretch"):
            done = write(ctx, admin.resubmit, DB, ctx.profile, admin.corrections_from(edited), t, USER)
            if done is not None:
                succeeded(_("{ok} rows stored, {bad} still in the quarantine (batch {batch}).").format(
                    ok=t.number(desk.stored(done)), bad=t.number(done.quarantined), batch=done.batch_id))
            st.rerun()
        sure = drop.checkbox(_("I will not correct these rows"), key="data_q_sure")
        if drop.button(_("Discard these rows"), disabled=not sure, icon=":material/delete:", width="stretch"):
            if (n := write(ctx, admin.discard, DB, ctx.profile, table["quarantine_id"].tolist(), USER)) is not None:
                succeeded(_("{n} rows discarded; they stay in the audit trail.").format(n=t.number(n)))
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
        data_release.found_table(t, found, len(ids), unknown)
        asked = data_release.choice(t, ctx.call(admin.host_states, ctx.profile))
        sure = st.checkbox((_("Withdraw every release of these {n} records") if desk.withdraws(asked.mode, asked.codes)
                            else _("Apply to these {n} records")).format(n=t.number(len(found))), key="data_rel_sure")
        if st.button(_("Apply"), type="primary", icon=":material/share:", disabled=not sure or bool(unknown),
                     key="data_rel_apply"):
            if (done := write(ctx, admin.release, DB, ctx.profile, list(ids), asked.codes, asked.mode, USER,
                              asked.originator, asked.originator_iso3)) is not None:
                succeeded(_("{changed} records changed, {unchanged} already as asked. Every page now shows the "
                            "change.").format(changed=t.number(done["changed"]), unchanged=t.number(done["unchanged"])))
                st.session_state.pop("data_rel_sure", None)
            st.rerun()
    else:
        st.info(_("Paste the ids of the records to release: the incident_id column of an export or of an import file."))
    data_release.release_log(ctx, DB)

with tab_batches:
    batches = ctx.call(admin.batches, ctx.profile)
    data_records.batches_table(t, batches)
    if committed := desk.rollback_choices(batches):
        c1, c2, c3 = st.columns([3, 2, 2])
        target = c1.selectbox(_("Batch to roll back"), options=committed, key="data_rb_batch")
        sure = c2.checkbox(_("Undo this import"), key="data_rb_sure",
                           help=_("Removes the records it added and restores the versions it replaced."))
        if c3.button(_("Roll back"), disabled=not sure, icon=":material/undo:", width="stretch"):
            if (result := write(ctx, admin.rollback, DB, ctx.profile, target, USER)) is not None:
                succeeded(_("Batch {batch} rolled back: {removed} rows removed, {restored} previous versions "
                            "restored.").format(batch=target, removed=t.number(result["removed"]),
                                                restored=t.number(result["restored"])))
            st.rerun()
    data_records.audit_table(t, ctx.call(admin.audit, ctx.profile))

with tab_dictionary:
    data_records.dictionary(t)

with tab_quality:
    data_records.quality_figures(t, quality)
    data_records.places_table(t, ctx.call(admin.place_names_to_review, ctx.profile))
    data_records.narratives_table(t, ctx.call(admin.narratives_to_review, ctx.profile))
