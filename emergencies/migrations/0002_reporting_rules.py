"""The reporting rules every county starts with (edited in the admin): a first report up within
30 minutes for level III (较大) and above and within an hour for level IV, a written report within
one hour for levels I–II, two hours for III and four for IV. They follow the usual provincial
practice (突发事件信息报告); a county sets its own."""

from django.db import migrations

RULES = {"1": (30, 60), "2": (30, 60), "3": (30, 120), "4": (60, 240)}


def ship(apps, schema_editor):
    Rule = apps.get_model("emergencies", "ReportingRule")
    for severity, (first, written) in RULES.items():
        if not Rule.objects.filter(emergency_class__isnull=True, severity=severity).exists():
            Rule.objects.create(
                severity=severity, first_report_minutes=first, written_report_minutes=written
            )


class Migration(migrations.Migration):
    dependencies = [("emergencies", "0001_emergencies")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
