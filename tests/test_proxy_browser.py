"""Scale-out through Debian's nginx (deploy/nginx/): 20 sessions through the proxy to two app
servers on one store, none lost; every session pinned to one server; JavaScript compressed and
still marked immutable. The proxy is started by the test itself, with deploy/'s own file."""
from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tnt_dash import loadtest
from tests.conftest import free_port, streamlit_server

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "nginx"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")

pytestmark = pytest.mark.skipif(
    NGINX is None and not os.environ.get("CI"),
    reason="Debian's nginx is not installed (make browser installs it: apt-get install -y nginx "
           "libnginx-mod-http-brotli-filter)")


@contextlib.contextmanager
def nginx(backends: list[int], tmp: Path):
    """deploy/nginx/tnt-dash.conf in a main configuration of its own, on a free port; yields
    (base URL, access log path)."""
    port = free_port()
    site = (DEPLOY / "tnt-dash.conf").read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in backends)
    site = re.sub(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", servers, site)
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    assert f"listen 127.0.0.1:{port};" in site and all(f":{p} " in site for p in backends)
    (tmp / "tnt-dash.conf").write_text(site, encoding="utf-8")
    brotli = BROTLI_MODULE.exists()
    if brotli:
        shutil.copy(DEPLOY / "brotli.conf", tmp / "brotli.conf")
    (tmp / "nginx.conf").write_text(f"""
{'load_module ' + str(BROTLI_MODULE) + ';' if brotli else ''}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    log_format upstream '$upstream_addr $status $request_uri $bytes_sent';
    access_log {tmp}/access.log upstream;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/tnt-dash.conf;
    {'include ' + str(tmp) + '/brotli.conf;' if brotli else ''}
}}
""", encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                            stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("nginx did not answer: " + (tmp / "error.log").read_text())
        yield base, tmp / "access.log"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


PAGES = ["home", "brief", "trends"]


def _get(url: str, encoding: str) -> tuple[dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=30) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_twenty_sessions_through_nginx_to_two_servers(demo_db, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copy(demo_db, db)
    proxy_dir = tmp_path / "nginx"
    proxy_dir.mkdir()
    with streamlit_server(db, "analyst") as one, streamlit_server(db, "analyst") as two:
        ports = [int(one.rsplit(":", 1)[1]), int(two.rsplit(":", 1)[1])]
        # As a deployment does after a start: one visit per server fills the caches every session shares.
        for server in (one, two):
            assert [a.error for a in loadtest.visit(server, PAGES)] == [None] * len(PAGES)
        with nginx(ports, proxy_dir) as (url, access_log):
            result = loadtest.run(url, sessions=20, seconds=10, pages=PAGES, server_pids=[])
            assert result["errors"] == 0, result["error_samples"]
            # Every session ran pages, and its websocket stayed with one server (a lost session
            # would show as an error above: the client does not reconnect).
            assert result["actions"] >= 20, result

            # Both servers took sessions: the websocket upgrades went to each port.
            streams = [line.split()[0] for line in access_log.read_text().splitlines() if "/_stcore/stream" in line]
            assert len(streams) == 20, streams
            assert {s.rsplit(":", 1)[1] for s in streams} == {str(p) for p in ports}, streams

            # The JavaScript: compressed by the proxy, still cached for good by the browser.
            _, html = _get(url + "/", "identity")
            script = re.search(rb'src="(\./)?(static/js/[^"]+\.js)"', html)
            assert script, html[:500]
            plain_headers, plain = _get(f"{url}/{script.group(2).decode()}", "identity")
            gz_headers, gz = _get(f"{url}/{script.group(2).decode()}", "gzip")
            assert gz_headers.get("content-encoding") == "gzip" and gzip.decompress(gz) == plain
            assert len(gz) < len(plain) / 2.5, (len(gz), len(plain))
            assert "immutable" in gz_headers.get("cache-control", ""), gz_headers
            if BROTLI_MODULE.exists():
                br_headers, br = _get(f"{url}/{script.group(2).decode()}", "br, gzip")
                assert br_headers.get("content-encoding") == "br" and len(br) < len(gz), (len(br), len(gz))
