"""A guide of a test's own on the browser tests' site.

The site runs under gunicorn in another process on a database of its own, so
the guide is made there by a short subprocess with the site's environment
(as tests.browser.admin makes accounts), with the page factories:

    path = make_site_guide(live_site, "test-offline-keep", "Test offline guide")
    page.goto(path)   # "/en/guides/test-offline-keep/"

Its summary is `summary_of(slug)`. Made once per slug (a second call finds it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def summary_of(slug: str) -> str:
    """The summary (lead paragraph) of the guide made for `slug`."""
    return f"Test summary of the guide {slug}."


def make_site_guide(site, slug: str, title: str) -> str:
    """Publish an English guide `slug` titled `title` on `site` (the live_site
    fixture); returns its path."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.browser.own_guide", json.dumps([slug, title])],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"making guide {slug} failed:\n{result.stderr[-3000:]}"
    return f"/en/guides/{slug}/"


def _make_here(slug: str, title: str) -> None:
    """The other end of `make_site_guide`: runs with the site's settings and database."""
    import django

    django.setup()
    from know_your_rights.models import GuidePage
    from tests.factories.know_your_rights import body_citing, make_guide, make_statement

    if GuidePage.objects.filter(slug=slug, locale__language_code="en").exists():
        return
    statement = make_statement(f"{slug}-statement")
    make_guide(slug, title, body=body_citing([statement]), summary=summary_of(slug))


if __name__ == "__main__":
    _make_here(*json.loads(sys.argv[1]))
