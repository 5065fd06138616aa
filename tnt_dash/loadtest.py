"""A load test of concurrent Streamlit sessions, spoken in Streamlit's own websocket protocol.

One module though long: the websocket client, the server's CPU and memory readings and the summary are
one command, and the client is only used by its driver here.

Each simulated viewer is one websocket at `/_stcore/stream`, as a browser tab is. It sends
`BackMsg` protobufs (`rerun_script` with the page and the widget values) and reads the
`ForwardMsg`s the server answers with, until `script_finished`. That is what a browser does
minus the drawing, so dozens of sessions fit on two cores where headless browsers would not.
A viewer opens the pages in turn and, on each, changes a sidebar filter (a
mission, then a criminal market) and clears it, as an analyst does, reading each view for a few
seconds (--think, 2-6 s by default); it also answers the
server's `auto_rerun` requests (st.fragment(run_every=...)) as a browser would.

Measured per page: the time to settle (request sent -> script_finished) of every page change and
filter change, p50 and p95; errors (an exception drawn on the page, a run that did not finish, a
lost connection, a timeout); and the server's CPU and memory (RSS), sampled from /proc.

The HTML page is fetched first and its cookies sent with the websocket, so a proxy that pins a
viewer to a server by cookie (deploy/nginx.conf) treats the session as it treats a browser.
"""
from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

DEFAULT_PAGES = ("home", "brief", "gender", "map", "trends", "priorities")
SETTLE_TIMEOUT = 60.0     # a run that has not finished by then counts as an error


@dataclass
class Action:
    page: str
    kind: str            # "open" (page change) or "filter"
    seconds: float
    error: str | None = None


@dataclass
class Session:
    """One viewer's websocket and what it has learnt from the server."""
    url: str
    number: int
    cookies: str = ""
    pages: dict[str, str] = field(default_factory=dict)      # url path -> page script hash
    widgets: dict[str, object] = field(default_factory=dict)  # widget id -> its element proto (last seen)
    states: dict[str, object] = field(default_factory=dict)   # widget id -> WidgetState sent
    page: str = ""
    auto_reruns: dict[str, float] = field(default_factory=dict)   # fragment id -> interval (s)
    texts: list[str] = field(default_factory=list)            # markdown/metric text of the last run


def _ws_url(base: str) -> str:
    parts = urlsplit(base)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"


