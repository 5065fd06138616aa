"""Building a store: the schema, the reference data and, for the demonstration, the synthetic
incidents and capacity-building activities; and the app's first-run open-or-build."""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import duckdb

from . import config, demo, gazetteer, geo, store
from .capacity.demo import generate_demo_activities
from .networks import register as actor_register

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
            actor_register.load_shipped(con)   # aliases, assessments and links of the actors (docs/networks.md)
            geo.load_reference_boundaries(con)   # current admin-1 outlines, so maps draw polygons offline
            store.set_meta(con, built_at=store._now().isoformat(timespec="seconds"), geography=geography_stamp())
            if demo_rows:
                demo.generate(con, rows=demo_rows, seed=seed, end=end)
                generate_demo_activities(con, seed=seed, end=end or demo.default_end())
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
    """Open-or-build for the app's first run; also brings an old store up to the current schema
    and the current admin-1 geography."""
    path = Path(path or config.db_path())
    if not path.exists():
        log.info("no store at %s: building the synthetic demo store", path)
        return build(path)
    # Check read-only first: a read-write open would fail while another process (an import,
    # a second server) holds the file, and most starts need no change.
    con = store.connect(path, read_only=True)
    try:
        current = store.schema_version(con)
        stale_geography = current > 0 and (store.get_meta(con).get("geography") != geography_stamp() or not con.execute(
            "SELECT count(*) FROM boundaries WHERE level = 'adm1'").fetchone()[0])
    finally:
        con.close()
    if current < store.SCHEMA_VERSION or stale_geography:
        con = store.connect(path)
        try:
            store.migrate(con)
            if current < TRAFFICKING_DETAIL_VERSION:
                backfill_trafficking_detail(con)
            actor_register.ensure_loaded(con)   # a store older than the actor register (018)
            if stale_geography:
                counts = refresh_geography(con)
                log.info("admin-1 geography brought up to date: %s", counts)
        finally:
            con.close()
    return path


TRAFFICKING_DETAIL_VERSION = 16   # schema/016_trafficking_detail.sql


def backfill_trafficking_detail(con) -> None:
    """A demo store built before migration 016 gets its trafficking detail drawn as a new one would
    (demo._trafficking_detail, its own random stream), so the demo reads the same either way.
    Imported stores are left as they are: their detail can only come from their own files."""
    from datetime import date
    meta = store.get_meta(con)
    if meta.get("dataset") != "synthetic-demo" or not meta.get("data_end"):
        return
    if con.execute("SELECT count(*) FROM offenders").fetchone()[0]:
        return
    with store.transaction(con):
        demo._trafficking_detail(con, int(meta.get("seed") or 7), date.fromisoformat(meta["data_end"]))


# The reference files that make up the admin-1 geography; a change to any of them reaches existing
# stores through refresh_geography.
GEOGRAPHY_TABLES = ("admin1", "admin1_former", "admin1_successors", "admin1_aliases", "mission_areas")


def geography_stamp() -> str:
    digest = hashlib.sha256()
    for file in [config.REFERENCE_DIR / f"{t}.csv" for t in GEOGRAPHY_TABLES] + [geo.REFERENCE_BOUNDARIES]:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def refresh_geography(con) -> dict[str, int]:
    """Bring a store's admin-1 reference up to the shipped one, in one transaction: the areas,
    former units, successors, aliases and mission areas are reloaded; the shipped outlines replace
    the previously shipped ones (outlines a mission imported are kept); records coded to a former
    unit move to its successor where that is certain (gazetteer.remap_former_codes); the rollups
    are rebuilt. Returns {moved, kept}: records moved, and records left on a flagged former code."""
    with store.transaction(con):
        store.load_reference(con, GEOGRAPHY_TABLES)
        con.execute("DELETE FROM boundaries WHERE level = 'adm1' AND batch_id = ?", [geo.REFERENCE_BATCH])
        geo.load_reference_boundaries(con)
        counts = gazetteer.remap_former_codes(con)
        store.refresh_rollups(con)
        store.set_meta(con, geography=geography_stamp())
    return counts
