"""The frame every page calls first: store, profile, language, shared filters, banners.

This is the only Streamlit-aware module besides the pages. It holds no SQL and no
arithmetic: it turns widgets into a `Filters` object and passes it to tnt_dash.
"""
from __future__ import annotations

import dataclasses
import enum
import functools
import html
import importlib
import inspect
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from tnt_dash import auth, i18n, releases, seed, snapshots, store
from tnt_dash.parallel import run_parts
from tnt_dash.access import HostStateError, Profile
from tnt_dash.filters import RELIABILITY_GRADES, STATUSES, Filters, default_period
from tnt_dash.i18n import I18n
from tnt_dash.ui import freshness



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
    host_state_name: str | None = None    # the State a shared screen is for, in the page's language

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

    def shared(self, fn, *args, **kwargs):
        """fn(con, *args, **kwargs) for reference data a page only reads (map outlines, boundaries):
        one object per store version shared by every session instead of a copy per rerun (unpickling
        the outlines cost 5 ms a rerun). Never use it for anything filtered by the viewer's profile,
        and never change what it returns."""
        module, qualname, args, kwargs = _prepared(fn, args, kwargs)
        return _shared_call(key=cache_key((self.store_version, module, qualname, args, kwargs)),
                            _store_version=self.store_version, _call=(module, qualname, args, kwargs))

    def log_release(self, kind: str, item: str, filters: Filters | None = None) -> None:
        """Log what a host State's screen produced (page view, export or brief; releases.py), with
        the records behind it. Other profiles release nothing and log nothing."""
        if not self.profile.releasable_to_host_state:
            return
        from tnt_dash.queries import record_count
        filters = filters or self.filters
        records = self.call(record_count, filters, self.profile)
        releases.log_release(self.store_version.split("|", 1)[0], self.profile, kind=kind, item=item,
                             filters=filters, records=records, user=self.identity.user)

    def call_together(self, *calls: functools.partial) -> list:
        """Several independent calls (each a functools.partial of a query without its connection),
        cached as one entry and run tnt_dash.parallel.run_parts at a time on a miss: for a page
        whose queries do not depend on each other's results. Results in the order given."""
        return cached_calls(self.store_version, tuple(_prepared(c.func, c.args, c.keywords) for c in calls))


def _prepared(fn, args: tuple, kwargs: dict) -> tuple[str, str, tuple, tuple]:
    """(module, qualname, args, kwargs) as the cache keys and stores them: defaults bound, a
    reads_only query's filters cut to what it reads, an I18n replaced by its language."""
    bound = _signature(fn).bind(None, *args, **kwargs)
    bound.apply_defaults()
    args, kwargs = bound.args[1:], bound.kwargs
    kept = getattr(fn, "filter_fields", None)
    if kept is not None:
        args = tuple(a.keep(kept) if isinstance(a, Filters) else a for a in args)
        kwargs = {k: v.keep(kept) if isinstance(v, Filters) else v for k, v in kwargs.items()}
    args = tuple(("__lang__", a.lang) if isinstance(a, I18n) else a for a in args)
    kwargs = tuple(sorted((k, ("__lang__", v.lang) if isinstance(v, I18n) else v) for k, v in kwargs.items()))
    return fn.__module__, fn.__qualname__, args, kwargs


@functools.lru_cache(maxsize=None)
def _signature(fn) -> inspect.Signature:
    return inspect.signature(fn)


@st.cache_resource(show_spinner=False, max_entries=3)
def _root_connection(path: str, version: str):
    # One read-only root connection per published snapshot; each query takes its own cursor. The
    # newest few stay open, so a rerun that began on the previous snapshot finishes on it; an older
    # one is closed once no session holds it (docs/operations.md).
    return store.connect(path, read_only=True, version=version)


