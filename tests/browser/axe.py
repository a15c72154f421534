"""axe-core for the browser tests: which rules run and how a violation reads.

The fixtures that use it (``axe_page``, ``axe``, ``wcag_rules``) are in
tests/browser/conftest.py, so every browser test module can scan a page.
"""

WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RESULT_KINDS = ("passes", "violations", "incomplete", "inapplicable")


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
