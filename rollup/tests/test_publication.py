"""What a county publishes for the city: the non-personal columns only, and the city's role can
read exactly those (PostgreSQL; the roll-up does not exist on SQLite)."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from privacy.registry import PERSONAL_FIELDS
from rollup.publication import TABLES

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="logical replication is PostgreSQL's"
)


def test_no_personal_field_is_published(db):
    """Every personal field of the registry stays in the county (a model named there)."""
    published = {table.model: table.columns() for table in TABLES}
    for personal in PERSONAL_FIELDS:
        for column in personal.field.split("/"):
            assert column not in published.get(personal.model, []), personal.key


@pytest.fixture
def city_role(db):
    role = f"rollup_city_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN REPLICATION')
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def published_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attnames FROM pg_publication_tables WHERE pubname LIKE 'county_%%' "
            "AND tablename = %s",
            [table],
        )
        return {name for (names,) in cursor.fetchall() for name in names}


def may_read(role: str, table: str, column: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_column_privilege(%s, %s, %s, 'SELECT')", [role, table, column])
        return cursor.fetchone()[0]


@on_postgresql
def test_the_publication_carries_and_grants_exactly_the_non_personal_columns(city_role):
    for run in range(2):  # a second run brings the same publications up to date
        call_command("rollup_publish", role=city_role, stdout=io.StringIO())
        assert published_columns("cases_case") >= {"county_code", "code", "status", "grid_id"}
        for personal in ("reporter_name", "reporter_phone", "description", "lon", "lat"):
            assert personal not in published_columns("cases_case"), run
            assert not may_read(city_role, "cases_case", personal)
        assert may_read(city_role, "cases_case", "status")
        assert "note" not in published_columns("cases_timelineentry")
        assert not may_read(city_role, "cases_timelineentry", "note")
        assert not may_read(city_role, "staff_department", "email")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pubname, pubinsert, pubupdate FROM pg_publication ORDER BY 1")
        assert cursor.fetchall() == [
            ("county_610722", True, True),
            ("county_610722_inserts", True, False),
        ]
