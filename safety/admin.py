from django.contrib import admin

from .models import Checklist, ChecklistItem, Inspection, ItemResult, Sector, StatusChange, Unit


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    fields = ["order", "text", "guidance", "weight", "veto", "is_active"]
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    inlines = [ChecklistItemInline]
    list_display = ["code", "name", "pass_mark", "is_active"]
    exclude = ["county_code"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "checklist", "category", "order", "is_active"]
    list_editable = ["order", "is_active"]
    exclude = ["county_code"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["at", "status", "reason", "inspection", "case"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Units are registered on their page (/safety/units/new/, the place picked on the map); here
    an administrator corrects a name or sector, or retires a unit. Status comes from the rule."""

    list_display = ["name", "sector", "town", "status", "status_since", "is_active"]
    list_filter = ["sector", "status", "is_active"]
    search_fields = ["name", "address"]
    fields = ["name", "sector", "address", "is_active", "status", "status_since", "grid"]
    readonly_fields = ["status", "status_since", "grid"]
    inlines = [StatusChangeInline]

    def has_add_permission(self, request):
        return False


class ItemResultInline(admin.TabularInline):
    model = ItemResult
    fields = ["text", "weight", "veto", "passed", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    """Inspections as recorded, to read: they are made on the inspection form."""

    list_display = ["unit", "at", "inspector", "score", "passed"]
    list_filter = ["passed"]
    date_hierarchy = "at"
    search_fields = ["unit__name"]
    inlines = [ItemResultInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
