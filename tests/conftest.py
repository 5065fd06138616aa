"""Shared fixtures: a hand-made store with answers worked out by hand, and a small demo store."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest

from tnt_dash import access, seed, store

# A shared screen is for one host State (access.md). The tests' shared screens are the Central
# African Republic's, where the canary records below sit; tests of the setting itself unset it.
os.environ.setdefault("TNT_HOST_STATE", "CAF")
SHARED_STATE = "CAF"

SHARED_CAF = access.SHARED.for_host_state(SHARED_STATE)

DEMO_END = date(2026, 11, 29)   # a Sunday: fixed so demo-based tests do not move with the calendar
DEMO_ROWS = 20_000

INCIDENT_DEFAULTS = dict(
    date_precision=1, date_reported=None, mission=None, iso3=None, admin1_code=None, place=None, lat=None,
    lon=None, geo_precision=None, subtype=None, cross_border=False, origin_iso3=None, transit_iso3=None,
    destination_iso3=None, crossing_code=None, actor_id=None, fatalities=0, arrests_female=0, arrests_male=0,
    arrests_unknown=0, v_female_child=0, v_female_adult=0, v_female_unknown=0, v_male_child=0, v_male_adult=0,
    v_male_unknown=0, v_unknown_child=0, v_unknown_adult=0, v_unknown_unknown=0, seizure_commodity=None,
    seizure_quantity=None, seizure_unit=None, seizure_value_usd=None, source_type="UNPOL patrol",
    source_reliability="B", info_credibility=2, n_sources=1, classification="UNCLASSIFIED", tlp="TLP:GREEN",
    status="validated", narrative=None, narrative_restricted=False, source_ref=None, reporting_unit=None,
    created_at="2026-11-20 00:00:00", updated_at="2026-11-20 00:00:00", batch_id="fixture",
    originator="host_state", releasable_to=[],
)


def insert_incident(con, **values) -> None:
    """One incident; by default the host State's own report (so its shared screen may show it,
    marking allowing), with originator_iso3 its country unless given."""
    row = {**INCIDENT_DEFAULTS, **values}
    if row["originator"] == "host_state":
        row.setdefault("originator_iso3", row["iso3"])
    columns = list(row)
    con.execute(f"INSERT INTO incidents ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [row[c] for c in columns])
    store.refresh_rollups(con)   # as every writer of incidents does (tnt_dash/store.py)


def first_admin1(con, iso3: str) -> str:
    return con.execute("SELECT min(code) FROM admin1 WHERE iso3 = ?", [iso3]).fetchone()[0]


# Six incidents; every expected figure in tests/test_queries.py is worked out from this table.
#  id  date        iso3 market                 status     class.      TLP        victims              fat  seiz
#  I1  2026-11-16  CAF  arms_trafficking       validated  UNCLASS     GREEN      fc1 fa2 (3)          2    1000
#  I2  2026-11-18  CAF  illicit_mining         validated  CONFID.     AMBER      ma3 uu1 (4)          0    -
#  I3  2026-11-10  HTI  kidnapping_for_ransom  draft      UNCLASS     CLEAR      fa1 mc1 (2)          0    -
#  I4  2026-11-03  HTI  kidnapping_for_ransom  validated  UNCLASS     RED        0                    1    -
#  I5  2026-10-27  CAF  arms_trafficking       validated  UNCLASS     CLEAR      fu2 (2)              0    500
#  I6  2026-10-20  COD  ransomware (no place)  validated  STRICTLY C. GREEN      0                    0    -
@pytest.fixture
def hand_store(tmp_path: Path):
    path = tmp_path / "hand.duckdb"
    seed.build(path, demo_rows=None)
    con = store.connect(path)
    caf, hti = first_admin1(con, "CAF"), first_admin1(con, "HTI")
    insert_incident(con, incident_id="I1", date_occurred="2026-11-16", mission="MINUSCA", iso3="CAF",
                    admin1_code=caf, market="arms_trafficking", v_female_child=1, v_female_adult=2, fatalities=2,
                    arrests_male=1, seizure_value_usd=1000, narrative="I1 narrative", place="I1 place")
    insert_incident(con, incident_id="I2", date_occurred="2026-11-18", mission="MINUSCA", iso3="CAF",
                    admin1_code=caf, market="illicit_mining", v_male_adult=3, v_unknown_unknown=1,
                    classification="CONFIDENTIAL", tlp="TLP:AMBER", narrative="I2 narrative",
                    narrative_restricted=True)
    insert_incident(con, incident_id="I3", date_occurred="2026-11-10", mission="BINUH", iso3="HTI",
                    admin1_code=hti, market="kidnapping_for_ransom", v_female_adult=1, v_male_child=1,
                    status="draft", tlp="TLP:CLEAR")
    insert_incident(con, incident_id="I4", date_occurred="2026-11-03", mission="BINUH", iso3="HTI",
                    admin1_code=hti, market="kidnapping_for_ransom", fatalities=1, tlp="TLP:RED")
    insert_incident(con, incident_id="I5", date_occurred="2026-10-27", mission="MINUSCA", iso3="CAF",
                    admin1_code=caf, market="arms_trafficking", v_female_unknown=2, tlp="TLP:CLEAR",
                    source_reliability="E", info_credibility=4, seizure_value_usd=500)
    insert_incident(con, incident_id="I6", date_occurred="2026-10-20", mission="MONUSCO", iso3="COD",
                    market="ransomware", classification="STRICTLY CONFIDENTIAL")
    con.close()
    ro = store.connect(path, read_only=True)
    yield ro
    ro.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A small demo store built once per test session (seed 7, fixed end date)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    seed.build(path, demo_rows=DEMO_ROWS, seed=7, end=DEMO_END)
    return path


@pytest.fixture(scope="module")
def demo_con(demo_db):
    """A read-only connection to the shared demo store, one per test module."""
    con = store.connect(demo_db, read_only=True)
    yield con
    con.close()


@pytest.fixture
def demo_env(demo_db, monkeypatch):
    monkeypatch.setenv("TNT_DB", str(demo_db))
    return demo_db


RESTRICTIONS = {
    "AMBER": dict(tlp="TLP:AMBER"),
    "RED": dict(tlp="TLP:RED"),
    "CONF": dict(classification="CONFIDENTIAL"),
    "STRICT": dict(classification="STRICTLY CONFIDENTIAL"),
    "DRAFT": dict(status="draft"),
}


OTHER_STATE = "OTHERSTATE"


def canary(kind: str) -> str:
    return f"CANARY{kind}ZQX"


@pytest.fixture(scope="session")
def canary_db(demo_db, tmp_path_factory):
    """The demo store plus canary records restricted in each way, each carrying a unique string."""
    path = tmp_path_factory.mktemp("canary") / "canary.duckdb"
    shutil.copy(demo_db, path)
    con = store.connect(path)
    last_week = DEMO_END - timedelta(days=DEMO_END.weekday()) - timedelta(days=7)
    for n, (kind, restriction) in enumerate(RESTRICTIONS.items()):
        word = canary(kind)
        con.execute("INSERT INTO actors (actor_id, name, gitoc_actor_type, name_restricted, violence, reach, links) "
                    "VALUES (?, ?, 'Criminal networks', FALSE, 3, 3, 3)", [f"ACT-{word}", word])
        for day in range(3):   # in the last complete week and the 30-day window, in a busy area
            values = dict(incident_id=f"{word}-{day}", date_occurred=last_week + timedelta(days=day), mission="MINUSCA",
                          iso3="CAF", admin1_code="CF-HM", place=word, lat=5.1, lon=26.4, geo_precision=1,
                          market="human_trafficking", v_female_child=2, v_female_adult=3, fatalities=1,
                          actor_id=f"ACT-{word}", narrative=word, source_ref=word, source_type="Human source",
                          reporting_unit=word, tlp="TLP:GREEN", classification="UNCLASSIFIED", status="validated")
            values.update(restriction)
            insert_incident(con, **values)
    # And a second host State's record, as releasable as a record gets (its own report, released to
    # the Central African Republic too): no shared screen of the Central African Republic shows it.
    word = canary(OTHER_STATE)
    con.execute("INSERT INTO actors (actor_id, name, gitoc_actor_type, name_restricted, violence, reach, links) "
                    "VALUES (?, ?, 'Criminal networks', FALSE, 3, 3, 3)", [f"ACT-{word}", word])
    for day in range(3):
        insert_incident(con, incident_id=f"{word}-{day}", date_occurred=last_week + timedelta(days=day),
                        mission="MONUSCO", iso3="COD", admin1_code=first_admin1(con, "COD"), place=word,
                        market="human_trafficking", v_female_child=2, v_female_adult=3, fatalities=1,
                        actor_id=f"ACT-{word}", narrative=word, source_ref=word, reporting_unit=word,
                        tlp="TLP:CLEAR", originator="host_state", originator_iso3="COD",
                        releasable_to=["COD", SHARED_STATE])
    con.close()
    return path


ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m tnt_dash ARGS` in a process of its own with exactly this environment."""
    return subprocess.run([sys.executable, "-m", "tnt_dash", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=300)


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerURL(str):
    """A test server's base URL, with what the server has written to its log so far."""
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def streamlit_server(db: Path, profile: str, **env: str):
    """`streamlit run app.py` on a free loopback port with this store and profile; yields its base URL
    (a ServerURL, whose log() the tests read) once the health check answers. The browser tests share it."""
    import tempfile
    port = free_port()
    # The log goes to a file: an unread pipe would block the server once it filled.
    log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "TNT_DB": str(db), "TNT_PROFILE": profile, **env},
        stdout=log, stderr=subprocess.STDOUT)
    base = ServerURL(f"http://127.0.0.1:{port}")
    base.log_path = Path(log.name)
    deadline = time.time() + 60
    try:
        while time.time() < deadline:
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        else:
            proc.kill()
            proc.wait(timeout=20)
            pytest.fail("streamlit did not start: " + base.log()[-2000:])
        yield base
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)
        log.close()
        os.unlink(log.name)


