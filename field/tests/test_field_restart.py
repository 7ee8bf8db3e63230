"""In Chromium on a phone whose browser was closed and started again: 网格通 opens without signal on
the queue it kept, the report saved without signal before the restart is still on the phone
(IndexedDB), and it is sent, once, when the signal returns."""

import socket
import socketserver
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cases.tests.test_browser import CHROMIUM, LAUNCH_ARGS, emptied_timeline, log_in  # noqa: F401
from conftest import handled_case

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}
DESCRIPTION = "桥头路灯不亮，晚上看不清路"


def relay(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
        sink.shutdown(socket.SHUT_WR)
    except OSError:  # the other side went first
        pass


class Connection(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        if not self.server.up:
            return  # closed at once, as a phone without signal finds every server
        with socket.create_connection(self.server.target) as upstream:
            threading.Thread(target=relay, args=(upstream, self.request), daemon=True).start()
            relay(self.request, upstream)


class Signal(socketserver.ThreadingTCPServer):
    """The phone's only way to the live server, which the test cuts and restores. Chromium's
    offline emulation is not enough: a service worker the browser wakes as it starts (to send what
    the phone kept, by background sync) runs before the emulation reaches it, and would send."""

    daemon_threads = True

    def __init__(self, live_server_url: str):
        address = urlsplit(live_server_url)
        self.target = (address.hostname, address.port)
        self.up = True
        super().__init__(("127.0.0.1", 0), Connection)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def signal(live_server):
    found = Signal(live_server.url)
    yield found
    found.shutdown()
    found.server_close()


@pytest.fixture
def chromium():
    """Playwright's Chromium, to start on a profile kept on disk (the `browser` fixture's contexts
    forget everything when closed)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright.chromium


def start_phone(chromium, profile: Path, *, offline: bool = False):
    """The phone's browser started on its profile, as the `browser` fixture launches it."""
    context = chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=LAUNCH_ARGS, offline=offline, **PHONE
    )
    page = context.new_page()
    page.set_default_timeout(45_000)  # sending retries every 5 s
    return context, page


def report_needing_only_words(page) -> str:
    """The first category of the app's form that asks no required question."""
    choices = page.evaluate("JSON.parse(document.getElementById('field-choices').textContent)")
    return next(
        category["code"]
        for category in choices["categories"]
        if not any(question["required"] for question in category["questions"])
    )


def test_the_app_opens_without_signal_after_a_restart_and_sends_what_it_kept(
    emptied_timeline,  # noqa: F811
    live_server,
    signal,
    chromium,
    people,
    rubbish_questions,
    tmp_path,
):
    from cases.models import Case

    to_verify = handled_case(people)
    queued = f".field__queue li[data-code='{to_verify.code}']"
    waiting = f"#outbox .outbox__item--waiting:has-text('{DESCRIPTION}')"
    profile = tmp_path / "phone"

    context, page = start_phone(chromium, profile)
    log_in(page, signal.url, "grid_worker")
    page.goto(f"{signal.url}/field/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()  # the first page was loaded before the worker took charge
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert page.is_visible(queued)

    signal.up = False
    context.set_offline(True)
    page.click(".field__report summary")
    page.select_option("#field-report select[name=category]", report_needing_only_words(page))
    page.fill("#field-report [name=description]", DESCRIPTION)
    page.click("#field-report [type=submit]")
    page.wait_for_selector(waiting)
    context.close()

    context, page = start_phone(chromium, profile, offline=True)
    page.goto(f"{signal.url}/field/")
    assert page.is_visible(queued)
    assert page.is_visible(".field__offline")
    page.wait_for_selector(waiting)
    assert not Case.objects.filter(description=DESCRIPTION).exists()

    signal.up = True
    context.set_offline(False)
    page.wait_for_selector(f"#outbox .outbox__item--sent:has-text('{DESCRIPTION}')")
    [case] = Case.objects.filter(description=DESCRIPTION)  # one, however often it was sent
    assert case.code in page.inner_text("#outbox")
    assert case.reporter == people["grid_worker"]
    context.close()
