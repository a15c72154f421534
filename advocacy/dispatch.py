"""Dispatches: the ledger of every send, and the work that empties it.

A send of an alert (or a weekly digest) is one ``Dispatch`` row with one
``Delivery`` row per recipient. The database is the ledger; Celery only
carries work:

1. ``create_dispatch`` (the admin's "Send", ``manage.py send_alert``) makes
   exactly one Dispatch per alert and send number (a unique constraint: two
   clicks at once still make one) and enqueues ``prepare``.
2. ``prepare`` bulk-inserts the Delivery rows in keyset-paginated batches
   (memory stays flat whatever the list size; re-running it adds nothing)
   and starts ``ALERT_SENDERS`` sender loops after the first batch.
3. Each sender loop (``run_sender``) repeatedly claims a chunk
   (``claim_batch``: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, one
   atomic ``UPDATE`` on SQLite), sends it over one SMTP connection
   (``send_chunk``) and writes the chunk's outcome in a few statements. A
   loop works for a bounded time, then re-enqueues itself.
4. Temporary failures are retried with exponential backoff and jitter kept
   in ``next_attempt_at``; permanent ones fail the row and suppress the
   address. ``requeue_expired`` (beat) re-queues work whose claim expired
   (a killed worker) or whose retry is due, and finishes dispatches.

Guarantees: no row is sent unless it was claimed, and its outcome is only
written by the holder of the claim; a worker killed mid-chunk loses nothing
(the claim expires and the row is sent again later, with the same
Message-ID), so a duplicate is at most a message that was in flight.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import time
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import make_msgid
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone

from advocacy.audience import sending_refusal
from advocacy.mail import build_email, message_domain
from advocacy.models import AlertPage, Delivery, Dispatch, Subscriber, SuppressedAddress
from advocacy.queueing import enqueue
from advocacy.rendering import MessageTemplate
from advocacy.sending import PERMANENT, SENT, MailSession, SendRateLimiter

log = logging.getLogger(__name__)

PREPARE_BATCH = 2000
PREPARE_SLICE_SECONDS = 2
SENDER_BUDGET_SECONDS = 20
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 5
RETRY_MAX_SECONDS = 15 * 60
# The longest a waiting sender is scheduled ahead: far below the broker's
# visibility timeout, so a countdown can never be redelivered early.
MAX_COUNTDOWN_SECONDS = 30


class AlreadySent(Exception):
    """The alert already has a dispatch; only an explicit update sends again."""

    def __init__(self, dispatch: Dispatch):
        super().__init__(f"already sent (dispatch {dispatch.pk})")
        self.dispatch = dispatch


class NotSendable(Exception):
    """The alert cannot be sent (not published, not approved, or not an
    alert); the message says why."""


def chunk_size() -> int:
    return max(1, int(getattr(settings, "ALERT_CHUNK_SIZE", 200)))


def claim_seconds() -> int:
    return max(1, int(getattr(settings, "ALERT_CLAIM_SECONDS", 300)))


def sender_count() -> int:
    return max(1, int(getattr(settings, "ALERT_SENDERS", 4)))


def message_id(dispatch_id: int, subscriber_id: int) -> str:
    """A Message-ID derived from dispatch and subscriber: a re-send of the same
    delivery carries the same ID. Keyed so it reveals no subscriber id."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{dispatch_id}:{subscriber_id}".encode(), hashlib.sha256
    ).hexdigest()[:24]
    return f"<faro.{dispatch_id}.{digest}@{message_domain()}>"


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
    refusal = sending_refusal(source)
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


def enqueue_prepare(dispatch: Dispatch) -> None:
    """Queue ``prepare`` once the current transaction has committed."""
    enqueue("advocacy.prepare_dispatch", dispatch.pk, queue=dispatch.queue)


def audience_for(dispatch: Dispatch):
    """The subscribers a dispatch goes to (decided when its rows are written)."""
    if dispatch.kind == Dispatch.Kind.DIGEST:
        return Subscriber.objects.active().filter(wants_digest=True)
    from advocacy.audience import alert_audience

    return alert_audience(dispatch.alert).subscribers


