"""The pages as their users walk them: the check-in button and a worker's own check-ins, and the
coverage by week for the centres, scoped to their area, counts without names."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patrols.models import PatrolCheckIn
from territory.models import Region

from .conftest import IN_FIRST_GRID, IN_SOUTH_VILLAGE, MONDAY, WEEK

pytestmark = pytest.mark.django_db
INDEX = "/patrols/"
COVERAGE = "/patrols/coverage/"


def test_a_grid_worker_sees_the_button_the_script_and_what_to_do_without_it(client, crew):
    client.force_login(crew["grid_worker"])
    response = client.get(INDEX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-patrol" in page and "patrols/patrol.js" in page
    assert "<noscript>" in page
    assert "西镇北村第1网格" in page and "西镇北村第2网格" in page  # where they may check in
    assert "<script>" not in page  # no inline script (CSP)


def test_the_button_posts_the_position_once_per_client_key(client, crew):
    client.force_login(crew["grid_worker"])
    lon, lat = IN_FIRST_GRID
    form = {"lon": lon, "lat": lat, "client_key": "a1b2c3d4e5f6"}
    first = client.post(INDEX, form)
    assert first.status_code == 302 and first["Location"] == INDEX
    again = client.post(INDEX, form, follow=True)
    assert again.status_code == 200
    checkin = PatrolCheckIn.objects.get()
    assert (checkin.user, checkin.grid.code) == (crew["grid_worker"], "610722001001001")
    assert "西镇北村第1网格" in again.content.decode()  # listed among their check-ins


def test_a_refused_check_in_says_why_on_the_page(client, crew):
    client.force_login(crew["grid_worker"])
    lon, lat = IN_SOUTH_VILLAGE
    refused = client.post(INDEX, {"lon": lon, "lat": lat, "client_key": "k1"})
    assert refused.status_code == 400
    assert "西镇南村" in refused.content.decode()
    no_position = client.post(INDEX, {"client_key": "k2"})  # no script, or location refused
    assert no_position.status_code == 400
    assert not PatrolCheckIn.objects.exists()


def test_a_worker_lists_only_their_own_check_ins_of_the_last_four_weeks(client, crew):
    grid = Region.objects.get(code="610722001001001")
    now = timezone.now()
    mine = PatrolCheckIn.objects.create(user=crew["grid_worker"], grid=grid, at=now)
    PatrolCheckIn.objects.create(user=crew["grid_worker"], grid=grid, at=now - timedelta(weeks=5))
    PatrolCheckIn.objects.create(user=crew["informant"], grid=grid, at=now)
    client.force_login(crew["grid_worker"])
    assert list(client.get(INDEX).context["checkins"]) == [mine]


def test_centres_are_sent_to_coverage_and_others_refused(client, crew):
    client.force_login(crew["town_operator"])
    assert client.get(INDEX)["Location"] == COVERAGE
    client.force_login(crew["urban_handler"])
    assert client.get(INDEX).status_code == 403
    assert client.get(COVERAGE).status_code == 403
    client.force_login(crew["grid_worker"])
    assert client.get(COVERAGE).status_code == 403


def test_coverage_for_a_village_shows_counts_and_never_who(client, crew):
    grid = Region.objects.get(code="610722001001001")
    for key, name in (("grid_worker", "张巡查"), ("informant", "李信息")):
        crew[key].full_name = name
        crew[key].save()
        PatrolCheckIn.objects.create(user=crew[key], grid=grid, at=MONDAY)
    client.force_login(crew["village_operator"])
    response = client.get(COVERAGE, {"week": WEEK})
    assert response.status_code == 200
    found = response.context["coverage"]
    assert (found.total.grids, found.total.patrolled, found.total.share) == (2, 1, 50.0)
    page = response.content.decode()
    assert "西镇北村第1网格" in page and "50.0%" in page
    for user in (crew["grid_worker"], crew["informant"]):
        assert user.full_name not in page


def test_coverage_drills_down_within_the_area_only(client, crew):
    client.force_login(crew["town_operator"])
    assert client.get(COVERAGE).context["coverage"].region.code == "610722001"
    assert client.get(COVERAGE, {"region": "610722001101"}).status_code == 200
    assert client.get(COVERAGE, {"region": "610722002"}).status_code == 404
    assert client.get(COVERAGE, {"region": "610722"}).status_code == 404
    assert client.get(COVERAGE, {"week": "2026-11"}).status_code == 404
    client.force_login(crew["leader"])
    county = client.get(COVERAGE, {"week": WEEK}).context["coverage"]
    assert [row.region.code for row in county.parts] == ["610722001", "610722002"]
    client.force_login(crew["admin"])
    assert client.get(COVERAGE, {"region": "610722002001"}).status_code == 200


def test_the_menu_offers_each_role_its_page(client, crew):
    client.force_login(crew["grid_worker"])
    page = client.get("/cases/").content.decode()
    assert f'href="{INDEX}"' in page and f'href="{COVERAGE}"' not in page
    client.force_login(crew["town_operator"])
    page = client.get("/cases/").content.decode()
    assert f'href="{COVERAGE}"' in page and f'href="{INDEX}"' not in page
