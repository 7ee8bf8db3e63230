"""Writes: an activity with its photos, a response with its answers. Each is one transaction,
checked whoever calls (page, demo or test)."""

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.photos import (
    UnreadablePhoto,
    damaged_photo,
    not_a_photo,
    note_written,
    photo_type,
    removed_on_rollback,
    smaller_copies,
)
from staff.models import Role
from territory.models import Level, Region

from .models import (
    Activity,
    ActivityPhoto,
    Answer,
    Choice,
    Mode,
    Response,
    SamplingFrame,
    Survey,
    UsedToken,
)
from .selectors import may_enter, may_record_activity, region_of


class SurveyError(Exception):
    """Refused input, the messages by field name (None: the whole form), in the user's language."""

    def __init__(self, errors: Mapping[str | None, list[str]]):
        self.errors = dict(errors)
        super().__init__(" ".join(message for messages in errors.values() for message in messages))


# --- activities ---------------------------------------------------------------------------------


@removed_on_rollback  # the photo files it wrote, if it fails
@transaction.atomic
def record_activity(user, activity: Activity, photos: Sequence[UploadedFile] = ()) -> Activity:
    """Record a publicity activity (unsaved `activity`, from the form) held in the person's
    region; a handler records it for their department. Its photos are kept as stripped copies."""
    if not may_record_activity(user):
        raise SurveyError({None: [_("You cannot record publicity activities.")]})
    reach = region_of(user)
    place = activity.region
    if place.level not in (Level.TOWN, Level.VILLAGE) or not reach.contains(place):
        raise SurveyError({"region": [_("Choose a town or village of your own area.")]})
    if user.role == Role.HANDLER:
        activity.department = user.department
    if not activity.organiser.strip() and activity.department is None:
        raise SurveyError({"organiser": [_("Name the organiser, or choose its department.")]})
    activity.town = place if place.level == Level.TOWN else place.parent
    activity.county_code = place.county_code
    activity.recorded_by = user
    checked = [_checked(upload) for upload in photos or ()]
    activity.save()
    for display, thumbnail in checked:
        photo = ActivityPhoto(county_code=activity.county_code, activity=activity)
        for field, content in ((photo.display, display), (photo.thumbnail, thumbnail)):
            field.save("photo.jpg", content, save=False)
            note_written(field)
        photo.save()
    return activity


def _checked(upload: UploadedFile):
    """The upload's display copy and thumbnail (cases.photos: upright JPEG without EXIF)."""
    if photo_type(upload) is None:
        raise SurveyError({"photos": [not_a_photo(upload.name)]})
    try:
        return smaller_copies(upload)
    except UnreadablePhoto:
        raise SurveyError({"photos": [damaged_photo(upload.name)]}) from None


# --- responses ----------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    """The token a phone's cookie carries, as kept: keyed with the site's secret, so the table
    alone does not give the tokens back."""
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()


def token_used(survey: Survey, token: str) -> bool:
    return (
        bool(token) and UsedToken.objects.filter(survey=survey, digest=token_digest(token)).exists()
    )


def _checked_answers(survey: Survey, answers: Mapping[int, Choice | None]) -> dict:
    """Question id → choice for every answered question; every required one must be."""
    questions = list(survey.questions.all())
    unanswered = {}
    chosen = {}
    for question in questions:
        choice = answers.get(question.pk)
        if choice is None:
            if question.required:
                unanswered[f"q{question.pk}"] = [_("Please answer this question.")]
            continue
        if choice.question_id != question.pk:
            unanswered[f"q{question.pk}"] = [_("Choose one of the answers offered.")]
            continue
        chosen[question] = choice
    if unanswered:
        raise SurveyError(unanswered)
    return chosen


@transaction.atomic
def submit_response(
    survey: Survey,
    *,
    village: Region,
    answers: Mapping[int, Choice | None],
    mode: str = Mode.ONLINE,
    token: str = "",
    entered_by=None,
    frame: SamplingFrame | None = None,
    answered_on: date | None = None,
) -> Response:
    """A filled questionnaire, with its answers (question id → chosen choice).

    Online (居民自填): today, while the survey is open; the random token of the phone's cookie
    may send once. Door to door (入户) or by phone (电话): entered by a grid worker for the village
    of their grid, naming the sampling frame of that mode the respondent was drawn from."""
    today = timezone.localdate()
    answered_on = answered_on or today
    if not survey.is_open(today) and mode == Mode.ONLINE:
        raise SurveyError({None: [_("This survey is not open for answers.")]})
    if mode == Mode.ONLINE:
        if not token:
            raise SurveyError({None: [_("Your browser did not keep the form's cookie: allow cookies and open the survey again.")]})  # fmt: skip
        frame = survey.frames.filter(mode=Mode.ONLINE).first()
        entered_by = None
        answered_on = today
    else:
        _check_entry(survey, mode, village, entered_by, frame, answered_on, today)
    if village.level != Level.VILLAGE or not survey.scope.contains(village):
        raise SurveyError({"village": [_("Choose a village or community of the survey's area.")]})
    chosen = _checked_answers(survey, answers)
    response = Response.objects.create(
        county_code=village.county_code,
        survey=survey,
        mode=mode,
        town=village.parent,
        village=village,
        frame=frame,
        entered_by=entered_by,
        answered_on=answered_on,
    )
    Answer.objects.bulk_create(
        Answer(
            county_code=response.county_code, response=response, question=question, choice=choice
        )
        for question, choice in chosen.items()
    )
    if mode == Mode.ONLINE:
        try:
            with transaction.atomic():
                UsedToken.objects.create(
                    county_code=survey.county_code, survey=survey, digest=token_digest(token)
                )
        except IntegrityError:
            raise SurveyError({None: [_("This phone has already answered this survey. Thank you!")]}) from None  # fmt: skip
    return response


def _check_entry(survey, mode, village, entered_by, frame, answered_on, today) -> None:
    if mode not in (Mode.DOOR, Mode.PHONE):
        raise SurveyError({"mode": [_("Choose door to door or by phone.")]})
    if entered_by is None or not may_enter(entered_by):
        raise SurveyError({None: [_("Only grid workers enter the answers of their samples.")]})
    if entered_by.region.parent_id != village.pk:
        raise SurveyError({None: [_("You enter answers for the village of your own grid.")]})
    if survey.status != "open":
        raise SurveyError({None: [_("This survey is not open for answers.")]})
    if not survey.opens_on <= answered_on <= min(survey.closes_on, today):
        raise SurveyError(
            {
                "answered_on": [
                    _("Answers are taken from %(start)s to %(end)s, and not in the future.")
                    % {"start": survey.opens_on, "end": survey.closes_on}
                ]
            }
        )
    if frame is None or frame.survey_id != survey.pk or frame.mode != mode:
        raise SurveyError(
            {"frame": [_("Choose the sampling frame this respondent was drawn from.")]}
        )
