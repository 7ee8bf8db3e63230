"""Routing precedence and access scope."""

import pytest
from django.http import Http404

from cases.models import RoutingRule
from cases.selectors import cases_awaiting, cases_visible_to, get_case_for, route_for
from cases.services import report_case, take_action
from territory.models import Region

WEST_GRID = (107.05, 33.15)  # 西镇北村第1网格
EAST_GRID = (107.25, 33.15)  # 东镇北村第1网格


def grid_at(code: str) -> Region:
    return Region.objects.get(code=code)


# --- routing ---------------------------------------------------------------------------------


def test_a_rule_on_the_parent_category_routes_its_subcategories(categories, departments):
    route = route_for(categories["rubbish"], grid_at("610722001001001"))
    assert (route.department, route.level) == (departments["urban"], "town")


def test_each_town_routes_disputes_to_its_own_justice_office(categories, departments):
    assert (
        route_for(categories["neighbours"], grid_at("610722001001001")).department
        == departments["justice_west"]
    )
    assert (
        route_for(categories["neighbours"], grid_at("610722002001001")).department
        == departments["justice_east"]
    )


def test_a_narrower_category_wins_at_the_same_region(categories, departments, county):
    RoutingRule.objects.create(
        category=categories["rubbish"],
        region=county,
        department=departments["housing"],
        level="county",
    )
    route = route_for(categories["rubbish"], grid_at("610722001001001"))
    assert (route.department, route.level) == (departments["housing"], "county")


def test_a_deeper_region_wins_over_a_narrower_category(categories, departments, county):
    RoutingRule.objects.create(
        category=categories["rubbish"],
        region=county,
        department=departments["housing"],
        level="county",
    )
    village = Region.objects.get(code="610722001001")
    RoutingRule.objects.create(
        category=categories["city"],
        region=village,
        department=departments["justice_west"],
        level="village",
    )
    assert (
        route_for(categories["rubbish"], grid_at("610722001001001")).department
        == departments["justice_west"]
    )
    # The village rule does not reach the neighbouring village.
    assert (
        route_for(categories["rubbish"], grid_at("610722001101001")).department
        == departments["housing"]
    )


def test_with_no_rule_the_case_goes_to_the_town_dispatcher_never_nowhere(categories):
    route = route_for(categories["policy"], grid_at("610722001001001"))
    assert (route.department, route.level, route.rule) == (None, "town", None)


def test_rules_for_an_inactive_department_are_skipped(categories, departments):
    departments["urban"].is_active = False
    departments["urban"].save()
    route = route_for(categories["rubbish"], grid_at("610722001001001"))
    assert (route.department, route.level) == (None, "town")


# --- scope -----------------------------------------------------------------------------------


@pytest.fixture
def west_case(people, categories):
    lon, lat = WEST_GRID
    return report_case(
        reporter=people["grid_worker"],
        category=categories["rubbish"],
        description="西镇垃圾",
        lon=lon,
        lat=lat,
    )


@pytest.fixture
def east_case(people, categories):
    lon, lat = EAST_GRID
    return report_case(
        reporter=people["county_operator"],
        category=categories["rubbish"],
        description="东镇垃圾",
        lon=lon,
        lat=lat,
        source="hotline",
    )


def visible(person) -> set[str]:
    return set(cases_visible_to(person).values_list("code", flat=True))


def test_a_town_operator_never_sees_another_towns_cases(people, west_case, east_case):
    assert visible(people["town_operator"]) == {west_case.code}
    assert visible(people["other_town_operator"]) == {east_case.code}
    with pytest.raises(Http404):
        get_case_for(people["other_town_operator"], west_case.code)


def test_a_department_never_sees_another_departments_cases(people, west_case):
    operator = people["town_operator"]
    take_action(west_case, operator, "accept")
    take_action(west_case, operator, "dispatch")
    assert visible(people["urban_handler"]) == {west_case.code}
    assert visible(people["housing_handler"]) == set()
    with pytest.raises(Http404):
        get_case_for(people["housing_handler"], west_case.code)


def test_a_grid_worker_sees_their_grid_and_what_they_reported(people, west_case, east_case):
    assert visible(people["grid_worker"]) == {west_case.code}
    assert visible(people["other_grid_worker"]) == set()


def test_the_county_and_its_leader_see_every_case(people, west_case, east_case):
    assert (
        visible(people["county_operator"])
        == visible(people["leader"])
        == {west_case.code, east_case.code}
    )


def test_each_queue_holds_what_waits_for_that_role(people, west_case, east_case):
    def queue(name):
        return set(cases_awaiting(people[name]).values_list("code", flat=True))

    assert queue("town_operator") == {west_case.code}
    assert queue("other_town_operator") == {east_case.code}
    assert queue("county_operator") == queue("village_operator") == queue("urban_handler") == set()
    take_action(west_case, people["town_operator"], "accept")
    take_action(west_case, people["town_operator"], "dispatch")
    assert queue("urban_handler") == {west_case.code}
    assert queue("town_operator") == set()
    take_action(west_case, people["urban_handler"], "start")
    take_action(west_case, people["urban_handler"], "feed_back", {"note": "已清理"})
    assert queue("grid_worker") == {west_case.code}
    assert queue("other_grid_worker") == set()
    assert queue("leader") == set()
