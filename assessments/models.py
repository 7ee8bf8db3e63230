"""Risk screening campaigns (排查化解) with the risks they find, and the registry of stability-risk
assessment filings for major projects and decisions (重大决策社会稳定风险评估备案)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from staff.models import Department
from territory.models import Region
from wangge.county import county_code_field, county_id_unique


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Theme(models.TextChoices):
    STABILITY = "stability", _("Social stability (涉稳)")
    EPIDEMIC = "epidemic", _("Epidemic (涉疫)")
    SAFETY = "safety", _("Safety (涉安)")
    OTHER = "other", _("Other")


class Campaign(models.Model):
    """A screening campaign: a theme, the regions it covers, a period and the office that owns it.
    Each risk it finds is a case of the kind `risk` linked to it."""

    county_code = county_code_field()
    name = models.CharField(_("name"), max_length=80)
    theme = models.CharField(_("theme"), max_length=10, choices=Theme.choices)
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("regions screened"),
        blank=True,
        related_name="+",
        help_text=_("Empty: the whole county."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    owner = models.ForeignKey(
        Department, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("screening campaign")
        verbose_name_plural = _("screening campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [county_id_unique("campaign")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A campaign ends after it starts.")})

    def is_running(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class RiskDetail(models.Model):
    """A risk found in screening: its level, its campaign, and how it was resolved (化解)."""

    county_code = county_code_field()
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="risk")
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risks",
    )
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    resolution = models.TextField(_("how it was resolved"), blank=True)

    class Meta:
        verbose_name = _("risk found")
        verbose_name_plural = _("risks found")
        constraints = [county_id_unique("riskdetail")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_level_display()}"


class FilingType(models.TextChoices):
    CITY_ASSESSED = "city", _("Project assessed by the city (市考项目)")
    UNPLANNED = "unplanned", _("Project outside the plan (计划外项目)")
    DECISION = "decision", _("Major decision (重大决策)")


class Method(models.TextChoices):
    NOTICE = "notice", _("Public notice")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    VISITS = "visits", _("Visits")
    HEARING = "hearing", _("Hearing")
    EXPERTS = "experts", _("Expert panel")


class Decision(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    APPROVED = "approved", _("Approved")
    WITH_MITIGATION = "mitigated", _("Approved with its mitigation")
    DEFERRED = "deferred", _("Deferred")
    REJECTED = "rejected", _("Not approved")


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    FILED = "filed", _("Filed")


class Filing(models.Model):
    """稳评备案: a major project's or decision's stability-risk assessment, filed with the county's
    political-legal committee. Not a case: a register of what was assessed and decided."""

    county_code = county_code_field()
    name = models.CharField(_("project or decision"), max_length=120)
    owner = models.ForeignKey(
        Department, verbose_name=_("owner department"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=10, choices=FilingType.choices)
    assessor = models.CharField(_("assessing body"), max_length=80)
    methods = models.JSONField(_("methods used"), default=list)
    legality = models.TextField(_("legality (合法性)"))
    reasonableness = models.TextField(_("reasonableness (合理性)"))
    feasibility = models.TextField(_("feasibility (可行性)"))
    controllability = models.TextField(_("controllability (可控性)"))
    risk = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    mitigation = models.TextField(_("mitigation"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    status = models.CharField(
        _("filing status"), max_length=8, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    document = models.FileField(_("assessment report"), upload_to="filings/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("stability-risk filing")
        verbose_name_plural = _("stability-risk filings")
        ordering = ["-filed_on", "name"]
        constraints = [county_id_unique("filing")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        unknown = [method for method in self.methods or [] if method not in Method.values]
        if unknown or not self.methods:
            errors["methods"] = _("Choose at least one method of the list.")
        approved = self.decision in (Decision.APPROVED, Decision.WITH_MITIGATION)
        unmitigated = self.decision == Decision.APPROVED or not self.mitigation.strip()
        if approved and unmitigated and self.risk in (RiskLevel.HIGH, RiskLevel.MEDIUM):
            errors["decision"] = _(
                "A high or medium risk is approved only with its mitigation: write the "
                "mitigation and choose “approved with its mitigation”."
            )
        if self.status == FilingStatus.FILED and self.filed_on is None:
            errors["filed_on"] = _("A filed assessment needs the day it was filed.")
        if errors:
            raise ValidationError(errors)
