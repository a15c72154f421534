"""Subscribing, confirming, changing preferences and leaving.

Views, the API and the worker call these functions; they hold every rule:

* Signing up is two steps. In the web request, ``sign_up_request`` checks the
  input and turns it into a request for the worker, touching no subscriber
  row, so the request takes the same path and the same SQL whether or not
  the address is known. In the worker, ``handle_sign_up`` (``subscribe``)
  decides what to do and which email to send; a slow mail server slows only
  the worker.
* Double opt-in: nobody receives alerts before confirming a signed link;
  a confirmation link works once.
* Changing preferences replaces the management link (see advocacy.tokens).
* Leaving deletes the row and keeps only the keyed hash
  (``SuppressedAddress``); a new sign-up that is confirmed clears it.
* No name and no IP address are ever stored or logged; log lines name a
  subscriber by id at most. The address travels to the worker encrypted.
* Text messages: a sign-up may give an email address, a mobile number, or
  both. The number is checked in the request (``clean_phone``) and, like
  the address, looked up only in the worker; there it gets a code by text
  (``advocacy.sms.opt_in``) and is confirmed by a YES reply or the code on
  the site. Each channel is confirmed on its own; the subscriber is active
  once either is. A row whose channel is already confirmed never has its
  choices changed, nor a channel added, by a public sign-up: only its
  owner may, from the preferences page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advocacy.crypto import (
    InvalidToken,
    decrypt_email,
    decrypt_phone,
    email_hash,
    encrypt_email,
    encrypt_phone,
    normalise_email,
    phone_hash,
)
from advocacy.mail import build_email
from advocacy.models import Area, Subscriber, SuppressedAddress, Topic
from advocacy.queueing import enqueue
from advocacy.sms.numbers import InvalidPhoneNumber, parse_mobile_number
from advocacy.sms.opt_in import code_valid_for, confirm_by_code, start_opt_in
from advocacy.tokens import (
    CONFIRM,
    TokenUsed,
    confirm_url,
    preferences_url,
    read_token,
    unsubscribe_url,
)
from core import ratelimit

logger = logging.getLogger(__name__)

# Confirmation mails one address can trigger per hour, whoever asks: stops
# the form being used to flood someone's mailbox. Over the limit, nothing is
# sent and the caller sees the usual answer.
MAILS_PER_ADDRESS_PER_HOUR = 3
# Opt-in codes one number can be sent per hour, for the same reason.
TEXTS_PER_NUMBER_PER_HOUR = 3


class SubscriptionError(ValueError):
    """Input the caller must correct (bad address, unknown language, area or topic)."""


@dataclass(frozen=True)
class Choices:
    """What a subscriber chose: language, areas and topics (empty = all), digest."""

    language: str
    areas: tuple[Area, ...] = ()
    topics: tuple[Topic, ...] = ()
    wants_digest: bool = False


def clean_address(address: str) -> str:
    """The normalised address, or ``SubscriptionError`` if it is not an email address."""
    address = normalise_email(address or "")
    try:
        validate_email(address)
    except ValidationError:
        raise SubscriptionError(_("Enter a valid email address.")) from None
    if len(address) > 254:
        raise SubscriptionError(_("Enter a valid email address."))
    return address


def clean_phone(raw: str) -> str:
    """The number in E.164, or ``SubscriptionError`` saying why it is refused
    (not a number, no such number, cannot receive text messages)."""
    try:
        return parse_mobile_number(raw)
    except InvalidPhoneNumber as exc:
        raise SubscriptionError(str(exc.message)) from None


def make_choices(language: str, areas: Iterable = (), topics: Iterable = (), wants_digest=False):
    """Validate a language code and area/topic slugs (or instances) into ``Choices``."""
    if language not in dict(settings.LANGUAGES):
        raise SubscriptionError(_("Choose one of the languages offered."))
    return Choices(
        language=language,
        areas=tuple(_resolve(Area, areas, _("Unknown area: %(slug)s"))),
        topics=tuple(_resolve(Topic, topics, _("Unknown topic: %(slug)s"))),
        wants_digest=bool(wants_digest),
    )


def _resolve(model, items: Iterable, message: str) -> list:
    items = list(items)
    slugs = {item for item in items if isinstance(item, str)}
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    missing = sorted(slugs - found.keys())
    if missing:
        raise SubscriptionError(message % {"slug": ", ".join(missing)})
    return [found[item] if isinstance(item, str) else item for item in items]


def _apply(subscriber: Subscriber, choices: Choices) -> None:
    subscriber.language = choices.language
    subscriber.wants_digest = choices.wants_digest
    subscriber.save()
    subscriber.areas.set(choices.areas)
    subscriber.topics.set(choices.topics)


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
        _drop_phone(by_phone)
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
    _apply(subscriber, choices)
    return mails, texts


def _drop_phone(subscriber: Subscriber) -> None:
    """Take an unconfirmed number off ``subscriber``; a row left with no channel is deleted."""
    if not subscriber.email_hash:
        subscriber.delete()
        return
    subscriber.phone = None
    subscriber.phone_code_hash = ""
    subscriber.phone_code_expires_at = None
    subscriber.phone_code_attempts = 0
    subscriber.save()


def send_subscription_mail(subscriber: Subscriber, kind: str, language: str, connection=None):
    """Send the ``confirm`` or ``already_subscribed`` mail in ``language``.

    A failure to hand the mail over is logged (subscriber id and error type
    only) and swallowed: the sign-up stays pending and can be repeated, and
    the web answer must not depend on the mail server. Returns True if sent.
    """
    with translation.override(language):
        context = {
            "language": language,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "confirm_url": confirm_url(subscriber, language) if kind == "confirm" else "",
            "preferences_url": preferences_url(subscriber, language),
            "unsubscribe_url": unsubscribe_url(subscriber),
            "confirm_days": settings.SUBSCRIPTION_CONFIRM_DAYS,
        }
        subject = render_to_string(f"advocacy/email/{kind}_subject.txt", context).strip()
        text = render_to_string(f"advocacy/email/{kind}.txt", context)
        html = render_to_string(f"advocacy/email/{kind}.html", context)
    message = build_email(subscriber, subject, text, html, connection=connection)
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any SMTP, socket or header error: reported as not sent
        logger.warning(
            "subscription mail failed for subscriber %s: %s", subscriber.pk, type(exc).__name__
        )
        return False
    return True


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
            _drop_phone(other)
        subscriber.phone = phone
        subscriber.phone_confirmed_at = None
        subscriber.save()
        start_opt_in(subscriber)


def remove_phone(subscriber: Subscriber) -> None:
    """The owner removes the number from ``subscriber`` (who keeps the
    address: the preferences link came by email). A subscriber active only
    by that number and with no confirmed address goes back to pending."""
    with transaction.atomic():
        _drop_phone(subscriber)
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
        _apply(subscriber, choices)
    return subscriber


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


def open_connection():
    """A mail connection for sending many subscription mails (import)."""
    return get_connection()
