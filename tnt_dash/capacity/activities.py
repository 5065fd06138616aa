"""The activities register: the import template, each row validated (pydantic), and a file
written all or nothing.

Activities are video calls, newsletters, workshops, trainings, assessments, Specialized Police Team
deployments and contributions to partners' programmes, with their participants and speakers by sex
and their cost by budget line.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .. import store
from .definitions import ACTIVITY_TYPES, MAX_IMPORT_ROWS, MISSION_INTERNAL, PARTNERS
from .schema import ensure_tables
from .settings import load_budget

TEMPLATE_COLUMNS = ["activity_id", "activity_type", "title", "date_start", "date_end", "mission", "partners",
                    "participants_female", "participants_male", "participants_unknown",
                    "speakers_female", "speakers_male", "speakers_unknown", "outputs"]


class ActivityRow(BaseModel):
    """One row of the activities template. Costs arrive as cost_<budget line> columns."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    activity_id: str = Field(min_length=1, max_length=64)
    activity_type: str
    title: str = Field(min_length=1, max_length=300)
    date_start: date
    date_end: date | None = None
    mission: str | None = None
    partners: list[str] = []
    participants_female: int = Field(0, ge=0, le=100_000)
    participants_male: int = Field(0, ge=0, le=100_000)
    participants_unknown: int = Field(0, ge=0, le=100_000)
    speakers_female: int = Field(0, ge=0, le=1_000)
    speakers_male: int = Field(0, ge=0, le=1_000)
    speakers_unknown: int = Field(0, ge=0, le=1_000)
    outputs: str | None = Field(None, max_length=2000)
    costs: dict[str, float] = {}

    @field_validator("activity_type")
    @classmethod
    def _type(cls, value: str) -> str:
        if value not in ACTIVITY_TYPES:
            raise ValueError(f"unknown activity type; expected one of {', '.join(ACTIVITY_TYPES)}")
        return value

    @field_validator("partners", mode="before")
    @classmethod
    def _partners(cls, value):
        if value is None or value == "":
            return []
        raw = value if isinstance(value, list) else str(value).replace(",", ";").split(";")
        items = [p.strip().upper().replace(" ", "_") for p in raw if p.strip()]
        unknown = [p for p in items if p not in PARTNERS]
        if unknown:
            raise ValueError(f"unknown partner {', '.join(unknown)}; expected {', '.join(PARTNERS)}")
        return sorted(set(items))

    @field_validator("costs")
    @classmethod
    def _costs(cls, value: dict[str, float]) -> dict[str, float]:
        negative = [k for k, v in value.items() if v < 0]
        if negative:
            raise ValueError(f"a cost cannot be negative ({', '.join(negative)})")
        return value

    @model_validator(mode="after")
    def _dates(self):
        if self.date_end is None:
            self.date_end = self.date_start
        if self.date_end < self.date_start:
            raise ValueError("date_end is before date_start")
        if self.activity_type in MISSION_INTERNAL and "HOST_STATE" in self.partners:
            raise ValueError("PKI support is mission-internal: the host State is not a participant")
        return self


@dataclass
class RowError:
    row: int          # row number in the file as a spreadsheet shows it (header = row 1)
    field: str
    reason: str


