"""The weekly brief as a slide deck (PPTX), a PDF and a workbook (XLSX), built on the server.

Every file carries the marking in its header and footer and the synthetic-data notice while demo
data is loaded (both come in the Stamp from presented.stamp). The numbers come from one `Brief`
(brief.weekly_brief) and are formatted by the same `cell_text` for slides and PDF; the workbook
holds brief.tables() unformatted. Slides use native, editable PowerPoint charts (no images).
"""
from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd

from . import brief as brief_mod
from .brief import Brief, p_text
from .exports import Stamp, xlsx_bytes
from .i18n import I18n

CHANGE_ROWS = 6         # the change table wraps market names onto two lines
SLIDE_ROWS = 8          # table rows per slide at 18 pt; the workbook has every row
PDF_ROWS = 15
TITLE_PT, BODY_PT, TABLE_PT, MARK_PT = 30, 20, 18, 14

# Unicode TrueType fonts that render French accents, "≤" and "–" (Debian fonts-dejavu-core, then
# fonts-liberation). Without any of them the PDF falls back to Helvetica and plain ASCII signs.
PDF_FONTS = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
]


# --- Shared formatting -----------------------------------------------------------------------------

def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def cell_text(t: I18n, header: str, value) -> str:
    """One table cell as the slide and the PDF show it (suppression marks pass through)."""
    _ = t.gettext
    if _missing(value):
        return "–"
    if isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return t.date(value, "d MMM y")
    if header in (_("p-value"), _("q-value (Benjamini–Hochberg)")):
        return p_text(t, float(value)).replace("p ", "", 1)
    if "%" in header:
        return t.percent(float(value) / 100, signed=True)
    if isinstance(value, (int,)) or (isinstance(value, float) and float(value).is_integer() and abs(value) >= 100):
        return t.number(int(value))
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, int):
            return t.number(value)
    return t.number(float(value), 2 if abs(float(value)) < 10 else 1)


def display(frame: pd.DataFrame, t: I18n, rows: int | None = None) -> list[list[str]]:
    """Header row then formatted rows."""
    body = frame if rows is None else frame.head(rows)
    return [[str(c) for c in frame.columns]] + [
        [cell_text(t, str(col), value) for col, value in zip(frame.columns, row)]
        for row in body.itertuples(index=False)]


def _notice(t: I18n, stamp: Stamp) -> str | None:
    notice = t.gettext("Synthetic demonstration data – not real incidents")
    return notice if notice in stamp.lines else None


def _footer(t: I18n, stamp: Stamp) -> str:
    parts = [stamp.marking, stamp.lines[0] if stamp.lines else ""]
    notice = _notice(t, stamp)
    if notice:
        parts.append(notice)
    return " · ".join(p for p in parts if p)


def _kpi_display(brief: Brief, t: I18n) -> list[list[str]]:
    _ = t.gettext
    rows = [[_("Indicator"), _("This week"), _("vs previous week"), _("vs 4-week mean")]]
    for r in brief.kpis.itertuples():
        if isinstance(r.value, str):
            value = r.value
        elif r.kpi == "seizure_usd":
            value = t.money(r.value)
        else:
            value = t.number(r.value)
        rows.append([_(brief_mod.views.KPI_LABELS[r.kpi]), value,
                     "–" if _missing(r.change_prev) else t.percent(r.change_prev, signed=True),
                     "–" if _missing(r.change_4w) else t.percent(r.change_4w, signed=True)])
    return rows


def _week_labels(weeks) -> list[str]:
    return [brief_mod.iso_week(w) for w in weeks]


def _chart_number(value):
    """A chart value: numbers only; a suppressed cell is left blank (None), never a guess."""
    return None if isinstance(value, str) or _missing(value) else float(value)


# --- PPTX ------------------------------------------------------------------------------------------

