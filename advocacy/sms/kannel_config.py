"""The kannel.conf groups that point a Kannel gateway at this Faro.

``manage.py kannel_config`` prints them for an operator to paste into
kannel.conf beside their own ``core``, ``smsc`` and ``smsbox`` groups:

* ``sendsms-user``: the account Faro sends through (user and password from
  ``SMS_URL``), its default sender (``SMS_FROM``), long texts concatenated
  into at most ``SMS_MAX_SEGMENTS`` parts;
* ``sms-service``: every incoming text posted to Faro's callback under
  ``/sms/kannel/<SMS_CALLBACK_SECRET>/incoming/`` on ``SITE_URL`` (text in the
  body, sender in ``X-Kannel-From``, only Kannel's message id in the URL), and
  no answer of its own (``max-messages = 0``): Faro answers through sendsms;
* a comment on the ``dlr-url`` Faro sends with each alert text, so the
  operator knows which address Kannel will call back.

The test fixture (tests/sms/kannel.py) runs its Kannel with these very groups.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

# Kannel reads "%" in a URL as its own escapes (%I, %d, ...) and a quote
# ends a value: the secret must need no escaping at all.
SAFE_SECRET = re.compile(r"[A-Za-z0-9._~-]+")
SAFE_VALUE = re.compile(r'[^"\\\r\n]*')


class KannelConfigRefused(Exception):
    """The settings cannot make a working Kannel configuration; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _value(name: str, value: str) -> str:
    if not SAFE_VALUE.fullmatch(value):
        raise KannelConfigRefused(
            _("%(name)s contains a quote, backslash or line break, which kannel.conf cannot hold.")
            % {"name": name}
        )
    return value


def render(
    *,
    username: str,
    password: str,
    sender: str,
    max_segments: int,
    incoming_url: str,
    dlr_url: str,
) -> str:
    """The ``sendsms-user`` and ``sms-service`` groups (and the DLR comment) as
    kannel.conf text, from explicit values; ``from_settings`` fills them in."""
    sender_line = (
        f'default-sender = "{_value("SMS_FROM", sender)}"'
        if sender
        else "# default-sender: set SMS_FROM to the number or short code Faro texts from"
    )
    return f"""\
# Faro's groups for kannel.conf (manage.py kannel_config).
# Add them beside your core, smsc and smsbox groups.

group = sendsms-user
username = "{_value("SMS_URL user", username)}"
password = "{_value("SMS_URL password", password)}"
{sender_line}
concatenation = true
max-messages = {max_segments}
# Limit sendsms to Faro's host, e.g.: user-allow-ip = "127.0.0.1"

group = sms-service
keyword = default
catch-all = true
post-url = "{incoming_url}"
send-sender = true
max-messages = 0

# Delivery reports: Faro asks for them with each alert text itself
# (dlr-mask = 31) and names this dlr-url, Kannel filling in %d and %A:
#   {dlr_url}
# Kannel must reach SITE_URL; keep dlr-storage in your core group.
"""


def from_settings() -> str:
    """The groups for this Faro's settings (SMS_URL, SMS_FROM,
    SMS_MAX_SEGMENTS, SITE_URL, SMS_CALLBACK_SECRET).

    Raises ``KannelConfigRefused`` when SMS_URL is not ``kannel://`` or the
    callback secret is empty or not URL-safe.
    """
    parts = urlsplit(settings.SMS_URL)
    if parts.scheme != "kannel":
        raise KannelConfigRefused(
            _("SMS_URL is not kannel://USER:PASS@HOST:PORT, so there is no Kannel to configure.")
        )
    secret = settings.SMS_CALLBACK_SECRET
    if not secret:
        raise KannelConfigRefused(
            _("SMS_CALLBACK_SECRET is empty: set a long random secret for Kannel's callbacks.")
        )
    if not SAFE_SECRET.fullmatch(secret):
        raise KannelConfigRefused(
            _(
                "SMS_CALLBACK_SECRET may only use letters, digits and . _ ~ - (Kannel reads % itself)."
            )
        )
    site = settings.SITE_URL.rstrip("/")
    return render(
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        sender=settings.SMS_FROM,
        max_segments=settings.SMS_MAX_SEGMENTS,
        incoming_url=site + reverse("sms_kannel_incoming", args=[secret]) + "?id=%I",
        dlr_url=site
        + reverse("sms_kannel_dlr", args=[secret])
        + "?ref=<delivery>&status=%d&reason=%A",
    )
