"""The ledger of a send: creating dispatches, claiming their rows, writing
outcomes, and a Moderator's pause, resume and cancel.

Every change to a Dispatch's or Delivery's state goes through here; the
sender loop, the preparation and the sweeper only decide when to call it.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from advocacy.audience import live_translations, sending_refusal
from advocacy.models import AlertPage, Delivery, Dispatch
from advocacy.queueing import enqueue
from advocacy.sms.segments import segment_limit_error
from advocacy.sms.texts import alert_text

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 5
RETRY_MAX_SECONDS = 15 * 60


class AlreadySent(Exception):
    """The alert already has a dispatch; only an explicit update sends again."""

    def __init__(self, dispatch: Dispatch):
        super().__init__(f"already sent (dispatch {dispatch.pk})")
        self.dispatch = dispatch


class NotSendable(Exception):
    """The alert cannot be sent (not published, not approved, or not an
    alert); the message says why."""


def chunk_size() -> int:
    """Deliveries claimed and sent together over one connection (ALERT_CHUNK_SIZE)."""
    return max(1, int(settings.ALERT_CHUNK_SIZE))


def claim_seconds() -> int:
    """How long a claim lasts before the sweeper hands the rows to another
    sender (ALERT_CLAIM_SECONDS)."""
    return max(1, int(settings.ALERT_CLAIM_SECONDS))


def sender_count() -> int:
    """Sender loops started per dispatch (ALERT_SENDERS)."""
    return max(1, int(settings.ALERT_SENDERS))


# --- Creating dispatches ------------------------------------------------------


def create_dispatch(alert: AlertPage, user=None, *, update: bool = False) -> Dispatch:
    """Send ``alert`` (any language version; its source page is used).

    Returns the new Dispatch. Raises ``AlreadySent`` when the alert has a
    dispatch and ``update`` is False (nothing changes), and ``NotSendable``
    (saying why) when the source alert is not live with the approvals its
    urgency needs (``advocacy.approval``). With ``update`` True a new dispatch with the
    next send number is made. Two concurrent calls make one dispatch: the
    unique constraint on (alert, send number) refuses the second, which then
    raises ``AlreadySent``.
    """
    source = alert.specific.source_alert()
    if not source.live:
        raise NotSendable("The alert is not published; publish it before sending.")
    refusal = sending_refusal(source) or text_message_refusal(source)
    if refusal:
        raise NotSendable(refusal)
    existing = Dispatch.objects.filter(alert=source)
    last = existing.order_by("-send_number").first()
    if last is not None and not update:
        raise AlreadySent(last)
    number = (last.send_number + 1) if last else 1
    try:
        with transaction.atomic():
            dispatch = Dispatch.objects.create(
                kind=Dispatch.Kind.ALERT,
                alert=source,
                alert_title=source.title[:255],
                send_number=number,
                urgent=source.is_urgent,
                created_by=user if getattr(user, "pk", None) else None,
            )
    except IntegrityError:
        raise AlreadySent(
            Dispatch.objects.filter(alert=source).order_by("-send_number").first()
        ) from None
    enqueue_prepare(dispatch)
    log.info("dispatch %s created for alert %s (send %s)", dispatch.pk, source.pk, number)
    return dispatch


def enqueue_prepare(dispatch: Dispatch, after_pk: int = 0) -> None:
    """Queue ``prepare`` (from subscriber ``after_pk`` on) once the current
    transaction has committed."""
    args = (dispatch.pk, after_pk) if after_pk else (dispatch.pk,)
    enqueue("advocacy.prepare_dispatch", *args, queue=dispatch.queue)


def start_senders(dispatch: Dispatch, count: int | None = None) -> None:
    """Queue ``count`` (default ALERT_SENDERS) sender loops on the dispatch's queue."""
    for _ in range(count or sender_count()):
        enqueue(
            "advocacy.send_dispatch",
            dispatch.pk,
            queue=dispatch.queue,
            retry=True,
            # Ride out a broker restart rather than drop the loop.
            retry_policy={
                "max_retries": 20,
                "interval_start": 0.5,
                "interval_step": 0.5,
                "interval_max": 2,
            },
        )


