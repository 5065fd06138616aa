"""Access profiles: who may see which records and fields. Every rule lives here.

The profile is chosen by the server (env var TNT_PROFILE, or an authenticated user's
role), never by the viewer, and it is applied inside the query layer, so pages, CLI
exports and briefs obey the same rules. docs/access.md renders this table for people.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

CLASSIFICATION_ORDER = ("UNCLASSIFIED", "CONFIDENTIAL", "STRICTLY CONFIDENTIAL")
TLP_ORDER = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")


ORIGINATORS = ("host_state", "unpol", "un_other", "partner", "open_source")


class ProfileError(ValueError):
    """The server was configured with a profile that does not exist."""


class HostStateError(ProfileError):
    """A shared screen without one valid host State: it must show nothing rather than every State."""


# The host States that may see a record, whatever its marking: those it was released to, and the
# State whose own report it is. Static SQL over the incidents (alias i); the rollups keep its value
# as `released_to`, so a shared screen reads them exactly as it reads the incidents.
RELEASED_TO = ("list_sort(list_distinct(coalesce(i.releasable_to, []) || CASE WHEN i.originator = 'host_state' "
               "AND i.originator_iso3 IS NOT NULL THEN [i.originator_iso3] ELSE [] END))")
ISO3 = re.compile(r"[A-Z]{3}")


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

    host_state: str | None = None    # shared only: the one host State this screen is for (ISO3)
    # Referrals to the CRSV/MARA focal point and possible grave violations against children (MRM):
    # "records" (in record lists too), "aggregate" (counts only) or "none" (never shown).
    protection_links: str = "none"

    def where(self, alias: str = "i", rollup: bool = False) -> str:
        """The records this profile may see, as static SQL over `alias`: the incidents, or with
        `rollup` the weekly and dateless rollups (which keep RELEASED_TO as a column)."""
        sql = self.record_predicate.replace("i.", f"{alias}.")
        if self.allowed_statuses is not None:
            statuses = ", ".join(f"'{s}'" for s in self.allowed_statuses)   # constants defined below
            sql = f"({sql}) AND {alias}.status IN ({statuses})"
        if self.releasable_to_host_state:
            state = self.require_host_state()     # checked against ISO3 below: safe to inline
            released = f"{alias}.released_to" if rollup else RELEASED_TO.replace("i.", f"{alias}.")
            # Only the host State's own territory, and only what was released to it (or is its own
            # report): another State's areas, counts and names never enter a shared figure.
            sql = f"({sql}) AND {alias}.iso3 = '{state}' AND list_contains({released}, '{state}')"
        return sql

    def marking_where(self, alias: str = "d") -> str:
        """The marking part of the record rule alone (static SQL over `alias`), for what has a marking
        but no status, place or release: the good-practice library's documents."""
        return self.record_predicate.replace("i.", f"{alias}.")

    def must_suppress(self, destination: str) -> bool:
        """Whether small victim counts are hidden in what goes to `destination` ("screen" or "export")."""
        if destination not in ("screen", "export"):
            raise ValueError(f"unknown destination {destination!r}")
        return self.suppress_on_screen if destination == "screen" else self.suppress_in_exports

    @property
    def sees_internal(self) -> bool:
        """Mission-internal material (capacity budgets and assessments, the data desk) is never on a
        host State's shared screen."""
        return not self.releasable_to_host_state

    def flow_where(self, alias: str = "i") -> str:
        """Cross-border flows this profile may see: on a host State's screen only those the State is
        an end of, or the transit of. A neighbour is named as the other end, never with figures of its own."""
        if not self.releasable_to_host_state:
            return "TRUE"
        state = self.require_host_state()
        return (f"(NOT coalesce({alias}.cross_border, FALSE) OR '{state}' IN (coalesce({alias}.origin_iso3, ''), "
                f"coalesce({alias}.transit_iso3, ''), coalesce({alias}.destination_iso3, '')))")

    def actor_where(self, alias: str = "ac") -> str:
        """The criminal actors this profile may see, as static SQL over the actors table: on a host
        State's shared screen only those released to that State (as its records are)."""
        if not self.releasable_to_host_state:
            return "TRUE"
        state = self.require_host_state()     # checked ISO3: safe to inline
        return f"list_contains(coalesce({alias}.releasable_to, []), '{state}')"

    def require_host_state(self) -> str:
        if not self.host_state or not ISO3.fullmatch(self.host_state):
            raise HostStateError(host_state_message())
        return self.host_state

    def for_host_state(self, iso3: str | None) -> "Profile":
        """This profile scoped to one host State (shared only; other profiles ignore it)."""
        if not self.releasable_to_host_state:
            return self
        code = (iso3 or "").strip().upper()
        if not ISO3.fullmatch(code):
            raise HostStateError(host_state_message(iso3))
        return replace(self, host_state=code)


