"""The editorial journey: People: an admin creates the team in the Users UI; each signs in and enrols in two-step sign-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.admin import AdminAccount, enrol_two_factor, path_of
from tests.browser.admin import sign_in as password_sign_in
from tests.browser.editorial import Person
from tests.browser.editorial_journey.journey import (
    SOFT_TIMEOUT,
)

pytestmark = pytest.mark.browser


# --- 1. People ------------------------------------------------------------------------


def test_01_admin_creates_the_team_in_the_users_ui(journey):
    admin = journey.people["admin"]
    journey.open_browser(admin)
    page = admin.page
    password_sign_in(page, admin.account, "/admin/")
    enrol_two_factor(page, admin.account)
    assert path_of(page) == "/admin/"
    # The dashboard loads everything it asks for from the site itself
    # (checked at the end of the step with the CSP's refusals).
    page.wait_for_load_state("networkidle")
    page.goto("/admin/users/")

    team = [
        ("editor", "Elena", "Editor", "Editors"),
        ("moderator1", "Marta", "Moderator", "Moderators"),
        ("moderator2", "Min", "Moderator", "Moderators"),
        ("translator", "Tomas", "Translator", "Translators"),
    ]
    for key, first, last, group in team:
        username = f"{key}-journey"
        account = AdminAccount(username=username, groups=(group,))
        person = Person(account, f"{username}@example.org", first, last, group)
        page.get_by_role("link", name="Add a user").click()
        page.get_by_label("Username").fill(username)
        page.get_by_label("Email").fill(person.email)
        page.get_by_label("First Name").fill(first)
        page.get_by_label("Last Name").fill(last)
        page.locator("#id_password1").fill(account.password)
        page.locator("#id_password2").fill(account.password)
        page.locator("#tab-label-roles").click()
        page.get_by_label(group, exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Create").click()
        expect(page.locator(".messages")).to_contain_text(f"User '{username}' created.")
        journey.people[key] = person
    journey.reached.add("team created")

    # The users list says who is in which group (issue 10, point 5).
    for key, *_rest, group in team:
        row = page.locator("tr", has_text=f"{key}-journey")
        journey.soft(
            f"the users list shows {key}-journey's group {group}",
            lambda row=row, group=group: expect(row).to_contain_text(group, timeout=SOFT_TIMEOUT),
        )
    journey.settle()


def test_02_each_person_signs_in_and_enrols_in_two_step_sign_in(journey):
    journey.needs("team created")
    for key in ("editor", "moderator1", "moderator2", "translator"):
        person = journey.people[key]
        journey.open_browser(person)
        page = person.page
        password_sign_in(page, person.account, "/admin/")
        expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
        enrol_two_factor(page, person.account)
        assert path_of(page) == "/admin/"
        # Their own admin, under their own name.
        expect(page.locator("body")).to_contain_text(person.first_name)
    journey.reached.add("team enrolled")
    journey.settle()
