"""The wallet card prints on one page without the site's furniture; keyboard use."""

import re

import pytest

from tests.browser.pages import GUIDE

pytestmark = pytest.mark.browser


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("language", ["en", "ar", "bn"])
def test_the_card_prints_on_one_page_without_navigation(site_context, language):
    page = site_context.new_page()
    page.goto(f"/{language}/{GUIDE}card/")
    page.emulate_media(media="print")
    for hidden in ("#quick-exit", ".language-switcher", ".site-footer", ".skip-link"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator(".wallet-card").is_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf_page_count(pdf) == 1


def test_tab_reaches_the_skip_link_then_the_quick_exit(site_context):
    page = site_context.new_page()
    page.goto(f"/en/{GUIDE}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    # The skip link moves focus to the main content.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


FOCUSABLE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1'])"
)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_control_on_a_guide_is_reachable_with_tab_and_shows_focus(site_context, language):
    page = site_context.new_page()
    page.goto(f"/{language}/{GUIDE}")
    expected = page.evaluate(
        """selector => { let n = 0;
             for (const el of document.querySelectorAll(selector)) {
               const style = getComputedStyle(el);
               if (el.offsetParent === null && style.position !== 'fixed' && style.position !== 'sticky') continue;
               if (style.visibility === 'hidden') continue;
               el.dataset.focusId = String(n++); }
             return n; }""",
        FOCUSABLE,
    )
    assert expected > 10
    reached, without_focus_style = set(), []
    for _ in range(expected + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => { const el = document.activeElement; const s = getComputedStyle(el);
                 return {id: el.dataset.focusId ?? null, html: el.outerHTML.slice(0, 80),
                         outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                         shadow: s.boxShadow !== 'none'}; }"""
        )
        if state["id"] is None:
            continue
        reached.add(state["id"])
        if not (state["outline"] or state["shadow"]):
            without_focus_style.append(state["html"])
    assert reached == {str(n) for n in range(expected)}
    assert without_focus_style == []
