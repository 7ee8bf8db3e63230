"""Forms of the case pages: the inbox filters, the report, one small form per workflow action."""

from datetime import timedelta

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from staff.models import Department, Role
from territory.counties import instance_county
from territory.models import Level, Region

from .attributes import AnswersForm
from .fields import MAX_PHOTOS, MultipleImageField
from .kinds import get_kind
from .models import Case, Category, Priority, Source, Status
from .workflow import Transition
from .worktime import start_of

OPERATOR_SOURCES = [Source.HOTLINE, Source.WINDOW, Source.RESIDENT]


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
    """The inbox's filters, with the towns, villages and departments of the viewer's area."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), ("open", _("Open (any step)")), *Status.choices],
    )
    category = CategoryField(label=_("Category"), required=False, blank_label=_("All categories"))
    town = forms.ModelChoiceField(
        label=_("Town"), required=False, queryset=Region.objects.none(), empty_label=_("All towns")
    )
    village = forms.ModelChoiceField(
        label=_("Village"),
        required=False,
        queryset=Region.objects.none(),
        empty_label=_("All villages"),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
    )
    grid = forms.CharField(
        label=_("Grid"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("Grid code or name"), "type": "search"}),
    )
    reported_from = forms.DateField(
        label=_("Reported from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reported_to = forms.DateField(
        label=_("Reported until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Set by the overview's links, not shown: closed since a day, one grid.
    closed_from = forms.DateField(required=False, widget=forms.HiddenInput)
    grid_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    supervised = forms.BooleanField(label=_("Under supervision only"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("deadline", _("By deadline")), ("reported", _("By report time"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].refresh_choices()
        area = user.region if user.region_id else instance_county()
        within = Region.objects.subtree(area)
        self.fields["town"].queryset = within.filter(level=Level.TOWN).order_by("code")
        self.fields["village"].queryset = within.filter(level=Level.VILLAGE).order_by("code")
        self.fields["department"].queryset = Department.objects.filter(
            county_code=area.county_code, is_active=True
        ).order_by("code")
        if area.level in (Level.VILLAGE, Level.GRID):  # nothing to choose among
            del self.fields["town"], self.fields["village"]
        elif area.level == Level.TOWN:
            del self.fields["town"]

    def filter(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        """The cases that match the valid filters; an invalid filter is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("status") == "open":
            cases = cases.open()
        elif data.get("status"):
            cases = cases.filter(status=data["status"])
        for name in ("category", "town", "village", "department"):
            if data.get(name):
                cases = cases.filter(**{name: data[name]})
        grid = (data.get("grid") or "").strip()
        if grid:
            cases = cases.filter(Q(grid__code__startswith=grid) | Q(grid__name__contains=grid))
        if data.get("reported_from"):
            cases = cases.filter(reported_at__gte=start_of(data["reported_from"]))
        if data.get("reported_to"):
            cases = cases.filter(reported_at__lt=start_of(data["reported_to"] + timedelta(days=1)))
        grid_id = data.get("grid_id")
        if grid_id:
            cases = cases.filter(grid_id=grid_id)
        if data.get("closed_from"):
            cases = cases.filter(closed_at__gte=start_of(data["closed_from"]))
        if data.get("overdue"):
            cases = cases.overdue()
        if data.get("supervised"):
            cases = cases.filter(supervised_at__isnull=False)
        return cases

    def sort_order(self, default: str) -> str:
        return (getattr(self, "cleaned_data", {}).get("sort")) or default


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
    """The inputs one step declares (workflow.Transition.inputs), and its note."""

    def __init__(self, transition: Transition, case: Case, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{transition.action}_%s")
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields.update(transition.form_fields(case))


def answers_form(category: Category | None, data=None) -> AnswersForm | None:
    """The report form's fragment: the category's own questions, if it asks any."""
    if category is None or not category.report_fields.exists():
        return None
    return AnswersForm(category, data)


def kind_detail_form(category: Category | None, data=None) -> forms.ModelForm | None:
    """The report form's fragment: the detail form of the category's kind of case, if it has one."""
    detail = get_kind(category.case_kind).detail if category is not None else None
    return detail.form(data, prefix="detail") if detail is not None else None
