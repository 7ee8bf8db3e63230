"""Throwaway PostgreSQL clusters on loopback ports, for the roll-up's end-to-end test and its
benchmark: two counties and a city on one machine, as docs/deploy.md sets them up on three.

Debian's cluster tools (pg_createcluster, run as root) make each cluster with `wal_level=logical`
and trust on loopback; nothing here is for a real deployment (fsync is off).
"""

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

PROJECT = Path(__file__).resolve().parent.parent

SETTINGS = """
listen_addresses = '127.0.0.1'
wal_level = logical
max_replication_slots = 16
max_wal_senders = 16
max_logical_replication_workers = 8
max_sync_workers_per_subscription = 2
max_worker_processes = 16
max_slot_wal_keep_size = 1GB
fsync = off
full_page_writes = off
shared_buffers = 128MB
"""


def available() -> str | None:
    """Why local clusters cannot be made here, or None when they can."""
    if shutil.which("pg_createcluster") is None:
        return "Debian's postgresql-common (pg_createcluster) is not installed"
    if os.geteuid() != 0:
        return "pg_createcluster needs root"
    if not Path("/etc/postgresql").is_dir():
        return "no PostgreSQL server is installed"
    return None


def server_version() -> str:
    return max(os.listdir("/etc/postgresql"), key=lambda version: float(version))


@dataclass
class Cluster:
    name: str
    port: int

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str, user: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} dbname={database} user={user}"

    def connect(self, database: str, user: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.dsn(database, user), autocommit=True)

    def execute(self, database: str, *statements: str) -> None:
        with self.connect(database) as connection:
            for statement in statements:
                connection.execute(statement)

    def create_database(self, name: str) -> None:
        self.execute("postgres", f'CREATE DATABASE "{name}"')


def create(name: str, port: int) -> Cluster:
    """A fresh cluster (an old one of the name is dropped first), started and accepting."""
    version = server_version()
    drop(Cluster(name, port))
    subprocess.run(
        [
            "pg_createcluster",
            version,
            name,
            "-p",
            str(port),
            "--",
            "--auth-host=trust",
            "--auth-local=trust",
        ],
        check=True,
        capture_output=True,
    )
    Path(f"/etc/postgresql/{version}/{name}/conf.d/wangge-rollup.conf").write_text(SETTINGS)
    subprocess.run(["pg_ctlcluster", version, name, "start"], check=True, capture_output=True)
    cluster = Cluster(name, port)
    for _attempt in range(100):
        try:
            cluster.execute("postgres", "SELECT 1")
            return cluster
        except psycopg.OperationalError:
            time.sleep(0.1)
    raise RuntimeError(f"cluster {name} did not start on port {port}")


def drop(cluster: Cluster) -> None:
    subprocess.run(
        ["pg_dropcluster", "--stop", server_version(), cluster.name], capture_output=True
    )


def manage(*arguments: str, env: dict[str, str], input: str | None = None) -> str:
    """Run this project's manage.py with the given environment (a county's or the city's)."""
    completed = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_DEBUG": "1", **env},
        input=input,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(arguments)} failed:\n{completed.stdout}\n{completed.stderr}"
        )
    return completed.stdout


def county_env(cluster: Cluster, county_code: str) -> dict[str, str]:
    return {"DATABASE_URL": cluster.url("wangge"), "WANGGE_COUNTY_CODE": county_code}


def city_env(cluster: Cluster) -> dict[str, str]:
    return {
        "DATABASE_URL": cluster.url("city"),
        "WANGGE_ROLLUP_DATABASE_URL": cluster.url("rollup"),
    }


def set_up_county(cluster: Cluster, county_code: str, cases: int, role: str) -> None:
    """Migrate, load the county's demo with `cases` cases, and publish it for the city's role."""
    cluster.create_database("wangge")
    cluster.execute("wangge", f'CREATE ROLE "{role}" LOGIN REPLICATION')
    env = county_env(cluster, county_code)
    manage("migrate", "-v", "0", env=env)
    manage("load_demo", "--cases", str(cases), env=env)
    manage("rollup_publish", "--role", role, env=env)


def set_up_city(cluster: Cluster) -> None:
    cluster.create_database("city")
    cluster.create_database("rollup")
    env = city_env(cluster)
    manage("migrate", "-v", "0", env=env)
    manage("migrate", "--database", "rollup", "-v", "0", env=env)


def wait_for_initial_copy(city: Cluster, timeout: float = 300) -> float:
    """Seconds until every subscribed table is in the 'ready' state at the city."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with city.connect("rollup") as connection:
            states = connection.execute("SELECT srsubstate FROM pg_subscription_rel").fetchall()
        if states and all(state == "r" for (state,) in states):
            return time.monotonic() - started
        time.sleep(0.2)
    raise TimeoutError("the initial copy did not finish")
