"""The REST API through Django's client: the same rules, scopes and errors as the pages."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from api.views import api
from cases.models import Case, Source
from conftest import IN_FIRST_GRID
from integrations.models import Intake
from integrations.services import issue_credential

SNAPSHOT = Path(__file__).with_name("openapi.json")


@pytest.fixture
def bearer(db):
    def header(user=None, name="测试系统") -> dict:
        _credential, text = issue_credential(name, user=user)
        return {"HTTP_AUTHORIZATION": f"Bearer {text}"}

    return header


def report(client, auth, **overrides):
    lon, lat = IN_FIRST_GRID
    body = {"category": "E0101", "description": "路边垃圾堆积", "lon": lon, "lat": lat} | overrides
    return client.post("/api/v1/cases", json.dumps(body), content_type="application/json", **auth)


def test_a_grid_worker_reports_with_a_token_and_reads_the_case_back(
    client, people, categories, bearer
):
    auth = bearer(people["grid_worker"])
    response = report(client, auth, reporter_phone="13912345678")
    assert response.status_code == 201, response.content
    created = response.json()
    case = Case.objects.get(code=created["code"])
    assert (case.reporter, case.source, case.reporter_phone) == (
        people["grid_worker"], Source.GRID_WORKER, "13912345678"
    )  # fmt: skip
    assert "13912345678" not in response.content.decode()  # taken, never answered
    assert client.get(f"/api/v1/cases/{case.code}", **auth).json()["status"] == "reported"


def test_a_system_key_reports_is_named_on_the_timeline_and_sees_only_its_own(
    client, people, categories, bearer
):
    auth = bearer(name="12345 热线平台")
    code = report(client, auth).json()["code"]
    case = Case.objects.get(code=code)
    assert case.source == Source.API and case.reporter is None
    assert "12345 热线平台" in case.timeline.get().note
    assert Intake.objects.get(case=case).credential.name == "12345 热线平台"
    assert client.get(f"/api/v1/cases/{code}", **auth).status_code == 200
    assert client.get(f"/api/v1/cases/{code}", **bearer(name="别的系统")).status_code == 404
    assert client.get("/api/v1/cases", **auth).status_code == 403  # lists are for staff


def test_a_retry_with_the_same_idempotency_key_files_nothing_twice(
    client, people, categories, bearer
):
    auth = bearer(people["grid_worker"]) | {"HTTP_IDEMPOTENCY_KEY": "phone-7f3a-0001"}
    first, retry = report(client, auth), report(client, auth)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["code"] == retry.json()["code"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "X9999"}, "category"),
        ({"category": "E01"}, "category"),  # a class, not a leaf
        ({"lon": "east"}, "lon"),
        ({"lat": 120}, "lat"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_input_is_named_and_writes_nothing(
    client, people, categories, bearer, overrides, field
):
    response = report(client, bearer(people["grid_worker"]), **overrides)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Case.objects.exists()


def test_a_point_outside_the_county_is_refused_in_the_users_language(
    client, people, categories, bearer
):
    response = report(client, bearer(people["grid_worker"]), lon=108.5, lat=34.5)
    assert response.status_code == 400 and "城固县" in response.json()["detail"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("header", [{}, {"HTTP_AUTHORIZATION": "Bearer wg_nope_nope"}])
def test_no_or_a_wrong_token_is_401(client, db, header):
    response = client.get("/api/v1/categories", **header)
    assert response.status_code == 401 and "Bearer" in response.json()["detail"]


def test_a_towns_token_never_sees_another_towns_case(client, people, categories, bearer):
    code = report(client, bearer(people["grid_worker"])).json()["code"]
    mine, other = bearer(people["town_operator"]), bearer(people["other_town_operator"])
    assert client.get(f"/api/v1/cases/{code}", **other).status_code == 404
    assert [row["code"] for row in client.get("/api/v1/cases", **other).json()["items"]] == []
    assert [row["code"] for row in client.get("/api/v1/cases", **mine).json()["items"]] == [code]


def test_steps_are_the_workflows_own_with_its_errors(
    client, people, categories, departments, bearer
):
    code = report(client, bearer(people["grid_worker"])).json()["code"]
    operator, handler = bearer(people["town_operator"]), bearer(people["urban_handler"])
    actions = client.get(f"/api/v1/cases/{code}/actions", **operator).json()
    assert [row["action"] for row in actions][0] == "accept"
    refused = client.post(
        f"/api/v1/cases/{code}/actions/accept", "{}", content_type="application/json", **handler
    )
    assert refused.status_code == 400, refused.json()
    assert "立案" in refused.json()["detail"], refused.json()  # not the handler's step
    taken = client.post(
        f"/api/v1/cases/{code}/actions/accept", "{}", content_type="application/json", **operator
    )
    assert taken.status_code == 200 and taken.json()["status"] == "accepted"
    again = client.post(
        f"/api/v1/cases/{code}/actions/accept", "{}", content_type="application/json", **operator
    )
    assert again.status_code == 400 and "立案" in again.json()["detail"]
    reject = client.post(
        f"/api/v1/cases/{code}/actions/suspend", "{}", content_type="application/json", **operator
    )
    assert reject.status_code == 400


def test_the_queue_puts_the_overdue_case_first(client, people, categories, bearer):
    auth = bearer(people["grid_worker"])
    fresh, late = (report(client, auth).json()["code"] for _ in range(2))
    Case.objects.filter(code=late).update(accept_deadline=timezone.now() - timedelta(hours=1))
    queue = client.get("/api/v1/queue", **bearer(people["town_operator"])).json()
    assert [row["code"] for row in queue] == [late, fresh]
    assert queue[0]["overdue"] is True


def test_categories_and_the_grid_of_a_point(client, people, categories, bearer):
    auth = bearer(people["grid_worker"])
    codes = {row["code"] for row in client.get("/api/v1/categories", **auth).json()}
    assert "E0101" in codes and "E01" not in codes
    lon, lat = IN_FIRST_GRID
    grid = client.get("/api/v1/territory/locate", {"lon": lon, "lat": lat}, **auth).json()
    assert grid["code"] == "610722001001001"


def test_the_docs_are_served_from_this_site(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()


def test_the_openapi_document_changes_only_on_purpose():
    """A change to the API shows here: refresh the snapshot with UPDATE_OPENAPI_SNAPSHOT=1."""
    import os

    document = json.dumps(api.get_openapi_schema(), ensure_ascii=False, indent=1, sort_keys=True)
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_text(document + "\n", encoding="utf-8")
    assert document + "\n" == SNAPSHOT.read_text(encoding="utf-8")
