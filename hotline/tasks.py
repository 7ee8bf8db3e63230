"""Background imports, run by the huey consumer (`manage.py run_huey`)."""

from huey.contrib.djhuey import db_task

from .services import run_import


# Returns nothing: huey would keep every return value in its result store, unread.
@db_task()
def import_hotline_batch(batch_id: int) -> None:
    """Enqueued when an upload's batch is stored; the page follows its progress."""
    run_import(batch_id)
