"""GeoReport v2's service requests: posted with an api_key, read by anyone, never a reporter's
data, private categories never listed; every failure in the specification's error format."""

import io
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.models import Case, CasePhoto, Category, Kind, RoutingRule, TimelineEntry
from cases.services import report_case, take_action
from conftest import IN_FIRST_GRID
from integrations.models import Intake
from integrations.services import issue_credential
from territory.models import Region

REQUESTS = "/open311/v2/requests"
LON, LAT = IN_FIRST_GRID


@pytest.fixture
def api_key(db):
    _credential, text = issue_credential("市级 Open311 汇聚平台")
    return text


def post(client, fmt="json", **fields):
    return client.post(f"{REQUESTS}.{fmt}", fields)


def full_report(api_key, **overrides) -> dict:
    return {
        "api_key": api_key,
        "service_code": "E0101",
        "lat": str(LAT),
        "long": str(LON),
        "description": "桥头堆了建筑垃圾，联系电话13912345678",
        "first_name": "三",
        "last_name": "张",
        "phone": "13912345678",
        "email": "zhang@example.cn",
        "attribute[volume]": "2",
        "attribute[near][]": ["river", "school"],
        **overrides,
    }


def test_a_service_definition_lists_the_categorys_questions(client, rubbish_questions):
    definition = client.get("/open311/v2/services/E0101.json").json()
    volume, spot, _smell, _seen, kind, near = definition["attributes"]
    assert volume == {
        "variable": True,
        "code": "volume",
        "datatype": "number",
        "required": True,
        "datatype_description": "",
        "order": 1,
        "description": "估计数量（立方米）",
        "values": [],
    }
    assert spot["datatype"] == "string" and not spot["required"]
    assert kind["values"] == [
        {"key": "household", "name": "生活垃圾"},
        {"key": "building", "name": "建筑垃圾"},
    ]
    assert near["datatype"] == "multivaluelist"
    assert client.get("/open311/v2/services.json").json()[0]["metadata"] is True

    root = ElementTree.fromstring(client.get("/open311/v2/services/E0101.xml").content)
    attribute = root.findall("attributes/attribute")[4]
    assert attribute.find("code").text == "kind"
    assert [v.find("key").text for v in attribute.findall("values/value")] == [
        "household",
        "building",
    ]


def test_a_request_is_posted_with_its_answers_and_attributed_to_its_system(
    client, rubbish_questions, api_key
):
    response = post(client, **full_report(api_key))
    assert response.status_code == 201, response.content
    (answer,) = response.json()
    case = Case.objects.get(code=answer["service_request_id"])
    assert answer["token"] == Intake.objects.get(case=case).token
    assert answer["account_id"] is None
    assert case.attributes == {"volume": 2, "near": ["river", "school"]}
    assert (case.reporter_name, case.reporter_phone) == ("张 三", "13912345678")
    assert "市级 Open311 汇聚平台" in case.timeline.get().note
    assert "13912345678" not in response.content.decode()

    xml = post(client, "xml", **full_report(api_key))
    assert xml.status_code == 201
    request = ElementTree.fromstring(xml.content).find("request")
    assert Case.objects.filter(code=request.find("service_request_id").text).exists()


