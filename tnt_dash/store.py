"""The DuckDB store: connections, versioned migrations, reference data and the rollups.

Building a store with its demonstration data is seed.py's job, one floor up: the store knows
nothing of what fills it.

Readers (pages, exports) share one read-only connection, on the newest published snapshot, and
take a cursor per query; writers (init, import) queue for the writer lock, open their own
read-write connection on the working store and work in transactions; closing it publishes a new
snapshot (snapshots.py, docs/operations.md).
"""
from __future__ import annotations

import logging
import time
import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb

from . import config, snapshots

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
REFERENCE_TABLES = ("countries", "admin1", "admin1_former", "admin1_successors", "admin1_aliases", "missions",
                    "mission_areas", "markets", "border_crossings", "actors")


class StoreError(RuntimeError):
    """The store cannot be opened or is not in a usable state."""


class StoreBusy(StoreError):
    """Another writer held the store for longer than this one would wait (TNT_WRITE_WAIT)."""


def migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(config.SCHEMA_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return found


SCHEMA_VERSION = max(version for version, _ in migrations())


def connect(path: Path | str | None = None, read_only: bool = False, version: str | None = None):
    """A connection to the store at `path` (TNT_DB).

    Read-only: on the newest published snapshot of it (or the one a snapshots.Snapshot.version
    names; a version that names none, as a test's made-up cache key, reads the newest), never on
    the working file, so a reader never blocks a writer (snapshots.py).
    Read-write: on the working file, after queueing for the writer lock; closing the connection
    publishes the change to the readers."""
    path = Path(path or config.db_path())
    if not read_only:
        try:
            snapshots.acquire(path)
        except snapshots.StoreBusy as exc:
            raise StoreBusy(str(exc)) from None
        try:
            return WriterConnection(duckdb.connect(str(path)), path)
        except BaseException:
            snapshots.release(path, publish_after=False)
            raise
    if not path.exists():
        raise StoreError(f"No store at {path}. Build it with: python -m tnt_dash init --demo")
    if version is not None and snapshots.names_a_snapshot(version):
        target = snapshots.snapshot_path(path, version)
    elif path.parent.name.endswith(".snapshots"):       # a snapshot named directly
        target = path
    else:
        target = snapshots.current(path).path
    # Serving connections get a memory ceiling (DuckDB's default is 80 % of RAM): a 10M-incident
    # store on an old laptop must not take the machine. Writers (build, import) keep the default.
    con = duckdb.connect(str(target), read_only=True, config={"memory_limit": config.duckdb_memory_limit()})
    threads = config.duckdb_threads(_incident_count(con))
    if threads is not None:
        con.execute(f"SET threads = {threads}")
    return con


class WriterConnection:
    """A read-write DuckDB connection holding the store's writer lock. Everything but closing goes
    to the DuckDB connection; closing it (or leaving a `with` block) releases the lock and, for the
    last writer of this process, publishes the store to the readers."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path):
        self._con = con
        self._path = path
        self._open = True

    def __getattr__(self, name):
        return getattr(self._con, name)

    def close(self) -> None:
        if self._open:
            self._open = False
            try:
                self._con.close()
            finally:
                snapshots.release(self._path)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        # A writer dropped without close() (an exception path that forgot it) must not keep the lock.
        if getattr(self, "_open", False):
            try:
                self.close()
            except Exception:       # noqa: BLE001 - interpreter shutdown: log, never raise from __del__
                log.exception("closing a forgotten writer connection to %s", self._path)


def _incident_count(con: duckdb.DuckDBPyConnection) -> int:
    """The number of incidents from the catalogue (no scan); 0 for a store without the table."""
    row = con.execute("SELECT estimated_size FROM duckdb_tables() WHERE table_name = 'incidents'").fetchone()
    return int(row[0]) if row else 0


def connect_writer(path: Path | str) -> duckdb.DuckDBPyConnection:
    """The one read-write connection a writer (import, release, notes, rollback) holds. A store held
    by another process is a clear StoreError, not a traceback; a path with no store is refused
    (only building a store creates one)."""
    if not Path(path).is_file():
        raise StoreError(f"No store at {path}: check the path (TNT_DB), or build one with "
                         "`python -m tnt_dash init --demo`.")
    try:
        return connect(path)
    except (duckdb.IOException, duckdb.ConnectionException) as exc:
        raise StoreError(f"The store is busy (held by another process or connection): {exc}") from None


@contextmanager
def writing(path: Path | str, keep: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """Every writer's door: the writer's connection, the store brought to the current schema, and one
    transaction on it (`transaction`). A kept change is checkpointed: the app's cache key is the file's
    mtime and size, so the change becomes visible to the pages at once."""
    con = connect_writer(path)
    try:
        migrate(con)
        with transaction(con, keep=keep):
            yield con
        if keep:
            con.execute("CHECKPOINT")
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, keep: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction on `con`: committed when the block ends (rolled back instead when `keep` is
    False, as for a dry run), rolled back on any exception, an interrupt included, which then
    propagates. Every writer uses it, so none leaves a half-applied change."""
    con.begin()
    try:
        yield con
    except BaseException:
        con.rollback()
        raise
    if keep:
        con.commit()
    else:
        con.rollback()


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration the store has not recorded, in number order, each in its own transaction.
    Not only those above the store's highest: branches land in any order, so a store already at 019
    must still get a 017 that landed after it."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
    applied = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    rollup_changed = False
    for version, path in migrations():
        if version in applied:
            continue
        with transaction(con):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, _now()])
        log.info("applied migration %s", path.name)
        rollup_changed |= path.name in ROLLUP_MIGRATIONS
    if rollup_changed:   # an older store: fill the new rollup, or its new columns, once
        set_meta(con, rollup_seconds=round(refresh_rollups(con), 2))
    return schema_version(con)


