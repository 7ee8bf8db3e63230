"""The city's side: copies keyed by county, a page of counts by county and town on either kind of
instance, and the subscribe command's checks (the real replication: test_three_clusters)."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cases.services import report_case
from conftest import IN_FIRST_GRID
from rollup import models as city
from rollup.publication import TABLES


def test_each_city_copy_has_exactly_the_published_columns_keyed_by_county():
    for published in TABLES:
        copy = getattr(city, published.model.split(".")[1])
        assert copy._meta.db_table == published.table
        assert [field.column for field in copy._meta.concrete_fields] == published.columns()
        assert [field.column for field in copy._meta.pk_fields] == ["county_code", "id"]


def city_county(code: str, name: str, town_names: list[str]) -> None:
    """A county as it arrives at the city: ids from 1, as every county's are."""
    city.Region.objects.create(
        county_code=code, id=1, code=code, name=name, level="county", path=f"{code}/",
        code_scheme="stats", boundary="", synthetic=False, updated_at=timezone.now(),
    )  # fmt: skip
    for number, town_name in enumerate(town_names, start=2):
        town_code = f"{code}{number:03d}"
        city.Region.objects.create(
            county_code=code, id=number, code=town_code, name=town_name, level="town",
            parent_id=1, path=f"{code}/{town_code}/", code_scheme="stats", boundary="",
            synthetic=False, updated_at=timezone.now(),
        )  # fmt: skip


def city_case(county_code: str, case_id: int, town_id: int, status: str, **times) -> None:
    now = timezone.now()
    city.Case.objects.create(
        county_code=county_code, id=case_id, code=f"26120100{case_id:02d}", kind="event",
        case_kind="street", category_id=1, grid_id=9, village_id=8, town_id=town_id,
        source="grid_worker", priority="normal", status=status, level="town",
        reported_at=now - timedelta(days=3), accept_deadline=times.get("accept_by", now + timedelta(hours=2)),
        handle_deadline=times.get("handle_by"), rework_count=0, updated_at=now,
    )  # fmt: skip


@pytest.mark.django_db(databases=["default", "rollup"])
def test_the_city_page_counts_each_county_by_town_with_the_same_ids_side_by_side(
    client, settings, people
):
    settings.AT_CITY = True
    city_county("610722", "城固县", ["博望街道", "龙头镇"])
    city_county("610723", "洋县", ["洋州街道"])
    yesterday = timezone.now() - timedelta(days=1)
    city_case("610722", 1, 2, "closed")
    city_case("610722", 2, 2, "dispatched", handle_by=yesterday)  # overdue
    city_case("610722", 3, 3, "reported")
    city_case("610723", 1, 2, "reported", accept_by=yesterday)  # overdue; same id as 城固's 1
    city_case("610723", 2, 2, "evaluated")

    client.force_login(people["leader"])
    response = client.get(reverse("rollup:counts"))

    assert response.status_code == 200
    chenggu, yangxian = response.context["counties"]
    assert (chenggu.name, chenggu.reported, chenggu.open, chenggu.overdue, chenggu.closed) == (
        "城固县", 3, 2, 1, 1,
    )  # fmt: skip
    assert [(town.name, town.reported) for town in chenggu.towns] == [
        ("博望街道", 2),
        ("龙头镇", 1),
    ]
    assert (yangxian.name, yangxian.reported, yangxian.overdue, yangxian.closed) == (
        "洋县",
        2,
        1,
        1,
    )
    assert yangxian.closed_share == 50.0
    assert "洋州街道" in response.content.decode()


def test_on_a_county_the_page_counts_its_own_cases_for_those_who_see_the_whole_county(
    client, people, categories
):
    lon, lat = IN_FIRST_GRID
    report_case(
        reporter=people["grid_worker"], category=categories["rubbish"], description="垃圾",
        lon=lon, lat=lat,
    )  # fmt: skip
    client.force_login(people["county_operator"])
    (county,) = client.get(reverse("rollup:counts")).context["counties"]
    assert (county.code, county.reported, county.open) == ("610722", 1, 1)
    assert sum(town.reported for town in county.towns) == 1

    client.force_login(people["grid_worker"])
    assert client.get(reverse("rollup:counts")).status_code == 403


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"county": "61072x", "dsn": "host=x"}, "不是县级区划代码"),
        ({"county": "610722"}, "--dsn is required"),
        ({}, "--county is required"),
    ],
)
def test_subscribing_says_what_is_wrong(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("rollup_subscribe", **arguments)
