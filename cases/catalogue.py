"""The categories as the intake paths read them: the active leaves by code, each with its
questions, kept once per process.

A report names its category by code, and the REST API and Open311 take hundreds a second: the
list changes a few times a year. So each process keeps a copy for CATALOGUE_SECONDS; a change in
this process (admin, `install_categories`) forgets it at once, other processes see it within that
time, as they do routing rules (selectors.route_for).
"""

from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wangge.kept import KeptFor

from .models import Category, CategoryField

CATALOGUE_SECONDS = 30.0


@dataclass(frozen=True)
class Catalogue:
    leaves: dict[str, Category]  # active leaf categories by code, their parent attached
    questions: dict[int, list[CategoryField]]  # category id → its questions, in order

    def leaf(self, code: str) -> Category | None:
        return self.leaves.get(code)

    def is_leaf(self, category: Category) -> bool:
        kept = self.leaves.get(category.code)
        return kept is not None and kept.pk == category.pk

    def questions_of(self, category: Category) -> list[CategoryField]:
        return self.questions.get(category.pk, [])


def build_catalogue() -> Catalogue:
    leaves = Category.objects.filter(is_active=True, children__isnull=True).select_related("parent")
    questions: dict[int, list[CategoryField]] = {}
    for field in CategoryField.objects.order_by("category_id", "order", "pk"):
        questions.setdefault(field.category_id, []).append(field)
    return Catalogue(leaves={category.code: category for category in leaves}, questions=questions)


_catalogue = KeptFor(CATALOGUE_SECONDS, build_catalogue)


def catalogue() -> Catalogue:
    """This process's copy, built afresh when older than CATALOGUE_SECONDS."""
    return _catalogue.get()


@receiver([post_save, post_delete], sender=Category)
@receiver([post_save, post_delete], sender=CategoryField)
def forget_catalogue(**kwargs) -> None:
    _catalogue.forget()
