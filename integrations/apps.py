from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """Keys for outside systems and tokens for staff: how the REST API and Open311 know a caller."""

    name = "integrations"
    verbose_name = _("Integrations")
