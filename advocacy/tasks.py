"""Celery tasks of the advocacy app: thin wrappers around its business modules.

Nothing imports this module to enqueue work: business modules queue tasks by
name through ``advocacy.queueing.enqueue``; the worker finds these through
Celery's autodiscovery. Every task is idempotent (``acks_late`` and
``reject_on_worker_lost`` are on project-wide, so a task can run twice); the
database is the ledger.
"""

from celery import shared_task
from django.db import OperationalError

from advocacy import digest, subscriptions
from advocacy.dispatching import preparing, sender, upkeep
from advocacy.sms import opt_in, replies
from know_your_rights.tracker import reminders


@shared_task(name="advocacy.prepare_dispatch", ignore_result=True)
def prepare_dispatch(dispatch_id: int, after_pk: int = 0) -> None:
    """Write (a slice of) a dispatch's delivery rows and start its senders."""
    preparing.prepare(dispatch_id, after_pk)


@shared_task(name="advocacy.send_dispatch", ignore_result=True)
def send_dispatch(dispatch_id: int) -> str:
    """One bounded sender loop for a dispatch."""
    return sender.run_sender(dispatch_id)


@shared_task(name="advocacy.sweep_dispatches", ignore_result=True)
def sweep_dispatches() -> int:
    """Beat: re-queue expired claims and due retries, finish finished dispatches."""
    return upkeep.requeue_expired()


@shared_task(name="advocacy.queue_weekly_digest", ignore_result=True)
def queue_weekly_digest() -> None:
    """Beat: make this week's digest dispatch."""
    digest.queue_weekly_digest()


@shared_task(name="advocacy.send_policy_reminders", ignore_result=True)
def send_policy_reminders() -> int:
    """Beat, Mondays: the policy tracker's weekly note to Editors and Moderators."""
    return reminders.send_policy_reminders()


@shared_task(name="advocacy.purge_deliveries", ignore_result=True)
def purge_deliveries() -> int:
    """Beat: delete delivery rows older than DELIVERY_RETENTION_DAYS, keeping counts."""
    return upkeep.purge_deliveries()


@shared_task(name="advocacy.purge_unconfirmed_subscribers")
def purge_unconfirmed_subscribers() -> int:
    """Beat, hourly: delete sign-ups not confirmed within SUBSCRIPTION_CONFIRM_DAYS."""
    return subscriptions.purge_unconfirmed()


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
    subscriptions.handle_sign_up(request)


@shared_task(
    name="advocacy.send_opt_in_code",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=30,
    max_retries=5,
)
def send_opt_in_code(subscriber_id: int, sealed_code: str) -> None:
    """Text a new subscriber's number its opt-in code (see advocacy.sms.opt_in)."""
    opt_in.send_code(subscriber_id, sealed_code)


# A gateway that cannot take the reply now (5xx, unreachable) is tried again
# a few times within minutes; a STOP's answer is owed promptly or not at all.
@shared_task(
    name="advocacy.send_sms_reply",
    ignore_result=True,
    autoretry_for=(OperationalError, replies.ReplyNotSent),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=4,
)
def send_sms_reply(sealed_phone: str, kind: str, language: str, reply_key: str = "") -> str:
    """Text the answer to a keyword (see advocacy.sms.callbacks and replies)."""
    return replies.send_reply(sealed_phone, kind, language, reply_key)
