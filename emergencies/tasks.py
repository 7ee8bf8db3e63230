from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import supervise_late_reports


@db_periodic_task(crontab(minute="*"))
def flag_late_reports() -> int:
    """Every minute: an emergency's reports are due in minutes, not days."""
    return supervise_late_reports()
