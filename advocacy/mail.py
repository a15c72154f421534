"""The one place every Faro email to a subscriber is built.

Alerts, digests, confirmations and "you are already subscribed" notes all go
through ``build_email`` so each carries the same list headers (List-Id,
List-Unsubscribe) and none can be used for header injection.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid

from advocacy.tokens import unsubscribe_url

_FORBIDDEN = ("\r", "\n", "\0")


class HeaderInjectionError(ValueError):
    """A header value (subject, address, Message-ID, extra header) held CR, LF or NUL."""


def _check(name: str, value: str) -> str:
    if any(character in str(value) for character in _FORBIDDEN):
        raise HeaderInjectionError(f"line break or NUL in the {name} header")
    return value


def message_domain() -> str:
    """The domain used in generated Message-IDs: the host of SITE_URL."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def list_id() -> str:
    """The List-Id header of every email to subscribers (RFC 2919): the
    ``LIST_ID`` setting, else ``Faro alerts <alerts.HOST>`` with SITE_URL's
    host, so mail clients can file and filter Faro's mail as one list."""
    return settings.LIST_ID or f"Faro alerts <alerts.{message_domain()}>"


def build_email(
    subscriber,
    subject: str,
    text_body: str,
    html_body: str | None = None,
    *,
    message_id: str | None = None,
    connection=None,
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
    to: str | None = None,
) -> EmailMultiAlternatives:
    """Build (not send) a multipart email to one subscriber.

    - ``subscriber``: a ``Subscriber``; the recipient is its decrypted
      address unless ``to`` is given (e.g. a moderator's "send me a test",
      which may pass an unsaved ``Subscriber(email=..., language=...)``).
    - ``subject``/``text_body``/``html_body``: already rendered in the
      subscriber's language; ``html_body`` is attached as text/html if given
      (the caller sets ``<html lang dir>``, ``dir="rtl"`` for ar/ur).
    - ``message_id``: a stable id such as ``"<dispatch-7.subscriber-42@host>"``
      (angle brackets added if missing) so a re-send carries the same
      Message-ID; generated with ``make_msgid`` if omitted.
    - ``connection``: a Django mail connection to reuse across a batch.
    - ``from_email``: defaults to ``DEFAULT_FROM_EMAIL``.
    - ``headers``: extra headers (added after the list headers; may not
      override them).

    Always adds ``List-Id`` (``list_id()``, RFC 2919),
    ``List-Unsubscribe: <{SITE_URL}/unsubscribe/<token>/>`` (RFC 2369 angle
    brackets), ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
    (RFC 8058) and ``Message-ID``.

    Raises ``HeaderInjectionError`` (nothing is built, so nothing can be
    sent) if the subject, sender, recipient, Message-ID or any extra header
    name or value contains CR, LF or NUL.
    """
    recipient = _check("To", to if to is not None else subscriber.email)
    sender = _check("From", from_email or settings.DEFAULT_FROM_EMAIL)
    _check("Subject", subject)
    if message_id is None:
        message_id = make_msgid(domain=message_domain())
    _check("Message-ID", message_id)
    if not message_id.startswith("<"):
        message_id = f"<{message_id}>"
    all_headers = {
        "Message-ID": message_id,
        "List-Id": _check("List-Id", list_id()),
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    for name, value in (headers or {}).items():
        _check("header name", name)
        _check(name, value)
        if name.lower() not in {key.lower() for key in all_headers}:
            all_headers[name] = value
    message = EmailMultiAlternatives(
        subject=subject,
        body=text_body,
        from_email=sender,
        to=[recipient],
        headers=all_headers,
        connection=connection,
    )
    if html_body is not None:
        message.attach_alternative(html_body, "text/html")
    return message
