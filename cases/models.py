"""Cases (案件) and what defines their loop: categories, routing rules, the timeline, the calendar."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.models import Department
from territory.models import Level, Region
from wangge.county import county_code_field, county_id_unique

CENTRE_LEVELS = [
    (Level.COUNTY.value, Level.COUNTY.label),
    (Level.TOWN.value, Level.TOWN.label),
    (Level.VILLAGE.value, Level.VILLAGE.label),
]


class Kind(models.TextChoices):
    EVENT = "event", _("Event (事件)")
    COMPONENT = "component", _("Component (部件)")
    GOVERNANCE = "governance", _("Social governance")


class DeadlineUnit(models.TextChoices):
    WORKING_HOURS = "hours", _("working hours")
    WORKING_DAYS = "days", _("working days")


class Category(models.Model):
    """A class of problem with its codes, deadlines and default routing; editable data.

    Reference data: one list per database, the codes of GB/T 30428 and the county's own; the
    county code says whose list it is once rolled up into a city database.
    """

    county_code = county_code_field()
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    accept_limit = models.PositiveIntegerField(_("time to accept"), default=2)
    accept_unit = models.CharField(
        _("unit"), max_length=6, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_HOURS
    )
    handle_limit = models.PositiveIntegerField(_("time to handle"), default=3)
    handle_unit = models.CharField(
        _("unit"), max_length=6, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS
    )
    # The kind of case (cases.kinds) whose rules, details and steps its cases follow; blank: the
    # core loop alone.
    case_kind = models.CharField(_("kind of case"), max_length=24, blank=True, default="")
    retention_years = models.PositiveSmallIntegerField(
        _("keep personal data (years after closure)"),
        null=True,
        blank=True,
        help_text=_("Empty: the county's default (PRIVACY_RETENTION_YEARS, 3 years)."),
    )
    # How near and how recent an open case must be to be offered to a resident as the same
    # problem ("is it this one?"); empty: the parent class's, else cases.duplicates' defaults.
    duplicate_radius_metres = models.PositiveSmallIntegerField(
        _("same problem within (metres)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(2000)],
        help_text=_("Empty: the class's, else 50 m. A road or a river needs more than a lamp."),
    )
    duplicate_window_days = models.PositiveSmallIntegerField(
        _("same problem within (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Empty: the class's, else 30 days."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]
        constraints = [county_id_unique("category")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def lineage(self) -> list["Category"]:
        """This category and its ancestors, most specific first."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class FieldType(models.TextChoices):
    """The datatypes of Open311 GeoReport v2's attributes, which a category's fields follow."""

    STRING = "string", _("short text")
    NUMBER = "number", _("number")
    DATETIME = "datetime", _("date and time")
    TEXT = "text", _("long text")
    SINGLE = "singlevaluelist", _("one choice of a list")
    MULTI = "multivaluelist", _("several choices of a list")


class CategoryField(models.Model):
    """A question a category asks beyond the description (Open311's attribute): how many lamps
    are out, whether the cover is missing or broken. The report form, the API and Open311 all ask
    and check it (cases.attributes); the case keeps the answers in `Case.attributes`."""

    county_code = county_code_field()
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="report_fields",
    )
    code = models.SlugField(
        _("code"), max_length=32, help_text=_("Letters, digits, - and _; used by the API.")
    )
    label = models.CharField(_("question (Chinese)"), max_length=80)
    label_en = models.CharField(_("question (English)"), max_length=80, blank=True)
    datatype = models.CharField(_("type of answer"), max_length=16, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=False)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_("For a list: one choice per line, as key|中文|English."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("report field")
        verbose_name_plural = _("report fields")
        ordering = ["order", "pk"]
        constraints = [
            county_id_unique("categoryfield"),
            models.UniqueConstraint(
                fields=["category", "code"], name="field_code_unique_in_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.code}.{self.code}"

    def clean(self):
        from .attributes import choices_of  # the one parser of the choice lines

        keys = [choice.key for choice in choices_of(self)]
        is_list = self.datatype in (FieldType.SINGLE, FieldType.MULTI)
        if is_list and not keys:
            raise ValidationError({"choices": _("A list needs its choices, one per line.")})
        if not is_list and keys:
            raise ValidationError({"choices": _("Only a list has choices.")})
        if len(set(keys)) != len(keys) or not all(keys):
            raise ValidationError({"choices": _("Each choice needs a key of its own.")})


class RoutingRule(models.Model):
    """归口: cases of a category in a region subtree go to a department, handled at a level."""

    county_code = county_code_field()
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT
    )
    level = models.CharField(_("handling level"), max_length=10, choices=CENTRE_LEVELS)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "region"], name="one_rule_per_category_region"
            ),
            county_id_unique("routingrule"),
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.region} → {self.department}"


