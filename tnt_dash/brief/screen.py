"""What the brief's page lays out, on the laptop and on the projector: which sections go where, the
presenter's screens through the notes, the key-figure cards, and each table cut and worded for the
room or the desk. No Streamlit here: the page only places each block in its box.

A section is a list of blocks; a block is one element of the page: "markdown", "subheader",
"caption", "info" or "warning" (text), "table" (a static table of text), "grid" (an interactive
table, with column settings named by Streamlit's column type) or "deck" (a pydeck map).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from .. import mapdecks, presented
from ..filters import Filters
from ..i18n import I18n, N_
from ..presented import KPI_LABELS
from .changes import change_signal, change_text
from .definitions import ANOMALY_BASELINE, PRIORITY_METHOD
from .notes import sections as notes_sections
from .tables import coded, header

# What one projector screen holds of the notes, in lines of a half-width column at projector type
# (two columns a screen; a line is about 75 characters; a section title counts two).
SCREEN_LINES, LINE_CHARS = 15, 75
# Presentation tables are cut to what a room can read; the laptop's change grid shows the busiest rows.
PRESENTATION_ROWS = 5
SCREEN_CHANGE_ROWS = 40
# The four tables the page shows (the exports build all nine).
PAGE_TABLES = ("changes", "priorities", "victims", "incidents")
KPI_SHORT = {"women_children": N_("Women and children"), "seizure_usd": N_("Seizures (USD)")}
DOWNLOADS = (("pptx", N_("Slides (PPTX)")), ("pdf", N_("PDF")), ("xlsx", N_("Tables (XLSX)")))
DISCLAIMER = N_("The boundaries and names shown and the designations used on this map do not imply official "
                "endorsement or acceptance by the United Nations.")
# Where each section goes: rows of (column widths, the sections of each column).
PROJECTOR = (
    # One 1920×1080 screen: summary, priorities and map; then changes and victims. The test statistics
    # and the notable incidents stay on the laptop view and in the exports: the summary states each
    # flagged anomaly in words, and the room cannot read a sixth table.
    ([4, 4, 4], (("summary",), ("priorities",), ("map",))),
    ([7, 5], (("changes",), ("victims",))),
)
LAPTOP = (
    ([5, 6], (("summary", "anomalies"), ("changes",))),
    # The map has a column of its own: as a third of the row it would be too small to read the area names.
    ([6, 5], (("priorities", "victims"), ("map",))),
    (None, (("notable",),)),
)


@dataclass
class Block:
    kind: str
    body: Any
    options: dict = field(default_factory=dict)      # keyword arguments of the element
    columns: dict = field(default_factory=dict)      # grid: header -> (column type, its settings)


@dataclass
class Card:
    label: str
    value: str
    delta: str | None
    delta_description: str | None
    help: str


@dataclass
class NotesView:
    """The analyst's notes as the page shows them: the sections, who wrote them, and on the projector
    the presenter's screens (?screen=1..n, then "figures"), never a scroll."""
    sections: list
    byline: str | None
    screens: list
    options: list[str]
    labels: dict[str, str]
    opening: str


def title(t: I18n, week: date, filters: Filters, presentation: bool, host_state: bool = False) -> str:
    """The page's title: the mission (or the regional pool), and on a projector the week. The areas of
    operations are said in the status line above (frame.banners): in French the title would take a
    second line, and the projector's brief must fit one screen. A host State's screen names no
    mission: its banner says whom the figures were released to, and the mission's name took the
    French title to a second line (2026-W46, 42 px)."""
    _ = t.gettext
    whose = filters.missions[0] if len(filters.missions) == 1 else _("all missions")
    if presentation:
        return " · ".join([_("Weekly brief")] + ([] if host_state else [whose]) + [t.week(week)])
    return f"{_('Weekly brief')} · {whose}"


def level_labels(t: I18n) -> dict[str, str]:
    return {"adm1": t.gettext("Admin-1 area"), "country": t.gettext("Country or territory")}


def downloads(t: I18n) -> list[tuple[str, str]]:
    return [(fmt, t.gettext(label)) for fmt, label in DOWNLOADS]


def layout(presentation: bool):
    return PROJECTOR if presentation else LAPTOP


