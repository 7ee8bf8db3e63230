"""Safe-unit creation (平安创建): the units of the ten sectors, the checklists they are inspected
against ("十有十没有"), the inspections with one result per item, the hazard cases their failed
items became, and the log of each unit's 平安单位 status.

A hazard is a case like any other (the kind `hazard`): its grid, number, routing, deadlines and
timeline are the core's. These tables keep what safe-unit creation adds: which unit, which
inspection, which item.
"""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category
from territory.models import Region
from wangge.county import county_code_field, county_id_unique

KIND = "hazard"  # the kind of case of the hazards (cases.kinds)


class Checklist(models.Model):
    """A list of items a unit is inspected against, with the score it must reach ("十有十没有"
    for every sector by default; a sector may have its own)."""

    county_code = county_code_field()
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=80)
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("90.0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The score (out of 100) an inspection must reach to pass."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["code"]
        constraints = [
            county_id_unique("checklist"),
            models.UniqueConstraint(
                fields=["county_code", "code"], name="checklist_code_unique_in_county"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One item of a checklist: what is checked, its weight in the score, and whether failing it
    fails the inspection whatever the score (一票否决: the "没有" items)."""

    county_code = county_code_field()
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("item"), max_length=120)
    guidance = models.CharField(
        _("what to look at"),
        max_length=200,
        blank=True,
        help_text=_("Shown under the item on the inspection form."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1)], help_text=_("Points in the score.")
    )
    veto = models.BooleanField(
        _("veto (一票否决)"),
        default=False,
        help_text=_("Failing it fails the inspection and withholds 平安单位, whatever the score."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "order", "pk"]
        constraints = [county_id_unique("checklistitem")]

    def __str__(self) -> str:
        return self.text


class Sector(models.Model):
    """A sector of units (schools, hospitals …): the checklist its units are inspected against
    and the hazard category their failed items are filed under, whose routing sends them to the
    sector's department (学校 → 县教育体育局)."""

    county_code = county_code_field()
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=40)
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="sectors"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("hazard category"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"case_kind": KIND, "children__isnull": True},
        help_text=_("Failed items become cases of this category, routed by its rules."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "code"]
        constraints = [
            county_id_unique("sector"),
            models.UniqueConstraint(
                fields=["county_code", "code"], name="sector_code_unique_in_county"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SafeStatus(models.TextChoices):
    PENDING = "pending", _("Not yet rated")
    SAFE = "safe", _("Safe unit (平安单位)")
    NOT_SAFE = "not_safe", _("Not up to standard")


class Unit(models.Model):
    """A school, hospital, market … registered for safe-unit creation: a place, not a person.
    No contact person is kept: the unit is reached through its sector's department."""

    county_code = county_code_field()
    name = models.CharField(_("name"), max_length=100)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="units"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    # The grid the point lies in, and its village and town, kept like a case's for scope filters.
    grid = models.ForeignKey(
        Region, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        Region, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SafeStatus.choices, default=SafeStatus.PENDING
    )
    status_since = models.DateTimeField(_("status since"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("A unit closed or moved away: kept, not counted.")
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["town", "sector", "name"]
        constraints = [
            county_id_unique("unit"),
            models.UniqueConstraint(
                fields=["county_code", "grid", "name"], name="unit_name_unique_in_grid"
            ),
        ]
        indexes = [models.Index(fields=["town", "sector"], name="unit_town_sector")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_safe(self) -> bool:
        return self.status == SafeStatus.SAFE


class Inspection(models.Model):
    """One inspection of a unit against its sector's checklist: who, when, the score and whether
    it passed (the checklist's pass mark reached and no veto item failed), as found then."""

    county_code = county_code_field()
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="inspections"
    )
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="+"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("inspected at"), default=timezone.now)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=4, decimal_places=1)
    vetoed = models.BooleanField(_("a veto item failed"), default=False)
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-at", "-pk"]
        constraints = [
            county_id_unique("inspection"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="inspection_score_0_to_100"
            ),
        ]
        indexes = [models.Index(fields=["unit", "at"], name="inspection_unit_at")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.at:%Y-%m-%d} {self.score}"


class ItemResult(models.Model):
    """One item's result in an inspection. The item's text, weight and veto are copied as they
    stood, so an inspection reads the same after the checklist is edited."""

    county_code = county_code_field()
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("item"), max_length=120)
    weight = models.PositiveSmallIntegerField(_("weight"))
    veto = models.BooleanField(_("veto (一票否决)"), default=False)
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("item result")
        verbose_name_plural = _("item results")
        ordering = ["inspection", "pk"]
        constraints = [
            county_id_unique("itemresult"),
            models.UniqueConstraint(
                fields=["inspection", "item"], name="one_result_per_item_and_inspection"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text}: {'✓' if self.passed else '✗'}"


def inspection_photo_path(photo: "InspectionPhoto", filename: str) -> str:
    """Under its unit, by a generated name; the extension is the one of the type found in the
    content (as for case photos)."""
    extension = PurePath(filename).suffix.lower()
    unit = photo.inspection.unit
    return f"safety/{unit.county_code}/{unit.pk}/{uuid.uuid4().hex}{extension}"


class InspectionPhoto(models.Model):
    """A photo taken at an inspection (the site, the fire exits …), served only to those who may
    open the unit. Photos of a failed item go to its hazard case instead."""

    county_code = county_code_field()
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("inspection")
    )
    image = models.ImageField(_("photo"), upload_to=inspection_photo_path)
    display = models.ImageField(_("display size"), upload_to=inspection_photo_path, editable=False)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=inspection_photo_path, editable=False)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["inspection", "pk"]
        constraints = [county_id_unique("inspectionphoto")]

    def __str__(self) -> str:
        return self.image.name


class HazardDetail(models.Model):
    """A hazard case's link to where it was found: the unit, the inspection and the failed item.
    A hazard reported outside an inspection (on the report form) keeps the row empty."""

    county_code = county_code_field()
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="hazard")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    result = models.OneToOneField(
        ItemResult,
        verbose_name=_("failed item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazard",
    )

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        constraints = [county_id_unique("hazarddetail")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.unit_id}"


class StatusReason(models.TextChoices):
    EARNED = "earned", _("Met the rule at an inspection")
    LOW_SCORE = "low_score", _("The inspection scored below the pass mark")
    VETO = "veto", _("A veto item (一票否决) failed")
    OVERDUE = "overdue", _("A hazard passed its deadline unresolved")


class StatusChange(models.Model):
    """A unit's 平安单位 status changed: when, to what, why, and the inspection or hazard case that
    made it. Appended, never edited (a database trigger refuses UPDATE and DELETE); the figures
    read a unit's status on any day from it."""

    county_code = county_code_field()
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.DO_NOTHING,
        related_name="status_changes",
    )
    at = models.DateTimeField(_("time"))
    status = models.CharField(_("status"), max_length=10, choices=SafeStatus.choices)
    reason = models.CharField(_("reason"), max_length=10, choices=StatusReason.choices)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("hazard case"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["unit", "at", "pk"]
        constraints = [county_id_unique("statuschange")]
        indexes = [models.Index(fields=["unit", "at"], name="statuschange_unit_at")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.at:%Y-%m-%d} {self.status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("status changes are append-only")
        super().save(*args, **kwargs)
