"""一案一码: anyone with a case's number follows it, without an account or JavaScript, and sees
where it stands and its steps: never who acted, a staff note or the reporter's data."""

import pytest
from django.urls import reverse

from cases.services import report_case, take_action
from conftest import IN_FIRST_GRID

PHONE, ID_NUMBER = "13912345678", "610722199001011234"


@pytest.fixture
def lamp_case(people, categories):
    lon, lat = IN_FIRST_GRID
    case = report_case(
        reporter=None,
        category=categories["rubbish"],
        description=f"北村路口垃圾堆了三天，电话{PHONE}，身份证{ID_NUMBER}",
        lon=lon,
        lat=lat,
        source="resident",
        reporter_name="李秀兰",
        reporter_phone="13800001111",
    )
    case = take_action(case, people["town_operator"], "accept", {})
    return take_action(
        case, people["town_operator"], "dispatch", {"note": "内部：请城管队长亲自处理"}
    )


def page_of(client, code):
    return client.get(reverse("portal:track", args=[code]))


def test_the_case_page_shows_where_it_stands_and_each_step_in_chinese(client, lamp_case):
    answer = page_of(client, lamp_case.code)

    assert answer.status_code == 200
    text = answer.content.decode()
    assert lamp_case.code in text
    assert "暴露垃圾" in text or lamp_case.category.name in text
    assert lamp_case.get_status_display() in text
    assert lamp_case.department.name in text
    assert "西镇北村" in text  # town and village, not the point
    for label in ("上报", "立案", "派遣"):
        assert label in text
    assert text.count('class="timeline__entry"') == 3


def test_no_personal_data_actor_or_staff_note_is_shown(client, lamp_case, people):
    text = page_of(client, lamp_case.code).content.decode()

    for private in ("李秀兰", "13800001111", PHONE, ID_NUMBER, "城管队长"):
        assert private not in text
    for staff in ("town_operator",):
        assert people[staff].full_name not in text
    assert "139****5678" in text  # the description, numbers masked


def test_a_private_category_is_not_found_like_an_unknown_number(client, people, categories):
    lon, lat = IN_FIRST_GRID
    dispute = report_case(
        reporter=people["grid_worker"],
        category=categories["neighbours"],
        description="邻里纠纷",
        lon=lon,
        lat=lat,
    )

    assert page_of(client, dispute.code).status_code == 404
    assert page_of(client, "2601019999").status_code == 404
    assert page_of(client, "not-a-number").status_code == 404


def test_a_number_typed_in_leads_to_its_page_and_a_malformed_one_is_explained(client, lamp_case):
    answer = client.get(reverse("portal:find"), {"code": f" {lamp_case.code} "})
    assert answer.status_code == 302
    assert answer.url == reverse("portal:track", args=[lamp_case.code])

    answer = client.get(reverse("portal:find"), {"code": "12ab"})
    assert answer.status_code == 200
    assert "案件编号为 6 至 20 位数字" in answer.content.decode()
    assert client.get(reverse("portal:find")).status_code == 200


def test_the_login_page_leads_a_resident_to_follow_their_case(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("portal:find")}"' in page
    assert "按编号查询案件进度" in page
