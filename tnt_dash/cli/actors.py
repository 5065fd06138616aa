"""`python -m tnt_dash actors ...`: the actor register (docs/networks.md). Changing the register is
the analyst's work: every write needs a profile that administers data (analyst)."""
from __future__ import annotations

import json

from .. import access, config, store
from ..networks import register
from .common import CliError


def add_cli_parser(sub) -> None:
    p = sub.add_parser("actors", help="the actor register: suggestions, accept, merge and undo (docs/networks.md)")
    a = p.add_subparsers(dest="actors_command", required=True)
    a.add_parser("suggestions", help="actor strings imports could not resolve, waiting for a decision")
    a.add_parser("merges", help="the merges made, with their ids for undo")
    s = a.add_parser("accept", help="accept a suggestion as a new actor")
    s.add_argument("text", help="the suggested string, as listed")
    s.add_argument("--type", required=True, choices=register.GITOC_TYPES, help="GI-TOC actor type")
    s.add_argument("--name", help="canonical name (default: the string)")
    s.add_argument("--name-public", action="store_true", help="the name is not restricted (default: restricted)")
    s = a.add_parser("assign", help="merge a suggestion into a known actor (the string becomes its alias)")
    s.add_argument("text")
    s.add_argument("actor_id")
    s = a.add_parser("dismiss", help="close a suggestion that is not an actor")
    s.add_argument("text")
    s = a.add_parser("merge", help="merge actor B into actor A (B's records and aliases move to A; undoable)")
    s.add_argument("kept", metavar="A")
    s.add_argument("merged", metavar="B")
    s = a.add_parser("undo", help="undo a merge by its id (see `actors merges`)")
    s.add_argument("merge_id")


def cli_command(args) -> int:
    if not access.server_profile().data_admin:
        raise CliError("the actor register is the analyst's: this server's profile cannot read or change it")
    con = store.connect_writer(args.db or config.db_path())
    try:
        if args.actors_command == "suggestions":
            print(register.suggestions(con).to_csv(index=False), end="")
        elif args.actors_command == "merges":
            print(register.merges(con).to_csv(index=False), end="")
        elif args.actors_command == "accept":
            actor_id, n = register.accept(con, args.text, args.type, args.name, restricted=not args.name_public)
            print(f"accepted {args.text!r} as {actor_id}; {n} records given to it")
        elif args.actors_command == "assign":
            n = register.merge_suggestion(con, args.text, args.actor_id)
            print(f"{args.text!r} is now an alias of {args.actor_id}; {n} records given to it")
        elif args.actors_command == "dismiss":
            print(f"dismissed {args.text!r} ({register.dismiss(con, args.text)} records keep no actor)")
        elif args.actors_command == "merge":
            merge_id = register.merge(con, args.kept, args.merged)
            moved = register.merges(con).set_index("merge_id").at[merge_id, "records"]
            print(json.dumps({"merge_id": merge_id, "kept": args.kept, "merged": args.merged, "records": int(moved)}))
        elif args.actors_command == "undo":
            print(f"undone {args.merge_id}: {register.undo_merge(con, args.merge_id)} records moved back")
    except register.RegisterError as exc:
        raise CliError(str(exc)) from None
    finally:
        con.close()
    return 0
