"""What the SMS gateways call back with: delivery reports and incoming texts.

The views (``advocacy.sms_views``) check who is calling (Kannel: the secret
in the URL; Twilio: its request signature) and hand the parameters here.
Every callback is acted on once (``ProcessedCallback`` by the provider's
own key); a forged, replayed or unknown one changes nothing and is counted
in ``RefusedCallback``. Nothing here sends: answers to keywords are queued
for a worker. No number and no text is logged or stored.
"""

from __future__ import annotations

import hmac
import logging
import uuid

import phonenumbers
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from advocacy.crypto import encrypt_phone, phone_hash
from advocacy.dispatching import reports
from advocacy.dispatching.reports import count_refused, processed_once
from advocacy.models import Delivery, StoppedNumber, Subscriber
from advocacy.queueing import enqueue
from advocacy.sms import keywords
from advocacy.sms.opt_in import confirm_by_reply

__all__ = [
    "ACCEPTED",
    "DELIVERED",
    "FAILED",
    "FINAL",
    "REPLAYED",
    "UNKNOWN",
    "count_refused",
    "decode_kannel_text",
    "handle_incoming",
    "kannel_report_state",
    "record_report",
    "secret_matches",
    "twilio_report_state",
]

logger = logging.getLogger(__name__)

# What a callback came to.
ACCEPTED = "accepted"
REPLAYED = "replayed"
UNKNOWN = "unknown"
FINAL = "final"  # a report for a message already delivered or failed: no change
FORGED = "forged"

# What a report says about a message (None: still on its way).
DELIVERED = "delivered"
FAILED = "failed"

# One "we don't read replies" answer per number per day.
OTHER_REPLY_EVERY = 24 * 60 * 60


def secret_matches(secret: str) -> bool:
    """Whether ``secret`` is SMS_CALLBACK_SECRET (never when that is unset)."""
    expected = settings.SMS_CALLBACK_SECRET
    return bool(expected) and hmac.compare_digest(secret.encode(), expected.encode())


def kannel_report_state(status: str) -> str | None:
    """Kannel's DLR type (``%d``): 1 delivered; 2 failed and 16 refused by
    the SMS centre are failures; 4 (buffered) and 8 (taken by the SMS centre)
    say it is on its way."""
    if status == "1":
        return DELIVERED
    if status in ("2", "16"):
        return FAILED
    return None


def twilio_report_state(status: str) -> str | None:
    """Twilio's MessageStatus: delivered, or undelivered/failed; the others
    (queued, sending, sent, accepted, scheduled) say it is on its way."""
    if status == "delivered":
        return DELIVERED
    if status in ("undelivered", "failed"):
        return FAILED
    return None


def _find_delivery(provider: str, reference: str) -> Delivery | None:
    # Locked: two reports for one message must not both count.
    sms = Delivery.objects.select_for_update().filter(channel=Delivery.Channel.SMS)
    delivery = sms.filter(provider_message_id=reference).first() if reference else None
    if delivery is None and provider == "kannel" and reference.isdigit():
        # Kannel's reference is the Delivery's id, even before the sender saved it.
        delivery = sms.filter(pk=int(reference)).first()
    return delivery


