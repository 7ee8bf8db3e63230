from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    """Dispute mediation (矛盾纠纷多元化解, 人民调解), a kind of case on the core loop."""

    name = "disputes"
    verbose_name = _("Dispute mediation")

    def ready(self):
        from cases.kinds import CaseKind, CountedStep, KindDetail, register_kind
        from staff.models import Role
        from wangge.navigation import NavItem, add_nav_item

        from .demo import fill_disputes
        from .forms import DisputeForm
        from .models import DisputeDetail
        from .selectors import FIGURES
        from .services import GUARDS, KIND, TRANSITIONS, on_report

        agreed = _("Dispute mediated to an agreement (调解成功)")
        register_kind(
            CaseKind(
                code=KIND,
                label=_("Dispute (矛盾纠纷)"),
                categories_csv=Path(__file__).parent / "data" / "categories.csv",
                detail=KindDetail(DisputeDetail, DisputeForm, "disputes/detail.html"),
                transitions=TRANSITIONS,
                guards=GUARDS,
                figures=FIGURES,
                counted_steps=(
                    CountedStep("record_agreement", "agreed", agreed),
                    CountedStep("record_oral_agreement", "agreed", agreed),
                    CountedStep("record_failure", "not_agreed", _("Mediation without agreement")),
                    CountedStep(
                        "visit_performed", "performed", _("Agreement found performed (履行)")
                    ),
                ),
                on_report=on_report,
                demo=fill_disputes,
            )
        )
        add_nav_item(
            NavItem(
                _("Disputes"),
                "disputes:index",
                lambda user: user.role in (Role.OPERATOR, Role.LEADER, Role.ADMIN, Role.HANDLER),
                order=35,
            )
        )
