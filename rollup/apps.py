from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupConfig(AppConfig):
    """The city roll-up: what a county publishes to the city, and (to come) the city's side."""

    name = "rollup"
    verbose_name = _("City roll-up")
