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

from advocacy.crypto import InvalidToken, decrypt_email, email_hash, encrypt_email, normalise_email
from advocacy.mail import build_email
from advocacy.models import Area, Subscriber, SuppressedAddress, Topic
from advocacy.queueing import enqueue
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


def sign_up_request(address: str, choices: Choices) -> dict | None:
    """The web request's half of a sign-up: what the worker needs, or None.

    Validates the address (``SubscriptionError``) and counts it against the
    per-address mail limit; reads no subscriber, so it does the same work
    for every address. Returns a JSON-serialisable request for
    ``handle_sign_up`` holding the address encrypted (it waits in the
    broker), or None when the address has had its mails for this hour.
    """
    address = clean_address(address)
    if not ratelimit.allow(
        "mail-per-address", email_hash(address), MAILS_PER_ADDRESS_PER_HOUR, 3600
    ):
        logger.info("sign-up not queued: per-address mail limit")
        return None
    return {
        "address": encrypt_email(address),
        "language": choices.language,
        "areas": [area.slug for area in choices.areas],
        "topics": [topic.slug for topic in choices.topics],
        "digest": choices.wants_digest,
    }


def queue_sign_up(address: str, choices: Choices) -> None:
    """What a sign-up form or the API does: check, then hand the rest to the worker.

    The same for every address, known or not (see ``sign_up_request``); the
    task is sent once the request's transaction commits. Raises
    ``SubscriptionError`` for an invalid address.
    """
    request = sign_up_request(address, choices)
    if request is not None:
        enqueue("advocacy.sign_up", request, queue="default")


def handle_sign_up(request: dict) -> None:
    """The worker's half of a sign-up made by ``sign_up_request``: see ``subscribe``.

    A request that can no longer be read (the encryption key is gone, an
    area or topic was deleted meanwhile) is logged and dropped: the person
    can sign up again.
    """
    try:
        address = decrypt_email(request["address"])
        choices = make_choices(
            request["language"], request["areas"], request["topics"], request["digest"]
        )
    except (InvalidToken, SubscriptionError, KeyError, TypeError) as exc:
        logger.warning("sign-up request dropped: %s", type(exc).__name__)
        return
    subscribe(address, choices)


def subscribe(address: str, choices: Choices) -> None:
    """Record a sign-up and mail the confirmation (or a note); runs in the worker.

    - unknown address (or one that left earlier): a pending subscriber is
      created and a confirmation link is mailed in ``choices.language``;
    - pending address: its choices are replaced, its purge clock restarts
      and a fresh confirmation link is mailed;
    - active address: nothing changes (only the owner may change choices,
      through their preferences link) and an "already subscribed" note with
      a fresh preferences link is mailed.
    Raises ``SubscriptionError`` for an invalid address.
    """
    address = clean_address(address)
    hashed = email_hash(address)
    for attempt in range(2):
        try:
            with transaction.atomic():
                subscriber = (
                    Subscriber.objects.select_for_update().filter(email_hash=hashed).first()
                )
                if subscriber is None:
                    subscriber = Subscriber(email=address, status=Subscriber.Status.PENDING)
                    _apply(subscriber, choices)
                    kind = "confirm"
                elif subscriber.status == Subscriber.Status.ACTIVE:
                    kind = "already_subscribed"
                else:
                    subscriber.status = Subscriber.Status.PENDING
                    subscriber.created_at = timezone.now()
                    _apply(subscriber, choices)
                    kind = "confirm"
            break
        except IntegrityError:
            # Two sign-ups for one new address at once: the other one won;
            # go round again and treat it as known.
            if attempt:
                raise
    send_subscription_mail(subscriber, kind, choices.language)


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
    address. Raises ``advocacy.tokens.TokenError``: ``TokenUsed`` if the
    sign-up is already confirmed (nothing changes), or expired, invalid, gone.
    """
    subscriber = read_token(token, CONFIRM)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.ACTIVE:
            # Another use of the same link got here first.
            raise TokenUsed()
        subscriber.status = Subscriber.Status.ACTIVE
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at", "updated_at"])
        SuppressedAddress.objects.filter(email_hash=subscriber.email_hash).delete()
    return subscriber


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
    """Delete sign-ups still pending after SUBSCRIPTION_CONFIRM_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS)
    deleted, _detail = Subscriber.objects.pending().filter(created_at__lt=cutoff).delete()
    count = _detail.get(Subscriber._meta.label, 0)
    if count:
        logger.info("purged %s unconfirmed sign-ups", count)
    return count


def open_connection():
    """A mail connection for sending many subscription mails (import)."""
    return get_connection()
