"""Quick exit: the button and Shift pressed three times replace the page; Back does not return."""

import pytest

from tests.browser.pages import GUIDE

pytestmark = pytest.mark.browser


def open_guide(context, live_site):
    page = context.new_page()
    # Start from a page that is not Faro, so Back has somewhere to go.
    page.goto(live_site.exit_url + "?before")
    page.goto(f"{live_site.url}/en/{GUIDE}")
    return page


def assert_left_for_good(page, live_site):
    page.wait_for_url(live_site.exit_url)
    assert page.locator("h1").inner_text() == "Weather"
    page.go_back()
    page.wait_for_load_state()
    # Back skips the guide: location.replace took it out of history.
    assert not page.url.startswith(live_site.url), page.url


def test_the_button_replaces_the_page(site_context, live_site):
    page = open_guide(site_context, live_site)
    page.locator("#quick-exit").click()
    assert_left_for_good(page, live_site)


def test_shift_three_times_replaces_the_page(site_context, live_site):
    page = open_guide(site_context, live_site)
    page.locator("main h1").click()
    for _ in range(3):
        page.keyboard.press("Shift")
    assert_left_for_good(page, live_site)


def test_shift_pressed_now_and_then_does_nothing(site_context, live_site):
    page = open_guide(site_context, live_site)
    page.keyboard.press("Shift")
    page.keyboard.type("Ab")
    page.wait_for_timeout(1600)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == f"{live_site.url}/en/{GUIDE}"


def test_without_javascript_the_button_is_a_plain_link(no_js_context, live_site):
    page = open_guide(no_js_context, live_site)
    button = page.locator("#quick-exit")
    assert button.evaluate("el => el.tagName") == "A"
    assert button.get_attribute("href") == live_site.exit_url
    button.click()
    page.wait_for_url(live_site.exit_url)
    assert page.locator("h1").inner_text() == "Weather"
