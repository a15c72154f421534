"""Celery tasks of the alerts: thin wrappers around ``advocacy.dispatch``.

Every task is idempotent (``acks_late`` and ``reject_on_worker_lost`` are on
project-wide, so a task can run twice); the database is the ledger.
"""

from celery import shared_task


@shared_task(name="advocacy.prepare_dispatch", ignore_result=True)
def prepare_dispatch(dispatch_id: int, after_pk: int = 0) -> None:
    """Write (a slice of) a dispatch's delivery rows and start its senders."""
    from advocacy.dispatch import prepare

    prepare(dispatch_id, after_pk)


@shared_task(name="advocacy.send_dispatch", ignore_result=True)
def send_dispatch(dispatch_id: int) -> str:
    """One bounded sender loop for a dispatch."""
    from advocacy.dispatch import run_sender

    return run_sender(dispatch_id)


@shared_task(name="advocacy.sweep_dispatches", ignore_result=True)
def sweep_dispatches() -> int:
    """Beat: re-queue expired claims and due retries, finish finished dispatches."""
    from advocacy.dispatch import requeue_expired

    return requeue_expired()


@shared_task(name="advocacy.queue_weekly_digest", ignore_result=True)
def queue_weekly_digest() -> None:
    """Beat: make this week's digest dispatch."""
    from advocacy.digest import queue_weekly_digest as queue

    queue()


@shared_task(name="advocacy.purge_deliveries", ignore_result=True)
def purge_deliveries() -> int:
    """Beat: delete delivery rows older than DELIVERY_RETENTION_DAYS, keeping counts."""
    from advocacy.dispatch import purge_deliveries as purge

    return purge()
