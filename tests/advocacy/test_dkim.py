"""DKIM: mail sent through Faro's own SMTP server (or written to the outbox)
is signed, and a receiver checking it with dkimpy against the DNS record
`manage.py dkim_record` prints finds it valid; a changed body does not."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import mail
from django.core.management import call_command

from advocacy.dispatching import ledger, preparing, sender
from cms.settings.environment import ConfigurationError
from cms.settings.parsing import dkim_config
from tests.factories.advocacy import make_subscriber, publish_alert
from tests.support.production import PRODUCTION_ENV
from tests.support.smtp import RecordingHandler, SMTPServer

ROOT = Path(__file__).resolve().parents[2]
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@dataclass
class RawHandler(RecordingHandler):
    """Records the exact bytes each recipient's message arrived as."""

    raw: dict[str, bytes] = field(default_factory=dict)

    async def handle_DATA(self, server, session, envelope):
        for recipient in envelope.rcpt_tos:
            self.raw[recipient.lower()] = envelope.original_content
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="module")
def smtp_server():
    server = SMTPServer(RawHandler()).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def key_file(tmp_path_factory) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("dkim") / "dkim.pem"
    # PKCS#8, as `openssl genrsa` writes today.
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.fixture
def signing(settings, key_file, smtp_server):
    """This process sends through the SMTP server, signing as selector
    ``faro`` of ``example.org``; returns the DNS the receiver consults."""
    config = dkim_config(str(key_file), "faro", "example.org", SMTP_BACKEND)
    for name, value in config.items():
        setattr(settings, name, value)
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.ALERT_SEND_RATE = 0
    smtp_server.handler.reset()
    smtp_server.handler.raw.clear()

    output = StringIO()
    call_command("dkim_record", stdout=output)
    name, _in, _txt, *parts = output.getvalue().split()
    record = "".join(part.strip('"') for part in parts).encode()
    looked_up = []

    def dns(qname, timeout=5):
        looked_up.append(qname)
        return record if qname == f"{name}".encode() else None

    return dns, looked_up


def test_an_alert_sent_over_smtp_is_signed_and_verifies(db, signing, smtp_server):
    dns, looked_up = signing
    make_subscriber("dkim-reader@example.org")
    dispatch = ledger.create_dispatch(publish_alert("Tenant meeting moved (DKIM)"))
    preparing.prepare(dispatch.pk, sliced=False)
    sender.run_sender(dispatch.pk, budget=10)

    raw = smtp_server.handler.raw["dkim-reader@example.org"]
    assert raw.startswith(b"DKIM-Signature:")
    assert dkim.verify(raw, dnsfunc=dns) is True
    assert looked_up == [b"faro._domainkey.example.org."]
    signature = dkim.DKIM(raw)
    signed = raw.split(b"\r\n\r\n", 1)[0].split(b" h=", 1)[1].lower()
    for header in (b"list-unsubscribe", b"list-id", b"message-id", b"from", b"subject"):
        assert header in signed, header
    assert signature is not None

    tampered = raw.replace(b"Tenant meeting moved", b"Tenant meeting moved!!", 1)
    assert tampered != raw
    assert dkim.verify(tampered, dnsfunc=dns) is False
    body_start = raw.index(b"\r\n\r\n") + 4
    changed_body = raw[:body_start] + raw[body_start:].replace(b"a", b"o", 1)
    assert dkim.verify(changed_body, dnsfunc=dns) is False


def test_other_mail_through_the_backend_is_signed_too(db, signing, smtp_server):
    dns, _looked_up = signing
    sent = mail.send_mail(
        "Confirm your subscription",
        "Follow the link to confirm.",
        None,
        ["dkim-signup@example.org"],
    )
    assert sent == 1
    raw = smtp_server.handler.raw["dkim-signup@example.org"]
    assert dkim.verify(raw, dnsfunc=dns) is True


def test_the_outbox_writes_signed_messages(settings, key_file, tmp_path):
    config = dkim_config(str(key_file), "faro", "example.org", "cms.mail.OutboxEmailBackend")
    for name, value in config.items():
        setattr(settings, name, value)
    settings.EMAIL_FILE_PATH = str(tmp_path)
    mail.send_mail("Outbox check", "Body text.", None, ["dkim-outbox@example.org"])
    [written] = list(tmp_path.glob("*.eml"))
    output = StringIO()
    call_command("dkim_record", stdout=output)
    record = "".join(part.strip('"') for part in output.getvalue().split()[3:]).encode()
    assert dkim.verify(written.read_bytes(), dnsfunc=lambda name, timeout=5: record) is True


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"key": True, "selector": "faro"}, "DKIM_DOMAIN"),
        ({"key": True, "domain": "example.org"}, "DKIM_SELECTOR"),
        ({"selector": "faro", "domain": "example.org"}, "DKIM_PRIVATE_KEY"),
    ],
)
def test_partial_dkim_settings_name_the_missing_variable(key_file, given, missing):
    with pytest.raises(ConfigurationError) as raised:
        dkim_config(
            str(key_file) if given.get("key") else "",
            given.get("selector", ""),
            given.get("domain", ""),
            SMTP_BACKEND,
        )
    assert str(raised.value).startswith(f"{missing} must be set")


def test_unusable_keys_and_services_are_refused_without_showing_the_key(key_file, tmp_path):
    not_a_key = tmp_path / "not-a-key.pem"
    not_a_key.write_text("-----BEGIN PRIVATE KEY-----\nc2VjcmV0IG5vdCBhIGtleQ==\n-----END")
    for path, expected in (
        (str(tmp_path / "missing.pem"), "DKIM_PRIVATE_KEY cannot be read"),
        (str(not_a_key), "DKIM_PRIVATE_KEY is not an unencrypted PEM RSA private key"),
    ):
        with pytest.raises(ConfigurationError) as raised:
            dkim_config(path, "faro", "example.org", SMTP_BACKEND)
        assert str(raised.value).startswith(expected)
        assert "c2VjcmV0" not in str(raised.value)
    with pytest.raises(ConfigurationError, match="^DKIM_PRIVATE_KEY is only for smtp"):
        dkim_config(str(key_file), "faro", "example.org", "anymail.backends.postmark.EmailBackend")
    with pytest.raises(ConfigurationError, match="^DKIM_DOMAIN is malformed"):
        dkim_config(str(key_file), "faro", "example .org", SMTP_BACKEND)


def test_partial_dkim_settings_stop_start_up_in_one_line(key_file):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        EMAIL_URL="smtp://127.0.0.1:2525",
        DKIM_PRIVATE_KEY=str(key_file),
        DKIM_SELECTOR="faro",
    )
    env.pop("DKIM_DOMAIN", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DKIM_DOMAIN" in lines[0]
    assert "PRIVATE KEY" not in result.stderr
