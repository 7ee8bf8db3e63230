from django.contrib import admin

from .models import ReportingRule


@admin.register(ReportingRule)
class ReportingRuleAdmin(admin.ModelAdmin):
    list_display = ["severity", "emergency_class", "first_report_minutes", "written_report_minutes"]
    list_filter = ["severity"]
    exclude = ["county_code"]
