"""The hazards of safe-unit creation as indicators of the command centre (version 1), by the day
of each step; coverage, pass rate and 平安单位 are on the safe units' page (safety.selectors)."""

from django.db import migrations

from command.shipping import ship_indicators, unship_indicators

HAZARDS = ["P01"]
INDICATORS = [
    (
        "hazards_reported",
        "单位安全隐患发现数",
        "reported",
        "",
        "登记的单位安全隐患件数（平安创建检查未通过的项目，及直接上报的），按登记日计。",
        {"unit": "件"},
    ),
    (
        "hazards_closed",
        "单位安全隐患整改销号数",
        "closed",
        "",
        "整改完毕、核查结案的单位安全隐患件数，按结案日计。",
        {"unit": "件"},
    ),
    (
        "hazards_closed_on_time_rate",
        "单位安全隐患按期整改率",
        "closed_on_time",
        "due",
        "按期整改结案数 ÷ 应整改结案数 × 100%，各按处置期限所在日计。",
        {"unit": "%", "factor": 100},
    ),
]


def ship(apps, schema_editor):
    ship_indicators(apps, INDICATORS, categories=HAZARDS, first_order=170)


def unship(apps, schema_editor):
    unship_indicators(apps, INDICATORS)


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0002_status_log_append_only"),
        ("command", "0006_steps_of_the_kinds"),
    ]

    operations = [migrations.RunPython(ship, unship)]
