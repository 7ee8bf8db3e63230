"""Reads of risk screening and of the filings register: a campaign's rate, the register's counts."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.kinds import Figure
from cases.models import CLOSED_STATUSES, Status

from .models import Campaign, Filing, FilingType, RiskLevel
from .services import KIND

RESOLUTION_RULE = _(
    "化解率 = risks resolved (closed after a recorded resolution) ÷ risks screened (found and "
    "accepted or still open; refused and merged reports not counted) × 100 %."
)


@dataclass(frozen=True)
class CampaignFigures:
    screened: int
    resolved: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.resolved / self.screened, 1) if self.screened else None


def risks(cases: QuerySet) -> QuerySet:
    return cases.filter(case_kind=KIND).exclude(status__in=[Status.REJECTED, Status.MERGED])


def campaign_figures(campaign: Campaign, cases: QuerySet) -> CampaignFigures:
    """排查 and 化解 of the campaign, over the cases the viewer may see."""
    found = risks(cases).filter(risk__campaign=campaign)
    return CampaignFigures(
        screened=found.count(), resolved=found.filter(status__in=CLOSED_STATUSES).count()
    )


def filing_counts(filings: QuerySet[Filing]) -> list[tuple[str, dict[str, int], int]]:
    """(type label, {risk level: count}, total) per type of filing, the article's 15 + 20."""
    counts = {
        (row["kind"], row["risk"]): row["n"]
        for row in filings.values("kind", "risk").annotate(n=Count("pk"))
    }
    return [
        (
            label,
            {level: counts.get((kind, level), 0) for level in RiskLevel.values},
            sum(counts.get((kind, level), 0) for level in RiskLevel.values),
        )
        for kind, label in FilingType.choices
    ]


def _count(cases: QuerySet) -> int:
    return risks(cases).count()


def _resolved(cases: QuerySet) -> int:
    return risks(cases).filter(status__in=CLOSED_STATUSES).count()


FIGURES = (
    Figure("screened", _("Risks screened (排查)"), _count),
    Figure("resolved", _("Risks resolved (化解)"), _resolved),
)
