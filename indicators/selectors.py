"""Reads of the figures: what other apps call (`figure`, `figures`, `basic_counts`), the
access-checked fetch behind the pages, and the table of a data set over regions."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import Http404

from territory.models import Level, Region
from wangge.county import instance_county_code

from .models import DataElement, DataSet, DataValue, HistoryEntry, Report, Status, ValueType
from .rules import format_value
from .services import elements_of, may_view

GRID_BASICS = "grid_basics"
HOUSEHOLDS, POPULATION, UNITS = "grid_households", "grid_population", "grid_units"

Number = int | Decimal


def _region(region: Region | str) -> Region:
    return region if isinstance(region, Region) else Region.objects.get(code=region)


def _data_set(code: str, county_code: str) -> DataSet:
    return DataSet.objects.get(county_code=county_code, code=code)


def _typed(value: Decimal | None, value_type: str) -> Number | None:
    if value is None:
        return None
    return int(value) if value_type == ValueType.WHOLE else value.quantize(Decimal("0.01"))


def _approved_sums(data_set: DataSet, region: Region, period: str) -> dict[str, Decimal]:
    rows = (
        DataValue.objects.filter(
            report__data_set=data_set,
            report__period=period,
            report__status=Status.APPROVED,
            report__region__path__startswith=region.path,
        )
        .values("element__code")
        .annotate(total=Sum("value"))
    )
    return {row["element__code"]: row["total"] for row in rows}


def figures(data_set_code: str, region: Region | str, period: str) -> dict[str, Number | None]:
    """Approved figures of a data set for a region and period, by element code, summed over the
    region's parts for a set entered below it (a town's households: the sum of its grids').
    None for a figure with no approved report: not entered is not zero."""
    region = _region(region)
    data_set = _data_set(data_set_code, region.county_code)
    sums = _approved_sums(data_set, region, period)
    return {e.code: _typed(sums.get(e.code), e.value_type) for e in elements_of(data_set)}


def figure(
    data_set_code: str, element_code: str, region: Region | str, period: str
) -> Number | None:
    return figures(data_set_code, region, period)[element_code]


@dataclass(frozen=True)
class BasicCounts:
    """The 人、户 of a region for a year: the sums of its grids' approved basic counts."""

    households: int | None
    population: int | None
    units: int | None
    grids_reported: int
    grids: int

    def per_household(self, count: Number) -> float | None:
        return float(count) / self.households if self.households else None

    def per_10k_residents(self, count: Number) -> float | None:
        return 10_000 * float(count) / self.population if self.population else None


def basic_counts(region: Region | str, year: int) -> BasicCounts:
    region = _region(region)
    counts = figures(GRID_BASICS, region, str(year))
    reported = Report.objects.filter(
        data_set__county_code=region.county_code,
        data_set__code=GRID_BASICS,
        period=str(year),
        status=Status.APPROVED,
        region__path__startswith=region.path,
    ).count()
    grids = Region.objects.grids().subtree(region).count()
    return BasicCounts(counts[HOUSEHOLDS], counts[POPULATION], counts[UNITS], reported, grids)


# --- the pages --------------------------------------------------------------------------------


def data_sets() -> list[DataSet]:
    return list(DataSet.objects.filter(county_code=instance_county_code()))


def get_data_set(code: str) -> DataSet:
    found = DataSet.objects.filter(county_code=instance_county_code(), code=code).first()
    if found is None:
        raise Http404
    return found


def get_report_for(user, data_set: DataSet, region_code: str, period: str):
    """(region, report or None) for a page: 404 for an unknown region or one of the wrong level,
    403 outside the user's area."""
    region = Region.objects.filter(code=region_code, county_code=data_set.county_code).first()
    if region is None or region.level != data_set.level:
        raise Http404
    if not may_view(user, data_set, region):
        raise PermissionDenied
    report = (
        Report.objects.filter(data_set=data_set, region=region, period=period)
        .select_related("submitted_by", "approved_by")
        .first()
    )
    return region, report


