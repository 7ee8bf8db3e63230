from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    """The site's shell: base template, stylesheet, navigation, the demo loader."""

    name = "wangge"
    verbose_name = _("Site")

    def ready(self):
        from .navigation import NavItem, add_nav_item

        add_nav_item(
            NavItem(
                _("Administration"),
                "admin:index",
                lambda user: user.is_staff,
                order=1000,
                at_city=True,
            )
        )
