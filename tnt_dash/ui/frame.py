"""The frame every page calls first: store, profile, language, shared filters, banners.

This is the only Streamlit-aware module besides the pages. It holds no SQL and no
arithmetic: it turns widgets into a `Filters` object and passes it to tnt_dash.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from datetime import date, timedelta

import streamlit as st

from tnt_dash import access, i18n, queries, store
from tnt_dash.access import Profile
from tnt_dash.filters import RELIABILITY_GRADES, STATUSES, Filters
from tnt_dash.i18n import I18n

FILTER_KEYS = ("lang", "period", "mission", "country", "admin1", "market", "cyber", "rel", "cred", "status")


@dataclass
class PageContext:
    con: object
    filters: Filters
    profile: Profile
    t: I18n
    status: dict
    meta: dict
    store_version: str
    messages: list[str] = field(default_factory=list)

    @property
    def is_demo(self) -> bool:
        return self.meta.get("dataset") == "synthetic-demo"

    def call(self, fn, *args, **kwargs):
        """fn(con, *args, **kwargs), cached per store version and argument values."""
        args = tuple(("__lang__", a.lang) if isinstance(a, I18n) else a for a in args)
        kwargs = tuple(sorted((k, ("__lang__", v.lang) if isinstance(v, I18n) else v) for k, v in kwargs.items()))
        return _cached_call(fn.__module__, fn.__qualname__, self.store_version, args, kwargs)


@st.cache_resource(show_spinner=False)
def _root_connection(path: str, version: str):
    # One read-only root connection per store version; each query takes its own cursor.
    return store.connect(path, read_only=True)


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_call(module: str, qualname: str, store_version: str, args: tuple, kwargs: tuple):
    fn = getattr(importlib.import_module(module), qualname)
    path = store_version.split("|", 1)[0]
    con = _root_connection(path, store_version)

    def restore(value):
        if isinstance(value, tuple) and len(value) == 2 and value[0] == "__lang__":
            return i18n.get(value[1])
        return value

    return fn(con, *(restore(a) for a in args), **{k: restore(v) for k, v in kwargs})


@st.cache_resource(show_spinner=False)
def _ensure_store(path: str) -> None:
    store.ensure_store(path)


def _store_version(path: str) -> str:
    stat = os.stat(path)
    return f"{path}|{stat.st_mtime_ns}|{stat.st_size}"


def language() -> I18n:
    default = i18n.negotiate(getattr(st.context, "locale", None))
    lang = st.sidebar.segmented_control(
        "Language / Langue", options=list(i18n.LANGUAGES), default=default,
        format_func=lambda code: i18n.LANGUAGE_NAMES[code], key="lang", bind="query-params",
        required=True,
    )
    return i18n.get(lang or default)


def page(title: str, *, subtitle: str | None = None) -> PageContext:
    """Set up the page. `title` is an English msgid; it is translated here."""
    profile = access.server_profile()
    t = language()
    _ = t.gettext
    path = str(store.config.db_path())
    with st.spinner(_("Preparing the data store (first run only)…")):
        _ensure_store(path)
    version = _store_version(path)
    con = _root_connection(path, version)
    meta = store.get_meta(con)
    filters = sidebar_filters(con, profile, t, version)
    status = _cached_call("tnt_dash.queries", "data_status", version, (filters, profile), ())
    ctx = PageContext(con=con, filters=filters, profile=profile, t=t, status=status, meta=meta,
                      store_version=version)
    banners(ctx)
    st.title(_(title))
    if subtitle:
        st.caption(subtitle)
    return ctx


def sidebar_filters(con, profile: Profile, t: I18n, version: str) -> Filters:
    _ = t.gettext
    options = _cached_call("tnt_dash.queries", "filter_options", version, (t.lang,), ())
    bounds = _cached_call("tnt_dash.queries", "data_status", version,
                          (Filters(statuses=()), profile), ())
    data_end = bounds["date_max"] or date.today()
    data_start = bounds["date_min"] or data_end - timedelta(days=365)
    sb = st.sidebar
    sb.header(_("Filters"))
    period = sb.date_input(
        _("Period (date occurred)"), value=(data_end - timedelta(days=364), data_end),
        min_value=data_start, max_value=data_end, key="period", bind="query-params", format="YYYY-MM-DD",
    )
    date_from, date_to = (period + (None, None))[:2] if isinstance(period, tuple) else (period, None)

    def multiselect(label: str, kind: str, key: str) -> list[str]:
        labels = dict(options[kind])
        return sb.multiselect(label, options=list(labels), format_func=lambda c: labels.get(c, c),
                              key=key, bind="query-params", placeholder=_("All"))

    missions = multiselect(_("Missions"), "missions", "mission")
    countries = multiselect(_("Countries and territories"), "countries", "country")
    admin1 = multiselect(_("Admin-1 areas"), "admin1", "admin1")
    markets = multiselect(_("Criminal markets"), "markets", "market")
    cyber_labels = {"cyber-dependent": _("Cyber-dependent"), "cyber-enabled": _("Cyber-enabled"),
                    "none": _("Not cyber-related")}
    cyber = sb.multiselect(_("Cyber"), options=list(cyber_labels), format_func=cyber_labels.get, key="cyber",
                           bind="query-params", placeholder=_("All"))
    with sb.expander(_("Grading and record status")):
        reliability = st.selectbox(_("Minimum source reliability"), options=list(RELIABILITY_GRADES), index=5,
                                   key="rel", bind="query-params",
                                   help=_("Admiralty scale: A completely reliable … F cannot be judged."))
        credibility = st.selectbox(_("Minimum information credibility"), options=[1, 2, 3, 4, 5, 6], index=5,
                                   key="cred", bind="query-params",
                                   help=_("1 confirmed by other sources … 6 truth cannot be judged."))
        status_labels = {"validated": _("Validated"), "in_review": _("In review"), "draft": _("Draft"),
                         "archived": _("Archived")}
        if profile.allowed_statuses is not None:
            st.caption(_("This screen shows validated records only."))
            statuses = list(profile.allowed_statuses)
        else:
            statuses = st.multiselect(_("Record status"), options=list(STATUSES), default=["validated"],
                                      format_func=status_labels.get, key="status", bind="query-params")
    return Filters(date_from=date_from, date_to=date_to, missions=missions, countries=countries, admin1=admin1,
                   markets=markets, cyber=cyber, min_reliability=reliability, min_credibility=credibility,
                   statuses=statuses or ("validated",))


def banners(ctx: PageContext) -> None:
    _ = ctx.t.gettext
    from tnt_dash.views import marking_text, profile_name
    marking = marking_text(ctx.t, ctx.profile)
    st.markdown(
        f"<div class='tnt-banner tnt-{ctx.profile.name}'><b>{profile_name(ctx.t, ctx.profile)}</b> · {marking}</div>",
        unsafe_allow_html=True)
    if ctx.is_demo:
        st.warning(_("Synthetic demonstration data – not real incidents. Load curated data to replace it."),
                   icon=":material/science:")
    s = ctx.status
    as_of = ctx.t.date(s["as_of"]) if s["as_of"] else "–"
    st.caption(_("Data as of {date} · {records} records in view · {start} to {end}").format(
        date=as_of, records=ctx.t.number(s["records"]), start=ctx.t.date(s["date_min"]),
        end=ctx.t.date(s["date_max"])))
    st.sidebar.caption(_("Access profile set by the server: {profile}").format(
        profile=profile_name(ctx.t, ctx.profile)))


def cached(ctx: PageContext, fn, *args, **kwargs):
    return ctx.call(fn, *args, **kwargs)


__all__ = ["page", "PageContext", "cached", "queries"]
