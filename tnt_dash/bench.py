"""`python -m tnt_dash bench`: how fast each page is, measured, printed, never asserted.

One module though long: the page timings, the child-process scripts and the printed verdicts are one
command, and all read and write the one result layout (`run`'s dict).

For a store of N demo incidents it reports, per page, the full server-side script run
(AppTest, in-process) cold (caches cleared), warm (a filter change that misses the
cache) and cached, as p50/p95 over several runs, and its first view in a new process (the
first visitor after a server start, imports included); the bytes each page sends to the
browser; peak RSS; the store build time; and the same aggregations done "the pandas
way" (all rows in one DataFrame, then filter and groupby) side by side, with the ratio.
Each figure is printed beside its target (TARGETS).
"""
from __future__ import annotations

import contextlib
import gc
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import config

TARGETS = {
    "warm_p50_ms": {1_000_000: 250, 10_000_000: 500},
    "first_page_s": {1_000_000: 3.0},
    "peak_rss_mb": {10_000_000: 1536},
    "payload_kb": {"any": 1024},
    "speedup_vs_pandas": {10_000_000: 10},
}


# The analyst sees every record unsuppressed; the commissioner's screen and the shared screen
# suppress small victim counts, which is work of its own that an analyst-only run never shows.
PROFILES = ("analyst", "commissioner", "shared")
# The speed check's fastest reading on the build machine (docs/performance.md): a missed target says
# how much slower than that the machine ran, since every page time moves with it.
QUIET_SPEED_CHECK_MS = 45.0


@dataclass
class PageTiming:
    page: str
    profile: str = "analyst"
    cold_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    cached_ms: list[float] = field(default_factory=list)
    payload_bytes: int = 0
    exception: str | None = None
    fresh_start_ms: float | None = None


def speed_check_ms(repeats: int = 5) -> float:
    """Milliseconds a fixed pure-Python workload takes, median of `repeats`.

    A shared virtual machine can run the same work much slower from one hour to the next, even
    within one run, and every page time moves with it: the report carries this figure so that two runs can
    be compared."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i * i % 7
        times.append((time.perf_counter() - start) * 1000)
    return round(sorted(times)[len(times) // 2], 1)


def _cpu_ticks() -> tuple[int, int] | None:
    """(all, stolen) CPU ticks since boot from /proc/stat; None where there is none (not Linux)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(fields), (fields[7] if len(fields) > 7 else 0)


