"""Kinds of case (street problems, disputes, emergencies …) as a typed registry.

A kind is a Django app that, in its `AppConfig.ready()`, registers one `CaseKind`: its
categories, an optional detail model (one-to-one with the case) with the form the report asks
and the fragment the case page shows, extra steps and guards, and its own figures. The core
imports no kind: it asks this registry about the case's `case_kind`. A category of no
registered kind follows the core loop alone (`PLAIN`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .workflow import Transition, add_kind_transitions


@dataclass(frozen=True)
class Guard:
    """A rule a step must pass on this kind's cases: `refusal` says why not, or None."""

    actions: tuple[str, ...]
    refusal: Callable[[Any, Mapping[str, Any]], str | None]  # (case, cleaned inputs)


@dataclass(frozen=True)
class Figure:
    """A figure of the kind's own, over a set of its cases (the command centre shows them)."""

    code: str
    label: Promise
    compute: Callable[[QuerySet], int | float | None]


@dataclass(frozen=True)
class KindDetail:
    """The kind's own facts about a case: a model with a one-to-one `case`, the form the report
    asks them with (the model's fields but `case`), and the case page's fragment (given `detail`)."""

    model: type[models.Model]
    form: type[forms.ModelForm]
    template: str


@dataclass(frozen=True)
class CountedStep:
    """A step of the kind's own that the command centre counts (its facts and indicators): the
    timeline's `action` counted as `step`. Several actions may count as one step."""

    action: str
    step: str
    label: Promise


@dataclass(frozen=True)
class CaseKind:
    code: str
    label: Promise
    categories_csv: Path | None = None  # installed by `install_categories`, with its routing
    category_fields_csv: Path | None = None  # their questions, by `install_category_fields`
    detail: KindDetail | None = None
    transitions: tuple[Transition, ...] = ()
    # The core steps its cases take (None: all); a service application, say, is neither
    # dispatched by the governance centre nor verified on site.
    core_steps: frozenset[str] | None = None
    guards: tuple[Guard, ...] = ()
    # Whether two of its cases can be the same problem, offered as duplicates ("is it this
    # one?", the case page's likely duplicates): an application is one person's own, never.
    has_duplicates: bool = True
    figures: tuple[Figure, ...] = ()
    counted_steps: tuple[CountedStep, ...] = ()
    # (new case, the detail form's cleaned data) → None: what the kind sets on a new case from
    # its details before it is written (a high-risk dispute goes to the town centre at once).
    on_report: Callable[[Any, Mapping[str, Any]], None] | None = None
    # (the demo's named logins, now, how many cases the simulated year has) → None: fills the
    # demo with this kind's cases through the real services, in proportion; the simulated year
    # then leaves its categories out.
    demo: Callable[[Mapping[str, Any], Any, int], None] | None = None


PLAIN = CaseKind(code="", label=_("General"))
_KINDS: dict[str, CaseKind] = {}


def register_kind(kind: CaseKind) -> None:
    """Called once per kind from its app's `ready()`."""
    if not kind.code or kind.code in _KINDS:
        raise ValueError(f"a kind needs a code of its own: {kind.code!r}")
    add_kind_transitions(kind.code, kind.transitions, kind.core_steps)
    _KINDS[kind.code] = kind


def get_kind(code: str) -> CaseKind:
    return _KINDS.get(code, PLAIN)


def registered_kinds() -> list[CaseKind]:
    return list(_KINDS.values())


def kind_counted_steps() -> list[CountedStep]:
    return [counted for kind in _KINDS.values() for counted in kind.counted_steps]


def kind_choices() -> list[tuple[str, Any]]:
    return [(PLAIN.code, PLAIN.label)] + [(kind.code, kind.label) for kind in _KINDS.values()]


def guard_refusal(case, action: str, inputs: Mapping[str, Any]) -> str | None:
    """The first refusal of a guard of the case's kind on this step, if any."""
    for guard in get_kind(case.case_kind).guards:
        if action in guard.actions:
            refusal = guard.refusal(case, inputs)
            if refusal:
                return refusal
    return None


def detail_of(case) -> models.Model | None:
    """The kind's own record of this case, if the kind keeps one."""
    detail = get_kind(case.case_kind).detail
    if detail is None:
        return None
    return detail.model.objects.filter(case=case).first()


def kind_figures(kind: CaseKind, cases: QuerySet) -> list[tuple[Figure, Any]]:
    """The kind's figures over the given cases (only this kind's cases count)."""
    own = cases.filter(case_kind=kind.code)
    return [(figure, figure.compute(own)) for figure in kind.figures]
