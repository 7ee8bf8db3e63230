"""Actions that change the territory: imports of divisions (CSV), grids (GeoJSON) and the
gazetteer (CSV), boundaries.

Every import validates the whole input first and writes nothing if any row is wrong, so that a
county never ends up with half a tree. A re-run updates the rows it finds instead of duplicating.
"""

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape

from wangge.csvtext import csv_reader

from .cache import forget_territory_caches
from .grid_index import get_grid_index
from .models import LEVEL_ORDER, CodeScheme, GazetteerEntry, Level, PlaceKind, Region
from .selectors import instance_county_name

DIVISION_COLUMNS = ["code", "name", "level", "parent_code"]
DIVISION_LEVELS = {Level.COUNTY, Level.TOWN, Level.VILLAGE}


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row: where (line or feature number), which field, and why."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return _("%(where)s, %(field)s: %(message)s") % {
            "where": self.where,
            "field": self.field,
            "message": self.message,
        }


class TerritoryImportError(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    codes: list[str] = field(default_factory=list)


def _line(number: int) -> str:
    return _("line %(number)s") % {"number": number}


def _feature(number: int) -> str:
    return _("feature %(number)s") % {"number": number}


def _centroid(geometry: shapely.Geometry) -> tuple[float, float]:
    point = geometry.centroid
    if not geometry.contains(point):  # a crescent-shaped village: label it inside
        point = geometry.point_on_surface()
    return round(point.x, 6), round(point.y, 6)


# --- divisions ---------------------------------------------------------------------------------


def read_divisions_csv(text: str) -> list[dict]:
    """Rows of a divisions CSV with their line numbers; a wrong header is an error of its own."""
    reader = csv_reader(text)
    header = reader.fieldnames or []
    missing = [column for column in DIVISION_COLUMNS if column not in header]
    if missing:
        raise TerritoryImportError(
            [
                RowError(
                    _line(1),
                    ", ".join(missing),
                    _("missing column(s); the header must be: %(columns)s")
                    % {"columns": ",".join(DIVISION_COLUMNS)},
                )
            ]
        )
    return [
        {"line": reader.line_num, **{key: (row.get(key) or "").strip() for key in DIVISION_COLUMNS}}
        for row in reader
    ]


def validate_divisions(rows: list[dict]) -> list[RowError]:
    errors: list[RowError] = []
    in_file = {row["code"]: row for row in rows if row["code"]}
    in_database = dict(Region.objects.values_list("code", "level"))
    seen: set[str] = set()
    for row in rows:
        where, code, level, parent_code = row["line"], row["code"], row["level"], row["parent_code"]
        where = _line(where)
        if not re.fullmatch(r"[0-9]{6,12}", code):  # ASCII only: Excel's full-width digits too
            errors.append(
                RowError(
                    where, "code", _("must be 6 to 12 digits, got “%(value)s”") % {"value": code}
                )
            )
        elif code in seen:
            errors.append(
                RowError(
                    where, "code", _("“%(value)s” appears twice in the file") % {"value": code}
                )
            )
        seen.add(code)
        if not row["name"]:
            errors.append(RowError(where, "name", _("is empty")))
        elif len(row["name"]) > 100:
            errors.append(RowError(where, "name", _("is longer than 100 characters")))
        if level not in DIVISION_LEVELS:
            errors.append(
                RowError(
                    where,
                    "level",
                    _("must be county, town or village, got “%(value)s”") % {"value": level},
                )
            )
            continue
        if level == Level.COUNTY:
            continue
        parent_level = (
            in_file[parent_code]["level"]
            if parent_code in in_file
            else in_database.get(parent_code)
        )
        if not parent_code:
            errors.append(
                RowError(where, "parent_code", _("is empty; only the county has no parent"))
            )
        elif parent_level is None:
            errors.append(
                RowError(
                    where,
                    "parent_code",
                    _("“%(value)s” is neither in the file nor in the database")
                    % {"value": parent_code},
                )
            )
        elif parent_level not in DIVISION_LEVELS:
            pass  # the parent's own row already carries the error about its level
        elif LEVEL_ORDER.index(parent_level) != LEVEL_ORDER.index(level) - 1:
            errors.append(
                RowError(
                    where,
                    "parent_code",
                    _(
                        "a row of level “%(level)s” must sit under a “%(expected)s”, but “%(value)s” is a “%(actual)s”"
                    )
                    % {
                        "level": Level(level).label,
                        "expected": LEVEL_ORDER[LEVEL_ORDER.index(level) - 1].label,
                        "value": parent_code,
                        "actual": Level(parent_level).label,
                    },
                )
            )
        elif not code.startswith(parent_code):
            errors.append(
                RowError(
                    where,
                    "code",
                    _("“%(code)s” does not start with its parent's code “%(parent)s”")
                    % {"code": code, "parent": parent_code},
                )
            )
    return errors


@transaction.atomic
def import_divisions(text: str) -> ImportSummary:
    """Create or update the county, towns and villages of a divisions CSV (all or nothing)."""
    rows = read_divisions_csv(text)
    errors = validate_divisions(rows)
    if errors:
        raise TerritoryImportError(errors)
    summary = ImportSummary()
    by_code: dict[str, Region] = {}
    for row in sorted(rows, key=lambda row: LEVEL_ORDER.index(row["level"])):
        parent = None
        if row["level"] != Level.COUNTY:
            parent = by_code.get(row["parent_code"]) or Region.objects.get(code=row["parent_code"])
        region, created = Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent": parent,
                "path": (parent.path if parent else "") + row["code"] + "/",
                "county_code": parent.county_code if parent else row["code"],
                "code_scheme": CodeScheme.STATISTICS,
            },
        )
        by_code[region.code] = region
        summary.created += created
        summary.updated += not created
        summary.codes.append(region.code)
    forget_territory_caches()  # the maps carry the towns' and villages' names
    return summary


