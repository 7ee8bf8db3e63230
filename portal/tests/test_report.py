"""A resident reports without an account, is shown the open cases right there first, follows by a
private link, rates the handling; sends are limited per address and phone."""

import re

import pytest
from django.urls import reverse

from cases.models import Case, Source, Status
from cases.services import report_case, take_action
from cases.workflow import find_transition
from conftest import IN_FIRST_GRID
from portal import challenge
from portal.links import follow_key
from portal.models import Follower, FollowReason, HeldReport, ResidentRating

LON, LAT = IN_FIRST_GRID
METRE = 1 / 111_320  # degrees of latitude


def report_data(category, **changes):
    data = {
        "category": category.pk,
        "description": "学校门口的路灯坏了三个晚上，联系13912345678",
        "lon": LON,
        "lat": LAT,
        "name": "王小明",
        "phone": "13700007777",
        "email": "",
        "address": "",
    }
    return data | changes


def send(client, data, address="10.0.0.1"):
    return client.post(reverse("portal:report"), data, REMOTE_ADDR=address)


def follower_of(response) -> Follower:
    key = re.fullmatch(r"/follow/([^/]+)/\?new=1", response["Location"]).group(1)
    follower = Follower.objects.get(pk=key.split(":")[0])
    assert follow_key(follower) == key
    return follower


def test_visitors_get_the_report_page_with_public_groups_and_staff_their_workbench(
    client, people, lamps, categories
):
    page = client.get("/").content.decode()
    assert "💡" in page and "路灯" in page and "暴露垃圾" in page
    assert "邻里纠纷" not in page  # a dispute is not reported on a public page
    assert "30" in page and "3" in page  # the notice says how long contacts are kept
    client.force_login(people["county_operator"])
    assert client.get("/")["Location"] == reverse("cases:overview")


def test_a_report_is_filed_as_a_residents_with_its_reporter_following_it(client, lamps, people):
    answer = send(client, report_data(lamps))

    assert answer.status_code == 302
    follower = follower_of(answer)
    case = follower.case
    assert (case.category, case.source, case.reporter) == (lamps, Source.RESIDENT, None)
    assert (case.reporter_name, case.reporter_phone) == ("王小明", "13700007777")
    assert (follower.reason, follower.phone) == (FollowReason.REPORTED, "13700007777")
    page = client.get(answer["Location"]).content.decode()
    assert case.code in page and "139****5678" in page
    assert "13912345678" not in page and "13700007777" not in page and "王小明" not in page


def test_bad_input_is_refused_in_chinese_and_nothing_is_filed(client, lamps):
    answer = send(client, report_data(lamps) | {"description": "", "lon": "", "category": ""})

    assert answer.status_code == 400
    text = answer.content.decode()
    for message in ("请选择问题的类别。", "请简单说说出了什么问题。", "请在地图上点选位置"):
        assert message in text
    assert not Case.objects.exists()


def test_open_cases_within_50_metres_are_offered_first_and_me_too_follows_one(client, lamps):
    first = follower_of(send(client, report_data(lamps))).case
    near = report_data(lamps, lat=LAT + 30 * METRE, phone="13600006666")

    offered = send(client, near)
    assert offered.status_code == 200 and first.code in offered.content.decode()
    assert Case.objects.count() == 1

    joined = client.post(reverse("portal:me_too", args=[first.code]), near, REMOTE_ADDR="10.0.0.2")
    follower = follower_of(joined)
    assert (follower.case, follower.reason) == (first, FollowReason.ME_TOO)
    assert (
        "另有 1 位居民" in client.get(reverse("portal:track", args=[first.code])).content.decode()
    )

    anyway = send(client, near | {"checked_nearby": "1"})
    assert follower_of(anyway).case != first


def test_a_case_further_than_50_metres_or_of_another_category_is_not_offered(
    client, lamps, categories
):
    send(client, report_data(lamps))
    far = send(client, report_data(lamps, lat=LAT + 80 * METRE, phone=""))
    other = send(client, report_data(categories["rubbish"], description="垃圾", phone=""))

    assert far.status_code == other.status_code == 302
    assert Case.objects.count() == 3


def test_near_the_limit_a_sum_is_asked_and_the_report_held_for_a_look(client, lamps):
    for number in range(3):
        data = report_data(lamps, lat=LAT + number * 100 * METRE, phone="")
        assert send(client, data).status_code == 302
    fourth = report_data(lamps, lat=LAT + 400 * METRE, phone="")

    asked = send(client, fourth)
    assert asked.status_code == 400 and "一步" in asked.content.decode()
    token = re.search(r'name="challenge_token" value="([^"]+)"', asked.content.decode()).group(1)
    total = challenge.signing.loads(token, salt=challenge.SALT)["sum"]
    wrong = send(client, fourth | {"challenge_token": token, "challenge_answer": str(total + 1)})
    assert wrong.status_code == 400 and Case.objects.count() == 3

    right = send(client, fourth | {"challenge_token": token, "challenge_answer": str(total)})
    case = follower_of(right).case
    assert HeldReport.objects.get(case=case).released_at is None
    assert client.get(reverse("portal:track", args=[case.code])).status_code == 404


