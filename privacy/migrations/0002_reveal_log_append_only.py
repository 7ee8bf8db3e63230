"""The reveal log is append-only in the database itself, like the case timeline."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER reveallog_no_update BEFORE UPDATE ON privacy_reveallog
       BEGIN SELECT RAISE(ABORT, 'the reveal log is append-only'); END""",
    """CREATE TRIGGER reveallog_no_delete BEFORE DELETE ON privacy_reveallog
       BEGIN SELECT RAISE(ABORT, 'the reveal log is append-only'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER reveallog_no_update", "DROP TRIGGER reveallog_no_delete"]

POSTGRESQL = [
    """CREATE FUNCTION reveallog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the reveal log is append-only'; END $$""",
    """CREATE TRIGGER reveallog_append_only BEFORE UPDATE OR DELETE ON privacy_reveallog
       FOR EACH ROW EXECUTE FUNCTION reveallog_append_only()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER reveallog_append_only ON privacy_reveallog",
    "DROP FUNCTION reveallog_append_only()",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_reveal_log")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
