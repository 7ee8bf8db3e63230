from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkReportConfig(AppConfig):
    """The county's annual work report, generated from the data of every app."""

    name = "workreport"
    verbose_name = _("Annual work report")

    def ready(self):
        from wangge.navigation import NavItem, add_nav_item

        from .selectors import may_read_report

        add_nav_item(NavItem(_("Work report"), "workreport:report", may_read_report, order=95))
