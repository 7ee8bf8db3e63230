"""In Chromium on a phone's screen: a phone's photo is shrunk before it is sent, shown, and sent
with a progress bar; a refused report keeps it; verification takes one; the case page stays light."""

import io
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from PIL import ExifTags, Image

from cases.models import Case, Status
from cases.services import report_case, take_action
from cases.tests.test_browser import (  # noqa: F401 (fixtures)
    browser,
    emptied_timeline,
    log_in,
    pixel_of,
)
from cases.tests.test_pages import png
from cases.tests.test_photo_sizes import phone_photo
from conftest import IN_FIRST_GRID
from tests.test_security_browser import assert_no_violation, open_page

pytestmark = pytest.mark.browser

FIRST_GRID = "610722001001001"
CASE_PAGE = re.compile(r"/cases/\d{10}/$")
CASE_PAGE_BUDGET = 300 * 1024  # bytes: the page and the pictures it shows, on a slow link


@pytest.fixture
def phone_photo_file(tmp_path):
    path = tmp_path / "IMG_0001.JPG"
    path.write_bytes(phone_photo())
    return path


def page_weight(browser, base: str, username: str, path: str) -> dict[str, int]:  # noqa: F811
    """What a fresh phone (logged in, nothing of the page in its cache) transfers for a page:
    bytes (headers and body) by resource type, the page scrolled to its end so that every lazy
    picture loads."""
    page = open_page(browser)
    log_in(page, base, username)
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(f"{base}{path}")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function(
        "() => Array.from(document.images).every((image) => image.complete && image.naturalWidth)"
    )
    page.wait_for_load_state("networkidle")
    weight: dict[str, int] = {}
    for request in finished:
        sizes = request.sizes()
        kind = request.resource_type
        weight[kind] = (
            weight.get(kind, 0) + sizes["responseBodySize"] + sizes["responseHeadersSize"]
        )
    assert_no_violation(page, path)
    page.context.close()
    return weight


def file_in_input(page, selector: str) -> dict:
    """The first file of a file input, as the form would send it: type, bytes, pixels."""
    return page.evaluate(
        """async (selector) => {
            const file = document.querySelector(selector).files[0];
            const bitmap = await createImageBitmap(file);
            return {name: file.name, type: file.type, size: file.size,
                    width: bitmap.width, height: bitmap.height};
        }""",
        selector,
    )


def watch_progress(page) -> list[float]:
    """Every value the form's progress bar takes, told through the console (the page that
    shows it goes away once the form is sent)."""
    seen: list[float] = []
    page.on(
        "console",
        lambda message: (
            seen.append(float(message.text.split()[1]))
            if message.text.startswith("progress ")
            else None
        ),
    )
    page.evaluate(
        """() => {
            let last = null;
            new MutationObserver(() => {
                const bar = document.querySelector(".photo-progress progress");
                if (bar && !bar.closest("[hidden]") && bar.value !== last) {
                    last = bar.value;
                    console.log("progress " + bar.value);
                }
            }).observe(document.body, {subtree: true, childList: true, attributes: true});
        }"""
    )
    return seen


