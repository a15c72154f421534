"""The alert editor measures its text message as it is typed, in Chromium,
under the admin's Content-Security-Policy: the default text's measure first,
then the typed text's encoding and segments as the server counts them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.admin import create_account, page_id, sign_in_to_admin

pytestmark = pytest.mark.browser

ALERT_PATH = "/alerts/test-alert/"  # seeded, approved (tests.browser.seed_site)
TIMEOUT = 15_000


def test_the_text_message_is_measured_as_it_is_typed(admin_context, live_site):
    page = admin_context.new_page()
    account = create_account(live_site, "sms-measure-editor", superuser=True)
    sign_in_to_admin(page, account, "/admin/")
    page.goto(f"/admin/pages/{page_id(live_site, ALERT_PATH)}/edit/")
    field = page.locator('textarea[name="sms_text"]')
    measure = page.locator(".faro-sms-measure")
    expect(measure).to_contain_text("Default text", timeout=TIMEOUT)

    field.fill("€" * 81)  # extension characters: two septets each, 162 in all
    expect(measure).to_have_attribute("data-segments", "2", timeout=TIMEOUT)
    expect(measure).to_have_attribute("data-encoding", "GSM-7")
    expect(measure).to_contain_text("81 characters")

    field.fill("检查站" * 24)  # 72 UCS-2 code units
    expect(measure).to_have_attribute("data-encoding", "UCS-2", timeout=TIMEOUT)
    expect(measure).to_have_attribute("data-segments", "2")
