from django.contrib import admin

from .models import GazetteerEntry, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "households", "synthetic"]
    list_filter = ["level", "synthetic", "code_scheme"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "updated_at"]


@admin.register(GazetteerEntry)
class GazetteerEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "grid", "address", "example"]
    list_filter = ["kind", "example"]
    search_fields = ["name", "address"]
    raw_id_fields = ["grid"]
    readonly_fields = ["county_code", "updated_at"]
