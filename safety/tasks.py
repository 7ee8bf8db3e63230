"""Background work of safe-unit creation, run by the huey consumer (`manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import lose_lapsed_units


@db_periodic_task(crontab(minute="*/5"))
def withdraw_lapsed_safe_units() -> int:
    """Every five minutes, as the core's 督办: a 平安单位 whose hazard passed its deadline loses it."""
    return lose_lapsed_units()
