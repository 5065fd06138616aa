"""The analyst's notes on a week (issue #30): judgements with the probability yardstick, outlook,
recommendations, threats to UN personnel, and decisions followed up week to week; on the page, on
slide 2 of the PPTX, at the top of the PDF, in French too; none in a host State's pack."""
from __future__ import annotations

import io
import os
import shutil
from datetime import date, timedelta

import pytest
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from tnt_dash import access, brief, i18n, presented, store
from tnt_dash.brief import export as brief_export, notes as brief_notes, screen as brief_screen
from tnt_dash.filters import Filters
from tnt_dash.scope import Scope

from .conftest import run_cli, ROOT, SHARED_CAF

APP = str(ROOT / "app.py")
W47 = date(2026, 11, 16)

NOTES_EN = """# MINUSCA, week 47

## Key judgements
- Arms flows from Sudan through Vakaga will continue at the present level [likely] [confidence: moderate]
- An attack on the Birao convoy route before February [unlikely]

## Outlook
- Transhumance corridors open in January: more cattle-rustling reports from Ouham-Pendé.

## Recommendations
- Reinforce joint patrols with the gendarmerie at Sam Ouandja.

## Threats to UN personnel
- Roadside threats on the RN8 north of Ndélé.

## Decisions
- Joint patrols at Sam Ouandja | owner: UNPOL Sector East | due: 2026-12-15 | status: open
"""

NOTES_FR = """## Jugements clés
- Les flux d'armes venant du Soudan par la Vakaga se maintiendront [probable] [confiance : modérée]

## Perspectives
- Ouverture des couloirs de transhumance en janvier.

## Recommandations
- Renforcer les patrouilles conjointes à Sam Ouandja.

## Menaces contre le personnel des Nations Unies
- Menaces sur la RN8 au nord de Ndélé.

## Décisions
- Patrouilles conjointes à Sam Ouandja | responsable : UNPOL Secteur Est | échéance : 2026-12-15 | statut : ouverte
"""


def test_parse_english_and_french_alike():
    en, fr = brief_notes.parse(NOTES_EN), brief_notes.parse(NOTES_FR)
    assert en.judgements[0] == brief_notes.Judgement(
        "Arms flows from Sudan through Vakaga will continue at the present level", "likely", "moderate")
    assert en.judgements[1].likelihood == "unlikely" and en.judgements[1].confidence is None
    assert fr.judgements[0].likelihood == "likely" and fr.judgements[0].confidence == "moderate"
    for notes in (en, fr):
        assert len(notes.outlook) == len(notes.recommendations) == len(notes.threats) == 1
        decision = notes.decisions[0]
        assert (decision.due, decision.status) == (date(2026, 12, 15), "open")
    assert fr.decisions[0].owner == "UNPOL Secteur Est"


@pytest.mark.parametrize("text, message", [
    ("## Key findings\n- x", "line 1: unknown heading 'Key findings'"),
    ("- x", "line 1: a bullet before any '## ' heading"),
    ("## Outlook\nFree text", "line 2: each item is a '- ' bullet"),
    ("## Key judgements\n- x [probably]", "line 2: 'probably' is not a word of the probability yardstick"),
    ("## Key judgements\n- x [confidence: total]", "line 2: confidence must be low, moderate or high"),
    ("## Decisions\n- x | due: next week", "line 2: due 'next week' is not a date"),
    ("## Decisions\n- x | status: done", "line 2: status must be open, in progress or closed"),
    ("## Decisions\n- x | who: me", "line 2: 'who: me' is not 'owner: …'"),
])
def test_bad_notes_are_refused_with_the_line(text, message):
    with pytest.raises(brief_notes.NotesError, match=message.replace("(", r"\(").replace("[", r"\[")):
        brief_notes.parse(text)


@pytest.fixture
def notes_db(demo_db, tmp_path):
    path = tmp_path / "notes.duckdb"
    shutil.copy(demo_db, path)
    return path


def _save(path, text: str, week: date, mission: str | None = "MINUSCA", author: str = "analyst@un.example"):
    return brief_notes.save_to(path, brief_notes.parse(text), week, mission, author)