def slow_upload(page) -> None:
    """A mobile link: about 1 Mbit/s up, so that the upload takes a while to show its progress."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 100,
            "downloadThroughput": 2_000_000 / 8,
            "uploadThroughput": 1_000_000 / 8,
        },
    )


def stored_image(field) -> Image.Image:
    with field.open("rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def assert_no_place_in(image: Image.Image) -> None:
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and ExifTags.Base.Model not in exif


def pick_first_grid(page) -> None:
    page.wait_for_selector("#map[data-ready='1']")
    lon, lat = IN_FIRST_GRID
    page.locator("#map").click(position=pixel_of(page, lon, lat))
    page.wait_for_selector(f"#grid-result [data-grid-code='{FIRST_GRID}']")


def test_a_phone_photo_is_shrunk_in_the_browser_shown_sent_with_progress_and_the_page_stays_light(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    categories,
    media_root,
    phone_photo_file,
):
    page = open_page(browser)
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/cases/report/")
    pick_first_grid(page)
    page.select_option("select[name=category]", str(categories["rubbish"].pk))
    page.fill("textarea[name=description]", "村口垃圾堆积")

    page.set_input_files("input[name=photos]", str(phone_photo_file))
    page.wait_for_selector(".photo-preview canvas")  # shown once shrunk
    sent = file_in_input(page, "input[name=photos]")
    # Upright (the EXIF orientation applied), 1600 px on its longest side, a JPEG far smaller.
    assert (sent["width"], sent["height"], sent["type"]) == (1200, 1600, "image/jpeg")
    assert sent["name"] == "IMG_0001.jpg"
    assert sent["size"] < len(phone_photo()) / 5
    assert "KB" in page.inner_text(".photo-preview__size")

    progress = watch_progress(page)
    slow_upload(page)
    with page.expect_request_finished(
        lambda request: request.method == "POST" and "/cases/report/" in request.url
    ) as posted:
        page.click("button[type=submit].button--wide")
    page.wait_for_url(CASE_PAGE)
    page.wait_for_load_state()
    body_size = int(posted.value.all_headers()["content-length"])
    assert sent["size"] < body_size < sent["size"] + 10_000  # the shrunk photo, not the original
    assert progress[-1] == 100 and any(0 < value < 100 for value in progress), progress
    assert progress == sorted(progress)
    print(f"\nprogress seen: {progress}; photo sent {sent['size']} bytes, body {body_size}")
    assert_no_violation(page, "report")

    case = Case.objects.get()
    photo = case.photos.get()
    original = stored_image(photo.image)  # as sent: the browser's copy, with no EXIF at all
    assert original.size == (1200, 1600) and not original.getexif()
    display, thumbnail = stored_image(photo.display), stored_image(photo.thumbnail)
    assert display.size == (768, 1024) and thumbnail.size == (240, 320)
    for image in (original, display, thumbnail):
        assert_no_place_in(image)

    weight = page_weight(browser, live_server.url, "grid_worker", f"/cases/{case.code}/")
    html_and_pictures = weight.get("document", 0) + weight.get("image", 0)
    print(f"\ncase page: HTML + pictures {html_and_pictures} bytes; by type {weight}")
    assert 0 < weight.get("image", 0) < 60_000  # the thumbnail, not the photo
    assert html_and_pictures < CASE_PAGE_BUDGET


def test_a_refused_report_keeps_its_photos_and_goes_through_once_corrected(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    categories,
    media_root,
    phone_photo_file,
):
    """An operator takes a call: the caller's number is mistyped, which only the server sees."""
    page = open_page(browser)
    log_in(page, live_server.url, "town_operator")
    page.goto(f"{live_server.url}/cases/report/")
    pick_first_grid(page)
    page.select_option("select[name=category]", str(categories["rubbish"].pk))
    page.fill("textarea[name=description]", "来电反映：村口垃圾堆积")
    page.fill("input[name=reporter_phone]", "1381234abcd")
    page.set_input_files("input[name=photos]", str(phone_photo_file))
    page.wait_for_selector(".photo-preview canvas")
    picked = file_in_input(page, "input[name=photos]")

    with page.expect_response(lambda response: response.status == 400):
        page.click("button[type=submit].button--wide")
    page.wait_for_selector(".field--error input[name=reporter_phone]")
    assert not Case.objects.exists()
    assert page.url == f"{live_server.url}/cases/report/"
    # The refused page is shown, with the photo still picked (and said so) and what was typed.
    page.wait_for_selector(".photo-preview canvas")
    assert file_in_input(page, "input[name=photos]") == picked
    assert page.inner_text(".photo-status")
    assert page.input_value("textarea[name=description]") == "来电反映：村口垃圾堆积"
    page.wait_for_selector("#map[data-ready='1']")  # the page's map is drawn anew

    page.fill("input[name=reporter_phone]", "13812345678")
    page.click("button[type=submit].button--wide")
    page.wait_for_url(CASE_PAGE)
    page.wait_for_load_state()
    case = Case.objects.get()
    assert case.grid.code == FIRST_GRID and case.reporter_phone == "13812345678"
    assert case.photos.get().image.size == picked["size"]  # the photo picked before, shrunk
    assert case.code in page.inner_text(".messages")
    assert_no_violation(page, "refused report")


def test_verification_takes_a_photo_stored_at_its_stage_and_shown_under_its_caption(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    categories,
    media_root,
    phone_photo_file,
):
    lon, lat = IN_FIRST_GRID
    case = report_case(
        reporter=people["grid_worker"], category=categories["rubbish"],
        description="村口垃圾堆积", lon=lon, lat=lat, photos=[png("heap.png")],
    )  # fmt: skip
    for who, action, inputs in (
        ("town_operator", "accept", {}),
        ("town_operator", "dispatch", {}),
        ("urban_handler", "start", {}),
        ("urban_handler", "feed_back", {"note": "已清运", "photos": [png("cleared.png")]}),
    ):
        case = take_action(case, people[who], action, inputs)

    page = open_page(browser)
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/cases/{case.code}/")
    verify = page.locator(f"form[action='/cases/{case.code}/act/verify/']")
    verify.locator("input[name=photos]").set_input_files(str(phone_photo_file))
    verify.locator(".photo-preview canvas").wait_for()
    verify.locator("textarea[name=note]").fill("现场已清理干净")
    with page.expect_navigation(url=f"{live_server.url}/cases/{case.code}/"):
        verify.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".message--success").count() == 1

    photos = list(case.photos.order_by("pk"))
    assert [photo.stage for photo in photos] == [Status.REPORTED, Status.FED_BACK, Status.VERIFIED]
    assert stored_image(photos[-1].image).size == (1200, 1600)  # shrunk in the browser
    with translation.override(page.evaluate("() => document.documentElement.lang")):
        expected = {
            "reported": gettext("Reported photos"),
            "fed_back": gettext("Photos after handling"),
            "verified": gettext("Verification photos"),
        }
    for stage, caption in expected.items():
        assert page.inner_text(f".photo-stage--{stage} figcaption") == caption
    # The report and the result side by side on a phone's screen.
    reported = page.locator(".photo-stage--reported").bounding_box()
    fed_back = page.locator(".photo-stage--fed_back").bounding_box()
    assert reported["y"] == fed_back["y"] and reported["x"] < fed_back["x"]
    page.locator(".photo-stage--verified img").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('.photo-stage--verified img').naturalWidth === 240"
    )
    assert_no_violation(page, "verification")