def _stolen_pct(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """Share of the CPU time the hypervisor gave to others ("steal") between two readings."""
    if before is None or after is None or after[0] <= before[0]:
        return None
    return round(100 * (after[1] - before[1]) / (after[0] - before[0]), 1)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def _payload(at) -> int:
    total = 0

    def walk(node):
        nonlocal total
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ByteSize"):
            total += proto.ByteSize()
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    return total


def _pages() -> list[str]:
    return sorted(f"pages/{p.name}" for p in (config.PROJECT_DIR / "pages").glob("*.py"))


@contextlib.contextmanager
def server_script_cache():
    """One compiled-script cache for every AppTest run inside, as a Streamlit server keeps one for
    all its sessions and reruns. AppTest builds a new cache on each run, so each of its reruns
    compiled the page again, a cost no rerun on the server pays. Yields the
    cache, for a cold run to clear: the first run after start does compile."""
    from unittest import mock

    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    cache = ScriptCache()
    with mock.patch.object(app_test, "ScriptCache", lambda: cache), \
            mock.patch.object(local_script_runner, "ScriptCache", lambda: cache):
        yield cache


def time_pages(runs: int = 5, profile: str = "analyst") -> list[PageTiming]:
    with server_script_cache() as scripts:
        return _time_pages(runs, profile, scripts)


def _time_pages(runs: int, profile: str, scripts) -> list[PageTiming]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    app = str(config.PROJECT_DIR / "app.py")
    results = []
    markets = ["arms_trafficking", "human_trafficking", "illicit_mining", "kidnapping_for_ransom",
               "migrant_smuggling", "extortion"]
    for page in _pages():
        timing = PageTiming(page, profile)

        def run(at):
            # Collect the previous runs' garbage first (as timeit does): otherwise a collection of
            # the harness's discarded AppTest trees lands inside whichever page runs next.
            gc.collect()
            start = time.perf_counter()
            at.run()
            return (time.perf_counter() - start) * 1000

        for i in range(runs):
            st.cache_data.clear()
            st.cache_resource.clear()
            scripts.clear()
            at = AppTest.from_file(app, default_timeout=600)
            at.switch_page(page)
            timing.cold_ms.append(run(at))
            if at.exception:
                timing.exception = at.exception[0].message
                break
            timing.payload_bytes = max(timing.payload_bytes, _payload(at))
            timing.cached_ms.append(run(at))
            # A filter the cache has not seen: another market each time, set on the sidebar widget.
            widget = at.multiselect(key="market")
            widget.set_value([markets[i % len(markets)]])
            timing.warm_ms.append(run(at))
            if at.exception:
                timing.exception = at.exception[0].message
                break
        results.append(timing)
    return results


PANDAS_PEER = r"""
import json, sys, time, resource
import duckdb
start = time.perf_counter()
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SET enable_progress_bar = false")
v = ["v_female_child","v_female_adult","v_female_unknown","v_male_child","v_male_adult","v_male_unknown",
     "v_unknown_child","v_unknown_adult","v_unknown_unknown"]
# Only the columns these aggregations read: SELECT * of 10M incidents (50 columns, narratives
# included) would need about 25 GB. A generous peer; the ratio is the more conservative for it.
cols = ["incident_id", "date_occurred", "status", "market", "admin1_code", "fatalities", *v]
df = con.execute(f"SELECT {', '.join(cols)} FROM incidents").df()
load = time.perf_counter() - start
times = []
for market in ["arms_trafficking", "human_trafficking", "illicit_mining", "kidnapping_for_ransom", "migrant_smuggling"]:
    t0 = time.perf_counter()
    sel = df[(df.status == "validated") & (df.market == market)]
    sel = sel.assign(victims=sel[v].sum(axis=1), week=sel.date_occurred.dt.to_period("W").dt.start_time)
    weekly = sel.groupby("week")[["victims", "fatalities"]].sum()
    by_area = sel.groupby("admin1_code").agg(incidents=("incident_id", "size"), victims=("victims", "sum"))
    by_market = df[df.status == "validated"].groupby("market").size()
    times.append(time.perf_counter() - t0)
print(json.dumps({"load_s": load, "agg_s": sorted(times)[len(times) // 2],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def duckdb_same_work(path: Path) -> float:
    """Our query layer doing the peer's aggregations, uncached: median seconds."""
    from . import access, queries, store
    from .filters import Filters

    con = store.connect(path, read_only=True)
    times = []
    try:
        for market in ["arms_trafficking", "human_trafficking", "illicit_mining", "kidnapping_for_ransom",
                       "migrant_smuggling"]:
            f = Filters(markets=(market,))
            t0 = time.perf_counter()
            queries.weekly_kpis(con, f, access.ANALYST, *_week_span(con))
            queries.admin1_totals(con, f, access.ANALYST, "en")
            queries.market_totals(con, Filters(), access.ANALYST, "en")
            times.append(time.perf_counter() - t0)
    finally:
        con.close()
    return sorted(times)[len(times) // 2]


def _week_span(con):
    from datetime import timedelta
    first, last = con.execute("SELECT min(date_occurred), max(date_occurred) FROM incidents").fetchone()
    return first - timedelta(days=first.weekday()), last - timedelta(days=last.weekday())


_PREPARE = """
import json, resource, sys, time
from pathlib import Path
from tnt_dash import seed
path, rows = sys.argv[1], int(sys.argv[2])
build_s = None
if not Path(path).exists():
    start = time.perf_counter()
    seed.build(path, demo_rows=rows, seed=7)
    build_s = round(time.perf_counter() - start, 1)
seed.ensure_store(path)
print(json.dumps({"build_s": build_s, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


_IMPORT = """
import csv, json, random, resource, sys, tempfile, time, uuid
from datetime import date, timedelta
from pathlib import Path
from tnt_dash import store
from tnt_dash.importers import ledger, pipeline
path, records = sys.argv[1], int(sys.argv[2])
con = store.connect(path, read_only=True)
try:
    meta = store.get_meta(con)
    before = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
finally:
    con.close()
if meta.get("dataset") != "synthetic-demo":
    print(json.dumps({"skipped": "not a synthetic demo store: the benchmark imports into demo stores only"}))
    sys.exit(0)
end = date.fromisoformat(meta["data_end"])
rnd, run = random.Random(7), uuid.uuid4().hex[:8]
with tempfile.TemporaryDirectory() as tmp:
    batch = Path(tmp) / "bench_batch.csv"
    with batch.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["incident_id", "date_occurred", "iso3", "admin1_code", "market", "v_female_adult",
                      "v_male_child", "source_reliability", "info_credibility", "classification", "tlp", "status"])
        for i in range(records):   # the last two weeks, as a weekly return from the field would be
            out.writerow([f"BENCH-{run}-{i}", (end - timedelta(days=rnd.randrange(14))).isoformat(), "CAF", "CF-BGF",
                          rnd.choice(["arms_trafficking", "human_trafficking", "illicit_mining"]), rnd.randrange(3),
                          rnd.randrange(2), "B", 2, "UNCLASSIFIED", "TLP:GREEN", "validated"])
    start = time.perf_counter()
    report = pipeline.run_import(path, batch, user="bench")
    imported = time.perf_counter() - start
start = time.perf_counter()
ledger.rollback(path, report.batch_id, user="bench")
rolled_back = time.perf_counter() - start
con = store.connect(path, read_only=True)
try:
    after = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
finally:
    con.close()
print(json.dumps({"records": report.inserted, "import_s": round(imported, 2), "rollback_s": round(rolled_back, 2),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  "incidents_restored": after == before}))
"""


_FIRST_PAGE = """
import json, sys, time
import streamlit   # a server has imported Streamlit before its first session connects
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest
app, page = sys.argv[1], sys.argv[2]
at = AppTest.from_file(app, default_timeout=600)
# A server's Runtime scans the installed packages for components when it starts, before any
# session; AppTest does it in its first run, so it is done before the clock starts.
components = BidiComponentManager()
components.discover_and_register_components(start_file_watching=False)
at._bidi_component_manager = components
at.switch_page(page)
start = time.perf_counter()
at.run()
print(json.dumps({"ms": round((time.perf_counter() - start) * 1000, 1),
                  "exception": at.exception[0].message if at.exception else None}))
"""


def fresh_start_ms(page: str) -> dict:
    """The first view of `page` in a new process, as the first visitor after the server starts
    sees it: every import of the app's own modules and libraries (pandas, plotly, SciPy...), the
    store's first connection and every query. The cold runs in the benchmark's own process clear
    Streamlit's caches but not Python's modules, so they leave the imports out (most of a first
    view). The store is read under TNT_DB and TNT_PROFILE as set."""
    return _child(_FIRST_PAGE, [str(config.PROJECT_DIR / "app.py"), page], f"the first view of {page} in a new process")


def _child(script: str, args: list[str], what: str) -> dict:
    """Run `script` in a new Python process from the project directory; its last line of output,
    JSON, is the answer. A failure raises with `what` and the end of the child's error output."""
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=config.PROJECT_DIR, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def import_check(db: Path, records: int = 200) -> dict:
    """What an analyst's import costs: `records` new incidents in the store's last two weeks,
    imported and then rolled back (so the store ends as it began; both stay in its audit log), in a
    child process that reports its peak RSS. Only on a synthetic demo store: a benchmark does not
    write into real data."""
    return _child(_IMPORT, [str(Path(db).resolve()), str(records)], f"the import check on {db}")


def prepare_store(db: Path, rows: int) -> dict:
    """Build the store if it is missing and bring an older one up to the current schema and rollups,
    in a child process: a build or a rollup rebuild is not a page, and at 10M either would set the
    page process's peak RSS (2.0 GB for the rollup rebuild alone). Returns the build's seconds (None
    when the store was reused) and the child's peak RSS."""
    return _child(_PREPARE, [str(Path(db).resolve()), str(rows)], f"preparing the benchmark store {db}")


def run(rows: int, runs: int = 5, db: Path | None = None, peer: bool = True,
        profiles: tuple[str, ...] = PROFILES) -> dict:
    from . import store

    db = Path(db or config.DATA_DIR / f"bench_{rows}.duckdb")
    prepared = prepare_store(db, rows)
    # Before the pages, while no connection holds the store; the rollback leaves the incidents as
    # they were, so the pages read the same data.
    imported = import_check(db)
    con = store.connect(db, read_only=True)
    try:
        meta = store.get_meta(con)
        rollup_rows = con.execute("SELECT count(*) FROM incident_weekly").fetchone()[0]
        incidents = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        con.close()
    saved = {k: os.environ.get(k) for k in ("TNT_DB", "TNT_PROFILE")}
    os.environ["TNT_DB"] = str(db)
    pages = []
    speed_before, ticks_before = speed_check_ms(), _cpu_ticks()
    try:
        for profile in profiles:
            os.environ["TNT_PROFILE"] = profile
            timed = time_pages(runs, profile)
            for timing in timed:
                first = fresh_start_ms(timing.page)
                timing.fresh_start_ms = first["ms"]
                timing.exception = timing.exception or first["exception"]
            pages += timed
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    ticks_after, speed_after = _cpu_ticks(), speed_check_ms()
    rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result = {
        "rows": rows, "db": str(db), "build_s": prepared["build_s"], "peak_rss_mb": rss_mb,
        "prepare_peak_rss_mb": prepared["peak_rss_mb"], "import": imported,
        "rollup": {"rows": rollup_rows, "incidents": incidents,
                   "build_s": float(meta["rollup_seconds"]) if "rollup_seconds" in meta else None},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "speed_check_ms": [speed_before, speed_after],
                    "stolen_pct": _stolen_pct(ticks_before, ticks_after)},
        "date": time.strftime("%Y-%m-%d"),
        "pages": [{"page": p.page, "profile": p.profile, "cold_p50_ms": _pct(p.cold_ms, .5), "cold_p95_ms": _pct(p.cold_ms, .95),
                   "warm_p50_ms": _pct(p.warm_ms, .5), "warm_p95_ms": _pct(p.warm_ms, .95),
                   "cached_p50_ms": _pct(p.cached_ms, .5), "cached_p95_ms": _pct(p.cached_ms, .95),
                   "fresh_start_ms": p.fresh_start_ms,
                   "payload_kb": round(p.payload_bytes / 1024, 1), "exception": p.exception} for p in pages],
    }
    if peer:
        ours = duckdb_same_work(db)
        out = subprocess.run([sys.executable, "-c", PANDAS_PEER, str(db)], capture_output=True, text=True,
                             timeout=3600)
        if out.returncode != 0:
            result["pandas_peer"] = {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
        else:
            theirs = json.loads(out.stdout.strip().splitlines()[-1])
            result["pandas_peer"] = {**{k: round(v, 3) for k, v in theirs.items()}, "ours_agg_s": round(ours, 4),
                                     "speedup_per_rerun": round(theirs["agg_s"] / ours, 1) if ours else None,
                                     "speedup_first_view": round((theirs["load_s"] + theirs["agg_s"]) / ours, 1)
                                     if ours else None}
    result["targets"] = verdicts(result)
    return result


def verdicts(result: dict) -> list[dict]:
    rows = result["rows"]
    out = []
    warm = [p["warm_p50_ms"] for p in result["pages"] if p["warm_p50_ms"] is not None]
    if rows in TARGETS["warm_p50_ms"] and warm:
        limit = TARGETS["warm_p50_ms"][rows]
        verdict = {"target": f"warm rerun p50, any page ≤ {limit} ms", "value": max(warm), "met": max(warm) <= limit}
        slow = [p for p in result["pages"] if p["warm_p50_ms"] is not None and p["warm_p50_ms"] > limit]
        if slow:
            # The cached run has every query answered from the cache: what is left is rendering.
            verdict["reason"] = "; ".join(
                f"{Path(p['page']).stem} ({p['profile']}) {p['warm_p50_ms']:.0f} ms, of which about {p['cached_p50_ms']:.0f} ms "
                f"is building and sending the page with every query cached" for p in slow) + machine_note(result)
        out.append(verdict)
    # After start means in a new process: its imports are part of what the first visitor waits for.
    first = [p["fresh_start_ms"] for p in result["pages"] if p.get("fresh_start_ms") is not None]
    if rows in TARGETS["first_page_s"] and first:
        limit = TARGETS["first_page_s"][rows] * 1000
        verdict = {"target": f"first page after start ≤ {limit:.0f} ms", "value": max(first),
                   "met": max(first) <= limit}
        if not verdict["met"]:
            slow = [p for p in result["pages"] if (p.get("fresh_start_ms") or 0) > limit]
            verdict["reason"] = "; ".join(
                f"{Path(p['page']).stem} ({p['profile']}) {p['fresh_start_ms']:.0f} ms in a new process, of which "
                f"about {p['cold_p50_ms']:.0f} ms once the modules are loaded" for p in slow) + machine_note(result)
        out.append(verdict)
    if rows in TARGETS["peak_rss_mb"]:
        limit = TARGETS["peak_rss_mb"][rows]
        out.append({"target": f"peak RSS ≤ {limit} MB", "value": result["peak_rss_mb"],
                    "met": result["peak_rss_mb"] <= limit})
    payload = max((p["payload_kb"] for p in result["pages"]), default=0)
    out.append({"target": "payload per page ≤ 1024 KB", "value": payload, "met": payload <= 1024})
    peer = result.get("pandas_peer", {})
    if rows in TARGETS["speedup_vs_pandas"] and peer.get("speedup_per_rerun"):
        limit = TARGETS["speedup_vs_pandas"][rows]
        out.append({"target": f"speed against the pandas way ≥ {limit}×", "value": peer["speedup_per_rerun"],
                    "met": peer["speedup_per_rerun"] >= limit})
    exceptions = [f"{p['page']} ({p['profile']})" for p in result["pages"] if p["exception"]]
    out.append({"target": "every page runs without exception", "value": exceptions or "none",
                "met": not exceptions})
    return out


def machine_note(result: dict) -> str:
    """How much slower than on a quiet hour the machine ran, when that is enough to matter."""
    checks = [ms for ms in result.get("machine", {}).get("speed_check_ms", []) if ms]
    # Either check: a machine that slows down part-way slows the pages timed after the change.
    if not checks or max(checks) < 1.15 * QUIET_SPEED_CHECK_MS:
        return ""
    low, high = min(checks), max(checks)
    return (f". The machine ran its speed check in {low:.0f}–{high:.0f} ms during this run, "
            f"{low / QUIET_SPEED_CHECK_MS:.1f}–{high / QUIET_SPEED_CHECK_MS:.1f}× its {QUIET_SPEED_CHECK_MS:.0f} ms on a "
            f"quiet hour, and page times move with it: compare with a run whose speed check is near "
            f"{QUIET_SPEED_CHECK_MS:.0f} ms (docs/performance.md)")


def format_text(result: dict) -> str:
    lines = [f"tnt-dash benchmark: {result['rows']:,} incidents ({result['db']}), {result['date']}, "
             f"{result['machine']['cpus']} CPUs, build {result['build_s']} s (None = reused), "
             f"peak RSS {result['peak_rss_mb']} MB (preparing the store, in a child process: "
             f"{result.get('prepare_peak_rss_mb')} MB)",
             f"weekly rollup: {result['rollup']['rows']:,} rows for {result['rollup']['incidents']:,} incidents, "
             f"built in {result['rollup']['build_s']} s",
             f"machine speed check (a fixed Python loop; lower is faster): {result['machine']['speed_check_ms'][0]} ms "
             f"before the pages, {result['machine']['speed_check_ms'][1]} ms after; CPU time taken by the host "
             f"during the pages: {result['machine']['stolen_pct']} %", "",
             f"{'page':<22}{'profile':<14}{'new process':>12}{'cold p50':>10}{'p95':>8}{'warm p50':>10}{'p95':>8}"
             f"{'cached':>9}{'payload KB':>12}"]
    for p in result["pages"]:
        lines.append(f"{p['page']:<22}{p['profile']:<14}{p.get('fresh_start_ms')!s:>12}{p['cold_p50_ms']!s:>10}"
                     f"{p['cold_p95_ms']!s:>8}{p['warm_p50_ms']!s:>10}"
                     f"{p['warm_p95_ms']!s:>8}{p['cached_p50_ms']!s:>9}{p['payload_kb']!s:>12}"
                     + (f"  EXCEPTION: {p['exception']}" if p["exception"] else ""))
    if "pandas_peer" in result:
        lines += ["", f"pandas way: {result['pandas_peer']}"]
    imported = result.get("import") or {}
    if "import_s" in imported:
        lines += ["", f"import of {imported['records']} records into the last two weeks: {imported['import_s']} s, "
                      f"rolled back in {imported['rollback_s']} s; peak RSS of that process {imported['peak_rss_mb']} MB"]
    elif imported:
        lines += ["", f"import check skipped: {imported.get('skipped')}"]
    lines += ["", "targets:"] + [f"  [{'met' if t['met'] else 'MISSED'}] {t['target']}: {t['value']}"
                                 + (f"\n      why: {t['reason']}" if t.get("reason") else "")
                                 for t in result["targets"]]
    return "\n".join(lines)


__all__ = ["run", "format_text", "asdict"]
