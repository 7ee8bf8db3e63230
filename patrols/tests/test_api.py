"""POST /api/v1/patrols with a staff token: 201, 200 on a resend with the same Idempotency-Key,
400 with the reason, 401 without a token, 403 for other roles and for systems' keys."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.services import issue_credential
from patrols.models import PatrolCheckIn

from .conftest import IN_FIRST_GRID, IN_SECOND_GRID, IN_SOUTH_VILLAGE

pytestmark = pytest.mark.django_db
URL = "/api/v1/patrols"


def token(user=None, name="巡查App") -> dict:
    _credential, text = issue_credential(name, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def patrol(client, auth, place=IN_FIRST_GRID, **extra):
    lon, lat = place
    body = {"lon": lon, "lat": lat} | extra
    return client.post(URL, json.dumps(body), content_type="application/json", **auth)


def test_a_check_in_answers_201_and_a_resend_200_with_the_same_one(client, crew):
    auth = token(crew["grid_worker"]) | {"HTTP_IDEMPOTENCY_KEY": "phone-7f3a-0001"}
    first = patrol(client, auth, IN_SECOND_GRID)
    assert first.status_code == 201, first.content
    answer = first.json()
    assert (answer["grid"], answer["grid_name"]) == ("610722001001002", "西镇北村第2网格")
    assert set(answer) == {"grid", "grid_name", "at"}  # no position answered back
    retry = patrol(client, auth, IN_SECOND_GRID)
    assert retry.status_code == 200 and retry.json() == answer
    assert PatrolCheckIn.objects.get().client_key == "phone-7f3a-0001"


def test_the_phone_gives_the_time_of_the_patrol(client, crew):
    at = (timezone.now() - timedelta(hours=5)).replace(microsecond=0)
    response = patrol(client, token(crew["informant"]), at=at.isoformat())
    assert response.status_code == 201, response.content
    assert PatrolCheckIn.objects.get().at == at


def test_refusals_answer_400_with_the_reason(client, crew):
    auth = token(crew["grid_worker"])
    other_village = patrol(client, auth, IN_SOUTH_VILLAGE)
    assert other_village.status_code == 400
    assert "西镇南村" in other_village.json()["detail"]
    assert list(other_village.json()["errors"]) == ["lon"]
    future = patrol(client, auth, at=(timezone.now() + timedelta(days=1)).isoformat())
    assert future.status_code == 400 and list(future.json()["errors"]) == ["at"]
    assert patrol(client, auth, lat=120).status_code == 400
    assert patrol(client, auth, (108.5, 34.0)).status_code == 400
    assert not PatrolCheckIn.objects.exists()


def test_without_a_token_401_and_for_other_roles_403(client, crew):
    assert patrol(client, {}).status_code == 401
    assert patrol(client, {"HTTP_AUTHORIZATION": "Bearer wg_nonsense"}).status_code == 401
    assert patrol(client, token(crew["town_operator"])).status_code == 403
    assert patrol(client, token(name="12345 热线平台")).status_code == 403  # a system's key
    assert not PatrolCheckIn.objects.exists()