def notes_screens(sections: list[tuple[str, list[str]]]) -> list[list[list[tuple[str, list[str]]]]]:
    """The notes laid out for the projector: screens of two columns of (title, items), each column at
    most SCREEN_LINES lines; what does not fit goes to the next screen ("continued"), never to a
    scroll. Items keep their order; a section split over two columns repeats its title."""
    def cost(item: str) -> int:
        return max(1, math.ceil(len(item) / LINE_CHARS))
    columns: list[list[tuple[str, list[str]]]] = [[]]
    used = 0
    for title_, items in sections:
        for item in items:
            need = cost(item) + (2 if not columns[-1] or columns[-1][-1][0] != title_ else 0)
            if used + need > SCREEN_LINES and columns[-1]:
                columns.append([])
                used = 0
                need = cost(item) + 2
            if not columns[-1] or columns[-1][-1][0] != title_:
                columns[-1].append((title_, []))
            columns[-1][-1][1].append(item)
            used += need
    columns = [c for c in columns if c]
    return [columns[i:i + 2] for i in range(0, len(columns), 2)]


def notes_view(t: I18n, brief) -> NotesView:
    _ = t.gettext
    sections = notes_sections(brief, t)
    by = brief.notes_by
    byline = _("Notes by {author}, {date}.").format(author=by["author"], date=t.date(by["created_at"].date())) \
        if by else None
    screens = notes_screens(sections)
    options = [str(n) for n in range(1, len(screens) + 1)] + ["figures"]
    labels = {"figures": _("Figures"), "1": _("Assessment"),
              **{str(n): _("Assessment (continued {n})").format(n=n) for n in range(2, len(screens) + 1)}}
    # Without notes or decisions the figures come first; the assessment screen then only says so.
    opening = "1" if not brief.notes.empty() or len(brief.decisions) else "figures"
    return NotesView(sections, byline, screens, options, labels, opening)


def notes_halves(sections: list) -> list[list]:
    """The notes in the laptop's two columns: the first half of the sections, then the rest."""
    half = (len(sections) + 1) // 2
    return [sections[:half], sections[half:]]


def cards(t: I18n, brief) -> list[Card]:
    """The six key figures, each against the 4-week mean, the previous week in its help. The labels
    are short and name the currency ("Seizures (USD)"): six cards share a row at 1366 px."""
    _ = t.gettext
    out = []
    for row in brief.kpis.itertuples():
        suppressed = isinstance(row.value, str)
        value = row.value if suppressed else (t.compact(row.value) if row.kpi == "seizure_usd" else t.number(row.value))
        delta = None if suppressed or row.change_4w is None else t.percent(row.change_4w, signed=True)
        previous = None if suppressed or row.change_prev is None else t.percent(row.change_prev, signed=True)
        out.append(Card(_(KPI_SHORT.get(row.kpi, KPI_LABELS[row.kpi])), value, delta,
                        _("vs 4-week mean") if delta else None,
                        _(KPI_LABELS[row.kpi]) + (". " + _("Change on the previous week: {change}.").format(
                            change=previous) if previous else "")))
    return out


def q_text(t: I18n, q: float) -> str:
    return "q < " + t.number(0.0001, 4) if q < 0.0001 else "q = " + t.number(q, 4)


def signal_tags(change_4w, change_52w) -> list[str]:
    """up_4w, down_52w…: the tags of the laptop grid's Signal column."""
    return [f"{signal}_{window}" for window, value in (("4w", change_4w), ("52w", change_52w))
            if (signal := change_signal(value))]


def marked_change(t: I18n, percent, count, mean) -> str:
    """A change on the projector (change_text), red or green where change_signal marks it. The
    cells of a static table are Markdown: the colour goes in the text."""
    change = None if percent is None or percent != percent else percent / 100
    text = change_text(t, change, count, mean)
    signal = change_signal(percent)
    return f":{'red' if signal == 'up' else 'green'}-background[**{text}**]" if signal else text


