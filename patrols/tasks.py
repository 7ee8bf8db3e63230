"""Retention of patrol check-ins, run by the huey consumer (`manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import fold_old_checkins


@db_periodic_task(crontab(hour="3", minute="35"))
def fold_patrols() -> int:
    """Nightly: check-ins past 90 days become anonymous counts per grid and week."""
    return fold_old_checkins().checkins
