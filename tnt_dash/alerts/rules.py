"""Scopes (whose view an alert is computed on) and the user-defined threshold rules."""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass

from ..access import PROFILES, Profile, get_profile
from ..i18n import N_
from .definitions import MEASURES


class RuleError(ValueError):
    """A user rule that cannot be evaluated: said in the reader's words (message), nothing stored."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid.format(**params))
        self.msgid, self.params = msgid, params

    def message(self, t) -> str:
        return t.gettext(self.msgid).format(**self.params)


def scope_of(profile: Profile) -> str:
    """The scope an alert is computed and shown in: the profile, and for a shared screen its State."""
    if profile.releasable_to_host_state:
        return f"shared:{profile.require_host_state()}"
    return profile.name


def profile_of(scope: str) -> Profile:
    name, _, state = scope.partition(":")
    if name not in PROFILES or (name == "shared") != bool(state):
        raise ValueError(f"not an alert scope: {scope!r}")
    return get_profile(name, host_state=state or None)


def owner_of(user: str | None, profile: Profile) -> str:
    """Who a watch list or rule belongs to: the signed-in user, else the server's profile."""
    return user.strip() if user and user.strip() else f"profile:{scope_of(profile)}"


@dataclass(frozen=True)
class Rule:
    rule_id: str
    owner: str
    scope: str
    measure: str
    market: str | None = None
    admin1_code: str | None = None
    threshold: float | None = None
    percent: float | None = None
    min_base: float = 0.0

    def as_row(self) -> dict:
        return asdict(self)


def new_rule(owner: str, scope: str, measure: str, market: str | None = None, admin1_code: str | None = None,
             threshold: float | None = None, percent: float | None = None, min_base: float | None = None,
             markets: set[str] | None = None, areas: set[str] | None = None) -> Rule:
    """A checked user rule: a measure, and either a weekly threshold or a percent rise over the
    previous 4 weeks' mean (with the mean it needs, `min_base`). `markets`/`areas`: the codes that
    exist (and, for areas, that the scope may see), when the caller knows them."""
    profile_of(scope)
    if measure not in MEASURES:
        raise RuleError(N_("Unknown measure {measure}; expected one of {measures}."), measure=measure,
                        measures=", ".join(MEASURES))
    if (threshold is None) == (percent is None):
        raise RuleError(N_("Give either a threshold or a percent rise, not both or neither."))
    if threshold is not None and not threshold > 0:
        raise RuleError(N_("The threshold must be a number above 0."))
    if percent is not None and not percent > 0:
        raise RuleError(N_("The percent rise must be above 0."))
    if min_base is not None and min_base < 0:
        raise RuleError(N_("The least 4-week mean cannot be negative."))
    if market and markets is not None and market not in markets:
        raise RuleError(N_("Unknown market {market}."), market=market)
    if admin1_code and areas is not None and admin1_code not in areas:
        raise RuleError(N_("Unknown admin-1 area {area}, or one this screen does not show."), area=admin1_code)
    return Rule(rule_id=f"U-{uuid.uuid4().hex[:10]}", owner=owner, scope=scope, measure=measure,
                market=market or None, admin1_code=admin1_code or None,
                threshold=float(threshold) if threshold is not None else None,
                percent=float(percent) if percent is not None else None, min_base=float(min_base or 0.0))
