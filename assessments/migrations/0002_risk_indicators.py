"""Risk screening's figures as indicators of the command centre (version 1), by the day of each
step; a campaign's own 化解率 (its risks, where each stands now) is on its page."""

from datetime import UTC, datetime

from django.db import migrations

FROM = datetime(2000, 1, 1, tzinfo=UTC)
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
            order=140 + order,
            categories=RISKS,
            **extra,
        )


def unship(apps, schema_editor):
    codes = [code for code, *_rest in INDICATORS]
    apps.get_model("command", "Indicator").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_assessments"), ("command", "0006_steps_of_the_kinds")]

    operations = [migrations.RunPython(ship, unship)]