ROLLUP_MIGRATIONS = {"004_incident_weekly.sql", "005_incident_weekly_dates.sql", "006_incident_status.sql",
                     "007_incident_weekly_priority.sql", "008_release_to_host_state.sql",
                     "015_incident_weekly_harm.sql",
                     "017_cyber.sql"}   # 017: the rollups place a cyber incident at its victims' residence


STATUS_KEY = ("mission", "iso3", "admin1_code", "market", "status", "tlp", "classification", "released_to")


def refresh_rollups(con: duckdb.DuckDBPyConnection, weeks: Collection[date] | None = None) -> float:
    """Rebuild the rollups (weekly, then dateless) from the incidents; returns the seconds it took.

    Call it inside the transaction that changed the incidents: readers then see either the old
    table and the old rollup, or both new. `weeks` (ISO Mondays) limits the rebuild to the weeks
    whose records changed, and the dateless rows to the places and markets those weeks hold:
    every other rollup row sums records the change did not touch, so it is already exact. A full
    rebuild (`weeks` None) takes about 1.6 s at 1M incidents and 9 s and 2 GB at 10M on 2 cores,
    which an import of a few hundred records should not pay (tests/test_import.py checks the
    partial rebuild equals the full one after imports, corrections, rollbacks and re-submissions).
    """
    from .access import RELEASED_TO
    from .filters import place
    from .model_inputs import LINKED_COUNTRIES, model_sums
    from .queries import ARRESTS, VICTIMS, WOMEN_CHILDREN
    start = time.perf_counter()
    weeks = None if weeks is None else sorted(set(weeks))
    if weeks == []:
        return time.perf_counter() - start
    if weeks is None:
        in_weeks, params = "", []
    else:
        if any(w.weekday() != 0 for w in weeks):
            raise ValueError("rollup weeks are ISO weeks, given by their Monday")
        # The date range lets DuckDB skip row groups by their min/max dates; the list keeps it exact.
        in_weeks = ("WHERE i.date_occurred BETWEEN ? AND ? "
                    "AND date_trunc('week', i.date_occurred)::DATE = ANY(?::DATE[])")
        params = [weeks[0], weeks[-1] + timedelta(days=6), weeks]
        key = ", ".join(STATUS_KEY)
        # The dateless groups these weeks held before the change, and (below) after it.
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _touched_groups AS
                        SELECT DISTINCT {key} FROM incident_weekly WHERE week = ANY(?::DATE[])""", [weeks])
    con.execute("DELETE FROM incident_weekly" + ("" if weeks is None else " WHERE week = ANY(?::DATE[])"),
                [] if weeks is None else [weeks])
    con.execute(f"""
        INSERT INTO incident_weekly BY NAME
        SELECT date_trunc('week', i.date_occurred)::DATE AS week, i.mission, i.iso3, {place('i')} AS admin1_code, i.market,
               i.status, i.tlp, i.classification, {RELEASED_TO} AS released_to, count(*) AS incidents,
               coalesce(sum({VICTIMS}), 0) AS victims, coalesce(sum({WOMEN_CHILDREN}), 0) AS women_children,
               coalesce(sum(i.fatalities), 0) AS fatalities, coalesce(sum({ARRESTS}), 0) AS arrests,
               coalesce(sum(i.seizure_value_usd), 0) AS seizure_usd,
               min(i.date_occurred) AS first_date, max(i.date_occurred) AS last_date,
               max(i.updated_at) AS last_updated,
               {model_sums()}, {LINKED_COUNTRIES} AS linked_countries
        FROM incidents i LEFT JOIN actors ac ON ac.actor_id = i.actor_id
        {in_weeks}
        GROUP BY ALL ORDER BY week""", params)
    def status_rows(join: str = "") -> str:
        return f"""
            INSERT INTO incident_status BY NAME
            SELECT {', '.join('w.' + c for c in STATUS_KEY)}, sum(w.incidents) AS incidents,
                   min(w.first_date) AS first_date, max(w.last_date) AS last_date,
                   max(w.last_updated) AS last_updated
            FROM incident_weekly w {join} GROUP BY ALL"""

    if weeks is None:
        con.execute("DELETE FROM incident_status")
        con.execute(status_rows())
    else:
        con.execute(f"""INSERT INTO _touched_groups
                        SELECT DISTINCT {key} FROM incident_weekly WHERE week = ANY(?::DATE[])""", [weeks])

        def in_group(alias: str) -> str:   # place and market columns may be NULL
            return " AND ".join(f"{alias}.{c} IS NOT DISTINCT FROM g.{c}" for c in STATUS_KEY)
        con.execute(f"DELETE FROM incident_status s WHERE EXISTS (SELECT 1 FROM _touched_groups g WHERE {in_group('s')})")
        con.execute(status_rows(f"SEMI JOIN (SELECT DISTINCT * FROM _touched_groups) g ON {in_group('w')}"))
        con.execute("DROP TABLE _touched_groups")
    return time.perf_counter() - start


def load_reference(con: duckdb.DuckDBPyConnection, tables: Collection[str] = REFERENCE_TABLES) -> dict[str, int]:
    """Replace the reference tables (all, or `tables`) with the committed CSVs (tnt_dash/reference/)."""
    counts = {}
    for table in tables:
        if table not in REFERENCE_TABLES:
            raise ValueError(f"{table} is not a reference table")
        csv_path = config.REFERENCE_DIR / f"{table}.csv"
        con.execute(f"DELETE FROM {table}")
        # Read as text and let the typed table cast: guessing types would turn ICCS "0204" into 204.
        con.execute(
            f"INSERT INTO {table} BY NAME SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [str(csv_path)],
        )
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return counts


def set_meta(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    for key, value in values.items():
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, str(value)])


def get_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    cur = con.cursor()
    try:
        return dict(cur.execute("SELECT key, value FROM meta").fetchall())
    finally:
        cur.close()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
