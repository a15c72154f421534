"""Guides for the flyer builder's browser test, made on the site under test.

The site runs in another process on a database of its own, so the guides are
made there by a short subprocess with the site's environment (as accounts are,
tests.browser.admin), with the same page builders as the rest of the suite:

    make_flyer_guides(live_site, {"slug": {"en": "Title", "es": "Título", ...}})
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.browser.admin import ROOT


def make_flyer_guides(site, guides: dict[str, dict[str, str]]) -> None:
    """Publish each guide (slug: {language: title}, "en" first) and its translations."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.browser.flyer_guides", json.dumps(guides)],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"making guides failed on the site:\n{result.stderr[-3000:]}"


def _make_on_this_site(guides: dict[str, dict[str, str]]) -> None:
    import django

    django.setup()
    from tests.factories.know_your_rights import make_guide, translate_guide

    for slug, titles in guides.items():
        english = make_guide(slug, titles["en"])
        for code, title in titles.items():
            if code != "en":
                translate_guide(english, code, title)


if __name__ == "__main__":
    _make_on_this_site(json.loads(sys.argv[1]))
