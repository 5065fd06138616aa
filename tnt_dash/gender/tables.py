"""The gender tables for people: display frames with translated headers, percentages and rates as
the screen and the pack show them. The only place their headers are translated."""
from __future__ import annotations

import math

import pandas as pd

from ..i18n import I18n, N_
from .completeness import JudgedMonth
from .counts import BREAKDOWN_LABELS, GROUP_LABELS
from .table import Table
from .trend import Trend


def _pct(value) -> float | None:
    """A share as a percentage rounded to one decimal, for spreadsheets and st.dataframe."""
    return None if value is None or pd.isna(value) else round(float(value) * 100, 1)


def _pct_range(f: pd.DataFrame, prefix: str, t: I18n) -> list:
    """The exact percentage, or "lo–hi" in the page's number format (42,9–57,1 in French) when
    small-cell protection leaves only a range."""
    def text(value) -> str:
        pct = _pct(value)
        return t.number(pct, 0 if float(pct).is_integer() else 1)

    out = []
    for exact, lo, hi in zip(f[prefix], f[f"{prefix}_lo"], f[f"{prefix}_hi"]):
        if exact is not None and not pd.isna(exact):
            out.append(_pct(exact))
        elif lo is not None and not pd.isna(lo):
            out.append(f"{text(lo)}–{text(hi)}")
        else:
            out.append(None)
    return out


def _columns(f: pd.DataFrame, names: dict[str, str], values: dict[str, list] | None = None) -> pd.DataFrame:
    """The columns `names` of `f` (or their replacement in `values`) under their display names, as
    one new frame: a copy, then setting, selecting and renaming columns would outweigh the table."""
    values = values or {}
    return pd.DataFrame({label: values[c] if c in values else f[c].tolist() for c, label in names.items()},
                        index=range(len(f)))


def groups_frame(t: I18n, table: Table, by: str) -> pd.DataFrame:
    _ = t.gettext
    names = {"label": BREAKDOWN_LABELS[by], **GROUP_LABELS, "victims": N_("Victims")}
    return _columns(table.frame, {k: _(v) for k, v in names.items()})


def shares_frame(t: I18n, table: Table, by: str) -> pd.DataFrame:
    _ = t.gettext
    f = table.frame
    names = {"label": BREAKDOWN_LABELS[by], "victims": N_("Victims"), "female": N_("Female"), "male": N_("Male"),
             "sex_unknown": N_("Sex unknown"), "share_female": N_("% female (of victims with sex recorded)"),
             "child": N_("Children"), "adult": N_("Adults"), "age_unknown": N_("Age unknown"),
             "share_child": N_("% children (of victims with age recorded)")}
    return _columns(f, {k: _(v) for k, v in names.items()},
                    {c: [_pct(v) for v in f[c].tolist()] for c in ("share_female", "share_child")})


def units_frame(t: I18n, table: Table, month: JudgedMonth | None) -> pd.DataFrame:
    _ = t.gettext
    f = table.frame
    month_label = month.label(t, "MMM y") if month else "–"
    # The month the flag is about comes first: at 1366 px the right-hand columns scroll out of view.
    names = {"label": _("Reporting unit"), "mission": _("Mission"),
             "last_share_sex": _("% with sex recorded, {month}").format(month=month_label),
             "last_share_age": _("% with age recorded, {month}").format(month=month_label),
             "last_victims": _("Victims, {month}").format(month=month_label),
             "share_sex": _("% with sex recorded"), "share_age": _("% with age recorded"),
             "victims": _("Victims")}
    names = {k: v for k, v in names.items() if k in f}
    return _columns(f, names, {c: _pct_range(f, c, t) for c in ("share_sex", "share_age", "last_share_sex",
                                                             "last_share_age") if c in f})


def missions_frame(t: I18n, table: Table) -> pd.DataFrame:
    _ = t.gettext
    f = table.frame.copy()
    f["month"] = [t.date(m, "MMM y") for m in f["month"]]
    f["share_sex"] = _pct_range(f, "share_sex", t)
    f["share_age"] = _pct_range(f, "share_age", t)
    names = {"label": _("Mission"), "month": _("Month"), "victims": _("Victims"),
             "share_sex": _("% with sex recorded"), "share_age": _("% with age recorded")}
    return f[list(names)].rename(columns=names)


def trend_frame(t: I18n, tr: Trend) -> pd.DataFrame:
    _ = t.gettext
    return pd.DataFrame({_("ISO week"): [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in tr.weeks],
                         _("Women and children victims"): tr.marks})


def rate_text(t: I18n, rate: float) -> str:
    """A rate per 100,000 as the screen shows it: one decimal from 1 up, two significant figures
    below. Forty victims in a country of 110 million are 0.036 per 100,000: one decimal would show
    "0.0", a count read as nothing."""
    r = float(rate)
    if r == 0:
        return t.number(0)
    return t.number(r, 1 if r >= 1 else min(4, 1 - math.floor(math.log10(r))))


