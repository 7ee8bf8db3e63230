"""The rules of dispute mediation, as the case loop's kind `dispute`: the steps a mediator takes
beside the core loop, the guards on the core's own steps, what a new dispute sets on its case.

Mediation runs while the case is being handled by the mediation body it was dispatched to (the
town's judicial office, or the department the category routes to):
告知权利义务 → 调解 (one or more sessions, with minutes) → 达成书面协议 | 达成口头协议 | 调解不成
(with a referral) → 处置反馈 → 核查 → 回访 → 结案 (归档).
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import forms
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.kinds import Guard
from cases.models import Priority, Status
from cases.scopes import Scope
from cases.signals import cases_anonymised
from cases.workflow import Input, Transition
from staff.models import Role
from territory.models import Level

from .models import (
    CONFIRMATION_DAYS,
    DisputeDetail,
    DisputeParty,
    FollowUpVisit,
    MediationSession,
    Outcome,
    Performance,
    Referral,
    Risk,
    Side,
)

KIND = "dispute"
# The states in which the mediator may still visit the parties on how the terms are kept.
VISIT_STATUSES = (Status.HANDLING, Status.FED_BACK, Status.VERIFIED)


def detail_for(case) -> DisputeDetail:
    """The dispute's record, made on first use for a dispute filed before it had one."""
    detail, _created = DisputeDetail.objects.get_or_create(
        case=case, defaults={"county_code": case.county_code}
    )
    return detail


def on_report(case, details: Mapping[str, Any]) -> None:
    """A high-risk dispute goes to the town centre at once, and urgently (the village centre
    hears of it from the town)."""
    if details.get("risk") == Risk.HIGH:
        case.priority = Priority.URGENT
        if case.level == Level.VILLAGE:
            case.level = Level.TOWN


# --- the steps' inputs ---------------------------------------------------------------------------


def _date(label) -> Any:
    def field(case) -> forms.Field:
        return forms.DateField(
            label=label,
            widget=forms.DateInput(attrs={"type": "date"}),
            error_messages={
                "required": gettext("Give the date."),
                "invalid": gettext("Give a date as YYYY-MM-DD."),
            },
        )

    return field


def _text(label, *, required: bool = True, max_length: int = 2000) -> Any:
    def field(case) -> forms.Field:
        return forms.CharField(
            label=label,
            max_length=max_length,
            required=required,
            widget=forms.Textarea(attrs={"rows": 3}) if max_length > 200 else forms.TextInput(),
            error_messages={"required": gettext("This is needed for the record.")},
        )

    return field


def _choice(label, choices) -> Any:
    def field(case) -> forms.Field:
        return forms.ChoiceField(
            label=label,
            choices=choices,
            error_messages={
                "required": gettext("Choose one."),
                "invalid_choice": gettext("Choose one of the list."),
            },
        )

    return field


def _flag(label) -> Any:
    def field(case) -> forms.Field:
        return forms.BooleanField(label=label, required=False)

    return field


HELD_ON = Input("held_on", _date(_("Held on")))
PLACE = Input("place", _text(_("Place"), max_length=80))
FACTS = Input("facts", _text(_("Facts of the dispute")))
RESPONSIBILITIES = Input("responsibilities", _text(_("Responsibilities")))
TERMS = Input("terms", _text(_("Terms agreed")))
PERFORMANCE_METHOD = Input("performance_method", _text(_("How and where they are performed")))
PERFORM_BY = Input("perform_by", _date(_("To be performed by")))
CONFIRMATION = Input(
    "confirmation_wanted", _flag(_("The parties will apply for judicial confirmation"))
)
REFERRAL = Input("referral", _choice(_("Referred to"), Referral.choices))
VISITED_ON = Input("visited_on", _date(_("Visited on")))
APPLIED_ON = Input("applied_on", _date(_("Applied on")))
COURT = Input("court", _text(_("Court"), max_length=60))
RISK = Input("risk", _choice(_("Risk of escalation"), Risk.choices))
SIDE = Input("side", _choice(_("Side"), Side.choices))
PARTY_NAME = Input("name", _text(_("Name"), max_length=40))
PARTY_PHONE = Input("phone", _text(_("Phone"), required=False, max_length=20))


