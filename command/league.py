"""League tables: a region's parts (towns of the county …) and the departments working in it,
ranked by the county's composite score (command.models.ScoreComponent, its method shown on
the page), each figure beside it."""

from dataclasses import dataclass

from staff.models import Department
from territory.models import Region

from . import places
from .models import Indicator, ScoreComponent
from .periods import Period
from .selectors import Figure, child_figures, current_indicators, figure_of, moment_of, step_sums


@dataclass(frozen=True)
class Component:
    indicator: Indicator
    weight: float
    higher_is_better: bool

    def points(self, figure: Figure) -> float | None:
        """The figure on the score's 0–100 scale (a rate where lower is better: 100 − it); a
        rate counted by day may pass 100 % (more closed than accepted that month): kept at 100."""
        if figure.value is None:
            return None
        value = min(max(figure.value, 0.0), 100.0)
        return value if self.higher_is_better else 100 - value


@dataclass(frozen=True)
class Standing:
    name: str
    region: Region | None
    department: Department | None
    figures: list[Figure]
    score: float | None
    rank: int | None = None


def components(period: Period) -> list[Component]:
    """The score's components with the indicators' rules in force for the period."""
    by_code = {indicator.code: indicator for indicator in current_indicators(moment_of(period))}
    return [
        Component(by_code[row.indicator_code], row.weight, row.higher_is_better)
        for row in ScoreComponent.objects.all()
        if row.indicator_code in by_code and by_code[row.indicator_code].unit == "%"
    ]


def score(parts: list[Component], figures: list[Figure]) -> float | None:
    """The weighted mean of the components with a figure (None with none)."""
    weighted = [
        (part.weight, points)
        for part, figure in zip(parts, figures, strict=True)
        if (points := part.points(figure)) is not None
    ]
    total = sum(weight for weight, _points in weighted)
    if not total:
        return None
    return sum(weight * points for weight, points in weighted) / total


def _ranked(standings: list[Standing]) -> list[Standing]:
    """Best first; those without a score last, unranked."""
    ordered = sorted(standings, key=lambda row: (row.score is None, -(row.score or 0), row.name))
    ranked, rank = [], 0
    for row in ordered:
        if row.score is not None:
            rank += 1
        ranked.append(Standing(**{**row.__dict__, "rank": rank if row.score is not None else None}))
    return ranked


def parts_league(region: Region, period: Period, parts: list[Component]) -> list[Standing]:
    by_part = [child_figures(part.indicator, region, period.start, period.end) for part in parts]
    standings = []
    for index, (child, _figure) in enumerate(by_part[0] if by_part else []):
        figures = [rows[index][1] for rows in by_part]
        standings.append(Standing(child.name, child, None, figures, score(parts, figures)))
    return _ranked(standings)


def departments_league(region: Region, period: Period, parts: list[Component]) -> list[Standing]:
    sums = [
        step_sums([part.indicator], region, period.start, period.end, by="department_id")
        for part in parts
    ]
    keys = {key for found in sums for key in found if key[1]}  # 0: not yet routed
    departments = places.rows_by_key(places.tables().Department, keys)
    names = places.names(places.tables().Department, keys)
    standings = []
    for key, department in sorted(departments.items(), key=lambda item: names[item[0]]):
        figures = [
            figure_of(part.indicator, found[key]) for part, found in zip(parts, sums, strict=True)
        ]
        standings.append(Standing(names[key], None, department, figures, score(parts, figures)))
    return _ranked(standings)
