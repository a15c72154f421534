"""The admin's progress view counts a real send per channel, in Chromium,
without a reload: two subscribers by email, two by text message (imported
with a consent date, so their numbers are confirmed), the seeded alert sent
from its Send page, and the view's email and text lines filled from its JSON
as the site's own worker sends (texts to the site's file gateway), matching
what the mail server and the gateway received."""

from __future__ import annotations

import csv
import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.admin import create_account, page_id, sign_in_to_admin
from tests.support.browser import open_context

pytestmark = pytest.mark.browser

SITE_SETTINGS = {"ALERT_CHUNK_SIZE": "2", "ALERT_SENDERS": "1", "SMS_SEND_RATE": "20"}
ALERT_PATH = "/alerts/test-alert/"  # seeded, approved, every area (tests.browser.seed_site)
EMAILS = ["sms-progress-1@example.org", "sms-progress-2@example.org"]
# Fictional numbers (555-01xx is reserved for fiction in North America).
NUMBERS = ["+12025550191", "+12025550192"]
STEP_TIMEOUT = 30_000


def import_people(site) -> None:
    path = site.var_dir / "sms-subscribers.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "phone", "language", "areas", "topics", "consent_date"])
        for address in EMAILS:
            writer.writerow([address, "", "en", "", "", "2026-01-15"])
        for number in NUMBERS:
            writer.writerow(["", number, "es", "", "", "2026-01-15"])
    site.manage("import_subscribers", str(path))


@pytest.fixture
def moderator_page(browser, editorial_site):
    recorded = open_context(browser, editorial_site)
    page = recorded.new_page()
    account = create_account(editorial_site, "sms-progress-admin", superuser=True)
    sign_in_to_admin(page, account, "/admin/")
    yield page
    recorded.context.close()
    assert recorded.csp_violations == [], recorded.csp_violations


def test_progress_view_counts_email_and_texts(editorial_site, moderator_page):
    editorial_site.smtp.handler.reset()
    import_people(editorial_site)
    page = moderator_page
    page.goto(f"/admin/alerts/{page_id(editorial_site, ALERT_PATH)}/send/")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Send to \d+ subscribers")).click()
    assert re.fullmatch(r"/admin/dispatches/\d+/", page.url.removeprefix(editorial_site.url))
    page.evaluate("window.__sameDocument = true")

    box = page.locator(".faro-dispatch-progress")
    expect(box.locator('[data-field="status_label"]')).to_have_text(
        "finished", timeout=STEP_TIMEOUT
    )
    assert page.evaluate("window.__sameDocument === true"), "the progress view reloaded"

    texts = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in (editorial_site.var_dir / "sms-outbox").glob("*.json")
    ]
    mailed = editorial_site.smtp.handler.recipients()
    assert set(NUMBERS) <= {item["to"] for item in texts}
    assert set(EMAILS) <= set(mailed)
    # The view's lines say what the gateway and the mail server really got
    # (the seeded site may have subscribers of its own).
    shown = {
        field: box.locator(f'[data-field="{field}"]').inner_text()
        for field in ("email_sent", "email_pending", "sms_sent", "sms_pending", "sms_failed")
    }
    assert shown == {
        "email_sent": str(len(mailed)),
        "email_pending": "0",
        "sms_sent": str(len(texts)),
        "sms_pending": "0",
        "sms_failed": "0",
    }
