from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .facts import compact


@db_periodic_task(crontab(hour="3", minute="47"))
def compact_facts():
    """Fold the day's new fact rows into one per key, so that figures sum fewer rows."""
    compact()
