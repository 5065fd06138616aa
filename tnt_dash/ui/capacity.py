"""Streamlit parts of the Capacity building page: a table keyed by codes shown under its headers,
and the good-practice library's tab (search within the viewer's clearance, the listing, one
document's download, the analysts' form to add one). Layout only: every figure, marking and search
is tnt_dash.capacity's."""
from __future__ import annotations

import functools

import streamlit as st

from tnt_dash import presented, queries, store
from tnt_dash.access import CLASSIFICATION_ORDER, TLP_ORDER
from tnt_dash.capacity import library, screen
from tnt_dash.filters import Filters
from tnt_dash.ui import frame


def table(shown: screen.Table) -> None:
    """A table keyed by codes, shown under its translated headers."""
    config = {shown.headers[c]: st.column_config.TextColumn(width="large") for c in shown.wide}
    st.dataframe(shown.shown(), hide_index=True, width="stretch", column_config=config or None)


def no_activities(ctx: frame.PageContext) -> None:
    """The period holds no activity: say so, and offer the project's implementation period, which
    sets the sidebar's period (the filters then follow on every page, and into the link)."""
    t, _ = ctx.t, ctx.t.gettext
    st.info(_("No activities in this period and selection."))
    st.caption(screen.implementation_hint(t))
    bounds = ctx.call(queries.data_status, Filters(statuses=()), ctx.profile)
    period = screen.project_period(bounds["date_min"], bounds["date_max"])
    if period is not None and (ctx.filters.date_from, ctx.filters.date_to) != period:
        st.button(_("Show the project period"), icon=":material/date_range:", key="capacity_project_period",
                  on_click=_set_period, args=(period,))


def _set_period(period: tuple) -> None:
    # A callback runs before the next run draws the sidebar, so the picker takes this value.
    st.session_state["period"] = period


def library_tab(ctx: frame.PageContext) -> None:
    t, _ = ctx.t, ctx.t.gettext
    query = st.text_input(_("Search titles, tags and text"), key="doc_q", bind="query-params",
                          placeholder=_("e.g. checkpoints, mining, sextortion"))
    found = ctx.call(library.search, ctx.profile, query or "")
    if found.empty:
        st.info(_("No document within your clearance matches.") if query or ctx.call(library.count, ctx.profile)
                else _("The library is empty."))
    else:
        options = ctx.call(queries.filter_options, t.lang)
        table(screen.library_table(found, t, dict(options["markets"])))
        st.caption(_("{n} documents within your clearance. Each keeps its own marking when downloaded.").format(
            n=t.number(len(found))))
        titles = dict(zip(found["doc_id"], found["title"]))
        pick = st.selectbox(_("Document to download"), list(titles), format_func=titles.get, key="doc_pick")
        if pick:
            row = found[found["doc_id"] == pick].iloc[0]
            st.download_button(_("Download"), data=functools.partial(_document_bytes, ctx, pick),
                               file_name=row["filename"], icon=":material/download:", on_click="ignore")
    if ctx.profile.data_admin:
        add_document_form(ctx)


def _document_bytes(ctx: frame.PageContext, doc_id: str) -> bytes:
    # A reader of its own: the bytes are fetched on click and are not worth caching.
    con = store.connect(ctx.store_version.split("|", 1)[0], read_only=True)
    try:
        document = library.get_document(con, ctx.profile, doc_id)
    finally:
        con.close()
    return document[2] if document else b""


def add_document_form(ctx: frame.PageContext) -> None:
    """Analysts add documents here, through the one writer's door (library.add_document_to)."""
    t, _ = ctx.t, ctx.t.gettext
    options = ctx.call(queries.filter_options, t.lang)
    with st.expander(_("Add a document"), icon=":material/upload_file:"):
        with st.form("add_document", clear_on_submit=True):
            upload = frame.file_uploader(st, t, _("PDF, Word (.docx) or Markdown (.md) file"), ["pdf", "docx", "md"],
                                         library.MAX_BYTES // (1024 * 1024), key="doc_upload")
            title = st.text_input(_("Title (default: the document's first line)"))
            c1, c2, c3 = st.columns(3)
            tlp = c1.selectbox(_("TLP"), TLP_ORDER, index=1)
            classification = c2.selectbox(_("Classification"), CLASSIFICATION_ORDER,
                                          format_func=lambda c: presented.classification_label(t, c))
            language = c3.selectbox(_("Language"), library.LANGUAGES)
            market_labels, mission_labels = dict(options["markets"]), dict(options["missions"])
            markets = st.multiselect(_("Criminal markets"), list(market_labels), format_func=market_labels.get)
            missions = st.multiselect(_("Missions"), list(mission_labels), format_func=mission_labels.get)
            tags = st.text_input(_("Tags, separated by commas"))
            if st.form_submit_button(_("Add to the library"), type="primary") and upload is not None:
                path = ctx.store_version.split("|", 1)[0]
                try:
                    added = frame.write_store(ctx, functools.partial(
                        library.add_document_to, path, upload.name, upload.getvalue(), tlp=tlp,
                        classification=classification, title=title, language=language, markets=markets,
                        missions=missions, tags=tags.split(",")))
                except store.StoreError as exc:
                    st.error(frame.store_busy(t, exc))
                    return
                except library.DocumentError as exc:
                    st.error(str(exc))
                    return
                st.toast(_("Added “{title}”: {n} characters of text indexed.").format(
                    title=added.title, n=t.number(added.characters)), icon=":material/check_circle:")
                st.rerun()
