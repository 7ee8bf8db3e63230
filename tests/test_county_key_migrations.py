"""The county-key migrations on a populated database holding two counties: each row gets its own
county's code (from its region, department or case), not the instance's, and the keys then hold."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("territory", "0001_region_tree"),
    ("staff", "0004_department_code_unique_per_county"),
    ("cases", "0006_retention_fields"),
]
AFTER = [
    ("territory", "0003_region_id_unique_in_county"),
    ("staff", "0006_ids_unique_in_county"),
    ("cases", "0008_ids_unique_in_county"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """The tests after these find the schema of every migration, not only of AFTER's."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def tree(apps, county_code: str):
    Region = apps.get_model("territory", "Region")
    county = Region.objects.create(
        code=county_code, name=county_code, level="county", path=f"{county_code}/"
    )
    town = Region.objects.create(
        code=f"{county_code}001",
        name="town",
        level="town",
        parent=county,
        path=f"{county.path}{county_code}001/",
    )
    village = Region.objects.create(
        code=f"{county_code}001001",
        name="village",
        level="village",
        parent=town,
        path=f"{town.path}{county_code}001001/",
    )
    grid = Region.objects.create(
        code=f"{county_code}001001001",
        name="grid",
        level="grid",
        parent=village,
        path=f"{village.path}{county_code}001001001/",
    )
    return town, grid


@pytest.mark.django_db(transaction=True)
def test_two_counties_are_backfilled_each_with_its_own_code():
    old = migrate(BEFORE)
    Department = old.get_model("staff", "Department")
    User = old.get_model("staff", "User")
    Category = old.get_model("cases", "Category")
    RoutingRule = old.get_model("cases", "RoutingRule")
    Case = old.get_model("cases", "Case")
    CasePhoto = old.get_model("cases", "CasePhoto")
    category = Category.objects.create(code="E0101", name="暴露垃圾", kind="event")
    for county_code in ("610722", "610723"):  # the instance is 610722; 610723 shares its database
        town, grid = tree(old, county_code)
        department = Department.objects.create(
            county_code=county_code, code="cgj", name="城管局", region=town
        )
        User.objects.create(username=f"op{county_code}", role="operator", region=town)
        User.objects.create(username=f"hd{county_code}", role="handler", department=department)
        RoutingRule.objects.create(
            category=category, region=town, department=department, level="town"
        )
        case = Case.objects.create(
            county_code=county_code, code="2612010001", kind="event", category=category, description="x",
            lon=107.3, lat=33.2, grid=grid, village=grid.parent, town=town, source="grid_worker",
            level="town", reported_at="2026-12-01T08:00:00Z", accept_deadline="2026-12-01T10:00:00Z",
        )  # fmt: skip
        CasePhoto.objects.create(case=case, image=f"cases/{county_code}/x.jpg")

    new = migrate(AFTER)

    def county_codes(app_label, model):
        rows = new.get_model(app_label, model).objects.values_list("county_code", flat=True)
        return sorted(set(rows))

    Region = new.get_model("territory", "Region")
    assert Region.objects.get(code="610723001001001").county_code == "610723"
    assert Region.objects.get(code="610722001").county_code == "610722"
    User = new.get_model("staff", "User")
    assert User.objects.get(username="op610723").county_code == "610723"
    assert User.objects.get(username="hd610723").county_code == "610723"
    for app_label, model in (
        ("cases", "RoutingRule"),
        ("cases", "CasePhoto"),
        ("territory", "Region"),
    ):
        assert county_codes(app_label, model) == ["610722", "610723"], model
    assert county_codes("cases", "Category") == ["610722"]  # the instance's reference list

    # The new key holds: (county_code, id) cannot repeat.
    Case = new.get_model("cases", "Case")
    case = Case.objects.filter(county_code="610723").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(
            id=Case.objects.filter(county_code="610722").first().pk
        )
    # ... and on SQLite the timeline, rebuilt to take its constraint, kept its append-only triggers.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases_timelineentry'"
            )
            assert {name for (name,) in cursor.fetchall()} == {
                "timeline_no_update",
                "timeline_no_delete",
            }
