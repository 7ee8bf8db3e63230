from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from staff.models import Role
        from wangge.navigation import NavItem, add_nav_item

        from .services import REPORTING_ROLES

        add_nav_item(
            NavItem(
                _("Overview"),
                "cases:overview",
                lambda user: user.role in (Role.OPERATOR, Role.LEADER, Role.ADMIN),
                order=5,
            )
        )
        add_nav_item(NavItem(_("Inbox"), "cases:inbox", lambda user: True, order=10))
        add_nav_item(
            NavItem(
                _("Report a problem"),
                "cases:report",
                lambda user: user.role in REPORTING_ROLES,
                order=20,
            )
        )
        add_nav_item(
            NavItem(
                _("Figures"),
                "cases:figures",
                lambda user: user.role in (Role.OPERATOR, Role.LEADER, Role.ADMIN),
                order=30,
            )
        )
