"""Which actors a profile may see, and under which name. Every query of this package takes its
actor columns from here, so the graph, its tooltips, the group section, the ranking and the exports
mask a name the same way.

- A restricted name (actors.name_restricted) is replaced by the actor's GI-TOC type under every profile
  that may not see restricted names (access.Profile.restricted_actor_names).
- A host State's shared screen shows an actor only when it was released to that State
  (actors.releasable_to); the records of other actors count there as records without a known actor.
"""
from __future__ import annotations

from ..access import Profile
from ..i18n import N_, I18n

# The five GI-TOC actor types (Global Organized Crime Index 2023), as the masked name of an actor.
TYPE_LABELS = {
    "Mafia-style groups": N_("Mafia-style groups"),
    "Criminal networks": N_("Criminal networks"),
    "State-embedded actors": N_("State-embedded actors"),
    "Foreign actors": N_("Foreign actors"),
    "Private sector actors": N_("Private sector actors"),
}
MASKED_SUFFIX = N_("{type} (name restricted)")


def visible(profile: Profile, alias: str = "ac") -> str:
    """Static SQL over the actors table aliased `alias`: the actors this profile may see at all
    (merged actors are never shown: their records moved to the actor they were merged into)."""
    return f"{alias}.merged_into IS NULL AND {profile.actor_where(alias)}"


def name_sql(profile: Profile, alias: str = "ac", lang: str = "en") -> str:
    """The actor's name as the profile may see it, in the page's language where the register has a
    spelling in it (French: its `name_fr` alias), else the canonical name; NULL where it is restricted
    (the caller shows `display_name`'s GI-TOC type instead). Static SQL."""
    name = f"{alias}.name"
    if lang == "fr":
        name = (f"coalesce((SELECT min(x.alias) FROM actor_aliases x WHERE x.actor_id = {alias}.actor_id "
                f"AND x.kind = 'name_fr'), {alias}.name)")
    if profile.restricted_actor_names:
        return name
    return f"CASE WHEN {alias}.name_restricted THEN NULL ELSE {name} END"


def masked_sql(profile: Profile, alias: str = "ac") -> str:
    """TRUE where the profile sees the actor under its GI-TOC type only. Static SQL."""
    return "FALSE" if profile.restricted_actor_names else f"coalesce({alias}.name_restricted, FALSE)"


def type_label(t: I18n, gitoc_type: str | None) -> str:
    return t.gettext(TYPE_LABELS.get(gitoc_type or "", N_("Criminal networks")))


def display_name(t: I18n, name: str | None, gitoc_type: str | None, masked: bool) -> str:
    """What the screen and the files say for an actor: its name, or its GI-TOC type when masked."""
    if masked or name is None:
        return t.gettext(MASKED_SUFFIX).format(type=type_label(t, gitoc_type))
    return name


def labelled(frame, t: I18n, name: str = "name", gitoc_type: str = "gitoc_actor_type", masked: str = "masked",
             out: str = "actor"):
    """`frame` with column `out` holding display_name of each row; the raw name column is dropped so a
    masked name cannot travel further by mistake."""
    frame = frame.copy()
    frame[out] = [display_name(t, n, g, bool(m)) for n, g, m in zip(frame[name], frame[gitoc_type], frame[masked])]
    return frame.drop(columns=[name]) if name != out else frame