def to_pptx(brief: Brief, stamp: Stamp, t: I18n) -> bytes:
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    _ = t.gettext
    tables = brief_mod.tables(brief, t)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    red = RGBColor(0x9C, 0x00, 0x06)
    width = prs.slide_width - Inches(1.0)

    def text_box(slide, x, y, w, h, lines, size, bold=False, color=None, align=None):
        box = slide.shapes.add_textbox(x, y, w, h)
        frame = box.text_frame
        frame.word_wrap = True
        for n, line in enumerate(lines):
            para = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
            para.text = line
            para.font.size = Pt(size)
            para.font.bold = bold
            if color is not None:
                para.font.color.rgb = color
            if align is not None:
                para.alignment = align
            para.space_after = Pt(6)
        return box

    def new_slide(title: str | None):
        slide = prs.slides.add_slide(blank)
        text_box(slide, Inches(0.5), Inches(0.1), width, Inches(0.4), [stamp.marking], MARK_PT, True, red,
                 PP_ALIGN.CENTER).name = "marking-header"
        text_box(slide, Inches(0.5), Inches(6.95), width, Inches(0.45),
                 [f"{_footer(t, stamp)} · {len(prs.slides)}"], MARK_PT - 2, True, red,
                 PP_ALIGN.CENTER).name = "marking-footer"
        if title:
            text_box(slide, Inches(0.5), Inches(0.5), width, Inches(0.8), [title], TITLE_PT, True)
        return slide

    def table(slide, rows: list[list[str]], y=Inches(1.4), h=None, col_widths=None, size=TABLE_PT, x=Inches(0.5),
              w=None):
        w = w or width
        shape = slide.shapes.add_table(len(rows), len(rows[0]), x, y, w, h or Inches(0.5) * len(rows))
        tbl = shape.table
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                cell = tbl.cell(r, c)
                cell.text = value
                for para in cell.text_frame.paragraphs:
                    para.font.size = Pt(size)
                    para.font.bold = r == 0
                    if c > 0 and r > 0 and _looks_numeric(value):
                        para.alignment = PP_ALIGN.RIGHT
        if col_widths:
            total = sum(col_widths)
            for c, share in enumerate(col_widths):
                tbl.columns[c].width = int(w * share / total)
        return shape

    def chart(slide, kind, categories, series: dict[str, list], x, y, w, h, legend=True, number_format="#,##0"):
        data = CategoryChartData(number_format=number_format)
        data.categories = categories
        for name, values in series.items():
            data.add_series(name, [_chart_number(v) for v in values])
        graphic = slide.shapes.add_chart(kind, x, y, w, h, data)
        c = graphic.chart
        c.font.size = Pt(16)
        c.has_legend = legend and len(series) > 1
        if c.has_legend:
            c.legend.position = XL_LEGEND_POSITION.BOTTOM
            c.legend.include_in_layout = False
        if len(series) == 1:
            plot = c.plots[0]
            plot.has_data_labels = True
            plot.data_labels.font.size = Pt(14)
            plot.data_labels.number_format = number_format
            plot.data_labels.number_format_is_linked = False
        return graphic

    # 1. Title
    slide = new_slide(None)
    text_box(slide, Inches(0.8), Inches(1.2), width - Inches(0.6), Inches(1.6),
             [_("Weekly brief: serious and organized crime")], 40, True)
    text_box(slide, Inches(0.8), Inches(3.0), width, Inches(0.8), [t.week(brief.week)], 28)
    text_box(slide, Inches(0.8), Inches(4.0), width, Inches(2.6), stamp.lines, BODY_PT)

    # 2. The analyst's assessment (none in a host State's pack)
    sections = brief_mod.notes_sections(brief, t)
    if sections:
        slide = new_slide(_("Analyst's assessment"))
        lines = [line for title, items in sections for line in (title, *[f"• {item}" for item in items])]
        text_box(slide, Inches(0.6), Inches(1.4), width - Inches(0.2), Inches(5.4), lines,
                 20 if len(lines) <= 12 else 16).name = "notes"

    # 3. Summary
    slide = new_slide(_("Summary"))
    text_box(slide, Inches(0.6), Inches(1.4), width - Inches(0.2), Inches(4.4),
             [f"• {line}" for line in brief.summary], 22)
    text_box(slide, Inches(0.6), Inches(5.9), width - Inches(0.2), Inches(0.9),
             [_("Appendix: gender parity in capacity building, last 52 weeks") + " – " + " ".join(brief.appendix)], 14)

    # 4. Key figures: table and the weekly series as a native column chart
    slide = new_slide(_("Key figures for the week"))
    table(slide, _kpi_display(brief, t), x=Inches(0.5), w=Inches(7.4), col_widths=[3.0, 1.5, 1.9, 1.9])
    chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, _week_labels(brief.weekly["week"]),
          {_("Incidents"): brief.weekly["incidents"].tolist()}, Inches(7.7), Inches(1.4), Inches(5.2),
          Inches(4.4)).name = "chart-weekly"
    text_box(slide, Inches(7.7), Inches(5.9), Inches(5.2), Inches(0.9), [_("Incidents per week, last 13 weeks")],
             16)
    if brief.suppressed:
        text_box(slide, Inches(0.5), Inches(5.3), Inches(7.0), Inches(1.4),
                 [_("Small victim counts are shown as “<5” and carry no % change.")], 16)

    # 5. Changes
    changes = tables[_("Changes")]
    shown = changes.drop(columns=[_("Country or territory")]) if brief.level == "adm1" else changes
    slide = new_slide(_("Change against the previous 4 and 52 weeks"))
    table(slide, display(shown, t, CHANGE_ROWS), col_widths=[2.0, 3.2, 1.3, 1.3, 1.4, 1.3, 1.4], size=16)
    text_box(slide, Inches(0.5), Inches(6.4), width, Inches(0.5),
             [_("Top {n} of {total} area–market rows by incidents this week; every row is in the workbook.")
              .format(n=min(CHANGE_ROWS, len(changes)), total=len(changes))], 14)

    # 6. Anomalies
    slide = new_slide(_("Unusual activity this week"))
    if brief.anomalies.empty:
        text_box(slide, Inches(0.6), Inches(1.5), width, Inches(2),
                 [_("No area and market stood out against its previous {weeks} weeks ({tests} series tested).")
                  .format(weeks=brief_mod.ANOMALY_BASELINE, tests=t.number(brief.anomaly_tests))], BODY_PT)
    else:
        anomalies = tables[_("Anomalies")].drop(columns=[_("Explanation")])
        text_box(slide, Inches(0.6), Inches(1.3), width, Inches(2.3),
                 [f"• {s}" for s in brief.anomalies["sentence"].head(3)], 18)
        table(slide, display(anomalies, t, 3), y=Inches(3.8), col_widths=[2.2, 2.6, 1.3, 1.3, 1.3, 1.7, 2.4],
              size=16)
    text_box(slide, Inches(0.5), Inches(6.3), width, Inches(0.6),
             [_("Each admin-1 area × market tested against its previous 12 weeks; Benjamini–Hochberg "
                "false discovery rate 1 %.")], 14)

    # 7. Priorities
    slide = new_slide(_("Top 5 priority threats"))
    priorities = tables[_("Priorities")]
    table(slide, display(priorities, t), col_widths=[0.8, 2.2, 2.8, 2.8, 1.5, 1.5, 1.0], size=16)
    text_box(slide, Inches(0.5), Inches(5.75), width, Inches(1.1), [_(brief_mod.PRIORITY_METHOD)], 12)

    # 8. Women and children: stacked bars, one per market
    slide = new_slide(_("Victims by sex and age, by market"))
    victims = brief.victims
    if brief.victims_withheld:
        text_box(slide, Inches(0.6), Inches(1.5), width, Inches(2),
                 [_("The breakdown is withheld: this week's counts are too small to publish safely.")], BODY_PT)
    elif victims.empty:
        text_box(slide, Inches(0.6), Inches(1.5), width, Inches(2), [_("No victims recorded this week.")], BODY_PT)
    else:
        top = victims[victims["market"].notna()].head(SLIDE_ROWS)
        top = top.iloc[::-1]    # a bar chart draws its first category at the bottom: largest on top
        chart(slide, XL_CHART_TYPE.BAR_STACKED, top["market_label"].tolist(),
              {_(brief_mod.SEX_AGE_LABELS[s]): top[s].tolist() for s in brief_mod.SEX_AGE},
              Inches(0.5), Inches(1.3), width, Inches(5.0)).name = "chart-victims"
        if brief.suppressed:
            grouped = brief.victims_grouped_note(t)
            text_box(slide, Inches(0.5), Inches(6.3), width, Inches(0.6),
                     [_("Cells shown as “<5” or “x” in the workbook are left blank here.")]
                     + ([grouped] if grouped else []), 14)

    # 9. Hotspots
    slide = new_slide(_("Hotspots: incidents by admin-1 area"))
    hot = brief.hotspots.head(10)
    if hot.empty:
        text_box(slide, Inches(0.6), Inches(1.5), width, Inches(2), [_("No incidents this week.")], BODY_PT)
    else:
        labels = [f"{a} ({c})" for a, c in zip(hot["admin1_label"], hot["iso3"])]
        chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, labels[::-1], {_("Incidents"): hot["incidents"].tolist()[::-1]},
              Inches(0.5), Inches(1.3), width, Inches(5.4)).name = "chart-hotspots"

    # 10. Notable incidents
    slide = new_slide(_("Notable incidents (highest harm)"))
    incidents = tables[_("Notable incidents")]
    keep = [c for c in incidents.columns if c not in (_("Narrative"), _("Actor"), _("Record"))]
    if incidents.empty:
        text_box(slide, Inches(0.6), Inches(1.5), width, Inches(2), [_("No incidents this week.")], BODY_PT)
    else:
        table(slide, display(incidents[keep], t), size=16)

    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _looks_numeric(text: str) -> bool:
    stripped = text.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    return bool(stripped) and (stripped[0].isdigit() or stripped[0] in "+-−<") and stripped != "–"


