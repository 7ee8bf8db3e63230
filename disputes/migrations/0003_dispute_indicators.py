"""The figures of dispute mediation as indicators of the command centre (version 1), counted by
the day each step was taken: the cohort figures (a period's disputes and where each stands now)
are on the disputes page (disputes.selectors)."""

from django.db import migrations

from command.shipping import ship_indicators, unship_indicators

DISPUTES = ["G01"]

# code, name, numerator, denominator, the rule in plain words, and anything else.
INDICATORS = [
    (
        "disputes_reported",
        "矛盾纠纷排查数",
        "reported",
        "",
        "登记的矛盾纠纷件数，按登记日计。",
        {"unit": "件"},
    ),
    (
        "disputes_accepted",
        "矛盾纠纷受理数",
        "accepted",
        "",
        "受理的矛盾纠纷件数，按受理日计。",
        {"unit": "件"},
    ),
    (
        "disputes_agreed",
        "调解成功数",
        "agreed",
        "",
        "达成书面或口头调解协议的件数，按达成协议日计。",
        {"unit": "件"},
    ),
    (
        "disputes_not_agreed",
        "调解不成数",
        "not_agreed",
        "",
        "调解未达成协议（已告知仲裁、诉讼或行政途径）的件数，按记录日计。",
        {"unit": "件"},
    ),
    (
        "disputes_performed",
        "协议履行数",
        "performed",
        "",
        "回访确认调解协议已履行的件数，按回访记录日计。",
        {"unit": "件"},
    ),
    (
        "disputes_resolution_rate",
        "矛盾纠纷化解率",
        "agreed",
        "accepted",
        "调解成功数 ÷ 矛盾纠纷受理数 × 100%，各按当期发生计；跨期的纠纷可使单月超过100%，"
        "按登记批次计的化解率见“矛盾纠纷”页。",
        {"unit": "%", "factor": 100},
    ),
]


def ship(apps, schema_editor):
    ship_indicators(apps, INDICATORS, categories=DISPUTES, first_order=100)


def unship(apps, schema_editor):
    unship_indicators(apps, INDICATORS)


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0002_disputes_as_their_own_kind"),
        ("command", "0006_steps_of_the_kinds"),
    ]

    operations = [migrations.RunPython(ship, unship)]
