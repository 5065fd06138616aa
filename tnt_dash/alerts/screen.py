"""What the Alerts page shows, without Streamlit: the alerts a viewer's choices keep, the counts, each
alert's lines, and the rules as a table."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd

from ..access import Profile
from ..filters import Filters
from ..i18n import I18n, N_
from ..queries import _rows
from .definitions import KIND_LABELS, MEASURE_LABELS, STATUS_LABELS
from .ledger import watched
from .rules import Rule

SHOWN = 30          # alerts drawn at once; the rest are counted
LINK_LABELS = {"brief": N_("Open the weekly brief of that week"), "map": N_("Open the cross-border map on it")}


def area_countries(con) -> dict[str, str]:
    return dict(_rows(con, "SELECT code, iso3 FROM admin1_named"))


def keep(frame: pd.DataFrame, statuses: list[str], kinds: list[str], filters: Filters,
         countries_of: dict[str, str], watch: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """The alerts with these statuses and kinds, inside the sidebar's filters (period by the alert's week,
    markets, admin-1 areas, countries by the area or a corridor's ends), and on `watch` if given."""
    out = frame[frame["status"].isin(statuses) & frame["kind"].isin(kinds)]
    weeks = pd.Series([pd.Timestamp(w).date() for w in out["week"]], index=out.index, dtype=object)
    inside = pd.Series(True, index=out.index)
    if filters.date_from:
        inside &= weeks.map(lambda w: w + timedelta(days=6) >= filters.date_from)
    if filters.date_to:
        inside &= weeks.map(lambda w: w <= filters.date_to)
    out = out[inside.astype(bool)]
    if filters.markets:
        out = out[out["market"].isin(filters.markets)]
    if filters.admin1:
        out = out[out["admin1_code"].isin(filters.admin1)]
    if filters.countries:
        iso3 = out["admin1_code"].map(countries_of)
        out = out[iso3.isin(filters.countries) | out["origin_iso3"].isin(filters.countries)
                  | out["destination_iso3"].isin(filters.countries)]
    if watch is not None:
        out = watched(out, watch)
    return out


def counts(frame: pd.DataFrame) -> dict[str, int]:
    return {status: int((frame["status"] == status).sum()) for status in STATUS_LABELS}


def heading(t: I18n, row) -> str:
    return f"**{row.status_label}** · {row.kind_label} · {I18n.iso_week(pd.Timestamp(row.week).date())}"


def history(t: I18n, row, profile: Profile) -> str:
    """When it was raised, and by whom it was acknowledged or closed (no names on a host State's screen)."""
    _ = t.gettext
    parts = [_("Raised {date}").format(date=t.date(pd.Timestamp(row.raised_at).date()))]
    said = {"acknowledged": (N_("Acknowledged {date}"), N_("Acknowledged by {user}, {date}")),
            "closed": (N_("Closed {date}"), N_("Closed by {user}, {date}"))}
    for status, by, at in (("acknowledged", row.acknowledged_by, row.acknowledged_at),
                           ("closed", row.closed_by, row.closed_at)):
        if pd.notna(at):
            when = t.date(pd.Timestamp(at).date())
            anonymous, named = said[status]
            parts.append(_(anonymous).format(date=when) if profile.releasable_to_host_state or not by
                         else _(named).format(user=by, date=when))
    if not profile.releasable_to_host_state and isinstance(row.close_note, str) and row.close_note:
        parts.append(_("Note: {note}").format(note=row.close_note))
    return " · ".join(parts)


def rule_table(t: I18n, rules: list[Rule], names: dict) -> pd.DataFrame:
    _ = t.gettext
    rows = [{_("Rule"): r.rule_id, _("Owner"): r.owner, _("Measure"): _(MEASURE_LABELS[r.measure]),
             _("Market"): names["market"].get(r.market, r.market) if r.market else _("all markets"),
             _("Area"): names["area"].get(r.admin1_code, r.admin1_code) if r.admin1_code else _("every area in view"),
             _("Fires when"): (_("at least {n} in a week").format(n=t.number(r.threshold, 0)) if r.threshold is not None
                               else _("{p} or more above the previous 4 weeks' mean (mean at least {base})").format(
                                   p=t.percent(r.percent / 100), base=t.number(r.min_base, 1)))}
            for r in rules]
    return pd.DataFrame(rows)


def kind_options(t: I18n) -> dict[str, str]:
    return {k: t.gettext(v) for k, v in KIND_LABELS.items()}


def status_options(t: I18n) -> dict[str, str]:
    return {k: t.gettext(v) for k, v in STATUS_LABELS.items()}
