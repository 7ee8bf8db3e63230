"""Bulk import and back-office pages on one database (run once per backend, in its own process).

Steps: migrate; load the territory, staff and a few demo cases; import 100,000 historical cases
and time the pages; import 1,000,000 more (the timed bulk import, which counts the command
centre's aggregates too) and time the pages again; rebuild the aggregates in full and time what
keeping them current adds to a step (bench.command).
Each page is timed through Django's full request path, then the SQL it ran is replayed raw on
the same connection: the ratio shows what the application adds to the database's own work.
"""

import io
import json
import sys
import time

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.imports import import_case_history
from cases.models import Case, TimelineEntry
from command.models import Fact, MonthFact, TownMonthFact
from staff.models import User

from . import command
from .common import BENCH_DIR, percentiles, scaled
from .history import write_history_csv

PAGE_RUNS = 40


def pages() -> dict[str, tuple[str, str]]:
    """The busiest back-office pages and the command centre's: (user, url)."""
    some_case = Case.objects.order_by("-reported_at").values_list("code", flat=True)[17]
    return {
        "inbox: town queue": ("town_operator", "/cases/"),
        "inbox: county, all": ("county_operator", "/cases/?tab=all"),
        "inbox: county, all, page 20": ("county_operator", "/cases/?tab=all&page=20"),
        "inbox: county, overdue": ("county_operator", "/cases/?tab=all&overdue=on"),
        "inbox: handler queue": ("handler", "/cases/"),
        "case page": ("county_operator", f"/cases/{some_case}/"),
        **command.pages(),
    }


def time_page(username: str, url: str) -> dict:
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get(url)  # warm: grid index, templates, connection
    page_ms, raw_ms = [], []
    for _ in range(PAGE_RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            page_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        statements = [
            query["sql"]
            for query in captured.captured_queries
            if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))
        ]
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)  # captured SQL has its parameters inlined
                if cursor.description:
                    cursor.fetchall()
        raw_ms.append((time.perf_counter() - started) * 1000)
    page, raw = percentiles(page_ms), percentiles(raw_ms)
    return {
        "page_p95": page["p95"],
        "page_p50": page["p50"],
        "raw_p95": raw["p95"],
        "queries": len(statements),
    }


def import_file(rows: int, name: str) -> float:
    path = write_history_csv(BENCH_DIR / name, rows, seed=rows, prefix=name[0].upper())
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as stream:
        import_case_history(stream, source_name=path.name)
    elapsed = time.perf_counter() - started
    path.unlink()
    return elapsed


def main() -> dict:
    call_command("migrate", verbosity=0)
    call_command("load_demo", cases=scaled(5000, 500), stdout=io.StringIO())
    result = {"vendor": connection.vendor}
    import_file(scaled(100_000, 1000), "small.csv")
    result["pages_small"] = {
        "cases": Case.objects.count(),
        **{name: time_page(*target) for name, target in pages().items()},
    }
    rows = scaled(1_000_000, 10_000)
    result["import"] = {"rows": rows, "seconds": import_file(rows, "large.csv")}
    result["pages_large"] = {
        "cases": Case.objects.count(),
        **{name: time_page(*target) for name, target in pages().items()},
    }
    result["command"] = {
        "cases": Case.objects.count(),
        "rebuild_seconds": command.rebuild_seconds(),
        "facts": Fact.objects.count(),
        "month_facts": MonthFact.objects.count(),
        "town_month_facts": TownMonthFact.objects.count(),
        "timeline": TimelineEntry.objects.count(),
        "step_cost": command.step_cost(),
    }
    return result


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
    print()
