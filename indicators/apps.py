from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """Aggregate figures entered per region and period (data sets), and the grids' basic counts."""

    name = "indicators"
    verbose_name = _("Aggregate figures")

    def ready(self):
        from staff.models import Role
        from wangge.demo import DemoFiller, add_demo_filler
        from wangge.navigation import NavItem, add_nav_item

        from .demo import fill_indicators

        add_nav_item(
            NavItem(
                _("Reported figures"),
                "indicators:index",
                lambda user: user.role != Role.INFORMANT,
                order=45,
            )
        )
        add_demo_filler(DemoFiller("indicators", fill_indicators, order=60))
