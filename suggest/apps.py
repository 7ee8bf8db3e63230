from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestConfig(AppConfig):
    """Suggest a report's category and department from its own words (a model trained here)."""

    name = "suggest"
    verbose_name = _("Category suggestions")

    def ready(self):
        from staff.models import Role
        from wangge.extras import FormScript, add_form_script
        from wangge.navigation import NavItem, add_nav_item

        from . import services  # noqa: F401 (its receivers: the report filed, a 改类)

        for form in ("report", "portal_report"):
            add_form_script(FormScript(form, "suggest/suggest.js", "suggest:for_form"))
        add_nav_item(
            NavItem(
                _("Suggestions"),
                "suggest:accuracy",
                lambda user: user.role in (Role.LEADER, Role.ADMIN),
                order=90,
            )
        )