# --- the steps' effects ---------------------------------------------------------------------------


def _inform(case, user, now: datetime, inputs) -> None:
    detail = detail_for(case)
    detail.rights_informed_at = now
    detail.mediator = detail.mediator or user
    detail.save(update_fields=["rights_informed_at", "mediator"])


def _hold_session(case, user, now: datetime, inputs) -> None:
    MediationSession.objects.create(
        county_code=case.county_code,
        case=case,
        held_on=inputs["held_on"],
        place=inputs["place"],
        minutes=inputs["note"],
        recorded_by=user,
    )
    detail = detail_for(case)
    if detail.mediator_id is None:
        detail.mediator = user
        detail.save(update_fields=["mediator"])


def _outcome(outcome: str):
    def effect(case, user, now: datetime, inputs) -> None:
        detail = detail_for(case)
        detail.outcome, detail.outcome_at = outcome, now
        for name in (
            "facts",
            "responsibilities",
            "terms",
            "performance_method",
            "perform_by",
            "confirmation_wanted",
            "referral",
        ):
            if name in inputs:
                setattr(detail, name, inputs[name])
        detail.save()

    return effect


def _visit(performance: str):
    def effect(case, user, now: datetime, inputs) -> None:
        FollowUpVisit.objects.create(
            county_code=case.county_code,
            case=case,
            visited_on=inputs["visited_on"],
            performance=performance,
            note=inputs["note"],
            recorded_by=user,
        )
        detail = detail_for(case)
        detail.performance = performance
        detail.save(update_fields=["performance"])

    return effect


def _apply_confirmation(case, user, now: datetime, inputs) -> None:
    detail = detail_for(case)
    detail.confirmation_applied_on = inputs["applied_on"]
    detail.confirmation_court = inputs["court"]
    detail.save(update_fields=["confirmation_applied_on", "confirmation_court"])


def _reassess(case, user, now: datetime, inputs) -> None:
    detail = detail_for(case)
    detail.risk = inputs["risk"]
    detail.save(update_fields=["risk"])
    on_report(case, {"risk": detail.risk})


def _add_party(case, user, now: datetime, inputs) -> None:
    DisputeParty.objects.create(
        county_code=case.county_code,
        case=case,
        side=inputs["side"],
        name=inputs["name"],
        phone=inputs["phone"],
    )


def _mediator_step(action, label, effect, inputs=(), **options) -> Transition:
    """A step of the mediator (a handler of the body the dispute was dispatched to)."""
    options.setdefault("sources", (Status.HANDLING,))
    return Transition(
        action,
        label,
        options.pop("sources"),
        None,
        Role.HANDLER,
        Scope.CASE_DEPARTMENT,
        effect,
        inputs=inputs,
        side_branch=True,
        case_kind=KIND,
        **options,
    )


def _visit_step(action, label, performance: str) -> Transition:
    """回访: what the visit found, on the day it was made."""
    return _mediator_step(
        action,
        label,
        _visit(performance),
        (VISITED_ON,),
        sources=VISIT_STATUSES,
        note_required=True,
        note_label=_("What was found"),
    )