# --- boundaries and grids ----------------------------------------------------------------------


def set_boundary(code: str, geometry: dict) -> Region:
    """Give a region its boundary polygon (e.g. the county outline)."""
    shaped = shape(geometry)
    region = Region.objects.get(code=code)
    region.boundary = json.dumps(mapping(shaped), ensure_ascii=False)
    region.centroid_lon, region.centroid_lat = _centroid(shaped)
    region.save(update_fields=["boundary", "centroid_lon", "centroid_lat", "updated_at"])
    forget_territory_caches()
    return region


@dataclass(frozen=True)
class GridRow:
    """One grid feature, validated and normalised (codes as text, whatever the file had)."""

    code: str
    village_code: str
    name: str
    households: int | None
    synthetic: bool
    geometry: shapely.Geometry


def _validate_grid_feature(
    number: int, feature: object, villages: dict[str, Region], seen: set[str]
) -> tuple[list[RowError], GridRow | None]:
    where = _feature(number)
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [RowError(where, "type", _("is not a GeoJSON Feature"))], None
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return [RowError(where, "properties", _("is not an object"))], None
    errors: list[RowError] = []
    code = str(properties.get("code") or "").strip()
    village_code = str(properties.get("village_code") or "").strip()
    name = str(properties.get("name") or "").strip()
    if village_code not in villages:
        errors.append(
            RowError(
                where,
                "village_code",
                _("“%(value)s” is not a village in the database") % {"value": village_code},
            )
        )
    if not re.fullmatch(re.escape(village_code) + r"[0-9]{3}", code):
        errors.append(
            RowError(
                where,
                "code",
                _("must be the village code followed by a 3-digit serial, got “%(value)s”")
                % {"value": code},
            )
        )
    elif code in seen:
        errors.append(
            RowError(where, "code", _("“%(value)s” appears twice in the file") % {"value": code})
        )
    seen.add(code)
    if not name:
        errors.append(RowError(where, "name", _("is empty")))
    households = properties.get("households")
    if households is not None and (
        isinstance(households, bool) or not isinstance(households, int) or households < 0
    ):
        errors.append(RowError(where, "households", _("must be a whole number ≥ 0")))
    try:
        geometry = shape(feature.get("geometry"))
    except (AttributeError, TypeError, ValueError, KeyError, shapely.errors.ShapelyError):
        errors.append(RowError(where, "geometry", _("is missing or not GeoJSON")))
        return errors, None
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        errors.append(
            RowError(
                where,
                "geometry",
                _("must be a Polygon, got %(type)s") % {"type": geometry.geom_type},
            )
        )
    elif geometry.is_empty:
        errors.append(RowError(where, "geometry", _("has no area")))
    elif not geometry.is_valid:  # before the area: a symmetric bow-tie has area 0
        errors.append(
            RowError(
                where,
                "geometry",
                _("is not a valid polygon (%(reason)s)")
                % {"reason": shapely.is_valid_reason(geometry)},
            )
        )
    elif geometry.area <= 0:
        errors.append(RowError(where, "geometry", _("has no area")))
    if errors:
        return errors, None
    synthetic = bool(properties.get("synthetic", False))
    return [], GridRow(code, village_code, name, households, synthetic, geometry)


