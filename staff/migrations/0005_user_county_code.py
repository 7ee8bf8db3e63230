"""The county in every key, expand and backfill: a user takes the county of their region or
department (the instance's county for those with neither, the administrators)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import wangge.county
from wangge.county import county_code_default_in_state


def backfill(apps, schema_editor):
    User = apps.get_model("staff", "User")
    Region = apps.get_model("territory", "Region")
    Department = apps.get_model("staff", "Department")
    User.objects.filter(region__isnull=False).update(
        county_code=Subquery(Region.objects.filter(pk=OuterRef("region_id")).values("county_code"))
    )
    User.objects.filter(department__isnull=False).update(
        county_code=Subquery(
            Department.objects.filter(pk=OuterRef("department_id")).values("county_code")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0004_department_code_unique_per_county"),
        ("territory", "0002_region_county_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="county_code",
            field=models.CharField(
                default=wangge.county.instance_county_code,
                max_length=12,
                verbose_name="county code",
            ),
        ),
        county_code_default_in_state("department"),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
