"""What every operation shares: NUL characters refused before anything reads them (PostgreSQL
cannot store them: schemathesis found the 500s), and the 400 and 401 declared on each."""

import json

import pytest

from api.views import api
from cases.models import Case
from conftest import IN_FIRST_GRID
from integrations.services import issue_credential


@pytest.fixture
def auth(people) -> dict:
    _credential, text = issue_credential("测试", user=people["county_operator"])
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.mark.parametrize(
    ("path", "place"),
    [
        ("/api/v1/cases/%00", "path"),
        ("/api/v1/cases/%00/actions", "path"),
        ("/api/v1/cases?status=%00", "status"),
        ("/api/v1/cases?category=E01%0001", "category"),
        ("/api/v1/categories?unknown=%00", "unknown"),
        ("/api/v1/territory/regions/%00", "path"),
        ("/api/v1/territory/regions?cursor=%00", "cursor"),
        ("/api/v1/territory/regions/%00/grids.geojson", "path"),
    ],
)
def test_a_nul_in_the_path_or_query_is_refused_with_a_400(client, auth, path, place):
    response = client.get(path, **auth)
    assert response.status_code == 400, response.content
    assert place in response.json()["errors"], response.json()


@pytest.mark.parametrize(
    "overrides",
    [{"category": "E0101\x00"}, {"description": "路边\x00垃圾"}, {"address": "\x00"}],
)
def test_a_nul_in_a_report_is_refused_and_writes_nothing(client, auth, categories, overrides):
    lon, lat = IN_FIRST_GRID
    body = {"category": "E0101", "description": "路边垃圾", "lon": lon, "lat": lat} | overrides
    response = client.post(
        "/api/v1/cases", json.dumps(body), content_type="application/json", **auth
    )
    assert response.status_code == 400 and "body" in response.json()["errors"]
    assert not Case.objects.exists()


def test_every_operation_declares_the_400_and_401_it_may_answer():
    for operations in api.get_openapi_schema()["paths"].values():
        for operation in operations.values():
            assert {400, 401} <= set(operation["responses"]), operation["operationId"]


def test_a_body_that_is_not_json_is_refused_in_the_apis_shape(client, auth, categories):
    response = client.post("/api/v1/cases", "{nope", content_type="application/json", **auth)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"], response.json()
