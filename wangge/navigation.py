"""The site's navigation as a typed registry: each app adds its own entries in `ready()`, so a
new app appears in the menu without editing another app's templates."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    shown_to: Callable[..., bool]  # (user) → whether this user sees the entry
    order: int = 100
    # A city instance holds the counties' published copies, not cases of its own: only the pages
    # that read those copies (the command centre, the counts by county) work there.
    at_city: bool = False


_ITEMS: list[NavItem] = []


def add_nav_item(item: NavItem) -> None:
    if any(existing.url_name == item.url_name for existing in _ITEMS):
        return  # ready() may run twice in some test runners
    _ITEMS.append(item)
    _ITEMS.sort(key=lambda entry: entry.order)


def nav_for(user) -> list[tuple[Promise, str]]:
    """(label, url) of every entry this user sees, in order."""
    if not user.is_authenticated:
        return []
    return [
        (item.label, reverse(item.url_name))
        for item in _ITEMS
        if item.shown_to(user) and (item.at_city or not settings.AT_CITY)
    ]


def navigation(request) -> dict:
    """Context processor: the menu of the signed-in user."""
    return {"nav_items": nav_for(request.user)}
