"""Who is looking: map an authenticated identity to an access profile.

Three modes, chosen by the server with TNT_AUTH:
- "none" (default): everyone gets the server's TNT_PROFILE, and the app says so;
- "oidc": st.login() against the [auth] provider in .streamlit/secrets.toml;
- "header": a trusted SSO proxy sets headers that Streamlit exposes as st.user
  (server.trustedUserHeaders in .streamlit/config.toml).

In every mode TNT_PROFILE is the ceiling: a role can lower what this server shows,
never raise it. A shared-screen server therefore stays shared whoever logs in.
Roles come from a token claim (default "roles"; "groups" also works) and are mapped
to profiles by configuration ([tnt_roles] in secrets.toml, or TNT_ROLE_MAP as
"role=profile,role=profile").

A shared screen is for one host State. A role can name it: "shared:HTI" in the role map, or a
role spelled tnt.hoststate.HTI, which needs no entry. Otherwise the server's TNT_HOST_STATE
applies; without either the viewer gets a shared profile with no State, which the query layer
refuses (fail closed). A server that is itself shared keeps its own State whatever the role says.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import re

from .access import ISO3, PROFILES, Profile, ProfileError, get_profile, server_profile

MODES = ("none", "oidc", "header")
# Ordering for the ceiling: a profile may only be replaced by one at or below the server's.
RANK = {"shared": 0, "gender": 1, "commissioner": 2, "analyst": 3}


class AuthConfigError(ValueError):
    """The server's authentication settings are inconsistent."""


@dataclass(frozen=True)
class Identity:
    profile: Profile
    mode: str
    user: str | None          # a display name or e-mail, never shown on shared screens
    reason: str               # why this profile: for the frame's caption and the audit log


def auth_mode() -> str:
    mode = (os.environ.get("TNT_AUTH") or "none").strip().lower()
    if mode not in MODES:
        raise AuthConfigError(f"TNT_AUTH must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


HOST_STATE_ROLE = re.compile(r"tnt\.hoststate\.([A-Za-z]{3})")


def parse_role_map(text: str | None) -> dict[str, str]:
    """'unpol-analysts=analyst, hti-police=shared:HTI' -> {'unpol-analysts': 'analyst', ...}."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise AuthConfigError(f"role map entry {part.strip()!r} is not role=profile")
        role, profile = (p.strip() for p in part.split("=", 1))
        name, _, state = profile.partition(":")
        if name not in PROFILES:
            raise AuthConfigError(f"role map sends {role!r} to unknown profile {name!r}")
        if state and (name != "shared" or not ISO3.fullmatch(state.upper())):
            raise AuthConfigError(f"role map entry {role!r}: only shared takes a host State, as shared:ISO3")
        mapping[role] = f"{name}:{state.upper()}" if state else name
    return mapping


def roles_from_claims(claims: Mapping, claim: str = "roles") -> list[str]:
    value = claims.get(claim)
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def profile_for(roles: Iterable[str], role_map: Mapping[str, str], ceiling: Profile) -> tuple[Profile, str]:
    """The most capable profile the user's roles grant, capped by the server's ceiling.

    No mapped role means the least capable profile (shared): an unknown user must
    never see more than the host-State screen.
    """
    roles = list(roles)
    granted = [role_map[r].partition(":")[0] for r in roles if r in role_map]
    states = [role_map[r].partition(":")[2] for r in roles if ":" in role_map.get(r, "")]
    states += [m.group(1).upper() for r in roles if (m := HOST_STATE_ROLE.fullmatch(r))]
    if states:
        granted.append("shared")
    if not granted:
        return _shared(ceiling, states), "no mapped role"
    best = max(granted, key=RANK.__getitem__)
    if RANK[best] > RANK[ceiling.name]:
        return ceiling, f"role grants {best}, capped by this server at {ceiling.name}"
    if best == "shared":
        return _shared(ceiling, states), "role grants shared"
    return PROFILES[best], f"role grants {best}"


def _shared(ceiling: Profile, states: list[str]) -> Profile:
    """The shared profile for this viewer's host State: the server's own when the server is shared,
    else the one the roles name (the first), else TNT_HOST_STATE; with none, no State at all, which
    every query refuses."""
    state = ceiling.host_state if ceiling.releasable_to_host_state else (
        states[0] if states else os.environ.get("TNT_HOST_STATE"))
    return PROFILES["shared"].for_host_state(state) if state else PROFILES["shared"]


def resolve(claims: Mapping | None, role_map: Mapping[str, str], role_claim: str = "roles",
            mode: str | None = None) -> Identity:
    """The profile for this viewer. `claims` is st.user as a dict (None when not logged in)."""
    mode = mode or auth_mode()
    ceiling = server_profile()
    if mode == "none":
        return Identity(ceiling, mode, None, "set by the server (TNT_PROFILE)")
    if not claims:
        return Identity(_shared(ceiling, []), mode, None, "not signed in")
    profile, reason = profile_for(roles_from_claims(claims, role_claim), role_map, ceiling)
    user = claims.get("email") or claims.get("name") or claims.get("preferred_username")
    return Identity(profile, mode, str(user) if user else None, reason)


__all__ = ["Identity", "resolve", "profile_for", "parse_role_map", "roles_from_claims", "auth_mode",
           "AuthConfigError", "ProfileError", "get_profile"]