def host_state_message(given: str | None = None) -> str:
    if given:
        return (f"TNT_HOST_STATE={given!r} is not an ISO 3166 alpha-3 code: the shared profile shows one host "
                "State's released records, e.g. TNT_HOST_STATE=HTI")
    return ("The shared profile needs TNT_HOST_STATE=ISO3 (e.g. HTI): a shared screen shows one host State's "
            "released records, never every State's")


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
    record_predicate="i.classification IN ('UNCLASSIFIED', 'CONFIDENTIAL') AND i.tlp <> 'TLP:RED'",
    allowed_statuses=None,
    narratives="unrestricted", source_identities=False, detailed_grades=True, restricted_actor_names=False,
    exact_coordinates=True, suppress_on_screen=False, suppress_in_exports=True, data_admin=False,
    releasable_to_host_state=False, ceiling="CONFIDENTIAL", protection_links="aggregate",
)
COMMISSIONER = Profile(
    name="commissioner",
    # TLP:RED names its recipients: the analyst who holds it, nobody downstream.
    record_predicate="i.tlp <> 'TLP:RED'",
    allowed_statuses=None,
    # Small counts are hidden where data leaves the UN (the shared screen, packs made with
    # --profile shared), not from the commissioner's own screen and STRICTLY CONFIDENTIAL files.
    narratives="all", source_identities=False, detailed_grades=True, restricted_actor_names=True,
    exact_coordinates=True, suppress_on_screen=False, suppress_in_exports=False, data_admin=False,
    releasable_to_host_state=False, ceiling="STRICTLY CONFIDENTIAL",
)
ANALYST = Profile(
    name="analyst",
    record_predicate="TRUE",
    allowed_statuses=None,
    narratives="all", source_identities=True, detailed_grades=True, restricted_actor_names=True,
    exact_coordinates=True, suppress_on_screen=False, suppress_in_exports=False, data_admin=True,
    releasable_to_host_state=False, ceiling="STRICTLY CONFIDENTIAL", protection_links="records",
)
PROFILES = {p.name: p for p in (SHARED, GENDER, COMMISSIONER, ANALYST)}
DEFAULT_PROFILE = "analyst"


def get_profile(name: str, host_state: str | None = None) -> Profile:
    """The named profile; "shared" is scoped to `host_state`, else to the server's TNT_HOST_STATE,
    and refused without one (HostStateError)."""
    try:
        profile = PROFILES[name.strip().lower()]
    except KeyError:
        raise ProfileError(f"unknown access profile {name!r}; expected one of {', '.join(PROFILES)}") from None
    if profile.releasable_to_host_state:
        return profile.for_host_state(host_state or os.environ.get("TNT_HOST_STATE"))
    return profile


def server_profile() -> Profile:
    """The profile the server runs under. Only the environment decides it, never a viewer."""
    return get_profile(os.environ.get("TNT_PROFILE") or DEFAULT_PROFILE)


def marking(profile: Profile, most_restrictive: str | None = None) -> str:
    """The handling marking for a page, export or brief produced under `profile`."""
    if profile.releasable_to_host_state:
        return "UNCLASSIFIED – TLP:GREEN – RELEASABLE TO HOST STATE"
    level = most_restrictive or profile.ceiling
    return f"{level} – UN INTERNAL"
