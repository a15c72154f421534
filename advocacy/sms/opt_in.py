"""Double opt-in by text message: a short code, confirmed by a YES reply or on the site.

* ``start_opt_in`` makes a new 6-digit code (``secrets``) and keeps only its
  keyed hash (HMAC-SHA256 under ``SUBSCRIBER_HASH_KEY``, or ``SECRET_KEY``
  when that is empty) with an expiry, then queues the text for the worker:
  nothing is texted inside a web request. The code travels to the worker
  encrypted under the field keys, as sign-up addresses do.
* A code works for ``CODE_VALID_FOR`` (24 hours, never longer than
  ``SUBSCRIPTION_CONFIRM_DAYS``): long enough for someone who reads their
  texts the next day, short enough that an old code lying in a phone's
  history is no use. After ``MAX_WRONG_CODES`` wrong codes entered on the
  site it stops working and a new one is needed; a YES from the number
  itself still confirms while the code has not expired, since only the
  phone can send it.
* ``confirm_by_code`` (the site) and ``confirm_by_reply`` (a YES reply,
  called by the gateways' incoming-message handling) confirm the number:
  ``phone_confirmed_at`` is set, the subscriber becomes ACTIVE
  (``confirmed_at`` set if it was not), and the code is cleared.
* A number in ``StoppedNumber`` is never texted a code; the caller's answer
  does not change (no one learns from the page that a number sent STOP).

Numbers and codes never reach the logs: lines name a subscriber by id.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advocacy.crypto import InvalidToken, decrypt_phone, encrypt_phone
from advocacy.models import StoppedNumber, Subscriber
from advocacy.queueing import enqueue
from advocacy.sms.backends import SENT, sms_backend
from advocacy.sms.keywords import STOP, YES, keyword_word
from advocacy.sms.replies import group_name

__all__ = [
    "CODE_LENGTH",
    "CODE_VALID_FOR",
    "MAX_WRONG_CODES",
    "code_valid_for",
    "confirm_by_code",
    "confirm_by_reply",
    "has_pending_code",
    "opt_in_text",
    "send_code",
    "start_opt_in",
]

logger = logging.getLogger(__name__)

CODE_LENGTH = 6
CODE_VALID_FOR = timedelta(hours=24)
MAX_WRONG_CODES = 5


def code_valid_for() -> timedelta:
    """How long a new code works: ``CODE_VALID_FOR``, capped by the sign-up window."""
    return min(CODE_VALID_FOR, timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS))


def _code_hash(subscriber: Subscriber, code: str) -> str:
    # Keyed and bound to the number's own hash, so one code's hash says
    # nothing about another subscriber's.
    key = settings.SUBSCRIBER_HASH_KEY or settings.SECRET_KEY
    message = f"sms-opt-in:{subscriber.phone_hash}:{code}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def _normalise_code(code: str) -> str:
    # People type "123 456" or "123-456"; only the digits count.
    return "".join(ch for ch in str(code or "") if ch.isdigit())


def has_pending_code(subscriber: Subscriber, now=None) -> bool:
    """Whether the subscriber's number waits for its code (one was sent and has not expired)."""
    now = now or timezone.now()
    return bool(
        subscriber.phone_hash
        and subscriber.phone_confirmed_at is None
        and subscriber.phone_code_hash
        and subscriber.phone_code_expires_at
        and subscriber.phone_code_expires_at > now
    )


def opt_in_text(code: str, language: str) -> str:
    """The opt-in text in ``language``: short, and plain GSM-7 in English.

    It names the group (the site's name, as every reply does) and the words
    to reply in the reader's own language; the English words work too.
    """
    with translation.override(language):
        text = _(
            "Your code is %(code)s. Reply %(yes)s to get alerts, "
            "or enter the code on the site. Reply %(stop)s to stop."
        ) % {
            "code": code,
            "yes": keyword_word(YES, language),
            "stop": keyword_word(STOP, language),
        }
    name = group_name()
    return f"{name}: {text}" if name else text


