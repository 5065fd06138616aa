"""The Data page's shared pieces: writing to the store from a button (its outcome shown once, after
the rerun that follows), the import formats, a validation report, the quarantine's editor. The
page's other sections draw with data_release.py and data_records.py."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from tnt_dash import store
from tnt_dash.i18n import I18n
from tnt_dash.importers import FileUnreadable, admin, releasability
from tnt_dash.importers.pipeline import ImportRefused
from tnt_dash.ui import frame

FLASH = "data_flash"      # the outcome of the last write, shown at the top of the next run


def store_path(ctx) -> str:
    """The working store writers open (the page itself reads a published snapshot of it)."""
    return ctx.store_version.split("|", 1)[0]


def write(ctx, action, *args):
    """action(*args) on the store (frame.write_store). A refusal or a busy store becomes the message
    shown after the rerun, and the result None."""
    t, _ = ctx.t, ctx.t.gettext
    try:
        return frame.write_store(ctx, action, *args)
    except (FileUnreadable, ImportRefused, releasability.ReleaseRefused) as exc:
        st.session_state[FLASH] = ("error", exc.message(t))
    except store.StoreError as exc:
        st.session_state[FLASH] = ("error", frame.store_busy(t, exc))
    return None


def succeeded(message: str) -> None:
    st.session_state[FLASH] = ("success", message)


def show_flash() -> None:
    flash = st.session_state.pop(FLASH, None)
    if flash:
        getattr(st, flash[0])(flash[1])


def uploaded_copy(ctx, upload, fmt: str) -> Path:
    """The upload's private copy (admin.save_upload), made once per file and format, and a preview
    of its first rows. A file that cannot be read is said so, and the page stops there."""
    t, _ = ctx.t, ctx.t.gettext
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
    return path


def committed(t: I18n, done, path: Path) -> None:
    """After a commit: its outcome for the next run, and the upload forgotten."""
    _ = t.gettext
    succeeded(_("Batch {batch} committed: {inserted} new, {updated} updated, {unchanged} unchanged, "
                "{quarantined} quarantined. Every page now shows the new data.").format(
        batch=done.batch_id, inserted=t.number(done.inserted), updated=t.number(done.updated),
        unchanged=t.number(done.unchanged), quarantined=t.number(done.quarantined)))
    path.unlink(missing_ok=True)   # the upload's private copy is no longer needed
    st.session_state.update(data_report=None, data_key=None, data_path=None)


def grid_height(rows: int, most: int) -> int:
    """A table's height in pixels: its header and rows, up to `most`."""
    return min(most, 38 + 35 * rows)


def format_labels(t: I18n) -> dict[str, str]:
    _ = t.gettext
    return {"auto": _("Detect automatically"), "native": _("Native template (CSV or XLSX)"),
            "acled": _("ACLED export (CSV)"), "hxl": _("HXL-tagged table"),
            "gitoc": _("GI-TOC Organized Crime Index workbook"), "unodc": _("UNODC data-portal export"),
            "justice": _("Offenders through the justice chain (CSV or XLSX)")}


def report(t: I18n, report, formats: dict[str, str]) -> None:
    """A validation report: its counts, rows bound for the quarantine and notes on the file."""
    _ = t.gettext
    st.subheader(_("Validation report ({format})").format(format=formats.get(report.format, report.format)))
    counts = {"rows_read": _("Rows read"), "inserted": _("New records"), "updated": _("Updated records"),
              "unchanged": _("Unchanged"), "quarantined": _("Quarantined"), "out_of_scope": _("Out of scope")}
    for column, (key, label) in zip(st.columns(len(counts)), counts.items()):
        column.metric(label, t.number(getattr(report, key)), border=True)
    if report.out_of_scope_by:
        st.caption(_("Out of scope (no crime market, not kept): {kinds}").format(kinds="; ".join(
            f"{label} {t.number(n)}" for label, n in sorted(report.out_of_scope_by.items(), key=lambda kv: -kv[1]))))
    if report.errors:
        st.markdown(_("**Rows that will go to the quarantine, and why**"))
        st.dataframe([{_("Row"): e["row"], _("Field"): e["field"], _("Reason"): e["reason"]} for e in report.errors],
                     hide_index=True, width="stretch", height=grid_height(len(report.errors), 420))
    if report.warnings:
        st.markdown(_("**Notes on the file (not errors)**"))
        st.dataframe([{_("Row"): w["row"], _("Column"): w["field"], _("Note"): w["reason"]} for w in report.warnings],
                     hide_index=True, width="stretch", height=grid_height(len(report.warnings), 300))


def quarantine_editor(t: I18n, table, batch: str):
    """One batch's quarantined rows as an editable grid; returns the grid as edited."""
    _ = t.gettext
    return st.data_editor(table, hide_index=True, width="stretch", key=f"data_q_editor_{batch}",
                          disabled=["quarantine_id", "row", "reasons", "_sheet"], num_rows="fixed",
                          column_config={"quarantine_id": None,
                                         "row": st.column_config.NumberColumn(_("Row"), format="%d"),
                                         "reasons": st.column_config.TextColumn(_("Reasons"), width="large")})