def rate_frame(t: I18n, table: Table, compact: bool = False) -> pd.DataFrame:
    """Counts and rates per country. `compact` (the screen) keeps the victims count and the rates;
    the pack has every count beside its rate."""
    _ = t.gettext
    f = table.frame
    out = {_("Country or territory"): f["label"].tolist()}
    labels = {"victims": N_("All victims"), "female": N_("Female"), "male": N_("Male"),
              "sex_unknown": N_("Sex unknown"), "child": N_("Children"), "adult": N_("Adults"),
              "age_unknown": N_("Age unknown")}
    if compact:
        out[_("Victims detected")] = f["victims"].tolist()
    for c, label in labels.items():
        if not compact:
            out[_("{group}: victims detected").format(group=_(label))] = f[c].tolist()
        out[_("{group}: per 100,000 population").format(group=_(label)) if not compact else _(label)] = [
            None if r is None or pd.isna(r) else rate_text(t, r) if compact else round(float(r), 3)
            for r in f[f"rate_{c}"].tolist()]
    years = [None if pd.isna(y) else str(int(y)) for y in f["pop_year"].tolist()]
    if compact:
        out[_("Population (year, source)")] = [
            "–" if pd.isna(p) else f"{t.number(int(p))} ({y}, {src})" for p, y, src in zip(f["population"].tolist(), years,
                                                                                      f["pop_source"].tolist())]
        return pd.DataFrame(out)
    out[_("Population")] = f["population"].tolist()
    out[_("Population year")] = years
    out[_("Population source")] = f["pop_source"].tolist()
    return pd.DataFrame(out)


def national_frame(t: I18n, frame: pd.DataFrame) -> pd.DataFrame:
    _ = t.gettext
    names = {"source": N_("Source"), "iso3": N_("Country code"), "indicator": N_("Indicator"),
             "dimension": N_("Dimension"), "category": N_("Category"), "sex": N_("Sex"), "age": N_("Age"),
             "year": N_("Year"), "unit": N_("Unit"), "value_text": N_("Value as published"),
             "series_source": N_("Series source")}
    frame = frame.assign(year=[str(int(y)) for y in frame["year"]])
    return frame[list(names)].rename(columns={k: _(v) for k, v in names.items()})


def arrests_frame(t: I18n, table: Table) -> pd.DataFrame:
    _ = t.gettext
    f = table.frame
    names = {"label": N_("Market"), "arrests_female": N_("Women and girls arrested"), "arrests_male": N_("Men and boys arrested"),
             "arrests_unknown": N_("Sex not recorded"), "arrests": N_("Arrests"),
             "share_women": N_("% women and girls (of arrested suspects with sex recorded)")}
    shares = [_pct(v) for v in f["share_women"].tolist()] if "share_women" in f else [None] * len(f)
    return _columns(f, {k: _(v) for k, v in names.items()}, {"share_women": shares})



def smuggled_frame(t: I18n, table: Table) -> pd.DataFrame:
    _ = t.gettext
    names = {"label": N_("Country or territory"), "women": N_("Women"), "men": N_("Men"), "girls": N_("Girls"),
             "boys": N_("Boys"), "unknown": N_("Sex or age unknown"), "smuggled": N_("Persons smuggled")}
    return _columns(table.frame, {k: _(v) for k, v in names.items()}, {})


# --- Trafficking to UNODC's standard ----------------------------------------------

def forms_frame(t: I18n, table: Table) -> pd.DataFrame:
    _ = t.gettext
    names = {"label": _("Form of exploitation"), **{k: _(v) for k, v in GROUP_LABELS.items()}, "victims": _("Victims")}
    return _columns(table.frame, names)


def sdg_forms_frame(t: I18n, table: Table, compact: bool = False) -> pd.DataFrame:
    """Per country: each form's victims per 100,000 population (the screen), or every count beside
    its rate (the pack)."""
    from .trafficking import form_label
    _ = t.gettext
    f = table.frame
    if f.empty:
        return pd.DataFrame({_("Country or territory"): []})
    forms = [c for c in f.columns if c.startswith("rate_") and c != "rate_victims"]
    out = {_("Country or territory"): f["label"].tolist()}
    for c in forms:
        key = c[len("rate_"):]
        if not compact:
            out[_("{group}: victims detected").format(group=form_label(t, key))] = f[key].tolist()
        out[form_label(t, key) if compact else _("{group}: per 100,000 population").format(group=form_label(t, key))] = [
            None if r is None or pd.isna(r) else rate_text(t, r) if compact else round(float(r), 3) for r in f[c].tolist()]
    out[_("All forms: per 100,000 population")] = [None if r is None or pd.isna(r) else (rate_text(t, r) if compact else round(float(r), 3))
                                                   for r in f["rate_victims"].tolist()]
    out[_("Population year")] = [None if pd.isna(y) else str(int(y)) for y in f["pop_year"].tolist()]
    return pd.DataFrame(out)


def citizenship_frame(t: I18n, table: Table) -> pd.DataFrame:
    _ = t.gettext
    f = table.frame
    names = {"label": N_("Country or territory"), "victims": N_("Victims"), "domestic": N_("Domestic victims"),
             "foreign": N_("Foreign victims"), "citizenship_unknown": N_("Citizenship unknown"),
             "share_foreign": N_("% foreign (of victims with citizenship recorded)"),
             "referred": N_("Referred to services"), "not_referred": N_("Not referred"),
             "declined": N_("Declined referral"), "referral_unknown": N_("Referral unknown"),
             "share_referred": N_("% of victims referred to services")}
    return _columns(f, {k: _(v) for k, v in names.items()},
                    {c: [_pct(v) for v in f[c].tolist()] for c in ("share_foreign", "share_referred")})


def chain_frame(t: I18n, table: Table) -> pd.DataFrame:
    _ = t.gettext
    f = table.frame
    names = {"label": N_("Stage"), "female": N_("Women and girls"), "male": N_("Men and boys"),
             "sex_unknown": N_("Sex not recorded"), "child": N_("Children (under 18)"), "adult": N_("Adults"),
             "age_unknown": N_("Age not recorded"), "persons": N_("Offenders"),
             "share_women": N_("% women and girls (of offenders with sex recorded)")}
    return _columns(f, {k: _(v) for k, v in names.items()}, {"share_women": [_pct(v) for v in f["share_women"].tolist()]})
