"""Demo staff for this instance's county: every grid covered, one centre per region, one handler per department.

Names and phone numbers are invented (and obviously so: phones start with 100). All demo users
share one password, hashed once: hashing 2,000 passwords one by one would take minutes.
"""

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from territory.counties import instance_county
from territory.models import Level, Region

from .models import Department, Role, User
from .services import town_department_code

DEMO_PASSWORD = "wangge2026"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰志强春梅海燕红梅丹萍小红文军晓东建平"


def seat_town(county: Region) -> Region:
    """The town of the county seat, home of the fixed demo logins: the statistics bureau numbers
    the sub-district of the seat first (城固 博望街道 610722001, 洋县 洋州街道 610723001)."""
    return Region.objects.filter(parent=county, level=Level.TOWN).order_by("code").first()


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return "100" + "".join(rng.choice("0123456789") for _ in range(8))


@transaction.atomic
def create_demo_staff(total_grid_staff: int = 2026, seed: int | None = None) -> dict[str, User]:
    """Grid workers for every grid and informants for the rest; operators; handlers; a leader —
    all of this instance's county (the seed defaults to its code: 610722 for Chenggu)."""
    county = instance_county()
    rng = random.Random(int(county.code) if seed is None else seed)
    password = make_password(DEMO_PASSWORD)
    existing = set(User.objects.values_list("username", flat=True))
    users: list[User] = []

    def add(username: str, role: str, **fields) -> None:
        if username not in existing:
            users.append(
                User(
                    username=username,
                    password=password,
                    role=role,
                    county_code=county.code,
                    full_name=_name(rng),
                    phone=_phone(rng),
                    **fields,
                )
            )

    grids = list(Region.objects.grids().subtree(county).order_by("code"))
    for grid in grids:
        add(f"gw{grid.code}", Role.GRID_WORKER, region=grid)
    # Informants go to the grids with most households, one each, until the total is reached
    # (counting the two named demo logins, a grid worker and an informant, among them).
    busiest = sorted(grids, key=lambda grid: (-(grid.households or 0), grid.code))
    for grid in busiest[: max(0, total_grid_staff - len(grids) - 2)]:
        add(f"xx{grid.code}", Role.INFORMANT, region=grid)
    centres = Region.objects.subtree(county).filter(
        level__in=[Level.COUNTY, Level.TOWN, Level.VILLAGE]
    )
    for centre in centres:
        add(f"op{centre.code}", Role.OPERATOR, region=centre)
    for department in Department.objects.filter(county_code=county.code):
        add(f"hd-{department.code}", Role.HANDLER, department=department)
    User.objects.bulk_create(users, batch_size=500)
    return create_demo_logins(password)


def create_demo_logins(password: str) -> dict[str, User]:
    """The named logins a newcomer tries first, one per role."""
    county = instance_county()
    town = seat_town(county)
    village = Region.objects.filter(parent=town).order_by("code").first()
    grid = Region.objects.filter(parent=village).order_by("code").first()
    logins = {
        "grid_worker": {"role": Role.GRID_WORKER, "region": grid, "full_name": "网格员（演示）"},
        "informant": {"role": Role.INFORMANT, "region": grid, "full_name": "信息员（演示）"},
        "village_operator": {
            "role": Role.OPERATOR,
            "region": village,
            "full_name": "村（社区）中心（演示）",
        },
        "town_operator": {
            "role": Role.OPERATOR,
            "region": town,
            "full_name": "镇（街道）中心（演示）",
        },
        "county_operator": {"role": Role.OPERATOR, "region": county, "full_name": "县中心（演示）"},
        "handler": {
            "role": Role.HANDLER,
            "department": Department.objects.get(county_code=county.code, code="cgj"),
            "full_name": "城管局处置人员（演示）",
        },
        # The seat town's judicial office (司法所): it mediates the demo's disputes.
        "mediator": {
            "role": Role.HANDLER,
            "department": Department.objects.filter(
                county_code=county.code, code=town_department_code("sfs", town)
            ).first(),
            "full_name": "司法所调解员（演示）",
        },
        # The seat town's convenience service centre (便民服务中心): it handles the demo's
        # applications, 高龄津贴 among them.
        "service_window": {
            "role": Role.HANDLER,
            "department": Department.objects.filter(
                county_code=county.code, code=town_department_code("bmfw", town)
            ).first(),
            "full_name": "便民服务中心窗口（演示）",
        },
        # A counsellor of the county's social-psychological service (named in services).
        "counsellor": {
            "role": Role.HANDLER,
            "department": Department.objects.filter(county_code=county.code, code="wjj").first(),
            "full_name": "心理咨询师（演示）",
        },
        "leader": {"role": Role.LEADER, "region": county, "full_name": "县领导（演示）"},
        "admin": {
            "role": Role.ADMIN,
            "is_staff": True,
            "is_superuser": True,
            "full_name": "系统管理员（演示）",
        },
    }
    users = {}
    for username, fields in logins.items():
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={"password": password, "county_code": county.code, **fields},
        )
        users[username] = user
    return users
