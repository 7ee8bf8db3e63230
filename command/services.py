"""The command centre's writes: a new version of an indicator (never an edit in place, so that
a figure published before can be recomputed with the rule it was published with), and a
screening task for a problem that keeps coming back."""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.errors import CaseError
from cases.models import OPEN_STATUSES, Case, Category, Source
from cases.services import report_case
from staff.models import Role
from territory.models import Region

from .models import Indicator
from .recurring import SCREENING_MARK, cases_behind


@transaction.atomic
def revise_indicator(indicator: Indicator, valid_from=None) -> Indicator:
    """Save the edited `indicator` as the next version of its code, in force from `valid_from`
    (now by default); the version it was edited from stays as it was."""
    latest = Indicator.objects.filter(code=indicator.code).aggregate(Max("version"))
    indicator.pk = None
    indicator._state.adding = True
    indicator.version = (latest["version__max"] or 0) + 1
    indicator.valid_from = valid_from or timezone.now()
    indicator.save()
    return indicator


def open_screening(user, grid: Region, category: Category, until: date, days: int) -> Case:
    """File a screening task (源头治理排查) for a category that keeps coming back in a grid: a
    case of that category at the grid's centre, naming the reports behind it, filed by the
    centre and routed as usual. One open task per grid and category: the open one is returned
    when there is one."""
    if user.role != Role.OPERATOR or user.region is None or not user.region.contains(grid):
        raise CaseError(_("Only a centre over this grid may open a screening task."))
    existing = Case.objects.filter(
        grid=grid,
        category=category,
        status__in=OPEN_STATUSES,
        description__startswith=SCREENING_MARK,
    ).first()
    if existing is not None:
        return existing
    behind = cases_behind(grid, category, until, days)
    description = SCREENING_MARK + _(
        "%(category)s was reported %(times)s times in %(grid)s in the %(days)s days to "
        "%(until)s (%(codes)s). Find the cause and end it."
    ) % {
        "category": category.name,
        "times": len(behind),
        "grid": grid.name,
        "days": days,
        "until": until.isoformat(),
        "codes": ", ".join(case.code for case in behind[:20]),
    }
    return report_case(
        reporter=user,
        category=category,
        description=description[:1000],
        lon=grid.centroid_lon,
        lat=grid.centroid_lat,
        source=Source.WINDOW,  # filed by the centre itself
        questions_required=False,
    )