def record_report(
    provider: str, reference: str, status: str, state: str | None, reason: str
) -> str:
    """Act on one delivery report, once.

    ``reference`` names the message (the provider's id or Faro's reference),
    ``status`` is the provider's own word for the report (part of its
    idempotency key), ``state`` DELIVERED, FAILED or None (on its way: no
    change), ``reason`` the provider's explanation of a failure. A sent
    message reported delivered counts as delivered (it stays among the
    sent); reported failed, it moves from sent to failed. A report for a
    message already delivered or failed changes nothing. Returns what it
    came to: ACCEPTED, REPLAYED, UNKNOWN or FINAL.
    """
    if state is None:
        return ACCEPTED
    with transaction.atomic():
        delivery = _find_delivery(provider, reference)
        if delivery is None:
            count_refused(provider, UNKNOWN)
            return UNKNOWN
        if not processed_once(provider, f"report:{reference}:{status}"):
            count_refused(provider, REPLAYED)
            return REPLAYED
        # Sent, or handed over but not yet recorded by the sender (still
        # queued under its claim); a delivered or failed message is final.
        if not (
            delivery.status == Delivery.Status.SENT
            or (delivery.status == Delivery.Status.QUEUED and delivery.claim_token)
        ):
            return FINAL
        if state == DELIVERED:
            reports.mark_delivered(delivery)
        else:
            reports.mark_failed(delivery, f"{provider}: {reason}")
    logger.info("sms report for delivery %s: %s", delivery.pk, state)
    return ACCEPTED


def decode_kannel_text(body: bytes, charset: str) -> str:
    """The text of Kannel's sms-service POST in its ``charset`` (UTF-8 for
    GSM text, UTF-16BE for UCS-2, as its Content-Type says)."""
    try:
        return body.decode(charset or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace")


def e164_from_gateway(raw: str) -> str:
    """The sender's number as E.164 ("" when it is no phone number): gateways
    pass it with or without the plus; a national form is read in
    SMS_DEFAULT_REGION. Any number may send STOP, landline-capable or not."""
    raw = raw.strip()
    if raw and raw[0].isdigit() and len(raw) > 10:
        raw = "+" + raw  # international digits without the plus
    try:
        number = phonenumbers.parse(raw, settings.SMS_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _reply(e164: str, kind: str, language: str) -> None:
    # The number travels to the worker sealed, like a stored one.
    enqueue(
        "advocacy.send_sms_reply",
        encrypt_phone(e164),
        kind,
        language,
        uuid.uuid4().hex,
        queue="urgent",
    )


def _reply_language(e164: str, keyword_language: str) -> str:
    subscriber = Subscriber.objects.for_phone(e164).only("language").first()
    if subscriber is not None:
        return subscriber.language
    return keyword_language or "en"


def handle_incoming(provider: str, message_key: str, sender: str, text: str) -> str:
    """Act on one text a phone sent, once: STOP, START, HELP, YES or other.

    STOP records the number in StoppedNumber at once (no alert is texted to
    it again until START) and is answered the first time only; START lifts
    it and is answered once; HELP is answered; YES confirms a number that
    waits for its opt-in; anything else gets at most one "we don't read
    replies" per number per day. The text itself is not kept. Returns
    ACCEPTED, REPLAYED or UNKNOWN (no readable sender).
    """
    e164 = e164_from_gateway(sender)
    if not e164:
        count_refused(provider, UNKNOWN)
        return UNKNOWN
    if message_key and not processed_once(provider, f"incoming:{message_key}"):
        count_refused(provider, REPLAYED)
        return REPLAYED
    keyword = keywords.classify(text)
    hashed = phone_hash(e164)
    language = _reply_language(e164, keyword.language)
    answer = None
    if keyword.kind == keywords.STOP:
        _stopped, created = StoppedNumber.objects.get_or_create(phone_hash=hashed)
        answer = keywords.STOP if created else None
    elif keyword.kind == keywords.START:
        deleted, _rows = StoppedNumber.objects.filter(phone_hash=hashed).delete()
        answer = keywords.START if deleted else None
    elif keyword.kind == keywords.HELP:
        answer = keywords.HELP
    elif keyword.kind == keywords.YES and confirm_by_reply(e164):
        answer = keywords.YES
    if answer is None and keyword.kind in (keywords.OTHER, keywords.YES):
        if cache.add(f"sms:other-reply:{hashed}", 1, OTHER_REPLY_EVERY):
            answer = keywords.OTHER
    if answer is not None:
        _reply(e164, answer, language)
    logger.info("sms %s from %s: %s", provider, hashed[:12], keyword.kind)
    return ACCEPTED
