"""The county's first types of publicity and measures (surveys/data.py); edited in the admin."""

from django.conf import settings
from django.db import migrations

from surveys.data import ACTIVITY_TYPES, MEASURES


def install(apps, schema_editor):
    ActivityType = apps.get_model("surveys", "ActivityType")
    Measure = apps.get_model("surveys", "Measure")
    county = settings.COUNTY_CODE
    for order, (code, name) in enumerate(ACTIVITY_TYPES, start=1):
        ActivityType.objects.get_or_create(
            county_code=county, code=code, defaults={"name": name, "order": order * 10}
        )
    for order, (code, name, kind) in enumerate(MEASURES, start=1):
        Measure.objects.get_or_create(
            county_code=county,
            code=code,
            defaults={"name": name, "kind": kind, "order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_surveys")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
