"""Published read snapshots: writers never block readers, readers never block writers.

A DuckDB file has one writing process or any number of reading ones, never both.
So the store file (TNT_DB, data/tnt.duckdb) is the *working store*: only writers open it.
After every committed write the writer *publishes* it: the closed, checkpointed file is copied
into `<store>.snapshots/` under a new version number (`v000042.duckdb`), and the pointer file
`CURRENT` is replaced atomically (write a temporary file, fsync, rename) to name it. Readers — the
app's servers, CLI exports — open the snapshot CURRENT names, read-only, and never touch the
working store; a server notices a new CURRENT at its next rerun and switches to it.

Writers queue on `<store>.lock` (flock: the kernel releases it when a process dies, so a crash
never leaves a stale lock) for TNT_WRITE_WAIT seconds (default 120), then give up with a message
naming who holds it. Within one process the lock is counted, not re-taken: DuckDB shares one
database instance between the connections of a process, and the store is published when the
last of them closes.

A crash mid-publish leaves a `.tmp-*` file that is never named by CURRENT; the previous snapshot
keeps serving and the next publish removes the leftover. A working store changed behind the
protocol's back (a raw `duckdb.connect`, a copied-in file, an older tnt-dash) is noticed by its
size and modification time, which CURRENT records, and published by the next reader that finds
the writer lock free.

This module sits below store.py: it knows files and locks, not the schema.
"""
from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import re
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_SNAPSHOT_NAME = re.compile(r"^v(\d{6,})\.duckdb$")
_FICLONE = 0x40049409   # Linux ioctl: share the blocks (btrfs, XFS with reflink), copy nothing


class StoreBusy(RuntimeError):
    """Another writer held the store for longer than this one would wait."""


@dataclass(frozen=True)
class Snapshot:
    store: Path         # the working store it was published from
    number: int
    path: Path
    source_state: tuple  # (mtime_ns, size, wal size) of the working store when it was copied

    @property
    def version(self) -> str:
        """What a server keys its caches on: the store and the snapshot number."""
        return f"{self.store}|v{self.number}"


def snapshot_dir(store: Path | str) -> Path:
    store = Path(store)
    return store.with_name(store.name + ".snapshots")


def lock_path(store: Path | str) -> Path:
    store = Path(store)
    return store.with_name(store.name + ".lock")


def write_wait_seconds() -> float:
    value = os.environ.get("TNT_WRITE_WAIT", "120")
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"TNT_WRITE_WAIT must be a number of seconds, got {value!r}") from None
    if seconds < 0:
        raise ValueError(f"TNT_WRITE_WAIT must be 0 or more seconds, got {value!r}")
    return seconds


def keep_count() -> int:
    """Snapshots kept besides the current one: a server still finishing a rerun on the previous
    one keeps reading it (an unlinked file stays readable while open, but a rerun that opens it
    after the unlink would fail)."""
    value = int(os.environ.get("TNT_SNAPSHOTS_KEEP", "2"))
    if value < 1:
        raise ValueError(f"TNT_SNAPSHOTS_KEEP must be 1 or more, got {value}")
    return value


def _source_state(store: Path) -> tuple:
    stat = store.stat()
    wal = store.with_name(store.name + ".wal")
    return (stat.st_mtime_ns, stat.st_size, wal.stat().st_size if wal.exists() else 0)


# ---- the writer lock ---------------------------------------------------------------------------

class _Held:
    """This process's hold on one store's writer lock: taking it (the flock not yet granted),
    held by `count` connections, or publishing (the last connection closed)."""
    def __init__(self):
        self.fd: int | None = None
        self.count = 0
        self.state = "taking"


_held: dict[Path, _Held] = {}
# Guards _held only for a moment: nobody waits for the flock or copies a store while holding it, so
# a page rerun in this process (current(), below) never waits for this process's writer.
_held_changed = threading.Condition()


