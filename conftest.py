"""A small county for tests: 2 towns × 2 villages × 2 square grids, and one named user per role.

       107.0      107.1      107.2      107.3      107.4
33.2   +----------+----------+----------+----------+
       | G 001001 | G 001002 | G 002001 | G 002002 |   north villages
33.1   +----------+----------+----------+----------+
       | G 001101 | G 001102 | G 002101 | G 002102 |   south villages
33.0   +----------+----------+----------+----------+
         town 610722001 (west)    town 610722002 (east)
"""

import functools

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import translation

from cases.catalogue import forget_catalogue
from cases.models import Category, CategoryField, FieldType, Kind, RoutingRule
from cases.selectors import forget_routes
from staff.models import Department, Role, User
from territory.models import Region
from territory.services import import_divisions, import_grids, set_boundary

TOWNS = {"610722001": ("西镇", 107.0), "610722002": ("东镇", 107.2)}
VILLAGES = {"001": ("北村", 33.1), "101": ("南村", 33.0)}


@pytest.fixture(autouse=True)
def fresh_catalogue():
    """Each test starts without the process's copy of the categories and routing rules: a
    rolled-back test's must not linger in them (their ids are given again)."""
    forget_catalogue()
    forget_routes()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request in English leaves English active in
    the thread (LocaleMiddleware), and a later test would say its messages in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def square(west: float, south: float, size: float = 0.1) -> dict:
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def small_county_csv() -> str:
    lines = ["code,name,level,parent_code", "610722,城固县,county,6107"]
    for town_code, (town_name, _west) in TOWNS.items():
        lines.append(f"{town_code},{town_name},town,610722")
        for serial, (village_name, _south) in VILLAGES.items():
            lines.append(f"{town_code}{serial},{town_name}{village_name},village,{town_code}")
    return "\n".join(lines) + "\n"


def small_county_grids() -> dict:
    features = []
    for town_code, (town_name, west) in TOWNS.items():
        for serial, (village_name, south) in VILLAGES.items():
            village_code = f"{town_code}{serial}"
            for number in (1, 2):
                features.append(
                    {
                        "type": "Feature",
                        "properties": {
                            "code": f"{village_code}00{number}",
                            "name": f"{town_name}{village_name}第{number}网格",
                            "village_code": village_code,
                            "households": 400,
                            "synthetic": True,
                        },
                        "geometry": square(west + 0.1 * (number - 1), south),
                    }
                )
    return {"type": "FeatureCollection", "features": features}


@pytest.fixture
def county(db):
    import_divisions(small_county_csv())
    outline = [[107.0, 33.0], [107.4, 33.0], [107.4, 33.2], [107.0, 33.2], [107.0, 33.0]]
    set_boundary("610722", {"type": "Polygon", "coordinates": [outline]})
    import_grids(small_county_grids())
    return Region.objects.get(code="610722")


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def departments(county):
    west = region("610722001")
    return {
        "urban": Department.objects.create(code="cgj", name="城管局", region=county),
        "housing": Department.objects.create(code="zjj", name="住建局", region=county),
        "justice_west": Department.objects.create(
            code="sfs-610722001", name="西镇司法所", region=west
        ),
        "justice_east": Department.objects.create(
            code="sfs-610722002", name="东镇司法所", region=region("610722002")
        ),
    }


@pytest.fixture
def categories(county, departments):
    """Rubbish goes to 城管 county-wide; disputes to each town's justice office at village level."""
    city = Category.objects.create(code="E01", name="市容环境", kind=Kind.EVENT)
    rubbish = Category.objects.create(
        code="E0101",
        name="暴露垃圾",
        kind=Kind.EVENT,
        parent=city,
        accept_limit=1,
        accept_unit="hours",
        handle_limit=4,
        handle_unit="hours",
    )
    disputes = Category.objects.create(code="G01", name="矛盾纠纷", kind=Kind.GOVERNANCE)
    neighbours = Category.objects.create(
        code="G0101",
        name="邻里纠纷",
        kind=Kind.GOVERNANCE,
        parent=disputes,
        handle_limit=10,
        handle_unit="days",
    )
    advice = Category.objects.create(code="G05", name="政策咨询", kind=Kind.GOVERNANCE)
    policy = Category.objects.create(
        code="G0501", name="政策咨询", kind=Kind.GOVERNANCE, parent=advice
    )
    RoutingRule.objects.create(
        category=city, region=county, department=departments["urban"], level="town"
    )
    for town, office in (("610722001", "justice_west"), ("610722002", "justice_east")):
        RoutingRule.objects.create(
            category=disputes, region=region(town), department=departments[office], level="village"
        )
    return {
        "rubbish": rubbish,
        "neighbours": neighbours,
        "policy": policy,
        "city": city,
        "disputes": disputes,
    }


