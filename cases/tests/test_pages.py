"""The case pages walked over HTTP as the real roles would use them."""

import gzip
import io
import json
import re
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cases.masking import mask_name, mask_phone
from cases.models import Case, CasePhoto, Source, Status
from cases.services import report_case
from cases.worktime import LOCAL
from conftest import IN_FIRST_GRID, PASSWORD
from territory.selectors import outside_county_message

INBOX = "/cases/"
REPORT = "/cases/report/"


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (180, 40, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def log_in(client, user):
    client.logout()
    client.force_login(user)
    return client


def inbox_codes(client, **params) -> list[str]:
    response = client.get(INBOX, params)
    assert response.status_code == 200
    return [case.code for case in response.context["page"].object_list]


def act(client, case: Case, action: str, **data):
    return client.post(f"/cases/{case.code}/act/{action}/", data)


def offered_actions(client, case: Case) -> list[str]:
    response = client.get(f"/cases/{case.code}/")
    assert response.status_code == 200
    return [form.transition.action for form in response.context["action_forms"]]


def action_buttons(client, case: Case) -> list[str]:
    """The case page's actions as the user reads them: a folded one by its summary, else its button."""
    page = client.get(f"/cases/{case.code}/").content.decode()
    blocks = re.split(r'<(?:div|details) class="action action--', page)[1:]
    pattern = re.compile(r"<summary>(.*?)</summary>|<button type=\"submit\"[^>]*>(.*?)</button>")
    labels = []
    for block in blocks:
        found = pattern.search(block)
        labels.append(found.group(1) or found.group(2))
    return labels


def report_rubbish(people, categories, **extra) -> Case:
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["grid_worker"],
        category=categories["rubbish"],
        description="路边垃圾堆积",
        lon=lon,
        lat=lat,
        **extra,
    )


