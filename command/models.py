"""The command centre's aggregates: what happened to cases, counted by day, grid, category,
department, source, level and step, so that an indicator over any region and period sums rows
instead of scanning cases (command.facts keeps them current; `rebuild_facts` recounts them).

A key may have several rows: a step adds its own row rather than updating a shared one, so that
two reports in the same grid and day never wait on each other's transaction; figures sum rows
anyway, and `compact_facts` (nightly) folds them into one row per key."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CENTRE_LEVELS, Source
from wangge.county import county_code_field, county_id_unique


class Step(models.TextChoices):
    """What is counted. Most are steps of the case loop on the day they were taken; a few are
    states of the case, moved when the case changes: DUE and CLOSED_ON_TIME on its handling
    deadline's day, HANDLED_ON_TIME and HANDLING_HOURS on its last feedback's day."""

    REPORTED = "reported", _("Reported (上报)")
    ACCEPTED = "accepted", _("Accepted (立案)")
    REJECTED = "rejected", _("Not accepted (不予立案)")
    MERGED = "merged", _("Merged as a duplicate (合并)")
    DISPATCHED = "dispatched", _("Dispatched (派遣)")
    HANDLED = "handled", _("Handled (处置反馈)")
    REWORKED = "reworked", _("Sent back for rework (返工)")
    EXTENDED = "extended", _("Extension approved (延期)")
    SUSPENDED = "suspended", _("Suspended (挂账)")
    SUPERVISED = "supervised", _("Put under supervision (督办)")
    ESCALATED = "escalated", _("Escalated (上报上级)")
    CLOSED = "closed", _("Closed (结案)")
    RATED = "rated", _("Evaluated (评价)")
    SATISFIED = "satisfied", _("Evaluated satisfied or fairly satisfied")
    # States, on the day they came about:
    DUE = "due", _("Due to be handled (应结案)")
    HANDLED_ON_TIME = "handled_on_time", _("Handled by its deadline")
    CLOSED_ON_TIME = "closed_on_time", _("Due, handled by then and closed (按期结案)")
    HANDLING_HOURS = "handling_hours", _("Handled: working hours from dispatch")


def step_choices() -> list[tuple[str, str]]:
    """The core's steps and those the kinds of case count (cases.kinds.CountedStep)."""
    from cases.kinds import kind_counted_steps

    known = dict(Step.choices)
    for counted in kind_counted_steps():
        known.setdefault(counted.step, counted.label)
    return list(known.items())


# Working-hour bounds of the handling-time histogram (Fact.bucket), from which percentiles are
# read: bucket i holds hours in [BOUNDS[i-1], BOUNDS[i]), the last one everything above.
HOUR_BOUNDS = (1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 64, 80, 120, 160, 240, 400)

# What a fact is counted by.
FACT_KEY = (
    "county_code",
    "day",
    "grid_id",
    "category_id",
    "department_id",
    "source",
    "level",
    "step",
    "bucket",
)


