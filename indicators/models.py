"""Aggregate figures (DHIS2-style data sets): forms of counts per region and period, entered by
the responsible office, checked by rules, approved, with an append-only history.

Counts, never lists of people: no table here has a column for a person other than the staff who
entered, submitted or approved a report."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from staff.models import Role
from territory.models import Level, Region
from wangge.county import county_code_field, county_id_unique


def _in_language(chinese: str, english: str) -> str:
    """The Chinese text, or the English one for a user reading English (when there is one)."""
    language = get_language() or ""
    return english if language.startswith("en") and english else chinese


class ValueType(models.TextChoices):
    WHOLE = "whole", _("Whole number")
    DECIMAL = "decimal", _("Decimal, 2 places")


class PeriodType(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


class DataElement(models.Model):
    """One figure: what is counted and in which unit (个, 起, 人, 万元, 户). Never negative."""

    county_code = county_code_field()
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    unit = models.CharField(_("unit of count"), max_length=10)
    value_type = models.CharField(
        _("value type"), max_length=8, choices=ValueType.choices, default=ValueType.WHOLE
    )

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "code"], name="dataelement_code_unique_per_county"
            ),
            county_id_unique("dataelement"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _in_language(self.name, self.name_en)


class DataSet(models.Model):
    """A form of figures entered for each region of one level and each period, by its office."""

    county_code = county_code_field()
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    period_type = models.CharField(_("period type"), max_length=8, choices=PeriodType.choices)
    level = models.CharField(
        _("entered for each"), max_length=10, choices=Level.choices, default=Level.COUNTY
    )
    office = models.CharField(
        _("responsible department"),
        max_length=32,
        blank=True,
        help_text=_("The code of the department whose handlers enter the figures, if any."),
    )
    entry_role = models.CharField(
        _("also entered by"),
        max_length=16,
        choices=[(Role.OPERATOR, Role.OPERATOR.label), (Role.GRID_WORKER, Role.GRID_WORKER.label)],
        default=Role.OPERATOR,
        help_text=_("Who at the region itself enters: its centre's operator, or its grid worker."),
    )
    approval_level = models.CharField(
        _("approved by the centre of"),
        max_length=10,
        choices=[(level, label) for level, label in Level.choices if level != Level.GRID],
        default=Level.COUNTY,
        help_text=_("Operators of this level (or above) over the region approve, and admins."),
    )
    source = models.TextField(_("source and notes"), blank=True)
    elements = models.ManyToManyField(
        DataElement, through="DataSetElement", related_name="data_sets"
    )

    class Meta:
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "code"], name="dataset_code_unique_per_county"
            ),
            county_id_unique("dataset"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _in_language(self.name, self.name_en)


class DataSetElement(models.Model):
    county_code = county_code_field()
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="members")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "element"], name="datasetelement_once_per_set"
            ),
            county_id_unique("datasetelement"),
        ]

    def __str__(self) -> str:
        return f"{self.data_set_id}: {self.element_id}"


class Operator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    EQ = "=", "="
    GE = ">=", "≥"
    GT = ">", ">"


class ValidationRule(models.Model):
    """left operator right, each side a sum of element codes or a constant ("a + b", "0").
    Only rules true by definition: a rule the real figures could break would refuse them."""

    county_code = county_code_field()
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("code"), max_length=40)
    left = models.CharField(_("left side"), max_length=200)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("right side"), max_length=200)
    message = models.CharField(_("rule message"), max_length=200)
    message_en = models.CharField(_("message in English"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["data_set", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "code"], name="validationrule_code_unique_per_set"
            ),
            county_id_unique("validationrule"),
        ]

    def __str__(self) -> str:
        return f"{self.left} {self.get_operator_display()} {self.right}"

    @property
    def text(self) -> str:
        return _in_language(self.message, self.message_en)

    def clean(self):
        from .rules import parse_side

        try:
            terms = parse_side(self.left or "") + parse_side(self.right or "")
        except ValueError:
            raise ValidationError(_("Each side is a sum of element codes or numbers.")) from None
        members = (
            set(self.data_set.elements.values_list("code", flat=True))
            if self.data_set_id
            else set()
        )
        unknown = sorted({term.code for term in terms if term.code and term.code not in members})
        if unknown:
            raise ValidationError(
                _("Not elements of this data set: %(codes)s") % {"codes": ", ".join(unknown)}
            )


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", pgettext_lazy("report status", "Approved")


#: A report's figures may be changed in these states; approved ones are locked until reopened.
EDITABLE = (Status.DRAFT, Status.RETURNED)


class Report(models.Model):
    """The figures of one data set for one region and one period, and where they stand."""

    county_code = county_code_field()
    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="reports")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    return_reason = models.CharField(_("reason returned"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("report of figures")
        verbose_name_plural = _("reports of figures")
        ordering = ["data_set", "period", "region__path"]
        indexes = [
            models.Index(fields=["data_set", "period", "status"], name="report_set_period_status")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "region", "period"], name="report_once_per_region_period"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_by__isnull=False),
                name="report_approved_has_approver",
            ),
            county_id_unique("report"),
        ]

    def __str__(self) -> str:
        return f"{self.data_set} {self.region} {self.period}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class DataValue(models.Model):
    """One entered figure. A figure not entered has no row: "not entered" is never zero."""

    county_code = county_code_field()
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(fields=["report", "element"], name="datavalue_once_per_report"),
            models.CheckConstraint(condition=Q(value__gte=0), name="datavalue_never_negative"),
            county_id_unique("datavalue"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.element_id} = {self.value}"


class Action(models.TextChoices):
    ENTER = "enter", _("Entered")
    CHANGE = "change", _("Changed")
    CLEAR = "clear", _("Cleared")
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", pgettext_lazy("report status", "Approved")
    RETURN = "return", _("Returned")
    REOPEN = "reopen", _("Reopened for correction")
    IMPORT = "import", _("Imported")


class HistoryEntry(models.Model):
    """Who did what to a report, and when: every figure entered or changed (old → new), every
    submission, approval, return and reopening. Appended, never edited (database triggers)."""

    county_code = county_code_field()
    report = models.ForeignKey(Report, on_delete=models.DO_NOTHING, related_name="history")
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    element = models.ForeignKey(
        DataElement, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    old_value = models.DecimalField(
        _("old value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    new_value = models.DecimalField(
        _("new value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["report", "at"], name="indicatorhistory_report_at")]
        constraints = [county_id_unique("historyentry")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("history entries are append-only")
        super().save(*args, **kwargs)
