from decimal import Decimal

import pytest

from conftest import make_user
from indicators.install import install_data_sets
from indicators.models import DataSet
from staff.models import Department, Role

#: The 城固县 article's 扫黑除恶 figures.
ARTICLE = {
    "sh_black_orgs": 2,
    "sh_evil_groups": 3,
    "sh_evil_gangs": 1,
    "sh_cases": 129,
    "sh_detained": 294,
    "sh_arrested": 206,
    "sh_prosecuted": 231,
    "sh_assets_seized": Decimal("4302.22"),
    "sh_assets_judged": Decimal("227.1"),
    "sh_corruption_cases": 24,
    "sh_officials_handled": 33,
    "sh_disciplined": 33,
    "sh_referred": 6,
    "sh_umbrella_cases": 3,
    "sh_umbrella_people": 6,
}
GRID_FIGURES = {
    "grid_households": 400,
    "grid_population": 1150,
    "grid_units": 9,
    "grid_elderly_alone": 14,
    "grid_left_behind_children": 20,
    "grid_disabled": 70,
    "grid_subsistence_households": 12,
}


def values(figures: dict) -> dict[str, Decimal]:
    return {code: Decimal(str(value)) for code, value in figures.items()}


@pytest.fixture
def sets(people, county) -> dict[str, DataSet]:
    return {data_set.code: data_set for data_set in install_data_sets("610722")}


@pytest.fixture
def police(people, county):
    """The county public security bureau (县公安局), the 扫黑除恶 data set's office, and its clerk."""
    office = Department.objects.create(code="gaj", name="县公安局", region=county)
    return make_user("police_clerk", Role.HANDLER, department=office)
