"""The analyst's notes on a week: key judgements, outlook, recommendations, threats to UN personnel
and operations, and the commissioner's decisions followed up week to week (docs/brief.md).

The notes come as Markdown, in English or French, with level-2 headings and `- ` bullets:

    ## Key judgements
    - Kidnappings will rise on the RN1 before the holidays [likely] [confidence: moderate]
    ## Decisions
    - Joint patrols on the RN1 | owner: UNPOL Ouest | due: 2026-12-20 | status: open

Each import is kept (author, time); the brief reads the newest for its week and mission. A decision
is known by its mission and text: a later week's file that names it with another status updates it,
and an open decision comes back in every following brief until a file closes it.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from types import SimpleNamespace

import duckdb
import pandas as pd

from .. import store
from ..access import Profile
from ..filters import Filters
from ..i18n import I18n, N_
from .weeks import iso_week

SECTIONS = ("judgements", "outlook", "recommendations", "threats", "decisions")
SECTION_TITLES = {"judgements": N_("Key judgements"), "outlook": N_("Outlook"),
                  "recommendations": N_("Recommendations"), "threats": N_("Threats to UN personnel"),
                  "decisions": N_("Decisions")}
HEADINGS = {"key judgements": "judgements", "jugements cles": "judgements", "outlook": "outlook",
            "perspectives": "outlook", "recommendations": "recommendations", "recommandations": "recommendations",
            "threats to un personnel": "threats", "menaces contre le personnel des nations unies": "threats",
            "decisions": "decisions"}
# The probability yardstick of the UK Professional Head of Intelligence Assessment (PHIA), as
# SOCTA practice uses it: each word stands for a stated range.
LIKELIHOOD = {"remote chance": (0, 5), "highly unlikely": (10, 20), "unlikely": (25, 35),
              "realistic possibility": (40, 50), "likely": (55, 75), "highly likely": (80, 90),
              "almost certain": (95, 100)}
LIKELIHOOD_FR = {"chance infime": "remote chance", "tres improbable": "highly unlikely", "improbable": "unlikely",
                 "possibilite realiste": "realistic possibility", "probable": "likely",
                 "tres probable": "highly likely", "quasi certain": "almost certain"}
LIKELIHOOD_LABELS = {"remote chance": N_("remote chance"), "highly unlikely": N_("highly unlikely"),
                     "unlikely": N_("unlikely"), "realistic possibility": N_("realistic possibility"),
                     "likely": N_("likely"), "highly likely": N_("highly likely"),
                     "almost certain": N_("almost certain")}
CONFIDENCE = {"low": "low", "moderate": "moderate", "high": "high", "faible": "low", "moderee": "moderate",
              "elevee": "high"}
CONFIDENCE_LABELS = {"low": N_("low confidence"), "moderate": N_("moderate confidence"),
                     "high": N_("high confidence")}
STATUS = {"open": "open", "in progress": "in_progress", "closed": "closed", "ouverte": "open", "ouvert": "open",
          "en cours": "in_progress", "close": "closed", "fermee": "closed", "closee": "closed"}
STATUS_LABELS = {"open": N_("open"), "in_progress": N_("in progress"), "closed": N_("closed")}
FIELDS = {"owner": "owner", "responsable": "owner", "due": "due", "echeance": "due", "status": "status",
          "statut": "status"}


class NotesError(ValueError):
    """A notes file that cannot be read as it stands; the message names the line."""


@dataclass(frozen=True)
class Judgement:
    text: str
    likelihood: str | None = None      # a LIKELIHOOD key
    confidence: str | None = None      # low | moderate | high


@dataclass(frozen=True)
class Decision:
    text: str
    owner: str | None = None
    due: date | None = None
    status: str = "open"


@dataclass
class Notes:
    judgements: list[Judgement] = field(default_factory=list)
    outlook: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    threats: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def empty(self) -> bool:
        return not any((self.judgements, self.outlook, self.recommendations, self.threats, self.decisions))


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces, no trailing colon: how headings and words are matched."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", text.replace("\u202f", " ")).strip(" :")


MARKER = re.compile(r"\s*\[([^\]]+)\]\s*$")


def parse(markdown: str) -> Notes:
    """Notes from Markdown (EN or FR headings). Raises NotesError naming the first bad line."""
    notes, section = Notes(), None
    for number, raw in enumerate(markdown.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.startswith("# "):
            continue                      # blank lines and a document title
        if line.startswith("## "):
            key = HEADINGS.get(_plain(line[3:]))
            if key is None:
                raise NotesError(f"line {number}: unknown heading {line[3:].strip()!r}; expected one of "
                                 "Key judgements, Outlook, Recommendations, Threats to UN personnel, Decisions "
                                 "(or their French forms)")
            section = key
            continue
        if not line.lstrip().startswith("- "):
            raise NotesError(f"line {number}: each item is a '- ' bullet under a '## ' heading")
        if section is None:
            raise NotesError(f"line {number}: a bullet before any '## ' heading")
        text = line.lstrip()[2:].strip()
        if not text:
            raise NotesError(f"line {number}: an empty bullet")
        if section == "judgements":
            notes.judgements.append(_judgement(text, number))
        elif section == "decisions":
            notes.decisions.append(_decision(text, number))
        else:
            getattr(notes, section).append(text)
    return notes


def _judgement(text: str, number: int) -> Judgement:
    likelihood = confidence = None
    while (match := MARKER.search(text)):
        word = _plain(match.group(1))
        text = text[:match.start()].rstrip()
        if word.startswith(("confidence", "confiance")):
            level = _plain(word.split(":", 1)[1]) if ":" in word else ""
            if level not in CONFIDENCE:
                raise NotesError(f"line {number}: confidence must be low, moderate or high "
                                 f"(faible, modérée, élevée), not {match.group(1)!r}")
            confidence = CONFIDENCE[level]
        elif word in LIKELIHOOD or word in LIKELIHOOD_FR:
            likelihood = LIKELIHOOD_FR.get(word, word)
        else:
            raise NotesError(f"line {number}: {match.group(1)!r} is not a word of the probability yardstick "
                             f"({', '.join(LIKELIHOOD)}) nor a confidence")
    if not text:
        raise NotesError(f"line {number}: a judgement with no text")
    return Judgement(text, likelihood, confidence)


def _decision(text: str, number: int) -> Decision:
    what, *parts = [p.strip() for p in text.split("|")]
    values: dict = {}
    for part in parts:
        name, sep, value = part.partition(":")
        key = FIELDS.get(_plain(name))
        if not sep or key is None:
            raise NotesError(f"line {number}: {part!r} is not 'owner: …', 'due: YYYY-MM-DD' or 'status: …'")
        values[key] = value.strip()
    if "due" in values:
        try:
            values["due"] = date.fromisoformat(values["due"])
        except ValueError:
            raise NotesError(f"line {number}: due {values['due']!r} is not a date YYYY-MM-DD") from None
    status = _plain(values.get("status", "open"))
    if status not in STATUS:
        raise NotesError(f"line {number}: status must be open, in progress or closed (ouverte, en cours, close), "
                         f"not {values['status']!r}")
    if not what:
        raise NotesError(f"line {number}: a decision with no text")
    return Decision(what, values.get("owner") or None, values.get("due"), STATUS[status])


# The words the editor writes back, in the analyst's language: parse() reads both languages.
HEADINGS_OUT = {"en": {"judgements": "Key judgements", "outlook": "Outlook", "recommendations": "Recommendations",
                       "threats": "Threats to UN personnel", "decisions": "Decisions"},
                "fr": {"judgements": "Jugements clés", "outlook": "Perspectives", "recommendations": "Recommandations",
                       "threats": "Menaces contre le personnel des Nations Unies", "decisions": "Décisions"}}
WORDS_FR = {"remote chance": "chance infime", "highly unlikely": "très improbable", "unlikely": "improbable",
            "realistic possibility": "possibilité réaliste", "likely": "probable", "highly likely": "très probable",
            "almost certain": "quasi certain", "low": "faible", "moderate": "modérée", "high": "élevée",
            "open": "ouverte", "in_progress": "en cours", "closed": "close"}
FIELDS_OUT = {"en": ("confidence", "owner", "due", "status"), "fr": ("confiance", "responsable", "échéance", "statut")}


def to_markdown(notes: Notes, carried: list[Decision], lang: str) -> str:
    """`notes` as the Markdown file parse() reads, headings and words in `lang` (en or fr), every
    section present so the analyst fills in what is empty. `carried`: decisions still open from
    earlier weeks, written under Decisions when `notes` has none, so a status can be changed."""
    lang = "fr" if lang == "fr" else "en"
    word = (lambda w: WORDS_FR.get(w, w)) if lang == "fr" else (lambda w: w.replace("_", " "))
    confidence, owner, due, status = FIELDS_OUT[lang]
    items = {"judgements": [j.text + (f" [{word(j.likelihood)}]" if j.likelihood else "")
                            + (f" [{confidence}: {word(j.confidence)}]" if j.confidence else "")
                            for j in notes.judgements],
             "outlook": list(notes.outlook), "recommendations": list(notes.recommendations),
             "threats": list(notes.threats),
             "decisions": [" | ".join([d.text] + ([f"{owner}: {d.owner}"] if d.owner else [])
                                      + ([f"{due}: {d.due.isoformat()}"] if d.due else [])
                                      + [f"{status}: {word(d.status)}"])
                           for d in (notes.decisions or carried)]}
    blocks = [f"## {HEADINGS_OUT[lang][section]}\n" + "".join(f"- {item}\n" for item in items[section])
              for section in SECTIONS]
    return "\n".join(blocks)


def carried_decisions(follow_up: pd.DataFrame) -> list[Decision]:
    """The decisions a brief follows up (follow_up()), as Decisions for the editor."""
    return [Decision(d.text, d.owner if isinstance(d.owner, str) else None,
                     None if pd.isna(d.due) else pd.Timestamp(d.due).date(), d.status)
            for d in follow_up.itertuples()]


# --- Store ---------------------------------------------------------------------------------------

def save(con: duckdb.DuckDBPyConnection, notes: Notes, week: date, mission: str | None, author: str) -> str:
    """Keep one import of notes for the ISO week starting `week` (a Monday) and mission ('' for the
    region); returns its id. Earlier imports stay, as history. `con` is a writer's (store.writing),
    whose one transaction keeps the set whole."""
    if week.weekday() != 0:
        raise NotesError("notes belong to an ISO week, given by its Monday")
    set_id = uuid.uuid4().hex[:12]
    stamp = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = [(set_id, week, mission or "", "judgements", n, j.text, j.likelihood, j.confidence, None, None, None)
            for n, j in enumerate(notes.judgements)]
    rows += [(set_id, week, mission or "", section, n, text, None, None, None, None, None)
             for section in ("outlook", "recommendations", "threats") for n, text in enumerate(getattr(notes, section))]
    rows += [(set_id, week, mission or "", "decisions", n, d.text, None, None, d.owner, d.due, d.status)
             for n, d in enumerate(notes.decisions)]
    con.execute("INSERT INTO brief_note_sets VALUES (?, ?, ?, ?, ?)", [set_id, week, mission or "", author, stamp])
    if rows:
        con.executemany("INSERT INTO brief_notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return set_id


def save_to(db_path, notes: Notes, week: date, mission: str | None, author: str) -> str:
    """save() in one writer's transaction on the store at `db_path`: the CLI's import and the page's
    editor both come through here. A busy store is a store.StoreError."""
    with store.writing(db_path) as con:
        return save(con, notes, week, mission, author)


def current(con, week: date, mission: str | None) -> tuple[Notes, dict | None]:
    """The newest notes for this week and mission, and who wrote them when (None: no notes)."""
    cur = con.cursor()
    try:
        head = cur.execute("""SELECT set_id, author, created_at FROM brief_note_sets
                              WHERE week = ? AND mission = ? ORDER BY created_at DESC LIMIT 1""",
                           [week, mission or ""]).fetchone()
        if head is None:
            return Notes(), None
        rows = cur.execute("""SELECT section, text, likelihood, confidence, owner, due, status FROM brief_notes
                              WHERE set_id = ? ORDER BY section, position""", [head[0]]).fetchall()
    finally:
        cur.close()
    notes = Notes()
    for section, text, likelihood, confidence, owner, due, status in rows:
        if section == "judgements":
            notes.judgements.append(Judgement(text, likelihood, confidence))
        elif section == "decisions":
            notes.decisions.append(Decision(text, owner, due, status))
        else:
            getattr(notes, section).append(text)
    return notes, {"author": head[1], "created_at": head[2]}


def follow_up(con, week: date, mission: str | None) -> pd.DataFrame:
    """The decisions to follow up in the brief of `week`: every decision of this mission raised in
    this week or before, at its newest status as of this week, unless it was closed before it.
    Columns: text, owner, due, status, raised (the week it first appeared), updated (its last week)."""
    cur = con.cursor()
    try:
        return cur.execute("""
            WITH latest AS (   -- the newest import of each week up to this one
                SELECT s.set_id, s.week FROM brief_note_sets s
                WHERE s.mission = ? AND s.week <= ?
                QUALIFY row_number() OVER (PARTITION BY s.week ORDER BY s.created_at DESC) = 1),
            said AS (
                SELECT n.text, n.owner, n.due, n.status, l.week FROM brief_notes n JOIN latest l USING (set_id)
                WHERE n.section = 'decisions'),
            history AS (
                SELECT text, min(week) AS raised, max(week) AS updated,
                       arg_max(status, week) AS status, arg_max(owner, week) AS owner, arg_max(due, week) AS due
                FROM said GROUP BY text)
            SELECT text, owner, due, status, raised, updated FROM history
            WHERE status <> 'closed' OR updated = ?
            ORDER BY status = 'closed', due NULLS LAST, raised, text""", [mission or "", week, week]).df()
    finally:
        cur.close()


def notes_mission(filters: Filters) -> str:
    """Whose notes a brief shows: its mission's (brief/mission.py), or the region's ('') when it pools several."""
    return filters.missions[0] if len(filters.missions) == 1 else ""


def for_brief(con, filters: Filters, profile: Profile, week: date):
    """The analyst's notes and the decisions to follow up: mission-internal, so none for a host
    State's screen or pack (its brief is the figures released to it)."""
    if profile.releasable_to_host_state:
        return Notes(), None, pd.DataFrame()
    mission = notes_mission(filters)
    notes, by = current(con, week, mission)
    return notes, by, follow_up(con, week, mission)


