"""Leaving (the keyed hash kept, nothing else) and purging sign-ups never confirmed."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from advocacy.crypto import email_hash
from advocacy.models import Subscriber, SuppressedAddress
from advocacy.sms.opt_in import code_valid_for

logger = logging.getLogger(__name__)


def suppress(subscriber: Subscriber, reason: str = SuppressedAddress.Reason.UNSUBSCRIBED) -> None:
    """Delete ``subscriber`` and keep only its keyed hash so it is never mailed again.

    ``reason`` is a ``SuppressedAddress.Reason`` (unsubscribed, bounced,
    complained). Deleting cascades to the subscriber's area/topic choices
    (and to whatever the alerts side links with CASCADE / SET_NULL).
    Idempotent for an already deleted subscriber.
    """
    with transaction.atomic():
        if subscriber.email_hash:
            SuppressedAddress.objects.update_or_create(
                email_hash=subscriber.email_hash, defaults={"reason": reason}
            )
        Subscriber.objects.filter(pk=subscriber.pk).delete()


def unsubscribe(subscriber: Subscriber) -> None:
    """The subscriber leaves: see ``suppress``."""
    suppress(subscriber, SuppressedAddress.Reason.UNSUBSCRIBED)


def is_suppressed(address: str) -> bool:
    """Whether ``address`` left (or bounced) and has not opted in again."""
    return SuppressedAddress.objects.filter(email_hash=email_hash(address)).exists()


def purge_unconfirmed(now=None) -> int:
    """Delete sign-ups still pending after SUBSCRIPTION_CONFIRM_DAYS; returns how many.

    A pending row has neither channel confirmed, so it goes whole. A row
    active by one channel keeps it and loses only the other when that was
    never confirmed within the window: a number whose last code was sent
    before the cutoff, an address given before it (``created_at``).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS)
    deleted, _detail = Subscriber.objects.pending().filter(created_at__lt=cutoff).delete()
    count = _detail.get(Subscriber._meta.label, 0)
    if count:
        logger.info("purged %s unconfirmed sign-ups", count)
    # A code expires code_valid_for() after it was sent.
    numbers = (
        Subscriber.objects.active()
        .filter(phone_hash__isnull=False, phone_confirmed_at__isnull=True)
        .exclude(phone_code_expires_at__gte=cutoff + code_valid_for())
        .update(
            phone_ciphertext="",
            phone_hash=None,
            phone_code_hash="",
            phone_code_expires_at=None,
            phone_code_attempts=0,
            updated_at=now,
        )
    )
    addresses = (
        Subscriber.objects.active()
        .filter(
            email_hash__isnull=False,
            email_awaiting_confirmation=True,
            phone_confirmed_at__isnull=False,
            created_at__lt=cutoff,
        )
        .update(
            email_ciphertext="",
            email_hash=None,
            email_awaiting_confirmation=False,
            updated_at=now,
        )
    )
    if numbers or addresses:
        logger.info(
            "dropped %s unconfirmed numbers and %s unconfirmed addresses", numbers, addresses
        )
    return count
