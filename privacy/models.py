"""The reveal log: who saw which personal field of which case, when and why (append-only)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.county import county_code_field, county_id_unique

from .registry import BY_KEY


class RevealReason(models.TextChoices):
    CALL_BACK = "call_back", _("Calling the reporter back about the case")
    VERIFY = "verify", _("Checking the report's facts with the reporter")
    OUTCOME = "outcome", _("Telling the reporter the outcome")
    PERSON_REQUEST = "person_request", _("The person's own request (PIPL Art. 45)")
    MEDIATION = "mediation", _("Mediating a dispute: reaching the parties, writing the agreement")
    OTHER = "other", _("Other (say why)")


class RevealLog(models.Model):
    """One reveal of one personal field; a database trigger refuses UPDATE and DELETE."""

    county_code = county_code_field()
    at = models.DateTimeField(_("time"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("field"), max_length=40)
    # Which row of the case held it, for a field of the case's rows (a party of a dispute …).
    item = models.BigIntegerField(_("item"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=RevealReason.choices)
    reason_text = models.CharField(_("reason in words"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reveal of personal data")
        verbose_name_plural = _("reveals of personal data")
        ordering = ["-at", "-id"]
        constraints = [county_id_unique("reveallog")]
        indexes = [
            models.Index(fields=["county_code", "at"], name="reveallog_county_at"),
            models.Index(fields=["case", "at"], name="reveallog_case_at"),
            models.Index(fields=["user", "at"], name="reveallog_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.case_id} {self.field}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("reveal log entries are append-only")
        super().save(*args, **kwargs)

    @property
    def field_label(self):
        personal = BY_KEY.get(self.field)
        return personal.label if personal else self.field


class ActionKind(models.TextChoices):
    RETENTION = "retention", _("Retention: personal data of old cases removed")
    SEARCH = "search", _("A person's request: cases found by phone")
    EXPORT = "export", _("A person's request: their cases exported")
    ANONYMISE = "anonymise", _("A person's request: their cases anonymised")


class PrivacyAction(models.Model):
    """What was done with personal data beyond showing it: a retention run, a person's request."""

    county_code = county_code_field()
    at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("action"), max_length=12, choices=ActionKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # empty: the nightly task
    phone_masked = models.CharField(_("phone (masked)"), max_length=24, blank=True)
    case_count = models.PositiveIntegerField(_("cases"))
    case_codes = models.TextField(_("case numbers"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("personal data action")
        verbose_name_plural = _("personal data actions")
        ordering = ["-at", "-id"]
        constraints = [county_id_unique("privacyaction")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.case_count}"
