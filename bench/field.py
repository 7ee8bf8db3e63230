"""网格通 on a phone, served as in production (gunicorn; WhiteNoise's compressed static files), in
Debian's Chromium through Playwright: what the grid worker's first visit costs over the wire, and
how soon the app shows the queue when the phone, its browser restarted, opens it with no network.

First load: a fresh browser profile logs in, the browser's cache is emptied (the login page's own
copies of shared files must not make the app look lighter), and /field/ is opened until its
service worker is installed, the report form opened (which loads the map), the map drawn and the
network quiet. Bytes
are those on the wire, headers included (DevTools' `encodedDataLength`), for the page and all it
loads, and for the service worker's own fetches as it installs; what the worker copies from the
browser's HTTP cache costs nothing and is listed apart.

Offline start: a persistent profile opens the app once with signal; then the server is stopped
and, OFFLINE_STARTS times, the browser is started again on that profile, told it has no network,
its page's CPU slowed CPU_SLOWDOWN times, and /field/ opened: first contentful paint,
DOMContentLoaded and the `wangge-field-ready` mark (field.js: the queue and the phone's outbox
shown), from navigation start; then the report form is opened and the time until its map (Leaflet
and the worker's grids, all from the phone's copies) is drawn.
"""

import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from staff.demo import DEMO_PASSWORD

from .common import ensure_demo_data
from .intake import PORT, start_server, stop_server

