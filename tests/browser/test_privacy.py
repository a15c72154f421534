"""No request leaves 127.0.0.1, no cookie is set, the CSP refuses nothing."""

import pytest

from tests.browser.pages import LANGUAGES, PAGES
from tests.support.browser import open_context

pytestmark = pytest.mark.browser


def test_reading_every_main_page_stays_on_this_host_and_sets_no_cookie(site_context):
    page = site_context.new_page()
    for language in LANGUAGES:
        for path in [*PAGES.values(), "search/?q=IDNYC", "alerts/test-alert/", "guides/"]:
            assert page.goto(f"/{language}/{path}").status == 200
    assert len(site_context.requested) > 7 * 8
    assert site_context.foreign_requests() == []
    assert site_context.context.cookies() == []
    # Also checked for every browser test when its context closes.


def test_the_guard_sees_what_the_csp_refuses(browser, live_site):
    """A stylesheet from another host never becomes a request (the CSP stops
    it), so the guard reads the browser's CSP reports too."""
    recorded = open_context(browser, live_site)
    page = recorded.new_page()
    page.goto("/en/")
    page.evaluate(
        """() => { const link = document.createElement('link'); link.rel = 'stylesheet';
                   link.href = 'https://fonts.example.com/font.css'; document.head.append(link); }"""
    )
    page.wait_for_timeout(300)
    assert any("fonts.example.com" in report for report in recorded.csp_violations)
    recorded.context.close()
