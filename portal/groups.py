"""The categories a resident chooses from, in plain-language groups with an icon each.

Residents do not know GB/T 30428's classes ("部件 · 公用设施"); they know "a lamp is out" or
"rubbish". A group gathers the classes (by code) that answer one such everyday question; a
class the county adds that no group names comes last, under its own name. Icons are emoji:
no image to download on a slow link, and every phone draws them.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import Category
from open311.selectors import public_services


@dataclass(frozen=True)
class Group:
    icon: str
    label: Promise | str
    class_codes: tuple[str, ...]
    categories: list[Category] = field(default_factory=list)


GROUPS = (
    Group("💡", _("Street lamps, manholes, water and power"), ("C01", "C06")),
    Group("🗑️", _("Rubbish and dirty streets"), ("E01", "C03")),
    Group("🚧", _("Roads, traffic and parking"), ("C02", "E05")),
    Group("⚠️", _("Danger now: collapse, burst pipe, gas"), ("E04",)),
    Group("🏗️", _("Building work, noise, illegal building"), ("E03", "C05")),
    Group("🌳", _("Trees and green spaces"), ("C04",)),
    Group("📋", _("Posters and advertising"), ("E02",)),
)


def public_leaf_categories() -> QuerySet[Category]:
    """What a resident may report: the public categories (disputes, security and hardship are
    reported to the grid worker or the hotline, not on a public page)."""
    return public_services()


def category_groups() -> list[Group]:
    """The groups with their categories, in the order above; empty groups left out."""
    groups = [Group(group.icon, group.label, group.class_codes) for group in GROUPS]
    by_class = {code: group for group in groups for code in group.class_codes}
    others: dict[str, Group] = {}
    for category in public_leaf_categories():
        class_code = category.parent.code if category.parent else ""
        group = by_class.get(class_code)
        if group is None:
            name = category.parent.name if category.parent else category.name
            group = others.setdefault(class_code, Group("•", name, (class_code,)))
        group.categories.append(category)
    return [group for group in [*groups, *others.values()] if group.categories]
