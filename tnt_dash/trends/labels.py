"""Names in the viewer's language: of each series key, of the place a chart covers, of the
months and of a period."""
from __future__ import annotations

from datetime import date

from .. import queries
from ..filters import Filters
from ..i18n import I18n
from ..queries import _df, _lang
from .dimensions import CYBER_LABELS, FAMILY_LABELS, NOT_RECORDED, OTHERS, check


def series_labels(con, by: str, t: I18n) -> dict[str, str]:
    """Display label of every key of a dimension, in the viewer's language."""
    check(by, "week")
    _ = t.gettext
    col = _lang(t.lang)
    if by == "family":
        labels = {k: _(v) for k, v in FAMILY_LABELS.items()}
    elif by == "cyber":
        labels = {k: _(v) for k, v in CYBER_LABELS.items()}
    elif by == "market":
        labels = queries.labels(con, "markets", t.lang)
    elif by == "country":
        labels = queries.labels(con, "countries", t.lang)
    elif by == "mission":
        labels = queries.labels(con, "missions", t.lang)
    else:
        labels = dict(_df(con, f"SELECT code, name_{col} || ' (' || iso3 || ')' FROM admin1_named")
                      .itertuples(index=False))
    return {**labels, OTHERS: _("All others"), NOT_RECORDED: _("Not recorded")}


def where_text(con, filters: Filters, t: I18n, most: int = 3) -> str:
    """Where a chart's records come from, for its title: the narrowest place filter in force."""
    _ = t.gettext
    for codes, table in ((filters.admin1, "admin1"), (filters.countries, "countries"), (filters.missions, "missions")):
        if codes:
            labels = queries.labels(con, table, t.lang)
            names = [labels.get(c, c) for c in codes]
            if len(names) > most:
                return _("{names} and {count} more").format(names=", ".join(names[:most]),
                                                             count=t.number(len(names) - most))
            return ", ".join(names)
    return _("all mission areas")


def month_names(t: I18n) -> list[str]:
    from babel.dates import get_month_names
    names = get_month_names("abbreviated", locale=t.locale)
    return [names[m] for m in range(1, 13)]


def period_text(t: I18n, start: date, end: date) -> str:
    return t.gettext("{start} to {end}").format(start=t.date(start), end=t.date(end))
