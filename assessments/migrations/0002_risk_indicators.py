"""Risk screening's figures as indicators of the command centre (version 1), by the day of each
step; a campaign's own 化解率 (its risks, where each stands now) is on its page."""

from django.db import migrations

from command.shipping import ship_indicators, unship_indicators

RISKS = ["R01"]
INDICATORS = [
    (
        "risks_reported",
        "风险隐患排查数",
        "reported",
        "",
        "登记的风险隐患件数，按登记日计。",
        {"unit": "件"},
    ),
    (
        "risks_resolved",
        "风险隐患化解数",
        "risk_resolved",
        "",
        "记录化解情况的件数，按记录日计。",
        {"unit": "件"},
    ),
    (
        "risks_resolution_rate",
        "风险隐患化解率",
        "risk_resolved",
        "accepted",
        "化解数 ÷ 受理数 × 100%，各按当期发生计；排查行动的化解率见“排查与稳评”页。",
        {"unit": "%", "factor": 100},
    ),
]


def ship(apps, schema_editor):
    ship_indicators(apps, INDICATORS, categories=RISKS, first_order=140)


def unship(apps, schema_editor):
    unship_indicators(apps, INDICATORS)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_assessments"), ("command", "0006_steps_of_the_kinds")]

    operations = [migrations.RunPython(ship, unship)]
