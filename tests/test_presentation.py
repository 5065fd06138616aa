"""The shared screen in a real browser: the weekly brief fits one 1920×1080 projector screen
without scrolling, every week of the demo store's last twelve, in English and in French, even when the projector's bookmark opens the
page by its URL on a freshly started server (the case where Streamlit used to fall back to
listing file names in the sidebar). Needs Debian's chromium, like test_browser."""
from __future__ import annotations

from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from tnt_dash import brief

from .conftest import CHROME_ARGS, CHROMIUM, DEMO_END, ROOT, needs_chromium, streamlit_server

APP = str(ROOT / "app.py")


@pytest.fixture
def fresh_shared_server(canary_db):
    with streamlit_server(canary_db, "shared") as base:
        yield base


def _brief_drawn(page) -> None:
    # The title carries the week only once the brief itself has run (not the first,
    # navigation-only run), and the victims panel is the last one drawn (its table may be a
    # note instead, in a quiet week of one host State).
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
        " const h = document.querySelector('h1');"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
        "   && h && h.innerText.includes(new URL(location.href).searchParams.get('week'))"
        "   && /Victims by sex|Victimes par sexe/.test(document.body.innerText); }",
        timeout=90_000)
    page.wait_for_timeout(1500)


def demo_weeks(n: int = 12) -> list[str]:
    """The demo store's last n complete ISO weeks, newest last: pinned to the store's fixed end
    date, never to today's (the test once passed or failed with the calendar)."""
    last = DEMO_END - timedelta(days=DEMO_END.weekday())      # the Monday of the store's last week
    return [(last - timedelta(weeks=k)).strftime("%G-W%V") for k in reversed(range(n))]


@needs_chromium
def test_brief_fits_a_projector_screen_every_week_in_both_languages(fresh_shared_server):
    from playwright.sync_api import sync_playwright
    weeks = demo_weeks()
    assert weeks[0] == "2026-W37" and weeks[-1] == "2026-W48"
    overflowing = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        # The first URL is opened on the freshly started server by its bookmark: the case where
        # Streamlit used to list file names in the sidebar.
        for n, (week, lang) in enumerate((w, lang) for w in reversed(weeks) for lang in ("fr", "en")):
            page.goto(f"{fresh_shared_server}/brief?lang={lang}&week={week}")
            _brief_drawn(page)
            title, nav = {"fr": ("Note d'information hebdomadaire", "Note d'information"),
                          "en": ("Weekly brief", "Weekly brief")}[lang]
            heading = page.inner_text("h1")
            assert title in heading and week in heading, heading
            if n < 2:
                # The navigation names pages, never script files, even on the first URL opened.
                links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
                assert any(nav in link for link in links), links
                assert not any(link.strip() == "brief" for link in links), links
                banner = page.locator(".tnt-banner").bounding_box()
                assert banner and banner["y"] >= 0 and banner["height"] > 20, banner
            scroll, client = page.evaluate(
                "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                " return [m.scrollHeight, m.clientHeight]; }")
            if scroll > client + 2:
                overflowing.append(f"{week} {lang}: {scroll - client} px")
        browser.close()
    assert not overflowing, "the brief needs scrolling at 1920×1080: " + ", ".join(overflowing)


def test_presentation_brief_is_the_compact_layout(demo_env, monkeypatch):
    """Shared screens get the one-screen layout: large-type HTML tables cut to five rows, the week
    in the title, controls in the sidebar; the laptop view keeps the interactive grids."""
    monkeypatch.setenv("TNT_PROFILE", "shared")
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/brief.py")
    at.run()
    assert not at.exception
    assert "-W" in at.title[0].value
    assert len(at.table) == 3 and len(at.dataframe) == 0
    assert all(len(table.value) <= 5 for table in at.table)
    assert at.sidebar.selectbox(key="week_choice").value
    assert not [m for m in at.markdown if "Notable incidents" in m.value]

    monkeypatch.setenv("TNT_PROFILE", "commissioner")
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/brief.py")
    at.run()
    assert not at.exception
    assert len(at.table) == 0 and len(at.dataframe) >= 4
    assert at.title[0].value.startswith("Weekly brief · ")             # the mission it opens on
    assert at.toggle(key="ao").value is True                            # in its area of operations

    monkeypatch.setenv("TNT_PRESENTATION", "1")     # a UN meeting room's projector
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/brief.py")
    at.run()
    assert not at.exception
    assert len(at.table) == 3 and "-W" in at.title[0].value