def prepare(dispatch_id: int, after_pk: int = 0, sliced: bool = True) -> None:
    """Write one queued Delivery per recipient, then let the senders run.

    Works in slices so a send never waits for its whole list to be written:
    the first slice is one chunk, after which the senders are started and
    the rest is written by a continuation task queued behind them (on a
    worker with one process, the first messages go out before the list is
    complete). Each slice runs for at most PREPARE_SLICE_SECONDS.

    Idempotent: rows that exist are left alone (unique per dispatch and
    subscriber), so a redelivered task adds nothing; the total is counted
    exactly once the last slice is written. ``sliced=False`` writes the
    whole list in this call (commands and tests running without a worker).
    """
    dispatch = Dispatch.objects.filter(pk=dispatch_id).first()
    if dispatch is None:  # deleted since it was queued: nothing to do
        return
    if dispatch.prepared:
        if dispatch.status == Dispatch.Status.RUNNING:
            start_senders(dispatch)
        return
    if dispatch.alert_id is None and dispatch.kind == Dispatch.Kind.ALERT:
        Dispatch.objects.filter(pk=dispatch_id).update(
            prepared=True, status=Dispatch.Status.CANCELLED, finished_at=timezone.now()
        )
        return
    subscribers = audience_for(dispatch).order_by("pk")
    deadline = time.monotonic() + PREPARE_SLICE_SECONDS
    last_pk = after_pk
    first_slice = after_pk == 0
    while True:
        _beat(f"advocacy:preparing:{dispatch_id}")
        size = chunk_size() if first_slice else PREPARE_BATCH
        rows = list(subscribers.filter(pk__gt=last_pk).values_list("pk", "language")[:size])
        if not rows:
            break
        last_pk = rows[-1][0]
        Delivery.objects.bulk_create(
            [
                Delivery(dispatch_id=dispatch_id, subscriber_id=pk, language=language)
                for pk, language in rows
            ],
            ignore_conflicts=True,
        )
        Dispatch.objects.filter(pk=dispatch_id).update(total=F("total") + len(rows))
        status = Dispatch.objects.values_list("status", flat=True).get(pk=dispatch_id)
        if status == Dispatch.Status.CANCELLED:
            break
        if first_slice:
            if Dispatch.objects.filter(pk=dispatch_id, status=Dispatch.Status.PREPARING).update(
                status=Dispatch.Status.RUNNING
            ):
                start_senders(dispatch)
        if sliced and (first_slice or time.monotonic() > deadline):
            enqueue("advocacy.prepare_dispatch", dispatch_id, last_pk, queue=dispatch.queue)
            return
        first_slice = False
    total = Delivery.objects.filter(dispatch_id=dispatch_id).count()
    Dispatch.objects.filter(pk=dispatch_id).update(total=total, prepared=True)
    started = not Dispatch.objects.filter(pk=dispatch_id, status=Dispatch.Status.PREPARING).update(
        status=Dispatch.Status.RUNNING
    )
    dispatch.refresh_from_db()
    if dispatch.status == Dispatch.Status.CANCELLED:
        skip_remaining(dispatch_id, "cancelled")
    elif not started and dispatch.status == Dispatch.Status.RUNNING:
        start_senders(dispatch)
    finish_if_done(dispatch_id)


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


# --- Claiming and sending ----------------------------------------------------


def _claimable(dispatch_id: int, now):
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
    candidates = _claimable(dispatch_id, now).order_by("id")
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


def suppress(subscriber: Subscriber) -> None:
    """Never mail an address whose mailbox refused mail permanently again
    (the subscriber is deleted, only the keyed hash stays)."""
    from advocacy.subscriptions import suppress as suppress_subscriber

    suppress_subscriber(subscriber, SuppressedAddress.Reason.BOUNCED)


