from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupConfig(AppConfig):
    """The city roll-up: what a county publishes to the city, and the city's copies of it."""

    name = "rollup"
    verbose_name = _("City roll-up")

    def ready(self):
        from wangge.navigation import NavItem, add_nav_item

        from .selectors import may_see_counts

        add_nav_item(
            NavItem(
                _("By county and town"), "rollup:counts", may_see_counts, order=40, at_city=True
            )
        )
