from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from wangge.navigation import NavItem, add_nav_item

        from .audit import register_audited_models

        register_audited_models()

        from .selectors import may_read_reveal_log

        add_nav_item(NavItem(_("Personal data"), "privacy:log", may_read_reveal_log, order=900))
