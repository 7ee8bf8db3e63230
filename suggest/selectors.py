"""Suggest the category of a report from its words: the five likeliest leaf categories with their
scores, whether it is a case at all, and the department routing picks for the best one."""

import functools
from collections import defaultdict
from dataclasses import dataclass

from cases.catalogue import catalogue
from cases.models import Category, RoutingRule
from cases.selectors import route_for
from staff.models import Department
from territory.counties import instance_county
from territory.models import Region

from .corpus import NOT_A_CASE
from .model import ARTEFACT, Model, load

SHOWN = 5
# Below this score the best category is offered, not chosen: "not sure" rather than a confident
# wrong answer (docs/suggest.md has how it was set from the held-out set).
SURE_FROM = 0.45
NOT_A_CASE_FROM = 0.5


@functools.cache
def model() -> Model:
    """Read once per process from the repository's artefact (no training at run time)."""
    return load(ARTEFACT)


def forget_model() -> None:
    model.cache_clear()


@dataclass(frozen=True)
class Scored:
    category: Category
    score: float


@dataclass(frozen=True)
class Suggestion:
    leaves: list[Scored]  # the likeliest leaf categories, best first
    classes: list[tuple[Category, float]]  # their classes, summed
    not_a_case: bool  # 咨询, 表扬, 无效: answered by the centre, not dispatched
    sure: bool  # the best is likely enough to be chosen for the user
    department: Department | None  # routing's choice for the best leaf
    version: str

    @property
    def best(self) -> Category | None:
        return self.leaves[0].category if self.leaves and self.sure else None


def _department(category: Category, grid: Region | None) -> Department | None:
    """Where routing sends the category: from the place when there is one, else the county-wide
    rule (a town's own office, 派出所 …, needs the place)."""
    if grid is not None:
        return route_for(category, grid).department
    rules = RoutingRule.objects.filter(
        category__in=category.lineage(), region=instance_county()
    ).select_related("department", "category")
    depth = {node.pk: rank for rank, node in enumerate(category.lineage())}
    best = min(rules, key=lambda rule: depth[rule.category_id], default=None)
    return best.department if best else None


def suggest(text: str, *, grid: Region | None = None) -> Suggestion:
    found = model()
    probabilities = found.probabilities([text])[0]
    leaves = catalogue().leaves
    scored, classes, not_a_case = [], defaultdict(float), 0.0
    for label, probability in zip(found.labels, probabilities, strict=True):
        if label.startswith(NOT_A_CASE):
            not_a_case += float(probability)
        category = leaves.get(label)  # the "not a case" answers are categories of enquiries/
        if category is not None:
            scored.append(Scored(category, float(probability)))
            classes[category.parent] += float(probability)
    is_not_a_case = not_a_case >= NOT_A_CASE_FROM
    # Not a case: the likeliest of its answers (咨询, 表扬, 无效) first, whatever its own share.
    scored.sort(key=lambda item: (not (is_not_a_case and _answers(item)), -item.score))
    top = scored[:SHOWN]
    if is_not_a_case:
        sure = bool(top) and _answers(top[0])
    else:
        sure = bool(top) and top[0].score >= SURE_FROM
    return Suggestion(
        leaves=top,
        classes=sorted(classes.items(), key=lambda item: -item[1])[:SHOWN],
        not_a_case=is_not_a_case,
        sure=sure,
        department=_department(top[0].category, grid) if top and not is_not_a_case else None,
        version=found.version,
    )


def _answers(item: Scored) -> bool:
    """One of the "not a case" answers, answered by the centre (enquiries/)."""
    return item.category.code.startswith(NOT_A_CASE)


def offered(found: Suggestion) -> list[dict]:
    """The suggested categories as the API and the report form send them, best first."""
    return [
        {
            "id": item.category.pk,
            "code": item.category.code,
            "name": item.category.name,
            "class_code": item.category.parent.code,
            "class_name": item.category.parent.name,
            "kind": item.category.case_kind or item.category.kind,
            "score": round(item.score, 4),
        }
        for item in found.leaves
    ]

