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
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils import timezone

__all__ = [
    "PERMANENT",
    "SENT",
    "TEMPORARY",
    "FileBackend",
    "SmsBackend",
    "SmsOutcome",
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


def backend_from_url(url: str) -> SmsBackend:
    """The backend an ``SMS_URL`` names (see the module docstring)."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FileBackend(Path(unquote(parts.path)))
    raise ValueError(f"SMS_URL: unknown scheme {parts.scheme!r}")


def sms_backend() -> SmsBackend:
    """The backend of the ``SMS_URL`` setting."""
    return backend_from_url(settings.SMS_URL)
