"""Report intake over HTTP, served as in production: gunicorn with the project's own config
(wangge/gunicorn.conf.py: 2 × cores + 1 worker processes, 4 threads each), persistent connections.

Each client logs in as the demo grid worker and posts the real report form (with its CSRF
token) at random points of the county, one request after the other; latency is measured per
request from the client's side, so it includes queueing for a free worker and for the database.
Run after `bench.database` has filled the database (so the indexes are realistically large).
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import numpy as np
import shapely

from cases.models import Case, Category
from territory.models import Level, Region

from .common import PYTHON, ROOT, percentiles, random_points, scaled


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))  # as deployed
CONCURRENCY = (1, 8, 32)


class Client:
    """One user agent: its cookies and the form token, over plain http.client."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"http://127.0.0.1:{PORT}/",
        }
        encoded = None
        if body is not None:
            encoded = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, encoded, headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                # The flash message ("case … reported") is shown by the page the redirect leads to;
                # this client reads the case number from the redirect instead, so it drops the
                # message as that page would, rather than let hundreds pile up in its cookie.
                if name != "messages":
                    self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, text

    def token(self, path: str) -> str:
        _status, page = self.request("GET", path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def log_in(self, username: str, password: str) -> None:
        token = self.token("/login/")
        status, _page = self.request(
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        assert status == 302, f"login failed: {status}"


def points_in_county(count: int) -> np.ndarray:
    outline = shapely.from_geojson(Region.objects.get(level=Level.COUNTY).boundary)
    return np.column_stack(random_points(outline, count, np.random.default_rng(11)))


BENCH_REDIS = "redis://127.0.0.1:6379/15"


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def start_server() -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 30,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "WANGGE_HTTPS": "0",  # plain HTTP: no TLS proxy in front of the benchmark's gunicorn
        "DATABASE_CONN_MAX_AGE": "60",  # as bin/serve-prod and docs/deploy.md run it
        "WANGGE_BIND": f"127.0.0.1:{PORT}",
        "WEB_CONCURRENCY": str(WORKERS),
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
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "wangge/gunicorn.conf.py", "--log-level", "warning", "--access-logfile", "/dev/null", "wangge.wsgi"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/login/")
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def run_level(clients: int, requests_per_client: int, points: np.ndarray, category_id: int) -> dict:
    users = [Client() for _ in range(clients)]
    for user in users:
        user.log_in("grid_worker", "wangge2026")
    tokens = [user.token("/cases/report/") for user in users]
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def work(number: int) -> None:
        user, token = users[number], tokens[number]
        mine, bad = [], []
        for request in range(requests_per_client):
            lon, lat = points[(number * requests_per_client + request) % len(points)]
            form = {
                "csrfmiddlewaretoken": token,
                "category": category_id,
                "description": "压测：路边垃圾",
                "priority": "normal",
                "lon": f"{lon:.6f}",
                "lat": f"{lat:.6f}",
            }
            started = time.perf_counter()
            status, _page = user.request("POST", "/cases/report/", form)
            mine.append((time.perf_counter() - started) * 1000)
            if status != 302:
                bad.append(status)
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": len(latencies),
        "failed": len(failures),
        "per_s": len(latencies) / elapsed,
        **percentiles(latencies),
    }


def main() -> dict:
    points = points_in_county(20_000)
    category_id = Category.objects.get(code="E0101").pk
    before = Case.objects.count()
    server = start_server()
    try:
        run_level(WORKERS, 5, points, category_id)  # warm every worker: grid index, connections
        levels = [
            run_level(clients, max(5, scaled(1600, 100) // clients), points, category_id)
            for clients in CONCURRENCY
        ]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    acknowledged = sum(level["requests"] - level["failed"] for level in levels) + WORKERS * 5
    return {
        "workers": WORKERS,
        "levels": levels,
        "acknowledged": acknowledged,
        "stored": Case.objects.count() - before,
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
    print()
