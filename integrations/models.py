"""Credentials for the machine interfaces (the REST API and Open311): a key per integrated system
(a 12345 platform, an aggregator, a mini-program), or a token per staff member. Only a hash of the
secret is stored; the secret is shown once, when it is issued."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.county import county_code_field, county_id_unique


class Credential(models.Model):
    county_code = county_code_field()
    name = models.CharField(
        _("name"),
        max_length=80,
        help_text=_("The system it was issued to, or what a token is for."),
    )
    # A staff member's token acts as that person, with their role's scope; a system's key has no
    # user and reaches only what the interfaces grant systems (reporting, and its own cases).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)  # SHA-256, hex
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API credential")
        verbose_name_plural = _("API credentials")
        ordering = ["-created_at"]
        constraints = [county_id_unique("credential")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.user is None or self.user.is_active)


class Intake(models.Model):
    """A case made through a credential: the system it is attributed to, and the caller's
    idempotency key, so that a retried request returns the case instead of filing it twice."""

    county_code = county_code_field()
    credential = models.ForeignKey(
        Credential, verbose_name=_("credential"), on_delete=models.PROTECT, related_name="intakes"
    )
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="intake"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    # Open311's token: what a client may ask about (GET tokens/{token}) to learn the case number.
    token = models.CharField(_("token"), max_length=16, blank=True, db_index=True)
    # Open311's media_url: a photo the reporting system keeps; linked, never fetched.
    media_url = models.URLField(_("photo address"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API intake")
        verbose_name_plural = _("API intakes")
        constraints = [
            county_id_unique("intake"),
            models.UniqueConstraint(
                fields=["credential", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="one_case_per_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ← {self.credential_id}"


class StepReceipt(models.Model):
    """A step taken through a staff token with the caller's idempotency key: a retried request (a
    phone that lost the answer) gets the case back instead of a refusal or a second step."""

    county_code = county_code_field()
    credential = models.ForeignKey(
        Credential, verbose_name=_("credential"), on_delete=models.PROTECT, related_name="steps"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="receipts"
    )
    action = models.CharField(_("action"), max_length=32)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API step receipt")
        verbose_name_plural = _("API step receipts")
        constraints = [
            county_id_unique("stepreceipt"),
            models.UniqueConstraint(
                fields=["credential", "idempotency_key"], name="one_step_per_idempotency_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.case_id} ← {self.credential_id}"
