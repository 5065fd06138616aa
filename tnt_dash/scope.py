"""One request: what the viewer asked for (`Filters`), who is asking (`Profile`), in which language,
and where the result goes (the screen, or an export that leaves the server).

The SQL layer (queries, the domain packages' data modules) binds filters and profile and takes just
those two. Everything above it (the page bundles, the exports, the brief, the packs) takes one Scope,
so a new page or a new output cannot forget the profile or the destination on the way.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from tnt_dash import i18n
from tnt_dash.access import Profile
from tnt_dash.filters import Filters

DESTINATIONS = ("screen", "export")


@dataclass(frozen=True)
class Scope:
    filters: Filters
    profile: Profile
    lang: str = "en"
    destination: str = "screen"     # "export": anything that leaves the server as a file

    def __post_init__(self) -> None:
        if not isinstance(self.filters, Filters):
            raise TypeError(f"Scope.filters must be a Filters, not a {type(self.filters).__name__}")
        if not isinstance(self.profile, Profile):
            raise TypeError(f"Scope.profile must be a Profile, not a {type(self.profile).__name__}")
        if self.lang not in i18n.LANGUAGES:
            raise ValueError(f"unknown language {self.lang!r}; one of {', '.join(i18n.LANGUAGES)}")
        if self.destination not in DESTINATIONS:
            raise ValueError(f"unknown destination {self.destination!r}; one of {', '.join(DESTINATIONS)}")

    @property
    def t(self) -> i18n.I18n:
        return i18n.get(self.lang)

    @property
    def must_suppress(self) -> bool:
        """Whether small victim counts are withheld for this viewer at this destination."""
        return self.profile.must_suppress(self.destination)

    def with_filters(self, filters: Filters) -> "Scope":
        return replace(self, filters=filters)

    def to(self, destination: str) -> "Scope":
        return replace(self, destination=destination)

    def keep(self, names: tuple[str, ...]) -> "Scope":
        """The same request with only these filter fields set (a query marked filters.reads_only)."""
        return replace(self, filters=self.filters.keep(names))
