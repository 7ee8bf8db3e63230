"""The county in every key, expand and backfill: each region gets its county's code, read from its
path (its first code), so a database that holds several counties fills each right."""

from django.db import migrations, models

import wangge.county


def backfill(apps, schema_editor):
    Region = apps.get_model("territory", "Region")
    for county in Region.objects.filter(level="county"):
        Region.objects.filter(path__startswith=county.path).update(county_code=county.code)


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_region_tree")]

    operations = [
        migrations.AddField(
            model_name="region",
            name="county_code",
            field=models.CharField(
                default=wangge.county.instance_county_code,
                max_length=12,
                verbose_name="county code",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
