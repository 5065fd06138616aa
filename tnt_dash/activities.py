"""Capacity building and knowledge sharing: the SOC Focal Point Network's activities.

Activities (video calls, newsletters, workshops, trainings, assessments, Specialized Police
Team deployments, contributions to partners' programmes), their participants and speakers by
sex, their cost by budget line, and the PKI / crime-intelligence assessment scores.

The tables are created here (`ensure_tables`) rather than by a schema migration, so a store
built before this module existed simply has none of them: every reader checks
`tables_present` first and the page says "no activities loaded".

Sex is recorded as female / male / unknown and never imputed (DOMAIN.md §3): the share of
women is taken over people whose sex is known, and the unknown count is reported beside it.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import store
from .access import Profile
from .config import REFERENCE_DIR
from .figures import GRID, PALETTE, _layout, figure, json_dates, update_layout
from .filters import Filters, reads_only
from .i18n import I18n, N_

PARITY_TARGET = 0.5
CRITERIA_CSV = REFERENCE_DIR / "assessment_criteria.csv"
BUDGET_CSV = REFERENCE_DIR / "budget.csv"

ACTIVITY_TYPES = {
    "video_call": N_("Monthly video call"),
    "newsletter": N_("Newsletter"),
    "workshop": N_("Capacity-building workshop"),
    "training_crime": N_("In-mission training on criminality"),
    "training_pki": N_("In-mission training on peacekeeping-intelligence"),
    "assessment": N_("PKI and crime-intelligence assessment"),
    "spt_deployment": N_("Specialized Police Team deployment"),
    "partner_contribution": N_("Contribution to a partner's programme"),
    # The project document's mitigation when travel is impossible (a pandemic): support at a distance.
    "remote_pki_support": N_("Remote PKI support"),
    "online_workshop": N_("Online workshop"),
    "gender_consultation": N_("Consultation with the Police Gender Officer and female police networks"),
    # The answer to the turnover risk the document names: a roster with rotation dates and a handover pack.
    "handover": N_("Focal-point handover with the handover pack"),
}
# Partners named in the project document: the Global Focal Point arrangement for the Police, Justice and
# Corrections Areas (UNDP, OHCHR, UNODC, as a whole or one by one), INTERPOL, police-contributing countries
# (which supply the Specialized Police Teams) and, for crime trainings only, the host State.
PARTNERS = ("UNODC", "INTERPOL", "UNDP", "OHCHR", "GFP", "PCC", "HOST_STATE")
PARTNER_LABELS = {"HOST_STATE": N_("Host State"), "GFP": N_("Global Focal Point arrangement (UNDP, OHCHR, UNODC)"),
                  "PCC": N_("Police-contributing countries")}
# The project document's implementation period; the demo's activities fall in it.
IMPLEMENTATION = (date(2024, 1, 1), date(2024, 12, 31))
MISSION_INTERNAL = ("training_pki", "remote_pki_support")   # PKI support: the host State takes no part
AREAS = {"pki": N_("Peacekeeping-intelligence"), "crime_intel": N_("Crime intelligence")}
NETWORK_WIDE = N_("Network-wide")
NETWORK = "__network__"     # the unit code of activities with no mission
SEXES = ("female", "male", "unknown")
MAX_IMPORT_ROWS = 100_000

DDL = """
CREATE TABLE IF NOT EXISTS activities (
    activity_id VARCHAR PRIMARY KEY,
    activity_type VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    date_start DATE NOT NULL,
    date_end DATE NOT NULL,
    mission VARCHAR,                       -- NULL: network-wide (calls, newsletter, workshop)
    partners VARCHAR[] NOT NULL,
    participants_female INTEGER NOT NULL, participants_male INTEGER NOT NULL,
    participants_unknown INTEGER NOT NULL,
    speakers_female INTEGER NOT NULL, speakers_male INTEGER NOT NULL, speakers_unknown INTEGER NOT NULL,
    outputs VARCHAR,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    batch_id VARCHAR
);
CREATE TABLE IF NOT EXISTS activity_costs (
    activity_id VARCHAR NOT NULL,
    budget_line VARCHAR NOT NULL,
    amount_usd DOUBLE NOT NULL,
    PRIMARY KEY (activity_id, budget_line)
);
CREATE TABLE IF NOT EXISTS assessments (
    assessment_id VARCHAR NOT NULL,
    mission VARCHAR NOT NULL,
    assessed_on DATE NOT NULL,
    criterion VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (assessment_id, criterion)
);
CREATE TABLE IF NOT EXISTS focal_points (
    mission VARCHAR NOT NULL,
    post VARCHAR NOT NULL,                 -- 'focal_point' | 'alternate'
    holder VARCHAR NOT NULL,               -- a post number, never a name
    start_date DATE NOT NULL,
    rotation_due DATE NOT NULL,            -- end of the deployment: the handover is due before it
    handover_pack BOOLEAN NOT NULL,        -- the handover pack is ready for the successor
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (mission, post, start_date)
);
CREATE TABLE IF NOT EXISTS budget_lines (
    code VARCHAR PRIMARY KEY, label_en VARCHAR NOT NULL, label_fr VARCHAR NOT NULL, amount_usd DOUBLE NOT NULL
);
"""


def ensure_tables(con) -> None:
    """Create this module's tables if missing and refresh budget_lines from budget.csv (writers only)."""
    from . import library
    con.execute(DDL)
    library.ensure_tables(con)
    budget = load_budget()
    con.execute("DELETE FROM budget_lines")
    con.executemany("INSERT INTO budget_lines VALUES (?, ?, ?, ?)",
                    budget[["code", "label_en", "label_fr", "amount_usd"]].values.tolist())


