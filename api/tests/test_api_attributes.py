"""A category's questions through the REST API: listed with the category, checked on report, kept."""

import json

import pytest

from cases.models import Case
from conftest import IN_FIRST_GRID
from integrations.services import issue_credential


@pytest.fixture
def auth(db):
    _credential, text = issue_credential("12345 热线平台")
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def report(client, auth, attributes):
    lon, lat = IN_FIRST_GRID
    body = {
        "category": "E0101",
        "description": "桥头堆了建筑垃圾",
        "lon": lon,
        "lat": lat,
        "attributes": attributes,
    }
    return client.post("/api/v1/cases", json.dumps(body), content_type="application/json", **auth)


def test_categories_list_their_questions(client, rubbish_questions, auth):
    listed = {item["code"]: item for item in client.get("/api/v1/categories", **auth).json()}
    questions = listed["E0101"]["questions"]
    assert [q["code"] for q in questions] == ["volume", "spot", "smell", "seen_at", "kind", "near"]
    assert questions[0] == {
        "code": "volume",
        "question": "估计数量（立方米）",
        "datatype": "number",
        "required": True,
        "order": 1,
        "choices": [],
    }
    assert questions[4]["choices"] == [
        {"key": "household", "name": "生活垃圾"},
        {"key": "building", "name": "建筑垃圾"},
    ]
    assert listed["G0501"]["questions"] == []


def test_answers_are_checked_and_kept(client, rubbish_questions, auth):
    refused = report(client, auth, {"kind": "chemical", "colour": "red"})
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {
        "attributes.volume",
        "attributes.kind",
        "attributes.colour",
    }
    assert not Case.objects.exists()

    made = report(
        client, auth, {"volume": 2, "near": ["river"], "seen_at": "2026-12-01T08:30+08:00"}
    )
    assert made.status_code == 201, made.content
    answers = {"volume": 2, "near": ["river"], "seen_at": "2026-12-01T08:30:00+08:00"}
    assert made.json()["attributes"] == answers
    assert Case.objects.get().attributes == answers
