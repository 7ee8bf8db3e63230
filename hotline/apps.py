from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("12345 hotline")

    def ready(self):
        from wangge.navigation import NavItem, add_nav_item

        from .selectors import may_import

        add_nav_item(NavItem(_("12345 orders"), "hotline:imports", may_import, order=40))
