from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Publicity activities and surveys: 知晓率 and 满意率 with their intervals."""

    name = "surveys"
    verbose_name = _("Publicity and surveys")

    def ready(self):
        from wangge.demo import DemoFiller, add_demo_filler
        from wangge.navigation import NavItem, add_nav_item

        from .demo import fill_surveys
        from .selectors import may_enter, reads_by_role

        add_nav_item(NavItem(_("Publicity"), "surveys:activities", reads_by_role, order=38))
        add_nav_item(
            NavItem(
                _("Surveys"),
                "surveys:surveys",
                lambda user: reads_by_role(user) or may_enter(user),
                order=39,
            )
        )
        add_demo_filler(DemoFiller("surveys", fill_surveys, order=60))
