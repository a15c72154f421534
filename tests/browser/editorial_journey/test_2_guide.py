"""The editorial journey: A guide changes, is reviewed by a Moderator, and translated by the Translator."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.admin import page_id
from tests.browser.editorial import footer_action, footer_actions
from tests.browser.editorial_journey.journey import (
    GUIDE_PATH,
    MAIL_TIMEOUT,
    NEW_ENGLISH_SUMMARY,
    NEW_SPANISH_SUMMARY,
    SOFT_TIMEOUT,
    approve_in_editor,
    mail_to,
    translate_segment,
    translation_segment,
)
from tests.support.waiting import wait_for

pytestmark = pytest.mark.browser


# --- 2. A guide changes, is reviewed and translated ---------------------------------------


def test_03_editor_changes_an_english_guide_and_submits_it_to_legal_review(journey):
    journey.needs("team enrolled")
    journey.pages["guide en"] = page_id(journey.site, GUIDE_PATH, "en")
    journey.pages["guide es"] = page_id(journey.site, GUIDE_PATH, "es")
    page = journey.people["editor"].page
    page.goto(f"/admin/pages/{journey.pages['guide en']}/edit/")
    # An Editor cannot publish English guides: only submit them.
    assert "Publish" not in footer_actions(page), footer_actions(page)
    page.locator("#id_summary").fill(NEW_ENGLISH_SUMMARY)
    footer_action(page, "Submit to Legal review")
    expect(page.locator(".messages")).to_contain_text("submitted for moderation")
    journey.reached.add("guide submitted")

    # The Moderators are told by email.
    for key in ("moderator1", "moderator2"):
        address = journey.people[key].email
        journey.soft(
            f"{key} is emailed about the guide waiting for Legal review",
            lambda address=address: wait_for(
                lambda: mail_to(journey, address, containing="Your IDNYC card"),
                MAIL_TIMEOUT,
                f"a Legal review email to {address}",
            ),
        )
    journey.settle()


def test_04_a_moderator_approves_the_guide(journey):
    journey.needs("guide submitted")
    page = journey.people["moderator1"].page
    page.goto("/admin/")
    review = page.locator("section, div.panel, .w-panel", has_text="Awaiting your review").first
    expect(review).to_contain_text("Your IDNYC card")
    page.goto(f"/admin/pages/{journey.pages['guide en']}/edit/")
    approve_in_editor(page)
    expect(page.locator(".messages")).to_contain_text("Your IDNYC card")
    page.goto(f"/en{GUIDE_PATH}")
    expect(page.locator("main")).to_contain_text(NEW_ENGLISH_SUMMARY)
    journey.reached.add("guide approved")
    journey.settle()


def test_05_the_translator_sees_that_the_english_changed(journey):
    journey.needs("guide approved")
    page = journey.people["translator"].page

    # The public Spanish page says the translation may be behind.
    page.goto(f"/es{GUIDE_PATH}")
    journey.soft(
        "the Spanish guide says its translation may be behind the English",
        lambda: expect(page.locator(".notice-behind")).to_be_visible(timeout=SOFT_TIMEOUT),
    )

    # The translations report no longer calls it up to date.
    page.goto("/admin/localize/reports/translations/?target_locale=es")
    row = page.locator("tr", has_text="Su tarjeta IDNYC").first
    journey.soft(
        "the Translations report lists the Spanish guide as waiting for translations",
        lambda: expect(row).to_contain_text("Waiting for translations", timeout=SOFT_TIMEOUT),
    )

    # The translation editor shows the new English, and says it changed.
    page.goto(f"/admin/pages/{journey.pages['guide es']}/edit/")
    expect(page.get_by_role("heading", name="English to Español translation").first).to_be_visible()
    journey.soft(
        "the translation editor says the English version changed",
        lambda: expect(page.locator(".messages")).to_contain_text(
            "The English version changed", timeout=SOFT_TIMEOUT
        ),
    )
    expect(page.locator("main")).to_contain_text(NEW_ENGLISH_SUMMARY)
    journey.reached.add("translator sees the change")
    journey.settle()


def test_06_the_translator_translates_the_segment_and_the_spanish_page_updates(journey):
    journey.needs("translator sees the change")
    page = journey.people["translator"].page
    page.goto(f"/admin/pages/{journey.pages['guide es']}/edit/")
    translate_segment(page, NEW_ENGLISH_SUMMARY, NEW_SPANISH_SUMMARY)
    row = translation_segment(page, NEW_ENGLISH_SUMMARY)
    expect(row).to_contain_text("Translated manually")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish in Español").click()
    expect(page.locator(".messages")).to_contain_text("Published")

    page.goto(f"/es{GUIDE_PATH}")
    expect(page.locator("main")).to_contain_text(NEW_SPANISH_SUMMARY)
    journey.soft(
        "the Spanish guide no longer says it may be behind",
        lambda: expect(page.locator(".notice-behind")).to_have_count(0, timeout=SOFT_TIMEOUT),
    )
    journey.reached.add("guide translated")
    journey.settle()
