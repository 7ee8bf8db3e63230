"""Reads about staff that other apps need."""

from django.db.models import QuerySet

from territory.models import Region

from .models import Department


def departments_serving(place: Region) -> QuerySet[Department]:
    """Active departments serving a region that holds the place (the county's, or its town's)."""
    return Department.objects.filter(
        is_active=True, region__code__in=place.ancestor_codes()
    ).order_by("code")
