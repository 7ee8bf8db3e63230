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


# --- accuracy in production ---------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """How often the suggestions agreed with the category the report was finally filed under
    (its category after any 改类), over the reports filed after a suggestion."""

    channel: str  # "" for every channel
    made: int  # suggestions made (each pause in typing is one)
    filed: int  # reports filed after one
    first: int  # the best offered was the final category
    offered: int  # the final category was among those offered
    same_class: int  # the best offered was of the final category's class
    sure: int  # filed after a suggestion sure enough to be chosen for the user
    sure_first: int  # … and that choice was kept

    def rate(self, part: int, whole: int | None = None) -> float | None:
        whole = self.filed if whole is None else whole
        return 100 * part / whole if whole else None

    @property
    def first_rate(self):
        return self.rate(self.first)

    @property
    def offered_rate(self):
        return self.rate(self.offered)

    @property
    def class_rate(self):
        return self.rate(self.same_class)

    @property
    def sure_rate(self):
        return self.rate(self.sure_first, self.sure)


def _class_of(code: str) -> str:
    return code[:3]  # E0101 → E01: the catalogue's codes are the class's and two digits


def agreement(logs) -> list[Agreement]:
    """Per channel, then all together, over the given SuggestionLog rows."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    for channel, offered_codes, chosen, case_id in logs.values_list(
        "channel", "offered", "chosen", "case_id"
    ):
        for key in (channel, ""):
            row = counts[key]
            row[0] += 1
            if not (case_id and chosen and offered_codes):
                continue
            best, best_score = offered_codes[0]
            row[1] += 1
            row[2] += best == chosen
            row[3] += chosen in {code for code, _score in offered_codes}
            row[4] += _class_of(best) == _class_of(chosen)
            is_sure = best_score >= SURE_FROM
            row[5] += is_sure
            row[6] += is_sure and best == chosen
    return [
        Agreement(channel, *counts[channel])
        for channel in sorted(counts, key=lambda name: (name == "", name))
    ]


@dataclass(frozen=True)
class Correction:
    suggested: str  # code and name of the category offered first
    chosen: str  # … and of the one the report was finally filed under
    count: int


def corrections_made(logs, limit: int = 10) -> list[Correction]:
    """The commonest (offered first → finally chosen) pairs that differ: where to write more
    corpus texts, or which categories overlap."""
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    filed = logs.filter(case__isnull=False).exclude(chosen="")
    for offered_codes, chosen in filed.values_list("offered", "chosen"):
        if offered_codes and offered_codes[0][0] != chosen:
            pairs[(offered_codes[0][0], chosen)] += 1
    leaves = catalogue().leaves

    def named(code: str) -> str:
        return f"{code} {leaves[code].name}" if code in leaves else code

    ranked = sorted(pairs.items(), key=lambda item: -item[1])[:limit]
    return [Correction(named(first), named(chosen), count) for (first, chosen), count in ranked]