@transaction.atomic
def import_grids(collection: object) -> ImportSummary:
    """Create or update grids from a GeoJSON FeatureCollection; villages and towns get the union."""
    if (
        not isinstance(collection, dict)
        or collection.get("type") != "FeatureCollection"
        or not isinstance(collection.get("features"), list)
    ):
        raise TerritoryImportError(
            [RowError(_("file"), "features", _("is not a GeoJSON FeatureCollection"))]
        )
    villages = {region.code: region for region in Region.objects.filter(level=Level.VILLAGE)}
    errors: list[RowError] = []
    valid: list[GridRow] = []
    seen: set[str] = set()
    for number, feature in enumerate(collection["features"], start=1):
        feature_errors, row = _validate_grid_feature(number, feature, villages, seen)
        errors.extend(feature_errors)
        if row is not None:
            valid.append(row)
    if errors:
        raise TerritoryImportError(errors)

    summary = ImportSummary()
    existing = {region.code: region for region in Region.objects.grids()}
    to_create, to_update = [], []
    for row in valid:
        village = villages[row.village_code]
        grid = existing.get(row.code) or Region(code=row.code, level=Level.GRID)
        grid.name = row.name
        grid.parent = village
        grid.path = f"{village.path}{grid.code}/"
        grid.county_code = village.county_code
        grid.code_scheme = CodeScheme.SYNTHETIC
        grid.boundary = json.dumps(mapping(row.geometry), ensure_ascii=False)
        grid.centroid_lon, grid.centroid_lat = _centroid(row.geometry)
        grid.households = row.households
        grid.synthetic = row.synthetic
        (to_update if grid.pk else to_create).append(grid)
        summary.codes.append(grid.code)
    Region.objects.bulk_create(to_create, batch_size=500)
    fields = [
        "name",
        "parent",
        "path",
        "county_code",
        "code_scheme",
        "boundary",
        "centroid_lon",
        "centroid_lat",
        "households",
        "synthetic",
    ]
    for grid in to_update:  # bulk_update skips auto_now: the grid index watches updated_at
        grid.save(update_fields=[*fields, "updated_at"])
    summary.created, summary.updated = len(to_create), len(to_update)
    refresh_boundaries_from_grids({row.village_code for row in valid})
    forget_territory_caches()
    return summary


def refresh_boundaries_from_grids(village_codes: Iterable[str]) -> None:
    """Villages and their towns take the union of the grids under them as their boundary."""
    villages = list(
        Region.objects.filter(code__in=set(village_codes), level=Level.VILLAGE).select_related(
            "parent"
        )
    )
    towns = {village.parent for village in villages}
    for region in [*villages, *towns]:
        boundaries = (
            Region.objects.grids()
            .subtree(region)
            .exclude(boundary="")
            .values_list("boundary", flat=True)
        )
        shapes = [shape(json.loads(text)) for text in boundaries]
        if not shapes:
            continue
        union = shapely.union_all(shapes)
        region.boundary = json.dumps(
            mapping(shapely.set_precision(union, 1e-6)), ensure_ascii=False
        )
        region.centroid_lon, region.centroid_lat = _centroid(union)
        region.save(update_fields=["boundary", "centroid_lon", "centroid_lat", "updated_at"])


