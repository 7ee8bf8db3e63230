"""Forms of the case pages: the inbox filters, the report, one small form per workflow action."""

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from staff.models import Role

from .models import Case, Category, Priority, Source, Status
from .selectors import departments_for_dispatch
from .services import MAX_EXTENSION_HOURS
from .workflow import Transition

MAX_PHOTOS = 9
OPERATOR_SOURCES = [Source.HOTLINE, Source.WINDOW, Source.RESIDENT]


# --- photos: Django 5.2 needs its own field for <input type=file multiple> ----------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several images; each is checked by Pillow (ImageField) and against MAX_PHOTO_BYTES."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS}, code="too_many"
            )
        single_clean = super().clean
        return [single_clean(item, initial) for item in files]

    def validate(self, value):
        super().validate(value)
        if value and value.size > settings.MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("The photo %(name)s is larger than %(limit)s.")
                % {"name": value.name, "limit": filesizeformat(settings.MAX_PHOTO_BYTES)},
                code="too_large",
            )


# --- categories: the leaves, grouped by their parent in <optgroup>s ----------------------------


def leaf_categories() -> QuerySet[Category]:
    return (
        Category.objects.filter(is_active=True, children__isnull=True)
        .select_related("parent")
        .order_by("code")
    )


def grouped_category_choices(categories, blank_label=None) -> list:
    choices: list = [("", blank_label)] if blank_label is not None else []
    groups: dict[str, list] = {}
    for category in categories:
        if category.parent is None:
            choices.append((category.pk, category.name))
        else:
            # Events and components both have a 市容环境 class: the kind tells them apart.
            group = f"{category.parent.name} · {category.parent.get_kind_display()}"
            groups.setdefault(group, []).append((category.pk, category.name))
    return choices + list(groups.items())


class CategoryField(forms.ModelChoiceField):
    def __init__(self, *, blank_label=None, **kwargs):
        super().__init__(queryset=leaf_categories(), **kwargs)
        self.blank_label = blank_label

    def refresh_choices(self) -> None:
        """Read the categories afresh (data that administrators edit), but only when rendered:
        validating a choice is one query, the grouped list is needed only to draw the select."""
        self.choices = lambda: grouped_category_choices(self.queryset, self.blank_label)


# --- inbox filters -----------------------------------------------------------------------------


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )
    category = CategoryField(label=_("Category"), required=False, blank_label=_("All categories"))
    grid = forms.CharField(
        label=_("Grid"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("Grid code or name"), "type": "search"}),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].refresh_choices()

    def filter(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        """The cases that match the valid filters; an invalid filter is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("status"):
            cases = cases.filter(status=data["status"])
        if data.get("category"):
            cases = cases.filter(category=data["category"])
        grid = (data.get("grid") or "").strip()
        if grid:
            cases = cases.filter(Q(grid__code__startswith=grid) | Q(grid__name__contains=grid))
        if data.get("overdue"):
            cases = cases.overdue()
        return cases


# --- the report --------------------------------------------------------------------------------

phone_validator = RegexValidator(
    r"^[0-9+\- ]{3,20}$", _("Enter a phone number: digits, spaces, + and - only.")
)


class ReportForm(forms.Form):
    category = CategoryField(label=_("Category"), blank_label="---------")
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("What is the problem, and where exactly?")}
        ),
    )
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect,
    )
    photos = MultipleImageField(label=_("Photos"), required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[(source.value, source.label) for source in OPERATOR_SOURCES],
        initial=Source.HOTLINE,
    )
    reporter_name = forms.CharField(label=_("Reporter name"), max_length=40, required=False)
    reporter_phone = forms.CharField(
        label=_("Reporter phone"), max_length=20, required=False, validators=[phone_validator]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].refresh_choices()
        self.fields["photos"].help_text = _("Up to %(count)s images.") % {"count": MAX_PHOTOS}
        if user.role != Role.OPERATOR:  # grid workers and informants report what they saw
            for name in ("source", "reporter_name", "reporter_phone"):
                del self.fields[name]

    @property
    def for_operator(self) -> bool:
        return "source" in self.fields

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lon") is None or cleaned.get("lat") is None:
            self.add_error("lon", _("Pick the place on the map, or press “Use my location”."))
        return cleaned

    def case_source(self) -> str:
        return self.cleaned_data["source"] if self.for_operator else Source.GRID_WORKER


# --- one form per workflow action --------------------------------------------------------------


class ActionForm(forms.Form):
    """The inputs one transition needs: a note always, and what its effect reads."""

    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, transition: Transition, case: Case, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{transition.action}_%s")
        super().__init__(*args, **kwargs)
        self.transition = transition
        note = self.fields["note"]
        note.required = transition.note_required
        note.label = _("Reason or description") if transition.note_required else _("Note")
        if transition.note_required:
            note.error_messages["required"] = _(
                "Give a reason or description for “%(action)s”."
            ) % {"action": transition.label}
        extra = EXTRA_FIELDS.get(transition.action)
        if extra:
            self.fields.update(extra(case))

    def action_arguments(self) -> dict:
        """Keyword arguments for services.take_action."""
        data = self.cleaned_data
        return {
            "note": data.get("note", ""),
            "department": data.get("department"),
            "extension_hours": data.get("extension_hours"),
            "rating": data.get("rating"),
            "photos": data.get("photos") or (),
        }


def _dispatch_fields(case: Case) -> dict:
    return {
        "department": forms.ModelChoiceField(
            label=_("Department"),
            queryset=departments_for_dispatch(case),
            initial=case.department_id,
            empty_label=None,
        )
    }


def _extension_fields(case: Case) -> dict:
    return {
        "extension_hours": forms.IntegerField(
            label=_("Extra working hours"), min_value=1, max_value=MAX_EXTENSION_HOURS
        )
    }


def _evaluate_fields(case: Case) -> dict:
    return {
        "rating": forms.TypedChoiceField(
            label=_("Evaluation (1–5)"),
            choices=[(number, str(number)) for number in range(1, 6)],
            coerce=int,
            widget=forms.RadioSelect,
        )
    }


def _feed_back_fields(case: Case) -> dict:
    return {"photos": MultipleImageField(label=_("Photos of the result"), required=False)}


EXTRA_FIELDS = {
    "dispatch": _dispatch_fields,
    "request_extension": _extension_fields,
    "evaluate": _evaluate_fields,
    "feed_back": _feed_back_fields,
}
