"""Reads of dispute mediation: the disputes a user may see, and their figures over a cohort.

The figures count the disputes reported in a period and where each stands now (a cohort), so a
rate is never above 100 %. The command centre counts the same steps by the day they were taken
(its indicators 纠纷调解成功数 …, command/migrations), which is what a month's flow report wants.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.kinds import Figure
from cases.models import Case, Status

from .models import Outcome, Performance, Risk
from .services import KIND

# A dispute counts as accepted (受理) once a centre took it on: every state but these.
NOT_ACCEPTED = (Status.REPORTED, Status.REJECTED, Status.MERGED)


def disputes(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.filter(case_kind=KIND)


@dataclass(frozen=True)
class DisputeCounts:
    screened: int  # 排查: reported by any channel
    accepted: int  # 受理
    mediated: int  # 调解: an outcome recorded, agreed or not
    agreed: int  # 调解成功: a written or oral agreement
    performed: int  # 履行: the last follow-up visit found the terms performed
    high_risk: int

    @property
    def resolution_rate(self) -> float | None:
        """化解率 = agreed ÷ accepted, in %."""
        return round(100 * self.agreed / self.accepted, 1) if self.accepted else None

    @property
    def performance_rate(self) -> float | None:
        """履行率 = performed ÷ agreed, in %."""
        return round(100 * self.performed / self.agreed, 1) if self.agreed else None


def dispute_counts(cases: QuerySet[Case]) -> DisputeCounts:
    """The figures of the disputes among these cases, in one query."""
    own = disputes(cases)
    agreed = Q(dispute__outcome__in=[Outcome.WRITTEN, Outcome.ORAL])
    found = own.aggregate(
        screened=Count("pk", filter=~Q(status=Status.MERGED)),
        accepted=Count("pk", filter=~Q(status__in=NOT_ACCEPTED)),
        mediated=Count("pk", filter=Q(dispute__outcome__in=Outcome.values)),
        agreed=Count("pk", filter=agreed),
        performed=Count("pk", filter=agreed & Q(dispute__performance=Performance.PERFORMED)),
        high_risk=Count("pk", filter=Q(dispute__risk=Risk.HIGH)),
    )
    return DisputeCounts(**found)


# What each figure counts, in words, beside it on every page.
DEFINITIONS = {
    "screened": _("Disputes reported by any channel (排查), duplicates merged counted once."),
    "accepted": _(
        "Disputes a centre accepted (受理): all but those awaiting acceptance or refused."
    ),
    "mediated": _("Accepted disputes whose mediation has an outcome, agreed or not (调解)."),
    "agreed": _("Disputes mediated to a written or oral agreement (调解成功)."),
    "performed": _("Agreed disputes whose last follow-up visit found the terms performed (履行)."),
    "resolution_rate": _("化解率 = disputes agreed ÷ disputes accepted × 100 %."),
    "performance_rate": _("履行率 = agreements performed ÷ disputes agreed × 100 %."),
}


def _figure(name: str):
    def compute(cases: QuerySet) -> int | float | None:
        return getattr(dispute_counts(cases), name)

    return compute


FIGURES = (
    Figure("screened", _("Disputes screened (排查)"), _figure("screened")),
    Figure("accepted", _("Disputes accepted (受理)"), _figure("accepted")),
    Figure("mediated", _("Disputes mediated (调解)"), _figure("mediated")),
    Figure("agreed", _("Disputes agreed (调解成功)"), _figure("agreed")),
    Figure("performed", _("Agreements performed (履行)"), _figure("performed")),
    Figure("resolution_rate", _("Resolution rate 化解率 (%)"), _figure("resolution_rate")),
    Figure("performance_rate", _("Performance rate 履行率 (%)"), _figure("performance_rate")),
)
