"""What the benchmark sections share: timing, percentiles, the databases they run on."""

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/wangge_bench"


def scale() -> float:
    """BENCH_SCALE shrinks every size (1 = full: a million points, a million cases)."""
    return float(os.environ.get("BENCH_SCALE", "1"))


def scaled(count: int, minimum: int = 1) -> int:
    return max(minimum, int(count * scale()))


def percentiles(samples_ms) -> dict:
    values = np.asarray(samples_ms, dtype=float)
    return {
        name: float(np.percentile(values, q)) for name, q in (("p50", 50), ("p95", 95), ("p99", 99))
    }


def database_url(backend: str) -> str:
    return PG_BENCH if backend == "postgresql" else f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}"


def fresh_database(backend: str) -> str:
    """An empty database for a run: a new SQLite file, or PostgreSQL's wangge_bench recreated."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS wangge_bench WITH (FORCE)")
            connection.execute("CREATE DATABASE wangge_bench")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_DIR / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
    return database_url(backend)


def existing_database(backend: str) -> str:
    """The run's database as a previous run left it (PostgreSQL's wangge_bench made if missing),
    for sections run alone; they fill an empty one themselves (`ensure_demo_data`)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'wangge_bench'"
            ).fetchone()
            if found is None:
                connection.execute("CREATE DATABASE wangge_bench")
    return database_url(backend)


def ensure_demo_data() -> None:
    """In a section's process: the schema up to date, and the demo (territory, staff, a few
    cases) loaded when the database has none, so that a section can run on a fresh database."""
    from django.core.management import call_command

    from staff.models import User

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="grid_worker").exists():
        call_command("load_demo", cases=scaled(5000, 500), stdout=io.StringIO())


def run_section(module: str, backend: str, *args: str) -> dict:
    """Run one section in its own process on the given database; it prints its result as JSON
    on its last line of stdout (its stderr, progress and errors, goes to the terminal)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(backend),
        "DJANGO_SETTINGS_MODULE": "wangge.settings",
    }
    started = time.monotonic()
    output = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["section_seconds"] = time.monotonic() - started
    result["scale"] = scale()
    return result


def manage(backend: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url(backend)}
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def random_points(outline, count: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """`count` uniformly random points inside a (multi)polygon, as longitude and latitude arrays."""
    west, south, east, north = outline.bounds
    xs, ys = np.empty(0), np.empty(0)
    while len(xs) < count:
        x, y = rng.uniform(west, east, count * 2), rng.uniform(south, north, count * 2)
        inside = shapely.contains_xy(outline, x, y)
        xs, ys = np.concatenate([xs, x[inside]]), np.concatenate([ys, y[inside]])
    return xs[:count], ys[:count]
