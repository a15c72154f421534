"""DKIM signing of outgoing mail for groups that send through their own server.

With DKIM_PRIVATE_KEY, DKIM_SELECTOR and DKIM_DOMAIN set (see
``cms.settings.parsing.dkim_config``) EMAIL_BACKEND is one of the
backends below: each signs the exact bytes it hands over, so a receiver's
check covers what was sent. ``advocacy.sending.MailSession``, which speaks
SMTP itself for speed, signs through the connection's
``sign_message_bytes`` too. The key is never logged or shown.
"""

from __future__ import annotations

import base64
import smtplib

import dkim
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SMTPEmailBackend
from django.core.mail.message import sanitize_address

from cms.mail import OutboxEmailBackend

# The headers a forwarder must not change without breaking the signature:
# who, what, when, which message, and the list headers mail providers act on.
SIGNED_HEADERS = (
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"List-Id",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
    b"MIME-Version",
    b"Content-Type",
)


def sign_message_bytes(payload: bytes) -> bytes:
    """``payload`` (a whole RFC 5322 message, CRLF line ends) with a
    DKIM-Signature header in front, signed with the configured key.

    Relaxed canonicalisation for headers and body, so a relay that refolds
    a header or trims trailing spaces does not break the signature.
    """
    signature = dkim.sign(
        payload,
        settings.DKIM_SELECTOR.encode("ascii"),
        settings.DKIM_DOMAIN.encode("ascii"),
        settings.DKIM_PRIVATE_KEY_PEM,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=list(SIGNED_HEADERS),
    )
    return signature + payload


class DkimSMTPEmailBackend(SMTPEmailBackend):
    """Django's SMTP backend, signing each message's bytes before sending them."""

    def sign_message_bytes(self, payload: bytes) -> bytes:
        """See ``cms.dkim.sign_message_bytes``."""
        return sign_message_bytes(payload)

    def _send(self, email_message) -> bool:
        # Django's own _send, with the signature added to the bytes it sends.
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(addr, encoding) for addr in email_message.recipients()]
        payload = self.sign_message_bytes(email_message.message().as_bytes(linesep="\r\n"))
        try:
            self.connection.sendmail(from_email, recipients, payload)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


class DkimOutboxEmailBackend(OutboxEmailBackend):
    """The development outbox, writing each message signed as SMTP would send it."""

    def sign_message_bytes(self, payload: bytes) -> bytes:
        """See ``cms.dkim.sign_message_bytes``."""
        return sign_message_bytes(payload)

    def message_bytes(self, message) -> bytes:
        return self.sign_message_bytes(super().message_bytes(message))


def dns_record() -> tuple[str, str]:
    """The DNS TXT record receivers look up to check the signatures:
    ``(name, value)``, such as ``("faro._domainkey.example.org",
    "v=DKIM1; k=rsa; p=MIIB…")``, from the configured key's public half."""
    key = serialization.load_pem_private_key(settings.DKIM_PRIVATE_KEY_PEM, password=None)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    name = f"{settings.DKIM_SELECTOR}._domainkey.{settings.DKIM_DOMAIN}"
    return name, f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode('ascii')}"
