"""The policy tracker in the admin, in Chromium, as two Editors use it.

On a site of the module's own (a copy of the seeded database: the memo's
guides in several languages, every statement never verified), one Editor
finds a statement under "Due for verification", opens its history and
records a change on a source typed on the form; "Policy changes" then shows
the guide that cites it as needing update in English and in Spanish.

A second Editor opened the same change form before the first one saved;
when they save, the form tells them to reload, shows what the first one
recorded, and keeps everything they typed: never one change silently lost.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.admin import NAVIGATION_TIMEOUT, create_account, path_of, sign_in_to_admin
from tests.support.browser import open_context

pytestmark = pytest.mark.browser

# A statement of the seeded memo cited by exactly one guide (a callout).
STATEMENT_KEY = "detainer-review"
GUIDE_TITLE = "NYPD and ICE: warrants and detainers"
SECOND_NOTE = "Second editor: the review moved to another bureau (test note)."


def signed_in_editor(browser, site, username: str):
    """A fresh browser context with ``username`` (an Editor) signed in; (context, page)."""
    account = create_account(site, username, groups=["Editors"])
    context = open_context(browser, site)
    page = context.new_page()
    sign_in_to_admin(page, account, "/admin/")
    return context, page


def go(page, action) -> None:
    with page.expect_navigation(wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT):
        action()


def open_change_form_from_due_list(page) -> str:
    """Policy tracker → Due for verification → the statement → Record a change.
    Returns the form's path."""
    page.get_by_role("button", name="Policy tracker").click()
    go(page, lambda: page.get_by_role("link", name="Due for verification").click())
    row = page.locator("tr", has_text=STATEMENT_KEY)
    expect(row).to_contain_text(GUIDE_TITLE)
    go(page, lambda: row.get_by_role("link", name=STATEMENT_KEY).click())
    go(page, lambda: page.get_by_role("link", name="Record a change").click())
    expect(page.locator("main")).to_contain_text(GUIDE_TITLE)  # what the change will mark
    return path_of(page)


def close(context) -> None:
    foreign = context.foreign_requests()
    context.context.close()
    assert foreign == [], f"requests left 127.0.0.1: {foreign}"
    assert context.csp_violations == [], context.csp_violations


def test_an_editor_records_a_change_and_a_second_editor_is_told_to_reload(browser, editorial_site):
    second_context, second = signed_in_editor(browser, editorial_site, "policy-editor-two")
    first_context, first = signed_in_editor(browser, editorial_site, "policy-editor-one")
    try:
        # The second Editor opens the form first and starts typing.
        form_path = open_change_form_from_due_list(second)
        second.locator("#id_status").select_option("rescinded")
        second.locator("#id_note").fill(SECOND_NOTE)
        second.locator("#id_source").select_option(index=1)  # the memo, already in the admin
        second.locator("#id_effective_year").fill("2026")

        # The first Editor records a change, on a new source described on the form.
        assert open_change_form_from_due_list(first) == form_path
        first.locator("#id_status").select_option("changed")
        first.locator("#id_quote").fill("Test text: detainer requests are reviewed elsewhere.")
        first.locator("#id_note").fill("Test change recorded by the browser test.")
        first.locator("#id_new_source_title").fill("Test ruling 2026 (browser test)")
        first.locator("#id_new_source_kind").select_option("ruling")
        first.locator("#id_new_source_issuer").fill("Test court")
        first.locator("#id_new_source_year").fill("2026")
        first.locator("#id_effective_year").fill("2026")
        first.locator("#id_effective_month").fill("1")
        go(first, lambda: first.get_by_role("button", name="Record the change").click())
        assert re.fullmatch(r"/admin/policy/statements/\d+/", path_of(first)), first.url
        expect(
            first.get_by_text(
                re.compile(
                    r"Change recorded\. \d+ guide pages? (is|are) marked as needing update\."
                )
            )
        ).to_be_visible()
        expect(first.locator(".policy-history")).to_contain_text("Test ruling 2026 (browser test)")

        # Policy changes: the guide needs updating in English and in Spanish.
        first.get_by_role("button", name="Policy tracker").click()
        go(first, lambda: first.get_by_role("link", name="Policy changes").click())
        change = first.locator("section.policy-change", has_text=STATEMENT_KEY).first
        expect(change).to_contain_text(GUIDE_TITLE)
        for language, name in (("en", "English"), ("es", "Español")):
            row = change.locator(f'tr[data-language="{language}"]')
            expect(row).to_have_attribute("data-state", "needs_update")
            expect(row).to_contain_text(name)
            expect(row).to_contain_text("Needs update")

        # The second Editor saves: told to reload, shown the first change, input kept.
        go(second, lambda: second.get_by_role("button", name="Record the change").click())
        assert path_of(second) == form_path
        expect(
            second.get_by_text(re.compile("Someone recorded a change to this statement .*reload"))
        ).to_be_visible()
        expect(second.locator("[data-recorded-since]")).to_contain_text(
            "Test change recorded by the browser test."
        )
        expect(second.locator("#id_note")).to_have_value(SECOND_NOTE)
        expect(second.locator("#id_status")).to_have_value("rescinded")
        expect(second.locator("#id_effective_year")).to_have_value("2026")
    finally:
        close(first_context)
        close(second_context)
