"""What the owner changes from the preferences page: choices and the number."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F

from advocacy.crypto import phone_hash
from advocacy.models import Subscriber
from advocacy.sms.opt_in import start_opt_in
from advocacy.subscriptions.checking import Choices
from advocacy.subscriptions.rows import apply_choices, drop_phone
from advocacy.subscriptions.signing_up import TEXTS_PER_NUMBER_PER_HOUR
from core import ratelimit

logger = logging.getLogger(__name__)


def add_phone(subscriber: Subscriber, phone: str) -> None:
    """The owner adds (or replaces) the number on ``subscriber`` from the
    preferences page; it is texted a code and counts once confirmed.

    ``phone`` is E.164 (checked by the form). A number confirmed on another
    row is left there and nothing is sent (the page answers the same); an
    unconfirmed one moves here. Counts against the per-number text limit.
    """
    hashed = phone_hash(phone)
    if subscriber.phone_hash == hashed and subscriber.phone_confirmed_at is not None:
        return
    if not ratelimit.allow("text-per-number", hashed, TEXTS_PER_NUMBER_PER_HOUR, 3600):
        logger.info("number not added for subscriber %s: per-number text limit", subscriber.pk)
        return
    with transaction.atomic():
        other = (
            Subscriber.objects.select_for_update()
            .filter(phone_hash=hashed)
            .exclude(pk=subscriber.pk)
            .first()
        )
        if other is not None:
            if other.phone_confirmed_at is not None:
                logger.info("number not added for subscriber %s: taken", subscriber.pk)
                return
            drop_phone(other)
        subscriber.phone = phone
        subscriber.phone_confirmed_at = None
        subscriber.save()
        start_opt_in(subscriber)


def remove_phone(subscriber: Subscriber) -> None:
    """The owner removes the number from ``subscriber`` (who keeps the
    address: the preferences link came by email). A subscriber active only
    by that number and with no confirmed address goes back to pending."""
    with transaction.atomic():
        drop_phone(subscriber)
        if subscriber.pk and subscriber.email_awaiting_confirmation:
            subscriber.status = Subscriber.Status.PENDING
            subscriber.save(update_fields=["status", "updated_at"])


def update_preferences(subscriber: Subscriber, choices: Choices) -> Subscriber:
    """Replace language, areas, topics and digest choice of ``subscriber``.

    Every management link made before stops working (its version is raised);
    the caller hands the owner a new one (``make_token(subscriber, MANAGE)``
    on the returned subscriber).
    """
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk).update(
            manage_token_version=F("manage_token_version") + 1
        )
        subscriber.refresh_from_db(fields=["manage_token_version"])
        apply_choices(subscriber, choices)
    return subscriber
