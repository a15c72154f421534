"""Confirming a sign-up: the address by its signed link, the number by its code."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from advocacy.models import Subscriber, SuppressedAddress
from advocacy.sms.opt_in import confirm_by_code
from advocacy.tokens import CONFIRM, TokenUsed, read_token


def confirm(token: str) -> Subscriber:
    """Activate the subscriber a confirm token names; a token works once.

    Confirming is the new opt-in that lifts an earlier suppression of the
    address. It confirms the address of a subscriber already active by text
    as well (``email_awaiting_confirmation`` turns False). Raises ``advocacy.tokens.TokenError``: ``TokenUsed`` if the
    sign-up is already confirmed (nothing changes), or expired, invalid, gone.
    """
    subscriber = read_token(token, CONFIRM)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.ACTIVE and not (
            subscriber.email_awaiting_confirmation
        ):
            # Another use of the same link got here first.
            raise TokenUsed()
        if subscriber.status != Subscriber.Status.ACTIVE:
            subscriber.confirmed_at = timezone.now()
        subscriber.status = Subscriber.Status.ACTIVE
        subscriber.email_awaiting_confirmation = False
        subscriber.save(
            update_fields=["status", "email_awaiting_confirmation", "confirmed_at", "updated_at"]
        )
        SuppressedAddress.objects.filter(email_hash=subscriber.email_hash).delete()
    return subscriber


def confirm_phone_code(phone: str, code: str) -> Subscriber | None:
    """The site's code form: the subscriber whose number ``phone`` (E.164)
    the code confirmed, or None. Whatever the reason it fails (unknown
    number, wrong or expired code, too many tries) the caller shows one
    answer, so the form tells no one which numbers are signed up."""
    subscriber = Subscriber.objects.for_phone(phone).first()
    if subscriber is None or not confirm_by_code(subscriber, code):
        return None
    return subscriber
