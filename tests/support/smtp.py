"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1 recording every
message it accepts, able to refuse some, answer "try again later", or hold
messages until released; and a real Celery worker that sends to it."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from tests.support.network import free_port
from tests.support.processes import WorkerProcess, purge_queues
from tests.support.waiting import wait_for

# How long a slowed mail server holds a message at most before taking it.
HOLD_SECONDS = 20


@dataclass
class Received:
    recipient: str
    message_id: str
    message: email.message.EmailMessage


@dataclass
class RecordingHandler:
    """An SMTP server's behaviour: records every accepted message.

    ``temp_fail_every``: answer 451 to every n-th message (DATA);
    ``refuse``: addresses answered 550 at RCPT.
    """

    temp_fail_every: int = 0
    offer_pipelining: bool = True
    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    temp_failures: int = 0
    _seen: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self._lock:
            self.temp_fail_every = 0
            self.offer_pipelining = True
            self.refuse = set()
            self.received = []
            self.temp_failures = 0
            self._seen = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # Offer PIPELINING as Postfix does, so the pipelined path is tested;
        # aiosmtpd reads pipelined commands one line at a time anyway.
        session.host_name = hostname
        if not self.offer_pipelining:
            return responses
        return [responses[0], "250-PIPELINING", *responses[1:]]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self._seen += 1
            if self.temp_fail_every and self._seen % self.temp_fail_every == 0:
                self.temp_failures += 1
                return "451 4.3.0 try again later"
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            for recipient in envelope.rcpt_tos:
                self.received.append(Received(recipient.lower(), parsed["Message-ID"], parsed))
        return "250 OK"

    def recipients(self) -> list[str]:
        with self._lock:
            return [item.recipient for item in self.received]

    def by_recipient(self) -> dict[str, list[Received]]:
        found: dict[str, list[Received]] = {}
        with self._lock:
            for item in self.received:
                found.setdefault(item.recipient, []).append(item)
        return found


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


class SMTPServer:
    """aiosmtpd on 127.0.0.1 with a ``RecordingHandler`` (or the one given)."""

    def __init__(self, handler: RecordingHandler | None = None):
        # aiosmtpd logs every connection at INFO; the test output needs none of it.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.handler = handler if handler is not None else RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def start_mail_server() -> SMTPServer:
    """aiosmtpd on 127.0.0.1 with a ``SlowableHandler``, started."""
    return SMTPServer(SlowableHandler()).start()


def start_mail_worker(server: SMTPServer) -> WorkerProcess:
    """A real Celery worker that sends its mail to ``server`` (queues purged first)."""
    purge_queues()
    worker = WorkerProcess(EMAIL_URL=server.url).start()
    server.handler.worker_log = worker.output
    return worker


def send_own_mail_to(settings, server: SMTPServer) -> None:
    """Make this process's mail go to ``server`` too, as a web process would send it
    (``settings`` is pytest-django's fixture)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port


def text_of(received: Received) -> str:
    """The plain-text part of a received message."""
    return received.message.get_body(preferencelist=("plain",)).get_content()


def mails_to(handler: SlowableHandler, address: str, count: int = 1) -> list[Received]:
    """The messages ``address`` received, once there are ``count`` (waits up to 60 s)."""
    try:
        wait_for(lambda: len(handler.by_recipient().get(address, [])) >= count, 60)
    except AssertionError:
        raise AssertionError(
            f"{count} mail(s) to {address} expected, got {handler.recipients()}; worker log:\n"
            + handler.worker_log()[-3000:]
        ) from None
    return handler.by_recipient()[address]
