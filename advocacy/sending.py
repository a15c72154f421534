"""Hand messages to the mail server over one connection, and say what happened.

``MailSession`` wraps one Django mail connection for a chunk of deliveries.
On the SMTP backend it talks to ``smtplib`` directly so that each message
gets its own outcome (Django's backend stops at the first error and does not
say which messages went out). Other backends (the development outbox, the
in-memory backend of tests) send through ``send_messages``.

``SendRateLimiter`` spreads ``ALERT_SEND_RATE`` messages per second across
every worker through the shared cache (Redis when ``REDIS_URL`` is set).
"""

from __future__ import annotations

import logging
import math
import smtplib
import socket
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

log = logging.getLogger(__name__)

SENT = "sent"
TEMPORARY = "temporary"
PERMANENT = "permanent"


@dataclass(frozen=True)
class Outcome:
    """What became of one message: SENT, TEMPORARY (retry later) or PERMANENT."""

    kind: str
    reason: str = ""


def _reason(code: int | None, text: bytes | str | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join((text or "").split())
    # A server's reply can quote the address; keep the code and a short text.
    if "@" in text:
        text = "(reply mentions the address; not kept)"
    return f"{code} {text}"[:200] if code else text[:200]


def classify(exc: Exception) -> Outcome:
    """Sort an SMTP error: 4xx and dropped connections are temporary, 5xx permanent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (None, b""))
        kind = PERMANENT if code and code >= 500 else TEMPORARY
        return Outcome(kind, _reason(code, text))
    if isinstance(exc, smtplib.SMTPResponseException):
        kind = PERMANENT if exc.smtp_code >= 500 else TEMPORARY
        return Outcome(kind, _reason(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | socket.timeout | OSError):
        return Outcome(TEMPORARY, f"connection: {type(exc).__name__}")
    return Outcome(TEMPORARY, f"error: {type(exc).__name__}")


class MailSession:
    """One mail connection, reused for every message of a chunk.

    ``send(message)`` returns an ``Outcome`` and never raises for a mail
    error; after a dropped connection it reconnects once for the next message.
    """

    def __init__(self):
        self.connection = get_connection(fail_silently=False)
        self.is_smtp = isinstance(self.connection, SMTPBackend)
        self._open = False

    def __enter__(self) -> MailSession:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _ensure_open(self) -> None:
        if not self._open:
            self.connection.open()
            self._open = True

    def close(self) -> None:
        if self._open:
            try:
                self.connection.close()
            except Exception:  # noqa: BLE001 - closing a dead connection
                pass
            self._open = False

    def send(self, message) -> Outcome:
        """Send one EmailMessage; see the class docstring."""
        try:
            self._ensure_open()
            if not self.is_smtp:
                self.connection.send_messages([message])
                return Outcome(SENT)
            encoding = message.encoding or settings.DEFAULT_CHARSET
            sender = sanitize_address(message.from_email, encoding)
            recipients = [sanitize_address(addr, encoding) for addr in message.recipients()]
            payload = message.message().as_bytes(linesep="\r\n")
            self.connection.connection.sendmail(sender, recipients, payload)
            return Outcome(SENT)
        except Exception as exc:  # noqa: BLE001 - every error becomes an outcome
            outcome = classify(exc)
            if self.is_smtp and self._open:
                self._recover(exc)
            return outcome

    def _recover(self, exc: Exception) -> None:
        """After an error, leave the connection usable for the next message."""
        smtp = getattr(self.connection, "connection", None)
        if isinstance(exc, smtplib.SMTPResponseException) and smtp is not None:
            try:
                smtp.rset()  # a refused message leaves the transaction open
                return
            except Exception:  # noqa: BLE001 - fall through to reconnecting
                pass
        self._open = False
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001
            pass
        self.connection.connection = None


class SendRateLimiter:
    """A global send rate (messages per second) shared by every worker.

    A counter per time window in the shared cache: each message takes one
    slot; when the window is full the sender sleeps until the next one. With
    ``rate`` 0 there is no limit. If the cache is unreachable (Redis
    restarting) each process paces itself at the full rate for a while rather
    than stopping, so an outage slows nothing down by more than that.
    """

    def __init__(self, rate: float | None = None):
        self.rate = float(settings.ALERT_SEND_RATE if rate is None else rate)
        self.window = max(1, math.ceil(1 / self.rate)) if self.rate > 0 else 1
        self.capacity = max(1, int(self.rate * self.window)) if self.rate > 0 else 0

    def acquire(self) -> None:
        """Wait until one more message may be sent."""
        if self.rate <= 0:
            return
        while True:
            now = time.time()
            slot = int(now // self.window)
            key = f"advocacy:send-rate:{slot}"
            try:
                cache.add(key, 0, timeout=self.window * 3)
                used = cache.incr(key)
            except Exception:  # noqa: BLE001 - cache down: pace locally
                time.sleep(1 / self.rate)
                return
            if used <= self.capacity:
                return
            time.sleep(max((slot + 1) * self.window - now, 0.01))
