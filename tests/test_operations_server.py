"""Acceptance for issue #34: a server keeps serving while a command-line import writes the store.

A server runs on a copy of the demo store with one session open; `python -m tnt_dash import` from
a shell succeeds meanwhile (it used to stop at "The store is busy"); the open session, untouched,
shows the new records within 10 s (the freshness fragment, tnt_dash/ui/freshness.py, reruns it on
the new snapshot), without an error; and a second server started on the same store serves too.
The session is driven over Streamlit's websocket protocol by the load test's client."""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import time
from pathlib import Path

from tnt_dash import loadtest
from tests.conftest import run_cli, streamlit_server

FIX = Path(__file__).resolve().parent / "fixtures" / "import"
IN_VIEW = re.compile(r"([\d,]+) records in view")


def records_in_view(texts: list[str]) -> int | None:
    for text in texts:
        found = IN_VIEW.search(text)
        if found:
            return int(found.group(1).replace(",", ""))
    return None


def test_import_while_serving_reaches_the_open_session(demo_db, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copy(demo_db, db)
    env = {**os.environ, "TNT_DB": str(db), "TNT_PROFILE": "analyst"}

    async def scenario(url: str) -> dict:
        session = loadtest.Session(url, 0, loadtest._fetch_cookies(url))
        client = loadtest.Client(session)
        await client.connect()
        try:
            seconds, error = await client.run("home")
            assert error is None, error
            before = records_in_view(session.texts)
            assert before, session.texts[:5]
            assert client.s.auto_reruns, "no freshness timer on the page"
            done = await asyncio.to_thread(run_cli, "import", str(FIX / "native_en_bom.csv"), "--json", env=env)
            assert done.returncode == 0, done.stderr
            report = json.loads(done.stdout)
            assert report["inserted"] > 0, report
            imported = time.perf_counter()
            seen, error = await client.wait_for(lambda texts: (records_in_view(texts) or 0) > before, timeout=10)
            assert seen, f"the open session did not show the new records: {error}"
            return {"before": before, "after": records_in_view(session.texts), "report": report,
                    "seconds": time.perf_counter() - imported}
        finally:
            await client.close()

    with streamlit_server(db, "analyst", TNT_FRESHNESS_SECONDS="2") as url:
        outcome = asyncio.run(scenario(url))
        # The fixture's three rows go in; the page shows validated records by default, and EN-3 is a draft.
        assert outcome["report"]["inserted"] == 3, outcome
        assert outcome["after"] - outcome["before"] == 2, outcome
        assert "Traceback" not in url.log(), url.log()[-2000:]
        with streamlit_server(db, "analyst") as second:
            async def look() -> int | None:
                client = loadtest.Client(loadtest.Session(second, 1))
                await client.connect()
                try:
                    seconds, error = await client.run("brief")
                    assert error is None, error
                    seconds, error = await client.run("home")
                    assert error is None, error
                    return records_in_view(client.s.texts)
                finally:
                    await client.close()
            assert asyncio.run(look()) == outcome["after"]
