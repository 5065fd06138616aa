"""Independent parts of a page's data, run a few at a time.

DuckDB runs a query without holding the GIL, so while one part waits on its query another part's
Python (pandas, protection, statistics) goes on. Each part takes its own cursor per query, which
is how a DuckDB connection is shared between threads. How many run at once is
config.parallel_parts() (TNT_PARALLEL_PARTS): 1 runs them in turn, in this thread.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from .config import parallel_parts

T = TypeVar("T")


def run_parts(parts: Mapping[str, Callable[[], T]]) -> dict[str, T]:
    """Call every part and return the results by name, in the order given.

    A part that raises makes this raise the same exception once the parts already started have
    finished (the executor waits for them), so no query outlives the call."""
    workers = min(parallel_parts(), len(parts))
    if workers <= 1:
        return {name: part() for name, part in parts.items()}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = {name: pool.submit(part) for name, part in parts.items()}
        return {name: job.result() for name, job in jobs.items()}
