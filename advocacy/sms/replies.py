"""What Faro texts back to a keyword, and the sending of it (from a worker).

Replies go straight through the SMS backend, not the ledger: one short text
to one number, asking for no delivery report. A number that sent STOP gets
only the answer to that STOP until it sends START.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Site

from advocacy.crypto import decrypt_phone, phone_hash
from advocacy.models import StoppedNumber
from advocacy.sms.backends import SENT, TEMPORARY, sms_backend
from advocacy.sms.keywords import HELP, OTHER, START, STOP, YES, keyword_word
from know_your_rights.models import HelpLineSettings

__all__ = ["ReplyNotSent", "group_name", "help_line", "reply_text", "send_reply"]

logger = logging.getLogger(__name__)

# A reply's task is re-run, at the latest, within its retries' few minutes.
REPLY_KEY_SECONDS = 24 * 60 * 60


class ReplyNotSent(Exception):
    """The gateway could not take the reply now; the task tries again later."""


def group_name() -> str:
    """The group's name: the default Wagtail Site's name ("" when unset)."""
    site = Site.objects.filter(is_default_site=True).first()
    return site.site_name.strip() if site else ""


def help_line() -> str:
    """The group's help line number as the Help line setting holds it ("" when unset)."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ""
    line = HelpLineSettings.for_site(site)
    return line.phone.strip() if line.is_set else ""


def reply_text(kind: str, language: str) -> str:
    """The answer to a keyword of ``kind`` in ``language``."""
    with translation.override(language):
        name = group_name()
        stop, start, help_word = (keyword_word(k, language) for k in (STOP, START, HELP))
        if kind == STOP:
            text = _(
                "You will get no more text messages from us. Reply %(start)s to get them again."
            )
        elif kind == START:
            text = _(
                "You will get our text message alerts again. Reply %(help)s for help, %(stop)s to stop."
            )
        elif kind == YES:
            text = _(
                "Your number is confirmed for our text message alerts. Reply %(stop)s to stop."
            )
        elif kind == HELP:
            line = help_line()
            if line:
                text = _("Text message alerts. Help line: %(line)s. Reply %(stop)s to stop.")
            else:
                text = _("Text message alerts. Reply %(stop)s to stop.")
            text = text % {"line": line, "stop": stop}
            return f"{name}: {text}" if name else text
        else:
            text = _(
                "This number does not read replies. Reply %(help)s for help, %(stop)s to stop."
            )
        text = text % {"start": start, "stop": stop, "help": help_word}
        return f"{name}: {text}" if name else text


def send_reply(sealed_phone: str, kind: str, language: str, reply_key: str = "") -> str:
    """The worker's half: text the answer to ``kind`` to the sealed number.

    Returns what happened ("sent", "stopped", "permanent", "already sent");
    raises ReplyNotSent when the gateway should be tried again. Only STOP's
    own answer goes to a number that sent STOP. ``reply_key`` names this
    answer, so a task run twice (a worker lost after sending) texts it once.
    """
    done_key = f"sms:reply-sent:{reply_key}"
    if reply_key and cache.get(done_key):
        return "already sent"
    e164 = decrypt_phone(sealed_phone)
    hashed = phone_hash(e164)
    if kind != STOP and StoppedNumber.objects.filter(phone_hash=hashed).exists():
        return "stopped"
    backend = sms_backend()
    try:
        outcome = backend.send(e164, reply_text(kind, language))
    finally:
        backend.close()
    if outcome.kind == TEMPORARY:
        raise ReplyNotSent(outcome.reason)
    if outcome.kind != SENT:
        logger.warning("sms %s reply to %s not sent: %s", kind, hashed[:12], outcome.reason)
        return "permanent"
    if reply_key:
        cache.set(done_key, 1, REPLY_KEY_SECONDS)
    logger.info("sms %s reply sent to %s", kind, hashed[:12])
    return "sent"


# The kinds a reply may be for (OTHER: "we don't read replies").
REPLY_KINDS = (STOP, START, HELP, YES, OTHER)
