"""Reads: the rates with their intervals, by town and period; the activities and their counts;
what each person may reach."""

import math
from dataclasses import dataclass
from statistics import NormalDist

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from command.periods import Period
from staff.models import Role
from territory.counties import instance_county
from territory.models import Level, Region

from .models import Activity, ActivityType, Answer, Measure, Mode, Response, Survey

# z for a two-sided 95 % interval: the 97.5th percentile of the standard normal, 1.959964…
Z95 = NormalDist().inv_cdf(0.975)


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion, or None when there are no trials.

    With p̂ = x / n:

        centre = (p̂ + z² / 2n) / (1 + z² / n)
        half   = z / (1 + z² / n) · √( p̂ (1 − p̂) / n + z² / 4n² )
        [low, high] = [centre − half, centre + half]

    Unlike p̂ ± z·√(p̂(1−p̂)/n) (the Wald interval), it stays inside [0, 1] and does not shrink to
    a point at 0 of n or n of n, where rates in the 90s % often are. 45 of 50: [0.786, 0.957].
    """
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes of {trials} trials")
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    # At 0 of n and n of n the bound is exactly 0 or 1; floating point may miss it by 1e-17.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Rate:
    """A measure's rate over some answers: numerator, denominator, the rate and its 95 % Wilson
    interval (None when nothing counts), and how many answers were left out of the denominator."""

    code: str
    label: str
    numerator: int
    denominator: int
    excluded: int = 0

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.numerator, self.denominator)

    @property
    def low(self) -> float | None:
        return self.interval[0] if self.denominator else None

    @property
    def high(self) -> float | None:
        return self.interval[1] if self.denominator else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else 100 * self.rate

    @property
    def low_percent(self) -> float | None:
        return None if self.low is None else 100 * self.low

    @property
    def high_percent(self) -> float | None:
        return None if self.high is None else 100 * self.high

    def as_row(self) -> dict:
        """What the annual report takes: label, numerator, denominator, rate, low, high."""
        return {
            "code": self.code,
            "label": self.label,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "excluded": self.excluded,
            "rate": self.rate,
            "low": self.low,
            "high": self.high,
        }


# --- whom each person reaches ------------------------------------------------------------------


def region_of(user) -> Region | None:
    """The region whose results and activities a person reaches: their centre's or grid's region,
    their department's for handlers, the county for administrators."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.ADMIN:
        return instance_county()
    if user.role == Role.HANDLER:
        return user.department.region if user.department_id else None
    return user.region


READER_ROLES = (Role.OPERATOR, Role.HANDLER, Role.LEADER, Role.ADMIN)


def reads_by_role(user) -> bool:
    """The menu's test: by role alone, without a query on every page."""
    return user.is_authenticated and user.role in READER_ROLES


def may_read(user) -> bool:
    """Staff read the results and the activities; grid workers and informants enter only."""
    return reads_by_role(user) and region_of(user) is not None


def may_record_activity(user) -> bool:
    """Centre operators record activities, handlers for their department; leaders only read."""
    return region_of(user) is not None and user.role in (Role.OPERATOR, Role.HANDLER, Role.ADMIN)


def may_enter(user) -> bool:
    """Grid workers enter the answers of their door-to-door and phone samples."""
    return user.is_authenticated and user.is_active and user.role == Role.GRID_WORKER


def surveys_for(user) -> QuerySet[Survey]:
    """The surveys whose scope meets the person's region (one holds the other)."""
    region = region_of(user)
    if region is None:
        return Survey.objects.none()
    above = [region.path[: index + 1] for index, char in enumerate(region.path) if char == "/"]
    return (
        Survey.objects.filter(Q(scope__path__startswith=region.path) | Q(scope__path__in=above))
        .select_related("scope")
        .order_by("-opens_on", "title")
    )


def get_survey_for(user, pk: int) -> Survey:
    """A survey this person may reach, else 404."""
    return get_object_or_404(surveys_for(user), pk=pk)


def activities_for(user) -> QuerySet[Activity]:
    region = region_of(user)
    if region is None:
        return Activity.objects.none()
    return Activity.objects.filter(region__path__startswith=region.path)


def get_activity_for(user, pk: int) -> Activity:
    return get_object_or_404(
        activities_for(user).select_related("kind", "region", "town", "department"), pk=pk
    )


def places_for(user) -> QuerySet[Region]:
    """The towns and villages where this person may record an activity."""
    region = region_of(user)
    if region is None:
        return Region.objects.none()
    return Region.objects.subtree(region).filter(level__in=[Level.TOWN, Level.VILLAGE])


def villages_of(survey: Survey) -> QuerySet[Region]:
    """The villages and communities a survey's respondents choose from."""
    return (
        Region.objects.subtree(survey.scope)
        .filter(level=Level.VILLAGE)
        .select_related("parent")
        .order_by("path")
    )


# --- the rates --------------------------------------------------------------------------------


def answers_in(
    region: Region | None = None,
    period: Period | None = None,
    survey: Survey | None = None,
    modes: list[str] | None = None,
) -> QuerySet[Answer]:
    """The answers given in a region's villages, answered within a period, to one survey or all,
    in the given modes (all when None)."""
    answers = Answer.objects.all()
    if region is not None:
        answers = answers.filter(response__village__path__startswith=region.path)
    if period is not None:
        answers = answers.filter(
            response__answered_on__gte=period.start, response__answered_on__lt=period.end
        )
    if survey is not None:
        answers = answers.filter(response__survey=survey)
    if modes:
        answers = answers.filter(response__mode__in=modes)
    return answers


