"""The subscription mails: the confirmation link and the "already subscribed" note."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.template.loader import render_to_string
from django.utils import translation

from advocacy.mail import build_email
from advocacy.models import Subscriber
from advocacy.tokens import confirm_url, preferences_url, unsubscribe_url

logger = logging.getLogger(__name__)


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


def open_connection():
    """A mail connection for sending many subscription mails (import)."""
    return get_connection()
