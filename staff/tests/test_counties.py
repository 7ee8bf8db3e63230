"""Two counties in one database: departments with the same codes, categories and demo staff."""

from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from cases.models import Category, RoutingRule
from cases.services import install_kind_categories, report_case
from conftest import small_county_csv, small_county_grids
from staff.demo import create_demo_staff
from staff.models import Department, Role, User
from staff.services import install_departments
from territory.models import Level, Region
from territory.services import import_divisions, import_grids

DEPARTMENTS = (Path(__file__).resolve().parents[1] / "data" / "departments.csv").read_text(
    encoding="utf-8"
)


def as_yangxian(text: str) -> str:
    return text.replace("610722", "610723").replace("城固县", "洋县")


@pytest.fixture
def second_county(county):
    """The small test county again, renumbered as 洋县 (610723) and moved one degree east, beside
    城固县 (610722)."""
    import_divisions(as_yangxian(small_county_csv()))
    grids = small_county_grids()
    for feature in grids["features"]:
        for key in ("code", "village_code"):
            feature["properties"][key] = as_yangxian(feature["properties"][key])
        (ring,) = feature["geometry"]["coordinates"]
        feature["geometry"]["coordinates"] = [[[lon + 1.0, lat] for lon, lat in ring]]
    import_grids(grids)
    return Region.objects.get(code="610723")


def test_a_second_countys_departments_with_the_same_codes_coexist(second_county, settings):
    first = install_departments(DEPARTMENTS)
    settings.COUNTY_CODE = "610723"
    second = install_departments(DEPARTMENTS)
    assert len(first) == len(second)
    assert {d.code for d in first} == {d.code.replace("610723", "610722") for d in second}
    cgj = Department.objects.filter(code="cgj")
    assert {(d.county_code, d.region.code) for d in cgj} == {
        ("610722", "610722"),
        ("610723", "610723"),
    }
    assert Department.objects.get(county_code="610723", code="pcs-610723001").region.code == (
        "610723001"
    )
    assert not Department.objects.filter(county_code="610723", code__contains="610722").exists()
    install_departments(DEPARTMENTS)  # a re-run updates, whichever county's row matches
    assert Department.objects.count() == len(first) + len(second)


def test_a_department_code_is_still_unique_within_its_county(county):
    Department.objects.create(county_code="610722", code="cgj", name="城管局", region=county)
    Department.objects.create(county_code="610723", code="cgj", name="城管局", region=county)
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(county_code="610722", code="cgj", name="又一个", region=county)


def test_categories_route_each_county_to_its_own_departments(second_county, settings):
    install_departments(DEPARTMENTS)
    install_kind_categories()
    settings.COUNTY_CODE = "610723"
    install_departments(DEPARTMENTS)
    install_kind_categories()
    for code in ("610722", "610723"):
        rules = RoutingRule.objects.filter(region__path__startswith=f"{code}/")
        assert rules.exists()
        assert set(rules.values_list("department__county_code", flat=True)) == {code}


def test_demo_staff_and_departments_install_for_a_county_that_is_not_chenggu(
    second_county, settings
):
    settings.COUNTY_CODE = "610723"
    install_departments(DEPARTMENTS)
    install_kind_categories()
    logins = create_demo_staff(total_grid_staff=10)
    assert logins["town_operator"].region.code == "610723001"  # the county seat's town
    assert logins["grid_worker"].region.code == "610723001001001"
    assert logins["county_operator"].region == second_county
    assert logins["leader"].region == second_county
    assert logins["handler"].department.county_code == "610723"
    grid_workers = User.objects.filter(role=Role.GRID_WORKER).exclude(username="grid_worker")
    assert grid_workers.count() == 8
    assert all(user.region.code.startswith("610723") for user in grid_workers)
    operators = User.objects.filter(role=Role.OPERATOR, username__startswith="op")
    assert {user.region.code[:6] for user in operators} == {"610723"}
    assert operators.filter(region__level=Level.COUNTY).count() == 1
    handlers = User.objects.filter(role=Role.HANDLER, username__startswith="hd-")
    assert handlers.count() == Department.objects.filter(county_code="610723").count()


def test_rows_take_the_county_of_their_place_not_the_instances(second_county, settings):
    install_departments(DEPARTMENTS)
    install_kind_categories()
    settings.COUNTY_CODE = "610723"
    install_departments(DEPARTMENTS)
    install_kind_categories()
    worker = create_demo_staff(total_grid_staff=10)["grid_worker"]
    chenggu_worker = User.objects.create(
        username="gw-chenggu",
        role=Role.GRID_WORKER,
        region=Region.objects.get(code="610722001001001"),
    )
    settings.COUNTY_CODE = "610722"  # the instance's county; the rows below are 洋县's all the same

    assert set(Region.objects.subtree(second_county).values_list("county_code", flat=True)) == {
        "610723"
    }
    assert Region.objects.get(code="610722001001001").county_code == "610722"
    assert worker.county_code == "610723"
    rubbish = Category.objects.get(code="E0101")
    place = {"lon": worker.region.centroid_lon, "lat": worker.region.centroid_lat}
    case = report_case(reporter=worker, category=rubbish, description="路边垃圾", **place)
    assert case.county_code == "610723"
    assert case.timeline.get().county_code == "610723"
    here = {"lon": chenggu_worker.region.centroid_lon, "lat": chenggu_worker.region.centroid_lat}
    chenggu_case = report_case(
        reporter=chenggu_worker, category=rubbish, description="垃圾", **here
    )
    # Each county numbers its own cases: both are the first of the day.
    assert (chenggu_case.county_code, chenggu_case.code[-4:]) == ("610722", "0001")
    assert case.code == chenggu_case.code
