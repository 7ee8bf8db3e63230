from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """The convenience-service catalogue (事项) and its applications, a kind of case."""

    name = "services"
    verbose_name = _("Convenience services")