def text_message_refusal(alert: AlertPage) -> str | None:
    """Why the alert's text messages may not go (a live version's text is
    longer than SMS_MAX_SEGMENTS), naming the language; None when they may."""
    for language, page in sorted(live_translations(alert).items()):
        refusal = segment_limit_error(alert_text(page))
        if refusal:
            return f"[{language}] {refusal}"
    return None


# --- Claiming and recording ---------------------------------------------------


def claimable(dispatch_id: int, now):
    """The dispatch's queued rows that are due (no retry pending) and that
    nobody holds a live claim on."""
    return Delivery.objects.filter(dispatch_id=dispatch_id, status=Delivery.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
    )


def claim_batch(dispatch_id: int, size: int | None = None, now=None):
    """Claim up to ``size`` deliveries that are due and not claimed by anyone.

    Returns ``(token, ids)``; the claim lasts ALERT_CLAIM_SECONDS. On
    PostgreSQL rows are picked with ``FOR UPDATE SKIP LOCKED`` so concurrent
    senders never wait for or take each other's rows; on SQLite a single
    ``UPDATE … WHERE id IN (SELECT … LIMIT n)`` runs under the database's
    write lock, which gives the same exclusivity.
    """
    now = now or timezone.now()
    size = size or chunk_size()
    token = Delivery.new_claim_token()
    until = now + timedelta(seconds=claim_seconds())
    candidates = claimable(dispatch_id, now).order_by("id")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(
                candidates.select_for_update(skip_locked=True).values_list("id", flat=True)[:size]
            )
            if ids:
                Delivery.objects.filter(id__in=ids).update(claimed_until=until, claim_token=token)
        return token, ids
    with transaction.atomic():
        Delivery.objects.filter(id__in=candidates.values("id")[:size]).update(
            claimed_until=until, claim_token=token
        )
    ids = list(Delivery.objects.filter(claim_token=token).values_list("id", flat=True))
    return token, ids


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt: exponential backoff with ±50 % jitter."""
    base = min(RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0)), RETRY_MAX_SECONDS)
    return base * random.uniform(0.5, 1.5)


def record_outcomes(
    dispatch_id, token, sent_by_language, skipped, retries, failures, channel=Delivery.Channel.EMAIL
) -> dict:
    """Write a chunk's outcomes on one ``channel`` and bump the dispatch's
    counts in one transaction.

    Only rows the claim ``token`` still holds are written. A retry past
    MAX_ATTEMPTS fails the row. Text messages also bump the ``sms_*`` share
    of the counts (a chunk with both channels calls this once per channel).
    Returns the counts written.
    """
    now = timezone.now()
    held = Delivery.objects.filter(claim_token=token, status=Delivery.Status.QUEUED)
    counts = {"sent": 0, "failed": 0, "skipped": 0, "retry": 0}
    with transaction.atomic():
        for language, pks in sent_by_language.items():
            counts["sent"] += held.filter(pk__in=pks).update(
                status=Delivery.Status.SENT,
                sent_at=now,
                language=language,
                attempts=F("attempts") + 1,
                claimed_until=None,
                last_error="",
            )
        for reason, pks in skipped.items():
            counts["skipped"] += held.filter(pk__in=pks).update(
                status=Delivery.Status.SKIPPED, claimed_until=None, last_error=reason
            )
        for delivery, reason in failures:
            counts["failed"] += held.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED,
                attempts=F("attempts") + 1,
                claimed_until=None,
                last_error=reason,
            )
        for delivery, reason in retries:
            attempts = delivery.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                counts["failed"] += held.filter(pk=delivery.pk).update(
                    status=Delivery.Status.FAILED,
                    attempts=attempts,
                    claimed_until=None,
                    last_error=f"gave up after {attempts} attempts: {reason}"[:255],
                )
                continue
            counts["retry"] += held.filter(pk=delivery.pk).update(
                attempts=attempts,
                next_attempt_at=now + timedelta(seconds=retry_delay(attempts)),
                claimed_until=None,
                claim_token=None,
                last_error=reason,
            )
        if counts["sent"] or counts["failed"] or counts["skipped"]:
            Dispatch.objects.filter(pk=dispatch_id).update(**_count_updates(channel, counts))
    return counts


def _count_updates(channel: str, counts: dict) -> dict:
    """The F() increments of a dispatch's counts for ``counts`` on ``channel``."""
    updates = {
        f"{name}_count": F(f"{name}_count") + counts[name]
        for name in ("sent", "failed", "skipped")
        if counts.get(name)
    }
    if channel == Delivery.Channel.SMS:
        updates.update(
            {
                f"sms_{name}_count": F(f"sms_{name}_count") + counts[name]
                for name in ("sent", "failed", "skipped")
                if counts.get(name)
            }
        )
    return updates


