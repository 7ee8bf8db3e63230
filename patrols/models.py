"""Patrol check-ins (巡查打卡): "I patrolled grid X at time T", and nothing more.

A check-in keeps who, which grid and when. The phone's position only finds the grid
(`services.check_in`) and is dropped: no table here has a coordinate, and there is never a
track. After `RETENTION_DAYS` the check-ins are folded into `PatrolWeek`, an anonymous count per
grid and week, and deleted (`services.fold_old_checkins`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territory.models import Level, Region
from wangge.county import county_code_field, county_id_unique


class PatrolCheckIn(models.Model):
    """One grid worker's or informant's check-in in a grid: kept 90 days, then counted and gone."""

    county_code = county_code_field()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("patrolled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    grid = models.ForeignKey(
        Region,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.GRID},
    )
    at = models.DateTimeField(_("patrolled at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    # The phone's own key for this check-in: a resend of the same one never counts twice.
    client_key = models.CharField(_("client key"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("patrol check-in")
        verbose_name_plural = _("patrol check-ins")
        ordering = ["-at", "-pk"]
        constraints = [
            county_id_unique("patrolcheckin"),
            models.UniqueConstraint(
                fields=["county_code", "user", "client_key"],
                condition=~Q(client_key=""),
                name="patrolcheckin_one_per_client_key",
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "at"], name="patrolcheckin_grid_at"),
            models.Index(fields=["user", "at"], name="patrolcheckin_user_at"),
            models.Index(fields=["at"], name="patrolcheckin_at"),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.at:%Y-%m-%d %H:%M}"


class PatrolWeek(models.Model):
    """How many check-ins a grid had in a week (Monday to Sunday, the county's days), once its
    check-ins are past retention: a count, with no person in it."""

    county_code = county_code_field()
    grid = models.ForeignKey(
        Region,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.GRID},
    )
    week_start = models.DateField(_("week starting"))
    checkins = models.PositiveIntegerField(_("check-ins"))

    class Meta:
        verbose_name = _("patrol week")
        verbose_name_plural = _("patrol weeks")
        ordering = ["-week_start", "grid"]
        constraints = [
            county_id_unique("patrolweek"),
            models.UniqueConstraint(
                fields=["county_code", "grid", "week_start"], name="patrolweek_one_per_grid_week"
            ),
        ]
        indexes = [models.Index(fields=["week_start", "grid"], name="patrolweek_week_grid")]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.week_start} {self.checkins}"
