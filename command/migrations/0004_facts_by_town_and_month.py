"""The facts by month, town, category and department, filled from the daily facts already kept
(a county upgrading keeps its figures without a rebuild)."""

from django.db import migrations, models

import wangge.county


def fill_from_the_daily_facts(apps, schema_editor):
    connection = schema_editor.connection
    month = (
        "CAST(date_trunc('month', fact.day) AS date)"
        if connection.vendor == "postgresql"
        else "substr(fact.day, 1, 8) || '01'"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO command_townmonthfact (county_code, month, town_id, category_id, "
            "department_id, step, bucket, count, hours) "
            f"SELECT fact.county_code, {month}, village.parent_id, fact.category_id, "
            "fact.department_id, fact.step, fact.bucket, SUM(fact.count), SUM(fact.hours) "
            "FROM command_fact fact "
            "JOIN territory_region grid ON grid.id = fact.grid_id "
            "JOIN territory_region village ON village.id = grid.parent_id "
            "GROUP BY 1, 2, 3, 4, 5, 6, 7"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("command", "0003_score_components"),
        ("territory", "0001_region_tree"),
    ]

    operations = [
        migrations.CreateModel(
            name="TownMonthFact",
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
                ("month", models.DateField(help_text="Its first day.", verbose_name="month")),
                ("town_id", models.BigIntegerField(verbose_name="town")),
                ("category_id", models.BigIntegerField(verbose_name="category")),
                ("department_id", models.BigIntegerField(default=0, verbose_name="department")),
                (
                    "step",
                    models.CharField(
                        choices=[
                            ("reported", "Reported (上报)"),
                            ("accepted", "Accepted (立案)"),
                            ("rejected", "Not accepted (不予立案)"),
                            ("merged", "Merged as a duplicate (合并)"),
                            ("dispatched", "Dispatched (派遣)"),
                            ("handled", "Handled (处置反馈)"),
                            ("reworked", "Sent back for rework (返工)"),
                            ("extended", "Extension approved (延期)"),
                            ("suspended", "Suspended (挂账)"),
                            ("supervised", "Put under supervision (督办)"),
                            ("escalated", "Escalated (上报上级)"),
                            ("closed", "Closed (结案)"),
                            ("rated", "Evaluated (评价)"),
                            ("satisfied", "Evaluated satisfied or fairly satisfied"),
                            ("due", "Due to be handled (应结案)"),
                            ("handled_on_time", "Handled by its deadline"),
                            ("closed_on_time", "Due, handled by then and closed (按期结案)"),
                            ("handling_hours", "Handled: working hours from dispatch"),
                        ],
                        max_length=16,
                        verbose_name="step",
                    ),
                ),
                (
                    "bucket",
                    models.PositiveSmallIntegerField(default=0, verbose_name="hours bucket"),
                ),
                ("count", models.IntegerField(default=0, verbose_name="count")),
                ("hours", models.FloatField(default=0, verbose_name="working hours")),
            ],
            options={
                "verbose_name": "case fact by month and town",
                "verbose_name_plural": "case facts by month and town",
                "indexes": [
                    models.Index(
                        fields=[
                            "step",
                            "month",
                            "county_code",
                            "town_id",
                            "category_id",
                            "department_id",
                            "bucket",
                            "count",
                            "hours",
                        ],
                        name="townmonthfact_step_month",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("county_code", "id"), name="townmonthfact_id_unique_in_county"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_from_the_daily_facts, migrations.RunPython.noop),
    ]
