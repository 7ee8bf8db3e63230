from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """Risk screening (排查化解, the kind `risk`) and stability-risk assessment filings (稳评备案)."""

    name = "assessments"
    verbose_name = _("Risk screening and stability filings")

    def ready(self):
        from cases.kinds import CaseKind, CountedStep, KindDetail, register_kind
        from staff.models import Role
        from wangge.navigation import NavItem, add_nav_item

        from .demo import fill_assessments
        from .forms import RiskForm
        from .models import RiskDetail
        from .selectors import FIGURES
        from .services import GUARDS, KIND, TRANSITIONS, on_report

        register_kind(
            CaseKind(
                code=KIND,
                label=_("Risk (风险隐患)"),
                categories_csv=Path(__file__).parent / "data" / "categories.csv",
                detail=KindDetail(RiskDetail, RiskForm, "assessments/detail.html"),
                transitions=TRANSITIONS,
                guards=GUARDS,
                figures=FIGURES,
                counted_steps=(
                    CountedStep("record_resolution", "risk_resolved", _("Risk resolved (化解)")),
                ),
                on_report=on_report,
                demo=fill_assessments,
            )
        )
        add_nav_item(
            NavItem(
                _("Screening and filings"),
                "assessments:campaigns",
                lambda user: user.role in (Role.OPERATOR, Role.LEADER, Role.ADMIN),
                order=37,
            )
        )
