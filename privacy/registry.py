"""Every personal field the platform keeps, in one place: what it is for, on what legal basis,
how long it is kept, how it is masked, and which roles may reveal it (PIPL, 个人信息保护法).

Pages, the admin and exports show these fields masked; a reveal is a logged act with a reason
(`services.reveal_personal_field`). The administrators' page `/privacy/fields/` and
`docs/privacy.md` show this table; a test keeps the document in step with it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.masking import mask_name, mask_phone
from staff.models import Role

STATUTORY_DUTY = _("PIPL Art. 13(3): needed to perform a statutory duty (grid governance)")
THREE_YEARS_AFTER_CLOSURE = _("3 years after the case is closed, then anonymised")


@dataclass(frozen=True)
class PersonalField:
    key: str  # "<model>.<field>", e.g. "case.reporter_phone"
    model: str  # app_label.ModelName
    field: str
    label: Promise
    purpose: Promise
    legal_basis: Promise
    retention: Promise
    reveal_roles: frozenset[str]  # empty: never revealed on a page
    mask: Callable[[str], str] | None = None  # None: not shown as text (photos, points)
    # Where the value lives when it is not a column of the case itself: (case, item id) → the
    # row of the case that holds it (a party of a dispute …), or None when the case has no such
    # row. The reveal names the item in its log.
    holder: Callable[[Any, int], Any] | None = None

    def value_of(self, case, item: int | None = None) -> str:
        """The stored value on this case (of this item of it); LookupError if there is none."""
        if self.holder is None:
            return getattr(case, self.field)
        row = self.holder(case, item) if item is not None else None
        if row is None:
            raise LookupError(self.key)
        return getattr(row, self.field)

    @property
    def reveal_role_labels(self) -> list[Promise]:
        return [Role(role).label for role in sorted(self.reveal_roles)]


PERSONAL_FIELDS: tuple[PersonalField, ...] = (
    PersonalField(
        "case.reporter_name",
        "cases.Case",
        "reporter_name",
        _("Reporter's name"),
        _("To address the reporter when the centre calls back about the case."),
        STATUTORY_DUTY,
        THREE_YEARS_AFTER_CLOSURE,
        frozenset({Role.OPERATOR, Role.HANDLER}),
        mask_name,
    ),
    PersonalField(
        "case.reporter_phone",
        "cases.Case",
        "reporter_phone",
        _("Reporter's phone"),
        _("To ask the reporter about the problem and tell them the outcome."),
        STATUTORY_DUTY,
        THREE_YEARS_AFTER_CLOSURE,
        frozenset({Role.OPERATOR, Role.HANDLER}),
        mask_phone,
    ),
    PersonalField(
        "case.point",
        "cases.Case",
        "lon/lat",
        _("Exact point reported"),
        _("To find the problem on the ground; shown on the map to those who work the case."),
        STATUTORY_DUTY,
        _("3 years after the case is closed, then moved to the centre of its grid"),
        frozenset(),
    ),
    PersonalField(
        "casephoto.image",
        "cases.CasePhoto",
        "image",
        _("Photos"),
        _("To show the problem and its repair; served only to those who may open the case."),
        STATUTORY_DUTY,
        THREE_YEARS_AFTER_CLOSURE,
        frozenset(),
    ),
)
FOLLOWER_FIELDS = (
    PersonalField(
        "follower.phone",
        "portal.Follower",
        "phone",
        _("Phone for messages about a followed case"),
        _("To tell a resident who reported or follows a case of each change, by SMS."),
        _("PIPL Art. 13(1): the resident's consent, given by leaving it; optional"),
        _("30 days after the case ends, then deleted"),
        frozenset(),
        mask_phone,
    ),
    PersonalField(
        "follower.email",
        "portal.Follower",
        "email",
        _("E-mail for messages about a followed case"),
        _("To tell a resident who reported or follows a case of each change, by e-mail."),
        _("PIPL Art. 13(1): the resident's consent, given by leaving it; optional"),
        _("30 days after the case ends, then deleted"),
        frozenset(),
        mask_name,
    ),
)


def _party(case, item: int):
    from django.apps import apps

    return apps.get_model("disputes", "DisputeParty").objects.filter(case=case, pk=item).first()


DISPUTE_PARTY_FIELDS = (
    PersonalField(
        "disputeparty.name",
        "disputes.DisputeParty",
        "name",
        _("Name of a party to a dispute"),
        _("To mediate the dispute and write its agreement (人民调解法 Art. 29)."),
        STATUTORY_DUTY,
        THREE_YEARS_AFTER_CLOSURE,
        frozenset({Role.OPERATOR, Role.HANDLER}),
        mask_name,
        _party,
    ),
    PersonalField(
        "disputeparty.phone",
        "disputes.DisputeParty",
        "phone",
        _("Phone of a party to a dispute"),
        _("To arrange mediation sessions and follow-up visits with the party."),
        STATUTORY_DUTY,
        THREE_YEARS_AFTER_CLOSURE,
        frozenset({Role.HANDLER}),
        mask_phone,
        _party,
    ),
)


def _emergency(case, item: int):
    from django.apps import apps

    detail = apps.get_model("emergencies", "EmergencyDetail")
    return detail.objects.filter(case=case, pk=item).first()


FOR_THE_RESPONSE = _("To reach someone on the spot during the emergency response, and no more.")
A_YEAR_AFTER_CLOSURE = _("1 year after the emergency is closed (its categories' retention)")
EMERGENCY_FIELDS = (
    PersonalField(
        "emergencydetail.contact_name",
        "emergencies.EmergencyDetail",
        "contact_name",
        _("Contact on the spot of an emergency"),
        FOR_THE_RESPONSE,
        _("Emergency Response Law Art. 84 and PIPL Art. 13(4): an emergency"),
        A_YEAR_AFTER_CLOSURE,
        frozenset({Role.OPERATOR, Role.HANDLER}),
        mask_name,
        _emergency,
    ),
    PersonalField(
        "emergencydetail.contact_phone",
        "emergencies.EmergencyDetail",
        "contact_phone",
        _("Phone of the contact on the spot"),
        FOR_THE_RESPONSE,
        _("Emergency Response Law Art. 84 and PIPL Art. 13(4): an emergency"),
        A_YEAR_AFTER_CLOSURE,
        frozenset({Role.OPERATOR, Role.HANDLER}),
        mask_phone,
        _emergency,
    ),
)


def _application(case, item: int):
    from django.apps import apps

    detail = apps.get_model("services", "ServiceApplication")
    return detail.objects.filter(case=case, pk=item).first()


FOR_THE_APPLICATION = _("To handle the application and tell the applicant its result.")
SERVICE_APPLICATION_FIELDS = (
    PersonalField(
        "serviceapplication.applicant_name",
        "services.ServiceApplication",
        "applicant_name",
        _("Applicant for a service"),
        FOR_THE_APPLICATION,
        _("PIPL Art. 13(1) and (3): the applicant's request, and the service the law provides"),
        THREE_YEARS_AFTER_CLOSURE,
        frozenset({Role.OPERATOR, Role.HANDLER}),
        mask_name,
        _application,
    ),
    PersonalField(
        "serviceapplication.applicant_phone",
        "services.ServiceApplication",
        "applicant_phone",
        _("Applicant's phone"),
        FOR_THE_APPLICATION,
        _("PIPL Art. 13(1) and (3): the applicant's request, and the service the law provides"),
        THREE_YEARS_AFTER_CLOSURE,
        frozenset({Role.HANDLER}),
        mask_phone,
        _application,
    ),
)
# Staff's own data: where a grid worker or informant was, by grid, when they checked in on patrol
# (巡查打卡). No coordinate is kept, and never a track; the worker sees their own check-ins, the
# command centre only how many each grid had in a week.
PATROL_FIELDS = (
    PersonalField(
        "patrolcheckin.user",
        "patrols.PatrolCheckIn",
        "user/grid/at",
        _("Who checked in on patrol in a grid, and when"),
        _(
            "To show patrol coverage per grid and week. The worker sees their own check-ins; "
            "centres and leaders see only counts per grid."
        ),
        STATUTORY_DUTY,
        _("90 days, then folded into an anonymous count per grid and week, and deleted"),
        frozenset(),
    ),
)
PERSONAL_FIELDS += (
    FOLLOWER_FIELDS
    + DISPUTE_PARTY_FIELDS
    + EMERGENCY_FIELDS
    + SERVICE_APPLICATION_FIELDS
    + PATROL_FIELDS
)
BY_KEY = {personal.key: personal for personal in PERSONAL_FIELDS}


def revealable(key: str) -> PersonalField:
    """The field by its key, if it is one a page may reveal (LookupError otherwise)."""
    personal = BY_KEY.get(key)
    if personal is None or personal.mask is None or not personal.reveal_roles:
        raise LookupError(key)
    return personal