def start_opt_in(subscriber: Subscriber) -> None:
    """Give the subscriber's number a new code and queue its text.

    The code's keyed hash, its expiry and a zero wrong-code count are saved
    (any earlier code stops working); the text goes out from the worker
    once the current transaction commits, in the subscriber's language.
    A number that sent STOP gets the new code saved but no text. Does
    nothing for a subscriber with no number or an already confirmed one.
    """
    if not subscriber.phone_hash or subscriber.phone_confirmed_at is not None:
        return
    code = _new_code()
    subscriber.phone_code_hash = _code_hash(subscriber, code)
    subscriber.phone_code_expires_at = timezone.now() + code_valid_for()
    subscriber.phone_code_attempts = 0
    subscriber.save(
        update_fields=[
            "phone_code_hash",
            "phone_code_expires_at",
            "phone_code_attempts",
            "updated_at",
        ]
    )
    if StoppedNumber.objects.filter(phone_hash=subscriber.phone_hash).exists():
        logger.info("opt-in code not texted to subscriber %s: number stopped", subscriber.pk)
        return
    enqueue("advocacy.send_opt_in_code", subscriber.pk, encrypt_phone(code), queue="default")


def send_code(subscriber_id: int, sealed_code: str) -> bool:
    """The worker's half of ``start_opt_in``: text the code; True if the gateway took it.

    Sends nothing when the subscriber is gone, the number was confirmed or
    given a newer code meanwhile, or the number sent STOP since. A gateway
    failure is logged (subscriber id and reason kind only): the person can
    ask for a new code.
    """
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or not has_pending_code(subscriber):
        return False
    try:
        code = decrypt_phone(sealed_code)
    except InvalidToken:
        logger.warning("opt-in code for subscriber %s unreadable: dropped", subscriber_id)
        return False
    if not hmac.compare_digest(_code_hash(subscriber, code), subscriber.phone_code_hash):
        return False  # a newer code replaced this one; its own task texts it
    if StoppedNumber.objects.filter(phone_hash=subscriber.phone_hash).exists():
        return False
    backend = sms_backend()
    try:
        outcome = backend.send(
            subscriber.phone,
            opt_in_text(code, subscriber.language),
            # No reference: an opt-in text asks for no delivery report (it is
            # on no ledger, and a report for it would be counted as unknown).
            reference="",
        )
    finally:
        backend.close()
    if outcome.kind != SENT:
        logger.warning("opt-in text to subscriber %s not sent: %s", subscriber.pk, outcome.kind)
        return False
    return True


def _confirm_number(subscriber: Subscriber) -> None:
    now = timezone.now()
    subscriber.phone_confirmed_at = now
    subscriber.status = Subscriber.Status.ACTIVE
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now
    subscriber.phone_code_hash = ""
    subscriber.phone_code_expires_at = None
    subscriber.phone_code_attempts = 0
    subscriber.save(
        update_fields=[
            "phone_confirmed_at",
            "status",
            "confirmed_at",
            "phone_code_hash",
            "phone_code_expires_at",
            "phone_code_attempts",
            "updated_at",
        ]
    )
    logger.info("number confirmed for subscriber %s", subscriber.pk)


def confirm_by_code(subscriber: Subscriber, code: str) -> bool:
    """Confirm the subscriber's number with the code entered on the site.

    True when the code is the one texted, has not expired and fewer than
    ``MAX_WRONG_CODES`` wrong codes were tried; a wrong code counts one
    attempt. False otherwise (nothing else changes). ``subscriber`` is
    updated in place on success.
    """
    code = _normalise_code(code)
    with transaction.atomic():
        current = Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
        if current is None or not has_pending_code(current):
            return False
        if current.phone_code_attempts >= MAX_WRONG_CODES:
            return False
        if len(code) != CODE_LENGTH or not hmac.compare_digest(
            _code_hash(current, code), current.phone_code_hash
        ):
            current.phone_code_attempts += 1
            current.save(update_fields=["phone_code_attempts", "updated_at"])
            subscriber.phone_code_attempts = current.phone_code_attempts
            return False
        _confirm_number(current)
    for field in ("phone_confirmed_at", "status", "confirmed_at", "phone_code_hash"):
        setattr(subscriber, field, getattr(current, field))
    subscriber.phone_code_expires_at = None
    subscriber.phone_code_attempts = 0
    return True


def confirm_by_reply(e164: str) -> bool:
    """A YES (or its word in the subscriber's language) came from ``e164``.

    Confirms that number when it waits for its code (sent, not expired);
    True if it did. An unknown number, a confirmed one, or one whose code
    expired changes nothing and returns False.
    """
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().for_phone(e164).first()
        if subscriber is None or not has_pending_code(subscriber):
            return False
        _confirm_number(subscriber)
    return True
