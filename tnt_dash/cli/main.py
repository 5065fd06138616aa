"""`python -m tnt_dash …`: the same functions the pages call, for scripts and tests.

The access profile comes from TNT_PROFILE, exactly as for the server.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb

from .. import access, config, i18n, presented, queries, releases, seed, store, views
from ..exports import FORMATS, write
from ..filters import Filters
from . import actors as actors_cli, alerts as alerts_cli, capacity as capacity_cli, geo as geo_cli, imports as import_cli, ops, priorities
from .common import (EXIT_USAGE, CliError, _date, add_filter_flags, export_scope, filters_from, log_release,
                     lowered_profile, operator_name)

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tnt_dash", description="tnt-dash command line")
    parser.add_argument("--db", type=Path, help="store file (default: $TNT_DB or data/tnt.duckdb)")
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default="en", help="language of labels and headers")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="build the store (with the synthetic demo data)")
    p.add_argument("--demo", action="store_true", help="load the synthetic demonstration dataset")
    p.add_argument("--rows", type=int, default=50_000, help="approximate number of demo incidents")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--end", type=_date, help="last day of demo data (default: end of the current week)")
    p.add_argument("--force", action="store_true", help="replace an existing store")

    p = sub.add_parser("info", help="counts, date range, schema version and profile")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("bench", help="benchmark every page on a demo store of N incidents (prints numbers)")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5, help="runs per page and mode (p50/p95 over these)")
    p.add_argument("--no-peer", action="store_true", help="skip the pandas comparison")
    p.add_argument("--profiles", default="analyst,commissioner,shared",
                   help="access profiles to time every page under, comma-separated")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("export", help="export the main table of a page")
    p.add_argument("view", nargs="?", help="view name (see --list)")
    p.add_argument("--list", action="store_true", help="list the views")
    p.add_argument("--format", choices=FORMATS, default="csv")
    p.add_argument("--out", type=Path)
    add_filter_flags(p)

    p = sub.add_parser("brief", help="the weekly brief as slides, PDF or workbook (see docs/brief.md)")
    p.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: the last complete week)")
    p.add_argument("--format", choices=("pptx", "pdf", "xlsx"), default="pptx")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--level", choices=("adm1", "country"), default="adm1", help="areas of the change table")
    p.add_argument("--region", action="store_true", help="pool every mission in the filters (default: one mission: "
                                                        "TNT_MISSION, else the first --mission, else the busiest)")
    p.add_argument("--profile", help="produce the pack for a profile that sees no more than TNT_PROFILE's, "
                                     "e.g. shared for the host State")
    p.add_argument("--host-state", metavar="ISO3", help="with --profile shared: the host State the pack is "
                                                        "for (default TNT_HOST_STATE)")
    add_filter_flags(p)

    p = sub.add_parser("brief-notes", help="the analyst's notes on a week: judgements, outlook, decisions "
                                           "(see docs/brief.md)")
    notes_sub = p.add_subparsers(dest="notes_command", required=True)
    n = notes_sub.add_parser("import", help="import a Markdown notes file for one week (analyst)")
    n.add_argument("file", type=Path)
    n.add_argument("--week", required=True, help="ISO week, e.g. 2026-W47")
    n.add_argument("--mission", help="mission code (default: the regional brief)")

    p = sub.add_parser("releases", help="the release log: what each host State was shown (see docs/access.md)")
    p.add_argument("--since", type=_date, help="entries from this date, YYYY-MM-DD")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    capacity_cli.add_cli_parsers(sub)   # activities import, docs add/search (docs/capacity.md)
    priorities.add_cli_parser(sub)   # threat priorities (docs/priority.md)
    import_cli.add_cli_parsers(sub)   # import, batches, rollback, template (docs/import.md)
    alerts_cli.add_cli_parsers(sub)   # alerts run/list/ack/close/rule, digest (docs/alerts.md)

    geo_cli.add_cli_parser(sub)   # geo import, geo resolve (docs/map.md)
    ops.add_cli_parsers(sub)   # loadtest, publish (docs/operations.md)
    actors_cli.add_cli_parser(sub)   # actor register: suggestions, accept, merge, undo (docs/networks.md)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        if args.command not in NO_STORE:
            if not _db(args).is_file():
                # Only init creates a store: a mistyped TNT_DB must not become a new, empty one.
                raise CliError(f"no store at {_db(args)} (check --db or TNT_DB; `python -m tnt_dash init --demo` "
                               "builds one)")
            # Migrations are applied on start, for the CLI as for the app: an older store is upgraded.
            seed.ensure_store(_db(args))
        return COMMANDS[args.command](args)
    except (duckdb.IOException, duckdb.ConnectionException) as exc:
        print(f"error: The store is busy (another process is writing to it, such as an import): "
              f"{str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_USAGE
    except (CliError, access.ProfileError, store.StoreError, ValueError, KeyError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE


# Commands that make a store or need none.
NO_STORE = ("init", "bench", "template", "loadtest")


def _db(args) -> Path:
    return args.db or config.db_path()


def cmd_init(args) -> int:
    path = _db(args)
    if path.exists() and not args.force:
        raise CliError(f"{path} already exists; use --force to rebuild it")
    if args.rows < 0:
        raise CliError("--rows must be positive")
    started = time.perf_counter()
    seed.build(path, demo_rows=args.rows if args.demo else None, seed=args.seed, end=args.end)
    con = store.connect(path, read_only=True)
    try:
        info = queries.store_info(con)
    finally:
        con.close()
    print(f"built {path} in {time.perf_counter() - started:.1f} s: {info['incidents']:,} incidents, "
          f"{info['territories']} host territories, {info['weeks']} weeks")
    return 0


def cmd_info(args) -> int:
    profile = access.server_profile()
    con = store.connect(_db(args), read_only=True)
    try:
        queries.host_state_name(con, profile, "en")
        info = queries.store_info(con)
        visible = queries.data_status(con, Filters(statuses=()), profile)
        meta = store.get_meta(con)
        version = store.schema_version(con)
    finally:
        con.close()
    result = {
        "incidents": info["incidents"], "territories": info["territories"], "weeks": info["weeks"],
        "date_min": info["date_min"].isoformat() if info["date_min"] else None,
        "date_max": info["date_max"].isoformat() if info["date_max"] else None,
        "schema_version": version, "profile": profile.name,
        "visible_to_profile": visible["records"], "dataset": meta.get("dataset", "curated"),
    }
    if profile.releasable_to_host_state:
        # A host State's operator sees its own released records only: no store-wide count, no
        # other territory.
        result = {"host_state": profile.host_state, "profile": profile.name, "visible_to_profile": visible["records"],
                  "date_min": visible["date_min"].isoformat() if visible["date_min"] else None,
                  "date_max": visible["date_max"].isoformat() if visible["date_max"] else None,
                  "schema_version": version, "dataset": meta.get("dataset", "curated")}
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    return 0


def cmd_export(args) -> int:
    t = i18n.get(args.lang)
    if args.list:
        for name, (_builder, description) in views.REGISTRY.items():
            print(f"{name:<12} {t.gettext(description)}")
        return 0
    if not args.view:
        raise CliError("name a view to export, or use --list")
    if not args.out:
        raise CliError("--out FILE is required")
    profile = access.server_profile()
    filters = filters_from(args)
    con = store.connect(_db(args), read_only=True)
    try:
        queries.host_state_name(con, profile, t.lang)     # a shared profile's State must host a mission
        scope = export_scope(args, profile, filters)
        view = views.build(args.view, con, scope)
        stamp = presented.stamp(con, scope, view.title)
        log_release(con, _db(args), profile, "export", f"{args.view} {args.format}", filters)
    finally:
        con.close()
    write(view.frame, args.format, stamp, args.out)
    print(f"wrote {len(view.frame)} rows to {args.out}")
    return 0


def cmd_brief_notes(args) -> int:
    """`brief-notes import`: the file is read and checked whole before anything is written."""
    from ..brief import notes as brief_notes, parse_iso_week
    if not access.server_profile().data_admin:
        raise CliError("the analyst's notes are written under the analyst profile (TNT_PROFILE=analyst)")
    if not args.file.is_file():
        raise CliError(f"no notes file at {args.file}")
    week = parse_iso_week(args.week)
    try:
        notes = brief_notes.parse(args.file.read_text(encoding="utf-8-sig"))
    except brief_notes.NotesError as exc:
        raise CliError(f"{args.file.name}: {exc}") from None
    db = _db(args)
    if args.mission:
        con = store.connect(db, read_only=True)
        try:
            known = {m for m, _label in queries.filter_options(con, "en")["missions"]}
        finally:
            con.close()
        if args.mission not in known:
            raise CliError(f"unknown mission {args.mission!r}; expected one of {', '.join(sorted(known))}")
    try:
        brief_notes.save_to(db, notes, week, args.mission, author=operator_name())
    except store.StoreError as exc:
        raise CliError(f"{exc}; try again when it is free") from None
    counts = ", ".join(f"{len(getattr(notes, s))} {s}" for s in brief_notes.SECTIONS)
    print(f"saved the notes of {args.week} ({args.mission or 'regional'}): {counts}")
    return 0


def cmd_releases(args) -> int:
    """What was released to host States: the table, after moving the spool into it when the store
    can be written now, else the table and the spool as they are."""
    import duckdb
    import io
    db = _db(args)
    try:
        con = store.connect(db)
        releases.drain(con, db)
    except duckdb.IOException:       # a server holds the store: read without writing
        con = store.connect(db, read_only=True)
    try:
        frame = releases.read(con, db, since=args.since)
    finally:
        con.close()
    frame["logged_at"] = frame["logged_at"].map(lambda v: v.isoformat(sep=" ", timespec="milliseconds"))
    if args.format == "json":
        print(json.dumps(frame.to_dict(orient="records"), ensure_ascii=False, default=int, indent=1))
    else:
        out = io.StringIO()
        frame.to_csv(out, index=False)
        sys.stdout.write(out.getvalue())
    return 0


def cmd_brief(args) -> int:
    from .. import brief
    from ..brief import export as brief_export, mission
    t = i18n.get(args.lang)
    profile = lowered_profile(args.profile, args.host_state)
    filters = filters_from(args, operations_area=True)
    con = store.connect(_db(args), read_only=True)
    try:
        queries.host_state_name(con, profile, t.lang)
        week = brief.parse_iso_week(args.week) if args.week else queries.last_complete_week(con, profile)
        try:
            filters = mission.for_mission(filters, mission.REGION if args.region
                                          else mission.default(con, filters, profile, week))
        except mission.MissionError as exc:
            raise CliError(str(exc)) from None
        scope = export_scope(args, profile, filters)
        pack = brief.weekly_brief(con, scope, week, level=args.level)
        stamp = presented.stamp(con, scope, t.gettext("Weekly brief"), period=t.week(pack.week))
        log_release(con, _db(args), profile, "brief", f"brief {pack.week_label} {args.format}",
                    filters.with_dates(pack.week, pack.week + timedelta(days=6)))
    finally:
        con.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(brief_export.render(args.format, pack, stamp, t))
    print(f"wrote the {pack.week_label} brief ({profile.name}) to {args.out}")
    return 0


def cmd_bench(args) -> int:
    from .. import bench

    if args.rows < 1000:
        raise CliError("--rows must be at least 1000")
    from ..access import PROFILES
    profiles = tuple(p.strip() for p in args.profiles.split(",") if p.strip())
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown or not profiles:
        raise CliError(f"--profiles: unknown profile {', '.join(unknown) or '(none)'}; "
                       f"choose from {', '.join(PROFILES)}")
    result = bench.run(args.rows, runs=max(1, args.runs), db=args.db, peer=not args.no_peer, profiles=profiles)
    print(json.dumps(result) if args.json else bench.format_text(result))
    return 0


COMMANDS = {"init": cmd_init, "info": cmd_info, "export": cmd_export, "bench": cmd_bench, "brief": cmd_brief,
            "releases": cmd_releases, "brief-notes": cmd_brief_notes}
COMMANDS.update(capacity_cli.CLI_COMMANDS)
COMMANDS["geo"] = geo_cli.cli_command
COMMANDS["actors"] = actors_cli.cli_command
COMMANDS["priorities"] = priorities.cli_command
COMMANDS.update(import_cli.CLI_COMMANDS)
COMMANDS.update(alerts_cli.CLI_COMMANDS)
COMMANDS.update(ops.CLI_COMMANDS)
