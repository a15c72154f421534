"""Sign up end to end through the outbox, with and without JavaScript, and no cookie."""

from __future__ import annotations

import email
import email.policy
import re
import time
import uuid

import pytest

pytestmark = pytest.mark.browser


def confirmation_link(live_site, address: str, timeout: float = 20) -> str:
    """The confirm link from the .eml the server wrote for `address`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(live_site.outbox.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] != address:
                continue
            text = message.get_body(preferencelist=("plain",)).get_content()
            found = re.search(rf"{re.escape(live_site.url)}/\S+/subscribe/confirm/\S+/", text)
            assert found, text
            return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no confirmation mail for {address} in {live_site.outbox}")


def sign_up_and_confirm(context, live_site, language: str) -> None:
    address = f"reader-{uuid.uuid4().hex[:12]}@example.org"
    page = context.new_page()
    page.goto(f"/{language}/")
    # From the home page, as a reader would.
    page.locator(f"a[href='/{language}/subscribe/']").first.click()
    page.wait_for_url(f"**/{language}/subscribe/")
    page.locator("input[name='email']").fill(address)
    assert page.locator("select[name='language']").input_value() == language
    page.locator("form.subscription-form input[type='checkbox']").first.check()
    page.locator("form.subscription-form button[type='submit']").click()
    page.wait_for_load_state()
    # "Check your email", in the reader's language: the form is gone.
    assert page.locator("form.subscription-form").count() == 0
    assert page.locator("html").get_attribute("lang") == language
    link = confirmation_link(live_site, address)
    assert f"/{language}/subscribe/confirm/" in link
    page.goto(link)
    # A page with a button (mail scanners follow links); pressing it confirms.
    assert page.locator("main a[href*='/preferences/']").count() == 0
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()
    manage = page.locator("main a[href*='/preferences/']")
    assert manage.count() == 1
    # The preferences link works: the choices made at sign-up are there.
    manage.click()
    page.wait_for_load_state()
    assert page.locator("input[type='checkbox']:checked").count() >= 1


def test_sign_up_without_javascript(no_js_context, live_site):
    sign_up_and_confirm(no_js_context, live_site, "es")


def test_sign_up_with_javascript(site_context, live_site):
    sign_up_and_confirm(site_context, live_site, "ar")
