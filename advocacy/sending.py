"""Hand messages to the mail server over one connection, and say what happened.

``MailSession`` wraps one Django mail connection for a chunk of deliveries.
On the SMTP backend it talks to ``smtplib`` directly so that each message
gets its own outcome (Django's backend stops at the first error and does not
say which messages went out). Other backends (the development outbox, the
in-memory backend of tests, the email services' anymail backends) send
through ``send_messages``. A backend with ``sign_message_bytes`` (DKIM,
``cms.dkim``) has every message signed, also the ready-made bytes.

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

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
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
    """What became of one message: SENT, TEMPORARY (retry later) or PERMANENT.

    ``message_id``: the email service's id for a sent message (anymail's
    ``anymail_status.message_id``), which its delivery reports quote; "" with SMTP.
    """

    kind: str
    reason: str = ""
    message_id: str = ""


def _reason(code: int | None, text: bytes | str | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join((text or "").split())
    # A server's reply can quote the address; keep the code and a short text.
    if "@" in text:
        text = "(reply mentions the address; not kept)"
    return f"{code} {text}"[:200] if code else text[:200]


def classify(exc: Exception) -> Outcome:
    """Sort an SMTP error: 4xx and dropped connections are temporary, 5xx permanent.

    An email service that refuses the recipient (anymail's
    AnymailRecipientsRefused: invalid, or on its own bounce list) is
    permanent; any other service error (a bad key, an outage) is temporary,
    so it is retried and never suppresses the address.
    """
    if isinstance(exc, AnymailRecipientsRefused):
        return Outcome(PERMANENT, "refused by the email service")
    if isinstance(exc, AnymailAPIError):
        return Outcome(TEMPORARY, f"email service: {exc.status_code or type(exc).__name__}")
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
        self._sign = getattr(self.connection, "sign_message_bytes", None)
        self._open = False
        self._pipelining: bool | None = None

    def __enter__(self) -> MailSession:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _ensure_open(self) -> None:
        if not self._open:
            self.connection.open()
            self._open = True
            self._pipelining = None

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
                return Outcome(SENT, message_id=provider_message_id(message))
            encoding = message.encoding or settings.DEFAULT_CHARSET
            sender = sanitize_address(message.from_email, encoding)
            recipients = [sanitize_address(addr, encoding) for addr in message.recipients()]
            payload = self.signed(message.message().as_bytes(linesep="\r\n"))
            self.connection.connection.sendmail(sender, recipients, payload)
            return Outcome(SENT)
        except Exception as exc:  # noqa: BLE001 - every error becomes an outcome
            outcome = classify(exc)
            if self.is_smtp and self._open:
                self._recover(exc)
            return outcome

    def signed(self, payload: bytes) -> bytes:
        """``payload`` DKIM-signed when the backend signs (``cms.dkim``), else as is."""
        return self._sign(payload) if self._sign else payload

    def send_raw(self, sender: str, recipient: str, payload: bytes) -> Outcome:
        """Send ready-made message bytes, already ``signed``, to one recipient
        (SMTP backend only)."""
        try:
            self._ensure_open()
            self.connection.connection.sendmail(sender, [recipient], payload)
            return Outcome(SENT)
        except Exception as exc:  # noqa: BLE001 - every error becomes an outcome
            outcome = classify(exc)
            if self._open:
                self._recover(exc)
            return outcome

    def send_many(self, sender: str, items, before_each=None) -> list[Outcome]:
        """Send ``items`` (``(recipient, payload)`` pairs) from ``sender``;
        one Outcome per item, in order. SMTP backend only.

        With PIPELINING each message's content goes out in the same write as
        the next message's envelope (RFC 2920 allows content first in a
        group), so a message costs one round trip. ``before_each`` (the rate
        limiter) is called before each message. If the connection drops, the
        messages whose fate is unknown count as temporary failures: they are
        retried later with the same Message-ID.
        """
        items = [(recipient, self.signed(payload)) for recipient, payload in items]
        try:
            self._ensure_open()
            smtp = self.connection.connection
            if self._pipelining is None:
                smtp.ehlo_or_helo_if_needed()
                self._pipelining = smtp.has_extn("pipelining")
        except Exception as exc:  # noqa: BLE001 - the server is unreachable
            self._open = False
            return [classify(exc)] * len(items)
        if not self._pipelining:
            outcomes = []
            for recipient, payload in items:
                if before_each:
                    before_each()
                outcomes.append(self.send_raw(sender, recipient, payload))
            return outcomes
        return self._send_pipelined(smtp, sender, items, before_each)

    def _send_pipelined(self, smtp, sender, items, before_each) -> list[Outcome]:
        outcomes: list[Outcome] = []

        def envelope(recipient: str) -> bytes:
            return (
                f"MAIL FROM:{smtplib.quoteaddr(sender)}\r\n"
                f"RCPT TO:{smtplib.quoteaddr(recipient)}\r\n"
                "DATA\r\n"
            ).encode("ascii")

        def read_envelope():
            return [smtp.getreply() for _ in range(3)]

        try:
            if before_each:
                before_each()
            smtp.send(envelope(items[0][0]))
            replies = read_envelope()
            for index, (recipient, payload) in enumerate(items):
                has_next = index + 1 < len(items)
                (mail_code, mail_reply), (rcpt_code, rcpt_reply), (data_code, data_reply) = replies
                if data_code == 354 and (mail_code != 250 or rcpt_code not in (250, 251)):
                    raise smtplib.SMTPServerDisconnected("inconsistent pipelined replies")
                if data_code != 354:
                    if mail_code != 250:
                        outcomes.append(
                            classify(smtplib.SMTPSenderRefused(mail_code, mail_reply, sender))
                        )
                    elif rcpt_code not in (250, 251):
                        outcomes.append(
                            classify(
                                smtplib.SMTPRecipientsRefused({recipient: (rcpt_code, rcpt_reply)})
                            )
                        )
                    else:
                        outcomes.append(classify(smtplib.SMTPDataError(data_code, data_reply)))
                    if not has_next:
                        smtp.rset()
                        break
                    if before_each:
                        before_each()
                    smtp.send(b"RSET\r\n" + envelope(items[index + 1][0]))
                    smtp.getreply()
                    replies = read_envelope()
                    continue
                content = smtplib._quote_periods(payload)
                if not content.endswith(b"\r\n"):
                    content += b"\r\n"
                content += b".\r\n"
                if has_next:
                    if before_each:
                        before_each()
                    content += envelope(items[index + 1][0])
                smtp.send(content)
                code, reply = smtp.getreply()
                if code == 250:
                    outcomes.append(Outcome(SENT))
                else:
                    outcomes.append(classify(smtplib.SMTPDataError(code, reply)))
                if has_next:
                    replies = read_envelope()
        except Exception as exc:  # noqa: BLE001 - unknown fate: retry later
            outcome = classify(exc)
            self._recover(smtplib.SMTPServerDisconnected(str(exc)))
            outcomes.extend([outcome] * (len(items) - len(outcomes)))
        return outcomes

    def _recover(self, exc: Exception) -> None:
        """After an error, leave the connection usable for the next message."""
        smtp = getattr(self.connection, "connection", None)
        refused = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)
        if isinstance(exc, refused) and smtp is not None:
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


# The anymail metadata key naming the Delivery a message is for.
TRACKING_METADATA_KEY = "faro_delivery"


def tracking_metadata(delivery_id: int) -> dict[str, str]:
    """The anymail ``metadata`` of the message for delivery ``delivery_id``:
    email services quote it back in their delivery reports
    (``advocacy.email_events``). Other backends ignore it."""
    return {TRACKING_METADATA_KEY: str(delivery_id)}


def provider_message_id(message) -> str:
    """The email service's id for a message an anymail backend sent ("" otherwise)."""
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    return message_id if isinstance(message_id, str) else ""


