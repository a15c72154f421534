"""Signed links for subscribers: confirm, manage preferences, unsubscribe.

A token is ``django.core.signing`` output (URL-safe, tamper-evident, signed
with SECRET_KEY, time-stamped) over the subscriber's id and the first 16 hex
digits of the address hash ("" for someone signed up by text alone), with a
salt per purpose, so a preferences token can never be used to confirm and a
token stays bound to the person it was made for even if a database reuses an
id. Nothing in a token reveals the
address.

How long each lives (the README repeats this):

* ``confirm``: ``SUBSCRIPTION_CONFIRM_DAYS`` days, and works once: after the
  sign-up is confirmed, every confirmation link of it answers ``TokenUsed``.
* ``manage`` (preferences page, and the API's Bearer token):
  ``MANAGE_TOKEN_DAYS`` days, and only until the choices are next changed:
  it carries the subscriber's ``manage_token_version``, which every change
  raises, so all older management links answer ``TokenSuperseded``. The page
  (or the API answer) that made the change hands out the new one, and every
  email carries a fresh one.
* ``unsubscribe``: as long as the subscription. It sits in old emails and in
  the ``List-Unsubscribe`` header, and leaving must keep working from any of
  them (RFC 8058); it does one thing only, and using it deletes the
  subscriber, which ends it.

Leaving, or the purge of unconfirmed sign-ups, deletes the subscriber and so
ends every token of theirs; a new sign-up is a new subscriber with new links.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from advocacy.models import Subscriber
from core.absolute_urls import absolute_url

CONFIRM = "confirm"
MANAGE = "manage"
UNSUBSCRIBE = "unsubscribe"
PURPOSES = (CONFIRM, MANAGE, UNSUBSCRIBE)

# A management link in an old email works this long at most; every alert,
# digest and sign-up mail carries a fresh one, and signing up again with a
# subscribed address mails one ("already subscribed").
MANAGE_TOKEN_DAYS = 90


class TokenError(Exception):
    """A link that cannot be used; ``message`` is a sentence for the reader."""

    message = _("This link is not valid. Please use the link from your most recent email.")


class TokenInvalid(TokenError):
    """Tampered, truncated, or made for another purpose."""


class TokenExpired(TokenError):
    """Correctly signed but older than its purpose allows."""

    message = _("This link has expired. Please sign up again to get a new one.")


class TokenUsed(TokenError):
    """A confirmation link of a sign-up that is already confirmed."""

    message = _("This confirmation link has already been used: your subscription is active.")


class TokenSuperseded(TokenError):
    """A management link made before the subscriber's choices were last changed."""

    message = _(
        "This link stopped working when your choices were changed. Please use the link "
        "from your most recent email, or sign up again with your address to get a new one."
    )


class SubscriberGone(TokenError):
    """Correctly signed, but the subscriber no longer exists (left or purged)."""

    message = _("This subscription no longer exists.")


def _salt(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return f"advocacy.subscriber.{purpose}"


def _binding(subscriber) -> str:
    # Someone who signed up by text alone has no address hash: their tokens
    # carry "" and stay bound to a row that still has no address.
    return (subscriber.email_hash or "")[:16]


def make_token(subscriber, purpose: str) -> str:
    """A signed token for ``subscriber`` (a Subscriber) and ``purpose``.

    ``purpose`` is one of CONFIRM, MANAGE, UNSUBSCRIBE; a MANAGE token also
    carries the subscriber's current ``manage_token_version``. An unsaved
    subscriber (e.g. a moderator's "send me a test") gets a token that reads
    as ``SubscriberGone``.
    """
    payload = [subscriber.pk, _binding(subscriber)]
    if purpose == MANAGE:
        payload.append(subscriber.manage_token_version)
    return signing.dumps(payload, salt=_salt(purpose))


def _max_age(purpose: str) -> timedelta | None:
    if purpose == CONFIRM:
        return timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS)
    if purpose == MANAGE:
        return timedelta(days=MANAGE_TOKEN_DAYS)
    return None


def read_token(token: str, purpose: str):
    """The Subscriber a token was made for, if the token may still be used.

    Raises ``TokenExpired`` (older than its purpose allows), ``TokenInvalid``
    (bad signature, wrong purpose, malformed), ``SubscriberGone``,
    ``TokenUsed`` (a confirm token of a confirmed subscriber) or
    ``TokenSuperseded`` (a manage token made before the last change); all
    are ``TokenError``.
    """
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=_max_age(purpose))
    except signing.SignatureExpired:
        raise TokenExpired() from None
    except signing.BadSignature:
        raise TokenInvalid() from None
    # Management links made before versions existed carry none: version 0.
    if not (isinstance(payload, list) and len(payload) in (2, 3)):
        raise TokenInvalid()
    pk, hash_prefix, *version = payload
    if len(payload) == 3 and purpose != MANAGE:
        raise TokenInvalid()
    if pk is None:
        raise SubscriberGone()
    if not isinstance(hash_prefix, str):
        raise TokenInvalid()
    rows = Subscriber.objects.filter(pk=pk)
    if hash_prefix:
        rows = rows.filter(email_hash__startswith=hash_prefix)
    else:
        rows = rows.filter(email_hash__isnull=True)
    subscriber = rows.first()
    if subscriber is None:
        raise SubscriberGone()
    if (
        purpose == CONFIRM
        and subscriber.status == Subscriber.Status.ACTIVE
        and not subscriber.email_awaiting_confirmation
    ):
        raise TokenUsed()
    if purpose == MANAGE and (version[0] if version else 0) != subscriber.manage_token_version:
        raise TokenSuperseded()
    return subscriber


def confirm_url(subscriber, language: str | None = None) -> str:
    """Absolute URL of the confirmation page (language prefix from the subscriber)."""
    token = make_token(subscriber, CONFIRM)
    return absolute_url(f"/{language or subscriber.language}/subscribe/confirm/{token}/")


def preferences_url(subscriber, language: str | None = None) -> str:
    """Absolute URL of the preferences page for ``subscriber``."""
    token = make_token(subscriber, MANAGE)
    return absolute_url(f"/{language or subscriber.language}/preferences/{token}/")


def unsubscribe_url(subscriber) -> str:
    """Absolute one-click unsubscribe URL (no language prefix; RFC 8058 target)."""
    return absolute_url(f"/unsubscribe/{make_token(subscriber, UNSUBSCRIBE)}/")
