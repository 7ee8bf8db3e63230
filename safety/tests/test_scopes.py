"""Who may open a unit and who may inspect it: the list and the check of one unit agree, pages
answer 404 outside a user's reach and 403 to those who may read but not inspect, and the service
refuses whoever calls it."""

import pytest

from cases.errors import CaseError, InputError
from safety.models import Inspection
from safety.selectors import may_inspect, may_see_unit, units_visible_to
from safety.services import record_inspection, register_unit

from .conftest import IN_EAST_TOWN, MORNING, add_unit, answers

pytestmark = pytest.mark.django_db

# For the school in the first grid of the west town: the inspect page's answer to each.
INSPECT_PAGE = {
    "grid_worker": 200,  # its grid's worker
    "village_operator": 200,  # the centres over its place
    "town_operator": 200,
    "county_operator": 200,
    "education_handler": 200,  # the department its hazards go to
    "informant": 403,  # reads its grid's units, reports on the report form
    "leader": 403,  # reads
    "admin": 403,  # configures
    "other_grid_worker": 404,  # the next grid
    "other_town_operator": 404,
    "urban_handler": 404,  # 城管 receives no hazard of a school
    "police_handler": 404,  # the west police station: banks and rented rooms, not schools
}


@pytest.fixture
def units(staff, sectors, school):
    bank = add_unit(staff, sectors, "东镇信用社（示例）", "financial_outlet", IN_EAST_TOWN)
    rooms = add_unit(staff, sectors, "西镇北村12号出租房屋（示例）", "rental_housing")
    return {"school": school, "bank": bank, "rooms": rooms}


def test_the_inspect_page_answers_each_role_as_the_rule_says(client, staff, units):
    url = f"/safety/units/{units['school'].pk}/inspect/"
    for name, status in INSPECT_PAGE.items():
        client.force_login(staff[name])
        assert client.get(url).status_code == status, name
        unit_page = client.get(f"/safety/units/{units['school'].pk}/").status_code
        assert unit_page == (404 if status == 404 else 200), name


def test_the_list_and_the_check_of_one_unit_agree_for_every_user(staff, units):
    for name, user in staff.items():
        listed = set(units_visible_to(user))
        for unit in units.values():
            assert (unit in listed) == may_see_unit(user, unit), (name, unit.name)
    assert set(units_visible_to(staff["police_handler"])) == {units["rooms"]}  # west town's
    assert set(units_visible_to(staff["other_town_operator"])) == {units["bank"]}
    assert set(units_visible_to(staff["grid_worker"])) == {units["school"], units["rooms"]}


def test_the_service_refuses_those_the_page_refuses(staff, units):
    school = units["school"]
    for name, status in INSPECT_PAGE.items():
        assert may_inspect(staff[name], school) == (status == 200), name
    with pytest.raises(CaseError):
        record_inspection(school, staff["leader"], answers(school), at=MORNING)
    with pytest.raises(CaseError):
        record_inspection(school, staff["other_grid_worker"], answers(school), at=MORNING)
    assert not Inspection.objects.exists()


def test_a_retired_unit_is_inspected_by_no_one(staff, units):
    school = units["school"]
    school.is_active = False
    school.save()
    assert not may_inspect(staff["grid_worker"], school)


def test_only_operators_register_units_and_only_in_their_area(staff, sectors):
    lon, lat = IN_EAST_TOWN
    with pytest.raises(CaseError):
        register_unit(staff["grid_worker"], name="某商店", sector=sectors["market"], lon=lon, lat=lat)  # fmt: skip
    with pytest.raises(InputError) as refused:
        register_unit(staff["town_operator"], name="东镇农贸市场", sector=sectors["market"], lon=lon, lat=lat)  # fmt: skip
    assert "lon" in refused.value.errors
    market = register_unit(
        staff["other_town_operator"],
        name="东镇农贸市场",
        sector=sectors["market"],
        lon=lon,
        lat=lat,
    )
    assert (market.grid.code, market.town.code) == ("610722002001001", "610722002")
    with pytest.raises(InputError) as refused:  # once per grid
        register_unit(staff["county_operator"], name="东镇农贸市场", sector=sectors["market"], lon=lon, lat=lat)  # fmt: skip
    assert "name" in refused.value.errors


def test_the_register_page_is_for_operators(client, staff, sectors):
    for name, status in (("county_operator", 200), ("grid_worker", 403), ("leader", 403)):
        client.force_login(staff[name])
        assert client.get("/safety/units/new/").status_code == status, name