def send_chunk(dispatch: Dispatch, token, ids, session: MailSession, content, limiter) -> dict:
    """Send the claimed deliveries ``ids`` and record what happened.

    Each subscriber's status is read now: someone who left (or was
    suppressed) after the dispatch was queued is skipped, not mailed. Each
    message is in the subscriber's language (``content.message_for``), with
    a Message-ID derived from dispatch and subscriber. Outcomes are written in
    a few statements per chunk, and only for rows this claim still holds.
    Returns the counts written.
    """
    deliveries = list(
        Delivery.objects.filter(id__in=ids, claim_token=token, status=Delivery.Status.QUEUED)
        .select_related("subscriber")
        .order_by("id")
    )
    subscribers = [d.subscriber for d in deliveries if d.subscriber is not None]
    suppressed = set(
        SuppressedAddress.objects.filter(
            email_hash__in=[s.email_hash for s in subscribers]
        ).values_list("email_hash", flat=True)
    )
    content.prepare(subscribers)
    # Built once per chunk and message content: the Date header stays fresh.
    templates: dict[int, MessageTemplate] = {}
    batch: list[tuple] = []

    def record(delivery, subscriber, rendered, outcome) -> None:
        if outcome.kind == SENT:
            sent_by_language[rendered.language].append(delivery.pk)
            sent_subscribers.append(subscriber.pk)
        elif outcome.kind == PERMANENT:
            failures.append((delivery, outcome.reason))
            suppress(subscriber)
        else:
            retries.append((delivery, outcome.reason))

    sent_by_language: dict[str, list[int]] = defaultdict(list)
    sent_subscribers: list[int] = []
    skipped: dict[str, list[int]] = defaultdict(list)
    retries: list[tuple[Delivery, str]] = []
    failures: list[tuple[Delivery, str]] = []
    for delivery in deliveries:
        subscriber = delivery.subscriber
        if subscriber is None or subscriber.status != Subscriber.Status.ACTIVE:
            skipped["unsubscribed before sending"].append(delivery.pk)
            continue
        if subscriber.email_hash in suppressed:
            skipped["address suppressed"].append(delivery.pk)
            continue
        rendered = content.message_for(subscriber)
        if rendered is None:
            skipped["nothing new"].append(delivery.pk)
            continue
        try:
            address = subscriber.email
            message, template, payload = message_for_recipient(
                rendered,
                subscriber,
                address,
                message_id(dispatch.pk, subscriber.pk),
                session,
                templates,
            )
        except Exception as exc:  # noqa: BLE001 - a bad row must not stop the chunk
            failures.append((delivery, f"could not build: {type(exc).__name__}"))
            continue
        if message is None:
            # Ready-made bytes: sent together below, one round trip each.
            batch.append((delivery, subscriber, rendered, template.sender, address, payload))
            continue
        limiter.acquire()
        record(delivery, subscriber, rendered, session.send(message))

    by_sender: dict[str, list] = defaultdict(list)
    for item in batch:
        by_sender[item[3]].append(item)
    for sender, items in by_sender.items():
        outcomes = session.send_many(
            sender, [(item[4], item[5]) for item in items], before_each=limiter.acquire
        )
        for item, outcome in zip(items, outcomes, strict=True):
            record(item[0], item[1], item[2], outcome)
    counts = record_outcomes(dispatch.pk, token, sent_by_language, skipped, retries, failures)
    if dispatch.kind == Dispatch.Kind.DIGEST and sent_subscribers:
        from advocacy.digest import mark_digested

        mark_digested(dispatch, sent_subscribers)
    return counts


def message_for_recipient(rendered, subscriber, address: str, msg_id: str, session, templates):
    """One recipient's message, built the one way subscribers' messages and
    a Moderator's "send me a test" are built.

    Returns ``(message, template, payload)``: ready-made bytes from the
    message's ``MessageTemplate`` (``message`` None) when the session speaks
    SMTP to an ASCII address, else an EmailMessage with this recipient's own
    links (``payload`` None). ``templates`` caches templates per rendering.
    """
    template = None
    if session.is_smtp and address.isascii():
        if id(rendered) not in templates:
            templates[id(rendered)] = MessageTemplate(rendered)
        template = templates[id(rendered)]
    if template is not None and template.usable:
        return None, template, template.for_subscriber(subscriber, address, msg_id)
    text, html = rendered.personalise(subscriber)
    message = build_email(
        subscriber,
        rendered.subject,
        text,
        html,
        message_id=msg_id,
        connection=session.connection,
        to=address,
    )
    return message, None, None


def record_outcomes(dispatch_id, token, sent_by_language, skipped, retries, failures) -> dict:
    """Write a chunk's outcomes and bump the dispatch's counts in one transaction."""
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
            Dispatch.objects.filter(pk=dispatch_id).update(
                sent_count=F("sent_count") + counts["sent"],
                failed_count=F("failed_count") + counts["failed"],
                skipped_count=F("skipped_count") + counts["skipped"],
            )
    return counts


def _beat(key: str) -> None:
    """Say "someone is working on this" in the shared cache (best effort)."""
    try:
        cache.set(key, 1, timeout=claim_seconds())
    except Exception:  # noqa: BLE001 - the cache being down must not stop sending
        pass


