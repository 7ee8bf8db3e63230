from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    """Patrol check-ins (巡查打卡): a grid and a time, never a track; coverage per grid and week."""

    name = "patrols"
    verbose_name = _("Patrols")

    def ready(self):
        from wangge.demo import DemoFiller, add_demo_filler
        from wangge.navigation import NavItem, add_nav_item

        from .demo import fill_patrols
        from .selectors import may_check_in, may_see_coverage

        add_nav_item(NavItem(_("Patrol check-in"), "patrols:index", may_check_in, order=46))
        add_nav_item(NavItem(_("Patrol coverage"), "patrols:coverage", may_see_coverage, order=47))
        add_demo_filler(DemoFiller("patrols", fill_patrols, order=70))