def tables_present(con, *names: str) -> bool:
    """True if every named table exists: a store built before this module has none of them."""
    names = names or ("activities", "activity_costs", "assessments")
    cur = con.cursor()
    try:
        # duckdb_tables() rather than information_schema.tables: half the time, on every page view.
        found = cur.execute("SELECT count(DISTINCT table_name) FROM duckdb_tables() "
                            f"WHERE table_name IN ({', '.join('?' * len(names))})", list(names)).fetchone()[0]
    finally:
        cur.close()
    return found == len(names)


def _df(con, sql: str, params: list | None = None) -> pd.DataFrame:
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.close()


# --- Configuration ------------------------------------------------------------------------------

class ConfigError(ValueError):
    """A configuration file (criteria, budget) that the user edited cannot be read."""


def _read_config(path: Path, required: tuple[str, ...], numeric: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ConfigError(f"{path.name}: missing column(s) {', '.join(missing)}")
    if frame["code"].duplicated().any():
        raise ConfigError(f"{path.name}: duplicate code(s) {', '.join(frame.loc[frame['code'].duplicated(), 'code'])}")
    for column in numeric:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.loc[values.isna() | (values < 0), "code"].tolist()
        if bad:
            raise ConfigError(f"{path.name}: {column} must be a number ≥ 0 (rows {', '.join(bad)})")
        frame[column] = values.astype(float)
    return frame


def load_criteria(path: Path | None = None) -> pd.DataFrame:
    """The assessment criteria the user defines: code, area (pki | crime_intel), labels, max_score."""
    path = Path(path or CRITERIA_CSV)
    frame = _read_config(path, ("code", "area", "label_en", "label_fr", "max_score"), ("max_score",))
    bad = sorted(set(frame["area"]) - set(AREAS))
    if bad:
        raise ConfigError(f"{path.name}: area must be one of {', '.join(AREAS)} (got {', '.join(bad)})")
    if (frame["max_score"] <= 0).any():
        raise ConfigError(f"{path.name}: max_score must be above 0")
    return frame


def load_budget(path: Path | None = None) -> pd.DataFrame:
    """The budget by line, as configured: code, labels, amount_usd."""
    return _read_config(Path(path or BUDGET_CSV), ("code", "label_en", "label_fr", "amount_usd"), ("amount_usd",))


# --- Import ---------------------------------------------------------------------------------------

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
        _insert(con, good, synthetic=False, batch_id=batch_id or Path(path).name)
    return ImportResult(read=len(rows), inserted=len(good) - len(existing), updated=len(existing), errors=[])


def _insert(con, rows: list[ActivityRow], synthetic: bool, batch_id: str) -> None:
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


# --- Demo -----------------------------------------------------------------------------------------

DEMO_MISSIONS = ("MINUSCA", "MONUSCO", "UNMISS", "UNISFA", "UNFICYP", "UNMIK", "BINUH", "MINURSO", "UNTMIS")


def generate_demo_activities(con, seed: int = 7, end: date | None = None) -> int:
    """The project's implementation period (IMPLEMENTATION, January-December 2024) as the project
    document plans it, flagged synthetic: monthly calls, the newsletter, one Focal Point Network
    workshop (15-20 participants and key partners), in-mission trainings, visits and assessments,
    remote PKI support and online workshops, consultations with the Police Gender Officer and female
    police networks, Specialized Police Teams (supplied by Member States, at no cost to the project),
    and a focal-point roster whose rotations are handed over with the handover pack.

    Costs use the document's budget lines and stay within them; programme support is 13 % of each
    activity's direct costs. Records after `end` (a store that ends earlier) are left out."""
    from . import library
    ensure_tables(con)
    end = end or date.today()
    start, stop = IMPLEMENTATION
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(42,)))
    budget = load_budget().set_index("code")["amount_usd"]
    rows: list[ActivityRow] = []

    def people(n: int, women: float) -> tuple[int, int, int]:
        unknown = int(rng.binomial(n, 0.05))
        female = int(rng.binomial(n - unknown, women))
        return female, n - unknown - female, unknown

    def add(kind: str, day: date, mission: str | None, title: str, n: int, women: float, speakers: int,
            partners: list[str], costs: dict[str, float], days: int = 1, outputs: str | None = None) -> None:
        pf, pm, pu = people(n, women)
        sf, sm, su = people(speakers, women)
        rows.append(ActivityRow(
            activity_id=f"DEMO-{len(rows) + 1:04d}", activity_type=kind, title=title, date_start=day,
            date_end=day + timedelta(days=days - 1), mission=mission, partners=partners,
            participants_female=pf, participants_male=pm, participants_unknown=pu,
            speakers_female=sf, speakers_male=sm, speakers_unknown=su, outputs=outputs, costs=costs))

    def day_in(first: int = 0, last: int = 365) -> date:
        return start + timedelta(days=int(rng.integers(first, last)))

    month = start
    while month <= stop:
        call = month + timedelta(days=(1 - month.weekday()) % 7 + 7)   # second Tuesday
        add("video_call", call, None, f"SOC Focal Point Network call {call:%Y-%m}", int(rng.integers(14, 24)),
            0.38, 3, [], {})
        issue = month + timedelta(days=27)
        if month.month % 3 != 0:     # no issue in the quarter's closing month
            add("newsletter", issue, None, f"SOC network newsletter {issue:%Y-%m}", 0, 0.4, 0, [], {},
                outputs="Newsletter issue")
        month = (month + timedelta(days=32)).replace(day=1)
    workshop = day_in(120, 240)
    focal_points, key_partners = int(rng.integers(15, 21)), int(rng.integers(4, 7))
    add("workshop", workshop, None, "Annual SOC Focal Point Network workshop", focal_points + key_partners, 0.45, 8,
        ["GFP", "UNODC", "INTERPOL", "OHCHR", "PCC"],
        {"travel_workshop": budget["travel_workshop"] * rng.uniform(0.9, 0.98),
         "conference_services": budget["conference_services"] * rng.uniform(0.85, 0.98)}, days=4,
        outputs=f"{focal_points} focal points and {key_partners} key partners; workshop report; updated work plan")
    for offset in (60, 270):
        add("online_workshop", day_in(offset, offset + 30), None, "Online workshop of the SOC Focal Point Network",
            int(rng.integers(18, 30)), 0.42, 4, ["GFP", "UNODC"], {}, outputs="Recording and summary shared")
    women_by_mission = dict(zip(DEMO_MISSIONS, (0.34, 0.31, 0.42, 0.22, 0.6, 0.55, 0.36, 0.28, 0.3)))
    visits = []     # in-mission activities paid from the travel line, scaled to it below
    for mission in DEMO_MISSIONS:
        women = women_by_mission[mission]
        for _ in range(int(rng.integers(1, 3))):
            visits.append(len(rows))
            add("training_crime", day_in(20, 340), mission, f"{ACTIVITY_TYPES['training_crime']} – {mission}",
                int(rng.integers(12, 35)), women, int(rng.integers(2, 5)), ["GFP", "UNODC", "HOST_STATE"],
                {"travel_missions": rng.uniform(2500, 5000)}, days=int(rng.integers(2, 6)),
                outputs="Participants trained; post-course test")
        visits.append(len(rows))
        add("training_pki", day_in(20, 340), mission, f"{ACTIVITY_TYPES['training_pki']} – {mission}",
            int(rng.integers(10, 25)), women, int(rng.integers(2, 4)), [],
            {"travel_missions": rng.uniform(2000, 4000)}, days=int(rng.integers(2, 4)),
            outputs="Mission staff trained (mission-internal)")
        for first, last in ((30, 120), (240, 330)):
            visits.append(len(rows))
            add("assessment", day_in(first, last), mission, f"PKI and crime-intelligence assessment – {mission}", 0,
                0.5, 0, [], {"travel_missions": rng.uniform(1500, 3000)}, days=3, outputs="Assessment report")
        for _ in range(int(rng.integers(1, 4))):
            add("remote_pki_support", day_in(), mission, f"{ACTIVITY_TYPES['remote_pki_support']} – {mission}",
                int(rng.integers(2, 8)), women, 1, [], {}, outputs="PKI products reviewed at a distance")
        add("gender_consultation", day_in(30, 330), mission, f"Consultation with the Police Gender Officer and "
            f"female police network – {mission}", int(rng.integers(6, 20)), max(women, 0.75), 1, [], {},
            outputs="Gender considerations in the mission's SOC work plan")
        if rng.random() < 0.5:
            add("spt_deployment", day_in(30, 300), mission, f"Specialized Police Team on crime intelligence – {mission}",
                int(rng.integers(8, 20)), women, 4, ["PCC"], {}, days=int(rng.integers(30, 90)),
                outputs="Crime-intelligence unit mentored; team supplied by a Member State")
        if rng.random() < 0.4:
            add("partner_contribution", day_in(), mission, f"Contribution to INTERPOL regional operation – {mission}",
                int(rng.integers(5, 15)), women, 1, ["INTERPOL"], {}, days=2, outputs="Mission briefing to the operation")
    # The in-mission travel spends a share of its budget line; programme support is 13 % of direct costs.
    direct = sum(rows[i].costs["travel_missions"] for i in visits)
    scale = budget["travel_missions"] * rng.uniform(0.88, 0.97) / direct
    for i in visits:
        rows[i].costs["travel_missions"] *= scale
    for row in rows:
        row.costs = {k: round(v, -1) for k, v in row.costs.items()}
        if row.costs:
            row.costs["programme_support"] = round(0.13 * sum(row.costs.values()), -1)

    roster, handovers = _demo_roster(rng, women_by_mission)
    for mission, day, holder in handovers:
        add("handover", day, mission, f"Focal-point handover – {mission}", 2, women_by_mission[mission], 0, [], {},
            outputs=f"Handover pack passed on by {holder}: contacts, open files, reporting calendar, PKI products")
    rows = sorted((r for r in rows if r.date_start <= end), key=lambda r: (r.date_start, r.activity_id))
    _insert(con, rows, synthetic=True, batch_id=f"demo-{seed}")
    con.executemany("INSERT INTO focal_points VALUES (?, ?, ?, ?, ?, ?, TRUE)",
                    [r for r in roster if r[3] <= end])

    criteria = load_criteria()
    scores = []
    for mission in DEMO_MISSIONS:
        level = rng.uniform(0.25, 0.6)
        for activity in (r for r in rows if r.activity_type == "assessment" and r.mission == mission):
            for c in criteria.itertuples():
                score = float(np.clip(round(c.max_score * (level + rng.normal(0, 0.12))), 0, c.max_score))
                scores.append([activity.activity_id, mission, activity.date_start, c.code, score, True])
            level = min(1.0, level + rng.uniform(0.03, 0.15))   # capacity grows between assessments
    if scores:
        con.executemany("INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?)", scores)
    library.generate_demo_documents(con)
    return len(rows)