def test_one_case_from_report_to_evaluation_through_the_pages(
    client, people, categories, departments, media_root
):
    lon, lat = IN_FIRST_GRID
    # The grid worker logs in through the real login form and reports with a photo.
    response = client.post("/login/", {"username": "grid_worker", "password": PASSWORD})
    assert (
        response.status_code == 302 and response.url == "/"
    )  # the role's first screen, by way of the home page
    assert client.get(REPORT).status_code == 200
    response = client.post(
        REPORT,
        {
            "category": categories["rubbish"].pk,
            "description": "村口垃圾堆积，已有异味",
            "address": "北村村口",
            "priority": "normal",
            "lon": lon,
            "lat": lat,
            "photos": [png("rubbish.png")],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.code}/"
    page = client.get(response.url)
    assert case.code in page.content.decode()
    assert [str(message) for message in page.context["messages"]][0].count(case.code) == 1
    assert case.grid.code == "610722001001001"
    assert case.source == Source.GRID_WORKER
    assert case.reporter == people["grid_worker"]
    assert case.status == Status.REPORTED
    photo = CasePhoto.objects.get(case=case)
    assert photo.stage == Status.REPORTED
    assert (media_root / photo.image.name).is_file()
    # Nothing waits for the grid worker yet; the town's operator has it, the other town's not.
    assert case.code not in inbox_codes(client, tab="awaiting")
    assert case.code in inbox_codes(client, tab="all")
    assert offered_actions(client, case) == []
    log_in(client, people["other_town_operator"])
    assert case.code not in inbox_codes(client, tab="awaiting")
    log_in(client, people["urban_handler"])
    assert case.code not in inbox_codes(client, tab="awaiting")

    log_in(client, people["town_operator"])
    assert inbox_codes(client) == [case.code]
    assert offered_actions(client, case) == ["accept", "reject", "escalate", "reclassify", "merge"]
    assert action_buttons(client, case) == [
        "立案",
        "不予立案",
        "上报上级",
        "改类",
        "合并到重复的案件",
    ]
    assert act(client, case, "accept").status_code == 302
    assert offered_actions(client, case) == ["dispatch", "escalate", "reclassify", "merge"]
    assert action_buttons(client, case) == ["派遣", "上报上级", "改类", "合并到重复的案件"]
    response = act(client, case, "dispatch", department=departments["urban"].pk, note="请清运")
    assert response.status_code == 302 and response.url == f"/cases/{case.code}/"

    log_in(client, people["urban_handler"])
    assert inbox_codes(client) == [case.code]
    assert act(client, case, "start").status_code == 302
    response = client.post(
        f"/cases/{case.code}/act/feed_back/", {"note": "已清运完毕", "photos": [png("done.png")]}
    )
    assert response.status_code == 302
    assert case.code not in inbox_codes(client, tab="awaiting")

    log_in(client, people["grid_worker"])
    assert inbox_codes(client) == [case.code]
    assert offered_actions(client, case) == ["verify", "rework"]
    assert act(client, case, "verify").status_code == 302

    log_in(client, people["town_operator"])
    assert act(client, case, "close").status_code == 302
    assert act(client, case, "evaluate", rating="5", note="处理及时").status_code == 302
    assert inbox_codes(client, tab="awaiting") == []

    case.refresh_from_db()
    assert case.status == Status.EVALUATED
    assert case.rating == 5
    assert case.department == departments["urban"]
    assert case.assignee == people["urban_handler"]
    assert list(case.timeline.values_list("action", flat=True)) == [
        "report",
        "accept",
        "dispatch",
        "start",
        "feed_back",
        "verify",
        "close",
        "evaluate",
    ]
    assert list(case.photos.order_by("pk").values_list("stage", flat=True)) == [
        Status.REPORTED,
        Status.FED_BACK,
    ]
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert "已清运完毕" in page and "处理及时" in page
    assert page.count('class="timeline__entry"') == 8


def test_the_operator_who_reports_by_phone_sees_the_reporter_masked(client, people, categories):
    lon, lat = IN_FIRST_GRID
    log_in(client, people["town_operator"])
    response = client.post(
        REPORT,
        {
            "category": categories["neighbours"].pk,
            "description": "邻居噪音纠纷",
            "priority": "urgent",
            "lon": lon,
            "lat": lat,
            "source": "hotline",
            "reporter_name": "张三",
            "reporter_phone": "13812345678",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.source, case.reporter_phone) == (Source.HOTLINE, "13812345678")
    page = client.get(response.url).content.decode()
    assert "138****5678" in page and "张*" in page
    assert "13812345678" not in page and "张三" not in page


def test_the_report_form_refuses_a_point_outside_the_county(client, people, categories):
    log_in(client, people["grid_worker"])
    response = client.post(
        REPORT,
        {
            "category": categories["rubbish"].pk,
            "description": "x",
            "priority": "normal",
            "lon": "108.0",
            "lat": "34.0",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"<li>{outside_county_message()}</li>" in page  # the county by name
    assert "城固县" in outside_county_message() and "34.0" not in outside_county_message()
    assert not Case.objects.exists()


def test_the_report_form_asks_for_a_place_and_a_leaf_category(client, people, categories):
    log_in(client, people["grid_worker"])
    page = client.get(REPORT).content.decode()
    assert '<optgroup label="市容环境 · ' in page
    response = client.post(
        REPORT, {"category": categories["city"].pk, "description": "x", "priority": "normal"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"category", "lon"}
    assert not Case.objects.exists()


def test_the_report_form_refuses_a_file_that_is_not_an_image(client, people, categories):
    lon, lat = IN_FIRST_GRID
    log_in(client, people["grid_worker"])
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(
        REPORT,
        {
            "category": categories["rubbish"].pk,
            "description": "x",
            "priority": "normal",
            "lon": lon,
            "lat": lat,
            "photos": [fake],
        },
    )
    assert response.status_code == 400
    assert "photos" in response.context["form"].errors
    assert not Case.objects.exists()


def test_only_reporting_roles_get_the_report_form(client, people):
    for who in ("urban_handler", "leader"):
        log_in(client, people[who])
        assert client.get(REPORT).status_code == 403
        assert f'href="{REPORT}"' not in client.get(INBOX).content.decode()
    log_in(client, people["informant"])
    assert client.get(REPORT).status_code == 200


def test_another_towns_case_page_is_404(client, people, categories):
    case = report_rubbish(people, categories)
    log_in(client, people["other_town_operator"])
    assert client.get(f"/cases/{case.code}/").status_code == 404
    assert act(client, case, "accept").status_code == 404
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_an_action_the_user_may_not_take_is_refused_and_changes_nothing(client, people, categories):
    case = report_rubbish(people, categories)
    log_in(client, people["grid_worker"])
    response = act(client, case, "accept")
    assert response.status_code == 400
    assert "案件当前为“待立案”状态，您不能执行“立案”。" in response.content.decode()
    log_in(client, people["urban_handler"])  # sees the case (its department), cannot start yet
    assert act(client, case, "start").status_code == 400
    case.refresh_from_db()
    assert case.status == Status.REPORTED
    assert case.accepted_at is None
    assert list(case.timeline.values_list("action", flat=True)) == ["report"]


def test_an_unknown_action_is_404(client, people, categories):
    case = report_rubbish(people, categories)
    log_in(client, people["town_operator"])
    assert act(client, case, "delete").status_code == 404
    assert client.get(f"/cases/{case.code}/act/accept/").status_code == 405


def test_a_note_required_action_without_a_note_is_refused(client, people, categories):
    case = report_rubbish(people, categories)
    log_in(client, people["town_operator"])
    response = act(client, case, "reject", note="  ")
    assert response.status_code == 400
    assert "请填写“不予立案”的理由或说明。" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.REPORTED
    assert case.timeline.count() == 1
    assert act(client, case, "reject", note="重复上报").status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REJECTED


def test_a_department_handler_who_returns_a_case_lands_in_the_inbox(
    client, people, categories, departments
):
    case = report_rubbish(people, categories)
    log_in(client, people["town_operator"])
    act(client, case, "accept")
    act(client, case, "dispatch", department=departments["urban"].pk)
    log_in(client, people["urban_handler"])
    response = act(client, case, "return", note="不属于本部门")
    assert response.status_code == 302 and response.url == INBOX
    case.refresh_from_db()
    assert (case.status, case.department) == (Status.ACCEPTED, None)


def test_dispatch_to_a_department_that_does_not_serve_the_place_is_refused(
    client, people, categories, departments
):
    case = report_rubbish(people, categories)
    log_in(client, people["town_operator"])
    act(client, case, "accept")
    response = act(client, case, "dispatch", department=departments["justice_east"].pk)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED


def test_the_htmx_inbox_request_gets_only_the_table(client, people, categories):
    case = report_rubbish(people, categories)
    log_in(client, people["town_operator"])
    full = client.get(INBOX)
    assert "<html" in full.content.decode()
    response = client.get(INBOX, {"status": "reported"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="case-table"')
    assert "<html" not in body and "<form" not in body
    assert case.code in body
    assert "HX-Request" in response["Vary"] and "HX-Request" in full["Vary"]


def test_inbox_filters(client, people, categories):
    late = report_rubbish(people, categories, now=datetime(2026, 1, 5, 9, 0, tzinfo=LOCAL))
    lon, lat = 107.25, 33.05  # the east town
    fresh = report_case(
        reporter=people["county_operator"],
        category=categories["neighbours"],
        description="纠纷",
        lon=lon,
        lat=lat,
        source="hotline",
    )
    log_in(client, people["county_operator"])
    assert set(inbox_codes(client, tab="all")) == {late.code, fresh.code}
    assert inbox_codes(client, tab="all", overdue="on") == [late.code]
    assert inbox_codes(client, tab="all", category=categories["neighbours"].pk) == [fresh.code]
    assert inbox_codes(client, tab="all", grid="610722002") == [fresh.code]
    assert inbox_codes(client, tab="all", grid="北村第1") == [late.code]
    assert inbox_codes(client, tab="all", status="accepted") == []
    page = client.get(INBOX, {"tab": "all", "overdue": "on"}).content.decode()
    assert "badge--overdue" in page
    assert re.search(r'<span class="badge badge--overdue">超期 ?\d', page)
    assert ">案件编号</th>" in page


def test_leaders_see_all_they_may_see_and_no_queue(client, people, categories):
    case = report_rubbish(people, categories)
    log_in(client, people["leader"])
    response = client.get(INBOX)
    assert response.context["tab"] == "all"
    assert [row.code for row in response.context["page"].object_list] == [case.code]
    assert "待我办理" not in response.content.decode()
    assert offered_actions(client, case) == []


def test_the_inbox_lists_without_a_query_per_case(client, people, categories):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    log_in(client, people["town_operator"])
    client.get(INBOX)  # warm the session and the user
    queries = []
    for _round in range(2):
        for _ in range(5):
            report_rubbish(people, categories)
        with CaptureQueriesContext(connection) as captured:
            listed = inbox_codes(client)
        queries.append(len(captured))
    assert len(listed) == 10
    assert queries[0] == queries[1] <= 16  # the tabs' counts and filters, never one per case


def test_the_language_switch_shows_english(client, people):
    log_in(client, people["grid_worker"])
    chinese = client.get(INBOX).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "Log out" not in chinese
    assert "退出登录" in chinese and "待我办理" in chinese
    assert "<h1>工作台</h1>" in chinese and "暂无待您办理的案件。" in chinese
    response = client.post("/i18n/setlang/", {"language": "en", "next": INBOX})
    assert response.status_code == 302
    english = client.get(INBOX).content.decode()
    assert '<html lang="en">' in english
    assert "Log out" in english and "Awaiting me" in english
    assert "退出登录" not in english


def test_the_grid_map_is_geojson_cached_and_gzipped(client, people):
    log_in(client, people["grid_worker"])
    response = client.get("/territory/grids.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and response["ETag"]  # 304 until it changes
    assert response["Content-Encoding"] == "gzip"
    collection = json.loads(gzip.decompress(response.content))
    levels = [feature["properties"]["level"] for feature in collection["features"]]
    # A grid worker's own village and the two that share a boundary with it (territory/maps.py).
    assert levels.count("county") == 1 and levels.count("grid") == 6
    first = next(f for f in collection["features"] if f["properties"]["code"] == "610722001001001")
    assert first["properties"]["name"] == "西镇北村第1网格"
    assert first["geometry"]["type"] == "Polygon"


def test_locate_names_the_grid_or_says_why_not(client, people):
    log_in(client, people["grid_worker"])
    lon, lat = IN_FIRST_GRID
    hit = client.post("/territory/locate/", {"lon": lon, "lat": lat})
    assert hit.status_code == 200
    assert "西镇北村第1网格" in hit.content.decode() and "610722001001001" in hit.content.decode()
    outside = client.post("/territory/locate/", {"lon": 108, "lat": 34})
    assert outside.status_code == 200 and outside_county_message() in outside.content.decode()
    for bad in ({"lon": "abc", "lat": "33"}, {"lon": "nan", "lat": "33"}, {"lat": "33"}):
        response = client.post("/territory/locate/", bad)
        assert response.status_code == 400
        assert "经纬度必须是数字" in response.content.decode()


def test_locate_takes_the_point_only_in_a_post_body(client, people):
    """An exact point is personal data: in a query string it would land in access logs."""
    log_in(client, people["grid_worker"])
    lon, lat = IN_FIRST_GRID
    refused = client.get("/territory/locate/", {"lon": lon, "lat": lat})
    assert refused.status_code == 405 and refused["Allow"] == "POST"
    assert "610722001001001" not in refused.content.decode()
    # The page's htmx request carries the CSRF token in its header: without it, refused too.
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(people["grid_worker"])
    assert csrf_client.post("/territory/locate/", {"lon": lon, "lat": lat}).status_code == 403


def test_pages_need_a_login(client, people, categories):
    case = report_rubbish(people, categories)
    for url in (INBOX, REPORT, f"/cases/{case.code}/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("0916-1234567", "0916-*****67"),
        ("010 12345678", "010-******78"),
        ("09161234", "09****34"),
        ("12345", "1***5"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_phone_by_rule(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("length", range(1, 16))
def test_a_number_without_a_rule_never_shows_more_than_half_its_digits(length):
    number = "9" + "8" * (length - 1)  # neither a mobile (1…) nor a landline (0…)
    masked = mask_phone(number)
    assert len(masked) == length
    assert sum(character.isdigit() for character in masked) <= length // 2


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("张", "*"), ("", "")]
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_a_photo_is_served_only_to_those_who_may_open_the_case(
    client, people, categories, media_root
):
    lon, lat = IN_FIRST_GRID
    case = report_case(
        reporter=people["grid_worker"], category=categories["rubbish"], description="垃圾",
        lon=lon, lat=lat, photos=[png("heap.png")],
    )  # fmt: skip
    photo = case.photos.get()
    url = f"/cases/{case.code}/photos/{photo.pk}/"
    log_in(client, people["town_operator"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "private" in response["Cache-Control"]
    assert url in client.get(f"/cases/{case.code}/").content.decode()
    log_in(client, people["other_town_operator"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
