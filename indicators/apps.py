from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """Aggregate figures entered per region and period (data sets), and the grids' basic counts."""

    name = "indicators"
    verbose_name = _("Aggregate figures")
