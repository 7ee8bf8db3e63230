from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Credential
from .services import issue_credential, revoke


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_selected"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        credential, text = issue_credential(obj.name, user=obj.user)
        obj.pk, obj.prefix = credential.pk, credential.prefix
        self.message_user(
            request,
            _("Store this now, it is not shown again: %(text)s") % {"text": text},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected credentials"))
    def revoke_selected(self, request, queryset):
        for credential in queryset:
            revoke(credential)
