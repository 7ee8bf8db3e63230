"""Point → grid, in memory: an STRtree over the grid polygons, shared by everything in a process.

The index is rebuilt when the grids in the database change (their count or last update moves).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from django.utils.translation import gettext as _

from .cache import RebuiltOnChange
from .models import Level, Region
from .selectors import outside_county_message

EDGE_TOLERANCE = 1e-5  # degrees, about a metre: far below what a phone's GPS can tell apart
RASTER_SIZE = 512  # cells a side over the county: about 80 × 130 m for Chenggu
RASTER_MIN_BATCH = 5000  # below this, building the raster costs more than it saves


class PointOutsideCounty(ValueError):
    """The point is in no grid: outside the county, or not a real coordinate."""


@dataclass(frozen=True)
class GridHit:
    grid_id: int
    code: str


class GridIndex:
    """Grids sorted by code; where a point lies on a shared edge, the lowest code wins, always."""

    def __init__(self, grids: Sequence[tuple[int, str, shapely.Geometry]]):
        ordered = sorted(grids, key=lambda grid: grid[1])
        self.ids = np.array([grid[0] for grid in ordered], dtype=np.int64)
        self.codes = [grid[1] for grid in ordered]
        self.polygons = np.array([grid[2] for grid in ordered], dtype=object)
        shapely.prepare(self.polygons)
        self.tree = shapely.STRtree(self.polygons)
        self._raster_cache: _Raster | None = None  # built on the first large batch

    def __len__(self) -> int:
        return len(self.codes)

    def locate(self, lon: float, lat: float) -> GridHit:
        """The grid that holds the point, or PointOutsideCounty."""
        position = int(self.locate_many(np.array([lon]), np.array([lat]))[0])
        if position < 0:
            raise PointOutsideCounty(
                _("The point (%(lon)s, %(lat)s) is outside every grid of the county.")
                % {"lon": lon, "lat": lat}
            )
        return GridHit(grid_id=int(self.ids[position]), code=self.codes[position])

    def locate_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Positions into `ids`/`codes` for many points in one vectorised call; -1 where outside.

        Large batches first look each point's raster cell up: a cell that lies wholly inside one
        grid answers at once, and only points in cells on a grid edge take the exact test.
        """
        lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        if len(lons) < RASTER_MIN_BATCH:
            return self._locate_exactly(lons, lats)
        raster = self._raster()
        result = raster.lookup(lons, lats)
        undecided = np.flatnonzero(result < 0)
        result[undecided] = self._locate_exactly(lons[undecided], lats[undecided])
        return result

    def _locate_exactly(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        points = shapely.points(lons, lats)
        point_index, grid_position = self.tree.query(points, predicate="intersects")
        result = np.full(len(points), len(self.codes), dtype=np.int64)
        np.minimum.at(result, point_index, grid_position)
        result[result == len(self.codes)] = -1
        missed = np.flatnonzero((result < 0) & np.isfinite(lons) & np.isfinite(lats))
        if len(missed):
            # Grid edges are rounded to 1e-6°, so hairline slivers along the county outline belong
            # to no grid: a point there takes the nearest grid within EDGE_TOLERANCE (about 1 m).
            near_index, near_position = self.tree.query_nearest(
                points[missed], max_distance=EDGE_TOLERANCE, all_matches=False
            )
            result[missed[near_index]] = near_position
        return result

    def _raster(self) -> "_Raster":
        if self._raster_cache is None:
            self._raster_cache = _Raster.build(self.tree, self.polygons)
        return self._raster_cache


class _Raster:
    """A coarse grid of cells over the county: each cell's grid where the cell lies wholly inside
    one grid, -1 where it touches an edge (or lies outside), so most points need no geometry."""

    def __init__(self, west: float, south: float, step_x: float, step_y: float, cells: np.ndarray):
        self.west, self.south, self.step_x, self.step_y, self.cells = (
            west,
            south,
            step_x,
            step_y,
            cells,
        )

    @classmethod
    def build(
        cls, tree: shapely.STRtree, polygons: np.ndarray, size: int = RASTER_SIZE
    ) -> "_Raster":
        west, south, east, north = shapely.total_bounds(polygons)
        step_x, step_y = (east - west) / size, (north - south) / size
        columns, rows = np.meshgrid(np.arange(size), np.arange(size))
        boxes = shapely.box(
            west + columns.ravel() * step_x,
            south + rows.ravel() * step_y,
            west + (columns.ravel() + 1) * step_x,
            south + (rows.ravel() + 1) * step_y,
        )
        box_index, grid_position = tree.query(boxes, predicate="within")
        # Only cells inside a grid's interior: a point on a grid edge must still take the exact
        # path, where the lowest code wins.
        interior = shapely.contains_properly(polygons[grid_position], boxes[box_index])
        box_index, grid_position = box_index[interior], grid_position[interior]
        cells = np.full(size * size, -1, dtype=np.int64)
        cells[box_index] = grid_position
        return cls(west, south, step_x, step_y, cells.reshape(size, size))

    def lookup(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        size = self.cells.shape[0]
        with np.errstate(invalid="ignore"):
            column = np.floor((lons - self.west) / self.step_x)
            row = np.floor((lats - self.south) / self.step_y)
        inside = (column >= 0) & (column < size) & (row >= 0) & (row < size)
        result = np.full(len(lons), -1, dtype=np.int64)
        result[inside] = self.cells[row[inside].astype(np.int64), column[inside].astype(np.int64)]
        return result


def build_grid_index() -> GridIndex:
    rows = Region.objects.grids().exclude(boundary="").values_list("id", "code", "boundary")
    return GridIndex(
        [(grid_id, code, shapely.geometry.shape(json.loads(text))) for grid_id, code, text in rows]
    )


_index = RebuiltOnChange(build_grid_index)


def get_grid_index() -> GridIndex:
    """The process's index, rebuilt if the grids changed since it was built."""
    return _index.get()


def build_grid_regions() -> dict[int, Region]:
    """Every grid by id, its village and town attached (`grid.parent`, `grid.parent.parent`)."""
    grids = (
        Region.objects.grids()
        .select_related("parent__parent")
        .defer("boundary", "parent__boundary", "parent__parent__boundary")
    )
    return {grid.pk: grid for grid in grids}


_grid_regions = RebuiltOnChange(build_grid_regions)


def locate_grid(lon: float, lat: float) -> Region:
    """The grid Region holding a WGS-84 point; PointOutsideCounty if none, saying so with the
    county's name (people pick places, not coordinates: those stay on the index's own error).

    The region comes from the process's copy of the grids, with its village and town, so that a
    report is placed without a query; treat it as read-only (it is shared by every request).
    """
    try:
        hit = get_grid_index().locate(lon, lat)
    except PointOutsideCounty as error:
        raise PointOutsideCounty(outside_county_message()) from error
    grid = _grid_regions.get().get(hit.grid_id)
    if grid is None:  # the index and the copy were built a moment apart, across a change
        return Region.objects.select_related("parent__parent").get(pk=hit.grid_id, level=Level.GRID)
    return grid
