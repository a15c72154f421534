"""The sender loop: claim a chunk, send it over one connection, record it.

Each loop (``run_sender``, the ``advocacy.send_dispatch`` task) works for a
bounded time and then queues itself again, so no task runs long; when only
retries not yet due remain, one waiter is queued for when they are. Each
recipient's message is built one way (``message_for_recipient``), which a
Moderator's test message shares.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Min
from django.utils import timezone

from advocacy.digest import mark_digested
from advocacy.dispatching.content import content_for
from advocacy.dispatching.heartbeat import SENDING, beat
from advocacy.dispatching.ledger import (
    cancel_dispatch,
    claim_batch,
    finish_if_done,
    record_outcomes,
    skip_remaining,
    start_senders,
)
from advocacy.dispatching.sms import send_texts
from advocacy.mail import build_email, message_domain
from advocacy.models import Delivery, Dispatch, Subscriber, SuppressedAddress
from advocacy.queueing import enqueue
from advocacy.rendering import MessageTemplate
from advocacy.sending import PERMANENT, SENT, MailSession, SendRateLimiter, tracking_metadata
from advocacy.subscriptions import suppress as suppress_subscriber

SENDER_BUDGET_SECONDS = 20
# The longest a waiting sender is scheduled ahead: far below the broker's
# visibility timeout, so a countdown can never be redelivered early.
MAX_COUNTDOWN_SECONDS = 30


def message_id(dispatch_id: int, subscriber_id: int) -> str:
    """A Message-ID derived from dispatch and subscriber: a re-send of the same
    delivery carries the same ID. Keyed so it reveals no subscriber id."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{dispatch_id}:{subscriber_id}".encode(), hashlib.sha256
    ).hexdigest()[:24]
    return f"<faro.{dispatch_id}.{digest}@{message_domain()}>"


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
            beat(SENDING, dispatch_id)
            send_chunk(dispatch, token, ids, session, content, limiter)
    if dispatch is not None:
        start_senders(dispatch, count=1)
    return "continued"


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
    # Text messages go through the gateway (advocacy.dispatching.sms); the rest is email.
    texts = [d for d in deliveries if d.channel == Delivery.Channel.SMS]
    deliveries = [d for d in deliveries if d.channel != Delivery.Channel.SMS]
    sms_counts = send_texts(dispatch, token, texts, content) if texts else {}
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
            if outcome.message_id:
                provider_ids[delivery.pk] = outcome.message_id
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
    provider_ids: dict[int, str] = {}
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
        # An email service's reports name the delivery through this.
        message.metadata = tracking_metadata(delivery.pk)
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
    for delivery_pk, provider_id in provider_ids.items():
        Delivery.objects.filter(pk=delivery_pk).update(provider_message_id=provider_id[:100])
    if dispatch.kind == Dispatch.Kind.DIGEST and sent_subscribers:
        mark_digested(dispatch, sent_subscribers)
    return {name: count + sms_counts.get(name, 0) for name, count in counts.items()}


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


def suppress(subscriber: Subscriber) -> None:
    """Never mail an address whose mailbox refused mail permanently again
    (the subscriber is deleted, only the keyed hash stays)."""
    suppress_subscriber(subscriber, SuppressedAddress.Reason.BOUNCED)


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
