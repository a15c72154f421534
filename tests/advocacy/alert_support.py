"""Shared helpers for the alert and dispatch tests: a real SMTP server
(aiosmtpd on 127.0.0.1) that records messages and can refuse some, a page
tree with an alert index, subscribers, and waiting for a dispatch."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from wagtail.models import (
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from advocacy import approval
from advocacy.models import (
    AlertApprovalTask,
    AlertIndexPage,
    AlertPage,
    Area,
    Dispatch,
    Subscriber,
    Topic,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


class SMTPServer:
    """aiosmtpd on 127.0.0.1 with a ``RecordingHandler``."""

    def __init__(self):
        import logging

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.handler = RecordingHandler()
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


def ensure_site_tree() -> AlertIndexPage:
    """Locales, a root, an English home page and its alert index (tests that
    run with a flushed database have none of the migrations' data)."""
    from cms.models import HomePage

    for code in ("en", "es", "ar", "zh-hans"):
        Locale.objects.get_or_create(language_code=code)
    index = AlertIndexPage.objects.filter(locale__language_code="en").first()
    if index is not None:
        return index
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = HomePage.objects.filter(locale__language_code="en").first()
    if home is None:
        home = root.add_child(instance=HomePage(title="Faro", slug="home"))
    return home.add_child(instance=AlertIndexPage(title="Alerts", slug="alerts"))


def ensure_areas() -> dict[str, Area]:
    brooklyn, _ = Area.objects.get_or_create(slug="brooklyn", defaults={"name": "Brooklyn"})
    sunset, _ = Area.objects.get_or_create(
        slug="sunset-park", defaults={"name": "Sunset Park", "parent": brooklyn}
    )
    queens, _ = Area.objects.get_or_create(slug="queens", defaults={"name": "Queens"})
    Topic.objects.get_or_create(slug="ice-activity", defaults={"name": "ICE activity"})
    return {"brooklyn": brooklyn, "sunset-park": sunset, "queens": queens}


def make_subscribers(
    count: int, prefix: str, languages=("en", "es", "ar"), status="active", **extra
) -> list:
    """``count`` subscribers ``{prefix}{i}@example.org`` cycling through languages."""
    people = []
    for number in range(count):
        subscriber = Subscriber(
            status=status,
            language=languages[number % len(languages)],
            confirmed_at=timezone.now(),
            **extra,
        )
        subscriber.email = f"{prefix}{number}@example.org"
        people.append(subscriber)
    Subscriber.objects.bulk_create(people)
    return list(Subscriber.objects.filter(email_hash__in=[p.email_hash for p in people]))


def alert_approval_workflow() -> Workflow:
    """The "Alert approval" workflow (made by migration 0003), on every alert
    index page (tests that flush the database have to make it again)."""
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    flow, _ = Workflow.objects.get_or_create(name="Alert approval", defaults={"active": True})
    if not WorkflowTask.objects.filter(workflow=flow).exists():
        task = AlertApprovalTask.objects.create(name="Alert approval")
        task.groups.add(moderators)
        WorkflowTask.objects.create(workflow=flow, task=task, sort_order=0)
    for index in AlertIndexPage.objects.all():
        WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": flow})
        # Whoever finishes the approval publishes the page (as know_your_rights'
        # roles migration grants; flushed databases have lost it).
        for permission in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.get_or_create(
                group=moderators,
                page=index,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=permission
                ),
            )
    return flow


def moderator(name: str) -> User:
    """A member of Moderators (made once per name). No email address: the
    "an alert waits for you" notes must not land among the messages tests count."""
    user, created = User.objects.get_or_create(username=name, defaults={"email": ""})
    if created:
        user.set_password("x" * 12)
        user.save()
    user.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    return user


def approve(page: AlertPage, author: User | None = None, approvers=None) -> AlertPage:
    """Submit ``page``'s latest revision to Alert approval and have it approved
    as the rule asks (one Moderator for a standard alert, two for an urgent
    one; ``approvers`` to choose who), through the workflow task, which
    publishes it. Returns the page as now stored."""
    alert_approval_workflow()
    page = AlertPage.objects.get(pk=page.pk)
    page.get_workflow().start(page, author)
    needed = approval.approvals_needed(page, page.get_latest_revision())
    for person in approvers or [moderator(f"moderator-{n}") for n in range(1, needed + 1)]:
        page = AlertPage.objects.get(pk=page.pk)
        state = page.current_workflow_task_state.specific
        state.task.specific.on_action(state, person, "approve")
    return AlertPage.objects.get(pk=page.pk)


def publish_alert(title: str, *, urgency="standard", areas=(), translations=(), **fields):
    """An approved, published alert under the English alert index, with
    approved translations (language codes) whose titles are prefixed with the
    language code. Approved by real Moderators through the workflow."""
    index = ensure_site_tree()
    fields.setdefault("every_area", not areas)  # no area: an explicit "every area"
    alert = AlertPage(title=title, summary=f"Summary of {title}.", urgency=urgency, **fields)
    index.add_child(instance=alert)
    alert.areas.set(areas)
    alert.save_revision()
    alert = approve(alert)
    for code in translations:
        locale = Locale.objects.get(language_code=code)
        translated = alert.copy_for_translation(locale, copy_parents=True)
        translated.title = f"[{code}] {title}"
        translated.summary = f"[{code}] Summary."
        translated.save_revision()
        approve(translated)
    return alert


def wait_for(predicate, timeout: float = 60, interval: float = 0.2, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out waiting: {message}")


def wait_finished(dispatch: Dispatch, timeout: float = 60, sweep: bool = False) -> Dispatch:
    """Wait until the dispatch finished; with ``sweep`` run the beat sweeper meanwhile."""
    from advocacy.dispatch import requeue_expired

    deadline = time.monotonic() + timeout
    last_sweep = 0.0
    while time.monotonic() < deadline:
        dispatch.refresh_from_db()
        if dispatch.status in (Dispatch.Status.FINISHED, Dispatch.Status.CANCELLED):
            return dispatch
        if sweep and time.monotonic() - last_sweep > 1:
            requeue_expired()
            last_sweep = time.monotonic()
        time.sleep(0.2)
    raise AssertionError(
        f"dispatch {dispatch.pk} not finished: {dispatch.status} "
        f"sent={dispatch.sent_count} failed={dispatch.failed_count} total={dispatch.total}"
    )


def alert_page(pk: int) -> AlertPage:
    return AlertPage.objects.get(pk=pk)
