"""Two counties and a city on three real PostgreSQL clusters (loopback ports), replicating as
docs/deploy.md says: every case and timeline row reaches the city, changes follow, no personal
column or value does, and no key collides. Slow (about two minutes): it runs with the PostgreSQL
pass of `make test`, where the server's cluster tools are at hand."""

import json
import time

import psycopg
import pytest
from django.db import connection

from rollup import localclusters
from rollup.localclusters import city_env, county_env, manage
from rollup.publication import TABLES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or localclusters.available() is not None,
        reason=f"needs PostgreSQL's cluster tools: {localclusters.available()}",
    ),
]

CITY_ROLE = "city_reader"
COUNTIES = {"610722": ("wg_county_a", 5461, "城固县"), "610723": ("wg_county_b", 5462, "洋县")}
# What the test's own reports carry in their personal fields: none of it may reach the city.
MARKERS = {
    "reporter_name": "卜某某",
    "reporter_phone": "13912345678",
    "description": "ROLLUP-SECRET-7f3a",
}

MOVE_CASES = """
import json
from cases.models import Case, Category, Status
from cases.services import report_case, take_action
from staff.models import User

worker = User.objects.get(username="grid_worker")
operator = User.objects.get(username="town_operator")
category = Category.objects.get(code="E0101")
reported = [
    report_case(
        reporter=worker, category=category, lon=worker.region.centroid_lon,
        lat=worker.region.centroid_lat, description="{description} %d" % number,
        reporter_name="{reporter_name}", reporter_phone="{reporter_phone}",
    )
    for number in range(3)
]
accepted = take_action(reported[0], operator, "accept", {{}})
print(json.dumps({{"reported": [case.code for case in reported], "accepted": accepted.code}}))
""".format(**MARKERS)

CITY_PAGE = """
from django.test import Client
from staff.models import Role, User

admin, _ = User.objects.get_or_create(username="city_admin", defaults={"role": Role.ADMIN})
client = Client(HTTP_HOST="localhost")
client.force_login(admin)
response = client.get("/rollup/", HTTP_ACCEPT_LANGUAGE="zh-hans")
assert response.status_code == 200, response.status_code
print(response.content.decode())
"""

# The command centre's figures per county, as the city's page exports them and as each county
# computes its own (over this year: the demo's cases fall in it).
CITY_FIGURES = """
import csv, io
from django.test import Client
from django.utils import timezone
from staff.models import Role, User

admin, _ = User.objects.get_or_create(username="city_admin", defaults={"role": Role.ADMIN})
client = Client(HTTP_HOST="localhost")
client.force_login(admin)
response = client.get(
    "/command/export.csv",
    {"table": "regions", "indicator": "reported", "period": str(timezone.localdate().year)},
)
assert response.status_code == 200, response.status_code
for row in list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]:
    print(row[0], row[2])
"""
COUNTY_FIGURE = """
from django.utils import timezone
from command.periods import parse_period
from command.selectors import figure, indicator_at
from territory.counties import instance_county

year = parse_period(str(timezone.localdate().year))
print(figure(indicator_at("reported"), instance_county(), year.start, year.end).display)
"""


@pytest.fixture(scope="module")
def clusters():
    made = {}
    try:
        for code, (name, port, _county_name) in COUNTIES.items():
            made[code] = localclusters.create(name, port)
        made["city"] = localclusters.create("wg_city", 5463)
        yield made
    finally:
        for cluster in made.values():
            localclusters.drop(cluster)


def rows(cluster, database: str, query: str, *params, user: str = "postgres") -> list[tuple]:
    with cluster.connect(database, user=user) as conn:
        return conn.execute(query, params).fetchall()


def wait_until(check, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the city did not catch up in time"
        time.sleep(0.2)


def test_two_counties_roll_up_into_the_city(clusters):
    city = clusters["city"]
    for code in COUNTIES:
        localclusters.set_up_county(clusters[code], code, cases=300, role=CITY_ROLE)
    localclusters.set_up_city(city)
    for code in COUNTIES:
        dsn = clusters[code].dsn("wangge", user=CITY_ROLE)
        manage("rollup_subscribe", "--county", code, "--dsn", dsn, env=city_env(city))
    localclusters.wait_for_initial_copy(city)

    # Changes after the copy: new reports and a step, in both counties.
    moved = {
        code: json.loads(
            manage("shell", "-v", "0", "-c", MOVE_CASES, env=county_env(clusters[code], code))
        )
        for code in COUNTIES
    }

    tables = [published.table for published in TABLES]

    def counts(cluster, database, code):
        return {
            table: rows(
                cluster, database, f"SELECT count(*) FROM {table} WHERE county_code = %s", code
            )[0][0]
            for table in tables
        }

    for code in COUNTIES:
        county = clusters[code]
        wait_until(
            lambda code=code, county=county: (
                counts(city, "rollup", code) == counts(county, "wangge", code)
            )
        )
        # The step taken after the copy arrived as an update.
        accepted = moved[code]["accepted"]
        wait_until(
            lambda code=code, accepted=accepted: (
                rows(
                    city,
                    "rollup",
                    "SELECT status FROM cases_case WHERE county_code = %s AND code = %s",
                    code,
                    accepted,
                )
                == [("accepted",)]
            )
        )
        # A sample compared field by field, on every published column.
        for published in TABLES:
            columns = ", ".join(published.columns())
            query = f"SELECT {columns} FROM {published.table} WHERE county_code = %s ORDER BY id LIMIT 25"
            assert rows(city, "rollup", query, code) == rows(county, "wangge", query, code), (
                published.table
            )

    # No key collides: both counties' first case is id 1, side by side at the city.
    firsts = rows(
        city, "rollup", "SELECT county_code FROM cases_case WHERE id = 1 ORDER BY county_code"
    )
    assert firsts == [("610722",), ("610723",)]

    # No personal column at the city, and the city's role cannot read one at a county.
    city_columns = {
        name
        for (name,) in rows(
            city,
            "rollup",
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases_case'",
        )
    }
    for personal in (
        "reporter_name",
        "reporter_phone",
        "reporter_id",
        "description",
        "address",
        "lon",
        "lat",
    ):
        assert personal not in city_columns
    county = clusters["610722"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        rows(county, "wangge", "SELECT reporter_phone FROM cases_case LIMIT 1", user=CITY_ROLE)
    assert rows(county, "wangge", "SELECT count(code) FROM cases_case", user=CITY_ROLE)[0][0] > 300

    # No personal value anywhere in the city's database.
    with city.connect("rollup") as conn:
        dump = "\n".join(
            str(row)
            for table in tables
            for row in conn.execute(f"SELECT * FROM {table}").fetchall()
        )
    for marker in MARKERS.values():
        assert marker not in dump

    # The city's page shows both counties, with the counties' own totals.
    page = manage("shell", "-v", "0", "-c", CITY_PAGE, env=city_env(city))
    for code, (_name, _port, county_name) in COUNTIES.items():
        assert county_name in page
        total = rows(clusters[code], "wangge", "SELECT count(*) FROM cases_case")[0][0]
        assert f'data-county="{code}"' in page
        assert str(total) in page

    # The city's command centre: each county's figure is the one the county computes itself.
    exported = manage("shell", "-v", "0", "-c", CITY_FIGURES, env=city_env(city))
    at_city = dict(line.split() for line in exported.splitlines() if line.strip())
    for code in COUNTIES:
        own = manage("shell", "-v", "0", "-c", COUNTY_FIGURE, env=county_env(clusters[code], code))
        assert at_city[code] == own.strip() != "0", code
