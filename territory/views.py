"""Territory endpoints for the pages: the base map, and which grid a point falls in."""

import math

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from .grid_index import PointOutsideCounty, locate_grid
from .selectors import grid_map_geojson


@require_GET
@login_required
@gzip_page
@cache_control(max_age=3600, private=True)
def grid_map(request):
    """All grids and the county outline as one GeoJSON FeatureCollection."""
    return HttpResponse(grid_map_geojson(), content_type="application/geo+json")


def _coordinate(text: str | None, low: float, high: float) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


@require_POST
@login_required
def locate(request):
    """htmx fragment: the grid that holds the posted lon and lat, or why there is none.

    POST only: a resident's exact point is personal data, and a query string lands in access logs
    and the browser's history; a GET with coordinates is refused (405) before anything is read.
    """
    lon = _coordinate(request.POST.get("lon"), -180, 180)
    lat = _coordinate(request.POST.get("lat"), -90, 90)
    if lon is None or lat is None:
        error = _("Longitude and latitude must be numbers (longitude −180…180, latitude −90…90).")
        return render(request, "territory/locate.html", {"error": error}, status=400)
    try:
        grid = locate_grid(lon, lat)
    except PointOutsideCounty:
        error = _("This point is outside the county. Pick a place inside a grid.")
        return render(request, "territory/locate.html", {"error": error})
    return render(request, "territory/locate.html", {"grid": grid, "lon": lon, "lat": lat})
