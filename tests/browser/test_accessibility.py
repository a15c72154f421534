"""axe-core in Chromium: no violations on the main public pages in seven languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import open_context
from tests.browser.pages import LANGUAGES, PAGES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe_page(browser, live_site):
    """One page reused for every scan (one context, checked at the end)."""
    recorded = open_context(browser, live_site)
    yield recorded.new_page()
    recorded.check_and_close()


@pytest.fixture(scope="module")
def axe():
    return Axe()


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violation(axe_page, axe, language, name):
    response = axe_page.goto(f"/{language}/{PAGES[name]}")
    assert response.status == 200
    # Every rule axe runs by default: WCAG 2.0-2.2 A and AA and best practices.
    results = axe.run(axe_page)
    violations = results.response["violations"]
    assert violations == [], describe(violations)
