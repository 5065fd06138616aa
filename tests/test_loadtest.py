"""The load test's arithmetic and its command line (the server runs are in test_operations_server.py
and test_proxy_browser.py)."""
from __future__ import annotations

import os

from tnt_dash import loadtest
from tests.conftest import free_port, run_cli


def test_percentiles_and_errors_per_page():
    actions = [loadtest.Action("home", "open", s) for s in (0.1, 0.2, 0.3, 0.4, 2.0)]
    actions += [loadtest.Action("brief", "filter", 1.0), loadtest.Action("brief", "open", 9.0, "no answer within 60 s")]
    result = loadtest.summarise(actions)
    assert result["pages"]["home"] == {"actions": 5, "errors": 0, "p50_s": 0.3, "p95_s": 2.0, "max_s": 2.0}
    assert result["pages"]["brief"] == {"actions": 2, "errors": 1, "p50_s": 1.0, "p95_s": 1.0, "max_s": 1.0}
    assert result["errors"] == 1 and result["error_samples"] == ["brief open: no answer within 60 s"]
    assert result["p50_s"] == 0.35 and result["actions"] == 7


def test_command_line_refuses_bad_values_and_an_absent_server():
    env = {**os.environ}
    bad = run_cli("loadtest", "--url", "http://127.0.0.1:9", "--think", "6", env=env)
    assert bad.returncode == 2 and "--think" in bad.stderr
    gone = run_cli("loadtest", "--url", f"http://127.0.0.1:{free_port()}", "--sessions", "1", "--seconds", "1", env=env)
    assert gone.returncode == 2 and "cannot reach" in gone.stderr, gone.stderr


def test_the_shipped_server_config_skips_the_per_run_gc_and_the_source_watcher():
    """Streamlit's defaults (a full gc.collect after every script run, a watcher resolving every
    module's path after each run) took about three quarters of a served page change's CPU and
    kept one server from carrying 20 sessions (docs/performance.md, "Load test")."""
    import tomllib
    from pathlib import Path
    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False
