from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """The convenience-service catalogue (事项) and its applications, a kind of case; the
    social-psychological service, kept apart from cases."""

    name = "services"
    verbose_name = _("Convenience services")

    def ready(self):
        from cases.kinds import CaseKind, CountedStep, KindDetail, register_kind
        from staff.models import Role
        from wangge.navigation import NavItem, add_nav_item

        from .demo import fill_services
        from .forms import ApplicationForm
        from .models import ServiceApplication
        from .services import CORE_STEPS, KIND, TRANSITIONS, on_report

        register_kind(
            CaseKind(
                code=KIND,
                label=_("Service application (便民服务)"),
                categories_csv=Path(__file__).parent / "data" / "categories.csv",
                detail=KindDetail(ServiceApplication, ApplicationForm, "services/detail.html"),
                transitions=TRANSITIONS,
                core_steps=CORE_STEPS,
                has_duplicates=False,
                counted_steps=(
                    CountedStep("receive", "accepted", _("Application accepted (受理)")),
                    CountedStep("decline", "rejected", _("Application not accepted")),
                    CountedStep("complete", "closed", _("Application completed (办结)")),
                ),
                on_report=on_report,
                demo=fill_services,
            )
        )
        add_nav_item(
            NavItem(
                _("Services"),
                "services:index",
                lambda user: user.role in (Role.OPERATOR, Role.LEADER, Role.ADMIN, Role.HANDLER),
                order=38,
            )
        )
