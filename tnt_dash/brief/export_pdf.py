"""The weekly brief as a PDF (A4 landscape): the marking in every page's header and footer, a
Unicode font where the system has one, plain ASCII signs where it does not."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..exports import Stamp
from ..i18n import I18n
from .definitions import ANOMALY_BASELINE, PRIORITY_METHOD
from .export_text import display, footer, kpi_rows
from .notes import sections as notes_sections
from .pack import Brief
from .tables import coded, translated

PDF_ROWS = 15


# Unicode TrueType fonts that render French accents, "≤" and "–" (Debian fonts-dejavu-core, then
# fonts-liberation). Without any of them the PDF falls back to Helvetica and plain ASCII signs.
PDF_FONTS = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
]


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
    footer_text = footer(t, stamp)

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
            self.multi_cell(0, 4, safe(f"{footer_text} · {self.page_no()}/{{nb}}"), align="C")
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

    tables = coded(brief, t)

    def shown(code: str, drop: tuple[str, ...] = ()) -> pd.DataFrame:
        return translated(tables[code].drop(columns=list(drop)), t, brief.level)

    pdf.add_page()
    pdf.set_font(family, "B", 20)
    pdf.multi_cell(0, 10, safe(_("Weekly brief: serious and organized crime")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 14)
    pdf.cell(0, 8, safe(t.week(brief.week)), new_x="LMARGIN", new_y="NEXT")
    paragraph(stamp.lines, 10)
    for title, items in notes_sections(brief, t):
        heading(title)
        paragraph([f"• {item}" for item in items], 12)
    heading(_("Summary"))
    paragraph([f"• {line}" for line in brief.summary], 12)
    heading(_("Appendix: gender parity in capacity building, last 52 weeks"))
    paragraph(brief.appendix, 11)
    heading(_("Key figures for the week"))
    table(kpi_rows(brief, t), widths=(3, 1.4, 1.4, 1.4))

    pdf.add_page()
    heading(_("Change against the previous 4 and 52 weeks"))
    changes = tables["changes"]
    table(display(shown("changes"), t, PDF_ROWS), size=9)
    paragraph([_("Top {n} of {total} area–market rows by incidents this week; every row is in the workbook.")
               .format(n=min(PDF_ROWS, len(changes)), total=len(changes))], 9)

    pdf.add_page()
    heading(_("Unusual activity this week"))
    if brief.anomalies.empty:
        paragraph([_("No area and market stood out against its previous {weeks} weeks ({tests} series tested).")
                   .format(weeks=ANOMALY_BASELINE, tests=t.number(brief.anomaly_tests))])
    else:
        table(display(shown("anomalies", ("explanation",)), t), size=9)
        paragraph([f"• {s}" for s in brief.anomalies["sentence"]], 10)
    heading(_("Top 5 priority threats"))
    table(display(shown("priorities"), t), size=9)
    paragraph([_(PRIORITY_METHOD)], 9)

    pdf.add_page()
    heading(_("Victims by sex and age, by market"))
    if brief.victims_withheld:
        paragraph([_("The breakdown is withheld: this week's counts are too small to publish safely.")])
    elif brief.victims.empty:
        paragraph([_("No victims recorded this week.")])
    else:
        table(display(shown("victims"), t), size=9)
        if brief.victims_grouped:
            paragraph([brief.victims_grouped_note(t)], 9)
    heading(_("Hotspots: incidents by admin-1 area"))
    table(display(shown("hotspots"), t, 10), size=9)

    pdf.add_page()
    heading(_("Notable incidents (highest harm)"))
    incidents = tables["incidents"]
    if incidents.empty:
        paragraph([_("No incidents this week.")])
    else:
        table(display(shown("incidents", [c for c in ("narrative", "actor") if c in incidents.columns]), t),
              size=8)
    return bytes(pdf.output())
