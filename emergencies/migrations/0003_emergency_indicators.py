"""Emergencies' figures as indicators of the command centre (version 1), by the day of each step."""

from datetime import UTC, datetime

from django.db import migrations

FROM = datetime(2000, 1, 1, tzinfo=UTC)
EMERGENCIES = ["K01", "K02", "K03", "K04"]
INDICATORS = [
    (
        "emergencies_reported",
        "突发事件接报数",
        "reported",
        "",
        "接报的突发事件件数，按接报日计。",
        {"unit": "件"},
    ),
    (
        "emergencies_first_reported",
        "突发事件首报数",
        "first_reported",
        "",
        "向上级首报的突发事件件数，按首报日计。",
        {"unit": "件"},
    ),
    (
        "emergencies_first_report_rate",
        "突发事件首报率",
        "first_reported",
        "reported",
        "首报数 ÷ 接报数 × 100%，各按当期发生计；首报是否按时见“突发事件”页。",
        {"unit": "%", "factor": 100},
    ),
    (
        "emergencies_written_reported",
        "突发事件书面报告数",
        "written_reported",
        "",
        "向上级书面报告的件数，按报告日计。",
        {"unit": "件"},
    ),
]


def ship(apps, schema_editor):
    Indicator = apps.get_model("command", "Indicator")
    for order, (code, name, numerator, denominator, definition, extra) in enumerate(INDICATORS):
        if Indicator.objects.filter(code=code).exists():
            continue
        Indicator.objects.create(
            code=code,
            name=name,
            numerator=numerator,
            denominator=denominator,
            definition=definition,
            valid_from=FROM,
            order=120 + order,
            categories=EMERGENCIES,
            **extra,
        )


def unship(apps, schema_editor):
    codes = [code for code, *_rest in INDICATORS]
    apps.get_model("command", "Indicator").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("emergencies", "0002_reporting_rules"), ("command", "0006_steps_of_the_kinds")]

    operations = [migrations.RunPython(ship, unship)]
