"""Background sending, run by the huey consumer (`manage.py run_huey`)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .services import DeliveryRun, deliver_due

logger = logging.getLogger(__name__)

SWEEP_ROUNDS = 20  # batches per sweep: a backlog drains without one sweep running for ever


def _log(run: DeliveryRun) -> None:
    if run.did_anything:
        logger.info(
            "outbox: %s events fanned out, %s delivered, %s to retry, %s failed",
            run.fanned_out,
            run.delivered,
            run.retrying,
            run.failed,
        )


# The tasks return nothing: huey would keep every return value in its result store, unread.


@db_task()
def deliver_messages() -> None:
    """Enqueued when a step commits, so its messages leave now rather than at the next sweep."""
    _log(deliver_due())


@db_periodic_task(crontab(minute="*"))
def sweep_messages() -> None:
    """Every minute, what no enqueued run got to: events of a process killed before its
    on-commit ran (or while the queue was unreachable), leases of killed workers, due retries."""
    for _round in range(SWEEP_ROUNDS):
        run = deliver_due()
        _log(run)
        if not run.more_waiting:
            break