class Status(models.TextChoices):
    REPORTED = "reported", _("Awaiting acceptance")
    REJECTED = "rejected", _("Not accepted")
    ACCEPTED = "accepted", _("Awaiting dispatch")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLING = "handling", _("Being handled")
    EXTENSION_REQUESTED = "extension", _("Extension requested")
    SUSPENDED = "suspended", _("Suspended")
    FED_BACK = "fed_back", _("Awaiting verification")
    VERIFIED = "verified", _("Awaiting closure")
    CLOSED = "closed", _("Closed")
    EVALUATED = "evaluated", _("Evaluated")
    # The same problem as another case: closed into it (cases.services.merge_cases), its
    # reporters following the surviving case; counted once, as that case.
    MERGED = "merged", _("Merged into another case")


# The statuses in which the case's handling deadline runs (and so it can be overdue).
HANDLE_DEADLINE_STATUSES = [Status.DISPATCHED, Status.HANDLING, Status.EXTENSION_REQUESTED]

OPEN_STATUSES = [
    Status.REPORTED,
    Status.ACCEPTED,
    Status.DISPATCHED,
    Status.HANDLING,
    Status.EXTENSION_REQUESTED,
    Status.FED_BACK,
    Status.VERIFIED,
]


class Source(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    RESIDENT = "resident", _("Resident")
    HOTLINE = "hotline", _("12345 hotline")
    WINDOW = "window", _("Service window")
    API = "api", _("API")
    IMPORT = "import", _("Imported history")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


CLOSED_STATUSES = [Status.CLOSED, Status.EVALUATED]


def overdue_condition(now) -> Q:
    """Open cases past the deadline that applies to their current step: one rule for the county's
    cases and the city's copies of them."""
    return Q(status=Status.REPORTED, accept_deadline__lt=now) | Q(
        status__in=HANDLE_DEADLINE_STATUSES, handle_deadline__lt=now
    )


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def counted(self):
        """The cases a figure counts: a merged duplicate is counted once, as the case it joined."""
        return self.exclude(status=Status.MERGED)

    def overdue(self, now=None):
        """Open cases past the deadline that applies to their current step."""
        return self.filter(overdue_condition(now or timezone.now()))

    def for_list(self):
        return self.select_related("category", "town", "grid", "department")


class Case(models.Model):
    """One report that someone owns until it is closed and evaluated (一案一码)."""

    county_code = county_code_field()
    code = models.CharField(_("case number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    case_kind = models.CharField(_("kind of case"), max_length=24, blank=True, default="")
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    description = models.TextField(_("description"), max_length=2000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The answers to the category's fields (CategoryField), by field code, as cases.attributes
    # cleaned them: numbers as numbers, date-times as ISO text, list choices by their keys.
    attributes = models.JSONField(_("answers"), default=dict, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    # The grid and its village and town, kept on the case so every scope filter is one indexed column.
    grid = models.ForeignKey(
        Region, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        Region, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("reporter name"), max_length=40, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REPORTED
    )
    level = models.CharField(_("current level"), max_length=10, choices=CENTRE_LEVELS)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    accept_deadline = models.DateTimeField(_("accept by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    handle_deadline = models.DateTimeField(_("handle by"), null=True, blank=True)
    fed_back_at = models.DateTimeField(_("fed back at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    supervised_at = models.DateTimeField(_("under supervision since"), null=True, blank=True)
    requested_extension_hours = models.PositiveIntegerField(
        _("extension requested (working hours)"), null=True, blank=True
    )
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    rating = models.PositiveSmallIntegerField(_("evaluation"), null=True, blank=True)
    # Its personal fields blanked (retention or the person's request); the case and figures stay.
    anonymised_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "code"], name="case_code_unique_in_county"
            ),
            county_id_unique("case"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="case_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["dispatched", "handling", "extension", "fed_back"])
                | Q(department__isnull=False),
                name="case_department_required_once_dispatched",
            ),
        ]
        indexes = [
            models.Index(
                fields=["county_code", "status", "reported_at"], name="case_county_status"
            ),
            models.Index(fields=["town", "level", "status"], name="case_town_queue"),
            models.Index(fields=["village", "level", "status"], name="case_village_queue"),
            models.Index(fields=["grid", "status"], name="case_grid_status"),
            models.Index(fields=["department", "status"], name="case_department_status"),
            models.Index(fields=["status", "handle_deadline"], name="case_handle_deadline"),
            models.Index(fields=["status", "accept_deadline"], name="case_accept_deadline"),
            models.Index(fields=["reported_at"], name="case_reported_at"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def current_deadline(self):
        if self.status == Status.REPORTED:
            return self.accept_deadline
        if self.status in HANDLE_DEADLINE_STATUSES:
            return self.handle_deadline
        return None

    def is_overdue(self, now=None) -> bool:
        deadline = self.current_deadline()
        return deadline is not None and deadline < (now or timezone.now())


def case_photo_path(photo: "CasePhoto", filename: str) -> str:
    """Under its case, by a generated name: the uploader's name can say anything and claim any type.
    Only the extension is kept, and `cases.services._store_photos` gives the one of the type
    Pillow found in the content (a PNG sent as x.pdf is stored as ….png)."""
    extension = PurePath(filename).suffix.lower()
    return f"cases/{photo.case.county_code}/{photo.case.code}/{uuid.uuid4().hex}{extension}"


class PhotoSize(models.TextChoices):
    """The sizes a photo is served in (cases.photos makes the two smaller ones at upload)."""

    THUMBNAIL = "thumb", _("thumbnail")
    DISPLAY = "display", _("display size")
    ORIGINAL = "original", _("original")


class CasePhoto(models.Model):
    county_code = county_code_field()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=case_photo_path)  # the original, as sent
    # Upright JPEG copies without EXIF, written with the original; empty for photos stored before
    # copies were made, which are then served in their original size.
    display = models.ImageField(
        _("display size"), upload_to=case_photo_path, null=True, blank=True, editable=False
    )
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=case_photo_path, null=True, blank=True, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    stage = models.CharField(
        _("stage"), max_length=12, choices=Status.choices, default=Status.REPORTED
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [county_id_unique("casephoto")]

    def __str__(self) -> str:
        return self.image.name

    def file_in(self, size: str):
        """The stored file to serve at this size: the original when there is no copy."""
        copy = {PhotoSize.THUMBNAIL: self.thumbnail, PhotoSize.DISPLAY: self.display}.get(size)
        return copy or self.image


class TimelineEntry(models.Model):
    """One step of a case, appended and never edited (a database trigger refuses UPDATE/DELETE)."""

    county_code = county_code_field()
    case = models.ForeignKey(
        Case, on_delete=models.DO_NOTHING, related_name="timeline", db_constraint=True
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    level = models.CharField(_("level"), max_length=10, choices=CENTRE_LEVELS)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    # What staff chose to tell the reporter and the public at this step (workflow.PUBLIC_NOTE).
    public_note = models.TextField(_("note for the public"), blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="timeline_case_at"),
            models.Index(fields=["action", "at"], name="timeline_action_at"),
        ]
        constraints = [county_id_unique("timelineentry")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("timeline entries are append-only")
        super().save(*args, **kwargs)


class CaseCodeCounter(models.Model):
    """The last serial handed out per county and day, for case numbers a resident can quote."""

    county_code = models.CharField(max_length=12)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "day"], name="one_counter_per_county_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.county_code} {self.day} {self.last}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a public holiday on a weekday or a make-up workday (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"))
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
