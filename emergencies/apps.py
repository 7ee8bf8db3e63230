from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    """Emergencies (突发事件应急处置), a kind of case on the core loop."""

    name = "emergencies"
    verbose_name = _("Emergencies")

    def ready(self):
        from cases.kinds import CaseKind, CountedStep, KindDetail, register_kind
        from staff.models import Role
        from wangge.navigation import NavItem, add_nav_item

        from .demo import fill_emergencies
        from .forms import EmergencyForm
        from .models import EmergencyDetail
        from .selectors import FIGURES
        from .services import GUARDS, KIND, TRANSITIONS, on_report

        register_kind(
            CaseKind(
                code=KIND,
                label=_("Emergency (突发事件)"),
                categories_csv=Path(__file__).parent / "data" / "categories.csv",
                detail=KindDetail(EmergencyDetail, EmergencyForm, "emergencies/detail.html"),
                transitions=TRANSITIONS,
                guards=GUARDS,
                figures=FIGURES,
                counted_steps=(
                    CountedStep("first_report", "first_reported", _("Emergency first reported up")),
                    CountedStep(
                        "written_report", "written_reported", _("Emergency reported up in writing")
                    ),
                ),
                on_report=on_report,
                demo=fill_emergencies,
            )
        )
        add_nav_item(
            NavItem(
                _("Emergencies"),
                "emergencies:index",
                lambda user: user.role in (Role.OPERATOR, Role.LEADER, Role.ADMIN, Role.HANDLER),
                order=36,
            )
        )