def preview(notes: Notes, week: date, t: I18n) -> list[tuple[str, list[str]]]:
    """sections() of notes not yet saved, as the brief of `week` will show them (the editor's preview)."""
    decisions = pd.DataFrame([{"text": d.text, "owner": d.owner, "due": d.due, "status": d.status, "raised": week}
                              for d in notes.decisions], columns=["text", "owner", "due", "status", "raised"])
    return sections(SimpleNamespace(notes=notes, decisions=decisions, week=week, suppressed_notes=False), t)


NO_NOTES = N_("No analyst judgement recorded for this week.")
JUDGEMENTS_TITLE = SECTION_TITLES["judgements"]


def sections(brief, t: I18n) -> list[tuple[str, list[str]]]:
    """The analyst's notes of a `pack.Brief` as (section title, lines) in the reader's language, for
    the page, the slides and the PDF: each judgement with its likelihood word and range and its
    confidence, each decision with its owner, due date and status. No notes: one section saying so; none at all on a
    host State's pack (notes are mission-internal)."""
    _ = t.gettext
    notes = brief.notes
    out = []
    if notes.judgements:
        lines = []
        for j in notes.judgements:
            said = []
            if j.likelihood:
                low, high = LIKELIHOOD[j.likelihood]
                said.append(f"{_(LIKELIHOOD_LABELS[j.likelihood])} ({t.number(low)}–{t.percent(high / 100)})")
            if j.confidence:
                said.append(_(CONFIDENCE_LABELS[j.confidence]))
            lines.append(j.text + (f" — {', '.join(said)}" if said else ""))
        out.append((_(JUDGEMENTS_TITLE), lines))
    for section in ("outlook", "recommendations", "threats"):
        if getattr(notes, section):
            out.append((_(SECTION_TITLES[section]), list(getattr(notes, section))))
    if len(brief.decisions):
        lines = []
        for d in brief.decisions.itertuples():
            parts = [p for p in (d.owner if isinstance(d.owner, str) else None,
                                 _("due {date}").format(date=t.date(pd.Timestamp(d.due).date())) if not pd.isna(d.due)
                                 else None, _(STATUS_LABELS[d.status])) if p]
            since = "" if pd.Timestamp(d.raised).date() == brief.week else " " + _("(since {week})").format(
                week=iso_week(pd.Timestamp(d.raised).date()))
            lines.append(f"{d.text} — {' · '.join(parts)}{since}")
        out.append((_("Decisions to follow up"), lines))
    if not notes.judgements and not brief.suppressed_notes:
        out.insert(0, (_(JUDGEMENTS_TITLE), [_(NO_NOTES)]))
    return out

