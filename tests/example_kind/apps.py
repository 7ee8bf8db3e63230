from pathlib import Path

from django import forms
from django.apps import AppConfig
from django.db.models import Avg


class ExampleKindConfig(AppConfig):
    name = "tests.example_kind"
    label = "example_kind"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.kinds import CaseKind, Figure, Guard, KindDetail, register_kind
        from cases.models import Status
        from cases.scopes import Scope
        from cases.workflow import Input, Transition
        from staff.models import Role

        from .models import NoiseDetail

        class NoiseForm(forms.ModelForm):
            class Meta:
                model = NoiseDetail
                fields = ["decibels", "at_night"]

        def record_outcome(case, user, now, inputs):
            case.noise.outcome = inputs["outcome"]
            case.noise.save(update_fields=["outcome"])

        def outcome_first(case, inputs):
            if not case.noise.outcome:
                return "Record the measured outcome before reporting the result."
            return None

        outcome = Input(
            "outcome",
            lambda case: forms.CharField(label="outcome", max_length=200),
            example=lambda case, rng: "复测 48 dB(A)，已停工",
        )
        register_kind(
            CaseKind(
                code="noise",
                label="Construction noise",
                categories_csv=Path(__file__).with_name("categories.csv"),
                detail=KindDetail(NoiseDetail, NoiseForm, "example_kind/detail.html"),
                transitions=(
                    Transition(
                        "record_outcome",
                        "Record the outcome",
                        (Status.HANDLING,),
                        None,
                        Role.HANDLER,
                        Scope.CASE_DEPARTMENT,
                        record_outcome,
                        inputs=(outcome,),
                        side_branch=True,
                    ),
                ),
                guards=(Guard(("feed_back",), outcome_first),),
                figures=(
                    Figure(
                        "mean_db",
                        "mean measured dB(A)",
                        lambda cases: cases.aggregate(mean=Avg("noise__decibels"))["mean"],
                    ),
                ),
            )
        )
