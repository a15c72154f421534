"""The editorial journey: A Moderator sends a test, then the alert; it arrives in each language, once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.editorial_journey.journey import (
    ALERT,
    MAIL_TIMEOUT,
    SEND_TIMEOUT,
    SOFT_TIMEOUT,
    SUNSET_PARK,
    check,
    mail_to,
    message_text,
    open_alerts_list,
)
from tests.support.waiting import wait_for

pytestmark = pytest.mark.browser


def test_16_moderator_sends_a_test_then_the_alert_and_it_arrives(journey):
    journey.needs("alert approved")
    moderator = journey.people["moderator1"]
    page = moderator.page
    open_alerts_list(page)
    row = page.locator("tr", has_text=ALERT["en"][0])
    with page.expect_navigation():
        row.get_by_role("link", name="Send…").click()
    expect(page.get_by_role("heading", name="Send alert")).to_be_visible()

    # The audience by language: four people in Sunset Park, each in their language.
    expect(page.locator("main")).to_contain_text(f"{len(SUNSET_PARK)} active subscribers")
    rows = page.locator("table.listing tbody tr")
    for language, count in (("en", 2), ("es", 1), ("zh-hans", 1)):
        row = rows.filter(has_text=f"({language})")
        expect(row).to_contain_text(str(count))
        journey.soft(
            f"the Send page says {language} readers get their language",
            lambda row=row: expect(row).to_contain_text("their language", timeout=SOFT_TIMEOUT),
        )

    # A test, in Spanish, to the Moderator's own address.
    page.get_by_label("Language").select_option("es")
    with page.expect_navigation():
        page.get_by_role("button", name="Send me a test").click()
    expect(page.locator(".messages")).to_contain_text("Test sent to your address.")
    wait_for(
        lambda: mail_to(journey, moderator.email, containing=ALERT["es"][0]),
        MAIL_TIMEOUT,
        "the Spanish test message",
    )

    # Send; the progress view follows it to the end without a reload.
    with page.expect_navigation():
        page.get_by_role("button", name=f"Send to {len(SUNSET_PARK)} subscribers").click()
    expect(page.locator(".messages")).to_contain_text("Sending started")
    page.evaluate("window.__sameDocument = true")
    expect(page.locator('[data-field="status_label"]').first).to_have_text(
        "finished", timeout=SEND_TIMEOUT * 1000
    )
    expect(page.locator('[data-field="sent"]').first).to_have_text(str(len(SUNSET_PARK)))
    expect(page.locator('[data-field="failed"]').first).to_have_text("0")
    assert page.evaluate("window.__sameDocument === true"), "the progress view reloaded"
    journey.reached.add("alert sent")

    # Each subscriber in Sunset Park got one message, in their language.
    for person in SUNSET_PARK:
        title = ALERT[person.language][0]
        wait_for(
            lambda p=person: mail_to(journey, p.email), MAIL_TIMEOUT, f"mail to {person.email}"
        )
        received = mail_to(journey, person.email)
        assert len(received) == 1, f"{person.email} got {len(received)} messages"
        text = message_text(received[0])
        journey.soft(
            f"{person.email} gets the alert in {person.language}",
            lambda text=text, title=title: check(title in text, f"{title!r} not in {text[:300]!r}"),
        )
    assert mail_to(journey, "manhattan-en@example.org") == [], "a Manhattan subscriber got it"
    journey.settle()


def test_17_the_sent_alert_cannot_be_sent_twice_by_accident(journey):
    journey.needs("alert sent")
    page = journey.people["moderator2"].page
    page.goto(f"/admin/alerts/{journey.pages['alert en']}/send/")
    expect(page.locator("main")).to_contain_text("This alert was already sent")
    expect(page.get_by_role("button", name=re.compile(r"^Send to \d+"))).to_have_count(0)
    journey.settle()
