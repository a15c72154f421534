"""Celery tasks of the subscriber side (listed in CELERY_IMPORTS)."""

from celery import shared_task
from django.db import OperationalError

from advocacy.subscriptions import Choices, handle_sign_up, purge_unconfirmed, sign_up_request


@shared_task(name="advocacy.purge_unconfirmed_subscribers")
def purge_unconfirmed_subscribers() -> int:
    """Delete sign-ups not confirmed within SUBSCRIPTION_CONFIRM_DAYS (beat, hourly)."""
    return purge_unconfirmed()


# A database that is briefly locked or unreachable (SQLite's single writer, a
# PostgreSQL restart) delays a sign-up; it is tried again before the mail.
@shared_task(
    name="advocacy.sign_up",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=30,
    max_retries=5,
)
def sign_up(request: dict) -> None:
    """Record a sign-up and send its confirmation (or "already subscribed") mail."""
    handle_sign_up(request)


def queue_sign_up(address: str, choices: Choices) -> None:
    """What a sign-up form or the API does: check, then hand the rest to the worker.

    The same for every address, known or not (see
    ``advocacy.subscriptions.sign_up_request``); the task is sent once the
    request's transaction commits. Raises ``SubscriptionError`` for an
    invalid address.
    """
    request = sign_up_request(address, choices)
    if request is not None:
        sign_up.delay_on_commit(request)
