"""The demo's figures for the year of `now`: 扫黑除恶 and 雪亮工程 exactly as the 城固县 article
reports them, entered by the responsible office and approved by the county centre through the
real services; and the basic counts of every grid, entered by its grid worker and approved by
its village centre, in bulk.

Provenance of the grid counts: EXAMPLE figures. No public source at hand gives households or
residents per grid, village or town of 城固县 (territory/data/chenggu has divisions, an outline and
seats only). The county totals aimed at, about 160,000 households and 460,000 residents, are
the order of magnitude the project's brief gives for the county, not a cited statistic; the split
over grids follows the territory's synthetic household weights, and units and the special
groups are plausible rates. Replace them with the county's own import."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np

from staff.models import Department, Role, User
from territory.counties import instance_county
from territory.models import Region

from .install import install_data_sets
from .models import Action, DataSet, Report
from .services import save_figures, store_reports, take_step

SAOHEI = {
    "sh_black_orgs": 2,
    "sh_evil_groups": 3,
    "sh_evil_gangs": 1,
    "sh_cases": 129,
    "sh_detained": 294,
    "sh_arrested": 206,
    "sh_prosecuted": 231,
    "sh_assets_seized": Decimal("4302.22"),
    "sh_assets_judged": Decimal("227.1"),
    "sh_corruption_cases": 24,
    "sh_officials_handled": 33,
    "sh_disciplined": 33,
    "sh_referred": 6,
    "sh_umbrella_cases": 3,
    "sh_umbrella_people": 6,
}
XUELIANG = {"xl_cameras": 2400, "xl_mountains_rivers": 21, "xl_class1": 742}

#: The example totals the grid counts are scaled to (see the module's docstring).
COUNTY_HOUSEHOLDS = 160_000
RESIDENTS_PER_HOUSEHOLD = 2.88


def grid_counts(households_weights: np.ndarray, seed: int) -> np.ndarray:
    """Example counts per grid, one row per grid in the order of the weights: households,
    residents, units, elderly living alone, left-behind children, people with disabilities,
    minimum-allowance households; every rule of the data set holds."""
    rng = np.random.default_rng(seed)
    weights = np.maximum(households_weights.astype(float), 1.0)
    households = np.maximum(np.rint(weights / weights.sum() * COUNTY_HOUSEHOLDS), 20).astype(int)
    population = np.rint(households * rng.normal(RESIDENTS_PER_HOUSEHOLD, 0.25, len(weights)))
    population = np.maximum(population.astype(int), households)
    units = rng.binomial(households, 0.025)
    elderly = np.minimum(rng.binomial(households, 0.035), households)
    children = rng.binomial(population, 0.018)
    disabled = rng.binomial(population, 0.062)
    subsistence = np.minimum(rng.binomial(households, 0.03), households)
    return np.column_stack(
        [households, population, units, elderly, children, disabled, subsistence]
    )


GRID_ELEMENTS = [
    "grid_households",
    "grid_population",
    "grid_units",
    "grid_elderly_alone",
    "grid_left_behind_children",
    "grid_disabled",
    "grid_subsistence_households",
]


def _as_values(figures: Mapping[str, Any]) -> dict[str, Decimal]:
    return {code: Decimal(str(value)) for code, value in figures.items()}


def fill_indicators(logins: Mapping[str, Any], now: datetime, simulated: int = 0) -> None:
    county = instance_county()
    sets = {data_set.code: data_set for data_set in install_data_sets(county.code)}
    period = str(now.year)
    if Report.objects.filter(data_set__in=sets.values(), period=period).exists():
        return  # filled already: the demo adds no second year of the same figures
    approver = logins.get("county_operator")
    county_op = (
        User.objects.filter(role=Role.OPERATOR, region=county)
        .exclude(pk=getattr(approver, "pk", None))
        .first()
    )
    office = Department.objects.filter(county_code=county.code, code="gaj").first()
    police = office and User.objects.filter(role=Role.HANDLER, department=office).first()
    entered_by = {"saohei": police or county_op or logins.get("admin"), "xueliang": county_op or logins.get("admin")}  # fmt: skip
    for code, figures in (("saohei", SAOHEI), ("xueliang", XUELIANG)):
        clerk = entered_by[code]
        if clerk is None or approver is None or clerk.pk == approver.pk:
            continue
        report = save_figures(sets[code], county, period, clerk, _as_values(figures), now=now)
        take_step(report, clerk, Action.SUBMIT, now=now)
        take_step(report, approver, Action.APPROVE, now=now)
    _fill_grids(sets["grid_basics"], county, period, now)


def _fill_grids(data_set: DataSet, county: Region, period: str, now: datetime) -> None:
    grids = list(Region.objects.grids().subtree(county).order_by("code"))
    if not grids:
        return
    workers = {}
    for user in User.objects.filter(role=Role.GRID_WORKER).order_by("pk"):
        workers.setdefault(user.region_id, user)
    operators = {u.region_id: u for u in User.objects.filter(role=Role.OPERATOR)}
    fallback = User.objects.filter(role=Role.ADMIN).first()
    counts = grid_counts(np.array([g.households or 400 for g in grids]), int(county.code))
    entries = [
        (grid, {code: Decimal(int(value)) for code, value in zip(GRID_ELEMENTS, row, strict=True)})
        for grid, row in zip(grids, counts, strict=True)
    ]
    store_reports(
        data_set,
        period,
        entries,
        lambda grid: workers.get(grid.pk) or fallback,
        action=Action.ENTER,
        approver=lambda grid: operators.get(grid.parent_id) or operators.get(county.pk),
        now=now,
    )
