"""What only a browser shows: the map picks a point, htmx names its grid, the report goes through."""

import importlib
import os
import re
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image

from cases.models import Case
from conftest import IN_FIRST_GRID, PASSWORD

# live_server runs in a thread while Playwright's sync API runs an event loop in this one.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def empty_append_only(migration_name: str, table: str) -> None:
    """Delete an append-only table's rows on SQLite: lift the triggers its migration made (their
    SQLITE statements), delete, and put them back. PostgreSQL empties tables with TRUNCATE, which
    row triggers do not see."""
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module(migration_name)
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_REVERSE:
            cursor.execute(statement)
        cursor.execute(f"DELETE FROM {table}")
        for statement in migration.SQLITE:
            cursor.execute(statement)


@pytest.fixture
def emptied_timeline(transactional_db):
    """The test database is emptied after a live-server test; on SQLite a trigger refuses to
    delete timeline rows, so lift it for the cleanup and put it back (see migration 0002)."""
    yield
    empty_append_only("cases.migrations.0002_timeline_append_only", "cases_timelineentry")


def log_in(page, base: str, username: str, path: str = "/login/") -> None:
    page.goto(f"{base}{path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]:is(.button--primary, [value])")
    page.wait_for_load_state()


def pixel_of(page, lon: float, lat: float) -> dict:
    """Where a point is on the map, to click it."""
    return page.evaluate(
        "([lat, lon]) => { const p = window.wanggeMap.latLngToContainerPoint([lat, lon]);"
        " return {x: p.x, y: p.y}; }",
        [lat, lon],
    )


def test_a_grid_worker_reports_by_tapping_the_map(
    emptied_timeline, live_server, browser, people, categories, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "rubbish.png"
    Image.new("RGB", (32, 24), (90, 140, 60)).save(photo, "PNG")
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.set_default_timeout(15_000)

    log_in(page, live_server.url, "grid_worker")
    page.wait_for_url(f"{live_server.url}/cases/")

    page.goto(f"{live_server.url}/cases/report/")
    page.wait_for_selector("#map[data-ready='1']")
    lon, lat = IN_FIRST_GRID
    page.locator("#map").click(position=pixel_of(page, lon, lat))
    page.wait_for_selector("#grid-result [data-grid-code='610722001001001']")
    assert "西镇北村第1网格" in page.inner_text("#grid-result")

    page.select_option("select[name=category]", str(categories["rubbish"].pk))
    page.fill("textarea[name=description]", "村口垃圾堆积")
    page.set_input_files("input[name=photos]", str(photo))
    page.click("button[type=submit].button--wide")
    # Sent by cases/photos.js (a photo is attached): the click does not wait for the next page.
    page.wait_for_url(re.compile(r"/cases/\d{10}/$"))

    case = Case.objects.get()
    assert case.grid.code == "610722001001001"
    assert abs(case.lon - lon) < 0.01 and abs(case.lat - lat) < 0.01
    assert case.photos.count() == 1
    assert case.code in page.inner_text("h1")
    assert case.code in page.inner_text(".messages")
    page.wait_for_selector("#map[data-ready='1']")
