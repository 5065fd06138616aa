"""Who is looking, and in which language: the viewer's identity and profile (TNT_PROFILE, or a
signed-in role capped by it), and the language from the link, the session or the browser."""
from __future__ import annotations

import os

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from tnt_dash import auth, i18n
from tnt_dash.access import HostStateError
from tnt_dash.i18n import I18n


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


def shared_screen() -> bool:
    """Whether this viewer gets a host State's shared screen (for the navigation: app.py lists no
    mission-internal page there). A shared screen without its State is one too."""
    try:
        return identity(language_only()).profile.releasable_to_host_state
    except HostStateError:
        return True


def language_only() -> I18n:
    return i18n.get(current_language())


def refuse(t: I18n, message: str) -> None:
    st.title("tnt-dash")
    st.error(message, icon=":material/block:")
    st.stop()
