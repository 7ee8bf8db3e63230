from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Residents' portal")

    def ready(self):
        from staff.models import Role
        from wangge.navigation import NavItem, add_nav_item

        from . import services  # noqa: F401  (connects the merge receiver)

        def operator(user):
            return user.role == Role.OPERATOR

        add_nav_item(
            NavItem(_("Residents' reports to review"), "portal:review", operator, order=25)
        )
        add_nav_item(NavItem(_("Call-backs"), "portal:callbacks", operator, order=26))
