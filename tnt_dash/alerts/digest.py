"""The digest: the alerts raised since a date for one profile (or one user's watch list), as HTML and
plain text, written to an outbox folder, and sent by SMTP only when a server is configured.

It is built from the scope's own alerts (computed on what the scope sees), with victim counts
protected as for an export (the digest leaves the screen), the marking on top and at the foot, and no
UN staff names on a host State's copy. Nothing is fetched: the HTML has no image, font or script."""
from __future__ import annotations

import html
import os
import re
import smtplib
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from .. import presented, queries, store
from ..access import Profile
from ..filters import Filters
from ..i18n import I18n
from . import explain, ledger
from .rules import owner_of, scope_of


@dataclass
class Digest:
    subject: str
    text: str
    html: str
    alerts: int
    scope: str


def build(con, db_path, profile: Profile, t: I18n, since: date, user: str | None = None,
          base_url: str | None = None) -> Digest:
    _ = t.gettext
    scope = scope_of(profile)
    host = queries.host_state_name(con, profile, t.lang)
    frame = ledger.alerts(con, db_path, scope)
    frame = frame[pd.to_datetime(frame["raised_at"]) >= pd.Timestamp(since)]
    if user:
        frame = ledger.watched(frame, ledger.watch_list(con, db_path, owner_of(user, profile), scope))
    base = os.environ.get("TNT_BASE_URL", "") if base_url is None else base_url
    shown = explain.present(frame, t, explain.labels(con, t.lang), profile, "export",
                            ledger.rules(con, db_path, scope), base_url=base)
    marking = presented.marking_text(t, profile)
    audience = _("{state} (host State)").format(state=host) if host else presented.profile_name(t, profile)
    title = _("tnt-dash alerts since {date}").format(date=t.date(since))
    lines = [_("{n} alerts raised since {date}").format(n=t.number(len(shown)), date=t.date(since)),
             _("For: {audience}").format(audience=audience + (f" · {user}" if user and not host else ""))]
    if store.get_meta(con).get("dataset") == "synthetic-demo":
        lines.append(_("Synthetic demonstration data – not real incidents"))
    if presented.may_show_kosovo(Filters(), profile):
        lines.append(_(presented.KOSOVO_FOOTNOTE))
    items = [(r.status_label, r.kind_label, r.sentence, r.url) for r in shown.itertuples()]
    empty = _("No alert was raised in this period.")
    text = "\n".join([marking, "", title, *lines, ""]
                     + ([f"- {status} · {kind}\n  {sentence}\n  {link}" for status, kind, sentence, link in items]
                        or [empty]) + ["", marking, ""])
    esc = html.escape
    body = "".join(f"<li><b>{esc(status)}</b> · {esc(kind)}<br>{esc(sentence)}<br>"
                   f"<a href=\"{esc(link)}\">{esc(link)}</a></li>" for status, kind, sentence, link in items)
    page = (f"<!DOCTYPE html><html lang=\"{t.lang}\"><head><meta charset=\"utf-8\"><title>{esc(title)}</title></head>"
            f"<body style=\"font-family:sans-serif;max-width:60em\"><p><b>{esc(marking)}</b></p><h1>{esc(title)}</h1>"
            + "".join(f"<p>{esc(line)}</p>" for line in lines)
            + (f"<ol>{body}</ol>" if items else f"<p>{esc(empty)}</p>")
            + f"<p><b>{esc(marking)}</b></p></body></html>\n")
    return Digest(subject=f"[{marking}] {title}", text=text, html=page, alerts=len(shown), scope=scope)


def write(digest: Digest, out_dir: Path, since: date, user: str | None = None) -> list[Path]:
    """The digest's two files in the outbox `out_dir`: digest-<scope>[-<user>]-<since>-<made>.{html,txt}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    who = "-" + re.sub(r"[^A-Za-z0-9._-]+", "_", user) if user else ""
    stem = f"digest-{digest.scope.replace(':', '-')}{who}-{since.isoformat()}-{datetime.now():%Y%m%dT%H%M%S}"
    paths = [out_dir / f"{stem}.html", out_dir / f"{stem}.txt"]
    paths[0].write_text(digest.html, encoding="utf-8")
    paths[1].write_text(digest.text, encoding="utf-8")
    return paths


def smtp_settings() -> dict | None:
    """TNT_SMTP_HOST (and _PORT, _USER, _PASSWORD, _FROM, _STARTTLS=1) when a server is configured;
    None means no network: the outbox is the only delivery."""
    host = os.environ.get("TNT_SMTP_HOST", "").strip()
    if not host:
        return None
    return {"host": host, "port": int(os.environ.get("TNT_SMTP_PORT", "25")),
            "user": os.environ.get("TNT_SMTP_USER"), "password": os.environ.get("TNT_SMTP_PASSWORD"),
            "sender": os.environ.get("TNT_SMTP_FROM", "tnt-dash@localhost"),
            "starttls": os.environ.get("TNT_SMTP_STARTTLS") == "1"}


def send(digest: Digest, recipients: list[str], settings: dict) -> None:
    if not recipients:
        raise ValueError("an SMTP server is configured but the digest has no recipient (--to or TNT_DIGEST_TO)")
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = digest.subject, settings["sender"], ", ".join(recipients)
    message.set_content(digest.text)
    message.add_alternative(digest.html, subtype="html")
    with smtplib.SMTP(settings["host"], settings["port"], timeout=30) as server:
        if settings["starttls"]:
            server.starttls()
        if settings["user"]:
            server.login(settings["user"], settings["password"] or "")
        server.send_message(message)
