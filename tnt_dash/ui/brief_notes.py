"""The analyst's notes on the brief page: drawn in two columns, and written there by the analyst in
the same Markdown as `brief-notes import`
(docs/brief.md), in the page's language, with a preview of what the brief will show, and a save
that keeps every earlier version as history (brief/notes.py)."""
from __future__ import annotations

from datetime import date

import streamlit as st

from tnt_dash import store
from tnt_dash.brief import notes, screen
from tnt_dash.scope import Scope
from tnt_dash.ui import frame


def notes_columns(columns) -> None:
    """The analyst's notes in two columns: section titles in bold, items as bullets."""
    for column, sections in zip(st.columns(2, gap="large"), columns):
        with column:
            for title, items in sections:
                st.markdown(f"**{title}**")
                st.markdown("\n".join(f"- {item}" for item in items))


def notes_editor(ctx: frame.PageContext, week: date, scope: Scope) -> None:
    """The editor of the notes of the brief `scope` asks for (its mission, its language)."""
    t, _ = scope.t, scope.t.gettext
    mission = notes.notes_mission(scope.filters)
    saved, _by, follow = ctx.call(notes.for_brief, scope.filters, scope.profile, week)
    flash = st.session_state.pop("notes_flash", None)
    with st.expander(_("Write this week's notes (analyst)"), icon=":material/edit_note:", expanded=bool(flash)):
        if flash:
            getattr(st, flash[0])(flash[1])
        st.caption(_("For {whose}, week {week}. One '- ' item per line under each heading; a judgement may end "
                     "with [likely] and [confidence: moderate], a decision reads "
                     "'text | owner: … | due: YYYY-MM-DD | status: open'. Saving keeps the earlier version as "
                     "history (docs/brief.md).").format(whose=mission or _("all missions"), week=t.week(week)))
        # Open decisions of earlier weeks are written in, so their status can be changed here.
        text = st.text_area(_("Notes (Markdown)"), height=300, key=f"notes_{week.isoformat()}_{mission}_{t.lang}",
                            value=notes.to_markdown(saved, notes.carried_decisions(follow) if saved.empty() else [],
                                                    t.lang))
        try:
            parsed = notes.parse(text)
        except notes.NotesError as exc:
            st.error(_("These notes cannot be saved as they stand: {error}").format(error=exc))
            return
        with st.container(border=True):
            st.caption(_("Preview"))
            notes_columns(screen.notes_halves(notes.preview(parsed, week, t)))
        if st.button(_("Save the notes"), icon=":material/save:", key=f"save_{week.isoformat()}_{mission}"):
            author = ctx.identity.user or f"{ctx.profile.name} (screen)"
            db = ctx.store_version.split("|", 1)[0]
            try:
                frame.write_store(ctx, notes.save_to, db, parsed, week, mission, author)
            except store.StoreError as exc:
                st.session_state["notes_flash"] = ("error", frame.store_busy(ctx.t, exc))
            else:
                st.session_state["notes_flash"] = ("success", _("Notes saved for {week}.").format(week=t.week(week)))
            st.rerun()