def _tally(answers: QuerySet[Answer], by: str | None = None) -> dict[tuple, tuple[int, int, int]]:
    """(measure id, value of `by`) → (numerator, denominator, excluded), in one query.

    An answer counts in the denominator if its choice is `counted`, in the numerator if also
    `positive`; answers to questions without a measure count nowhere."""
    fields = ["question__measure"] + ([by] if by else [])
    rows = (
        answers.filter(question__measure__isnull=False)
        .values(*fields)
        .annotate(
            numerator=Count("pk", filter=Q(choice__counted=True, choice__positive=True)),
            denominator=Count("pk", filter=Q(choice__counted=True)),
            excluded=Count("pk", filter=Q(choice__counted=False)),
        )
        .order_by()
    )
    return {
        (row["question__measure"], row[by] if by else None): (
            row["numerator"],
            row["denominator"],
            row["excluded"],
        )
        for row in rows
    }


def _measures(answers: QuerySet[Answer]) -> list[Measure]:
    used = answers.filter(question__measure__isnull=False).values("question__measure")
    return list(Measure.objects.filter(pk__in=used))


def measures_of(survey: Survey) -> list[Measure]:
    return list(Measure.objects.filter(questions__survey=survey).distinct())


def rates(answers: QuerySet[Answer], measures: list[Measure] | None = None) -> list[Rate]:
    """Each measure's rate over these answers, in the measures' order (by default the measures
    the answers have; a measure without answers has no rate)."""
    counts = _tally(answers)
    return [
        Rate(measure.code, measure.name, *counts.get((measure.pk, None), (0, 0, 0)))
        for measure in (_measures(answers) if measures is None else measures)
    ]


@dataclass(frozen=True)
class PlaceRates:
    place: Region
    rates: list[Rate]


def rates_by_place(
    answers: QuerySet[Answer],
    places: list[Region],
    level: str,
    measures: list[Measure] | None = None,
) -> list[PlaceRates]:
    """Each place's rates (places of one level, town or village), one query for all of them."""
    by = "response__town" if level == Level.TOWN else "response__village"
    counts = _tally(answers, by)
    measures = _measures(answers) if measures is None else measures
    return [
        PlaceRates(
            place,
            [
                Rate(measure.code, measure.name, *counts.get((measure.pk, place.pk), (0, 0, 0)))
                for measure in measures
            ],
        )
        for place in places
    ]


def parts_of(region: Region) -> tuple[list[Region], str]:
    """The places a region's figures are split into: a county's towns, a town's villages, a
    village alone."""
    if region.level == Level.COUNTY:
        return list(
            Region.objects.filter(parent=region, level=Level.TOWN).order_by("code")
        ), Level.TOWN
    if region.level == Level.TOWN:
        villages = Region.objects.filter(parent=region, level=Level.VILLAGE).order_by("code")
        return list(villages), Level.VILLAGE
    return [region], Level.VILLAGE


def survey_rates(region: Region, period: Period) -> list[dict]:
    """For the annual work report: each measure's label, numerator, denominator, rate and 95 %
    interval over every survey's answers in the region within the period; every measure of the
    county is listed, those without answers with no rate."""
    measures = list(Measure.objects.filter(county_code=region.county_code))
    return [rate.as_row() for rate in rates(answers_in(region, period), measures)]


@dataclass(frozen=True)
class ModeCount:
    mode: str
    label: str
    responses: int


def responses_by_mode(responses: QuerySet[Response]) -> list[ModeCount]:
    counts = dict(responses.values_list("mode").annotate(n=Count("pk")).order_by())
    return [ModeCount(mode, label, counts.get(mode, 0)) for mode, label in Mode.choices]


def frames_with_counts(survey: Survey, responses: QuerySet[Response]) -> list:
    """The survey's sampling frames, each with the responses drawn from it (`achieved`)."""
    achieved = dict(
        responses.filter(frame__isnull=False)
        .values_list("frame")
        .annotate(n=Count("pk"))
        .order_by()
    )
    order = list(Mode.values)
    frames = sorted(survey.frames.all(), key=lambda frame: (order.index(frame.mode), frame.pk))
    for frame in frames:
        frame.achieved = achieved.get(frame.pk, 0)
    return frames


# --- activities -------------------------------------------------------------------------------


def activities_in(activities: QuerySet[Activity], period: Period | None) -> QuerySet[Activity]:
    if period is None:
        return activities
    return activities.filter(held_on__gte=period.start, held_on__lt=period.end)


@dataclass(frozen=True)
class ActivityCount:
    label: str
    activities: int
    reached: int


def counts_by(activities: QuerySet[Activity], field: str, labels: dict) -> list[ActivityCount]:
    """Activities and people reached per value of `field` (kind or town), most active first."""
    rows = (
        activities.values(field)
        .annotate(n=Count("pk"), reached=Sum("audience_size"))
        .order_by("-n", field)
    )
    return [
        ActivityCount(str(labels.get(row[field], row[field])), row["n"], row["reached"] or 0)
        for row in rows
    ]


def activity_counts(region: Region, period: Period) -> list[dict]:
    """For the annual work report: per type of publicity, the activities held in the region
    within the period and the people they reached."""
    activities = activities_in(
        Activity.objects.filter(region__path__startswith=region.path), period
    )
    labels = dict(ActivityType.objects.values_list("pk", "name"))
    return [
        {"label": row.label, "activities": row.activities, "reached": row.reached}
        for row in counts_by(activities, "kind", labels)
    ]
