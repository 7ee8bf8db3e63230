"""In Chromium on a phone: the grid worker's app installs its service worker, and with the network
gone it still opens, showing the queue as it was and saying that there is no signal."""

import time

import pytest

from cases.services import take_action
from cases.tests.test_browser import browser, emptied_timeline, log_in  # noqa: F401 (fixtures)
from conftest import IN_FIRST_GRID, handled_case

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def opened_app(browser, live_server, background_sync=True):  # noqa: F811 (the fixture's name)
    """The grid worker's app on a phone whose position is in their grid, its service worker
    installed: (context, page). Background sync is allowed, as Chrome allows it by default;
    without it, only the page sends."""
    lon, lat = IN_FIRST_GRID
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        is_mobile=True,
        geolocation={"longitude": lon, "latitude": lat},
        permissions=["geolocation", "background-sync"] if background_sync else ["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(45_000)  # sending retries every 5 s
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/field/")
    page.evaluate("navigator.serviceWorker.ready")
    return context, page


@pytest.fixture
def to_verify(people, rubbish_questions):
    return handled_case(people)


def test_the_app_opens_without_signal_showing_the_queue_as_it_was(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    to_verify,
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/field/")
    assert to_verify.code in page.inner_text(".field__queue")
    page.evaluate("navigator.serviceWorker.ready")
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())"
    )
    assert (manifest["start_url"], manifest["display"]) == ("/field/", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}

    context.set_offline(True)
    later = handled_case(
        people, "又一处垃圾堆积"
    )  # reaches the queue while the phone has no signal
    page.reload()

    queue = page.inner_text(".field__queue")
    assert to_verify.code in queue and later.code not in queue  # the page the phone kept
    assert page.is_visible(".field__offline")
    assert "没有信号" in page.inner_text(".field__offline")
    assert not page.is_visible(".field__online")

    context.set_offline(False)
    page.reload()
    assert later.code in page.inner_text(".field__queue")  # fresh again with signal
    assert page.is_visible(".field__online")
    assert not problems, problems


def small_photo(tmp_path, name: str, colour: str) -> str:
    from PIL import Image

    path = tmp_path / name
    Image.new("RGB", (1200, 900), colour).save(path, "JPEG")
    return str(path)


def test_two_reports_and_a_verification_saved_without_signal_arrive_once_each_with_photos(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    to_verify,
    tmp_path,
):
    from cases.models import Case, Status
    from integrations.models import Intake

    # The page's sending, whose answers the test can drop (it cannot reach the service worker's).
    context, page = opened_app(browser, live_server, background_sync=False)
    context.set_offline(True)

    grid = people["grid_worker"].region
    tapped = {}
    for number, colour in ((1, "red"), (2, "blue")):
        page.click(".field__report summary")
        page.select_option("select[name=category]", "E0101")
        page.fill("textarea[name=description]", f"第{number}处垃圾堆积")
        page.click("#field-report button[type=submit]")  # the phone asks for what is required
        assert "请回答“估计数量（立方米）”" in page.inner_text("#field-errors")
        page.fill("input[name='attr-volume']", "2")
        if number == 1:
            page.click("#use-location")  # the phone's GPS
        else:  # a tap on the map of the worker's grids the phone kept
            page.wait_for_selector("#map[data-ready='1']")
            page.locator("#map").scroll_into_view_if_needed()
            box = page.locator("#map").bounding_box()
            at = page.evaluate(
                "([lat, lon]) => window.wanggeMap.latLngToContainerPoint([lat, lon])",
                [grid.centroid_lat + 0.0003, grid.centroid_lon + 0.0002],
            )
            page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
            tapped = {"lon": page.input_value("#field-lon"), "lat": page.input_value("#field-lat")}
        page.wait_for_selector(f"#field-place:has-text('网格：{grid.name}')")
        page.set_input_files("input[name=photos]", small_photo(tmp_path, f"{number}.jpg", colour))
        page.click("#field-report button[type=submit]")
        page.wait_for_selector(f".outbox__item:has-text('第{number}处垃圾堆积')")
    row = page.locator(f"#queue li[data-code='{to_verify.code}']")
    row.locator("button[data-action=verify]").click()
    row.locator("textarea[name=note]").fill("现场已清理")
    row.locator("input[name=photos]").set_input_files(small_photo(tmp_path, "3.jpg", "green"))
    row.locator(".field__step button[type=submit]").click()
    page.wait_for_selector(".outbox__item:has-text('现场已清理')")

    page.reload()  # still without signal: the phone kept all three (listed once IndexedDB is read)
    page.wait_for_function("() => document.querySelectorAll('.outbox__item--waiting').length === 3")
    assert list(Case.objects.all()) == [to_verify]

    dropped = []

    def drop_the_first_answer(route):
        if dropped:
            route.continue_()
            return
        route.fetch()  # the server files it; the answer is lost on the way back
        dropped.append(route.request.headers["idempotency-key"])
        route.abort()

    page.route("**/field/send/report/", drop_the_first_answer)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => window.navigator.onLine")
    page.wait_for_function("() => document.querySelectorAll('.outbox__item--waiting').length < 2")
    page.evaluate("window.dispatchEvent(new Event('online'))")  # the next try, without waiting
    page.wait_for_function("() => document.querySelectorAll('.outbox__item--sent').length == 3")

    cases = list(Case.objects.exclude(pk=to_verify.pk).order_by("pk"))
    assert [case.description for case in cases] == ["第1处垃圾堆积", "第2处垃圾堆积"]
    assert [case.photos.count() for case in cases] == [1, 1]
    assert [case.grid for case in cases] == [grid, grid]
    assert (str(cases[1].lon), str(cases[1].lat)) == (tapped["lon"], tapped["lat"])
    assert Intake.objects.filter(idempotency_key=dropped[0]).count() == 1
    for case in cases:
        assert f"已发送：案件{case.code}" in page.inner_text(".field__outbox")
    verified = Case.objects.get(pk=to_verify.pk)
    assert verified.status == Status.VERIFIED
    assert verified.timeline.filter(action="verify").count() == 1
    assert verified.photos.filter(stage=Status.VERIFIED).count() == 1