def _holder_text(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another process"
    if not info:
        return "another process"
    return f"process {info.get('pid')} ({info.get('command', '?')}, since {info.get('since', '?')})"


def _busy(store: Path, wait: float) -> StoreBusy:
    return StoreBusy(f"The store {store.name} is being written by {_holder_text(lock_path(store))}; waited "
                     f"{wait:.0f} s. Try again when it has finished, or wait longer with TNT_WRITE_WAIT=SECONDS.")


def acquire(store: Path | str, wait: float | None = None, share: bool = True) -> None:
    """Take the store's writer lock, queueing up to `wait` seconds (TNT_WRITE_WAIT); StoreBusy after.
    Writers of one process share the lock (DuckDB shares their database instance); with `share`
    False, a hold of this process counts as busy (a reader about to copy the store)."""
    store = Path(store).resolve()
    wait = write_wait_seconds() if wait is None else wait
    deadline = time.monotonic() + wait
    with _held_changed:
        if not share and store in _held:
            raise _busy(store, wait)
        while (held := _held.get(store)) is not None and held.state != "held":
            # Another thread of this process is taking the lock or publishing: wait for it.
            if not _held_changed.wait(timeout=max(0.0, deadline - time.monotonic())) \
                    and time.monotonic() >= deadline:
                raise _busy(store, wait)
        if held is not None:
            held.count += 1
            return
        mine = _held[store] = _Held()
    try:
        fd = _flock(store, deadline, wait)
    except BaseException:
        with _held_changed:
            del _held[store]
            _held_changed.notify_all()
        raise
    with _held_changed:
        mine.fd, mine.count, mine.state = fd, 1, "held"
        _held_changed.notify_all()


def _flock(store: Path, deadline: float, wait: float) -> int:
    path = lock_path(store)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
        if time.monotonic() >= deadline:
            os.close(fd)
            raise _busy(store, wait)
        if not told:
            log.warning("waiting for the store's writer lock, held by %s (up to %.0f s)", _holder_text(path), wait)
            told = True
        time.sleep(0.1)
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps({"pid": os.getpid(), "command": " ".join(sys.argv)[:200],
                              "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}).encode(), 0)
    return fd


def release(store: Path | str, publish_after: bool = True) -> Snapshot | None:
    """Give back one hold on the writer lock; the last one publishes the store, then unlocks."""
    store = Path(store).resolve()
    with _held_changed:
        held = _held.get(store)
        if held is None or held.state != "held":
            raise RuntimeError(f"release of a writer lock not held on {store}")
        held.count -= 1
        if held.count:
            return None
        held.state = "publishing"
    try:
        if not publish_after or not store.exists():
            return None
        # A dry run, a rollback or a read through a writer's connection leaves the file as it was
        # (DuckDB writes nothing it did not commit): the readers' snapshot is still the store.
        published = _read_current(store, snapshot_dir(store))
        if published is not None and published.source_state == _source_state(store):
            return published
        return publish_locked(store)
    finally:
        with _held_changed:
            del _held[store]
            os.ftruncate(held.fd, 0)
            os.close(held.fd)       # closing the descriptor releases the flock
            _held_changed.notify_all()


def _try_acquire_now(store: Path) -> bool:
    try:
        acquire(store, wait=0, share=False)
        return True
    except StoreBusy:
        return False


# ---- publishing ----------------------------------------------------------------------------------

def _copy(source: Path, target: Path) -> None:
    """Copy a file and sync it: a reflink where the filesystem can (instant, blocks shared), else
    the kernel's own copy (sendfile)."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
            cloned = True
        except OSError:
            cloned = False
    if not cloned:
        shutil.copyfile(source, target)
    with open(target, "rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_locked(store: Path) -> Snapshot:
    """Copy the (closed) working store to a new snapshot and point CURRENT at it. The caller holds
    the writer lock, so nothing writes the store meanwhile; a crash at any point leaves CURRENT
    naming the previous, complete snapshot."""
    started = time.perf_counter()
    folder = snapshot_dir(store)
    folder.mkdir(exist_ok=True)
    for leftover in folder.glob(".tmp-*"):      # a publish that died half-way
        leftover.unlink(missing_ok=True)
    previous = current(store, publish_if_stale=False)
    number = (previous.number if previous else 0) + 1
    state = _source_state(store)
    target = folder / f"v{number:06d}.duckdb"
    tmp = folder / f".tmp-{os.getpid()}-{target.name}"
    _copy(store, tmp)
    wal = store.with_name(store.name + ".wal")
    if wal.exists() and wal.stat().st_size:     # normally checkpointed away on close; kept if not
        _copy(wal, tmp.with_name(tmp.name + ".wal"))
        os.replace(tmp.with_name(tmp.name + ".wal"), target.with_name(target.name + ".wal"))
    if _source_state(store) != state:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"{store} changed while it was being published: a writer bypassed {lock_path(store).name}")
    os.chmod(tmp, 0o444)        # a snapshot is never written
    os.replace(tmp, target)
    pointer = folder / f".tmp-{os.getpid()}-CURRENT"
    pointer.write_text(json.dumps({"snapshot": target.name, "source_state": list(state),
                                   "published_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}), encoding="utf-8")
    with open(pointer, "rb") as f:
        os.fsync(f.fileno())
    os.replace(pointer, folder / "CURRENT")
    _fsync_dir(folder)
    _prune(folder, number)
    seconds = time.perf_counter() - started
    log.info("published %s (%.1f MB) in %.2f s", target.name, state[1] / 1e6, seconds)
    return Snapshot(store, number, target, state)


def _prune(folder: Path, newest: int) -> None:
    keep = keep_count()
    for path in folder.iterdir():
        match = _SNAPSHOT_NAME.match(path.name.removesuffix(".wal"))
        if match and int(match.group(1)) < newest - keep:
            path.unlink(missing_ok=True)


def publish(store: Path | str, wait: float | None = None) -> Snapshot:
    """Publish the working store now (queueing for the writer lock)."""
    store = Path(store).resolve()
    acquire(store, wait)
    try:
        return publish_locked(store)
    finally:
        release(store, publish_after=False)


def current(store: Path | str, publish_if_stale: bool = True) -> Snapshot | None:
    """The newest published snapshot of `store`. With `publish_if_stale`, a store that has none yet,
    or that changed since (written behind the lock's back), is published first when no writer holds
    it; while a writer does, the last published snapshot is the answer."""
    store = Path(store).resolve()
    folder = snapshot_dir(store)
    snapshot = _read_current(store, folder)
    if not publish_if_stale:
        return snapshot
    if snapshot is not None and snapshot.source_state == _source_state(store):
        return snapshot
    with _held_changed:
        mine = store in _held
    if mine:        # this process is writing it: the publish comes when it closes
        return snapshot
    if not _try_acquire_now(store):
        return snapshot     # a writer is at work and will publish; until then the last one serves
    try:
        snapshot = _read_current(store, folder)      # another reader may have published meanwhile
        if snapshot is None or snapshot.source_state != _source_state(store):
            snapshot = publish_locked(store)
        return snapshot
    finally:
        release(store, publish_after=False)


def _read_current(store: Path, folder: Path) -> Snapshot | None:
    try:
        info = json.loads((folder / "CURRENT").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    match = _SNAPSHOT_NAME.match(info["snapshot"])
    if not match:
        raise ValueError(f"{folder / 'CURRENT'} names {info['snapshot']!r}, not a snapshot")
    return Snapshot(store, int(match.group(1)), folder / info["snapshot"], tuple(info["source_state"]))


def names_a_snapshot(version: str) -> bool:
    return re.fullmatch(r"v\d+", version.rpartition("|")[2]) is not None


def snapshot_path(store: Path | str, version: str) -> Path:
    """The file of a snapshot named by a Snapshot.version."""
    store = Path(store).resolve()
    _, _, tag = version.rpartition("|")
    if not re.fullmatch(r"v\d+", tag):
        raise ValueError(f"not a snapshot version: {version!r}")
    return snapshot_dir(store) / f"v{int(tag[1:]):06d}.duckdb"