class SendRateLimiter:
    """A global send rate (messages per second) shared by every worker.

    A counter per time window in the shared cache: each message takes one
    slot; when the window is full the sender sleeps until the next one. With
    ``rate`` 0 there is no limit. If the cache is unreachable (Redis
    restarting) each process paces itself at the full rate for a while rather
    than stopping, so an outage slows nothing down by more than that.
    """

    def __init__(self, rate: float | None = None, key: str = "send-rate"):
        # ``rate`` defaults to ALERT_SEND_RATE (email); each ``key`` is its
        # own shared budget (the SMS gateway's is SMS_SEND_RATE, "sms-send-rate").
        self.rate = float(settings.ALERT_SEND_RATE if rate is None else rate)
        self.key = key
        self.window = max(1, math.ceil(1 / self.rate)) if self.rate > 0 else 1
        self.capacity = max(1, int(self.rate * self.window)) if self.rate > 0 else 0

    def acquire(self) -> None:
        """Wait until one more message may be sent."""
        if self.rate <= 0:
            return
        while True:
            now = time.time()
            slot = int(now // self.window)
            key = f"advocacy:{self.key}:{slot}"
            try:
                cache.add(key, 0, timeout=self.window * 3)
                used = cache.incr(key)
            except Exception:  # noqa: BLE001 - cache down: pace locally
                time.sleep(1 / self.rate)
                return
            if used <= self.capacity:
                return
            time.sleep(max((slot + 1) * self.window - now, 0.01))
