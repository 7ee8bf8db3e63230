"""Nightly retention, run by the huey consumer."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .retention import apply_retention


@db_periodic_task(crontab(hour="2", minute="40"))
def remove_expired_personal_data() -> None:
    apply_retention()
