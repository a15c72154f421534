"""Celery tasks of the subscriber side (listed in CELERY_IMPORTS)."""

from celery import shared_task

from advocacy.subscriptions import purge_unconfirmed


@shared_task(name="advocacy.purge_unconfirmed_subscribers")
def purge_unconfirmed_subscribers() -> int:
    """Delete sign-ups not confirmed within SUBSCRIPTION_CONFIRM_DAYS (beat, hourly)."""
    return purge_unconfirmed()
