"""The SMS gateways, chosen by ``SMS_URL``.

Every backend answers ``send(to, text, reference=...)`` with an
``SmsOutcome``: SENT (the gateway took it; ``message_id`` is its id, which
delivery reports name), TEMPORARY (try again later) or PERMANENT (this
number will never take it). ``reference`` is Faro's own id for the message
(a Delivery's), carried into delivery-report URLs where the gateway allows.

- ``file:///PATH`` (the development default): one JSON file per message
  under ``var/sms-outbox/``, as email goes to ``var/outbox/``.
- ``kannel://USER:PASS@HOST:PORT``: Kannel's sendsms HTTP interface.
- ``twilio://ACCOUNT_SID:AUTH_TOKEN@``: Twilio's REST API.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client as TwilioClient

from advocacy.sms.segments import measure
from core.absolute_urls import absolute_url

__all__ = [
    "PERMANENT",
    "SENT",
    "TEMPORARY",
    "FileBackend",
    "KannelBackend",
    "SmsBackend",
    "SmsOutcome",
    "TwilioBackend",
    "backend_from_url",
    "sms_backend",
]

SENT = "sent"
TEMPORARY = "temporary"
PERMANENT = "permanent"


@dataclass(frozen=True)
class SmsOutcome:
    """What became of one text: SENT, TEMPORARY or PERMANENT, the reason when
    it was not sent, and the gateway's id for it when it was."""

    kind: str
    reason: str = ""
    message_id: str = ""


class SmsBackend:
    """One gateway. ``name`` is what callbacks and ledger rows call it."""

    name = "base"

    def send(self, to: str, text: str, *, reference: str = "") -> SmsOutcome:
        """Hand one text to ``to`` (E.164) to the gateway."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections (a chunk of sends shares one backend)."""


