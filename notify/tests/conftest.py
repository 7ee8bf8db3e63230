"""Fixtures for the outbox: a real webhook receiver on a local port, the SMS fake, huey inline."""

import threading
from datetime import datetime

import pytest
from huey.contrib.djhuey import HUEY

from cases.models import Case
from cases.services import report_case
from conftest import IN_FIRST_GRID
from notify.models import Webhook
from notify.receiver import WebhookReceiver
from notify.senders import MemorySmsGateway

SECRET = "test-webhook-secret"


@pytest.fixture(autouse=True)
def huey_runs_tasks_inline():
    """A delivery run enqueued on commit executes at once, in this thread and test database
    (huey's immediate mode, with an in-memory queue) instead of landing in var/huey.sqlite3."""
    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


@pytest.fixture
def sms(settings) -> list:
    """The messages the SMS gateway was given (the in-process fake)."""
    settings.WANGGE_SMS_GATEWAY = "notify.senders.MemorySmsGateway"
    MemorySmsGateway.sent.clear()
    yield MemorySmsGateway.sent
    MemorySmsGateway.sent.clear()


def serve(receiver: WebhookReceiver):
    thread = threading.Thread(target=receiver.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return receiver


@pytest.fixture
def receiver():
    """A 12345 platform's receiver on 127.0.0.1: checks signatures, takes each event once."""
    receiver = serve(WebhookReceiver(("127.0.0.1", 0), SECRET))
    yield receiver
    receiver.shutdown()
    receiver.server_close()


@pytest.fixture
def webhook(receiver, county) -> Webhook:
    return Webhook.objects.create(name="12345 平台", url=receiver.url, secret=SECRET)


def report_rubbish(people, categories, now: datetime | None = None, **extra) -> Case:
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["grid_worker"],
        category=categories["rubbish"],
        description="路边垃圾堆积",
        lon=lon,
        lat=lat,
        now=now,
        **extra,
    )