def test_a_place_by_name_and_a_photo_sent_along(client, categories, api_key):
    photo = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(photo, "PNG")
    grid = Region.objects.get(code="610722001001001")
    response = post(
        client,
        api_key=api_key,
        service_code="E0101",
        address_string=grid.name,
        media_url="https://photos.example.cn/1.jpg",
        media=SimpleUploadedFile("p.png", photo.getvalue(), content_type="image/png"),
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.grid == grid and case.description == "暴露垃圾"  # the service names it
    assert CasePhoto.objects.filter(case=case).count() == 1
    listed = client.get(f"{REQUESTS}/{case.code}.json").json()[0]
    assert listed["media_url"] == "https://photos.example.cn/1.jpg"


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "wg_nothing_here"}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "G0101"}, 404, "G0101"),  # disputes are not an Open311 service
        ({"attribute[volume]": ""}, 400, "attribute[volume]"),
        ({"attribute[volume]": "很多"}, 400, "attribute[volume]"),
        ({"attribute[near][]": ["sea"]}, 400, "attribute[near]"),
        ({"attribute[colour]": "red"}, 400, "attribute[colour]"),
        ({"lat": "30.0", "long": "120.0"}, 400, "城固县"),
        ({"lat": "north", "long": "x"}, 400, "lat"),
        ({"lat": "", "long": ""}, 400, "address_string"),
        ({"lat": "", "long": "", "address_string": "不存在的地方"}, 400, "address_string"),
        ({"media_url": "file:///etc/passwd"}, 400, "media_url"),
        ({"phone": "call me"}, 400, "phone"),
        ({"description": "长" * 2001}, 400, "description"),
        ({"jurisdiction_id": "330100"}, 404, "330100"),
    ],
)
def test_bad_requests_get_the_specifications_error_and_write_nothing(
    client, rubbish_questions, api_key, change, status, says
):
    for fmt in ("json", "xml"):
        response = post(client, fmt, **(full_report(api_key) | change))
        assert response.status_code == status, response.content
        if fmt == "json":
            errors = response.json()
            assert all(error["code"] == status for error in errors)
            assert any(says in error["description"] for error in errors), errors
        else:
            root = ElementTree.fromstring(response.content)
            assert root.tag == "errors" and root.find("error/code").text == str(status)
    assert not Case.objects.exists() and not TimelineEntry.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(client, rubbish_questions, api_key):
    fake = SimpleUploadedFile("p.jpg", b"not an image at all", content_type="image/jpeg")
    response = post(client, **(full_report(api_key) | {"media": fake}))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_token_finds_its_request(client, categories, api_key):
    asked = {key: value for key, value in full_report(api_key).items() if "attribute" not in key}
    (answer,) = post(client, **asked).json()
    found = client.get(f"/open311/v2/tokens/{answer['token']}.json").json()
    assert found == [{"service_request_id": answer["service_request_id"], "token": answer["token"]}]
    assert client.get("/open311/v2/tokens/nothing.json").status_code == 404


@pytest.fixture
def listed_cases(people, categories, departments, county):
    """A rubbish report (an event), a manhole (a public facility) and a dispute (private)."""
    facilities = Category.objects.create(code="C01", name="公用设施", kind=Kind.COMPONENT)
    manhole = Category.objects.create(
        code="C0101", name="井盖", kind=Kind.COMPONENT, parent=facilities
    )
    RoutingRule.objects.create(
        category=facilities, region=county, department=departments["urban"], level="town"
    )
    worker = people["grid_worker"]
    made = {}
    for name, category, description in (
        ("rubbish", categories["rubbish"], "垃圾堆在门口，电话13912345678"),
        ("manhole", manhole, "井盖缺失"),
        ("dispute", categories["neighbours"], "邻里因排水争执"),
    ):
        made[name] = report_case(
            reporter=worker,
            category=category,
            description=description,
            lon=LON + 0.001,
            lat=LAT + 0.001,
            reporter_name="李四",
            reporter_phone="13912345678",
        )
    return made


def test_requests_list_public_cases_without_personal_data(client, listed_cases):
    response = client.get(f"{REQUESTS}.json")
    assert response.status_code == 200
    listed = {item["service_request_id"]: item for item in response.json()}
    assert set(listed) == {listed_cases["rubbish"].code, listed_cases["manhole"].code}
    text = response.content.decode()
    assert "13912345678" not in text and "李四" not in text
    rubbish, manhole = listed[listed_cases["rubbish"].code], listed[listed_cases["manhole"].code]
    assert rubbish["description"] == "垃圾堆在门口，电话139****5678"
    grid = listed_cases["rubbish"].grid
    # an event at its grid's centre, a public facility at its own point
    assert (rubbish["long"], rubbish["lat"]) == (
        round(grid.centroid_lon, 6),
        round(grid.centroid_lat, 6),
    )
    assert (manhole["long"], manhole["lat"]) == (round(LON + 0.001, 6), round(LAT + 0.001, 6))
    assert rubbish["status"] == "open" and rubbish["agency_responsible"] == "城管局"
    assert rubbish["status_notes"] == "待立案（城管局）"
    assert "notes" not in rubbish
    assert client.get(f"{REQUESTS}/{listed_cases['dispute'].code}.json").status_code == 404


