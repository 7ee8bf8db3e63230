from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .selectors import counts_by_county_and_town, may_see_counts


@login_required
def counts(request):
    """Cases by county and town: the city's first page, and the county's own on a county."""
    if not may_see_counts(request.user):
        raise PermissionDenied
    return render(
        request,
        "rollup/counts.html",
        {"counties": counts_by_county_and_town(), "at_city": settings.AT_CITY},
    )
