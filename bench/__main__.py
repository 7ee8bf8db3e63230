"""`make bench`: run every section, print the table, write docs/performance.md.

BENCH_SCALE=0.05 make bench   # a quick run; full scale (1) takes about a quarter of an hour
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import time

from .common import ROOT, fresh_database, run_section, scale

BACKENDS = ("sqlite", "postgresql")
TARGETS = {
    "lookup_rate": 1_000_000,  # points/s in batch
    "lookup_ratio": 3.0,  # within 3× of raw STRtree
    "intake_p95_8": 50.0,  # ms at 8 clients
    "import_seconds_per_million": 120.0,
    "page_p95": 200.0,  # ms at 1M cases
}


def verdict(ok: bool) -> str:
    return "meets target" if ok else "falls short"


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, {postgres}, SQLite (Python's sqlite3)"


def report(results: dict) -> str:
    lookup = results["lookup"]
    lines = [
        "# Performance",
        "",
        f"Measured by `make bench` on {results['date']} ({machine()}), BENCH_SCALE={scale():g}, in {results['minutes']:.1f} minutes.",
        "Every figure beside its baseline from the same run. Regenerate with `make bench`; this file is its output.",
        "",
        "## Point → grid (1,624 grids)",
        "",
        "| path | Wangge's GridIndex | raw shapely STRtree | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| batch of {lookup['points']:,} points | {lookup['batch_index_per_s']:,.0f} points/s | {lookup['batch_raw_per_s']:,.0f} points/s | "
        f"{lookup['batch_ratio']:.2f}× | ≥ 1,000,000/s and ≤ 3×: "
        f"{verdict(lookup['batch_index_per_s'] >= TARGETS['lookup_rate'] and lookup['batch_ratio'] <= TARGETS['lookup_ratio'])} |",
        f"| one point | {lookup['single_index_us']:.1f} µs | {lookup['single_raw_us']:.1f} µs | {lookup['single_index_us'] / lookup['single_raw_us']:.2f}× | |",
        "",
        f"The first batch after the index is built also builds its raster: {lookup['first_batch_s']:.2f} s for that batch "
        "(best of three afterwards above). Batches under 5,000 points and single points skip the raster.",
        "",
    ]
    for backend in BACKENDS:
        data = results[backend]
        intake, database = data["intake"], data["database"]
        rows = database["import"]["rows"]
        per_million = database["import"]["seconds"] * 1_000_000 / rows
        lines += [
            f"## {backend}",
            "",
            f"**Report intake** (the report form over HTTP, gunicorn as configured in wangge/gunicorn.conf.py: {intake['workers']} worker processes of 4 threads, "
            f"{database['pages_large']['cases']:,} cases in the database): {intake['acknowledged']:,} reports acknowledged, "
            f"{intake['stored']:,} stored.",
            "",
            "| clients | requests | failed | requests/s | p50 ms | p95 ms | p99 ms | target |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for level in intake["levels"]:
            target = (
                verdict(level["p95"] < TARGETS["intake_p95_8"]) if level["clients"] == 8 else ""
            )
            lines.append(
                f"| {level['clients']} | {level['requests']:,} | {level['failed']} | {level['per_s']:.0f} | {level['p50']:.1f} | {level['p95']:.1f} | {level['p99']:.1f} | {target} |"
            )
        lines += [
            "",
            f"**Bulk import** of {rows:,} historical cases from CSV, with grid assignment: {database['import']['seconds']:.1f} s "
            f"({rows / database['import']['seconds']:,.0f} rows/s; {per_million:.0f} s per million, target < 120 s: {verdict(per_million < TARGETS['import_seconds_per_million'])}).",
            "",
            "**Back-office pages**, p95 in ms through Django's full request path, against the same SQL replayed raw in the same run:",
            "",
        ]
        small, large = database["pages_small"], database["pages_large"]
        lines += [
            f"| page | page p95 @ {small['cases']:,} | raw SQL p95 | page p95 @ {large['cases']:,} | raw SQL p95 | queries | target (< 200 ms at the larger size) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for name, figures in large.items():
            if name == "cases":
                continue
            before = small[name]
            lines.append(
                f"| {name} | {before['page_p95']:.1f} | {before['raw_p95']:.1f} | {figures['page_p95']:.1f} | {figures['raw_p95']:.1f} | {figures['queries']} | {verdict(figures['page_p95'] < TARGETS['page_p95'])} |"
            )
        lines.append("")
    return "\n".join(lines + replication_report(results.get("replication")))


def replication_report(data: dict | None) -> list[str]:
    if data is None:
        return []
    lines = ["## City roll-up (logical replication, one county cluster → the city's cluster)", ""]
    if "skipped" in data:
        return lines + [f"Not measured: {data['skipped']}.", ""]
    lag = data["lag_ms"]
    return lines + [
        f"**Initial copy** of a county with {data['initial_cases']:,} cases, {data['initial_timeline']:,} timeline "
        f"rows and {data['initial_regions']:,} regions: {data['copy_seconds']:.1f} s from `rollup_subscribe` to every "
        "table ready at the city, all rows compared by count.",
        "",
        f"**A burst of {data['burst']:,} reports** at the county, one process through `report_case`, each its own "
        f"transaction ({data['burst_per_s']:.0f} reports/s): {data['burst_arrived']:,} arrived; commit at the county → "
        f"visible at the city p50 {lag['p50']:.1f} ms, p95 {lag['p95']:.1f} ms, p99 {lag['p99']:.1f} ms, "
        f"max {lag['max']:.1f} ms; the last case arrived {data['drain_ms']:.1f} ms after the last commit. "
        "The city is polled every 5 ms, so each figure carries up to 5 ms of polling.",
        "",
    ]


def write_report(results: dict) -> str:
    text = report(results) + "\n" + (ROOT / "bench" / "changes.md").read_text(encoding="utf-8")
    (ROOT / "docs" / "performance.md").write_text(text, encoding="utf-8")
    return text


def main() -> None:
    if "--from-results" in sys.argv:  # re-render docs/performance.md from the last run
        print(write_report(json.loads((ROOT / "var" / "bench" / "results.json").read_text())))
        return
    started = time.monotonic()
    results: dict = {"date": datetime.date.today().isoformat()}
    print("grid lookup …", flush=True)
    results["lookup"] = run_section("bench.grid_lookup", "sqlite")
    for backend in BACKENDS:
        fresh_database(backend)
        print(f"{backend}: import and pages …", flush=True)
        database = run_section("bench.database", backend)
        print(f"{backend}: intake …", flush=True)
        intake = run_section("bench.intake", backend)
        results[backend] = {"database": database, "intake": intake}
    print("city roll-up: initial copy and burst lag …", flush=True)
    results["replication"] = run_section("bench.replication", "postgresql")
    results["minutes"] = (time.monotonic() - started) / 60
    (ROOT / "var" / "bench" / "results.json").write_text(json.dumps(results, indent=2))
    print(write_report(results))


if __name__ == "__main__":
    main()
