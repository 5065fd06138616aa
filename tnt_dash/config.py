"""Where things live, and the few settings the server (never the viewer) controls."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PROJECT_DIR / "data"
REFERENCE_DIR = PACKAGE_DIR / "reference"
SCHEMA_DIR = PACKAGE_DIR / "schema"
LOCALE_DIR = PACKAGE_DIR / "locale"
GEO_CACHE_DIR = DATA_DIR / "geo"


def db_path() -> Path:
    """The store's file: TNT_DB if set, else data/tnt.duckdb."""
    return Path(os.environ.get("TNT_DB") or DATA_DIR / "tnt.duckdb")


def mission() -> str | None:
    """The mission this server serves (TNT_MISSION, e.g. MONUSCO): the weekly brief's default scope.
    Unset: a regional server, whose brief opens on the mission busiest in view (brief/mission.py)."""
    value = os.environ.get("TNT_MISSION", "").strip().upper()
    return value or None


def suppression_threshold() -> int:
    """Counts below this are shown as "<k" outside the UN (DOMAIN.md §3; UNODC uses 5)."""
    return int(os.environ.get("TNT_SUPPRESS_BELOW", "5"))


def duckdb_memory_limit() -> str:
    """DuckDB's memory ceiling for the app's read-only connections (TNT_DUCKDB_MEMORY, e.g. 512MB)."""
    return os.environ.get("TNT_DUCKDB_MEMORY", "1GB")


# Up to this many incidents, a serving connection runs each query on one thread (see duckdb_threads).
ONE_THREAD_UP_TO = 2_000_000


def duckdb_threads(incidents: int) -> int | None:
    """Threads DuckDB gives one query on the app's read-only connections (TNT_DUCKDB_THREADS: a
    number, or "auto"); None leaves DuckDB's default, one per core.

    The pages already run their queries two at a time (parallel_parts), and most are small: on a
    store of a million incidents a second thread per query only adds scheduling, and one thread
    made the brief, gender, trends, map and priorities reruns 5-10 % faster. On ten million, the
    large scans (map, home) need both cores, so "auto" keeps the default above ONE_THREAD_UP_TO."""
    value = os.environ.get("TNT_DUCKDB_THREADS", "auto").strip().lower()
    if value == "auto":
        return 1 if incidents <= ONE_THREAD_UP_TO else None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"TNT_DUCKDB_THREADS must be a number of threads (1 or more) or 'auto', got {value!r}")
    return int(value)


def parallel_parts() -> int:
    """How many independent parts of a page's data run at once (tnt_dash/parallel.py: the brief's,
    the gender page's, a page's call_together group), from TNT_PARALLEL_PARTS, default 2: this
    project's machines have two cores. 1 runs them in turn."""
    value = int(os.environ.get("TNT_PARALLEL_PARTS", "2"))
    if value < 1:
        raise ValueError(f"TNT_PARALLEL_PARTS must be 1 or more, got {value}")
    return value
