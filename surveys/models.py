"""Publicity activities (宣传活动) and surveys (问卷调查) with the 知晓率 and 满意率 they measure.

A survey's questions, their choices and what each choice counts for are data: a choice may count
as aware or satisfied (the numerator), and may be left out of the denominator altogether (不清楚,
说不好). No response holds a name, a phone number, an ID number, an address or where it was sent
from: only its survey, mode, village and day (docs/surveys.md)."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from staff.models import Department
from territory.models import Region
from wangge.county import county_code_field, county_id_unique

# --- publicity activities -----------------------------------------------------------------------


class ActivityType(models.Model):
    """A type of publicity (防范电信网络诈骗, 国家安全宣传 …): data the administrator keeps."""

    county_code = county_code_field()
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("type of publicity")
        verbose_name_plural = _("types of publicity")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "code"], name="surveys_activitytype_code_unique_per_county"
            ),
            county_id_unique("activitytype"),
        ]

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    STUDENTS = "students", _("Students (学生)")
    VILLAGERS = "villagers", _("Villagers and residents (村民/居民)")
    WORKERS = "workers", _("Company employees (企业职工)")
    ELDERLY = "elderly", _("Older people (老年人)")
    CADRES = "cadres", _("Officials and staff (干部职工)")
    TRADERS = "traders", _("Shopkeepers and traders (商户)")
    PUBLIC = "public", _("The general public (群众)")


class Activity(models.Model):
    """One publicity activity: when, where, by whom, of which type, for whom and how many."""

    county_code = county_code_field()
    held_on = models.DateField(pgettext_lazy("activity", "held on"))
    kind = models.ForeignKey(
        ActivityType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=100)
    # Where: a town or a village of the territory (for the counts by town), and the place's name.
    region = models.ForeignKey(
        Region, verbose_name=_("town or village"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        Region, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("organising department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    partners = models.CharField(_("co-organisers"), max_length=200, blank=True)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    audience_size = models.PositiveIntegerField(_("people reached"))
    summary = models.TextField(pgettext_lazy("activity", "summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("publicity activity")
        verbose_name_plural = _("publicity activities")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on", "town"], name="surveys_activity_day_town")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(organiser="") | Q(department__isnull=False),
                name="surveys_activity_has_an_organiser",
                violation_error_message=_("Name the organiser, or choose its department."),
            ),
            county_id_unique("activity"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organised_by(self) -> str:
        return self.organiser or (self.department.name if self.department else "")


def activity_photo_path(photo: "ActivityPhoto", filename: str) -> str:
    """A generated name under the activity: only stripped JPEG copies are kept (no EXIF)."""
    return f"surveys/{photo.county_code}/{photo.activity_id}/{uuid.uuid4().hex}.jpg"


class ActivityPhoto(models.Model):
    """A photo of an activity, kept as the upright display copy and thumbnail that cases.photos
    makes (JPEG without EXIF: no place, no phone); the original as sent is not stored."""

    county_code = county_code_field()
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    display = models.ImageField(_("photo"), upload_to=activity_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=activity_photo_path)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        constraints = [county_id_unique("activityphoto")]

    def __str__(self) -> str:
        return self.display.name


# --- surveys ------------------------------------------------------------------------------------


class MeasureKind(models.TextChoices):
    AWARENESS = "awareness", _("Awareness (知晓率)")
    SATISFACTION = "satisfaction", _("Satisfaction (满意率)")


class Measure(models.Model):
    """What a question measures: 平安建设知晓率, 社会治安满意率, 政法队伍满意度 … Rates are summed
    over every question of one measure, across surveys, so the figures of a year compare."""

    county_code = county_code_field()
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=MeasureKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "code"], name="surveys_measure_code_unique_per_county"
            ),
            county_id_unique("measure"),
        ]

    def __str__(self) -> str:
        return self.name


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey", "Being prepared")
    OPEN = "open", pgettext_lazy("survey", "Open")
    CLOSED = "closed", pgettext_lazy("survey", "Closed")


def new_public_key() -> str:
    return secrets.token_urlsafe(9)  # 12 characters: not guessable, short enough for a QR code


class Survey(models.Model):
    """A questionnaire open for a period over the county or one town."""

    county_code = county_code_field()
    title = models.CharField(_("title"), max_length=100)
    purpose = models.TextField(
        _("purpose"), help_text=_("Shown to residents above the questions: why they are asked.")
    )
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"))
    scope = models.ForeignKey(
        Region,
        verbose_name=_("county or town"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level__in": ["county", "town"]},
    )
    status = models.CharField(
        _("status"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    public_key = models.CharField(
        _("key of the public link"), max_length=16, default=new_public_key, editable=False
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "public_key"], name="surveys_survey_key_unique_per_county"
            ),
            county_id_unique("survey"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A survey closes after it opens.")})
        if self.scope_id and self.scope.level not in ("county", "town"):
            raise ValidationError({"scope": _("A survey covers the county or one town.")})

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == SurveyStatus.OPEN and self.opens_on <= today <= self.closes_on


class Question(models.Model):
    county_code = county_code_field()
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("question"), max_length=200)
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
        help_text=_("Empty: the answers are not counted in any rate."),
    )
    required = models.BooleanField(_("must be answered"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "order"], name="surveys_question_order_unique_per_survey"
            ),
            county_id_unique("question"),
        ]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    """One answer a question offers, and how it counts in its measure's rate:
    `positive` — counts as aware / satisfied (the numerator);
    `counted` — counts in the denominator at all (不清楚 and 说不好 usually do not)."""

    county_code = county_code_field()
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("answer"), max_length=100)
    positive = models.BooleanField(
        _("counts as aware or satisfied"),
        default=False,
        help_text=_("In the numerator of the question's measure."),
    )
    counted = models.BooleanField(
        _("counts in the denominator"),
        default=True,
        help_text=_("Untick for answers such as “don't know”: they are then left out of the rate."),
    )

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(positive=False) | Q(counted=True),
                name="surveys_choice_positive_is_counted",
            ),
            county_id_unique("choice"),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self):
        if self.positive and not self.counted:
            raise ValidationError(
                {"counted": _("An answer that counts as aware or satisfied counts in the rate.")}
            )


class Mode(models.TextChoices):
    DOOR = "door", _("Door to door (入户)")
    PHONE = "phone", _("By phone (电话)")
    ONLINE = "online", _("Resident online (居民自填)")


class Method(models.TextChoices):
    SIMPLE = "simple", _("Simple random sample (简单随机)")
    SYSTEMATIC = "systematic", _("Systematic sample (系统抽样)")
    STRATIFIED = "stratified", _("Stratified random sample (分层)")
    QUOTA = "quota", _("Quota sample (配额)")
    SELF_SELECTED = "self", _("Self-selected, volunteers (方便样本/自愿)")


RANDOM_METHODS = (Method.SIMPLE, Method.SYSTEMATIC, Method.STRATIFIED)


class SamplingFrame(models.Model):
    """Whom a survey's responses of one mode were drawn from, and how: the list (户籍名册), its
    size N, the method and the planned sample size n. Shown beside the rates."""

    county_code = county_code_field()
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="frames")
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices)
    description = models.CharField(_("sampling frame"), max_length=200)
    population = models.PositiveIntegerField(
        _("population N"), null=True, blank=True, help_text=_("Empty when not known (online).")
    )
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    planned = models.PositiveIntegerField(_("planned sample size n"), null=True, blank=True)

    class Meta:
        verbose_name = _("sampling frame")
        verbose_name_plural = _("sampling frames")
        ordering = ["survey", "mode", "pk"]
        constraints = [county_id_unique("samplingframe")]

    def __str__(self) -> str:
        return f"{self.get_mode_display()}: {self.description}"

    @property
    def is_random(self) -> bool:
        return self.method in RANDOM_METHODS

    def clean(self):
        if self.mode == Mode.ONLINE and self.method != Method.SELF_SELECTED:
            raise ValidationError(
                {
                    "method": _(
                        "Residents who answer online choose themselves: a self-selected sample."
                    )
                }
            )


class Response(models.Model):
    """One filled questionnaire: its mode, village and day, and nothing about who answered."""

    county_code = county_code_field()
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices)
    town = models.ForeignKey(
        Region, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village or community"), on_delete=models.PROTECT, related_name="+"
    )
    frame = models.ForeignKey(
        SamplingFrame,
        verbose_name=_("sampling frame"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    # The grid worker who entered a door-to-door or phone answer (staff, not the respondent).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField(_("answered on"))  # the day only: no time to match a visit to

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(fields=["survey", "answered_on"], name="surveys_response_survey_day"),
            models.Index(fields=["answered_on"], name="surveys_response_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mode="online") | (Q(frame__isnull=False) & Q(entered_by__isnull=False)),
                name="surveys_response_sampled_by_a_grid_worker",
            ),
            county_id_unique("response"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    county_code = county_code_field()
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="answers")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="surveys_answer_one_per_question"
            ),
            county_id_unique("answer"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice_id}"


def random_id() -> int:
    return secrets.randbits(62) + 1


class UsedToken(models.Model):
    """A keyed digest of the random token a phone's cookie carried when it sent a survey: the
    same cookie cannot send that survey again. Not linked to the response, and its id is random,
    not a sequence, so that not even the order of rows pairs a token with a response."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    county_code = county_code_field()
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "digest"], name="surveys_token_used_once"),
            county_id_unique("usedtoken"),
        ]

    def __str__(self) -> str:
        return self.digest[:8]
