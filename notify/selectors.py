"""Reads of the outbox: which events wait for their receivers, and who listens where."""

from django.db.models import Q, QuerySet

from cases.models import Case

from .models import OutboxEvent, Subscription, Webhook


def events_to_fan_out(limit: int) -> QuerySet[OutboxEvent]:
    """Committed events whose receivers are not worked out yet, oldest first (a partial index)."""
    return (
        OutboxEvent.objects.filter(fanned_out_at__isnull=True)
        .select_related("case__category", "case__grid", "department")
        .order_by("id")[:limit]
    )


def _region_paths(case: Case) -> list[str]:
    """The paths of the case's grid and every region above it: a subscription or webhook on any of
    them holds the case. An IN on indexed paths, instead of a prefix test per row."""
    codes = [code for code in case.grid.path.split("/") if code]
    return ["".join(f"{code}/" for code in codes[:depth]) for depth in range(1, len(codes) + 1)]


def _in_region(case: Case) -> Q:
    """Empty region: the whole county (of the case, should several share a database)."""
    return Q(county_code=case.county_code) & (
        Q(region__isnull=True) | Q(region__path__in=_region_paths(case))
    )


def subscriptions_for(case: Case) -> QuerySet[Subscription]:
    """Active subscriptions of active users whose region holds the case's grid and whose category
    is the case's category or one above it (or who take every category)."""
    lineage = [category.pk for category in case.category.lineage()]
    return (
        Subscription.objects.filter(is_active=True, user__is_active=True)
        .filter(_in_region(case))
        .filter(Q(category__isnull=True) | Q(category__in=lineage))
        .select_related("user__region")
        .order_by("id")
    )


def webhooks_for(case: Case) -> QuerySet[Webhook]:
    return Webhook.objects.filter(is_active=True).filter(_in_region(case)).order_by("id")
