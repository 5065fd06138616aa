"""The actor register: canonical actors, their aliases, the strings imports could not resolve, and
merges that can be undone.

An import never creates an actor. Each actor string it meets is looked up (by identifier, canonical
name or alias, spelling folded by `norm`); a string that matches nothing leaves the record without an
actor and is kept in `actor_mentions`, where the analyst accepts it as a new actor or merges it into a
known one. Merging two actors moves the merged one's records and aliases to the kept one and keeps the
merged row (merged_into set) with a log of what moved, so `undo_merge` puts everything back.

Every writer here runs in one transaction and rebuilds the weekly rollups of the weeks whose records
changed actor (the priority model reads actor capability from them).
"""
from __future__ import annotations

import csv
import getpass
import json
import re
import unicodedata
import uuid
from datetime import datetime, timezone

import pandas as pd

from .. import config, store

GITOC_TYPES = ("Mafia-style groups", "Criminal networks", "State-embedded actors", "Foreign actors",
               "Private sector actors")
LINK_KINDS = ("alliance", "rivalry", "supplier", "splinter")
CONFIDENCE = ("low", "moderate", "high")
_ID = re.compile(r"ACT-(\d+)")


class RegisterError(ValueError):
    """A register change that cannot be made (unknown actor, merge already undone…): nothing was written."""


def norm(text: str | None) -> str:
    """The lookup key of an actor string: accents, case, punctuation and spacing folded, so that
    "Gang de Port-au-Prince" and "GANG DE PORT AU PRINCE " are one spelling."""
    folded = unicodedata.normalize("NFKD", str(text or ""))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _user(user: str | None) -> str:
    return user or f"cli:{getpass.getuser()}"


# --- Shipped register ------------------------------------------------------------------------------

