"""axe-core in Chromium: no violations on the main public pages in seven languages.

Every WCAG 2.0, 2.1 and 2.2 level A and AA rule axe-core has runs, including
the ones it ships switched off (`target-size`, WCAG 2.2's 2.5.8) or marks
experimental; only rules axe-core itself has deprecated are left out. Each
scan also checks that every one of those rules reported a result (passed,
failed, needs review or did not apply), so a rule that silently did not run
fails the test instead of passing it. axe's best-practice rules run too.
"""

import pytest

from tests.browser.axe import RESULT_KINDS, axe_options, describe
from tests.browser.pages import LANGUAGES, PAGES

pytestmark = pytest.mark.browser


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
