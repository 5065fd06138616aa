"""The Data page's release to host States: the records named, the choice of States and of who
reported the records, and the release log. The change itself is importers.admin.release."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from tnt_dash.i18n import I18n
from tnt_dash.importers import desk

from .data_desk import grid_height

MORE_UNKNOWN = 20      # unknown ids listed before an ellipsis


@dataclass(frozen=True)
class ReleaseChoice:
    codes: list[str]
    mode: str
    originator: str | None
    originator_iso3: str | None


def found_table(t: I18n, found, asked: int, unknown: list[str]) -> None:
    """How many of the ids are records, the ids that are not, and the records found."""
    _ = t.gettext
    st.markdown(_("**{n} of the {total} ids are records in the store.**").format(
        n=t.number(len(found)), total=t.number(asked)))
    if unknown:
        st.warning(_("Not in the store: {ids}. Remove them from the list: the change applies to every id "
                     "or to none.").format(ids=", ".join(unknown[:MORE_UNKNOWN])
                                           + (" …" if len(unknown) > MORE_UNKNOWN else "")))
    if len(found):
        st.dataframe(found.head(desk.SHOWN_ROWS), hide_index=True, width="stretch", height=grid_height(len(found), 320),
                     column_config={"incident_id": _("Record"),
                                    "date_occurred": st.column_config.DateColumn(_("Date"), format="YYYY-MM-DD"),
                                    "iso3": _("Country or territory"), "market": _("Market"), "status": _("Status"),
                                    "classification": _("Classification"), "tlp": "TLP",
                                    "releasable_to": _("Released to"), "originator": _("Originator"),
                                    "originator_iso3": _("Reporting State")})


def choice(t: I18n, states: dict[str, tuple[str, str, str]]) -> ReleaseChoice:
    """The host States, how they change the records' list, and optionally who reported the records."""
    _ = t.gettext

    def state_label(code: str) -> str:
        return f"{code} · {states[code][2 if t.lang == 'fr' else 1]}"

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
    return ReleaseChoice(codes, mode, originator, originator_iso3)


def release_log(ctx, db_path: str) -> None:
    _ = ctx.t.gettext
    st.subheader(_("Release log"))
    st.caption(_("Every page view, export and brief made for a host State, newest first (also: python -m tnt_dash "
                 "releases). Entries still in the spool beside the store are included."))
    # Headers translated in the frame itself: a column's code would otherwise reach the screen.
    headers = {"logged_at": _("When (UTC)"), "host_state": _("Host State"), "user_name": _("Who"),
               "kind": _("What"), "item": _("Page, export or brief"), "filters": _("Filters"),
               "records": _("Records"), "marking": _("Marking")}
    when = {_("When (UTC)"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")}
    st.dataframe(desk.release_log(ctx.con, db_path).rename(columns=headers), hide_index=True, width="stretch",
                 height=300, column_config=when)
