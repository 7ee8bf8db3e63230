"""Reads of the territory: the grid map that pages draw as their base map (there are no tiles)."""

import json

from .cache import RebuiltOnChange
from .models import Level, Region


def _feature(region: Region, boundary: str, level: str) -> dict:
    return {
        "type": "Feature",
        "properties": {"code": region.code, "name": region.name, "level": level},
        "geometry": json.loads(boundary),
    }


def build_grid_map_geojson() -> str:
    """Every grid polygon and, as its own feature with `level: county`, the county outline."""
    features = [
        _feature(county, county.boundary, Level.COUNTY)
        for county in Region.objects.filter(level=Level.COUNTY).exclude(boundary="")
    ]
    grids = Region.objects.grids().exclude(boundary="").only("code", "name", "boundary")
    features += [_feature(grid, grid.boundary, Level.GRID) for grid in grids.order_by("code")]
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    )


_grid_map = RebuiltOnChange(build_grid_map_geojson)


def grid_map_geojson() -> str:
    """The grid map as GeoJSON text, built once per process and rebuilt when the grids change."""
    return _grid_map.get()
