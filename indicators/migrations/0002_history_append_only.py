"""A report's history is append-only in the database itself, like the case timeline."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER indicators_history_no_update BEFORE UPDATE ON indicators_historyentry
       BEGIN SELECT RAISE(ABORT, 'history entries are append-only'); END""",
    """CREATE TRIGGER indicators_history_no_delete BEFORE DELETE ON indicators_historyentry
       BEGIN SELECT RAISE(ABORT, 'history entries are append-only'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER indicators_history_no_update",
    "DROP TRIGGER indicators_history_no_delete",
]

POSTGRESQL = [
    """CREATE FUNCTION indicators_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'history entries are append-only'; END $$""",
    """CREATE TRIGGER indicators_history_append_only BEFORE UPDATE OR DELETE
       ON indicators_historyentry FOR EACH ROW EXECUTE FUNCTION indicators_history_append_only()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER indicators_history_append_only ON indicators_historyentry",
    "DROP FUNCTION indicators_history_append_only()",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_figures")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
