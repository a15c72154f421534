"""No email address, IP address or token in any log line of a whole
subscribe -> confirm -> alert send -> one-click unsubscribe run (the web side
in this process, the sending in a real Celery worker process), and no header
injection through an alert title.

One worker and one aiosmtpd server serve the module (starting them is the
slow part).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command

from advocacy.models import Dispatch, Subscriber
from tests.factories.advocacy import ensure_areas, publish_alert
from tests.support.dispatches import wait_finished
from tests.support.processes import WorkerProcess, purge_queues
from tests.support.smtp import SMTPServer
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ADDRESS = "Maria.Lopez+alerts@Example.org"
CLIENT_V4 = "203.0.113.77"
CLIENT_V6 = "2001:db8::77"
TOKEN_IN_URL = re.compile(r"/(?:subscribe/confirm|preferences|unsubscribe)/([^/\s\"'<>]+)/")
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
    r"|(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{0,4}::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{0,4})(?![\w:])",
    re.I,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture(scope="module")
def smtp_server():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, smtp_server):
    with django_db_blocker.unblock():
        purge_queues()
        process = WorkerProcess(
            loglevel="DEBUG", EMAIL_URL=smtp_server.url, ALERT_SEND_RATE="0"
        ).start()
    yield process
    process.stop()


@pytest.fixture
def smtp(smtp_server, worker, settings):
    smtp_server.handler.reset()
    cache.clear()
    # The web side (sign-up mails) sends to the same server as the worker.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server.handler


@pytest.fixture
def every_log_record(caplog):
    """Every record of every logger at DEBUG, including loggers that do not
    propagate (django.request, django.server); not the test's own SMTP server."""
    caplog.set_level(logging.DEBUG)
    touched = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if not isinstance(logger, logging.Logger) or name.startswith("mail.log"):
            continue
        touched.append((logger, logger.level, logger.propagate, list(logger.handlers)))
        logger.setLevel(logging.DEBUG)
        if not logger.propagate:
            logger.addHandler(caplog.handler)
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    yield caplog
    for logger, level, _propagate, handlers in touched:
        logger.setLevel(level)
        logger.handlers = handlers


def tokens_in(text: str) -> set[str]:
    return set(TOKEN_IN_URL.findall(text))


def bodies(message) -> str:
    return "\n".join(
        part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
    )


def test_no_address_ip_or_token_in_any_log_line(client, smtp, worker, every_log_record):
    ensure_areas()
    issued: set[str] = set()

    # Sign up (IPv4 client), confirm (IPv6 client).
    response = client.post(
        "/en/subscribe/", {"email": ADDRESS, "language": "en"}, REMOTE_ADDR=CLIENT_V4
    )
    assert response.status_code == 200
    wait_for(lambda: len(smtp.received) == 1, 30, message="confirmation mail")
    confirmation = bodies(smtp.received[0].message)
    issued |= tokens_in(confirmation) | tokens_in(smtp.received[0].message["List-Unsubscribe"])
    confirm_path = urlsplit(
        re.search(r"https?://\S+/subscribe/confirm/\S+?/", confirmation).group(0)
    ).path
    confirmed = client.post(confirm_path, REMOTE_ADDR=CLIENT_V6)
    assert confirmed.status_code == 200
    issued |= tokens_in(confirmed.content.decode())
    assert Subscriber.objects.active().count() == 1

    # A Moderator's send, through the real dispatch path and worker.
    alert = publish_alert("Checkpoint reported on 5th Avenue")
    call_command("send_alert", str(alert.pk))
    wait_finished(Dispatch.objects.get(alert=alert))
    wait_for(lambda: len(smtp.received) == 2, 30, message="alert mail")
    sent_alert = smtp.received[1].message
    issued |= tokens_in(bodies(sent_alert)) | tokens_in(sent_alert["List-Unsubscribe"])

    # One-click unsubscribe (RFC 8058) from the List-Unsubscribe header.
    unsubscribe_path = urlsplit(sent_alert["List-Unsubscribe"].strip("<> ")).path
    left = client.post(unsubscribe_path, {"List-Unsubscribe": "One-Click"}, REMOTE_ADDR=CLIENT_V6)
    assert left.status_code == 200
    assert not Subscriber.objects.exists()
    assert len(issued) >= 3, issued

    # The worker's banner (before "ready.") prints its own configuration,
    # such as the broker's URL; every line after it is scanned.
    worker_output = worker.output().split("ready.", 1)[-1]
    in_process = "\n".join(
        f"{record.name} {record.levelname} {record.getMessage()}"
        for record in every_log_record.records
    )
    lines = [line for line in (in_process + "\n" + worker_output).splitlines() if line.strip()]
    assert any("advocacy" in line or "celery" in line for line in lines), "logs were captured"
    assert any("Task" in line and "succeeded" in line for line in worker_output.splitlines())
    problems = []
    for line in lines:
        lowered = line.lower()
        if EMAIL.search(line) or ADDRESS.lower() in lowered or "maria.lopez" in lowered:
            problems.append(("email address", line))
        ipv6 = [found for found in IPV6.findall(line) if re.search(r"[0-9a-f]", found, re.I)]
        if IPV4.search(line) or ipv6 or CLIENT_V6 in line:
            problems.append(("IP address", line))
        for token in issued:
            if token in line or token[:16] in line:
                problems.append(("token", line))
    assert problems == [], problems[:10]


def test_line_breaks_in_an_alert_title_never_reach_a_header(smtp):
    reader = Subscriber(email="reader@example.org", status=Subscriber.Status.ACTIVE, language="en")
    reader.save()
    alert = publish_alert("Raid reported\r\nBcc: injected@example.net\r\nX-Evil: 1")

    call_command("send_alert", str(alert.pk))
    dispatch = wait_finished(Dispatch.objects.get(alert=alert))

    recipients = smtp.recipients()
    assert recipients == ["reader@example.org"], "nobody but the subscriber gets it"
    assert dispatch.sent_count == 1
    message = smtp.received[0].message
    assert message["Bcc"] is None and message["X-Evil"] is None
    subject = message["Subject"]
    assert "\n" not in subject and "\r" not in subject
    assert "Raid reported" in subject
