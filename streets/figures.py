"""The street kind's own figures: how its cases split between events and components, and how
many of its components were found by grid workers on their rounds rather than reported to them."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.kinds import Figure
from cases.models import Kind, Source


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _events(cases: QuerySet) -> int:
    return cases.filter(kind=Kind.EVENT).count()


def _components(cases: QuerySet) -> int:
    return cases.filter(kind=Kind.COMPONENT).count()


def _components_found_on_rounds(cases: QuerySet) -> float | None:
    components = cases.filter(kind=Kind.COMPONENT)
    return _share(components.filter(source=Source.GRID_WORKER).count(), components.count())


FIGURES = (
    Figure("events", _("Events (事件)"), _events),
    Figure("components", _("Components (部件)"), _components),
    Figure(
        "components_found_on_rounds",
        _("Components found on rounds (%)"),
        _components_found_on_rounds,
    ),
)