# --- gazetteer ---------------------------------------------------------------------------------

GAZETTEER_COLUMNS = ["name", "kind", "lon", "lat"]
GAZETTEER_OPTIONAL_COLUMNS = ["address", "example"]
# The kind column takes the code (`school`) or the word a county's own list uses (学校).
PLACE_KIND_WORDS = {
    "小区": PlaceKind.COMPOUND,
    "住宅小区": PlaceKind.COMPOUND,
    "学校": PlaceKind.SCHOOL,
    "路": PlaceKind.ROAD,
    "街": PlaceKind.ROAD,
    "道路": PlaceKind.ROAD,
    "单位": PlaceKind.ORGANISATION,
    "机关": PlaceKind.ORGANISATION,
    "医院": PlaceKind.HOSPITAL,
    "卫生院": PlaceKind.HOSPITAL,
    "诊所": PlaceKind.HOSPITAL,
    "市场": PlaceKind.MARKET,
    "地标": PlaceKind.LANDMARK,
    "景点": PlaceKind.LANDMARK,
    "其他": PlaceKind.OTHER,
}
YES_NO = {"": False, "0": False, "false": False, "no": False, "否": False}
YES_NO |= {"1": True, "true": True, "yes": True, "是": True}


@dataclass(frozen=True)
class GazetteerRow:
    line: int
    name: str
    kind: str
    lon: float
    lat: float
    address: str
    example: bool
    grid: Region | None  # the grid the point lies in, once located


def read_gazetteer_csv(text: str) -> list[dict]:
    """Rows of a gazetteer CSV with their line numbers; a wrong header is an error of its own."""
    reader = csv_reader(text)
    header = reader.fieldnames or []
    missing = [column for column in GAZETTEER_COLUMNS if column not in header]
    if missing:
        raise TerritoryImportError(
            [
                RowError(
                    _line(1),
                    ", ".join(missing),
                    _(
                        "missing column(s); the header must have: %(columns)s (optional: %(optional)s)"
                    )
                    % {
                        "columns": ",".join(GAZETTEER_COLUMNS),
                        "optional": ",".join(GAZETTEER_OPTIONAL_COLUMNS),
                    },
                )
            ]
        )
    columns = GAZETTEER_COLUMNS + GAZETTEER_OPTIONAL_COLUMNS
    return [
        {"line": reader.line_num, **{key: (row.get(key) or "").strip() for key in columns}}
        for row in reader
    ]


def _gazetteer_fields(row: dict, first_line: dict[tuple[str, str], int]) -> list[RowError]:
    """The errors in one row's own fields (the point's place is checked for all rows at once)."""
    where = _line(row["line"])
    errors: list[RowError] = []
    name = row["name"]
    if not name:
        errors.append(RowError(where, "name", _("is empty")))
    elif len(name) > 100:
        errors.append(RowError(where, "name", _("is longer than 100 characters")))
    kind = _place_kind(row["kind"])
    if kind is None:
        errors.append(
            RowError(
                where,
                "kind",
                _("must be one of %(kinds)s (or %(words)s), got “%(value)s”")
                % {
                    "kinds": ", ".join(PlaceKind.values),
                    "words": "、".join(PLACE_KIND_WORDS),
                    "value": row["kind"],
                },
            )
        )
    elif name and (kind, name) in first_line:
        errors.append(
            RowError(
                where,
                "name",
                _("“%(value)s” of this kind is already on line %(line)s")
                % {"value": name, "line": first_line[(kind, name)]},
            )
        )
    elif name:
        first_line[(kind, name)] = row["line"]
    for field_name, bound in (("lon", 180), ("lat", 90)):
        if _coordinate(row[field_name], bound) is None:
            errors.append(
                RowError(
                    where,
                    field_name,
                    _("must be a number from %(low)s to %(high)s, got “%(value)s”")
                    % {"low": -bound, "high": bound, "value": row[field_name]},
                )
            )
    if len(row["address"]) > 200:
        errors.append(RowError(where, "address", _("is longer than 200 characters")))
    if row["example"].lower() not in YES_NO:
        errors.append(
            RowError(
                where,
                "example",
                _("must be 1 or 0 (or empty), got “%(value)s”") % {"value": row["example"]},
            )
        )
    return errors