class Sections:
    """Each section of the page for one brief, built when the layout asks for it."""

    def __init__(self, t: I18n, brief, appendix: list[str], presentation: bool, outlines):
        self.t, self.b, self.appendix, self.presentation, self.outlines = t, brief, appendix, presentation, outlines
        self.tables = coded(brief, t, PAGE_TABLES,
                            change_rows=PRESENTATION_ROWS if presentation else SCREEN_CHANGE_ROWS)

    def __call__(self, name: str) -> list[Block]:
        return getattr(self, name)()

    def _heading(self, text: str) -> Block:
        return Block("markdown", f"**{text}**") if self.presentation else Block("subheader", text)

    def _headed(self, frame: pd.DataFrame, short: dict[str, str] | None = None) -> pd.DataFrame:
        """A coded frame with the reader's headers; `short` gives some columns a shorter one."""
        short = short or {}
        return frame.rename(columns={c: short[c] if c in short else header(self.t, c, self.b.level)
                                     for c in frame.columns})

    def _table(self, frame: pd.DataFrame, short: dict[str, str] | None = None, as_text: bool = False,
               columns: dict | None = None) -> Block:
        """Large-type text on the projector; on the laptop a grid, of locale-formatted text when
        `as_text`, else of the numbers (sortable)."""
        if self.presentation:
            frame = self._headed(frame.head(PRESENTATION_ROWS), {"admin1": self.t.gettext("Area"), **(short or {})})
            return Block("table", presented.screen_table(frame, self.t))
        frame = self._headed(frame, short)
        return Block("grid", presented.screen_table(frame, self.t) if as_text else frame, columns=columns or {})

    def summary(self) -> list[Block]:
        _ = self.t.gettext
        lines = self.b.summary_beside_priorities(self.t) if self.presentation else self.b.summary
        blocks = [self._heading(_("Summary")), Block("markdown", "\n".join(f"- {line}" for line in lines))]
        if not self.presentation:
            blocks.append(Block("caption", _("Appendix: gender parity in capacity building, last 52 weeks") + " – "
                                + " ".join(self.appendix)))
        return blocks

    def anomalies(self) -> list[Block]:
        _, t, b = self.t.gettext, self.t, self.b
        blocks = [] if self.presentation else [self._heading(_("Unusual activity this week"))]
        if b.anomalies.empty:
            blocks.append(Block("info", _("No area and market stood out against its previous {weeks} weeks ({tests} "
                                          "series tested).").format(weeks=ANOMALY_BASELINE,
                                                                    tests=t.number(b.anomaly_tests))))
        blocks += [Block("warning", f"{row.sentence} {q_text(t, row.q)}", {"icon": ":material/trending_up:"})
                   for row in b.anomalies.itertuples()]
        if not self.presentation:
            blocks.append(Block("caption", _(
                "Each admin-1 area × market is tested against its previous 12 weeks (Poisson, or negative "
                "binomial when the counts are clustered); Benjamini–Hochberg false discovery rate 1 %.")))
        return blocks

    def changes(self) -> list[Block]:
        _, t, b = self.t.gettext, self.t, self.b
        blocks = [self._heading(_("Change against the previous 4 and 52 weeks"))]
        changes = self.tables["changes"]
        if b.level == "adm1":
            changes = changes.drop(columns=["country"])
        pct, means = ["change_4w", "change_52w"], ["mean_4w", "mean_52w"]
        if self.presentation:
            top = changes.head(PRESENTATION_ROWS)
            count = top["week_count"].tolist()
            # Each change reads against its own mean: below MIN_BASE a week, the counts instead.
            marked = {c: [marked_change(t, v, n, m) for v, n, m in zip(top[c], count, top[mean])]
                      for c, mean in zip(pct, means)}
            shown = top.assign(**marked).drop(columns=means)
            # Short headers so no cell wraps at projector size.
            short = {"week_count": _("This week"), "change_4w": _("vs 4-week mean"),
                     "change_52w": _("vs 52-week mean"), **({"area": _("Area")} if b.level == "adm1" else {})}
            return blocks + [Block("table", self._headed(shown.assign(week_count=shown["week_count"].map(t.number)),
                                                         short))]
        # The laptop grid: numbers stay sortable, and a tag column carries the red and green signal.
        shown = changes.head(SCREEN_CHANGE_ROWS)
        signals = {"up_4w": "▲ " + _("4 wk"), "down_4w": "▼ " + _("4 wk"),
                   "up_52w": "▲ " + _("52 wk"), "down_52w": "▼ " + _("52 wk")}
        tags = [signal_tags(four, year) for four, year in zip(shown[pct[0]], shown[pct[1]])]
        # Whole percentages, as the column format shows them, without negative zeros: printf would
        # write a change of -0.3 % as "-0%", a fall that is not there.
        grid = shown.assign(**{c: shown[c].map(lambda v: t.number(v, 2)) for c in means}, signal=tags,
                            **{c: shown[c].astype(float).round(0) + 0.0 for c in pct})
        grid = self._headed(grid, {"signal": _("Signal")})
        head = dict(zip(shown.columns, grid.columns))
        # Where, what and the signal first: at 1366 px the half-width grid shows three or four
        # columns before it scrolls.
        first = [head[c] for c in shown.columns if c not in (*pct, *means)][:2]
        rest = [head[c] for c in shown.columns if head[c] not in first and c not in means]
        order = [*first, _("Signal"), *rest, *[head[c] for c in means]]
        columns = {**{c: ("TextColumn", {"width": w}) for c, w in zip(first, (130, 140))},
                   **{head[c]: ("NumberColumn", {"format": t.percent_printf(signed=True)}) for c in pct},
                   _("Signal"): ("MultiselectColumn", {
                       "options": list(signals), "format_func": signals.get, "width": 190,
                       "color": ["#F4C7C3" if key.startswith("up") else "#CDE8D4" for key in signals]})}
        note = _("Signal: ▲ at least 50 % above the 4-week or 52-week mean (red), ▼ at least 50 % below (green). "
                 "No change shown: fewer than 3 incidents a week in the baseline (compare the counts; the "
                 "anomaly test judges them).")
        if len(b.changes) > len(shown):
            note += " " + _("Top {n} of {total} area–market rows by incidents this week; every row is in the "
                            "workbook.").format(n=t.number(len(shown)), total=t.number(len(b.changes)))
        return blocks + [Block("grid", grid, {"height": 420, "column_order": order}, columns), Block("caption", note)]

    def priorities(self) -> list[Block]:
        _, t = self.t.gettext, self.t
        blocks = [self._heading(_("Top 5 priority threats"))]
        priorities = self.tables["priorities"].drop(columns=["country"])
        if self.presentation:
            # A short header: the full one would wrap to four lines.
            return blocks + [self._table(priorities.drop(columns=["incidents_prior"]).assign(
                score=priorities["score"].map(lambda v: t.number(v, 1))), {"incidents_4w": _("Incidents, 4 wk")})]
        return blocks + [self._table(priorities, columns={_("Score"): ("NumberColumn", {"format": "%.2f"})}),
                         Block("caption", _(PRIORITY_METHOD))]

    def map(self) -> list[Block]:
        _ = self.t.gettext
        hotspots = self.b.hotspots
        tooltip = "<b>{label}</b> ({country_label})<br/>" + _("Incidents") + ": {incidents}"
        height = 220 if self.presentation else 400
        # Fitted to the narrowest the panel gets: a third of a 1366 px projector; on a 1366 px laptop
        # with the sidebar open, five elevenths of what is left.
        deck = mapdecks.admin1_bubble_deck(hotspots.assign(label=hotspots["admin1_label"]), self.outlines,
                                       value_col="incidents", tooltip_html=tooltip,
                                       width=370 if self.presentation else 400, height=height)
        caption = _(DISCLAIMER) if self.presentation else \
            _("Circles at admin-1 centroids; area shows the number of incidents.") + " " + _(DISCLAIMER)
        return [self._heading(_("Hotspots this week")), Block("deck", deck, {"height": height}),
                Block("caption", caption)]

    def victims(self) -> list[Block]:
        _, b = self.t.gettext, self.b
        blocks = [self._heading(_("Victims by sex and age, by market"))]
        if b.victims_withheld:
            blocks.append(Block("info", _("The breakdown is withheld: this week's counts are too small to publish "
                                          "safely.")))
        else:
            short = {"unknown": _("Unknown")} if self.presentation else {}
            blocks.append(self._table(self.tables["victims"], short, as_text=True))
        if self.presentation:
            # One short line whatever the week, so the brief stays on one screen. The grouped row is
            # named only when the room can see it (it comes last, often beyond the rows shown).
            legend = []
            if b.suppressed:
                legend.append(_("“<5”: fewer than 5 · “x”: hidden to protect a “<5”"))
            if b.victims_grouped and b.victims_grouped_row() < PRESENTATION_ROWS:
                other = b.victims["market_label"].iloc[b.victims_grouped_row()]
                legend.append(_("“{other}”: small rows grouped").format(other=other))
            return blocks + ([Block("caption", " · ".join(legend))] if legend else [])
        if b.victims_grouped:
            blocks.append(Block("caption", b.victims_grouped_note(self.t)))
        if b.suppressed:
            blocks.append(Block("caption", _("“<5”: fewer than 5. “x”: hidden so that a “<5” cell cannot be worked "
                                             "out from the totals.")))
        return blocks

    def notable(self) -> list[Block]:
        _, t = self.t.gettext, self.t
        blocks = [self._heading(_("Notable incidents (highest harm)"))]
        notable = self.tables["incidents"]
        if self.presentation:
            # The room needs where, what and who was harmed; record ids and actors stay on the laptop.
            keep = [c for c in ("date_occurred", "admin1", "market", "victims") if c in notable.columns]
            blocks.append(self._table(notable[keep].assign(date_occurred=notable["date_occurred"].map(
                lambda d: t.date(pd.Timestamp(d).date(), "d MMM").replace(" ", "\u00a0")))))
        else:
            blocks.append(self._table(notable, as_text=True,
                                      columns={_("Narrative"): ("TextColumn", {"width": "large"})}))
        if self.b.suppressed:
            blocks.append(Block("caption", _("Victim counts per incident are not shown on this screen: beside the "
                                             "week's totals they could give a small count away.")))
        return blocks
