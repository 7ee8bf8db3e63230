from datetime import date

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .kinds import kind_choices
from .masking import mask_name, mask_phone
from .models import CalendarDay, Case, Category, CategoryField, RoutingRule, TimelineEntry
from .worktime import years_missing_calendar


class CategoryFieldInline(admin.TabularInline):
    """The category's own questions, asked by the report form, the API and Open311."""

    model = CategoryField
    fields = ["order", "code", "label", "label_en", "datatype", "required", "choices"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    inlines = [CategoryFieldInline]
    list_display = [
        "code",
        "name",
        "case_kind",
        "kind",
        "parent",
        "accept_limit",
        "accept_unit",
        "handle_limit",
        "handle_unit",
        "is_active",
    ]
    list_filter = ["case_kind", "kind", "is_active"]
    search_fields = ["code", "name"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The kind of case: one of the installed kinds (their apps register them)."""
        if db_field.name == "case_kind":
            return forms.ChoiceField(
                label=db_field.verbose_name, choices=kind_choices, required=False
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "region", "department", "level"]
    list_filter = ["level", "department"]
    raw_id_fields = ["region"]
    search_fields = ["category__name", "region__name", "department__name"]


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "from_status", "to_status", "level", "department", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases move only through the workflow, so that every step is on the timeline."""

    list_display = ["code", "category", "status", "level", "department", "grid", "reported_at"]
    list_filter = ["status", "level", "kind", "source"]
    search_fields = ["code"]
    inlines = [TimelineInline]
    # The reporter's contact only masked: revealing it is a logged act on the case page.
    exclude = ["reporter_name", "reporter_phone"]
    readonly_fields = ["reporter_contact"]

    @admin.display(description=gettext_lazy("reporter contact (masked)"))
    def reporter_contact(self, case: Case) -> str:
        return f"{mask_name(case.reporter_name)} {mask_phone(case.reporter_phone)}".strip() or "—"

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        this_year = date.today().year
        for year in years_missing_calendar([this_year, this_year + 1]):
            self.message_user(
                request,
                _(
                    "No public holidays are kept for %(year)s: deadlines that year count weekends only. Add the State Council's holiday notice here."
                )
                % {"year": year},
                level=messages.WARNING,
            )
        return super().changelist_view(request, extra_context)