def cache_key(value) -> str:
    """A canonical text for a call's arguments: equal for equal values, and different for values
    a query could tell apart (1, 1.0, True and "1" differ). Streamlit's own hashing of a Filters
    and a Profile took 1.5 ms a call, two calls per cache miss, 20 ms a map rerun; this takes
    microseconds. Only plain values and frozen dataclasses of them are accepted: anything else
    (a DataFrame, a connection) raises instead of producing a key that could mix up two views."""
    if isinstance(value, np.generic):      # a count or code read from a frame: keyed as the plain value
        return cache_key(value.item())
    if value is None or isinstance(value, (bool, int, float, str, bytes, date, datetime, timedelta)):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, enum.Enum):
        return f"{type(value).__qualname__}.{value.name}"
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__}(" + ",".join(cache_key(v) for v in value) + ")"
    if isinstance(value, (frozenset, set)):
        return f"{type(value).__name__}(" + ",".join(sorted(cache_key(v) for v in value)) + ")"
    if isinstance(value, dict):
        return "dict(" + ",".join(sorted(f"{cache_key(k)}={cache_key(v)}" for k, v in value.items())) + ")"
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and value.__dataclass_params__.frozen:
        cls = type(value)
        return f"{cls.__module__}.{cls.__qualname__}(" + ",".join(
            f"{f.name}={cache_key(getattr(value, f.name))}" for f in dataclasses.fields(value)) + ")"
    raise TypeError(f"cannot key a page cache on a {type(value).__name__}; pass plain values or a frozen dataclass")


def cached_call(module: str, qualname: str, store_version: str, args: tuple, kwargs: tuple):
    """module.qualname(con, *args, **kwargs), cached per store version and argument values."""
    return cached_calls(store_version, ((module, qualname, args, kwargs),))[0]


def cached_calls(store_version: str, calls: tuple[tuple[str, str, tuple, tuple], ...]) -> list:
    """Each (module, qualname, args, kwargs) called with the store's connection, as one cache entry."""
    # All by keyword: Streamlit looks up the name of every positional argument in the signature.
    return _cached_calls(key=cache_key((store_version, calls)), _store_version=store_version, _calls=calls)


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_calls(key: str, _store_version: str, _calls: tuple) -> list:
    # Streamlit hashes only `key`, which holds everything else (arguments starting with "_" are
    # not hashed): see cache_key.
    return _run_calls(_store_version, _calls)


@st.cache_resource(show_spinner=False, max_entries=64)
def _shared_call(key: str, _store_version: str, _call: tuple):
    return _run_calls(_store_version, (_call,))[0]


def _run_calls(store_version: str, calls: tuple) -> list:
    path = store_version.split("|", 1)[0]
    con = _root_connection(path=path, version=store_version)

    def restore(value):
        if isinstance(value, tuple) and len(value) == 2 and value[0] == "__lang__":
            return i18n.get(value[1])
        return value

    parts = {}
    for n, (module, qualname, args, kwargs) in enumerate(calls):
        fn = getattr(importlib.import_module(module), qualname)
        parts[n] = functools.partial(fn, con, *(restore(a) for a in args), **{k: restore(v) for k, v in kwargs})
    return list(run_parts(parts).values())


@st.cache_resource(show_spinner=False)
def _ensure_store(path: str) -> None:
    seed.ensure_store(path)


def _store_version(path: str) -> str:
    """The newest published snapshot of the store (its path and number): what every cache is keyed
    on, so a published write reaches each session at its next rerun and no session is cut off."""
    return snapshots.current(path).version


def current_language() -> str:
    """?lang= in the URL, else the language chosen earlier in this session, else the browser's.

    Navigation links do not carry query parameters, so the session remembers the choice and
    the page writes it back into the URL: a copied link always names its language.
    """
    lang = (i18n.valid_language(st.query_params.get("lang")) or st.session_state.get("_lang")
            or i18n.negotiate(getattr(st.context, "locale", None)))
    st.session_state["_lang"] = lang
    return lang


