"""Offline reading: a guide is kept on the phone only when the reader asks,
opens with no network once kept, and is gone after "Remove from this phone"
or the quick exit. Without JavaScript nothing is offered.

Each test keeps a guide of its own (tests.browser.own_guide), in a fresh
browser context, so no test sees another's caches or worker.
"""

from __future__ import annotations

import pytest

from tests.browser.offline import (
    EXIT_RED,
    go_offline,
    keep,
    offline_open_fails,
    stored,
)
from tests.browser.own_guide import make_site_guide, summary_of

pytestmark = pytest.mark.browser


def test_nothing_is_stored_until_the_reader_asks(site_context, live_site):
    path = make_site_guide(live_site, "test-offline-untouched", "Test offline untouched")
    page = site_context.new_page()
    page.goto(path)
    page.locator("[data-offline-save]").wait_for()
    page.reload()
    page.locator("[data-offline-save]").wait_for()
    assert page.locator("[data-offline-remove]").is_hidden()
    assert page.locator("[data-offline-saved]").is_hidden()
    assert stored(page) == {"caches": [], "workers": 0}
    assert page.evaluate("navigator.serviceWorker.controller") is None


def test_a_kept_guide_and_its_card_open_offline_until_removed(site_context, live_site):
    slug = "test-offline-keep"
    path = make_site_guide(live_site, slug, "Test offline keep")
    context = site_context.context
    page = site_context.new_page()
    page.goto(path)
    keep(page)
    assert page.locator("[data-offline-remove]").is_visible()
    assert page.locator("[data-offline-save]").is_hidden()
    assert stored(page) == {"caches": [f"faro-offline:{path}"], "workers": 1}

    go_offline(context)
    # Only what the reader kept: the home page was never stored.
    assert offline_open_fails(context, "/en/")
    reopened = context.new_page()
    response = reopened.goto(path)
    assert response.from_service_worker
    assert reopened.locator("main h1").inner_text() == "Test offline keep"
    assert reopened.locator(".lead").inner_text() == summary_of(slug)
    quick_exit_colour = "getComputedStyle(document.querySelector('.quick-exit')).backgroundColor"
    assert reopened.evaluate(quick_exit_colour) == EXIT_RED
    # The page knows it is kept and offers to remove it.
    reopened.locator("[data-offline-saved]").wait_for()
    assert reopened.locator("[data-offline-remove]").is_visible()

    card = context.new_page()
    card_response = card.goto(f"{path}card/")
    assert card_response.from_service_worker
    assert "Test offline keep" in card.locator("main").inner_text()
    assert card.evaluate(quick_exit_colour) == EXIT_RED
    card.close()

    reopened.locator("[data-offline-remove]").click()
    reopened.locator("[data-offline-save]").wait_for()
    assert reopened.locator("[data-offline-saved]").is_hidden()
    assert stored(reopened) == {"caches": [], "workers": 0}
    assert offline_open_fails(context, path)
    assert offline_open_fails(context, f"{path}card/")


def test_the_quick_exit_forgets_every_kept_guide(site_context, live_site):
    first = make_site_guide(live_site, "test-offline-exit-one", "Test offline exit one")
    second = make_site_guide(live_site, "test-offline-exit-two", "Test offline exit two")
    page = site_context.new_page()
    page.goto(first)
    keep(page)
    page.goto(second)
    keep(page)
    assert len(stored(page)["caches"]) == 2

    page.locator("[data-quick-exit]").click()
    page.wait_for_url(live_site.exit_url)
    assert page.locator("h1").inner_text() == "Weather"
    # Back on Faro's origin, on a page without the offline script (which would
    # tidy up a leftover worker itself and hide a quick exit that did not).
    page.goto("/healthz")
    assert stored(page) == {"caches": [], "workers": 0}
    go_offline(site_context.context)
    assert offline_open_fails(site_context.context, first)


def test_the_quick_exit_on_the_wallet_card_forgets_kept_guides(site_context, live_site):
    guide = make_site_guide(live_site, "test-offline-exit-card", "Test offline exit card")
    page = site_context.new_page()
    page.goto(guide)
    keep(page)
    page.goto(f"{guide}card/")
    assert len(stored(page)["caches"]) == 1

    page.locator("[data-quick-exit]").click()
    page.wait_for_url(live_site.exit_url)
    page.goto("/healthz")
    assert stored(page) == {"caches": [], "workers": 0}


def test_without_javascript_nothing_is_offered_and_the_guide_works(no_js_context, live_site):
    slug = "test-offline-no-js"
    path = make_site_guide(live_site, slug, "Test offline no JavaScript")
    page = no_js_context.new_page()
    assert page.goto(path).status == 200
    assert page.locator("[data-offline-save]").count() == 1
    assert page.locator("[data-offline-save]").is_hidden()
    assert page.locator("[data-offline]").is_hidden()
    assert page.locator(".lead").inner_text() == summary_of(slug)
    page.locator(".card-links a").first.click()
    page.wait_for_url(f"**{path}card/")
    assert "Test offline no JavaScript" in page.locator("main").inner_text()