def test_decisions_come_back_until_closed(notes_db):
    decision = "- Joint patrols at Sam Ouandja | owner: UNPOL Sector East | due: 2026-12-15 | status: {status}"
    _save(notes_db, "## Decisions\n" + decision.format(status="open"), W47 - timedelta(weeks=2))      # W
    _save(notes_db, "## Decisions\n" + decision.format(status="closed"), W47 + timedelta(weeks=1))    # W+3
    con = store.connect(notes_db, read_only=True)
    try:
        def follow(week):
            frame = brief_notes.follow_up(con, week, "MINUSCA")
            return [(r.text, r.status) for r in frame.itertuples()]
        opened = [("Joint patrols at Sam Ouandja", "open")]
        assert follow(W47 - timedelta(weeks=2)) == opened
        assert follow(W47 - timedelta(weeks=1)) == opened                 # W+1
        assert follow(W47) == opened                                      # W+2
        assert follow(W47 + timedelta(weeks=1)) == [("Joint patrols at Sam Ouandja", "closed")]   # closed that week
        assert follow(W47 + timedelta(weeks=2)) == []                     # not after it is closed
        assert brief_notes.follow_up(con, W47, "").empty                  # another mission's brief
        pack = brief.weekly_brief(con, Scope(Filters(missions=("MINUSCA",)), access.COMMISSIONER, "en"), W47)
        decisions = dict(brief_notes.sections(pack, i18n.get("en")))["Decisions to follow up"]
        assert decisions == ["Joint patrols at Sam Ouandja — UNPOL Sector East · due 15 Dec 2026 · open "
                             "(since 2026-W45)"]
    finally:
        con.close()


def test_the_newest_import_is_read_and_the_earlier_kept(notes_db):
    _save(notes_db, "## Outlook\n- first", W47)
    _save(notes_db, "## Outlook\n- second", W47, author="other@un.example")
    con = store.connect(notes_db, read_only=True)
    try:
        notes, by = brief_notes.current(con, W47, "MINUSCA")
        assert notes.outlook == ["second"] and by["author"] == "other@un.example"
        assert con.execute("SELECT count(*) FROM brief_note_sets").fetchone()[0] == 2
        assert brief_notes.current(con, W47, "")[1] is None
    finally:
        con.close()


def test_notes_on_the_page_the_slides_and_the_pdf_in_both_languages(notes_db, tmp_path, monkeypatch):
    env = {**os.environ, "TNT_DB": str(notes_db), "TNT_PROFILE": "analyst"}
    path = tmp_path / "notes.md"
    path.write_text(NOTES_EN, encoding="utf-8")
    done = run_cli("brief-notes", "import", str(path), "--week", "2026-W47", "--mission", "MINUSCA", env=env)
    assert done.returncode == 0, done.stderr
    bad = tmp_path / "bad.md"
    bad.write_text("## Findings\n- x\n", encoding="utf-8")
    refused = run_cli("brief-notes", "import", str(bad), "--week", "2026-W47", env=env)
    assert refused.returncode == 2 and "line 1: unknown heading 'Findings'" in refused.stderr
    assert run_cli("brief-notes", "import", str(path), "--week", "2026-W47",
                env={**env, "TNT_PROFILE": "commissioner"}).returncode == 2

    judgement = "Arms flows from Sudan through Vakaga will continue at the present level"
    for lang, words in (("en", ("Key judgements", "likely (55–75%)", "moderate confidence")),
                        ("fr", ("Jugements clés", "probable (55–75", "confiance modérée"))):
        out = tmp_path / f"brief-{lang}"
        for fmt in ("pptx", "pdf"):
            made = run_cli("--lang", lang, "brief", "--week", "2026-W47", "--mission", "MINUSCA", "--format", fmt,
                        "--out", str(out.with_suffix("." + fmt)), env={**env, "TNT_PROFILE": "commissioner"})
            assert made.returncode == 0, made.stderr
        slide = Presentation(str(out.with_suffix(".pptx"))).slides[1]
        slide_text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        pdf_text = " ".join(PdfReader(str(out.with_suffix(".pdf"))).pages[0].extract_text().split())
        for text in (slide_text, pdf_text):
            assert judgement in " ".join(text.split()), lang
            for word in words:
                assert word in text.replace("\u202f", " ") or word in " ".join(text.split()), (lang, word)
        assert pdf_text.index(judgement) < pdf_text.index("Summary" if lang == "en" else "Synthèse")

    # The page: the notes first, on the laptop view of the analyst.
    monkeypatch.setenv("TNT_DB", str(notes_db))
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["week"] = "2026-W47"
    at.query_params["mission"] = "MINUSCA"
    at.run()
    at.switch_page("pages/brief.py").run()
    assert not at.exception, [e.message for e in at.exception]
    shown = "\n".join(m.value for m in at.markdown)
    assert judgement in shown and "Joint patrols at Sam Ouandja" in shown
    assert at.subheader[0].value == "Analyst's assessment"


