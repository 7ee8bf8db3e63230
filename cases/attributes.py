"""A category's own questions (CategoryField, Open311's attributes): what they ask in the user's
language, and the one check of their answers that the report form, the REST API and Open311 share.

Answers arrive as text (a form, Open311's `attribute[code]`) or typed (JSON); they leave cleaned:
numbers as numbers, date-times as ISO 8601 text, list choices by their keys, nothing empty.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .errors import InputError
from .models import Category, CategoryField, FieldType

MAX_LENGTH = {FieldType.STRING: 200, FieldType.TEXT: 2000}
LIST_TYPES = (FieldType.SINGLE, FieldType.MULTI)


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    label_en: str

    def name(self) -> str:
        return _in_language(self.label, self.label_en)


def _in_language(chinese: str, english: str) -> str:
    return english if english and (get_language() or "").startswith("en") else chinese


def question(field: CategoryField) -> str:
    return _in_language(field.label, field.label_en)


def choices_of(field: CategoryField) -> list[Choice]:
    """The field's choices, one per line as key|中文|English (the names may be left out)."""
    parsed = []
    for line in field.choices.splitlines():
        if not line.strip():
            continue
        key, chinese, english = ([part.strip() for part in line.split("|")] + ["", ""])[:3]
        parsed.append(Choice(key, chinese or key, english))
    return parsed


def fields_of(category: Category) -> list[CategoryField]:
    return list(category.report_fields.order_by("order", "pk"))


def clean_attributes(
    category: Category,
    answers: Mapping[str, Any] | None,
    *,
    fields=None,
    require_answers: bool = True,
) -> dict[str, Any]:
    """The answers, checked against the category's fields: InputError, keyed
    `attributes.<code>`, names every missing, unknown or malformed one. Without
    `require_answers`, a required question may go unanswered (what is given is still checked)."""
    fields = fields_of(category) if fields is None else fields
    answers = dict(answers or {})
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in fields:
        value = answers.pop(field.code, None)
        try:
            value = _clean_value(field, value)
        except ValueError as error:
            errors[f"attributes.{field.code}"] = [str(error)]
            continue
        if value is None:
            if field.required and require_answers:
                errors[f"attributes.{field.code}"] = [
                    _("Answer “%(question)s”.") % {"question": question(field)}
                ]
            continue
        cleaned[field.code] = value
    for code in answers:
        errors[f"attributes.{str(code)[:40]}"] = [
            _("This category asks no “%(code)s”.") % {"code": str(code)[:40]}
        ]
    if errors:
        raise InputError(errors)
    return cleaned


def _is_empty(value: Any) -> bool:
    return value is None or (
        isinstance(value, str | list | tuple)
        and not any(
            str(item).strip() for item in (value if isinstance(value, list | tuple) else [value])
        )
    )


def _clean_value(field: CategoryField, value: Any) -> Any:
    """The cleaned answer, None when there is none, or ValueError saying what is wrong."""
    if _is_empty(value):
        return None
    if field.datatype == FieldType.MULTI:
        items = value if isinstance(value, list | tuple) else [value]
        keys = [_clean_choice(field, item) for item in items if str(item).strip()]
        return list(dict.fromkeys(keys))
    if isinstance(value, list | tuple):
        if len(value) != 1:
            raise ValueError(_("Give one answer, not a list."))
        value = value[0]
    if isinstance(value, bool | dict):
        raise ValueError(_("Not a valid answer."))
    if field.datatype == FieldType.NUMBER:
        return _clean_number(value)
    if field.datatype == FieldType.DATETIME:
        return _clean_datetime(value)
    if field.datatype == FieldType.SINGLE:
        return _clean_choice(field, value)
    text = str(value).strip()
    limit = MAX_LENGTH[field.datatype]
    if len(text) > limit:
        raise ValueError(_("At most %(count)s characters.") % {"count": limit})
    return text


def _clean_number(value: Any) -> int | float:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("Enter a number.")) from None
    if not number.is_finite() or abs(number) > Decimal("1e12"):
        raise ValueError(_("Enter a number."))
    return int(number) if number == number.to_integral_value() else float(number)


def _clean_datetime(value: Any) -> str:
    try:
        moment = parse_datetime(str(value).strip())
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(_("Enter a date and time such as 2026-12-01T08:30."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.isoformat()


def _clean_choice(field: CategoryField, value: Any) -> str:
    key = str(value).strip()
    if key not in {choice.key for choice in choices_of(field)}:
        raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": key[:40]})
    return key


def answers_shown(case) -> list[tuple[str, str]]:
    """(question, answer) of a case's answers, in the fields' order, for its page."""
    shown = []
    for field in fields_of(case.category):
        if field.code not in case.attributes:
            continue
        value = case.attributes[field.code]
        if field.datatype in LIST_TYPES:
            names = {choice.key: choice.name() for choice in choices_of(field)}
            keys = value if isinstance(value, list) else [value]
            value = "、".join(names.get(key, key) for key in keys)
        elif field.datatype == FieldType.DATETIME:
            moment = parse_datetime(value)
            value = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else value
        elif isinstance(value, float) and math.isfinite(value):
            value = f"{value:g}"
        shown.append((question(field), str(value)))
    return shown


class AnswersForm(forms.Form):
    """The category's questions on the report form (prefix "attr"): widgets per datatype, checked
    by `clean_attributes` so that the form and the machine interfaces never disagree."""

    def __init__(self, category: Category, *args, **kwargs):
        kwargs.setdefault("prefix", "attr")
        super().__init__(*args, **kwargs)
        self.category = category
        self.category_fields = fields_of(category)
        for field in self.category_fields:
            self.fields[field.code] = _form_field(field)

    def clean(self):
        answers = {code: value for code, value in self.cleaned_data.items()}
        try:
            self.answers = clean_attributes(self.category, answers, fields=self.category_fields)
        except InputError as error:
            for key, messages in error.errors.items():
                code = key.removeprefix("attributes.")
                if code in self.errors:  # the field's own check said it already
                    continue
                for message in messages:
                    self.add_error(code if code in self.fields else None, message)
        return self.cleaned_data


def _form_field(field: CategoryField) -> forms.Field:
    options = {"label": question(field), "required": field.required}
    if field.datatype in LIST_TYPES:
        choices = [(choice.key, choice.name()) for choice in choices_of(field)]
        if field.datatype == FieldType.MULTI:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **options
            )
        return forms.ChoiceField(choices=[("", "---------"), *choices], **options)
    widget = {
        FieldType.TEXT: forms.Textarea(attrs={"rows": 3}),
        FieldType.NUMBER: forms.TextInput(attrs={"inputmode": "decimal"}),
        FieldType.DATETIME: forms.DateTimeInput(attrs={"type": "datetime-local"}),
    }.get(field.datatype, forms.TextInput)
    # Text in, checked by clean_attributes: one rule for every way a report comes in.
    return forms.CharField(widget=widget, max_length=MAX_LENGTH.get(field.datatype), **options)