BASE = f"http://127.0.0.1:{PORT}"
APP = f"{BASE}/field/"
LAUNCH = {
    "executable_path": "/usr/bin/chromium",
    "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}
CPU_SLOWDOWN = 4  # Emulation.setCPUThrottlingRate: this machine's cores as a mid-range phone's
OFFLINE_STARTS = 5
QUIET_MS = 500  # no byte arriving for this long: the first load is over
MAP_WAIT_MS = 15_000  # a map that failed to draw is reported so, not waited for forever

# Notes when #map's data-ready is first set ("1" once drawn, "failed" otherwise) and at what time
# since navigation start: read afterwards, so that the moment is not lost between two polls.
MAP_CLOCK = """
new MutationObserver((changes, observer) => {
  const map = document.getElementById("map");
  if (map && map.dataset.ready) {
    window.wanggeBenchMap = { state: map.dataset.ready, at: performance.now() };
    observer.disconnect();
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready"] });
"""
MAP_SETTLED = "() => !document.getElementById('map') || window.wanggeBenchMap !== undefined"
TIMINGS = """() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {
    first_contentful_paint: paint.startTime,
    dom_content_loaded: navigation.domContentLoadedEventStart,
    field_ready: performance.getEntriesByName("wangge-field-ready")[0].startTime,
  };
}"""


def log_in(page) -> None:
    page.goto(f"{BASE}/login/")
    page.fill("input[name=username]", "grid_worker")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button.button--primary")
    page.wait_for_load_state("networkidle")


def open_the_form(page) -> float:
    """Opens the report form, which loads the map; the moment it was opened (ms)."""
    opened = page.evaluate("performance.now()")
    page.click(".field__report summary")
    with contextlib.suppress(PlaywrightTimeout):  # reported as not drawn: map_state None
        page.wait_for_function(MAP_SETTLED, timeout=MAP_WAIT_MS)
    return opened


class WireBytes:
    """Bytes on the wire per address: the page's through a DevTools session on it, the service
    worker's through Playwright's events for the worker's requests (sized once all is quiet)."""

    def __init__(self, context, page):
        self.page: dict[str, int] = {}
        self.worker_requests: list = []
        self.last_arrival = time.monotonic()
        self._addresses: dict[str, tuple[str, bool]] = {}
        session = context.new_cdp_session(page)
        session.on("Network.responseReceived", self._received)
        session.on("Network.loadingFinished", self._finished)
        session.send("Network.enable")
        session.send("Network.clearBrowserCache")
        context.on("requestfinished", self._worker_finished)

    def _received(self, event: dict) -> None:
        response = event["response"]
        self._addresses[event["requestId"]] = (
            urlsplit(response["url"]).path,
            response.get("fromServiceWorker", False),
        )

    def _finished(self, event: dict) -> None:
        self.last_arrival = time.monotonic()
        path, answered_by_worker = self._addresses.get(event["requestId"], ("", True))
        if not answered_by_worker:  # else its bytes are counted where the worker fetched them
            self.page[path] = self.page.get(path, 0) + int(event["encodedDataLength"])

    def _worker_finished(self, request) -> None:
        if request.service_worker is not None:
            self.last_arrival = time.monotonic()
            self.worker_requests.append(request)

    def wait_until_quiet(self, page) -> None:
        page.wait_for_load_state("networkidle")
        while time.monotonic() - self.last_arrival < QUIET_MS / 1000:
            page.wait_for_timeout(QUIET_MS / 5)

    def worker(self) -> tuple[dict[str, int], list[str]]:
        """The worker's fetches over the wire, per address, and those its HTTP cache answered."""
        fetched: dict[str, int] = {}
        from_http_cache = []
        for request in self.worker_requests:
            path = urlsplit(request.url).path
            sizes = request.sizes()
            wire = sizes["responseHeadersSize"] + sizes["responseBodySize"]
            if wire <= 0:
                from_http_cache.append(path)
                continue
            if request.url == request.service_worker.url and sizes["responseBodySize"] == 0:
                # The worker's own script is fetched by the browser, and DevTools leaves out its
                # body; the view sends it uncompressed, so its Content-Length crossed the wire.
                wire += int(request.response().headers.get("content-length", 0))
            fetched[path] = fetched.get(path, 0) + wire
        return fetched, sorted(set(from_http_cache))


def first_load(browser) -> dict:
    context = browser.new_context(**PHONE)
    context.add_init_script(MAP_CLOCK)
    page = context.new_page()
    log_in(page)
    wire = WireBytes(context, page)
    page.goto(APP)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    opened = open_the_form(page)
    wire.wait_until_quiet(page)
    map_drawn = page.evaluate("window.wanggeBenchMap || null")
    queue = page.locator(".field__queue li[data-code]").count()
    by_worker, from_http_cache = wire.worker()
    context.close()
    return {
        "bytes": sum(wire.page.values()) + sum(by_worker.values()),
        "page": wire.page,
        "service_worker": by_worker,
        "service_worker_from_http_cache": from_http_cache,
        "queue": queue,
        "map_state": map_drawn and map_drawn["state"],
        "map_ready_ms": map_drawn["at"] - opened
        if map_drawn and map_drawn["state"] == "1"
        else None,
    }


def persistent(playwright, profile: Path, *, offline: bool = False):
    return playwright.chromium.launch_persistent_context(
        profile, **LAUNCH, **PHONE, offline=offline
    )


def install_app(playwright, profile: Path) -> None:
    """With signal: logged in, the app opened and its service worker in control of the page."""
    context = persistent(playwright, profile)
    page = context.new_page()
    log_in(page)
    page.goto(APP)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    open_the_form(page)
    page.wait_for_load_state("networkidle")
    context.close()


def offline_start(playwright, profile: Path) -> dict:
    """The browser started again on the profile, told it has no network, and the app opened."""
    context = persistent(playwright, profile, offline=True)
    context.add_init_script(MAP_CLOCK)
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.goto(APP)
    page.wait_for_function(
        "() => performance.getEntriesByName('wangge-field-ready').length > 0"
        " && performance.getEntriesByName('first-contentful-paint').length > 0"
    )
    shown = page.evaluate(TIMINGS)
    opened = open_the_form(page)
    drawn = page.evaluate("window.wanggeBenchMap || null")
    shown["map_state"] = drawn and drawn["state"]
    shown["map_after_opening"] = drawn["at"] - opened if shown["map_state"] == "1" else None
    shown["offline_said"] = page.is_visible(".field__offline")
    shown["queue_present"] = page.locator(".field__queue").count() > 0
    context.close()
    return shown


def summary(starts: list[dict], key: str) -> dict | None:
    values = [start[key] for start in starts if start[key] is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "worst": max(values), "count": len(values)}


def main() -> dict:
    ensure_demo_data()
    with (
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory(prefix="wangge-field-") as directory,
    ):
        profile = Path(directory)
        server = start_server("server-field")
        try:
            browser = playwright.chromium.launch(**LAUNCH)
            version = browser.version
            print("网格通: first load …", file=sys.stderr, flush=True)
            loaded = first_load(browser)
            browser.close()
            print("网格通: installed with signal …", file=sys.stderr, flush=True)
            install_app(playwright, profile)
        finally:
            # Really no network from here: Chromium's offline emulation reaches a service worker
            # only once it has started running, and the worker asks the network first for /field/.
            stop_server(server)
        starts = []
        for number in range(1, OFFLINE_STARTS + 1):
            print(f"网格通: offline start {number} …", file=sys.stderr, flush=True)
            starts.append(offline_start(playwright, profile))
        load = os.getloadavg()[0]
    return {
        "chromium": version,
        "first_load": loaded,
        "cpu_slowdown": CPU_SLOWDOWN,
        "starts": starts,
        "offline": {
            key: summary(starts, key)
            for key in (
                "first_contentful_paint",
                "dom_content_loaded",
                "field_ready",
                "map_after_opening",
            )
        },
        "all_offline_said": all(start["offline_said"] for start in starts),
        "all_queue_present": all(start["queue_present"] for start in starts),
        "load_average": load,
        "cores": os.cpu_count(),
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
    print()
