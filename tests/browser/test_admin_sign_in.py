"""Signing in to the admin in Chromium: password, two-step enrolment, forms, translation.

Real browsers send an Origin header on every form POST; with the site's
public `Referrer-Policy: no-referrer` it is `null`, which Django's CSRF check
refuses. These tests sign in and post forms the way a person does, so the
admin's own referrer policy, its CSRF checks and the two-step gate are all
exercised as in use (Django's test client sends no Origin and sees none of it).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.admin import (
    NAVIGATION_TIMEOUT,
    SETUP_CODE_LABEL,
    SETUP_PATH,
    VERIFY_CODE_LABEL,
    VERIFY_PATH,
    create_account,
    enrol_two_factor,
    next_totp_code,
    page_id,
    path_of,
    sign_in,
    sign_in_to_admin,
    verify_two_factor,
)
from tests.browser.production_site import redis_is_up, redis_url, start_production_site
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, open_context
from tests.support.network import free_port

pytestmark = pytest.mark.browser

# Admin URLs every admin page (the two-step pages too) loads besides static files.
ADMIN_ASSETS = ("/admin/sprite/", "/admin/jsi18n/")


def record_asset_responses(page) -> list[tuple[str, int, str]]:
    """(path, status, content type) of every icon sprite and JavaScript catalog response."""
    seen: list[tuple[str, int, str]] = []

    def remember(response):
        path = path_of(response)
        if path in ADMIN_ASSETS:
            seen.append((path, response.status, response.headers.get("content-type", "")))

    page.on("response", remember)
    return seen


def assert_visible_labelled_field(page, label: str) -> None:
    field = page.get_by_label(label)
    expect(field).to_have_count(1)
    expect(field).to_be_visible()
    width, style = field.evaluate(
        "e => [getComputedStyle(e).borderTopWidth, getComputedStyle(e).borderTopStyle]"
    )
    assert width != "0px" and style != "none", f"the code field has no border: {width} {style}"
    # The page puts the cursor in the field: a keyboard user types straight away.
    expect(field).to_be_focused()


def test_sign_in_enrol_and_land_on_the_page_asked_for(browser, live_site, admin_context):
    account = create_account(live_site, "enrolling-editor", groups=["Editors"])
    page = admin_context.new_page()
    assets = record_asset_responses(page)

    sign_in(page, account, "/admin/pages/")
    assert path_of(page) == SETUP_PATH
    page.wait_for_load_state("networkidle")
    # Drawn once: the sprite and the catalog are answered, not sent to this page.
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_have_count(1)
    expect(page.locator("form.login-form")).to_have_count(1)
    assert {path for path, _, _ in assets} == set(ADMIN_ASSETS), assets
    for path, status, content_type in assets:
        assert status == 200, (path, status)
        assert "html" not in content_type, (path, content_type)
    assert_visible_labelled_field(page, SETUP_CODE_LABEL)

    # By keyboard alone: type the code from the app, press Enter.
    account.totp_secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.keyboard.type(next_totp_code(account))
    with page.expect_navigation(wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT):
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    account.recovery_codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(account.recovery_codes) == 10
    with page.expect_navigation(wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT):
        page.get_by_role("link", name="Continue to the admin").click()
    assert path_of(page) == "/admin/pages/"
    assert page.evaluate("document.contentType") == "text/html"
    expect(page.locator("#main")).to_be_visible()

    # The next sign-in, in a fresh browser: asked for a code, then the page asked for.
    later = open_context(browser, live_site)
    try:
        again = later.new_page()
        assets = record_asset_responses(again)
        sign_in(again, account, "/admin/pages/")
        assert path_of(again) == VERIFY_PATH
        again.wait_for_load_state("networkidle")
        expect(again.get_by_role("heading", name="Two-step sign-in")).to_have_count(1)
        assert all(status == 200 for _, status, _ in assets), assets
        assert_visible_labelled_field(again, VERIFY_CODE_LABEL)
        verify_two_factor(again, account)
        assert path_of(again) == "/admin/pages/"
        assert again.evaluate("document.contentType") == "text/html"
    finally:
        later.context.close()


def test_a_form_post_in_the_admin_passes_and_stays_protected(live_site, admin_context):
    account = create_account(live_site, "draft-moderator", groups=["Moderators"])
    home_id = page_id(live_site, "/", "en")
    page = admin_context.new_page()
    edit_url = f"/admin/pages/{home_id}/edit/"
    sign_in(page, account, edit_url)
    enrol_two_factor(page, account)
    assert path_of(page) == edit_url

    posts = []
    page.on(
        "response",
        lambda response: (
            posts.append(response.status)
            if response.request.method == "POST" and path_of(response) == edit_url
            else None
        ),
    )
    intro = page.locator("#id_intro")
    intro.fill(intro.input_value() + " Draft saved from the browser test.")
    with page.expect_navigation(wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT):
        page.get_by_role("button", name="Save draft").click()
    assert posts and posts[0] in (200, 302), posts
    expect(page.locator(".messages")).to_contain_text("has been updated")
    assert "Draft saved from the browser test." in page.locator("#id_intro").input_value()

    # CSRF protection is still on: the same POST without the form's token is refused.
    status = page.evaluate(
        """url => fetch(url, {method: "POST", body: new FormData(), credentials: "same-origin"})
                  .then(response => response.status)""",
        edit_url,
    )
    assert status == 403


def test_a_translator_saves_a_segment_in_the_translation_editor(live_site, admin_context):
    account = create_account(live_site, "segment-translator", groups=["Translators"])
    guide_id = page_id(live_site, "/guides/your-idnyc/", "bn")
    edit_url = f"/admin/pages/{guide_id}/edit/"
    page = admin_context.new_page()
    sign_in_to_admin(page, account, edit_url)

    # The translation made by machine is marked as such, and as needing review.
    expect(page.get_by_text("Needs review", exact=False).first).to_be_visible()
    title_row = page.locator("li", has=page.locator(".title", has_text="Your IDNYC card")).last
    expect(title_row).to_contain_text("machine-made, needs review")

    title_row.get_by_role("button", name="Edit").click()
    title_row.locator("textarea").fill("IDNYC (browser test)")
    with page.expect_response(
        lambda response: response.request.method == "PUT" and "/strings/" in response.url
    ) as saved:
        title_row.get_by_role("button", name="Save").click()
    assert saved.value.status == 200, saved.value.status
    expect(title_row).to_contain_text("IDNYC (browser test)")
    expect(title_row).to_contain_text("Translated manually")
    expect(title_row).not_to_contain_text("Server error")


@pytest.fixture
def production_site(live_site):
    """The seeded site under gunicorn with production settings, behind the TLS proxy stand-in."""
    if not redis_is_up(redis_url()):
        pytest.skip(f"production settings need Redis, and none answers at {redis_url()}")
    site, stop = start_production_site(live_site.env, free_port())
    yield site
    stop()


def test_sign_in_with_production_settings_behind_a_tls_proxy(browser, live_site, production_site):
    account = create_account(production_site, "production-editor", groups=["Editors"])
    # A browser that finds faro.test on loopback, as DNS would point it at the proxy.
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules={production_site.host_resolver_rule}"],
    )
    try:
        context = chromium.new_context(base_url=production_site.url, ignore_https_errors=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        admin_headers = []
        page.on(
            "response",
            lambda response: (
                admin_headers.append(response.headers)
                if response.request.resource_type == "document"
                else None
            ),
        )
        # Password, enrolment and the admin page: each a form POST the Origin check passes.
        sign_in_to_admin(page, account, "/admin/pages/")
        assert page.url.startswith(f"{production_site.url}/admin/pages/"), page.url
        expect(page.locator("#main")).to_be_visible()
        assert admin_headers and all(
            headers.get("referrer-policy") == "same-origin" for headers in admin_headers
        ), admin_headers
        assert "strict-transport-security" in admin_headers[-1]
        session = [cookie for cookie in context.cookies() if cookie["name"] == "sessionid"]
        assert session and session[0]["secure"] and session[0]["httpOnly"], session

        # Public pages keep telling other sites nothing.
        public = page.goto("/en/")
        assert public.status == 200 and public.headers["referrer-policy"] == "no-referrer"
    finally:
        chromium.close()
