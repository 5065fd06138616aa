"""Published read snapshots (tnt_dash/snapshots.py): a writer publishes on close, readers read the
snapshot and never the working store, writers queue on the lock with a timeout, and a publish
that dies half-way leaves the previous snapshot serving."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from tnt_dash import snapshots, store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "s.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1)")
    con.close()
    return path


def count(con) -> int:
    return con.execute("SELECT count(*) FROM t").fetchone()[0]


def test_a_reader_never_blocks_a_writer_and_sees_each_commit_once_published(small):
    reader = store.connect(small, read_only=True)        # the first read publishes v1
    assert count(reader) == 1
    first = snapshots.current(small)
    writer = store.connect(small)                         # a server's reader open: no "busy"
    writer.execute("INSERT INTO t VALUES (2)")
    assert count(reader) == 1                             # readers see only published states
    assert snapshots.current(small).number == first.number     # mid-write: the last one serves
    writer.close()
    newest = snapshots.current(small)
    assert newest.number == first.number + 1
    assert count(store.connect(small, read_only=True)) == 2
    assert count(reader) == 1                             # an open reader keeps its snapshot
    assert store.connect(small, read_only=True, version=first.version).execute(
        "SELECT count(*) FROM t").fetchone()[0] == 1


def test_a_write_behind_the_locks_back_is_published_by_the_next_reader(small):
    store.connect(small, read_only=True).close()
    raw = duckdb.connect(str(small))                      # an old tool that knows nothing of the lock
    raw.execute("INSERT INTO t VALUES (5)")
    raw.close()
    assert count(store.connect(small, read_only=True)) == 2


def test_old_snapshots_are_pruned(small, monkeypatch):
    monkeypatch.setenv("TNT_SNAPSHOTS_KEEP", "2")
    for _ in range(5):
        snapshots.publish(small)
    names = sorted(p.name for p in snapshots.snapshot_dir(small).glob("v*.duckdb"))
    assert names == ["v000003.duckdb", "v000004.duckdb", "v000005.duckdb"]


def _hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    code = textwrap.dedent(f"""
        import sys, time
        from tnt_dash import store
        con = store.connect({str(path)!r})
        print("holding", flush=True)
        time.sleep({seconds})
        con.execute("INSERT INTO t VALUES (3)")
        con.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_writers_queue_on_the_lock_then_give_up_with_a_clear_message(small, monkeypatch):
    holder = _hold_lock(small, 1.5)
    try:
        started = time.perf_counter()
        con = store.connect(small)                    # queues until the holder has published
        waited = time.perf_counter() - started
        assert count(con) == 2 and waited > 0.5
        con.close()
    finally:
        holder.wait(timeout=30)
    holder = _hold_lock(small, 30)
    try:
        monkeypatch.setenv("TNT_WRITE_WAIT", "0.5")
        with pytest.raises(store.StoreBusy, match=r"being written by process \d+ .*TNT_WRITE_WAIT"):
            store.connect(small)
        assert count(store.connect(small, read_only=True)) == 2     # reading is never refused
    finally:
        holder.kill()
        holder.wait(timeout=30)
    store.connect(small).close()        # the kernel dropped the dead holder's lock: nothing stale


def test_a_publish_killed_half_way_leaves_the_previous_snapshot_serving(small):
    before = snapshots.publish(small)
    code = textwrap.dedent(f"""
        import shutil, time
        from tnt_dash import snapshots
        def slow_copy(source, target):
            with open(source, "rb") as src, open(target, "wb") as dst:
                dst.write(src.read(4096))
                dst.flush()
                print("copying", flush=True)
                time.sleep(60)
        snapshots._copy = slow_copy
        con = __import__("tnt_dash.store", fromlist=["store"]).connect({str(small)!r})
        con.execute("INSERT INTO t VALUES (9)")
        con.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "copying"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    folder = snapshots.snapshot_dir(small)
    assert list(folder.glob(".tmp-*")), "the half-written copy should be there to prove the point"
    served = snapshots.current(small, publish_if_stale=False)
    assert served.number == before.number
    assert count(store.connect(small, read_only=True, version=served.version)) == 1
    # The next reader finds the committed row unpublished, publishes it and removes the leftover.
    assert count(store.connect(small, read_only=True)) == 2
    assert not list(folder.glob(".tmp-*"))


def test_the_working_store_is_never_opened_by_a_reader(small):
    reader = store.connect(small, read_only=True)
    try:
        # A second process can take the working store for writing while this one reads.
        done = subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.connect({str(small)!r}).close()"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    finally:
        reader.close()


def test_a_writer_killed_mid_transaction_leaves_nothing_half_written(small):
    before = snapshots.publish(small)
    code = textwrap.dedent(f"""
        import time
        from tnt_dash import store
        con = store.connect({str(small)!r})
        con.begin()
        con.execute("INSERT INTO t SELECT range FROM range(100000)")
        print("writing", flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert snapshots.current(small, publish_if_stale=False).number == before.number
    con = store.connect(small)          # the dead writer's lock went with it
    assert count(con) == 1              # its uncommitted rows did not survive
    con.close()
    assert count(store.connect(small, read_only=True)) == 1


def test_a_page_in_the_same_process_never_waits_for_its_own_queued_writer(small):
    """The Data page's import, queued behind another process's writer, must not stall the other
    sessions of its server: they keep reading the last snapshot at once."""
    import threading
    store.connect(small, read_only=True).close()
    holder = _hold_lock(small, 3)
    try:
        queued = threading.Thread(target=lambda: store.connect(small).close())
        queued.start()
        time.sleep(0.3)
        started = time.perf_counter()
        assert count(store.connect(small, read_only=True)) == 1
        assert time.perf_counter() - started < 1.0
        queued.join(timeout=60)
        assert not queued.is_alive()
    finally:
        holder.wait(timeout=30)
    assert count(store.connect(small, read_only=True)) == 2


def test_a_write_that_changes_nothing_publishes_nothing(small):
    """An import's dry run (the Data page's check) rolls back: no new snapshot, no cache dropped."""
    first = snapshots.publish(small)
    con = store.connect(small)
    with store.transaction(con, keep=False):
        con.execute("INSERT INTO t SELECT range FROM range(1000)")
    con.close()
    assert snapshots.current(small).number == first.number
    con = store.connect(small)
    con.execute("INSERT INTO t VALUES (7)")
    con.close()
    assert snapshots.current(small, publish_if_stale=False).number == first.number + 1
