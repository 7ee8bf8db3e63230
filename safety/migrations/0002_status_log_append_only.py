"""A unit's status log is append-only in the database itself, like the case timeline."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER safety_statuschange_no_update BEFORE UPDATE ON safety_statuschange
       BEGIN SELECT RAISE(ABORT, 'status changes are append-only'); END""",
    """CREATE TRIGGER safety_statuschange_no_delete BEFORE DELETE ON safety_statuschange
       BEGIN SELECT RAISE(ABORT, 'status changes are append-only'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER safety_statuschange_no_update",
    "DROP TRIGGER safety_statuschange_no_delete",
]

POSTGRESQL = [
    """CREATE FUNCTION safety_statuschange_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'status changes are append-only'; END $$""",
    """CREATE TRIGGER safety_statuschange_append_only BEFORE UPDATE OR DELETE
       ON safety_statuschange FOR EACH ROW EXECUTE FUNCTION safety_statuschange_append_only()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER safety_statuschange_append_only ON safety_statuschange",
    "DROP FUNCTION safety_statuschange_append_only()",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_safety")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
