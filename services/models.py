"""The convenience-service catalogue (便民服务事项) and what an application keeps beside its case;
the social-psychological service's requests, kept apart from cases on purpose (see below)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category
from staff.models import Department
from wangge.county import county_code_field, county_id_unique


class Window(models.TextChoices):
    """Where an item is handled (办理地点)."""

    COUNTY = "county", _("County government service centre")
    TOWN = "town", _("Town convenience service centre")
    VILLAGE = "village", _("Village service point")
    ONLINE = "online", _("Online")


class ServiceItem(models.Model):
    """One item of the catalogue (事项), as a resident reads it in the service guide (办事指南).

    An item handled as an application is a leaf category of the kind `service` (same code), so
    routing sends its applications to the window that handles it. A confidential item (社会心理
    服务) has no category: its requests never become cases (CounsellingRequest)."""

    county_code = county_code_field()
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(_("group"), max_length=40)
    category = models.OneToOneField(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_item",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("competent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    documents = models.TextField(_("documents required"), help_text=_("One per line."))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"), help_text=_("0: done on the spot (即办).")
    )
    fee = models.CharField(_("fee"), max_length=60, default="免费")
    windows = models.CharField(
        _("where handled"), max_length=40, help_text=_("county, town, village, online")
    )
    agent_allowed = models.BooleanField(_("a grid worker may apply as agent (代办)"))
    confidential = models.BooleanField(
        _("confidential (sensitive personal data)"),
        default=False,
        help_text=_("Requests are kept apart from cases and open only to named counsellors."),
    )
    example = models.BooleanField(
        _("example data"), default=True, help_text=_("Shipped as an example: check it locally.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["code"]
        constraints = [
            county_id_unique("serviceitem"),
            models.UniqueConstraint(
                fields=["county_code", "code"], name="serviceitem_code_unique_in_county"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]

    @property
    def window_labels(self) -> list[str]:
        return [Window(code).label for code in self.windows.split(",") if code in Window.values]


class ServiceApplication(models.Model):
    """An application's own facts beside its case (the kind's detail): who applies, what they
    handed in, what is missing (补正) and the result (办结)."""

    county_code = county_code_field()
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="service_application")
    applicant_name = models.CharField(_("applicant's name"), max_length=40, blank=True)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=20, blank=True)
    documents_brought = models.TextField(_("documents handed in"), blank=True)
    missing_documents = models.TextField(_("documents still missing (补正)"), blank=True)
    result = models.TextField(_("result (办结)"), blank=True)

    class Meta:
        verbose_name = _("service application")
        verbose_name_plural = _("service applications")
        constraints = [county_id_unique("serviceapplication")]

    def __str__(self):
        return str(self.case_id)


class Counsellor(models.Model):
    """A person named to open social-psychological service requests (社会心理服务): no one else
    does, whatever their role."""

    county_code = county_code_field()
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counsellor"
    )
    qualification = models.CharField(_("qualification"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counsellor")
        verbose_name_plural = _("counsellors")
        constraints = [county_id_unique("counsellor")]

    def __str__(self):
        return self.user.full_name or self.user.username


class Concern(models.TextChoices):
    EMOTION = "emotion", _("Low mood or anxiety")
    FAMILY = "family", _("Family or relationships")
    STRESS = "stress", _("Work, study or money worries")
    GRIEF = "grief", _("Loss or grief")
    CRISIS = "crisis", _("Crisis: a risk to self or others")
    OTHER = "other", _("Other")


class CounsellingStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a counsellor")
    OPEN = "open", _("In counselling")
    REFERRED = "referred", _("Referred to a medical service")
    CLOSED = "closed", _("Closed")


class CounsellingRequest(models.Model):
    """A request for the social-psychological service. Its content is sensitive personal data
    (PIPL Art. 28): it is not a case, so it is in no case list, map, export, API, feed or city
    copy; only named counsellors open it (each opening logged), others see counts by town and
    month. Blanked two years after closing (privacy.retention)."""

    county_code = county_code_field()
    town = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    concern = models.CharField(_("concern"), max_length=12, choices=Concern.choices)
    consent = models.BooleanField(_("the person agreed to be contacted"))
    name = models.CharField(_("name"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CounsellingStatus.choices,
        default=CounsellingStatus.WAITING,
    )
    counsellor = models.ForeignKey(
        Counsellor, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    sessions = models.PositiveSmallIntegerField(_("sessions held"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("social-psychological service request")
        verbose_name_plural = _("social-psychological service requests")
        ordering = ["-requested_at"]
        constraints = [county_id_unique("counsellingrequest")]

    def __str__(self):
        return f"{self.pk}"  # never the name: it would show in the admin and the logs


class CounsellingOpened(models.Model):
    """Each time a counsellor opens a request: who, when, which (append-only)."""

    county_code = county_code_field()
    request = models.ForeignKey(CounsellingRequest, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [county_id_unique("counsellingopened")]

    def __str__(self):
        return f"{self.request_id} {self.at:%Y-%m-%d %H:%M}"
