"""Reads about staff that other apps need."""

from django.conf import settings
from django.db.models import QuerySet

from territory.models import Region

from .models import Department


def departments_serving(place: Region) -> QuerySet[Department]:
    """Active departments serving a region that holds the place (the county's, or its town's)."""
    return Department.objects.filter(
        is_active=True, region__code__in=place.ancestor_codes()
    ).order_by("code")


def active_departments() -> QuerySet[Department]:
    """The departments of this instance's county that cases may be routed to, by code."""
    return (
        Department.objects.filter(county_code=settings.COUNTY_CODE, is_active=True)
        .select_related("region")
        .order_by("code")
    )