def load_shipped(con) -> dict[str, int]:
    """Fill the register's extra fields, aliases and recorded links from reference/actor_register.csv,
    actor_aliases.csv and actor_links.csv (after store.load_reference has loaded actors.csv). Every
    actor's identifier and canonical name are aliases too."""
    ref = config.REFERENCE_DIR
    with open(ref / "actor_register.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    known = {a for (a,) in con.execute("SELECT actor_id FROM actors").fetchall()}
    for row in rows:
        if row["actor_id"] not in known:
            continue
        split = lambda v: [x for x in (v or "").split(";") if x]   # noqa: E731
        con.execute("""UPDATE actors SET corruption = ?, infiltration = ?, adaptability = ?, assessment_confidence = ?,
                              assessed_on = ?, releasable_to = ?, home_iso3 = ?, home_admin1 = ?, markets = ?,
                              active_from = ?, active_to = ? WHERE actor_id = ?""",
                    [_int(row["corruption"]), _int(row["infiltration"]), _int(row["adaptability"]),
                     row["assessment_confidence"] or None, row["assessed_on"] or None, split(row["releasable_to"]),
                     row["home_iso3"] or None, split(row["home_admin1"]), split(row["markets"]),
                     _int(row["active_from"]), _int(row["active_to"]), row["actor_id"]])
    con.execute("DELETE FROM actor_aliases")
    stamp = _now()
    aliases = [(a, name, "name_en") for a, name in con.execute("SELECT actor_id, name FROM actors").fetchall()]
    aliases += [(a, a, "identifier") for a in sorted(known)]
    with open(ref / "actor_aliases.csv", encoding="utf-8", newline="") as f:
        aliases += [(r["actor_id"], r["alias"], r["kind"]) for r in csv.DictReader(f) if r["actor_id"] in known]
    for actor_id, alias, kind in aliases:
        key = norm(alias)
        if key:
            con.execute("INSERT OR IGNORE INTO actor_aliases VALUES (?, ?, ?, ?, ?, 'reference')",
                        [key, alias, actor_id, kind, stamp])
    con.execute("DELETE FROM actor_links")
    con.execute("""INSERT INTO actor_links BY NAME
                   SELECT * FROM read_csv(?, header = true, all_varchar = true)
                   WHERE actor_a IN (SELECT actor_id FROM actors) AND actor_b IN (SELECT actor_id FROM actors)""",
                [str(ref / "actor_links.csv")])
    return {"actors": len(known), "aliases": con.execute("SELECT count(*) FROM actor_aliases").fetchone()[0],
            "links": con.execute("SELECT count(*) FROM actor_links").fetchone()[0]}


def ensure_loaded(con) -> None:
    """An older store brought to schema 018: fill the register once (it has actors and no alias yet)."""
    if con.execute("SELECT count(*) FROM actor_aliases").fetchone()[0]:
        return
    if not con.execute("SELECT count(*) FROM actors").fetchone()[0]:
        return
    with store.transaction(con):
        load_shipped(con)


def _int(value) -> int | None:
    return int(value) if str(value or "").strip() else None


# --- Resolution on import ------------------------------------------------------------------------

def resolver(con) -> dict[str, str]:
    """{folded spelling: canonical actor id}: aliases, names and identifiers, each followed through
    merges to the actor that holds it today."""
    holder = dict(con.execute("SELECT actor_id, merged_into FROM actors WHERE merged_into IS NOT NULL").fetchall())

    def final(actor_id: str) -> str:
        seen = set()
        while actor_id in holder and actor_id not in seen:
            seen.add(actor_id)
            actor_id = holder[actor_id]
        return actor_id
    found = {}
    for key, actor_id in con.execute("SELECT alias_norm, actor_id FROM actor_aliases").fetchall():
        found[key] = final(actor_id)
    for actor_id, name in con.execute("SELECT actor_id, name FROM actors").fetchall():
        found.setdefault(norm(actor_id), final(actor_id))
        found.setdefault(norm(name), final(actor_id))
    return found


def resolve_records(con, records: list[dict]) -> list[tuple[str, str]]:
    """Put the canonical actor id in each incident record's `actor_id` (which holds the file's actor
    string). Returns (incident_id, string) for each string that matched nothing: those records import
    without an actor and the string becomes a suggestion (note_mentions)."""
    lookup = resolver(con)
    unresolved = []
    for record in records:
        text = record.get("actor_id")
        if text is None or not str(text).strip():
            record["actor_id"] = None
            continue
        actor_id = lookup.get(norm(text))
        if actor_id is None:
            unresolved.append((record["incident_id"], str(text).strip()))
        record["actor_id"] = actor_id
    return unresolved


def note_mentions(con, batch_id: str, mentions: list[tuple[str, str]]) -> dict[str, int]:
    """Keep the unresolved strings of a committed import as open suggestions; {string: records}, one
    entry per folded spelling (named by its first spelling in the file)."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    stamp = _now()
    for incident_id, text in mentions:
        con.execute("""INSERT INTO actor_mentions VALUES (?, ?, ?, ?, ?, 'open', NULL)
                       ON CONFLICT (incident_id, text_norm) DO UPDATE SET batch_id = excluded.batch_id,
                          noted_at = excluded.noted_at, status = 'open', actor_id = NULL""",
                    [incident_id, text, norm(text), batch_id, stamp])
        shown = first.setdefault(norm(text), text)
        counts[shown] = counts.get(shown, 0) + 1
    return counts


def suggestions(con) -> pd.DataFrame:
    """Open suggestions, one row per folded spelling: text (its most frequent spelling), records,
    first and last noted, and the batches it came from."""
    return con.execute("""
        SELECT text_norm, mode(text) AS text, count(*) AS records, min(noted_at) AS first_noted,
               max(noted_at) AS last_noted, string_agg(DISTINCT batch_id, ', ') AS batches
        FROM actor_mentions WHERE status = 'open' GROUP BY text_norm ORDER BY records DESC, text_norm""").df()


# --- Analyst's decisions ---------------------------------------------------------------------------

def _actor(con, actor_id: str) -> tuple:
    row = con.execute("SELECT actor_id, name, merged_into FROM actors WHERE actor_id = ?", [actor_id]).fetchone()
    if row is None:
        raise RegisterError(f"no actor {actor_id!r} in the register")
    return row


def _open_mentions(con, text: str) -> list[str]:
    key = norm(text)
    ids = [i for (i,) in con.execute("SELECT incident_id FROM actor_mentions WHERE text_norm = ? AND status = 'open'",
                                     [key]).fetchall()]
    if not ids:
        raise RegisterError(f"no open suggestion {text!r}")
    return ids


def _weeks(con, incident_ids: list[str]) -> set:
    if not incident_ids:
        return set()
    return {w for (w,) in con.execute("SELECT DISTINCT date_trunc('week', date_occurred)::DATE FROM incidents "
                                      "WHERE incident_id = ANY(?::VARCHAR[])", [incident_ids]).fetchall()}


def _assign(con, text: str, actor_id: str, status: str, who: str) -> int:
    """Give the suggestion's records (those still without an actor) to `actor_id`, and make the
    string an alias of it so the next import resolves it."""
    ids = _open_mentions(con, text)
    moved = [i for (i,) in con.execute("SELECT incident_id FROM incidents WHERE incident_id = ANY(?::VARCHAR[]) "
                                       "AND actor_id IS NULL", [ids]).fetchall()]
    con.execute("UPDATE incidents SET actor_id = ? WHERE incident_id = ANY(?::VARCHAR[])", [actor_id, moved])
    con.execute("UPDATE actor_mentions SET status = ?, actor_id = ? WHERE text_norm = ? AND status = 'open'",
                [status, actor_id, norm(text)])
    con.execute("INSERT OR REPLACE INTO actor_aliases VALUES (?, ?, ?, ?, ?, ?)",
                [norm(text), text, actor_id, status, _now(), who])
    store.refresh_rollups(con, _weeks(con, moved))
    _audit(con, f"actor_{status}", who, {"text": text, "actor_id": actor_id, "records": len(moved)})
    return len(moved)


def next_actor_id(con) -> str:
    numbers = [int(m.group(1)) for (a,) in con.execute("SELECT actor_id FROM actors").fetchall()
               if (m := _ID.fullmatch(a))]
    return f"ACT-{max(numbers, default=0) + 1:03d}"


def accept(con, text: str, gitoc_type: str, name: str | None = None, restricted: bool = True,
           user: str | None = None) -> tuple[str, int]:
    """Accept an open suggestion as a new actor (its name restricted unless said otherwise: a name
    from an import has not been reviewed for release). Returns (new actor id, records given to it)."""
    if gitoc_type not in GITOC_TYPES:
        raise RegisterError(f"unknown GI-TOC actor type {gitoc_type!r}; one of: {', '.join(GITOC_TYPES)}")
    with store.transaction(con):
        _open_mentions(con, text)
        actor_id = next_actor_id(con)
        con.execute("INSERT INTO actors (actor_id, name, gitoc_actor_type, name_restricted, origin) "
                    "VALUES (?, ?, ?, ?, 'suggestion')", [actor_id, (name or text).strip(), gitoc_type, restricted])
        con.execute("INSERT OR IGNORE INTO actor_aliases VALUES (?, ?, ?, 'identifier', ?, ?)",
                    [norm(actor_id), actor_id, actor_id, _now(), _user(user)])
        n = _assign(con, text, actor_id, "accepted", _user(user))
    return actor_id, n


def merge_suggestion(con, text: str, actor_id: str, user: str | None = None) -> int:
    """Merge an open suggestion into a known actor: the string becomes its alias; returns the records given."""
    with store.transaction(con):
        _id, _name, merged_into = _actor(con, actor_id)
        if merged_into:
            raise RegisterError(f"{actor_id} was merged into {merged_into}: merge the suggestion into that actor")
        return _assign(con, text, actor_id, "merged", _user(user))


def dismiss(con, text: str, user: str | None = None) -> int:
    """Not an actor (a victim's community, a State force): the suggestion is closed, records unchanged."""
    with store.transaction(con):
        ids = _open_mentions(con, text)
        con.execute("UPDATE actor_mentions SET status = 'dismissed' WHERE text_norm = ? AND status = 'open'", [norm(text)])
        _audit(con, "actor_dismissed", _user(user), {"text": text, "records": len(ids)})
    return len(ids)


def merge(con, kept: str, merged: str, user: str | None = None) -> str:
    """Merge actor `merged` into `kept`: its records and aliases move to `kept`, its row stays with
    merged_into set, and the merge is logged with everything that moved. Returns the merge id."""
    if kept == merged:
        raise RegisterError("an actor cannot be merged into itself")
    who = _user(user)
    with store.transaction(con):
        for actor_id in (kept, merged):
            _id, _name, into = _actor(con, actor_id)
            if into:
                raise RegisterError(f"{actor_id} was already merged into {into}")
        incidents = [i for (i,) in con.execute("SELECT incident_id FROM incidents WHERE actor_id = ? ORDER BY incident_id",
                                               [merged]).fetchall()]
        aliases = [a for (a,) in con.execute("SELECT alias_norm FROM actor_aliases WHERE actor_id = ? ORDER BY alias_norm",
                                             [merged]).fetchall()]
        con.execute("UPDATE incidents SET actor_id = ? WHERE actor_id = ?", [kept, merged])
        # Marked as merged: the kept actor's own French name stays the one the screens show.
        con.execute("UPDATE actor_aliases SET actor_id = ?, kind = 'merged:' || coalesce(kind, '') WHERE actor_id = ?",
                    [kept, merged])
        con.execute("UPDATE actors SET merged_into = ? WHERE actor_id = ?", [kept, merged])
        merge_id = "M-" + uuid.uuid4().hex[:10]
        con.execute("INSERT INTO actor_merges VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                    [merge_id, kept, merged, _now(), who, incidents, aliases])
        store.refresh_rollups(con, _weeks(con, incidents))
        _audit(con, "actor_merge", who, {"merge_id": merge_id, "kept": kept, "merged": merged,
                                         "records": len(incidents), "aliases": len(aliases)})
    return merge_id


def undo_merge(con, merge_id: str, user: str | None = None) -> int:
    """Undo a merge: the records and aliases that moved go back, the merged actor is active again.
    Refused when the kept actor was itself merged since (undo that merge first). Returns records moved back."""
    who = _user(user)
    with store.transaction(con):
        row = con.execute("SELECT kept, merged, incidents, aliases, undone_at FROM actor_merges WHERE merge_id = ?",
                          [merge_id]).fetchone()
        if row is None:
            raise RegisterError(f"no merge {merge_id!r}")
        kept, merged, incidents, aliases, undone = row
        if undone is not None:
            raise RegisterError(f"merge {merge_id} was already undone")
        if _actor(con, kept)[2]:
            raise RegisterError(f"{kept} was merged into another actor since: undo that merge first")
        con.execute("UPDATE incidents SET actor_id = ? WHERE actor_id = ? AND incident_id = ANY(?::VARCHAR[])",
                    [merged, kept, list(incidents or [])])
        con.execute("""UPDATE actor_aliases SET actor_id = ?, kind = nullif(regexp_replace(kind, '^merged:', ''), '')
                       WHERE actor_id = ? AND alias_norm = ANY(?::VARCHAR[])""", [merged, kept, list(aliases or [])])
        con.execute("UPDATE actors SET merged_into = NULL WHERE actor_id = ?", [merged])
        con.execute("UPDATE actor_merges SET undone_at = ?, undone_by = ? WHERE merge_id = ?", [_now(), who, merge_id])
        store.refresh_rollups(con, _weeks(con, list(incidents or [])))
        _audit(con, "actor_merge_undone", who, {"merge_id": merge_id, "kept": kept, "merged": merged,
                                                "records": len(incidents or [])})
    return len(incidents or [])


def merges(con) -> pd.DataFrame:
    return con.execute("""SELECT merge_id, kept, merged, merged_at, merged_by, len(incidents) AS records,
                                 len(aliases) AS aliases, undone_at, undone_by
                          FROM actor_merges ORDER BY merged_at DESC""").df()


def _audit(con, action: str, who: str, details: dict) -> None:
    con.execute("INSERT INTO audit_log (audit_id, logged_at, actor, action, batch_id, file_name, sha256, details) "
                "VALUES (?, ?, ?, ?, NULL, NULL, NULL, ?)", [uuid.uuid4().hex, _now(), who, action, json.dumps(details)])
