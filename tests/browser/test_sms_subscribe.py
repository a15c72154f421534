"""Sign up by text message in Chromium: the code is read from the file the
worker wrote (the development SMS backend) and entered on the site."""

from __future__ import annotations

import json
import re
import time

import pytest

pytestmark = pytest.mark.browser


def code_texted_to(live_site, number: str, timeout: float = 240) -> str:
    """The code in the text the worker wrote for ``number`` (E.164). The
    site's one worker may first have other queued work (the seeded site's
    own tasks), hence the generous wait."""
    # SMS_URL's default: file://<the site's var folder>/sms-outbox.
    folder = live_site.outbox.parent / "sms-outbox"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.json")):
            message = json.loads(path.read_text(encoding="utf-8"))
            if message["to"] == number:
                return re.search(r"\b\d{6}\b", message["text"]).group(0)
        time.sleep(0.2)
    worker_log = (live_site.outbox.parent / "worker.log").read_text(errors="replace")
    raise AssertionError(f"no text for the number in {folder}; worker:\n{worker_log[-3000:]}")


def test_sign_up_by_text_and_enter_the_code(no_js_context, live_site):
    page = no_js_context.new_page()
    page.goto("/es/subscribe/")
    page.locator("input[name='channel'][value='sms']").check()
    page.locator("input[name='phone']").fill("(718) 555-0171")
    page.locator("form.subscription-form input[type='checkbox']").first.check()
    page.locator("form.subscription-form button[type='submit']").click()
    page.wait_for_load_state()
    # "Check your phone", in Spanish, with the way to the code page.
    assert page.locator("form.subscription-form").count() == 0
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator("main a[href='/es/subscribe/phone/']").click()
    page.wait_for_url("**/es/subscribe/phone/")

    code = code_texted_to(live_site, "+17185550171")
    page.locator("input[name='phone']").fill("718 555 0171")
    page.locator("input[name='code']").fill(code)
    page.locator("form.subscription-form button[type='submit']").click()
    page.wait_for_load_state()
    assert page.locator("main [role='status']").count() == 1
    assert page.locator("input[name='code']").count() == 0


def test_a_landline_is_refused_and_kept(no_js_context, live_site):
    page = no_js_context.new_page()
    page.goto("/es/subscribe/")
    page.locator("input[name='channel'][value='sms']").check()
    page.locator("input[name='phone']").fill("800 555 0123")
    page.locator("form.subscription-form button[type='submit']").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    assert page.locator("input[name='phone']").input_value() == "800 555 0123"
