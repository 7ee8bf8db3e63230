"""Territory endpoints for the pages: the maps' data, the place search, and which grid a point
falls in. Open to visitors too: the residents' report page picks its place with them, and the
county's grids and place names are public facts."""

import math
import re

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from .grid_index import PointOutsideCounty, locate_grid
from .maps import MapData, Payload, map_data
from .models import Level
from .selectors import search_places

ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def map_response(request: HttpRequest, payload: Payload) -> HttpResponse:
    """A map body, gzipped when the browser takes it (compressed once, when built), with an ETag:
    the browser keeps it and asks again on each page (no-cache), answered 304 until it changed."""
    gzipped = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    response = HttpResponse(
        payload.gzipped if gzipped else payload.raw, content_type="application/geo+json"
    )
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["ETag"] = payload.etag("gzip" if gzipped else "identity")
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Accept-Encoding"])
    return get_conditional_response(request, etag=response["ETag"], response=response)


def area_villages(user, data: MapData) -> frozenset[str] | None:
    """Who works a grid (grid workers, informants) starts with their village and the villages
    around it; a visitor with the county's outline alone (the towns' grids load as the map is
    moved over them: the report page stays light on a phone); everyone else with the whole
    county (None)."""
    if not user.is_authenticated:
        return frozenset()
    region = getattr(user, "region", None)
    if not getattr(user, "works_a_grid", False) or region is None or region.level != Level.GRID:
        return None
    return data.area(region.ancestor_codes()[-2]) or None


@require_GET
def grid_map(request):
    """GeoJSON of the grids a person's map starts with (and the county outline) or, with
    `?town=<code>`, one town's grids, which the page loads when the map is moved over it."""
    data = map_data()
    town = request.GET.get("town")
    if town is not None:
        payload = data.towns.get(town)
        if payload is None:
            raise Http404("No such town.")
        return map_response(request, payload)
    villages = area_villages(request.user, data)
    return map_response(request, data.county if villages is None else data.area_payload(villages))


@require_GET
def places(request):
    """The towns (outlines, label points) and villages (label points) the maps name."""
    return map_response(request, map_data().places)


@require_GET
@gzip_page
def search(request):
    """Places whose name (or code) holds `q`: towns, villages, grids and gazetteer entries."""
    hits = search_places(request.GET.get("q", ""))
    response = JsonResponse(
        {"results": [hit.as_json() for hit in hits]}, json_dumps_params={"ensure_ascii": False}
    )
    patch_cache_control(response, private=True, max_age=60)
    return response


def _coordinate(text: str | None, low: float, high: float) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


@require_POST
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
    except PointOutsideCounty as error:  # says so with the county's name
        return render(request, "territory/locate.html", {"error": str(error)})
    return render(request, "territory/locate.html", {"grid": grid, "lon": lon, "lat": lat})