class FileBackend(SmsBackend):
    """Writes each text as a JSON file in a folder (``make run``, tests).

    Files are named by time and a random id so they sort in sending order;
    each holds ``to``, ``text``, ``reference`` and ``message_id``. Written
    to a temporary name and renamed, so a reader never sees half a file.
    """

    name = "file"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, to: str, text: str, *, reference: str = "") -> SmsOutcome:
        self.folder.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{message_id}.json"
        partial = path.with_suffix(".part")
        partial.write_text(
            json.dumps(
                {"to": to, "text": text, "reference": reference, "message_id": message_id},
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        os.replace(partial, path)
        return SmsOutcome(SENT, message_id=message_id)


# Seconds to connect and to wait for an answer: a hanging gateway must not
# hold a sender past its claim.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 20


class KannelBackend(SmsBackend):
    """Kannel's sendsms HTTP interface (smsbox's ``sendsms-port``).

    Kannel gives no id for a message it accepts, so the id is Faro's own
    ``reference``, which the ``dlr-url`` carries back (``ref=``) with the
    report's status (``%d``) and the operator's answer (``%A``). A text sent
    with no reference (a reply to a keyword) asks for no report.
    """

    name = "kannel"

    def __init__(self, host: str, port: int, username: str, password: str):
        self.endpoint = f"http://{host}:{port}/cgi-bin/sendsms"
        self.username = username
        self.password = password
        self.session = requests.Session()

    def query(self, to: str, text: str, reference: str) -> dict[str, str]:
        """The sendsms parameters for one text."""
        params = {
            "username": self.username,
            "password": self.password,
            "to": to,
            "text": text,
            "charset": "UTF-8",
        }
        if settings.SMS_FROM:
            params["from"] = settings.SMS_FROM
        if measure(text).encoding != "GSM-7":
            params["coding"] = "2"  # UCS-2: Kannel converts from charset
        if reference:
            params["dlr-mask"] = "31"  # delivered, failed, buffered, SMSC ack and nack
            params["dlr-url"] = kannel_dlr_url(reference)
        return params

    def send(self, to: str, text: str, *, reference: str = "") -> SmsOutcome:
        try:
            response = self.session.get(
                self.endpoint,
                params=self.query(to, text, reference),
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )
        except requests.RequestException as error:
            return SmsOutcome(TEMPORARY, reason=f"kannel unreachable: {type(error).__name__}")
        answer = response.text.strip()[:200]
        if response.status_code in (200, 202):
            # "0: Accepted for delivery", "3: Queued for later delivery",
            # "Sent." in older versions.
            return SmsOutcome(SENT, message_id=reference)
        if response.status_code >= 500:
            return SmsOutcome(TEMPORARY, reason=f"kannel {response.status_code}: {answer}")
        return SmsOutcome(PERMANENT, reason=f"kannel {response.status_code}: {answer}")

    def close(self) -> None:
        self.session.close()


def kannel_dlr_url(reference: str) -> str:
    """The absolute delivery-report URL Kannel calls for the text ``reference``;
    Kannel fills in ``%d`` (the report type) and ``%A`` (the operator's answer)."""
    path = reverse("sms_kannel_dlr", args=[settings.SMS_CALLBACK_SECRET])
    # %d and %A must reach Kannel as they are (it fills them in); the reference is quoted.
    return absolute_url(path) + f"?ref={quote(reference, safe='')}&status=%d&reason=%A"


# Twilio's error codes that mean this number will never take the text
# (https://www.twilio.com/docs/api/errors): invalid, unsubscribed, not
# mobile, unreachable country or carrier, blocked.
TWILIO_PERMANENT_CODES = {
    21211,  # invalid To number
    21408,  # region not enabled
    21610,  # the number replied STOP to this sender
    21612,  # not reachable from this From number
    21614,  # not a mobile number
    21606,  # From number cannot send to it
    30003,  # unreachable handset
    30004,  # blocked
    30005,  # unknown number
    30006,  # landline or unreachable carrier
}


class TwilioBackend(SmsBackend):
    """Twilio's Messages REST API, with a status callback to Faro.

    ``api_base_url`` replaces ``https://api.twilio.com`` (tests point it at a
    local server playing Twilio).
    """

    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, *, api_base_url: str = ""):
        self.client = TwilioClient(
            account_sid,
            auth_token,
            http_client=TwilioHttpClient(
                timeout=READ_TIMEOUT,
                # Its own logger at WARNING: at INFO it logs request bodies (numbers, texts).
                logger=_quiet_twilio_logger,
                max_retries=0,
            ),
        )
        if api_base_url:
            self.client.api.base_url = api_base_url.rstrip("/")

    def send(self, to: str, text: str, *, reference: str = "") -> SmsOutcome:
        try:
            message = self.client.messages.create(
                to=to,
                from_=settings.SMS_FROM,
                body=text,
                status_callback=absolute_url(reverse("sms_twilio_status")),
            )
        except TwilioRestException as error:
            reason = f"twilio {error.status} code {error.code}"
            if error.code in TWILIO_PERMANENT_CODES:
                return SmsOutcome(PERMANENT, reason=reason)
            if error.status == 429 or error.status >= 500:
                return SmsOutcome(TEMPORARY, reason=reason)
            return SmsOutcome(PERMANENT, reason=reason)
        except requests.RequestException as error:
            return SmsOutcome(TEMPORARY, reason=f"twilio unreachable: {type(error).__name__}")
        return SmsOutcome(SENT, message_id=message.sid)


_quiet_twilio_logger = logging.getLogger("advocacy.sms.twilio_http")
_quiet_twilio_logger.setLevel(logging.WARNING)


def backend_from_url(url: str) -> SmsBackend:
    """The backend an ``SMS_URL`` names (see the module docstring)."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FileBackend(Path(unquote(parts.path)))
    if parts.scheme == "kannel":
        return KannelBackend(
            parts.hostname,
            parts.port or 13013,
            unquote(parts.username or ""),
            unquote(parts.password or ""),
        )
    if parts.scheme == "twilio":
        return TwilioBackend(unquote(parts.username or ""), unquote(parts.password or ""))
    raise ValueError(f"SMS_URL: unknown scheme {parts.scheme!r}")


def sms_backend() -> SmsBackend:
    """The backend of the ``SMS_URL`` setting."""
    return backend_from_url(settings.SMS_URL)
