"""axe-core in Chromium: no violations on the main public pages in seven languages.

Every WCAG 2.0, 2.1 and 2.2 level A and AA rule axe-core has runs, including
the ones it ships switched off (`target-size`, WCAG 2.2's 2.5.8) or marks
experimental; only rules axe-core itself has deprecated are left out. Each
scan also checks that every one of those rules reported a result (passed,
failed, needs review or did not apply), so a rule that silently did not run
fails the test instead of passing it. axe's best-practice rules run too.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.pages import LANGUAGES, PAGES
from tests.support.browser import open_context

pytestmark = pytest.mark.browser

WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RESULT_KINDS = ("passes", "violations", "incomplete", "inapplicable")


@pytest.fixture(scope="module")
def axe_page(browser, live_site):
    """One page reused for every scan (one context, checked at the end)."""
    recorded = open_context(browser, live_site)
    yield recorded.new_page()
    recorded.check_and_close()


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture(scope="module")
def wcag_rules(axe_page, axe) -> list[str]:
    """Every A and AA rule of the bundled axe-core, off by default or experimental
    ones included; deprecated ones (axe no longer maintains them) left out."""
    axe_page.set_content("<!doctype html><title>rules</title>")
    axe_page.evaluate(axe.axe_script)
    rules = axe_page.evaluate(
        """tags => axe.getRules(tags)
            .filter(rule => !rule.tags.includes("deprecated"))
            .map(rule => rule.ruleId)""",
        WCAG_A_AND_AA,
    )
    assert "target-size" in rules, "this axe-core has no target-size rule"
    return sorted(rules)


def axe_options(rules: list[str]) -> dict:
    """Run the WCAG A/AA tags and best practices, and switch on each WCAG rule
    by name: a tag alone skips rules axe ships disabled or experimental."""
    return {
        "runOnly": {"type": "tag", "values": [*WCAG_A_AND_AA, "best-practice"]},
        "rules": {rule: {"enabled": True} for rule in rules},
    }


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violation(axe_page, axe, wcag_rules, language, name):
    response = axe_page.goto(f"/{language}/{PAGES[name]}")
    assert response.status == 200
    results = axe.run(axe_page, options=axe_options(wcag_rules)).response
    reported = {rule["id"] for kind in RESULT_KINDS for rule in results[kind]}
    assert set(wcag_rules) <= reported, f"rules that did not run: {set(wcag_rules) - reported}"
    violations = results["violations"]
    assert violations == [], describe(violations)
