"""One protected table (counts where shown, "<k" or "x" where hidden) and the step that protects it.

When profile.must_suppress(destination) says so, every count table goes through the audit with its
row and column totals, so a hidden cell cannot be worked out from what is shown. Where no safe
pattern exists, a table by market, country or area groups its smallest rows into one; failing
that, it is withheld (`withheld=True`), never shown half-protected. A share is shown only when
every count it is made of is shown.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import presented
from ..config import suppression_threshold
from ..i18n import I18n
from ..suppression import OTHER_KEY, DisclosureError, protect_or_group
from .audit import hidden, protect_parts
from .counts import with_unknowns

TOTAL_KEY = "__total__"


def share(num, den_parts: list) -> float | None:
    """num / sum(den_parts), or None when any of them is hidden or the denominator is zero."""
    if hidden(num) or any(hidden(p) for p in den_parts):
        return None
    den = sum(int(p) for p in den_parts)
    return int(num) / den if den else None


@dataclass
class Table:
    """One protected table: `frame` holds ints where shown and "<k"/"x" where hidden. `merged` counts
    the rows grouped into one OTHER_KEY row so that the rest could be shown (see protect)."""
    frame: pd.DataFrame
    withheld: bool = False
    suppressed: bool = False
    merged: int = 0

    def other_label(self) -> str | None:
        """The label of the grouped row ("Other admin-1 areas (7)"), None when nothing was grouped."""
        if not self.merged:
            return None
        return self.frame.loc[self.frame["key"] == OTHER_KEY, "label"].iloc[0]


def with_total(frame: pd.DataFrame, columns: tuple[str, ...], label: str, key_col: str = "key") -> pd.DataFrame:
    total = {key_col: TOTAL_KEY, "label": label, **{c: int(frame[c].sum()) for c in columns}}
    # Column by column, one frame built at the end: pd.concat would reconcile every column's dtype.
    return pd.DataFrame({c: [*frame[c].tolist(), total.get(c)] for c in frame.columns})


def protect(frame: pd.DataFrame, parts: list[tuple[str, ...]], total: str, suppress: bool,
             other_label: str | None = None, links: tuple[tuple[str, tuple[str, ...]], ...] = (),
             unpublished: tuple[str, ...] = ()) -> Table:
    """Protect `frame` (total row last), or withhold it. With `other_label` (a template with {n}), a
    table no pattern of hidden cells can protect is shown with its smallest rows grouped instead
    (suppression.protect_or_group), so that one row of tiny counts does not withhold the whole table."""
    if not suppress or frame.empty:
        return Table(frame.reset_index(drop=True), suppressed=suppress)
    k = suppression_threshold()
    columns = [*dict.fromkeys(c for part in parts for c in part)]

    def protect_frame(f: pd.DataFrame) -> pd.DataFrame:
        if not unpublished:
            return protect_parts(f, parts, total, k)
        return protect_parts(with_unknowns(f), parts, total, k, links, unpublished).drop(columns=list(unpublished))

    try:
        shown, grouped = protect_or_group(frame, protect_frame, columns, total, k, other_label)
    except DisclosureError:
        return Table(frame.iloc[0:0].reset_index(drop=True), withheld=True, suppressed=True)
    return Table(shown, suppressed=True, merged=grouped)


def other_row_label(t: I18n, by: str) -> str | None:
    return t.gettext(presented.OTHER_LABELS[by]) if by in presented.OTHER_LABELS else None

