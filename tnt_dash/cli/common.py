"""What every command shares: the one-line error, the sidebar's filters as flags, the profile
a command may lower to, and the release-log entry of what it hands a host State."""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from .. import access, queries, releases
from ..filters import CYBER_FLAGS, STATUSES, Filters
from ..scope import Scope

EXIT_USAGE = 2


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _grade(text: str) -> tuple[str, int]:
    text = text.strip().upper()
    if len(text) != 2 or text[0] not in "ABCDEF" or text[1] not in "123456":
        raise argparse.ArgumentTypeError(f"a grade is a letter A-F and a digit 1-6, e.g. B2 (got {text!r})")
    return text[0], int(text[1])


def add_filter_flags(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("filters (the same as the sidebar)")
    g.add_argument("--from", dest="date_from", type=_date, help="first date occurred, YYYY-MM-DD")
    g.add_argument("--to", dest="date_to", type=_date, help="last date occurred, YYYY-MM-DD")
    g.add_argument("--mission", action="append", default=[], help="mission code, e.g. MINUSCA (repeatable)")
    g.add_argument("--country", action="append", default=[], help="ISO3 code (repeatable)")
    g.add_argument("--admin1", action="append", default=[], help="admin-1 code (repeatable)")
    g.add_argument("--market", action="append", default=[], help="market code (repeatable)")
    g.add_argument("--cyber", action="append", default=[], choices=CYBER_FLAGS)
    g.add_argument("--min-grade", type=_grade, default=("F", 6), help="keep records graded this or better, e.g. B2")
    g.add_argument("--status", action="append", default=[], choices=STATUSES,
                   help="record status (repeatable; default validated)")
    g.add_argument("--operations-area", action=argparse.BooleanOptionalAction, default=None,
                   help="only records in their mission's area of operations (default: on for brief and "
                        "priorities, as on their pages; off otherwise)")


def filters_from(args: argparse.Namespace, operations_area: bool = False) -> Filters:
    """The sidebar's filters from the flags; `operations_area` is the command's default for
    --operations-area, the same as its page's."""
    return Filters(date_from=args.date_from, date_to=args.date_to, missions=args.mission, countries=args.country,
                   admin1=args.admin1, markets=args.market, cyber=args.cyber,
                   min_reliability=args.min_grade[0], min_credibility=args.min_grade[1],
                   statuses=args.status or ("validated",),
                   operations_area=operations_area if args.operations_area is None else args.operations_area)


def export_scope(args: argparse.Namespace, profile: access.Profile, filters: Filters) -> Scope:
    """The request a command serves: its filters and profile, --lang, and a file as the destination
    (everything the CLI writes leaves the server)."""
    return Scope(filters, profile, args.lang, "export")


def _permissions(profile: access.Profile) -> tuple:
    """What a profile may see, each item ordered so that larger means more."""
    return (access.CLASSIFICATION_ORDER.index(profile.ceiling), profile.allowed_statuses is None,
            ("none", "unrestricted", "all").index(profile.narratives), profile.source_identities,
            profile.detailed_grades, profile.restricted_actor_names, profile.exact_coordinates,
            not profile.suppress_on_screen, not profile.suppress_in_exports, profile.data_admin,
            not profile.releasable_to_host_state)


def lowered_profile(requested: str | None, host_state: str | None = None) -> access.Profile:
    """TNT_PROFILE's profile, or `requested` if it sees nothing that TNT_PROFILE's does not. A shared
    profile is for `host_state`, else TNT_HOST_STATE; a shared server keeps its own State."""
    server = access.server_profile()
    if not requested:
        if host_state and (not server.releasable_to_host_state or host_state.upper() != server.host_state):
            raise CliError("--host-state goes with --profile shared, and a shared server keeps its own "
                           "TNT_HOST_STATE")
        return server
    profile = access.get_profile(requested, host_state)
    if any(mine > theirs for mine, theirs in zip(_permissions(profile), _permissions(server))):
        raise CliError(f"--profile {profile.name} sees more than this server's profile ({server.name}); "
                       "--profile can only lower the clearance")
    if server.releasable_to_host_state and profile.host_state != server.host_state:
        raise CliError(f"this server is for {server.host_state}; it cannot produce another host State's pack")
    return profile


def log_release(con, db: Path, profile: access.Profile, kind: str, item: str, filters: Filters) -> None:
    """The release-log entry of an export or brief made for a host State (releases.py)."""
    if profile.releasable_to_host_state:
        releases.log_release(db, profile, kind=kind, item=item, filters=filters,
                             records=queries.record_count(con, filters, profile), user=operator_name())


def operator_name() -> str:
    import getpass
    return f"cli:{getpass.getuser()}"