# --- PDF -------------------------------------------------------------------------------------------

def pdf_font() -> tuple[str, str] | None:
    for regular, bold in PDF_FONTS:
        if Path(regular).exists() and Path(bold).exists():
            return regular, bold
    return None


def to_pdf(brief: Brief, stamp: Stamp, t: I18n) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import TableCellFillMode

    _ = t.gettext
    fonts = pdf_font()
    footer = _footer(t, stamp)

    def safe(text: str) -> str:
        if fonts:
            return text
        # Core fonts are Latin-1 only: keep accents, spell the few other signs in ASCII.
        for a, b in (("≤", "<="), ("≥", ">="), ("–", "-"), ("—", "-"), ("“", '"'), ("”", '"'), ("’", "'"),
                     ("×", "x"), ("÷", "/"), ("•", "-"), ("\u202f", " "), ("\u2212", "-")):
            text = text.replace(a, b)
        return text.encode("latin-1", "replace").decode("latin-1")

    class Pdf(FPDF):
        def header(self):
            self.set_font(family, "B", 10)
            self.set_text_color(156, 0, 6)
            self.cell(0, 6, safe(stamp.marking), align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.ln(2)

        def footer(self):
            self.set_y(-14)
            self.set_font(family, "B", 8)
            self.set_text_color(156, 0, 6)
            self.multi_cell(0, 4, safe(f"{footer} · {self.page_no()}/{{nb}}"), align="C")
            self.set_text_color(0, 0, 0)

    pdf = Pdf(orientation="L", unit="mm", format="A4")
    if fonts:
        pdf.add_font("BriefSans", "", fonts[0])
        pdf.add_font("BriefSans", "B", fonts[1])
        family = "BriefSans"
    else:
        family = "Helvetica"
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(safe(_("Weekly brief: serious and organized crime")))
    pdf.alias_nb_pages()

    def heading(text: str):
        pdf.set_font(family, "B", 16)
        pdf.cell(0, 10, safe(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 11)

    def paragraph(lines: list[str], size: int = 11):
        pdf.set_font(family, "", size)
        for line in lines:
            pdf.multi_cell(0, 6, safe(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def table(rows: list[list[str]], widths=None, size=10):
        pdf.set_font(family, "", size)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=6, first_row_as_headings=True,
                       cell_fill_color=(238, 242, 247), cell_fill_mode=TableCellFillMode.ROWS) as tbl:
            for row in rows:
                r = tbl.row()
                for value in row:
                    r.cell(safe(value))
        pdf.ln(3)

    tables = brief_mod.tables(brief, t)
    pdf.add_page()
    pdf.set_font(family, "B", 20)
    pdf.multi_cell(0, 10, safe(_("Weekly brief: serious and organized crime")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 14)
    pdf.cell(0, 8, safe(t.week(brief.week)), new_x="LMARGIN", new_y="NEXT")
    paragraph(stamp.lines, 10)
    for title, items in brief_mod.notes_sections(brief, t):
        heading(title)
        paragraph([f"• {item}" for item in items], 12)
    heading(_("Summary"))
    paragraph([f"• {line}" for line in brief.summary], 12)
    heading(_("Appendix: gender parity in capacity building, last 52 weeks"))
    paragraph(brief.appendix, 11)
    heading(_("Key figures for the week"))
    table(_kpi_display(brief, t), widths=(3, 1.4, 1.4, 1.4))

    pdf.add_page()
    heading(_("Change against the previous 4 and 52 weeks"))
    changes = tables[_("Changes")]
    table(display(changes, t, PDF_ROWS), size=9)
    paragraph([_("Top {n} of {total} area–market rows by incidents this week; every row is in the workbook.")
               .format(n=min(PDF_ROWS, len(changes)), total=len(changes))], 9)

    pdf.add_page()
    heading(_("Unusual activity this week"))
    if brief.anomalies.empty:
        paragraph([_("No area and market stood out against its previous {weeks} weeks ({tests} series tested).")
                   .format(weeks=brief_mod.ANOMALY_BASELINE, tests=t.number(brief.anomaly_tests))])
    else:
        table(display(tables[_("Anomalies")].drop(columns=[_("Explanation")]), t), size=9)
        paragraph([f"• {s}" for s in brief.anomalies["sentence"]], 10)
    heading(_("Top 5 priority threats"))
    table(display(tables[_("Priorities")], t), size=9)
    paragraph([_(brief_mod.PRIORITY_METHOD)], 9)

    pdf.add_page()
    heading(_("Victims by sex and age, by market"))
    if brief.victims_withheld:
        paragraph([_("The breakdown is withheld: this week's counts are too small to publish safely.")])
    elif brief.victims.empty:
        paragraph([_("No victims recorded this week.")])
    else:
        table(display(tables[_("Women and children")], t), size=9)
        if brief.victims_grouped:
            paragraph([brief.victims_grouped_note(t)], 9)
    heading(_("Hotspots: incidents by admin-1 area"))
    table(display(tables[_("Hotspots")], t, 10), size=9)

    pdf.add_page()
    heading(_("Notable incidents (highest harm)"))
    incidents = tables[_("Notable incidents")]
    keep = [c for c in incidents.columns if c not in (_("Narrative"), _("Actor"))]
    if incidents.empty:
        paragraph([_("No incidents this week.")])
    else:
        table(display(incidents[keep], t), size=8)
    return bytes(pdf.output())


# --- XLSX ------------------------------------------------------------------------------------------

def to_xlsx(brief: Brief, stamp: Stamp, t: I18n) -> bytes:
    """Every table behind the brief, one sheet each (exports.xlsx_bytes stamps and neutralises)."""
    return xlsx_bytes(brief_mod.tables(brief, t), stamp)


FORMATS = {"pptx": to_pptx, "pdf": to_pdf, "xlsx": to_xlsx}
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def render(fmt: str, brief: Brief, stamp: Stamp, t: I18n) -> bytes:
    try:
        return FORMATS[fmt](brief, stamp, t)
    except KeyError:
        raise ValueError(f"unknown brief format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