def test_brief_week_comes_from_an_iso_code_in_the_link(demo_env, monkeypatch):
    """A bookmark such as /brief?week=2026-W46&lang=fr opens that week; choosing another week
    writes its code (never the displayed label) back into the link."""
    monkeypatch.setenv("TNT_PROFILE", "shared")
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/brief.py")
    at.query_params["week"] = "2026-W46"
    at.query_params["lang"] = "fr"
    at.run()
    assert not at.exception
    assert "2026-W46" in at.title[0].value
    at.sidebar.selectbox(key="week_choice").set_value("2026-W45").run()
    assert "2026-W45" in at.title[0].value
    assert at.query_params["week"] == ["2026-W45"] or at.query_params["week"] == "2026-W45"


LONG_NOTES = "\n".join([
    "## Key judgements",
    *[f"- Judgement {n}: arms flows from Sudan through Vakaga and Bamingui-Bangoran will continue at their "
      f"present level through the dry season [likely] [confidence: moderate]" for n in range(1, 7)],
    "## Outlook", "- Transhumance corridors open in January: more cattle-rustling reports from Ouham-Pendé.",
    "## Recommendations", "- Reinforce joint patrols with the gendarmerie at the Sam Ouandja crossing.",
    "## Threats to UN personnel", "- Roadside threats on the RN8 north of Ndélé.",
    "## Decisions",
    *[f"- Decision {n}: joint patrols at crossing {n} | owner: UNPOL Sector East | due: 2026-12-15 | status: open"
      for n in range(1, 5)]])


SHORT_NOTES = "\n".join([
    "## Key judgements",
    "- Armed groups will keep taxing the Vakaga cattle trade through the dry season [highly likely] [confidence: high]",
    "## Decisions",
    *[f"- Decision {n}: brief the gendarmerie on crossing {n} | owner: UNPOL Sector East | due: 2026-12-31 | "
      "status: open" for n in range(1, 4)]])


@needs_chromium
def test_a_projector_pages_through_notes_and_the_figures_every_week_without_scrolling(demo_db, tmp_path):
    """A UN meeting room's projector (TNT_PRESENTATION=1, commissioner), every week of the demo store's
    last twelve in both languages: open decisions taken in the first week come back in each later one,
    and the last two weeks carry notes long enough to need a second screen; each screen of notes, and
    the figures, fits 1920×1080."""
    import shutil

    from tnt_dash import store
    from tnt_dash.brief import notes as brief_notes
    db = tmp_path / "notes.duckdb"
    shutil.copy(demo_db, db)
    weeks = demo_weeks()
    with store.writing(db) as con:
        brief_notes.save(con, brief_notes.parse(SHORT_NOTES), brief.parse_iso_week(weeks[0]), "MINUSCA", "analyst")
        for week in weeks[-2:]:
            brief_notes.save(con, brief_notes.parse(LONG_NOTES), brief.parse_iso_week(week), "MINUSCA", "analyst")
    from playwright.sync_api import sync_playwright
    overflowing, screens_seen = [], set()
    with streamlit_server(db, "commissioner", TNT_PRESENTATION="1") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        for week in weeks:
            long = week in weeks[-2:]
            for lang in ("fr", "en"):
                for screen in ("1", "2", "figures") if long else ("1", "figures"):
                    page.goto(f"{base}/brief?lang={lang}&week={week}&scope=MINUSCA&screen={screen}")
                    page.wait_for_function(
                        "(w) => { const a = document.querySelector('[data-testid=\"stApp\"]');"
                        " const h = document.querySelector('h1');"
                        " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
                        "   && h && h.innerText.includes(w); }", arg=week, timeout=90_000)
                    page.wait_for_timeout(1000)
                    body = page.inner_text("body")
                    if screen == "2":
                        assert "Judgement 6" in body or "Decision 4" in body, body[:500]
                        assert "Judgement 1:" not in body
                    elif screen == "1" and not long:
                        assert "Decision 3: brief the gendarmerie" in body, (week, lang, body[:500])
                    screens_seen.add(screen)
                    scroll, client = page.evaluate(
                        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                        " return [m.scrollHeight, m.clientHeight]; }")
                    if scroll > client + 2:
                        overflowing.append(f"{week} {lang} screen {screen}: {scroll - client} px")
        browser.close()
    assert not overflowing, "a screen needs scrolling at 1920×1080: " + ", ".join(overflowing)
