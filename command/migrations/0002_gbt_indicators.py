"""The GB/T 30428 set of indicators, version 1, in force from the start (a county edits them in
the admin; an edit is a new version)."""

from datetime import UTC, datetime

from django.db import migrations

FROM = datetime(2000, 1, 1, tzinfo=UTC)
PERCENT = {"factor": 100, "unit": "%"}

# code, name, numerator, denominator, the rule in plain words, and anything else.
GBT_30428 = [
    (
        "reported",
        "上报数",
        "reported",
        "",
        "上报的问题件数，按上报日计（含不予立案和合并的）。",
        {"unit": "件"},
    ),
    (
        "valid_report_rate",
        "有效上报率",
        "accepted",
        "reported",
        "立案数 ÷ 上报数 × 100%，各按当日计。",
        PERCENT,
    ),
    ("accepted", "立案数", "accepted", "", "立案的件数，按立案日计。", {"unit": "件"}),
    (
        "handled",
        "处置数",
        "handled",
        "",
        "处置反馈的次数，按反馈日计；返工后再次反馈另计一次。",
        {"unit": "次"},
    ),
    (
        "handling_rate",
        "处置率",
        "handled",
        "dispatched",
        "处置反馈次数 ÷ 派遣次数 × 100%，各按当日计。",
        PERCENT,
    ),
    (
        "handled_on_time_rate",
        "按期处置率",
        "handled_on_time",
        "handling_hours",
        "已处置的案件中，在处置时限内反馈的比例；按最后一次反馈日计。",
        PERCENT,
    ),
    ("closed", "结案数", "closed", "", "结案的件数，按结案日计。", {"unit": "件"}),
    (
        "closing_rate",
        "结案率",
        "closed",
        "accepted",
        "结案数 ÷ 立案数 × 100%，各按当日计。",
        PERCENT,
    ),
    (
        "closed_on_time_rate",
        "按期结案率",
        "closed_on_time",
        "due",
        "按期结案数 ÷ 应结案数 × 100%。应结案数：处置时限落在本期的案件，无论是否已结案；"
        "按期结案数：其中在时限内处置完毕并已结案的。",
        PERCENT,
    ),
    (
        "rework_rate",
        "返工率",
        "reworked",
        "accepted",
        "返工次数 ÷ 立案数 × 100%（分母可改为应结案数）。",
        PERCENT,
    ),
    ("extended", "延期数", "extended", "", "批准延期的次数，按批准日计。", {"unit": "次"}),
    ("suspended", "挂账数", "suspended", "", "挂账的次数，按挂账日计。", {"unit": "次"}),
    (
        "supervised",
        "督办数",
        "supervised",
        "",
        "督办的次数（超期自动督办和居民再次不满意），按督办日计。",
        {"unit": "次"},
    ),
    (
        "average_handling_hours",
        "平均处置用时",
        "handling_hours",
        "handling_hours",
        "已处置案件从派遣到最后一次反馈的工作时间的平均值，按反馈日计。",
        {"unit": "工作小时", "numerator_hours": True},
    ),
    (
        "p90_handling_hours",
        "处置用时（90%分位）",
        "handling_hours",
        "",
        "已处置案件从派遣到最后一次反馈的工作时间，九成案件不超过此值；按反馈日计，"
        "由分段统计插值得出（误差不超过所在分段的宽度）。",
        {"unit": "工作小时", "percentile": 90},
    ),
    (
        "satisfaction",
        "满意率",
        "satisfied",
        "rated",
        "评价为满意或基本满意的件数 ÷ 已评价件数 × 100%。",
        PERCENT,
    ),
]


def ship(apps, schema_editor):
    Indicator = apps.get_model("command", "Indicator")
    for order, (code, name, numerator, denominator, definition, extra) in enumerate(GBT_30428):
        Indicator.objects.create(
            code=code,
            name=name,
            numerator=numerator,
            denominator=denominator,
            definition=definition,
            valid_from=FROM,
            order=order,
            **extra,
        )


class Migration(migrations.Migration):
    dependencies = [("command", "0001_initial")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
