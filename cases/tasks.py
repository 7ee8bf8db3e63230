"""Background work for cases, run by the huey consumer (`manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .imports import refresh_planner_statistics
from .services import supervise_overdue


@db_periodic_task(crontab(minute="*/5"))
def flag_overdue_cases() -> int:
    return supervise_overdue()


@db_periodic_task(crontab(hour="3", minute="17"))
def refresh_statistics() -> None:
    """Nightly, so that the planner's picture of the tables follows their growth."""
    refresh_planner_statistics()
