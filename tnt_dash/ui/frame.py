"""The frame around every page. The entrypoint (app.py) draws it once per run, before the page:
the store, the viewer and their language, the sidebar's filters and the banners (`draw`). The page
then takes that context (`page`) and draws only its own content. Widgets drawn by the entrypoint
keep their values from page to page, which is why the sidebar lives here and not in the pages.

The frame holds no SQL and no arithmetic: it turns widgets into one `Filters` and passes it, with
the viewer's `Profile`, to tnt_dash.
"""
from __future__ import annotations

import functools
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from tnt_dash import auth, queries, releases, store
from tnt_dash.access import HostStateError, Profile
from tnt_dash.filters import Filters
from tnt_dash.i18n import I18n, N_
from tnt_dash.scope import Scope

from . import cache, chrome, freshness, viewer
from .chrome import file_uploader, presentation_mode
from .sidebar import sidebar_filters
from .url import coded_widget

# Pages that open on the missions' areas of operations (the viewer's switch then holds everywhere).
OPENS_ON_OPERATIONS_AREA = frozenset({"brief", "priorities"})
# Mission-internal pages: not listed on a host State's shared screen, and refused there by URL.
INTERNAL_PAGES = frozenset({"capacity", "data"})


@dataclass
class PageContext:
    con: object
    filters: Filters
    profile: Profile
    t: I18n
    status: dict
    meta: dict
    store_version: str
    identity: auth.Identity
    page: str = ""                        # the page's URL path ("brief"; "" for the overview)
    host_state_name: str | None = None    # the State a shared screen is for, in the page's language

    @property
    def scope(self) -> Scope:
        """The request this page serves: the sidebar's filters, the viewer, the page's language, the screen."""
        return Scope(self.filters, self.profile, self.t.lang, "screen")

    @property
    def is_demo(self) -> bool:
        return self.meta.get("dataset") == "synthetic-demo"

    @property
    def presentation(self) -> bool:
        return presentation_mode(self.profile)

    def call(self, fn, *args, **kwargs):
        """fn(con, *args, **kwargs), cached per store version and argument values.

        A query marked with filters.reads_only gets, and is keyed on, only the filter fields it reads.
        Arguments are bound to the signature with its defaults first, so f(x) and f(x, None) (where
        None is the default) share one cache entry instead of running the query twice."""
        return self.call_together(functools.partial(fn, *args, **kwargs))[0]

    def call_together(self, *calls: functools.partial) -> list:
        """Several independent calls (each a functools.partial of a query without its connection),
        cached as one entry and run tnt_dash.parallel.run_parts at a time on a miss: for a page
        whose queries do not depend on each other's results. Results in the order given."""
        return cache.cached_calls(self.store_version, tuple(cache.prepared(c.func, c.args, c.keywords)
                                                            for c in calls))

    def shared(self, fn, *args, **kwargs):
        """fn(con, *args, **kwargs) for reference data a page only reads (map outlines, boundaries):
        one object per store version shared by every session (cache.shared). Never use it for
        anything filtered by the viewer's profile, and never change what it returns."""
        return cache.shared(self.store_version, fn, *args, **kwargs)

    def log_release(self, kind: str, item: str, filters: Filters | None = None) -> None:
        """Log what a host State's screen produced (page view, export or brief; releases.py), with
        the records behind it. Other profiles release nothing and log nothing."""
        if not self.profile.releasable_to_host_state:
            return
        filters = filters or self.filters
        records = self.call(queries.record_count, filters, self.profile)
        releases.log_release(self.store_version.split("|", 1)[0], self.profile, kind=kind, item=item,
                             filters=filters, records=records, user=self.identity.user)


_run = threading.local()     # the context app.py drew in this script run (one thread per run)


