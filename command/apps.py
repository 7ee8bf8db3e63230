from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "command"
    verbose_name = _("Command centre")

    def ready(self):
        from staff.models import Role
        from wangge.navigation import NavItem, add_nav_item

        from . import facts  # noqa: F401  (keeps the facts current as cases move)

        add_nav_item(
            NavItem(
                _("Command centre"),
                "command:centre",
                lambda user: user.role in (Role.OPERATOR, Role.LEADER, Role.ADMIN),
                order=6,
                at_city=True,
            )
        )
