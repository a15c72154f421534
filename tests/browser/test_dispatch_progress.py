"""The admin's progress view for a dispatch follows a real send, in Chromium, without a reload.

A Moderator (here the admin) sends the seeded alert to eight subscribers from
the alert's Send page and lands on the dispatch's progress view. The site's
own Celery worker sends in chunks of four, one chunk after another (one
sender loop), to the SMTP recorder in this process, which refuses two mailboxes (550 at RCPT)
and holds each accepted message at DATA until the test lets it through. So
the test knows what every moment should show:

1. nothing let through yet: sent 0, failed 0, pending 8, no failures listed;
2. the first chunk let through: its sent and refused messages counted, the
   second chunk pending, each refusal listed with its reason;
3. everything let through: 6 sent, 2 failed, 0 pending, "finished", both
   refusals listed with the server's reason;

all in the one document first loaded (a marker set on `window` survives), as
the view updates itself from its JSON endpoint under the admin's CSP.
"""

from __future__ import annotations

import asyncio
import re
import threading

import pytest
from playwright.sync_api import expect

from tests.browser.admin import create_account, page_id, sign_in_to_admin
from tests.browser.editorial import Subscriber
from tests.support.browser import open_context
from tests.support.waiting import wait_for

pytestmark = pytest.mark.browser

CHUNK_SIZE = 4
# Small chunks, one sender loop: the counts move chunk by chunk, in order.
SITE_SETTINGS = {"ALERT_CHUNK_SIZE": str(CHUNK_SIZE), "ALERT_SENDERS": "1"}
ACCEPTED = [f"reader-{number}@example.org" for number in range(6)]
REFUSED = ["gone-1@example.org", "gone-2@example.org"]
REFUSAL = "550 5.1.1 mailbox unavailable"
ALERT_PATH = "/alerts/test-alert/"  # seeded, approved, every area (tests.browser.seed_site)
# Well under the site's 30-second SMTP timeout: a held message must not time out.
STEP_TIMEOUT = 20_000


class MessageGate:
    """Holds each accepted message at DATA until the test lets it through.

    Messages are numbered in the order the worker offers them (at RCPT; the
    site's one sender loop sends its chunks one after another over one
    connection). `let_through(n)` lets the first n messages finish; refused
    ones (550 at RCPT) never reach DATA and are never held. What became of
    each message is kept by number.
    """

    def __init__(self, handler):
        self.allowed = 0
        self.offered = 0
        self.refused: set[int] = set()
        self.accepted: set[int] = set()
        self.waiting = threading.Event()
        self._rcpt, self._data = handler.handle_RCPT, handler.handle_DATA
        # aiosmtpd looks the hooks up on the handler object: these replace
        # the recorder's own for this module's site (it records all the same).
        handler.handle_RCPT = self.handle_RCPT
        handler.handle_DATA = self.handle_DATA

    def let_through(self, messages: int) -> None:
        self.allowed = messages

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        number = session.faro_message = self.offered
        self.offered += 1
        reply = await self._rcpt(server, session, envelope, address, options)
        if reply.startswith("5"):
            self.refused.add(number)
        return reply

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        number = session.faro_message
        self.waiting.set()
        while number >= self.allowed:
            await asyncio.sleep(0.05)
        reply = await self._data(server, session, envelope)
        self.accepted.add(number)
        return reply


@pytest.fixture(scope="module")
def gate(editorial_site):
    handler = editorial_site.smtp.handler
    handler.reset()
    handler.refuse = set(REFUSED)
    return MessageGate(handler)


@pytest.fixture
def moderator_page(browser, editorial_site):
    recorded = open_context(browser, editorial_site)
    page = recorded.new_page()
    account = create_account(editorial_site, "progress-admin", superuser=True)
    sign_in_to_admin(page, account, "/admin/")
    yield page
    foreign = recorded.foreign_requests()
    recorded.context.close()
    assert foreign == [], f"requests left 127.0.0.1: {foreign}"
    assert recorded.csp_violations == [], recorded.csp_violations


def shows(page, **numbers: int | str) -> None:
    """The progress box says these numbers (waits for the view to catch up)."""
    box = page.locator(".faro-dispatch-progress")
    for field, value in numbers.items():
        expect(box.locator(f'[data-field="{field}"]')).to_have_text(
            str(value), timeout=STEP_TIMEOUT
        )


def failure_reasons(page) -> list[str]:
    rows = page.locator("[data-failures-for] tr")
    return [rows.nth(i).locator("td").nth(3).inner_text() for i in range(rows.count())]


def test_progress_view_counts_a_real_send_as_it_happens(editorial_site, gate, moderator_page):
    editorial_site.import_subscribers(
        [Subscriber(address, "en", "") for address in ACCEPTED + REFUSED]
    )
    total = len(ACCEPTED) + len(REFUSED)
    page = moderator_page
    page.goto(f"/admin/alerts/{page_id(editorial_site, ALERT_PATH)}/send/")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Send to {total} subscribers").click()
    assert re.fullmatch(r"/admin/dispatches/\d+/", page.url.removeprefix(editorial_site.url))
    page.evaluate("window.__sameDocument = true")

    # 1. The first chunk's first message is held: nothing is counted yet.
    assert gate.waiting.wait(STEP_TIMEOUT / 1000), "the worker sent nothing"
    shows(page, total=total, sent=0, failed=0, pending=total)
    expect(page.locator("[data-failures-for]")).to_contain_text("No failures.")

    # 2. The first chunk goes through: exactly its outcomes are counted.
    gate.let_through(CHUNK_SIZE)
    wait_for(lambda: gate.offered > CHUNK_SIZE, STEP_TIMEOUT / 1000, "the second chunk")
    first_chunk = set(range(CHUNK_SIZE))
    sent, failed = len(gate.accepted & first_chunk), len(gate.refused & first_chunk)
    assert sent + failed == CHUNK_SIZE
    shows(page, sent=sent, failed=failed, pending=total - CHUNK_SIZE)
    expect(page.locator("[data-failures-for] tr")).to_have_count(max(failed, 1))
    if failed:
        assert failure_reasons(page) == [REFUSAL] * failed

    # 3. The rest goes through: six sent, the two refusals failed with their reason.
    gate.let_through(total)
    shows(page, status_label="finished", sent=len(ACCEPTED), failed=len(REFUSED), pending=0)
    expect(page.locator("[data-failures-for] tr")).to_have_count(len(REFUSED))
    assert failure_reasons(page) == [REFUSAL] * len(REFUSED)
    assert page.evaluate("window.__sameDocument === true"), "the progress view reloaded"
    assert sorted(editorial_site.smtp.handler.recipients()) == sorted(ACCEPTED)
