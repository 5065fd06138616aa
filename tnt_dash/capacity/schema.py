"""The capacity-building tables: created here (`ensure_tables`) rather than by a schema migration,
so a store built before them simply has none. Every reader checks `tables_present` first and the
page says "no activities loaded"."""
from __future__ import annotations

from . import library
from .settings import load_budget

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
    """Create the capacity tables (and the library's) if missing and refresh budget_lines from
    budget.csv (writers only)."""
    con.execute(DDL)
    library.ensure_tables(con)
    budget = load_budget()
    con.execute("DELETE FROM budget_lines")
    con.executemany("INSERT INTO budget_lines VALUES (?, ?, ?, ?)",
                    budget[["code", "label_en", "label_fr", "amount_usd"]].values.tolist())


def tables_present(con, *names: str) -> bool:
    """True if every named table exists: a store built before them has none."""
    names = names or ("activities", "activity_costs", "assessments")
    cur = con.cursor()
    try:
        # duckdb_tables() rather than information_schema.tables: half the time, on every page view.
        found = cur.execute("SELECT count(DISTINCT table_name) FROM duckdb_tables() "
                            f"WHERE table_name IN ({', '.join('?' * len(names))})", list(names)).fetchone()[0]
    finally:
        cur.close()
    return found == len(names)
