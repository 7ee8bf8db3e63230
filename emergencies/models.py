"""An emergency's own record beside its case (突发事件, after the Emergency Response Law): its
severity and warning level, its toll, its reporting deadlines, its response log and summary; and
the reporting rules as data."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category
from wangge.county import county_code_field, county_id_unique


class Severity(models.TextChoices):
    """突发事件分级 (Art. 3): I is the gravest."""

    I = "1", _("I (特别重大)")  # noqa: E741 (the law's own numeral)
    II = "2", _("II (重大)")
    III = "3", _("III (较大)")
    IV = "4", _("IV (一般)")


# Level III and above go straight to the county centre.
COUNTY_SEVERITIES = (Severity.I, Severity.II, Severity.III)


class Warning(models.TextChoices):
    RED = "red", _("Red")
    ORANGE = "orange", _("Orange")
    YELLOW = "yellow", _("Yellow")
    BLUE = "blue", _("Blue")


class ReportingRule(models.Model):
    """How soon an emergency of a class and severity is reported up: a first report (首报, by
    phone or message) and a written one (书面报告), in minutes from when it was reported here.
    A rule for a class comes before the rule for every class (class empty)."""

    county_code = county_code_field()
    emergency_class = models.ForeignKey(
        Category,
        verbose_name=_("class of emergency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        limit_choices_to={"parent__isnull": True, "case_kind": "emergency"},
        help_text=_("Empty: every class."),
    )
    severity = models.CharField(_("severity"), max_length=1, choices=Severity.choices)
    first_report_minutes = models.PositiveIntegerField(
        _("first report within (minutes)"), validators=[MinValueValidator(1)]
    )
    written_report_minutes = models.PositiveIntegerField(
        _("written report within (minutes)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("reporting rule")
        verbose_name_plural = _("reporting rules")
        ordering = ["severity", "emergency_class__code"]
        constraints = [
            county_id_unique("reportingrule"),
            models.UniqueConstraint(
                fields=["county_code", "emergency_class", "severity"],
                name="one_reporting_rule_per_class_and_severity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.first_report_minutes} / {self.written_report_minutes} min"


class EmergencyDetail(models.Model):
    county_code = county_code_field()
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="emergency")
    severity = models.CharField(_("severity"), max_length=1, choices=Severity.choices)
    warning = models.CharField(
        _("warning level"), max_length=8, choices=Warning.choices, blank=True
    )
    deaths = models.PositiveIntegerField(_("dead"), default=0)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    affected = models.PositiveIntegerField(
        _("people affected"), default=0, validators=[MaxValueValidator(10_000_000)]
    )
    # Someone to reach on the spot: personal data for the response alone (privacy.registry),
    # blanked with the case a year after it closes.
    contact_name = models.CharField(_("contact on the spot"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact's phone"), max_length=20, blank=True)
    first_report_due = models.DateTimeField(_("first report due"), null=True, blank=True)
    written_report_due = models.DateTimeField(_("written report due"), null=True, blank=True)
    first_reported_at = models.DateTimeField(_("first reported at"), null=True, blank=True)
    written_reported_at = models.DateTimeField(_("written report at"), null=True, blank=True)
    # Each late report is put under supervision once (emergencies.services.supervise_late_reports).
    first_late_flagged = models.BooleanField(default=False)
    written_late_flagged = models.BooleanField(default=False)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("emergency")
        verbose_name_plural = _("emergencies")
        constraints = [county_id_unique("emergencydetail")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_severity_display()}"


class EntryKind(models.TextChoices):
    REPORT = "report", _("Report up")
    MEASURE = "measure", _("Measure taken")
    RESOURCE = "resource", _("Resources sent")
    UPDATE = "update", _("Update")


class ResponseEntry(models.Model):
    """One line of the response log (应急处置记录)."""

    county_code = county_code_field()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="response_log")
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    text = models.TextField(_("what"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("response log entry")
        verbose_name_plural = _("response log")
        ordering = ["case", "at", "pk"]
        constraints = [county_id_unique("responseentry")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d %H:%M} {self.kind}"
