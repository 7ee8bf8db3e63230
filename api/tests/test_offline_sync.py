"""What a phone that sends when the signal comes back needs: a report and its photos in one
request, a step with its photos, each at most once per idempotency key, and a plain 409 when the
case moved on while the step waited on the phone."""

import io
import json

import pytest
from PIL import Image

from cases.models import Case, CasePhoto, Status
from cases.services import take_action
from conftest import IN_FIRST_GRID
from integrations.services import issue_credential


def jpeg(colour: str) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(data, "JPEG")
    data.seek(0)
    return data


def photo(name: str, colour: str = "red"):
    file = jpeg(colour)
    file.name = name
    return file


@pytest.fixture
def phone(people):
    _credential, token = issue_credential("网格通", user=people["grid_worker"])
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def send_report(client, auth, key: str, photos=(), **overrides):
    lon, lat = IN_FIRST_GRID
    body = {"category": "E0101", "description": "路边垃圾堆积", "lon": lon, "lat": lat}
    body |= {"attributes": {"volume": 2}} | overrides
    return client.post(
        "/api/v1/cases/with-photos",
        {"report": json.dumps(body), "photos": list(photos)},
        HTTP_IDEMPOTENCY_KEY=key,
        **auth,
    )


def test_a_report_and_its_photos_arrive_together_once(client, people, rubbish_questions, phone):
    first = send_report(client, phone, "r-1", [photo("a.jpg"), photo("b.jpg", "blue")])
    retry = send_report(client, phone, "r-1", [photo("a.jpg"), photo("b.jpg", "blue")])

    assert (first.status_code, retry.status_code) == (201, 200), first.content
    assert first.json()["code"] == retry.json()["code"]
    case = Case.objects.get()
    assert case.photos.filter(stage=Status.REPORTED).count() == 2


def test_a_bad_report_or_a_file_that_is_no_photo_writes_nothing(
    client, people, rubbish_questions, phone
):
    not_json = client.post("/api/v1/cases/with-photos", {"report": "{oops"}, **phone)
    assert not_json.status_code == 400
    missing = send_report(client, phone, "r-2", description="")
    assert "description" in missing.json()["errors"]
    text = io.BytesIO(b"not a photo")
    text.name = "note.jpg"
    refused = send_report(client, phone, "r-3", [text])
    assert refused.status_code == 400 and "photos" in refused.json()["errors"]
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


@pytest.fixture
def fed_back(client, people, rubbish_questions, phone):
    code = send_report(client, phone, "r-9").json()["code"]
    case = Case.objects.get(code=code)
    case = take_action(case, people["town_operator"], "accept")
    case = take_action(case, people["town_operator"], "dispatch")
    case = take_action(case, people["urban_handler"], "start")
    return take_action(case, people["urban_handler"], "feed_back", {"note": "已清运"})


def verify(client, auth, case, key: str, photos=(), **inputs):
    body = {"note": "现场已清理干净", "expected_status": "fed_back"} | inputs
    return client.post(
        f"/api/v1/cases/{case.code}/actions/verify/with-photos",
        {"inputs": json.dumps(body), "photos": list(photos)},
        HTTP_IDEMPOTENCY_KEY=key,
        **auth,
    )


def test_a_verification_with_its_photo_is_taken_once_however_often_it_is_sent(
    client, fed_back, phone
):
    first = verify(client, phone, fed_back, "v-1", [photo("site.jpg", "green")])
    retry = verify(client, phone, fed_back, "v-1", [photo("site.jpg", "green")])

    assert (first.status_code, retry.status_code) == (200, 200), first.content
    assert retry.json()["status"] == Status.VERIFIED
    assert fed_back.timeline.filter(action="verify").count() == 1
    assert fed_back.photos.filter(stage=Status.VERIFIED).count() == 1


def test_a_step_queued_before_the_case_moved_on_is_a_plain_conflict(
    client, people, fed_back, phone
):
    take_action(fed_back, people["grid_worker"], "rework", {"note": "还没清理完"})
    answer = verify(client, phone, fed_back, "v-2", [photo("site.jpg")])

    assert answer.status_code == 409
    assert answer.json()["detail"] == "未执行：案件现在是“处置中”，已不是您看到时的“待核查”。"
    assert not fed_back.photos.filter(stage=Status.VERIFIED).exists()


def test_photos_on_a_step_that_takes_none_are_refused(client, people, fed_back, phone):
    take_action(fed_back, people["grid_worker"], "verify", {"note": "好了"})
    closing = issue_credential("手机", user=people["town_operator"])[1]
    answer = client.post(
        f"/api/v1/cases/{fed_back.code}/actions/close/with-photos",
        {"inputs": "{}", "photos": [photo("x.jpg")]},
        HTTP_AUTHORIZATION=f"Bearer {closing}",
    )
    assert answer.status_code == 400 and "photos" in answer.json()["errors"]
    assert Case.objects.get(pk=fed_back.pk).status == Status.VERIFIED
