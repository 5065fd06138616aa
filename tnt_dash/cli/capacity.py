"""`activities` and `docs`: import the capacity-building activities or write their template; add
documents to the good-practice library or search it (docs/capacity.md)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import access, config, store
from ..capacity import library
from ..capacity.activities import import_file, write_template


def add_cli_parsers(sub) -> None:
    p = sub.add_parser("activities", help="capacity-building activities: import a CSV/XLSX file, write the template")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("import", help="validate and import an activities file (all rows or none)")
    a.add_argument("file", type=Path)
    a = actions.add_parser("template", help="write an empty CSV template with the configured cost columns")
    a.add_argument("file", type=Path)

    p = sub.add_parser("docs", help="the good-practice library: add or search documents")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("add", help="add a PDF, DOCX or Markdown document with its marking and tags")
    a.add_argument("file", type=Path)
    a.add_argument("--tlp", required=True, help="TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED")
    a.add_argument("--classification", required=True, help="UNCLASSIFIED, CONFIDENTIAL or STRICTLY CONFIDENTIAL")
    a.add_argument("--title", help="default: the document's first line")
    a.add_argument("--language", default="en", help="en, fr, ar, es, pt or other")
    a.add_argument("--market", action="append", default=[], help="market code (repeatable)")
    a.add_argument("--mission", action="append", default=[], help="mission code (repeatable)")
    a.add_argument("--tags", nargs="*", default=[], help="free tags, e.g. --tags checkpoints mentoring")
    a = actions.add_parser("search", help="search titles, tags and text (within your profile's clearance)")
    a.add_argument("text", nargs="*", help="words that must all appear; none lists every document")
    a.add_argument("--json", action="store_true")


def cmd_activities(args) -> int:
    if args.action == "template":
        write_template(args.file)
        print(f"wrote the activities template to {args.file}")
        return 0
    if not args.file.exists():
        raise ValueError(f"no such file: {args.file}")
    con = store.connect_writer(args.db or config.db_path())
    try:
        result = import_file(con, args.file)
    finally:
        con.close()
    if result.errors:
        for e in result.errors:
            print(f"row {e.row}, {e.field}: {e.reason}", file=sys.stderr)
        print(f"rejected {args.file}: {len(result.errors)} problem(s) in {len({e.row for e in result.errors})} "
              f"row(s); nothing was imported", file=sys.stderr)
        return 1
    print(f"imported {args.file}: {result.inserted} new, {result.updated} replaced ({result.read} rows read)")
    return 0


def cmd_docs(args) -> int:
    if args.action == "add":
        if not args.file.is_file():
            raise ValueError(f"no such file: {args.file}")
        added = library.add_document_to(args.db or config.db_path(), args.file.name, args.file.read_bytes(),
                                        tlp=args.tlp.upper(), classification=args.classification.upper(),
                                        title=args.title, language=args.language, markets=args.market,
                                        missions=args.mission, tags=args.tags)
        print(f"{'replaced' if added.replaced else 'added'} {added.doc_id} “{added.title}”: "
              f"{added.characters:,} characters of text indexed")
        return 0
    profile = access.server_profile()
    con = store.connect(args.db or config.db_path(), read_only=True)
    try:
        found = library.search(con, profile, " ".join(args.text))
    finally:
        con.close()
    if args.json:
        print(json.dumps([{"doc_id": r.doc_id, "title": r.title, "tlp": r.tlp, "classification": r.classification,
                           "tags": list(r.tags), "snippet": r.snippet} for r in found.itertuples()]))
    else:
        for r in found.itertuples():
            print(f"{r.doc_id}  {r.tlp:<16} {r.classification:<22} {r.title}")
        print(f"{len(found)} document(s) visible to the {profile.name} profile")
    return 0


CLI_COMMANDS = {"activities": cmd_activities, "docs": cmd_docs}
