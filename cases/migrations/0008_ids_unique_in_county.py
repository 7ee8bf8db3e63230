"""The county in every key, contract: (county_code, id) unique, the key of the city's copy and
the replica identity a county publishes (rollup.publication)."""

import importlib

from django.db import migrations, models


def unique_in_county(model):
    return migrations.AddConstraint(
        model_name=model,
        constraint=models.UniqueConstraint(
            fields=("county_code", "id"), name=f"{model}_id_unique_in_county"
        ),
    )


def restore_sqlite_triggers(apps, schema_editor):
    """SQLite adds a constraint by rebuilding the table, which drops its triggers: the timeline's
    append-only triggers (0002) are put back."""
    if schema_editor.connection.vendor == "sqlite":
        append_only = importlib.import_module("cases.migrations.0002_timeline_append_only")
        for statement in append_only.SQLITE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_county_code_everywhere")]

    operations = [
        unique_in_county("case"),
        unique_in_county("casephoto"),
        unique_in_county("category"),
        unique_in_county("routingrule"),
        unique_in_county("timelineentry"),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