def values_of(report: Report | None) -> dict[str, Decimal]:
    if report is None:
        return {}
    return {v.element.code: v.value for v in report.values.select_related("element")}


def history_of(report: Report | None) -> list[HistoryEntry]:
    if report is None:
        return []
    entries = list(report.history.select_related("actor", "element").order_by("at", "id"))
    for entry in entries:
        if entry.element is not None:
            value_type = entry.element.value_type
            entry.old = (
                format_value(entry.old_value, value_type) if entry.old_value is not None else "–"
            )
            entry.new = (
                format_value(entry.new_value, value_type) if entry.new_value is not None else "–"
            )
    return entries


def home_region(user, data_set: DataSet) -> Region | None:
    """Where the user's table of this data set starts: their own region, the department's, or
    the county."""
    if user.region_id:
        return user.region
    if user.department_id:
        return user.department.region
    return Region.objects.filter(code=data_set.county_code).first()


def own_report_region(user, data_set: DataSet) -> Region | None:
    """The region whose figures this user enters at the data set's level, if exactly one."""
    if user.region_id and user.region.level == data_set.level:
        return user.region
    if data_set.level == Level.COUNTY:
        return Region.objects.filter(code=data_set.county_code).first()
    return None


@dataclass(frozen=True)
class TableRow:
    region: Region
    cells: list[tuple[DataElement, Number | None]]
    report: Report | None  # for regions at the data set's level
    approved: int  # reports approved under the region
    expected: int  # regions of the data set's level under it


def region_table(data_set: DataSet, period: str, region: Region) -> tuple[list[TableRow], TableRow]:
    """The data set over the parts of a region (its children, or itself at the data set's
    level): approved sums with how many reports are approved; the region's total last."""
    elements = elements_of(data_set)
    at_level = region.level == data_set.level
    parts = [region] if at_level else list(region.children.order_by("code"))
    prefix = len(region.path)

    def part_path(path: str) -> str:
        """The path of the part (a child of the region, or the region itself) holding a path."""
        if region.level == data_set.level:
            return region.path
        return region.path + path[prefix:].split("/", 1)[0] + "/"

    sums: dict[str, dict[str, Decimal]] = {}
    approved: dict[str, int] = {}
    for row in (
        DataValue.objects.filter(
            report__data_set=data_set,
            report__period=period,
            report__status=Status.APPROVED,
            report__region__path__startswith=region.path,
        )
        .values_list("report__region__path", "element__code", "value")
        .iterator()
    ):
        into = sums.setdefault(part_path(row[0]), {})
        into[row[1]] = into.get(row[1], Decimal(0)) + row[2]
    for path in Report.objects.filter(
        data_set=data_set,
        period=period,
        status=Status.APPROVED,
        region__path__startswith=region.path,
    ).values_list("region__path", flat=True):
        approved[part_path(path)] = approved.get(part_path(path), 0) + 1
    expected: dict[str, int] = {}
    for path in Region.objects.filter(
        path__startswith=region.path, level=data_set.level
    ).values_list("path", flat=True):
        expected[part_path(path)] = expected.get(part_path(path), 0) + 1
    reports = {
        r.region_id: r
        for r in Report.objects.filter(data_set=data_set, period=period, region__in=parts)
    }
    rows = []
    for part in parts:
        got = sums.get(part.path, {})
        rows.append(
            TableRow(
                part,
                [(e, _typed(got.get(e.code), e.value_type)) for e in elements],
                reports.get(part.pk),
                approved.get(part.path, 0),
                expected.get(part.path, 0),
            )
        )
    total_sums = _approved_sums(data_set, region, period)
    total = TableRow(
        region,
        [(e, _typed(total_sums.get(e.code), e.value_type)) for e in elements],
        None,
        sum(row.approved for row in rows),
        sum(row.expected for row in rows),
    )
    return rows, total


def pending_count(data_set: DataSet, period: str, region: Region) -> int:
    return Report.objects.filter(
        Q(status=Status.SUBMITTED),
        data_set=data_set,
        period=period,
        region__path__startswith=region.path,
    ).count()
