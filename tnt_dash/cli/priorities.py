"""`python -m tnt_dash priorities`: the threat priority table of the page (docs/priority.md)."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from .. import access, config, exports, i18n, presented, store
from ..priority import LEVELS, PARAM_KEYS, assess, parse_weight_flags, period, table, weights_to_params
from .common import CliError, add_filter_flags, export_scope, filters_from, log_release


def add_cli_parser(sub) -> None:
    p = sub.add_parser("priorities", help="threat priorities per area and market (see docs/priority.md)")
    p.add_argument("--period", help="the N days to the --to date or the latest record, e.g. 90d "
                                    "(default: 365 days, as on the page; not with --from)")
    p.add_argument("--level", choices=(*LEVELS, "actor"), default="adm1",
                   help="areas: admin-1 units or countries; actor: criminal groups ranked (docs/networks.md)")
    p.add_argument("--format", choices=("csv", "xlsx", "json"), default="csv")
    p.add_argument("--out", help="output file (default: CSV on standard output)")
    p.add_argument("--weight", action="append", default=[], metavar="KEY=VALUE",
                   help=f"change a weight, as in the page's link: {', '.join(PARAM_KEYS)} (repeatable)")
    add_filter_flags(p)


def parse_period(text: str) -> int:
    text = text.strip().lower()
    if not text.endswith("d") or not text[:-1].isdigit() or int(text[:-1]) < 1:
        raise ValueError(f"--period takes a number of days such as 90d (got {text!r})")
    return int(text[:-1])


def cli_command(args) -> int:
    if args.level == "actor":
        from ..networks.ranking import cli_ranking
        return cli_ranking(args)
    t = i18n.get(args.lang)
    profile = access.server_profile()
    filters = filters_from(args, operations_area=True)
    weights = parse_weight_flags(args.weight)
    con = store.connect(args.db or config.db_path(), read_only=True)
    try:
        if args.period:
            if args.date_from:
                raise CliError("give either --period or --from, not both")
            end = filters.date_to or period(con, filters, profile)[1]
            filters = filters.with_dates(end - timedelta(days=parse_period(args.period) - 1), end)
        scope = export_scope(args, profile, filters)
        result = assess(con, scope, args.level, weights)
        frame = table(result, t)
        title = t.gettext("Threat priorities (analytic judgement of the mission, not a measurement)")
        stamp = presented.stamp(con, scope, title, period=f"{t.date(result.start)} – {t.date(result.end)}")
        log_release(con, args.db or config.db_path(), profile, "export", f"priorities {args.format}",
                    filters.with_dates(result.start, result.end))
    finally:
        con.close()
    stamp.lines.append(t.gettext("Weights: {weights}").format(
        weights=", ".join(f"{k}={v}" for k, v in weights_to_params(weights).items())))
    if args.out:
        exports.write(frame, args.format, stamp, Path(args.out))
        print(f"wrote {len(frame)} ranked area–market rows to {args.out}")
    else:
        sys.stdout.buffer.write(exports.to_bytes(frame, args.format, stamp))
    return 0
