"""The editorial journey: What the Editor is refused: opening Send, publishing an alert written under /es/alerts/, seeing subscribers' addresses."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.admin import page_id
from tests.browser.editorial import footer_actions
from tests.browser.editorial_journey.journey import (
    ROGUE_ALERT_TITLE,
    SUBSCRIBERS,
)

pytestmark = pytest.mark.browser


def test_13_editor_cannot_open_send(journey):
    """Refusal 3: sending is for Moderators only."""
    journey.needs("alert approved")
    page = journey.people["editor"].page
    page.goto(f"/admin/pages/{journey.pages['alert en']}/edit/")
    expect(page.get_by_role("link", name=re.compile("^Send"))).to_have_count(0)
    page.goto(f"/admin/alerts/{journey.pages['alert en']}/send/")
    expect(page.locator("body")).to_contain_text(
        re.compile("Only Moderators can send alerts|do not have permission")
    )
    expect(page.locator("body")).not_to_contain_text("Send me a test")
    journey.settle()


def test_14_editor_cannot_publish_an_alert_written_under_es_alerts(journey):
    """Refusal 4: a new alert written directly in Spanish is not published either."""
    journey.needs("team enrolled")
    page = journey.people["editor"].page
    journey.pages.setdefault("alerts es", page_id(journey.site, "/alerts/", "es"))
    page.goto(f"/admin/pages/add/advocacy/alertpage/{journey.pages['alerts es']}/")
    page.locator("#id_title").fill(ROGUE_ALERT_TITLE)
    page.locator("#id_urgency").select_option("urgent")
    page.locator("#id_summary").fill("Difundan: redada ahora mismo. Este texto no está aprobado.")
    page.get_by_role("checkbox", name="Sunset Park", exact=True).check()
    # No Publish is offered...
    assert "Publish" not in footer_actions(page), footer_actions(page)
    # ...and a Publish sent anyway (as a crafted form would) is refused on screen.
    with page.expect_navigation():
        page.evaluate(
            """() => {
                const form = document.querySelector("form#page-edit-form");
                const publish = document.createElement("button");
                publish.type = "submit";
                publish.name = "action-publish";
                publish.value = "action-publish";
                form.appendChild(publish);
                form.requestSubmit(publish);
            }"""
        )
    expect(page.locator(".messages")).to_contain_text("not published")
    page.goto("/es/alerts/")
    expect(page.locator("main")).not_to_contain_text(ROGUE_ALERT_TITLE)
    page.goto("/api/v1/alerts/?lang=es")
    expect(page.locator("body")).not_to_contain_text(ROGUE_ALERT_TITLE)
    journey.settle()


def test_15_editor_sees_no_subscriber_addresses(journey):
    """Refusal 5: no admin page the Editor can open shows who subscribed."""
    journey.needs("team enrolled")
    page = journey.people["editor"].page
    page.goto("/admin/dispatches/")
    expect(page.locator("body")).to_contain_text(
        re.compile("Only Moderators|do not have permission")
    )
    visited = ["/admin/", "/admin/reports/site-history/"]
    if "alert en" in journey.pages:
        visited.append(f"/admin/pages/{journey.pages['alert en']}/edit/")
        visited.append(f"/admin/pages/{journey.pages['alert en']}/history/")
    for path in visited:
        page.goto(path)
        text = page.locator("body").inner_text()
        shown = [s.email for s in SUBSCRIBERS if s.email in text]
        assert shown == [], f"{path} shows {shown}"
    # Searching the admin for a subscriber's address finds what searching for
    # an address nobody gave finds: the search box's own echo, nothing more.
    echoes = {}
    for address in ("sunset-es@example.org", "nobody-here@example.org"):
        page.goto(f"/admin/pages/search/?q={address}")
        echoes[address] = page.locator("body").inner_text().count(address)
    assert echoes["sunset-es@example.org"] == echoes["nobody-here@example.org"], echoes
    # The API answers nothing about subscribers without a subscriber's own token.
    response = page.goto("/api/v1/subscriptions/me/")
    assert response.status in (401, 403), response.status
    text = page.locator("body").inner_text()
    assert not [s.email for s in SUBSCRIBERS if s.email in text], text[:500]
    journey.settle()