def _is_beating(key: str) -> bool:
    try:
        return cache.get(key) is not None
    except Exception:  # noqa: BLE001 - unknown: assume nobody is working
        return False


def content_for(dispatch: Dispatch):
    """The message source of a dispatch: per language (alerts) or per subscriber (digests)."""
    if dispatch.kind == Dispatch.Kind.DIGEST:
        from advocacy.digest import DigestContent

        return DigestContent(dispatch)
    return AlertContent(dispatch.alert)


class AlertContent:
    """Renders an alert once per language for the life of one sender loop.

    The translation live in a language is looked up when that language is
    first needed, so a translation published mid-send is used by the loops
    that start after it.
    """

    def __init__(self, alert: AlertPage):
        from advocacy.audience import live_translations

        self.alert = alert
        self.translations = live_translations(alert)
        self._rendered: dict = {}

    def prepare(self, subscribers) -> None:
        """Nothing per chunk: alerts depend on the language alone."""

    def message_for(self, subscriber):
        from advocacy.rendering import render_alert

        language = subscriber.language
        if language not in self._rendered:
            self._rendered[language] = render_alert(self.alert, language, self.translations)
        return self._rendered[language]


def run_sender(dispatch_id: int, budget: float | None = None) -> str:
    """One sender loop: claim and send chunks for up to ``budget`` seconds.

    Returns what the loop did last: "stopped" (paused, cancelled, or
    finished by someone else), "finished", "waiting" (only retries not yet
    due remain; a waiter is scheduled) or "continued" (time is up; the loop
    re-enqueued itself so no task runs long).
    """
    deadline = time.monotonic() + (budget or SENDER_BUDGET_SECONDS)
    limiter = SendRateLimiter()
    content = None
    dispatch = None
    with MailSession() as session:
        while time.monotonic() < deadline:
            dispatch = Dispatch.objects.select_related("alert").filter(pk=dispatch_id).first()
            if dispatch is None:
                return "stopped"
            if dispatch.status not in (Dispatch.Status.RUNNING, Dispatch.Status.PREPARING):
                if dispatch.status == Dispatch.Status.CANCELLED:
                    skip_remaining(dispatch_id, "cancelled")
                return "stopped"
            if content is None:
                if dispatch.kind == Dispatch.Kind.ALERT and dispatch.alert is None:
                    cancel_dispatch(dispatch)
                    return "stopped"
                content = content_for(dispatch)
            token, ids = claim_batch(dispatch_id)
            if not ids:
                if not dispatch.prepared:
                    # The list is still being written, maybe by a task queued
                    # behind this one on a one-process worker: make way.
                    send_dispatch_later(dispatch, 0.5)
                    return "waiting"
                if finish_if_done(dispatch_id):
                    return "finished"
                schedule_waiter(dispatch)
                return "waiting"
            _beat(f"advocacy:sending:{dispatch_id}")
            send_chunk(dispatch, token, ids, session, content, limiter)
    if dispatch is not None:
        start_senders(dispatch, count=1)
    return "continued"


def send_dispatch_later(dispatch: Dispatch, delay: float) -> None:
    """Queue this sender loop again in ``delay`` seconds (always short)."""
    enqueue(
        "advocacy.send_dispatch",
        dispatch.pk,
        queue=dispatch.queue,
        countdown=min(delay, MAX_COUNTDOWN_SECONDS),
    )


def schedule_waiter(dispatch: Dispatch) -> None:
    """When only not-yet-due retries remain, queue one loop for when they are due."""
    now = timezone.now()
    queued = Delivery.objects.filter(dispatch_id=dispatch.pk, status=Delivery.Status.QUEUED)
    earliest = queued.aggregate(retry=Min("next_attempt_at"), claim=Max("claimed_until"))
    moments = [m for m in (earliest["retry"], earliest["claim"]) if m is not None and m > now]
    delay = min([(m - now).total_seconds() for m in moments] or [1.0])
    delay = min(max(delay, 0.5), MAX_COUNTDOWN_SECONDS)
    # One waiter per dispatch and moment: loops ending together schedule one.
    moment = int(time.time() + delay)
    try:
        if not cache.add(f"advocacy:waiter:{dispatch.pk}:{moment}", 1, timeout=int(delay) + 5):
            return
    except Exception:  # noqa: BLE001 - cache down: a spare waiter is harmless
        pass
    enqueue("advocacy.send_dispatch", dispatch.pk, queue=dispatch.queue, countdown=delay)


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
    with transaction.atomic():
        count = (
            Delivery.objects.filter(dispatch_id=dispatch_id, status=Delivery.Status.QUEUED)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(status=Delivery.Status.SKIPPED, last_error=reason, claimed_until=None)
        )
        if count:
            Dispatch.objects.filter(pk=dispatch_id).update(skipped_count=F("skipped_count") + count)
    return count


