"""`python -m tnt_dash alerts …` and `digest` (docs/alerts.md): the Alerts page's functions for cron and scripts."""
from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

from .. import access, config, i18n, queries, store
from ..alerts import digest as digests, explain, ledger, run
from ..alerts.definitions import MEASURES, STATUSES
from ..alerts.rules import RuleError, new_rule, owner_of, scope_of
from .common import CliError, _date, lowered_profile, operator_name


def add_cli_parsers(sub) -> None:
    p = sub.add_parser("alerts", help="early-warning alerts: run the rules, list, acknowledge, close, add rules")
    alerts_sub = p.add_subparsers(dest="alerts_command", required=True)
    a = alerts_sub.add_parser("run", help="evaluate every rule for every scope (cron-friendly; idempotent)")
    a.add_argument("--json", action="store_true", help="print the run and the new alerts as JSON")
    a.add_argument("--today", type=_date, help=argparse_suppress())
    a = alerts_sub.add_parser("list", help="the alerts of this server's profile, new first")
    a.add_argument("--status", choices=STATUSES, action="append", default=[])
    a.add_argument("--json", action="store_true")
    for name, text in (("ack", "acknowledge an alert"), ("close", "close an alert, with a note")):
        a = alerts_sub.add_parser(name, help=text)
        a.add_argument("alert_id")
        a.add_argument("--user", help="who (default: cli:<login>)")
        if name == "close":
            a.add_argument("--note", required=True, help="what was done, or why it needs nothing")
    a = alerts_sub.add_parser("rule", help="user-defined threshold rules")
    rule_sub = a.add_subparsers(dest="rule_command", required=True)
    r = rule_sub.add_parser("add", help="add a rule: market × area × measure, a threshold or a percent rise")
    r.add_argument("--measure", choices=MEASURES, required=True)
    r.add_argument("--market", help="market code (default: every market)")
    r.add_argument("--area", help="admin-1 code (default: every area in view)")
    r.add_argument("--threshold", type=float, help="fire when the week's figure is at least this")
    r.add_argument("--percent", type=float, help="fire when the week is this %% above the previous 4 weeks' mean")
    r.add_argument("--min-base", type=float, default=0.0, help="with --percent: the least mean worth a percentage")
    r.add_argument("--owner", help="who owns the rule (default: cli:<login>)")
    rule_sub.add_parser("list", help="the active rules of this server's profile")

    p = sub.add_parser("digest", help="the alerts since a date as HTML and text in an outbox (SMTP if configured)")
    p.add_argument("--since", type=_date, help="alerts raised from this date, YYYY-MM-DD (default: 7 days ago)")
    p.add_argument("--profile", help="the reader's profile (no more than TNT_PROFILE's), e.g. shared")
    p.add_argument("--host-state", metavar="ISO3", help="with --profile shared: the host State (default TNT_HOST_STATE)")
    p.add_argument("--user", help="only what this user's watch list follows")
    p.add_argument("--out", type=Path, required=True, help="the outbox folder")
    p.add_argument("--to", action="append", default=[], help="recipient, when TNT_SMTP_HOST is set (repeatable)")


def argparse_suppress():
    import argparse
    return argparse.SUPPRESS


def _db(args) -> Path:
    return args.db or config.db_path()


def cmd_alerts(args) -> int:
    return {"run": _run, "list": _list, "ack": _action, "close": _action, "rule": _rule}[args.alerts_command](args)


def _run(args) -> int:
    profile = access.server_profile()
    result = run.run_alerts(_db(args), "schedule", today=args.today)
    scope = scope_of(profile)
    raised = result["raised"] if profile.data_admin else {scope: result["raised"].get(scope, 0)}
    if not args.json:
        print(f"alerts run {result['run_id']} in {result['seconds']} s: "
              + ", ".join(f"{s} {n}" for s, n in raised.items()) + " new")
        return 0
    t = i18n.get(args.lang)
    con = store.connect(_db(args), read_only=True)
    try:
        frame = ledger.alerts(con, _db(args), scope)
        frame = frame[frame["alert_id"].isin(set(result["new"].get(scope, [])))]
        shown = explain.present(frame, t, explain.labels(con, t.lang), profile, "export",
                                ledger.rules(con, _db(args), scope), base_url=os.environ.get("TNT_BASE_URL", ""))
    finally:
        con.close()
    print(json.dumps({"run_id": result["run_id"], "seconds": result["seconds"], "raised": raised, "scope": scope,
                      "alerts": _records(shown)}, ensure_ascii=False, default=str, indent=1))
    return 0


