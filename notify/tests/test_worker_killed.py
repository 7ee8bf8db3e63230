"""A real worker process, killed with SIGKILL while a receiver holds its request, and another
started after it: the message is delivered, and the receiver acts on it exactly once.

The processes share a SQLite file of their own (the test database lives in this process only),
set up by the project's own migrations and services.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from notify.receiver import WebhookReceiver

from .conftest import serve

ROOT = Path(__file__).resolve().parents[2]
SECRET = "kill-test-secret"

SEED = """
import os
from conftest import IN_FIRST_GRID, small_county_csv, small_county_grids
from cases.models import Category, Kind
from cases.services import report_case
from notify.models import Webhook
from territory.services import import_divisions, import_grids, set_boundary

import_divisions(small_county_csv())
outline = [[107.0, 33.0], [107.4, 33.0], [107.4, 33.2], [107.0, 33.2], [107.0, 33.0]]
set_boundary("610722", {"type": "Polygon", "coordinates": [outline]})
import_grids(small_county_grids())
Webhook.objects.create(name="12345", url=os.environ["RECEIVER_URL"], secret=os.environ["SECRET"])
rubbish = Category.objects.create(code="E0101", name="暴露垃圾", kind=Kind.EVENT)
report_case(reporter=None, category=rubbish, description="垃圾", lon=IN_FIRST_GRID[0], lat=IN_FIRST_GRID[1])
"""
# The restarted worker runs once the killed one's lease has run out (its clock moved on by it).
RESTARTED = """
from datetime import timedelta
from django.utils import timezone
from notify.services import LEASE, deliver_due
print(deliver_due(now=timezone.now() + LEASE + timedelta(seconds=1)).delivered)
"""


def manage(env: dict, *args: str, wait: bool = True):
    command = [sys.executable, "manage.py", *args]
    if not wait:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def delivery_row(database: Path) -> tuple:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT status, attempts FROM notify_delivery").fetchone()


def test_a_worker_killed_mid_send_delivers_after_restart_and_the_receiver_acts_once(tmp_path):
    holding, release = threading.Event(), threading.Event()

    def hold_the_first_request(event, repeat):
        if not repeat:
            holding.set()
            release.wait(30)  # the worker waits for our answer … and is killed meanwhile

    receiver = serve(WebhookReceiver(("127.0.0.1", 0), SECRET, on_event=hold_the_first_request))
    database = tmp_path / "wangge.sqlite3"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "WANGGE_VAR_DIR": str(tmp_path),
        "RECEIVER_URL": receiver.url,
        "SECRET": SECRET,
    }
    try:
        manage(env, "migrate", "-v", "0")
        manage(env, "shell", "-c", SEED)

        worker = manage(env, "shell", "-c", "from notify.services import deliver_due; deliver_due()", wait=False)  # fmt: skip
        assert holding.wait(30), "the worker never reached the receiver"
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(30) == -signal.SIGKILL
        release.set()
        assert delivery_row(database) == ("sending", 1)  # claimed, sent, never recorded

        restarted = manage(env, "shell", "-c", RESTARTED)
        assert restarted.stdout.split()[-1] == "1"  # delivered
        assert delivery_row(database) == ("delivered", 2)
        assert receiver.accepted == 2  # carried twice …
        assert len(receiver.events) == 1  # … acted on once
        assert receiver.events[0].payload["action"] == "report"
    finally:
        release.set()
        receiver.shutdown()
        receiver.server_close()
