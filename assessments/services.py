"""Rules of risk screening (the kind `risk`) and of the stability-risk filings register."""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.errors import InputError
from cases.kinds import Guard
from cases.models import Status
from cases.scopes import Scope
from cases.workflow import Transition
from staff.models import Role
from territory.models import Level

from .models import Filing, RiskDetail

KIND = "risk"


def detail_for(case) -> RiskDetail:
    """The risk's record, made on first use (filed by a channel that asked no level: low)."""
    detail, _created = RiskDetail.objects.get_or_create(
        case=case, defaults={"county_code": case.county_code, "level": "low"}
    )
    return detail


def on_report(case, details) -> None:
    """A risk counts for a campaign only if it was found while the campaign ran."""
    campaign = details.get("campaign")
    day = timezone.localtime(case.reported_at).date()
    if campaign is not None and not campaign.starts_on <= day <= campaign.ends_on:
        raise InputError(
            {
                "campaign": [
                    gettext("“%(campaign)s” runs from %(start)s to %(end)s.")
                    % {
                        "campaign": campaign.name,
                        "start": campaign.starts_on,
                        "end": campaign.ends_on,
                    }
                ]
            }
        )


def _resolve(case, user, now, inputs) -> None:
    detail = detail_for(case)
    detail.resolution = inputs["note"]
    detail.save(update_fields=["resolution"])


TRANSITIONS = (
    Transition(
        "record_resolution",
        _("Record how the risk was resolved (化解)"),
        (Status.HANDLING,),
        None,
        Role.HANDLER,
        Scope.CASE_DEPARTMENT,
        _resolve,
        note_required=True,
        note_label=_("How it was resolved"),
        side_branch=True,
        case_kind=KIND,
    ),
)


def _resolved_first(case, inputs) -> str | None:
    if not detail_for(case).resolution.strip():
        return gettext("Record how the risk was resolved before reporting the result.")
    return None


GUARDS = (Guard(("feed_back",), _resolved_first),)


def may_file(user) -> bool:
    """The county's centre (政法委 / 综治中心 operators) and administrators keep the register."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.OPERATOR and user.region is not None and user.region.level == Level.COUNTY
    )


def save_filing(form, user) -> Filing:
    """A checked filing form (its model's rules included), entered by this user."""
    filing = form.save(commit=False)
    filing.created_by = user
    filing.save()
    return filing
