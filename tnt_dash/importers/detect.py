"""Read a CSV or workbook into header + rows, whatever its encoding or delimiter, and guess its format.

Nothing here executes the file: workbooks are read as cell values only (formulas as their cached
values, macros never run).
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import N_
from ..names import norm_header

FORMATS = ("auto", "native", "acled", "hxl", "gitoc", "unodc", "justice")
DEFAULT_MAX_MB = 50


class FileUnreadable(Exception):
    """The file could not be read at all: nothing is imported. args = (msgid, params)."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid, params)
        self.msgid, self.params = msgid, params

    def message(self, t) -> str:
        return t.gettext(self.msgid).format(**self.params)


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list]]          # (1-based row number in the file, cells)


@dataclass
class Source:
    name: str
    sheets: list[Sheet]
    encoding: str | None = None
    delimiter: str | None = None
    workbook: bool = False
    notes: list[str] = field(default_factory=list)


def max_bytes() -> int:
    raw = os.environ.get("TNT_IMPORT_MAX_MB") or str(DEFAULT_MAX_MB)
    try:
        return int(float(raw) * 1024 * 1024)
    except ValueError:
        raise FileUnreadable(N_("TNT_IMPORT_MAX_MB must be a number of megabytes, got {value}"), value=raw) from None


def read_bytes(path: Path) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise FileUnreadable(N_("No such file: {name}"), name=path.name)
    limit = max_bytes()
    size = path.stat().st_size
    if size > limit:
        raise FileUnreadable(N_("The file is {size} MB; the limit is {limit} MB (TNT_IMPORT_MAX_MB)."),
                             size=f"{size / 1048576:.1f}", limit=f"{limit / 1048576:g}")
    data = path.read_bytes()
    if not data.strip():
        raise FileUnreadable(N_("The file is empty."))
    return data


def decode(data: bytes) -> tuple[str, str]:
    """UTF-16 with its byte-order mark (Excel's "Unicode text"); UTF-8 (with or without BOM); else
    Windows-1252, the usual French Excel export; else Latin-1."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise FileUnreadable(N_("The file says it is UTF-16 text but is not valid UTF-16.")) from None
    if b"\x00" in data[:4096]:
        raise FileUnreadable(N_("This is not a text file (binary content)."))
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileUnreadable(N_("The file's text encoding could not be recognised."))   # latin-1 never fails


def _delimiter(text: str) -> str:
    sample = "\n".join(line for line in text.splitlines()[:50] if line.strip())
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        # The sniffer gives up on irregular rows; the most frequent candidate on the header line is a fair guess.
        first = sample.splitlines()[0] if sample else ""
        return max(",;\t|", key=first.count)


def read_csv(data: bytes, name: str) -> Source:
    text, encoding = decode(data)
    delimiter = _delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [(n, row) for n, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise FileUnreadable(N_("The CSV file is malformed: {error}"), error=str(exc)) from None
    return Source(name=name, sheets=[Sheet(name="csv", rows=rows)], encoding=encoding, delimiter=delimiter)


def read_workbook(data: bytes, name: str) -> Source:
    """Cell values only, through calamine (Rust, about 25x faster than openpyxl on the 60,000-row UNODC
    exports); it reads cached values and never evaluates formulas or runs macros."""
    import python_calamine as calamine
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for sheet_name in book.sheet_names:
            values = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            sheets.append(Sheet(name=sheet_name, rows=[(n, list(row)) for n, row in enumerate(values, start=1)]))
    except (calamine.CalamineError, calamine.PasswordError, calamine.XmlError, calamine.ZipError) as exc:
        raise FileUnreadable(N_("The workbook could not be opened: {error}"), error=str(exc) or type(exc).__name__) from None
    if not sheets:
        raise FileUnreadable(N_("The workbook has no sheet."))
    return Source(name=name, sheets=sheets, workbook=True)


def read_source(path: Path, display_name: str | None = None) -> tuple[Source, bytes]:
    data = read_bytes(path)
    name = display_name or Path(path).name
    if data[:4] == b"PK\x03\x04":
        return read_workbook(data, name), data
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileUnreadable(N_("Old binary Excel files (.xls) are not read; save the file as .xlsx or CSV."))
    return read_csv(data, name), data


def cell_text(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\u00a0", " ").strip()


def nonblank(row: list) -> bool:
    return any(cell_text(c) for c in row)


def detect(source: Source) -> str:
    names = [s.name for s in source.sheets]
    if any(_gitoc_sheet(n) for n in names):
        return "gitoc"
    first = source.sheets[0]
    head = [r for _, r in first.rows[:30] if nonblank(r)]
    if head and cell_text(head[0][0]).upper() == "UNODC":
        return "unodc"
    if any(unodc_header(row) for row in head[:5]):      # a portal export saved without its banner rows
        return "unodc"
    if head:
        header = {cell_text(c).lower() for c in head[0]}
        if {"event_id_cnty", "event_date", "event_type"} <= header:
            return "acled"
    if head and justice_header(head[0]):               # offenders through the justice chain
        return "justice"
    for row in head[:25]:
        cells = [cell_text(c) for c in row if cell_text(c)]
        if cells and sum(c.startswith("#") for c in cells) >= max(1, len(cells) // 2):
            return "hxl"
    return "native"


# The header of every UNODC data-portal export (GLOTIP, CTS, IAFQ...: txtVALUE or VALUE) and of its SDG file.
UNODC_PORTAL = {"iso3_code", "indicator", "year"}
UNODC_SDG = {"iso3_code", "series", "year", "value"}


# The header of an offenders file (importers/justice.py): an incident, a stage and a count, in English or French.
JUSTICE_COLUMNS = ({"incident_id", "identifiant"}, {"stage", "etape", "etape_judiciaire"},
                   {"persons", "personnes", "nombre", "count", "offenders", "auteurs"})


def justice_header(cells) -> bool:
    names = {norm_header(c) for c in cells}
    return all(names & column for column in JUSTICE_COLUMNS)


def unodc_header(cells) -> bool:
    lower = {cell_text(c).lower() for c in cells}
    return (UNODC_PORTAL <= lower and bool(lower & {"txtvalue", "value"})) or UNODC_SDG <= lower


def _gitoc_sheet(name: str) -> bool:
    import re
    return bool(re.fullmatch(r"(19|20)\d\d_dataset", name.strip().lower()))
