from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    """网格通: the grid worker's app, installed from the site itself, that opens without signal."""

    name = "field"
    verbose_name = _("Field app")

    def ready(self):
        from wangge.navigation import NavItem, add_nav_item

        from .selectors import uses_the_field_app

        add_nav_item(NavItem(_("Field app"), "field:home", uses_the_field_app, order=7))