def draw(page_path: str) -> PageContext:
    """Everything around the page `page_path` (its URL path), once per run, from the entrypoint."""
    t = viewer.language()
    _ = t.gettext
    try:
        who = viewer.identity(t)
        who.profile.where()      # a shared profile without its host State fails here, closed
    except HostStateError:
        viewer.refuse(t, _("This shared screen has no host State. The server must set TNT_HOST_STATE "
                           "(an ISO 3166 alpha-3 code such as HTI) or map a role to one."))
    profile = who.profile
    if presentation_mode(profile):
        # The filters and language stay one click away; the screen is for the content.
        st.set_page_config(initial_sidebar_state="collapsed")
    chrome.style(profile)
    chrome.kiosk()
    path = str(store.config.db_path())
    with st.spinner(_("Preparing the data store (first run only)…")):
        cache.ensure_store(path)
    version = cache.store_version(path)
    con = cache.root_connection(path=path, version=version)
    freshness.follow(path, version)
    meta = cache.cached(version, store.get_meta)       # a write changes the version
    try:
        host_name = cache.cached(version, queries.host_state_name, profile, t.lang)
    except HostStateError:
        viewer.refuse(t, _("This shared screen's host State ({state}) is not the host State of a mission in "
                           "this store.").format(state=profile.host_state))
    filters = sidebar_filters(profile, t, version, page_path in OPENS_ON_OPERATIONS_AREA)
    status = cache.cached(version, queries.data_status, filters, profile)
    ctx = PageContext(con=con, filters=filters, profile=profile, t=t, status=status, meta=meta,
                      store_version=version, identity=who, page=page_path, host_state_name=host_name)
    _run.ctx = ctx
    return ctx


def page(title: str, *, subtitle: str | None = None, show_title: bool = True) -> PageContext:
    """The page's context, with its banners and title. `title` is an English msgid; it is translated
    here. A page that puts more in its title (the brief names its week) passes show_title=False and
    writes its own. A mission-internal page (INTERNAL_PAGES) refuses a host State's shared screen,
    even when opened by its URL: the navigation does not list it there."""
    ctx = getattr(_run, "ctx", None)
    _run.ctx = None
    if ctx is None:
        # A page opened by its URL on a freshly started server runs before app.py has declared the
        # navigation; the way out reruns the script through app.py. A page the navigation does not
        # list (a mission-internal one on a shared screen) runs without app.py's frame: drawn here.
        chrome.leave_pages_directory_mode()
        stem = Path(sys._getframe(1).f_globals.get("__file__", "")).stem
        ctx = draw("" if stem == "home" else stem)
    _ = ctx.t.gettext
    if ctx.page in INTERNAL_PAGES and ctx.profile.releasable_to_host_state:
        st.title(_(title))
        st.info(_("This page holds mission-internal material and is not shown on a host State's shared "
                  "screen."), icon=":material/lock:")
        st.stop()
    chrome.banners(ctx)
    _log_page_view(ctx, title)
    if show_title:
        st.title(_(title))
    if subtitle:
        st.caption(subtitle)
    return ctx


def _log_page_view(ctx: PageContext, title: str) -> None:
    """One release-log entry per page and filters a session is shown (not one per rerun: a widget
    that changes nothing on screen would fill the log)."""
    if not ctx.profile.releasable_to_host_state:
        return
    seen = st.session_state.setdefault("_released_views", set())
    view = cache.cache_key((title, ctx.filters, ctx.profile))
    if view not in seen:
        seen.add(view)
        ctx.log_release("page", title)


def write_store(ctx: PageContext, action, *args):
    """action(*args), a writer that opens the store itself (store.writing), run from a page. The page
    reads a published snapshot and the write goes to the working store, so nobody's connection or
    cache is dropped: every session moves to the new snapshot at its next rerun (docs/operations.md)."""
    return action(*args)


def store_busy(t: I18n, error: Exception) -> str:
    """What a page says when its write finds the writer lock held. Readers use published snapshots,
    so only another writer (an import, a correction, the notes, the library) can hold it."""
    return t.gettext(STORE_BUSY) + f" ({error})"


STORE_BUSY = N_("The store is busy: another import or change is being written to it. Try again in a moment.")

__all__ = ["PageContext", "coded_widget", "draw", "file_uploader", "page", "store_busy", "write_store"]
