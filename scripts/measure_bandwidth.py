"""What a first and a repeat visit to the home page cost on a thin mission link, measured in
Debian's Chromium through the DevTools protocol (ENGINEERING.md §8).

    python scripts/measure_bandwidth.py --url http://127.0.0.1:8501 [--url http://127.0.0.1:8080 ...]
        [--kbps 1000] [--rtt 600] [--json]

For each URL: a fresh browser context (empty cache) opens the home page, then opens it again in
the same context (the cache filled). Network.emulateNetworkConditions throttles to --kbps down and
up with --rtt ms of latency; bytes over the wire are the sum of Network.loadingFinished's
encodedDataLength (headers and compressed bodies as they crossed the link), plus the websocket's
frames (Chromium reports them decompressed: an upper bound where the server compresses them).
"Usable": from navigation start until Streamlit says the page has finished running (stApp's
data-test-script-state="notRunning", as the browser tests wait for) and the last response the
page asked for has arrived (the charts' code comes after the script's elements), judged after
3 s without a request in flight.
A benchmark script, not a test: it prints numbers.
"""
from __future__ import annotations

import argparse
import json
import time

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--enable-unsafe-swiftshader"]
SETTLED = ("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
           " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
           " && document.querySelector('h1') !== null; }")
QUIET_S = 3.0     # no request in flight for this long: the charts' code has come and they are drawn


def visit(page, cdp, url: str) -> dict:
    counts = {"http_bytes": 0, "requests": 0, "ws_bytes": 0, "from_cache": 0}
    inflight: set[str] = set()
    last = [time.perf_counter()]

    def sent(event):
        inflight.add(event["requestId"])

    def finished(event):
        counts["http_bytes"] += int(event.get("encodedDataLength", 0))
        counts["requests"] += 1
        inflight.discard(event["requestId"])
        last[0] = time.perf_counter()

    def failed(event):
        inflight.discard(event["requestId"])

    def cached(_event):
        counts["from_cache"] += 1

    def frame(event):
        counts["ws_bytes"] += len(event["response"].get("payloadData", "")) * 3 // 4   # base64 of binary frames

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)
    cdp.on("Network.requestServedFromCache", cached)
    cdp.on("Network.webSocketFrameReceived", frame)
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=600_000)
    page.wait_for_function(SETTLED, timeout=600_000, polling=200)
    settled = time.perf_counter()
    # The charts' and maps' code is fetched once the script's elements arrive: wait for the
    # network to go quiet, and count usable from the last response (or the settle, if later).
    while inflight or time.perf_counter() - last[0] < QUIET_S:
        page.wait_for_timeout(200)
    usable = max(settled, last[0]) - started
    cdp.remove_listener("Network.requestWillBeSent", sent)
    cdp.remove_listener("Network.loadingFinished", finished)
    cdp.remove_listener("Network.loadingFailed", failed)
    cdp.remove_listener("Network.requestServedFromCache", cached)
    cdp.remove_listener("Network.webSocketFrameReceived", frame)
    return {"usable_s": round(usable, 1), "http_mb": round(counts["http_bytes"] / 1e6, 2),
            "ws_mb": round(counts["ws_bytes"] / 1e6, 2), "requests": counts["requests"],
            "from_cache": counts["from_cache"]}


def measure(url: str, kbps: int, rtt: int) -> dict:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": rtt, "downloadThroughput": kbps * 1000 / 8,
            "uploadThroughput": kbps * 1000 / 8})
        first = visit(page, cdp, url)
        page.goto("about:blank")
        repeat = visit(page, cdp, url)
        browser.close()
    return {"url": url, "kbps": kbps, "rtt_ms": rtt, "first": first, "repeat": repeat}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--kbps", type=int, default=1000)
    parser.add_argument("--rtt", type=int, default=600)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    for url in args.url:
        result = measure(url, args.kbps, args.rtt)
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            for visit_name in ("first", "repeat"):
                r = result[visit_name]
                print(f"{url} {visit_name}: usable after {r['usable_s']} s, {r['http_mb']} MB over {r['requests']} "
                      f"requests ({r['from_cache']} from cache), websocket {r['ws_mb']} MB", flush=True)


if __name__ == "__main__":
    main()
