"""巡查打卡 through the service: a grid and a time, in the worker's own village, at most once per
client key, never in the future; the position finds the grid and is not kept."""

from datetime import timedelta

import pytest
from django.db import models
from django.utils import timezone

from patrols.models import PatrolCheckIn, PatrolWeek
from patrols.services import NotAPatroller, PatrolRefused, check_in

from .conftest import IN_FIRST_GRID, IN_SECOND_GRID, IN_SOUTH_VILLAGE, OUTSIDE

pytestmark = pytest.mark.django_db


def test_a_grid_worker_checks_in_in_their_own_grid(crew):
    worker = crew["grid_worker"]
    lon, lat = IN_FIRST_GRID
    checkin, created = check_in(worker, lon=lon, lat=lat)
    assert created
    checkin.refresh_from_db()
    assert (checkin.user, checkin.grid.code) == (worker, "610722001001001")
    assert abs((timezone.now() - checkin.at).total_seconds()) < 60
    assert checkin.county_code == "610722"


def test_a_grid_worker_checks_in_anywhere_in_their_village(crew):
    lon, lat = IN_SECOND_GRID
    checkin, created = check_in(crew["grid_worker"], lon=lon, lat=lat)
    assert created and checkin.grid.code == "610722001001002"


def test_an_informant_checks_in_too_with_the_time_the_phone_gives(crew):
    lon, lat = IN_FIRST_GRID
    earlier = timezone.now() - timedelta(days=2, hours=3)
    checkin, created = check_in(crew["informant"], lon=lon, lat=lat, at=earlier)
    assert created and checkin.at == earlier


def test_a_resend_with_the_same_client_key_is_not_counted_twice(crew):
    worker = crew["grid_worker"]
    lon, lat = IN_FIRST_GRID
    first, created = check_in(worker, lon=lon, lat=lat, client_key="phone-7f3a-0001")
    again, created_again = check_in(worker, lon=lon, lat=lat, client_key="phone-7f3a-0001")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert PatrolCheckIn.objects.count() == 1
    # Another key, or no key at all, is another check-in; another worker's same key is theirs.
    check_in(worker, lon=lon, lat=lat, client_key="phone-7f3a-0002")
    check_in(worker, lon=lon, lat=lat)
    check_in(crew["informant"], lon=lon, lat=lat, client_key="phone-7f3a-0001")
    assert PatrolCheckIn.objects.count() == 4


def test_a_point_outside_the_county_is_refused_naming_the_county(crew):
    lon, lat = OUTSIDE
    with pytest.raises(PatrolRefused) as refused:
        check_in(crew["grid_worker"], lon=lon, lat=lat)
    assert str(refused.value) == "你的位置不在城固县的任何网格内：请在本村（社区）的网格内打卡。"
    assert refused.value.field == "lon"
    assert not PatrolCheckIn.objects.exists()


def test_a_grid_of_another_village_is_refused(crew):
    lon, lat = IN_SOUTH_VILLAGE
    with pytest.raises(PatrolRefused) as refused:
        check_in(crew["grid_worker"], lon=lon, lat=lat)
    message = str(refused.value)
    assert "西镇南村第1网格" in message and "西镇南村" in message and "西镇北村" in message
    assert message == (
        "你的位置在西镇南村的西镇南村第1网格。你只能在本村（社区）西镇北村的网格内打卡。"
    )
    assert not PatrolCheckIn.objects.exists()


def test_a_time_in_the_future_or_over_seven_days_ago_is_refused(crew):
    lon, lat = IN_FIRST_GRID
    worker = crew["grid_worker"]
    with pytest.raises(PatrolRefused) as future:
        check_in(worker, lon=lon, lat=lat, at=timezone.now() + timedelta(hours=1))
    assert str(future.value) == "巡查时间在未来：请检查手机时间后重试。"
    with pytest.raises(PatrolRefused) as old:
        check_in(worker, lon=lon, lat=lat, at=timezone.now() - timedelta(days=8))
    assert str(old.value) == "超过 7 天的巡查不能再打卡。"
    assert future.value.field == old.value.field == "at"
    # A phone's clock a minute ahead is not "the future".
    assert check_in(worker, lon=lon, lat=lat, at=timezone.now() + timedelta(minutes=1))[1]


@pytest.mark.parametrize("role", ["village_operator", "town_operator", "leader", "admin"])
def test_only_grid_workers_and_informants_check_in(crew, role):
    lon, lat = IN_FIRST_GRID
    with pytest.raises(NotAPatroller) as refused:
        check_in(crew[role], lon=lon, lat=lat)
    assert str(refused.value) == "只有网格员和信息员可以巡查打卡。"
    assert not PatrolCheckIn.objects.exists()


def test_no_table_of_patrols_stores_a_coordinate():
    """The position finds the grid and is dropped: no field could hold it."""
    for model in (PatrolCheckIn, PatrolWeek):
        names = {field.name for field in model._meta.get_fields()}
        for name in names:
            assert not any(
                word in name.lower()
                for word in ("lon", "lat", "point", "position", "location", "coord", "geo")
            ), (model.__name__, name)
        kinds = {type(field) for field in model._meta.concrete_fields}
        assert not kinds & {models.FloatField, models.DecimalField, models.JSONField}, model
    assert "user" not in {field.name for field in PatrolWeek._meta.get_fields()}
