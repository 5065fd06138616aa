"""Trusted-header sign-in, end to end: Chromium → an SSO proxy → the app.

The proxy here stands in for a mission's SSO proxy (oauth2-proxy, nginx auth_request): it drops
any identity header the browser sends, and sets the user's e-mail and groups on every request it
forwards, the websocket handshake included, which is where Streamlit reads them
(server.trustedUserHeaders). Which user the browser is, the test says with a cookie, as a real
proxy knows it from its own session cookie. The profile comes from the groups, capped by the
server's TNT_PROFILE; without the headers the viewer gets the host-State shared screen.
Needs Debian's chromium (CI installs it); skipped elsewhere."""
from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from urllib.parse import quote, unquote

import pytest

from .conftest import free_port, needs_chromium, streamlit_server, wait_until_settled

pytestmark = needs_chromium

TRUSTED = {"X-Forwarded-Email": "email", "X-Forwarded-Groups": "roles"}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "content-length", "content-encoding",
              "host", "origin"}


def _identity_headers(cookies: dict[str, str]) -> dict[str, str]:
    """What the proxy asserts about the user: from its session (here the test's cookies), never from
    headers the browser sent."""
    out = {}
    if "test_sso_email" in cookies:
        out["X-Forwarded-Email"] = unquote(cookies["test_sso_email"])
    if "test_sso_groups" in cookies:
        out["X-Forwarded-Groups"] = unquote(cookies["test_sso_groups"])
    return out


def _proxy_app(upstream: str):
    import requests
    import websockets
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response
    from starlette.routing import Route, WebSocketRoute

    def forwarded(request_headers) -> dict[str, str]:
        return {k: v for k, v in request_headers.items()
                if k.lower() not in HOP_BY_HOP and k.lower() not in {h.lower() for h in TRUSTED}}

    async def http(request):
        headers = {**forwarded(request.headers), **_identity_headers(request.cookies)}
        body = await request.body()
        upstream_response = await run_in_threadpool(
            requests.request, request.method, upstream + request.url.path
            + (f"?{request.url.query}" if request.url.query else ""), headers=headers, data=body, timeout=60)
        return Response(upstream_response.content, status_code=upstream_response.status_code,
                        headers={k: v for k, v in upstream_response.headers.items() if k.lower() not in HOP_BY_HOP})

    async def stream(websocket):
        offered = [p.strip() for p in websocket.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
        headers = {"Origin": upstream, **_identity_headers(websocket.cookies)}
        if "cookie" in websocket.headers:
            headers["Cookie"] = websocket.headers["cookie"]
        async with websockets.connect(upstream.replace("http", "ws", 1) + "/_stcore/stream",
                                      subprotocols=offered or None, additional_headers=headers,
                                      max_size=None) as server:
            await websocket.accept(subprotocol=server.subprotocol)

            async def to_server():
                with contextlib.suppress(Exception):
                    while True:
                        message = await websocket.receive()
                        if message["type"] == "websocket.disconnect":
                            break
                        await server.send(message.get("bytes") or message.get("text"))
                await server.close()

            async def to_browser():
                with contextlib.suppress(Exception):
                    async for message in server:
                        if isinstance(message, bytes):
                            await websocket.send_bytes(message)
                        else:
                            await websocket.send_text(message)

            await asyncio.gather(to_server(), to_browser())

    return Starlette(routes=[WebSocketRoute("/_stcore/stream", stream),
                             Route("/{path:path}", http, methods=["GET", "POST", "HEAD", "PUT", "OPTIONS"])])


@contextlib.contextmanager
def sso_proxy(upstream: str):
    import uvicorn
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(_proxy_app(upstream), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        if time.time() > deadline:
            pytest.fail("the test SSO proxy did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def behind_proxy(canary_db):
    # The server's ceiling is the commissioner's profile; its store holds canary records restricted in each way.
    env = {"TNT_AUTH": "header", "STREAMLIT_SERVER_TRUSTED_USER_HEADERS": json.dumps(TRUSTED),
           "TNT_ROLE_MAP": "tnt.analyst=analyst,tnt.gender=gender,tnt.hoststate=shared"}
    with streamlit_server(canary_db, "commissioner", **env) as upstream, sso_proxy(upstream) as base:
        yield base


def _open(browser, base: str, sso: dict[str, str]) -> tuple[str, str]:
    """The banner and the whole page as the proxy's user `sso` (cookies test_sso_*) sees them."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        context.add_cookies([{"name": f"test_sso_{k}", "value": quote(v), "url": base} for k, v in sso.items()])
        page = context.new_page()
        page.goto(base + "/")
        page.wait_for_selector(".tnt-banner", timeout=60_000)
        wait_until_settled(page)
        assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]
        return page.inner_text(".tnt-banner"), page.inner_text("body")
    finally:
        context.close()


@pytest.mark.parametrize("groups, profile", [
    ("tnt.gender", "Gender Officer"),
    ("tnt.gender;tnt.analyst", "Police Commissioner"),   # analyst asked for, capped by this server
    # A shared screen is for one host State: the server's TNT_HOST_STATE (the Central African
    # Republic in the tests), or the one a group names.
    ("tnt.hoststate", "Released to Central African Republic"),
    ("tnt.hoststate.HTI", "Released to Haiti"),
    ("visitors", "Released to Central African Republic"),   # no mapped group: least privilege
])
def test_proxy_groups_set_the_profile_under_the_servers_ceiling(behind_proxy, browser, groups, profile):
    banner, body = _open(browser, behind_proxy, {"email": "officer@un.example", "groups": groups})
    assert profile in banner
    if profile.startswith("Released to"):
        assert "officer@un.example" not in body          # no names on a screen the host State sees
    else:
        assert "Signed in as officer@un.example" in body


def test_without_the_proxys_headers_the_viewer_gets_the_shared_screen(behind_proxy, browser):
    banner, body = _open(browser, behind_proxy, {})
    assert "Released to Central African Republic" in banner
    assert "Signed in" not in body and "CANARY" not in body