def test_a_verification_saved_without_signal_is_taken_and_one_on_a_case_that_moved_on_is_not(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    rubbish_questions,
    tmp_path,
):
    from cases.models import Case, Status

    first, second = handled_case(people, "东头垃圾"), handled_case(people, "西头垃圾")
    context, page = opened_app(browser, live_server)
    context.set_offline(True)
    page.reload()

    for case, note in ((first, "现场已清理干净"), (second, "已清理")):
        row = page.locator(f".field__queue li[data-code='{case.code}']")
        row.locator("button[data-action=verify]").click()
        row.locator("textarea[name=note]").fill(note)
        row.locator("input[name=photos]").set_input_files(
            small_photo(tmp_path, f"{note}.jpg", "green")
        )
        row.locator(".field__step button[type=submit]").click()
        page.wait_for_selector(f".outbox__item:has-text('{note}')")
    # Meanwhile, from another phone: the second was sent back for rework.
    take_action(second, people["grid_worker"], "rework", {"note": "还有一袋没清走"})

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector(".outbox__item--conflict")
    page.wait_for_selector(".outbox__item--sent")

    first, second = Case.objects.get(pk=first.pk), Case.objects.get(pk=second.pk)
    assert first.status == Status.VERIFIED
    assert first.photos.filter(stage=Status.VERIFIED).count() == 1
    assert second.status == Status.HANDLING and not second.timeline.filter(action="verify")
    conflict = page.inner_text(".outbox__item--conflict")
    assert "案件现在是“处置中”" in conflict
    # The queue is fetched again: the one verified has left it, and so has the one sent back to
    # its department for rework meanwhile; it no longer offers their steps.
    page.wait_for_selector(f"#queue li[data-code='{first.code}']", state="detached")
    assert not page.query_selector(f"#queue li[data-code='{second.code}']")
    assert "待我办理 (0)" in page.inner_text("#queue-title")


def test_a_patrol_checked_in_without_signal_arrives_once_and_the_phone_forgets_the_position(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
):
    from patrols.models import PatrolCheckIn

    context, page = opened_app(browser, live_server)
    context.set_offline(True)
    page.click("#field-patrol")
    page.wait_for_selector(".outbox__item--waiting:has-text('巡查打卡')")
    assert not PatrolCheckIn.objects.exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector(".outbox__item--sent:has-text('已打卡')")
    page.evaluate("window.dispatchEvent(new Event('online'))")  # nothing left to send twice

    checkin = PatrolCheckIn.objects.get()
    assert checkin.grid == people["grid_worker"].region
    assert people["grid_worker"].region.name in page.inner_text(".outbox__item--sent")
    kept = page.evaluate(
        """() => new Promise((resolve) => {
            const opening = indexedDB.open("wangge-field", 1);
            opening.onsuccess = () => {
              const all = opening.result.transaction("outbox").objectStore("outbox").getAll();
              all.onsuccess = () => resolve(all.result);
            };
        })"""
    )
    assert [item["kind"] for item in kept] == ["patrol"] and "position" not in kept[0]


def test_a_report_kept_is_sent_by_the_service_worker_after_the_app_was_closed(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    rubbish_questions,
):
    """Background sync: the worker saves a report without signal and closes the app; when the
    signal returns, the browser wakes the service worker, which sends it with no page open."""
    from cases.models import Case

    context, page = opened_app(browser, live_server)
    context.set_offline(True)
    page.click(".field__report summary")
    page.select_option("select[name=category]", "E0101")
    page.fill("input[name='attr-volume']", "1")
    page.fill("textarea[name=description]", "桥头垃圾，关了应用再发")
    page.click("#field-report button[type=submit]")
    page.wait_for_selector(".outbox__item--waiting")
    page.close()
    assert not Case.objects.exists()

    context.set_offline(False)
    for _ in range(60):
        if Case.objects.exists():
            break
        time.sleep(0.5)
    assert not context.pages  # no page of the app is open
    assert list(Case.objects.values_list("description", flat=True)) == ["桥头垃圾，关了应用再发"]

    other = context.new_page()  # opened again, the app lists it as sent
    other.goto(f"{live_server.url}/field/")
    other.wait_for_selector(f".outbox__item--sent:has-text('{Case.objects.get().code}')")
