"""What the Regional trends page lays out, part by part: texts translated, figures built, tables
keyed by stable codes with their translated headers beside them. No Streamlit here: the page
places each block, turns a table's codes into its headers and reads the charts' selections.

A chart block names the drill-down dimension a selection on it narrows to (`select`) and its
widget key; a chart without a key is not selectable.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..filters import Filters
from ..i18n import I18n
from . import figures
from .dimensions import DIMENSION_LABELS, MA_WINDOW
from .drill import Drill, EmptyDrill, apply_drill, parse_drill
from .labels import month_names, period_text
from .periods import period_end
from .seasonality import Seasonality
from .series import Trends
from .splits import SPLITS
from .tables import RATES_HEADERS, rates_frame, rates_view, series_view, summary_view


@dataclass
class Block:
    """One element of the page. `kind` is the Streamlit element that shows it ("caption", "info",
    "warning", "subheader"), or "chart" (a plotly Figure) or "table" (a frame keyed by codes,
    `headers` naming each code and `columns` giving a code its column type and options)."""
    kind: str
    body: Any
    icon: str | None = None
    select: str | None = None
    key: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    columns: dict[str, tuple[str, dict]] = field(default_factory=dict)


@dataclass
class Control:
    key: str
    label: str
    names: dict[str, str]          # option code -> its label, in the order shown
    default: str


@dataclass
class Export:
    name: str
    label: str
    builder: Callable
    kwargs: dict
    file_name: str


@dataclass
class Page:
    """What the page's blocks are made from: the data, where it comes from, the controls' choices."""
    t: I18n
    data: Trends
    season: Seasonality | None
    rates: pd.DataFrame
    splits: list[pd.DataFrame]     # one per SPLITS, in that order
    where: str
    by: str
    grain: str
    mode: str

    @property
    def period(self) -> str:
        return period_text(self.t, self.data.first, self.data.end)


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def dimension_names(t: I18n) -> dict[str, str]:
    return {k: t.gettext(v) for k, v in DIMENSION_LABELS.items()}


def controls(t: I18n) -> list[Control]:
    """Series by, time step, chart: each tied to its URL parameter by code."""
    _ = t.gettext
    return [Control("tr_by", _("Series by"), dimension_names(t), "market"),
            Control("tr_grain", _("Time step"), {"week": _("Weekly"), "month": _("Monthly")}, "week"),
            Control("tr_chart", _("Chart"), {"stack": _("Stacked areas"), "multiples": _("Small multiples")}, "stack")]


def drill_state(text: str | None, filters: Filters, families: dict[str, tuple[str, ...]],
                t: I18n) -> tuple[Filters, Drill | None, str | None]:
    """The URL's drill-down applied to the sidebar filters: (filters, drill, problem). A drill-down
    that cannot apply leaves the filters as they are and says why."""
    _ = t.gettext
    try:
        drill = parse_drill(text)
        return apply_drill(filters, drill, families), drill, None
    except EmptyDrill:
        return filters, None, _("The chart selection lies outside the sidebar filters, so it is not applied.")
    except ValueError:
        return filters, None, _("The selection in this link is not valid, so it is not applied.")


def drill_notice(t: I18n, drill: Drill | None, problem: str | None, labels: dict[str, str]) -> Block:
    """What the page is narrowed to (`labels` names the drill's codes), why a link's selection is
    not applied, or, with neither, how to narrow it."""
    _ = t.gettext
    if drill:
        return Block("info", _("Narrowed to {dimension}: {names}. Every chart on this page shows this selection "
                               "only.").format(dimension=dimension_names(t)[drill.dimension].lower(),
                                               names=", ".join(labels.get(c, c) for c in drill.codes)),
                     icon=":material/filter_alt:")
    if problem:
        return Block("warning", problem)
    return Block("caption", _("Click a series, bar or country on any chart to narrow the whole page to it."))


def _span(p: Page) -> str:
    """Where and when, inside a heading: "{where}, {start} to {end}"."""
    return p.t.gettext("{where}, {start} to {end}").format(where=p.where, start=p.t.date(p.data.first),
                                                           end=p.t.date(p.data.end))


def series_chart(p: Page) -> list[Block]:
    """The series as stacked areas with the total's moving average, or as small multiples."""
    t, _, data, grain = p.t, p.t.gettext, p.data, p.grain
    name = dimension_names(t)[p.by]
    step = {"week": _("week"), "month": _("month")}[grain]
    units = {"week": _("Incidents per week"), "month": _("Incidents per month")}[grain]
    unit = _("incidents")
    order = data.summary["key"].tolist()
    title = _("Incidents per {step}, by {dimension}").format(step=step, dimension=name[:1].lower() + name[1:])
    subtitle = sentence(_span(p))
    period_label = (lambda d: t.date(d, "d MMM y")) if grain == "week" else (lambda d: t.date(d, "MMM y"))
    if p.mode == "stack":
        ma_label = (_("Moving average of all series ({n} weeks)") if grain == "week"
                    else _("Moving average of all series ({n} months)")).format(n=MA_WINDOW[grain])
        figure = figures.stacked_series(data.series, order, data.total, grain=grain, title=title, subtitle=subtitle,
                                        y_title=units, x_title=_("Week starting") if grain == "week" else _("Month"),
                                        ma_label=ma_label, unit=unit, separators=t.plotly_separators,
                                        period_label=period_label)
    else:
        ma_label = (_("Moving average ({n} weeks)") if grain == "week"
                    else _("Moving average ({n} months)")).format(n=MA_WINDOW[grain])
        figure = figures.small_multiples(data.series, order, grain=grain, title=title, subtitle=subtitle,
                                         y_title=units, bar_label=units, ma_label=ma_label, unit=unit,
                                         separators=t.plotly_separators, period_label=period_label)
    return [Block("chart", figure, select=p.by, key="tr_main"),
            Block("caption", _("Complete weeks (Monday to Sunday) or calendar months only. The series are the seven "
                               "largest in the period; “All others” adds up the rest.")
                  + (" " + _("Each panel has its own vertical scale.") if p.mode == "multiples" else ""))]


def _or_dash(value, text: Callable) -> str:
    return "–" if value is None or value != value else text(value)


def summary(p: Page) -> list[Block]:
    """Per series: incidents, trend, change on a year earlier, the year earlier and the share of
    solidly graded records, with the notes that say how to read them."""
    t, _, data = p.t, p.t.gettext, p.data
    s = data.summary
    body = pd.DataFrame({
        "label": s["label"],
        "incidents": s["incidents"].map(t.number),
        "trend": s["trend"],
        "change": s["change"].map(lambda v: _or_dash(v, lambda x: t.percent(x, signed=True))),
        "previous": s["previous"].map(lambda v: _or_dash(v, t.number)),
        "graded_share": s["graded_share"].map(lambda v: _or_dash(v, t.percent)),
    })
    headers = {"label": dimension_names(t)[p.by], "incidents": _("Incidents"), "trend": _("Trend over the period"),
               "change": _("Change on a year earlier"), "previous": _("A year earlier"),
               "graded_share": _("Graded A–B and 1–2")}
    narrow = ("TextColumn", {"width": "small"})
    columns = {"incidents": narrow, "previous": narrow, "graded_share": narrow, "change": narrow,
               "trend": ("TextColumn", {"width": "medium"})}
    notes = [_("Year earlier: {start} to {end}.").format(start=t.date(data.previous_from),
                                                         end=t.date(data.previous_to))]
    if not data.previous_complete:
        notes.append(_("The data do not reach back a full year before this period, so no comparison is made."))
    notes.append(_("Graded A–B and 1–2: share of the records from a completely or usually reliable source (A–B) "
                   "whose information is confirmed or probably true (1–2). A low share means the trend rests on "
                   "weak reports."))
    notes.append(_("Trend: Mann–Kendall test on the counts per period; fewer than 8 periods are too few to judge."))
    return [Block("subheader", _("Change, confidence and trend per series – {where}, {start} to {end}").format(
                where=p.where, start=t.date(data.first), end=t.date(data.end))),
            Block("table", body, headers=headers, columns=columns),
            Block("caption", " ".join(notes))]


def rates_chart(p: Page) -> list[Block]:
    """Incidents per 100,000 population by host country or territory, highest first, each with its
    population year."""
    t, _, rates = p.t, p.t.gettext, p.rates
    if rates.empty:
        return [Block("info", _("No incidents in this period."))]
    text = [("–" if r is None else t.number(r, 1)) + f" ({y})" for r, y in zip(rates["rate"], rates["pop_year"])]
    hover = [f"<b>{lab}</b> ({mis})<br>" + _("{rate} incidents per 100,000 population").format(
                 rate="–" if r is None else t.number(r, 1))
             + "<br>" + _("{incidents} incidents; population {population} ({year}, {source})").format(
                 incidents=t.number(n), population=t.number(pop) if pop == pop and pop is not None else "–",
                 year=y, source=src)
             for lab, mis, r, n, pop, y, src in zip(rates["label"], rates["missions"], rates["rate"],
                                                    rates["incidents"], rates["population"], rates["pop_year"],
                                                    rates["pop_source"])]
    plot = rates.assign(label=rates["label"] + " (" + rates["missions"] + ")",
                        rate=rates["rate"].map(lambda v: float("nan") if v is None else v))
    return [Block("chart", figures.ranked(
        plot, value_col="rate", text=text, hover=hover, separators=t.plotly_separators,
        title=_("Incidents per 100,000 population"),
        subtitle=_("By host country or territory – {where}, {start} to {end}").format(
            where=p.where, start=t.date(p.data.first), end=t.date(p.data.end)),
        x_title=_("Incidents per 100,000 population (population year)")), select="country", key="tr_rates")]


def split_charts(p: Page) -> list[Block]:
    """Incidents by cyber link and by market family, largest first."""
    t, _ = p.t, p.t.gettext
    unit, subtitle = _("incidents"), sentence(_span(p))
    blocks = []
    for split, totals in zip(SPLITS, p.splits):
        title = {"cyber": _("Incidents by cyber link"), "family": _("Incidents by market family")}[split]
        totals = totals.sort_values("incidents", ascending=False)
        blocks.append(Block("chart", figures.ranked(
            totals, value_col="incidents", text=[t.number(v) for v in totals["incidents"]],
            hover=[f"{lab}: {t.number(v)} {unit}" for lab, v in zip(totals["label"], totals["incidents"])],
            title=title, subtitle=subtitle, x_title=_("Incidents"), separators=t.plotly_separators,
            colour=figures.PALETTE[2] if split == "cyber" else figures.PALETTE[4]), select=split, key=f"tr_{split}"))
    blocks.append(Block("caption", _(
        "Cyber-dependent: crimes that need a computer system (ransomware, intrusion). Cyber-enabled: crimes carried "
        "out with digital tools (online fraud, sextortion). Families follow the GI-TOC Global Organized Crime Index "
        "markets.")))
    return blocks


def rates_table(p: Page) -> list[Block]:
    """The rates with their populations, year and source; nothing when no incident is in view."""
    _ = p.t.gettext
    if p.rates.empty:
        return []
    columns = {"rate": ("NumberColumn", {"format": "%.1f", "width": "small"}),
               "population": ("NumberColumn", {"format": "localized", "width": "small"}),
               "pop_year": ("NumberColumn", {"format": "plain", "width": "small"}),
               "incidents": ("NumberColumn", {"width": "small"}),
               "missions": ("TextColumn", {"width": "small"})}
    return [Block("table", rates_frame(p.rates), headers={c: _(h) for c, h in RATES_HEADERS.items()},
                  columns=columns),
            Block("caption", _("Rate = incidents in the period ÷ population × 100,000, for the period shown (not per "
                               "year). The population year and source stand next to each rate."))]


def seasonality_chart(p: Page) -> list[Block]:
    """Each calendar month against the market's average month, over every complete month of data."""
    t, _, season = p.t, p.t.gettext, p.season
    if season is None or season.frame.empty:
        return []
    return [Block("chart", figures.seasonality_heatmap(
                season.frame, month_names(t), separators=t.plotly_separators,
                title=_("Seasonality by market: each calendar month against the market's average month (100)"),
                subtitle=sentence(_("{where}, {start} to {end}").format(
                    where=p.where, start=t.date(season.first), end=t.date(period_end(season.last, "month")))),
                colour_title=_("Index (100 = average month)"),
                hover=_("{market}, {month}: index {index}, on average {mean} incidents"))),
            Block("caption", _("Uses every complete month of data within the other filters, whatever the period "
                               "chosen in the sidebar: one year alone would show each month once. Red: busier than "
                               "the market's average month; blue: quieter."))]


def exports(t: I18n, by: str, grain: str) -> list[Export]:
    """The page's three CSV downloads: the export views, with the page's series and time step."""
    _ = t.gettext
    return [Export("summary", _("Series table (CSV)"), summary_view, {"by": by, "grain": grain},
                   f"trends-summary-{by}-{grain}.csv"),
            Export("series", _("Values per period (CSV)"), series_view, {"by": by, "grain": grain},
                   f"trends-series-{by}-{grain}.csv"),
            Export("rates", _("Rates per 100,000 (CSV)"), rates_view, {"grain": grain},
                   f"trends-rates-{by}-{grain}.csv")]
