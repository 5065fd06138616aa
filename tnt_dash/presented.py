"""What leaves the query layer for a screen or a file: labelled (View), protected (small victim
counts by the access profile and the destination, screen or file), marked (the stamp and the
marking) and formatted for the screen. Below every domain module, which all use it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from . import queries
from .access import Profile
from .config import suppression_threshold
from .exports import Stamp
from .filters import Filters
from .i18n import I18n, N_
from .scope import Scope
from .store import get_meta
from .suppression import COMPLEMENTARY_MARK, DisclosureError, suppress_series_value, suppress_table

VICTIM_COLUMNS = ("victims", "women_children")
# The key figures' names, for the overview, the brief and the export registry alike.
KPI_LABELS = {
    "incidents": N_("Incidents"),
    "victims": N_("Victims"),
    "women_children": N_("Women and children victims"),
    "fatalities": N_("Fatalities"),
    "arrests": N_("Arrests"),
    "seizure_usd": N_("Seizures, estimated value (USD)"),
}


@dataclass
class View:
    key: str
    title: str
    frame: pd.DataFrame




def protect_count(value: int, profile: Profile, destination: str) -> int | str:
    """A single victim count (a KPI) as the profile may see it: 1..k-1 becomes "<k"."""
    if not profile.must_suppress(destination):
        return int(value)
    return suppress_series_value(int(value), suppression_threshold())


def protect_victims(frame: pd.DataFrame, profile: Profile, destination: str,
                    part: str = "women_children") -> pd.DataFrame:
    """Suppress small victim counts in a table whose victims column has a published total.

    `part` (women_children by default; the priority model's `vulnerable`) is part of victims, so the
    pair (part, other victims) is protected together with victims as the row total; the column
    sums are the KPIs.
    """
    if not profile.must_suppress(destination) or frame.empty or "victims" not in frame:
        return frame
    out = frame.copy()
    k = suppression_threshold()
    try:
        return _suppress_victims(out, frame, k, part)
    except DisclosureError:
        # No safe pattern exists for this table: withhold the whole victim breakdown.
        for column in ("victims", part):
            if column in out:
                out[column] = COMPLEMENTARY_MARK
        return out


def _suppress_victims(out: pd.DataFrame, frame: pd.DataFrame, k: int, part: str = "women_children") -> pd.DataFrame:
    if part in frame:
        parts = pd.DataFrame({part: frame[part].astype(int),
                              "other": (frame["victims"] - frame[part]).astype(int),
                              "victims": frame["victims"].astype(int)})
        protected = suppress_table(parts, [part, "other"], k=k, total_col="victims")
        out[part] = protected[part].to_numpy()
        out["victims"] = protected["victims"].to_numpy()
    else:
        protected = suppress_table(pd.DataFrame({"victims": frame["victims"].astype(int)}), ["victims"], k=k)
        out["victims"] = protected["victims"].to_numpy()
    return out


def stamp(con, scope: Scope, title: str, period: str | None = None) -> Stamp:
    """What a file carries about itself: its title, the marking, the period, the data's date, the viewer's
    profile and what the filters narrowed it to, in the scope's language."""
    t, profile, filters = scope.t, scope.profile, scope.filters
    _ = t.gettext
    meta = get_meta(con)
    status = queries.data_status(con, filters, profile)
    lines = []
    if period:
        lines.append(_("Period: {period}").format(period=period))
    lines.append(_("Data as of {date}").format(date=t.date(status["as_of"]) if status["as_of"] else "–"))
    lines.append(_("Access profile: {profile}").format(profile=profile_name(t, profile)))
    if filters.missions:
        lines.append(t.ngettext("Mission: {missions}", "Missions: {missions}", len(filters.missions)).format(
            missions=", ".join(filters.missions)))
    if filters.operations_area:
        lines.append(_("Scope: each mission's area of operations (records without an admin-1 area included)"))
    synthetic, imported = queries.provenance(con, filters, profile) if meta.get("dataset") == "synthetic-demo" \
        else (0, 0)
    if synthetic and not imported:
        lines.append(_("Synthetic demonstration data – not real incidents"))
    elif synthetic:
        lines.append(_("Mixed data: {synthetic} synthetic demonstration records (not real incidents) and {imported} "
                       "imported records").format(synthetic=t.number(synthetic), imported=t.number(imported)))
    if may_show_kosovo(filters, profile):
        lines.append(_(KOSOVO_FOOTNOTE))
    return Stamp(title=title, marking=marking_text(t, profile), lines=lines)


# The United Nations' footnote wherever Kosovo is named in a document (DOMAIN.md §1).
KOSOVO_FOOTNOTE = N_("References to Kosovo shall be understood to be in the context of Security Council "
                     "resolution 1244 (1999).")


def may_show_kosovo(filters: Filters, profile: Profile) -> bool:
    """Whether a document made with these filters for this profile can name Kosovo."""
    if profile.host_state and profile.host_state != "XKX":
        return False
    if filters.countries and "XKX" not in filters.countries:
        return False
    return not filters.missions or "UNMIK" in filters.missions


def marking_text(t: I18n, profile: Profile) -> str:
    _ = t.gettext
    if profile.releasable_to_host_state:
        return _("UNCLASSIFIED – TLP:GREEN – Releasable to host State")
    return _("{level} – UN internal").format(level=classification_label(t, profile.ceiling))


def classification_label(t: I18n, level: str) -> str:
    _ = t.gettext
    return {"UNCLASSIFIED": _("UNCLASSIFIED"), "CONFIDENTIAL": _("CONFIDENTIAL"),
            "STRICTLY CONFIDENTIAL": _("STRICTLY CONFIDENTIAL")}[level]


def profile_name(t: I18n, profile: Profile) -> str:
    _ = t.gettext
    return {"shared": _("Host-State shared screen"), "gender": _("Gender Officer"),
            "commissioner": _("Police Commissioner"), "analyst": _("Analyst")}[profile.name]


# The row a protected table groups its smallest rows into (suppression.protect_or_group), by what
# its rows are; {n} is the number of rows grouped.
OTHER_LABELS = {"market": N_("Other markets ({n})"), "country": N_("Other countries or territories ({n})"),
                "admin1": N_("Other admin-1 areas ({n})")}

def grouped_note(t: I18n, rows: int, other_label: str) -> str:
    """Why a protected table has an "Other … (n)" row: the page caption and the exports' line."""
    return t.gettext("The {n} smallest rows are grouped into one, “{other}”: shown one by one, their small "
                     "counts could be worked out from the totals.").format(n=t.number(rows), other=other_label)


def marks_as_text(frame: pd.DataFrame, t: I18n) -> pd.DataFrame:
    """`for_screen` for the columns that hold a mark ("<5", "x") beside counts, the rest left as
    numbers so they still sort as numbers. Arrow cannot type such a mixed column: Streamlit
    then logs a conversion error and retries, on every rerun."""
    mixed = [c for c in frame.columns if frame[c].dtype == object
             and any(isinstance(v, str) for v in frame[c]) and any(isinstance(v, (int, np.integer)) for v in frame[c])]
    return frame.assign(**for_screen(frame[mixed], t)) if mixed else frame


def for_screen(frame: pd.DataFrame, t: I18n) -> pd.DataFrame:
    """Every cell as locale-formatted text: counts, percentages, marks ("<5", "x") and ranges side by
    side in one column, which Arrow cannot type otherwise. Exports keep the numbers."""
    # Column by column over plain lists, one frame built at the end: DataFrame.map costs more than
    # the formatting on the gender page's five tables.
    out = pd.DataFrame(dict(enumerate(_screen_columns(frame, t))), index=frame.index)
    out.columns = frame.columns
    return out


def screen_table(frame: pd.DataFrame, t: I18n) -> pa.Table:
    """`for_screen` as an Arrow table of text, for st.dataframe: Streamlit sends an Arrow table as
    it is, where a pandas frame of text is built and then converted back to Arrow (about 2 ms a
    table, five tables on the gender page). The index is dropped, as hide_index=True would."""
    return pa.Table.from_arrays([pa.array(column, type=pa.string()) for column in _screen_columns(frame, t)],
                                names=[str(c) for c in frame.columns])


def _screen_columns(frame: pd.DataFrame, t: I18n) -> list[list[str]]:
    # One conversion of the whole frame to Python objects, then read column by column: a pandas
    # column selection costs about 0.1 ms, which was half of formatting the gender page's tables.
    columns = frame.to_numpy(dtype=object).T.tolist() if frame.shape[1] else []
    return [[screen_cell(v, t) for v in column] for column in columns]


def screen_cell(v, t: I18n) -> str:
    """One cell as the screen shows it: a locale-formatted number, a mark or range as written, "–"
    for nothing."""
    if v is None or (isinstance(v, float) and v != v):
        return "–"
    if isinstance(v, str):
        return v.replace("–", " – ") if "–" in v and v[0].isdigit() else v
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, np.integer)):
        return t.number(int(v))
    if isinstance(v, (float, np.floating)):
        return t.number(int(v)) if float(v).is_integer() else t.number(float(v), 1)
    if pd.isna(v):
        return "–"
    return str(v)
