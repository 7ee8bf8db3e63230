"""The maps' data: what the pages' Leaflet maps draw, without tiles and without outside requests.

Three kinds of GeoJSON, built from this instance's county only, once per process and again when
the territory's stamp moves (`cache.RebuiltOnChange`), each gzipped once when built:

- places: the towns (outline, simplified as one coverage so neighbours keep a common border;
  label point) and the villages (label point), for the labels and for knowing which town to
  load where. The same for everyone: 7 KB gzipped for Chenggu.
- a person's map: the county outline and the grids of their own village and of the villages that
  share a stretch of boundary with it, for those who work a grid (grid workers, informants), who
  seldom look further; every grid for everyone else (centres, leaders, departments). The page
  loads any other town's grids when the map is moved over it.
- a town's grids: that on-demand load.

And for the REST API, the grids under any region as one FeatureCollection (`grid_collection`).

Labels sit on a village's or town's real seat where the county's shipped data has one inside its
boundary (seats.csv), else on its centroid (kept inside it by the imports).
"""

import bisect
import csv
import gzip
import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.conf import settings
from shapely.geometry import mapping

from .cache import RebuiltOnChange
from .counties import COUNTIES
from .models import Level, Region

# Town outlines are context over the grids: Visvalingam–Whyatt at about 30 m is invisible at the
# zooms that show whole towns and takes their text from 38 KB to a few.
TOWN_OUTLINE_TOLERANCE = 0.0003
# A stretch of shared boundary longer than this (degrees, ~10 cm) makes two villages neighbours;
# villages meeting at one corner are not.
SHARED_EDGE = 1e-6


def compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Payload:
    """A JSON body as sent raw and as sent gzipped, and its version for the ETag.

    Bodies are rebuilt when the territory's stamp moves; the version is a hash of the body, so it
    moves with the stamp when the content does, the same in every process, and also when a new
    release changes what the body holds (which the stamp alone would not see)."""

    raw: bytes
    gzipped: bytes
    version: str

    @classmethod
    def of(cls, text: str, level: int = 9) -> "Payload":
        raw = text.encode()
        version = hashlib.sha1(raw).hexdigest()[:20]
        return cls(raw, gzip.compress(raw, compresslevel=level, mtime=0), version)

    def etag(self, encoding: str) -> str:
        """Strong, so one per content coding."""
        return f'"{self.version}-{encoding}"'


def feature_collection(features: Iterable[str], towns: Iterable[str]) -> str:
    """GeoJSON text from feature texts; `towns` (a foreign member) lists the towns whose grids it
    holds in full, so that the page does not fetch them again."""
    return (
        f'{{"type":"FeatureCollection","towns":{compact(sorted(towns))},'
        f'"features":[{",".join(features)}]}}'
    )


@dataclass
class MapData:
    county_feature: str | None  # the outline's feature text
    grids_by_village: dict[str, list[str]]  # village code → its grids' feature texts, by code
    town_villages: dict[str, frozenset[str]]  # town code → its villages that have grids
    neighbours: dict[str, frozenset[str]]  # village code → villages sharing a boundary stretch
    bounds: dict[str, tuple[float, float, float, float]]  # region code → west, south, east, north
    labels: dict[str, tuple[float, float]]  # town or village code → lon, lat of its label
    places: Payload
    county: Payload
    towns: dict[str, Payload] = field(default_factory=dict)

    def area(self, village_code: str) -> frozenset[str]:
        """A village and its neighbours: what a grid worker's map loads first."""
        if village_code not in self.grids_by_village:
            return frozenset()
        return frozenset({village_code, *self.neighbours.get(village_code, ())})

    def area_payload(self, villages: frozenset[str]) -> Payload:
        """Built per request (a few dozen grids, under a millisecond to gzip), answered with a
        304 when the browser's copy has the same hash."""
        features = [self.county_feature] if self.county_feature else []
        for village in sorted(villages):
            features += self.grids_by_village.get(village, [])
        complete = [town for town, its in self.town_villages.items() if its <= villages]
        return Payload.of(feature_collection(features, complete), level=6)


def _seats() -> dict[str, tuple[float, float]]:
    """The real seats shipped for this instance's county (seats.csv), by code."""
    county = COUNTIES.get(settings.COUNTY_CODE)
    if county is None or not county.seats_csv.exists():
        return {}
    with county.seats_csv.open(encoding="utf-8") as rows:
        return {row["code"]: (float(row["lon"]), float(row["lat"])) for row in csv.DictReader(rows)}


