"""Signing up, in two steps: the web request checks the input and queues a
request (``sign_up_request``, ``queue_sign_up``); the worker records it and
sends the confirmations (``handle_sign_up``, ``subscribe``)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.crypto import (
    InvalidToken,
    decrypt_email,
    decrypt_phone,
    email_hash,
    encrypt_email,
    encrypt_phone,
    phone_hash,
)
from advocacy.models import Subscriber
from advocacy.queueing import enqueue
from advocacy.sms.opt_in import start_opt_in
from advocacy.subscriptions.checking import (
    Choices,
    SubscriptionError,
    clean_address,
    clean_phone,
    make_choices,
)
from advocacy.subscriptions.mails import send_subscription_mail
from advocacy.subscriptions.rows import apply_choices, drop_phone
from core import ratelimit

logger = logging.getLogger(__name__)

# Confirmation mails one address can trigger per hour, whoever asks: stops
# the form being used to flood someone's mailbox. Over the limit, nothing is
# sent and the caller sees the usual answer.
MAILS_PER_ADDRESS_PER_HOUR = 3
# Opt-in codes one number can be sent per hour, for the same reason.
TEXTS_PER_NUMBER_PER_HOUR = 3


def sign_up_request(address: str, choices: Choices, phone: str = "") -> dict | None:
    """The web request's half of a sign-up: what the worker needs, or None.

    Validates the address and the number, either of which may be empty but
    not both (``SubscriptionError``), and counts each against its own hourly
    limit (mails per address, texts per number); reads no subscriber, so it
    does the same work for every address and number. Returns a
    JSON-serialisable request for ``handle_sign_up`` holding them encrypted
    (it waits in the broker), or None when nothing is left to send this
    hour. A channel over its limit is left out of the request.
    """
    if not (address or "").strip() and not (phone or "").strip():
        raise SubscriptionError(_("Give an email address, a mobile number, or both."))
    address = clean_address(address) if (address or "").strip() else ""
    phone = clean_phone(phone) if (phone or "").strip() else ""
    if address and not ratelimit.allow(
        "mail-per-address", email_hash(address), MAILS_PER_ADDRESS_PER_HOUR, 3600
    ):
        logger.info("sign-up address dropped: per-address mail limit")
        address = ""
    if phone and not ratelimit.allow(
        "text-per-number", phone_hash(phone), TEXTS_PER_NUMBER_PER_HOUR, 3600
    ):
        logger.info("sign-up number dropped: per-number text limit")
        phone = ""
    if not address and not phone:
        return None
    return {
        "address": encrypt_email(address) if address else "",
        "phone": encrypt_phone(phone) if phone else "",
        "language": choices.language,
        "areas": [area.slug for area in choices.areas],
        "topics": [topic.slug for topic in choices.topics],
        "digest": choices.wants_digest,
    }


def queue_sign_up(address: str, choices: Choices, phone: str = "") -> None:
    """What a sign-up form or the API does: check, then hand the rest to the worker.

    The same for every address and number, known or not (see
    ``sign_up_request``); the task is sent once the request's transaction
    commits. Raises ``SubscriptionError`` for an invalid address or number,
    or when neither is given.
    """
    request = sign_up_request(address, choices, phone)
    if request is not None:
        enqueue("advocacy.sign_up", request, queue="default")


def handle_sign_up(request: dict) -> None:
    """The worker's half of a sign-up made by ``sign_up_request``: see ``subscribe``.

    A request that can no longer be read (the encryption key is gone, an
    area or topic was deleted meanwhile) is logged and dropped: the person
    can sign up again.
    """
    try:
        address = decrypt_email(request["address"]) if request["address"] else ""
        # Requests queued before numbers existed have no "phone".
        phone = decrypt_phone(request["phone"]) if request.get("phone") else ""
        choices = make_choices(
            request["language"], request["areas"], request["topics"], request["digest"]
        )
    except (InvalidToken, SubscriptionError, KeyError, TypeError) as exc:
        logger.warning("sign-up request dropped: %s", type(exc).__name__)
        return
    subscribe(address, choices, phone=phone)


def subscribe(address: str, choices: Choices, phone: str = "") -> None:
    """Record a sign-up and send its confirmations (or a note); runs in the worker.

    ``address`` or ``phone`` (E.164) may be empty, not both. Per channel:

    - an address that is unknown, left earlier, or on a pending row: the
      row (new or found) takes ``choices``, its purge clock restarts and a
      confirmation link is mailed in ``choices.language``;
    - an address already confirmed: nothing changes (only the owner may
      change choices, through their preferences link) and an "already
      subscribed" note with a fresh preferences link is mailed;
    - an address given on a row active by text but not yet confirmed
      itself: a fresh confirmation link is mailed, nothing else changes;
    - a number that is unknown or on a pending row: it joins the row that
      takes the choices (the address's, when one was given) and is texted
      a new code (``advocacy.sms.opt_in.start_opt_in``);
    - a number already confirmed: nothing is sent to it;
    - a number not yet confirmed on a row active by email: a new code.
    Raises ``SubscriptionError`` for an invalid address or number.
    """
    address = clean_address(address) if address else ""
    phone = clean_phone(phone) if phone else ""
    if not address and not phone:
        raise SubscriptionError(_("Give an email address, a mobile number, or both."))
    for attempt in range(2):
        try:
            with transaction.atomic():
                mails, texts = _record_sign_up(address, phone, choices)
            break
        except IntegrityError:
            # Two sign-ups for one new address or number at once: the other
            # one won; go round again and treat it as known.
            if attempt:
                raise
    for subscriber, kind in mails:
        send_subscription_mail(subscriber, kind, choices.language)
    for subscriber in texts:
        start_opt_in(subscriber)


def _record_sign_up(address: str, phone: str, choices: Choices):
    """``subscribe``'s changes, in its transaction: (mails to send, rows to text a code)."""
    mails: list[tuple[Subscriber, str]] = []
    texts: list[Subscriber] = []
    locked = Subscriber.objects.select_for_update()
    by_email = locked.filter(email_hash=email_hash(address)).first() if address else None
    by_phone = locked.filter(phone_hash=phone_hash(phone)).first() if phone else None
    active = Subscriber.Status.ACTIVE
    if by_email is not None and by_email.status == active:
        kind = "confirm" if by_email.email_awaiting_confirmation else "already_subscribed"
        mails.append((by_email, kind))
        address = ""
    if by_phone is not None and by_phone.phone_confirmed_at is not None:
        phone = ""
    elif by_phone is not None and by_phone.status == active:
        texts.append(by_phone)
        phone = ""
    if not address and not phone:
        return mails, texts
    if address and by_email is not None:
        subscriber = by_email
    elif phone and by_phone is not None:
        subscriber = by_phone
    else:
        subscriber = Subscriber()
    if phone and by_phone is not None and by_phone.pk != subscriber.pk:
        # The number waited on another pending row: it moves to this one.
        drop_phone(by_phone)
    if address:
        subscriber.email = address
        subscriber.email_awaiting_confirmation = True
        mails.append((subscriber, "confirm"))
    if phone:
        if subscriber.phone_hash != phone_hash(phone):
            subscriber.phone = phone
            subscriber.phone_confirmed_at = None
        texts.append(subscriber)
    subscriber.status = Subscriber.Status.PENDING
    subscriber.created_at = timezone.now()
    apply_choices(subscriber, choices)
    return mails, texts
