"""Signed links for subscribers: confirm, manage preferences, unsubscribe.

A token is ``django.core.signing`` output (URL-safe, tamper-evident, signed
with SECRET_KEY) over the subscriber's id and the first 16 hex digits of the
address hash, with a salt per purpose, so a preferences token can never be
used to confirm and a token stays bound to the person it was made for even if
a database reuses an id. Nothing in a token reveals the address.

Lifetimes: ``confirm`` expires after ``SUBSCRIPTION_CONFIRM_DAYS``;
``manage`` and ``unsubscribe`` are long-lived (they sit in old emails and
RFC 8058 one-click must keep working). Deleting the subscriber (leaving, or
the purge of unconfirmed sign-ups) makes every token of theirs dead.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

CONFIRM = "confirm"
MANAGE = "manage"
UNSUBSCRIBE = "unsubscribe"
PURPOSES = (CONFIRM, MANAGE, UNSUBSCRIBE)


class TokenError(Exception):
    """A link that cannot be used; ``message`` is a sentence for the reader."""

    message = _("This link is not valid. Please use the link from your most recent email.")


class TokenInvalid(TokenError):
    """Tampered, truncated, or made for another purpose."""


class TokenExpired(TokenError):
    """Correctly signed but older than its purpose allows."""

    message = _("This link has expired. Please sign up again to get a new one.")


class SubscriberGone(TokenError):
    """Correctly signed, but the subscriber no longer exists (left or purged)."""

    message = _("This subscription no longer exists.")


def _salt(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return f"advocacy.subscriber.{purpose}"


def make_token(subscriber, purpose: str) -> str:
    """A signed token for ``subscriber`` (a Subscriber) and ``purpose``.

    ``purpose`` is one of CONFIRM, MANAGE, UNSUBSCRIBE. An unsaved subscriber
    (e.g. a moderator's "send me a test") gets a token that reads as
    ``SubscriberGone``.
    """
    return signing.dumps([subscriber.pk, subscriber.email_hash[:16]], salt=_salt(purpose))


def read_token(token: str, purpose: str):
    """The Subscriber a token was made for.

    Raises ``TokenExpired`` (confirm tokens older than
    SUBSCRIPTION_CONFIRM_DAYS), ``TokenInvalid`` (bad signature, wrong
    purpose, malformed) or ``SubscriberGone``; all are ``TokenError``.
    """
    from advocacy.models import Subscriber

    max_age = timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS) if purpose == CONFIRM else None
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired:
        raise TokenExpired() from None
    except signing.BadSignature:
        raise TokenInvalid() from None
    if not (isinstance(payload, list) and len(payload) == 2):
        raise TokenInvalid()
    pk, hash_prefix = payload
    if pk is None:
        raise SubscriberGone()
    subscriber = Subscriber.objects.filter(pk=pk, email_hash__startswith=hash_prefix).first()
    if subscriber is None:
        raise SubscriberGone()
    return subscriber


def confirm_url(subscriber, language: str | None = None) -> str:
    """Absolute URL of the confirmation page (language prefix from the subscriber)."""
    token = make_token(subscriber, CONFIRM)
    return f"{settings.SITE_URL}/{language or subscriber.language}/subscribe/confirm/{token}/"


def preferences_url(subscriber, language: str | None = None) -> str:
    """Absolute URL of the preferences page for ``subscriber``."""
    token = make_token(subscriber, MANAGE)
    return f"{settings.SITE_URL}/{language or subscriber.language}/preferences/{token}/"


def unsubscribe_url(subscriber) -> str:
    """Absolute one-click unsubscribe URL (no language prefix; RFC 8058 target)."""
    return f"{settings.SITE_URL}/unsubscribe/{make_token(subscriber, UNSUBSCRIBE)}/"
