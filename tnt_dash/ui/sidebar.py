"""The sidebar's filters, drawn once per run by the entrypoint (app.py) so that their values live
across pages, and turned into the one `Filters` every query of the page receives."""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from tnt_dash import queries
from tnt_dash.access import Profile
from tnt_dash.filters import RELIABILITY_GRADES, STATUSES, Filters, default_period
from tnt_dash.i18n import I18n

from . import cache
from .url import coded_widget, url_state, write_url


def operations_area_toggle(container, t: I18n, page_default: bool) -> bool:
    """The "missions' areas of operations only" switch. Unlike the other filters its default is the
    page's (on for the brief and priorities, off elsewhere), so only a viewer's own choice (or a
    link's `ao=1`/`ao=0`) is kept across pages and written in the URL."""
    state = st.session_state
    seeded = state.setdefault("_url_seeded", set())
    if "ao" not in seeded:
        seeded.add("ao")
        if st.query_params.get("ao") in ("0", "1"):
            state["_ao_chosen"] = st.query_params.get("ao") == "1"
    chosen = state.get("_ao_chosen")
    state["ao"] = page_default if chosen is None else chosen

    def remember() -> None:
        state["_ao_chosen"] = state["ao"]
    value = container.toggle(t.gettext("Missions' areas of operations only"), key="ao", on_change=remember,
                             help=t.gettext("Only records placed in their mission's area of operations (for "
                                            "MONUSCO, Ituri and North Kivu). Records without an admin-1 "
                                            "area, such as a cybercrime desk's, are kept."))
    if chosen is None:
        if "ao" in st.query_params:
            del st.query_params["ao"]
    elif st.query_params.get("ao") != ("1" if chosen else "0"):
        st.query_params["ao"] = "1" if chosen else "0"
    return bool(value)


def sidebar_filters(profile: Profile, t: I18n, version: str, operations_area: bool = False) -> Filters:
    _ = t.gettext
    options = cache.cached(version, queries.filter_options, t.lang, profile)
    bounds = cache.cached(version, queries.data_status, Filters(statuses=()), profile)
    data_end = bounds["date_max"] or date.today()
    data_start = bounds["date_min"] or data_end - timedelta(days=365)
    sb = st.sidebar
    sb.header(_("Filters"))
    default = default_period(data_start, data_end)

    def dates_from_url(values: list[str]):
        try:
            dates = tuple(sorted(min(max(date.fromisoformat(v), data_start), data_end) for v in values[:2]))
        except ValueError:
            return None      # not a date: ignored, as any unknown URL value
        return dates or None
    placed = url_state("period", dates_from_url)
    # A range picker is one because its value is a range: the value set from the URL goes in too.
    period = sb.date_input(_("Period (date occurred)"), value=st.session_state["period"] if placed else default,
                           min_value=data_start,
                           max_value=data_end, key="period", format="YYYY-MM-DD")
    if t.lang != "en":
        # The calendar's month and day names follow the browser's language, but its quick choices
        # ("Date range": "Past Week", "Past Month"…) are Streamlit's English, which it offers no way
        # to translate: in French they are hidden, and the calendar and typed dates remain.
        sb.html('<style>[data-testid="stDateInputQuickSelect"] {display: none;}</style>')
    shown = list(period) if isinstance(period, tuple) else [period] if period else []
    write_url("period", [d.isoformat() for d in shown], [d.isoformat() for d in default])
    date_from, date_to = (period + (None, None))[:2] if isinstance(period, tuple) else (period, None)

    def multiselect(label: str, kind: str, key: str) -> list[str]:
        labels = dict(options[kind])
        return coded_widget(sb.multiselect, label, list(labels), format_func=lambda c: labels.get(c, c),
                            key=key, multi=True, placeholder=_("All"))

    missions = multiselect(_("Missions"), "missions", "mission")
    countries = multiselect(_("Countries and territories"), "countries", "country")
    admin1 = multiselect(_("Admin-1 areas"), "admin1", "admin1")
    in_operations_area = operations_area_toggle(sb, t, operations_area)
    markets = multiselect(_("Criminal markets"), "markets", "market")
    cyber_labels = {"cyber-dependent": _("Cyber-dependent"), "cyber-enabled": _("Cyber-enabled"),
                    "none": _("Not cyber-related")}
    cyber = coded_widget(sb.multiselect, _("Cyber"), list(cyber_labels), format_func=cyber_labels.get, key="cyber",
                         multi=True, placeholder=_("All"))
    with sb.expander(_("Grading and record status")):
        reliability = coded_widget(st.selectbox, _("Minimum source reliability"), list(RELIABILITY_GRADES),
                                   default=RELIABILITY_GRADES[5], key="rel",
                                   help=_("Admiralty scale: A completely reliable … F cannot be judged."))
        credibility = coded_widget(st.selectbox, _("Minimum information credibility"), [1, 2, 3, 4, 5, 6],
                                   default=6, key="cred",
                                   help=_("1 confirmed by other sources … 6 truth cannot be judged."))
        status_labels = {"validated": _("Validated"), "in_review": _("In review"), "draft": _("Draft"),
                         "archived": _("Archived")}
        if profile.allowed_statuses is not None:
            st.caption(_("This screen shows validated records only."))
            statuses = list(profile.allowed_statuses)
        else:
            statuses = coded_widget(st.multiselect, _("Record status"), list(STATUSES), default=["validated"],
                                    format_func=status_labels.get, key="status", multi=True)
    return Filters(date_from=date_from, date_to=date_to, missions=missions, countries=countries, admin1=admin1,
                   markets=markets, cyber=cyber, min_reliability=reliability, min_credibility=credibility,
                   statuses=statuses or ("validated",), operations_area=in_operations_area)