@dataclass
class ImportResult:
    read: int
    inserted: int
    updated: int
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(path: Path) -> list[dict]:
    """Rows of a CSV or XLSX activities file as text, keyed by header."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
    elif suffix in (".xlsx", ".xlsm"):
        import openpyxl
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            values = list(sheet.iter_rows(values_only=True))
        finally:
            book.close()
        if not values:
            return []
        header = [str(h).strip() if h is not None else "" for h in values[0]]
        rows = []
        for raw in values[1:]:
            rows.append({h: ("" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)))
                         for h, v in zip(header, raw) if h})
    else:
        raise ValueError(f"{path.name}: activities are imported from .csv or .xlsx files, not {suffix or 'no extension'}")
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValueError(f"{path.name}: more than {MAX_IMPORT_ROWS:,} rows; split the file")
    return rows


def validate_rows(rows: list[dict], missions: set[str], budget_lines: set[str]) -> tuple[list[ActivityRow], list[RowError]]:
    """Every row either validates or is reported with its row number, field and reason."""
    good, errors, seen = [], [], {}
    for index, raw in enumerate(rows):
        number = index + 2
        raw = {str(k).strip(): ("" if v is None else str(v).strip()) for k, v in raw.items() if k is not None}
        if not any(raw.values()):
            continue    # a blank line in a spreadsheet is not a record
        costs, fields, row_errors = {}, {}, []
        for key, value in raw.items():
            if key.startswith("cost_"):
                line = key[5:]
                if line not in budget_lines:
                    row_errors.append(RowError(number, key, f"unknown budget line {line!r}; "
                                                            f"see tnt_dash/reference/budget.csv"))
                elif value:
                    try:
                        costs[line] = float(value)
                    except ValueError:
                        row_errors.append(RowError(number, key, f"not a number: {value!r}"))
            elif value != "" or key in ("activity_id", "activity_type", "title", "date_start"):
                fields[key] = value
        try:
            row = ActivityRow(**fields, costs=costs)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"]) or "row"
                row_errors.append(RowError(number, where, err["msg"].removeprefix("Value error, ")))
            row = None
        if row is not None:
            if row.mission is not None and row.mission not in missions:
                row_errors.append(RowError(number, "mission", f"unknown mission {row.mission!r}"))
            if row.activity_id in seen:
                row_errors.append(RowError(number, "activity_id",
                                           f"duplicate of row {seen[row.activity_id]} in this file"))
            else:
                seen[row.activity_id] = number
        if row_errors:
            errors.extend(row_errors)
        else:
            good.append(row)
    return good, errors


def import_file(con, path: Path, batch_id: str | None = None) -> ImportResult:
    """Validate the whole file, then write it in one transaction only if every row is valid.

    Nothing is half-written: a file with any bad row is rejected whole, with every bad row
    listed, so the user fixes the file and imports it again.
    """
    ensure_tables(con)
    rows = read_table(path)
    missions = {r[0] for r in con.execute("SELECT code FROM missions").fetchall()}
    good, errors = validate_rows(rows, missions, set(load_budget()["code"]))
    if errors:
        return ImportResult(read=len(rows), inserted=0, updated=0, errors=errors)
    ids = [r.activity_id for r in good]
    existing = {r[0] for r in con.execute("SELECT activity_id FROM activities WHERE activity_id IN (SELECT unnest(?))",
                                          [ids]).fetchall()} if ids else set()
    with store.transaction(con):
        if ids:
            con.execute("DELETE FROM activity_costs WHERE activity_id IN (SELECT unnest(?))", [ids])
            con.execute("DELETE FROM activities WHERE activity_id IN (SELECT unnest(?))", [ids])
        insert_rows(con, good, synthetic=False, batch_id=batch_id or Path(path).name)
    return ImportResult(read=len(rows), inserted=len(good) - len(existing), updated=len(existing), errors=[])


def insert_rows(con, rows: list[ActivityRow], synthetic: bool, batch_id: str) -> None:
    """Write validated rows and their costs (inside the caller's transaction)."""
    con.executemany(
        "INSERT INTO activities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[r.activity_id, r.activity_type, r.title, r.date_start, r.date_end, r.mission, r.partners,
          r.participants_female, r.participants_male, r.participants_unknown,
          r.speakers_female, r.speakers_male, r.speakers_unknown, r.outputs, synthetic, batch_id] for r in rows])
    costs = [[r.activity_id, line, amount] for r in rows for line, amount in r.costs.items()]
    if costs:
        con.executemany("INSERT INTO activity_costs VALUES (?, ?, ?)", costs)


def write_template(path: Path) -> Path:
    """An empty CSV template with the cost columns of the configured budget lines."""
    columns = TEMPLATE_COLUMNS + [f"cost_{code}" for code in load_budget()["code"]]
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow(columns)
    return path