def test_no_notes_says_so_and_a_host_state_pack_has_none(notes_db):
    _save(notes_db, NOTES_EN, W47)
    con = store.connect(notes_db, read_only=True)
    try:
        t = i18n.get("en")
        other = brief.weekly_brief(con, Scope(Filters(missions=("MINUSCA",)), access.ANALYST, "en"), W47 - timedelta(weeks=3))
        assert brief_notes.sections(other, t) == [("Key judgements", ["No analyst judgement recorded for this week."])]
        shared = brief.weekly_brief(con, Scope(Filters(missions=("MINUSCA",)), SHARED_CAF, "en", "export"), W47)
        assert brief_notes.sections(shared, t) == [] and shared.notes.empty()
        stamp = presented.stamp(con, Scope(Filters(), SHARED_CAF, t.lang), "Weekly brief", period=t.week(W47))
        for fmt in ("pptx", "pdf"):
            data = brief_export.render(fmt, shared, stamp, t)
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages) if fmt == "pdf" else \
                "\n".join(s.text_frame.text for slide in Presentation(io.BytesIO(data)).slides
                          for s in slide.shapes if s.has_text_frame)
            assert "continue at the present level" not in text and "Key judgements" not in text
    finally:
        con.close()


def test_notes_are_paged_for_the_projector_never_scrolled():
    sections = [("Key judgements", ["j" * 150] * 5), ("Outlook", ["o" * 60] * 3), ("Decisions", ["d" * 90] * 6)]
    screens = brief_screen.notes_screens(sections)
    for screen in screens:
        assert 1 <= len(screen) <= 2
        for column in screen:
            lines = sum(2 + sum(max(1, -(-len(i) // brief_screen.LINE_CHARS)) for i in items) for _t, items in column)
            assert lines <= brief_screen.SCREEN_LINES
    flat = [item for screen in screens for column in screen for _t, items in column for item in items]
    assert flat == [item for _t, items in sections for item in items]        # all of it, in order
    assert brief_screen.notes_screens([]) == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_editor_writes_back_what_the_importer_reads(lang):
    """The page's editor opens on the saved notes written as Markdown in the reader's language; read
    back, it gives the same notes, so saving unchanged text changes nothing."""
    notes = brief_notes.parse(NOTES_EN)
    text = brief_notes.to_markdown(notes, [], lang)
    assert brief_notes.parse(text) == notes
    assert ("## Jugements clés" in text and "[probable] [confiance: modérée]" in text) if lang == "fr" else \
        ("## Key judgements" in text and "[likely] [confidence: moderate]" in text)
    # No notes yet: every heading is there to fill in, and decisions still open are carried in.
    carried = [brief_notes.Decision("Joint patrols at Sam Ouandja", "UNPOL Sector East", date(2026, 12, 15), "open")]
    empty = brief_notes.parse(brief_notes.to_markdown(brief_notes.Notes(), carried, lang))
    assert empty.decisions == carried and not empty.judgements


def test_the_analyst_writes_the_notes_on_the_page(notes_db, monkeypatch, navigation_declared):
    monkeypatch.setenv("TNT_DB", str(notes_db))
    monkeypatch.setenv("TNT_PROFILE", "analyst")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["week"] = "2026-W47"
    at.query_params["scope"] = "MINUSCA"
    at.run()
    at.switch_page("pages/brief.py").run()
    assert not at.exception, [e.message for e in at.exception]
    editor = at.text_area[0]
    assert "## Key judgements" in editor.value and "## Decisions" in editor.value

    editor.set_value("## Findings\n- x\n").run()
    assert any("line 1: unknown heading 'Findings'" in e.value for e in at.error)
    assert not [b for b in at.button if b.label == "Save the notes"]      # nothing to save while refused

    at.text_area[0].set_value(NOTES_EN).run()
    preview = "\n".join(m.value for m in at.markdown)
    assert "likely (55–75%), moderate confidence" in preview               # the preview, as the brief will say it
    con = store.connect(notes_db, read_only=True)
    try:
        assert brief_notes.current(con, W47, "MINUSCA")[1] is None
    finally:
        con.close()      # one process cannot hold a reader while the page writes
    next(b for b in at.button if b.label == "Save the notes").click().run()
    assert not at.exception, [e.message for e in at.exception]
    con = store.connect(notes_db, read_only=True)
    try:
        saved, by = brief_notes.current(con, W47, "MINUSCA")
    finally:
        con.close()
    assert saved == brief_notes.parse(NOTES_EN) and by["author"] == "analyst (screen)"
    assert any("Notes saved for" in s.value for s in at.success)
    assert at.subheader[0].value == "Analyst's assessment"

    # The commissioner reads the notes and does not write them.
    monkeypatch.setenv("TNT_PROFILE", "commissioner")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["week"] = "2026-W47"
    at.query_params["scope"] = "MINUSCA"
    at.run()
    at.switch_page("pages/brief.py").run()
    assert not at.exception and not at.text_area
    assert "Arms flows from Sudan" in "\n".join(m.value for m in at.markdown)


def test_the_brief_is_for_one_mission_unless_the_region_is_chosen(notes_db, monkeypatch, tmp_path):
    from tnt_dash.brief import mission
    con = store.connect(notes_db, read_only=True)
    try:
        week = W47
        busiest = mission.busiest(con, Filters(), access.ANALYST, week)
        counts = dict(con.execute("""SELECT mission, count(*) FROM incidents WHERE status = 'validated'
                                     AND date_occurred BETWEEN ? AND ? GROUP BY 1""",
                                  [week - timedelta(weeks=11), week + timedelta(days=6)]).fetchall())
        assert busiest == max(counts, key=counts.get)
        monkeypatch.delenv("TNT_MISSION", raising=False)
        assert mission.default(con, Filters(), access.ANALYST, week) == busiest
        assert mission.default(con, Filters(missions=("BINUH", "MINUSCA")), access.ANALYST, week) == "BINUH"
        monkeypatch.setenv("TNT_MISSION", "MINUSCA")
        assert mission.default(con, Filters(), access.ANALYST, week) == "MINUSCA"
        assert mission.default(con, Filters(missions=("BINUH",)), access.ANALYST, week) == "BINUH"
        assert mission.default(con, Filters(), SHARED_CAF, week) == "MINUSCA"
        monkeypatch.setenv("TNT_MISSION", "NOPE")
        with pytest.raises(mission.MissionError, match="TNT_MISSION=NOPE is not a mission of this store"):
            mission.default(con, Filters(), access.ANALYST, week)
        assert mission.for_mission(Filters(missions=("A", "B")), mission.REGION).missions == ("A", "B")
        # MINUSMA closed at the end of 2023: no brief for it since, one for a week of 2023.
        assert "MINUSMA" not in mission.choices(con, Scope(Filters(), access.ANALYST, "en"), week)
        assert "MINUSMA" in mission.choices(con, Scope(Filters(), access.ANALYST, "en"), date(2023, 6, 5))
        assert set(mission.choices(con, Scope(Filters(), access.ANALYST, "en"), week)) == {
            *mission.serving(con, week), mission.REGION}
        assert mission.for_mission(Filters(), "MINUSCA").missions == ("MINUSCA",)
    finally:
        con.close()

    env = {**os.environ, "TNT_DB": str(notes_db), "TNT_PROFILE": "commissioner", "TNT_MISSION": "MINUSCA"}
    texts = {}
    for name, extra in (("mission", ()), ("region", ("--region",))):
        out = tmp_path / f"{name}.pdf"
        made = run_cli("brief", "--week", "2026-W47", "--format", "pdf", "--out", str(out), *extra, env=env)
        assert made.returncode == 0, made.stderr
        texts[name] = " ".join(PdfReader(str(out)).pages[0].extract_text().split())
    assert "Mission: MINUSCA" in texts["mission"] and "Mission:" not in texts["region"]
    refused = run_cli("brief", "--week", "2026-W47", "--out", str(tmp_path / "x.pdf"), "--format", "pdf",
                      env={**env, "TNT_MISSION": "NOPE"})
    assert refused.returncode == 2 and "TNT_MISSION=NOPE is not a mission of this store" in refused.stderr

    # The page opens on the server's mission; the regional pool is the reader's choice, kept in the link.
    monkeypatch.setenv("TNT_DB", str(notes_db))
    monkeypatch.setenv("TNT_PROFILE", "commissioner")
    monkeypatch.setenv("TNT_MISSION", "MINUSCA")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["week"] = "2026-W47"
    at.run()
    at.switch_page("pages/brief.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value.startswith("Weekly brief · MINUSCA")
    at.selectbox(key="scope").select(mission.REGION).run()
    assert at.title[0].value.startswith("Weekly brief · all missions")
    assert at.query_params["scope"] in (mission.REGION, [mission.REGION])
