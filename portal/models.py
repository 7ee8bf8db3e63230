"""What the residents' portal keeps beside a case: who follows it by a private link, the reports
held for a look before they are public, and the residents' ratings."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.county import county_code_field, county_id_unique


class FollowReason(models.TextChoices):
    REPORTED = "reported", _("Reported it")
    ME_TOO = "me_too", _("Me too")
    MERGED = "merged", _("Reported a duplicate, merged into this case")


class Follower(models.Model):
    """Someone following a case by a private link (portal.services.follow): the reporter, a
    resident who said "me too", or the reporter of a duplicate merged into it.

    The link carries the follower's number signed with the site's key (portal.services), so
    nothing secret is stored and a message can carry the link again. The contact is optional,
    for messages about this case only, and blanked 30 days after the case ends
    (privacy.retention).
    """

    county_code = county_code_field()
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="followers"
    )
    reason = models.CharField(_("why"), max_length=8, choices=FollowReason.choices)
    phone = models.CharField(_("phone for messages"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail for messages"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [county_id_unique("follower")]
        indexes = [models.Index(fields=["case", "reason"], name="follower_case_reason")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.reason}"


class HeldReport(models.Model):
    """A resident's report held back from the public pages until an operator has looked at it
    (审核): sent after a challenge near the rate limit, or with words the county flags. The case
    itself runs as any other; only its public face waits."""

    county_code = county_code_field()
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="hold"
    )
    reason = models.CharField(_("why held"), max_length=200)
    held_at = models.DateTimeField(_("held at"), default=timezone.now)
    released_at = models.DateTimeField(_("looked at"), null=True, blank=True)
    released_by = models.ForeignKey(
        "staff.User",
        verbose_name=_("looked at by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("held report")
        verbose_name_plural = _("held reports")
        constraints = [county_id_unique("heldreport")]
        indexes = [
            models.Index(
                fields=["held_at"], condition=Q(released_at__isnull=True), name="heldreport_waiting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.reason}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied (满意)")
    FAIRLY = "fairly", _("Fairly satisfied (基本满意)")
    DISSATISFIED = "dissatisfied", _("Dissatisfied (不满意)")


# On the case's 1–5 evaluation, so that the centre's figures read one scale.
SATISFACTION_SCORE = {
    Satisfaction.SATISFIED: 5,
    Satisfaction.FAIRLY: 3,
    Satisfaction.DISSATISFIED: 1,
}


class ResidentRating(models.Model):
    """A resident's rating of a closed case, from their private link; appended, never edited.
    A case rated 不满意 as not fixed and reworked can be rated again once it closes again."""

    county_code = county_code_field()
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="ratings"
    )
    follower = models.ForeignKey(
        Follower, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    satisfaction = models.CharField(_("rating"), max_length=12, choices=Satisfaction.choices)
    not_fixed = models.BooleanField(_("the problem is not fixed"), default=False)
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("resident's rating")
        verbose_name_plural = _("residents' ratings")
        ordering = ["at", "id"]
        constraints = [county_id_unique("residentrating")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.satisfaction}"