# --- Moderator controls --------------------------------------------------------


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


# --- Periodic work ---------------------------------------------------------------


def requeue_expired(now=None) -> int:
    """The sweeper (beat): keep every unfinished dispatch moving.

    Re-queues prepare for dispatches whose preparation stopped (a lost
    task), sender loops for dispatches with due work (expired claims, due
    retries) and nobody sending, skips leftovers of cancelled dispatches and
    finishes dispatches with nothing left. Returns the number of dispatches
    it re-queued work for.
    """
    now = now or timezone.now()
    requeued = 0
    stale = now - timedelta(seconds=60)
    for dispatch in Dispatch.objects.filter(
        status__in=(Dispatch.Status.PREPARING, Dispatch.Status.RUNNING)
    ):
        if not dispatch.prepared and dispatch.created_at < stale:
            if not _is_beating(f"advocacy:preparing:{dispatch.pk}"):
                enqueue_prepare(dispatch)
                requeued += 1
            continue
        if dispatch.status != Dispatch.Status.RUNNING:
            continue
        if _claimable(dispatch.pk, now).exists():
            if not _is_beating(f"advocacy:sending:{dispatch.pk}"):
                start_senders(dispatch)
                requeued += 1
        elif dispatch.prepared:
            finish_if_done(dispatch.pk)
    for dispatch_id in (
        Delivery.objects.filter(
            dispatch__status=Dispatch.Status.CANCELLED, status=Delivery.Status.QUEUED
        )
        .values_list("dispatch_id", flat=True)
        .distinct()
    ):
        skip_remaining(dispatch_id, "cancelled", now)
    return requeued


def purge_deliveries(now=None, batch: int = 5000) -> int:
    """Delete the per-recipient rows of dispatches that ended more than
    DELIVERY_RETENTION_DAYS ago; the counts stay on the Dispatch.

    A list of who got which alert is itself sensitive. Deletes in batches so
    locks and memory stay small. Returns the number of rows deleted.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DELIVERY_RETENTION_DAYS)
    deleted = 0
    for dispatch in Dispatch.objects.filter(
        status__in=(Dispatch.Status.FINISHED, Dispatch.Status.CANCELLED),
        finished_at__lt=cutoff,
        deliveries_purged_at__isnull=True,
    ):
        while True:
            ids = list(
                Delivery.objects.filter(dispatch=dispatch).values_list("id", flat=True)[:batch]
            )
            if not ids:
                break
            deleted += Delivery.objects.filter(id__in=ids).delete()[0]
        Dispatch.objects.filter(pk=dispatch.pk).update(deliveries_purged_at=now)
    return deleted


# --- Tests to oneself ----------------------------------------------------------


def send_test(alert: AlertPage, language: str, address: str) -> str:
    """Send the alert as a ``language`` reader gets it, to ``address`` (the
    moderator's own). Returns "" on success or the reason it was not sent.

    The message is rendered and built exactly as a subscriber's
    (``render_alert``, then ``message_for_recipient``); only the
    recipient-specific values are the test recipient's. An alert that may not
    be sent may not be tested either: a test is a real message.
    """
    from advocacy.rendering import render_alert

    source = alert.specific.source_alert()
    refusal = sending_refusal(source)
    if refusal:
        return refusal
    rendered = render_alert(source, language)
    stand_in = Subscriber(language=language)
    stand_in.email = address
    with MailSession() as session:
        message, template, payload = message_for_recipient(
            rendered, stand_in, address, make_msgid(domain=message_domain()), session, {}
        )
        if message is None:
            outcome = session.send_many(template.sender, [(address, payload)])[0]
        else:
            outcome = session.send(message)
    return "" if outcome.kind == SENT else outcome.reason
