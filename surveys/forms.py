from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.fields import MAX_PHOTOS, MultipleImageField
from command.periods import PeriodError, parse_period
from staff.models import Department, Role
from territory.models import Level, Region

from .models import Activity, ActivityType, Mode, Survey
from .selectors import places_for, region_of, villages_of

ANSWER_REQUIRED = _("Please answer this question.")


def grouped_places(regions) -> list:
    """Regions in <optgroup>s by town: a town first (the whole town), then its villages."""
    choices: list = [("", "—")]
    groups: dict[int, list] = {}
    towns: dict[int, Region] = {}
    for region in regions:
        if region.level == Level.TOWN:
            towns[region.pk] = region
            groups.setdefault(region.pk, []).insert(
                0, (region.pk, _("%(town)s (whole town)") % {"town": region.name})
            )
        else:
            towns.setdefault(region.parent_id, region.parent)
            groups.setdefault(region.parent_id, []).append((region.pk, region.name))
    for town_id, options in groups.items():
        choices.append((towns[town_id].name, options))
    return choices


class ActivityForm(forms.ModelForm):
    photos = MultipleImageField(label=_("Photos"), required=False)

    class Meta:
        model = Activity
        fields = [
            "held_on", "kind", "title", "region", "place", "organiser", "department", "partners",
            "audience", "audience_size", "summary",
        ]  # fmt: skip
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        places = places_for(user).select_related("parent").order_by("path")
        self.fields["region"].queryset = places
        self.fields["region"].choices = grouped_places(places)
        self.fields["kind"].queryset = ActivityType.objects.filter(is_active=True)
        reach = region_of(user)
        self.fields["department"].queryset = Department.objects.filter(
            is_active=True, county_code=reach.county_code if reach else ""
        )
        self.fields["photos"].help_text = _("Up to %(count)s images.") % {"count": MAX_PHOTOS}
        self.fields["organiser"].help_text = _(
            "An office or body, e.g. 县委政法委; or choose its department below."
        )
        self.fields["partners"].help_text = _("e.g. 县邮政分公司")
        if user.role == Role.HANDLER:  # they record for their own department
            del self.fields["department"]
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())


class AnswersForm(forms.Form):
    """One radio group per question of the survey, named q<question id>; the required ones
    must be answered."""

    def __init__(self, survey: Survey, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # a question ends with its own question mark
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.questions = list(survey.questions.prefetch_related("choices"))
        self._choices = {}
        for number, question in enumerate(self.questions, start=1):
            options = list(question.choices.all())
            self._choices[question.pk] = {str(choice.pk): choice for choice in options}
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=f"{number}. {question.text}",
                choices=[(str(choice.pk), choice.text) for choice in options],
                widget=forms.RadioSelect,
                required=question.required,
                error_messages={
                    "required": ANSWER_REQUIRED,
                    "invalid_choice": _("Choose one of the answers offered."),
                },
            )

    def answers(self) -> dict:
        """Question id → the chosen Choice (None where left unanswered)."""
        return {
            question.pk: self._choices[question.pk].get(
                self.cleaned_data.get(f"q{question.pk}") or ""
            )
            for question in self.questions
        }

    def question_fields(self):
        return [self[f"q{question.pk}"] for question in self.questions]


class ResidentForm(AnswersForm):
    """The public form: the resident's village or community, then the questions."""

    def __init__(self, survey: Survey, *args, **kwargs):
        super().__init__(survey, *args, **kwargs)
        villages = villages_of(survey)
        self._villages = {str(village.pk): village for village in villages}
        groups: dict[str, list] = {}
        for village in villages:
            groups.setdefault(village.parent.name, []).append((str(village.pk), village.name))
        self.fields["village"] = forms.ChoiceField(
            label=_("Your village or community"),
            choices=[("", _("— choose —"))] + list(groups.items()),
            error_messages={
                "required": _("Choose your village or community."),
                "invalid_choice": _("Choose your village or community."),
            },
        )
        self.order_fields(["village"])

    def clean_village(self) -> Region:
        return self._villages[self.cleaned_data["village"]]


class EntryForm(AnswersForm):
    """A grid worker's entry of one door-to-door or phone answer, for the village of their grid."""

    def __init__(self, survey: Survey, *args, **kwargs):
        super().__init__(survey, *args, **kwargs)
        self.fields["mode"] = forms.ChoiceField(
            label=_("How it was asked"),
            choices=[(Mode.DOOR, Mode.DOOR.label), (Mode.PHONE, Mode.PHONE.label)],
            widget=forms.RadioSelect,
            initial=Mode.DOOR,
            error_messages={"required": _("Choose door to door or by phone.")},
        )
        self.fields["frame"] = forms.ModelChoiceField(
            label=_("Sampling frame"),
            queryset=survey.frames.exclude(mode=Mode.ONLINE),
            empty_label=None,
            error_messages={
                "required": _("Choose the sampling frame this respondent was drawn from.")
            },
        )
        self.fields["answered_on"] = forms.DateField(
            label=_("Answered on"),
            initial=timezone.localdate,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        self.order_fields(["mode", "frame", "answered_on"])

    def clean(self):
        cleaned = super().clean()
        frame, mode = cleaned.get("frame"), cleaned.get("mode")
        if frame is not None and mode and frame.mode != mode:
            self.add_error(
                "frame",
                _("This frame is for answers taken %(mode)s.") % {"mode": frame.get_mode_display()},
            )
        return cleaned


class ActivityFilters(forms.Form):
    """The activities list's filters: type, town, period."""

    kind = forms.ModelChoiceField(
        label=_("Type"),
        queryset=ActivityType.objects.all(),
        required=False,
        empty_label=pgettext_lazy("filter", "All"),
    )
    town = forms.ModelChoiceField(
        label=_("Town"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=pgettext_lazy("filter", "All"),
    )
    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "2026-Q4"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reach = region_of(user)
        towns = Region.objects.none()
        if reach is not None:
            towns = Region.objects.filter(level=Level.TOWN, path__startswith=reach.path)
        self.fields["town"].queryset = towns.order_by("code")
        self.fields["period"].help_text = _("A year 2026, a quarter 2026-Q4, a month 2026-11 …")
        self.fields["period"].initial = str(timezone.localdate().year)

    def clean_period(self):
        text = self.cleaned_data["period"].strip()
        if not text:
            return parse_period(str(timezone.localdate().year))
        try:
            return parse_period(text)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None
