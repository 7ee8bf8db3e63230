import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [("cases", "0005_case_kinds")]

    operations = [
        migrations.CreateModel(
            name="NoiseDetail",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
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
        ),
    ]
