from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API (/api/v1/): the same services, rules and scopes as the pages, as JSON."""

    name = "api"
    verbose_name = _("REST API")
