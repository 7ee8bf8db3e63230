"""A dispute's own record beside its case (人民调解, after the People's Mediation Law): who the
parties are, how risky it is, who mediates it, the sessions, the outcome and the follow-up visits.
The case keeps the loop, the deadlines and the timeline; these rows keep what mediation adds."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from wangge.county import county_code_field, county_id_unique

# 人民调解法 Art. 33: the parties apply jointly for judicial confirmation within 30 days.
CONFIRMATION_DAYS = 30


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class MediationBody(models.TextChoices):
    VILLAGE = "village", _("Village (community) mediation committee")
    TOWN = "town", _("Town mediation committee (judicial office)")
    SECTOR = "sector", _("Sector mediation committee")
    OTHER = "other", _("Other mediation body")


class Outcome(models.TextChoices):
    WRITTEN = "written", _("Written agreement")
    ORAL = "oral", _("Oral agreement")
    FAILED = "failed", _("No agreement")


class Referral(models.TextChoices):
    ARBITRATION = "arbitration", _("Arbitration")
    COURT = "court", _("Court")
    ADMINISTRATIVE = "administrative", _("Administrative body")
    NONE = "none", _("No referral")


class Performance(models.TextChoices):
    PERFORMED = "performed", _("Performed")
    PENDING = "pending", _("Not yet fully performed")


class Side(models.TextChoices):
    APPLICANT = "applicant", _("Party A (applicant)")
    RESPONDENT = "respondent", _("Party B (respondent)")
    THIRD = "third", _("Third party")


class DisputeDetail(models.Model):
    """What a dispute adds to its case: its scale and risk, the body and mediator, the outcome."""

    county_code = county_code_field()
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="dispute")
    people_involved = models.PositiveIntegerField(
        _("people involved"), default=2, validators=[MinValueValidator(1)]
    )
    amount_involved = models.DecimalField(
        _("amount involved (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    risk = models.CharField(
        _("risk of escalation"), max_length=8, choices=Risk.choices, default=Risk.LOW
    )
    body = models.CharField(
        _("mediation body"),
        max_length=10,
        choices=MediationBody.choices,
        default=MediationBody.TOWN,
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rights_informed_at = models.DateTimeField(_("parties told their rights at"), null=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    # The agreement (人民调解协议书, Art. 29): the facts, the responsibilities, the terms, and how
    # and by when they are performed. An oral agreement keeps its terms as the mediator noted them.
    facts = models.TextField(_("facts of the dispute"), blank=True)
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    terms = models.TextField(_("terms agreed"), blank=True)
    performance_method = models.TextField(_("how the terms are performed"), blank=True)
    perform_by = models.DateField(_("to be performed by"), null=True, blank=True)
    referral = models.CharField(
        _("referred to"), max_length=16, choices=Referral.choices, blank=True
    )
    confirmation_wanted = models.BooleanField(
        _("judicial confirmation to be sought"), default=False
    )
    confirmation_applied_on = models.DateField(
        _("judicial confirmation applied for on"), null=True, blank=True
    )
    confirmation_court = models.CharField(_("court"), max_length=60, blank=True)
    performance = models.CharField(
        _("performance at the last visit"), max_length=10, choices=Performance.choices, blank=True
    )

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [county_id_unique("disputedetail")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_risk_display()}"

    @property
    def agreed(self) -> bool:
        return self.outcome in (Outcome.WRITTEN, Outcome.ORAL)

    def confirmation_deadline(self):
        """The last day to apply for judicial confirmation, for a written agreement that seeks it."""
        if self.outcome != Outcome.WRITTEN or not self.confirmation_wanted or not self.outcome_at:
            return None
        return self.outcome_at.date() + timedelta(days=CONFIRMATION_DAYS)


class DisputeParty(models.Model):
    """A party to a dispute. Name and phone are personal data (privacy.registry): masked on every
    page, revealed with a reason and logged, blanked with the case's retention."""

    county_code = county_code_field()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dispute_parties")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    name = models.CharField(_("name"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "pk"]
        constraints = [county_id_unique("disputeparty")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_side_display()}"


class MediationSession(models.Model):
    """One mediation session with its minutes (调解笔录)."""

    county_code = county_code_field()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_sessions")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=80)
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["case", "held_on", "pk"]
        constraints = [county_id_unique("mediationsession")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.held_on}"


class FollowUpVisit(models.Model):
    """A follow-up visit (回访) on how the agreement is performed."""

    county_code = county_code_field()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_up_visits")
    visited_on = models.DateField(_("visited on"))
    performance = models.CharField(_("performance"), max_length=10, choices=Performance.choices)
    note = models.TextField(_("what was found"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["case", "visited_on", "pk"]
        constraints = [county_id_unique("followupvisit")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.visited_on} {self.get_performance_display()}"