TRANSITIONS = (
    _mediator_step("inform_rights", _("Tell the parties their rights"), _inform),
    _mediator_step(
        "hold_session",
        _("Record a mediation session"),
        _hold_session,
        (HELD_ON, PLACE),
        note_required=True,
        note_label=_("Minutes"),
    ),
    _mediator_step(
        "record_agreement",
        _("Record a written agreement"),
        _outcome(Outcome.WRITTEN),
        (FACTS, RESPONSIBILITIES, TERMS, PERFORMANCE_METHOD, PERFORM_BY, CONFIRMATION),
    ),
    _mediator_step(
        "record_oral_agreement",
        _("Record an oral agreement"),
        _outcome(Outcome.ORAL),
        (TERMS,),
    ),
    _mediator_step(
        "record_failure",
        _("Record that mediation failed"),
        _outcome(Outcome.FAILED),
        (REFERRAL,),
        note_required=True,
    ),
    _visit_step("visit_performed", _("Follow-up visit: terms performed"), Performance.PERFORMED),
    _visit_step("visit_pending", _("Follow-up visit: not yet performed"), Performance.PENDING),
    _mediator_step(
        "apply_confirmation",
        _("Record the application for judicial confirmation"),
        _apply_confirmation,
        (APPLIED_ON, COURT),
        sources=VISIT_STATUSES,
    ),
    _mediator_step(
        "reassess_risk",
        _("Assess the risk again"),
        _reassess,
        (RISK,),
        sources=(Status.DISPATCHED, Status.HANDLING),
        note_required=True,
    ),
    _mediator_step(
        "add_party",
        _("Add a party"),
        _add_party,
        (SIDE, PARTY_NAME, PARTY_PHONE),
        sources=(Status.DISPATCHED, Status.HANDLING),
    ),
)


# --- the rules ----------------------------------------------------------------------------------


def _informed_once(case, inputs) -> str | None:
    if detail_for(case).rights_informed_at is not None:
        return gettext("The parties have already been told their rights.")
    return None


def _informed_first(case, inputs) -> str | None:
    if detail_for(case).rights_informed_at is None:
        return gettext("Tell the parties their rights and duties before mediating.")
    return None


def _one_outcome(case, inputs) -> str | None:
    detail = detail_for(case)
    if detail.outcome:
        return gettext("The outcome is already recorded: %(outcome)s.") % {
            "outcome": detail.get_outcome_display()
        }
    if not case.mediation_sessions.exists():
        return gettext("Record at least one mediation session before its outcome.")
    return None


def _needs_outcome(case, inputs) -> str | None:
    detail = detail_for(case)
    if not detail.outcome:
        return gettext("A dispute needs its outcome (an agreement or a failed mediation) first.")
    if detail.agreed and not detail.terms.strip():
        return gettext("An agreement needs its terms.")
    return None


def _needs_visit(case, inputs) -> str | None:
    refusal = _needs_outcome(case, inputs)
    if refusal:
        return refusal
    if detail_for(case).agreed and not case.follow_up_visits.exists():
        return gettext("An agreed dispute is closed only after a follow-up visit on its terms.")
    return None


def _visit_after_agreement(case, inputs) -> str | None:
    if not detail_for(case).agreed:
        return gettext("A follow-up visit checks an agreement: record one first.")
    return None


def _confirmation_in_time(case, inputs) -> str | None:
    detail = detail_for(case)
    deadline = detail.confirmation_deadline()
    if deadline is None:
        return gettext("Only a written agreement marked for judicial confirmation is confirmed.")
    applied_on = inputs.get("applied_on")
    if applied_on and applied_on < detail.outcome_at.date():
        return gettext("The application cannot be before the agreement.")
    if applied_on and applied_on > deadline:
        return gettext(
            "Judicial confirmation is applied for within %(days)s days of the agreement, by "
            "%(deadline)s."
        ) % {"days": CONFIRMATION_DAYS, "deadline": deadline.isoformat()}
    return None


GUARDS = (
    Guard(("inform_rights",), _informed_once),
    Guard(("hold_session",), _informed_first),
    Guard(("record_agreement", "record_oral_agreement", "record_failure"), _one_outcome),
    Guard(("feed_back",), _needs_outcome),
    Guard(("close",), _needs_visit),
    Guard(("visit_performed", "visit_pending"), _visit_after_agreement),
    Guard(("apply_confirmation",), _confirmation_in_time),
)


@receiver(cases_anonymised)
def forget_parties(sender, case_ids, **kwargs) -> None:
    """Retention or a person's request blanked these cases: their parties' names and phones go
    too; the dispute, its steps and its figures stay."""
    DisputeParty.objects.filter(case_id__in=case_ids).update(name="", phone="")
