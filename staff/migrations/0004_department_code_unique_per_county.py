"""Department codes become unique per county, not database-wide: every county has its own `cgj`.

Expand, then contract, in one transaction: the new (county_code, code) constraint is added while
the old one still holds, so on a populated database (county_code has been filled since 0001) it
cannot fail, and no moment exists without a uniqueness rule; then the database-wide unique on
code is dropped. Lookups by code now filter by the county, which the composite index serves.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0003_role_has_no_default"),
        ("territory", "0001_region_tree"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="department",
            constraint=models.UniqueConstraint(
                fields=("county_code", "code"), name="staff_department_code_unique_per_county"
            ),
        ),
        migrations.AlterField(
            model_name="department",
            name="code",
            field=models.CharField(max_length=32, verbose_name="code"),
        ),
    ]
