"""The import subcommands of `python -m tnt_dash`: import, batches, rollback, template, release set (docs/import.md)."""
from __future__ import annotations

import json
from pathlib import Path

from .. import access, config, i18n, store


def add_cli_parsers(sub) -> None:
    p = sub.add_parser("import", help="import incidents or country context from a file (see docs/import.md)")
    p.add_argument("file", type=Path)
    p.add_argument("--format", choices=("auto", "native", "acled", "hxl", "gitoc", "unodc", "justice"), default="auto")
    p.add_argument("--dry-run", action="store_true", help="validate and count, change nothing")
    p.add_argument("--json", action="store_true", help="print one JSON object with the counts and errors")
    p = sub.add_parser("batches", help="list import batches")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("rollback", help="undo one import batch")
    p.add_argument("batch_id")
    p = sub.add_parser("template", help="write the native import template (headers in --lang)")
    p.add_argument("--format", choices=("csv", "xlsx"), default="xlsx")
    p.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("release", help="release records to host States in bulk (see docs/import.md)")
    release_sub = p.add_subparsers(dest="release_command", required=True)
    p = release_sub.add_parser("set", help="set, add or remove the host States records are released to")
    p.add_argument("--ids", required=True, metavar="FILE_OR_COMMA_LIST",
                   help="record ids: a file (one per line, or separated by , or ;) or a comma-separated list")
    p.add_argument("--to", required=True, metavar="ISO3[,ISO3]",
                   help="host States, ISO3 codes separated by commas; with --mode replace, '' withdraws every release")
    p.add_argument("--mode", choices=("replace", "add", "remove"), default="replace")
    p.add_argument("--originator", help="also set who reported the records: host_state, unpol, un_other, partner, "
                                        "open_source")
    p.add_argument("--originator-iso3", dest="originator_iso3", help="the reporting State, with --originator host_state")


def _fail(message: str):
    from .common import CliError
    raise CliError(message)


def _db(args) -> Path:
    return args.db or config.db_path()


def _require_data_admin() -> None:
    profile = access.server_profile()
    if not profile.data_admin:
        _fail(f"imports, batches and rollbacks are for the analyst profile; this server runs {profile.name}")


def cmd_import(args) -> int:
    from ..importers import FileUnreadable, pipeline
    _require_data_admin()
    t = i18n.get(args.lang)
    try:
        report = pipeline.run_import(_db(args), args.file, fmt=args.format, dry_run=args.dry_run, t=t)
    except FileUnreadable as exc:
        _fail(exc.message(t))
    result = report.as_dict()
    if args.json:
        keys = ("rows_read", "inserted", "updated", "unchanged", "quarantined", "out_of_scope", "out_of_scope_by",
                "errors", "batch_id", "format", "dry_run", "warnings")
        print(json.dumps({k: result[k] for k in keys}, ensure_ascii=False, default=str))
    else:
        print(("dry run: " if args.dry_run else "") + f"{report.format} batch {report.batch_id}: "
              f"{report.rows_read} rows read, {report.inserted} inserted, {report.updated} updated, "
              f"{report.unchanged} unchanged, {report.quarantined} quarantined, {report.out_of_scope} out of scope")
        for label, n in sorted(report.out_of_scope_by.items(), key=lambda kv: -kv[1]):
            print(f"  out of scope: {label}: {n}")
        for error in report.errors[:50] + report.warnings[:20]:
            print(f"  row {error['row']}: {error['field']}: {error['reason']}")
    return 0


def cmd_batches(args) -> int:
    from ..importers import ledger
    _require_data_admin()
    con = store.connect(_db(args), read_only=True)
    try:
        frame = ledger.batches(con)
    finally:
        con.close()
    if args.json:
        print(frame.to_json(orient="records", date_format="iso"))
    else:
        print(frame.drop(columns=["sha256"]).to_string(index=False) if len(frame) else "no import batches")
    return 0


def cmd_rollback(args) -> int:
    from ..importers import ledger, pipeline
    _require_data_admin()
    try:
        result = ledger.rollback(_db(args), args.batch_id)
    except pipeline.ImportRefused as exc:
        _fail(exc.message(i18n.get(args.lang)))
    print(f"rolled back {result['batch_id']}: {result['removed']} rows removed, {result['restored']} restored")
    return 0


def cmd_template(args) -> int:
    from ..importers import template
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(template.render(args.format, i18n.get(args.lang)))
    print(f"wrote the {args.format} template to {args.out}")
    return 0


def cmd_release(args) -> int:
    from ..importers import releasability
    _require_data_admin()
    t = i18n.get(args.lang)
    try:
        ids = releasability.ids_argument(args.ids)
        result = releasability.release(_db(args), ids, releasable_to=args.to, originator=args.originator,
                                       originator_iso3=args.originator_iso3, mode=args.mode)
    except releasability.ReleaseRefused as exc:
        _fail(exc.message(t))
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read the ids from {args.ids}: {exc}")
    batch = f"batch {result['batch_id']}" if result["batch_id"] else "no batch"
    print(f"release {args.mode} ({batch}): {result['records']} records, {result['changed']} changed, "
          f"{result['unchanged']} unchanged")
    return 0


CLI_COMMANDS = {"import": cmd_import, "batches": cmd_batches, "rollback": cmd_rollback, "template": cmd_template,
                "release": cmd_release}
