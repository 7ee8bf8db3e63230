"""The county in every key, expand and backfill: photos take their case's county, routing rules
their region's; categories are the instance's list (reference data, one per database)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import wangge.county
from wangge.county import county_code_default_in_state


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CasePhoto = apps.get_model("cases", "CasePhoto")
    RoutingRule = apps.get_model("cases", "RoutingRule")
    Region = apps.get_model("territory", "Region")
    CasePhoto.objects.update(
        county_code=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("county_code"))
    )
    RoutingRule.objects.update(
        county_code=Subquery(Region.objects.filter(pk=OuterRef("region_id")).values("county_code"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_retention_fields"),
        ("territory", "0002_region_county_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="casephoto",
            name="county_code",
            field=models.CharField(
                default=wangge.county.instance_county_code,
                max_length=12,
                verbose_name="county code",
            ),
        ),
        migrations.AddField(
            model_name="category",
            name="county_code",
            field=models.CharField(
                default=wangge.county.instance_county_code,
                max_length=12,
                verbose_name="county code",
            ),
        ),
        migrations.AddField(
            model_name="routingrule",
            name="county_code",
            field=models.CharField(
                default=wangge.county.instance_county_code,
                max_length=12,
                verbose_name="county code",
            ),
        ),
        county_code_default_in_state("case", "timelineentry"),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