def _fetch_cookies(base: str) -> str:
    """GET the app's HTML as a browser would, and return its cookies as a Cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base.rstrip("/") + "/", timeout=30) as response:
        response.read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class Client:
    """One session: connect, run pages, change filters; every run timed."""

    def __init__(self, session: Session):
        self.s = session
        self.ws = None
        self._finished: asyncio.Queue = asyncio.Queue()
        self._reader: asyncio.Task | None = None
        self._auto: list[asyncio.Task] = []
        self._exception: str | None = None
        self.closed_reason: str | None = None

    async def connect(self) -> None:
        from websockets.asyncio.client import connect
        headers = {"Cookie": self.s.cookies} if self.s.cookies else {}
        self.ws = await connect(_ws_url(self.s.url), subprotocols=["streamlit"], additional_headers=headers,
                                max_size=64 * 1024 * 1024, open_timeout=30, ping_interval=None)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        for task in self._auto:
            task.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except Exception as exc:  # noqa: BLE001 - the connection's end is recorded, then reported as an error
            self.closed_reason = f"{type(exc).__name__}: {exc}"
        else:
            self.closed_reason = self.closed_reason or "closed by the server"
        await self._finished.put(("closed", self.closed_reason))

    def _handle(self, msg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            for page in msg.navigation.app_pages:
                self.s.pages[page.url_pathname or "home"] = page.page_script_hash
        elif kind == "new_session":      # sent as every full run starts
            self.s.texts = []
            self._exception = None
            for page in msg.new_session.app_pages:
                self.s.pages.setdefault(page.url_pathname or "home", page.page_script_hash)
        elif kind == "delta":
            delta = msg.delta
            if delta.WhichOneof("type") == "new_element":
                element = delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    self._exception = f"{element.exception.type}: {element.exception.message[:200]}"
                elif which in ("markdown", "metric", "heading"):
                    body = getattr(element, which)
                    self.s.texts.append(body.body if which != "metric" else f"{body.label} {body.body}")
                elif which in ("multiselect", "selectbox", "date_input", "toggle", "checkbox"):
                    proto = getattr(element, which)
                    if getattr(proto, "id", ""):
                        self.s.widgets[proto.id] = proto
        elif kind == "auto_rerun":
            interval, fragment = msg.auto_rerun.interval, msg.auto_rerun.fragment_id
            if fragment not in self.s.auto_reruns:
                self.s.auto_reruns[fragment] = interval
                self._auto.append(asyncio.create_task(self._auto_rerun(fragment, interval)))
        elif kind == "script_finished":
            self._finished.put_nowait(("finished", msg.script_finished))

    async def _auto_rerun(self, fragment: str, interval: float) -> None:
        """A browser reruns a run_every fragment on its own timer; so does this client."""
        while True:
            await asyncio.sleep(interval)
            if self.ws is None or self.closed_reason:
                return
            await self._send(fragment_id=fragment, auto=True)

    async def _send(self, fragment_id: str = "", auto: bool = False) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        back = BackMsg()
        state = back.rerun_script
        state.page_script_hash = self.s.pages.get(self.s.page, "")
        state.page_name = self.s.page if self.s.page != "home" else ""
        state.query_string = ""
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        for widget_state in self.s.states.values():
            state.widget_states.widgets.append(widget_state)
        await self.ws.send(back.SerializeToString())

    async def run(self, page: str | None = None) -> tuple[float, str | None]:
        """Rerun the app (on `page` if given) and wait until its full run has finished."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        if page is not None and page != self.s.page:
            self.s.page = page
        self._exception = None
        self.s.texts = []
        while not self._finished.empty():
            self._finished.get_nowait()
        started = time.perf_counter()
        await self._send()
        deadline = started + SETTLE_TIMEOUT
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return time.perf_counter() - started, f"no answer within {SETTLE_TIMEOUT:.0f} s"
            try:
                kind, value = await asyncio.wait_for(self._finished.get(), remaining)
            except asyncio.TimeoutError:
                continue
            if kind == "closed":
                return time.perf_counter() - started, f"connection lost: {value}"
            if value == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY or value == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue      # a fragment's timer run, or a run our own request replaced
            elapsed = time.perf_counter() - started
            if value == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                return elapsed, "script failed to compile"
            return elapsed, self._exception

    async def wait_for(self, predicate, timeout: float) -> tuple[bool, str | None]:
        """Wait, without asking, for a full run the server starts itself (a fragment's st.rerun)
        after which predicate(texts drawn) holds. (True, None) when it did; (False, error) else."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        deadline = time.perf_counter() + timeout
        while (remaining := deadline - time.perf_counter()) > 0:
            try:
                kind, value = await asyncio.wait_for(self._finished.get(), remaining)
            except asyncio.TimeoutError:
                break
            if kind == "closed":
                return False, f"connection lost: {value}"
            if value == ForwardMsg.FINISHED_SUCCESSFULLY:
                if self._exception:
                    return False, self._exception
                if predicate(self.s.texts):
                    return True, None
        return False, f"nothing matched within {timeout:.0f} s"

    def widget(self, key: str):
        """The last drawn widget whose user key is `key` (Streamlit ends a keyed widget's id with it)."""
        for widget_id, proto in self.s.widgets.items():
            if widget_id.endswith("-" + key):
                return widget_id, proto
        return None

    def choose(self, key: str, rng: random.Random) -> bool:
        """Pick one option of multiselect `key` (False when the page has none)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        found = self.widget(key)
        if found is None or not found[1].options:
            return False
        widget_id, proto = found
        state = WidgetState(id=widget_id)
        state.string_array_value.data.append(rng.choice(list(proto.options)))
        self.s.states[widget_id] = state
        return True

    def clear(self, key: str) -> bool:
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        found = self.widget(key)
        if found is None:
            return False
        state = WidgetState(id=found[0])
        state.string_array_value.SetInParent()
        self.s.states[found[0]] = state
        return True


DEFAULT_THINK = (2.0, 6.0)    # seconds a viewer reads before the next click: a meeting's pace


async def _viewer(session: Session, pages: list[str], until: float, actions: list[Action], seed: int,
                  think: tuple[float, float] = DEFAULT_THINK) -> None:
    rng = random.Random(seed)
    client = Client(session)
    try:
        await client.connect()
    except Exception as exc:  # noqa: BLE001 - a refused connection is the test's finding, not a crash
        actions.append(Action(pages[0], "open", 0.0, f"could not connect: {type(exc).__name__}: {exc}"))
        return
    try:
        order = pages[session.number % len(pages):] + pages[:session.number % len(pages)]
        step = 0
        while step == 0 or time.perf_counter() < until:     # a viewer that connected late still opens a page
            page = order[step % len(order)]
            step += 1
            seconds, error = await client.run(page)
            actions.append(Action(page, "open", seconds, error))
            if error and error.startswith("connection lost"):
                return
            for key in ("mission", "market"):
                if time.perf_counter() >= until:
                    break
                if client.choose(key, rng):
                    seconds, error = await client.run()
                    actions.append(Action(page, "filter", seconds, error))
                    if error and error.startswith("connection lost"):
                        return
                    await asyncio.sleep(rng.uniform(*think))     # a viewer reads before the next click
            for key in ("mission", "market"):
                client.clear(key)
            await asyncio.sleep(rng.uniform(*think))
    finally:
        await client.close()


def visit(url: str, pages: list[str]) -> list[Action]:
    """One session opening each page once, in turn: a check after a deployment, and the warm-up
    that fills the caches every later session shares."""
    async def go() -> list[Action]:
        client = Client(Session(url, 0, await asyncio.to_thread(_fetch_cookies, url)))
        await client.connect()
        try:
            done = []
            for page in pages:
                seconds, error = await client.run(page)
                done.append(Action(page, "open", seconds, error))
            return done
        finally:
            await client.close()
    return asyncio.run(go())


# ---- the server's CPU and memory ----------------------------------------------------------------

def listening_pids(port: int) -> list[int]:
    """The processes listening on TCP `port` of this machine (Linux /proc; empty elsewhere)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(parts[9])
        except FileNotFoundError:
            continue
    pids = []
    if not inodes:
        return pids
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    pids.append(int(pid))
                    break
        except OSError:
            continue
    return pids


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _sample(pids: list[int], stop: asyncio.Event, samples: dict) -> None:
    if not pids:
        return
    start_cpu = {pid: _cpu_seconds(pid) for pid in pids}
    started = time.perf_counter()
    peak = 0.0
    while not stop.is_set():
        try:
            peak = max(peak, sum(_rss_mb(pid) for pid in pids))
        except OSError:
            break
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass
    elapsed = time.perf_counter() - started
    try:
        used = sum(_cpu_seconds(pid) - start_cpu[pid] for pid in pids)
        samples.update(cpu_percent=round(100 * used / elapsed, 1), rss_mb_peak=round(peak, 1),
                       rss_mb_end=round(sum(_rss_mb(pid) for pid in pids), 1))
    except OSError as exc:
        samples.update(error=f"server process gone: {exc}")


# ---- the run -----------------------------------------------------------------------------------

def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summarise(actions: list[Action]) -> dict:
    by_page: dict[str, dict] = {}
    for page in sorted({a.page for a in actions}):
        mine = [a for a in actions if a.page == page]
        good = [a.seconds for a in mine if not a.error]
        by_page[page] = {"actions": len(mine), "errors": sum(1 for a in mine if a.error),
                         "p50_s": round(_percentile(good, 0.5), 3) if good else None,
                         "p95_s": round(_percentile(good, 0.95), 3) if good else None,
                         "max_s": round(max(good), 3) if good else None}
    good = [a.seconds for a in actions if not a.error]
    errors = [f"{a.page} {a.kind}: {a.error}" for a in actions if a.error]
    return {"pages": by_page, "actions": len(actions), "errors": len(errors), "error_samples": errors[:10],
            "p50_s": round(statistics.median(good), 3) if good else None,
            "p95_s": round(_percentile(good, 0.95), 3) if good else None}


async def _run(url: str, sessions: int, seconds: float, pages: list[str], pids: list[int], seed: int,
               think: tuple[float, float]) -> dict:
    loop = asyncio.get_running_loop()
    cookies = await asyncio.gather(*(loop.run_in_executor(None, _fetch_cookies, url) for _ in range(sessions)))
    actions: list[Action] = []
    stop = asyncio.Event()
    samples: dict = {}
    sampler = asyncio.create_task(_sample(pids, stop, samples))
    started = time.perf_counter()
    until = started + seconds
    viewers = []
    for n in range(sessions):
        viewers.append(asyncio.create_task(_viewer(Session(url, n, cookies[n]), pages, until, actions, seed + n,
                                                     think)))
        await asyncio.sleep(min(0.5, seconds / max(1, sessions) / 4))   # viewers arrive over a few seconds
    await asyncio.gather(*viewers)
    stop.set()
    await sampler
    result = summarise(actions)
    result.update(url=url, sessions=sessions, seconds=round(time.perf_counter() - started, 1), think_s=list(think),
                  server={"pids": pids, **samples})
    return result


def run(url: str, sessions: int, seconds: float, pages: list[str] | None = None, server_pids: list[int] | None = None,
        seed: int = 1, think: tuple[float, float] = DEFAULT_THINK) -> dict:
    """Drive `sessions` viewers against the app at `url` for `seconds`; the summary as a dict."""
    if sessions < 1:
        raise ValueError("--sessions must be 1 or more")
    if seconds <= 0:
        raise ValueError("--seconds must be more than 0")
    if not 0 <= think[0] <= think[1]:
        raise ValueError(f"--think is MIN,MAX seconds with 0 <= MIN <= MAX, got {think}")
    pages = list(pages or DEFAULT_PAGES)
    if server_pids is None:
        parts = urlsplit(url)
        local = parts.hostname in ("127.0.0.1", "localhost", "::1")
        server_pids = listening_pids(parts.port or 80) if local else []
    return asyncio.run(_run(url, sessions, seconds, pages, server_pids, seed, think))


def format_text(result: dict) -> str:
    lines = [f"{result['sessions']} sessions for {result['seconds']} s on {result['url']} "
             f"(think {result['think_s'][0]:g}-{result['think_s'][1]:g} s): "
             f"{result['actions']} page and filter changes, {result['errors']} errors; "
             f"p50 {result['p50_s']} s, p95 {result['p95_s']} s"]
    server = result.get("server", {})
    if "cpu_percent" in server:
        lines.append(f"server (pids {', '.join(map(str, server['pids']))}): CPU {server['cpu_percent']} % "
                     f"(100 % = one core), RSS peak {server['rss_mb_peak']} MB")
    lines.append(f"{'page':<12}{'actions':>9}{'errors':>8}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for page, row in result["pages"].items():
        lines.append(f"{page:<12}{row['actions']:>9}{row['errors']:>8}{row['p50_s'] or '-':>8}"
                     f"{row['p95_s'] or '-':>8}{row['max_s'] or '-':>8}")
    lines.extend("error: " + e for e in result["error_samples"])
    return "\n".join(lines)
