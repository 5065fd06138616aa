"""Write a view's table to CSV, XLSX, JSON or Parquet, stamped with its marking.

Every file carries its handling marking (header and footer), the period, the data-as-of
time, the profile, and the synthetic-data notice while demo data is loaded. Cells that
a spreadsheet would run as a formula are neutralised in CSV and XLSX.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

FORMATS = ("csv", "xlsx", "json", "parquet")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Stamp:
    """What every exported file must say about itself, already in the UI language."""
    title: str
    marking: str
    lines: list[str] = field(default_factory=list)   # period, data as of, profile, demo notice, filters


def neutralise(value):
    """Prefix text that a spreadsheet would evaluate (=, +, -, @) with a quote (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _neutral_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def _plain(value):
    if value is pd.NaT:
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        # A day read through pandas comes back as a midnight timestamp: it is exported as the day.
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def to_bytes(frame: pd.DataFrame, fmt: str, stamp: Stamp) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for line in [stamp.marking, stamp.title, *stamp.lines]:
            writer.writerow([neutralise("# " + line)])
        safe = _neutral_frame(frame)
        writer.writerow(list(safe.columns))
        for row in safe.itertuples(index=False):
            writer.writerow(["" if v is None or (isinstance(v, float) and pd.isna(v)) else
                             _plain(v) if isinstance(v, (datetime, date, pd.Timestamp)) else v for v in row])
        writer.writerow([neutralise("# " + stamp.marking)])
        return buffer.getvalue().encode("utf-8-sig")   # BOM: Excel opens accents correctly
    if fmt == "json":
        payload = {"marking": stamp.marking, "title": stamp.title, "notes": stamp.lines,
                   "columns": [str(c) for c in frame.columns],
                   "rows": [[_plain(v) for v in row] for row in frame.itertuples(index=False)],
                   "marking_footer": stamp.marking}
        return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq
        table = pa.Table.from_pandas(frame.astype({c: "string" for c in frame.columns
                                                   if frame[c].dtype == object}), preserve_index=False)
        meta = {b"marking": stamp.marking.encode(), b"title": stamp.title.encode(),
                b"notes": json.dumps(stamp.lines, ensure_ascii=False).encode()}
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        return buffer.getvalue()
    return xlsx_bytes({stamp.title: frame}, stamp)


def xlsx_bytes(sheets: dict[str, pd.DataFrame], stamp: Stamp) -> bytes:
    """One sheet per table, each with the marking above and below the data."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "nan_inf_to_errors": True})
    bold = book.add_format({"bold": True})
    mark = book.add_format({"bold": True, "font_color": "#9C0006"})
    for name, frame in sheets.items():
        sheet = book.add_worksheet(_sheet_name(name, book))
        row = 0
        for line in [stamp.marking, stamp.title, *stamp.lines]:
            sheet.write_string(row, 0, neutralise(line), mark if line == stamp.marking else None)
            row += 1
        row += 1
        safe = _neutral_frame(frame)
        for col, header in enumerate(safe.columns):
            sheet.write_string(row, col, str(header), bold)
            sheet.set_column(col, col, max(12, min(40, len(str(header)) + 2)))
        for values in safe.itertuples(index=False):
            row += 1
            for col, value in enumerate(values):
                value = _plain(value)
                if value is None:
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(row, col, value)
                else:
                    sheet.write_string(row, col, str(value))
        sheet.write_string(row + 2, 0, stamp.marking, mark)
        sheet.set_header(f"&C{stamp.marking}")
        sheet.set_footer(f"&C{stamp.marking}")
    book.close()
    return buffer.getvalue()


def _sheet_name(name: str, book) -> str:
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
    existing = {ws.get_name() for ws in book.worksheets()}
    candidate, n = cleaned, 2
    while candidate in existing:
        candidate = f"{cleaned[:28]} {n}"
        n += 1
    return candidate


def write(frame: pd.DataFrame, fmt: str, stamp: Stamp, out: Path | str) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(to_bytes(frame, fmt, stamp))
    return out