def _demo_roster(rng, missions) -> tuple[list[tuple], list[tuple]]:
    """Each mission's focal point and alternate, deployed for about a year, rotating through the
    implementation period; a handover (with the pack, nine times in ten) before each rotation."""
    start, stop = IMPLEMENTATION
    roster, handovers = [], []
    for mission in missions:
        for n, post in enumerate(("focal_point", "alternate")):
            began = start - timedelta(days=int(rng.integers(30, 330)))
            number = 1
            while began <= stop:
                due = began + timedelta(days=int(rng.integers(330, 396)))
                holder = f"{mission}-{'FP' if n == 0 else 'ALT'}-{number:02d}"
                ready = bool(rng.random() < 0.9) if due <= stop + timedelta(days=60) else False
                roster.append((mission, post, holder, began, due, ready))
                if start <= due <= stop and ready:
                    handovers.append((mission, due - timedelta(days=int(rng.integers(5, 20))), holder))
                began, number = due, number + 1
    return roster, handovers


@reads_only("date_from", "date_to", "missions")
def focal_point_roster(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """The roster in the selected missions for the tenures that overlap the period: who holds each
    post (a post number, never a name), since when, when the rotation is due and whether the handover
    pack is ready. Mission-internal: empty on a shared screen."""
    columns = ["mission", "post", "holder", "start_date", "rotation_due", "handover_pack"]
    if not profile.sees_internal or not tables_present(con, "focal_points"):
        return pd.DataFrame(columns=columns)
    t = _i18n(lang)
    clauses, params = [], []
    if filters.date_from:
        clauses.append("rotation_due >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append("start_date <= ?")
        params.append(filters.date_to)
    if filters.missions:
        clauses.append("mission IN (SELECT unnest(?))")
        params.append(list(filters.missions))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    frame = _df(con, f"SELECT {', '.join(columns)} FROM focal_points {where} ORDER BY mission, post, start_date", params)
    frame["post"] = frame["post"].map({"focal_point": t.gettext("Focal point"), "alternate": t.gettext("Alternate")})
    return frame


# --- Queries --------------------------------------------------------------------------------------

SCOPE_FIELDS = ("date_from", "date_to", "missions")    # all that _scope reads


def _scope(filters: Filters, alias: str = "a", date_column: str = "date_start") -> tuple[str, list]:
    """Activities follow the sidebar's period and missions; an activity counts where it starts."""
    clauses, params = [], []
    if filters.date_from:
        clauses.append(f"{alias}.{date_column} >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append(f"{alias}.{date_column} <= ?")
        params.append(filters.date_to)
    if filters.missions:
        clauses.append(f"{alias}.mission IN ({', '.join('?' * len(filters.missions))})")
        params.extend(filters.missions)
    return " AND ".join(clauses) or "TRUE", params




def _type_label(t: I18n, code: str) -> str:
    return t.gettext(ACTIVITY_TYPES.get(code, code))


def _mission_label(t: I18n, mission) -> str:
    return mission if isinstance(mission, str) and mission and mission != NETWORK else t.gettext(NETWORK_WIDE)


@reads_only(*SCOPE_FIELDS)
def monthly_counts(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """month, activity_type, type_label, activities: the calendar's heat strip."""
    if not tables_present(con):
        return pd.DataFrame(columns=["month", "activity_type", "type_label", "activities"])
    where, params = _scope(filters)
    frame = _df(con, f"""SELECT date_trunc('month', a.date_start)::DATE AS month, a.activity_type,
                                count(*) AS activities
                         FROM activities a WHERE {where} GROUP BY ALL ORDER BY month""", params)
    t = _i18n(lang)
    frame["type_label"] = frame["activity_type"].map(lambda c: _type_label(t, c))
    return frame


@reads_only(*SCOPE_FIELDS)
def counts_by_mission(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """Rows: mission (or network-wide); columns: activity types; values: activities."""
    if not tables_present(con):
        return pd.DataFrame()
    where, params = _scope(filters)
    frame = _df(con, f"""SELECT a.mission, a.activity_type, count(*) AS n FROM activities a
                         WHERE {where} GROUP BY ALL""", params)
    t = _i18n(lang)
    if frame.empty:
        return pd.DataFrame()
    frame["mission"] = frame["mission"].map(lambda m: _mission_label(t, m))
    frame["activity_type"] = frame["activity_type"].map(lambda c: _type_label(t, c))
    table = frame.pivot_table(index="mission", columns="activity_type", values="n", aggfunc="sum", fill_value=0)
    table[t.gettext("Total")] = table.sum(axis=1)
    table = table.sort_values(t.gettext("Total"), ascending=False).astype(int)
    table.index.name = t.gettext("Mission")
    return table.reset_index()


@reads_only(*SCOPE_FIELDS)
def parity(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """Participants and speakers by sex per mission (and network-wide), with the share of women.

    share = female / (female + male): people of unknown sex are left out of the share, never
    guessed, and reported in their own column. A unit whose share is below the 50 % target is
    flagged; a unit with no one of known sex has no share (None) and is not flagged.
    """
    columns = ["mission", "unit_label", "participants_female", "participants_male", "participants_unknown",
               "share_participants", "speakers_female", "speakers_male", "speakers_unknown", "share_speakers",
               "below_target"]
    if not tables_present(con):
        return pd.DataFrame(columns=columns)
    where, params = _scope(filters)
    frame = _df(con, f"""
        SELECT a.mission,
               sum(participants_female)::BIGINT AS participants_female, sum(participants_male)::BIGINT AS participants_male,
               sum(participants_unknown)::BIGINT AS participants_unknown,
               sum(speakers_female)::BIGINT AS speakers_female, sum(speakers_male)::BIGINT AS speakers_male,
               sum(speakers_unknown)::BIGINT AS speakers_unknown,
               grouping(a.mission) AS is_total
        FROM activities a WHERE {where}
        GROUP BY GROUPING SETS ((a.mission), ())
        ORDER BY is_total, a.mission NULLS FIRST""", params)
    if frame.empty or frame["participants_female"].isna().all():
        return pd.DataFrame(columns=columns)
    t = _i18n(lang)
    # Network-wide activities have no mission (NULL) like the grand total: grouping() tells them apart.
    frame["mission"] = frame["mission"].astype(object).where(frame["mission"].notna(), NETWORK)
    frame.loc[frame["is_total"] == 1, "mission"] = "__total__"
    labels = {"__total__": t.gettext("All activities")}
    frame["unit_label"] = frame["mission"].map(lambda m: labels.get(m) or _mission_label(t, m))
    for who in ("participants", "speakers"):
        f, m = frame[f"{who}_female"].astype(int), frame[f"{who}_male"].astype(int)
        known = f + m
        frame[f"share_{who}"] = [None if k == 0 else fv / k for fv, k in zip(f, known)]
    frame["below_target"] = [any(s is not None and s < PARITY_TARGET for s in pair)
                             for pair in zip(frame["share_participants"], frame["share_speakers"])]
    return frame[columns]


@reads_only(*SCOPE_FIELDS)
def parity_summary(con, filters: Filters, profile: Profile, lang: str) -> dict:
    """For the weekly brief's appendix: overall shares, the target, and the units below it.

    Returns {"activities", "share_participants", "share_speakers", "unknown_participants",
    "target", "below_target": [unit labels], "sentence"} in the language `lang`.
    """
    t = _i18n(lang)
    table = parity(con, filters, profile, lang)
    if table.empty:
        return {"activities": 0, "share_participants": None, "share_speakers": None, "unknown_participants": 0,
                "target": PARITY_TARGET, "below_target": [], "sentence": t.gettext("No activities loaded.")}
    where, params = _scope(filters)
    n = _df(con, f"SELECT count(*) AS n FROM activities a WHERE {where}", params)["n"].iloc[0]
    total = table.iloc[-1]
    units = table.iloc[:-1]
    below = units.loc[units["below_target"], "unit_label"].tolist()
    sentence = t.gettext("Women were {participants} of participants and {speakers} of speakers in {n} activities "
                         "(target {target}); below target: {units}.").format(
        participants=_share(t, total["share_participants"]), speakers=_share(t, total["share_speakers"]),
        n=t.number(int(n)), target=t.percent(PARITY_TARGET), units=", ".join(below) or "–")
    return {"activities": int(n), "share_participants": total["share_participants"],
            "share_speakers": total["share_speakers"], "unknown_participants": int(total["participants_unknown"]),
            "target": PARITY_TARGET, "below_target": below, "sentence": sentence}


@reads_only(*SCOPE_FIELDS)
def assessment_scores(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """Per mission × assessment × criterion: score, max and area, for the scorecard and trend.

    Criteria come from assessment_criteria.csv as the user edited it; a stored score for a
    criterion no longer configured is left out. Empty under a profile that must not see them.
    """
    columns = ["mission", "assessed_on", "criterion", "criterion_label", "area", "area_label", "score", "max_score"]
    if not profile.sees_internal or not tables_present(con):
        return pd.DataFrame(columns=columns)
    where, params = _scope(filters, "s", "assessed_on")
    frame = _df(con, f"""SELECT s.mission, s.assessed_on, s.criterion, s.score FROM assessments s
                         WHERE {where} ORDER BY s.mission, s.assessed_on""",
                params)
    criteria = load_criteria()
    t = _i18n(lang)
    frame = frame.merge(criteria, left_on="criterion", right_on="code", how="inner")
    frame["criterion_label"] = frame[f"label_{t.lang}"]
    frame["area_label"] = frame["area"].map(lambda a: t.gettext(AREAS[a]))
    return frame[columns]


def scorecard(scores: pd.DataFrame, t: I18n) -> pd.DataFrame:
    """The latest assessment of each mission: % of the maximum per criterion (rows) and mission (columns)."""
    if scores.empty:
        return pd.DataFrame()
    latest = scores[scores["assessed_on"] == scores.groupby("mission")["assessed_on"].transform("max")]
    latest = latest.assign(pct=(latest["score"] / latest["max_score"] * 100).round(0))
    table = latest.pivot_table(index=["area_label", "criterion_label"], columns="mission", values="pct",
                               aggfunc="mean", sort=False)
    table.index.names = [t.gettext("Area"), t.gettext("Criterion")]
    return table.reset_index()


def assessment_trend(scores: pd.DataFrame) -> pd.DataFrame:
    """mission, assessed_on, area, pct: each area's score as % of its maximum, per assessment."""
    if scores.empty:
        return pd.DataFrame(columns=["mission", "assessed_on", "area", "area_label", "pct"])
    grouped = scores.groupby(["mission", "assessed_on", "area", "area_label"], as_index=False)[["score", "max_score"]].sum()
    grouped["pct"] = grouped["score"] / grouped["max_score"] * 100
    return grouped[["mission", "assessed_on", "area", "area_label", "pct"]]


@reads_only(*SCOPE_FIELDS)
def spending(con, filters: Filters, profile: Profile, lang: str) -> pd.DataFrame:
    """Spent (activities in the period) against the configured budget, per budget line."""
    columns = ["code", "label", "budget_usd", "spent_usd", "share_spent"]
    if not profile.sees_internal or not tables_present(con):
        return pd.DataFrame(columns=columns)
    where, params = _scope(filters)
    spent = _df(con, f"""SELECT c.budget_line AS code, sum(c.amount_usd) AS spent_usd
                         FROM activity_costs c JOIN activities a USING (activity_id)
                         WHERE {where} GROUP BY ALL""", params)
    budget = load_budget()
    t = _i18n(lang)
    frame = budget.merge(spent, on="code", how="outer")
    frame["label"] = frame[f"label_{t.lang}"].fillna(frame["code"] + " (" + t.gettext("not in the budget") + ")")
    frame["budget_usd"] = frame["amount_usd"].fillna(0.0)
    frame["spent_usd"] = frame["spent_usd"].fillna(0.0)
    frame["share_spent"] = [None if b == 0 else s / b for s, b in zip(frame["spent_usd"], frame["budget_usd"])]
    return frame[columns]


@reads_only(*SCOPE_FIELDS)
def totals(con, filters: Filters, profile: Profile, lang: str) -> dict:
    """Headline numbers for the page."""
    if not tables_present(con):
        return {"activities": 0, "participants": 0, "missions": 0}
    where, params = _scope(filters)
    row = _df(con, f"""SELECT count(*) AS activities,
                              coalesce(sum(participants_female + participants_male + participants_unknown), 0) AS participants,
                              count(DISTINCT mission) AS missions FROM activities a WHERE {where}""", params).iloc[0]
    return {k: int(row[k]) for k in ("activities", "participants", "missions")}


def activities_view(con, filters: Filters, profile: Profile, t: I18n, destination: str = "export"):
    """Export view "activities": one row per activity; costs only for UN-internal profiles."""
    from .presented import View
    names = {"activity_id": N_("Activity"), "type_label": N_("Type"), "title": N_("Title"),
             "date_start": N_("Start"), "date_end": N_("End"), "mission_label": N_("Mission"),
             "partners": N_("Partners"), "participants_female": N_("Participants, women"),
             "participants_male": N_("Participants, men"), "participants_unknown": N_("Participants, sex unknown"),
             "speakers_female": N_("Speakers, women"), "speakers_male": N_("Speakers, men"),
             "speakers_unknown": N_("Speakers, sex unknown"), "outputs": N_("Outputs"),
             "cost_usd": N_("Cost (USD)")}
    if not profile.sees_internal:
        names.pop("cost_usd")
    title = t.gettext("Capacity-building activities")
    if not tables_present(con):
        return View("activities", title, pd.DataFrame(columns=[t.gettext(v) for v in names.values()]))
    where, params = _scope(filters)
    frame = _df(con, f"""SELECT a.*, coalesce((SELECT sum(amount_usd) FROM activity_costs c
                                             WHERE c.activity_id = a.activity_id), 0) AS cost_usd
                         FROM activities a WHERE {where} ORDER BY a.date_start, a.activity_id""", params)
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame["type_label"] = frame["activity_type"].map(lambda c: _type_label(t, c))
    frame["mission_label"] = frame["mission"].map(lambda m: _mission_label(t, m))
    frame["partners"] = frame["partners"].map(lambda ps: "; ".join(partner_label(t, p) for p in ps))
    return View("activities", title, frame[list(names)].rename(columns={k: t.gettext(v) for k, v in names.items()}))


def _share(t: I18n, value) -> str:
    return "–" if value is None or pd.isna(value) else t.percent(value)


def partner_label(t: I18n, code: str) -> str:
    return t.gettext(PARTNER_LABELS[code]) if code in PARTNER_LABELS else code


def _i18n(lang: str) -> I18n:
    from . import i18n
    return i18n.get(lang)


# --- Figures (pure: frame in, Figure out) ---------------------------------------------------------

def calendar_figure(counts: pd.DataFrame, t: I18n, period: str) -> go.Figure:
    """Monthly heat strip: one row per activity type, one column per month, colour = activities."""
    _ = t.gettext
    # The same table as pivot_table(index="type_label", columns="month", aggfunc="sum", fill_value=0), in half the time.
    table = counts.groupby(["type_label", "month"])["activities"].sum().unstack("month", fill_value=0)
    months = [t.date(m, "MMM y") for m in table.columns]
    z = table.to_numpy().tolist()
    fig = figure([dict(
        type="heatmap", z=z, x=months, y=list(table.index), texttemplate="%{text}",
        text=[[str(v) if v else "" for v in row] for row in z],   # blank, not 0: the eye finds the busy months
        colorscale=[[0, "#F2F2F2"], [0.001, "#D6E6F4"], [1, PALETTE[0]]], xgap=2, ygap=2,
        colorbar={"title": {"text": _("Activities")}},
        hovertemplate="%{y} · %{x}: %{z}<extra></extra>")],
        {"xaxis": {"title": {"text": _("Month (start of the activity)")}, "side": "bottom"},
         "yaxis": {"autorange": "reversed"}})
    fig = _layout(fig, _("Activities per month by type, {period}").format(period=period), 120 + 34 * len(table))
    update_layout(fig, separators=t.plotly_separators, margin={"l": 10, "r": 20, "t": 56, "b": 10})
    return fig


def parity_figure(table: pd.DataFrame, t: I18n, period: str) -> go.Figure:
    """Share of women among participants and speakers per unit, with the 50 % target line."""
    _ = t.gettext
    data = table[table["mission"] != "__total__"].iloc[::-1]
    units = data["unit_label"].tolist()
    traces = []
    for column, name, colour in (("share_participants", _("Participants"), PALETTE[0]),
                                 ("share_speakers", _("Speakers"), PALETTE[1])):
        values = [None if v is None or v != v else v * 100 for v in data[column].tolist()]
        traces.append(dict(type="bar", y=units, x=values, name=name, orientation="h", marker={"color": colour},
                           text=[None if v is None else t.percent(v / 100) for v in values], textposition="outside",
                           cliponaxis=False, hovertemplate="%{y}: %{x:.0f} %<extra>" + name + "</extra>"))
    target = PARITY_TARGET * 100
    # The dashed target line and its label, as fig.add_vline(..., annotation_position="top") makes them.
    fig = figure(traces, {
        "shapes": [{"type": "line", "x0": target, "x1": target, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                    "line": {"color": PALETTE[3], "dash": "dash", "width": 2}}],
        "annotations": [{"text": _("Parity target 50%"), "showarrow": False, "x": target, "xref": "x",
                         "xanchor": "center", "y": 1, "yref": "y domain", "yanchor": "bottom"}],
        "xaxis": {"title": {"text": _("Women (% of participants or speakers of known sex)")}, "range": [0, 105],
                  "gridcolor": GRID}})
    fig = _layout(fig, _("Share of women among people of known sex, by mission, {period}").format(period=period),
                  140 + 44 * len(data))
    update_layout(fig, barmode="group", separators=t.plotly_separators, legend={"orientation": "h", "y": -0.12},
                      margin={"l": 10, "r": 50, "t": 56, "b": 10})
    return fig


def scorecard_figure(card: pd.DataFrame, t: I18n) -> go.Figure:
    """The scorecard as a heat map: criteria (rows) × missions (columns), % of the maximum."""
    _ = t.gettext
    area, criterion = _("Area"), _("Criterion")
    missions = [c for c in card.columns if c not in (area, criterion)]
    values = card[missions].to_numpy(dtype=float).tolist()
    fig = figure([dict(
        type="heatmap", z=values, x=missions, y=[f"{a} · {c}" for a, c in zip(card[area], card[criterion])],
        text=[["" if v != v else f"{v:.0f}" for v in row] for row in values], texttemplate="%{text}",
        zmin=0, zmax=100, colorscale=[[0, "#F7F7F7"], [1, PALETTE[0]]], xgap=2, ygap=2,
        colorbar={"title": {"text": _("% of the maximum")}},
        hovertemplate="%{y}<br>%{x}: %{z:.0f} %<extra></extra>")],
        {"yaxis": {"autorange": "reversed"}, "xaxis": {"side": "top"}})
    fig = _layout(fig, _("Latest assessment per mission: score as % of the maximum, by criterion"),
                  140 + 40 * len(card))
    update_layout(fig, separators=t.plotly_separators, margin={"l": 10, "r": 20, "t": 90, "b": 10})
    return fig


def trend_figure(trend: pd.DataFrame, t: I18n, area: str) -> go.Figure:
    """Score over successive assessments, one line per mission, for one area."""
    _ = t.gettext
    data = trend[trend["area"] == area]
    traces = [dict(type="scatter", x=json_dates(rows["assessed_on"]), y=rows["pct"].tolist(), mode="lines+markers",
                   name=mission,
                   line={"color": PALETTE[n % len(PALETTE)], "dash": ("solid", "dot", "dash")[n // len(PALETTE) % 3]},
                   hovertemplate=mission + " · %{x}: %{y:.0f} %<extra></extra>")
              for n, (mission, rows) in enumerate(data.groupby("mission"))]
    fig = figure(traces, {"yaxis": {"title": {"text": _("Score (% of the maximum)")}, "range": [0, 100],
                                    "gridcolor": GRID},
                          "xaxis": {"title": {"text": _("Date of the assessment")}}})
    fig = _layout(fig, _("{area}: assessment score by mission, successive assessments").format(
        area=t.gettext(AREAS[area])), 380)
    update_layout(fig, separators=t.plotly_separators)
    return fig


def spending_figure(frame: pd.DataFrame, t: I18n, period: str) -> go.Figure:
    """Budget and spending per budget line, USD."""
    _ = t.gettext
    data = frame.iloc[::-1]
    labels = data["label"].tolist()
    traces = []
    for column, name, colour in (("budget_usd", _("Budget"), PALETTE[5]), ("spent_usd", _("Spent"), PALETTE[0])):
        values = data[column].tolist()
        traces.append(dict(type="bar", y=labels, x=values, name=name, orientation="h", marker={"color": colour},
                           text=[t.number(v) for v in values], textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{x:,.0f} USD<extra>" + name + "</extra>"))
    fig = figure(traces, {"xaxis": {"title": {"text": _("US dollars")}, "rangemode": "tozero", "gridcolor": GRID}})
    fig = _layout(fig, _("Spending against the budget by budget line, {period}").format(period=period),
                  160 + 60 * len(data))
    update_layout(fig, barmode="group", separators=t.plotly_separators, margin={"l": 10, "r": 80, "t": 56, "b": 10})
    return fig


# --- Command line (wired into tnt_dash/cli.py) ------------------------------------------------------

def add_cli_parsers(sub) -> None:
    p = sub.add_parser("activities", help="capacity-building activities: import a CSV/XLSX file, write the template")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("import", help="validate and import an activities file (all rows or none)")
    a.add_argument("file", type=Path)
    a = actions.add_parser("template", help="write an empty CSV template with the configured cost columns")
    a.add_argument("file", type=Path)

    p = sub.add_parser("docs", help="the good-practice library: add or search documents")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("add", help="add a PDF, DOCX or Markdown document with its marking and tags")
    a.add_argument("file", type=Path)
    a.add_argument("--tlp", required=True, help="TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED")
    a.add_argument("--classification", required=True, help="UNCLASSIFIED, CONFIDENTIAL or STRICTLY CONFIDENTIAL")
    a.add_argument("--title", help="default: the document's first line")
    a.add_argument("--language", default="en", help="en, fr, ar, es, pt or other")
    a.add_argument("--market", action="append", default=[], help="market code (repeatable)")
    a.add_argument("--mission", action="append", default=[], help="mission code (repeatable)")
    a.add_argument("--tags", nargs="*", default=[], help="free tags, e.g. --tags checkpoints mentoring")
    a = actions.add_parser("search", help="search titles, tags and text (within your profile's clearance)")
    a.add_argument("text", nargs="*", help="words that must all appear; none lists every document")
    a.add_argument("--json", action="store_true")


def cmd_activities(args) -> int:
    import sys
    if args.action == "template":
        write_template(args.file)
        print(f"wrote the activities template to {args.file}")
        return 0
    if not args.file.exists():
        raise ValueError(f"no such file: {args.file}")
    from . import config, store
    con = store.connect_writer(args.db or config.db_path())
    try:
        result = import_file(con, args.file)
    finally:
        con.close()
    if result.errors:
        for e in result.errors:
            print(f"row {e.row}, {e.field}: {e.reason}", file=sys.stderr)
        print(f"rejected {args.file}: {len(result.errors)} problem(s) in {len({e.row for e in result.errors})} "
              f"row(s); nothing was imported", file=sys.stderr)
        return 1
    print(f"imported {args.file}: {result.inserted} new, {result.updated} replaced ({result.read} rows read)")
    return 0


def cmd_docs(args) -> int:
    import json
    from . import access, config, library, store
    if args.action == "add":
        if not args.file.is_file():
            raise ValueError(f"no such file: {args.file}")
        added = library.add_document_to(args.db or config.db_path(), args.file.name, args.file.read_bytes(),
                                        tlp=args.tlp.upper(), classification=args.classification.upper(),
                                        title=args.title, language=args.language, markets=args.market,
                                        missions=args.mission, tags=args.tags)
        print(f"{'replaced' if added.replaced else 'added'} {added.doc_id} “{added.title}”: "
              f"{added.characters:,} characters of text indexed")
        return 0
    profile = access.server_profile()
    con = store.connect(args.db or config.db_path(), read_only=True)
    try:
        found = library.search(con, profile, " ".join(args.text))
    finally:
        con.close()
    if args.json:
        print(json.dumps([{"doc_id": r.doc_id, "title": r.title, "tlp": r.tlp, "classification": r.classification,
                           "tags": list(r.tags), "snippet": r.snippet} for r in found.itertuples()]))
    else:
        for r in found.itertuples():
            print(f"{r.doc_id}  {r.tlp:<16} {r.classification:<22} {r.title}")
        print(f"{len(found)} document(s) visible to the {profile.name} profile")
    return 0


CLI_COMMANDS = {"activities": cmd_activities, "docs": cmd_docs}
