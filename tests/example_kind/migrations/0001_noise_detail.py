import django.db.models.deletion
from django.db import migrations, models

import wangge.county


class Migration(migrations.Migration):
    initial = True
    dependencies = [("cases", "0005_case_kinds")]

    operations = [
        migrations.CreateModel(
            name="NoiseDetail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "county_code",
                    models.CharField(
                        default=wangge.county.instance_county_code,
                        max_length=12,
                        verbose_name="county code",
                    ),
                ),
                ("decibels", models.PositiveSmallIntegerField(verbose_name="measured dB(A)")),
                (
                    "at_night",
                    models.BooleanField(default=False, verbose_name="at night (22:00–06:00)"),
                ),
                ("outcome", models.CharField(blank=True, max_length=200, verbose_name="outcome")),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="noise",
                        to="cases.case",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("county_code", "id"), name="noisedetail_id_unique_in_county"
                    )
                ],
            },
        ),
    ]