# --- Finishing ----------------------------------------------------------------


def finish_if_done(dispatch_id: int) -> bool:
    """Mark a fully prepared dispatch with no queued rows finished; True if it is."""
    if Delivery.objects.filter(dispatch_id=dispatch_id, status=Delivery.Status.QUEUED).exists():
        return False
    Dispatch.objects.filter(pk=dispatch_id, prepared=True, status=Dispatch.Status.RUNNING).update(
        status=Dispatch.Status.FINISHED, finished_at=timezone.now()
    )
    return Dispatch.objects.filter(
        pk=dispatch_id, status__in=(Dispatch.Status.FINISHED, Dispatch.Status.CANCELLED)
    ).exists()


def skip_remaining(dispatch_id: int, reason: str, now=None) -> int:
    """Skip the queued rows nobody holds a live claim on; returns how many."""
    now = now or timezone.now()
    unclaimed = Delivery.objects.filter(
        dispatch_id=dispatch_id, status=Delivery.Status.QUEUED
    ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    total = 0
    with transaction.atomic():
        for channel in Delivery.Channel.values:
            count = unclaimed.filter(channel=channel).update(
                status=Delivery.Status.SKIPPED, last_error=reason, claimed_until=None
            )
            if count:
                Dispatch.objects.filter(pk=dispatch_id).update(
                    **_count_updates(channel, {"skipped": count})
                )
            total += count
    return total


# --- Moderator controls -------------------------------------------------------


def pause_dispatch(dispatch: Dispatch) -> bool:
    """Stop sending after the chunks in flight; True if it was running."""
    return bool(
        Dispatch.objects.filter(
            pk=dispatch.pk, status__in=(Dispatch.Status.RUNNING, Dispatch.Status.PREPARING)
        ).update(status=Dispatch.Status.PAUSED)
    )


def resume_dispatch(dispatch: Dispatch) -> bool:
    """Carry on a paused dispatch; True if it was paused."""
    resumed = Dispatch.objects.filter(pk=dispatch.pk, status=Dispatch.Status.PAUSED).update(
        status=Dispatch.Status.RUNNING
    )
    if resumed:
        dispatch.refresh_from_db()
        if not dispatch.prepared:
            enqueue_prepare(dispatch)
        start_senders(dispatch)
    return bool(resumed)


def cancel_dispatch(dispatch: Dispatch) -> bool:
    """Stop for good: queued rows are skipped; chunks in flight finish."""
    cancelled = Dispatch.objects.filter(
        pk=dispatch.pk,
        status__in=(Dispatch.Status.RUNNING, Dispatch.Status.PREPARING, Dispatch.Status.PAUSED),
    ).update(status=Dispatch.Status.CANCELLED, finished_at=timezone.now())
    skip_remaining(dispatch.pk, "cancelled")
    return bool(cancelled)
