"""Access profiles: who may see which records and fields. Every rule lives here.

The profile is chosen by the server (env var TNT_PROFILE, or an authenticated user's
role), never by the viewer, and it is applied inside the query layer, so pages, CLI
exports and briefs obey the same rules. docs/access.md renders this table for people.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

CLASSIFICATION_ORDER = ("UNCLASSIFIED", "CONFIDENTIAL", "STRICTLY CONFIDENTIAL")
TLP_ORDER = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")


class ProfileError(ValueError):
    """The server was configured with a profile that does not exist."""


@dataclass(frozen=True)
class Profile:
    name: str
    # Static SQL over the incidents table (alias i). Never built from user input.
    record_predicate: str
    allowed_statuses: tuple[str, ...] | None   # None: any status the filters ask for
    narratives: str                  # "all" | "unrestricted" | "none"
    source_identities: bool          # source_ref and source type detail
    detailed_grades: bool            # the A1..F6 pair rather than a coarse band
    restricted_actor_names: bool
    exact_coordinates: bool          # False: nothing finer than admin-1 centroids
    suppress_on_screen: bool         # small victim counts shown as "<k"
    suppress_in_exports: bool
    data_admin: bool                 # quarantine, audit, imports
    releasable_to_host_state: bool
    ceiling: str                     # most restrictive classification this profile can see

    def where(self, alias: str = "i") -> str:
        sql = self.record_predicate.replace("i.", f"{alias}.")
        if self.allowed_statuses is not None:
            statuses = ", ".join(f"'{s}'" for s in self.allowed_statuses)   # constants defined below
            sql = f"({sql}) AND {alias}.status IN ({statuses})"
        return sql


SHARED = Profile(
    name="shared",
    record_predicate="i.tlp IN ('TLP:CLEAR', 'TLP:GREEN') AND i.classification = 'UNCLASSIFIED'",
    allowed_statuses=("validated",),
    narratives="none", source_identities=False, detailed_grades=False, restricted_actor_names=False,
    exact_coordinates=False, suppress_on_screen=True, suppress_in_exports=True, data_admin=False,
    releasable_to_host_state=True, ceiling="UNCLASSIFIED",
)
GENDER = Profile(
    name="gender",
    record_predicate="i.classification IN ('UNCLASSIFIED', 'CONFIDENTIAL')",
    allowed_statuses=None,
    narratives="unrestricted", source_identities=False, detailed_grades=True, restricted_actor_names=False,
    exact_coordinates=True, suppress_on_screen=False, suppress_in_exports=True, data_admin=False,
    releasable_to_host_state=False, ceiling="CONFIDENTIAL",
)
COMMISSIONER = Profile(
    name="commissioner",
    record_predicate="TRUE",
    allowed_statuses=None,
    narratives="all", source_identities=False, detailed_grades=True, restricted_actor_names=True,
    exact_coordinates=True, suppress_on_screen=True, suppress_in_exports=True, data_admin=False,
    releasable_to_host_state=False, ceiling="STRICTLY CONFIDENTIAL",
)
ANALYST = Profile(
    name="analyst",
    record_predicate="TRUE",
    allowed_statuses=None,
    narratives="all", source_identities=True, detailed_grades=True, restricted_actor_names=True,
    exact_coordinates=True, suppress_on_screen=False, suppress_in_exports=False, data_admin=True,
    releasable_to_host_state=False, ceiling="STRICTLY CONFIDENTIAL",
)
PROFILES = {p.name: p for p in (SHARED, GENDER, COMMISSIONER, ANALYST)}
DEFAULT_PROFILE = "analyst"


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name.strip().lower()]
    except KeyError:
        raise ProfileError(f"unknown access profile {name!r}; expected one of {', '.join(PROFILES)}") from None


def server_profile() -> Profile:
    """The profile the server runs under. Only the environment decides it, never a viewer."""
    return get_profile(os.environ.get("TNT_PROFILE") or DEFAULT_PROFILE)


def marking(profile: Profile, most_restrictive: str | None = None) -> str:
    """The handling marking for a page, export or brief produced under `profile`."""
    if profile.releasable_to_host_state:
        return "UNCLASSIFIED – TLP:GREEN – RELEASABLE TO HOST STATE"
    level = most_restrictive or profile.ceiling
    return f"{level} – UN INTERNAL"
