"""Reads of the territory: the grid map that pages draw as their base map (there are no tiles)."""

import json
import threading

from django.db.models import Count, Max

from .models import Level, Region

_lock = threading.Lock()
_cached: tuple[tuple, str] | None = None


def _map_stamp() -> tuple:
    """Changes whenever a grid or the county outline changes (like the grid index's stamp)."""
    grids = Region.objects.grids().aggregate(count=Count("id"), last=Max("updated_at"))
    county = Region.objects.filter(level=Level.COUNTY).aggregate(last=Max("updated_at"))
    return (grids["count"], grids["last"], county["last"])


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


def grid_map_geojson() -> str:
    """The grid map as GeoJSON text, built once per process and rebuilt when the grids change."""
    global _cached
    stamp = _map_stamp()
    with _lock:
        if _cached is None or _cached[0] != stamp:
            _cached = (stamp, build_grid_map_geojson())
        return _cached[1]