def language() -> I18n:
    """The language selector. The URL carries the code (fr, en), not the button's label, so a
    link works whatever language it was copied in."""
    lang = current_language()
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    choice = st.sidebar.segmented_control(
        "Language / Langue", options=list(i18n.LANGUAGES), default=lang,
        format_func=lambda code: i18n.LANGUAGE_NAMES[code], key="lang_choice", required=True,
    )
    if choice and choice != lang:
        st.session_state["_lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()
    return i18n.get(lang)


def identity(t: I18n) -> auth.Identity:
    """The viewer's profile: from the server's TNT_PROFILE, or an authenticated role capped by it."""
    mode = auth.auth_mode()
    if mode == "none":
        return auth.resolve(None, {}, mode=mode)
    role_map = auth.parse_role_map(os.environ.get("TNT_ROLE_MAP"))
    if not role_map:
        role_map = auth.parse_role_map(",".join(f"{k}={v}" for k, v in _secrets_section("tnt_roles").items()))
    claim = os.environ.get("TNT_ROLE_CLAIM", "roles")
    claims = st.user.to_dict()
    if mode == "oidc" and not claims.get("is_logged_in"):
        _ = t.gettext
        st.title("tnt-dash")
        st.info(_("Sign in with your organisation's account to see this dashboard."))
        st.button(_("Sign in"), on_click=st.login, type="primary")
        st.stop()
    return auth.resolve(claims, role_map, claim, mode)


def _secrets_section(name: str) -> dict:
    # No secrets.toml at all is a normal state (no role map yet), not an error.
    try:
        return dict(st.secrets[name]) if name in st.secrets else {}
    except StreamlitSecretNotFoundError:
        return {}


def presentation_mode(profile: Profile) -> bool:
    """Large type, minimal chrome and one-screen layouts: always on a host-State shared screen,
    and on any screen whose server sets TNT_PRESENTATION=1 (a projector in a UN meeting)."""
    return profile.name == "shared" or os.environ.get("TNT_PRESENTATION") == "1"


def _leave_pages_directory_mode() -> None:
    """A page opened by its URL on a freshly started server runs as an old-style `pages/` script
    before app.py has declared the navigation, so the sidebar lists file names. Streamlit keeps
    that mode in one class attribute (1.67, runtime/pages_manager.py); clear it and run again
    through app.py, which resolves the same URL to the same page."""
    from streamlit.runtime.pages_manager import PagesManager
    if getattr(PagesManager, "uses_pages_directory", None):
        PagesManager.uses_pages_directory = False
        st.rerun()


def style(profile: Profile) -> None:
    """Banner colours, and large type with minimal chrome for shared screens and projectors."""
    css = """
    .tnt-banner {padding: .35rem .8rem; border-radius: .3rem; font-size: 1rem; margin-bottom: .4rem;
                 background: #EEF2F7; border-left: .4rem solid #0B5CAD; color: #111;}
    .tnt-banner.tnt-shared {background: #E6F4EA; border-left-color: #137333; font-size: 1.2rem;}
    .tnt-demo {background: #FFF3C4; color: #5C3B00; padding: 0 .4rem; border-radius: .2rem; font-weight: 600;}
    """
    if presentation_mode(profile):
        css += """
        html, body, [data-testid="stAppViewContainer"] {font-size: 19px;}
        /* No deploy button or status widget. The sidebar toggle and the small ⋮ menu stay: the
           operator opens the filters there, and picks the light or dark theme under Settings. */
        [data-testid="stToolbarActions"], [data-testid="stAppDeployButton"],
        [data-testid="stStatusWidget"], [data-testid="stDecoration"] {display: none !important;}
        [data-testid="stMetricValue"] {font-size: 2.3rem;}
        [data-testid="stMetricLabel"] p {font-size: 1.1rem;}
        /* The header only holds the sidebar toggle here: keep it small and see-through. */
        [data-testid="stHeader"] {background: transparent; height: 2.2rem;}
        .block-container {padding-top: 1.8rem; padding-bottom: .5rem;}
        h1 {font-size: 2.1rem !important; padding: 0 !important;}
        [data-testid="stTable"] th, [data-testid="stTable"] td {font-size: .88rem; padding: .15rem .4rem;
                                                                line-height: 1.3;}
        /* One line a row, every week and in both languages (Streamlit's Markdown cells set their own
           white-space, hence !important): a long French market name wrapped to
           two lines and pushed the brief past one 1920×1080 screen in some weeks. */
        [data-testid="stTable"] td p {white-space: nowrap !important; overflow: hidden; text-overflow: ellipsis;
                                      max-width: 11rem;}
        [data-testid="stMarkdownContainer"] li {margin-bottom: 0;}
        """
    st.html(f"<style>{css}</style>")


def file_uploader(container, t: I18n, label: str, types: list[str], max_mb: int, key: str, **kwargs):
    """st.file_uploader with its button and size line in the page's language.

    Streamlit writes "Upload" and "50MB per file • CSV, …" in English whatever the page's language,
    and offers no way to change them; in French they are replaced here by CSS scoped to this widget
    (Streamlit gives each keyed widget the class st-key-KEY)."""
    upload = container.file_uploader(label, type=types, key=key, max_upload_size=max_mb, **kwargs)
    if t.lang != "en":
        limit = t.gettext("{size} MB per file").format(size=t.number(max_mb)) + " • " + ", ".join(
            x.upper() for x in types)
        scope = f".st-key-{key}"
        css = (f'{scope} [data-testid="stFileUploaderDropzoneInstructions"] > div > * {{font-size: 0;}}'
               f'{scope} [data-testid="stFileUploaderDropzoneInstructions"] > div > *::before '
               f'{{content: {_css_text(limit)}; font-size: .875rem;}}'
               f'{scope} [data-testid="stFileUploaderDropzone"] button * {{font-size: 0;}}'
               f'{scope} [data-testid="stFileUploaderDropzone"] button [data-testid="stIconMaterial"] '
               f'{{font-size: 1rem;}}'
               f'{scope} [data-testid="stFileUploaderDropzone"] button::after '
               f'{{content: {_css_text(t.gettext("Browse"))}; font-size: .875rem;}}')   # Streamlit's own sizes
        container.html(f"<style>{css}</style>")
    return upload


def _css_text(text: str) -> str:
    """A CSS string literal of `text` (our own catalogue's words, escaped all the same)."""
    return '"' + "".join(ch if ch.isalnum() or ch in " •,.-" else f"\\{ord(ch):x} " for ch in text) + '"'


def kiosk() -> None:
    """Optional rotation through pages for an unattended screen: TNT_KIOSK=home,brief and
    TNT_KIOSK_SECONDS=60. The server sets it; a viewer cannot switch it on."""
    names = [n.strip() for n in (os.environ.get("TNT_KIOSK") or "").split(",") if n.strip()]
    if len(names) < 2:
        return
    seconds = max(15, int(os.environ.get("TNT_KIOSK_SECONDS", "60")))
    pages = [f"pages/{n}.py" for n in names]
    current = st.session_state.get("_kiosk_index", 0)

    @st.fragment(run_every=seconds)
    def rotate() -> None:
        ticks = st.session_state.get("_kiosk_ticks", 0) + 1
        st.session_state["_kiosk_ticks"] = ticks
        if ticks > 1:   # the first run is the page being drawn; later runs are the timer
            st.session_state["_kiosk_ticks"] = 0
            st.session_state["_kiosk_index"] = (current + 1) % len(pages)
            # Every value of a repeated parameter (two markets): dict(st.query_params) kept the last only.
            st.switch_page(pages[st.session_state["_kiosk_index"]],
                           query_params={key: st.query_params.get_all(key) for key in st.query_params})

    rotate()


def shared_screen() -> bool:
    """Whether this viewer gets a host State's shared screen (for the navigation: app.py lists no
    mission-internal page there). A shared screen without its State is one too."""
    try:
        return identity(language_only()).profile.releasable_to_host_state
    except HostStateError:
        return True


def language_only() -> I18n:
    return i18n.get(current_language())


def _refuse(t: I18n, message: str) -> None:
    st.title("tnt-dash")
    st.error(message, icon=":material/block:")
    st.stop()


def page(title: str, *, subtitle: str | None = None, show_title: bool = True, internal: bool = False,
         operations_area: bool = False) -> PageContext:
    """Set up the page. `title` is an English msgid; it is translated here. A page that puts
    more in its title (the brief names its week) passes show_title=False and writes its own.
    `operations_area`: the page opens on the missions' areas of operations (brief, priorities).
    An `internal` page (mission-internal material) refuses a host State's shared screen, even
    when opened by its URL: the navigation does not list it there."""
    # Again here: a page opened by direct URL on a fresh server can run before app.py has.
    st.set_page_config(page_title="tnt-dash", page_icon=str(store.config.PROJECT_DIR / "static" / "favicon.png"),
                       layout="wide")
    _leave_pages_directory_mode()
    t = language()
    _ = t.gettext
    try:
        viewer = identity(t)
        viewer.profile.where()      # a shared profile without its host State fails here, closed
    except HostStateError:
        _refuse(t, _("This shared screen has no host State. The server must set TNT_HOST_STATE "
                     "(an ISO 3166 alpha-3 code such as HTI) or map a role to one."))
    profile = viewer.profile
    if internal and profile.releasable_to_host_state:
        st.title(_(title))
        st.info(_("This page holds mission-internal material and is not shown on a host State's shared "
                  "screen."), icon=":material/lock:")
        st.stop()
    if presentation_mode(profile):
        # The filters and language stay one click away; the screen is for the content.
        st.set_page_config(initial_sidebar_state="collapsed")
    style(profile)
    kiosk()
    path = str(store.config.db_path())
    with st.spinner(_("Preparing the data store (first run only)…")):
        _ensure_store(path)
    version = _store_version(path)
    con = _root_connection(path=path, version=version)
    freshness.follow(path, version)
    meta = cached_call("tnt_dash.store", "get_meta", version, (), ())   # a write changes the version
    try:
        host_name = cached_call("tnt_dash.queries", "host_state_name", version, (profile, t.lang), ())
    except HostStateError:
        _refuse(t, _("This shared screen's host State ({state}) is not the host State of a mission in this "
                     "store.").format(state=profile.host_state))
    filters = sidebar_filters(con, profile, t, version, operations_area)
    status = cached_call("tnt_dash.queries", "data_status", version, (filters, profile), ())
    ctx = PageContext(con=con, filters=filters, profile=profile, t=t, status=status, meta=meta,
                      store_version=version, identity=viewer, host_state_name=host_name)
    banners(ctx)
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
    view = cache_key((title, ctx.filters, ctx.profile))
    if view not in seen:
        seen.add(view)
        ctx.log_release("page", title)


def coded_widget(widget, label: str, options, *, key: str, format_func=str, default=None, multi: bool = False,
                 **kwargs):
    """`widget` (st.multiselect, st.segmented_control, st.selectbox, …) tied to the URL parameter
    `key` by option code, not by label.

    Streamlit's bind="query-params" writes what format_func shows: a link copied from the French
    screen named a market "Trafic de cocaïne", and opened in English it lost the filter. Here the
    URL carries the codes (?market=cocaine). A label in the URL (links made before) is still
    understood in the screen's language; unknown values are ignored. `default` is a code (a list
    of codes when `multi`). See `url_state` for when the URL is read and written.
    """
    def from_url(values: list[str]):
        wanted = codes_from_url(values, options, format_func)
        return wanted if multi else (wanted[0] if wanted else None)
    placed = url_state(key, from_url, options, multi)
    if getattr(widget, "__name__", "") == "selectbox":     # st.selectbox takes an index, not a default
        given = {"index": None if placed or default is None else list(options).index(default)}
    else:
        given = {"default": None if placed else default}
    value = widget(label, options=options, key=key, format_func=format_func, **given, **kwargs)
    as_list = (lambda v: list(v or [])) if multi else (lambda v: [] if v is None else [v])
    write_url(key, value, [str(c) for c in as_list(value)], [str(c) for c in as_list(default)])
    return value


def url_state(key: str, from_url, options=None, multi: bool = False) -> bool:
    """Before drawing widget `key`: set its value from the URL (once per session: a link being
    opened; `from_url` turns the parameter's values into the widget's value, None to ignore them)
    or, after a page change, back to the value it had (`survives_page_change`). True when the value was
    set here, so the caller passes the widget no default."""
    state = st.session_state
    placed = survives_page_change(key, options, multi)
    seeded = state.setdefault("_url_seeded", set())
    if key not in seeded:
        seeded.add(key)
        if key in st.query_params:
            value = from_url(st.query_params.get_all(key))
            if value is not None:
                state[key] = value
                placed = True
    return placed


def write_url(key: str, value, codes: list[str], default_codes: list[str]) -> None:
    """After drawing widget `key`: keep its value for the next page, and name it in the URL
    (page links drop the query string, so this runs on every run; the default is left out)."""
    st.session_state[f"_kept_{key}"] = value
    if codes == default_codes:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != codes:
        st.query_params[key] = codes


def survives_page_change(key: str, options=None, multi: bool = False) -> bool:
    """If the page changed since widget `key` was last drawn, put back the value it had then (cut
    to today's options); True if it did.

    Streamlit forgets a widget's value on the first page change after a page load, although the
    sidebar draws the same widget on every page: a link opened with filters showed them on its
    first page and lost them on the next. `write_url` keeps each run's value for this."""
    state = st.session_state
    here = state.get("_page")
    moved = state.get(f"_drawn_on_{key}") != here
    state[f"_drawn_on_{key}"] = here
    if not moved or f"_kept_{key}" not in state:
        return False
    kept = state[f"_kept_{key}"]
    if options is not None:
        if multi:
            kept = [v for v in kept if v in set(options)]
        elif kept not in set(options):
            return False
    state[key] = kept
    return True


def codes_from_url(values: list[str], options, format_func) -> list:
    """The options a URL names, by code or (older links) by label; unknown values dropped, order kept."""
    by_code = {str(option): option for option in options}
    by_label = {str(format_func(option)): option for option in options}
    out = []
    for value in values:
        option = by_code.get(value, by_label.get(value))
        if option is not None and option not in out:
            out.append(option)
    return out


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


def sidebar_filters(con, profile: Profile, t: I18n, version: str, operations_area: bool = False) -> Filters:
    _ = t.gettext
    options = cached_call("tnt_dash.queries", "filter_options", version, (t.lang, profile), ())
    bounds = cached_call("tnt_dash.queries", "data_status", version,
                          (Filters(statuses=()), profile), ())
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
    write_url("period", period, [d.isoformat() for d in shown], [d.isoformat() for d in default])
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


def banners(ctx: PageContext) -> None:
    _ = ctx.t.gettext
    from tnt_dash.presented import marking_text, profile_name
    marking = marking_text(ctx.t, ctx.profile)
    demo = ""
    if ctx.is_demo and ctx.presentation:
        # One line, not a second box: a projector has no height to spare.
        demo = f" · <span class='tnt-demo'>{_('Synthetic demonstration data – not real incidents')}</span>"
    if ctx.host_state_name:
        # What the screen shows, counted; never what is withheld.
        said = _("Released to {state}: {records} validated records (UNCLASSIFIED, TLP:CLEAR/GREEN)").format(
            state=html.escape(ctx.host_state_name), records=ctx.t.number(ctx.status["records"]))
        st.markdown(f"<div class='tnt-banner tnt-{ctx.profile.name}'><b>{said}</b>{demo}</div>",
                    unsafe_allow_html=True)
    else:
        st.markdown(
            f"<div class='tnt-banner tnt-{ctx.profile.name}'><b>{profile_name(ctx.t, ctx.profile)}</b> · {marking}"
            f"{demo}</div>", unsafe_allow_html=True)
    if ctx.is_demo and not ctx.presentation:
        st.warning(_("Synthetic demonstration data – not real incidents. Load curated data to replace it."),
                   icon=":material/science:")
    s = ctx.status
    as_of = ctx.t.date(s["as_of"]) if s["as_of"] else "–"
    status = _("Data as of {date} · {records} records in view · {start} to {end}").format(
        date=as_of, records=ctx.t.number(s["records"]), start=ctx.t.date(s["date_min"]),
        end=ctx.t.date(s["date_max"]))
    if ctx.filters.operations_area:
        status += " · " + _("missions' areas of operations only")
    st.caption(status)
    if ctx.identity.mode == "none":
        st.sidebar.caption(_("No sign-in configured: the access profile is set by the server ({profile}).").format(
            profile=profile_name(ctx.t, ctx.profile)))
    elif not ctx.profile.releasable_to_host_state and ctx.identity.user:
        st.sidebar.caption(_("Signed in as {user}: {profile}").format(user=ctx.identity.user,
                                                                        profile=profile_name(ctx.t, ctx.profile)))


__all__ = ["page", "PageContext"]
