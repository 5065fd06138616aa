"""The brief's files: slides, PDF and workbook, built on the server from one `Brief`, each stamped
with the marking (presented.stamp). The page's download buttons and the `brief` command call `render`.

Above the brief's computation: it imports the file writers (tnt_dash.exports), which nothing that
computes the brief imports.
"""
from __future__ import annotations

from ..exports import Stamp, xlsx_bytes
from ..i18n import I18n
from .export_pdf import to_pdf
from .export_pptx import to_pptx
from .pack import Brief
from .tables import tables


def to_xlsx(brief: Brief, stamp: Stamp, t: I18n) -> bytes:
    """Every table behind the brief, one sheet each (exports.xlsx_bytes stamps and neutralises)."""
    return xlsx_bytes(tables(brief, t), stamp)


FORMATS = {"pptx": to_pptx, "pdf": to_pdf, "xlsx": to_xlsx}
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def render(fmt: str, brief: Brief, stamp: Stamp, t: I18n) -> bytes:
    try:
        return FORMATS[fmt](brief, stamp, t)
    except KeyError:
        raise ValueError(f"unknown brief format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
