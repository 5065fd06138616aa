"""Operations commands: `loadtest` (concurrent sessions against a running server) and `publish`
(the store's read snapshots: publish now, or show them). See docs/operations.md."""
from __future__ import annotations

import json
import os
from pathlib import Path

from .. import config, loadtest, snapshots, store
from .common import CliError


def add_cli_parsers(sub) -> None:
    p = sub.add_parser("loadtest", help="drive N concurrent Streamlit sessions against a running server "
                                        "(docs/operations.md)")
    p.add_argument("--url", required=True, help="the app's base URL, e.g. http://127.0.0.1:8501")
    p.add_argument("--sessions", type=int, default=5, help="concurrent viewers")
    p.add_argument("--seconds", type=float, default=60, help="how long each viewer keeps clicking")
    p.add_argument("--pages", default=",".join(loadtest.DEFAULT_PAGES),
                   help="pages the viewers open in turn, by URL path, comma-separated")
    p.add_argument("--server-pid", help="process ids to sample for CPU and RSS, comma-separated (default: "
                                        "whatever listens on the URL's port, when local)")
    p.add_argument("--think", default="{:g},{:g}".format(*loadtest.DEFAULT_THINK), metavar="MIN,MAX",
                   help="seconds a viewer reads a view before the next click, drawn between MIN and MAX")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("publish", help="publish the store to the readers now, or (--status) show its snapshots")
    p.add_argument("--status", action="store_true", help="show the current snapshot and whether it is up to date")
    p.add_argument("--json", action="store_true")


def cmd_loadtest(args) -> int:
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if not pages:
        raise CliError("--pages names no page")
    pids = None
    if args.server_pid:
        try:
            pids = [int(p) for p in args.server_pid.split(",") if p.strip()]
        except ValueError:
            raise CliError(f"--server-pid takes process ids, comma-separated (got {args.server_pid!r})") from None
    try:
        think = tuple(float(v) for v in args.think.split(","))
    except ValueError:
        think = ()
    if len(think) != 2:
        raise CliError(f"--think is MIN,MAX seconds, e.g. 2,6 (got {args.think!r})")
    try:
        result = loadtest.run(args.url, args.sessions, args.seconds, pages, pids, seed=args.seed, think=think)
    except OSError as exc:
        raise CliError(f"cannot reach {args.url}: {exc}") from None
    print(json.dumps(result) if args.json else loadtest.format_text(result))
    return 0 if result["errors"] == 0 and result["actions"] else 1


def cmd_publish(args) -> int:
    path = Path(args.db or config.db_path())
    if args.status:
        snapshot = snapshots.current(path, publish_if_stale=False)
        info = {"store": str(path.resolve()), "snapshot": str(snapshot.path) if snapshot else None,
                "number": snapshot.number if snapshot else None,
                "up_to_date": bool(snapshot and snapshot.source_state == snapshots._source_state(path.resolve())),
                "snapshots": sorted(p.name for p in snapshots.snapshot_dir(path).glob("v*.duckdb"))
                if snapshots.snapshot_dir(path).exists() else []}
    else:
        try:
            snapshot = snapshots.publish(path)
        except snapshots.StoreBusy as exc:
            raise store.StoreBusy(str(exc)) from None
        info = {"store": str(path.resolve()), "snapshot": str(snapshot.path), "number": snapshot.number,
                "size_mb": round(os.path.getsize(snapshot.path) / 1e6, 1)}
    if args.json:
        print(json.dumps(info))
    else:
        for key, value in info.items():
            print(f"{key:>12}: {value}")
    return 0


CLI_COMMANDS = {"loadtest": cmd_loadtest, "publish": cmd_publish}