def _records(shown) -> list[dict]:
    keep = ["alert_id", "kind", "rule_id", "week", "raised_at", "status", "admin1_code", "market", "origin_iso3",
            "destination_iso3", "measure", "sentence", "url"]
    out = shown[keep].copy()
    out["week"] = [str(w)[:10] for w in out["week"]]
    return json.loads(out.to_json(orient="records", date_format="iso", force_ascii=False))


def _list(args) -> int:
    profile = access.server_profile()
    t = i18n.get(args.lang)
    con = store.connect(_db(args), read_only=True)
    try:
        scope = scope_of(profile)
        frame = ledger.alerts(con, _db(args), scope)
        if args.status:
            frame = frame[frame["status"].isin(args.status)]
        shown = explain.present(frame, t, explain.labels(con, t.lang), profile, "export",
                                ledger.rules(con, _db(args), scope))
    finally:
        con.close()
    if args.json:
        print(json.dumps(_records(shown), ensure_ascii=False, indent=1))
    else:
        for r in shown.itertuples():
            print(f"{r.alert_id}  {r.status:<12}  {r.sentence}")
        if shown.empty:
            print("no alerts")
    return 0


def _action(args) -> int:
    profile = access.server_profile()
    if profile.releasable_to_host_state:
        raise CliError("a host State's shared screen shows alerts; acknowledging and closing them is the mission's")
    con = store.connect(_db(args), read_only=True)
    try:
        action = "acknowledge" if args.alerts_command == "ack" else "close"
        row = ledger.spool_action(con, _db(args), scope_of(profile), args.alert_id, action,
                                  args.user or operator_name(), getattr(args, "note", None))
    except ledger.AlertActionError as exc:
        raise CliError(str(exc)) from None
    finally:
        con.close()
    print(f"{row['alert_id']}: {ledger.ACTIONS[action]} by {row['user_name']}")
    return 0


def _rule(args) -> int:
    profile = access.server_profile()
    scope = scope_of(profile)
    con = store.connect(_db(args), read_only=True)
    try:
        if args.rule_command == "list":
            for rule in ledger.rules(con, _db(args), scope):
                print(json.dumps(rule.as_row(), ensure_ascii=False))
            return 0
        options = queries.filter_options(con, "en", profile)
        try:
            rule = new_rule(args.owner or operator_name(), scope, args.measure, args.market, args.area,
                            args.threshold, args.percent, args.min_base,
                            markets={c for c, _l in options["markets"]}, areas={c for c, _l in options["admin1"]})
        except RuleError as exc:
            raise CliError(str(exc)) from None
        ledger.spool(_db(args), "alert_rules", ledger.rule_row(rule))
    finally:
        con.close()
    print(f"rule {rule.rule_id} added for {scope}; the next `alerts run` evaluates it")
    return 0


def cmd_digest(args) -> int:
    t = i18n.get(args.lang)
    profile = lowered_profile(args.profile, args.host_state)
    since = args.since or date.today() - timedelta(days=7)
    con = store.connect(_db(args), read_only=True)
    try:
        digest = digests.build(con, _db(args), profile, t, since, user=args.user)
    finally:
        con.close()
    paths = digests.write(digest, args.out, since, args.user)
    settings = digests.smtp_settings()
    recipients = args.to or [r.strip() for r in os.environ.get("TNT_DIGEST_TO", "").split(",") if r.strip()]
    sent = ""
    if settings:
        digests.send(digest, recipients, settings)
        sent = f"; sent to {', '.join(recipients)} through {settings['host']}"
    print(f"wrote a digest of {digest.alerts} alerts ({digest.scope}) to {paths[0]} and {paths[1].name}{sent}")
    return 0


CLI_COMMANDS = {"alerts": cmd_alerts, "digest": cmd_digest}
__all__ = ["add_cli_parsers", "CLI_COMMANDS", "owner_of"]
