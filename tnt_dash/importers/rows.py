"""A source file's rows as the pipeline takes them (`Item`), cut from any table whose header row
has been found: unique header texts, blank lines skipped, cells beyond the headers kept for the
reason."""
from __future__ import annotations

from dataclasses import dataclass

from .detect import nonblank


def header_cells(row: list) -> list[str]:
    """Header texts, made unique so that no cell is lost under a repeated header."""
    out, seen = [], {}
    for index, cell in enumerate(row):
        text = str(cell).replace("\u00a0", " ").strip() if cell is not None else ""
        text = text or f"column_{index + 1}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        out.append(text)
    return out


@dataclass
class Item:
    """One row of a source file as the pipeline takes it, from any reader."""
    row: int            # 1-based row number in the source file (sheet rows for workbooks)
    raw: dict           # the original cells, keyed by header (by hashtag for HXL)
    sheet: str | None = None


def table_items(rows: list[tuple[int, list]], header_index: int, headers: list[str], sheet: str | None = None):
    items = []
    for number, row in rows[header_index + 1:]:
        if not nonblank(row):
            continue   # blank lines are layout, not records
        raw = {h: (row[i] if i < len(row) else None) for i, h in enumerate(headers)}
        if sheet:
            raw["_sheet"] = sheet
        extra = [c for c in row[len(headers):] if c not in (None, "")]
        if extra:
            raw["_extra_cells"] = [str(c) for c in extra]
        items.append(Item(row=number, raw=raw, sheet=sheet))
    return items
