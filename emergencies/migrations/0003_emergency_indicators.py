"""Emergencies' figures as indicators of the command centre (version 1), by the day of each step."""

from django.db import migrations

from command.shipping import ship_indicators, unship_indicators

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
    ship_indicators(apps, INDICATORS, categories=EMERGENCIES, first_order=120)


def unship(apps, schema_editor):
    unship_indicators(apps, INDICATORS)


class Migration(migrations.Migration):
    dependencies = [("emergencies", "0002_reporting_rules"), ("command", "0006_steps_of_the_kinds")]

    operations = [migrations.RunPython(ship, unship)]
