"""Building a store: the schema, the reference data and, for the demonstration, the synthetic
incidents and capacity-building activities; and the app's first-run open-or-build."""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import duckdb

from . import activities, config, demo, geo, store

log = logging.getLogger(__name__)


def build(path: Path | str, demo_rows: int | None = 50_000, seed: int = 7, end=None) -> Path:
    """Build a complete store at `path`, atomically: a half-built file is never left behind.

    The store is written to a temporary file beside `path` and renamed into place, so a
    reader (or a second process racing to build on first run) sees either nothing or a
    complete store.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".building", dir=path.parent)
    os.close(fd)
    os.unlink(tmp_name)  # DuckDB wants to create the file itself
    try:
        con = duckdb.connect(tmp_name)
        try:
            store.migrate(con)
            store.load_reference(con)
            geo.load_reference_boundaries(con)   # current admin-1 outlines, so maps draw polygons offline
            store.set_meta(con, built_at=store._now().isoformat(timespec="seconds"))
            if demo_rows:
                demo.generate(con, rows=demo_rows, seed=seed, end=end)
                activities.generate_demo_activities(con, seed=seed, end=end or demo.default_end())
            store.set_meta(con, rollup_seconds=round(store.refresh_rollups(con), 2))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp_name, path)
    finally:
        for leftover in (tmp_name, tmp_name + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return path


def ensure_store(path: Path | str | None = None) -> Path:
    """Open-or-build for the app's first run; also brings an old store up to the current schema."""
    path = Path(path or config.db_path())
    if not path.exists():
        log.info("no store at %s: building the synthetic demo store", path)
        return build(path)
    # Check read-only first: a read-write open would fail while another process (an import,
    # a second server) holds the file, and most starts need no migration.
    con = store.connect(path, read_only=True)
    try:
        current = store.schema_version(con)
        # A store built before the admin-1 outlines were shipped gets them, if its admin1 table is
        # the current reference (older codes would have no polygon and vanish from the map).
        add_outlines = current > 0 and not con.execute(
            "SELECT count(*) FROM boundaries WHERE level = 'adm1'").fetchone()[0] and geo.reference_boundaries_fit(con)
    finally:
        con.close()
    if current < store.SCHEMA_VERSION or add_outlines:
        con = store.connect(path)
        try:
            store.migrate(con)
            if add_outlines:
                with store.transaction(con):
                    geo.load_reference_boundaries(con)
        finally:
            con.close()
    return path
