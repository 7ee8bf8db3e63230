"""Report intake over HTTP through the machine interfaces, served as in production, beside the
raw rate of durable two-row commits on the same database.

The server is gunicorn with the project's own config (wangge/gunicorn.conf.py: 2 × cores + 1
worker processes, 4 threads each); BENCH_WORKERS, BENCH_THREADS and BENCH_SERVER_COMMAND try
others. Each client holds one keep-alive connection and posts one report after the other:
REST `POST /api/v1/cases` with a staff token, Open311 `POST /open311/v2/requests.json` with a
system key. Every report carries its own Idempotency-Key (both endpoints honour it), so a request
resent on a fresh connection, after the server closed an idle one, never files a report twice.
Latency is measured from the client's side: it includes queueing for a worker and the database.

Afterwards every acknowledged report is read back from the database: stored once, unchanged.
"""

import http.client
import json
import os
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from django.conf import settings
from django.db import connection

from cases.models import Case
from integrations.models import Intake
from integrations.services import issue_credential
from staff.models import User
from territory.models import Level, Region

from .common import (
    BENCH_DIR,
    PYTHON,
    ROOT,
    ensure_demo_data,
    percentiles,
    random_points,
    scaled,
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()
CORES = len(os.sched_getaffinity(0))  # as wangge/gunicorn.conf.py counts them
WORKERS = int(os.environ.get("BENCH_WORKERS") or max(2, 2 * CORES + 1))  # as deployed
THREADS = int(os.environ.get("BENCH_THREADS") or os.environ.get("WANGGE_THREADS") or 4)
DEFAULT_SERVER_COMMAND = (
    "{python} -m gunicorn -c wangge/gunicorn.conf.py --log-level warning "
    "--access-logfile /dev/null wangge.wsgi"
)
# Placeholders: {python} {bind} {port} {workers} {threads}; the same figures are in the
# environment as WANGGE_BIND, WEB_CONCURRENCY and WANGGE_THREADS.
SERVER_COMMAND = os.environ.get("BENCH_SERVER_COMMAND") or DEFAULT_SERVER_COMMAND
CONCURRENCY = (1, 8, 32)
CATEGORY = "E0101"  # 暴露垃圾: a public event; its one question (volume) is optional
RAW_SECONDS = float(os.environ.get("BENCH_RAW_SECONDS", "3"))
BENCH_REDIS = "redis://127.0.0.1:6379/15"


# --- the server ---------------------------------------------------------------------------------


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def server_command() -> list[str]:
    return shlex.split(
        SERVER_COMMAND.format(
            python=PYTHON,
            bind=f"127.0.0.1:{PORT}",
            port=PORT,
            workers=WORKERS,
            threads=THREADS,
        )
    )


def start_server(log_name: str = "server") -> subprocess.Popen:
    """The production profile on a free port; its log goes to var/bench/<log_name>.log."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 30,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "WANGGE_HTTPS": "0",  # plain HTTP: no TLS proxy in front of the benchmark's server
        "DATABASE_CONN_MAX_AGE": "60",  # as bin/serve-prod and docs/deploy.md run it
        "WANGGE_BIND": f"127.0.0.1:{PORT}",
        "WEB_CONCURRENCY": str(WORKERS),
        "WANGGE_THREADS": str(THREADS),
    }
    if redis_answers(BENCH_REDIS):  # the production profile keeps sessions in Redis
        env["REDIS_URL"] = BENCH_REDIS
    # As in production: DEBUG off serves content-hashed static files, which collectstatic makes.
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with (BENCH_DIR / f"{log_name}.log").open("ab") as log:
        server = subprocess.Popen(
            server_command(),
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    for _ in range(150):
        if server.poll() is not None:
            raise RuntimeError(f"the server exited; see var/bench/{log_name}.log")
        try:
            probe = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            probe.request("GET", "/login/")
            probe.getresponse().read()
            probe.close()
            return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# --- clients ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One report as a client sent it, to compare with what the database holds."""

    key: str  # its Idempotency-Key
    description: str
    lon: float
    lat: float


class KeepAlive:
    """One client's persistent connection, opened again when the server has closed it."""

    def __init__(self, timeout: float = 60):
        self.timeout = timeout
        self.http: http.client.HTTPConnection | None = None

    def post(self, url: str, body: bytes, headers: dict) -> tuple[int, bytes]:
        """One attempt; a broken connection raises (OSError, HTTPException) and is dropped."""
        if self.http is None:
            self.http = http.client.HTTPConnection("127.0.0.1", PORT, timeout=self.timeout)
        try:
            self.http.request("POST", url, body, headers)
            response = self.http.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, answer

    def close(self) -> None:
        if self.http is not None:
            self.http.close()
            self.http = None


class RestPath:
    name = "api"
    url = "/api/v1/cases"

    def request(self, sent: Sent, credential: str) -> tuple[bytes, dict]:
        body = {
            "category": CATEGORY,
            "description": sent.description,
            "lon": sent.lon,
            "lat": sent.lat,
            "priority": "normal",
        }
        return json.dumps(body, ensure_ascii=False).encode(), {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {credential}",
            "Idempotency-Key": sent.key,
        }

    def case_code(self, answer: bytes) -> str:
        return json.loads(answer)["code"]


class Open311Path:
    name = "open311"
    url = "/open311/v2/requests.json"

    def request(self, sent: Sent, credential: str) -> tuple[bytes, dict]:
        form = {
            "api_key": credential,
            "service_code": CATEGORY,
            "lat": f"{sent.lat:.6f}",
            "long": f"{sent.lon:.6f}",
            "description": sent.description,
        }
        return urllib.parse.urlencode(form).encode(), {
            "Content-Type": "application/x-www-form-urlencoded",
            "Idempotency-Key": sent.key,
        }

    def case_code(self, answer: bytes) -> str:
        first = json.loads(answer)[0]
        return first.get("service_request_id") or f"token:{first['token']}"


PATHS = (RestPath(), Open311Path())


def points_in_county(count: int) -> np.ndarray:
    outline = shapely.from_geojson(Region.objects.get(level=Level.COUNTY).boundary)
    return np.column_stack(random_points(outline, count, np.random.default_rng(11)))


class Reports:
    """Unique reports at random points of the county: `压测 <run>-<number>`."""

    def __init__(self, prefix: str, points: np.ndarray):
        self.prefix, self.points, self.number = prefix, points, 0
        self.lock = threading.Lock()

    def take(self, count: int) -> list[Sent]:
        with self.lock:
            first, self.number = self.number, self.number + count
        return [self.one(number) for number in range(first, first + count)]

    def next(self) -> Sent:
        return self.take(1)[0]

    def one(self, number: int) -> Sent:
        lon, lat = self.points[number % len(self.points)]
        return Sent(
            key=f"{self.prefix}-{number}",
            description=f"压测 {self.prefix}-{number}",
            lon=float(f"{lon:.6f}"),
            lat=float(f"{lat:.6f}"),
        )


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def run_level(
    path, credential: str, clients: int, per_client: int, reports: Reports
) -> tuple[dict, dict[str, Sent]]:
    """`clients` threads, each posting `per_client` reports on its own connection."""
    batches = [reports.take(per_client) for _ in range(clients)]
    latencies: list[float] = []
    acknowledged: dict[str, Sent] = {}
    errors: Counter = Counter()
    reconnects = [0]
    lock = threading.Lock()

    def work(batch: list[Sent]) -> None:
        keep_alive = KeepAlive()
        mine, acked, bad, again = [], {}, Counter(), 0
        for sent in batch:
            body, headers = path.request(sent, credential)
            started = time.perf_counter()
            for _attempt in range(3):  # a resend carries the same key: never a second case
                try:
                    status, answer = keep_alive.post(path.url, body, headers)
                    break
                except (OSError, http.client.HTTPException):
                    again += 1
                    status, answer = 0, b""
            mine.append((time.perf_counter() - started) * 1000)
            if status in (200, 201):
                acked[path.case_code(answer)] = sent
            else:
                bad[status] += 1
                if sum(bad.values()) == 1:
                    print(f"{path.name}: {status} {answer[:300]!r}", file=sys.stderr)
        keep_alive.close()
        with lock:
            latencies.extend(mine)
            acknowledged.update(acked)
            errors.update(bad)
            reconnects[0] += again

    threads = [threading.Thread(target=work, args=(batch,)) for batch in batches]
    busy_before, total_before = machine_cpu()
    client_cpu_before = time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    busy_after, total_after = machine_cpu()
    level = {
        "clients": clients,
        "requests": len(latencies),
        "failed": sum(errors.values()),
        "per_s": len(acknowledged) / elapsed,
        **percentiles(latencies),
        "resent": reconnects[0],
        # how busy the two sides kept the machine: all of it, and the clients' own share
        "machine_busy": (busy_after - busy_before) / max(1, total_after - total_before),
        "client_cores": (time.process_time() - client_cpu_before) / elapsed,
        "errors": {str(status): count for status, count in errors.items()},
    }
    return level, acknowledged


# --- reading back -------------------------------------------------------------------------------


def stored_reports(prefix: str) -> dict[str, list[tuple]]:
    """This run's cases by description: [(code, lon, lat, category code), …] (one scan)."""
    stored: dict[str, list[tuple]] = {}
    rows = Case.objects.filter(description__startswith=f"压测 {prefix}-").values_list(
        "description", "code", "lon", "lat", "category__code"
    )
    for description, *row in rows.iterator(chunk_size=5000):
        stored.setdefault(description, []).append(tuple(row))
    return stored


def resolve_tokens(acknowledged: dict[str, Sent]) -> dict[str, Sent]:
    """Open311 may answer a token instead of the number: look the number up as a client would."""
    tokens = [code.removeprefix("token:") for code in acknowledged if code.startswith("token:")]
    if not tokens:
        return acknowledged
    codes = dict(Intake.objects.filter(token__in=tokens).values_list("token", "case__code"))
    return {
        codes.get(code.removeprefix("token:"), code) if code.startswith("token:") else code: sent
        for code, sent in acknowledged.items()
    }


def read_back(prefix: str, acknowledged: dict[str, Sent]) -> dict:
    """Every acknowledged report stored exactly once, under the number it was given, unchanged."""
    stored = stored_reports(prefix)
    counts = Counter()
    for code, sent in resolve_tokens(acknowledged).items():
        rows = stored.get(sent.description, [])
        if not rows:
            counts["missing"] += 1
        elif len(rows) > 1:
            counts["duplicated"] += 1
        elif rows[0][0] != code or not same_report(sent, rows[0]):
            counts["mismatched"] += 1
        else:
            counts["stored_unchanged"] += 1
    sent_descriptions = {sent.description for sent in acknowledged.values()}
    return {
        "acknowledged": len(acknowledged),
        "stored": sum(len(rows) for rows in stored.values()),
        "stored_unchanged": counts["stored_unchanged"],
        "mismatched": counts["mismatched"],
        "missing": counts["missing"],
        "duplicated": counts["duplicated"],
        "stored_unacknowledged": sum(
            len(rows)
            for description, rows in stored.items()
            if description not in sent_descriptions
        ),
    }


def same_report(sent: Sent, row: tuple) -> bool:
    _code, lon, lat, category = row
    return abs(lon - sent.lon) <= 1e-6 and abs(lat - sent.lat) <= 1e-6 and category == CATEGORY


# --- the raw baseline ---------------------------------------------------------------------------


class RawSQLite:
    """The app's SQLite settings (wangge/settings.py) on the app's own file, through sqlite3."""

    def __init__(self):
        self.path = str(settings.DATABASES["default"]["NAME"])

    def connect(self):
        db = sqlite3.connect(self.path, timeout=20, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def describe(self, db) -> str:
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
        synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[
            db.execute("PRAGMA synchronous").fetchone()[0]
        ]
        return (
            f"journal_mode={journal}, synchronous={synchronous}, BEGIN IMMEDIATE, busy timeout 20 s"
        )

    def create(self, db) -> None:
        db.execute(
            "CREATE TABLE bench_raw_report (id INTEGER PRIMARY KEY, description TEXT NOT NULL,"
            " lon REAL NOT NULL, lat REAL NOT NULL, at TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE bench_raw_step (id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL"
            " REFERENCES bench_raw_report (id), action TEXT NOT NULL, at TEXT NOT NULL)"
        )

    def commit_two_rows(self, db, number: int) -> None:
        db.execute("BEGIN IMMEDIATE")
        report = db.execute(
            "INSERT INTO bench_raw_report (description, lon, lat, at) VALUES (?, ?, ?, datetime())",
            (f"raw {number}", 107.3, 33.1),
        ).lastrowid
        db.execute(
            "INSERT INTO bench_raw_step (report_id, action, at) VALUES (?, 'report', datetime())",
            (report,),
        )
        db.execute("COMMIT")


class RawPostgres:
    """The app's PostgreSQL database with the server's defaults, through psycopg."""

    def connect(self):
        import psycopg

        return psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)

    def describe(self, db) -> str:
        synchronous = db.execute("SHOW synchronous_commit").fetchone()[0]
        return f"synchronous_commit={synchronous}, read committed"

    def create(self, db) -> None:
        db.execute(
            "CREATE TABLE bench_raw_report (id bigserial PRIMARY KEY, description text NOT NULL,"
            " lon double precision NOT NULL, lat double precision NOT NULL, at timestamptz NOT NULL)"
        )
        db.execute(
            "CREATE TABLE bench_raw_step (id bigserial PRIMARY KEY, report_id bigint NOT NULL"
            " REFERENCES bench_raw_report (id), action text NOT NULL, at timestamptz NOT NULL)"
        )

    def commit_two_rows(self, db, number: int) -> None:
        db.execute("BEGIN")
        report = db.execute(
            "INSERT INTO bench_raw_report (description, lon, lat, at)"
            " VALUES (%s, %s, %s, now()) RETURNING id",
            (f"raw {number}", 107.3, 33.1),
        ).fetchone()[0]
        db.execute(
            "INSERT INTO bench_raw_step (report_id, action, at) VALUES (%s, 'report', now())",
            (report,),
        )
        db.execute("COMMIT")


def raw_commit_rate(raw, threads: int, seconds: float) -> float:
    """Two-row commits per second, `threads` threads each on its own connection."""
    connections = [raw.connect() for _ in range(threads)]
    counts = [0] * threads
    barrier = threading.Barrier(threads + 1)
    stop = [0.0]

    def work(number: int) -> None:
        db = connections[number]
        barrier.wait()
        while time.perf_counter() < stop[0]:
            raw.commit_two_rows(db, counts[number])
            counts[number] += 1

    workers = [threading.Thread(target=work, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    started = time.perf_counter()
    stop[0] = started + seconds
    barrier.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    for db in connections:
        db.close()
    return sum(counts) / elapsed


def raw_baseline() -> dict:
    """Durable two-row commits (a report and its timeline row, without the application) on a
    scratch table pair in the same database, with the same settings; dropped afterwards."""
    raw = RawSQLite() if connection.vendor == "sqlite" else RawPostgres()
    db = raw.connect()
    db.execute("DROP TABLE IF EXISTS bench_raw_step")
    db.execute("DROP TABLE IF EXISTS bench_raw_report")
    raw.create(db)
    try:
        result = {"settings": raw.describe(db), "seconds": RAW_SECONDS}
        for threads in (1, 8):
            result[f"threads_{threads}"] = raw_commit_rate(raw, threads, RAW_SECONDS)
    finally:
        db.execute("DROP TABLE bench_raw_step")
        db.execute("DROP TABLE bench_raw_report")
        db.close()
    return result


# --- the section --------------------------------------------------------------------------------


def issue_bench_credentials(run: str) -> tuple[str, str]:
    """A staff token of the demo grid worker (REST) and a system's key (Open311)."""
    worker = User.objects.get(username="grid_worker")
    _credential, token = issue_credential(f"压测 {run} grid_worker", user=worker)
    _credential, key = issue_credential(f"压测 {run} system")
    return token, key


def server_figures() -> dict:
    return {
        "workers": WORKERS,
        "threads": THREADS,
        "server_command": SERVER_COMMAND,
        "default_server": SERVER_COMMAND == DEFAULT_SERVER_COMMAND,
    }


def main() -> dict:
    ensure_demo_data()
    run = uuid.uuid4().hex[:10]
    reports = Reports(run, points_in_county(20_000))
    token, key = issue_bench_credentials(run)
    credentials = {"api": token, "open311": key}
    cases_before = Case.objects.count()
    print(f"{connection.vendor}: raw two-row commits …", file=sys.stderr, flush=True)
    raw = raw_baseline()
    connection.close()
    acknowledged: dict[str, Sent] = {}
    paths: dict[str, list[dict]] = {}
    server = start_server(f"server-intake-{connection.vendor}")
    try:
        for path in PATHS:  # warm every worker: grid index, routing, connections
            _level, acked = run_level(path, credentials[path.name], 2 * WORKERS, 5, reports)
            acknowledged.update(acked)
        for path in PATHS:
            paths[path.name] = []
            for clients in CONCURRENCY:
                print(
                    f"{connection.vendor}: {path.name} × {clients} …", file=sys.stderr, flush=True
                )
                per_client = max(5, scaled(3000, 100) // clients)
                level, acked = run_level(path, credentials[path.name], clients, per_client, reports)
                paths[path.name].append(level)
                acknowledged.update(acked)
    finally:
        stop_server(server)
    return {
        **server_figures(),
        "cases_before": cases_before,
        "category": CATEGORY,
        "paths": paths,
        "raw": raw,
        "read_back": read_back(run, acknowledged),
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
    print()
