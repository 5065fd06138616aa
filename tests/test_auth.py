"""Role mapping: a role can lower what a server shows, never raise it above TNT_PROFILE."""
import pytest

from tnt_dash import access, auth
from tnt_dash.access import PROFILES

ROLE_MAP = auth.parse_role_map("tnt.analyst=analyst, tnt.gender=gender, tnt.hoststate=shared")


def test_parse_role_map_rejects_bad_entries():
    with pytest.raises(auth.AuthConfigError):
        auth.parse_role_map("tnt.analyst")
    with pytest.raises(auth.AuthConfigError):
        auth.parse_role_map("tnt.analyst=root")


def test_roles_from_claims_accepts_lists_and_strings():
    assert auth.roles_from_claims({"roles": ["a", "b"]}) == ["a", "b"]
    assert auth.roles_from_claims({"groups": "a; b"}, "groups") == ["a", "b"]
    assert auth.roles_from_claims({}) == []


def test_server_profile_is_the_ceiling(monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "shared")
    identity = auth.resolve({"roles": ["tnt.analyst"], "email": "a@un.org"}, ROLE_MAP, mode="oidc")
    assert identity.profile.name == "shared"


def test_role_lowers_profile(monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    assert auth.resolve({"roles": ["tnt.gender"]}, ROLE_MAP, mode="header").profile.name == "gender"
    assert auth.resolve({"roles": ["tnt.gender", "tnt.analyst"]}, ROLE_MAP, mode="header").profile.name == "analyst"


def test_unknown_or_missing_role_gets_least_privilege(monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    monkeypatch.setenv("TNT_HOST_STATE", "HTI")
    unmapped = auth.resolve({"roles": ["visitor"]}, ROLE_MAP, mode="oidc").profile
    assert unmapped.name == "shared" and unmapped.host_state == "HTI"
    assert auth.resolve(None, ROLE_MAP, mode="header").profile.host_state == "HTI"
    # No State anywhere: a shared profile with none, which every query refuses.
    monkeypatch.delenv("TNT_HOST_STATE")
    stateless = auth.resolve(None, ROLE_MAP, mode="header").profile
    assert stateless is PROFILES["shared"]
    with pytest.raises(access.HostStateError, match="TNT_HOST_STATE"):
        stateless.where()


def test_a_role_names_the_host_state_and_never_overrides_a_shared_server(monkeypatch):
    roles = auth.parse_role_map("tnt.analyst=analyst, hti-police=shared:hti")
    assert roles["hti-police"] == "shared:HTI"
    monkeypatch.setenv("TNT_PROFILE", "commissioner")
    monkeypatch.delenv("TNT_HOST_STATE", raising=False)
    assert auth.resolve({"roles": ["hti-police"]}, roles, mode="oidc").profile.host_state == "HTI"
    by_group = auth.resolve({"groups": ["tnt.hoststate.COD"]}, roles, "groups", mode="header").profile
    assert (by_group.name, by_group.host_state) == ("shared", "COD")
    # A role above shared wins over a host-State group, within the ceiling.
    assert auth.resolve({"roles": ["tnt.analyst", "tnt.hoststate.COD"]}, roles, mode="oidc").profile.name == \
        "commissioner"
    # The server's own State is the ceiling of a shared server: a viewer's group cannot move it.
    monkeypatch.setenv("TNT_PROFILE", "shared")
    monkeypatch.setenv("TNT_HOST_STATE", "HTI")
    assert auth.resolve({"roles": ["tnt.hoststate.COD"]}, roles, mode="oidc").profile.host_state == "HTI"
    with pytest.raises(auth.AuthConfigError, match="shared:ISO3"):
        auth.parse_role_map("x=analyst:HTI")


def test_no_auth_uses_server_profile(monkeypatch):
    monkeypatch.setenv("TNT_PROFILE", "commissioner")
    monkeypatch.delenv("TNT_AUTH", raising=False)
    identity = auth.resolve({"roles": ["tnt.analyst"]}, ROLE_MAP)
    assert identity.profile.name == "commissioner" and identity.mode == "none"


def test_bad_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TNT_AUTH", "kerberos")
    with pytest.raises(auth.AuthConfigError, match="TNT_AUTH"):
        auth.auth_mode()