def _place_kind(text: str) -> str | None:
    if text in PLACE_KIND_WORDS:
        return PLACE_KIND_WORDS[text]
    return text.lower() if text.lower() in PlaceKind.values else None


def _coordinate(text: str, bound: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and -bound <= value <= bound else None


def validate_gazetteer(rows: list[dict]) -> tuple[list[RowError], list[GazetteerRow]]:
    """Every row's fields, then every good row's point in one vectorised lookup: it must lie in a
    grid of this county. Errors come in the file's order."""
    first_line: dict[tuple[str, str], int] = {}
    errors: list[tuple[int, RowError]] = []
    good: list[GazetteerRow] = []
    for row in rows:
        row_errors = _gazetteer_fields(row, first_line)
        errors += [(row["line"], error) for error in row_errors]
        if not row_errors:
            good.append(
                GazetteerRow(
                    line=row["line"],
                    name=row["name"],
                    kind=_place_kind(row["kind"]),
                    lon=float(row["lon"]),
                    lat=float(row["lat"]),
                    address=row["address"],
                    example=YES_NO[row["example"].lower()],
                    grid=None,
                )
            )
    located: list[GazetteerRow] = []
    if good:
        index = get_grid_index()
        positions = index.locate_many(
            np.array([row.lon for row in good]), np.array([row.lat for row in good])
        )
        ids = [int(index.ids[position]) if position >= 0 else None for position in positions]
        grids = Region.objects.filter(
            id__in=[grid_id for grid_id in ids if grid_id], county_code=settings.COUNTY_CODE
        ).in_bulk()
        for row, grid_id in zip(good, ids, strict=True):
            if grid_id in grids:
                located.append(replace(row, grid=grids[grid_id]))
                continue
            message = _("the point (%(lon)s, %(lat)s) is not in %(county)s") % {
                "lon": row.lon,
                "lat": row.lat,
                "county": instance_county_name(),
            }
            errors.append((row.line, RowError(_line(row.line), "lon, lat", message)))
    errors.sort(key=lambda item: item[0])  # stable: a row's own errors keep their order
    return [error for _number, error in errors], located


@transaction.atomic
def import_gazetteer(text: str) -> ImportSummary:
    """Create or update the county's gazetteer entries from a CSV (all or nothing); an entry is
    matched by its kind and name, so a re-run updates it."""
    errors, valid = validate_gazetteer(read_gazetteer_csv(text))
    if errors:
        raise TerritoryImportError(errors)
    existing = {
        (entry.kind, entry.name): entry
        for entry in GazetteerEntry.objects.filter(county_code=settings.COUNTY_CODE)
    }
    now = timezone.now()
    to_create, to_update = [], []
    summary = ImportSummary()
    for row in valid:
        grid = row.grid
        entry = existing.get((row.kind, row.name)) or GazetteerEntry(kind=row.kind, name=row.name)
        entry.county_code = grid.county_code
        entry.lon, entry.lat, entry.grid = row.lon, row.lat, grid
        entry.address, entry.example, entry.updated_at = row.address, row.example, now
        (to_update if entry.pk else to_create).append(entry)
        summary.codes.append(row.name)
    GazetteerEntry.objects.bulk_create(to_create, batch_size=500)
    GazetteerEntry.objects.bulk_update(
        to_update,
        ["county_code", "lon", "lat", "grid", "address", "example", "updated_at"],
        batch_size=500,
    )
    summary.created, summary.updated = len(to_create), len(to_update)
    return summary