@pytest.fixture
def unvalidated_figure(monkeypatch):
    """check(build): build() once unvalidated (as served) and once with Plotly's validation on.

    The served figure must pass validation when rebuilt, equal the validated build, and serialise
    the way st.plotly_chart serialises it. Returns the served figure for further assertions."""
    import json

    import orjson
    import plotly.graph_objects as go
    import plotly.io as pio

    from tnt_dash import figures

    def check(build):
        monkeypatch.setattr(figures, "VALIDATE", False)
        served = build()
        # Served as plain dicts (figures.PlainFigure): what st.plotly_chart reads must be what
        # Plotly makes of the same dicts, read before anything turns them into Plotly objects.
        plain = json.loads(pio.to_json(served.to_dict(), validate=False)) \
            if type(served) is figures.PlainFigure else None
        monkeypatch.setattr(figures, "VALIDATE", True)
        validated = build()
        monkeypatch.setattr(figures, "VALIDATE", False)
        assert served._validate is False, "built with go.Figure/add_trace rather than figures.figure"
        if plain is not None:
            assert type(served) is figures.Figure      # reading an attribute made it a Plotly figure
            assert plain == json.loads(pio.to_json(go.Figure.to_dict(served), validate=False))
        assert validated._validate is True
        rebuilt = go.Figure(served.to_dict())          # raises ValueError on any invalid property
        assert json.loads(rebuilt.to_json()) == json.loads(validated.to_json())
        # figures.Figure.to_dict (no deep copy) must give what plotly's own gives, and leave
        # the figure as it was.
        plotly_dict = pio.to_json(go.Figure.to_dict(served), validate=False)
        assert pio.to_json(served.to_dict(), validate=False) == plotly_dict
        assert pio.to_json(go.Figure.to_dict(served), validate=False) == plotly_dict
        # orjson takes it as it is: no value sends the figure through plotly's slow fallback.
        orjson.dumps(served.to_dict(), option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
        assert plain is not None, "served as a Plotly figure: write path keys (marker_color) as nested dicts"
        return served
    return check


# --- Headless Chromium (Debian's package; CI installs it in .ci/run) -------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Software WebGL (swiftshader) so deck.gl maps draw without a GPU.
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--enable-unsafe-swiftshader"]
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (apt-get install -y chromium)")
SETTLED = ("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
           " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        yield b
        b.close()


def wait_until_settled(page) -> None:
    """Until Streamlit has finished running the page's script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_function(SETTLED, timeout=60_000)


# --- Markers: `pytest -m unit` for the tests that run no page (a few minutes on 2 cores), `-m page` for
# every page under AppTest, `-m browser` for headless Chromium. Set from what a test module uses,
# so a new test is marked without anyone remembering to.
def pytest_configure(config):
    config.addinivalue_line("markers", "unit: queries, indicators, importers and files, no Streamlit run")
    config.addinivalue_line("markers", "page: runs the app's pages with Streamlit's AppTest")
    config.addinivalue_line("markers", "browser: a Streamlit server in headless Chromium")


def pytest_collection_modifyitems(config, items):
    kinds: dict[str, str] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path not in kinds:
            source = path.read_text(encoding="utf-8")
            kinds[path] = ("browser" if "sync_playwright" in source or "streamlit_server(" in source
                           or "browser" in path.stem else "page" if "AppTest" in source else "unit")
        kind = kinds[path]
        # A page module's own fast tests stay unit tests unless they run the app.
        if kind == "page" and not any(word in _source_of(item) for word in PAGE_RUNNERS):
            kind = "unit"
        item.add_marker(getattr(pytest.mark, kind))


PAGE_RUNNERS = ("AppTest", "run_page", "open_page", "_french_app", "switch_page")


def _source_of(item) -> str:
    import inspect
    try:
        return inspect.getsource(item.function)
    except (OSError, TypeError, AttributeError):
        return "AppTest"


@pytest.fixture
def navigation_declared(monkeypatch):
    """AppTest builds a new PagesManager on every run, which takes the app for a pages-directory app
    again; the frame's way out of that mode (ui/chrome.leave_pages_directory_mode) reruns the script,
    and a rerun drops a button's click. A server builds it once per session and app.py's st.navigation
    ends that mode for the process, so there the rerun happens only on a fresh server's first view.
    Here it is ended as soon as the page manager is built, so a test can click buttons."""
    from streamlit.runtime.pages_manager import PagesManager
    built = PagesManager.__init__

    def declared(self, *args, **kwargs):
        built(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False
    monkeypatch.setattr(PagesManager, "__init__", declared)
