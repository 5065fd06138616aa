"""The native template: headers, one example row and, in XLSX, a data-dictionary sheet.

Every text cell goes through exports.neutralise, so a template opened in a spreadsheet can never
run a formula, whatever a future example or translation contains.
"""
from __future__ import annotations

import csv
import io

from ..exports import neutralise
from ..i18n import N_
from .fields import EXAMPLE_ROW, FIELDS


def headers(lang: str) -> list[str]:
    return [FIELDS[name][0] if lang == "fr" else name for name in FIELDS]


def dictionary_rows(t) -> list[list]:
    _ = t.gettext
    rows = [[_("Column (English)"), _("Column (French)"), _("Required"), _("Meaning")]]
    for name, (french, required, description) in FIELDS.items():
        rows.append([name, french, _("yes") if required else _("no"), _(description)])
    return rows


def csv_bytes(t) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(h) for h in headers(t.lang)])
    writer.writerow([neutralise(EXAMPLE_ROW[name]) for name in FIELDS])
    return buffer.getvalue().encode("utf-8-sig")   # BOM: Excel opens the accents correctly


def xlsx_bytes(t) -> bytes:
    import xlsxwriter
    _ = t.gettext
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#DDE6F0"})
    sheet = book.add_worksheet(_("incidents"))
    for col, header in enumerate(headers(t.lang)):
        sheet.write_string(0, col, neutralise(header), bold)
        value = EXAMPLE_ROW[list(FIELDS)[col]]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(1, col, value)
        else:
            sheet.write_string(1, col, neutralise(str(value)))
        sheet.set_column(col, col, max(12, len(header) + 2))
    sheet.freeze_panes(1, 0)
    guide = book.add_worksheet(_("dictionary"))
    for r, row in enumerate(dictionary_rows(t)):
        for c, value in enumerate(row):
            guide.write_string(r, c, neutralise(str(value)), bold if r == 0 else None)
    guide.set_column(0, 1, 28)
    guide.set_column(3, 3, 90)
    book.close()
    return buffer.getvalue()


def render(fmt: str, t) -> bytes:
    if fmt == "csv":
        return csv_bytes(t)
    if fmt == "xlsx":
        return xlsx_bytes(t)
    raise ValueError(t.gettext(N_("unknown template format {format}; expected csv or xlsx")).format(format=fmt))
