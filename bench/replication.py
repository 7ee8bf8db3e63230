"""The city roll-up: how long the initial copy of a county takes, and how far behind the city is
during a burst of reports (commit at the county → row visible at the city).

One county cluster and one city cluster on loopback ports (rollup.localclusters), as in the
end-to-end test. The burst is written by a separate process (`--write N FILE`), one report per
transaction through the real service, recording each commit's time; this process polls the city
meanwhile and records when each case appears. Both read the same clock.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from rollup import localclusters

from .common import BENCH_DIR, PYTHON, ROOT, percentiles, scaled

COUNTY_CODE = "610722"
CITY_ROLE = "city_reader"


def write_burst(count: int, out: Path) -> None:
    """Runs in the county's environment: `count` reports, each committed on its own."""
    import django

    django.setup()
    from cases.models import Category
    from cases.services import report_case
    from staff.models import User

    worker = User.objects.get(username="grid_worker")
    category = Category.objects.get(code="E0101")
    committed = {}
    for number in range(count):
        case = report_case(
            reporter=worker,
            category=category,
            description=f"突发批量上报 {number}",
            lon=worker.region.centroid_lon,
            lat=worker.region.centroid_lat,
        )
        committed[case.code] = time.time()
    out.write_text(json.dumps(committed))


def arrivals(city, known_ids: int, expected: int, timeout: float) -> dict[str, float]:
    """When each new case of the burst first shows at the city (polled every 5 ms)."""
    seen: dict[str, float] = {}
    last_id = known_ids
    deadline = time.monotonic() + timeout
    with city.connect("rollup") as connection:
        while len(seen) < expected and time.monotonic() < deadline:
            rows = connection.execute(
                "SELECT id, code FROM cases_case WHERE county_code = %s AND id > %s",
                [COUNTY_CODE, last_id],
            ).fetchall()
            now = time.time()
            for case_id, code in rows:
                seen.setdefault(code, now)
                last_id = max(last_id, case_id)
            time.sleep(0.005)
    return seen


def main() -> dict:
    unavailable = localclusters.available()
    if unavailable:
        return {"skipped": unavailable}
    initial_cases, burst = scaled(100_000, 1000), scaled(5_000, 200)
    county = localclusters.create("wg_bench_county", 5471)
    city = localclusters.create("wg_bench_city", 5472)
    try:
        started = time.monotonic()
        localclusters.set_up_county(county, COUNTY_CODE, cases=initial_cases, role=CITY_ROLE)
        load_seconds = time.monotonic() - started
        localclusters.set_up_city(city)
        with county.connect("wangge") as connection:
            rows = {
                table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("cases_case", "cases_timelineentry", "territory_region")
            }
        started = time.monotonic()
        localclusters.manage(
            "rollup_subscribe", "--county", COUNTY_CODE,
            "--dsn", county.dsn("wangge", user=CITY_ROLE), env=localclusters.city_env(city),
        )  # fmt: skip
        localclusters.wait_for_initial_copy(city, timeout=1800)
        copy_seconds = time.monotonic() - started
        with city.connect("rollup") as connection:
            copied = connection.execute("SELECT count(*), max(id) FROM cases_case").fetchone()
        assert copied[0] == rows["cases_case"], (copied, rows)

        out = BENCH_DIR / "burst.json"
        writer = subprocess.Popen(
            [PYTHON, "-m", "bench.replication", "--write", str(burst), str(out)],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_DEBUG": "1",
                "DJANGO_SETTINGS_MODULE": "wangge.settings",
                **localclusters.county_env(county, COUNTY_CODE),
            },
        )
        seen = arrivals(city, copied[1], burst, timeout=600)
        if writer.wait() != 0:
            raise RuntimeError("the burst writer failed")
        committed = json.loads(out.read_text())
        lags = [(seen[code] - at) * 1000 for code, at in committed.items() if code in seen]
        write_seconds = max(committed.values()) - min(committed.values())
        return {
            "initial_cases": rows["cases_case"],
            "initial_timeline": rows["cases_timelineentry"],
            "initial_regions": rows["territory_region"],
            "load_seconds": load_seconds,
            "copy_seconds": copy_seconds,
            "burst": burst,
            "burst_arrived": len(lags),
            "burst_write_seconds": write_seconds,
            "burst_per_s": burst / write_seconds if write_seconds else None,
            "lag_ms": {**percentiles(lags), "max": max(lags)},
            "drain_ms": (max(seen.values()) - max(committed.values())) * 1000,
        }
    finally:
        localclusters.drop(county)
        localclusters.drop(city)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"]:
        write_burst(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        print(json.dumps(main()))
