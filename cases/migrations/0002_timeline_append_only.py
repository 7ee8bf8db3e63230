"""The timeline is append-only in the database itself, not just in the model's save()."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER timeline_no_update BEFORE UPDATE ON cases_timelineentry
       BEGIN SELECT RAISE(ABORT, 'timeline entries are append-only'); END""",
    """CREATE TRIGGER timeline_no_delete BEFORE DELETE ON cases_timelineentry
       BEGIN SELECT RAISE(ABORT, 'timeline entries are append-only'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER timeline_no_update", "DROP TRIGGER timeline_no_delete"]

POSTGRESQL = [
    """CREATE FUNCTION timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'timeline entries are append-only'; END $$""",
    """CREATE TRIGGER timeline_append_only BEFORE UPDATE OR DELETE ON cases_timelineentry
       FOR EACH ROW EXECUTE FUNCTION timeline_append_only()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER timeline_append_only ON cases_timelineentry",
    "DROP FUNCTION timeline_append_only()",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_case_loop")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
