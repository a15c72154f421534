"""Test helpers for subscribers (shared by the test_subscribers_* modules and the API tests)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from advocacy.models import Area, Subscriber, Topic
from tests.advocacy.alert_support import RecordingHandler, SMTPServer, wait_for
from tests.conftest import WorkerProcess, purge_queues


def make_subscriber(
    email: str,
    *,
    status: str = Subscriber.Status.ACTIVE,
    language: str = "en",
    areas: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
    wants_digest: bool = False,
) -> Subscriber:
    """A saved subscriber; areas/topics given as slugs."""
    subscriber = Subscriber(
        email=email,
        status=status,
        language=language,
        wants_digest=wants_digest,
        confirmed_at=timezone.now() if status == Subscriber.Status.ACTIVE else None,
    )
    subscriber.save()
    subscriber.areas.set(Area.objects.filter(slug__in=areas))
    subscriber.topics.set(Topic.objects.filter(slug__in=topics))
    return subscriber


# --- Mail sent by a real worker through a real SMTP server ---------------------

# How long a slowed mail server holds a message at most before taking it.
HOLD_SECONDS = 20


@dataclass
class SlowableHandler(RecordingHandler):
    """A mail server that, while ``slow`` is set, holds each message at DATA
    until ``release`` is set (or HOLD_SECONDS pass), then takes it."""

    slow: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    held: int = 0
    worker_log: Callable[[], str] = field(default=lambda: "")

    def reset(self) -> None:
        super().reset()
        self.slow = False
        self.release = threading.Event()
        self.held = 0

    async def handle_DATA(self, server, session, envelope):
        if self.slow:
            self.held += 1
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, HOLD_SECONDS)
        return await super().handle_DATA(server, session, envelope)


def start_mail_server() -> SMTPServer:
    """aiosmtpd on 127.0.0.1 with a ``SlowableHandler``, started."""
    server = SMTPServer()
    server.handler = server.controller.handler = SlowableHandler()
    return server.start()


def start_mail_worker(server: SMTPServer) -> WorkerProcess:
    """A real Celery worker that sends its mail to ``server`` (queues purged first)."""
    purge_queues()
    worker = WorkerProcess(EMAIL_URL=server.url).start()
    server.handler.worker_log = worker.output
    return worker


def send_own_mail_to(settings, server: SMTPServer) -> None:
    """Make this process's mail go to ``server`` too, as a web process would send it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port


def text_of(received) -> str:
    """The plain-text part of a received message."""
    return received.message.get_body(preferencelist=("plain",)).get_content()


def mails_to(handler: SlowableHandler, address: str, count: int = 1) -> list:
    """The messages ``address`` received, once there are ``count`` (waits up to 60 s)."""
    try:
        wait_for(lambda: len(handler.by_recipient().get(address, [])) >= count, 60)
    except AssertionError:
        raise AssertionError(
            f"{count} mail(s) to {address} expected, got {handler.recipients()}; worker log:\n"
            + handler.worker_log()[-3000:]
        ) from None
    return handler.by_recipient()[address]
