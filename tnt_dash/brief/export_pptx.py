"""The weekly brief as a slide deck (PPTX): the marking in every slide's header and footer, the
synthetic-data notice while demo data is loaded, native editable charts (no images)."""
from __future__ import annotations

import io

import pandas as pd

from ..exports import Stamp
from ..i18n import I18n
from .definitions import ANOMALY_BASELINE, PRIORITY_METHOD, SEX_AGE, SEX_AGE_LABELS
from .export_text import chart_number, display, footer, kpi_rows, looks_numeric, week_labels
from .notes import sections as notes_sections
from .pack import Brief
from .tables import coded, translated

CHANGE_ROWS = 6         # the change table wraps market names onto two lines
SLIDE_ROWS = 8          # table rows per slide at 18 pt; the workbook has every row
TITLE_PT, BODY_PT, TABLE_PT, MARK_PT = 30, 20, 18, 14


def to_pptx(brief: Brief, stamp: Stamp, t: I18n) -> bytes:
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    _ = t.gettext
    tables = coded(brief, t)

    def shown(code: str, drop: tuple[str, ...] = ()) -> pd.DataFrame:
        """A table with the reader's headers, less the coded columns a slide has no room for."""
        return translated(tables[code].drop(columns=list(drop)), t, brief.level)

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
                 [f"{footer(t, stamp)} · {len(prs.slides)}"], MARK_PT - 2, True, red,
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
                    if c > 0 and r > 0 and looks_numeric(value):
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
            data.add_series(name, [chart_number(v) for v in values])
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
    sections = notes_sections(brief, t)
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
    table(slide, kpi_rows(brief, t), x=Inches(0.5), w=Inches(7.4), col_widths=[3.0, 1.5, 1.9, 1.9])
    chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, week_labels(brief.weekly["week"]),
          {_("Incidents"): brief.weekly["incidents"].tolist()}, Inches(7.7), Inches(1.4), Inches(5.2),
          Inches(4.4)).name = "chart-weekly"
    text_box(slide, Inches(7.7), Inches(5.9), Inches(5.2), Inches(0.9), [_("Incidents per week, last 13 weeks")],
             16)
    if brief.suppressed:
        text_box(slide, Inches(0.5), Inches(5.3), Inches(7.0), Inches(1.4),
                 [_("Small victim counts are shown as “<5” and carry no % change.")], 16)

    # 5. Changes
    changes = tables["changes"]
    slide = new_slide(_("Change against the previous 4 and 52 weeks"))
    table(slide, display(shown("changes", ("country",) if brief.level == "adm1" else ()), t, CHANGE_ROWS),
          col_widths=[2.0, 3.2, 1.3, 1.3, 1.4, 1.3, 1.4], size=16)
    text_box(slide, Inches(0.5), Inches(6.4), width, Inches(0.5),
             [_("Top {n} of {total} area–market rows by incidents this week; every row is in the workbook.")
              .format(n=min(CHANGE_ROWS, len(changes)), total=len(changes))], 14)

    # 6. Anomalies
    slide = new_slide(_("Unusual activity this week"))
    if brief.anomalies.empty:
        text_box(slide, Inches(0.6), Inches(1.5), width, Inches(2),
                 [_("No area and market stood out against its previous {weeks} weeks ({tests} series tested).")
                  .format(weeks=ANOMALY_BASELINE, tests=t.number(brief.anomaly_tests))], BODY_PT)
    else:
        anomalies = shown("anomalies", ("explanation",))
        text_box(slide, Inches(0.6), Inches(1.3), width, Inches(2.3),
                 [f"• {s}" for s in brief.anomalies["sentence"].head(3)], 18)
        table(slide, display(anomalies, t, 3), y=Inches(3.8), col_widths=[2.2, 2.6, 1.3, 1.3, 1.3, 1.7, 2.4],
              size=16)
    text_box(slide, Inches(0.5), Inches(6.3), width, Inches(0.6),
             [_("Each admin-1 area × market tested against its previous 12 weeks; Benjamini–Hochberg "
                "false discovery rate 1 %.")], 14)

    # 7. Priorities
    slide = new_slide(_("Top 5 priority threats"))
    table(slide, display(shown("priorities"), t), col_widths=[0.8, 2.2, 2.8, 2.8, 1.5, 1.5, 1.0], size=16)
    text_box(slide, Inches(0.5), Inches(5.75), width, Inches(1.1), [_(PRIORITY_METHOD)], 12)

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
              {_(SEX_AGE_LABELS[s]): top[s].tolist() for s in SEX_AGE},
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
    incidents = tables["incidents"]
    if incidents.empty:
        text_box(slide, Inches(0.6), Inches(1.5), width, Inches(2), [_("No incidents this week.")], BODY_PT)
    else:
        table(slide, display(shown("incidents", [c for c in ("narrative", "actor", "incident_id")
                                                 if c in incidents.columns]), t), size=16)

    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
