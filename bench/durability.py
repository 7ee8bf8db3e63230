"""Durability under faults: 8 REST clients post reports for BENCH_KILL_SECONDS (60) while one of
the server's worker processes is killed with SIGKILL every BENCH_KILL_EVERY seconds (10; the
master starts a new one). A client retries a report with the same Idempotency-Key, on a new
connection, after a broken connection, a timeout or a 5xx, until it is answered 201 (made) or
200 (made before); only then is the report acknowledged.

Afterwards each acknowledged key must name exactly one case through its intake row, the number
the client was given, and exactly one case must carry the report's description.
"""

import http.client
import json
import os
import random
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from django.db import connection

from integrations.models import Credential, Intake

from .common import ensure_demo_data
from .intake import (
    CATEGORY,
    KeepAlive,
    Reports,
    RestPath,
    Sent,
    issue_bench_credentials,
    points_in_county,
    same_report,
    server_figures,
    start_server,
    stop_server,
    stored_reports,
)

CLIENTS = 8
SECONDS = float(os.environ.get("BENCH_KILL_SECONDS", "60"))
KILL_EVERY = float(os.environ.get("BENCH_KILL_EVERY", "10"))
FIRST_KILL = KILL_EVERY / 2  # kills at 5, 15, 25 … s: none right at the start or the end
RETRY_FOR = 90.0  # seconds past the end a report already sent keeps being retried
REQUEST_TIMEOUT = 15.0


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the server's workers), read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        # "pid (comm) state ppid …": comm may hold spaces and parentheses
        if int(text.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(text.split(" ", 1)[0]))
    return children


class Tally:
    """What the clients saw, added up under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged: dict[str, tuple[str, Sent]] = {}  # key → (case code, report)
        self.unacknowledged: list[Sent] = []
        self.counts: Counter = Counter()

    def add(self, **counts: int) -> None:
        with self.lock:
            self.counts.update(counts)


def post_until_acknowledged(
    keep_alive: KeepAlive, path: RestPath, token: str, sent: Sent, give_up_at: float, tally: Tally
) -> tuple[int, bytes] | None:
    """The report sent until the server answers it (anything but a broken connection or 5xx)."""
    body, headers = path.request(sent, token)
    while True:
        try:
            status, answer = keep_alive.post(path.url, body, headers)
            if status < 500:
                return status, answer
            tally.add(retries=1, server_errors=1)
        except (OSError, http.client.HTTPException):
            tally.add(retries=1, broken_connections=1)
        if time.monotonic() > give_up_at:
            return None
        time.sleep(0.05)


def client(token: str, reports: Reports, stop_at: float, tally: Tally) -> None:
    path, keep_alive = RestPath(), KeepAlive(timeout=REQUEST_TIMEOUT)
    while time.monotonic() < stop_at:
        sent = reports.next()
        tally.add(posted=1)
        answered = post_until_acknowledged(
            keep_alive, path, token, sent, stop_at + RETRY_FOR, tally
        )
        if answered is None:
            with tally.lock:
                tally.unacknowledged.append(sent)
            continue
        status, answer = answered
        if status in (200, 201):
            with tally.lock:
                tally.acknowledged[sent.key] = (path.case_code(answer), sent)
                tally.counts["replayed" if status == 200 else "created"] += 1
        else:
            tally.add(refused=1)
            with tally.lock:
                tally.unacknowledged.append(sent)
            print(f"refused: {status} {answer[:300]!r}", file=sys.stderr)
    keep_alive.close()


def kill_workers(server_pid: int, threads: list[threading.Thread], started: float) -> list[int]:
    """SIGKILL one worker every KILL_EVERY seconds while the clients post; the killed pids."""
    rng = random.Random(7)
    killed: list[int] = []
    next_kill = started + FIRST_KILL
    while any(thread.is_alive() for thread in threads):
        now = time.monotonic()
        if now >= next_kill and now < started + SECONDS:
            workers = children_of(server_pid)
            if workers:
                victim = rng.choice(workers)
                try:
                    os.kill(victim, signal.SIGKILL)
                    killed.append(victim)
                    print(f"  killed worker {victim} at {now - started:.1f} s", file=sys.stderr)
                except ProcessLookupError:
                    pass
                next_kill += KILL_EVERY
        time.sleep(0.05)
    return killed


def check(run: str, token_prefix: str, tally: Tally) -> dict:
    """Each acknowledged key: one intake row naming the case the client was told, and one case
    with the report's description and point."""
    credential = Credential.objects.get(prefix=token_prefix)
    intakes: dict[str, list[str]] = {}
    for key, code in Intake.objects.filter(credential=credential).values_list(
        "idempotency_key", "case__code"
    ):
        intakes.setdefault(key, []).append(code)
    stored = stored_reports(run)
    counts = Counter()
    for key, (code, sent) in tally.acknowledged.items():
        rows = stored.get(sent.description, [])
        if not rows:
            counts["missing"] += 1
        elif len(rows) > 1:
            counts["duplicates"] += 1
        elif intakes.get(key) != [code] or rows[0][0] != code or not same_report(sent, rows[0]):
            counts["mismatched"] += 1
        else:
            counts["stored_once"] += 1
    for sent in tally.unacknowledged:
        counts["unacknowledged_stored"] += len(stored.get(sent.description, []))
    return {
        "stored_once": counts["stored_once"],
        "duplicates": counts["duplicates"],
        "missing": counts["missing"],
        "mismatched": counts["mismatched"],
        "unacknowledged": len(tally.unacknowledged),
        "unacknowledged_stored": counts["unacknowledged_stored"],
        "stored": sum(len(rows) for rows in stored.values()),
    }


def main() -> dict:
    ensure_demo_data()
    run = uuid.uuid4().hex[:10]
    reports = Reports(run, points_in_county(20_000))
    token, _key = issue_bench_credentials(run)
    connection.close()
    tally = Tally()
    server = start_server(f"server-durability-{connection.vendor}")
    try:
        print(
            f"{connection.vendor}: {CLIENTS} clients for {SECONDS:g} s, a worker killed every "
            f"{KILL_EVERY:g} s …",
            file=sys.stderr,
            flush=True,
        )
        started = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(token, reports, started + SECONDS, tally))
            for _ in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        killed = kill_workers(server.pid, threads, started)
        elapsed = time.monotonic() - started
    finally:
        stop_server(server)
    counts = tally.counts
    return {
        **server_figures(),
        "clients": CLIENTS,
        "seconds": SECONDS,
        "kill_every": KILL_EVERY,
        "elapsed": elapsed,
        "category": CATEGORY,
        "kills": len(killed),
        "posted": counts["posted"],
        "acknowledged": len(tally.acknowledged),
        "created": counts["created"],
        "replayed": counts["replayed"],
        "refused": counts["refused"],
        "retries": counts["retries"],
        "broken_connections": counts["broken_connections"],
        "server_errors": counts["server_errors"],
        **check(run, token.split("_")[1], tally),
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
    print()
