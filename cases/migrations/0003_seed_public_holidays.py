"""Seed the working calendar from the `chinese-calendar` package (every year it covers).

Only exceptions to Monday–Friday are stored: holidays on weekdays and make-up workdays (调休).
Administrators add later years in the admin when the State Council publishes them.
"""

import datetime

from django.db import migrations

CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("cases", "CalendarDay")
    rows = []
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            rows.append(CalendarDay(date=day, is_workday=False, name=CHINESE_NAMES.get(name, name)))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            rows.append(
                CalendarDay(date=day, is_workday=True, name=CHINESE_NAMES.get(name, name) + "调休")
            )
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [row for row in rows if row.date not in existing], batch_size=500
    )


def unseed(apps, schema_editor):
    apps.get_model("cases", "CalendarDay").objects.filter(
        date__lt=datetime.date(2100, 1, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_timeline_append_only")]

    operations = [migrations.RunPython(seed, unseed)]