def test_past_the_limit_an_address_is_refused(client, lamps):
    for number in range(10):
        data = report_data(lamps, lat=LAT + number * 100 * METRE, phone="")
        answer = send(client, data)
        if answer.status_code == 400:  # the sum near the limit
            token = re.search(r'name="challenge_token" value="([^"]+)"', answer.content.decode())
            total = challenge.signing.loads(token.group(1), salt=challenge.SALT)["sum"]
            data |= {"challenge_token": token.group(1), "challenge_answer": str(total)}
            answer = send(client, data)
        assert answer.status_code == 302
    refused = send(client, report_data(lamps, lat=LAT + 2000 * METRE, phone=""))
    assert refused.status_code == 429
    assert Case.objects.count() == 10
    assert (
        send(client, report_data(lamps, lat=LAT + 2000 * METRE), address="10.9.9.9").status_code
        == 302
    )


def test_a_report_with_a_link_is_held(client, lamps):
    answer = send(client, report_data(lamps, description="便宜办证 www.example.com"))
    assert HeldReport.objects.filter(case=follower_of(answer).case).exists()


def close(case, people):
    operator, handler = people["town_operator"], people["housing_handler"]
    grid_worker = people["grid_worker"]
    for user, action, inputs in (
        (operator, "accept", {}),
        (operator, "dispatch", {}),
        (handler, "start", {}),
        (handler, "feed_back", {"note": "已更换灯泡"}),
        (grid_worker, "verify", {}),
        (operator, "close", {}),
    ):
        case = Case.objects.get(pk=case.pk)
        if case.status in find_transition(action).sources:  # a reworked case is handled already
            case = take_action(case, user, action, inputs)
    return case


def rate(client, follower, **data):
    return client.post(reverse("portal:follow", args=[follow_key(follower)]), data)


def test_not_fixed_sends_the_case_back_once_then_to_the_centre_under_supervision(
    client, lamps, people
):
    follower = follower_of(send(client, report_data(lamps)))
    case = close(follower.case, people)

    assert (
        rate(
            client, follower, satisfaction="dissatisfied", not_fixed="on", comment="还是不亮"
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert (case.status, case.rework_count, case.department.code) == (Status.HANDLING, 1, "zjj")
    assert case.timeline.last().action == "resident_rework"
    assert case.timeline.last().note == "还是不亮"

    case = close(case, people)
    rate(client, follower, satisfaction="dissatisfied", not_fixed="on", comment="仍然不亮")
    case.refresh_from_db()
    assert (case.status, case.level) == (Status.ACCEPTED, "county")
    assert case.supervised_at is not None
    assert ResidentRating.objects.filter(case=case).count() == 2


def test_a_satisfied_rating_evaluates_the_case_and_a_second_rating_is_refused(
    client, lamps, people
):
    follower = follower_of(send(client, report_data(lamps)))
    case = close(follower.case, people)

    rate(client, follower, satisfaction="fairly", comment="还行")
    case.refresh_from_db()
    assert (case.status, case.rating) == (Status.EVALUATED, 3)
    again = rate(client, follower, satisfaction="satisfied")
    assert again.status_code == 400
    assert ResidentRating.objects.count() == 1


def test_an_open_case_cannot_be_rated_and_a_forged_link_is_not_found(client, lamps):
    follower = follower_of(send(client, report_data(lamps)))
    assert rate(client, follower, satisfaction="satisfied").status_code == 400
    forged = follow_key(follower)[:-3] + "abc"
    assert client.get(reverse("portal:follow", args=[forged])).status_code == 404


@pytest.mark.parametrize("phone", ["12345", "not a phone"])
def test_a_bad_phone_is_refused(client, lamps, phone):
    answer = send(client, report_data(lamps, phone=phone))
    assert answer.status_code == 400 and not Case.objects.exists()


def test_the_public_timeline_shows_the_note_for_the_public_masked_and_never_the_staff_note(
    client, lamps, people
):
    case = follower_of(send(client, report_data(lamps))).case
    for user, action in (("town_operator", "accept"), ("town_operator", "dispatch")):
        case = take_action(case, people[user], action)
    case = take_action(case, people["housing_handler"], "start")
    take_action(
        case,
        people["housing_handler"],
        "feed_back",
        {
            "note": "王师傅换的灯泡，库存还剩2个",
            "public_note": "已更换灯泡，王小明可致电13812345678",
        },
    )

    page = client.get(reverse("portal:track", args=[case.code])).content.decode()
    assert "已更换灯泡，王**可致电138****5678" in page
    assert "王师傅" not in page and "库存" not in page


def test_staff_reports_keep_their_own_form(client, people, lamps):
    client.force_login(people["grid_worker"])
    case = report_case(
        reporter=people["grid_worker"], category=lamps, description="路灯不亮", lon=LON, lat=LAT
    )
    assert not case.followers.exists()
