from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "region", "department", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    raw_id_fields = ["region"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Work"), {"fields": ["full_name", "phone", "role", "region", "department"]}),
    ]
    # A new user is given a role and its scope when made: there is no default role.
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Work"), {"fields": ["full_name", "role", "region", "department"]}),
    ]

    # Staff are deactivated, never deleted: their steps stay on case timelines for good.
    def has_delete_permission(self, request, obj=None):
        return False

    def delete_view(self, request, object_id, extra_context=None):
        messages.warning(
            request,
            gettext(
                "Staff are not deleted: their steps stay on case timelines. "
                "Untick “Active” to end their access."
            ),
        )
        return redirect("admin:staff_user_change", object_id)