class Fact(models.Model):
    """How many times one step happened on one day in one grid, for one category, department
    (0: none yet), source and level; `hours` sums the working hours of HANDLING_HOURS, whose
    facts are also counted by `bucket` of hours."""

    county_code = county_code_field()
    day = models.DateField(_("day"))
    grid_id = models.BigIntegerField(_("grid"))
    category_id = models.BigIntegerField(_("category"))
    department_id = models.BigIntegerField(_("department"), default=0)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    level = models.CharField(_("level"), max_length=10, choices=CENTRE_LEVELS)
    step = models.CharField(_("step"), max_length=16, choices=step_choices)
    bucket = models.PositiveSmallIntegerField(
        _("hours bucket"), default=0, help_text=_("Only for handling hours: see HOUR_BOUNDS.")
    )
    count = models.IntegerField(_("count"), default=0)
    hours = models.FloatField(_("working hours"), default=0)

    KEY = FACT_KEY

    class Meta:
        verbose_name = _("case fact")
        verbose_name_plural = _("case facts")
        constraints = [county_id_unique("fact")]
        indexes = [
            models.Index(fields=["step", "day"], name="fact_step_day"),
            # A grid's or village's figures: tens of its own rows a month, not a walk through
            # the whole county's facts of each step.
            models.Index(fields=["grid_id", "day"], name="fact_grid_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.step} ×{self.count}"


MONTH_KEY = ("county_code", "month", "village_id", "step", "bucket")


class MonthFact(models.Model):
    """The facts by month and village only: what the shipped indicators (no filters) need for
    whole months, quarters and years of a county, town or village, in about a tenth of the
    daily facts' rows (the daily ones count each grid, category, department, source, level and
    day). Kept current and compacted beside Fact."""

    county_code = county_code_field()
    month = models.DateField(_("month"), help_text=_("Its first day."))
    village_id = models.BigIntegerField(_("village"))
    step = models.CharField(_("step"), max_length=16, choices=step_choices)
    bucket = models.PositiveSmallIntegerField(_("hours bucket"), default=0)
    count = models.IntegerField(_("count"), default=0)
    hours = models.FloatField(_("working hours"), default=0)

    KEY = MONTH_KEY

    class Meta:
        verbose_name = _("case fact by month")
        verbose_name_plural = _("case facts by month")
        constraints = [county_id_unique("monthfact")]
        # Covering: a figure is read from the index alone.
        indexes = [
            models.Index(
                fields=["step", "month", "county_code", "village_id", "bucket", "count", "hours"],
                name="monthfact_step_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.step} ×{self.count}"


TOWN_MONTH_KEY = (
    "county_code", "month", "town_id", "category_id", "department_id", "step", "bucket",
)  # fmt: skip


class TownMonthFact(models.Model):
    """The facts by month, town, category and department: what a county's or town's figures
    split by category or department need over whole months (a county's year of reports by
    category is about a fifteenth of the daily facts' rows for it). Kept current and compacted
    beside Fact."""

    county_code = county_code_field()
    month = models.DateField(_("month"), help_text=_("Its first day."))
    town_id = models.BigIntegerField(_("town"))
    category_id = models.BigIntegerField(_("category"))
    department_id = models.BigIntegerField(_("department"), default=0)
    step = models.CharField(_("step"), max_length=16, choices=step_choices)
    bucket = models.PositiveSmallIntegerField(_("hours bucket"), default=0)
    count = models.IntegerField(_("count"), default=0)
    hours = models.FloatField(_("working hours"), default=0)

    KEY = TOWN_MONTH_KEY

    class Meta:
        verbose_name = _("case fact by month and town")
        verbose_name_plural = _("case facts by month and town")
        constraints = [county_id_unique("townmonthfact")]
        # Covering: a split is read from the index alone.
        indexes = [
            models.Index(
                fields=[
                    "step", "month", "county_code", "town_id", "category_id", "department_id",
                    "bucket", "count", "hours",
                ],
                name="townmonthfact_step_month",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.step} ×{self.count}"


class CaseState(models.Model):
    """The state facts (Step.DUE …) a case adds to the aggregates now, as [step, day,
    department_id, level, hours] rows: when the case changes, these are taken back and its new
    ones added (command.facts.refresh_state)."""

    county_code = county_code_field()
    case_id = models.BigIntegerField(_("case"), unique=True)
    facts = models.JSONField(_("facts"), default=list)

    class Meta:
        verbose_name = _("case's state facts")
        verbose_name_plural = _("cases' state facts")
        constraints = [county_id_unique("casestate")]

    def __str__(self) -> str:
        return f"case {self.case_id}: {len(self.facts)} facts"


class Indicator(models.Model):
    """An indicator as data (the DHIS2 idea, over case facts): a numerator and an optional
    denominator, each the sum of one step's facts under the same filters, times a factor, in a
    unit, with its rule in plain words. Never edited in place: a change is a new version from a
    moment on (command.services.revise_indicator), so a figure published last month can be
    recomputed with last month's rule."""

    county_code = county_code_field()
    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    name = models.CharField(_("name"), max_length=60)
    definition = models.TextField(_("definition"))
    numerator = models.CharField(_("numerator"), max_length=16, choices=step_choices)
    numerator_hours = models.BooleanField(
        _("numerator sums working hours"), default=False, help_text=_("Else it counts.")
    )
    denominator = models.CharField(
        _("denominator"), max_length=16, choices=step_choices, blank=True
    )
    percentile = models.PositiveSmallIntegerField(
        _("percentile"),
        null=True,
        blank=True,
        help_text=_("Give the numerator's hours at this percentile instead of a sum (e.g. 90)."),
    )
    factor = models.FloatField(_("factor"), default=1)
    unit = models.CharField(_("unit"), max_length=12, blank=True)
    # Filters, each a list; empty: no filter.
    kinds = models.JSONField(_("kinds of problem"), default=list, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    levels = models.JSONField(_("levels"), default=list, blank=True)
    categories = models.JSONField(_("category codes"), default=list, blank=True)
    departments = models.JSONField(_("department codes"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code", "-version"]
        constraints = [
            county_id_unique("indicator"),
            models.UniqueConstraint(
                fields=["county_code", "code", "version"], name="indicator_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ScoreComponent(models.Model):
    """One indicator in the county's composite score (the league tables), with its weight and
    its direction. Only rates (unit %) take part: a rate where lower is better counts as
    100 − its value. The score is the weighted mean of the components a unit has a figure for."""

    county_code = county_code_field()
    indicator_code = models.SlugField(_("indicator code"), max_length=40)
    weight = models.FloatField(_("weight"), validators=[MinValueValidator(0)])
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("composite score component")
        verbose_name_plural = _("composite score components")
        ordering = ["order", "indicator_code"]
        constraints = [
            county_id_unique("scorecomponent"),
            models.UniqueConstraint(
                fields=["county_code", "indicator_code"], name="scorecomponent_indicator_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} × {self.weight:g}"

    def clean(self):
        from .selectors import indicator_at

        indicator = indicator_at(self.indicator_code)
        if indicator is None:
            raise ValidationError({"indicator_code": _("No indicator has this code.")})
        if indicator.unit != "%":
            raise ValidationError(
                {"indicator_code": _("Only a rate (unit %) can be part of the score.")}
            )
