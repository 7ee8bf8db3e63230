from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import blank_closed_counselling


@db_periodic_task(crontab(minute="20", hour="3"))
def blank_old_counselling() -> int:
    """Nightly: the social-psychological service's retention (two years after closing)."""
    return blank_closed_counselling()
