"""The residents' public list and map of cases, without an account. The list is the page and
works without JavaScript; a script draws the same cases on a map above it, from the GeoJSON."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from .public_list import (
    MAP_LIMIT,
    PER_PAGE,
    RECENT_DAYS,
    Standing,
    map_feature_collection,
    public_case,
    public_towns,
    recent_public_cases,
)


def _filters(query: QueryDict) -> tuple[str | None, str | None]:
    """The town code and the standing ("open", "closed") asked for; None for anything else."""
    town = query.get("town", "").strip()[:24] or None
    status = query.get("status", "")
    return town, status if status in Standing.values else None


@require_GET
def public_cases_page(request):
    towns = list(public_towns())
    town, status = _filters(request.GET)
    if town not in {each.code for each in towns}:
        town = None
    cases = recent_public_cases(town_code=town, status=status)
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    asked = {key: value for key, value in (("town", town), ("status", status)) if value}
    context = {
        "towns": towns,
        "town": town,
        "status": status,
        "standings": Standing.choices,
        "page": page,
        "cases": [public_case(case) for case in page],
        "map_query": urlencode(asked),
        "recent_days": RECENT_DAYS,
        "map_limit": MAP_LIMIT,
    }
    return render(request, "portal/public_cases.html", context)


@require_GET
@gzip_page
def public_cases_geojson(request):
    town, status = _filters(request.GET)
    response = JsonResponse(
        map_feature_collection(town_code=town, status=status),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=60)
    # The status labels are in the reader's language (its header, or the language cookie).
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response