@pytest.fixture
def rubbish_questions(categories):
    """暴露垃圾 asks one question of every datatype; only the volume must be answered."""
    rubbish = categories["rubbish"]
    for order, (code, label, datatype, required, choices) in enumerate(
        (
            ("volume", "估计数量（立方米）", FieldType.NUMBER, True, ""),
            ("spot", "具体位置", FieldType.STRING, False, ""),
            ("smell", "气味描述", FieldType.TEXT, False, ""),
            ("seen_at", "发现时间", FieldType.DATETIME, False, ""),
            (
                "kind",
                "垃圾种类",
                FieldType.SINGLE,
                False,
                "household|生活垃圾|Household\nbuilding|建筑垃圾|Building",
            ),
            (
                "near",
                "周边",
                FieldType.MULTI,
                False,
                "school|学校|School\nriver|河道|River\nmarket|市场|Market",
            ),
        ),
        start=1,
    ):
        CategoryField.objects.create(
            category=rubbish,
            code=code,
            label=label,
            label_en=code.replace("_", " ").capitalize(),
            datatype=datatype,
            required=required,
            choices=choices,
            order=order,
        )
    return rubbish


PASSWORD = "wangge-test-pass"


@functools.cache
def password_hash() -> str:
    """Hashed once: the real hasher takes a fifth of a second, a dozen users per test add up."""
    return make_password(PASSWORD)


def make_user(username: str, role: str, *, region_code: str | None = None, department=None) -> User:
    user = User(
        username=username,
        full_name=username,
        role=role,
        region=Region.objects.get(code=region_code) if region_code else None,
        department=department,
    )
    user.password = password_hash()
    user.full_clean()
    user.save()
    return user


@pytest.fixture
def people(categories, departments):
    """One named person per role, as in the demo: tests read like stories."""
    return {
        "grid_worker": make_user("grid_worker", Role.GRID_WORKER, region_code="610722001001001"),
        "other_grid_worker": make_user(
            "other_grid_worker", Role.GRID_WORKER, region_code="610722001001002"
        ),
        "informant": make_user("informant", Role.INFORMANT, region_code="610722001001001"),
        "village_operator": make_user(
            "village_operator", Role.OPERATOR, region_code="610722001001"
        ),
        "town_operator": make_user("town_operator", Role.OPERATOR, region_code="610722001"),
        "other_town_operator": make_user(
            "other_town_operator", Role.OPERATOR, region_code="610722002"
        ),
        "county_operator": make_user("county_operator", Role.OPERATOR, region_code="610722"),
        "urban_handler": make_user("urban_handler", Role.HANDLER, department=departments["urban"]),
        "housing_handler": make_user(
            "housing_handler", Role.HANDLER, department=departments["housing"]
        ),
        "justice_handler": make_user(
            "justice_handler", Role.HANDLER, department=departments["justice_west"]
        ),
        "leader": make_user("leader", Role.LEADER, region_code="610722"),
        "admin": make_user("admin", Role.ADMIN),
    }


# A point in grid 610722001001001 (west town, north village, first grid).
IN_FIRST_GRID = (107.05, 33.15)


@pytest.fixture
def shipped(county, departments, categories):
    """The shipped departments and every kind's categories, over the small county."""
    from pathlib import Path

    from cases.services import install_kind_categories
    from staff.services import install_departments

    root = Path(__file__).resolve().parent
    install_departments((root / "staff" / "data" / "departments.csv").read_text(encoding="utf-8"))
    install_kind_categories()
    forget_catalogue()


def handled_case(people, description: str = "垃圾堆积"):
    """A street problem reported by the grid worker, handled by the urban department and waiting
    for the grid worker's verification (核查). Needs the `rubbish_questions` fixture."""
    from cases.services import report_case, take_action

    lon, lat = IN_FIRST_GRID
    case = report_case(
        reporter=people["grid_worker"],
        category=Category.objects.get(code="E0101"),
        description=description,
        lon=lon,
        lat=lat,
        attributes={"volume": 2},
    )
    for user, action, inputs in (
        (people["town_operator"], "accept", {}),
        (people["town_operator"], "dispatch", {}),
        (people["urban_handler"], "start", {}),
        (people["urban_handler"], "feed_back", {"note": "已清运"}),
    ):
        case = take_action(case, user, action, inputs)
    return case
