"""Language switching keeps the page; Arabic and Urdu lay out right to left."""

import pytest

from tests.browser.pages import GUIDE

pytestmark = pytest.mark.browser


def test_switching_language_on_a_guide_lands_on_the_same_guide(site_context):
    page = site_context.new_page()
    page.goto(f"/en/{GUIDE}")
    english_title = page.locator("h1").inner_text()
    page.locator(".language-switcher a[hreflang='es']").click()
    page.wait_for_url(f"**/es/{GUIDE}")
    assert page.locator("html").get_attribute("lang") == "es"
    spanish_title = page.locator("h1").inner_text()
    assert spanish_title and spanish_title != english_title
    # The Spanish guide links back to the same guide in Arabic.
    page.locator(".language-switcher a[hreflang='ar']").click()
    page.wait_for_url(f"**/ar/{GUIDE}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() not in (english_title, spanish_title)


def test_switching_language_on_an_untranslated_page_keeps_it_with_a_notice(site_context):
    page = site_context.new_page()
    page.goto("/en/alerts/test-alert/")
    page.locator(".language-switcher a[hreflang='bn']").click()
    page.wait_for_url("**/bn/alerts/test-alert/")
    assert page.locator("html").get_attribute("lang") == "bn"
    assert page.locator(".notice-fallback").is_visible()
    assert page.locator("h1").inner_text() == "Test alert for the browser tests"
    # The English text is marked as English, for screen readers and fonts.
    assert page.locator("main article").get_attribute("lang") == "en"


@pytest.mark.parametrize("language", ["ar", "ur"])
def test_arabic_and_urdu_read_right_to_left(site_context, language):
    page = site_context.new_page()
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(f"/{language}/{GUIDE}")
    heading = page.locator("main h1")
    assert heading.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # The heading's text hugs the right edge of its box, not the left.
    text_box = heading.evaluate(
        """el => { const range = document.createRange(); range.selectNodeContents(el);
                   const r = range.getBoundingClientRect(); return {left: r.left, right: r.right}; }"""
    )
    box = heading.bounding_box()
    assert abs((box["x"] + box["width"]) - text_box["right"]) < 2
    assert (
        text_box["left"] - box["x"] > 2 or text_box["right"] - text_box["left"] >= box["width"] - 2
    )
    # The layout mirrors: the quick exit sits at the left, the site name at the right.
    exit_box = page.locator("#quick-exit").bounding_box()
    name_box = page.locator(".site-name").bounding_box()
    assert exit_box["x"] + exit_box["width"] < 400
    assert name_box["x"] > 400


def test_english_reads_left_to_right(site_context):
    page = site_context.new_page()
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(f"/en/{GUIDE}")
    assert page.locator("main h1").evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert page.locator("#quick-exit").bounding_box()["x"] > 400
