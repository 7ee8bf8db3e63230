"""A webhook receiver as an integrator would write one: it checks each request's signature and
time, refuses the rest with 401, and acts on each event once however often it is delivered.

Used by `manage.py receive_webhooks` (the demo's stand-in for a 12345 platform) and by the tests.
It remembers the event keys it has seen in memory only: enough for a demo and a test.
"""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .senders import SIGNATURE_WINDOW, verify_signature

MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class ReceivedEvent:
    key: str
    payload: dict


class WebhookReceiver(ThreadingHTTPServer):
    daemon_threads = True
    handler_class: type["WebhookRequestHandler"]  # set below the handler

    def __init__(
        self,
        address: tuple[str, int],
        secret: str,
        *,
        window: int = SIGNATURE_WINDOW,
        on_event: Callable[[ReceivedEvent, bool], None] | None = None,
        on_refused: Callable[[str], None] | None = None,
    ):
        super().__init__(address, self.handler_class)
        self.secret = secret
        self.window = window
        self.on_event = on_event
        self.on_refused = on_refused
        self.events: list[ReceivedEvent] = []  # each event once: what the receiver acted on
        self.accepted = 0  # correctly signed requests, repeats included
        self.refused = 0
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def take(self, event: ReceivedEvent) -> bool:
        """Act on an event unless its key was seen before; whether it was new."""
        with self._lock:
            self.accepted += 1
            new = event.key not in self._seen
            if new:
                self._seen.add(event.key)
                self.events.append(event)
        if self.on_event:
            self.on_event(event, not new)
        return new

    def refuse(self, reason: str) -> None:
        with self._lock:
            self.refused += 1
        if self.on_refused:
            self.on_refused(reason)


class WebhookRequestHandler(BaseHTTPRequestHandler):
    server: WebhookReceiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._answer(413, "too large")
            return
        body = self.rfile.read(length)
        if not verify_signature(
            self.server.secret,
            self.headers.get("X-Wangge-Timestamp", ""),
            body,
            self.headers.get("X-Wangge-Signature", ""),
            window=self.server.window,
        ):
            self.server.refuse("bad signature or stale timestamp")
            self._answer(401, "bad signature or stale timestamp")
            return
        try:
            payload = json.loads(body)
        except ValueError:
            self._answer(400, "not JSON")
            return
        # The key that dedups is the one inside the signed body; the header must agree with it.
        key = payload.get("event") if isinstance(payload, dict) else None
        if not key or key != self.headers.get("X-Wangge-Event"):
            self._answer(400, "event key missing or not the signed one")
            return
        new = self.server.take(ReceivedEvent(key=key, payload=payload))
        self._answer(200, "ok" if new else "repeat ignored")

    def _answer(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        """Quiet: the command prints each event itself."""


WebhookReceiver.handler_class = WebhookRequestHandler
