"""The county in every key, contract: (county_code, id) unique for departments and users."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("staff", "0005_user_county_code")]

    operations = [
        migrations.AddConstraint(
            model_name="department",
            constraint=models.UniqueConstraint(
                fields=("county_code", "id"), name="department_id_unique_in_county"
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=("county_code", "id"), name="user_id_unique_in_county"
            ),
        ),
    ]
