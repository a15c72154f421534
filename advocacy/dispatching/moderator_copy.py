"""A Moderator's "send me a test": the alert as a reader of one language
gets it, to the Moderator's own address, built the way the sender loop
builds a subscriber's message."""

from __future__ import annotations

from django.core.mail import make_msgid

from advocacy.audience import sending_refusal
from advocacy.dispatching.sender import message_for_recipient
from advocacy.mail import message_domain
from advocacy.models import AlertPage, Subscriber
from advocacy.rendering import render_alert
from advocacy.sending import SENT, MailSession


def send_test(alert: AlertPage, language: str, address: str) -> str:
    """Send the alert as a ``language`` reader gets it, to ``address`` (the
    moderator's own). Returns "" on success or the reason it was not sent.

    The message is rendered and built exactly as a subscriber's
    (``render_alert``, then ``message_for_recipient``); only the
    recipient-specific values are the test recipient's. An alert that may not
    be sent may not be tested either: a test is a real message.
    """
    source = alert.specific.source_alert()
    refusal = sending_refusal(source)
    if refusal:
        return refusal
    rendered = render_alert(source, language)
    stand_in = Subscriber(language=language)
    stand_in.email = address
    with MailSession() as session:
        message, template, payload = message_for_recipient(
            rendered, stand_in, address, make_msgid(domain=message_domain()), session, {}
        )
        if message is None:
            outcome = session.send_many(template.sender, [(address, payload)])[0]
        else:
            outcome = session.send(message)
    return "" if outcome.kind == SENT else outcome.reason
