"""The editorial journey: An urgent alert for Sunset Park: written, translated, submitted, approved by two Moderators in each language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.admin import page_id, path_of
from tests.browser.editorial import footer_action, footer_actions
from tests.browser.editorial_journey.journey import (
    ALERT,
    LANGUAGE_NAMES,
    MAIL_TIMEOUT,
    SECOND_APPROVAL_WAITING,
    SOFT_TIMEOUT,
    Journey,
    mail_to,
    open_alerts_list,
    translate_segment,
)
from tests.support.waiting import wait_for

pytestmark = pytest.mark.browser


# --- 3. An urgent alert -------------------------------------------------------------------


def test_07_editor_writes_an_urgent_alert_for_sunset_park(journey):
    journey.needs("team enrolled")
    journey.pages["alerts en"] = page_id(journey.site, "/alerts/", "en")
    journey.pages["alerts es"] = page_id(journey.site, "/alerts/", "es")
    page = journey.people["editor"].page
    page.goto("/admin/")
    open_alerts_list(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Write an alert").click()
    assert path_of(page) == f"/admin/pages/add/advocacy/alertpage/{journey.pages['alerts en']}/"
    title, summary = ALERT["en"]
    page.locator("#id_title").fill(title)
    page.locator("#id_urgency").select_option("urgent")
    page.locator("#id_summary").fill(summary)
    # Areas are checkboxes; an area has to be ticked (or "Every area", explicitly).
    page.get_by_role("checkbox", name="Sunset Park", exact=True).check()
    assert "Publish" not in footer_actions(page), footer_actions(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    found = re.search(r"/admin/pages/(\d+)/edit/", page.url)
    assert found, f"after saving, expected the alert's editor; got {page.url}"
    journey.pages["alert en"] = int(found.group(1))
    expect(page.locator(".messages")).to_contain_text(title)
    journey.reached.add("alert written")
    journey.settle()


def translate_alert(journey: Journey, language: str) -> None:
    """The Editor asks for a translation from the English alert's actions and fills it in."""
    page = journey.people["editor"].page
    page.goto(f"/admin/pages/{journey.pages['alert en']}/edit/")
    page.locator("header").get_by_role("button", name="Actions").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Translate this page").click()
    page.get_by_label(LANGUAGE_NAMES[language], exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    # "Translate this page" opens the translation (issue 10, point 5).
    heading = f"English to {LANGUAGE_NAMES[language]} translation"
    opened = journey.soft(
        f"“Translate this page” opens the {language} translation",
        lambda: expect(page.get_by_role("heading", name=heading).first).to_be_visible(
            timeout=SOFT_TIMEOUT
        ),
    )
    if not opened:
        # Find it as a person would: the language's alert list, then the alert.
        index = page_id(journey.site, "/alerts/", language)
        page.goto(f"/admin/pages/{index}/")
        page.get_by_role("link", name=ALERT["en"][0]).first.click()
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    found = re.search(r"/admin/pages/(\d+)/edit/", page.url)
    assert found, page.url
    journey.pages[f"alert {language}"] = int(found.group(1))
    for english, translated in zip(ALERT["en"], ALERT[language], strict=True):
        translate_segment(page, english, translated)


def test_08_editor_translates_the_alert_and_is_refused_publishing_it(journey):
    """Refusal 1: "Publish in Español" does not publish an unapproved alert translation."""
    journey.needs("alert written")
    page = journey.people["editor"].page
    for language in ("es", "zh-hans"):
        translate_alert(journey, language)
        with page.expect_navigation():
            page.get_by_role("button", name=f"Publish in {LANGUAGE_NAMES[language]}").click()
        expect(page.locator(".messages")).to_contain_text("Not published")
        expect(page.locator(".messages")).to_contain_text("approv")
    # Nobody reads it on the public site.
    for language in ("es", "zh-hans"):
        page.goto(f"/{language}/alerts/")
        expect(page.locator("main")).not_to_contain_text(ALERT[language][0])
    journey.reached.add("alert translated")
    journey.settle()


def test_09_editor_submits_the_alert_and_moderators_are_emailed(journey):
    journey.needs("alert translated")
    page = journey.people["editor"].page
    page.goto(f"/admin/pages/{journey.pages['alert en']}/edit/")
    footer_action(page, "Submit to Alert approval")
    expect(page.locator(".messages")).to_contain_text("submitted for moderation")
    journey.reached.add("alert submitted")
    for key in ("moderator1", "moderator2"):
        address = journey.people[key].email
        journey.soft(
            f"{key} is emailed that the alert waits for approval",
            lambda address=address: wait_for(
                lambda: mail_to(journey, address, containing=ALERT["en"][0]),
                MAIL_TIMEOUT,
                f"an approval email to {address}",
            ),
        )
    journey.settle()


def test_10_editor_cannot_approve_their_own_alert(journey):
    """Refusal 2: the author is offered no Approve, nor the alert to review."""
    journey.needs("alert submitted")
    page = journey.people["editor"].page
    page.goto(f"/admin/pages/{journey.pages['alert en']}/edit/")
    actions = footer_actions(page)
    assert not [name for name in actions if name.startswith("Approve")], actions
    page.goto("/admin/")
    expect(page.locator("main")).not_to_contain_text("Awaiting your review")
    journey.settle()


def approve_from_dashboard(page, page_id: int) -> None:
    """A Moderator's "Approve" on the page's row in the dashboard's "Awaiting your review".

    (Approving from the page editor races Wagtail's autosave, which saves a
    revision as the approver: see the report of this suite.)
    """
    page.goto("/admin/")
    row = (
        page.locator("tr")
        .filter(has=page.locator(f"a[href='/admin/pages/{page_id}/edit/']"))
        .filter(has=page.locator("td.actions-container"))
        .first
    )
    row.locator(".w-dropdown__toggle").first.click()
    with page.expect_navigation():
        row.get_by_role("button", name="Approve", exact=True).click()


def approvals_by_both_moderators(journey: Journey, key: str) -> None:
    """Moderator 1 approves (the page says 1 of 2), then Moderator 2 (it goes live)."""
    first = journey.people["moderator1"].page
    approve_from_dashboard(first, journey.pages[key])
    # The second-approval state is shown to everyone involved.
    first.goto(f"/admin/pages/{journey.pages[key]}/edit/")
    expect(first.locator("body")).to_contain_text(SECOND_APPROVAL_WAITING)
    # The first approver cannot approve a second time.
    assert not [n for n in footer_actions(first) if n.startswith("Approve")], footer_actions(first)
    editor = journey.people["editor"].page
    editor.goto(f"/admin/pages/{journey.pages[key]}/edit/")
    journey.soft(
        f"the Editor sees that {key} waits for a second approval",
        lambda: expect(editor.locator("body")).to_contain_text(
            SECOND_APPROVAL_WAITING, timeout=SOFT_TIMEOUT
        ),
    )
    if key == "alert en":
        open_alerts_list(editor)
        row = editor.locator("tr", has_text=ALERT["en"][0])
        journey.soft(
            "the Editor's Alerts list says the alert waits for a second approval",
            lambda: expect(row).to_contain_text(SECOND_APPROVAL_WAITING, timeout=SOFT_TIMEOUT),
        )
    second = journey.people["moderator2"].page
    second.goto(f"/admin/pages/{journey.pages[key]}/edit/")
    expect(second.locator("body")).to_contain_text(SECOND_APPROVAL_WAITING)
    approve_from_dashboard(second, journey.pages[key])


def test_11_two_moderators_approve_the_english_alert(journey):
    journey.needs("alert submitted")
    approvals_by_both_moderators(journey, "alert en")
    # The Editor's Alerts list says it is live, in English so far.
    editor = journey.people["editor"].page
    open_alerts_list(editor)
    row = editor.locator("tr", has_text=ALERT["en"][0])
    expect(row).to_contain_text("Live")
    page = journey.people["moderator2"].page
    page.goto("/en/alerts/")
    expect(page.locator("main")).to_contain_text(ALERT["en"][0])
    journey.reached.add("alert approved")
    journey.settle()


def test_12_two_moderators_approve_the_translations(journey):
    journey.needs("alert approved")
    for language in ("es", "zh-hans"):
        approvals_by_both_moderators(journey, f"alert {language}")
        page = journey.people["moderator2"].page
        page.goto(f"/{language}/alerts/")
        expect(page.locator("main")).to_contain_text(ALERT[language][0])
    journey.reached.add("translations approved")
    journey.settle()