def _label(region: Region, polygon: shapely.Geometry | None, seats: dict) -> tuple[float, float]:
    seat = seats.get(region.code)
    if seat and polygon is not None and shapely.contains_xy(polygon, *seat):
        return seat
    if region.centroid_lon is not None and region.centroid_lat is not None:
        return (region.centroid_lon, region.centroid_lat)
    point = polygon.point_on_surface()
    return (round(point.x, 6), round(point.y, 6))


def _neighbours(codes: list[str], polygons: np.ndarray) -> dict[str, frozenset[str]]:
    """Villages that share a stretch of boundary (their edges are snapped to the same vertices)."""
    if not codes:
        return {}
    tree = shapely.STRtree(polygons)
    boundaries = shapely.boundary(polygons)
    found: dict[str, set[str]] = {code: set() for code in codes}
    for left, right in tree.query(polygons, predicate="intersects").T:
        if left < right:
            shared = shapely.length(shapely.intersection(boundaries[left], boundaries[right]))
            if shared > SHARED_EDGE:
                found[codes[left]].add(codes[right])
                found[codes[right]].add(codes[left])
    return {code: frozenset(others) for code, others in found.items()}


def _bounds(polygons: np.ndarray) -> list[tuple[float, float, float, float]]:
    return [tuple(round(float(value), 6) for value in row) for row in shapely.bounds(polygons)]


def _feature(properties: dict, boundary: str) -> str:
    return (
        f'{{"type":"Feature","properties":{compact(properties)},'
        f'"geometry":{compact(json.loads(boundary))}}}'
    )


def _county_feature() -> str | None:
    county = Region.objects.filter(level=Level.COUNTY, code=settings.COUNTY_CODE).first()
    if county is None or not county.boundary:
        return None
    return _feature(
        {"code": county.code, "name": county.name, "level": Level.COUNTY}, county.boundary
    )


def _places(
    towns: list[Region], villages: list[Region], polygons: dict[str, np.ndarray]
) -> tuple[str, dict[str, tuple[float, float]]]:
    """The places body, and each town's and village's label point."""
    seats = _seats()
    labels: dict[str, tuple[float, float]] = {}
    features = []
    outlines = (
        shapely.coverage_simplify(polygons[Level.TOWN], TOWN_OUTLINE_TOLERANCE) if towns else []
    )
    for town, polygon, outline in zip(towns, polygons[Level.TOWN], outlines, strict=True):
        labels[town.code] = _label(town, polygon, seats)
        properties = {"code": town.code, "name": town.name, "level": Level.TOWN}
        properties["label"] = list(labels[town.code])
        geometry = mapping(shapely.set_precision(outline, 1e-5))
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    points = []  # compact, not GeoJSON: 272 label points are most of this body
    for village, polygon in zip(villages, polygons[Level.VILLAGE], strict=True):
        labels[village.code] = _label(village, polygon, seats)
        points.append([village.code, village.name, *labels[village.code]])
    places = {
        "type": "FeatureCollection",
        "county": {"code": settings.COUNTY_CODE},
        "features": features,
        "villages": points,  # [code, name, lon, lat]; a village's town is a prefix of its code
    }
    return compact(places), labels


def build_map_data() -> MapData:
    """Everything the maps send, from this instance's county's regions (one query for them)."""
    by_level: dict[str, list[Region]] = {level: [] for level in Level.values}
    regions = (
        Region.objects.filter(county_code=settings.COUNTY_CODE)
        .exclude(boundary="")
        .only("code", "name", "level", "path", "boundary", "centroid_lon", "centroid_lat")
        .order_by("code")
    )
    for region in regions:
        by_level[region.level].append(region)
    polygons = {
        level: shapely.from_geojson([region.boundary for region in rows])
        for level, rows in by_level.items()
    }
    bounds: dict[str, tuple[float, float, float, float]] = {}
    for level in (Level.TOWN, Level.VILLAGE, Level.GRID):
        codes = [region.code for region in by_level[level]]
        bounds.update(zip(codes, _bounds(polygons[level]), strict=True))

    grids_by_village: dict[str, list[str]] = {}
    by_town: dict[str, set[str]] = {}
    for grid in by_level[Level.GRID]:
        _county, town, village, _grid = grid.ancestor_codes()
        properties = {"code": grid.code, "name": grid.name, "level": Level.GRID}
        grids_by_village.setdefault(village, []).append(_feature(properties, grid.boundary))
        by_town.setdefault(town, set()).add(village)

    county_feature = _county_feature()
    everything = [county_feature] if county_feature else []
    for village in sorted(grids_by_village):
        everything += grids_by_village[village]
    places, labels = _places(by_level[Level.TOWN], by_level[Level.VILLAGE], polygons)
    villages = by_level[Level.VILLAGE]
    return MapData(
        county_feature=county_feature,
        grids_by_village=grids_by_village,
        town_villages={town: frozenset(villages) for town, villages in by_town.items()},
        neighbours=_neighbours([village.code for village in villages], polygons[Level.VILLAGE]),
        bounds=bounds,
        labels=labels,
        places=Payload.of(places),
        county=Payload.of(feature_collection(everything, by_town)),
        towns={
            town: Payload.of(
                feature_collection(
                    [feature for village in sorted(its) for feature in grids_by_village[village]],
                    [town],
                )
            )
            for town, its in by_town.items()
        },
    )