def test_requests_filter_by_id_code_status_and_dates(client, listed_cases, people):
    rubbish, manhole = listed_cases["rubbish"], listed_cases["manhole"]

    def codes(**params):
        response = client.get(f"{REQUESTS}.json", params)
        assert response.status_code == 200, response.content
        return {item["service_request_id"] for item in response.json()}

    assert codes(service_request_id=f"{rubbish.code},{listed_cases['dispute'].code}") == {
        rubbish.code
    }
    assert codes(service_code="C0101") == {manhole.code}
    take_action(manhole, people["town_operator"], "reject", {"note": "重复上报"})
    assert codes(status="closed") == {manhole.code}
    assert codes(status="open") == {rubbish.code}
    assert codes(status="open,closed") == {rubbish.code, manhole.code}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert codes(start_date=tomorrow) == set()
    assert codes(end_date=tomorrow) == {rubbish.code, manhole.code}
    Case.objects.filter(pk=rubbish.pk).update(reported_at=timezone.now() - timedelta(days=100))
    assert codes() == {manhole.code}  # the default window is the last 90 days
    assert codes(page_size="1") | codes(page_size="1", page="2") == {manhole.code}


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-45"},
        {"start_date": "2026-12-02", "end_date": "2026-12-01"},
        {"start_date": "2026-01-01", "end_date": "2026-12-01"},  # more than 90 days
        {"status": "fixed"},
        {"page_size": "1001"},
        {"page": "0"},
        {"page": "-1"},
    ],
)
def test_malformed_queries_are_refused(client, listed_cases, params):
    for fmt in ("json", "xml"):
        response = client.get(f"{REQUESTS}.{fmt}", params)
        assert response.status_code == 400, response.content


def test_extensions_add_the_public_timeline(client, listed_cases, people):
    manhole = listed_cases["manhole"]
    take_action(manhole, people["town_operator"], "accept", {"note": "张三说明了情况"})
    (item,) = client.get(f"{REQUESTS}/{manhole.code}.json", {"extensions": "true"}).json()
    assert [note["summary"] for note in item["notes"]] == ["上报", "立案"]
    assert [note["status"] for note in item["notes"]] == ["open", "open"]
    assert "张三" not in str(item["notes"])  # a step's note is the staff's, never published
    assert item["extended_attributes"]["grid"] == manhole.grid.code
    root = ElementTree.fromstring(
        client.get(f"{REQUESTS}/{manhole.code}.xml", {"extensions": "true"}).content
    )
    assert len(root.findall("request/notes/note")) == 2


def test_updates_follow_changes_since_a_date(client, listed_cases, people):
    manhole = listed_cases["manhole"]
    since = timezone.now()
    take_action(manhole, people["town_operator"], "accept", {"note": ""})
    updates = client.get(
        "/open311/v2/servicerequestupdates.json", {"start_date": since.isoformat()}
    ).json()
    assert [(u["service_request_id"], u["status"]) for u in updates] == [(manhole.code, "open")]
    root = ElementTree.fromstring(client.get("/open311/v2/servicerequestupdates.xml").content)
    assert root.tag == "service_request_updates"
    # two public reports and one step; the dispute's report is not published
    assert len(root.findall("request_update")) == 3


def test_a_null_character_is_refused_everywhere(client, listed_cases, api_key):
    """PostgreSQL cannot store one; every endpoint answers 400 instead of failing."""
    for path, params in (
        (f"{REQUESTS}.json", {"service_code": "E01\x0001"}),
        (f"{REQUESTS}.json", {"start_date": "2026\x00"}),
        ("/open311/v2/services.json", {"jurisdiction_id": "\x00"}),
        ("/open311/v2/tokens/a\x00b.json", {}),
        (f"{REQUESTS}/26\x0001.json", {}),
        ("/open311/v2/servicerequestupdates.json", {"page": "\x00"}),
    ):
        assert client.get(path, params).status_code == 400, path
    posted = post(client, **full_report(api_key, description="垃圾\x00"))
    assert posted.status_code == 400 and posted.json()[0]["code"] == 400
    assert Case.objects.count() == 3  # only the fixture's
