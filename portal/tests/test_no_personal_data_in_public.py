"""No public page or JSON carries a resident's or a staff member's personal data: every public
response is scanned for the fixtures' names, phone numbers and e-mail addresses."""

import pytest
from django.urls import reverse

from cases.services import report_case, take_action
from portal.links import follow_key
from portal.models import Follower
from portal.services import rate

from .test_report import LAT, LON, METRE, close, follower_of, report_data, send

RESIDENT = {"name": "王小明", "phone": "13700007777", "email": "xiaoming@example.cn"}
NEIGHBOUR_PHONE = "13600006666"  # said "me too"
HOTLINE_CALLER = {"name": "李秀英", "phone": "13500005555"}  # reported through staff
IN_DESCRIPTION = ("13912345678", "610722199001011234")  # typed into a description
STAFF_NAMES = ("赵建国", "孙志强", "周卫东")


@pytest.fixture
def story(client, people, lamps, categories):
    """A resident's report, a neighbour's "me too", a caller's report taken by staff that is
    merged into it, handled by named staff with notes, closed and rated; a dispute beside it."""
    for key, name in zip(
        ("town_operator", "housing_handler", "grid_worker"), STAFF_NAMES, strict=True
    ):
        people[key].full_name = name
        people[key].save()
    description = f"路灯不亮，联系{IN_DESCRIPTION[0]}，身份证{IN_DESCRIPTION[1]}"
    resident = follower_of(send(client, report_data(lamps, description=description, **RESIDENT)))
    case = resident.case
    client.post(
        reverse("portal:me_too", args=[case.code]),
        report_data(lamps, lat=LAT + 10 * METRE, phone=NEIGHBOUR_PHONE),
        REMOTE_ADDR="10.0.0.9",
    )
    called_in = report_case(
        reporter=people["town_operator"],
        category=lamps,
        description=f"{HOTLINE_CALLER['name']}来电：路灯不亮",
        lon=LON,
        lat=LAT,
        reporter_name=HOTLINE_CALLER["name"],
        reporter_phone=HOTLINE_CALLER["phone"],
    )
    take_action(called_in, people["town_operator"], "merge", {"into": case.code})
    case = close(case, people)
    rate(resident, "fairly", comment=f"谢谢，我是{RESIDENT['name']}")
    dispute = report_case(
        reporter=people["grid_worker"],
        category=categories["neighbours"],
        description="邻里纠纷",
        lon=LON,
        lat=LAT,
        reporter_name="钱多多",
        reporter_phone="13400004444",
    )
    return {"case": case, "duplicate": called_in, "dispute": dispute, "resident": resident}


def public_addresses(story) -> list[str]:
    case, duplicate = story["case"], story["duplicate"]
    return [
        "/",
        reverse("portal:find") + f"?code={case.code}",
        reverse("portal:track", args=[case.code]),
        reverse("portal:track", args=[duplicate.code]),
        reverse("portal:track", args=[story["dispute"].code]),
        reverse("portal:public_cases"),
        reverse("portal:public_cases") + "?status=closed",
        reverse("portal:public_cases_geojson"),
        reverse("portal:follow", args=[follow_key(story["resident"])]),
        reverse("open311:requests", args=["json"]),
        reverse("open311:requests", args=["xml"]),
        reverse("open311:request", args=[case.code, "json"]),
        reverse("open311:services", args=["json"]),
        reverse("territory:grid_map"),
        reverse("territory:places"),
        reverse("territory:search") + "?q=西镇",
    ]


def test_no_public_response_holds_a_name_a_phone_or_an_e_mail(client, story):
    personal = [
        *RESIDENT.values(),
        NEIGHBOUR_PHONE,
        *HOTLINE_CALLER.values(),
        *IN_DESCRIPTION,
        *STAFF_NAMES,
        "钱多多",
        "13400004444",
    ]
    client.logout()
    scanned = 0
    where = reverse("territory:locate")
    answers = [
        (address, client.get(address, follow=True, HTTP_ACCEPT_ENCODING="identity"))
        for address in public_addresses(story)
    ] + [(where, client.post(where, {"lon": LON, "lat": LAT}))]
    for address, answer in answers:
        assert answer.status_code in (200, 404), address
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        text = body.decode()
        found = [value for value in personal if value in text]
        assert found == [], f"{address} shows {found}"
        scanned += answer.status_code == 200
    assert scanned >= 15  # the pages were really there, not all "not found"


def test_the_pages_scanned_do_show_the_case(client, story):
    """The scan above is worth something only if the pages carry the case at all."""
    case = story["case"]
    assert case.code in client.get(reverse("portal:track", args=[case.code])).content.decode()
    assert case.code in client.get(reverse("portal:public_cases")).content.decode()
    assert "139****5678" in client.get(reverse("portal:track", args=[case.code])).content.decode()
    assert Follower.objects.filter(case=case).count() == 3  # resident, neighbour, caller
