"""A note for the public on a timeline entry (workflow.PUBLIC_NOTE)."""

import importlib

from django.db import migrations, models

# SQLite adds the column by rebuilding the table, which drops the timeline's append-only
# triggers: they are put back as 0008 puts them back.
ids_unique = importlib.import_module("cases.migrations.0008_ids_unique_in_county")


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_duplicate_reach")]

    operations = [
        migrations.AddField(
            model_name="timelineentry",
            name="public_note",
            field=models.TextField(
                blank=True, default="", db_default="", verbose_name="note for the public"
            ),
        ),
        migrations.RunPython(ids_unique.restore_sqlite_triggers, migrations.RunPython.noop),
    ]