_map_data = RebuiltOnChange(build_map_data)


def map_data() -> MapData:
    """This process's map data, rebuilt when the territory's stamp moves."""
    return _map_data.get()


# --- the grids under a region, for the REST API ---------------------------------------------------


class GridCollections:
    """Every grid's feature (code, name, village, town) in path order, so the grids under a region
    are one contiguous slice. Collections of a town or the county (up to the county's 1,624 grids,
    a few hundred KB gzipped) are built once and kept; a village's or a grid's, per request."""

    KEPT_LEVELS = (Level.COUNTY, Level.TOWN)

    def __init__(self, grids: list[tuple[str, str]]):
        grids = sorted(grids)
        self.paths = [path for path, _feature_text in grids]
        self.features = [feature_text for _path, feature_text in grids]
        self.kept: dict[str, Payload] = {}
        self.lock = threading.Lock()

    @classmethod
    def build(cls) -> "GridCollections":
        rows = (
            Region.objects.grids()
            .filter(county_code=settings.COUNTY_CODE)
            .exclude(boundary="")
            .values_list("code", "name", "path", "boundary", "parent__name", "parent__parent__name")
        )
        return cls(
            [
                (
                    path,
                    _feature({"code": code, "name": name, "village": village, "town": town}, text),
                )
                for code, name, path, text, village, town in rows
            ]
        )

    def payload(self, region: Region) -> Payload:
        """The grids under the region (itself, if a grid) as a FeatureCollection."""
        with self.lock:
            kept = self.kept.get(region.path)
        if kept is not None:
            return kept
        # Paths end in "/", and "0" sorts right after it: every path under this prefix sorts
        # between the prefix and the prefix with its "/" raised to "0".
        start = bisect.bisect_left(self.paths, region.path)
        end = bisect.bisect_left(self.paths, region.path[:-1] + "0")
        text = f'{{"type":"FeatureCollection","features":[{",".join(self.features[start:end])}]}}'
        if region.level not in self.KEPT_LEVELS:
            return Payload.of(text, level=6)
        payload = Payload.of(text)
        with self.lock:
            self.kept[region.path] = payload
        return payload


_grid_collections = RebuiltOnChange(GridCollections.build)


def grid_collection(region: Region) -> Payload:
    """The grids under a region as GeoJSON, raw and gzipped, with its version for the ETag."""
    return _grid_collections.get().payload(region)


# --- the regions one level below a region, for the command centre's coloured map ---------------

# Towns and villages are drawn whole at the zooms that show them: simplified as one coverage (so
# neighbours keep their common border); grids as they are.
CHILD_OUTLINE_TOLERANCE = {Level.TOWN: TOWN_OUTLINE_TOLERANCE, Level.VILLAGE: 0.0001}


def outlines_of(children: list) -> Payload:
    """The outlines of these regions (of one level, with boundaries) as GeoJSON: here's, or the
    city's copies of the counties' (command.places)."""
    if not children:
        return Payload.of(compact({"type": "FeatureCollection", "features": []}))
    polygons = shapely.from_geojson([child.boundary for child in children])
    tolerance = CHILD_OUTLINE_TOLERANCE.get(children[0].level)
    if tolerance:
        polygons = shapely.coverage_simplify(polygons, tolerance)
    features = [
        {
            "type": "Feature",
            "properties": {"code": child.code, "name": child.name, "level": child.level},
            "geometry": mapping(shapely.set_precision(polygon, 1e-6)),
        }
        for child, polygon in zip(children, polygons, strict=True)
    ]
    return Payload.of(compact({"type": "FeatureCollection", "features": features}))


_children_kept = RebuiltOnChange(dict)  # region code → Payload; a new dict when grids change


def children_outlines(region: Region) -> Payload:
    """The outlines of the regions one level below `region` (a grid's own), as GeoJSON."""
    kept = _children_kept.get()
    payload = kept.get(region.code)
    if payload is None:
        children = list(
            Region.objects.filter(parent=region)
            .exclude(boundary="")
            .only("code", "name", "level", "boundary")
            .order_by("code")
        ) or [region]  # a grid: itself
        payload = kept[region.code] = outlines_of(children)
    return payload
