"""The county in every key, contract: (county_code, id) unique, the key of the city's copy."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("territory", "0002_region_county_code")]

    operations = [
        migrations.AddConstraint(
            model_name="region",
            constraint=models.UniqueConstraint(
                fields=("county_code", "id"), name="region_id_unique_in_county"
            ),
        ),
    ]
