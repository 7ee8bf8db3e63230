"""Data sets, their elements and rules are configuration an administrator may edit; reports and
their history are read here only (figures change through the pages, which keep the history)."""

from django.contrib import admin

from .models import DataElement, DataSet, DataSetElement, HistoryEntry, Report, ValidationRule


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "value_type"]
    search_fields = ["code", "name"]
    exclude = ["county_code"]


class MemberInline(admin.TabularInline):
    model = DataSetElement
    exclude = ["county_code"]
    extra = 0


class RuleInline(admin.TabularInline):
    model = ValidationRule
    exclude = ["county_code"]
    extra = 0


@admin.register(DataSet)
class DataSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "period_type", "level", "office", "approval_level"]
    exclude = ["county_code"]
    inlines = [MemberInline, RuleInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnly):
    list_display = ["data_set", "region", "period", "status", "submitted_by", "approved_by"]
    list_filter = ["data_set", "period", "status"]
    search_fields = ["region__code", "region__name"]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnly):
    list_display = ["report", "at", "actor", "action", "element", "old_value", "new_value"]
    list_filter = ["action"]
