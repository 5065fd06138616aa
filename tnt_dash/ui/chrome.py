"""What surrounds every page: styles, the banner and status line, the unattended screen's rotation,
the translated file uploader, and the one patch of Streamlit's page manager."""
from __future__ import annotations

import html
import os

import streamlit as st

from tnt_dash.access import Profile
from tnt_dash.i18n import I18n
from tnt_dash.presented import marking_text, profile_name


def presentation_mode(profile: Profile) -> bool:
    """Large type, minimal chrome and one-screen layouts: always on a host-State shared screen,
    and on any screen whose server sets TNT_PRESENTATION=1 (a projector in a UN meeting)."""
    return profile.name == "shared" or os.environ.get("TNT_PRESENTATION") == "1"


def leave_pages_directory_mode() -> None:
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


def banners(ctx) -> None:
    """The profile's banner and marking (or what a host State's screen was released), the demo
    warning, and the status line: data date, records in view, scope."""
    _ = ctx.t.gettext
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
